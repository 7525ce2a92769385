#!/usr/bin/env python3
"""Run many exported wort jobs in ONE local Spark session (the parity tests' harness).

    python harness.py MANIFEST.json RESULTS.json

MANIFEST: {"jobs": [
    {"name": "...", "job": "job.py", "inputs": ["data.csv"], "output": "out_dir"},
    {"name": "...", "sql": "query.sql", "job": "job.py", "table": "input",
     "inputs": ["data.csv"], "output": "out_dir"}
]}
A PySpark job is imported as a module and its run(spark, inputs, output) called, exactly
what its __main__ block does. A SQL job reads the input with the PySpark job's reader
(registered as a view standing for `table`) and runs the query. Every job writes Parquet.
Jobs run a few at a time (WORT_SPARK_THREADS, default 3) in the one session.

RESULTS: {"name": {"ok": true, "seconds": 1.2} | {"ok": false, "error": "..."}}.
"""

import importlib.util
import json
import os
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    manifest_path, results_path = sys.argv[1], sys.argv[2]
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)

    started = time.time()
    spark = start_session("wort parity")
    results = {"__startup_seconds": time.time() - started, "__spark_version": spark.version}

    def run_one(i, job):
        t0 = time.time()
        # A new thread has no active session in the JVM, and SQL settings (such as the
        # case sensitivity the jobs set) would fall back to defaults.
        spark._jvm.org.apache.spark.sql.SparkSession.setActiveSession(spark._jsparkSession)
        try:
            module = load(job["job"], "wort_job_%d" % i)
            if "sql" in job:
                module.configure(spark)
                df = module.read_input(spark, job["inputs"]).drop(module.ROW)
                # A view per job: jobs run side by side in this session.
                view = "%s_%d" % (job.get("table", "input"), i)
                df.createOrReplaceTempView(view)
                with open(job["sql"], encoding="utf-8") as f:
                    query = f.read()
                query = query.replace("`%s`" % job.get("table", "input"), "`%s`" % view)
                spark.sql(query).write.mode("overwrite").parquet(job["output"])
            else:
                module.run(spark, job["inputs"], job["output"], job.get("output_format", "parquet"))
            result = {"ok": True, "seconds": time.time() - t0}
        except Exception as e:  # noqa: BLE001 - every failure is reported, not raised
            result = failure(e, t0)
        return job["name"], said(job["name"], result)

    finish(spark, manifest["jobs"], run_one, results, started, results_path)


def failure(e, t0):
    """The result of a job that raised."""
    text = "".join(traceback.format_exception_only(type(e), e)).strip()
    return {
        "ok": False,
        "error": text[:4000],
        "traceback": traceback.format_exc()[-4000:],
        "seconds": time.time() - t0,
    }


def said(name, result):
    """Print a job's line of progress; the result, unchanged."""
    print("%-40s %s %.1fs" % (name, "ok" if result["ok"] else "FAILED", result["seconds"]),
          file=sys.stderr, flush=True)
    return result


def start_session(app_name):
    """The one local Spark session every job of a run shares."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.adaptive.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def finish(spark, jobs, run_one, results, started, results_path):
    """Run `run_one(i, job)` -> (name, result) over the jobs, then write RESULTS."""
    # Jobs are independent: a few at a time keep both cores busy while the driver plans.
    workers = int(os.environ.get("WORT_SPARK_THREADS", "3"))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for name, result in pool.map(lambda ij: run_one(*ij), enumerate(jobs)):
            results[name] = result
    spark.stop()
    results["__total_seconds"] = time.time() - started
    tmp = results_path + ".part"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)
    os.replace(tmp, results_path)


if __name__ == "__main__":
    main()
