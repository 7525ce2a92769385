#!/usr/bin/env bash
# The Pollock benchmark (Vitagliano et al., VLDB 2023; files, clean versions and
# scoring code: https://github.com/HPI-Information-Systems/Pollock) for wort with no
# flags, DuckDB's automatic reader and Python polars' read_csv defaults, in one run.
#
#   bash bench/pollock/run.sh POLLOCK_CHECKOUT [OUT_DIR]
#
# POLLOCK_CHECKOUT is a clone of that repository (its polluted_files/ and pollock/
# are read, nothing there is written). OUT_DIR (default bench/out/pollock) gets each
# system's loaded tables and scores.txt. Needs a python with chardet, multiset,
# joblib, numpy, pandas, python-dateutil, price-parser, duckdb and polars
# (PYTHON=..., default python3), and the wort binary (WORT=..., default the release
# build).
set -euo pipefail
cd "$(dirname "$0")/../.."
POLLOCK=$(cd "${1:?usage: bench/pollock/run.sh POLLOCK_CHECKOUT [OUT_DIR]}" && pwd)
OUT=${2:-bench/out/pollock}
PYTHON=${PYTHON:-python3}
WORT=${WORT:-target/release/wort}
[ -x "$WORT" ] || { echo "no wort binary at $WORT (cargo build --release, or WORT=...)" >&2; exit 2; }
WORT=$(cd "$(dirname "$WORT")" && pwd)/$(basename "$WORT")
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
IN="$POLLOCK/polluted_files/csv"

# wort: an empty recipe replayed, with no reading flags, then with --skip-bad-rows; a
# refusal is written as the benchmark's "Application Error" file, with wort's message.
EMPTY="$OUT/empty_recipe.json"
echo '{"wort_recipe": 1, "steps": []}' > "$EMPTY"
export WORT EMPTY IN OUT
load_wort() {
  local name=$1 flags=$2
  mkdir -p "$OUT/$name/loading"
  local started
  started=$(date +%s.%N)
  ls "$IN" | grep '\.csv$' | NAME=$name FLAGS=$flags xargs -P 2 -I{} sh -c '
    out="$OUT/$NAME/loading/{}_converted.csv"
    if ! "$WORT" run "$EMPTY" "$IN/{}" -o "$out" -q $FLAGS 2> "$out.err"; then
      { echo "Application Error"; cat "$out.err"; } > "$out"
    fi
    rm -f "$out.err"'
  echo "$name: $(echo "$(date +%s.%N) - $started" | bc) s" >&2
}
load_wort wort ""
load_wort wort_skip_bad_rows "--skip-bad-rows"

"$PYTHON" bench/pollock/load_peers.py "$IN" "$OUT"
"$PYTHON" bench/pollock/score.py "$POLLOCK" "$OUT" wort wort_skip_bad_rows duckdb_auto polars | tee "$OUT/scores.txt"
