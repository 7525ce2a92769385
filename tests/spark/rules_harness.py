#!/usr/bin/env python3
"""Run many exported wort rule jobs in ONE local Spark session (the rules parity tests).

    python rules_harness.py MANIFEST.json RESULTS.json

MANIFEST: {"jobs": [{"name": "...", "job": "check_job.py", "inputs": ["data.csv"],
    "report": "report.json", "output": null | "out_dir", "quarantine": null | "bad_dir",
    "replay": false}]}
Each job is imported as a module and its check(spark, ...) called, what its __main__
block does (the session is the harness's: each check makes a session of its own inside
it). Outputs are Parquet.

RESULTS: {"name": {"ok": true, "code": 0|1|2, "log": [...], "seconds": 1.2} |
          {"ok": false, "error": "...", "traceback": "..."}}.
"""

import json
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import failure, finish, load, said, start_session  # noqa: E402 - the recipe harness's machinery


def main():
    manifest_path, results_path = sys.argv[1], sys.argv[2]
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)

    started = time.time()
    spark = start_session("wort rules parity")
    results = {"__startup_seconds": time.time() - started, "__spark_version": spark.version}

    def run_one(i, job):
        t0 = time.time()
        spark._jvm.org.apache.spark.sql.SparkSession.setActiveSession(spark._jsparkSession)
        lines = []
        try:
            module = load(job["job"], "wort_rules_job_%d" % i)
            try:
                code = module.check(
                    spark, job["inputs"], job.get("report"), job.get("format"),
                    job.get("output"), "parquet", job.get("quarantine"),
                    10, job.get("dataset"), job.get("replay", False), lines.append,
                )
            except module.InputError as e:
                lines.append("error: %s" % e)
                code = 2
            result = {"ok": True, "code": code, "log": lines, "seconds": time.time() - t0}
        except Exception as e:  # noqa: BLE001 - every failure is reported, not raised
            result = failure(e, t0)
        return job["name"], said(job["name"], result)

    finish(spark, manifest["jobs"], run_one, results, started, results_path)


if __name__ == "__main__":
    main()
