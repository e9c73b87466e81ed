// masto.js 8 against a running Palisade: lists, filters, polls and votes, as an app uses
// them. Usage: PALISADE_URL=… TOKEN_A=… TOKEN_B=… node features.mjs
import { createRestAPIClient } from "masto";

const url = process.env.PALISADE_URL ?? "http://localhost:3000";
const alice = createRestAPIClient({ url, accessToken: process.env.TOKEN_A });
const bob = createRestAPIClient({ url, accessToken: process.env.TOKEN_B });

function check(condition, message) {
  if (!condition) {
    console.error(`masto.js features: FAILED: ${message}`);
    process.exit(1);
  }
  console.log(`ok - ${message}`);
}

const bobAccount = await bob.v1.accounts.verifyCredentials();
const marker = `mastojs-${Date.now()}`;

// Lists: create, add a followed account, its posts in the list timeline, delete.
await alice.v1.accounts.$select(bobAccount.id).follow();
const list = await alice.v1.lists.create({ title: `friends ${marker}`, repliesPolicy: "list", exclusive: false });
check(list.id && list.repliesPolicy === "list", "list created");
await alice.v1.lists.$select(list.id).accounts.create({ accountIds: [bobAccount.id] });
const members = await alice.v1.lists.$select(list.id).accounts.list();
check(members.some((a) => a.id === bobAccount.id), "Bob is a member");
const inLists = await alice.v1.accounts.$select(bobAccount.id).lists.list();
check(inLists.some((l) => l.id === list.id), "the account's lists include it");
const listed = await bob.v1.statuses.create({ status: `for the list ${marker}`, visibility: "public" });
const timeline = await alice.v1.timelines.list.$select(list.id).list({ limit: 5 });
check(timeline.some((s) => s.id === listed.id), "the list timeline shows Bob's post");
const renamed = await alice.v1.lists.$select(list.id).update({ title: `renamed ${marker}` });
check(renamed.title.startsWith("renamed"), "list renamed");
await alice.v1.lists.$select(list.id).remove();

// Filters (v2): a hiding keyword takes a post out of the home timeline; a warning one marks it.
const hide = await alice.v2.filters.create({
  title: `hide ${marker}`,
  context: ["home"],
  filterAction: "hide",
  keywordsAttributes: [{ keyword: `${marker}-secret`, wholeWord: true }],
});
check(hide.keywords.length === 1 && hide.filterAction === "hide", "filter created with a keyword");
const warn = await alice.v2.filters.create({
  title: `warn ${marker}`,
  context: ["home"],
  filterAction: "warn",
  keywordsAttributes: [{ keyword: `${marker}-spoiler`, wholeWord: false }],
});
const hidden = await bob.v1.statuses.create({ status: `the ${marker}-secret`, visibility: "public" });
const warned = await bob.v1.statuses.create({ status: `a ${marker}-spoilers ahead`, visibility: "public" });
const home = await alice.v1.timelines.home.list({ limit: 20 });
check(!home.some((s) => s.id === hidden.id), "the hidden post is not in home");
const w = home.find((s) => s.id === warned.id);
check(w && w.filtered.length === 1 && w.filtered[0].filter.id === warn.id, "the warned post carries `filtered`");
const updated = await alice.v2.filters.$select(warn.id).update({ title: `still ${marker}` });
check(updated.title.startsWith("still"), "filter updated");
const all = await alice.v2.filters.list();
check(all.some((f) => f.id === hide.id) && all.some((f) => f.id === warn.id), "filters listed");
await alice.v2.filters.$select(hide.id).remove();
await alice.v2.filters.$select(warn.id).remove();

// Polls: Bob asks, Alice votes (twice in a multiple-choice poll), the counts follow.
const asked = await bob.v1.statuses.create({
  status: `which one? ${marker}`,
  visibility: "public",
  poll: { options: ["this", "that", "neither"], expiresIn: 600, multiple: true },
});
check(asked.poll && asked.poll.options.length === 3, "poll created");
let poll = await alice.v1.polls.$select(asked.poll.id).votes.create({ choices: [0] });
check(poll.votesCount === 1 && poll.ownVotes[0] === 0 && poll.voted, "Alice voted");
poll = await alice.v1.polls.$select(asked.poll.id).votes.create({ choices: [2] });
check(poll.votesCount === 2 && poll.votersCount === 1, "a second choice in a multiple-choice poll");
const asBob = await bob.v1.polls.$select(asked.poll.id).fetch();
check(asBob.options[0].votesCount === 1 && asBob.options[2].votesCount === 1, "Bob sees the counts");
let refused = false;
try {
  await bob.v1.polls.$select(asked.poll.id).votes.create({ choices: [1] });
} catch (e) {
  refused = e?.statusCode === 422;
}
check(refused, "no vote in one's own poll (422)");

for (const s of [listed, hidden, warned, asked]) await bob.v1.statuses.$select(s.id).remove();
await alice.v1.accounts.$select(bobAccount.id).unfollow();
console.log("masto.js features: all checks passed");
