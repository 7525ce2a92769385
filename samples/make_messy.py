#!/usr/bin/env python3
"""Generate the two SYNTHETIC sample files in samples/.

    python3 samples/make_messy.py            # writes next to this script
    python3 samples/make_messy.py --out DIR  # writes into DIR

Outputs (byte-for-byte deterministic for a given --seed; standard library only):

  messy_orders.csv      ~300 rows, ';'-delimited, CRLF line endings, UTF-8,
                        a title line and '#' comment lines before the header,
                        quoted fields with embedded ';', newlines and doubled
                        quotes, five spellings of "missing" (NA, N/A, null, -,
                        empty), dates in three formats, junk in the amount
                        column, exact duplicate rows, stray whitespace and
                        mixed-case categories.
  latin1_customers.csv  50 rows, ','-delimited, LF line endings, encoded as
                        ISO-8859-1 (Latin-1), so it is NOT valid UTF-8.

Nothing here is real: names, companies and amounts are made up.
"""

import argparse
import csv
import datetime as dt
import io
import os
import random
import unicodedata

SEED = 20230105

FIRST = ["Anna", "Ben", "Chloe", "David", "Emma", "Felix", "Grace", "Hugo", "Isla",
         "Jack", "Kira", "Liam", "Maya", "Noah", "Olivia", "Paul", "Quinn", "Rosa",
         "Sam", "Tara", "Uma", "Victor", "Wendy", "Xavier", "Yara", "Zoe"]
LAST = ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts",
        "Walker", "Wright", "Green", "Hall", "Wood", "Clarke", "Hughes", "Baker"]
COMPANIES = ["Acme Ltd", "Globex; Inc.", "Initech", "Umbrella Corp", "Stark; Wayne & Co",
             "Hooli", "Vandelay Industries", "Soylent; Green Foods", "Wonka \"Sweets\" GmbH"]
REGIONS = ["North", "South", "East", "West"]
CATEGORIES = ["Electronics", "Garden", "Toys", "Books", "Kitchen"]
STATUSES = ["shipped", "pending", "cancelled", "returned"]
NOTES = [
    "",
    "",
    "",
    "Leave at the door",
    "Call first; gate code 1234",
    'Customer said "urgent"',
    'Gift wrap; card says "Happy birthday!"',
    "Second line follows\nDeliver after 5pm",
    "Fragile; glass\nDo not stack",
    "Paid by invoice",
    'Replaced item; old one "lost in transit"',
    "  extra spaces around  ",
]
MISSING = ["NA", "N/A", "null", "-", ""]
JUNK_AMOUNTS = ["n/a?", "12.5 EUR", "approx 40", "1,234.50", "TBD", "€99.00", "0.0.1"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def fmt_date(rng, d):
    """One of three formats: ISO, day-first with slashes, '5 Jan 2023'."""
    k = rng.random()
    if k < 0.5:
        return d.strftime("%Y-%m-%d")
    if k < 0.8:
        return d.strftime("%d/%m/%Y")
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def maybe_missing(rng, value, p):
    return rng.choice(MISSING) if rng.random() < p else value


def messy_case(rng, s):
    k = rng.random()
    if k < 0.70:
        return s
    if k < 0.80:
        return s.lower()
    if k < 0.88:
        return s.upper()
    if k < 0.94:
        return " " + s
    return s + "  "


def orders(rng, n_unique=288, n_dupes=12):
    rows = []
    start = dt.date(2023, 1, 1)
    for i in range(n_unique):
        order_date = start + dt.timedelta(days=rng.randrange(0, 365))
        if rng.random() < 0.3:
            customer = rng.choice(COMPANIES)
        else:
            customer = f"{rng.choice(LAST)}; {rng.choice(FIRST)}" if rng.random() < 0.15 \
                else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if rng.random() < 0.08:
            customer = "  " + customer + " "
        qty = rng.randint(1, 20)
        unit = rng.choice([1.99, 4.5, 9.99, 12.5, 19.0, 24.95, 49.99, 99.0, 149.5])
        amount = f"{qty * unit:.2f}"
        r = rng.random()
        if r < 0.04:
            amount = rng.choice(JUNK_AMOUNTS)
        elif r < 0.10:
            amount = rng.choice(MISSING)
        status = rng.choice(STATUSES)
        shipped = ""
        if status in ("shipped", "returned"):
            shipped = fmt_date(rng, order_date + dt.timedelta(days=rng.randint(0, 6)))
        rows.append([
            str(1000 + i),
            maybe_missing(rng, fmt_date(rng, order_date), 0.03),
            customer,
            maybe_missing(rng, messy_case(rng, rng.choice(REGIONS)), 0.05),
            messy_case(rng, rng.choice(CATEGORIES)),
            maybe_missing(rng, str(qty), 0.05),
            f"{unit:.2f}",
            amount,
            maybe_missing(rng, status, 0.04),
            shipped,
            rng.choice(NOTES),
        ])
    # exact duplicates: re-insert copies of earlier rows at later positions
    for _ in range(n_dupes):
        src = rng.randrange(len(rows))
        dst = rng.randrange(src + 1, len(rows) + 1)
        rows.insert(dst, list(rows[src]))
    return rows


def write_orders(path, rng):
    buf = io.StringIO(newline="")
    buf.write("Quarterly order export - ACME Widgets (SYNTHETIC SAMPLE)\r\n")
    buf.write("# generated by samples/make_messy.py; not real data\r\n")
    buf.write("# amounts in EUR; dates as typed by staff\r\n")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(["order_id", "order_date", "customer", "region", "category", "quantity",
                "unit_price", "amount", "status", "shipped_date", "notes"])
    rows = orders(rng)
    w.writerows(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())
    return len(rows)


LATIN1_PEOPLE = [
    ("José", "García"), ("Jürgen", "Müller"), ("Françoise", "Lefèvre"), ("Søren", "Kierkegård"),
    ("Ångela", "Strömberg"), ("Zoë", "Brontë"), ("Renée", "Dubois"), ("Björn", "Åkesson"),
    ("Inês", "Gonçalves"), ("Núria", "Puigdemont"), ("Çağla", "Yılmaz"), ("Maël", "Le Bihan"),
    ("Günther", "Weiß"), ("Fátima", "Peña"), ("Ólafur", "Jónsson"), ("Hélène", "Bézier"),
    ("Łucja", "Wiśniewska"), ("André", "Gauß"), ("Raphaël", "Noël"), ("Dagný", "Þórsdóttir"),
]
LATIN1_CITIES = [("Zürich", "CH"), ("Köln", "DE"), ("São Paulo", "BR"), ("Málaga", "ES"),
                 ("Besançon", "FR"), ("Göteborg", "SE"), ("Reykjavík", "IS"), ("Århus", "DK"),
                 ("Düsseldorf", "DE"), ("Genève", "CH"), ("Coimbra", "PT"), ("Orléans", "FR")]


def ascii_fold(s):
    special = {"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ð": "d", "Ð": "D",
               "þ": "th", "Þ": "Th", "ł": "l", "Ł": "L", "ı": "i"}
    s = "".join(special.get(c, c) for c in s)
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def latin1_encodable(s):
    try:
        s.encode("latin-1")
        return True
    except UnicodeEncodeError:
        return False


def write_latin1(path, rng, n=50):
    # keep only names that Latin-1 can hold (drops e.g. Ł, ş, ğ, ı)
    people = [(f, l) for f, l in LATIN1_PEOPLE if latin1_encodable(f + l)]
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=",", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(["customer_id", "first_name", "last_name", "city", "country", "email",
                "signup_date", "balance", "comment"])
    for i in range(n):
        first, last = rng.choice(people)
        city, country = rng.choice(LATIN1_CITIES)
        email = f"{ascii_fold(first).lower()}.{ascii_fold(last).lower().replace(' ', '')}{i}@example.com"
        d = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(0, 730))
        comment = rng.choice(["", "", "", "Préfère le courrier, pas d'appel",
                              "Größe: mittel", "Año nuevo, pedido grande", "Cliente VIP"])
        w.writerow([str(500 + i), first, last, city, country, email, d.strftime("%d.%m.%Y"),
                    f"{rng.uniform(-50, 2500):.2f}", comment])
    with open(path, "wb") as f:
        f.write(buf.getvalue().encode("latin-1"))  # strict: fails loudly if a name can't fit
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--seed", type=int, default=SEED)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    n1 = write_orders(os.path.join(a.out, "messy_orders.csv"), random.Random(a.seed))
    n2 = write_latin1(os.path.join(a.out, "latin1_customers.csv"), random.Random(a.seed + 1))
    print(f"messy_orders.csv: {n1} data rows; latin1_customers.csv: {n2} data rows")


if __name__ == "__main__":
    main()
