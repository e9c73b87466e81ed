//! What a server process uses, read from /proc: resident memory (now and at its peak) and
//! CPU time.

/// Resident set size now and at its peak, in kB, and what it is made of now: memory the
/// process allocated (anonymous), and pages of files it maps (its binary, libraries, the
/// SQLite file's map), which the kernel counts once read and can drop at any time, and
/// whose count depends on what the page cache holds.
#[derive(Clone, Copy, Debug)]
pub struct Memory {
    pub rss_kb: u64,
    pub peak_kb: u64,
    pub anon_kb: u64,
    pub file_kb: u64,
}

impl Memory {
    pub fn of(pid: u32) -> Option<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let field = |name: &str| -> Option<u64> {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        };
        Some(Memory {
            rss_kb: field("VmRSS:")?,
            peak_kb: field("VmHWM:")?,
            anon_kb: field("RssAnon:")?,
            file_kb: field("RssFile:")? + field("RssShmem:")?,
        })
    }

    pub fn mb(kb: u64) -> String {
        format!("{:.1} MB", kb as f64 / 1024.0)
    }
}

/// User + system CPU seconds of a process (/proc/PID/stat, in clock ticks of 1/100 s).
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    // utime and stime are fields 14 and 15 of the line: indexes 11 and 12 after the name.
    Some((ticks(11)? + ticks(12)?) / 100.0)
}

/// "server 3.1 s (25 % of one core)": CPU used between two readings over `wall`.
pub fn describe_cpu(before: &[(&str, f64)], after: &[(&str, f64)], wall: std::time::Duration) -> String {
    after
        .iter()
        .map(|(name, end)| {
            let start = before.iter().find(|(n, _)| n == name).map_or(0.0, |(_, s)| *s);
            let used = end - start;
            format!(
                "{name} {used:.1} s ({:.0} % of one core)",
                100.0 * used / wall.as_secs_f64().max(1e-9)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "server 31.2 MB (peak 40.1 MB; now 9.0 MB anonymous, 22.2 MB of mapped files)", for
/// each process.
pub fn describe_memory(list: &[(&str, Memory)]) -> String {
    list.iter()
        .map(|(name, m)| {
            format!(
                "{name} {} (peak {}; now {} anonymous, {} of mapped files)",
                Memory::mb(m.rss_kb),
                Memory::mb(m.peak_kb),
                Memory::mb(m.anon_kb),
                Memory::mb(m.file_kb)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}
