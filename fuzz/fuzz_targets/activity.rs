#![no_main]
//! See `palisade_testkit::fuzzing::activity` for what is checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| palisade_testkit::fuzzing::activity(data));
