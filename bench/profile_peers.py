"""Peers for the profile benchmark (bench/profile.sh): what people use today to profile
a CSV. Each mode reads the file and computes its summary; the result is written to
/dev/null-like sinks so only the work is timed.

    python bench/profile_peers.py polars FILE    # Python polars: read_csv + describe()
    python bench/profile_peers.py duckdb FILE    # DuckDB: SUMMARIZE over read_csv
    python bench/profile_peers.py ydata FILE     # ydata-profiling, minimal mode, to JSON
"""
import sys

mode, path = sys.argv[1], sys.argv[2]
if mode == "polars":
    import polars as pl

    df = pl.read_csv(path, null_values=["NA"], infer_schema_length=100_000)
    out = df.describe(percentiles=(0.05, 0.25, 0.5, 0.75, 0.95))
    print(out.shape, file=sys.stderr)
elif mode == "duckdb":
    import duckdb

    con = duckdb.connect()
    rows = con.execute(
        "SUMMARIZE SELECT * FROM read_csv(?, nullstr = ['NA', ''])", [path]
    ).fetchall()
    print(len(rows), file=sys.stderr)
elif mode == "ydata":
    import pandas as pd
    from ydata_profiling import ProfileReport

    df = pd.read_csv(path, na_values=["NA"], low_memory=False)
    report = ProfileReport(df, minimal=True, progress_bar=False)
    js = report.to_json()
    print(len(js), file=sys.stderr)
else:
    sys.exit(f"unknown mode {mode!r}: polars, duckdb or ydata")
