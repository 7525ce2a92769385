//! The step families added after the first thirty steps, one file each: the family's
//! tests (hand-checked fixtures, real data against an independent computation) and its
//! Spark parity cases, which `export::spark_parity` runs with the others.

pub mod combine;
pub mod encode;
pub mod numbers;
pub mod reshape;
pub mod strings;

/// Every family's parity cases over the messy file (`export::MESSY`): (name, steps).
pub fn cases() -> Vec<(&'static str, &'static str)> {
    [
        combine::CASES,
        reshape::CASES,
        encode::CASES,
        numbers::CASES,
        strings::CASES,
    ]
    .concat()
}

/// Every family's parity cases over other inputs.
pub fn extra(dir: &std::path::Path) -> Vec<crate::export::Case> {
    let mut out = Vec::new();
    out.extend(combine::extra(dir));
    out.extend(reshape::extra(dir));
    out.extend(encode::extra(dir));
    out.extend(numbers::extra(dir));
    out.extend(strings::extra(dir));
    out
}
