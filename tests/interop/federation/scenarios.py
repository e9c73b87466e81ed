#!/usr/bin/env python3
"""End-to-end federation scenarios: two Palisades and Fedify peers, over HTTPS, inside netns.sh.

    scenarios.py WORKDIR        (run by run.sh inside the namespace; WORKDIR has ca.sh's output)

Starts ours.test and other.test (Palisade behind tls_proxy.py), peer.test, threads.test and
broken.test (peer/peer.mjs; broken.test first with the untrusted certificate), later v.test
(pasture_verify.py: fediverse-pasture's verify_actor) and secure.test (a Palisade with authorized
fetch), then checks what each side observes: the peers' /_test/ endpoints, verify_actor's
tables and Palisade's Mastodon API and admin CLI. Prints one line per check ("ok - ..." /
"not ok - ...: reason"), then "N passed, M failed"; exits 1 on a failure, after printing the
tail of each Palisade's log. Every wait is a poll with a deadline.

The checks live in scenarios_federation.py (1-10), scenarios_control.py (11-12),
scenarios_pasture.py (13), scenarios_web.py (14, the browser), scenarios_media.py (15) and
scenarios_polls.py (16); harness.py has the machinery they share. They run in this order: 1-9,
11, 12, 16, 14, 13, 15, then the health checks 10a, 10c, 10b.
"""
import subprocess
import sys

from harness import WORK, Checks, Fail, Palisade, Peer, log, stop
from scenarios_control import CONTROL_MEMBERS, THREADS_USERS, control_checks
from scenarios_federation import federation_checks, health_checks
from scenarios_media import MEDIA_MEMBERS, MEDIA_PEER_USERS, media_checks
from scenarios_pasture import pasture_checks
from scenarios_polls import POLL_MEMBER, poll_checks
from scenarios_web import WEB_MEMBER, web_checks


def main():
    ours = Palisade("ours.test", "127.0.0.2", 3001)
    other = Palisade("other.test", "127.0.0.3", 3002)
    peer = Peer("peer.test", "127.0.0.4", users=("alice", "pat", *MEDIA_PEER_USERS))
    threads = Peer("threads.test", "127.0.0.5", users=THREADS_USERS)
    broken = Peer("broken.test", "127.0.0.6")
    instances = [ours, other]
    peers = [peer, threads, broken]

    try:
        peer.start()
        threads.start()
        broken.start("broken.test.bad")
        for p in instances:
            p.start()
        for x in (peer, threads, broken, ours, other):
            x.wait_ready()
        ours.user("alice")
        ours.user("carol")
        for name in CONTROL_MEMBERS + (WEB_MEMBER, POLL_MEMBER) + MEDIA_MEMBERS:
            ours.user(name)
        ours.user("admin", role="admin", scopes="read write follow admin:read admin:write")
        other.user("bob")
    except (Fail, SystemExit, OSError, subprocess.SubprocessError) as e:
        print(f"not ok - start-up: {e}", flush=True)
        for p in instances:
            print(f"\n----- tail of {p.log} -----\n{p.log_tail()}", flush=True)
        print("0 passed, 1 failed", flush=True)
        return 1
    log("all servers up")

    C = Checks()
    # 1-9: follows, posts, replies, likes and boosts, edits and deletes, profile, unfollow and
    # block, a peer killed and restarted, a peer with a bad certificate.
    federation_checks(C, ours, other, peer, broken)
    # 11, 12: federation control: a member's domain block, the instance's policies.
    control_checks(C, ours, peer, threads)
    # 16: polls with the Fedify peer, both ways.
    poll_checks(C, ours, peer)
    # 14: the web interface in a real browser: the member's and the admin's stories.
    web_checks(C, ours, threads, broken, WORK)
    # 13: fediverse-pasture's verify_actor (13b starts secure.test and adds it to instances).
    pasture = pasture_checks(C, ours, instances)
    # 15: media across the boundary; no member's address reaches the peer.
    media_checks(C, ours, peer, WORK)
    # 10a, 10c, 10b: health at the end, over every instance and peer.
    health_checks(C, ours, peers, instances)

    print(f"{C.passed} passed, {C.failed} failed", flush=True)
    if C.failed:
        for p in instances:
            print(f"\n----- tail of {p.log} -----\n{p.log_tail()}", flush=True)
        print(f"\nwork dir: {WORK} (peer logs: {', '.join(str(x.log) for x in peers)}; "
              f"verify_actor's log: {pasture.log})", flush=True)
    for x in peers:
        stop(x.proc)
    stop(pasture.proc)
    for p in instances:
        stop(p.proc)
        stop(p.proxy)
    return 1 if C.failed else 0


if __name__ == "__main__":
    sys.exit(main())
