//! `palisade admin peers` and `palisade admin peer DOMAIN`: delivery health per peer, with
//! the reason of the last failure.

use palisade_core::Core;
use palisade_core::peers::outcomes;

fn when(ms: Option<i64>) -> String {
    ms.map(palisade_http::entities::iso).unwrap_or_else(|| "-".into())
}

pub async fn list(core: &Core) -> Result<(), String> {
    let reports = core.peer_reports().await.map_err(|e| e.to_string())?;
    println!(
        "{:<28} {:<16} {:>8} {:>8} {:>8} {:>6} {:>6} {:>6}  {:<12} LAST FAILURE",
        "DOMAIN", "SOFTWARE", "ACCOUNTS", "WE→THEM", "THEY→US", "OK24H", "ERR24H", "QUEUED", "STATE"
    );
    for r in reports {
        let software = r
            .peer
            .as_ref()
            .and_then(|p| {
                p.software
                    .clone()
                    .map(|s| format!("{s} {}", p.version.clone().unwrap_or_default()))
            })
            .unwrap_or_else(|| "-".into());
        let failure = r
            .peer
            .as_ref()
            .and_then(|p| {
                p.last_failure_class
                    .clone()
                    .map(|c| format!("{c}: {}", p.last_failure_message.clone().unwrap_or_default()))
            })
            .unwrap_or_default();
        println!(
            "{:<28} {:<16} {:>8} {:>8} {:>8} {:>6} {:>6} {:>6}  {:<12} {}",
            r.domain,
            software.trim(),
            r.ties.accounts,
            r.ties.local_followers_of_them,
            r.ties.their_followers_of_us,
            outcomes(&r.last_day, "delivered"),
            outcomes(&r.last_day, "failed"),
            r.queued_deliveries,
            r.state(),
            failure
        );
    }
    Ok(())
}

pub async fn show(core: &Core, domain: &str) -> Result<(), String> {
    let r = core.peer_report(domain).await.map_err(|e| e.to_string())?;
    let p = r.peer.as_ref();
    println!("domain:               {}", r.domain);
    println!("state:                {}", r.state());
    let policy = core.policies().await.map_err(|e| e.to_string())?;
    println!(
        "policy:               {}",
        policy.block_for(&r.domain).map_or_else(
            || "none".to_owned(),
            |b| format!("{} (block of {})", b.severity, b.domain)
        )
    );
    println!(
        "software:             {}",
        p.and_then(|p| p.software.clone())
            .map(|s| format!("{s} {}", p.and_then(|p| p.version.clone()).unwrap_or_default()))
            .unwrap_or_else(|| "-".into())
    );
    println!("first seen:           {}", when(p.map(|p| p.first_seen_at)));
    println!("last seen:            {}", when(p.and_then(|p| p.last_seen_at)));
    println!(
        "last success:         {}",
        when(p.and_then(|p| p.last_success_at))
    );
    println!(
        "last failure:         {}",
        when(p.and_then(|p| p.last_failure_at))
    );
    println!(
        "last failure class:   {}",
        p.and_then(|p| p.last_failure_class.clone())
            .unwrap_or_else(|| "-".into())
    );
    println!(
        "last failure message: {}",
        p.and_then(|p| p.last_failure_message.clone())
            .unwrap_or_else(|| "-".into())
    );
    println!("failure days:         {}", p.map_or(0, |p| p.failure_days.len()));
    println!(
        "unavailable since:    {}",
        when(p.and_then(|p| p.unavailable_since))
    );
    println!("accounts known:       {}", r.ties.accounts);
    println!("statuses stored:      {}", r.ties.statuses);
    println!("members following:    {}", r.ties.local_followers_of_them);
    println!("followers of members: {}", r.ties.their_followers_of_us);
    println!("relationships:        {}", r.ties.relationships);
    println!("queued deliveries:    {}", r.queued_deliveries);
    for (label, stats) in [("last 24 h", &r.last_day), ("last 7 days", &r.last_week)] {
        let detail: Vec<String> = stats.iter().map(|(o, n)| format!("{o}={n}")).collect();
        println!(
            "{label:<21} {}",
            if detail.is_empty() {
                "-".into()
            } else {
                detail.join(" ")
            }
        );
    }
    Ok(())
}
