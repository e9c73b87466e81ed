//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) through the fuzz targets'
//! functions: every input that ever found something, or was kept as interesting, keeps
//! passing in every `cargo test`, without the fuzzing toolchain.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use palisade_testkit::fuzzing::TARGETS;

#[test]
fn the_fuzz_corpus_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    let mut replayed = 0;
    for (name, target) in TARGETS {
        let dir = root.join(name);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{name}: {} fails", path.display());
            replayed += 1;
        }
    }
    assert!(
        replayed >= TARGETS.len(),
        "the corpus is missing ({replayed} inputs)"
    );
}
