
# ---------------------------------------------------------------------------------------
# wort rules runtime: evaluates the RULES above on Spark the way `wort check` does
# (polars), and writes the same JSON report. The semantics follow wort's evaluator:
# exclusive `between`, nulls fail every operator but `!=` and `not in`, whole-value
# regex matches, population standard deviation, `where` rows only, `with threshold`
# on the fraction of passing rows, composite rules evaluated part by part.

import json as _json
import os as _os


class RuleError(Exception):
    """The rule cannot be evaluated as written (outcome Error)."""


class RuleFail(Exception):
    """The rule fails before any data is read (a missing column, as Glue says)."""


# --- the ruleset's vocabulary (what the RULES block is written in) ---------------------


class Lit:
    """A literal of a row condition. kind: num, text, date, now, time, null, empty, ws.
    `num`/`text`/`date` are the value in each domain it may be compared in (worked out
    by wort when the job was made; None where it does not convert)."""

    def __init__(self, kind, num=None, text=None, date=None, seconds=0, error=None):
        self.kind, self.num, self.text, self.date = kind, num, text, date
        self.seconds, self.error = seconds, error

    def resolve(self, now):
        """now() and times of day become dates when the job runs."""
        if self.kind == "now":
            d = now + _dt.timedelta(seconds=self.seconds)
            return Lit("date", text=str(d), date=d)
        if self.kind == "time":
            hh, mm = self.text.split(":")
            d = _dt.datetime.combine(now.date(), _dt.time(int(hh), int(mm)))
            return Lit("date", text=str(d), date=d)
        return self


def N(x, text):
    return Lit("num", num=x, text=text)


def S(text, num=None, date=None):
    return Lit("text", num=num, text=text, date=None if date is None else _dt.datetime.fromisoformat(date))


def D(date):
    d = _dt.datetime.fromisoformat(date)
    return Lit("date", text=str(d), date=d)


def NOW(seconds=0):
    return Lit("now", seconds=seconds)


def TIME(hh_mm):
    return Lit("time", text=hh_mm)


NULL, EMPTY, WS = Lit("null"), Lit("empty"), Lit("ws")


class Compare:
    def __init__(self, op, value):
        self.op, self.value = op, value


class Between:
    def __init__(self, low, high, negated=False):
        self.low, self.high, self.negated = low, high, negated


class In:
    def __init__(self, items, negated=False):
        self.items, self.negated = items, negated


class Matches:
    """`pattern` is the Java form of the rule's (Rust) regex, anchored by the caller."""

    def __init__(self, pattern, negated=False):
        self.pattern, self.negated = pattern, negated


class TypeIs:
    """ColumnDataType's condition: the value converts to one of `names`."""

    def __init__(self, names, negated=False):
        self.names, self.negated = names, negated


class Invalid:
    """A condition wort cannot evaluate: the rule's outcome is Error with `message`."""

    def __init__(self, message):
        self.message = message


class Leaf:
    def __init__(self, kind, params=(), cond=None, where=None, threshold=None):
        self.kind, self.params, self.cond = kind, list(params), cond
        self.where, self.threshold = where, threshold


def Unevaluable(message):
    """A rule wort reports as an Error whatever the data (a missing constant, a bad
    regex or where clause...)."""
    return Leaf("Unevaluable", [message])


class All:
    def __init__(self, *parts):
        self.parts = parts


class Any:
    def __init__(self, *parts):
        self.parts = parts


class Entry:
    """One item of `Rules = [...]`: its text (as `wort rules fmt` prints it), the rule
    or composite, its labels."""

    def __init__(self, text, rule, labels=None):
        self.text, self.rule, self.labels = text, rule, labels or {}


def leaves(rule):
    if isinstance(rule, Leaf):
        return [rule]
    return [x for p in rule.parts for x in leaves(p)]


# --- numbers as wort prints them ------------------------------------------------------


def fmt_num(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "NaN"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if float(v).is_integer() and abs(v) < 1e15:
        return "%.0f" % v
    s = "%.6f" % v
    return s.rstrip("0").rstrip(".")


def _finite(v):
    return v is not None and not math.isnan(v) and not math.isinf(v)


def type_name(dt):
    if isinstance(dt, T.StringType):
        return "text"
    if isinstance(dt, T.BooleanType):
        return "bool"
    if isinstance(dt, T.DateType):
        return "date"
    if isinstance(dt, (T.TimestampType, T.TimestampNTZType)):
        return "datetime"
    if isinstance(dt, T.IntegralType):
        return "int"
    if isinstance(dt, (T.FloatType, T.DoubleType)):
        return "float"
    if isinstance(dt, T.NullType):
        return "null"
    return dt.simpleString()


def is_numeric(dt):
    return isinstance(dt, (T.IntegralType, T.FloatType, T.DoubleType))


# --- one leaf's result ------------------------------------------------------------------


def result(outcome, message=None, metrics=None):
    return {"outcome": outcome, "message": message, "metrics": dict(metrics or {}),
            "failing_rows": None, "row_check": None, "columns": []}


def judged(ok, message, metrics):
    return result("Passed" if ok else "Failed", message, metrics)


class Batch:
    """Aggregates of every rule, computed in one Spark job; per-row helper columns
    (window counts) are added first."""

    def __init__(self):
        self.aggs, self.helpers = [], []

    def add(self, e):
        name = "__wort_m%d" % len(self.aggs)
        self.aggs.append(e.cast("double").alias(name))
        return name

    def helper(self, e):
        name = "__wort_h%d" % len(self.helpers)
        self.helpers.append(e.alias(name))
        return F.col(name)


class Checker:
    def __init__(self, spark, df, rules, now, max_failing_rows):
        self.spark, self.df, self.rules, self.now = spark, df, rules, now
        self.max_failing_rows = max_failing_rows
        self.names = data_columns(df)
        self.types = {f.name: f.dataType for f in df.schema.fields if f.name != ROW}

    # ----- parameters and columns -------------------------------------------------------

    def column(self, name):
        if name not in self.types:
            m = "Input data does not include column %s!" % name
            close = _did_you_mean(name, self.names)
            if close is not None:
                m += ' Did you mean "%s"?' % close
            raise RuleFail(m)
        return self.types[name]

    def mask(self, leaf):
        if leaf.where is None:
            return None
        try:
            m = where(leaf.where)
            self.df.select(m).schema  # analysed now: a bad clause is this rule's error
        except Exception as e:  # noqa: BLE001 - Spark's analysis error, reported as wort does
            raise RuleError("The provided where clause is invalid: %s" % _first_line(e))
        return m

    # ----- planning (one plan per leaf, as wort's evaluator) ----------------------------

    def plan(self, leaf, b):
        try:
            return self._plan(leaf, b)
        except RuleFail as e:
            return ("done", result("Failed", str(e)))
        except RuleError as e:
            return ("done", result("Error", str(e)))

    def _plan(self, leaf, b):
        k, p = leaf.kind, leaf.params
        if k == "Unevaluable":
            raise RuleError(p[0])
        mask = self.mask(leaf)
        w = F.lit(True) if mask is None else mask
        rows = b.add(F.count(F.lit(1)) if mask is None else F.sum(mask.cast("double")))

        def metric(e, name, extra=()):
            return ("metric", b.add(e), name, list(extra), rows)

        def f(e):
            return F.when(w, e)

        if k == "RowCount":
            return ("metric", rows, "Dataset.*.RowCount", [], rows)
        if k == "ColumnCount":
            return ("done", self.judge_value(leaf, float(len(self.names)), "Dataset.*.ColumnCount"))
        if k == "ColumnExists":
            if p[0] in self.types:
                return ("done", judged(True, None, {}))
            try:
                self.column(p[0])
            except RuleFail as e:
                return ("done", result("Failed", str(e)))
        if k == "ColumnNamesMatchPattern":
            pattern = "^(?:%s)\\z" % p[0]
            names = self.spark.createDataFrame([(n,) for n in self.names], "n string")
            bad = [r.n for r in names.where(~F.col("n").rlike(pattern)).collect()]
            bad = [n for n in self.names if n in set(bad)]
            ratio = 1.0 if not self.names else (len(self.names) - len(bad)) / len(self.names)
            return ("done", judged(not bad, "Columns that do not match the pattern: %s" % ", ".join(bad) if bad else None,
                                   {"Dataset.*.ColumnNamesPatternMatchRatio": ratio}))
        if k == "DuplicateRowCount":
            cols = list(p) or list(self.names)
            for c in cols:
                self.column(c)
            if mask is not None:
                raise RuleError("DuplicateRowCount does not take a where clause")
            key = F.struct(*[col(c) for c in cols])
            e = F.count(F.lit(1)) - F.countDistinct(key)
            name = "Multicolumn.%s.DuplicateRowCount" % ",".join(cols) if p else "Dataset.*.DuplicateRowCount"
            return metric(e, name)
        if k in ("Completeness", "IsComplete"):
            c = p[0]
            self.column(c)
            e = F.avg(f(col(c).isNotNull().cast("double")))
            name = "Column.%s.Completeness" % c
            if k == "Completeness":
                return metric(e, name)
            return ("exact", [(name, b.add(e))], rows, col(c).isNotNull(), [c])
        if k in ("Uniqueness", "IsUnique", "IsPrimaryKey"):
            cols = list(p)
            for c in cols:
                self.column(c)
            name = "Column.%s.Uniqueness" % cols[0] if len(cols) == 1 else "Multicolumn.%s.Uniqueness" % ",".join(cols)
            part = Window.partitionBy(w, *[col(c) for c in cols])
            unique_row = b.helper(F.count(F.lit(1)).over(part) == 1)
            any_present = reduce(lambda a, x: a | x, [col(c).isNotNull() for c in cols], F.lit(False))
            ratio = F.sum((unique_row & any_present & w).cast("double")) / F.sum((any_present & w).cast("double"))
            if k == "Uniqueness":
                return metric(ratio, name)
            if k == "IsUnique":
                return ("exact", [(name, b.add(ratio))], rows, unique_row, cols)
            ratios = [(name, b.add(ratio))]
            complete = F.lit(True)
            for c in cols:
                ratios.append(("Column.%s.Completeness" % c, b.add(F.avg(f(col(c).isNotNull().cast("double"))))))
                complete = complete & col(c).isNotNull()
            return ("exact", ratios, rows, unique_row & complete, cols)
        if k in ("UniqueValueRatio", "Entropy"):
            c = p[0]
            self.column(c)
            counts = self.df.where(w & col(c).isNotNull()).groupBy(col(c)).count()
            cnt = F.col("count").cast("double")
            if k == "UniqueValueRatio":
                r = counts.agg((F.sum((cnt == 1).cast("double")) / F.count(F.lit(1))).alias("v")).collect()[0].v
                return ("value", r, "Column.%s.UniqueValueRatio" % c, rows)
            r = counts.agg(F.sum(cnt).alias("n"), F.sum(cnt * F.log(cnt)).alias("s")).collect()[0]
            v = None if not r.n else math.log(r.n) - r.s / r.n
            return ("value", v, "Column.%s.Entropy" % c, rows)
        if k == "DistinctValuesCount":
            c = p[0]
            self.column(c)
            return metric(F.countDistinct(f(col(c))), "Column.%s.DistinctValuesCount" % c)
        if k in ("Mean", "Sum", "StandardDeviation", "Variance", "ZerosCount", "Range",
                 "InterquartileRange", "Skewness", "Kurtosis"):
            c = p[0]
            dt = self.column(c)
            if not is_numeric(dt):
                raise RuleError("%s needs a numeric column, but %s is %s" % (k, c, type_name(dt)))
            v = f(col(c).cast("double"))
            name = "Column.%s.%s" % (c, k)
            n = F.count(v)
            e = {
                "Mean": lambda: F.avg(v),
                "Sum": lambda: F.coalesce(F.sum(v), F.lit(0.0)),
                "StandardDeviation": lambda: F.stddev_pop(v),
                "Variance": lambda: F.var_pop(v),
                "ZerosCount": lambda: F.coalesce(F.sum((v == 0).cast("double")), F.lit(0.0)),
                "Range": lambda: F.max(v) - F.min(v),
                "InterquartileRange": lambda: F.percentile(v, F.lit(0.75)) - F.percentile(v, F.lit(0.25)),
                # polars' unbiased estimators from Spark's biased ones (g1, excess g2).
                "Skewness": lambda: F.when(n > 2, F.skewness(v) * F.sqrt(n * (n - 1)) / (n - 2)),
                "Kurtosis": lambda: F.when(
                    n > 3,
                    (n - 1) / (n - 2) * ((n + 1) / (n - 3) * (F.kurtosis(v) + 3) - 3 * (n - 1) / (n - 3)),
                ),
            }[k]()
            return metric(e, name)
        if k == "ColumnCorrelation":
            a, c2 = p[0], p[1]
            for c in (a, c2):
                dt = self.column(c)
                if not is_numeric(dt):
                    raise RuleError("ColumnCorrelation needs numeric columns, but %s is %s" % (c, type_name(dt)))
            both = w & col(a).isNotNull() & col(c2).isNotNull()
            e = F.corr(F.when(both, col(a).cast("double")), F.when(both, col(c2).cast("double")))
            return metric(e, "Multicolumn.%s,%s.ColumnCorrelation" % (a, c2))
        if k == "ColumnLength":
            c = p[0]
            self.column(c)
            length = F.coalesce(F.length(as_text(self.df, c)), F.lit(0)).cast("double")
            passed = self.row_predicate(length, T.DoubleType(), leaf.cond)
            extra = [("Column.%s.MinimumLength" % c, b.add(F.min(f(length)))),
                     ("Column.%s.MaximumLength" % c, b.add(F.max(f(length))))]
            return self.rows_plan(b, w, passed, "Column.%s.LengthCompliance" % c, extra, [c], False)
        if k == "ColumnValues":
            c = p[0]
            dt = self.column(c)
            passed = self.row_predicate(col(c), dt, leaf.cond, name=c)
            extra = []
            if is_numeric(dt):
                extra = [("Column.%s.Minimum" % c, b.add(F.min(f(col(c))))),
                         ("Column.%s.Maximum" % c, b.add(F.max(f(col(c)))))]
            return self.rows_plan(b, w, passed, "Column.%s.ColumnValues.Compliance" % c, extra, [c], True)
        if k == "ColumnDataType":
            c = p[0]
            dt = self.column(c)
            passed = self.data_type_predicate(c, dt, leaf.cond)
            return self.rows_plan(b, w, passed, "Column.%s.ColumnDataType.Compliance" % c, [], [c], False)
        if k == "DataFreshness":
            c = p[0]
            dt = self.column(c)
            if isinstance(dt, T.DateType):
                ts = col(c).cast("timestamp_ntz")
            elif isinstance(dt, (T.TimestampType, T.TimestampNTZType)):
                ts = col(c).cast("timestamp_ntz")
            elif isinstance(dt, T.StringType):
                ts = parse_dates(self.df, c, None, True)
            else:
                raise RuleError("DataFreshness needs a date or datetime column, but %s is %s" % (c, type_name(dt)))
            now = F.lit(self.now.strftime("%Y-%m-%d %H:%M:%S.%f")).cast("timestamp_ntz")
            age = (F.unix_micros(now.cast("timestamp")) - F.unix_micros(ts.cast("timestamp"))).cast("double") / 3.6e9
            passed = self.row_predicate(age, T.DoubleType(), leaf.cond)
            return self.rows_plan(b, w, passed, "Column.%s.DataFreshness.Compliance" % c, [], [c], True)
        if k == "CustomSql":
            return ("done", self.custom_sql(leaf))
        raise RuleError("%s is not evaluated by this job" % k)

    def rows_plan(self, b, w, passed, metric_name, extra, columns, null_message):
        ok = F.coalesce(passed, F.lit(False))
        null_failed = None
        if null_message and columns:
            null_failed = b.add(F.sum((col(columns[0]).isNull() & w & ~ok).cast("double")))
        pass_count = b.add(F.sum((ok & w).cast("double")))
        considered = b.add(F.sum(w.cast("double")))
        return ("rows", pass_count, considered, metric_name, extra, passed, columns, null_failed)

    # ----- row predicates ---------------------------------------------------------------

    def row_predicate(self, e, dt, cond, name=None):
        """The per-row pass expression of `cond` on `e` (of type `dt`)."""
        if isinstance(cond, Invalid):
            raise RuleError(cond.message)
        if isinstance(cond, Compare):
            l = cond.value.resolve(self.now)
            if l.kind == "null":
                if cond.op == "=":
                    return e.isNull()
                if cond.op == "!=":
                    return e.isNotNull()
                raise RuleError("NULL can only be compared with = or !=")
            if l.kind in ("empty", "ws"):
                m = _special(e, l)
                if cond.op == "=":
                    return m
                if cond.op == "!=":
                    return ~m | e.isNull()
                raise RuleError("EMPTY and WHITESPACES_ONLY can only be compared with = or !=")
            d = _domain(dt, [l])
            x, y = self.in_domain(d, e, dt, name), _lit_in(d, l)
            c = {"=": lambda: x == y, "!=": lambda: x != y, ">": lambda: x > y,
                 ">=": lambda: x >= y, "<": lambda: x < y, "<=": lambda: x <= y}[cond.op]()
            if cond.op == "!=":
                return e.isNull() | F.coalesce(c, F.lit(True))
            return e.isNotNull() & F.coalesce(c, F.lit(False))
        if isinstance(cond, Between):
            ls = [cond.low.resolve(self.now), cond.high.resolve(self.now)]
            d = _domain(dt, ls)
            x = self.in_domain(d, e, dt, name)
            lo, hi = _lit_in(d, ls[0]), _lit_in(d, ls[1])
            c = ((x <= lo) | (x >= hi)) if cond.negated else ((x > lo) & (x < hi))
            return e.isNotNull() & F.coalesce(c, F.lit(False))
        if isinstance(cond, In):
            ls = [l.resolve(self.now) for l in cond.items]
            plain = [l for l in ls if l.kind not in ("null", "empty", "ws")]
            d = _domain(dt, plain)
            values = [_lit_in(d, l) for l in plain]
            x = self.in_domain(d, e, dt, name)
            member = F.coalesce(x.isin(*values), F.lit(False)) if values else F.lit(False)
            for l in ls:
                if l.kind in ("empty", "ws"):
                    member = member | _special(e, l)
            has_null = any(l.kind == "null" for l in ls)
            if cond.negated:
                base = e.isNull() | ~member
                return base & e.isNotNull() if has_null else base
            base = e.isNotNull() & member
            return base | e.isNull() if has_null else base
        if isinstance(cond, Matches):
            text = self.in_domain("text", e, dt, name)
            m = F.coalesce(text.rlike("^(?:%s)\\z" % cond.pattern), F.lit(False))
            return e.isNotNull() & (~m if cond.negated else m)
        raise RuleError("this rule takes a comparison, between, in or matches")

    def in_domain(self, d, e, dt, name):
        """`e` cast to the domain a condition compares in (as wort's Domain::column)."""
        if d == "num":
            if isinstance(dt, T.StringType):
                return text_to_float(e)
            return e.cast("double")
        if d == "text":
            if name is not None:
                return as_text(self.df, name)
            return e.cast("string")
        if d == "date":
            return e.cast("date")
        if d == "datetime":
            return e.cast("timestamp_ntz")
        return e

    def data_type_predicate(self, c, dt, cond):
        if isinstance(cond, Invalid):
            raise RuleError(cond.message)
        targets = {"integer": "int", "int": "int", "long": "int", "short": "int", "byte": "int",
                   "double": "float", "float": "float", "decimal": "float", "boolean": "bool",
                   "bool": "bool", "date": "date", "timestamp": "datetime", "datetime": "datetime",
                   "string": "string"}
        anyc = F.lit(False)
        for n in cond.names:
            low = n.lower()
            target = targets.get(low, "float" if low.startswith("decimal(") else None)
            if target is None:
                raise RuleError(
                    "Unrecognized data type %r: use Boolean, Date, Timestamp, Integer, Long, Double, Float or String" % low
                )
            if target == "string":
                converts = col(c).isNotNull()
            elif isinstance(dt, T.StringType):
                converts = cast_expr(self.df, c, target).isNotNull()
            else:
                same = {
                    "int": isinstance(dt, T.IntegralType),
                    "float": is_numeric(dt),
                    "bool": isinstance(dt, T.BooleanType),
                    "date": isinstance(dt, T.DateType),
                    "datetime": isinstance(dt, (T.TimestampType, T.TimestampNTZType)),
                }[target]
                converts = col(c).isNotNull() & F.lit(same)
            anyc = anyc | converts
        return col(c).isNotNull() & ~anyc if cond.negated else anyc

    # ----- judging ----------------------------------------------------------------------

    def test(self, cond, v):
        """Whether metric `v` meets a numeric condition (numbers already resolved)."""
        if isinstance(cond, Invalid):
            raise RuleError(cond.message)
        if isinstance(cond, Compare):
            x = cond.value
            if v is None or x is None:
                return (v is None and x is None and cond.op == "=") or (
                    (v is None) != (x is None) and cond.op == "!="
                )
            return {"=": v == x, "!=": v != x, ">": v > x, ">=": v >= x, "<": v < x, "<=": v <= x}[cond.op]
        if isinstance(cond, Between):
            if v is None or cond.low is None or cond.high is None:
                return False
            inside = cond.low < v < cond.high
            return not inside if cond.negated else inside
        if isinstance(cond, In):
            found = any(x == v for x in cond.items)
            return not found if cond.negated else found
        raise RuleError("matches applies to text values, not to a number")

    def judge_value(self, leaf, v, metric_name):
        metrics = {metric_name: v}
        if leaf.cond is None:
            return judged(True, None, metrics)
        ok = self.test(leaf.cond, v)
        return judged(ok, None if ok else "Value: %s does not meet the constraint requirement." % fmt_num(v), metrics)

    def judge(self, leaf, plan, get):
        kind = plan[0]
        if kind == "done":
            return plan[1]
        if kind in ("metric", "value"):
            if kind == "metric":
                _, key, metric_name, extra, rows = plan
                v = get(key)
            else:
                _, v, metric_name, rows = plan
                extra = []
            considered = get(rows) or 0.0
            if _finite(v):
                r = self.judge_value(leaf, v, metric_name)
            elif leaf.where is not None and considered == 0:
                r = judged(True, "No rows matched the filter", {})
            else:
                r = result("Failed", "Value: NULL does not meet the constraint requirement: %s could not be computed (no non-null values)" % metric_name)
            for name, k in extra:
                if get(k) is not None:
                    r["metrics"][name] = get(k)
            return r
        if kind == "rows":
            _, pass_key, considered_key, metric_name, extra, passed, columns, null_failed = plan
            nulls_failed = (get(null_failed) or 0.0) > 0 if null_failed else False
            npass = get(pass_key) or 0.0
            total = get(considered_key) or 0.0
            metrics = {name: get(k) for name, k in extra if get(k) is not None}
            if total == 0:
                return judged(True, "No rows matched the filter", metrics)
            ratio = npass / total
            metrics[metric_name] = ratio
            failing = int(total - npass)
            if leaf.threshold is not None:
                ok = self.test(leaf.threshold, ratio)
                r = judged(ok, None if ok else "Value: %s does not meet the threshold requirement" % fmt_num(ratio), metrics)
            else:
                ok = failing == 0
                message = None
                if not ok:
                    message = "%.2f %% of rows passed the threshold" % (ratio * 100.0)
                    if nulls_failed:
                        message += "; Value: NULL does not meet the constraint requirement!"
                r = judged(ok, message, metrics)
            r["failing_rows"] = failing
            r["row_check"], r["columns"] = passed, columns
            return r
        if kind == "exact":
            _, ratios, rows, passed, columns = plan
            considered = get(rows) or 0.0
            metrics, ok = {}, True
            for name, k in ratios:
                v = get(k)
                if _finite(v):
                    metrics[name] = v
                    ok = ok and v == 1.0
                else:
                    ok = False
            if considered == 0:
                return judged(True, "No rows matched the filter", metrics)
            low = min([1.0] + list(metrics.values()))
            r = judged(ok, None if ok else "Value: %s does not meet the constraint requirement!" % fmt_num(low), metrics)
            if not ok:
                r["failing_rows"] = int(round((1.0 - low) * considered))
            r["row_check"], r["columns"] = passed, columns
            return r
        raise RuleError("unknown plan %r" % kind)

    # ----- CustomSql --------------------------------------------------------------------

    def custom_sql(self, leaf):
        sql = leaf.params[0]
        # `primary` is the data (a view of the job's own session, set by `check`).
        try:
            out = self.spark.sql(sql)
            out_cols = out.columns
        except Exception as e:  # noqa: BLE001 - Spark's error, reported as the rule's
            raise RuleError("CustomSql %s: %s" % (_json.dumps(sql), _first_line(e)))
        if leaf.cond is not None:
            rows = out.limit(2).collect()
            if len(out_cols) != 1 or len(rows) != 1:
                raise RuleError(
                    "CustomSql %s: the SQL must return one number, but it returned %d rows and %d columns"
                    % (_json.dumps(sql), len(rows) if len(rows) < 2 else out.count(), len(out_cols))
                )
            v = rows[0][0]
            if v is None:
                return result("Failed", "Value: NULL does not meet the constraint requirement: the SQL returned null")
            try:
                v = float(v)
            except (TypeError, ValueError):
                raise RuleError("CustomSql %s: the SQL must return one number" % _json.dumps(sql))
            return self.judge_value(leaf, v, "Dataset.*.CustomSQL")
        bad = [c for c in out_cols if c not in self.types]
        if bad:
            raise RuleError(
                "CustomSql %s: the row form must select columns of primary, but %s is not one"
                % (_json.dumps(sql), _json.dumps(bad[0]))
            )
        total = self.df.count()
        data = self.df.drop(ROW)
        if out_cols:
            keys, cond, _ = _match_keys(out, out_cols, data, "__wort_k")
            matched = data.join(keys, cond, "left_semi").count()
        else:
            matched = 0
        if total == 0:
            return result("Failed", "The dataset has no rows")
        ratio = matched / total
        metrics = {"Dataset.*.CustomSQL.Compliance": ratio}
        msg = "%.2f %% of rows passed the threshold" % (ratio * 100.0)
        if leaf.threshold is not None:
            ok = self.test(leaf.threshold, ratio)
        else:
            ok = ratio == 1.0
        r = judged(ok, None if ok else msg, metrics)
        r["failing_rows"] = total - matched
        return r

    # ----- the whole ruleset ------------------------------------------------------------

    def evaluate(self, dataset):
        b = Batch()
        total_key = b.add(F.count(F.lit(1)))
        plans = [[self.plan(l, b) for l in leaves(e.rule)] for e in self.rules]
        data = self.df.select("*", *b.helpers) if b.helpers else self.df
        row = data.agg(*b.aggs).collect()[0].asDict()

        def get(k):
            v = row.get(k)
            return None if v is None else float(v)

        entries = []
        checks = []  # (index, pass expression, columns) of the failed row-level leaves
        for entry, leaf_plans in zip(self.rules, plans):
            out = []
            for leaf, plan in zip(leaves(entry.rule), leaf_plans):
                try:
                    r = self.judge(leaf, plan, get)
                except RuleError as e:
                    r = result("Error", str(e))
                check = r.pop("row_check")
                if r["outcome"] == "Failed" and (r["failing_rows"] or 0) > 0 and check is not None:
                    r["sample_index"] = len(checks)
                    checks.append((self.full_pass(leaf, check), r["columns"]))
                out.append(r)
            entries.append(out)
        samples = self.failing_samples(data, checks) if checks and self.max_failing_rows > 0 else []
        rules = []
        for i, (entry, leaf_results) in enumerate(zip(self.rules, entries)):
            r = combine(entry.rule, leaf_results, samples)
            rules.append(dict([("name", "Rule_%d" % (i + 1)), ("rule", entry.text)] + list(r.items())))
            if entry.labels:
                rules[-1]["labels"] = dict(sorted(entry.labels.items()))
        passed = sum(r["outcome"] == "Passed" for r in rules)
        failed = sum(r["outcome"] == "Failed" for r in rules)
        errors = sum(r["outcome"] == "Error" for r in rules)
        return {
            "wort_report": 1,
            "dataset": dataset,
            "rows": int(get(total_key) or 0),
            "score": 1.0 if not rules else passed / len(rules),
            "passed": passed,
            "failed": failed,
            "errors": errors,
            "rules": rules,
        }

    def full_pass(self, leaf, passed):
        """A leaf's row check over every row: rows outside its `where` pass."""
        ok = F.coalesce(passed, F.lit(False))
        mask = self.mask(leaf)
        return ok if mask is None else ok | ~mask

    def failing_samples(self, data, checks):
        """Up to max_failing_rows failing rows per check, with 1-based row numbers (the
        row's position in the data, as wort numbers it)."""
        firsts = []
        for passed, cols in checks:
            rows = (
                data.withColumn("__wort_ok", passed)
                .where(~F.col("__wort_ok"))
                .orderBy(col(ROW))
                .select(col(ROW).alias("__wort_r"), *[col(c) for c in cols])
                .limit(self.max_failing_rows)
                .collect()
            )
            firsts.append((rows, cols))
        number = self.row_numbers(list(dict.fromkeys(r["__wort_r"] for rows, _ in firsts for r in rows)))
        return [
            [{"row": number[r["__wort_r"]], "values": {c: _json_value(r[c]) for c in sorted(cols)}}
             for r in rows]
            for rows, cols in firsts
        ]

    def row_numbers(self, keys):
        """Row order keys -> 1-based row numbers: the rows before each, plus one. One
        aggregate pass when the order is a number (one input file); otherwise the rows
        are numbered in order (zipWithIndex)."""
        if not keys:
            return {}
        if isinstance(self.df.schema[ROW].dataType, T.LongType):
            counts = self.df.agg(
                *[F.sum((col(ROW) < F.lit(k)).cast("long")).alias("c%d" % i) for i, k in enumerate(keys)]
            ).collect()[0]
            return {k: (counts[i] or 0) + 1 for i, k in enumerate(keys)}
        wanted = set(keys)
        numbered = self.df.select(ROW).orderBy(col(ROW)).rdd.zipWithIndex()
        return dict(numbered.filter(lambda ri: ri[0][0] in wanted).map(lambda ri: (ri[0][0], ri[1] + 1)).collect())

    def with_failed_rules(self):
        """The data with FAILED_RULES: the texts of the row-level rules each row fails, in
        ruleset order, joined with "; " (empty when it fails none), and the indexes of
        the row-level entries. As `wort run --quarantine` decides: a rule is row-level
        when it is decided per row (IsComplete, ColumnValues, ColumnLength,
        ColumnDataType, DataFreshness, CustomSql's row form) and a composite when all its
        parts are, judged per row (`and` fails a row when a part fails it, `or` when
        every part does); a row outside a rule's `where` passes it. A rule that cannot be
        planned is not row-level: it is judged with the others, and stops the publish."""
        b = Batch()
        data = self.df
        flags, row_level = [], []
        for i, entry in enumerate(self.rules):
            ok, data = self.entry_pass(entry.rule, b, data)
            if ok is not None:
                row_level.append(i)
                flags.append(F.when(~ok, F.lit(entry.text)))
        if b.helpers:
            data = data.select("*", *b.helpers)
        failed = F.concat_ws("; ", *flags) if flags else F.lit("")
        out = data.withColumn(FAILED_RULES, failed)
        helpers = [h for h in out.columns if h.startswith("__wort_h") or h.startswith("__wort_q")]
        return out.drop(*helpers), row_level

    def entry_pass(self, rule, b, data):
        """Whether a row passes `rule` (a Column), or None when it is not row-level; and
        the data, joined with what a CustomSql row rule needs."""
        if isinstance(rule, Leaf):
            if rule.kind == "CustomSql" and rule.cond is None:
                return self.custom_sql_rows(rule, data)
            return self.row_pass(rule, b), data
        parts = []
        for p in rule.parts:
            ok, data = self.entry_pass(p, b, data)
            if ok is None:
                return None, data
            parts.append(ok)
        if isinstance(rule, All):
            return reduce(lambda a, x: a & x, parts), data
        return reduce(lambda a, x: a | x, parts), data

    def custom_sql_rows(self, leaf, data):
        """CustomSql's row form per row: a row passes when the query (over all the rows)
        returns its values in the columns the query selects (missing equals missing)."""
        try:
            out = self.spark.sql(leaf.params[0])
            cols = out.columns
        except Exception:  # noqa: BLE001 - judged, and reported, with the other rules
            return None, data
        if not cols or any(c not in self.types for c in cols):
            return None, data
        mark = "__wort_q%d" % len([c for c in data.columns if c.startswith("__wort_q")])
        keys, cond, names = _match_keys(out, cols, data, mark + "_k", mark)
        joined = data.join(keys, cond, "left").drop(*names)
        return F.col(mark).isNotNull(), joined

    def row_pass(self, leaf, b):
        """Whether a row passes a row-level leaf (a Column), or None for other rules."""
        if leaf.kind not in ROW_LEVEL:
            return None
        try:
            plan = self._plan(leaf, b)
        except (RuleFail, RuleError):
            return None
        if plan[0] == "rows":
            return self.full_pass(leaf, plan[5])
        if plan[0] == "exact":
            return self.full_pass(leaf, plan[3])
        return None


def _match_keys(out, cols, data, prefix, mark=None):
    """A CustomSql row query's distinct rows as keys (columns `prefix`0, 1..., and a
    true column `mark` when given), and the condition that matches a row of `data` to
    them on the columns the query selects (missing equals missing)."""
    names = ["%s%d" % (prefix, i) for i in range(len(cols))]
    keys = out.distinct().toDF(*names)
    if mark is not None:
        keys = keys.withColumn(mark, F.lit(True))
    cond = reduce(lambda a, x: a & x, [data[c].eqNullSafe(keys[n]) for c, n in zip(cols, names)])
    return keys, cond, names


ROW_LEVEL = ("IsComplete", "ColumnValues", "ColumnLength", "ColumnDataType", "DataFreshness")
FAILED_RULES = "wort_failed_rules"


def combine(expr, leaf_results, samples):
    """A composite's result from its parts (each over the whole data)."""
    it = iter(leaf_results)

    def fold(e):
        if isinstance(e, Leaf):
            return next(it)["outcome"]
        parts = [fold(x) for x in e.parts]
        if isinstance(e, All):
            if "Error" in parts:
                return "Error"
            return "Passed" if all(o == "Passed" for o in parts) else "Failed"
        if "Passed" in parts:
            return "Passed"
        return "Error" if "Error" in parts else "Failed"

    outcome = fold(expr)
    metrics, messages, failing, rows = {}, [], None, []
    for l in leaf_results:
        metrics.update(l["metrics"])
        if l["message"]:
            messages.append(l["message"])
        if l["failing_rows"] is not None:
            failing = (failing or 0) + l["failing_rows"]
        i = l.get("sample_index")
        if i is not None and i < len(samples):
            for s in samples[i]:
                if not any(x["row"] == s["row"] for x in rows):
                    rows.append(s)
    rows.sort(key=lambda s: s["row"])
    out = {"outcome": outcome}
    if not ((outcome == "Passed" and len(leaf_results) > 1) or not messages):
        out["message"] = "\n".join(messages)
    out["metrics"] = dict(sorted(metrics.items()))
    if outcome != "Passed" and failing is not None:
        out["failing_rows"] = failing
    if outcome != "Passed" and rows:
        out["failing_samples"] = rows
    return out


def _json_value(v):
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return v if _finite(v) else None
    return str(v)


def _special(e, l):
    """EMPTY: the value is ""; WHITESPACES_ONLY: non-empty and only white space."""
    t = e.cast("string")
    if l.kind == "empty":
        return F.coalesce(t == "", F.lit(False))
    return F.coalesce((F.length(t) > 0) & (strip(t) == ""), F.lit(False))


def _domain(dt, lits):
    """The domain a row condition compares in (wort's Domain::pick)."""
    all_num = bool(lits) and all(l.kind == "num" for l in lits)
    any_date = any(l.kind == "date" for l in lits)
    if is_numeric(dt):
        return "num"
    if isinstance(dt, T.DateType):
        return "date"
    if isinstance(dt, (T.TimestampType, T.TimestampNTZType)):
        return "datetime"
    if isinstance(dt, T.BooleanType):
        return "bool"
    if isinstance(dt, T.StringType) and all_num:
        return "num"
    if isinstance(dt, T.StringType) and any_date:
        return "datetime"
    return "text"


def _lit_in(d, l):
    """A literal as a Spark value of domain `d` (wort's Domain::lit), or RuleError."""
    if l.kind not in ("num", "text", "date"):
        raise RuleError("%s does not compare with this column" % l.kind.upper())
    if d == "num":
        if l.num is None:
            raise RuleError("%s is not a number, and the column is numeric" % _json.dumps(l.text))
        return F.lit(float(l.num))
    if d == "text":
        return F.lit(l.text)
    if d in ("date", "datetime"):
        if l.date is None:
            raise RuleError("%s is not a date" % _json.dumps(l.text))
        if d == "date":
            return F.lit(l.date.date())
        return F.lit(l.date.strftime("%Y-%m-%d %H:%M:%S.%f")).cast("timestamp_ntz")
    if d == "bool":
        if l.kind == "num":
            return F.lit(l.num != 0)
        if l.kind == "text" and l.text.lower() in ("true", "false"):
            return F.lit(l.text.lower() == "true")
        raise RuleError("%s is not true or false" % _json.dumps(l.text))
    raise RuleError("%s does not compare with this column" % _json.dumps(l.text))


def _first_line(e):
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _jaro_winkler(a, b):
    """strsim's Jaro-Winkler similarity (what wort's did-you-mean uses)."""
    la, lb = len(a), len(b)
    if la == 0 and lb == 0:
        return 1.0
    if la == 0 or lb == 0:
        return 0.0
    reach = max(max(la, lb) // 2 - 1, 0)
    fa, fb = [False] * la, [False] * lb
    matches = 0
    for i, ca in enumerate(a):
        lo, hi = max(i - reach, 0), min(lb, i + reach + 1)
        for j in range(lo, hi):
            if ca == b[j] and not fb[j]:
                fa[i] = fb[j] = True
                matches += 1
                break
    if matches == 0:
        return 0.0
    bs = [b[j] for j in range(lb) if fb[j]]
    transpositions = sum(1 for ca, cb in zip([a[i] for i in range(la) if fa[i]], bs) if ca != cb) // 2
    m = float(matches)
    sim = (m / la + m / lb + (m - transpositions) / m) / 3.0
    if sim > 0.7:
        prefix = 0
        for ca, cb in zip(a[:4], b):
            if ca != cb:
                break
            prefix += 1
        sim += 0.1 * prefix * (1.0 - sim)
    return sim


def _did_you_mean(name, names):
    """The closest column name (Jaro-Winkler >= 0.8, ignoring case), as wort suggests."""
    best, score = None, -1.0
    for n in names:
        s = _jaro_winkler(name.lower(), n.lower())
        if s >= 0.8 and s >= score:
            best, score = n, s
    return best


# --- the job ------------------------------------------------------------------------------


class InputError(Exception):
    """The input cannot be read (exit 2)."""


def read_checked_input(spark, inputs, input_format=None):
    """Read the inputs the way wort reads them (READ, COLUMNS); `input_format` other than
    READ's reads that format with Spark's types (CSV: every column as text)."""
    if not inputs:
        raise InputError("no input given: pass --input PATH")
    read, columns = READ, COLUMNS
    if input_format is not None and input_format != READ["format"]:
        read = dict(READ_DEFAULTS, format=input_format)
        columns = None
    for path in inputs:
        if "://" not in path and not any(ch in path for ch in "*?[") and not _os.path.exists(path):
            raise InputError("%s does not exist: check the path given to --input" % path)
    try:
        df = read_input(spark, inputs, read, columns)
        df.schema  # noqa: B018 - resolves the files now, so a bad path is an input error
    except Exception as e:  # noqa: BLE001 - any reader failure is the input's
        raise InputError("reading %s failed: %s" % (", ".join(inputs), _first_line(e)))
    return df


READ_DEFAULTS = {
    "format": "csv", "delimiter": ",", "quote": '"', "escape": '"', "header": True,
    "skip_records": 0, "encoding": "utf-8", "multiline": True, "skip_bad_rows": False,
    "null_values": [], "spaced": False, "header_cells": None,
}


def _now():
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


def write_report(report, path):
    """The JSON report (as `wort check --format json`), written whole or not at all."""
    text = _json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if path is None or path == "-":
        sys.stdout.write(text)
        return
    tmp = _os.path.join(_os.path.dirname(_os.path.abspath(path)), "." + _os.path.basename(path) + ".part")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    _os.replace(tmp, path)


def check(spark, inputs, report=None, input_format=None, output=None, output_format="parquet",
          quarantine=None, failing_rows=10, dataset=None, replay=False, log=None):
    """Read `inputs` (and replay the recipe when `replay`), evaluate RULES, write the
    report; with `output`, publish the rows only when every rule passes (with
    `quarantine`, the rows failing a row-level rule go there instead, and the other rules
    are judged on the rest). Returns the exit code: 0 passed, 1 a rule failed (2 with
    errors when only checking)."""
    log = log or (lambda line: print(line, file=sys.stderr))
    # A session of its own: the `primary` view CustomSql reads, and the settings.
    spark = spark.newSession()
    configure(spark)
    if replay:
        inputs, bound = bind_inputs(inputs)
        _SESSION["spark"] = spark
        _SESSION["paths"] = dict(bound)
    df = read_checked_input(spark, inputs, input_format)
    if replay:
        df = transform(df)
    if output is not None:
        df = df.persist()
    now = _now()
    name = dataset or (output if replay and output else _os.path.basename(inputs[0].rstrip("/")) or inputs[0])
    good, bad, row_level = df, None, []
    if quarantine is not None:
        # A CustomSql row rule's query reads all the rows, before the split.
        df.drop(ROW).createOrReplaceTempView("primary")
        marked, row_level = Checker(spark, df, ruleset(), now, failing_rows).with_failed_rules()
        marked = marked.persist()
        good = marked.where(F.col(FAILED_RULES) == "").drop(FAILED_RULES)
        bad = marked.where(F.col(FAILED_RULES) != "")
    good.drop(ROW).createOrReplaceTempView("primary")
    result = Checker(spark, good, ruleset(), now, failing_rows).evaluate(name)
    if report is not None:
        write_report(result, report)
    if output is None:
        return 2 if result["errors"] else (1 if result["failed"] else 0)
    # With a quarantine, the row-level rules' failing rows are set aside: only the
    # dataset-level rules, judged on the rows left, can stop the publish.
    judged = [r for i, r in enumerate(result["rules"]) if i not in row_level]
    if any(r["outcome"] != "Passed" for r in judged):
        for r in judged:
            if r["outcome"] != "Passed":
                log("%s %s: %s%s" % (r["name"], r["outcome"].upper(), r["rule"],
                                     ": " + r["message"].replace("\n", "; ") if r.get("message") else ""))
        log("not published: the %s does not pass the rules; %s is unchanged"
            % ("output" if replay else "input", output))
        return 1
    if bad is not None:
        n_good, n_bad = good.count(), bad.count()
        write_output(good, output, output_format)
        write_output(bad, quarantine, output_format)
        log("rows   %d good rows to %s, %d quarantined rows to %s" % (n_good, output, n_bad, quarantine))
    else:
        write_output(good, output, output_format)
    log("rules  %d rules passed" % len(result["rules"]))
    return 0


def main(argv=None):
    argv = sys.argv if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", nargs="+", required=True, help=INPUT_HELP)
    parser.add_argument("--format", dest="input_format", choices=["csv", "parquet", "json", "ndjson"],
                        help="the input's format (default: the sample's, %s)" % READ["format"])
    parser.add_argument("--report", help="write the JSON report here (default: standard output)")
    parser.add_argument("--output", required=REPLAY, help=OUTPUT_HELP)
    parser.add_argument("--output-format", default="parquet", choices=["parquet", "csv", "json"])
    parser.add_argument("--quarantine", help="rows failing a row-level rule go here, with the column %s" % FAILED_RULES)
    parser.add_argument("--failing-rows", type=int, default=10, help="failing rows shown per row-level rule")
    parser.add_argument("--dataset", help="the dataset's name in the report (default: the first input's file name)")
    args = parser.parse_args(argv[1:])
    if args.quarantine is not None and args.output is None:
        parser.error("--quarantine needs --output (the rows that pass go there)")
    if args.failing_rows < 0:
        parser.error("--failing-rows must be 0 or more")
    spark = SparkSession.builder.appName(APP_NAME).getOrCreate()
    try:
        code = check(spark, args.input, args.report or "-",
                     args.input_format, args.output, args.output_format, args.quarantine,
                     args.failing_rows, args.dataset, REPLAY)
    except InputError as e:
        print("error: %s" % e, file=sys.stderr)
        code = 2
    except Exception as e:  # noqa: BLE001 - exit 2, not Python's 1 (which means "failed")
        print("error: the job failed: %s" % _first_line(e), file=sys.stderr)
        code = 2
    finally:
        spark.stop()
    sys.exit(code)


if __name__ == "__main__":
    main()
