//! Fuzzy ranking for the palette and the column jump (nucleo's matcher).

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Indexes of the `items` matching `needle`, best first (ties keep their order).
/// An empty needle matches everything, in order.
pub fn rank<S: AsRef<str>>(needle: &str, items: &[S]) -> Vec<usize> {
    if needle.trim().is_empty() {
        return (0..items.len()).collect();
    }
    let pattern = Pattern::parse(needle, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut scored: Vec<(usize, u32)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            pattern
                .score(Utf32Str::new(s.as_ref(), &mut buf), &mut matcher)
                .map(|score| (i, score))
        })
        .collect();
    // Exact and prefix matches of the whole needle first, then nucleo's score.
    let lower = needle.to_lowercase();
    scored.sort_by_key(|(i, score)| {
        let s = items[*i].as_ref().to_lowercase();
        let exact = s == lower;
        let prefix = s.starts_with(&lower);
        (!exact, !prefix, std::cmp::Reverse(*score))
    });
    scored.into_iter().map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_prefix_first() {
        let items = ["arr_delay", "dep_delay", "delay", "air_time"];
        assert_eq!(rank("delay", &items)[0], 2);
        assert_eq!(rank("dep", &items)[0], 1);
        assert_eq!(rank("adl", &items)[0], 0);
        assert!(rank("zzz", &items).is_empty());
        assert_eq!(rank("", &items), vec![0, 1, 2, 3]);
    }
}
