//! The web forms, with a valid session and CSRF token where the case is about the body.

use super::Body::{Form, Raw};
use super::Error::Page;
use super::Who::{Web, WebAdmin, WebNoCsrf};
use super::{Case, case};

#[rustfmt::skip]
pub const CASES: &[Case] = &[
    case("web: post without the CSRF token", WebNoCsrf, "POST", "/statuses", Form("status=hi"), 403, Page),
    case("web: post an empty status", Web, "POST", "/statuses", Form("status="), 422, Page),
    case("web: post invalid UTF-8", Web, "POST", "/statuses", Raw("application/x-www-form-urlencoded", b"status=\xff"), 400, Page),
    case("web: post a bad visibility", Web, "POST", "/statuses", Form("status=hi&visibility=secret"), 422, Page),
    case("web: unknown status action", Web, "POST", "/statuses/{status}/explode", Form(""), 404, Page),
    case("web: act on a private status", Web, "POST", "/statuses/{bob_private}/favourite", Form(""), 404, Page),
    case("web: unknown account action", Web, "POST", "/accounts/{bob_id}/explode", Form(""), 404, Page),
    case("web: block a non-domain", Web, "POST", "/domain_blocks", Form("domain=not%20a%20domain"), 422, Page),
    case("web: profile name too long", Web, "POST", "/settings/profile", Form("display_name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), 422, Page),
    case("web: import garbage", Web, "POST", "/settings/domain_blocks/import", Form("data=%00%01"), 200, Page),
    case("web admin: block a non-domain", WebAdmin, "POST", "/admin/domain_blocks", Form("domain=not%20a%20domain&severity=suspend"), 422, Page),
    case("web admin: unknown report action", WebAdmin, "POST", "/admin/reports/424242/resolve", Form(""), 404, Page),
];
