"""Baseline for `wort check` (bench/check.sh): one bare polars scan of the same CSV that
computes one cheap aggregate per column the rules read, no rule logic."""
import sys, polars as pl

cols = ["year", "carrier", "dep_delay", "tailnum", "origin", "month", "passenger_email",
        "dest", "distance", "air_time", "fare", "arr_delay"]
lf = pl.scan_csv(sys.argv[1], null_values=["NA"], infer_schema_length=100_000)
out = lf.select([pl.col(c).null_count().alias(c) for c in cols]).collect(engine="streaming")
print(out)
