"""Pollock scores of the systems loaded by run.sh, computed with the benchmark's own
measures (`pollock/metrics.py` of the checkout: success, then precision, recall and
F1 of the header, the records and the cells against the clean file) and its weights
(`pollock_weights.json`), aggregated as its evaluate.py does:

- simple score: the sum over the ten measures of their mean over the files (max 10);
- weighted score: the sum over the files of the file's ten measures times its
  normalised weight (max 10).

Also per pollution family (the file name without its parameters), the mean of the
per-file sum of the ten measures. Each file's score per system goes to
OUT_DIR/per_file.csv.

    python score.py POLLOCK_CHECKOUT OUT_DIR SYSTEM...
"""
import json
import os
import re
import sys
from multiprocessing import Pool

POLLOCK, OUT, SYSTEMS = sys.argv[1], sys.argv[2], sys.argv[3:]
sys.path.insert(0, POLLOCK)
import pollock.metrics as metrics  # noqa: E402

DATASET = os.path.join(POLLOCK, "polluted_files")
FILES = sorted(f for f in os.listdir(os.path.join(DATASET, "csv")) if f.endswith(".csv"))
# The families evaluate.py reports, by file name.
GROUPS = {
    "table": r"file_double.*|file_header.*|file_no.*|file_one.*|file_multi.*|file_preamble.*",
    "inconsistent": r"%row_less.*|row_more",
    "structural": r"file_field.*|row_field.*|file_quote.*|file_record_delimiter.*|row_extra_quote.*|file_escape.*",
}


def measures(args):
    system, f = args
    loaded = os.path.join(OUT, system, "loading", f + "_converted.csv")
    clean = os.path.join(DATASET, "clean", f)
    try:
        ok = metrics.successful_csv(loaded)
        rest = metrics.header_record_cell_measures_csv(clean, loaded, 1) if ok else [0] * 9
        return system, f, [ok, *rest]
    except Exception:  # noqa: BLE001 - the benchmark scores an unreadable result as 0
        return system, f, [0] * 10


def family(f):
    """`row_more_sep_row82_col3.csv` -> `row_more_sep`, `file_escape_char_0x5C.csv` ->
    `file_escape_char`: the pollution without where or with what."""
    name = f[: -len(".csv")]
    for pattern in (
        r"(_0x[0-9A-Fa-f]+)+$",
        r"_row\d+_col\d+$",
        r"\d+_col\d+$",
        r"_\d+(_\d+x\d+)?$",
        r"_\d+$",
    ):
        name = re.sub(pattern, "", name)
    return name


def main():
    with open(os.path.join(POLLOCK, "pollock_weights.json")) as fh:
        weights = json.load(fh)
    w = {f: weights.get(f, -1) for f in FILES}
    total_w = sum(w.values())
    with Pool(os.cpu_count() or 2) as pool:
        results = pool.map(measures, [(s, f) for s in SYSTEMS for f in FILES], chunksize=8)
    per = {s: {} for s in SYSTEMS}
    for s, f, m in results:
        per[s][f] = m
    with open(os.path.join(OUT, "per_file.csv"), "w") as fh:
        fh.write("file,family," + ",".join(SYSTEMS) + "\n")
        for f in FILES:
            fh.write(f"{f},{family(f)}," + ",".join(f"{sum(per[s][f]):.4f}" for s in SYSTEMS) + "\n")
    print(f"{len(FILES)} files; scores out of 10 (success + header/record/cell precision, recall, F1)")
    print(f"{'system':<14}{'simple':>8}{'weighted':>10}{'refused':>9}")
    for s in SYSTEMS:
        ms = per[s]
        simple = sum(sum(m[i] for m in ms.values()) / len(FILES) for i in range(10))
        weighted = sum(sum(ms[f]) * w[f] / total_w for f in FILES)
        refused = sum(1 for m in ms.values() if m[0] == 0)
        print(f"{s:<14}{simple:>8.3f}{weighted:>10.3f}{refused:>9}")
    print()
    fams = sorted({family(f) for f in FILES})
    print(f"{'pollution':<34}{'files':>6}" + "".join(f"{s:>13}" for s in SYSTEMS))
    for fam in fams:
        fs = [f for f in FILES if family(f) == fam]
        cols = "".join(f"{sum(sum(per[s][f]) for f in fs) / len(fs):>13.3f}" for s in SYSTEMS)
        print(f"{fam:<34}{len(fs):>6}{cols}")
    print()
    for g, rx in GROUPS.items():
        fs = [f for f in FILES if re.search(rx, f)]
        cols = "".join(f"{sum(sum(per[s][f]) for f in fs) / len(fs):>13.3f}" for s in SYSTEMS)
        print(f"{'group ' + g:<34}{len(fs):>6}{cols}")


if __name__ == "__main__":
    main()
