//! Clustering of a column's values, as in OpenRefine: find different spellings of the
//! same thing ("New York", "new york ", "NEW YORK") so they can be merged into one.
//!
//! The input is the column's value counts ([`value_counts`]), so the work grows with
//! the distinct values, not the rows. Key methods put values with the same key
//! together: [`fingerprint`], [`ngram_fingerprint`] and [`metaphone`]. The
//! `levenshtein` method joins values within an edit distance of each other; it compares
//! only values that share a deletion variant (every string left after deleting up to
//! `radius` characters), which finds every pair within the radius without comparing
//! all pairs. Values of at most `radius + 1` characters are left out (two-letter codes
//! one edit apart, like "NY" and "NJ", are different things). Each value belongs to at most one cluster: values are taken from the most
//! frequent down, and each takes its unclaimed neighbours.
//!
//! Every cluster has at least two distinct values, and suggests the most frequent (ties:
//! the smallest) as the value to keep. See
//! https://openrefine.org/docs/technical-reference/clustering-in-depth for the methods.

use std::collections::HashMap;
use std::hash::BuildHasher;

use polars::prelude::*;
use rphonetic::{Encoder, Metaphone};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// How values are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Same words, ignoring case, accents, punctuation, order and repeats.
    Fingerprint,
    /// Same character n-grams (after removing case, accents, punctuation and spaces).
    Ngram,
    /// Same sound (Metaphone of the fingerprint).
    Metaphone,
    /// Within `radius` edits (Levenshtein) of each other, ignoring case and outer spaces.
    Levenshtein,
}

impl Method {
    pub const NAMES: &'static [&'static str] =
        &["fingerprint", "ngram", "metaphone", "levenshtein"];

    pub fn name(self) -> &'static str {
        match self {
            Method::Fingerprint => "fingerprint",
            Method::Ngram => "ngram",
            Method::Metaphone => "metaphone",
            Method::Levenshtein => "levenshtein",
        }
    }
}

/// Parameters of the methods, checked when made ([`Options::new`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    ngram: usize,
    radius: usize,
}

impl Default for Options {
    /// 2-grams, radius 1 (OpenRefine's defaults).
    fn default() -> Self {
        Options {
            ngram: 2,
            radius: 1,
        }
    }
}

impl Options {
    /// `ngram`: the n of `ngram` (at least 1); `radius`: the most edits between two
    /// values of a `levenshtein` cluster (1 to [`MAX_RADIUS`]).
    pub fn new(ngram: usize, radius: usize) -> Result<Options, ClusterError> {
        if ngram == 0 {
            return Err(ClusterError::Ngram);
        }
        if !(1..=MAX_RADIUS).contains(&radius) {
            return Err(ClusterError::Radius(radius));
        }
        Ok(Options { ngram, radius })
    }
    pub fn ngram(&self) -> usize {
        self.ngram
    }
    pub fn radius(&self) -> usize {
        self.radius
    }
}

/// The largest `radius` accepted: each value yields every string left after deleting up
/// to `radius` characters, which grows as length^radius.
pub const MAX_RADIUS: usize = 2;

/// Values that look like spellings of one thing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cluster {
    /// The values and their counts, most frequent first (ties: smaller value first).
    pub values: Vec<(String, u64)>,
    /// The value to keep: the most frequent.
    pub suggested: String,
    /// The rows holding one of the values.
    pub rows: u64,
}

/// Why clustering could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    #[error("radius must be between 1 and {MAX_RADIUS}, not {0}")]
    Radius(usize),
    #[error("ngram must be at least 1, not 0")]
    Ngram,
}

/// The clusters among `values` (value, count), biggest first: most rows, then most
/// distinct values, then by suggested value. Empty values and values whose key is empty
/// (only punctuation, say) are left out.
pub fn cluster(values: &[(String, u64)], method: Method, options: &Options) -> Vec<Cluster> {
    let groups: Vec<Vec<usize>> = match method {
        Method::Fingerprint => by_key(values, fingerprint),
        Method::Ngram => by_key(values, |s| ngram_fingerprint(s, options.ngram)),
        Method::Metaphone => {
            let encoder = Metaphone::new(Some(usize::MAX));
            by_key(values, |s| metaphone_with(&encoder, s))
        }
        Method::Levenshtein => nearest(values, options.radius),
    };
    let mut out: Vec<Cluster> = groups
        .into_iter()
        .filter(|g| g.len() >= 2)
        .map(|g| {
            let mut vals: Vec<(String, u64)> = g.iter().map(|&i| values[i].clone()).collect();
            vals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            Cluster {
                suggested: vals[0].0.clone(),
                rows: vals.iter().map(|v| v.1).sum(),
                values: vals,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.rows
            .cmp(&a.rows)
            .then_with(|| b.values.len().cmp(&a.values.len()))
            .then_with(|| a.suggested.cmp(&b.suggested))
    });
    out
}

/// The distinct non-missing values of `column` (as text) and how many rows hold each,
/// most frequent first (ties: smaller value first).
pub fn value_counts(lf: LazyFrame, column: &str) -> PolarsResult<Vec<(String, u64)>> {
    let v = col(column).cast(DataType::String).alias("v");
    let df = lf
        .select([v])
        .filter(col("v").is_not_null())
        .group_by([col("v")])
        .agg([len().cast(DataType::UInt64).alias("n")])
        .sort_by_exprs(
            [col("n"), col("v")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()?;
    let vals = df.column("v")?.str()?.clone();
    let counts = df.column("n")?.u64()?.clone();
    Ok(vals
        .iter()
        .zip(counts.iter())
        .filter_map(|(v, n)| Some((v?.to_string(), n?)))
        .collect())
}

/// Indices of values grouped by a key (values with an empty key are left alone).
fn by_key(values: &[(String, u64)], key: impl Fn(&str) -> String) -> Vec<Vec<usize>> {
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (v, _)) in values.iter().enumerate() {
        let k = key(v);
        if !k.is_empty() {
            groups.entry(k).or_default().push(i);
        }
    }
    groups.into_values().collect()
}

/// Lower case, accents removed (ASCII where a letter has an ASCII base), then everything
/// that is not a letter, digit or space removed.
fn fold(s: &str) -> String {
    let lower = s.trim().to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for c in lower.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' | 'ð' => out.push('d'),
            'þ' => out.push_str("th"),
            'ı' => out.push('i'),
            c if c.is_alphanumeric() || c.is_whitespace() => out.push(c),
            _ => {}
        }
    }
    out
}

/// OpenRefine's fingerprint key: trimmed, lower case, accents folded, punctuation and
/// control characters removed, then the distinct words sorted and joined by a space.
pub fn fingerprint(s: &str) -> String {
    let folded = fold(s);
    let mut words: Vec<&str> = folded.split_whitespace().collect();
    words.sort_unstable();
    words.dedup();
    words.join(" ")
}

/// OpenRefine's n-gram fingerprint: folded as [`fingerprint`] with the spaces removed
/// too, then the distinct character n-grams sorted and joined.
pub fn ngram_fingerprint(s: &str, n: usize) -> String {
    let chars: Vec<char> = fold(s).chars().filter(|c| !c.is_whitespace()).collect();
    if chars.is_empty() || n == 0 {
        return String::new();
    }
    if chars.len() <= n {
        return chars.into_iter().collect();
    }
    let mut grams: Vec<String> = chars.windows(n).map(|w| w.iter().collect()).collect();
    grams.sort_unstable();
    grams.dedup();
    grams.concat()
}

/// The Metaphone code of the fingerprint (Apache Commons Codec's Metaphone, no length
/// limit), words joined: "New York" and "Newyork" both give "NYRK".
pub fn metaphone(s: &str) -> String {
    metaphone_with(&Metaphone::new(Some(usize::MAX)), s)
}

fn metaphone_with(encoder: &Metaphone, s: &str) -> String {
    let words: String = fingerprint(s).split_whitespace().collect();
    if words.is_empty() {
        return String::new();
    }
    encoder.encode(&words)
}

/// The comparison form for `levenshtein`: trimmed, lower case.
fn plain(s: &str) -> Vec<char> {
    s.trim().to_lowercase().chars().collect()
}

/// Hashes of every string left after deleting up to `radius` characters from `s`.
fn deletion_hashes(
    s: &[char],
    radius: usize,
    state: &foldhash::quality::FixedState,
    out: &mut Vec<u64>,
) {
    fn go(
        s: &[char],
        from: usize,
        left: usize,
        st: &foldhash::quality::FixedState,
        out: &mut Vec<u64>,
    ) {
        out.push(st.hash_one(s));
        if left == 0 {
            return;
        }
        for i in from..s.len() {
            // Deleting any one of a run of equal characters gives the same string.
            if i > from && s[i] == s[i - 1] {
                continue;
            }
            let mut t = s.to_vec();
            t.remove(i);
            go(&t, i, left - 1, st, out);
        }
    }
    go(s, 0, radius, state, out);
}

/// How many deletion variants `levenshtein` holds at once (16 bytes each).
const VARIANTS_PER_SHARD: usize = 1 << 24;

/// Groups of values within `radius` edits: candidate pairs share a deletion variant;
/// each value, from the most frequent down, takes its unclaimed neighbours.
fn nearest(values: &[(String, u64)], radius: usize) -> Vec<Vec<usize>> {
    nearest_in_shards(values, radius, VARIANTS_PER_SHARD)
}

fn nearest_in_shards(values: &[(String, u64)], radius: usize, per_shard: usize) -> Vec<Vec<usize>> {
    let forms: Vec<Vec<char>> = values.iter().map(|(v, _)| plain(v)).collect();
    let state = foldhash::quality::FixedState::with_seed(0x5eed);
    // Variants are kept in shards of about VARIANTS_PER_SHARD (by hash), so memory
    // stays bounded on long values; each shard recomputes the hashes.
    let estimate: usize = forms
        .iter()
        .map(|f| (0..=radius).map(|k| f.len().pow(k as u32)).sum::<usize>())
        .sum();
    let shards = estimate.div_ceil(per_shard).max(1) as u64;
    let mut near: Vec<Vec<u32>> = vec![Vec::new(); values.len()];
    let mut buf = Vec::new();
    for shard in 0..shards {
        let mut variants: Vec<(u64, u32)> = Vec::new();
        for (i, f) in forms.iter().enumerate() {
            // Short values are never compared: "NY" and "NJ" are not spellings of one
            // thing.
            if f.len() <= radius + 1 {
                continue;
            }
            buf.clear();
            deletion_hashes(f, radius, &state, &mut buf);
            buf.retain(|h| h % shards == shard);
            buf.sort_unstable();
            buf.dedup();
            variants.extend(buf.iter().map(|&h| (h, i as u32)));
        }
        variants.sort_unstable();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for block in variants.chunk_by(|a, b| a.0 == b.0) {
            for (x, a) in block.iter().enumerate() {
                for b in &block[x + 1..] {
                    pairs.push((a.1.min(b.1), a.1.max(b.1)));
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        for (a, b) in pairs {
            let (fa, fb) = (&forms[a as usize], &forms[b as usize]);
            if fa.len().abs_diff(fb.len()) <= radius
                && strsim::generic_levenshtein(fa, fb) <= radius
            {
                near[a as usize].push(b);
                near[b as usize].push(a);
            }
        }
    }
    for n in &mut near {
        n.sort_unstable();
        n.dedup();
    }
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| {
        values[b]
            .1
            .cmp(&values[a].1)
            .then_with(|| values[a].0.cmp(&values[b].0))
    });
    let mut taken = vec![false; values.len()];
    let mut groups = Vec::new();
    for i in order {
        if taken[i] || near[i].is_empty() {
            continue;
        }
        taken[i] = true;
        let mut g = vec![i];
        for &j in &near[i] {
            if !taken[j as usize] {
                taken[j as usize] = true;
                g.push(j as usize);
            }
        }
        groups.push(g);
    }
    groups
}

/// The recipe step merging every cluster into its suggested value (`map_values`).
pub fn merge_step(column: &str, clusters: &[Cluster]) -> serde_json::Value {
    let mut mapping = serde_json::Map::new();
    for c in clusters {
        for (v, _) in &c.values {
            if *v != c.suggested {
                mapping.insert(v.clone(), serde_json::Value::String(c.suggested.clone()));
            }
        }
    }
    serde_json::json!({"op": "map_values", "column": column, "mapping": mapping})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_openrefine() {
        assert_eq!(fingerprint("  New York "), "new york");
        assert_eq!(fingerprint("york, NEW  new"), "new york");
        assert_eq!(fingerprint("Zürich café"), "cafe zurich");
        assert_eq!(fingerprint("boston."), "boston");
        assert_eq!(fingerprint("..."), "");
        assert_eq!(ngram_fingerprint("Paris", 2), "arispari");
        assert_eq!(
            ngram_fingerprint("New York", 2),
            ngram_fingerprint("newyork", 2)
        );
        assert_eq!(metaphone("New York"), metaphone("Newyork"));
    }

    #[test]
    fn shards_find_the_same_neighbours() {
        let words = [
            "boston", "bostn", "bston", "austin", "austn", "paris", "pariss", "x", "y",
        ];
        let values: Vec<(String, u64)> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.to_string(), 10 - i as u64))
            .collect();
        for radius in [1, 2] {
            let one = nearest_in_shards(&values, radius, usize::MAX);
            let many = nearest_in_shards(&values, radius, 5);
            assert_eq!(one, many, "radius {radius}");
            assert!(one.iter().any(|g| g.len() >= 3), "{one:?}");
        }
    }
}
