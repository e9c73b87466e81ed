"""Checks 13a-13b: fediverse-pasture's verify_actor against ours.test and secure.test (authorized fetch)."""
import json

import requests

from harness import ANSI, CA, HERE, PYTHON, TIMEOUT, WORK, Fail, Palisade, log, short, spawn, wait_for


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
    """Checks 13a and 13b; 13b adds secure.test to `instances`. Returns the Pasture (for its log)."""
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
