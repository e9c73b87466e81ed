//! Focal points on the web pages: which part of a picture stays in view when a page crops it
//! (several pictures side by side, a tall one). The forms offer nine positions as a select
//! (no script needed), sent as Mastodon's `focus` ("x,y", each -1..1, y upwards); the pages
//! crop with a class per position, since the pages' style allows no inline styles.

use maud::{Markup, html};
use serde_json::Value;

/// The positions offered: the form value (Mastodon's focus), its class, its label.
const POSITIONS: [(&str, &str, &str); 9] = [
    ("", "", "Centre"),
    ("0,0.67", "focus-t", "Top"),
    ("0,-0.67", "focus-b", "Bottom"),
    ("-0.67,0", "focus-l", "Left"),
    ("0.67,0", "focus-r", "Right"),
    ("-0.67,0.67", "focus-tl", "Top left"),
    ("0.67,0.67", "focus-tr", "Top right"),
    ("-0.67,-0.67", "focus-bl", "Bottom left"),
    ("0.67,-0.67", "focus-br", "Bottom right"),
];

/// The position nearest a file's focus (`meta.focus`): its form value and its class.
fn nearest(meta: &Value) -> (&'static str, &'static str) {
    let x = meta["focus"]["x"].as_f64().unwrap_or(0.0);
    let y = meta["focus"]["y"].as_f64().unwrap_or(0.0);
    let third = |v: f64| {
        if v > 1.0 / 3.0 {
            1
        } else if v < -1.0 / 3.0 {
            -1
        } else {
            0
        }
    };
    let (col, row) = (third(x), third(y));
    let wanted = match (col, row) {
        (0, 0) => "",
        (0, 1) => "0,0.67",
        (0, _) => "0,-0.67",
        (-1, 0) => "-0.67,0",
        (_, 0) => "0.67,0",
        (-1, 1) => "-0.67,0.67",
        (_, 1) => "0.67,0.67",
        (-1, _) => "-0.67,-0.67",
        _ => "0.67,-0.67",
    };
    POSITIONS
        .iter()
        .find(|(v, _, _)| *v == wanted)
        .map_or(("", ""), |(v, c, _)| (*v, *c))
}

/// The form value a file's focus shows as.
pub fn value_of(meta: &Value) -> &'static str {
    nearest(meta).0
}

/// The class that crops a picture around its focus (`None`: the centre).
pub fn class_of(meta: &Value) -> Option<&'static str> {
    Some(nearest(meta).1).filter(|c| !c.is_empty())
}

/// A form value as the focus to store ("0,0" for the centre); `None` for a value the form
/// does not offer.
pub fn from_form(value: &str) -> Option<String> {
    POSITIONS
        .iter()
        .find(|(v, _, _)| *v == value.trim())
        .map(|(v, _, _)| {
            if v.is_empty() {
                "0,0".to_owned()
            } else {
                (*v).to_owned()
            }
        })
}

/// The select of slot `i`, `current` chosen.
pub fn select(i: usize, current: &str) -> Markup {
    html! {
        label for={"focus_" (i)} { "Keep in view when cropped (file " (i + 1) ")" }
        select id={"focus_" (i)} name={"focus_" (i)} {
            @for (value, _, label) in POSITIONS {
                option value=(value) selected[value == current] { (label) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_focus_shows_as_its_nearest_position_and_crops_there() {
        let at = |x: f64, y: f64| json!({"focus": {"x": x, "y": y}});
        assert_eq!(value_of(&json!({})), "");
        assert_eq!(class_of(&json!({})), None);
        assert_eq!(value_of(&at(0.1, 0.9)), "0,0.67");
        assert_eq!(class_of(&at(0.1, 0.9)), Some("focus-t"));
        assert_eq!(class_of(&at(-0.5, -1.0)), Some("focus-bl"));
        assert_eq!(class_of(&at(0.9, 0.0)), Some("focus-r"));
        for (value, class, _) in POSITIONS {
            let stored = from_form(value).unwrap();
            let (x, y) = stored.split_once(',').unwrap();
            let meta = at(x.parse().unwrap(), y.parse().unwrap());
            assert_eq!((value_of(&meta), class_of(&meta).unwrap_or("")), (value, class));
        }
        assert_eq!(from_form("0.5,0.5"), None, "only the positions offered");
    }
}
