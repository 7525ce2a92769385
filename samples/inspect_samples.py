#!/usr/bin/env python3
"""Check the sample files and print the facts samples/README.md states about them.

    python3 samples/inspect_samples.py           # csv module only
    python3 samples/inspect_samples.py --polars  # also read each file with polars (if installed)

For each file: rows x columns, ragged rows, exact duplicate rows, null-like
tokens per column, date formats seen per column, columns that are mostly
numeric but hold some text, fields with embedded delimiter / quote / newline,
values with leading or trailing whitespace, and line endings.
"""

import argparse
import collections
import csv
import io
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# file -> how to read it: encoding, delimiter, lines to skip before the header
FILES = {
    "flights.csv": ("utf-8", ",", 0),
    "airlines.csv": ("utf-8", ",", 0),
    "penguins.csv": ("utf-8", ",", 0),
    "airports.csv": ("utf-8", ",", 0),
    "seattle_weather.csv": ("utf-8", ",", 0),
    "messy_orders.csv": ("utf-8", ";", 3),
    "latin1_customers.csv": ("latin-1", ",", 0),
}

NULL_TOKENS = ["", "NA", "N/A", "null", "NULL", "-", ".", "NaN", "nan", "None"]

DATE_PATTERNS = [
    ("YYYY-MM-DDTHH:MM:SSZ", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"),
    ("YYYY-MM-DD HH:MM:SS", r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"),
    ("YYYY-MM-DD", r"\d{4}-\d{2}-\d{2}"),
    ("YYYY/MM/DD", r"\d{4}/\d{2}/\d{2}"),
    ("DD/MM/YYYY or MM/DD/YYYY", r"\d{2}/\d{2}/\d{4}"),
    ("M/D/YY", r"\d{1,2}/\d{1,2}/\d{2}"),
    ("DD.MM.YYYY", r"\d{2}\.\d{2}\.\d{4}"),
    ("D Mon YYYY", r"\d{1,2} [A-Z][a-z]{2} \d{4}"),
    ("Mon D YYYY", r"[A-Z][a-z]{2} \d{1,2} \d{4}"),
]
DATE_RES = [(name, re.compile(p + r"\Z")) for name, p in DATE_PATTERNS]
NUM_RE = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\Z")


def read(name):
    enc, delim, skip = FILES[name]
    raw = open(os.path.join(HERE, name), "rb").read()
    crlf = raw.count(b"\r\n")
    lf = raw.count(b"\n") - crlf
    text = raw.decode(enc)
    f = io.StringIO(text, newline="")
    preamble = [f.readline() for _ in range(skip)]
    rows = list(csv.reader(f, delimiter=delim))
    return raw, preamble, rows, crlf, lf


def inspect(name):
    enc, delim, skip = FILES[name]
    raw, preamble, rows, crlf, lf = read(name)
    header, body = rows[0], rows[1:]
    try:
        raw.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False
    dups = collections.Counter(tuple(r) for r in body)
    n_dup = sum(v - 1 for v in dups.values() if v > 1)
    print(f"== {name}: {len(body)} rows x {len(header)} cols, {len(raw)} bytes, encoding {enc}"
          f"{'' if utf8 else ' (not valid UTF-8)'}, delimiter {delim!r}, preamble lines {skip}, "
          f"CRLF {crlf} / bare LF {lf}")
    print(f"   ragged rows: {sum(len(r) != len(header) for r in body)}; exact duplicate rows: {n_dup}")
    facts = {"rows": len(body), "cols": len(header), "dups": n_dup, "nulls": {}, "dates": {}, "mixed": {}}
    for i, col in enumerate(header):
        vals = [r[i] for r in body if i < len(r)]
        nulls = {t: sum(v == t for v in vals) for t in NULL_TOKENS}
        nulls = {t: c for t, c in nulls.items() if c}
        rest = [v for v in vals if v not in nulls]
        dates = collections.Counter()
        for v in rest:
            s = v.strip()
            for dname, rx in DATE_RES:
                if rx.match(s):
                    dates[dname] += 1
                    break
        numeric = sum(bool(NUM_RE.match(v.strip())) for v in rest)
        text = len(rest) - numeric
        ws = sum(v != v.strip() for v in vals)
        special = sum((delim in v) or ('"' in v) or ("\n" in v) for v in vals)
        notes = []
        if nulls:
            notes.append("nulls " + ", ".join(f"{t or '<empty>'}:{c}" for t, c in nulls.items()))
            facts["nulls"][col] = nulls
        if dates:
            notes.append("dates " + ", ".join(f"{d}:{c}" for d, c in dates.items()))
            facts["dates"][col] = dict(dates)
        if numeric and text and numeric >= 0.8 * len(rest):
            junk = sorted({v for v in rest if not NUM_RE.match(v.strip())})[:6]
            notes.append(f"MIXED numeric {numeric} + text {text} e.g. {junk}")
            facts["mixed"][col] = junk
        if ws:
            notes.append(f"whitespace-padded {ws}")
        if special:
            notes.append(f"embedded delimiter/quote/newline {special}")
        if notes:
            print(f"   {col!r}: " + "; ".join(notes))
    return facts


def polars_check(name):
    try:
        import polars as pl
    except ImportError:
        print("   polars not installed; skipped")
        return
    enc, delim, skip = FILES[name]
    path = os.path.join(HERE, name)
    kw = dict(separator=delim, skip_rows=skip, null_values=["NA", "N/A", "null", "-", ""],
              infer_schema_length=10000, encoding="utf8-lossy" if enc != "utf-8" else "utf8")
    try:
        df = pl.read_csv(path, **kw)
        print(f"   polars: {df.height} x {df.width}; dtypes "
              + ", ".join(f"{c}:{t}" for c, t in zip(df.columns, df.dtypes)))
        print(f"   polars: is_duplicated rows {int(df.is_duplicated().sum())}, null counts "
              + str({c: n for c, n in zip(df.columns, df.null_count().row(0)) if n}))
    except Exception as e:  # report, don't hide
        print(f"   polars FAILED: {type(e).__name__}: {e}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--polars", action="store_true")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    for name in a.files or FILES:
        inspect(name)
        if a.polars:
            polars_check(name)
        print()


if __name__ == "__main__":
    sys.exit(main())
