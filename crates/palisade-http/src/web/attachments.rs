//! A status' attachments and preview card on the web pages. Images are thumbnails that link
//! to the full file, with their description as `alt` and readable on demand; video, GIFs
//! (`gifv`) and audio play in the browser's own players; files still being processed say
//! so. A sensitive status' media waits behind a button (a `<details>`: no script needed),
//! blurred. Every address is this instance's (`pictures::page_url`).

use maud::{Markup, html};
use palisade_core::cards::Card;
use palisade_core::media::Media;
use serde_json::Value;

use super::pictures::page_url;
use crate::AppState;
use crate::entities::media_attachment;

/// One file as the page shows it.
struct Shown<'a> {
    m: &'a Media,
    url: Option<String>,
    preview: Option<String>,
    meta: Value,
}

fn shown<'a>(st: &AppState, m: &'a Media) -> Shown<'a> {
    // The entity's addresses: a remote file is always `/system/proxy/…`, never its origin.
    let e = media_attachment(m, &st.core.urls(), false);
    Shown {
        m,
        url: e.url.map(|u| page_url(st, u)),
        preview: e.preview_url.map(|u| page_url(st, u)),
        meta: e.meta,
    }
}

fn size(meta: &Value, which: &str) -> (Option<u64>, Option<u64>) {
    let v = &meta[which];
    (v["width"].as_u64(), v["height"].as_u64())
}

fn what(kind: &str) -> &'static str {
    match kind {
        "video" => "Video",
        "gifv" => "Animated GIF",
        "audio" => "Audio",
        "image" => "Image",
        _ => "Attachment",
    }
}

fn one(f: &Shown<'_>) -> Markup {
    let m = f.m;
    let desc = m.description.trim();
    let label = if desc.is_empty() {
        what(&m.kind).to_owned()
    } else {
        desc.to_owned()
    };
    if m.state == "processing" {
        return html! {
            figure.attachment.processing data-state="processing" data-media=(m.id) {
                p role="status" { (what(&m.kind)) ": processing. It appears here when it is ready (reload the page if it does not)." }
            }
        };
    }
    if m.state == "failed" {
        return html! {
            figure.attachment.failed data-state="failed" data-media=(m.id) { p.error { (what(&m.kind)) ": this file could not be processed." } }
        };
    }
    let Some(url) = &f.url else {
        return html! { figure.attachment.unknown { p.muted { "An attachment that cannot be shown here." } } };
    };
    let (w, h) = size(&f.meta, "small");
    let body = match m.kind.as_str() {
        "image" => html! {
            a href=(url) title="Open the full picture" {
                img class=[super::focus::class_of(&f.meta)] src=(f.preview.as_deref().unwrap_or(url)) alt=(desc) width=[w] height=[h] loading="lazy";
            }
        },
        "video" => html! {
            video controls preload="none" poster=[f.preview.as_deref()] src=(url) aria-label=(label) width=[w] height=[h] {
                a href=(url) { "Download the video" }
            }
        },
        "gifv" => html! {
            video.gifv controls loop muted playsinline preload="none" poster=[f.preview.as_deref()] src=(url) aria-label=(label) width=[w] height=[h] {
                a href=(url) { "Download the animation" }
            }
        },
        "audio" => html! {
            audio controls preload="none" src=(url) aria-label=(label) { a href=(url) { "Download the audio" } }
        },
        _ => html! { a href=(url) { "Download the attachment" } },
    };
    html! {
        figure class={"attachment " (m.kind)} data-state="ready" data-media=(m.id) {
            (body)
            @if !desc.is_empty() {
                details.alt {
                    summary { "ALT" span.visually-hidden { ": the description of this " (what(&m.kind).to_lowercase()) } }
                    p { (desc) }
                }
            }
        }
    }
}

/// The attachments of a status; behind a button when `sensitive`.
pub fn attachments(st: &AppState, media: &[Media], sensitive: bool) -> Markup {
    if media.is_empty() {
        return html! {};
    }
    let files: Vec<Shown<'_>> = media.iter().map(|m| shown(st, m)).collect();
    let grid = html! {
        div class={"media n" (files.len().min(4))} {
            @for f in &files { (one(f)) }
        }
    };
    if !sensitive {
        return grid;
    }
    let blurred = files
        .iter()
        .find(|f| f.m.kind != "audio" && f.m.state == "ready")
        .and_then(|f| f.preview.clone());
    html! {
        details.sensitive {
            summary {
                @if let Some(p) = blurred { img.blurred src=(p) alt="" aria-hidden="true"; }
                span.label { "Sensitive media: show" }
            }
            (grid)
        }
    }
}

/// A link's preview card, its picture served by this instance.
pub fn card(st: &AppState, c: &Card) -> Markup {
    let image = c
        .image_path
        .as_deref()
        .map(|p| page_url(st, st.core.urls().served(p)));
    let host = palisade_core::cards::host_of(&c.url).unwrap_or_default();
    html! {
        a.preview-card href=(c.url) rel="noopener noreferrer nofollow ugc" target="_blank" {
            @if let Some(src) = image { img src=(src) alt="" loading="lazy"; }
            span.card-text {
                span.provider { (if c.provider_name.is_empty() { &host } else { &c.provider_name }) }
                strong { (if c.title.is_empty() { &c.url } else { &c.title }) }
                @if !c.description.is_empty() { span.description { (c.description) } }
            }
        }
    }
}
