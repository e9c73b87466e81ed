#![no_main]
//! See `palisade_testkit::fuzzing::media_file` for what is checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| palisade_testkit::fuzzing::media_file(data));
