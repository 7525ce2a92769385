//! Which rows of a dataset a command reads: `first:N`, `last:N`, `random:N[:SEED]`, `full`.

use std::fmt;
use std::str::FromStr;

/// A sampling rule, shared by every command that reads data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sample {
    First(u64),
    Last(u64),
    /// N rows chosen uniformly without replacement; the same seed gives the same rows.
    Random {
        n: u64,
        seed: u64,
    },
    Full,
}

impl Sample {
    /// The default for interactive work (profile, suggest, the workbench).
    pub const INTERACTIVE: Sample = Sample::Random {
        n: 10_000,
        seed: 42,
    };

    pub fn is_full(self) -> bool {
        self == Sample::Full
    }

    /// The most rows the sample can hold.
    pub fn limit(self) -> Option<u64> {
        match self {
            Sample::First(n) | Sample::Last(n) | Sample::Random { n, .. } => Some(n),
            Sample::Full => None,
        }
    }
}

impl fmt::Display for Sample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sample::First(n) => write!(f, "first:{n}"),
            Sample::Last(n) => write!(f, "last:{n}"),
            Sample::Random { n, seed } => write!(f, "random:{n}:{seed}"),
            Sample::Full => write!(f, "full"),
        }
    }
}

impl FromStr for Sample {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let usage = "expected first:N, last:N, random:N, random:N:SEED or full";
        let parts: Vec<&str> = s.trim().split(':').collect();
        let num = |t: &str, what: &str| -> Result<u64, String> {
            let clean = t.replace(['_', ','], "");
            clean
                .parse::<u64>()
                .map_err(|_| format!("{what} {t:?} is not a whole number ({usage})"))
        };
        let n_rows = |t: &str| -> Result<u64, String> {
            let n = num(t, "row count")?;
            if n == 0 {
                Err(format!("a sample of 0 rows is empty ({usage})"))
            } else {
                Ok(n)
            }
        };
        match parts.as_slice() {
            ["full"] | ["all"] => Ok(Sample::Full),
            ["first", n] | ["head", n] => Ok(Sample::First(n_rows(n)?)),
            ["last", n] | ["tail", n] => Ok(Sample::Last(n_rows(n)?)),
            ["random", n] => Ok(Sample::Random {
                n: n_rows(n)?,
                seed: 42,
            }),
            ["random", n, seed] => Ok(Sample::Random {
                n: n_rows(n)?,
                seed: num(seed, "seed")?,
            }),
            _ => Err(format!("unknown sample {s:?}; {usage}")),
        }
    }
}

/// `n` distinct row numbers out of `total`, sorted, chosen with `seed`.
pub fn random_rows(total: u64, n: u64, seed: u64) -> Vec<u64> {
    use rand::SeedableRng;
    if n >= total {
        return (0..total).collect();
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut rows: Vec<u64> = if total <= usize::MAX as u64 {
        rand::seq::index::sample(&mut rng, total as usize, n as usize)
            .into_iter()
            .map(|i| i as u64)
            .collect()
    } else {
        Vec::new()
    };
    rows.sort_unstable();
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!("first:100".parse(), Ok(Sample::First(100)));
        assert_eq!("last:5".parse(), Ok(Sample::Last(5)));
        assert_eq!(
            "random:10_000:7".parse(),
            Ok(Sample::Random { n: 10_000, seed: 7 })
        );
        assert_eq!("random:10".parse(), Ok(Sample::Random { n: 10, seed: 42 }));
        assert_eq!("full".parse(), Ok(Sample::Full));
        assert!("first:0".parse::<Sample>().is_err());
        assert!(
            "first:x"
                .parse::<Sample>()
                .unwrap_err()
                .contains("not a whole number")
        );
        assert!("some".parse::<Sample>().is_err());
    }

    #[test]
    fn random_rows_are_distinct_sorted_and_seeded() {
        let a = random_rows(1000, 10, 1);
        assert_eq!(a.len(), 10);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(a, random_rows(1000, 10, 1));
        assert_ne!(a, random_rows(1000, 10, 2));
        assert_eq!(random_rows(3, 10, 1), vec![0, 1, 2]);
    }
}
