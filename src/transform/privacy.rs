//! Privacy steps: hash, mask.

use polars::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{ApplyCx, CheckCx, Kind, StepImpl, map_text};
use crate::transform::target::databrew::{BrewCx, BrewIn, BrewStep, Imported};
use crate::transform::target::pyspark::PyCx;
use crate::transform::target::regex::java_literal_replacement;
use crate::transform::target::sql::SqlCx;
use crate::transform::target::text::{py_col, py_str, sql_ident, sql_str};

/// Replace values with the SHA-256 of (salt + value), as 64 lower-case hex digits.
/// Non-text columns are hashed as their text form. Missing values stay missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hash {
    pub column: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
}

/// SHA-256 hex of `salt` followed by `value`.
pub fn sha256_hex(salt: &str, value: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(value.as_bytes());
    let digest = h.finalize();
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

impl StepImpl for Hash {
    fn describe(&self) -> String {
        match &self.salt {
            Some(_) => format!("hash {} (SHA-256, salted)", self.column),
            None => format!("hash {} (SHA-256)", self.column),
        }
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.column(&self.column);
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let salt = self.salt.clone().unwrap_or_default();
        let text = col(self.column.as_str()).cast(DataType::String);
        let hashed = map_text(text.clone(), move |v| sha256_hex(&salt, v));
        let value = match cx.mask() {
            None => hashed,
            Some(m) => when(m).then(hashed).otherwise(text),
        };
        Ok(lf.with_column(value.alias(self.column.as_str())))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let c = py_str(&self.column);
        let salt = py_str(self.salt.as_deref().unwrap_or(""));
        let hashed = format!("hash_text(df, {c}, {salt})");
        let value = match cx.cond() {
            None => hashed,
            // Outside the condition the value becomes text too (a column has one type).
            Some(cond) => format!("F.when({cond}, {hashed}).otherwise(as_text(df, {c}))"),
        };
        Ok(format!("df = df.withColumn({c}, {value})"))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let text = cx.as_text(&self.column)?;
        let hashed = format!(
            "sha2(concat({}, {text}), 256)",
            sql_str(self.salt.as_deref().unwrap_or(""))
        );
        let e = match &cx.cond {
            None => hashed,
            Some(c) => format!("CASE WHEN {c} THEN {hashed} ELSE {text} END"),
        };
        Ok(cx.with_columns(&[(self.column.clone(), e)]))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        if self.salt.is_some() {
            return Err(
                "DataBrew hashes with a secret (HMAC) or without a salt; a salted SHA-256 has no equivalent"
                    .into(),
            );
        }
        Ok(vec![
            BrewStep::op("CRYPTOGRAPHIC_HASH")
                .list("sourceColumns", std::slice::from_ref(&self.column))
                .param("algorithm", "SHA256"),
        ])
    }
}

/// Hide characters of a text column behind a mask character, keeping the first
/// `keep_first` and last `keep_last`. Values no longer than keep_first + keep_last are
/// masked entirely, so short values never leak.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mask {
    pub column: String,
    #[serde(default)]
    pub keep_first: usize,
    #[serde(default)]
    pub keep_last: usize,
    /// One character; `*` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub char: Option<String>,
}

/// Mask `s`, keeping `first` leading and `last` trailing characters.
pub fn mask_text(s: &str, first: usize, last: usize, ch: char) -> String {
    let n = s.chars().count();
    if n <= first + last {
        return std::iter::repeat_n(ch, n).collect();
    }
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < first || i >= n - last { c } else { ch })
        .collect()
}

impl Mask {
    fn mask_char(&self) -> char {
        self.char
            .as_deref()
            .and_then(|s| s.chars().next())
            .unwrap_or('*')
    }
}

impl StepImpl for Mask {
    fn describe(&self) -> String {
        let mut s = format!("mask {}", self.column);
        if self.keep_first > 0 || self.keep_last > 0 {
            s.push_str(&format!(
                " keeping the first {} and last {} characters",
                self.keep_first, self.keep_last
            ));
        }
        s
    }
    fn kind(&self) -> Kind {
        Kind::Values
    }
    fn check(&self, cx: &mut CheckCx) {
        cx.text_column(&self.column);
        if let Some(c) = &self.char
            && c.chars().count() != 1
        {
            cx.problem(format!("\"char\" must be one character, not {c:?}"));
        }
    }
    fn apply(&self, lf: LazyFrame, cx: &ApplyCx) -> PolarsResult<LazyFrame> {
        let (first, last, ch) = (self.keep_first, self.keep_last, self.mask_char());
        let e = map_text(col(self.column.as_str()), move |v| {
            mask_text(v, first, last, ch)
        });
        Ok(lf.with_column(cx.values(&self.column, e)))
    }
    fn pyspark(&self, cx: &PyCx) -> Result<String, String> {
        let symbol = java_literal_replacement(&self.mask_char().to_string());
        Ok(cx.set(
            &self.column,
            &format!(
                "mask_text({}, {}, {}, {})",
                py_col(&self.column),
                self.keep_first,
                self.keep_last,
                py_str(&symbol)
            ),
        ))
    }
    fn sql(&self, cx: &SqlCx) -> Result<String, String> {
        let c = sql_ident(&self.column);
        let (first, last) = (self.keep_first, self.keep_last);
        let symbol = sql_str(&java_literal_replacement(&self.mask_char().to_string()));
        let hide = |e: &str| format!("regexp_replace({e}, '(?s).', {symbol})");
        let middle = format!("substr({c}, {}, length({c}) - {})", first + 1, first + last);
        let tail = if last > 0 {
            format!(", substr({c}, length({c}) - {}, {last})", last - 1)
        } else {
            String::new()
        };
        let e = format!(
            "CASE WHEN length({c}) <= {} THEN {} ELSE concat(substr({c}, 1, {first}), {}{tail}) END",
            first + last,
            hide(&c),
            hide(&middle)
        );
        let e = cx.value(&self.column, &e);
        Ok(cx.with_columns(&[(self.column.clone(), e)]))
    }
    fn databrew(&self, cx: &BrewCx) -> Result<Vec<BrewStep>, String> {
        cx.no_where()?;
        let mut st = BrewStep::op("MASK_RANGE")
            .list("sourceColumns", std::slice::from_ref(&self.column))
            .param("maskSymbol", self.mask_char().to_string());
        if self.keep_first > 0 {
            st = st.param("start", self.keep_first.to_string());
        }
        if self.keep_last > 0 {
            st = st.param("stop", format!("-{}", self.keep_last));
        }
        Ok(vec![st])
    }
}

/// The DataBrew operations this family imports, as wort steps (op JSON, with `where`
/// when the operation has conditions); `None` for an operation of another family.
pub fn from_databrew(b: &BrewIn) -> Imported {
    b.import(&["CRYPTOGRAPHIC_HASH", "MASK_RANGE"], |op| {
        match op {
            "CRYPTOGRAPHIC_HASH" => {
                match b.get("algorithm") {
                    Some("SHA256") => {}
                    Some(a) => return Err(format!("algorithm {a}: wort hashes with SHA-256")),
                    None => {
                        return Err("the default algorithm is HMAC_SHA256 with a secret; wort hashes with plain SHA-256".into());
                    }
                }
                if b.get("entityTypeFilter").is_some() {
                    return Err("entityTypeFilter (PII detection) has no wort equivalent".into());
                }
                Ok(b.list_param("sourceColumns")?
                    .into_iter()
                    .map(|c| json!({"op": "hash", "column": c}))
                    .collect())
            }
            "MASK_RANGE" => {
                if b.get("alphabet").is_some() || b.get("entityTypeFilter").is_some() {
                    return Err("alphabet / entityTypeFilter have no wort equivalent".into());
                }
                let start: i64 = b
                    .get("start")
                    .unwrap_or("0")
                    .trim()
                    .parse()
                    .map_err(|_| "start is not a number")?;
                let stop: i64 = b
                    .get("stop")
                    .unwrap_or("0")
                    .trim()
                    .parse()
                    .map_err(|_| "stop is not a number")?;
                if start < 0 || stop > 0 {
                    return Err("only ranges from a position to a position counted from the end map to wort's mask".into());
                }
                let ch = b.get("maskSymbol").unwrap_or("#").to_string();
                Ok(b
                .list_param("sourceColumns")?
                .into_iter()
                .map(|c| {
                    let mut v =
                        json!({"op": "mask", "column": c, "keep_first": start, "keep_last": -stop});
                    if ch != "*" {
                        v["char"] = json!(ch);
                    }
                    v
                })
                .collect())
            }
            _ => Err(format!("{op} is not imported here")),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_known_digest() {
        // echo -n abc | sha256sum
        assert_eq!(
            sha256_hex("", "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(sha256_hex("a", "bc"), sha256_hex("", "abc"));
    }

    #[test]
    fn mask_keeps_ends_and_hides_short_values() {
        assert_eq!(mask_text("4111111111111111", 0, 4, '*'), "************1111");
        assert_eq!(mask_text("john@x.com", 1, 4, '#'), "j#####.com");
        assert_eq!(mask_text("abc", 2, 2, '*'), "***");
        assert_eq!(mask_text("", 0, 0, '*'), "");
        assert_eq!(mask_text("Zoë", 0, 0, '*'), "***");
    }
}
