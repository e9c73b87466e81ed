"""Checks 15a-15f: media across the boundary, and the promise behind it: no member's address
ever reaches another server. Fresh members (milo, mona on ours.test; penny, vera on peer.test)
so that they depend on nothing earlier."""
import calendar
import struct
import time
import zlib

import requests
from requests.adapters import HTTPAdapter

from harness import CA, Fail, as_list, log, marker, oid, short, wait_for
from scenarios_web import PASSWORD, story

MEDIA_MEMBERS = ("milo", "mona")
MEDIA_PEER_USERS = ("penny", "vera")
# The member's device: its own address in the namespace, never the instance's.
CLIENT_IP = "127.0.0.9"


def png(width, height, seed=0):
    """A PNG made here (a gradient), as a phone would upload one."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    rows = b"".join(b"\0" + b"".join(bytes(((x * 4 + seed) & 255, (y * 5) & 255, 128)) for x in range(width))
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


class SourceAddress(HTTPAdapter):
    """Connections leave from `ip` (the member's device), not from the default address."""
    def __init__(self, ip):
        self.ip = ip
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.ip, 0)
        super().init_poolmanager(*args, **kwargs)


def client_session():
    s = requests.Session()
    s.trust_env = False
    s.verify = CA
    s.mount("https://", SourceAddress(CLIENT_IP))
    return s


def media_checks(C, ours, peer, work):
    S = C.state
    MILO = f"{ours.base}/users/milo"
    client = client_session()

    def access(path):
        return peer.call("GET", "access-log", {"path": path})

    # ---- 15a. our attachments reach the peer with their fields ----------------------------
    def c15a():
        # penny's profile has an icon before ours.test first fetches her (her Follow).
        peer.call("POST", "profile", body={"as": "penny", "icon": True})
        peer.call("POST", "follow", {"target": "acct:milo@ours.test", "as": "penny"})
        wait_for("penny@peer.test's follow of milo is accepted",
                 lambda: peer.call("GET", "following", {"as": "penny"}).get(MILO) == "accepted")
        up = ours.api("milo", "POST", "/api/v2/media",
                      files={"file": ("card.png", png(160, 90), "image/png")},
                      data={"description": "a test card", "focus": "0.5,-0.25"})
        text = marker("with a picture")
        s = ours.api("milo", "POST", "/api/v1/statuses",
                     json={"status": text, "media_ids": [up["id"]], "visibility": "public"})
        act = wait_for("peer.test receives the Create",
                       lambda: peer.find("Create", lambda a: oid(a["object"]) == s["uri"]))
        docs = as_list(act["object"].get("attachment"))
        problems = []
        d = docs[0] if docs else {}
        if len(docs) != 1 or d.get("type") != "Document":
            problems.append(f"attachment {short(docs, 300)}")
        if d.get("mediaType") != "image/png":
            problems.append(f"mediaType {d.get('mediaType')!r}")
        if not str(oid(d.get("url")) or "").startswith(f"{ours.base}/system/media/"):
            problems.append(f"url {d.get('url')!r}")
        if d.get("name") != "a test card":
            problems.append(f"name {d.get('name')!r}")
        if (d.get("width"), d.get("height")) != (160, 90):
            problems.append(f"size {d.get('width')}x{d.get('height')}")
        # Fedify's vocabulary has no blurhash or focalPoint: read what we sent from the wire.
        raw = [a for a in peer.call("GET", "received-raw") if oid(a.get("object")) == s["uri"]]
        sent = as_list((raw[-1]["object"] if raw else {}).get("attachment"))
        if not sent or sent[0].get("blurhash") != up.get("blurhash") or not sent[0].get("blurhash"):
            problems.append(f"blurhash sent {short(sent, 200)} (entity {up.get('blurhash')!r})")
        if sent and sent[0].get("focalPoint") != [0.5, -0.25]:
            problems.append(f"focalPoint {sent[0].get('focalPoint')!r}")
        if problems:
            raise Fail("; ".join(problems))
    C.run("15a milo posts a picture; the peer receives a Document with mediaType, our url, the alt text "
          "as name, width/height, and (on the wire) blurhash and focalPoint", c15a)

    # ---- 15b. a peer's picture appears for a member, at our own URL -----------------------
    def c15b():
        acct = ours.resolve("mona", "@penny@peer.test")
        ours.api("mona", "POST", f"/api/v1/accounts/{acct['id']}/follow")
        wait_for("mona follows penny@peer.test",
                 lambda: ours.relationship("mona", acct["id"])["following"])
        text = marker("a peer picture")
        posted = peer.call("POST", "post", body={"as": "penny", "content": text,
                                                 "image": "pic", "alt": "a peer picture"})
        S["peer_text"] = text
        s = wait_for("penny's post reaches mona's home", lambda: ours.in_home("mona", posted["id"]))
        m = (s.get("media_attachments") or [{}])[0]
        proxy = f"{ours.base}/system/proxy/"
        problems = []
        for key in ("url", "preview_url"):
            if not str(m.get(key) or "").startswith(proxy):
                problems.append(f"{key} {m.get(key)!r}")
        if m.get("remote_url") is not None:
            problems.append(f"remote_url {m.get('remote_url')!r} (shown by default)")
        if m.get("description") != "a peer picture" or m.get("type") != "image":
            problems.append(f"type {m.get('type')!r} description {m.get('description')!r}")
        avatar = wait_for("penny's avatar is served by ours.test",
                          lambda: (a := ours.api("mona", "GET", f"/api/v1/accounts/{acct['id']}"))["avatar"]
                          .startswith(proxy) and a["avatar"])
        if problems:
            raise Fail("; ".join(problems))
        S["peer_media"] = [m["url"], m["preview_url"], avatar]
    C.run("15b penny@peer.test posts a picture; mona sees it (and penny's avatar) at ours.test URLs, "
          "remote_url null", c15b)

    # ---- 15c. every request for those files comes from the instance ------------------------
    def c15c():
        urls = C.need("peer_media")
        # Control: the peer's log does see the client's address when the client asks it.
        peer.call("POST", "page", body={"path": "/media/control.png", "type": "image/png", "html": ""})
        client.get(f"{peer.base}/media/control.png", timeout=10)
        seen = {e["ip"] for e in access("/media/control.png")}
        if not any(ip.endswith(CLIENT_IP) for ip in seen):
            raise Fail(f"the control request from {CLIENT_IP} was logged from {seen}")
        for url in urls:
            r = client.get(url, timeout=30)
            if r.status_code != 200 or not r.headers.get("content-type", "").startswith("image/"):
                raise Fail(f"mona's client GET {url}: {r.status_code} {r.headers.get('content-type')}")
        problems = []
        for path in ("/media/pic.png", "/media/avatar-penny.png"):
            entries = access(path)
            if not entries:
                problems.append(f"nobody fetched {path}")
            for e in entries:
                if e["ip"].endswith(CLIENT_IP) or not (e.get("userAgent") or "").startswith("Palisade/"):
                    problems.append(f"{path} fetched from {e['ip']} by {e.get('userAgent')!r}")
        if problems:
            raise Fail("; ".join(problems))
    C.run(f"15c mona's client ({CLIENT_IP}) loads the picture, thumbnail and avatar from ours.test; the "
          "peer's access log shows every request for them from Palisade, none from the client", c15c)

    # ---- 15d. the same in a real browser: mona's pages load them from ours.test only ------
    def c15d():
        text = C.need("peer_text")
        seen = story("peerPicture", {"base": ours.base, "login": "mona", "password": PASSWORD,
                                     "text": text, "alt": "a peer picture"}, work)
        log(f"mona's home showed {seen}")
    C.run("15d in the browser, mona's home shows penny's picture (alt text, description on demand) and "
          "avatar from ours.test's /system/proxy; every request the pages made went to ours.test", c15d)

    # ---- 15e. reject_media: nothing fetched, nothing shown ----------------------------------
    def c15e():
        old_url = C.need("peer_media")[0]
        block = ours.api("admin", "POST", "/api/v1/admin/domain_blocks",
                         data={"domain": "peer.test", "severity": "noop", "reject_media": "true"})
        try:
            wait_for("the old picture is no longer served",
                     lambda: client.get(old_url, timeout=10).status_code == 404)
            posted = peer.call("POST", "post", body={"as": "penny", "content": marker("rejected picture"),
                                                     "image": "pic2"})
            s = wait_for("the post (without its picture) reaches mona",
                         lambda: ours.in_home("mona", posted["id"]))
            if s.get("media_attachments"):
                raise Fail(f"media shown: {short(s['media_attachments'], 300)}")
            time.sleep(3)
            if access("/media/pic2.png"):
                raise Fail(f"ours.test fetched it anyway: {access('/media/pic2.png')}")
        finally:
            ours.api("admin", "DELETE", f"/api/v1/admin/domain_blocks/{block['id']}")
    C.run("15e with reject_media for peer.test, a new picture is neither fetched (3 s, the peer's "
          "access log) nor shown, and the cached one answers 404; the block is lifted after", c15e)

    # ---- 15f. verified links: our own check, never the peer's claim -------------------------
    def c15f():
        vera = peer.user_actor("vera")
        peer.call("POST", "page", body={"path": "/pages/vera", "html":
                                   f'<html><body><a rel="me nofollow" href="{vera}">my profile</a></body></html>'})
        peer.call("POST", "page", body={"path": "/pages/nope", "html": "<html><body>no link back</body></html>"})
        peer.call("POST", "profile", body={"as": "vera", "claimVerified": True, "fields": [
            {"name": "Site", "value": f'<a href="{peer.base}/pages/vera">peer.test/pages/vera</a>'},
            {"name": "Other", "value": f'<a href="{peer.base}/pages/nope">peer.test/pages/nope</a>'},
        ]})
        acct = ours.resolve("mona", "@vera@peer.test")
        fields = wait_for("ours.test marks vera's first link verified",
                          lambda: (f := ours.api("mona", "GET", f"/api/v1/accounts/{acct['id']}")["fields"])
                          and f[0].get("verified_at") and f)
        problems = []
        if fields[1].get("verified_at") is not None:
            problems.append(f"the second link is marked ({fields[1]['verified_at']}) though its page does "
                            "not link back (the peer claims it is verified)")
        checks = [e for e in access("/pages/vera") if (e.get("userAgent") or "").startswith("Palisade/")]
        if not checks:
            problems.append("no fetch of /pages/vera by Palisade in the peer's log")
        elif not access("/pages/nope"):
            problems.append("/pages/nope was never checked")
        else:
            marked = calendar.timegm(time.strptime(fields[0]["verified_at"][:19], "%Y-%m-%dT%H:%M:%S"))
            if marked * 1000 < checks[0]["at"] - 1000:
                problems.append(f"marked at {fields[0]['verified_at']}, before our fetch ({checks[0]['at']})")
        if problems:
            raise Fail("; ".join(problems))
    C.run("15f vera@peer.test's link whose page has rel=me is marked after ours.test fetched it itself; "
          "the one whose page does not link back stays unverified despite the peer's claim", c15f)
