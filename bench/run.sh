#!/usr/bin/env bash
# Benchmark: `wort run` of bench/recipe.json against the same pipeline written by hand
# in polars (examples/bench_polars.rs), same polars version, release build, same run.
# Reports wall time, the ratio, and peak RSS (/usr/bin/time -v).
#
#   bash bench/run.sh            # 1 GB file (generated once into bench/out/)
#   SIZE=200MB bash bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE="${SIZE:-1GB}"
RUNS="${RUNS:-2}"
mkdir -p bench/out
DATA="bench/out/flights_${SIZE}.csv"
[ -f "$DATA" ] || python3 bench/gen_messy.py --size "$SIZE" --out "$DATA"
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --bin wort --example bench_polars
TARGET="${CARGO_TARGET_DIR:-target}"
WORT=$TARGET/release/wort
BASE=$TARGET/release/examples/bench_polars

measure() { # label, command...
  local label=$1; shift
  local log; log=$(mktemp)
  /usr/bin/time -v "$@" 2>"$log" >/dev/null || { cat "$log"; exit 1; }
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  echo "$label $wall $rss"
  rm -f "$log"
}

echo "file: $DATA ($(du -h "$DATA" | cut -f1)), $(nproc) cores"
results=()
for i in $(seq "$RUNS"); do
  results+=("$(measure polars "$BASE" "$DATA" bench/out/polars.parquet)")
  results+=("$(measure wort "$WORT" run bench/recipe.json "$DATA" -o bench/out/wort.parquet -q)")
done
printf '%s\n' "${results[@]}"
# best of RUNS for each
best() { printf '%s\n' "${results[@]}" | awk -v t="$1" '$1==t' | sort -k2 -n | head -1; }
p=$(best polars); w=$(best wort)
pt=$(echo "$p" | awk '{print $2}'); pr=$(echo "$p" | awk '{print $3}')
wt=$(echo "$w" | awk '{print $2}'); wr=$(echo "$w" | awk '{print $3}')
python3 - "$pt" "$pr" "$wt" "$wr" <<'PY'
import sys
pt, pr, wt, wr = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
print(f"hand-written polars: {pt:.2f} s, peak RSS {pr/1024:.0f} MiB")
print(f"wort run:            {wt:.2f} s, peak RSS {wr/1024:.0f} MiB")
print(f"time ratio wort/polars: {wt/pt:.2f}   RSS ratio: {wr/pr:.2f}")
PY
# Same rows out?
python3 - <<'PY' 2>/dev/null || true
import pyarrow.parquet as pq
a = pq.ParquetFile("bench/out/polars.parquet").metadata.num_rows
b = pq.ParquetFile("bench/out/wort.parquet").metadata.num_rows
print(f"rows out: polars {a:,}, wort {b:,}")
PY
