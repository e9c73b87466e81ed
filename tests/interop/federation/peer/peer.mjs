// A strict ActivityPub peer built on Fedify, with /_test/ control endpoints for a test driver.
//   node peer.mjs --host peer.test --ip 127.0.0.4 --cert peer.test.pem --key peer.test.key [--users alice,bob]
// Actors: alice, or those --users names (the first is the default for control calls, the
// others are picked with `as=NAME`); everything lives in memory. It also serves images and web
// pages (/media/, /pages/) and logs who asked for them. See ../README.md for the endpoints.
import { readFileSync } from "node:fs";
import https from "node:https";
import { randomUUID } from "node:crypto";
import { deflateSync, crc32 } from "node:zlib";
import { parseArgs } from "node:util";
import { AsyncLocalStorage } from "node:async_hooks";
import { Temporal } from "@js-temporal/polyfill";
import { createFederation, generateCryptoKeyPair, MemoryKvStore } from "@fedify/fedify";
import {
  Accept, Activity, Announce, Block, Collection, Create, Delete, Document, Endpoints, Flag, Follow, Hashtag, Image,
  isActor, Like, Mention, Note, Person, PropertyValue, PUBLIC_COLLECTION, Question, Reject, Tombstone, Undo, Update,
} from "@fedify/vocab";

const { values: opt } = parseArgs({
  options: {
    host: { type: "string" }, ip: { type: "string" }, port: { type: "string", default: "443" },
    cert: { type: "string" }, key: { type: "string" }, verbose: { type: "boolean", default: false },
    users: { type: "string", default: "alice" },
  },
});
const USERS = opt.users.split(",").map((u) => u.trim()).filter(Boolean);
if (!opt.host || !opt.ip || !opt.cert || !opt.key || !USERS.length || USERS.some((u) => !/^[a-z0-9_]+$/.test(u))) {
  console.error("usage: node peer.mjs --host HOST --ip IP --cert CERT.pem --key KEY.pem [--port 443] [--users alice,bob] [--verbose]");
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
const DEFAULT_USER = USERS[0];

// ---- state (all in memory) ----
const received = [];   // compact JSON-LD of every activity the inbox accepted (any user's inbox)
const rejected = [];   // deliveries refused for their signature: {type, id, actor, reason}
const errors = [];     // exceptions in our inbox listeners and in background sends
const users = new Map(); // name -> the actor's own state:
for (const name of USERS) {
  users.set(name, {
    keyPairs: [await generateCryptoKeyPair("RSASSA-PKCS1-v1_5"), await generateCryptoKeyPair("Ed25519")],
    followers: new Map(), // actor id -> { id, inboxId, endpoints } (a Recipient)
    following: new Map(), // actor id -> { follow: Follow, state: "pending"|"accepted"|"rejected" }
    blocks: new Map(),    // actor id -> Block
  });
}
const followIds = new Map();   // id of a received Follow -> { actor: its actor id, user: the local user followed }
const sentFollows = new Map(); // id of a Follow we sent -> the local user who sent it
const notes = new Map();       // local id -> { user, note, recipients }
const polls = new Map();       // local id -> { user, question, recipients, options, counts, voters: Set }
let followPolicy = "accept"; // what to do with an incoming Follow: accept | reject | ignore
// Media and pages this peer serves (outside Fedify), and who asked for them.
const files = new Map();       // path -> { type, body }
const accessLog = [];          // { method, path, ip, userAgent, at } of every request to /media/ and /pages/
const rawInbox = [];           // every JSON body POSTed to an inbox, as sent (before Fedify reads it)
const profiles = new Map();    // user -> { fields: [{name, value}], icon: bool, claimVerified: bool }

// A PNG of width x height, made here (a gradient; `seed` changes its colours).
function png(width, height, seed = 0) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([(x * 4 + seed) & 255, (y * 5) & 255, (seed * 7) & 255], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}
for (const name of USERS) files.set(`/media/avatar-${name}.png`, { type: "image/png", body: png(96, 96, name.length) });

const federation = createFederation({ kv: new MemoryKvStore(), origin: ORIGIN, allowPrivateAddress: true });

const displayName = (name) => `${name[0].toUpperCase()}${name.slice(1)} of ${opt.host}`;
federation.setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
  if (!users.has(identifier)) return null;
  const keys = await ctx.getActorKeyPairs(identifier);
  const profile = profiles.get(identifier);
  return new Person({
    id: ctx.getActorUri(identifier), preferredUsername: identifier, name: displayName(identifier),
    summary: "Fedify test peer", url: ctx.getActorUri(identifier),
    inbox: ctx.getInboxUri(identifier), endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
    followers: ctx.getFollowersUri(identifier),
    publicKey: keys[0].cryptographicKey, assertionMethods: keys.map((k) => k.multikey),
    icon: profile?.icon ? new Image({ url: new URL(`${ORIGIN}/media/avatar-${identifier}.png`), mediaType: "image/png" }) : null,
    attachments: (profile?.fields ?? []).map((f) => new PropertyValue({ name: f.name, value: f.value })),
  });
}).setKeyPairsDispatcher((_ctx, identifier) => users.get(identifier)?.keyPairs ?? [])
  .mapHandle((_ctx, username) => (users.has(username) ? username : null));

federation.setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) =>
  users.has(identifier) ? { items: [...users.get(identifier).followers.values()] } : null,
).setCounter((_ctx, identifier) => users.get(identifier)?.followers.size ?? null);

federation.setObjectDispatcher(Note, "/users/{identifier}/notes/{id}", (_ctx, { identifier, id }) => {
  const entry = notes.get(id);
  return entry?.user === identifier ? entry.note : null;
});

federation.setObjectDispatcher(Question, "/users/{identifier}/polls/{id}", (_ctx, { identifier, id }) => {
  const entry = polls.get(id);
  return entry?.user === identifier ? entry.question : null;
});

federation.setNodeInfoDispatcher("/nodeinfo/2.1", () => ({
  software: { name: "fedify-test-peer", version: "2.3.6" }, protocols: ["activitypub"],
  openRegistrations: false, usage: { users: { total: users.size }, localPosts: notes.size, localComments: 0 },
}));

// ---- inbox ----
async function record(ctx, activity) {
  received.push(await activity.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader }));
}
const me = (ctx, user) => ctx.getActorUri(user);
const newId = (ctx, user, kind) => new URL(`${me(ctx, user).href}#${kind}/${randomUUID()}`);
// The local user an actor URI names, or null.
function localUser(ctx, uri) {
  const parsed = uri ? ctx.parseUri(uri) : null;
  return parsed?.type === "actor" && users.has(parsed.identifier) ? parsed.identifier : null;
}

const inbox = federation.setInboxListeners("/users/{identifier}/inbox", "/inbox");
inbox.on(Follow, async (ctx, follow) => {
  // The policy when the Follow arrived: a driver may change it as soon as it sees the Follow.
  const policy = followPolicy;
  await record(ctx, follow);
  const user = localUser(ctx, follow.objectId);
  if (follow.id && follow.actorId) followIds.set(follow.id.href, { actor: follow.actorId.href, user });
  if (!user || policy === "ignore") return;
  const follower = await follow.getActor(ctx);
  if (!isActor(follower)) throw new Error("Follow without a resolvable actor");
  const Reply = policy === "accept" ? Accept : Reject;
  // A plain Recipient (not the actor object): the followers collection then lists bare ids.
  const recipient = { id: follower.id, inboxId: follower.inboxId, endpoints: follower.endpoints };
  if (policy === "accept") users.get(user).followers.set(follower.id.href, recipient);
  // Answer after the 202, as a queue-backed server would: the follower may hold locks meanwhile.
  const reply = new Reply({ id: newId(ctx, user, policy), actor: me(ctx, user), object: follow, to: follower.id });
  setTimeout(() => ctx.sendActivity({ identifier: user }, follower, reply).catch((e) => {
    console.error(`sending ${reply.id.href} failed:`, e);
    errors.push(`sending ${reply.id.href}: ${e?.message ?? e}`);
  }), 0);
});
for (const [Type, state] of [[Accept, "accepted"], [Reject, "rejected"]]) {
  inbox.on(Type, async (ctx, activity) => {
    await record(ctx, activity);
    // Mastodon-style servers may embed or only reference the Follow: by its id we know who
    // sent it; otherwise every local user with a follow of the answering actor is meant.
    const sender = sentFollows.get(activity.objectId?.href);
    for (const [name, u] of users) {
      const entry = u.following.get(activity.actorId?.href);
      if (entry && (!sender || sender === name)) entry.state = state;
    }
  });
}
inbox.on(Undo, async (ctx, undo) => {
  await record(ctx, undo);
  // The Follow may be embedded or only referenced by id (then it is fetched, if possible).
  const object = await undo.getObject(ctx).catch(() => null);
  const known = followIds.get(undo.objectId?.href);
  const undoesFollow = object instanceof Follow || known?.actor === undo.actorId?.href;
  if (!undoesFollow || !undo.actorId) return;
  // The user it followed: the embedded Follow's object, else the Follow we recorded; else all.
  const user = (object instanceof Follow ? localUser(ctx, object.objectId) : null) ?? known?.user;
  for (const [name, u] of users) if (!user || user === name) u.followers.delete(undo.actorId.href);
});
inbox.on(Block, async (ctx, block) => {
  await record(ctx, block);
  if (!block.actorId) return;
  const user = localUser(ctx, block.objectId);
  for (const [name, u] of users) {
    if (user && user !== name) continue;
    u.followers.delete(block.actorId.href);
    u.following.delete(block.actorId.href);
  }
});
// A Create of a Note with a name, in reply to one of our Questions, is a vote: counted.
inbox.on(Create, async (ctx, create) => {
  await record(ctx, create);
  const note = await create.getObject(ctx).catch(() => null);
  if (!(note instanceof Note) || !note.name || !note.replyTargetId) return;
  const parsed = ctx.parseUri(note.replyTargetId);
  const poll = parsed?.type === "object" ? polls.get(parsed.values.id) : null;
  const choice = poll?.options.indexOf(String(note.name));
  if (poll && choice >= 0) {
    poll.counts[choice] += 1;
    poll.voters.add(create.actorId?.href);
  }
});
for (const Type of [Update, Delete, Announce, Like, Flag, Activity]) inbox.on(Type, record);
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
async function lookupAny(ctx, user, target, check = (o) => o != null) {
  const object = await ctx.lookupObject(target, { documentLoader: await ctx.getDocumentLoader({ identifier: user }) });
  if (!check(object)) throw new Error(`could not resolve ${target} (${object ? `got a ${object.constructor.name}` : await whyNot(target)})`);
  return object;
}
const lookupActor = (ctx, user, target) => lookupAny(ctx, user, target, isActor);
const authorOf = (ctx, user, object) => {
  if (!object.attributionId) throw new Error(`${object.id?.href} has no attributedTo`);
  return lookupActor(ctx, user, object.attributionId.href);
};
const uniq = (actors) => [...new Map(actors.map((a) => [a.id.href, a])).values()];
const send = (ctx, user, to, activity) => ctx.sendActivity({ identifier: user }, to, activity, { preferSharedInbox: true });

async function post(ctx, user, body) {
  const mentioned = await Promise.all([].concat(body.mention ?? []).map((m) => lookupActor(ctx, user, m)));
  const parentAuthor = body.inReplyTo ? await authorOf(ctx, user, await lookupAny(ctx, user, body.inReplyTo)) : null;
  const hashtags = [].concat(body.hashtags ?? []).map((h) => String(h).replace(/^#/, ""));
  if (hashtags.some((h) => !/^\w+$/u.test(h))) throw new Error(`bad hashtag in ${JSON.stringify(body.hashtags)}`);
  const visibility = body.to ?? "public";
  const followersUri = ctx.getFollowersUri(user);
  const direct = uniq([...mentioned, ...(parentAuthor ? [parentAuthor] : [])]);
  const to = { public: [PUBLIC_COLLECTION], unlisted: [followersUri], followers: [followersUri], direct: [] }[visibility];
  if (!to) throw new Error(`unknown visibility ${visibility}`);
  const cc = [...(visibility === "public" ? [followersUri] : visibility === "unlisted" ? [PUBLIC_COLLECTION] : []),
    ...direct.map((a) => a.id)];
  const links = mentioned.filter((a) => !String(body.content).includes(a.id.href))
    .map((a) => `<a href="${a.url?.href ?? a.id.href}" class="u-url mention">@${a.preferredUsername}@${a.id.host}</a> `);
  const tagLinks = hashtags.map((h) => ` <a href="${ORIGIN}/tags/${h.toLowerCase()}" class="mention hashtag" rel="tag">#<span>${h}</span></a>`);
  const id = randomUUID();
  const noteId = ctx.getObjectUri(Note, { identifier: user, id });
  // `image: "NAME"` attaches /media/NAME.png, served (and logged) by this peer.
  const attachments = [].concat(body.image ?? []).map((name, i) => {
    if (!/^[a-z0-9_-]+$/.test(name)) throw new Error(`bad image name ${name}`);
    files.set(`/media/${name}.png`, { type: "image/png", body: png(120, 80, i + name.length) });
    return new Document({ url: new URL(`${ORIGIN}/media/${name}.png`), mediaType: "image/png", name: body.alt ?? null, width: 120, height: 80 });
  });
  const note = new Note({
    attachments,
    id: noteId, attribution: me(ctx, user), url: noteId,
    content: `<p>${links.join("")}${body.content ?? ""}${tagLinks.join("")}</p>`,
    tos: to, ccs: cc, published: Temporal.Now.instant(),
    replyTarget: body.inReplyTo ? new URL(body.inReplyTo) : null,
    tags: [
      ...mentioned.map((a) => new Mention({ href: a.id, name: `@${a.preferredUsername}@${a.id.host}` })),
      ...hashtags.map((h) => new Hashtag({ href: new URL(`${ORIGIN}/tags/${h.toLowerCase()}`), name: `#${h}` })),
    ],
  });
  const recipients = visibility === "direct" ? direct : uniq([...users.get(user).followers.values(), ...direct]);
  notes.set(id, { user, note, recipients });
  const create = new Create({ id: new URL(`${noteId.href}/activity`), actor: me(ctx, user), object: note, tos: to, ccs: cc, published: note.published });
  if (recipients.length) await send(ctx, user, recipients, create);
  return { id: noteId.href, activity: create.id.href, delivered: recipients.map((a) => a.id.href) };
}
// A Question to the user's followers: {content, options: [...], multiple?, as?}.
async function poll(ctx, user, body) {
  const options = [].concat(body.options ?? []).map(String);
  if (options.length < 2) throw new Error("options: two or more");
  const id = randomUUID();
  const questionId = ctx.getObjectUri(Question, { identifier: user, id });
  const followersUri = ctx.getFollowersUri(user);
  const choices = options.map((name) => new Note({ name, replies: new Collection({ totalItems: 0 }) }));
  const question = new Question({
    id: questionId, attribution: me(ctx, user), url: questionId,
    content: `<p>${body.content ?? "a question"}</p>`, tos: [PUBLIC_COLLECTION], ccs: [followersUri],
    published: Temporal.Now.instant(), endTime: Temporal.Now.instant().add({ hours: 1 }), voters: 0,
    ...(body.multiple ? { inclusiveOptions: choices } : { exclusiveOptions: choices }),
  });
  const recipients = [...users.get(user).followers.values()];
  polls.set(id, { user, question, recipients, options, counts: options.map(() => 0), voters: new Set() });
  const create = new Create({ id: new URL(`${questionId.href}/activity`), actor: me(ctx, user), object: question, tos: [PUBLIC_COLLECTION], ccs: [followersUri] });
  if (recipients.length) await send(ctx, user, recipients, create);
  return { id: questionId.href, delivered: recipients.map((a) => a.id.href) };
}
// A vote in someone's Question: a Create of a Note named after the option, to its author.
async function vote(ctx, user, q) {
  const question = await lookupAny(ctx, user, q.get("object"), (o) => o instanceof Question);
  const author = await authorOf(ctx, user, question);
  const noteId = newId(ctx, user, "votes");
  const note = new Note({ id: noteId, attribution: me(ctx, user), name: q.get("choice"), replyTarget: question.id, to: author.id });
  const create = new Create({ id: new URL(`${noteId.href}/activity`), actor: me(ctx, user), object: note, to: author.id });
  await send(ctx, user, author, create);
  return { id: create.id.href };
}

function ownNote(ctx, url) {
  const parsed = ctx.parseUri(new URL(url));
  const entry = parsed?.type === "object" ? notes.get(parsed.values.id) : null;
  if (!entry) throw new Error(`not a note of ours: ${url}`);
  return [parsed.values.id, entry];
}
// The local user a control call acts as: `as=NAME` in the query or `"as"` in the JSON body.
function actingUser(q, body) {
  const name = q.get("as") ?? body?.as ?? DEFAULT_USER;
  if (!users.has(name)) throw new Error(`no user ${name} here (users: ${USERS.join(", ")})`);
  return name;
}
const targetActor = async (ctx, user, q) => lookupActor(ctx, user, q.get("target") ?? (() => { throw new Error("target= required"); })());

const routes = {
  "GET /_test/received": () => received,
  "GET /_test/received-raw": () => rawInbox,
  "GET /_test/access-log": (_ctx, q) => accessLog.filter((e) => !q.get("path") || e.path === q.get("path")),
  "POST /_test/page": (_ctx, _q, body) => {
    if (!/^\/(pages|media)\/[a-z0-9_.-]+$/.test(body.path ?? "")) throw new Error("path=/pages/NAME or /media/NAME required");
    files.set(body.path, { type: body.type ?? "text/html; charset=utf-8", body: Buffer.from(body.html ?? "") });
    return { path: body.path };
  },
  "POST /_test/profile": async (ctx, q, body) => {
    const user = actingUser(q, body);
    profiles.set(user, { fields: body.fields ?? [], icon: !!body.icon, claimVerified: !!body.claimVerified });
    return { actor: me(ctx, user).href };
  },
  "GET /_test/rejected": () => rejected,
  "GET /_test/errors": () => errors,
  "GET /_test/users": (ctx) => USERS.map((u) => me(ctx, u).href),
  "GET /_test/followers": (_ctx, q) => [...users.get(actingUser(q)).followers.keys()],
  "GET /_test/following": (_ctx, q) =>
    Object.fromEntries([...users.get(actingUser(q)).following].map(([k, v]) => [k, v.state])),
  "POST /_test/reset": () => { received.length = rejected.length = errors.length = 0; return {}; },
  "POST /_test/follow-policy": (_ctx, q) => {
    if (!["accept", "reject", "ignore"].includes(q.get("mode"))) throw new Error("mode=accept|reject|ignore");
    followPolicy = q.get("mode");
    return { followPolicy };
  },
  "POST /_test/follow": async (ctx, q) => {
    const user = actingUser(q);
    // With inbox=URL the target (an actor URL) is not looked up: the Follow goes straight there.
    const target = q.get("inbox")
      ? { id: new URL(q.get("target")), inboxId: new URL(q.get("inbox")) }
      : await targetActor(ctx, user, q);
    const follow = new Follow({ id: newId(ctx, user, "follows"), actor: me(ctx, user), object: target.id, to: target.id });
    const { following } = users.get(user);
    following.set(target.id.href, { follow, state: "pending" }); // before: the Accept may beat the 202
    sentFollows.set(follow.id.href, user);
    await send(ctx, user, target, follow).catch((e) => { following.delete(target.id.href); throw e; });
    return { id: follow.id.href, target: target.id.href };
  },
  "POST /_test/unfollow": async (ctx, q) => {
    const user = actingUser(q);
    const target = await targetActor(ctx, user, q);
    const { following } = users.get(user);
    const entry = following.get(target.id.href);
    if (!entry) throw new Error(`not following ${target.id.href}`);
    const undo = new Undo({ id: newId(ctx, user, "undo"), actor: me(ctx, user), object: entry.follow, to: target.id });
    await send(ctx, user, target, undo);
    following.delete(target.id.href);
    return { id: undo.id.href };
  },
  "POST /_test/post": (ctx, q, body) => post(ctx, actingUser(q, body), body),
  "POST /_test/poll": (ctx, q, body) => poll(ctx, actingUser(q, body), body),
  "POST /_test/vote": (ctx, q) => vote(ctx, actingUser(q), q),
  "GET /_test/polls": () => Object.fromEntries([...polls].map(([id, p]) =>
    [p.question.id.href, { options: p.options, counts: p.counts, voters: p.voters.size }])),
  "POST /_test/reply": (ctx, q, body) => {
    if (!body.inReplyTo) throw new Error("inReplyTo required");
    return post(ctx, actingUser(q, body), body);
  },
  "POST /_test/like": async (ctx, q) => {
    const user = actingUser(q);
    const object = await lookupAny(ctx, user, q.get("object"));
    const author = await authorOf(ctx, user, object);
    const like = new Like({ id: newId(ctx, user, "likes"), actor: me(ctx, user), object: object.id, to: author.id });
    await send(ctx, user, author, like);
    return { id: like.id.href };
  },
  "POST /_test/announce": async (ctx, q) => {
    const user = actingUser(q);
    const object = await lookupAny(ctx, user, q.get("object"));
    const author = await authorOf(ctx, user, object);
    const announce = new Announce({
      id: newId(ctx, user, "announces"), actor: me(ctx, user), object: object.id, published: Temporal.Now.instant(),
      tos: [PUBLIC_COLLECTION], ccs: [ctx.getFollowersUri(user), author.id],
    });
    const recipients = uniq([...users.get(user).followers.values(), author]);
    await send(ctx, user, recipients, announce);
    return { id: announce.id.href, delivered: recipients.map((a) => a.id.href) };
  },
  "POST /_test/delete": async (ctx, q) => {
    const [id, { user, note, recipients }] = ownNote(ctx, q.get("object"));
    const del = new Delete({
      id: newId(ctx, user, "deletes"), actor: me(ctx, user), tos: note.toIds, ccs: note.ccIds,
      object: new Tombstone({ id: note.id, deleted: Temporal.Now.instant() }),
    });
    notes.delete(id);
    if (recipients.length) await send(ctx, user, recipients, del);
    return { id: del.id.href };
  },
  "POST /_test/update": async (ctx, _q, body) => {
    const [id, entry] = ownNote(ctx, body.id);
    const { user } = entry;
    entry.note = entry.note.clone({ content: `<p>${body.content}</p>`, updated: Temporal.Now.instant() });
    notes.set(id, entry);
    const update = new Update({ id: newId(ctx, user, "updates"), actor: me(ctx, user), object: entry.note, tos: entry.note.toIds, ccs: entry.note.ccIds });
    if (entry.recipients.length) await send(ctx, user, entry.recipients, update);
    return { id: update.id.href };
  },
  "POST /_test/block": async (ctx, q) => {
    const user = actingUser(q);
    const target = await targetActor(ctx, user, q);
    const block = new Block({ id: newId(ctx, user, "blocks"), actor: me(ctx, user), object: target.id, to: target.id });
    const u = users.get(user);
    u.blocks.set(target.id.href, block);
    u.followers.delete(target.id.href);
    await send(ctx, user, target, block);
    return { id: block.id.href };
  },
  "POST /_test/unblock": async (ctx, q) => {
    const user = actingUser(q);
    const target = await targetActor(ctx, user, q);
    const { blocks } = users.get(user);
    const block = blocks.get(target.id.href);
    if (!block) throw new Error(`not blocking ${target.id.href}`);
    const undo = new Undo({ id: newId(ctx, user, "undo"), actor: me(ctx, user), object: block, to: target.id });
    await send(ctx, user, target, undo);
    blocks.delete(target.id.href);
    return { id: undo.id.href };
  },
  "POST /_test/flag": async (ctx, q, body) => {
    const user = actingUser(q, body);
    const target = await lookupActor(ctx, user, body.target);
    const flag = new Flag({
      id: newId(ctx, user, "flags"), actor: me(ctx, user), content: body.content ?? "",
      objects: [target.id, ...(body.object ? [new URL(body.object)] : [])],
    });
    await send(ctx, user, target, flag);
    return { id: flag.id.href };
  },
};

// ---- HTTPS server: /_test/* here, everything else through Fedify ----
const json = (status, value) => new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
// A claim of verification where ActivityPub has none (some servers send one): the peer
// injects `verified_at` into its actors' PropertyValues when asked to; Palisade must ignore it.
async function withClaims(url, response) {
  const m = /^\/users\/([a-z0-9_]+)$/.exec(url.pathname);
  if (!m || !profiles.get(m[1])?.claimVerified || !(response.headers.get("content-type") ?? "").includes("json")) return response;
  const doc = await response.json();
  for (const a of [].concat(doc.attachment ?? [])) if (a.type === "PropertyValue") a.verified_at = "2024-01-01T00:00:00Z";
  return new Response(JSON.stringify(doc), { status: response.status, headers: response.headers });
}

async function handle(request, client) {
  const url = new URL(request.url);
  if (url.pathname.startsWith("/media/") || url.pathname.startsWith("/pages/")) {
    accessLog.push({ method: request.method, path: url.pathname, ip: client, userAgent: request.headers.get("user-agent"), at: Date.now() });
    const f = files.get(url.pathname);
    return f ? new Response(f.body, { status: 200, headers: { "content-type": f.type } }) : new Response("Not found", { status: 404 });
  }
  if (request.method === "POST" && /^\/(users\/[a-z0-9_]+\/)?inbox$/.test(url.pathname)) {
    try { rawInbox.push(JSON.parse(await request.clone().text())); } catch { /* not JSON: Fedify answers */ }
  }
  if (!url.pathname.startsWith("/_test/")) {
    return withClaims(url, await federation.fetch(request, {
      contextData: undefined,
      onNotFound: () => new Response("Not found", { status: 404 }),
      onNotAcceptable: () => new Response("Not acceptable", { status: 406 }),
    }));
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
      { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined }), req.socket.remoteAddress);
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
server.listen(Number(opt.port), opt.ip, () => console.log(`fedify peer ${ORIGIN} (${USERS.map((u) => `acct:${u}@${opt.host}`).join(", ")}) on ${opt.ip}:${opt.port}`));
