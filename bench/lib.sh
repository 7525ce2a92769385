# Shared by the benchmark scripts: measure a command's wall time and peak RSS, and
# print the best run of each label with its ratio to a reference label.

# measure LABEL COMMAND...: prints "LABEL WALL_S RSS_KB"; exit code 1 is taken as an
# answer (a failed check), anything above as a failure of the command.
measure() {
  local label=$1; shift
  local log; log=$(mktemp)
  local rc=0
  /usr/bin/time -v "$@" 2>"$log" >/dev/null || rc=$?
  if [ "$rc" -gt 1 ]; then tail -5 "$log" >&2; echo "$label failed ($rc)" >&2; rm -f "$log"; return 0; fi
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  echo "$label $wall $rss"
  rm -f "$log"
}

# best REF [REF_SMALL]: reads "LABEL WALL RSS" lines on stdin, prints the best of each
# label with its ratio to REF (to REF_SMALL for labels containing "100k").
best() {
  python3 -c '
import sys
ref, small = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else sys.argv[1])
best = {}
for line in sys.stdin:
    parts = line.split()
    if len(parts) < 3: continue
    label, wall, rss = parts[0], float(parts[1]), int(parts[2])
    if label not in best or wall < best[label][0]:
        best[label] = (wall, rss)
for label, (wall, rss) in best.items():
    r = small if "100k" in label else ref
    ratio = wall / best[r][0] if r in best else float("nan")
    print(f"{label:26} {wall:8.2f} s {rss/1024:8.0f} MiB   x{ratio:.2f} of {r}")
' "$@"
}
