//! Quantiles of a column too large to hold.
//!
//! polars' `median` and `quantile` hold every value of the column, and sort them. When
//! the values would pass the memory budget of `wort run`, the value at each rank the
//! quantile needs is found instead in a few streaming passes: each counts the values
//! per bucket of a shrinking range (at most [`BUCKETS`] buckets), and once the bucket
//! that holds the rank fits in the budget, its values are read and sorted. The result
//! is exact, the value polars gives: linear interpolation between the values at the two
//! ranks around `q * (n - 1)`, over the values that are not missing, NaN counted as the
//! largest.

use polars::prelude::*;

use super::literal::StatsPass;

/// Buckets per pass: their counts are all a pass brings back.
const BUCKETS: u32 = 1 << 16;
/// Bytes a quantile holds per value in polars: the value, and its sorted copy.
pub const BYTES_PER_VALUE: u64 = 16;

const V: &str = "__wort_q_value";
const B: &str = "__wort_q_bucket";

/// A quantile found in a statistic's expression: of what, and which.
struct Quantile {
    values: Expr,
    q: f64,
}

fn recognise(e: &Expr) -> Option<Quantile> {
    match e {
        Expr::Agg(AggExpr::Median(x)) => Some(Quantile {
            values: x.as_ref().clone(),
            q: 0.5,
        }),
        Expr::Function {
            input,
            function:
                FunctionExpr::Quantile {
                    method: QuantileMethod::Linear,
                },
        } if input.len() == 2 => {
            let Expr::Literal(p) = &input[1] else {
                return None;
            };
            let q = p.to_any_value()?.extract::<f64>()?;
            (0.0..=1.0).contains(&q).then(|| Quantile {
                values: input[0].clone(),
                q,
            })
        }
        _ => None,
    }
}

/// `stat` with each median or linear quantile in it whose values would take more than
/// `budget` bytes replaced by its value, found out of core over `lf`; the others are
/// left for the statistics pass. Returns the passes over the data the ones found out of
/// core took (0: none was).
pub fn out_of_core(
    stat: Expr,
    lf: &LazyFrame,
    pass: &StatsPass,
    budget: u64,
) -> PolarsResult<(Expr, u64)> {
    let mut passes = 0;
    let stat = stat.try_map_expr(|e| {
        let Some(quantile) = recognise(&e) else {
            return Ok(e);
        };
        let dtype = lf
            .clone()
            .select([e.clone().alias(V)])
            .collect_schema()?
            .get(V)
            .cloned()
            .unwrap_or(DataType::Float64);
        let finder = Finder::new(lf, quantile.values, pass, budget);
        let mut took = 0;
        match finder.quantile(quantile.q, &mut took)? {
            Some(value) => {
                passes += took;
                Ok(lit(value).cast(dtype))
            }
            None => Ok(e),
        }
    })?;
    Ok((stat, passes))
}

/// Finds the values at given ranks of one column, out of core.
struct Finder<'p> {
    /// The column's values that are not missing, as floats, in `V`.
    all: LazyFrame,
    /// Those that are not NaN either.
    values: LazyFrame,
    pass: &'p StatsPass,
    budget: u64,
}

impl<'p> Finder<'p> {
    fn new(lf: &LazyFrame, values: Expr, pass: &'p StatsPass, budget: u64) -> Self {
        let v = col(V);
        let all = lf
            .clone()
            .select([values.cast(DataType::Float64).alias(V)])
            .filter(v.clone().is_not_null());
        Finder {
            values: all.clone().filter(v.is_not_nan()),
            all,
            pass,
            budget,
        }
    }

    fn run(&self, plan: LazyFrame, passes: &mut u64) -> PolarsResult<DataFrame> {
        *passes += 1;
        (self.pass)(plan)
    }

    /// The `q` quantile, or None when the values fit in the budget (polars then
    /// computes it as usual).
    fn quantile(&self, q: f64, passes: &mut u64) -> PolarsResult<Option<f64>> {
        let v = col(V);
        let number = v.clone().filter(v.clone().is_not_nan());
        let first = self.run(
            self.all.clone().select([
                len().cast(DataType::UInt64).alias("total"),
                v.is_nan().sum().cast(DataType::UInt64).alias("nans"),
                number.clone().min().alias("lo"),
                number.max().alias("hi"),
            ]),
            passes,
        )?;
        let total = u64_at(&first, "total")?;
        if total.saturating_mul(BYTES_PER_VALUE) <= self.budget {
            return Ok(None);
        }
        // NaN sort last: they only move the ranks past the numbers.
        let n = total - u64_at(&first, "nans")?;
        let pos = (total - 1) as f64 * q;
        let (below, above) = (pos.floor() as u64, pos.ceil() as u64);
        let at = |k: u64, passes: &mut u64| -> PolarsResult<f64> {
            if k >= n {
                Ok(f64::NAN)
            } else {
                self.kth(k, (f64_at(&first, "lo")?, f64_at(&first, "hi")?), passes)
            }
        };
        let low = at(below, passes)?;
        let high = if above == below {
            low
        } else {
            at(above, passes)?
        };
        // As polars interpolates (`linear_interpol`), for the same bits.
        Ok(Some(if low == high {
            low
        } else {
            (pos - below as f64) * (high - low) + low
        }))
    }

    /// The `k`th smallest value (from 0), all values lying in `range`.
    fn kth(&self, k: u64, range: (f64, f64), passes: &mut u64) -> PolarsResult<f64> {
        let (mut lo, mut hi) = range;
        // Values below `lo`, among all.
        let mut under = 0u64;
        let v = col(V);
        loop {
            if lo >= hi {
                return Ok(lo);
            }
            let inside = self
                .values
                .clone()
                .filter(v.clone().gt_eq(lit(lo)).and(v.clone().lt_eq(lit(hi))));
            let width = (hi - lo) / f64::from(BUCKETS);
            let bucket = ((v.clone() - lit(lo)) / lit(width))
                .floor()
                .clip(lit(0.0), lit(f64::from(BUCKETS - 1)))
                .cast(DataType::UInt32);
            let table = self.run(
                inside
                    .clone()
                    .group_by([bucket.alias(B)])
                    .agg([
                        len().cast(DataType::UInt64).alias("n"),
                        v.clone().min().alias("lo"),
                        v.clone().max().alias("hi"),
                    ])
                    .sort([B], Default::default()),
                passes,
            )?;
            let counts = table.column("n")?.u64()?.clone();
            let los = table.column("lo")?.f64()?.clone();
            let his = table.column("hi")?.f64()?.clone();
            let mut found = None;
            let mut before = under;
            for i in 0..table.height() {
                let c = counts.get(i).unwrap_or(0);
                if before + c > k {
                    found = Some((c, los.get(i), his.get(i)));
                    break;
                }
                before += c;
            }
            let Some((count, Some(b_lo), Some(b_hi))) = found else {
                polars_bail!(ComputeError: "a quantile's rank {k} was not found among the values (they changed between two passes over the data)");
            };
            if b_lo == b_hi {
                return Ok(b_lo);
            }
            if count.saturating_mul(BYTES_PER_VALUE) <= self.budget {
                let df = self.run(
                    inside
                        .filter(v.clone().gt_eq(lit(b_lo)).and(v.clone().lt_eq(lit(b_hi))))
                        .sort([V], Default::default()),
                    passes,
                )?;
                let values = df.column(V)?.f64()?.clone();
                let i = usize::try_from(k - before).unwrap_or(usize::MAX);
                return values.get(i).ok_or_else(
                    || polars_err!(ComputeError: "a quantile's rank {k} was not found among the values"),
                );
            }
            if b_lo == lo && b_hi == hi {
                // The range did not shrink (its ends are next to each other as floats):
                // step over its smallest value.
                let df = self.run(
                    inside.select([
                        v.clone()
                            .eq(lit(lo))
                            .sum()
                            .cast(DataType::UInt64)
                            .alias("n"),
                        v.clone().filter(v.clone().gt(lit(lo))).min().alias("next"),
                    ]),
                    passes,
                )?;
                let at_lo = u64_at(&df, "n")?;
                if under + at_lo > k {
                    return Ok(lo);
                }
                under += at_lo;
                lo = f64_at(&df, "next")?;
                continue;
            }
            (lo, hi, under) = (b_lo, b_hi, before);
        }
    }
}

fn u64_at(df: &DataFrame, name: &str) -> PolarsResult<u64> {
    Ok(df
        .column(name)?
        .cast(&DataType::UInt64)?
        .u64()?
        .get(0)
        .unwrap_or(0))
}

fn f64_at(df: &DataFrame, name: &str) -> PolarsResult<f64> {
    df.column(name)?
        .cast(&DataType::Float64)?
        .f64()?
        .get(0)
        .ok_or_else(|| polars_err!(ComputeError: "no {name} among a quantile's values"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quantiles of `values` found out of core under `budget` bytes, and by polars.
    fn both(values: Vec<Option<f64>>, q: f64, budget: u64) -> (f64, f64, u64) {
        let lf = df!("x" => values).expect("frame").lazy();
        let pass = |plan: LazyFrame| plan.collect();
        let stat = col("x").quantile(lit(q), QuantileMethod::Linear);
        let (found, passes) = out_of_core(stat.clone(), &lf, &pass, budget).expect("finds");
        let value = |e: Expr| -> f64 {
            let df = lf.clone().select([e.alias("q")]).collect().expect("runs");
            df.column("q").unwrap().f64().unwrap().get(0).unwrap()
        };
        (value(found), value(stat), passes)
    }

    #[test]
    fn ranks_in_one_crowded_range_are_found_exactly() {
        // Most values within a hair of each other, a few far out: the first pass puts
        // them all in one bucket, which must be split again, down to neighbouring
        // floats that no bucket width can separate.
        let tiny = f64::EPSILON;
        let mut values: Vec<Option<f64>> = (0..3000)
            .map(|i| Some(1.0 + f64::from(i % 3) * tiny))
            .collect();
        values.extend([Some(-1e12), Some(1e12), None, Some(f64::NAN), Some(7.5)]);
        for q in [0.0, 0.1, 0.25, 0.5, 0.75, 0.999, 1.0] {
            let (found, polars, passes) = both(values.clone(), q, 1);
            assert!(passes > 0);
            assert_eq!(
                found.to_bits(),
                polars.to_bits(),
                "q {q}: {found} vs {polars}"
            );
        }
    }

    #[test]
    fn neighbouring_subnormals_too_close_for_any_bucket_are_stepped_over() {
        let smallest = f64::from_bits(1);
        let values: Vec<Option<f64>> = (0..500)
            .map(|i| Some(f64::from_bits(i % 3)))
            .chain([Some(0.0), Some(2.0 * smallest)])
            .collect();
        for q in [0.2, 0.5, 0.8] {
            let (found, polars, _) = both(values.clone(), q, 1);
            assert_eq!(found.to_bits(), polars.to_bits(), "q {q}");
        }
    }

    #[test]
    fn values_that_fit_are_left_to_polars() {
        let values = vec![Some(3.0), None, Some(1.0), Some(2.0)];
        let (found, polars, passes) = both(values, 0.5, 1 << 20);
        assert_eq!((found, polars, passes), (2.0, 2.0, 0));
    }

    #[test]
    fn a_wide_spread_is_found_with_a_bucket_read_once_it_fits() {
        // 20,000 values spread over twelve orders of magnitude, 800 bytes of budget.
        let values: Vec<Option<f64>> = (0..20_000u32)
            .map(|i| Some(f64::from(i.wrapping_mul(2_654_435_761) % 1_000_003).powi(2) / 7.0))
            .collect();
        for q in [0.01, 0.5, 0.9] {
            let (found, polars, _) = both(values.clone(), q, 800);
            assert_eq!(found.to_bits(), polars.to_bits(), "q {q}");
        }
    }
}
