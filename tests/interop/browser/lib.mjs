// Shared by the browser suites: one Chromium (Debian's) for the whole run, pages that record
// console errors, axe-core on every page visited, a check runner, and small helpers.
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const require = createRequire(import.meta.url);
// Injected through the DevTools protocol: the pages' CSP (rightly) refuses inline scripts.
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

let browser;
export async function launch() {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-dev-shm-usage"],
  });
  return browser;
}
export async function close() { if (browser) await browser.close(); }

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** Problems seen on any page: console errors, page errors, accessibility violations. */
export const problems = [];
export const visited = new Set();

/** Requests the pages made, and those that went anywhere but the instance's own origin. */
export const requests = { total: 0, foreign: [] };
let ownOrigins = null;
/** Every request a page makes must go to one of these origins (the no-IP promise): checked by finish(). */
export function onlyOrigins(...urls) { ownOrigins = new Set(urls.map((u) => new URL(u).origin)); }

/** A fresh browser context (its own cookies) and page that records console errors. */
export async function newPage({ viewport = DESKTOP, colorScheme = "light", ignoreHTTPSErrors = true } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, ignoreHTTPSErrors, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on("request", (r) => {
    const u = r.url();
    if (u.startsWith("data:") || u.startsWith("blob:")) return;
    requests.total++;
    if (ownOrigins && !ownOrigins.has(new URL(u).origin)) requests.foreign.push(`${r.resourceType()} ${u} (on ${page.url()})`);
  });
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error on ${page.url()}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`JavaScript error on ${page.url()}: ${e.message}`));
  return page;
}

/** Runs axe-core on the page; serious and critical violations are problems. */
export async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE);
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of bad) {
    problems.push(`axe ${v.impact} on ${page.url()}: ${v.id} (${v.help}) at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  }
  visited.add(new URL(page.url()).pathname);
  return bad;
}

/** Goes to a URL, expects a status, and checks the page with axe. */
export async function visit(page, url, status = 200) {
  const resp = await page.goto(url, { waitUntil: "load" });
  if (resp.status() !== status) {
    throw new Error(`GET ${url}: HTTP ${resp.status()} (wanted ${status}): ${(await page.textContent("main").catch(() => ""))?.slice(0, 300)}`);
  }
  await axe(page);
  return resp;
}

/** Waits for a navigation started by `action`, then checks the new page with axe. */
export async function follow(page, action, status = 200) {
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), action()]);
  if (resp && resp.status() !== status) {
    throw new Error(`${page.url()}: HTTP ${resp.status()} (wanted ${status}): ${(await page.textContent("main").catch(() => ""))?.slice(0, 300)}`);
  }
  await axe(page);
  return resp;
}

export async function signIn(page, base, login, password) {
  await visit(page, `${base}/auth/sign_in`);
  await page.fill("#login", login);
  await page.fill("#password", password);
  await follow(page, () => page.click("form[action='/auth/sign_in'] button[type=submit]"));
  if (new URL(page.url()).pathname.startsWith("/auth/sign_in")) {
    throw new Error(`sign-in as ${login} failed: ${await page.textContent("main")}`);
  }
}

let passed = 0, failed = 0;
export async function check(name, fn) {
  const start = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok - ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
    return true;
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}: ${String(e.stack || e).split("\n").slice(0, 4).join(" | ")}`);
    return false;
  }
}

/** The final checks every suite ends with; returns the process exit status. */
export async function finish() {
  if (ownOrigins) {
    await check(`every request the pages made (${requests.total}) went to the instance's own origin`, async () => {
      if (requests.foreign.length) throw new Error(requests.foreign.slice(0, 12).join("\n  "));
    });
  }
  await check(`no JavaScript error and no serious or critical axe violation on the ${visited.size} pages visited`, async () => {
    if (problems.length) throw new Error(problems.slice(0, 12).join("\n  "));
  });
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

export function assert(cond, msg) { if (!cond) throw new Error(msg); }

export async function poll(desc, probe, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      last = v;
    } catch (e) { last = e.message; }
    if (Date.now() > deadline) throw new Error(`${desc} (not within ${timeoutMs / 1000} s; last: ${JSON.stringify(last)?.slice(0, 300)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A Mastodon API call with a bearer token. */
export async function api(base, token, method, path, body) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

export async function screenshot(page, dir, name) {
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

/** Presses Tab until the focused element matches `pred` (keyboard-only navigation). */
export async function tabTo(page, desc, pred, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const el = await page.evaluate(() => {
      const a = document.activeElement;
      return a ? { tag: a.tagName, text: (a.innerText || a.value || "").trim(), href: a.getAttribute("href") || "" } : null;
    });
    if (el && pred(el)) return el;
  }
  throw new Error(`Tab never reached ${desc}`);
}

// A PNG made here (no image library): RGB, a gradient from `rgb`, so that tests upload real pictures.
const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
export function png(w, h, [r, g, b]) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = w * 3 + 1;
  const raw = Buffer.alloc(row * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = y * row + 1 + x * 3;
      raw[o] = r;
      raw[o + 1] = (g + Math.floor((x * 90) / w)) & 255;
      raw[o + 2] = (b + Math.floor((y * 90) / h)) & 255;
    }
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(raw)), pngChunk("IEND", Buffer.alloc(0))]);
}

/** Waits until the image matched by `selector` has loaded (scrolled into view: they are lazy). */
export async function loadedImage(page, selector) {
  const el = await page.waitForSelector(selector, { state: "attached", timeout: 10000 });
  await el.scrollIntoViewIfNeeded();
  await page.waitForFunction((i) => i.complete && i.naturalWidth > 0, el, { timeout: 10000 });
  return el.getAttribute("src");
}
