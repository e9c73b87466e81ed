//! Footprint: cold start (process start to the first 200 of `/api/v1/instance`), on an
//! empty database (with migrations) and then on a migrated one (the median of several),
//! and resident memory after idling. Memory at the end of a busy run is in the inbound line.

use std::time::Duration;

use crate::instance::Instance;
use crate::procstat::{Memory, describe_memory};
use crate::stats::{ms, percentile};
use crate::{Env, Result, Target, work_dir};

/// The targets of issue 11, to give the figures a scale.
const COLD_START_TARGET: Duration = Duration::from_millis(100);
const IDLE_RSS_TARGET_KB: u64 = 25 * 1024;

#[derive(clap::Args, Clone, Debug)]
pub struct Args {
    #[command(flatten)]
    pub target: Target,
    /// Cold starts on the migrated database.
    #[arg(long, default_value_t = 5)]
    pub starts: usize,
    /// Seconds of idling before memory is read.
    #[arg(long, default_value_t = 5)]
    pub idle: u64,
}

pub async fn run(env: &Env, a: Args) -> Result<()> {
    let dir = work_dir(env, "footprint")?;
    let mut inst = Instance::new(env, a.target.db, a.target.roles(), &dir.path).await?;
    let first = inst.start().await?;
    inst.stop().await;
    let mut starts = Vec::new();
    for _ in 0..a.starts {
        starts.push(inst.start().await?);
        inst.stop().await;
    }
    inst.start().await?;
    tokio::time::sleep(Duration::from_secs(a.idle)).await;
    let memory = inst.memory();
    let largest = memory.iter().map(|(_, m)| m.rss_kb).max().unwrap_or(0);
    let median = percentile(&starts, 50.0);
    println!(
        "footprint {}: cold start to first 200 {} (median of {}; {:.2} x the {} target; first start on an empty database, \
         with migrations, {}); RSS after {} s idle: {} ({:.2} x the {} target)",
        a.target.describe(),
        ms(median),
        starts.len(),
        median.as_secs_f64() / COLD_START_TARGET.as_secs_f64(),
        ms(COLD_START_TARGET),
        ms(first),
        a.idle,
        describe_memory(&memory),
        largest as f64 / IDLE_RSS_TARGET_KB as f64,
        Memory::mb(IDLE_RSS_TARGET_KB),
    );
    inst.finish().await;
    Ok(())
}
