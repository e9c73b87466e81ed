//! A peer's last seven days as an inline SVG bar chart, made on the server: deliveries by
//! outcome (delivered, then each failure class) stacked per day. No script, no library.

use maud::{Markup, html};
use palisade_core::peer_views::DayFigures;

use crate::web::page::readable;

const W: i64 = 640;
const H: i64 = 220;
const LEFT: i64 = 44;
const BOTTOM: i64 = 28;

/// The failure classes present, in a fixed order (each gets a colour class f0…f3).
pub fn classes(days: &[DayFigures]) -> Vec<String> {
    let mut all: Vec<String> = days.iter().flat_map(|d| d.failed.keys().cloned()).collect();
    all.sort();
    all.dedup();
    all
}

/// The bar segments of one day, bottom up: (colour class, top y, height).
fn stack(d: &DayFigures, classes: &[String], y: &dyn Fn(i64) -> i64) -> Vec<(String, i64, i64)> {
    let mut out = Vec::new();
    let mut base = 0;
    let failed = classes
        .iter()
        .enumerate()
        .map(|(k, c)| (format!("f{}", k.min(3)), d.failed.get(c).copied().unwrap_or(0)));
    for (class, n) in std::iter::once(("ok".to_owned(), d.delivered)).chain(failed) {
        if n > 0 {
            out.push((class, y(base + n), (y(base) - y(base + n)).max(1)));
        }
        base += n;
    }
    out
}

pub fn chart(domain: &str, days: &[DayFigures]) -> Markup {
    let classes = classes(days);
    let total = |d: &DayFigures| d.delivered + d.failed.values().sum::<i64>();
    let max = days.iter().map(total).max().unwrap_or(0).max(1);
    let plot_h = H - BOTTOM - 10;
    let slot = (W - LEFT) / days.len().max(1) as i64;
    let bar = slot * 3 / 5;
    let y = |v: i64| H - BOTTOM - v * plot_h / max;
    let summary: Vec<String> = days
        .iter()
        .map(|d| {
            let fails: i64 = d.failed.values().sum();
            format!(
                "{}: {} delivered, {} failed",
                &readable(d.day)[..10],
                d.delivered,
                fails
            )
        })
        .collect();
    html! {
        figure {
            svg.chart viewBox={"0 0 " (W) " " (H)} role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg" {
                title #chart-title { "Deliveries to " (domain) " over seven days" }
                desc #chart-desc { (summary.join("; ")) }
                @for i in 0..=4 {
                    @let v = max * i / 4;
                    line.grid x1=(LEFT) x2=(W) y1=(y(v)) y2=(y(v)) {}
                    text x=(LEFT - 6) y=(y(v) + 4) text-anchor="end" { (v) }
                }
                @for (i, d) in days.iter().enumerate() {
                    @let x = LEFT + i as i64 * slot + (slot - bar) / 2;
                    @for (class, top, height) in stack(d, &classes, &y) {
                        rect class=(class) x=(x) y=(top) width=(bar) height=(height) {}
                    }
                    text x=(x + bar / 2) y=(H - 8) text-anchor="middle" { (&readable(d.day)[5..10]) }
                }
            }
            figcaption {
                ul.legend {
                    li { span.key.ok {} "delivered" }
                    @for (k, c) in classes.iter().enumerate() { li { span class={"key f" (k.min(3))} {} "failed: " (c) } }
                }
            }
        }
    }
}
