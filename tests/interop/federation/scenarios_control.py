"""Checks 11-12 (federation control): a member's domain block, the instance's policies for threads.test."""
import json
import time
import uuid

from harness import Fail, fail, log, marker, oid, short, wait_for


# threads.test's actors (the first, alice, never meets ours.test).
THREADS_USERS = ("alice", "tom", "tia", "uma", "vic", "wes")
# ours.test members of these scenarios: mia blocks threads.test, ned does not; ola and pia
# meet the instance policies.
CONTROL_MEMBERS = ("mia", "ned", "ola", "pia")
SETTLE = 3.0  # seconds to wait before saying something did NOT arrive


def with_uri(statuses, uri):
    """The statuses (or boosts) among `statuses` that show `uri`."""
    return [s for s in statuses if s.get("uri") == uri or (s.get("reblog") or {}).get("uri") == uri]


def control_checks(C, ours, peer, threads):
    """Checks 11a-11i (mia's domain block) and 12a-12l (silence, suspend, lift), in that order."""
    S = C.state
    T = threads.user_actor
    O = lambda name: f"{ours.base}/users/{name}"  # noqa: E731
    TAG = f"fedctl{uuid.uuid4().hex[:6]}"
    tid = S.setdefault("threads_ids", {})     # threads.test account -> its id at ours.test
    notes = S.setdefault("threads_notes", [])  # every note a threads.test account posted
    fids = S.setdefault("follow_ids", {})      # (threads.test account, member) -> id of its Follow

    def account_id(name):
        if name not in tid:
            tid[name] = ours.resolve("admin", f"@{name}@threads.test")["id"]
        return tid[name]

    def follow_there(member, name, host="threads.test"):
        """`member` of ours follows NAME@host; waits for following=true."""
        acct = ours.resolve(member, f"@{name}@{host}")
        if host == "threads.test":
            tid[name] = acct["id"]
        ours.api(member, "POST", f"/api/v1/accounts/{acct['id']}/follow")
        wait_for(f"{member}@ours.test follows {name}@{host} (following=true)",
                 lambda: (r := ours.relationship(member, acct["id"]))["following"]
                 or fail(f"relationship {short(r, 300)}"))
        return acct["id"]

    def follows_here(name, member, who=threads):
        """NAME@threads.test (or `who`) follows `member` of ours; waits for the Accept."""
        out = who.call("POST", "follow", {"as": name, "target": f"acct:{member}@ours.test"})
        fids[(name, member)] = out["id"]
        wait_for(f"{name}@{who.host}'s follow of {member}@ours.test is accepted",
                 lambda: (st := who.call("GET", "following", {"as": name}).get(O(member))) == "accepted"
                 or fail(f"state {st!r}"))
        return out["id"]

    def post(name, text, **body):
        note = threads.call("POST", "post", body={"as": name, "content": text, **body})
        notes.append(note["id"])
        return note

    def places(member, uri):
        """Where `uri` shows for `member`: home, a notification, federated and hashtag timelines."""
        return {
            "home": bool(with_uri(ours.home(member), uri)),
            "notifications": any((n.get("status") or {}).get("uri") == uri for n in ours.notifications(member)),
            "public timeline": bool(with_uri(ours.public(member), uri)),
            f"#{TAG} timeline": bool(with_uri(ours.tag_timeline(member, TAG), uri)),
        }

    def shows_everywhere(member, uri):
        seen = places(member, uri)
        missing = [k for k, v in seen.items() if not v]
        return True if not missing else fail(f"{member}@ours.test lacks it in: {', '.join(missing)}")

    def undo_of_follow(member, name):
        return lambda a: (oid(a["actor"]) == O(member) and isinstance(a["object"], dict)
                          and a["object"].get("type") == "Follow" and oid(a["object"].get("object")) == T(name))

    def reject_of_follow(member, name):
        follow_id = fids.get((name, member))

        def pred(a):
            o = a["object"]
            if oid(a["actor"]) != O(member):
                return False
            if isinstance(o, dict):
                return oid(o.get("actor")) == T(name) or (follow_id and o.get("id") == follow_id)
            return follow_id is not None and o == follow_id
        return pred

    def threads_ties():
        """Follows between ours.test and threads.test as threads.test sees them: {(follower, followed)}."""
        ties = set()
        for name in THREADS_USERS:
            for f in threads.call("GET", "followers", {"as": name}):
                if f.startswith(f"{ours.base}/"):
                    ties.add((f, T(name)))
            for target, state in threads.call("GET", "following", {"as": name}).items():
                if state == "accepted" and target.startswith(f"{ours.base}/"):
                    ties.add((T(name), target))
        return ties

    def ours_ties():
        """The same, as ours.test's relationships API shows them (every member against every
        threads.test account it knows)."""
        ties = set()
        ids = {n: account_id(n) for n in THREADS_USERS[1:]}
        for member in CONTROL_MEMBERS:
            rels = ours.api(member, "GET", "/api/v1/accounts/relationships",
                            params={"id[]": list(ids.values())})
            by_id = {r["id"]: r for r in rels}
            for name, i in ids.items():
                r = by_id.get(i, {})
                if r.get("following"):
                    ties.add((O(member), T(name)))
                if r.get("followed_by"):
                    ties.add((T(name), O(member)))
        return ties

    # ---- 11. a member blocks a whole domain -----------------------------------------------------
    def c11a():
        follow_there("mia", "tom")
        follow_there("mia", "tia")
        follow_there("ned", "tom")
        for member in ("mia", "ned"):
            follow_there(member, "pat", host="peer.test")
            ours.api(member, "POST", f"/api/v1/tags/{TAG}/follow")
        follows_here("tom", "mia")
        # A request that stays pending: uma does not answer.
        threads.call("POST", "follow-policy", {"mode": "ignore"})
        try:
            uma = ours.resolve("mia", "@uma@threads.test")
            tid["uma"] = uma["id"]
            ours.api("mia", "POST", f"/api/v1/accounts/{uma['id']}/follow")
            wait_for("threads.test receives mia's Follow of uma",
                     lambda: threads.find("Follow", lambda a: oid(a["actor"]) == O("mia") and oid(a["object"]) == T("uma")))
        finally:
            threads.call("POST", "follow-policy", {"mode": "accept"})
        r = ours.relationship("mia", tid["uma"])
        if not r["requested"] or r["following"]:
            raise Fail(f"mia's follow of uma should be a pending request: {short(r, 300)}")
        for name, want in (("tom", {O("mia"), O("ned")}), ("tia", {O("mia")}), ("uma", set())):
            have = set(threads.call("GET", "followers", {"as": name}))
            if have != want:
                raise Fail(f"threads.test lists {name}'s followers as {sorted(have)}, expected {sorted(want)}")
        S["c11_ties"] = True
    C.run("11a mia and ned@ours.test tie themselves to threads.test (mia follows tom and tia and asks uma, "
          "tom follows mia, ned follows tom; both follow pat@peer.test and a hashtag)", c11a)

    def c11b():
        C.need("c11_ties")
        note = post("tom", marker("before the block"), mention=["acct:mia@ours.test", "acct:ned@ours.test"], hashtags=[TAG])
        S["pre_block_note"] = note["id"]
        for member in ("mia", "ned"):
            wait_for(f"tom's post reaches {member}", lambda: shows_everywhere(member, note["id"]))
    C.run("11b before any block, tom@threads.test's post (mentions, hashtag) reaches mia and ned: "
          "home, mention notification, federated and hashtag timelines", c11b)

    def c11c():
        C.need("c11_ties")
        got = ours.api("mia", "GET", "/api/v1/domain_blocks/preview", params={"domain": "threads.test"})
        ties = threads_ties()
        real = {"following_count": len({b for a, b in ties if a == O("mia")}),
                "followers_count": len({a for a, b in ties if b == O("mia")})}
        if real != {"following_count": 2, "followers_count": 1}:
            raise Fail(f"threads.test's view of mia's ties is {real} (expected 2 and 1): {sorted(ties)}")
        if got != real:
            raise Fail(f"preview answered {got}, the real ties are {real} (uma's pending request is not a follow)")
        ned = ours.api("ned", "GET", "/api/v1/domain_blocks/preview", params={"domain": "threads.test"})
        if ned != {"following_count": 1, "followers_count": 0}:
            raise Fail(f"ned's preview answered {ned}, expected following 1, followers 0")
    C.run("11c mia's block preview counts her real ties there: following 2, followers 1 (ned's: 1, 0)", c11c)

    def c11d():
        C.need("c11_ties")
        r = ours.api("mia", "POST", "/api/v1/domain_blocks", data={"domain": "threads.test"})
        if r != {}:
            raise Fail(f"POST /api/v1/domain_blocks answered {short(r)}")
        S["mia_blocks"] = True
        for name in ("tom", "tia", "uma"):
            wait_for(f"threads.test receives mia's Undo(Follow) of {name}",
                     lambda: threads.find("Undo", undo_of_follow("mia", name)))
        wait_for("threads.test receives mia's Reject of tom's Follow",
                 lambda: threads.find("Reject", reject_of_follow("mia", "tom")))
        wait_for("tom's follow of mia is rejected on threads.test",
                 lambda: threads.call("GET", "following", {"as": "tom"}).get(O("mia")) == "rejected")
        for name, want in (("tom", [O("ned")]), ("tia", [])):
            have = threads.call("GET", "followers", {"as": name})
            if have != want:
                raise Fail(f"threads.test lists {name}'s followers as {have}, expected {want}")
        blocks = [a for a in threads.received() if a.get("type") == "Block" and oid(a.get("actor")) == O("mia")]
        if blocks:
            raise Fail(f"the domain block itself was sent to threads.test: {short(blocks[0])}")
    C.run("11d mia blocks threads.test: the peer receives Undo(Follow) for tom, tia and the request to uma, "
          "Reject(Follow) for tom; ned's follow stays; no Block is sent", c11d)

    def c11e():
        C.need("mia_blocks")
        r = ours.relationship("mia", tid["tom"])
        if r["following"] or r["followed_by"] or not r.get("domain_blocking"):
            raise Fail(f"mia's relationship to tom: {short(r, 400)}")
        if ours.relationship("mia", tid["uma"])["requested"]:
            raise Fail("mia's request to uma is still pending")
        n = wait_for("a severed_relationships notification for mia",
                     lambda: ours.notification("mia", "severed_relationships", lambda n: True))
        ev = n.get("event") or {}
        want = {"type": "user_domain_block", "target_name": "threads.test", "following_count": 2, "followers_count": 1}
        if {k: ev.get(k) for k in want} != want:
            raise Fail(f"notification event {short(ev, 400)}, expected {want}")
        sev = ours.api("mia", "GET", "/api/v1/severed_relationships")
        if not sev or {k: sev[0].get(k) for k in want} != want:
            raise Fail(f"/api/v1/severed_relationships: {short(sev, 400)}")
        if ours.api("mia", "GET", "/api/v1/domain_blocks") != ["threads.test"]:
            raise Fail(f"/api/v1/domain_blocks: {ours.api('mia', 'GET', '/api/v1/domain_blocks')}")
        old = C.need("pre_block_note")
        left = {k: v for k, v in places("mia", old).items() if v}
        if left:
            raise Fail(f"tom's earlier post is still in mia's {', '.join(left)}")
        shows_everywhere("ned", old)
    C.run("11e mia's side: following/followed_by false, domain_blocking true; a severed_relationships "
          "notification and event (user_domain_block, 2 following, 1 follower); tom's earlier post and "
          "mention are gone for mia, not for ned", c11e)

    def c11f():
        C.need("mia_blocks")
        note = post("tom", marker("during the block"), mention=["acct:mia@ours.test", "acct:ned@ours.test"], hashtags=[TAG])
        if O("ned") not in note["delivered"] or O("mia") not in note["delivered"]:
            raise Fail(f"threads.test delivered to {note['delivered']}")
        wait_for("the post reaches ned everywhere", lambda: shows_everywhere("ned", note["id"]))
        seen = {k: v for k, v in places("mia", note["id"]).items() if v}
        if seen:
            raise Fail(f"a threads.test post reached mia, who blocks the domain, in: {', '.join(seen)}")
    C.run("11f during the block, tom's post mentioning mia and ned with the followed hashtag reaches ned "
          "(home, notification, timelines) and none of mia's", c11f)

    def c11g():
        C.need("mia_blocks")
        note = post("uma", marker("boost me"))
        if note["delivered"]:
            raise Fail(f"uma's post was delivered to {note['delivered']} (she has no followers)")
        boost = peer.call("POST", "announce", {"as": "pat", "object": note["id"]})
        if not {O("mia"), O("ned")} <= set(boost["delivered"]):
            raise Fail(f"pat's Announce went to {boost['delivered']}")
        wait_for("pat's boost of uma's post is in ned's home",
                 lambda: with_uri(ours.home("ned"), note["id"]) or fail("not yet"))
        if with_uri(ours.home("mia"), note["id"]):
            raise Fail("pat's boost of a threads.test post is in the home timeline of mia, who blocks threads.test")
        if with_uri(ours.public("mia"), note["id"]):
            raise Fail("uma's post is in mia's federated timeline")
    C.run("11g pat@peer.test (followed by both) boosts a threads.test post: in ned's home, not in mia's", c11g)

    def c11h():
        C.need("mia_blocks")
        tia = C.need("threads_ids")["tia"]
        threads.call("POST", "follow", {"as": "tia", "target": "acct:mia@ours.test"})

        def answered():
            st = threads.call("GET", "following", {"as": "tia"}).get(O("mia"))
            return st if st in ("accepted", "rejected") else fail(f"tia's follow of mia is {st!r}")
        try:
            state = wait_for("Palisade answers tia's Follow of mia", answered, timeout=8)
        except Fail as e:
            state = f"unanswered ({e})"
        followed_by = ours.relationship("mia", tia)["followed_by"]
        if state != "rejected" or followed_by:
            acc = [a for a in threads.received() if a.get("type") == "Accept" and oid(a.get("actor")) == O("mia")]
            leak = ""
            if followed_by:
                # What the tie means: mia's posts now go to threads.test.
                s = ours.api("mia", "POST", "/api/v1/statuses", json={"status": marker("leak probe"), "visibility": "public"})
                try:
                    wait_for("threads.test receives mia's post", lambda: threads.find(
                        "Create", lambda a: oid(a["object"]) == s["uri"]), timeout=SETTLE)
                    leak = "; mia's next public post was then delivered to threads.test"
                except Fail:
                    leak = "; mia's next public post was not delivered to threads.test"
            if state == "accepted":
                # Undo it so that what follows does not depend on this outcome.
                threads.call("POST", "unfollow", {"as": "tia", "target": "acct:mia@ours.test"})
            raise Fail(f"a Follow from tia@threads.test to mia, who blocks threads.test, was {state} "
                       f"(mia followed_by={followed_by}); expected a Reject(Follow) as Mastodon sends{leak}"
                       + (f"; threads.test received Accept {acc[-1].get('id')} of Follow "
                          f"{oid(acc[-1].get('object'))}" if acc else ""))
    C.run("11h during the block, a Follow from tia@threads.test to mia is rejected (Reject(Follow))", c11h)

    def c11i():
        C.need("mia_blocks")
        r = ours.api("mia", "DELETE", "/api/v1/domain_blocks", params={"domain": "threads.test"})
        if r != {} or ours.api("mia", "GET", "/api/v1/domain_blocks") != []:
            raise Fail(f"DELETE answered {short(r)}; blocks now {ours.api('mia', 'GET', '/api/v1/domain_blocks')}")
        rel = ours.relationship("mia", tid["tom"])
        if rel.get("domain_blocking") or rel["following"] or rel["followed_by"]:
            raise Fail(f"after the unblock mia's relationship to tom is {short(rel, 400)} "
                       "(expected domain_blocking, following and followed_by false: severed follows stay severed)")
        if O("mia") in threads.call("GET", "followers", {"as": "tom"}):
            raise Fail("threads.test lists mia as tom's follower again")
        note = post("tom", marker("after the unblock"), mention=["acct:mia@ours.test", "acct:ned@ours.test"], hashtags=[TAG])
        wait_for("tom's new post reaches mia everywhere (home through the followed hashtag)",
                 lambda: shows_everywhere("mia", note["id"]))
        preview = ours.api("mia", "GET", "/api/v1/domain_blocks/preview", params={"domain": "threads.test"})
        if preview != {"following_count": 0, "followers_count": 0}:
            raise Fail(f"mia's preview after the unblock: {preview}")
    C.run("11i mia unblocks threads.test: severed follows are not restored (as in Mastodon); tom's new post "
          "reaches her again (home, notification, timelines)", c11i)

    # ---- 12. the instance's policies: silence, suspend, lift --------------------------------------
    def c12a():
        C.need("c11_ties")
        follow_there("ola", "tom")
        follow_there("ola", "vic")
        follows_here("tom", "ola")
        follows_here("tom", "ned")
        follows_here("vic", "ola")
        follows_here("pat", "ola", who=peer)
        note = post("tom", marker("before any policy"))
        for member in ("ned", "ola"):
            wait_for(f"tom's post in {member}'s home", lambda: ours.in_home(member, note["id"]))
        S["tom_note"] = note["id"]
        S["tom_note_local"] = ours.known_status("ned", note["id"])["id"]
        wes = post("wes", marker("nobody follows me"), mention="acct:ola@ours.test")
        S["wes_note"] = wes["id"]
        wait_for("wes's post (no follower at ours.test) is in pia's federated timeline",
                 lambda: with_uri(ours.public("pia"), wes["id"]) or fail("not yet"))
        S["wes_note_local"] = ours.known_status("pia", wes["id"])["id"]
        wait_for("ola is notified of wes's mention", lambda: ours.notification(
            "ola", "mention", lambda n: n["status"]["uri"] == wes["id"]))
        S["c12_ties"] = True
    C.run("12a ties for the instance policies: ned and ola follow tom, ola follows vic; tom follows ola and "
          "ned, vic follows ola; tom posts; wes (followed by nobody here) mentions ola, who is notified", c12a)

    def c12b():
        C.need("c12_ties")
        ties = threads_ties()
        here = ours_ties()
        if ties != here:
            raise Fail(f"threads.test and ours.test disagree on the ties: only there {sorted(ties - here)}, "
                       f"only here {sorted(here - ties)}")
        members = {x for pair in ties for x in pair if x.startswith(f"{ours.base}/")}
        want = {
            "members_following": len({a for a, b in ties if a.startswith(f"{ours.base}/")}),
            "followers_there": len({a for a, b in ties if a.startswith(f"{threads.base}/")}),
            "relationships": len(ties),
            "members_affected": len(members),
        }
        # Every threads.test account ours.test knows (search without resolve), every note it stored.
        known = [n for n in THREADS_USERS
                 if any(a.get("acct") == f"{n}@threads.test" for a in ours.api(
                     "admin", "GET", "/api/v2/search", params={"q": f"@{n}@threads.test", "type": "accounts"})["accounts"])]
        stored = [u for u in notes if ours.api("admin", "GET", "/api/v2/search",
                                                params={"q": u, "type": "statuses"})["statuses"]]
        want.update(accounts=len(known), statuses=len(stored))
        log(f"ties {sorted(ties)}; known {known}; {len(stored)} of {len(notes)} notes stored")
        for severity in ("silence", "suspend"):
            p = ours.api("admin", "GET", "/api/v1/admin/domain_blocks/preview",
                         params={"domain": "threads.test", "severity": severity})
            got = {k: (p.get("impact") or {}).get(k) for k in want}
            if got != want or p.get("severity") != severity or p.get("existing") is not None or not p.get("effects"):
                raise Fail(f"{severity} preview: impact {got}, expected {want} "
                           f"(severity {p.get('severity')!r}, existing {p.get('existing')!r}): {short(p, 500)}")
    C.run("12b the admin previews of silence and suspend for threads.test count the real ties, deduplicated "
          "(members following, followers there, relationships, members affected), accounts and statuses", c12b)

    def c12c():
        C.need("c12_ties")
        b = ours.api("admin", "POST", "/api/v1/admin/domain_blocks",
                     data={"domain": "threads.test", "severity": "silence"})
        if b.get("severity") != "silence" or b.get("domain") != "threads.test":
            raise Fail(f"POST /api/v1/admin/domain_blocks answered {short(b)}")
        S["block_id"] = b["id"]
        wes = C.need("wes_note")
        wait_for("wes's post leaves pia's federated timeline",
                 lambda: not with_uri(ours.public("pia"), wes) or fail("still there"))
        if with_uri(ours.public(None), wes):
            raise Fail("wes's post is still in the anonymous federated timeline")
        if ours.raw("pia", "GET", f"/api/v1/statuses/{S['wes_note_local']}").status_code != 404:
            raise Fail("pia (neither following wes nor mentioned) can still open wes's post")
        if ours.raw("ola", "GET", f"/api/v1/statuses/{S['wes_note_local']}").status_code != 200:
            raise Fail("ola, whom wes mentioned, can no longer open wes's post")
        tom = post("tom", marker("while silenced"), mention="acct:ned@ours.test")
        wait_for("tom's new post reaches his follower ned", lambda: ours.in_home("ned", tom["id"]))
        wait_for("ned, who follows tom, is notified of the mention", lambda: ours.notification(
            "ned", "mention", lambda n: n["status"]["uri"] == tom["id"]))
        if with_uri(ours.public("pia"), tom["id"]):
            raise Fail("tom's post is in pia's federated timeline")
        if not with_uri(ours.public("ned"), tom["id"]):
            raise Fail("tom's post is missing from the federated timeline of ned, who follows tom")
        wes2 = post("wes", marker("a silenced mention"), mention="acct:pia@ours.test")
        wait_for("pia, mentioned, can find wes's post", lambda: ours.known_status("pia", wes2["id"]))
        if any((n.get("status") or {}).get("uri") == wes2["id"] for n in ours.notifications("pia")):
            raise Fail("pia, who does not follow wes, was notified of his mention from a silenced domain")
    C.run("12c silence: posts of threads.test accounts leave the federated timeline (signed-in and anonymous) "
          "for non-followers; followers and the mentioned still see them; tom's mention notifies ned (his "
          "follower), wes's does not notify pia", c12c)

    def c12d():
        C.need("block_id")
        fids[("wes", "pia")] = threads.call("POST", "follow", {"as": "wes", "target": "acct:pia@ours.test"})["id"]
        req = wait_for("pia sees wes's follow request", lambda: [
            a for a in ours.api("pia", "GET", "/api/v1/follow_requests") if a.get("acct") == "wes@threads.test"])
        st = threads.call("GET", "following", {"as": "wes"}).get(O("pia"))
        if st != "pending":
            raise Fail(f"wes's follow of pia (not locked) is {st!r} on threads.test before her approval")
        ours.api("pia", "POST", f"/api/v1/follow_requests/{req[0]['id']}/authorize")
        wait_for("wes's follow of pia is accepted after her approval",
                 lambda: threads.call("GET", "following", {"as": "wes"}).get(O("pia")) == "accepted")
    C.run("12d silence: a Follow from wes@threads.test to unlocked pia becomes a follow request; "
          "after she authorizes it, the peer receives the Accept", c12d)

    def c12e():
        # Suspension is "nothing in, nothing out" (docs/ADMIN.md): the suspended server is told
        # nothing, so the follows restored by a lift within the grace period (12k, 12l) still
        # match what it believes.
        block_id = C.need("block_id")
        ties = threads_ties()
        S["suspended_ties"] = ties
        before = len(threads.received())
        r = ours.api("admin", "PUT", f"/api/v1/admin/domain_blocks/{block_id}", json={"severity": "suspend"})
        if r.get("severity") != "suspend":
            raise Fail(f"PUT /api/v1/admin/domain_blocks/{block_id} answered {short(r)}")
        S["suspended"] = True
        time.sleep(3)
        sent = [a for a in threads.received()[before:] if oid(a.get("actor", "")).startswith(f"{ours.base}/")]
        if sent:
            raise Fail(f"threads.test received {[a.get('type') for a in sent]} from ours.test after the suspension")
        left = threads_ties()
        if left != ties:
            raise Fail(f"threads.test's view of the follows changed: {sorted(ties ^ left)}")
    C.run("12e suspend (PUT severity=suspend): nothing at all is sent to threads.test (no Undo, no Reject); "
          "its view of the follows stays as it was", c12e)

    def c12f():
        C.need("suspended")
        ties = C.need("suspended_ties")
        tied = sorted({x.rsplit("/", 1)[1] for pair in ties for x in pair if x.startswith(f"{ours.base}/")})
        for member in tied:
            n = wait_for(f"a severed_relationships notification for {member}", lambda: ours.notification(
                member, "severed_relationships", lambda n: (n.get("event") or {}).get("type") == "domain_block"))
            ev = n["event"]
            want = {"target_name": "threads.test",
                    "following_count": len({b for a, b in ties if a == O(member)}),
                    "followers_count": len({a for a, b in ties if b == O(member)})}
            if {k: ev.get(k) for k in want} != want:
                raise Fail(f"{member}'s severance event {short(ev, 300)}, expected {want}")
        rel = ours.relationship("ola", tid["tom"])
        if rel["following"] or rel["followed_by"]:
            raise Fail(f"ola's relationship to tom after the suspension: {short(rel, 300)}")
        if ours.raw("ned", "GET", f"/api/v1/accounts/{tid['tom']}").status_code != 404:
            raise Fail("tom's account still opens for ned")
        if ours.raw("ned", "GET", f"/api/v1/statuses/{S['tom_note_local']}").status_code != 404:
            raise Fail("tom's post still opens for ned")
        if with_uri(ours.home("ned"), S["tom_note"]):
            raise Fail("tom's post is still in ned's home")
    C.run("12f suspend: every tied member gets a severed_relationships notice (domain_block) with its counts; "
          "follows are gone; threads.test accounts and posts answer 404", c12f)

    def c12g():
        C.need("suspended")
        s = ours.api("ola", "POST", "/api/v1/statuses", json={"status": marker("not for threads"), "visibility": "public"})
        wait_for("pat@peer.test (ola's follower) receives ola's post",
                 lambda: peer.find("Create", lambda a: oid(a["object"]) == s["uri"]))
        time.sleep(SETTLE)
        got = [a for a in threads.received() if a.get("type") == "Create" and oid(a.get("object")) == s["uri"]]
        if got:
            raise Fail(f"threads.test received ola's post while suspended: {short(got[0], 400)}")
    C.run("12g suspend: a public post by ola (whose followers were on threads.test) reaches peer.test, "
          "not threads.test", c12g)

    def c12h():
        C.need("suspended")
        status, out = threads.ctl("POST", "follow", {"as": "vic", "target": O("pia"), "inbox": f"{ours.base}/inbox"})
        text = json.dumps(out)
        if status == 200:
            raise Fail(f"ours.test accepted a Follow from suspended threads.test: {short(out)}")
        if "403" not in text:
            raise Fail(f"expected ours.test's inbox to answer 403; the peer says {short(out, 600)}")
        log(f"vic's follow was refused: {short(out, 400)}")
        if any(a.get("acct") == "vic@threads.test" for a in ours.api("pia", "GET", "/api/v1/follow_requests")):
            raise Fail("vic's refused follow shows up as a follow request for pia")
    C.run("12h suspend: a Follow from vic@threads.test to pia's inbox is refused with 403", c12h)

    def c12i():
        C.need("suspended")
        for handle in ("@tom@threads.test", "@alice@threads.test"):
            res = ours.api("ola", "GET", "/api/v2/search", params={"q": handle, "resolve": "true", "type": "accounts"})
            if res.get("accounts"):
                raise Fail(f"search {handle} resolve=true found {[a.get('acct') for a in res['accounts']]}")
    C.run("12i suspend: search with resolve=true finds neither a known (tom) nor a new (alice) threads.test account", c12i)

    def c12j():
        C.need("suspended")
        v = ours.api("admin", "GET", "/api/v1/admin/instances/threads.test")
        pol = v.get("policy") or {}
        if pol.get("severity") != "suspend" or pol.get("domain") != "threads.test":
            raise Fail(f"instance view policy {short(pol, 300)}")
        if "state" not in v or "last_failure" not in v:
            raise Fail(f"instance view lacks state or last_failure: {short(v, 500)}")
        log(f"threads.test: state {v['state']}, last_failure {v['last_failure']}")
    C.run("12j the admin instance view of threads.test shows the suspend policy", c12j)

    def c12k():
        block_id = C.need("block_id")
        C.need("suspended")
        ties = C.need("suspended_ties")
        r = ours.api("admin", "DELETE", f"/api/v1/admin/domain_blocks/{block_id}")
        if r != {}:
            raise Fail(f"DELETE answered {short(r)}")
        S["lifted"] = True
        if ours.api("admin", "GET", "/api/v1/admin/domain_blocks") != []:
            raise Fail("blocks left after the DELETE")

        def restored():
            here = ours_ties()
            lost = ties - here
            return not lost or fail(f"not restored: {sorted(lost)}")
        wait_for("every severed follow is restored (relationships)", restored)
        wait_for("tom's post opens for ned again",
                 lambda: ours.raw("ned", "GET", f"/api/v1/statuses/{S['tom_note_local']}").status_code == 200)
        wait_for("wes's post is back in pia's federated timeline",
                 lambda: with_uri(ours.public("pia"), S["wes_note"]) or fail("not yet"))
        if ours.raw("ned", "GET", f"/api/v1/accounts/{tid['tom']}").status_code != 200:
            raise Fail("tom's account does not open again")
    C.run("12k lifting the suspension (DELETE) restores the severed follows (relationships) and shows "
          "threads.test accounts and posts again", c12k)

    def c12l():
        C.need("lifted")
        ties = C.need("suspended_ties")
        now = threads_ties()
        if now != ties:
            raise Fail(f"ours.test restored {len(ties)} follows but threads.test was not told: it lacks "
                       f"{sorted(ties - now)} (restored only on ours.test's side)")
        note = post("tom", marker("after the lift"))
        for member in ("ned", "ola"):
            wait_for(f"tom's new post reaches {member}'s home", lambda: ours.in_home(member, note["id"]))
        s = ours.api("ola", "POST", "/api/v1/statuses", json={"status": marker("for threads again"), "visibility": "public"})
        wait_for("threads.test receives ola's post again",
                 lambda: threads.find("Create", lambda a: oid(a["object"]) == s["uri"]))
    C.run("12l after the lift both sides agree on the restored follows: tom's new post reaches ned and ola, "
          "ola's reaches threads.test", c12l)
