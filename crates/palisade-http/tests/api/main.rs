#![allow(clippy::unwrap_used)]
//! In-process API tests: the real router on a fresh database per test.
//! `PALISADE_TEST_DATABASE_URL=postgres://…` runs them all on PostgreSQL.

mod access;
mod accounts;
mod catalog;
mod domains;
mod errors;
mod extras;
mod faults;
mod federation;
mod federation_polls;
mod filters;
mod instance;
mod lifting;
mod lists;
mod media;
mod media_federation;
mod media_hostile;
mod moderation;
mod notifications;
mod oauth;
mod performance;
mod polls;
mod profile_media;
mod push;
mod relationships;
mod remote_ids;
mod reports;
mod shapes;
mod ssrf;
mod startup;
mod statuses;
mod streaming;
mod timelines;
mod web;
mod web_browser;
mod web_media;
