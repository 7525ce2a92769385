//! Entity detection: which kinds of sensitive or structured values a text column holds,
//! named as AWS Glue DataBrew names them (`EMAIL`, `CREDIT_CARD`, `USA_SSN`...), plus
//! `URL`, `POSTAL_CODE` and separate `IPV4_ADDRESS` / `IPV6_ADDRESS`. A value is an
//! entity when the whole value (trimmed) matches; checksums are verified where the
//! entity has one (Luhn for cards and NPIs, the DEA check digit).

use std::sync::LazyLock;

use regex::RegexSet;

/// The entities, in report order, with the pattern each whole value must match.
/// Entities with a `None` pattern are checked in code only.
const ENTITIES: &[(&str, Option<&str>)] = &[
    (
        "EMAIL",
        Some(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$"),
    ),
    (
        "URL",
        Some(r"(?i)^((https?|ftp)://[^\s/?#]+\.[^\s/?#]+|www\.[^\s/?#]+\.[a-z]{2,})[^\s]*$"),
    ),
    (
        "PHONE_NUMBER",
        Some(
            r"^(\+?1[\s.\-]?)?(\(\d{3}\)\s?|\d{3}[\s.\-]?)\d{3}[\s.\-]?\d{4}$|^\+[1-9]\d{0,2}([\s.\-]?\(?\d{1,4}\)?){2,5}$",
        ),
    ),
    (
        "IPV4_ADDRESS",
        Some(r"^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$"),
    ),
    ("IPV6_ADDRESS", Some(r"^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$")),
    (
        "MAC_ADDRESS",
        Some(r"^([0-9A-Fa-f]{2}[:\-]){5}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4}$"),
    ),
    (
        "CREDIT_CARD",
        Some(r"^\d{4}([ \-]?\d{3,4}){2,3}[ \-]?\d{1,4}$"),
    ),
    ("USA_SSN", Some(r"^\d{3}-\d{2}-\d{4}$")),
    (
        "USA_ITIN",
        Some(r"^9\d{2}-?(5\d|6[0-5]|7\d|8[0-8]|9[0-24-9])-?\d{4}$"),
    ),
    (
        "USA_MEDICARE_BENEFICIARY_IDENTIFIER",
        Some(
            r"^[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y]{2}\d{2}$",
        ),
    ),
    ("USA_NATIONAL_PROVIDER_IDENTIFIER", Some(r"^\d{10}$")),
    ("USA_DEA_NUMBER", Some(r"^[A-Za-z][A-Za-z9]\d{7}$")),
    (
        "USA_NATIONAL_DRUG_CODE",
        Some(r"^(\d{4}-\d{4}-\d{2}|\d{5}-\d{3}-\d{2}|\d{5}-\d{4}-\d{1,2})$"),
    ),
    ("USA_HCPCS_CODE", Some(r"^[A-V]\d{4}$")),
    (
        "POSTAL_CODE",
        Some(
            r"(?i)^(\d{5}(-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}|[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d)$",
        ),
    ),
    ("DATE", None),
];

/// The names of the entities wort detects, in report order.
pub fn names() -> impl Iterator<Item = &'static str> {
    ENTITIES.iter().map(|(n, _)| *n)
}

pub const COUNT: usize = ENTITIES.len();

static SET: LazyLock<(RegexSet, Vec<usize>)> = LazyLock::new(|| {
    let (idx, pats): (Vec<usize>, Vec<&str>) = ENTITIES
        .iter()
        .enumerate()
        .filter_map(|(i, (_, p))| p.map(|p| (i, p)))
        .unzip();
    (RegexSet::new(pats).expect("valid entity regexes"), idx)
});

const DATE: usize = COUNT - 1;

/// Which entities `value` is, as indexes into [`names`]; `is_date` says whether the
/// value parses as one of wort's date formats (the caller knows already).
pub fn detect(value: &str, is_date: bool, out: &mut Vec<usize>) {
    out.clear();
    if is_date {
        out.push(DATE);
    }
    let v = value.trim();
    if v.len() < 4 || v.len() > 200 {
        return;
    }
    let (set, idx) = &*SET;
    for m in set.matches(v).iter() {
        let e = idx[m];
        if verify(ENTITIES[e].0, v) {
            out.push(e);
        }
    }
}

fn digits(s: &str) -> Vec<u8> {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

/// The Luhn checksum (credit cards, NPIs).
pub fn luhn(d: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &x) in d.iter().rev().enumerate() {
        let mut x = x as u32;
        if i % 2 == 1 {
            x *= 2;
            if x > 9 {
                x -= 9;
            }
        }
        sum += x;
    }
    sum.is_multiple_of(10)
}

fn verify(entity: &str, v: &str) -> bool {
    match entity {
        "CREDIT_CARD" => {
            let d = digits(v);
            (13..=19).contains(&d.len()) && d[0] != 0 && luhn(&d)
        }
        "USA_SSN" => {
            let d = digits(v);
            let area = d[0] as u32 * 100 + d[1] as u32 * 10 + d[2] as u32;
            area != 0
                && area != 666
                && area < 900
                && (d[3], d[4]) != (0, 0)
                && d[5..].iter().any(|&x| x != 0)
        }
        "USA_NATIONAL_PROVIDER_IDENTIFIER" => {
            // Luhn over the prefix 80840 and the 10 digits.
            let mut d = vec![8, 0, 8, 4, 0];
            d.extend(digits(v));
            (v.starts_with('1') || v.starts_with('2')) && luhn(&d)
        }
        "USA_DEA_NUMBER" => {
            let d = digits(&v[2..]);
            let check = (d[0] as u32 + d[2] as u32 + d[4] as u32)
                + 2 * (d[1] as u32 + d[3] as u32 + d[5] as u32);
            check % 10 == d[6] as u32
        }
        "IPV6_ADDRESS" => v.parse::<std::net::Ipv6Addr>().is_ok(),
        "PHONE_NUMBER" => (7..=15).contains(&digits(v).len()),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(v: &str) -> Vec<&'static str> {
        let mut out = Vec::new();
        detect(v, false, &mut out);
        out.iter().map(|&i| ENTITIES[i].0).collect()
    }

    #[test]
    fn detects_each_entity() {
        assert_eq!(found("jane.doe@example.com"), ["EMAIL"]);
        assert_eq!(found("https://example.com/a?b=1"), ["URL"]);
        assert_eq!(found("www.example.org"), ["URL"]);
        assert_eq!(found("(212) 555-0123"), ["PHONE_NUMBER"]);
        assert_eq!(found("+44 20 7946 0958"), ["PHONE_NUMBER"]);
        assert_eq!(found("192.168.0.1"), ["IPV4_ADDRESS"]);
        assert!(found("256.1.1.1").is_empty());
        assert_eq!(found("2001:db8::ff00:42:8329"), ["IPV6_ADDRESS"]);
        assert!(found("12:30").is_empty());
        assert_eq!(found("00:1A:2b:3C:4d:5E"), ["MAC_ADDRESS"]);
        assert_eq!(found("4111 1111 1111 1111"), ["CREDIT_CARD"]);
        assert!(!found("4111 1111 1111 1112").contains(&"CREDIT_CARD"));
        assert_eq!(found("123-45-6789"), ["USA_SSN"]);
        assert!(found("666-45-6789").is_empty());
        assert_eq!(found("912-70-1234"), ["USA_ITIN"]);
        assert_eq!(
            found("1EG4-TE5-MK73"),
            ["USA_MEDICARE_BENEFICIARY_IDENTIFIER"]
        );
        assert_eq!(
            found("1234567893"),
            ["PHONE_NUMBER", "USA_NATIONAL_PROVIDER_IDENTIFIER"]
        );
        assert_eq!(found("AB1234563"), ["USA_DEA_NUMBER"]);
        assert_eq!(found("0777-3105-02"), ["USA_NATIONAL_DRUG_CODE"]);
        assert_eq!(found("G0008"), ["USA_HCPCS_CODE"]);
        assert_eq!(found("10001-1234"), ["POSTAL_CODE"]);
        assert_eq!(found("SW1A 1AA"), ["POSTAL_CODE"]);
        assert_eq!(found("K1A 0B1"), ["POSTAL_CODE"]);
        assert!(found("hello").is_empty());
        // aircraft tail numbers are not UK postcodes (those need their space)
        assert!(found("N725MQ").is_empty());
        let mut out = Vec::new();
        detect("2023-01-05", true, &mut out);
        assert_eq!(out, [DATE]);
    }

    #[test]
    fn luhn_checks() {
        assert!(luhn(&digits("79927398713")));
        assert!(!luhn(&digits("79927398710")));
    }
}
