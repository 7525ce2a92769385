# ---------------------------------------------------------------------------------------
# wort runtime: the helpers the steps above use, the same in every exported job. They
# reproduce what `wort run` does (polars) on Spark: null handling, text conversions,
# row order, statistics. Spark 3.5 or 4.x.

import datetime as _dt
import math
from functools import reduce

ROW = "__wort_row"  # input row order: carried through the steps, dropped at the end
STAT = "__wort_stat"  # a statistic joined onto every row for one step


def configure(spark):
    """Session settings that make Spark behave like wort: a value that does not
    convert becomes null (not an error), column names are case-sensitive, datetimes
    are naive (UTC session), unparseable dates are null, and a `${...}` in a column
    name or SQL text is text, not a variable to substitute."""
    spark.conf.set("spark.sql.variable.substitute", "false")
    spark.conf.set("spark.sql.ansi.enabled", "false")
    spark.conf.set("spark.sql.caseSensitive", "true")
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.legacy.timeParserPolicy", "CORRECTED")


def col(name):
    """A column by its exact name (dots and spaces are part of the name)."""
    return F.col("`" + name.replace("`", "``") + "`")


def data_columns(df):
    return [c for c in df.columns if c != ROW]


def where(sql):
    """A condition: true where the SQL is true; unknown (null) counts as false."""
    return F.coalesce(F.expr(sql), F.lit(False))


def with_values(df, name, new, cond):
    """Set `name` to `new` where `cond` holds; elsewhere keep the old value (null for
    a new column)."""
    old = col(name) if name in df.columns else F.lit(None)
    return df.withColumn(name, F.when(cond, new).otherwise(old))


def remove_rows(df, remove, cond=None):
    """Remove the rows where `remove` is true (and `cond`, when given)."""
    remove = F.coalesce(remove, F.lit(False))
    if cond is not None:
        remove = remove & cond
    # A column first: the test may use a window function (first_of), which Spark does
    # not allow inside a filter.
    return df.withColumn(STAT, remove).where(~F.col(STAT)).drop(STAT)


def keep_columns(df, names):
    return df.select(*[col(n) for n in names], col(ROW))


def duplicate_column(df, name, to):
    out = []
    for c in data_columns(df):
        out.append(col(c))
        if c == name:
            out.append(col(c).alias(to))
    return df.select(*out, col(ROW))


def move_column(df, name, index):
    names = [c for c in data_columns(df) if c != name]
    names.insert(min(index, len(names)), name)
    return keep_columns(df, names)


def place_after(df, before, anchor, new):
    """Put the `new` columns that did not exist `before` right after `anchor`."""
    order = []
    for c in before:
        order.append(c)
        if c == anchor:
            order.extend(n for n in new if n not in before)
    return keep_columns(df, order)


def sort_rows(df, keys):
    """Stable sort by (name, descending) keys, missing values last; the new order
    becomes the row order."""
    order = [col(c).desc_nulls_last() if d else col(c).asc_nulls_last() for c, d in keys]
    df = df.orderBy(*order, col(ROW))
    return df.withColumn(ROW, F.monotonically_increasing_id())


def first_of(names):
    """True for the first row (in row order) of each group of equal values."""
    w = Window.partitionBy(*[col(n) for n in names]).orderBy(col(ROW))
    return F.row_number().over(w) == 1


def any_null(names):
    return reduce(lambda a, b: a | b, [col(n).isNull() for n in names], F.lit(False))


def dtype(df, name):
    return df.schema[name].dataType


def is_integral(dt):
    return isinstance(dt, (T.ByteType, T.ShortType, T.IntegerType, T.LongType))


def is_floating(dt):
    return isinstance(dt, (T.FloatType, T.DoubleType))


def with_stats(df, **aggs):
    """Join one-row aggregates (over all of `df`) onto every row."""
    stats = df.agg(*[a.alias(k) for k, a in aggs.items()])
    return df.crossJoin(F.broadcast(stats))


# --- text ------------------------------------------------------------------------------

INT_TEXT = r"^[+-]?[0-9]+$"
FLOAT_TEXT = r"(?i)^[+-]?(([0-9]+[.]?[0-9]*|[.][0-9]+)(e[+-]?[0-9]+)?|inf|infinity|nan)$"


def strip(c):
    """Remove leading and trailing (Unicode) whitespace."""
    return F.regexp_replace(c, r"(?U)^\s+|\s+\z", "")


def _float_text(x):
    """A float the way polars writes it: shortest digits that read back exactly, plain
    notation for exponents -5..15 (with ".0" when whole), else 1.5e+20 / 1e-7."""
    if x is None:
        return None
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    r = repr(float(x))
    sign = "-" if r.startswith("-") else ""
    r = r.lstrip("-")
    mant, _, exp = r.partition("e")
    whole, _, frac = mant.partition(".")
    digits = whole + frac
    point = len(whole) + (int(exp) if exp else 0)
    stripped = digits.lstrip("0")
    if not stripped.strip("0"):
        return sign + "0.0"
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    e = point - 1
    if -5 <= e <= 15:
        if e >= 0:
            head = digits[: e + 1].ljust(e + 1, "0")
            tail = digits[e + 1 :] or "0"
            return sign + head + "." + tail
        return sign + "0." + "0" * (-e - 1) + digits
    m = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return sign + m + "e" + ("+" if e >= 0 else "-") + str(abs(e))


float_text = F.udf(_float_text, T.StringType())


def as_text(df, name):
    """A column as text, written the way wort writes it."""
    c, dt = col(name), dtype(df, name)
    if isinstance(dt, T.StringType):
        return c
    if is_floating(dt):
        return float_text(c.cast("double"))
    if isinstance(dt, (T.TimestampType, T.TimestampNTZType)):
        return F.date_format(c, "yyyy-MM-dd HH:mm:ss.SSSSSS")
    return c.cast("string")


def text_to_float(t):
    return F.when(t.rlike(FLOAT_TEXT), t.cast("double"))


def text_to_int(t):
    """"12", "+12", "12.0" and "1e3" convert; "12.5" does not (no silent truncation)."""
    direct = F.when(t.rlike(INT_TEXT), t.cast("bigint"))
    f = text_to_float(t)
    whole = F.when(~F.isnan(f) & (F.abs(f) < 9.2e18) & (f == F.floor(f)), f.cast("bigint"))
    return F.coalesce(direct, whole)


def text_to_bool(t):
    low = F.lower(t)
    return F.when(low.isin("true", "t", "yes", "y", "1"), F.lit(True)).when(
        low.isin("false", "f", "no", "n", "0"), F.lit(False)
    ).otherwise(F.lit(None).cast("boolean"))


def _title_case(s):
    if s is None:
        return None
    out, start = [], True
    for ch in s:
        if ch.isalnum():
            out.append(ch.upper() if start else ch.lower())
            start = False
        else:
            out.append(ch)
            start = ch not in "'\u2019"
    return "".join(out)


def _sentence_case(s):
    if s is None:
        return None
    out, seen = [], False
    for ch in s:
        if not seen and ch.isalpha():
            out.append(ch.upper())
            seen = True
        else:
            out.append(ch.lower())
    return "".join(out)


title_case = F.udf(_title_case, T.StringType())
sentence_case = F.udf(_sentence_case, T.StringType())


def trim_text(c, collapse=False):
    c = strip(c)
    if collapse:
        c = F.regexp_replace(c, r"(?U)\s+", " ")
    return c


def extract(c, pattern):
    """The first capture group of `pattern`, null when the text does not match."""
    return F.when(c.rlike(pattern), F.regexp_extract(c, pattern, 1))


def split_column(df, name, delimiter, into, cond=None):
    """Split at a delimiter (a Java regex) into the `into` columns, the last one taking
    the rest; missing parts are null."""
    before = data_columns(df)
    # Split once, before any of the new columns replaces the one split.
    df = df.withColumn(STAT, F.split(col(name), delimiter, len(into)))
    for i, n in enumerate(into):
        part = F.col(STAT).getItem(i)
        df = df.withColumn(n, part) if cond is None else with_values(df, n, part, cond)
    return place_after(df.drop(STAT), before, name, into)


def merge_columns(df, names, separator):
    """Join the columns' text with `separator`, skipping missing parts; null when all
    are missing."""
    parts = [as_text(df, n) for n in names]
    all_missing = reduce(lambda a, b: a & b, [col(n).isNull() for n in names])
    return F.when(all_missing, F.lit(None).cast("string")).otherwise(F.concat_ws(separator, *parts))


def mask_text(c, first, last, symbol):
    """Hide characters behind `symbol`, keeping `first` leading and `last` trailing
    ones; values no longer than first + last are hidden entirely."""
    n = F.length(c)
    hide = lambda e: F.regexp_replace(e, "(?s).", symbol)  # noqa: E731
    head = c.substr(F.lit(1), F.lit(first))
    middle = c.substr(F.lit(first + 1), n - first - last)
    tail = c.substr(n - last + 1, F.lit(last))
    kept = F.concat(head, hide(middle), tail) if last > 0 else F.concat(head, hide(middle))
    return F.when(n <= first + last, hide(c)).otherwise(kept)


def hash_text(df, name, salt):
    """SHA-256 of salt + the value's text, 64 lower-case hex digits."""
    return F.sha2(F.concat(F.lit(salt), as_text(df, name)), 256)


# --- types -----------------------------------------------------------------------------

# What polars tries when no format is given: the first value that fits one of the groups
# picks the group; every value is then parsed with the formats of that group.
DATE_GROUPS = @DATE_GROUPS@
DATETIME_GROUPS = @DATETIME_GROUPS@


def _fits(value, fmt):
    tries = [fmt.replace("%.f", ""), fmt.replace("%.f", ".%f")] if "%.f" in fmt else [fmt]
    for f in tries:
        try:
            _dt.datetime.strptime(value, f)
            return True
        except ValueError:
            pass
    return False


def infer_patterns(df, name, datetime):
    """The Spark patterns polars would infer for a text column (from its first values,
    in row order)."""
    groups = DATETIME_GROUPS if datetime else DATE_GROUPS
    first = (
        df.where(col(name).isNotNull())
        .orderBy(col(ROW))
        .select(strip(col(name)).alias("v"))
        .limit(1000)
        .collect()
    )
    for row in first:
        for group in groups:
            if any(_fits(row.v, strftime) for strftime, _ in group):
                return [pattern for _, pattern in group]
    if not first:
        return ["yyyy-M-d"]
    raise ValueError(
        "cannot work out the date format of column %r from values like %r; give the step a format"
        % (name, first[0].v)
    )


def to_datetime(c, pattern):
    return F.to_timestamp_ntz(c, F.lit(pattern))


def parse_dates(df, name, patterns, datetime):
    """Text to date (or datetime) with each pattern in turn; the first that fits wins;
    values that fit none become null. No patterns: inferred like polars does."""
    t = strip(col(name))
    if patterns is None:
        patterns = infer_patterns(df, name, datetime)
    parse = to_datetime if datetime else F.to_date
    parts = [parse(t, p) for p in patterns]
    return parts[0] if len(parts) == 1 else F.coalesce(*parts)


def cast_expr(df, name, to, parse=None, print=None):
    """The conversion `wort` does for a cast step; values that do not convert become
    null. `parse`/`print`: the Spark pattern for text -> date and date -> text."""
    c, dt = col(name), dtype(df, name)
    text = isinstance(dt, T.StringType)
    temporal = isinstance(dt, (T.DateType, T.TimestampType, T.TimestampNTZType))
    if text and to == "int":
        return text_to_int(strip(c))
    if text and to == "float":
        return text_to_float(strip(c))
    if text and to == "bool":
        return text_to_bool(strip(c))
    if text and to in ("date", "datetime"):
        return parse_dates(df, name, None if parse is None else [parse], to == "datetime")
    if temporal and to == "string" and print is not None:
        return F.date_format(c, print)
    if to == "string":
        return as_text(df, name)
    if to == "bool" and isinstance(dt, T.NumericType):
        return c != 0
    if to == "int" and is_floating(dt):
        return F.when(~F.isnan(c) & (F.abs(c) < 9.2e18), c.cast("bigint"))
    if to == "int" and isinstance(dt, T.DateType):
        return F.datediff(c, F.lit("1970-01-01").cast("date")).cast("bigint")
    if to == "int" and isinstance(dt, T.TimestampNTZType):
        return F.unix_micros(c.cast("timestamp"))
    if to == "float" and temporal:
        return cast_expr(df, name, "int").cast("double")
    if to == "datetime":
        return c.cast("timestamp_ntz")
    return c.cast({"int": "bigint", "float": "double", "bool": "boolean", "date": "date"}[to])


def fill_missing(df, name, strategy, value=None, cond=None):
    """Replace missing values (only where `cond` holds, when given)."""
    c, dt = col(name), dtype(df, name)
    if strategy == "value":
        fill = F.lit(value).cast(dt)
    elif strategy == "empty":
        fill = F.lit("")
    elif strategy in ("mean", "median"):
        stat = F.avg(c) if strategy == "mean" else F.percentile(c, 0.5)
        df = with_stats(df, **{STAT: stat})
        fill = col(STAT)
        if is_integral(dt):  # the mean of whole numbers is rounded, half to even
            fill = F.bround(fill, 0).cast(dt)
    elif strategy == "mode":  # the most common value; ties: the smallest
        counts = df.where(c.isNotNull()).groupBy(c.alias("v")).count()
        mode = counts.agg(F.min_by("v", F.struct(-F.col("count"), F.col("v"))).alias(STAT))
        df = df.crossJoin(F.broadcast(mode))
        fill = col(STAT)
    elif strategy == "previous":
        w = Window.orderBy(col(ROW)).rowsBetween(Window.unboundedPreceding, 0)
        fill = F.last(c, ignorenulls=True).over(w)
    elif strategy == "next":
        w = Window.orderBy(col(ROW)).rowsBetween(0, Window.unboundedFollowing)
        fill = F.first(c, ignorenulls=True).over(w)
    else:
        raise ValueError("unknown fill strategy %r" % strategy)
    missing = c.isNull() if cond is None else c.isNull() & cond
    df = df.withColumn(name, F.when(missing, fill).otherwise(c))
    return df.drop(STAT) if STAT in df.columns else df


def outliers(df, name, method, threshold, action, to=None, cond=None):
    """Values outside the bounds of `method` (statistics over the rows where `cond`
    holds) are flagged, removed, clipped or set to null."""
    x = col(name).cast("double")
    basis = df if cond is None else df.where(cond)
    t = F.lit(float(threshold))
    if method == "zscore":  # mean +- t sample standard deviations
        stats = basis.agg(F.avg(x).alias("m"), F.stddev_samp(x).alias("s"))
        stats = stats.select(
            (F.col("m") - t * F.col("s")).alias("lo"), (F.col("m") + t * F.col("s")).alias("hi")
        )
    elif method == "modified_zscore":  # median +- t * MAD / 0.6745
        med = basis.agg(F.percentile(x, 0.5).alias("med"))
        mad = basis.crossJoin(med).agg(
            F.first("med").alias("med"), F.percentile(F.abs(x - F.col("med")), 0.5).alias("mad")
        )
        spread = t * F.col("mad") / F.lit(0.6745)
        stats = mad.select((F.col("med") - spread).alias("lo"), (F.col("med") + spread).alias("hi"))
    elif method == "iqr":  # quartiles -+ t * IQR (linear interpolation)
        q = basis.agg(F.percentile(x, 0.25).alias("q1"), F.percentile(x, 0.75).alias("q3"))
        iqr = F.col("q3") - F.col("q1")
        stats = q.select((F.col("q1") - t * iqr).alias("lo"), (F.col("q3") + t * iqr).alias("hi"))
    else:
        raise ValueError("unknown outlier method %r" % method)
    lo, hi = STAT + "_lo", STAT + "_hi"
    df = df.crossJoin(F.broadcast(stats.select(F.col("lo").alias(lo), F.col("hi").alias(hi))))
    outside = F.coalesce((x < col(lo)) | (x > col(hi)), F.lit(False))
    if cond is not None:
        outside = outside & cond
    c = col(name)
    if action == "remove":
        df = df.where(~outside)
    elif action == "flag":
        df = df.withColumn(to, outside)
    elif action == "null":
        df = df.withColumn(name, F.when(outside, F.lit(None)).otherwise(c))
    elif action == "clip":
        dt = dtype(df, name)
        low, high = col(lo), col(hi)
        if is_integral(dt):  # whole numbers inside the bounds
            low, high = F.ceil(low), F.floor(high)
        clipped = F.when(x < low, low).otherwise(high).cast(dt)
        df = df.withColumn(name, F.when(outside, clipped).otherwise(c))
    else:
        raise ValueError("unknown outlier action %r" % action)
    return df.drop(lo, hi)


# --- reshape: aggregate, pivot, unpivot, window, explode, unnest, sample ------------------


def _mode_udf(dt):
    """The most common non-missing value of a list; on a tie, the smallest."""

    def mode(values):
        counts = {}
        for v in values or []:
            counts[v] = counts.get(v, 0) + 1
        if not counts:
            return None
        best = max(counts.values())
        return min(v for v, k in counts.items() if k == best)

    return F.udf(mode, dt)


def agg_value(fn, c, dt):
    """The aggregate `fn` of column `c` (type `dt`) over a group; `c` None counts rows.
    Missing values are skipped; first/last are the first/last non-missing in row order."""
    if c is None:
        return F.count(F.lit(1))
    if fn == "count":
        return F.count(c)
    if fn == "count_distinct":
        return F.countDistinct(c)
    if fn == "sum":
        return F.sum(c)
    if fn == "mean":
        return F.avg(c)
    if fn == "median":
        return F.percentile(c, 0.5)
    if fn == "min":
        return F.min(c)
    if fn == "max":
        return F.max(c)
    if fn == "std":
        return F.stddev_samp(c)
    if fn == "var":
        return F.var_samp(c)
    if fn == "first":
        return F.min_by(c, F.when(c.isNotNull(), col(ROW)))
    if fn == "last":
        return F.max_by(c, F.when(c.isNotNull(), col(ROW)))
    if fn == "mode":
        return _mode_udf(dt)(F.collect_list(c))
    if fn == "list":  # in row order: sorted by ROW, then the values alone
        pairs = F.collect_list(F.when(c.isNotNull(), F.struct(col(ROW).alias("r"), c.alias("v"))))
        return F.transform(F.array_sort(pairs), lambda p: p.getField("v"))
    raise ValueError("unknown aggregate %r" % fn)


def _grouped(df, keys, exprs):
    """One row per group of `keys` (all rows without keys), its ROW the group's first."""
    exprs = [F.min(col(ROW)).alias(ROW)] + exprs
    return df.groupBy(*[col(k) for k in keys]).agg(*exprs) if keys else df.agg(*exprs)


def aggregate(df, keys, aggs):
    """Group by `keys`; `aggs` are (fn, column or None, output name)."""
    exprs = [
        agg_value(f, None if c is None else col(c), None if c is None else dtype(df, c)).alias(t)
        for f, c, t in aggs
    ]
    out = _grouped(df, keys, exprs)
    return out.select(*[col(k) for k in keys], *[col(t) for _, _, t in aggs], col(ROW))


def pivot(df, index, columns, values, fn):
    """One column per distinct non-missing value of `columns` (sorted), holding `fn` of
    `values` over the group's rows with that value."""
    if index is None:
        index = [c for c in data_columns(df) if c not in (columns, values)]
    keys = sorted(r[0] for r in df.where(col(columns).isNotNull()).select(col(columns)).distinct().collect())
    exprs = []
    for k in keys:
        name = str(k)
        if name == "" or name in index:
            raise ValueError(
                "the value %r of column %r cannot become a column name (it is empty or an index column)"
                % (name, columns)
            )
        masked = F.when(col(columns) == F.lit(k), col(values))
        exprs.append(agg_value(fn, masked, dtype(df, values)).alias(name))
    out = _grouped(df, index, exprs)
    return out.select(*[col(k) for k in index], *[col(str(k)) for k in keys], col(ROW))


def _common_type(df, names):
    types = [dtype(df, n) for n in names]
    if all(is_integral(t) for t in types):
        return T.LongType()
    if all(is_integral(t) or is_floating(t) for t in types):
        return T.DoubleType()
    if any(t != types[0] for t in types):
        raise ValueError("columns %r have no common type; cast them first" % (names,))
    return types[0]


def _explode_rows(df, keep, array):
    """One row per element of `array` (one row with nulls for an empty or null array),
    in place: ROW becomes (ROW, position)."""
    pos, item = STAT + "_pos", STAT + "_item"
    df = df.select(*keep, col(ROW), F.posexplode_outer(array).alias(pos, item))
    row = F.struct(col(ROW).alias("r"), F.coalesce(col(pos), F.lit(0)).alias("i"))
    return df.withColumn(ROW, row).drop(pos), item


def unpivot(df, index, columns, name, value):
    """Each row becomes one row per column of `columns`, in that order."""
    if index is None:
        index = [c for c in data_columns(df) if c not in columns]
    t = _common_type(df, columns)
    pairs = F.array(*[F.struct(F.lit(c).alias("n"), col(c).cast(t).alias("v")) for c in columns])
    df, item = _explode_rows(df, [col(c) for c in index], pairs)
    df = df.withColumn(name, col(item).getField("n")).withColumn(value, col(item).getField("v"))
    return df.select(*[col(c) for c in index], col(name), col(value), col(ROW))


def explode_list(df, name):
    """One row per element of the list column `name`, the other columns repeated."""
    names = data_columns(df)
    df, item = _explode_rows(df, [col(c) for c in names], col(name))
    df = df.withColumn(name, col(item))
    return df.select(*[col(c) for c in names], col(ROW))


def unnest_struct(df, name, prefix):
    """The struct column's fields as columns prefix + field, in field-name order."""
    fields = sorted(f.name for f in dtype(df, name).fields)
    out = []
    for c in data_columns(df):
        if c == name:
            out.extend(col(c).getField(f).alias(prefix + f) for f in fields)
        else:
            out.append(col(c))
    return df.select(*out, col(ROW))


def window_column(df, fn, name, partition, order, offset, size, to):
    """Add `to`: `fn` over the rows of the same `partition` values, ordered by `order`
    ((column, descending) pairs, missing last, ties in row order; rank and dense_rank
    share ranks between ties). Rows keep their place."""
    keys = [col(c).desc_nulls_last() if d else col(c).asc_nulls_last() for c, d in order]
    parts = [col(p) for p in partition]
    ranked = Window.partitionBy(*parts).orderBy(*keys)
    w = Window.partitionBy(*parts).orderBy(*keys, col(ROW))
    running = w.rowsBetween(Window.unboundedPreceding, Window.currentRow)
    rolling = w.rowsBetween(-(size - 1), Window.currentRow)
    c = None if name is None else col(name)
    value = {
        "row_number": lambda: F.row_number().over(w),
        "rank": lambda: F.rank().over(ranked),
        "dense_rank": lambda: F.dense_rank().over(ranked),
        "lag": lambda: F.lag(c, offset).over(w),
        "lead": lambda: F.lead(c, offset).over(w),
        "cumsum": lambda: F.sum(c).over(running),
        "cummax": lambda: F.max(c).over(running),
        "cummin": lambda: F.min(c).over(running),
        "rolling_mean": lambda: F.avg(c).over(rolling),
        "rolling_sum": lambda: F.sum(c).over(rolling),
        "rolling_min": lambda: F.min(c).over(rolling),
        "rolling_max": lambda: F.max(c).over(rolling),
    }[fn]()
    return df.withColumn(to, value)


def sample_rows(df, seed, n=None, below=None):
    """Score row i (from 0, in row order) by the first 15 hex digits of the SHA-256 of
    "<seed>:<i>"; keep the `n` lowest scores, or the scores below `below`."""
    i = F.row_number().over(Window.orderBy(col(ROW))) - 1
    score = F.substring(F.sha2(F.concat(F.lit(seed + ":"), i.cast("string")), 256), 1, 15)
    df = df.withColumn(STAT, score)
    if n is not None:
        df = df.orderBy(col(STAT), col(ROW)).limit(n)
    elif below is not None:
        df = df.where(col(STAT) < F.lit(below))
    return df.drop(STAT)


# --- end of reshape ----------------------------------------------------------------------


# --- strings: text cleaning helpers (strip_accents, normalize_unicode) ----------------
# Spark SQL has no Unicode normalization, so these two run as Python UDFs (like
# title_case above); wort computes the same with the unicode-normalization crate.


def _strip_accents(s):
    """NFD, drop the nonspacing marks (category Mn), NFC again: "Crème" -> "Creme"."""
    import unicodedata

    if s is None:
        return None
    decomposed = unicodedata.normalize("NFD", s)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", kept)


strip_accents = F.udf(_strip_accents, T.StringType())


def normalize_text(form):
    """A UDF rewriting text in the Unicode normal form `form` (NFC, NFD, NFKC, NFKD)."""
    import unicodedata

    return F.udf(lambda s: None if s is None else unicodedata.normalize(form, s), T.StringType())


# --- strings: end ------------------------------------------------------------------------


# --- numbers (numbers family: begin) ---------------------------------------------------

_WHOLE = 2.0 ** 52  # doubles this large are whole numbers already


def _whole(x, f):
    """floor/ceil of a double as a double (Spark's go through a BIGINT)."""
    return F.when(F.abs(x) >= _WHOLE, x).otherwise(f(x).cast("double"))


_INT_UNARY = {
    "abs": F.abs,
    "negate": lambda x: -x,
    "sign": lambda x: F.signum(x).cast("bigint"),
    "floor": lambda x: x,
    "ceil": lambda x: x,
}

_FLOAT_UNARY = {
    "abs": F.abs,
    "negate": lambda x: -x,
    "sign": F.signum,
    "floor": lambda x: _whole(x, F.floor),
    "ceil": lambda x: _whole(x, F.ceil),
    "sqrt": lambda x: F.when(x >= 0, F.sqrt(x)),
    "ln": F.log,  # null for zero and below
    "exp": F.exp,
    "degrees": F.degrees,
    "radians": F.radians,
}


def num_unary(df, name, op):
    """A one-column numeric function: whole numbers stay whole where `op` keeps them."""
    c = col(name)
    if is_integral(dtype(df, name)) and op in _INT_UNARY:
        return _INT_UNARY[op](c.cast("bigint"))
    return _FLOAT_UNARY[op](c.cast("double"))


def _power(a, b):
    r = F.pow(a, b)
    return F.when(~F.isnan(r) | F.isnan(a) | F.isnan(b), r)


_BINARY = {
    "add": lambda a, b: a + b,
    "subtract": lambda a, b: a - b,
    "multiply": lambda a, b: a * b,
    "divide": lambda a, b: F.when(b != 0, a / b),
    "modulo": lambda a, b: F.when(b != 0, a % b),
    "power": _power,
}


def num_binary(df, name, other, value, op):
    """`name` op (column `other` or number `value`): BIGINT when both are whole and `op`
    keeps them whole (wrapping on overflow), else DOUBLE."""
    if other is not None:
        b, b_whole = col(other), is_integral(dtype(df, other))
    else:
        b, b_whole = F.lit(value), isinstance(value, int)
    whole = is_integral(dtype(df, name)) and b_whole and op not in ("divide", "power")
    t = "bigint" if whole else "double"
    return _BINARY[op](col(name).cast(t), b.cast(t))


def round_number(df, name, digits, func):
    """round (halves up) or bround (halves to even) at `digits` decimal places."""
    t = "bigint" if is_integral(dtype(df, name)) else "double"
    return getattr(F, func)(col(name).cast(t), digits)


def clamp_number(df, name, lo, hi):
    """Values below `lo` become `lo`, above `hi` become `hi`; NaN stays NaN."""
    whole = is_integral(dtype(df, name)) and all(v is None or isinstance(v, int) for v in (lo, hi))
    t = "bigint" if whole else "double"
    x = col(name).cast(t)
    out = x
    if hi is not None:
        out = F.when(x > hi, F.lit(hi).cast(t)).otherwise(out)
    if lo is not None:
        out = F.when(x < lo, F.lit(lo).cast(t)).otherwise(out)
    if not whole:
        out = F.when(F.isnan(x), x).otherwise(out)
    return out


def truncate_number(df, name, digits):
    """Cut toward zero at `digits` decimal places, on the value's decimal form."""
    c = col(name)
    if is_integral(dtype(df, name)):
        x = c.cast("bigint")
        return x if digits >= 0 else x - x % (10 ** -digits)
    x = c.cast("double")
    dec = x.cast("decimal(38,18)")
    cut = F.when(x >= 0, F.floor(dec, digits)).otherwise(F.ceil(dec, digits)).cast("double")
    return F.when(F.abs(x) >= 1e20, x).otherwise(cut)


def date_add_units(df, name, amount, unit):
    """Add `amount` units; months clamp to the month's last day (add_months)."""
    c = col(name)
    if isinstance(dtype(df, name), T.DateType):
        months = {"YEAR": 12, "QUARTER": 3, "MONTH": 1}.get(unit)
        if months is not None:
            return F.add_months(c, amount * months)
        return F.date_add(c, amount * (7 if unit == "WEEK" else 1))
    return F.expr("timestampadd(%s, %d, %s)" % (unit, amount, "`" + name.replace("`", "``") + "`"))


def date_trunc_unit(df, name, unit):
    """Back to the start of the unit (weeks start on Monday); dates stay dates."""
    c = col(name)
    if isinstance(dtype(df, name), T.DateType):
        return c if unit == "DAY" else F.trunc(c, unit)
    return F.date_trunc(unit, c).cast("timestamp_ntz")


def from_unix_seconds(df, name):
    """Seconds since 1970 as a naive datetime; outside years 1-9999 null."""
    t = "bigint" if is_integral(dtype(df, name)) else "double"
    x = col(name).cast(t)
    ok = (x >= -62135596800) & (x <= 253402300799)
    return F.when(ok, F.timestamp_seconds(x)).cast("timestamp_ntz")


def fill_missing_by(df, name, strategy, by, cond=None):
    """fill_missing with its statistic (or neighbour) taken within groups of `by`
    (no groups: the whole column, for min and max)."""
    c, dt = col(name), dtype(df, name)
    keys = [col(b) for b in by]
    w = Window.partitionBy(*keys)
    if strategy in ("mean", "median"):
        stat = F.avg(c) if strategy == "mean" else F.percentile(c, 0.5)
        fill = stat.over(w)
        if is_integral(dt):  # the mean of whole numbers is rounded, half to even
            fill = F.bround(fill, 0).cast(dt)
    elif strategy == "mode":  # the most common value in the group; ties: the smallest
        n = F.count(F.lit(1)).over(Window.partitionBy(*(keys + [c])))
        df = df.withColumn(STAT, F.when(c.isNotNull(), F.struct((-n).alias("n"), c.alias("v"))))
        fill = F.min_by(c, F.col(STAT)).over(w)
    elif strategy in ("min", "max"):  # also without groups: fill_missing has no min/max
        agg = F.min(c) if strategy == "min" else F.max(c)
        if keys:
            fill = agg.over(w)
        else:
            df = with_stats(df, **{STAT: agg})
            fill = F.col(STAT)
    elif strategy == "previous":
        rows = w.orderBy(col(ROW)).rowsBetween(Window.unboundedPreceding, 0)
        fill = F.last(c, ignorenulls=True).over(rows)
    elif strategy == "next":
        rows = w.orderBy(col(ROW)).rowsBetween(0, Window.unboundedFollowing)
        fill = F.first(c, ignorenulls=True).over(rows)
    else:
        raise ValueError("fill strategy %r takes no groups" % strategy)
    missing = c.isNull() if cond is None else c.isNull() & cond
    df = df.withColumn(name, F.when(missing, fill).otherwise(c))
    return df.drop(STAT) if STAT in df.columns else df


# --- numbers (numbers family: end) -----------------------------------------------------


# --- encode: bin, one_hot, scale, map_values (begin) -----------------------------------


def _number(name):
    """The column as double, NaN as null (as wort's encode steps read it)."""
    x = col(name).cast("double")
    return F.when(~F.isnan(x), x)


def _set(df, name, new, cond):
    return df.withColumn(name, new) if cond is None else with_values(df, name, new, cond)


def bin_values(df, name, method, bins, edges=None, labels=None, to=None, cond=None):
    """Bin i holds edge[i] <= x < edge[i+1] (the last bin also its upper edge); the bin
    is its label or its number from 0; values outside the edges are null. equal_width
    and quantile edges come from the rows where `cond` holds."""
    x = _number(name)
    names = []
    if method == "edges":
        es = [F.lit(float(e)) for e in edges]
    else:
        basis = df if cond is None else df.where(cond)
        if method == "equal_width":
            mm = basis.agg(F.min(x).alias("mn"), F.max(x).alias("mx"))
            mn, mx = F.col("mn"), F.col("mx")
            parts = [mn + (mx - mn) * F.lit(float(i)) / F.lit(float(bins)) for i in range(bins)]
            stats = mm.select(*[p.alias("e%d" % i) for i, p in enumerate(parts + [mx])])
        elif method == "quantile":  # linear interpolation, as polars and `outliers`
            stats = basis.agg(*[F.percentile(x, i / bins).alias("e%d" % i) for i in range(bins + 1)])
        else:
            raise ValueError("unknown bin method %r" % method)
        names = ["%s_e%d" % (STAT, i) for i in range(bins + 1)]
        stats = stats.select(*[F.col("e%d" % i).alias(n) for i, n in enumerate(names)])
        df = df.crossJoin(F.broadcast(stats))
        es = [F.col(n) for n in names]
    inside = (x >= es[0]) & (x <= es[-1])
    idx = reduce(lambda a, e: a + F.when(x >= e, 1).otherwise(0), es[1:-1], F.lit(0))
    out = F.when(inside, idx.cast("bigint"))
    if labels is not None:
        out = F.element_at(F.array(*[F.lit(v) for v in labels]), (out + 1).cast("int"))
    df = _set(df, to, out, cond)
    return df.drop(*names) if names else df


def one_hot(df, name, prefix, max_categories, limit):
    """A 0/1 int column `prefix + value` per distinct value (in value order), for the
    `max_categories` most frequent (ties: smaller value first) and then `prefix +
    "other"`; missing values are 0 everywhere."""
    t = as_text(df, name)
    counts = df.where(col(name).isNotNull()).groupBy(t.alias("v")).count()
    ranked = counts.orderBy(F.desc("count"), F.asc("v"))
    ranked = ranked.limit(max_categories if max_categories is not None else limit + 1)
    cats = sorted(r.v for r in ranked.collect())
    if max_categories is None and len(cats) > limit:
        raise ValueError(
            "column %r has more than %d distinct values; set max_categories" % (name, limit)
        )
    new = [prefix + c for c in cats] + ([prefix + "other"] if max_categories is not None else [])
    for n in new:
        if n in df.columns or new.count(n) > 1:
            raise ValueError("one_hot would make column %r, which already exists" % n)
    for c in cats:
        df = df.withColumn(prefix + c, F.when(t == c, 1).otherwise(0))
    if max_categories is not None:
        other = t.isNotNull() & ~t.isin(cats) if cats else t.isNotNull()
        df = df.withColumn(prefix + "other", F.when(other, 1).otherwise(0))
    return df


def scale_values(df, name, method, to=None, cond=None):
    """minmax, zscore (sample sd), robust ((x - median) / IQR) with statistics from the
    rows where `cond` holds (a zero or undefined spread gives 0); log: ln(x), null for
    x <= 0."""
    x = _number(name)
    to = name if to is None else to
    if method == "log":
        return _set(df, to, F.when(x > 0, F.ln(x)), cond)
    basis = df if cond is None else df.where(cond)
    if method == "minmax":
        stats = basis.agg(F.min(x).alias("a"), (F.max(x) - F.min(x)).alias("b"))
    elif method == "zscore":
        stats = basis.agg(F.avg(x).alias("a"), F.stddev_samp(x).alias("b"))
    elif method == "robust":
        q = lambda p: F.percentile(x, p)  # noqa: E731
        stats = basis.agg(q(0.5).alias("a"), (q(0.75) - q(0.25)).alias("b"))
    else:
        raise ValueError("unknown scale method %r" % method)
    a, b = STAT + "_a", STAT + "_b"
    df = df.crossJoin(F.broadcast(stats.select(F.col("a").alias(a), F.col("b").alias(b))))
    flat = F.col(b).isNull() | F.isnan(F.col(b)) | (F.col(b) == 0)
    out = (
        F.when(x.isNull(), F.lit(None).cast("double"))
        .when(flat, F.lit(0.0))
        .otherwise((x - F.col(a)) / F.col(b))
    )
    return _set(df, to, out, cond).drop(a, b)


def map_values(df, name, pairs, default=None, has_default=False, to=None, cond=None):
    """Replace values by a table of (key text, new value text): keys compare with the
    text of a text column and as numbers with a number column; other present values
    are kept, or become `default` when `has_default`; missing values stay missing."""
    c, dt = col(name), dtype(df, name)
    if isinstance(dt, T.StringType):
        kt, keys = T.StringType(), [k for k, _ in pairs]
    elif is_integral(dt):
        kt, keys = T.LongType(), [int(float(k.strip())) for k, _ in pairs]
    else:
        kt, keys = T.DoubleType(), [float(k.strip()) for k, _ in pairs]
    k, v, hit = STAT + "_k", STAT + "_v", STAT + "_hit"
    schema = T.StructType([T.StructField(k, kt), T.StructField(v, T.StringType())])
    table = df.sparkSession.createDataFrame(
        [(key, val) for key, (_, val) in zip(keys, pairs)], schema
    ).withColumn(hit, F.lit(True))
    df = df.join(F.broadcast(table), c == F.col(k), "left")
    other = F.lit(default).cast(dt) if has_default else c
    out = (
        F.when(c.isNull(), F.lit(None).cast(dt))
        .when(F.col(hit).isNotNull(), F.col(v).cast(dt))
        .otherwise(other)
    )
    return _set(df, name if to is None else to, out, cond).drop(k, v, hit)


# --- encode (end) ----------------------------------------------------------------------


# --- reading and writing ---------------------------------------------------------------


def _convert(c, conversion):
    """The conversion wort inferred for a text column."""
    kind, _, pattern = conversion.partition(" ")
    if kind == "int":
        return F.when(c.rlike(INT_TEXT), c.cast("bigint"))
    if kind == "float":
        return text_to_float(c)
    if kind == "bool":
        low = F.lower(c)
        return F.when(low == "true", F.lit(True)).when(low == "false", F.lit(False))
    if kind == "date":
        return F.to_date(c, pattern)
    if kind == "datetime":
        return to_datetime(c, pattern)
    raise ValueError("unknown conversion %r" % conversion)


def _spark_type(name):
    return {
        "string": T.StringType(),
        "bigint": T.LongType(),
        "int": T.IntegerType(),
        "double": T.DoubleType(),
        "float": T.FloatType(),
        "boolean": T.BooleanType(),
        "date": T.DateType(),
        "timestamp_ntz": T.TimestampNTZType(),
        "timestamp": T.TimestampType(),
    }[name]


def _column_names(names, header):
    """Column names the way wort makes them from a header: trimmed, column_N for empty
    or missing names, name_2 for repeats."""
    out = []
    for i, n in enumerate(names):
        base = n.strip() if header and n is not None else ""
        base = base or "column_%d" % (i + 1)
        name, k = base, 2
        while name in out:
            name, k = "%s_%d" % (base, k), k + 1
        out.append(name)
    return out


# The column of a malformed row's text (PERMISSIVE reads of files with a preamble).
BAD = "__wort_malformed"


def _drop_repeated_headers(df, cells):
    """Drop the rows that repeat the header (a header written twice, files concatenated
    with their headers), as wort does: every cell, trimmed, equal to the header's."""
    names = [n for n in df.columns if n != ROW]
    if cells is None:
        cells = names
    if len(cells) != len(names):
        return df
    same = None
    for name, cell in zip(names, cells):
        if cell == "":
            cond = col(name).isNull() | (F.trim(col(name)) == "")
        else:
            cond = F.trim(col(name).cast("string")) == cell
        same = cond if same is None else same & cond
    return df.where(~F.coalesce(same, F.lit(False)))


def read_input(spark, inputs, read=None, columns=None):
    """Read the inputs the way wort reads them (READ, COLUMNS, or another file's
    `read` and `columns`), with the row order in ROW."""
    if read is None:
        read, columns = READ, COLUMNS
    fmt = read["format"]
    schema = None
    if columns is not None:
        schema = T.StructType([T.StructField(n, _spark_type(t)) for n, t, _ in columns])
    if fmt == "csv":
        skip = read["skip_records"]
        header = read["header"] and skip == 0
        # A row with the wrong number of fields is malformed: wort sets it aside, and
        # Spark must too (column pruning would let a short row through when its missing
        # fields are not read).
        spark.conf.set("spark.sql.csv.parser.columnPruning.enabled", "false")
        # wort sets malformed rows aside (it refuses a file where they are more than 1
        # row in 20 unless told to skip them; this job drops them all). Lines before the
        # header are not rows: with some, the malformed rows are marked, and dropped
        # once those lines are skipped by their position.
        mode = "DROPMALFORMED"
        if skip > 0:
            mode = "PERMISSIVE"
            if schema is not None:
                schema = T.StructType(schema.fields + [T.StructField(BAD, T.StringType())])
        reader = (
            spark.read.option("sep", read["delimiter"])
            .option("quote", read["quote"] if read["quote"] is not None else "\u0000")
            .option("escape", read["escape"] if read["escape"] is not None else "\u0000")
            .option("header", header)
            .option("encoding", read["encoding"])
            .option("multiLine", read["multiline"])
            .option("mode", mode)
            # `a, b`: the spaces after each delimiter are not part of the values.
            .option("ignoreLeadingWhiteSpace", bool(read.get("spaced", False)))
            .option("inferSchema", False)
        )
        if schema is not None:
            reader = reader.schema(schema).option("columnNameOfCorruptRecord", BAD)
        df = reader.csv(list(inputs))
    elif fmt == "parquet":
        df = spark.read.parquet(*inputs)
    elif fmt in ("json", "ndjson"):
        reader = spark.read.option("multiLine", fmt == "json")
        if schema is not None:
            reader = reader.schema(schema)
        df = reader.json(list(inputs))
    else:
        raise ValueError("unknown input format %r" % fmt)
    if fmt == "csv" and columns is None:
        df = df.toDF(*_column_names(df.columns, read["header"]))

    # Row order: file by file (in name order), then position in the file.
    several = len(set(df.inputFiles())) > 1
    if several or (fmt == "csv" and read["skip_records"] > 0):
        df = df.withColumn("__wort_file", F.input_file_name())
        pos = F.monotonically_increasing_id()
        df = df.withColumn(ROW, F.struct(F.col("__wort_file").alias("file"), pos.alias("pos")))
    else:
        df = df.withColumn(ROW, F.monotonically_increasing_id())
    if fmt == "csv" and read["skip_records"] > 0:
        # Lines before the header (and the header itself): the first records of each file.
        pos = F.col(ROW).getField("pos")
        starts = df.groupBy("__wort_file").agg(F.min(pos).alias("__wort_start"))
        df = df.join(F.broadcast(starts), "__wort_file")
        df = df.where(pos >= F.col("__wort_start") + read["skip_records"]).drop("__wort_start")
    if "__wort_file" in df.columns:
        df = df.drop("__wort_file")
    if BAD in df.columns:
        # Spark refuses a query of a raw file that reads only the malformed-row column
        # (a count): the condition names a data column too, always true for it.
        first = col(next(n for n in df.columns if n not in (BAD, ROW)))
        df = df.where(col(BAD).isNull() & ((F.length(first) >= -1) | first.isNull())).drop(BAD)
    if fmt == "csv" and read["header"]:
        df = _drop_repeated_headers(df, read.get("header_cells"))

    if fmt != "parquet":
        # wort run applies null tokens to delimited text only (JSON has real nulls).
        tokens = read.get("null_values", []) if fmt == "csv" else []
        for name, kind, conversion in columns or [(n, t, None) for n, t in df.dtypes if n != ROW]:
            c = col(name)
            if kind == "string" and tokens:
                c = F.when(c.isin(*tokens), F.lit(None).cast("string")).otherwise(c)
            if conversion is not None:
                c = _convert(c, conversion)
            if kind == "string" and (tokens or conversion is not None):
                df = df.withColumn(name, c)
    return df


def _like_input(df):
    """A CSV output follows a CSV input as wort writes it: date columns still as read
    are written in the format they were read in, and a file read without a header is
    written without one while its columns are still column_1, column_2..."""
    if READ["format"] != "csv":
        return df, True
    names = list(df.columns)
    made_up = bool(names) and names == ["column_%d" % (i + 1) for i in range(len(names))]
    types = dict(df.dtypes)
    read_as = {name: conversion.partition(" ")[0] for name, _, conversion in COLUMNS or []
               if conversion is not None}
    for name, pattern in READ.get("date_formats", {}).items():
        want = {"date": "date", "datetime": "timestamp_ntz"}.get(read_as.get(name))
        if want is not None and types.get(name) == want:
            df = df.withColumn(name, F.date_format(col(name), pattern))
    return df, not (not READ["header"] and made_up)


def write_output(df, output, output_format="parquet", keep_order=True):
    """Write the result (in row order unless keep_order is False), replacing `output`."""
    if keep_order:
        df = df.orderBy(col(ROW))
    df = df.drop(ROW)
    header = True
    if output_format == "csv":
        df, header = _like_input(df)
    writer = df.write.mode("overwrite")
    if output_format == "csv":
        # Spark's CSV writer trims spaces around values by default; wort keeps them.
        (writer.option("header", header)
            .option("ignoreLeadingWhiteSpace", False)
            .option("ignoreTrailingWhiteSpace", False)
            .csv(output))
    elif output_format == "json":
        writer.json(output)
    elif output_format == "parquet":
        writer.parquet(output)
    else:
        raise ValueError("unknown output format %r (parquet, csv or json)" % output_format)


def join(df, right, on, right_on, how, suffix):
    """Join `right` on the keys as wort does: keys once, under this table's names (from
    whichever side has them); the other file's clashing names get `suffix`; rows in
    this table's order, each followed by its matches in the other's order, then the
    other's unmatched rows (a right join follows the other file's order)."""
    names = data_columns(df)
    rrow = "__wort_rrow"
    keys = dict(zip(right_on, on))
    left_types = dict(df.dtypes)
    right_types = dict(right.dtypes)
    cols, added = [], []
    for n in data_columns(right):
        if n in keys:
            cols.append(col(n).alias(keys[n]))
        else:
            out = n + suffix if n in names else n
            cols.append(col(n).alias(out))
            added.append(out)
    right = right.select(*cols, col(ROW).alias(rrow))
    # Keys of different number types meet at the wider one, as in wort.
    for r, l in keys.items():
        if left_types[l] != right_types[r]:
            wide = "double" if "double" in (left_types[l], right_types[r]) or "float" in (left_types[l], right_types[r]) else None
            if wide is None and {left_types[l], right_types[r]} <= {"date", "timestamp", "timestamp_ntz"}:
                wide = "timestamp"
            if wide is None:
                wide = "bigint"
            df = df.withColumn(l, col(l).cast(wide))
            right = right.withColumn(l, col(l).cast(wide))
    spark_how = {"inner": "inner", "left": "left", "right": "right", "full": "full",
                 "semi": "left_semi", "anti": "left_anti"}[how]
    out = df.join(right, on=list(on), how=spark_how)
    if how in ("semi", "anti"):
        return out.select(*[col(n) for n in names], col(ROW))
    lrow, orow = col(ROW), col(rrow)
    if how == "right":
        row = F.struct(orow.alias("r"), lrow.alias("l"))
    else:
        row = F.struct(lrow.isNull().alias("o"), lrow.alias("l"), orow.alias("r"))
    keep = [col(n).cast(left_types[n]).alias(n) if n in on else col(n) for n in names]
    return out.select(*keep, *[col(n) for n in added], row.alias(ROW))


def union(df, others):
    """Append `others` by column name, as wort does: missing columns are null, numbers
    widen (int and float give float), a date and a datetime give a datetime; rows in
    order, this table's first."""
    frames = [df] + list(others)
    names, types = [], {}
    for f in frames:
        for n, t in f.dtypes:
            if n == ROW:
                continue
            if n not in types:
                names.append(n)
                types[n] = t
            elif types[n] != t:
                pair = {types[n], t}
                if pair <= {"int", "bigint", "smallint", "tinyint"}:
                    types[n] = "bigint"
                elif pair <= {"int", "bigint", "smallint", "tinyint", "float", "double"}:
                    types[n] = "double"
                elif pair <= {"date", "timestamp", "timestamp_ntz"}:
                    types[n] = "timestamp" if "timestamp" in pair else "timestamp_ntz"
                elif "void" in pair:
                    types[n] = (pair - {"void"}).pop()
    row_types = [f.schema[ROW].dataType for f in frames]
    out = None
    for i, f in enumerate(frames):
        have = set(f.columns)
        row = F.struct(
            F.lit(i).alias("u"),
            *[(col(ROW) if j == i else F.lit(None).cast(t)).alias("r%d" % j) for j, t in enumerate(row_types)]
        )
        part = f.select(
            *[(col(n) if n in have else F.lit(None)).cast(types[n]).alias(n) for n in names],
            row.alias(ROW),
        )
        out = part if out is None else out.unionByName(part)
    return out


def sql_query(df, query):
    """Replace the rows with `query`'s result over them (`{data}` in the query, whose
    other braces are doubled). Rows follow the query's ORDER BY when it has one;
    otherwise the order the rows come in."""
    spark = df.sparkSession
    out = spark.sql(query, data=df.orderBy(col(ROW)).drop(ROW))
    return out.withColumn(ROW, F.monotonically_increasing_id())


# The other files the recipe reads (join, union): name as the recipe writes it ->
# {"path", "stem", "read", "columns"}, filled in above; `run` binds new paths.
_SESSION = {"spark": None, "paths": {}}


def bind_inputs(inputs):
    """Split `--input` values into the data's paths and NAME=PATH rebindings of the
    files the recipe reads (NAME: the name as the recipe writes it, or its stem)."""
    data, bound = [], {}
    for item in inputs:
        name, sep, path = item.partition("=")
        match = [t for t, spec in TABLES.items() if sep and name in (t, spec["stem"])]
        if match:
            bound[match[0]] = path
        else:
            data.append(item)
    return data, bound


def table(name):
    """Another file the recipe reads, read the way wort reads it, with its row order in
    ROW."""
    spec = TABLES[name]
    path = _SESSION["paths"].get(name, spec["path"])
    return read_input(_SESSION["spark"], [path], spec["read"], spec["columns"])


def run(spark, inputs, output, output_format="parquet", keep_order=True):
    """Read `inputs` (with NAME=PATH rebinding the recipe's other files), apply the
    recipe, write `output`."""
    configure(spark)
    inputs, bound = bind_inputs(inputs)
    _SESSION["spark"] = spark
    _SESSION["paths"] = dict(bound)
    df = read_input(spark, inputs)
    df = transform(df)
    write_output(df, output, output_format, keep_order)


def main(argv=None):
    argv = sys.argv if argv is None else argv
    try:
        from awsglue.utils import getResolvedOptions
    except ImportError:
        getResolvedOptions = None
    if getResolvedOptions is not None and "--input" in argv:
        # AWS Glue: job parameters --input (comma-separated), --output, --output_format.
        from awsglue.context import GlueContext
        from awsglue.job import Job
        from pyspark.context import SparkContext

        names = ["input", "output"] + [
            n for n in ("JOB_NAME", "output_format") if "--" + n in argv
        ]
        args = getResolvedOptions(argv, names)
        glue = GlueContext(SparkContext.getOrCreate())
        job = Job(glue)
        job.init(args.get("JOB_NAME", "wort-job"), args)
        inputs = [p for p in args["input"].split(",") if p]
        run(glue.spark_session, inputs, args["output"], args.get("output_format", "parquet"))
        job.commit()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--input",
        nargs="+",
        required=True,
        help="input files, directories or globs; NAME=PATH reads PATH for a file the recipe joins or appends",
    )
    parser.add_argument("--output", required=True, help="output directory (replaced)")
    parser.add_argument("--output-format", default="parquet", choices=["parquet", "csv", "json"])
    parser.add_argument("--no-order", action="store_true", help="skip the final sort into input order")
    args = parser.parse_args(argv[1:])
    spark = SparkSession.builder.appName(APP_NAME).getOrCreate()
    try:
        run(spark, args.input, args.output, args.output_format, not args.no_order)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
