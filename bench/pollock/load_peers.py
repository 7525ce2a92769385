"""Load every Pollock file with DuckDB's automatic reader (the benchmark's own
`duckdbauto` settings) and with Python polars' read_csv defaults, writing each table
as the benchmark's loaders do: `<file>_converted.csv`, or "Application Error" and the
message."""
import os
import sys
import time

import duckdb
import polars as pl

IN, OUT = sys.argv[1], sys.argv[2]


def load_all(name, load):
    out_dir = os.path.join(OUT, name, "loading")
    os.makedirs(out_dir, exist_ok=True)
    started = time.time()
    for f in sorted(os.listdir(IN)):
        if not f.endswith(".csv"):
            continue
        target = os.path.join(out_dir, f + "_converted.csv")
        try:
            load(os.path.join(IN, f), target)
        except Exception as e:  # noqa: BLE001 - every failure is the file's score
            with open(target, "w", encoding="utf-8") as t:
                t.write("Application Error\n" + str(e))
    print(f"{name}: {time.time() - started:.1f} s", file=sys.stderr)


def duckdb_auto(path, target):
    con = duckdb.connect()
    rel = con.read_csv(path, strict_mode=False, ignore_errors=True, null_padding=True)
    rel.df().to_csv(target, index=False)


def polars_defaults(path, target):
    pl.read_csv(path).write_csv(target)


load_all("duckdb_auto", duckdb_auto)
load_all("polars", polars_defaults)
