#!/usr/bin/env bash
# Benchmark for `wort check`: bench/rules.dqdl (20 mixed rules) over the ~1 GB file,
# against one bare polars scan of the same columns (Python polars, bench/check.py),
# same run, release build, best of RUNS. Needs a python with polars: PYTHON=...
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE="${SIZE:-1GB}"; RUNS="${RUNS:-2}"; PYTHON="${PYTHON:-python3}"
DATA="bench/out/flights_${SIZE}.csv"
[ -f "$DATA" ] || python3 bench/gen_messy.py --size "$SIZE" --out "$DATA"
TARGET="${CARGO_TARGET_DIR:-target}"
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --bin wort
measure() {
  local label=$1; shift; local log; log=$(mktemp)
  /usr/bin/time -v "$@" 2>"$log" >/dev/null || true
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  echo "$label $wall $rss"; rm -f "$log"
}
for i in $(seq "$RUNS"); do
  measure polars_scan "$PYTHON" bench/check.py "$DATA"
  measure wort_check "$TARGET/release/wort" check "$DATA" --rules bench/rules.dqdl
done
