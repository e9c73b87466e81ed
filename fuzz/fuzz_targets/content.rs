#![no_main]
//! See `palisade_testkit::fuzzing::status_text` for what is checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| palisade_testkit::fuzzing::status_text(data));
