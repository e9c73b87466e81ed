#![no_main]
//! See `palisade_testkit::fuzzing::html_page` for what is checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| palisade_testkit::fuzzing::html_page(data));
