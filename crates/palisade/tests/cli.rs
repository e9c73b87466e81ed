//! The admin command line, run as an admin would: the built binary on a fresh SQLite file.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Stdio};

struct Instance {
    dir: PathBuf,
}

impl Instance {
    fn new(name: &str) -> Instance {
        let dir = std::env::temp_dir().join(format!("palisade-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Instance { dir }
    }

    /// Runs `palisade ARGS` with no terminal on standard input; (success, stdout + stderr).
    fn run(&self, args: &[&str]) -> (bool, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_palisade"))
            .args(args)
            .current_dir(&self.dir)
            .env("PALISADE_LOG", "warn")
            .env_remove("PALISADE_DATABASE_URL")
            .env_remove("PALISADE_CONFIG")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }

    fn ok(&self, args: &[&str]) -> String {
        let (ok, text) = self.run(args);
        assert!(ok, "palisade {args:?} failed: {text}");
        text
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn domain_blocks_from_the_command_line_preview_confirm_and_audit() {
    let i = Instance::new("blocks");
    // A preview changes nothing.
    let preview = i.ok(&[
        "admin",
        "domain-block",
        "add",
        "threads.test",
        "--severity",
        "suspend",
        "--preview",
    ]);
    assert!(preview.contains("threads.test as suspend"), "{preview}");
    assert!(preview.contains("relationships (deduplicated):  0"), "{preview}");
    assert!(!i.ok(&["admin", "domain-block", "list"]).contains("threads.test"));

    // Without a terminal, nothing happens without --yes.
    let (ok, text) = i.run(&[
        "admin",
        "domain-block",
        "add",
        "threads.test",
        "--severity",
        "suspend",
    ]);
    assert!(!ok && text.contains("pass --yes"), "{text}");
    assert!(!i.ok(&["admin", "domain-block", "list"]).contains("threads.test"));

    i.ok(&[
        "admin",
        "domain-block",
        "add",
        "Threads.Test",
        "--severity",
        "silence",
        "--reject-media",
        "-y",
    ]);
    let list = i.ok(&["admin", "domain-block", "list"]);
    assert!(
        list.contains("threads.test") && list.contains("silence") && list.contains("reject_media"),
        "{list}"
    );

    // A subdomain under an equally strict block is refused, as by the admin API.
    let (ok, text) = i.run(&[
        "admin",
        "domain-block",
        "add",
        "a.threads.test",
        "--severity",
        "silence",
        "-y",
    ]);
    assert!(!ok && text.contains("already has a silence block"), "{text}");

    // Update keeps what is not given.
    i.ok(&[
        "admin",
        "domain-block",
        "update",
        "threads.test",
        "--severity",
        "suspend",
        "-y",
    ]);
    let list = i.ok(&["admin", "domain-block", "list"]);
    assert!(
        list.contains("suspend") && list.contains("reject_media"),
        "{list}"
    );

    // Import: a dry run says what would change and writes nothing.
    let csv = i.dir.join("list.csv");
    std::fs::write(
        &csv,
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
         spam.test,suspend,false,true,spam,false\nthreads.test,suspend,true,false,,false\nnot a domain,suspend,false,false,,false\n",
    )
    .unwrap();
    let dry = i.ok(&[
        "admin",
        "domain-block",
        "import",
        csv.to_str().unwrap(),
        "--dry-run",
    ]);
    assert!(
        dry.contains("create") && dry.contains("spam.test") && dry.contains("invalid"),
        "{dry}"
    );
    assert!(!i.ok(&["admin", "domain-block", "list"]).contains("spam.test"));
    i.ok(&["admin", "domain-block", "import", csv.to_str().unwrap()]);
    let export = i.ok(&["admin", "domain-block", "export"]);
    assert!(
        export.contains("spam.test,suspend,false,true,spam,false"),
        "{export}"
    );

    i.ok(&["admin", "domain-block", "remove", "threads.test", "-y"]);
    assert!(!i.ok(&["admin", "domain-block", "list"]).contains("threads.test"));

    i.ok(&["admin", "domain-allow", "add", "friends.test"]);
    assert!(i.ok(&["admin", "domain-allow", "list"]).contains("friends.test"));
    i.ok(&["admin", "domain-allow", "remove", "friends.test"]);

    // Every change is in the audit log, newest first, with what changed.
    let audit = i.ok(&["admin", "audit"]);
    let actions: Vec<&str> = audit
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(2))
        .collect();
    assert_eq!(
        actions,
        [
            "delete_domain_allow",
            "create_domain_allow",
            "delete_domain_block",
            "create_domain_block",
            "update_domain_block",
            "create_domain_block"
        ],
        "{audit}"
    );
    assert!(audit.contains("severity: silence -> suspend"), "{audit}");
}

#[test]
fn media_and_emoji_from_the_command_line() {
    let i = Instance::new("media");
    let emoji_dir = i.dir.join("emoji");
    std::fs::create_dir_all(&emoji_dir).unwrap();
    std::fs::write(
        emoji_dir.join("blobcat.png"),
        palisade_media::testdata::png(32, 32, true),
    )
    .unwrap();
    std::fs::write(
        emoji_dir.join("blobfox.png"),
        palisade_media::testdata::png(40, 40, false),
    )
    .unwrap();
    std::fs::write(emoji_dir.join("notes.txt"), "not an image").unwrap();
    std::fs::write(emoji_dir.join("evil.png"), "<svg onload=alert(1)>").unwrap();
    // No terminal: no progress bar, plain lines.
    let out = i.ok(&[
        "admin",
        "emoji",
        "import",
        emoji_dir.to_str().unwrap(),
        "--category",
        "Blobs",
    ]);
    assert!(out.contains("imported 2 emoji, skipped 1"), "{out}");
    assert!(!out.contains('\u{1b}'), "no terminal control codes: {out:?}");
    let list = i.ok(&["admin", "emoji", "list"]);
    assert!(
        list.contains(":blobcat: Blobs") && list.contains(":blobfox: Blobs"),
        "{list}"
    );
    let (ok, out) = i.run(&[
        "admin",
        "emoji",
        "add",
        "blobcat",
        emoji_dir.join("blobcat.png").to_str().unwrap(),
    ]);
    assert!(!ok && out.contains("exists already"), "{out}");
    i.ok(&["admin", "emoji", "remove", "blobfox"]);
    assert!(!i.ok(&["admin", "emoji", "list"]).contains("blobfox"));
    // The files are in ./data/media by default.
    let stored: Vec<_> = walk(&i.dir.join("data/media"));
    assert_eq!(
        stored.len(),
        2,
        "one emoji: original and static image: {stored:?}"
    );

    let usage = i.ok(&["admin", "media", "usage"]);
    assert!(
        usage.contains("(this instance)") && usage.contains("local folder"),
        "{usage}"
    );
    let pruned = i.ok(&["admin", "media", "prune", "--older-than", "0d"]);
    assert!(pruned.contains("pruned 0 cached remote files"), "{pruned}");
    let (ok, out) = i.run(&["admin", "media", "prune", "--older-than", "soon"]);
    assert!(!ok && out.contains("not a duration"), "{out}");
    let (ok, out) = i.run(&["admin", "media", "refetch", "nobody@nowhere.test"]);
    assert!(!ok && out.contains("not found"), "{out}");
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
