// What the app launch replays share: a request that must succeed with the shape the app
// decodes, the entity shapes (the fields each app's models require, with their JSON types),
// a WebSocket check, and some content so that lists are not empty.

export const url = process.env.PALISADE_URL ?? "http://localhost:3000";
export const token = process.env.TOKEN_A;
export const other = process.env.TOKEN_B;
let failures = 0;
let checks = 0;

function typeOf(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

// `spec`: { key: "string" | "number|null" | [spec] (array of) | {…} (nested) | "…?" (optional) }
export function mismatches(value, spec, path = "") {
  const out = [];
  if (Array.isArray(spec)) {
    if (!Array.isArray(value)) return [`${path || "."}: expected an array, got ${typeOf(value)}`];
    value.slice(0, 5).forEach((v, i) => out.push(...mismatches(v, spec[0], `${path}[${i}]`)));
    return out;
  }
  if (typeof spec === "string") {
    const optional = spec.endsWith("?");
    const types = spec.replace(/\?$/, "").split("|");
    if (value === undefined) return optional ? [] : [`${path}: missing`];
    return types.includes(typeOf(value)) ? [] : [`${path}: expected ${types.join(" or ")}, got ${typeOf(value)}`];
  }
  if (typeOf(value) !== "object") return [`${path || "."}: expected an object, got ${typeOf(value)}`];
  for (const [k, s] of Object.entries(spec)) {
    if (value[k] === undefined && typeof s === "string" && s.endsWith("?")) continue;
    if (value[k] === null && typeof s !== "string") {
      out.push(`${path}.${k}: null`);
      continue;
    }
    out.push(...mismatches(value[k], s, `${path}.${k}`));
  }
  return out;
}

function report(ok, line, detail) {
  checks += 1;
  if (ok) {
    console.log(`ok - ${line}`);
  } else {
    failures += 1;
    console.log(`not ok - ${line}: ${detail}`);
  }
}

// One call as the app makes it (`source`: the app's file it comes from).
export async function call(source, method, path, { body, shape, auth = token, form = false, expect } = {}) {
  const headers = {};
  if (auth) headers.authorization = `Bearer ${auth}`;
  let payload;
  if (body !== undefined) {
    if (form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      payload = new URLSearchParams(body).toString();
    } else {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body);
    }
  }
  const r = await fetch(`${url}${path}`, { method, headers, body: payload });
  const text = await r.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  const line = `${method} ${path} (${source})`;
  const wanted = expect ?? ((s) => s >= 200 && s < 300);
  if (!wanted(r.status)) {
    report(false, line, `status ${r.status}: ${text.slice(0, 200)}`);
    return json;
  }
  const problems = shape ? mismatches(json, shape) : [];
  report(problems.length === 0, line, problems.slice(0, 5).join("; "));
  return json;
}

// A WebSocket on /api/v1/streaming with the token as subprotocol (masto.js, Ice Cubes):
// subscribes to `streams`, then `trigger()` must make an event arrive.
export async function websocket(source, streamingUrl, streams, trigger) {
  const ws = new WebSocket(`${streamingUrl}/api/v1/streaming`, [token]);
  const events = [];
  const errors = [];
  ws.onmessage = (m) => {
    const v = JSON.parse(m.data);
    (v.error ? errors : events).push(v);
  };
  const opened = await new Promise((resolve) => {
    ws.onopen = () => resolve(true);
    ws.onerror = () => resolve(false);
    setTimeout(() => resolve(false), 5000);
  });
  report(opened && ws.protocol === token, `WebSocket ${streamingUrl}/api/v1/streaming (${source})`, `opened=${opened} protocol=${ws.protocol}`);
  if (!opened) return;
  for (const s of streams) ws.send(JSON.stringify({ type: "subscribe", ...s }));
  await new Promise((r) => setTimeout(r, 500));
  await trigger();
  for (let i = 0; i < 50 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  const names = streams.map((s) => s.stream).join(", ");
  report(errors.length === 0 && events.length > 0, `streams ${names} deliver an event (${source})`, `errors=${JSON.stringify(errors)} events=${events.length}`);
  ws.close();
}

export function done(app) {
  console.log(`${app}: ${checks - failures} of ${checks} calls answered as the app expects`);
  process.exit(failures === 0 ? 0 : 1);
}

// Something in every list the apps open on launch.
export async function prepare() {
  const h = (t) => ({ authorization: `Bearer ${t}`, "content-type": "application/json" });
  const post = async (t, path, body) => {
    const r = await fetch(`${url}${path}`, { method: "POST", headers: h(t), body: body && JSON.stringify(body) });
    return r.json();
  };
  const me = await (await fetch(`${url}/api/v1/accounts/verify_credentials`, { headers: h(token) })).json();
  const them = await (await fetch(`${url}/api/v1/accounts/verify_credentials`, { headers: h(other) })).json();
  await post(token, `/api/v1/accounts/${them.id}/follow`);
  await post(other, "/api/v1/statuses", { status: `@${me.acct} welcome #appreplay`, visibility: "public" });
  await post(other, "/api/v1/statuses", { status: `@${me.acct} a direct word`, visibility: "direct" });
  await post(other, "/api/v1/statuses", {
    status: "a question",
    poll: { options: ["yes", "no"], expires_in: 3600 },
  });
  const mine = await post(token, "/api/v1/statuses", { status: "my own #appreplay post", visibility: "public" });
  await post(other, `/api/v1/statuses/${mine.id}/favourite`);
  const list = await post(token, "/api/v1/lists", { title: "replay list" });
  await post(token, `/api/v1/lists/${list.id}/accounts`, { account_ids: [them.id] });
  await post(token, "/api/v2/filters", {
    title: "replay filter",
    context: ["home"],
    filter_action: "warn",
    keywords_attributes: [{ keyword: "nothing-matches-this" }],
  });
  await post(token, "/api/v1/featured_tags", { name: "appreplay" });
  await post(token, "/api/v1/tags/appreplay/follow");
  return { me, them, list };
}

// Entities, as the apps' models read them.
export const Emoji = { shortcode: "string", url: "string", static_url: "string" };
export const Account = {
  id: "string",
  username: "string",
  acct: "string",
  display_name: "string",
  locked: "boolean",
  bot: "boolean",
  created_at: "string",
  note: "string",
  url: "string",
  avatar: "string",
  avatar_static: "string",
  header: "string",
  header_static: "string",
  followers_count: "number",
  following_count: "number",
  statuses_count: "number",
  emojis: ["object"],
  fields: [{ name: "string", value: "string" }],
};
export const Poll = {
  id: "string",
  expired: "boolean",
  multiple: "boolean",
  votes_count: "number",
  options: [{ title: "string", votes_count: "number|null" }],
  emojis: "array",
};
export const Status = {
  id: "string",
  uri: "string",
  created_at: "string",
  account: Account,
  content: "string",
  visibility: "string",
  sensitive: "boolean",
  spoiler_text: "string",
  media_attachments: "array",
  mentions: [{ id: "string", username: "string", acct: "string", url: "string" }],
  tags: [{ name: "string", url: "string" }],
  emojis: "array",
  reblogs_count: "number",
  favourites_count: "number",
  replies_count: "number",
  reblog: "object|null",
  poll: "object|null",
  card: "object|null",
  filtered: "array?",
  favourited: "boolean",
  reblogged: "boolean",
  bookmarked: "boolean",
  muted: "boolean",
};
export const Notification = { id: "string", type: "string", created_at: "string", account: Account, status: "object?" };
export const Tag = { name: "string", url: "string", history: [{ day: "string", uses: "string", accounts: "string" }] };
export const List = { id: "string", title: "string", replies_policy: "string", exclusive: "boolean" };
export const Conversation = { id: "string", unread: "boolean", accounts: [Account], last_status: "object|null" };
export const Filter = {
  id: "string",
  title: "string",
  context: ["string"],
  expires_at: "string|null",
  filter_action: "string",
  keywords: [{ id: "string", keyword: "string", whole_word: "boolean" }],
};
export const Announcement = {
  id: "string",
  content: "string",
  all_day: "boolean",
  published_at: "string",
  updated_at: "string",
  read: "boolean",
  mentions: "array",
  tags: "array",
  emojis: "array",
  reactions: [{ name: "string", count: "number", me: "boolean" }],
};
export const Relationship = { id: "string", following: "boolean", followed_by: "boolean", blocking: "boolean", muting: "boolean", requested: "boolean" };
export const InstanceV2 = {
  domain: "string",
  title: "string",
  version: "string",
  configuration: {
    urls: { streaming: "string" },
    vapid: { public_key: "string" },
    statuses: { max_characters: "number", max_media_attachments: "number" },
    polls: { max_options: "number", max_characters_per_option: "number" },
    accounts: { max_featured_tags: "number" },
  },
  languages: ["string"],
  rules: "array",
};
export const Preferences = {
  "posting:default:visibility": "string",
  "posting:default:sensitive": "boolean",
  "posting:default:language": "string|null",
  "reading:expand:media": "string",
  "reading:expand:spoilers": "boolean",
};
export const Marker = { last_read_id: "string", version: "number", updated_at: "string" };
export const NotificationPolicy = {
  for_not_following: "string",
  for_not_followers: "string",
  for_new_accounts: "string",
  for_private_mentions: "string",
  for_limited_accounts: "string",
  summary: { pending_requests_count: "number", pending_notifications_count: "number" },
};
