#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wort_fuzz::sql(data));
