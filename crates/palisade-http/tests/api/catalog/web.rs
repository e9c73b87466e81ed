//! The web forms, with a valid session and CSRF token where the case is about the body.

use super::Body::{Form, Raw};
use super::Error::Page;
use super::Who::{Visitor, Web, WebAdmin, WebNoCsrf};
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
    case("web: a wrong CSRF token", WebNoCsrf, "POST", "/statuses", Form("status=hi&authenticity_token=forged"), 403, Page),
    case("web: a 501-character status", Web, "POST", "/statuses", super::Body::Gen(long_status), 422, Page),
    case("web: report an unknown account", Web, "POST", "/accounts/424242/report", Form("comment=x"), 404, Page),
    case("web: report with a 3,000-character comment", Web, "POST", "/accounts/{bob_id}/report", super::Body::Gen(long_comment), 422, Page),
    case("web: sign in with a wrong password", Visitor, "POST", "/auth/sign_in", Form("login=alice&password=wrong"), 401, Page),
    case("web: sign in with invalid UTF-8", Visitor, "POST", "/auth/sign_in", Raw("application/x-www-form-urlencoded", b"login=%FF&password=x"), 400, Page),
    case("web: sign up with a taken name", Visitor, "POST", "/auth/sign_up", Form("username=alice&email=a3%40example.com&password=correct+horse+battery&password_confirmation=correct+horse+battery&agreement=1"), 422, Page),
    case("web: sign up with a bad e-mail", Visitor, "POST", "/auth/sign_up", Form("username=zed&email=nope&password=correct+horse+battery&password_confirmation=correct+horse+battery&agreement=1"), 422, Page),
    case("web: sign up without agreeing", Visitor, "POST", "/auth/sign_up", Form("username=zed&email=zed%40example.com&password=correct+horse+battery&password_confirmation=correct+horse+battery"), 422, Page),
    case("web admin: block with a bad severity", WebAdmin, "POST", "/admin/domain_blocks", Form("domain=x.example&severity=obliterate"), 422, Page),
    case("web admin: allow a non-domain", WebAdmin, "POST", "/admin/domain_allows", Form("domain=not%20a%20domain"), 422, Page),
    case("web admin: unknown federation mode", WebAdmin, "POST", "/admin/federation_settings", Form("mode=chaos"), 422, Page),
    case("web admin: unknown peer action", WebAdmin, "POST", "/admin/peers/x.example/explode", Form(""), 404, Page),
];

fn long_status() -> (&'static str, Vec<u8>) {
    (
        "application/x-www-form-urlencoded",
        format!("status={}", "a".repeat(501)).into_bytes(),
    )
}

fn long_comment() -> (&'static str, Vec<u8>) {
    (
        "application/x-www-form-urlencoded",
        format!("comment={}", "a".repeat(3000)).into_bytes(),
    )
}
