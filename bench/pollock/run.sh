#!/usr/bin/env bash
# The Pollock benchmark (Vitagliano et al., "Pollock: A Data Loading Benchmark",
# VLDB 2023; files, clean versions and scoring code:
# https://github.com/HPI-Information-Systems/Pollock) for wort with no flags, DuckDB's
# automatic reader (the benchmark's own `duckdbauto` settings) and Python polars'
# read_csv defaults, loaded and scored in one run.
#
#   bash bench/pollock/run.sh SOURCE [OUT_DIR]
#
# SOURCE is a path or URL git can clone (default
# https://github.com/HPI-Information-Systems/Pollock); it is cloned into
# OUT_DIR/pollock once (polluted_files/, pollock/ and pollock_weights.json checked
# out) and only read. OUT_DIR (default bench/out/pollock) gets each
# system's loaded tables (`<system>/loading/<file>_converted.csv`, as the benchmark's
# loaders write them) and scores.txt. Needs a python (PYTHON=..., default python3)
# with what the benchmark's metrics import (chardet, multiset, joblib, numpy, pandas,
# python-dateutil, dateparser, price-parser) plus duckdb and polars, and the wort
# binary (WORT=..., default the debug build; SKIP_PEERS=1 reuses the peers' tables).
set -euo pipefail
cd "$(dirname "$0")/../.."
SOURCE=${1:-https://github.com/HPI-Information-Systems/Pollock}
OUT=${2:-bench/out/pollock}
PYTHON=${PYTHON:-python3}
WORT=${WORT:-target/debug/wort}
[ -x "$WORT" ] || { echo "no wort binary at $WORT (cargo build, or WORT=...)" >&2; exit 2; }
WORT=$(cd "$(dirname "$WORT")" && pwd)/$(basename "$WORT")
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
POLLOCK="$OUT/pollock"
# Only the benchmark's files, metrics and weights are checked out (its results of
# other systems are large and not needed).
if [ ! -d "$POLLOCK/.git" ]; then
  git clone --quiet --no-checkout "$SOURCE" "$POLLOCK"
  git -C "$POLLOCK" checkout --quiet HEAD -- polluted_files pollock pollock_weights.json
fi
IN="$POLLOCK/polluted_files/csv"

# wort: an empty recipe replayed with no reading flags. A refusal is written as the
# benchmark's loaders write a failure: "Application Error" and the message.
EMPTY="$OUT/empty_recipe.json"
echo '{"wort_recipe": 1, "steps": []}' > "$EMPTY"
rm -rf "$OUT/wort"
mkdir -p "$OUT/wort/loading"
export WORT EMPTY IN OUT
started=$(date +%s)
ls "$IN" | grep '\.csv$' | xargs -P 2 -I{} sh -c '
  out="$OUT/wort/loading/{}_converted.csv"
  if ! "$WORT" run "$EMPTY" "$IN/{}" -o "$out" -q 2> "$out.err"; then
    { echo "Application Error"; cat "$out.err"; } > "$out"
  fi
  rm -f "$out.err"'
echo "wort: $(( $(date +%s) - started )) s" >&2

[ "${SKIP_PEERS:-}" = 1 ] || "$PYTHON" bench/pollock/load_peers.py "$IN" "$OUT"
"$PYTHON" bench/pollock/score.py "$POLLOCK" "$OUT" wort duckdb_auto polars | tee "$OUT/scores.txt"
