#!/usr/bin/env python3
"""Generate a large, messy, flights-like CSV for benchmarks.

    python3 bench/gen_messy.py --rows 1000000 --out bench/out/flights_1m.csv
    python3 bench/gen_messy.py --size 1GB     --out bench/out/flights_1gb.csv
    python3 bench/gen_messy.py --rows 1000 --out -          # to stdout

Columns are modelled on nycflights13::flights (same 19 columns, same order),
plus three extra ones:

    year,month,day,dep_time,sched_dep_time,dep_delay,arr_time,sched_arr_time,
    arr_delay,carrier,flight,tailnum,origin,dest,air_time,distance,hour,minute,
    time_hour,passenger_email,fare,notes

time_hour is local time as R prints it (`2013-01-01 05:00:00`); fare has two
decimals; notes is free text, mostly empty, sometimes with commas and doubled
quotes (so it is quoted). Routes, distances, typical air times and carrier
shares are taken from the real 2013 data; everything else is random.

Mess, at roughly these rates:
  * `NA` in dep_time, dep_delay, arr_time, arr_delay, air_time (~3% each;
    cancelled flights have all five NA, diverted ones arr_delay + air_time),
    and `NA` in tailnum (~0.5%)
  * empty fields (~1%) in those same columns and in tailnum
  * carrier in lower case (~3%) or with surrounding spaces (~3%)
  * exact duplicate rows (~0.5%)
Days run on from 2013-01-01 with 850-1000 flights a day, so big files span
several years.

Deterministic: the same --seed gives the same bytes, and a shorter run is a
prefix of a longer one. Streaming: memory stays constant (fixed pools of
preformatted values are sampled with random.choices, rows are written in
large batches). Standard library only. Speed is printed to stderr at the end.

Sizes: KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB powers of 1024; --size
stops at the first row that makes the file reach the size.
"""

import argparse
import datetime as dt
import os
import random
import re
import sys
import time

HEADER = ("year,month,day,dep_time,sched_dep_time,dep_delay,arr_time,sched_arr_time,arr_delay,"
          "carrier,flight,tailnum,origin,dest,air_time,distance,hour,minute,time_hour,"
          "passenger_email,fare,notes\n")

# (origin, dest, distance miles, median air_time min, flights in 2013): the 60
# busiest routes in nycflights13::flights
ROUTES = [
    ("JFK", "LAX", 2475, 329, 11262), ("LGA", "ATL", 762, 112, 10263), ("LGA", "ORD", 733, 114, 8857),
    ("JFK", "SFO", 2586, 347, 8204), ("LGA", "CLT", 544, 85, 6168), ("EWR", "ORD", 719, 112, 6100),
    ("JFK", "BOS", 187, 38, 5898), ("LGA", "MIA", 1096, 153, 5781), ("JFK", "MCO", 944, 133, 5464),
    ("EWR", "BOS", 200, 40, 5327), ("EWR", "SFO", 2565, 342, 5127), ("LGA", "DTW", 502, 83, 5040),
    ("EWR", "CLT", 529, 83, 5026), ("EWR", "ATL", 746, 111, 5022), ("EWR", "MCO", 937, 133, 4941),
    ("EWR", "LAX", 2454, 325, 4912), ("LGA", "DFW", 1389, 199, 4858), ("JFK", "SJU", 1598, 196, 4752),
    ("LGA", "DCA", 214, 44, 4716), ("LGA", "BOS", 184, 37, 4283), ("JFK", "FLL", 1069, 150, 4254),
    ("LGA", "FLL", 1076, 151, 4008), ("JFK", "LAS", 2248, 302, 3987), ("EWR", "IAH", 1400, 195, 3973),
    ("EWR", "FLL", 1065, 151, 3793), ("LGA", "MSP", 1020, 148, 3713), ("LGA", "DEN", 1620, 227, 3704),
    ("LGA", "MCO", 950, 133, 3677), ("JFK", "BUF", 301, 57, 3582), ("LGA", "RDU", 431, 70, 3581),
    ("JFK", "MIA", 1089, 151, 3314), ("JFK", "DCA", 213, 48, 3270), ("LGA", "BNA", 764, 112, 3267),
    ("EWR", "DTW", 488, 84, 3178), ("EWR", "DFW", 1372, 196, 3148), ("JFK", "RDU", 427, 71, 3100),
    ("JFK", "TPA", 1005, 143, 2987), ("LGA", "IAH", 1416, 200, 2951), ("JFK", "CLT", 541, 86, 2870),
    ("EWR", "DEN", 1605, 224, 2859), ("EWR", "PHX", 2133, 289, 2723), ("EWR", "CVG", 569, 95, 2673),
    ("JFK", "IAD", 228, 47, 2661), ("EWR", "MIA", 1085, 151, 2633), ("EWR", "STL", 872, 133, 2516),
    ("LGA", "PBI", 1035, 145, 2464), ("EWR", "MSP", 1008, 149, 2377), ("EWR", "PBI", 1023, 144, 2351),
    ("EWR", "BNA", 748, 113, 2336), ("EWR", "TPA", 997, 142, 2334), ("JFK", "ORD", 740, 120, 2326),
    ("LGA", "TPA", 1010, 144, 2145), ("JFK", "SLC", 1990, 274, 2113), ("LGA", "CLE", 419, 69, 2112),
    ("JFK", "SEA", 2422, 328, 2092), ("LGA", "MDW", 725, 112, 2070), ("LGA", "CMH", 479, 77, 2058),
    ("EWR", "MDW", 711, 110, 2043), ("EWR", "LAS", 2227, 298, 2010), ("JFK", "PHX", 2153, 291, 1933),
]
# (carrier, flights in 2013)
CARRIERS = [("UA", 58665), ("B6", 54635), ("EV", 54173), ("DL", 48110), ("AA", 32729), ("MQ", 26397),
            ("US", 20536), ("9E", 18460), ("WN", 12275), ("VX", 5162), ("FL", 3260), ("AS", 714),
            ("F9", 685), ("YV", 601), ("HA", 342), ("OO", 32)]
# scheduled departures by hour (5..23), shaped like the real data
HOUR_WEIGHTS = {5: 2, 6: 8, 7: 7, 8: 9, 9: 6, 10: 5, 11: 5, 12: 5, 13: 6, 14: 7, 15: 7, 16: 7,
                17: 8, 18: 7, 19: 6, 20: 5, 21: 3, 22: 1, 23: 1}

FIRST = ["james", "mary", "john", "patricia", "robert", "jennifer", "michael", "linda", "william",
         "elizabeth", "david", "barbara", "richard", "susan", "joseph", "jessica", "thomas", "sarah",
         "charles", "karen", "chris", "nancy", "daniel", "lisa", "matthew", "betty", "anthony",
         "sandra", "mark", "ashley", "wei", "ana", "luis", "fatima", "yuki", "omar", "priya", "ivan",
         "chen", "sofia", "mohammed", "olga", "kofi", "amara", "diego", "lena", "raj", "mei"]
LAST = ["smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez",
        "martinez", "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor",
        "moore", "jackson", "martin", "lee", "perez", "thompson", "white", "harris", "sanchez",
        "clark", "ramirez", "lewis", "robinson", "walker", "young", "allen", "king", "wright",
        "nguyen", "kim", "patel", "chen", "wang", "singh", "mueller", "rossi", "silva", "ito"]
DOMAINS = ["example.com", "example.org", "example.net", "mail.example.com", "test.example",
           "corp.example.co.uk", "inbox.example.io"]
NOTES = [
    "Window seat requested",
    "Wheelchair assistance at gate",
    "Vegetarian meal",
    "Checked 2 bags, one oversize",
    "Rebooked from earlier flight, original cancelled",
    "Upgrade requested, waitlisted",
    'Passenger said "no peanuts please"',
    'Crew note: "late inbound aircraft", delay expected',
    "Travelling with infant",
    "Pet in cabin (small dog)",
    "Missed connection; rebooked",
    "Seat 14C, 14D, 14E blocked for family",
    'Complaint: "gate changed twice, no announcement"',
    "Frequent flyer: gold",
    "Special meal: gluten free, low salt",
]

NA_TIME_COLS = 0.005   # extra independent NA per delay/time column
P_CANCELLED = 0.025    # all five dep/arr/air fields NA
P_DIVERTED = 0.006     # arr_delay and air_time NA
P_EMPTY = 0.01         # empty string per delay/time column and tailnum
P_DUP = 0.005          # exact duplicate rows


def csv_quote(s):
    if any(c in s for c in ',"\n\r'):
        return '"' + s.replace('"', '""') + '"'
    return s


def hhmm(minutes):
    minutes %= 1440
    return (minutes // 60) * 100 + minutes % 60


def build_bodies(rng, n):
    """Preformatted middles of rows: dep_time .. minute, plus the time_hour hour suffix."""
    routes = rng.choices(ROUTES, weights=[r[4] for r in ROUTES], k=n)
    carriers = rng.choices([c for c, _ in CARRIERS], weights=[w for _, w in CARRIERS], k=n)
    hours = rng.choices(list(HOUR_WEIGHTS), weights=list(HOUR_WEIGHTS.values()), k=n)
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    tails = [f"N{rng.randint(100, 999)}{rng.choice(letters)}{rng.choice(letters)}" for _ in range(4000)]
    out = []
    for (origin, dest, dist, at, _), carrier, hour in zip(routes, carriers, hours):
        minute = rng.choice((0, 0, 0, 5, 10, 15, 15, 20, 25, 29, 30, 30, 35, 40, 45, 45, 50, 55, 59)) \
            if rng.random() < 0.7 else rng.randrange(60)
        sched = hour * 60 + minute
        k = rng.random()
        if k < 0.6:
            delay = rng.randint(-15, 5)
        elif k < 0.9:
            delay = rng.randint(0, 60)
        else:
            delay = int(rng.expovariate(1 / 90)) + 30
        air = max(20, at + rng.randint(-20, 20))
        sched_arr = sched + at + rng.randint(15, 35)
        arr_delay = delay + rng.randint(-25, 15)
        f = {
            "dep_time": str(hhmm(sched + delay)),
            "dep_delay": str(delay),
            "arr_time": str(hhmm(sched_arr + arr_delay)),
            "arr_delay": str(arr_delay),
            "air_time": str(air),
        }
        r = rng.random()
        if r < P_CANCELLED:
            for c in f:
                f[c] = "NA"
        elif r < P_CANCELLED + P_DIVERTED:
            f["arr_delay"] = f["air_time"] = "NA"
        for c in f:
            r = rng.random()
            if r < NA_TIME_COLS:
                f[c] = "NA"
            elif r < NA_TIME_COLS + P_EMPTY:
                f[c] = ""
        r = rng.random()
        if r < 0.03:
            carrier = carrier.lower()
        elif r < 0.04:
            carrier = " " + carrier
        elif r < 0.05:
            carrier = carrier + " "
        elif r < 0.06:
            carrier = " " + carrier.lower() + " "
        r = rng.random()
        tail = "NA" if r < 0.005 else "" if r < 0.015 else rng.choice(tails)
        mid = (f"{f['dep_time']},{hhmm(sched)},{f['dep_delay']},{f['arr_time']},{hhmm(sched_arr)},"
               f"{f['arr_delay']},{carrier},{rng.randint(1, 6181)},{tail},{origin},{dest},"
               f"{f['air_time']},{dist},{hour},{minute},")
        out.append((mid, f" {hour:02d}:00:00,"))
    return out


def build_emails(rng, n):
    return [f"{rng.choice(FIRST)}{rng.choice(('.', '_', ''))}{rng.choice(LAST)}"
            f"{rng.randint(1, 9999) if rng.random() < 0.7 else ''}@{rng.choice(DOMAINS)}"
            for _ in range(n)]


def build_fares(rng, n):
    return [f"{rng.lognormvariate(5.4, 0.5):.2f}" for _ in range(n)]


def build_notes(rng):
    notes = [csv_quote(s) for s in NOTES]
    # mostly empty: 70% empty, the rest spread over the texts
    weights = [70] + [30 / len(notes)] * len(notes)
    return [""] + notes, weights


def parse_size(s):
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(i?)B?\s*", s, re.IGNORECASE)
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {s!r} (try 500MB, 1GB, 2GiB)")
    num, unit, binary = m.groups()
    base = 1024 if binary else 1000
    return int(float(num) * base ** " KMGT".index(unit.upper() or " "))


def generate(out, rows=None, size=None, seed=13, quiet=False, batch_bytes=8 << 20):
    rng = random.Random(seed)
    t0 = time.perf_counter()
    bodies = build_bodies(rng, 100_000)
    emails = build_emails(rng, 200_000)
    fares = build_fares(rng, 50_000)
    notes, note_w = build_notes(rng)
    t_pools = time.perf_counter() - t0

    written_rows = 0
    written_bytes = len(HEADER)
    out.write(HEADER)
    day = dt.date(2013, 1, 1)
    buf, buf_len = [], 0
    last_report = time.perf_counter()
    done = False
    while not done:
        n = rng.randint(850, 1000)
        prefix = f"{day.year},{day.month},{day.day},"
        ds = day.isoformat()
        b = rng.choices(bodies, k=n)
        e = rng.choices(emails, k=n)
        fa = rng.choices(fares, k=n)
        no = rng.choices(notes, weights=note_w, k=n)
        lines = [f"{prefix}{mid}{ds}{hs}{em},{fr},{nt}\n" for (mid, hs), em, fr, nt in zip(b, e, fa, no)]
        for _ in range(int(n * P_DUP + rng.random())):
            lines[rng.randrange(n)] = lines[rng.randrange(n)]
        day += dt.timedelta(days=1)

        if rows is not None and written_rows + n >= rows:
            lines = lines[: rows - written_rows]
            done = True
        chunk_len = sum(map(len, lines))  # ASCII only, so characters == bytes
        if size is not None and written_bytes + chunk_len >= size:
            keep, acc = 0, written_bytes
            for keep, line in enumerate(lines, 1):
                acc += len(line)
                if acc >= size:
                    break
            lines = lines[:keep]
            chunk_len = acc - written_bytes
            done = True
        buf.append("".join(lines))
        buf_len += chunk_len
        written_rows += len(lines)
        written_bytes += chunk_len
        if buf_len >= batch_bytes or done:
            out.write("".join(buf))
            buf, buf_len = [], 0
            now = time.perf_counter()
            if not quiet and now - last_report > 5:
                el = now - t0
                print(f"  {written_rows:,} rows, {written_bytes / 1e6:,.0f} MB, "
                      f"{written_rows / el:,.0f} rows/s", file=sys.stderr)
                last_report = now
    out.flush()
    elapsed = time.perf_counter() - t0
    if not quiet:
        print(f"wrote {written_rows:,} rows, {written_bytes:,} bytes in {elapsed:.1f}s "
              f"(pools {t_pools:.1f}s): {written_rows / elapsed:,.0f} rows/s, "
              f"{written_bytes / 1e6 / elapsed:,.1f} MB/s; last day {day - dt.timedelta(days=1)}",
              file=sys.stderr)
    return written_rows, written_bytes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--rows", type=int, help="number of data rows (header not counted)")
    g.add_argument("--size", type=parse_size, help="stop when the file reaches this size, e.g. 1GB")
    ap.add_argument("--out", required=True, help="output file, or - for stdout")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--quiet", action="store_true", help="no progress or speed report")
    a = ap.parse_args()
    if a.rows is not None and a.rows < 0:
        ap.error("--rows must be >= 0")
    if a.out == "-":
        out = sys.stdout
        try:
            generate(out, a.rows, a.size, a.seed, a.quiet)
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    tmp = a.out + ".part"
    with open(tmp, "w", encoding="ascii", newline="", buffering=1 << 20) as out:
        generate(out, a.rows, a.size, a.seed, a.quiet)
    os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
