// A strict ActivityPub peer built on Fedify, with /_test/ control endpoints for a test driver.
//   node peer.mjs --host peer.test --ip 127.0.0.4 --cert peer.test.pem --key peer.test.key
// One actor, alice; everything lives in memory. See ../README.md for the endpoints.
import { readFileSync } from "node:fs";
import https from "node:https";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { AsyncLocalStorage } from "node:async_hooks";
import { Temporal } from "@js-temporal/polyfill";
import { createFederation, generateCryptoKeyPair, MemoryKvStore } from "@fedify/fedify";
import {
  Accept, Activity, Announce, Block, Create, Delete, Endpoints, Flag, Follow, isActor, Like,
  Mention, Note, Person, PUBLIC_COLLECTION, Reject, Tombstone, Undo, Update,
} from "@fedify/vocab";

const { values: opt } = parseArgs({
  options: {
    host: { type: "string" }, ip: { type: "string" }, port: { type: "string", default: "443" },
    cert: { type: "string" }, key: { type: "string" }, verbose: { type: "boolean", default: false },
  },
});
if (!opt.host || !opt.ip || !opt.cert || !opt.key) {
  console.error("usage: node peer.mjs --host HOST --ip IP --cert CERT.pem --key KEY.pem [--port 443] [--verbose]");
  process.exit(2);
}
if (opt.verbose) {
  const { configure, getConsoleSink } = await import("@logtape/logtape");
  await configure({
    sinks: { console: getConsoleSink() }, contextLocalStorage: new AsyncLocalStorage(),
    loggers: [{ category: "fedify", lowestLevel: "debug", sinks: ["console"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] }],
  });
}
const ORIGIN = `https://${opt.host}`;
const USER = "alice";

// ---- state (all in memory) ----
const keyPairs = [await generateCryptoKeyPair("RSASSA-PKCS1-v1_5"), await generateCryptoKeyPair("Ed25519")];
const received = [];   // compact JSON-LD of every activity the inbox accepted
const rejected = [];   // deliveries refused for their signature: {type, id, actor, reason}
const errors = [];     // exceptions in our inbox listeners and in background sends
const followers = new Map(); // actor id -> { id, inboxId, endpoints } (a Recipient)
const followIds = new Map(); // id of a received Follow -> its actor id
const following = new Map(); // actor id -> { follow: Follow, state: "pending"|"accepted"|"rejected" }
const blocks = new Map();    // actor id -> Block
const notes = new Map();     // local id -> { note, recipients }
let followPolicy = "accept"; // what to do with an incoming Follow: accept | reject | ignore

const federation = createFederation({ kv: new MemoryKvStore(), origin: ORIGIN, allowPrivateAddress: true });

federation.setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
  if (identifier !== USER) return null;
  const keys = await ctx.getActorKeyPairs(identifier);
  return new Person({
    id: ctx.getActorUri(identifier), preferredUsername: identifier, name: `Alice of ${opt.host}`,
    summary: "Fedify test peer", url: ctx.getActorUri(identifier),
    inbox: ctx.getInboxUri(identifier), endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
    followers: ctx.getFollowersUri(identifier),
    publicKey: keys[0].cryptographicKey, assertionMethods: keys.map((k) => k.multikey),
  });
}).setKeyPairsDispatcher((_ctx, identifier) => (identifier === USER ? keyPairs : []))
  .mapHandle((_ctx, username) => (username === USER ? USER : null));

federation.setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) =>
  identifier === USER ? { items: [...followers.values()] } : null,
).setCounter((_ctx, identifier) => (identifier === USER ? followers.size : null));

federation.setObjectDispatcher(Note, "/users/{identifier}/notes/{id}", (_ctx, { identifier, id }) =>
  (identifier === USER ? notes.get(id)?.note ?? null : null));

federation.setNodeInfoDispatcher("/nodeinfo/2.1", () => ({
  software: { name: "fedify-test-peer", version: "2.3.6" }, protocols: ["activitypub"],
  openRegistrations: false, usage: { users: { total: 1 }, localPosts: notes.size, localComments: 0 },
}));

// ---- inbox ----
async function record(ctx, activity) {
  received.push(await activity.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader }));
}
const me = (ctx) => ctx.getActorUri(USER);
const newId = (ctx, kind) => new URL(`${me(ctx).href}#${kind}/${randomUUID()}`);

const inbox = federation.setInboxListeners("/users/{identifier}/inbox", "/inbox");
inbox.on(Follow, async (ctx, follow) => {
  await record(ctx, follow);
  if (follow.id && follow.actorId) followIds.set(follow.id.href, follow.actorId.href);
  if (follow.objectId?.href !== me(ctx).href || followPolicy === "ignore") return;
  const follower = await follow.getActor(ctx);
  if (!isActor(follower)) throw new Error("Follow without a resolvable actor");
  const Reply = followPolicy === "accept" ? Accept : Reject;
  // A plain Recipient (not the actor object): the followers collection then lists bare ids.
  const recipient = { id: follower.id, inboxId: follower.inboxId, endpoints: follower.endpoints };
  if (followPolicy === "accept") followers.set(follower.id.href, recipient);
  // Answer after the 202, as a queue-backed server would: the follower may hold locks meanwhile.
  const reply = new Reply({ id: newId(ctx, followPolicy), actor: me(ctx), object: follow, to: follower.id });
  setTimeout(() => ctx.sendActivity({ identifier: USER }, follower, reply).catch((e) => {
    console.error(`sending ${reply.id.href} failed:`, e);
    errors.push(`sending ${reply.id.href}: ${e?.message ?? e}`);
  }), 0);
});
for (const [Type, state] of [[Accept, "accepted"], [Reject, "rejected"]]) {
  inbox.on(Type, async (ctx, activity) => {
    await record(ctx, activity);
    const entry = following.get(activity.actorId?.href);
    if (entry) entry.state = state; // Mastodon-style servers may embed or only reference the Follow
  });
}
inbox.on(Undo, async (ctx, undo) => {
  await record(ctx, undo);
  // The Follow may be embedded or only referenced by id (then it is fetched, if possible).
  const object = await undo.getObject(ctx).catch(() => null);
  const undoesFollow = object instanceof Follow || followIds.get(undo.objectId?.href) === undo.actorId?.href;
  if (undoesFollow && undo.actorId) followers.delete(undo.actorId.href);
});
inbox.on(Block, async (ctx, block) => {
  await record(ctx, block);
  if (block.actorId) { followers.delete(block.actorId.href); following.delete(block.actorId.href); }
});
for (const Type of [Create, Update, Delete, Announce, Like, Flag, Activity]) inbox.on(Type, record);
inbox.onError((_ctx, error) => {
  console.error("inbox listener error:", error);
  errors.push(String(error?.stack ?? error));
});
inbox.onUnverifiedActivity((_ctx, activity, reason) => {
  const why = reason.type === "keyFetchError" ? { ...reason, keyId: reason.keyId.href, result: String(reason.result?.error ?? reason.result?.status ?? "") } : reason;
  rejected.push({ type: activity.constructor.name, id: activity.id?.href, actor: activity.actorId?.href, reason: why });
});

// ---- control endpoints for the test driver ----
// lookupObject() answers null for every failure; an unsigned probe says why (TLS, 404, …).
async function whyNot(target) {
  const m = /^(?:acct:)?@?([^@/]+)@([^@/]+)$/.exec(target);
  const url = m ? `https://${m[2]}/.well-known/webfinger?resource=acct:${m[1]}@${m[2]}` : target;
  try {
    const r = await fetch(url, { headers: { accept: "application/activity+json, application/jrd+json" } });
    return `GET ${url}: ${r.status} ${r.headers.get("content-type") ?? ""}`;
  } catch (e) {
    return `GET ${url}: ${e.cause?.code ?? ""} ${e.cause?.message ?? e.message}`;
  }
}
async function lookupAny(ctx, target, check = (o) => o != null) {
  const object = await ctx.lookupObject(target, { documentLoader: await ctx.getDocumentLoader({ identifier: USER }) });
  if (!check(object)) throw new Error(`could not resolve ${target} (${object ? `got a ${object.constructor.name}` : await whyNot(target)})`);
  return object;
}
const lookupActor = (ctx, target) => lookupAny(ctx, target, isActor);
const authorOf = (ctx, object) => {
  if (!object.attributionId) throw new Error(`${object.id?.href} has no attributedTo`);
  return lookupActor(ctx, object.attributionId.href);
};
const uniq = (actors) => [...new Map(actors.map((a) => [a.id.href, a])).values()];
const send = (ctx, to, activity) => ctx.sendActivity({ identifier: USER }, to, activity, { preferSharedInbox: true });

async function post(ctx, body) {
  const mentioned = await Promise.all([].concat(body.mention ?? []).map((m) => lookupActor(ctx, m)));
  const parentAuthor = body.inReplyTo ? await authorOf(ctx, await lookupAny(ctx, body.inReplyTo)) : null;
  const visibility = body.to ?? "public";
  const followersUri = ctx.getFollowersUri(USER);
  const direct = uniq([...mentioned, ...(parentAuthor ? [parentAuthor] : [])]);
  const to = { public: [PUBLIC_COLLECTION], unlisted: [followersUri], followers: [followersUri], direct: [] }[visibility];
  if (!to) throw new Error(`unknown visibility ${visibility}`);
  const cc = [...(visibility === "public" ? [followersUri] : visibility === "unlisted" ? [PUBLIC_COLLECTION] : []),
    ...direct.map((a) => a.id)];
  const links = mentioned.filter((a) => !String(body.content).includes(a.id.href))
    .map((a) => `<a href="${a.url?.href ?? a.id.href}" class="u-url mention">@${a.preferredUsername}@${a.id.host}</a> `);
  const id = randomUUID();
  const noteId = ctx.getObjectUri(Note, { identifier: USER, id });
  const note = new Note({
    id: noteId, attribution: me(ctx), url: noteId, content: `<p>${links.join("")}${body.content ?? ""}</p>`,
    tos: to, ccs: cc, published: Temporal.Now.instant(),
    replyTarget: body.inReplyTo ? new URL(body.inReplyTo) : null,
    tags: mentioned.map((a) => new Mention({ href: a.id, name: `@${a.preferredUsername}@${a.id.host}` })),
  });
  const recipients = visibility === "direct" ? direct : uniq([...followers.values(), ...direct]);
  notes.set(id, { note, recipients });
  const create = new Create({ id: new URL(`${noteId.href}/activity`), actor: me(ctx), object: note, tos: to, ccs: cc, published: note.published });
  if (recipients.length) await send(ctx, recipients, create);
  return { id: noteId.href, activity: create.id.href, delivered: recipients.map((a) => a.id.href) };
}
function ownNote(ctx, url) {
  const parsed = ctx.parseUri(new URL(url));
  const entry = parsed?.type === "object" ? notes.get(parsed.values.id) : null;
  if (!entry) throw new Error(`not a note of ours: ${url}`);
  return [parsed.values.id, entry];
}
const targetActor = async (ctx, q) => lookupActor(ctx, q.get("target") ?? (() => { throw new Error("target= required"); })());

const routes = {
  "GET /_test/received": () => received,
  "GET /_test/rejected": () => rejected,
  "GET /_test/errors": () => errors,
  "GET /_test/followers": () => [...followers.keys()],
  "GET /_test/following": () => Object.fromEntries([...following].map(([k, v]) => [k, v.state])),
  "POST /_test/reset": () => { received.length = rejected.length = errors.length = 0; return {}; },
  "POST /_test/follow-policy": (_ctx, q) => {
    if (!["accept", "reject", "ignore"].includes(q.get("mode"))) throw new Error("mode=accept|reject|ignore");
    followPolicy = q.get("mode");
    return { followPolicy };
  },
  "POST /_test/follow": async (ctx, q) => {
    const target = await targetActor(ctx, q);
    const follow = new Follow({ id: newId(ctx, "follows"), actor: me(ctx), object: target.id, to: target.id });
    following.set(target.id.href, { follow, state: "pending" }); // before: the Accept may beat the 202
    await send(ctx, target, follow).catch((e) => { following.delete(target.id.href); throw e; });
    return { id: follow.id.href, target: target.id.href };
  },
  "POST /_test/unfollow": async (ctx, q) => {
    const target = await targetActor(ctx, q);
    const entry = following.get(target.id.href);
    if (!entry) throw new Error(`not following ${target.id.href}`);
    const undo = new Undo({ id: newId(ctx, "undo"), actor: me(ctx), object: entry.follow, to: target.id });
    await send(ctx, target, undo);
    following.delete(target.id.href);
    return { id: undo.id.href };
  },
  "POST /_test/post": (ctx, _q, body) => post(ctx, body),
  "POST /_test/reply": (ctx, _q, body) => {
    if (!body.inReplyTo) throw new Error("inReplyTo required");
    return post(ctx, body);
  },
  "POST /_test/like": async (ctx, q) => {
    const object = await lookupAny(ctx, q.get("object"));
    const author = await authorOf(ctx, object);
    const like = new Like({ id: newId(ctx, "likes"), actor: me(ctx), object: object.id, to: author.id });
    await send(ctx, author, like);
    return { id: like.id.href };
  },
  "POST /_test/announce": async (ctx, q) => {
    const object = await lookupAny(ctx, q.get("object"));
    const author = await authorOf(ctx, object);
    const announce = new Announce({
      id: newId(ctx, "announces"), actor: me(ctx), object: object.id, published: Temporal.Now.instant(),
      tos: [PUBLIC_COLLECTION], ccs: [ctx.getFollowersUri(USER), author.id],
    });
    await send(ctx, uniq([...followers.values(), author]), announce);
    return { id: announce.id.href };
  },
  "POST /_test/delete": async (ctx, q) => {
    const [id, { note, recipients }] = ownNote(ctx, q.get("object"));
    const del = new Delete({
      id: newId(ctx, "deletes"), actor: me(ctx), tos: note.toIds, ccs: note.ccIds,
      object: new Tombstone({ id: note.id, deleted: Temporal.Now.instant() }),
    });
    notes.delete(id);
    if (recipients.length) await send(ctx, recipients, del);
    return { id: del.id.href };
  },
  "POST /_test/update": async (ctx, _q, body) => {
    const [id, entry] = ownNote(ctx, body.id);
    entry.note = entry.note.clone({ content: `<p>${body.content}</p>`, updated: Temporal.Now.instant() });
    notes.set(id, entry);
    const update = new Update({ id: newId(ctx, "updates"), actor: me(ctx), object: entry.note, tos: entry.note.toIds, ccs: entry.note.ccIds });
    if (entry.recipients.length) await send(ctx, entry.recipients, update);
    return { id: update.id.href };
  },
  "POST /_test/block": async (ctx, q) => {
    const target = await targetActor(ctx, q);
    const block = new Block({ id: newId(ctx, "blocks"), actor: me(ctx), object: target.id, to: target.id });
    blocks.set(target.id.href, block);
    followers.delete(target.id.href);
    await send(ctx, target, block);
    return { id: block.id.href };
  },
  "POST /_test/unblock": async (ctx, q) => {
    const target = await targetActor(ctx, q);
    const block = blocks.get(target.id.href);
    if (!block) throw new Error(`not blocking ${target.id.href}`);
    const undo = new Undo({ id: newId(ctx, "undo"), actor: me(ctx), object: block, to: target.id });
    await send(ctx, target, undo);
    blocks.delete(target.id.href);
    return { id: undo.id.href };
  },
  "POST /_test/flag": async (ctx, _q, body) => {
    const target = await lookupActor(ctx, body.target);
    const flag = new Flag({
      id: newId(ctx, "flags"), actor: me(ctx), content: body.content ?? "",
      objects: [target.id, ...(body.object ? [new URL(body.object)] : [])],
    });
    await send(ctx, target, flag);
    return { id: flag.id.href };
  },
};

// ---- HTTPS server: /_test/* here, everything else through Fedify ----
const json = (status, value) => new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
async function handle(request) {
  const url = new URL(request.url);
  if (!url.pathname.startsWith("/_test/")) {
    return federation.fetch(request, {
      contextData: undefined,
      onNotFound: () => new Response("Not found", { status: 404 }),
      onNotAcceptable: () => new Response("Not acceptable", { status: 406 }),
    });
  }
  const route = routes[`${request.method} ${url.pathname}`];
  if (!route) return json(404, { error: `no route ${request.method} ${url.pathname}` });
  try {
    const text = await request.text();
    const ctx = federation.createContext(request, undefined);
    return json(200, await route(ctx, url.searchParams, text ? JSON.parse(text) : {}));
  } catch (error) {
    console.error(`${request.method} ${url.pathname} failed:`, error);
    return json(500, { error: String(error?.message ?? error), cause: error?.cause ? String(error.cause) : undefined });
  }
}

const server = https.createServer({ cert: readFileSync(opt.cert), key: readFileSync(opt.key) }, async (req, res) => {
  try {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const hasBody = !["GET", "HEAD"].includes(req.method);
    const response = await handle(new Request(new URL(req.url, ORIGIN),
      { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
    if (opt.verbose) console.error(`${req.method} ${req.url} -> ${response.status}`);
  } catch (error) {
    console.error("request failed:", error);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end(String(error));
  }
});
process.on("unhandledRejection", (error) => console.error("unhandled rejection:", error));
server.listen(Number(opt.port), opt.ip, () => console.log(`fedify peer ${ORIGIN} (acct:${USER}@${opt.host}) on ${opt.ip}:${opt.port}`));
