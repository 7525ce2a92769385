"""Soda Core (soda-core-duckdb) peer for the `wort check` benchmark (bench/check.sh):
the 20 rules of bench/rules.dqdl written in SodaCL, over a DuckDB view of the CSV
(so every query Soda sends reads the file, as wort reads it). Exit 0 when every
check passed, 1 when one failed, 2 on an error; prints Soda's summary to stderr.

    python bench/check_soda.py FILE.csv
"""
import sys

import duckdb
from soda.scan import Scan

CHECKS = """
checks for flights:
  - row_count > 1000000
  - schema:
      fail:
        when required column missing: [year, month, day, dep_time, sched_dep_time,
          dep_delay, arr_time, sched_arr_time, arr_delay, carrier, flight, tailnum,
          origin, dest, air_time, distance, hour, minute, time_hour, passenger_email,
          fare, notes]
  - missing_count(year) = 0
  - missing_count(carrier) = 0
  - missing_percent(dep_delay) < 10
  - missing_percent(tailnum) < 10
  - invalid_count(origin) = 0:
      valid values: [JFK, LGA, EWR]
  - invalid_count(month) = 0:
      valid min: 1
      valid max: 12
  - invalid_percent(dep_delay) < 10:
      valid min: -99
      valid max: 1499
  - invalid_count(carrier) = 0:
      valid regex: ^[A-Z0-9]{2}$
  - invalid_percent(passenger_email) < 10:
      valid regex: ^[^@ ]+@[^@ ]+$
  - invalid_count(dest) = 0:
      valid length: 3
  - avg(distance) between 500 and 2000
  - stddev(air_time) < 200
  - sum(fare) > 0
  - distinct_dest > 50:
      distinct_dest expression: COUNT(DISTINCT dest)
  - carrier_entropy > 1:
      carrier_entropy query: |
        SELECT -SUM(p * LN(p)) FROM (
          SELECT COUNT(*) * 1.0 / SUM(COUNT(*)) OVER () AS p
          FROM flights WHERE carrier IS NOT NULL GROUP BY carrier)
  - tailnum_unique_ratio < 0.5:
      tailnum_unique_ratio query: |
        SELECT COUNT(*) FILTER (WHERE n = 1) * 1.0 / COUNT(*) FROM (
          SELECT COUNT(*) AS n FROM flights WHERE tailnum IS NOT NULL GROUP BY tailnum)
  - delay_correlation > 0.5:
      delay_correlation expression: CORR(dep_delay, arr_delay)
  - invalid_percent(fare) < 10:
      valid min: 0
      filter: origin = 'JFK'
"""

con = duckdb.connect()
path = sys.argv[1].replace("'", "''")
con.execute(f"CREATE VIEW flights AS SELECT * FROM read_csv('{path}', nullstr = ['NA', ''])")
scan = Scan()
scan.set_data_source_name("bench")
scan.add_duckdb_connection(con, data_source_name="bench")
scan.add_sodacl_yaml_str(CHECKS)
scan.set_verbose(False)
code = scan.execute()
print(scan.get_logs_text(), file=sys.stderr)
checks = scan.get_scan_results().get("checks", [])
print(f"{len(checks)} checks: " + ", ".join(sorted({c.get('outcome') or '?' for c in checks})), file=sys.stderr)
sys.exit(2 if scan.has_error_logs() else (1 if scan.has_check_fails() else 0))
