//! The arithmetic of a profile, free of polars: streaming moments, order statistics over
//! a sorted list of (value, count) pairs (NumPy's linear interpolation), NumPy's "auto"
//! histogram, the median absolute deviation, and Pearson correlation sums.

/// Central moments of a stream, merged across batches with the pairwise formulas of
/// Chan et al. and Pébay (exact up to floating-point rounding).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moments {
    pub n: f64,
    pub mean: f64,
    /// Sums of the 2nd, 3rd and 4th powers of the deviations from the mean.
    pub m2: f64,
    pub m3: f64,
    pub m4: f64,
}

impl Moments {
    /// The moments of a slice of values, in two passes (mean first, then deviations).
    pub fn of(values: &[f64]) -> Moments {
        if values.is_empty() {
            return Moments::default();
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let (mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0);
        for &v in values {
            let d = v - mean;
            let d2 = d * d;
            m2 += d2;
            m3 += d2 * d;
            m4 += d2 * d2;
        }
        Moments {
            n,
            mean,
            m2,
            m3,
            m4,
        }
    }

    /// Combine with the moments of another, disjoint part of the stream.
    pub fn merge(&mut self, b: &Moments) {
        if b.n == 0.0 {
            return;
        }
        if self.n == 0.0 {
            *self = *b;
            return;
        }
        let a = *self;
        let n = a.n + b.n;
        let d = b.mean - a.mean;
        let d2 = d * d;
        let (na, nb) = (a.n, b.n);
        let mean = a.mean + d * nb / n;
        let m2 = a.m2 + b.m2 + d2 * na * nb / n;
        let m3 = a.m3
            + b.m3
            + d2 * d * na * nb * (na - nb) / (n * n)
            + 3.0 * d * (na * b.m2 - nb * a.m2) / n;
        let m4 = a.m4
            + b.m4
            + d2 * d2 * na * nb * (na * na - na * nb + nb * nb) / (n * n * n)
            + 6.0 * d2 * (na * na * b.m2 + nb * nb * a.m2) / (n * n)
            + 4.0 * d * (na * b.m3 - nb * a.m3) / n;
        *self = Moments {
            n,
            mean,
            m2,
            m3,
            m4,
        };
    }

    pub fn mean(&self) -> Option<f64> {
        (self.n > 0.0).then_some(self.mean)
    }

    /// Sample variance (ddof = 1), as pandas `Series.var()`.
    pub fn variance(&self) -> Option<f64> {
        (self.n > 1.0).then(|| self.m2 / (self.n - 1.0))
    }

    /// Sample standard deviation (ddof = 1), as pandas `Series.std()`.
    pub fn std(&self) -> Option<f64> {
        self.variance().map(f64::sqrt)
    }

    /// Adjusted Fisher–Pearson skewness G1, as pandas `Series.skew()`.
    pub fn skewness(&self) -> Option<f64> {
        let n = self.n;
        if n < 3.0 {
            return None;
        }
        let (m2, m3) = (zero_fp_noise(self.m2), zero_fp_noise(self.m3));
        if m2 == 0.0 {
            return Some(0.0);
        }
        Some(n * (n - 1.0).sqrt() / (n - 2.0) * (m3 / m2.powf(1.5)))
    }

    /// Bias-corrected excess kurtosis G2, as pandas `Series.kurt()`.
    pub fn kurtosis(&self) -> Option<f64> {
        let n = self.n;
        if n < 4.0 {
            return None;
        }
        let (m2, m4) = (zero_fp_noise(self.m2), zero_fp_noise(self.m4));
        let numerator = n * (n + 1.0) * (n - 1.0) * m4;
        let denominator = (n - 2.0) * (n - 3.0) * m2 * m2;
        if denominator == 0.0 {
            return Some(0.0);
        }
        let adj = 3.0 * (n - 1.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0));
        Some(numerator / denominator - adj)
    }
}

/// pandas zeroes moment sums below 1e-14 (floating-point noise of a constant column).
fn zero_fp_noise(x: f64) -> f64 {
    if x.abs() < 1e-14 { 0.0 } else { x }
}

/// NumPy's linear interpolation `a + (b - a) t`, computed from the nearer end.
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let d = b - a;
    if t >= 0.5 {
        b - d * (1.0 - t)
    } else {
        a + d * t
    }
}

/// A sorted list of distinct values with their counts: the exact distribution of a
/// column (or the weighted items of a sketch).
#[derive(Debug, Clone, Default)]
pub struct Sorted {
    pub items: Vec<(f64, u64)>,
    /// Cumulative counts: `cum[i]` is the number of values <= items[i].0.
    cum: Vec<u64>,
}

impl Sorted {
    /// From (value, count) pairs in any order (NaN must not occur).
    pub fn new(mut items: Vec<(f64, u64)>) -> Sorted {
        items.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Equal values (0.0 and -0.0) merge.
        let mut merged: Vec<(f64, u64)> = Vec::with_capacity(items.len());
        for (v, c) in items {
            match merged.last_mut() {
                Some(last) if last.0 == v => last.1 += c,
                _ => merged.push((v, c)),
            }
        }
        let mut total = 0;
        let cum = merged
            .iter()
            .map(|(_, c)| {
                total += c;
                total
            })
            .collect();
        Sorted { items: merged, cum }
    }

    pub fn n(&self) -> u64 {
        self.cum.last().copied().unwrap_or(0)
    }

    /// The value at 0-based position `i` of the sorted data.
    pub fn at(&self, i: u64) -> f64 {
        let idx = self.cum.partition_point(|&c| c <= i);
        self.items[idx.min(self.items.len() - 1)].0
    }

    /// Quantile `q` in [0, 1] with NumPy's default (linear) method: the virtual index
    /// (n - 1) q between the two nearest order statistics.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.n();
        if n == 0 {
            return None;
        }
        let h = (n - 1) as f64 * q;
        let lo = h.floor();
        let t = h - lo;
        let lo = lo as u64;
        let a = self.at(lo);
        let b = self.at((lo + 1).min(n - 1));
        Some(lerp(a, b, t))
    }

    /// The median as NumPy computes it: the middle value, or the mean of the two middle
    /// values.
    pub fn median(&self) -> Option<f64> {
        let n = self.n();
        if n == 0 {
            return None;
        }
        if n % 2 == 1 {
            Some(self.at(n / 2))
        } else {
            Some((self.at(n / 2 - 1) + self.at(n / 2)) / 2.0)
        }
    }

    /// Median absolute deviation from `median`, unscaled (scipy's
    /// `median_abs_deviation` default). The deviations of a sorted list form a "V": the
    /// two arms are merged in order, no sort needed.
    pub fn mad(&self, median: f64) -> Option<f64> {
        let n = self.n();
        if n == 0 {
            return None;
        }
        let split = self.items.partition_point(|(v, _)| *v < median);
        let mut left = self.items[..split].iter().rev().peekable();
        let mut right = self.items[split..].iter().peekable();
        let mut devs: Vec<(f64, u64)> = Vec::with_capacity(self.items.len());
        loop {
            let next = match (left.peek(), right.peek()) {
                (Some(l), Some(r)) => {
                    if median - l.0 <= r.0 - median {
                        left.next().map(|x| (median - x.0, x.1))
                    } else {
                        right.next().map(|x| (x.0 - median, x.1))
                    }
                }
                (Some(_), None) => left.next().map(|x| (median - x.0, x.1)),
                (None, Some(_)) => right.next().map(|x| (x.0 - median, x.1)),
                (None, None) => None,
            };
            match next {
                Some(d) => devs.push(d),
                None => break,
            }
        }
        Sorted::new(devs).median()
    }

    /// How many values lie outside [lo, hi], and up to `k` of the most extreme distinct
    /// ones (farthest from the middle first).
    pub fn outside(&self, lo: f64, hi: f64, k: usize) -> (u64, Vec<f64>) {
        let below = self.items.partition_point(|(v, _)| *v < lo);
        let above = self.items.partition_point(|(v, _)| *v <= hi);
        let count = self.items[..below].iter().map(|x| x.1).sum::<u64>()
            + self.items[above..].iter().map(|x| x.1).sum::<u64>();
        let mid = (lo + hi) / 2.0;
        let mut samples: Vec<f64> = self.items[..below.min(k)]
            .iter()
            .chain(self.items[above.max(self.items.len().saturating_sub(k))..].iter())
            .map(|x| x.0)
            .collect();
        samples.sort_by(|a, b| (b - mid).abs().total_cmp(&(a - mid).abs()));
        samples.truncate(k);
        (count, samples)
    }

    /// Counts per bin for `edges` (NumPy's rule: bins are half-open, the last closed).
    pub fn histogram(&self, edges: &[f64]) -> Vec<u64> {
        let mut counts = vec![0u64; edges.len().saturating_sub(1)];
        for &(v, c) in &self.items {
            if let Some(i) = bin_index(edges, v) {
                counts[i] += c;
            }
        }
        counts
    }
}

/// The bin of `x` among equal-width `edges`, as `numpy.histogram` assigns it.
pub fn bin_index(edges: &[f64], x: f64) -> Option<usize> {
    let nb = edges.len().checked_sub(1)?;
    if nb == 0 || !x.is_finite() {
        return None;
    }
    let (first, last) = (edges[0], edges[nb]);
    if x < first || x > last {
        return None;
    }
    let norm = nb as f64 / (last - first);
    let mut i = ((x - first) * norm) as usize;
    if i >= nb {
        i = nb - 1;
    }
    if x < edges[i] && i > 0 {
        i -= 1;
    }
    if i + 1 < nb && x >= edges[i + 1] {
        i += 1;
    }
    Some(i)
}

/// The most bins the automatic rule chooses (a terminal shows no more).
pub const MAX_AUTO_BINS: usize = 100;

/// Number of bins by NumPy's (2.x) "auto" rule: the bin width is the smaller of
/// Sturges' and a relaxed Freedman–Diaconis width (no smaller than half the square-root
/// rule's width); at most [`MAX_AUTO_BINS`], and for whole numbers at most one bin per
/// integer in the range.
pub fn auto_bins(n: u64, min: f64, max: f64, iqr: f64, integer: bool) -> usize {
    let range = max - min;
    if n == 0 || range <= 0.0 || !range.is_finite() {
        return 1;
    }
    let n = n as f64;
    let sturges = range / (n.log2() + 1.0);
    let fd = 2.0 * iqr / n.cbrt();
    let sqrt = range / n.sqrt();
    let width = fd.max(sqrt / 2.0).min(sturges);
    let mut bins = (range / width).ceil().max(1.0) as usize;
    bins = bins.min(MAX_AUTO_BINS);
    if integer {
        bins = bins.min(range as usize + 1);
    }
    bins.max(1)
}

/// `bins` equal-width edges from min to max (`numpy.linspace`); a constant column gets
/// one bin [v - 0.5, v + 0.5], as NumPy does.
pub fn edges(min: f64, max: f64, bins: usize) -> Vec<f64> {
    let (mut lo, mut hi) = (min, max);
    if lo == hi {
        lo -= 0.5;
        hi += 0.5;
    }
    let bins = bins.max(1);
    let step = (hi - lo) / bins as f64;
    let mut e: Vec<f64> = (0..bins).map(|i| lo + step * i as f64).collect();
    e.push(hi);
    e
}

/// Shannon entropy (natural log) of a distribution given by counts.
pub fn entropy(counts: impl Iterator<Item = u64>, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    let t = total as f64;
    let h: f64 = counts
        .filter(|&c| c > 0)
        .map(|c| {
            let p = c as f64 / t;
            -p * p.ln()
        })
        .sum();
    // -0.0 for a constant column reads badly.
    if h > 0.0 { h } else { 0.0 }
}

/// Sums for the Pearson correlation of two columns over the rows where both are
/// present; values are shifted by a per-column constant (near the mean) so the sums
/// stay accurate.
#[derive(Debug, Clone, Copy, Default)]
pub struct PairSums {
    pub n: f64,
    pub sx: f64,
    pub sy: f64,
    pub sxx: f64,
    pub syy: f64,
    pub sxy: f64,
}

impl PairSums {
    /// Add rows (four independent lanes, so the loop vectorises): `x`, `y` are shifted values (0 where missing); `mx`, `my` are 1.0
    /// where the value is present, 0.0 where missing (`None` when all are present).
    #[allow(clippy::needless_range_loop)]
    pub fn add(&mut self, x: &[f64], y: &[f64], mx: Option<&[f64]>, my: Option<&[f64]>) {
        const L: usize = 4;
        let mut acc = [[0.0f64; L]; 6];
        let len = x.len().min(y.len());
        let w = |i: usize| -> f64 {
            match (mx, my) {
                (None, None) => 1.0,
                (Some(a), None) => a[i],
                (None, Some(b)) => b[i],
                (Some(a), Some(b)) => a[i] * b[i],
            }
        };
        let chunks = len / L;
        for c in 0..chunks {
            for l in 0..L {
                let i = c * L + l;
                let wi = w(i);
                let (xi, yi) = (x[i] * wi, y[i] * wi);
                acc[0][l] += wi;
                acc[1][l] += xi;
                acc[2][l] += yi;
                acc[3][l] += xi * xi;
                acc[4][l] += yi * yi;
                acc[5][l] += xi * yi;
            }
        }
        for i in chunks * L..len {
            let wi = w(i);
            let (xi, yi) = (x[i] * wi, y[i] * wi);
            acc[0][0] += wi;
            acc[1][0] += xi;
            acc[2][0] += yi;
            acc[3][0] += xi * xi;
            acc[4][0] += yi * yi;
            acc[5][0] += xi * yi;
        }
        let s = |k: usize| acc[k].iter().sum::<f64>();
        self.n += s(0);
        self.sx += s(1);
        self.sy += s(2);
        self.sxx += s(3);
        self.syy += s(4);
        self.sxy += s(5);
    }

    /// Pearson's r, or None when fewer than 2 rows or a column is constant.
    pub fn r(&self) -> Option<f64> {
        if self.n < 2.0 {
            return None;
        }
        let n = self.n;
        let cov = self.sxy - self.sx * self.sy / n;
        let vx = self.sxx - self.sx * self.sx / n;
        let vy = self.syy - self.sy * self.sy / n;
        if vx <= 0.0 || vy <= 0.0 {
            return None;
        }
        Some((cov / (vx * vy).sqrt()).clamp(-1.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
    }

    fn sorted(v: &[f64]) -> Sorted {
        Sorted::new(v.iter().map(|&x| (x, 1)).collect())
    }

    #[test]
    fn moments_match_pandas_and_merge() {
        // pandas 2.3: s = pd.Series([2, 4, 4, 4, 5, 5, 7, 9, 100])
        // s.mean() 15.555555555555555, s.std() 31.729761703766037,
        // s.skew() 2.9772521739100393, s.kurt() 8.897652436890713
        let v = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0, 100.0];
        let whole = Moments::of(&v);
        let mut parts = Moments::of(&v[..4]);
        parts.merge(&Moments::of(&v[4..7]));
        parts.merge(&Moments::of(&v[7..]));
        for m in [whole, parts] {
            assert!(close(m.mean().unwrap(), 15.555555555555555));
            assert!(close(m.std().unwrap(), 31.729761703766037), "{m:?}");
            assert!(close(m.skewness().unwrap(), 2.9772521739100393));
            assert!(close(m.kurtosis().unwrap(), 8.897652436890713));
        }
        assert_eq!(Moments::of(&[1.0, 2.0]).skewness(), None);
        assert_eq!(Moments::of(&[3.0, 3.0, 3.0, 3.0]).kurtosis(), Some(0.0));
    }

    #[test]
    fn quantiles_are_numpy_linear() {
        // np.percentile([1, 2, 3, 4, 10], [5, 25, 50, 75, 95]) = [1.2, 2, 3, 4, 8.8]
        let s = sorted(&[4.0, 1.0, 10.0, 3.0, 2.0]);
        let got: Vec<f64> = [0.05, 0.25, 0.5, 0.75, 0.95]
            .iter()
            .map(|&q| s.quantile(q).unwrap())
            .collect();
        for (g, w) in got.iter().zip([1.2, 2.0, 3.0, 4.0, 8.8]) {
            assert!(close(*g, w), "{got:?}");
        }
        // Weighted: [1, 1, 1, 5] -> median 1, p75 = 2 (index 2.25 between 1 and 5)
        let w = Sorted::new(vec![(5.0, 1), (1.0, 3)]);
        assert_eq!(w.median(), Some(1.0));
        assert!(close(w.quantile(0.75).unwrap(), 2.0));
        assert_eq!(sorted(&[1.0, 2.0, 3.0, 4.0]).median(), Some(2.5));
        assert_eq!(Sorted::default().quantile(0.5), None);
    }

    #[test]
    fn mad_is_scipy_unscaled() {
        // scipy.stats.median_abs_deviation([1, 2, 3, 4, 100]) = 1.0
        let s = sorted(&[1.0, 2.0, 3.0, 4.0, 100.0]);
        assert_eq!(s.mad(3.0), Some(1.0));
        // [1, 1, 2, 2, 4, 6, 9]: median 2, deviations 1 1 0 0 2 4 7 -> 1
        let s = sorted(&[1.0, 1.0, 2.0, 2.0, 4.0, 6.0, 9.0]);
        assert_eq!(s.mad(2.0), Some(1.0));
        // even count: [1, 2, 3, 4]: median 2.5, deviations 1.5 .5 .5 1.5 -> 1.0
        assert_eq!(sorted(&[1.0, 2.0, 3.0, 4.0]).mad(2.5), Some(1.0));
    }

    #[test]
    fn histogram_is_numpy_auto() {
        // np.histogram([1, 2, 2, 3, 3, 3, 4, 10], bins="auto") (NumPy 2.4):
        // counts [3, 3, 1, 0, 0, 1], edges [1, 2.5, 4, 5.5, 7, 8.5, 10].
        // n = 8: Sturges 9 / (3 + 1) = 2.25; IQR 3.25 - 2 = 1.25, FD 2 * 1.25 / 2 = 1.25,
        // relaxed by sqrt rule 9 / sqrt(8) / 2 = 1.59 -> width 1.59 -> ceil(5.66) = 6
        let data = [1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0, 10.0];
        let s = sorted(&data);
        let iqr = s.quantile(0.75).unwrap() - s.quantile(0.25).unwrap();
        assert!(close(iqr, 1.25));
        let bins = auto_bins(8, 1.0, 10.0, iqr, false);
        assert_eq!(bins, 6);
        let e = edges(1.0, 10.0, bins);
        assert_eq!(e, vec![1.0, 2.5, 4.0, 5.5, 7.0, 8.5, 10.0]);
        let h = s.histogram(&e);
        assert_eq!(h, vec![3, 3, 1, 0, 0, 1]);
        assert_eq!(h.iter().sum::<u64>(), 8);
        // np.histogram(np.arange(24).repeat(100), bins="auto") has 14 bins
        let s = Sorted::new((0..24).map(|v| (v as f64, 100)).collect());
        let iqr = s.quantile(0.75).unwrap() - s.quantile(0.25).unwrap();
        assert_eq!(auto_bins(2400, 0.0, 23.0, iqr, true), 14);
        // integers: never more bins than whole numbers in the range
        assert_eq!(auto_bins(1_000_000, 0.0, 3.0, 2.0, true), 4);
        // constant column: one bin around the value
        assert_eq!(edges(5.0, 5.0, 1), vec![4.5, 5.5]);
        assert_eq!(bin_index(&[0.0, 1.0, 2.0], 2.0), Some(1));
        assert_eq!(bin_index(&[0.0, 1.0, 2.0], 1.0), Some(1));
    }

    #[test]
    fn outside_counts_both_tails() {
        let s = sorted(&[-50.0, 1.0, 2.0, 3.0, 40.0, 70.0]);
        let (n, samples) = s.outside(0.0, 10.0, 2);
        assert_eq!(n, 3);
        assert_eq!(samples, vec![70.0, -50.0]);
    }

    #[test]
    fn entropy_natural_log() {
        // two equally likely values: ln 2
        assert!(close(
            entropy([5, 5].into_iter(), 10),
            std::f64::consts::LN_2
        ));
        assert_eq!(entropy([7].into_iter(), 7), 0.0);
        assert!(entropy([7].into_iter(), 7).is_sign_positive());
    }

    #[test]
    fn pearson_with_missing() {
        let x = [1.0, 2.0, 3.0, 4.0, 0.0];
        let y = [2.0, 4.0, 6.0, 8.0, 0.0];
        let mx = [1.0, 1.0, 1.0, 1.0, 0.0];
        let mut p = PairSums::default();
        p.add(&x, &y, Some(&mx), None);
        assert!(close(p.r().unwrap(), 1.0));
        assert_eq!(p.n, 4.0);
    }
}
