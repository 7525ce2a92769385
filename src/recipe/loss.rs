//! Data a step loses: present values it turns into missing ones, and rows it removes.
//! One definition, used by the workbench's step preview (which asks for a second
//! Enter before a large loss) and by `wort run`'s summary (a warning; an error with
//! `--strict`).

use polars::prelude::*;

use crate::util::thousands;

/// A loss is large when a step turns more than this fraction of a column's present
/// values into missing ones...
pub const VALUES_THRESHOLD: f64 = 0.10;
/// ...or removes more than this fraction of the rows.
pub const ROWS_THRESHOLD: f64 = 0.50;

pub use crate::transform::{PRESENT, present_label};

/// What one step loses in one column, or in rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    /// The column whose values became missing; `None` for removed rows.
    pub column: Option<String>,
    /// Values that became missing, or rows removed.
    pub lost: u64,
    /// Present values of the column before the step, or rows before it.
    pub of: u64,
}

impl Loss {
    pub fn values(column: &str, lost: u64, of: u64) -> Loss {
        Loss {
            column: Some(column.to_string()),
            lost,
            of,
        }
    }

    pub fn rows(lost: u64, of: u64) -> Loss {
        Loss {
            column: None,
            lost,
            of,
        }
    }

    pub fn fraction(&self) -> f64 {
        if self.of == 0 {
            0.0
        } else {
            self.lost as f64 / self.of as f64
        }
    }

    /// Over the threshold for its kind.
    pub fn is_large(&self) -> bool {
        let limit = match self.column {
            Some(_) => VALUES_THRESHOLD,
            None => ROWS_THRESHOLD,
        };
        self.lost > 0 && self.fraction() > limit
    }

    /// "342 of 342 present values of studyName become missing (100%)".
    pub fn describe(&self) -> String {
        let pct = percent(self.fraction());
        match &self.column {
            Some(c) => format!(
                "{} of {} present values of {c} become missing ({pct})",
                thousands(self.lost),
                thousands(self.of)
            ),
            None => format!(
                "{} of {} rows removed ({pct})",
                thousands(self.lost),
                thousands(self.of)
            ),
        }
    }
}

fn percent(f: f64) -> String {
    let p = f * 100.0;
    if p > 0.0 && p < 1.0 {
        "<1%".into()
    } else {
        format!("{p:.0}%")
    }
}

/// What a step lost between `before` and `after` (the frames before and after it):
/// rows removed, and for each column in both with the same rows, the present values
/// that became missing. Only losses, in column order.
pub fn between(before: &DataFrame, after: &DataFrame) -> Vec<Loss> {
    let mut out = Vec::new();
    let (rb, ra) = (before.height() as u64, after.height() as u64);
    if ra < rb {
        out.push(Loss::rows(rb - ra, rb));
        return out;
    }
    if ra != rb {
        return out;
    }
    for cb in before.columns() {
        let Ok(ca) = after.column(cb.name()) else {
            continue;
        };
        let (pb, pa) = (cb.is_not_null(), ca.is_null());
        let lost = (&pb & &pa).sum().unwrap_or(0) as u64;
        if lost > 0 {
            let present = pb.sum().unwrap_or(0) as u64;
            out.push(Loss::values(cb.name(), lost, present));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_present_values_made_missing_and_rows_removed() {
        let before = df!(
            "a" => [Some("1"), Some("x"), None, Some("3")],
            "b" => [Some(1i64), Some(2), Some(3), Some(4)],
        )
        .unwrap();
        let after = df!(
            "a" => [Some(1i64), None, None, Some(3)],
            "b" => [Some(1i64), Some(2), Some(3), Some(4)],
        )
        .unwrap();
        let l = between(&before, &after);
        assert_eq!(l, [Loss::values("a", 1, 3)]);
        assert!(l[0].is_large());
        assert_eq!(
            l[0].describe(),
            "1 of 3 present values of a become missing (33%)"
        );
        let fewer = before.head(Some(1));
        let l = between(&before, &fewer);
        assert_eq!(l, [Loss::rows(3, 4)]);
        assert!(l[0].is_large());
        assert_eq!(l[0].describe(), "3 of 4 rows removed (75%)");
        assert!(!Loss::rows(2, 4).is_large());
        assert!(!Loss::values("a", 1, 10).is_large());
        assert!(Loss::values("a", 2, 10).is_large());
        assert_eq!(
            Loss::values("a", 1, 1000).describe(),
            "1 of 1,000 present values of a become missing (<1%)"
        );
        assert!(between(&before, &before).is_empty());
    }
}
