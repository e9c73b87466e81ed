//! The first run, as the person who just typed README's command meets it: `serve` prints the
//! address and how to create an admin, logs to a file carry no colour codes, `--listen` alone
//! decides the port of every URL, and `palisade admin` with other settings refuses.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: localhost:{port}\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

#[test]
fn serve_prints_the_address_and_the_admin_command_and_admin_refuses_another_domain() {
    let dir = std::env::temp_dir().join(format!("palisade-first-run-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let bin = env!("CARGO_BIN_EXE_palisade");
    let clean = |c: &mut Command| {
        for k in [
            "PALISADE_DATABASE_URL",
            "PALISADE_CONFIG",
            "PALISADE_LISTEN",
            "PALISADE_PUBLIC_URL",
            "PALISADE_DOMAIN",
            "NO_COLOR",
        ] {
            c.env_remove(k);
        }
        c.current_dir(&dir)
            .env("PALISADE_LOG", "info")
            .stdin(Stdio::null());
    };
    let mut serve = Command::new(bin);
    clean(&mut serve);
    let mut child = serve
        .args(["serve", "--listen", &listen])
        .stdout(std::fs::File::create(dir.join("out.txt")).unwrap())
        .stderr(std::fs::File::create(dir.join("log.txt")).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let instance = loop {
        if let Some(r) = get(port, "/api/v1/instance")
            .filter(|r| r.starts_with("HTTP/1.0 200") || r.starts_with("HTTP/1.1 200"))
        {
            break r;
        }
        assert!(Instant::now() < deadline, "serve did not answer");
        std::thread::sleep(Duration::from_millis(200));
    };
    std::thread::sleep(Duration::from_millis(300));
    let out = std::fs::read_to_string(dir.join("out.txt")).unwrap();
    let log = std::fs::read_to_string(dir.join("log.txt")).unwrap();
    let front = get(port, "/").unwrap();
    let admin = |env: &[(&str, &str)]| {
        let mut c = Command::new(bin);
        clean(&mut c);
        c.envs(env.iter().copied())
            .args([
                "admin",
                "user",
                "create",
                "alice",
                "--email",
                "alice@example.org",
                "--role",
                "admin",
            ])
            .output()
            .unwrap()
    };
    let refused = admin(&[]);
    let accepted = admin(&[("PALISADE_LISTEN", &listen)]);
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);

    assert!(
        out.contains(&format!("open http://localhost:{port} in a browser")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "PALISADE_LISTEN={listen} palisade admin user create NAME"
        )),
        "{out}"
    );
    assert!(
        log.contains("Palisade") && !log.contains('\u{1b}'),
        "colour codes in a log file: {log:?}"
    );
    assert!(
        instance.contains(&format!("localhost:{port}")) && !instance.contains("localhost:3000"),
        "{instance}"
    );
    assert!(front.contains("no admin yet"), "{front}");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "admin with another domain must refuse");
    assert!(
        stderr.contains(&format!("belongs to localhost:{port}")) && stderr.contains("localhost:3000"),
        "{stderr}"
    );
    assert!(
        accepted.status.success(),
        "{}",
        String::from_utf8_lossy(&accepted.stderr)
    );
}
