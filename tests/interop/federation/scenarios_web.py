"""Check 14: the web interface in a real browser (tests/interop/browser/harness.mjs, Debian's
chromium through playwright-core, axe-core on every page) against ours.test and a real Fedify
peer: the member's Threads story (search the domain, open a remote profile, its menu, "Block
domain", the prompt's counts and names, confirm), then the admin's (the peers dashboard shows
broken.test with its TLS reason, the suspension preview equals the API's, suspend, lift)."""
import json
import os
import subprocess

from harness import NODE, ROOT, Fail, fail, log, oid, short, wait_for

BROWSER = ROOT / "tests/interop/browser"
# FED_SCREENSHOTS=DIR: the stories also save the README's screenshots there (docs/screenshots).
SHOTS = os.path.abspath(os.environ["FED_SCREENSHOTS"]) if os.environ.get("FED_SCREENSHOTS") else None
PASSWORD = "correct horse battery"
WEB_MEMBER = "zed"


def story(name, opts, work):
    """Runs one browser story; returns what the page showed (the RESULT line)."""
    r = subprocess.run([str(NODE), "harness.mjs", name, json.dumps(opts)], cwd=BROWSER, capture_output=True,
                       text=True, timeout=240)
    with open(work / f"browser-{name}.log", "a") as f:
        f.write(r.stdout + r.stderr)
    result = None
    for line in r.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[7:])
    if r.returncode != 0:
        bad = [l for l in r.stdout.splitlines() if l.startswith("not ok")] or [r.stderr[-800:]]
        raise Fail(f"browser {name}: {short(' | '.join(bad), 1500)}")
    return result


def web_checks(C, ours, threads, broken, work):
    """14a-14c."""
    S = C.state
    T = threads.user_actor
    ZED = f"{ours.base}/users/{WEB_MEMBER}"

    def c14a():
        for name in ("tom", "tia"):
            acct = ours.resolve(WEB_MEMBER, f"@{name}@threads.test")
            ours.api(WEB_MEMBER, "POST", f"/api/v1/accounts/{acct['id']}/follow")
            wait_for(f"zed follows {name}@threads.test",
                     lambda: ours.relationship(WEB_MEMBER, acct["id"])["following"] or fail("not yet"))
        out = threads.call("POST", "follow", {"as": "tom", "target": f"acct:{WEB_MEMBER}@ours.test"})
        S["tom_follows_zed"] = out["id"]
        wait_for("tom's follow of zed is accepted",
                 lambda: threads.call("GET", "following", {"as": "tom"}).get(ZED) == "accepted" or fail("pending"))
        note = threads.call("POST", "post", body={"as": "tom", "content": "tom posts for zed's home"})
        S["tom_note"] = note["id"]
        wait_for("tom's post is in zed's home", lambda: ours.in_home(WEB_MEMBER, note["id"]))
    C.run("14a zed follows tom and tia@threads.test, tom follows zed, tom's post is in zed's home", c14a)

    def c14b():
        note = C.need("tom_note")
        preview = ours.api(WEB_MEMBER, "GET", "/api/v1/domain_blocks/preview", params={"domain": "threads.test"})
        threads.call("POST", "reset")
        seen = story("blockDomain", {
            "base": ours.base, "login": WEB_MEMBER, "password": PASSWORD, "domain": "threads.test", "account": "tom",
            "shots": SHOTS,
            "expect": {"followingCount": preview["following_count"], "followersCount": preview["followers_count"],
                       "following": ["@tom@threads.test", "@tia@threads.test"], "followers": ["@tom@threads.test"]},
        }, work)
        log(f"the prompt showed {seen}")
        if (preview["following_count"], preview["followers_count"]) != (2, 1):
            raise Fail(f"the API preview is {preview}, not following 2, followers 1")
        for name in ("tom", "tia"):
            wait_for(f"threads.test receives zed's Undo(Follow) of {name}", lambda: threads.find(
                "Undo", lambda a: oid(a["actor"]) == ZED and isinstance(a["object"], dict)
                and a["object"].get("type") == "Follow" and oid(a["object"].get("object")) == T(name)))
        wait_for("threads.test receives zed's Reject of tom's Follow", lambda: threads.find(
            "Reject", lambda a: oid(a["actor"]) == ZED))
        wait_for("threads.test drops zed from tom's followers",
                 lambda: ZED not in threads.call("GET", "followers", {"as": "tom"}) or fail("still a follower"))
        home = [s.get("uri") for s in ours.home(WEB_MEMBER)]
        if note in home:
            raise Fail("tom's post is still in zed's home")
    C.run("14b in the browser, zed searches threads.test, opens tom's profile, its menu, \"Block domain\"; the prompt "
          "shows the API's counts and the names; after confirming, threads.test receives Undo and Reject and zed's "
          "home no longer shows tom's post", c14b)

    def c14c():
        # broken.test serves its untrusted certificate again; a post for its follower fails.
        broken.restart("broken.test.bad")
        ours.api("alice", "POST", "/api/v1/statuses", json={"status": "for broken.test while it is broken", "visibility": "public"})
        wait_for("`palisade admin peers` shows broken.test failing with tls",
                 lambda: any(l.startswith("broken.test") and "failing" in l and "tls" in l
                             for l in ours.peers_table().splitlines()) or fail("not yet"))
        preview = ours.api("admin", "GET", "/api/v1/admin/domain_blocks/preview",
                           params={"domain": "threads.test", "severity": "suspend"})
        r = story("adminSuspend", {
            "base": ours.base, "login": "admin", "password": PASSWORD, "peer": "broken.test", "reason": "^tls: ",
            "state": "failing", "suspend": "threads.test", "expectImpact": preview["impact"], "shots": SHOTS,
        }, work)
        log(f"the admin pages showed {r}")
        if r["restored"] != preview["impact"]["relationships"]:
            raise Fail(f"lifting restored {r['restored']} relationships, the suspension severed {preview['impact']['relationships']}")
        blocks = ours.api("admin", "GET", "/api/v1/admin/domain_blocks")
        if any(b["domain"] == "threads.test" for b in blocks):
            raise Fail(f"threads.test is still blocked: {short(blocks)}")
        broken.restart("broken.test")
        ours.cli("admin", "peer", "broken.test", "--retry-now")
    C.run("14c in the browser, the admin's peers dashboard shows broken.test failing with its tls reason; the "
          "suspension preview of threads.test equals the API's; suspend, then lift within the grace period "
          "restores every severed relationship", c14c)
