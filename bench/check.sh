#!/usr/bin/env bash
# Benchmark for `wort check` (issue: rules): bench/rules.dqdl (20 mixed rules) over the
# ~1 GB generated file, in the same run, release build, best of RUNS, against
#   one bare polars scan of the same columns (Python polars, bench/check.py), and
#   the same 20 rules in SodaCL through Soda Core on DuckDB (bench/check_soda.py).
# Peak RSS from /usr/bin/time -v. Venvs: target/bench-venv, target/bench-soda (PyPI).
#
#   bash bench/check.sh                   # SKIP_BUILD=1 to use target/release/wort as is
#   SKIP_SODA=1 bash bench/check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE="${SIZE:-1GB}"; RUNS="${RUNS:-2}"
DATA="bench/out/flights_${SIZE}.csv"
mkdir -p bench/out
[ -f "$DATA" ] || python3 bench/gen_messy.py --size "$SIZE" --out "$DATA"
TARGET="${CARGO_TARGET_DIR:-target}"
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --bin wort
VENV=target/bench-venv
if ! "$VENV/bin/python" -c "import polars" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check polars duckdb
fi
SODA=target/bench-soda
if [ -z "${SKIP_SODA:-}" ] && ! "$SODA/bin/python" -c "import soda.scan" 2>/dev/null; then
  python3 -m venv "$SODA"
  "$SODA/bin/pip" install --quiet --disable-pip-version-check soda-core-duckdb
fi
. bench/lib.sh
echo "file: $DATA ($(du -h "$DATA" | cut -f1)), $(nproc) cores"
results=()
for i in $(seq "$RUNS"); do
  results+=("$(measure polars_scan "$VENV/bin/python" bench/check.py "$DATA")")
  results+=("$(measure wort_check "$TARGET/release/wort" check "$DATA" --rules bench/rules.dqdl)")
  [ -n "${SKIP_SODA:-}" ] || results+=("$(measure soda_duckdb "$SODA/bin/python" bench/check_soda.py "$DATA")")
done
printf '%s\n' "${results[@]}"
echo "--- best of $RUNS (wall s, peak RSS MiB, ratio to the bare polars scan)"
printf '%s\n' "${results[@]}" | best polars_scan
