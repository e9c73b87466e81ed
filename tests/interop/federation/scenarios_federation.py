"""Checks 1-10: follows, posts, replies, likes, edits, profile, blocks, restart, bad certificate, health."""
import json
import re

import requests

from harness import AS_PUBLIC, ANSI, Fail, as_list, fail, log, marker, oid, short, wait_for


def describe_answer(instance, kind, actor):
    """How the last Accept/Reject from `actor` that reached `instance` embeds the Follow."""
    answers = instance.received_activities(kind, actor)
    if not answers:
        return f"no {kind} from {actor} was POSTed to {instance.host}"
    inner = answers[-1].get("object")
    if isinstance(inner, dict):
        follower = inner.get("actor")
        shape = (f"object = embedded {inner.get('type')} {inner.get('id')} whose actor is "
                 + (f"an embedded {follower.get('type')} object (id {follower.get('id')})"
                    if isinstance(follower, dict) else repr(follower)))
    else:
        shape = f"object = {inner!r}"
    return f"the peer's {kind} {answers[-1].get('id')} was POSTed to {instance.host} ({len(answers)} seen): {shape}"


def federation_checks(C, ours, other, peer, broken):
    """Checks 1a-9c: ours.test against peer.test, other.test and broken.test."""
    S = C.state
    ALICE = f"{ours.base}/users/alice"
    CAROL = f"{ours.base}/users/carol"

    # ---- 1. follow both ways ------------------------------------------------------------
    def c1a():
        acct = ours.resolve("alice", "@alice@peer.test")
        S["peer_id"] = acct["id"]
        ours.api("alice", "POST", f"/api/v1/accounts/{acct['id']}/follow")
        peer_follow = wait_for("peer.test receives alice's Follow",
                               lambda: peer.find("Follow", lambda a: oid(a["actor"]) == ALICE))
        if oid(peer_follow["object"]) != peer.actor:
            raise Fail(f"Follow object is {peer_follow['object']}")
        wait_for("peer.test lists ours alice as a follower",
                 lambda: ALICE in peer.call("GET", "followers"))
        try:
            wait_for("the relationship shows following=true after the peer's Accept",
                     lambda: (r := ours.relationship("alice", acct["id"]))["following"]
                     or fail(f"relationship following={r['following']} requested={r['requested']}"))
        except Fail as e:
            raise Fail(f"{e}; {describe_answer(ours, 'Accept', peer.actor)}") from None
    C.run("1a ours alice follows alice@peer.test; the peer auto-accepts; relationship following=true", c1a)

    def c1b():
        peer.call("POST", "follow", {"target": "acct:alice@ours.test"})
        wait_for("peer.test receives the Accept from ours alice",
                 lambda: peer.find("Accept", lambda a: oid(a["actor"]) == ALICE))
        wait_for("peer.test's follow of ours alice is accepted",
                 lambda: peer.call("GET", "following").get(ALICE) == "accepted")
        pid = C.need("peer_id")
        wait_for("ours shows alice@peer.test following alice",
                 lambda: ours.relationship("alice", pid)["followed_by"])
    C.run("1b alice@peer.test follows ours alice; Palisade auto-accepts; the peer receives Accept", c1b)

    def c1c():
        r = ours.api("carol", "PATCH", "/api/v1/accounts/update_credentials", data={"locked": "true"})
        if not r.get("locked"):
            raise Fail(f"update_credentials locked=true answered locked={r.get('locked')}")
        peer.call("POST", "follow", {"target": "acct:carol@ours.test"})
        if peer.call("GET", "following").get(CAROL) not in ("pending",):
            raise Fail(f"the peer's follow of carol is {peer.call('GET', 'following').get(CAROL)} before approval")
        req = wait_for("carol sees alice@peer.test's follow request",
                       lambda: [a for a in ours.api("carol", "GET", "/api/v1/follow_requests")
                                if a.get("acct") == "alice@peer.test"])
        ours.api("carol", "POST", f"/api/v1/follow_requests/{req[0]['id']}/authorize")
        wait_for("peer.test receives the Accept from carol",
                 lambda: peer.find("Accept", lambda a: oid(a["actor"]) == CAROL))
        wait_for("peer.test's follow of carol is accepted",
                 lambda: peer.call("GET", "following").get(CAROL) == "accepted")
    C.run("1c locked carol approves alice@peer.test's follow request; the peer receives the Accept", c1c)

    def c1d():
        acct = ours.resolve("carol", "@alice@peer.test")
        peer.call("POST", "follow-policy", {"mode": "reject"})
        try:
            ours.api("carol", "POST", f"/api/v1/accounts/{acct['id']}/follow")
            wait_for("peer.test receives carol's Follow",
                     lambda: peer.find("Follow", lambda a: oid(a["actor"]) == CAROL))
        finally:
            peer.call("POST", "follow-policy", {"mode": "accept"})
        try:
            wait_for("carol's follow request is gone after the peer's Reject",
                     lambda: not (r := ours.relationship("carol", acct["id"]))["requested"] and not r["following"]
                     or fail(f"relationship following={r['following']} requested={r['requested']}"))
        except Fail as e:
            raise Fail(f"{e}; {describe_answer(ours, 'Reject', peer.actor)}") from None
    C.run("1d the peer rejects carol's follow; after its Reject the request is gone (requested=false)", c1d)

    # ---- 2. posts ----------------------------------------------------------------------------
    def c2a():
        acct = other.resolve("bob", "@alice@ours.test")
        S["other_alice_id"] = acct["id"]
        other.api("bob", "POST", f"/api/v1/accounts/{acct['id']}/follow")
        wait_for("bob@other.test follows alice@ours.test (following=true)",
                 lambda: (r := other.relationship("bob", acct["id"]))["following"] or fail(short(r, 300)))
    C.run("2a bob@other.test follows alice@ours.test (Palisade to Palisade)", c2a)

    def c2b():
        text = marker("hello from palisade")
        s = ours.api("alice", "POST", "/api/v1/statuses", json={"status": text, "visibility": "public"})
        S["post"] = s
        act = wait_for("peer.test receives the Create",
                       lambda: peer.find("Create", lambda a: oid(a["object"]) == s["uri"]))
        o = act["object"]
        problems = []
        if text not in (o.get("content") or ""):
            problems.append(f"content {o.get('content')!r}")
        if not any(x in AS_PUBLIC for x in as_list(act.get("to"))):
            problems.append(f"to {act.get('to')!r}")
        if f"{ALICE}/followers" not in as_list(act.get("cc")):
            problems.append(f"cc {act.get('cc')!r}")
        if oid(act.get("actor")) != ALICE or oid(o.get("attributedTo")) != ALICE:
            problems.append(f"actor {act.get('actor')!r} attributedTo {o.get('attributedTo')!r}")
        if problems:
            raise Fail("Create received but " + "; ".join(problems) + f": {short(act)}")
    C.run("2b ours alice's public post reaches peer.test as Create (content, to Public, cc followers)", c2b)

    def c2c():
        s = C.need("post")
        wait_for("the post is in bob@other.test's home timeline",
                 lambda: other.in_home("bob", s["uri"]))
    C.run("2c the same post reaches bob@other.test's home timeline", c2c)

    def c2d():
        text = marker("hello from the peer")
        note = peer.call("POST", "post", body={"content": text})
        if ALICE not in note["delivered"]:
            raise Fail(f"the peer delivered to {note['delivered']} (ours alice is not a follower)")
        st = wait_for("ours.test stores the note", lambda: ours.known_status("alice", note["id"]))
        S["peer_note"], S["peer_note_local"] = note["id"], st["id"]
        if text not in st.get("content", ""):
            raise Fail(f"content {st.get('content')!r}")
        try:
            wait_for("the note is in ours alice's home timeline", lambda: ours.in_home("alice", note["id"]))
        except Fail as e:
            r = ours.relationship("alice", C.need("peer_id"))
            raise Fail(f"{e}; the note is stored (status {st['id']}), and ours alice's relationship to "
                       f"alice@peer.test is following={r['following']} requested={r['requested']}") from None
    C.run("2d a peer.test post reaches ours alice's home timeline", c2d)

    # ---- 3. replies ---------------------------------------------------------------------------
    def c3a():
        s = C.need("post")
        reply = peer.call("POST", "reply", body={"content": marker("a peer reply"), "inReplyTo": s["uri"]})
        S["peer_reply"] = reply["id"]

        def probe():
            ctx = ours.api("alice", "GET", f"/api/v1/statuses/{s['id']}/context")
            return [d for d in ctx["descendants"] if d.get("uri") == reply["id"]] or fail(
                f"descendants {[d.get('uri') for d in ctx['descendants']]}")
        wait_for("the reply is among the post's descendants", probe)
    C.run("3a peer.test replies to ours alice's post; the reply is in its context descendants", c3a)

    def c3b():
        parent, local = C.need("peer_note"), C.need("peer_note_local")
        text = marker("a palisade reply")
        s = ours.api("alice", "POST", "/api/v1/statuses",
                     json={"status": f"@alice@peer.test {text}", "visibility": "public", "in_reply_to_id": local})
        S["ours_reply"] = s
        act = wait_for("peer.test receives the reply",
                       lambda: peer.find("Create", lambda a: oid(a["object"]) == s["uri"]))
        if oid(act["object"].get("inReplyTo")) != parent:
            raise Fail(f"inReplyTo {act['object'].get('inReplyTo')!r}, expected {parent}: {short(act)}")
    C.run("3b ours alice replies to the peer's note; the peer receives Create with inReplyTo", c3b)

    # ---- 4. likes, boosts, mentions -----------------------------------------------------------
    def c4a():
        note, local = C.need("peer_note"), C.need("peer_note_local")
        ours.api("alice", "POST", f"/api/v1/statuses/{local}/favourite")
        wait_for("peer.test receives the Like",
                 lambda: peer.find("Like", lambda a: oid(a["object"]) == note and oid(a["actor"]) == ALICE))
    C.run("4a ours alice favourites the peer's note; the peer receives Like", c4a)

    def c4b():
        note, local = C.need("peer_note"), C.need("peer_note_local")
        ours.api("alice", "POST", f"/api/v1/statuses/{local}/reblog")
        wait_for("peer.test receives the Announce",
                 lambda: peer.find("Announce", lambda a: oid(a["object"]) == note and oid(a["actor"]) == ALICE))
    C.run("4b ours alice boosts the peer's note; the peer receives Announce", c4b)

    def c4c():
        s = C.need("post")
        peer.call("POST", "like", {"object": s["uri"]})
        wait_for("a favourite notification for ours alice",
                 lambda: ours.notification("alice", "favourite",
                                           lambda n: n["account"]["acct"] == "alice@peer.test"
                                           and n["status"]["id"] == s["id"]))
        wait_for("favourites_count 1", lambda: ours.api("alice", "GET", f"/api/v1/statuses/{s['id']}")["favourites_count"] >= 1)
    C.run("4c peer.test likes ours alice's post; Palisade notifies a favourite", c4c)

    def c4d():
        s = C.need("post")
        peer.call("POST", "announce", {"object": s["uri"]})
        wait_for("a reblog notification for ours alice",
                 lambda: ours.notification("alice", "reblog",
                                           lambda n: n["account"]["acct"] == "alice@peer.test"
                                           and n["status"]["id"] == s["id"]))
        wait_for("reblogs_count 1", lambda: ours.api("alice", "GET", f"/api/v1/statuses/{s['id']}")["reblogs_count"] >= 1)
    C.run("4d peer.test boosts ours alice's post; Palisade notifies a reblog", c4d)

    def c4e():
        text = marker("hey alice")
        note = peer.call("POST", "post", body={"content": text, "mention": "acct:alice@ours.test"})
        n = wait_for("a mention notification for ours alice",
                     lambda: ours.notification("alice", "mention", lambda n: n["status"]["uri"] == note["id"]))
        if text not in n["status"]["content"]:
            raise Fail(f"mention status content {n['status']['content']!r}")
    C.run("4e a mention from peer.test creates a mention notification for ours alice", c4e)

    # ---- 5. edit and delete -------------------------------------------------------------------
    def c5a():
        s = ours.api("alice", "POST", "/api/v1/statuses", json={"status": marker("before the edit"), "visibility": "public"})
        S["to_edit"] = s
        wait_for("peer.test receives the Create", lambda: peer.find("Create", lambda a: oid(a["object"]) == s["uri"]))
        text = marker("after the edit")
        ours.api("alice", "PUT", f"/api/v1/statuses/{s['id']}", json={"status": text})
        act = wait_for("peer.test receives the Update",
                       lambda: peer.find("Update", lambda a: oid(a["object"]) == s["uri"]))
        if text not in (act["object"].get("content") or ""):
            raise Fail(f"Update content {act['object'].get('content')!r}: {short(act)}")
    C.run("5a an edit of ours alice's post reaches peer.test as Update(Note) with the new content", c5a)

    def c5b():
        s = C.need("to_edit")
        ours.api("alice", "DELETE", f"/api/v1/statuses/{s['id']}")
        wait_for("peer.test receives the Delete",
                 lambda: peer.find("Delete", lambda a: oid(a["object"]) == s["uri"]))
    C.run("5b deleting ours alice's post reaches peer.test as Delete", c5b)

    def c5c():
        note = peer.call("POST", "post", body={"content": marker("soon deleted")})
        st = wait_for("ours.test stores the note", lambda: ours.known_status("alice", note["id"]))
        ours.api("alice", "GET", f"/api/v1/statuses/{st['id']}")
        peer.call("POST", "delete", {"object": note["id"]})

        def gone():
            r = ours.raw("alice", "GET", f"/api/v1/statuses/{st['id']}")
            if r.status_code == 404:
                return True
            raise Fail(f"GET /api/v1/statuses/{st['id']} still answers {r.status_code}")
        wait_for("the status is gone (404)", gone)
    C.run("5c peer.test deletes its note; Palisade's GET of the status answers 404", c5c)

    # ---- 6. profile update -------------------------------------------------------------------
    def c6():
        name = marker("Alice Palisade")
        r = ours.api("alice", "PATCH", "/api/v1/accounts/update_credentials", data={"display_name": name})
        if r.get("display_name") != name:
            raise Fail(f"update_credentials answered display_name={r.get('display_name')!r}")
        act = wait_for("peer.test receives Update(Person)",
                       lambda: peer.find("Update", lambda a: isinstance(a["object"], dict)
                                         and a["object"].get("id") == ALICE))
        if act["object"].get("type") != "Person" or act["object"].get("name") != name:
            raise Fail(f"Update object type={act['object'].get('type')!r} name={act['object'].get('name')!r}")
    C.run("6 a display_name change reaches peer.test as Update(Person)", c6)

    # ---- 7. unfollow and block ----------------------------------------------------------------
    def c7a():
        pid = C.need("peer_id")
        ours.api("alice", "POST", f"/api/v1/accounts/{pid}/unfollow")
        wait_for("peer.test receives Undo(Follow)",
                 lambda: peer.find("Undo", lambda a: oid(a["actor"]) == ALICE
                                   and isinstance(a["object"], dict) and a["object"].get("type") == "Follow"))
        wait_for("peer.test no longer lists ours alice as a follower",
                 lambda: ALICE not in peer.call("GET", "followers"))
        if ours.relationship("alice", pid)["following"]:
            raise Fail("relationship still following=true")
    C.run("7a ours alice unfollows alice@peer.test; the peer receives Undo(Follow)", c7a)

    def c7b():
        acct = ours.resolve("carol", "@alice@peer.test")
        ours.api("carol", "POST", f"/api/v1/accounts/{acct['id']}/block")
        act = wait_for("peer.test receives the Block",
                       lambda: peer.find("Block", lambda a: oid(a["actor"]) == CAROL))
        if oid(act["object"]) != peer.actor:
            raise Fail(f"Block object {act['object']!r}")
        wait_for("the peer drops its follow of carol", lambda: CAROL not in peer.call("GET", "following"))
        if not ours.relationship("carol", acct["id"])["blocking"]:
            raise Fail("relationship blocking=false")
    C.run("7b carol blocks alice@peer.test; the peer receives Block", c7b)

    # ---- 8. a peer restarts (kill -9) while posts are on their way ----------------------------
    def c8():
        C.need("other_alice_id")
        uris = []
        for i in range(30):
            if i == 10:
                other.kill9()
                log("other.test killed")
            s = ours.api("alice", "POST", "/api/v1/statuses",
                         json={"status": f"restart {i} {marker('r')}", "visibility": "public"})
            uris.append(s["uri"])
        wait_for("ours.test records a failed delivery to other.test",
                 lambda: [l for l in ours.peers_table().splitlines() if l.startswith("other.test")
                          and re.search(r"\b(failing|unavailable)\b", l)], timeout=60)
        other.start()
        other.wait_ready()
        ours.cli("admin", "peer", "other.test", "--retry-now")

        def probe():
            have = {s.get("uri") for s in other.home("bob", pages=4)}
            missing = [u for u in uris if u not in have]
            if missing:
                raise Fail(f"{len(missing)} of 30 missing, e.g. {missing[:3]}")
            return True
        wait_for("all 30 posts in bob@other.test's home timeline", probe, timeout=120)
    C.run("8 ours alice posts 30 statuses while other.test is killed (-9) and restarted; bob sees all 30", c8)

    # ---- 9. a peer with an untrusted certificate ----------------------------------------------
    def c9a():
        status, out = broken.ctl("POST", "follow", {"target": "acct:alice@ours.test"})
        if status == 200:
            raise Fail(f"Palisade accepted a Follow signed with a key it cannot fetch (TLS): {short(out)}")
        if "401" not in json.dumps(out):
            raise Fail(f"expected the inbox to answer 401; the peer says {short(out)}")
        log(f"broken.test's follow failed as expected: {short(out, 400)}")
    C.run("9a a Follow from broken.test (bad certificate: its key cannot be fetched) gets 401", c9a)

    def c9b():
        broken.restart("broken.test")
        broken.call("POST", "follow", {"target": "acct:alice@ours.test"})
        wait_for("broken.test's follow of ours alice is accepted",
                 lambda: broken.call("GET", "following").get(ALICE) == "accepted")
        broken.restart("broken.test.bad")
        uris = []
        for i in range(3):
            s = ours.api("alice", "POST", "/api/v1/statuses",
                         json={"status": f"while broken {i} {marker('b')}", "visibility": "public"})
            uris.append(s["uri"])
        S["broken_uris"] = uris

        def row():
            lines = [l for l in ours.peers_table().splitlines() if l.startswith("broken.test")]
            if not lines:
                raise Fail("broken.test is not listed by `palisade admin peers`")
            if not (re.search(r"\btls: ", lines[0]) and "certificate" in lines[0].lower()):
                raise Fail(f"row: {lines[0].strip()}")
            return lines[0]
        S["broken_row"] = wait_for("`palisade admin peers` shows a tls failure about the certificate", row)
        log(S["broken_row"])
    C.run("9b broken.test follows ours alice, then serves a bad certificate; alice posts; "
          "`palisade admin peers` shows broken.test with a tls certificate failure", c9b)

    def c9c():
        uris = C.need("broken_uris")
        broken.restart("broken.test")
        ours.cli("admin", "peer", "broken.test", "--retry-now")

        def probe():
            got = {oid(a.get("object")) for a in broken.received() if a.get("type") == "Create"}
            missing = [u for u in uris if u not in got]
            if missing:
                raise Fail(f"missing {missing}")
            return True
        wait_for("broken.test receives every post queued meanwhile", probe, timeout=60)
    C.run("9c broken.test serves a good certificate again; after --retry-now it receives every queued post", c9c)


def health_checks(C, ours, peers, instances):
    """Checks 10a, 10c, 10b (in that order), run after every other group."""

    def c10():
        rejected = [r for x in peers for r in x.call("GET", "rejected")]
        errors = [e for x in peers for e in x.call("GET", "errors")]
        if rejected or errors:
            raise Fail(f"rejected {short(rejected, 500)}; errors {short(errors, 500)}")
    C.run("10a the peers refused no delivery from Palisade and had no listener errors", c10)

    def c10c():
        def software():
            out = ours.cli("admin", "peer", "peer.test")
            line = next((l for l in out.splitlines() if l.startswith("software:")), "")
            if "fedify-test-peer 2.3.6" not in line:
                raise Fail(f"peer.test: {line.strip() or 'no software line'}")
            return line.strip()
        log(wait_for("`palisade admin peer peer.test` shows the software its NodeInfo names", software))

        def metric():
            text = requests.get(f"http://127.0.0.1:{ours.port + 1000}/metrics", timeout=5).text
            m = re.search(r'^palisade_peer_deliveries_total\{peer="broken\.test",result="failed",'
                          r'class="tls"\} (\d+)$', text, re.M)
            if not m or int(m.group(1)) < 1:
                raise Fail("/metrics counts no tls failure for broken.test")
            return m.group(0)
        log(wait_for("Prometheus /metrics counts broken.test's certificate failures", metric))
    C.run("10c peer.test's software comes from its NodeInfo (`palisade admin peer`); the metrics "
          "listener counts broken.test's deliveries that failed with class tls", c10c)

    def c10b():
        problems = []
        for p in instances:
            if not p.running():
                problems.append(f"{p.host} is not running")
            text = ANSI.sub("", p.log.read_text(errors="replace"))
            for line in text.splitlines():
                if "failed for good" in line or "panicked" in line:
                    problems.append(f"{p.host}: {line.strip()[:300]}")
        if problems:
            raise Fail("; ".join(problems[:6]))
    C.run("10b every Palisade (ours, other, secure) is running; no job failed for good, no panic", c10b)
