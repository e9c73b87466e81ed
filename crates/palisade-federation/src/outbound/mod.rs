//! Outbound: core's events become activities, activities become one delivery job per
//! distinct inbox (`plan/`), and deliveries are signed and sent (`deliver`).

mod deliver;
mod plan;

pub use deliver::{DeliveryJob, Outcome, backoff_ms};
