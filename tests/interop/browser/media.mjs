// Media stories, shared by the standalone suite (suite.mjs) and usable by the federation
// harness: a member attaches a picture with its description in the compose form (one
// submit, no script needed) and sees it in the timeline; someone else sees it; a picture
// is looked for where the page shows it, and must have loaded from the instance itself.
import { assert, axe, follow, loadedImage, onlyOrigins, png, signIn, visit } from "./lib.mjs";

/** The post (article) whose text contains `text`. */
export const post = (text) => `article.status:has-text(${JSON.stringify(text)})`;

/** Fills the compose form on the current page with `text` and files, then posts. */
export async function compose(page, { text, files = [], sensitive = false, status = 200 }) {
  if (files.length) {
    const attach = await page.$("details.attach");
    if ((await attach.getAttribute("open")) === null) await page.click("details.attach > summary");
  }
  for (const [i, f] of files.entries()) {
    await page.setInputFiles(`#file_${i}`, { name: f.name, mimeType: f.type || "image/png", buffer: f.bytes });
    if (f.alt) await page.fill(`#description_${i}`, f.alt);
  }
  if (sensitive) await page.check("input[name=sensitive]");
  await page.fill("#status", text);
  await follow(page, () => page.click("form.compose button[type=submit]"), status);
}

/** A member posts a picture with alt text from home and finds it there; returns its thumbnail's address. */
export async function postPicture(page, { base, text, alt, color = [40, 160, 60] }) {
  await page.goto(`${base}/home`);
  await compose(page, { text, files: [{ name: "picture.png", bytes: png(320, 200, color), alt }] });
  assert(new URL(page.url()).pathname === "/home", `after posting: ${page.url()}`);
  return seePicture(page, { text, alt });
}

/** The picture of the post with `text` is on the current page, described by `alt`, loaded
 *  from this instance; its description opens on demand. Returns the thumbnail's address. */
export async function seePicture(page, { text, alt }) {
  const img = `${post(text)} .attachment img[alt=${JSON.stringify(alt)}]`;
  const src = await loadedImage(page, img);
  assert(src.startsWith("/system/"), `the thumbnail is served by the instance: ${src}`);
  const full = await page.getAttribute(`${post(text)} .attachment a`, "href");
  assert(full.startsWith("/system/"), `the full picture is the instance's: ${full}`);
  const altSummary = `${post(text)} details.alt > summary`;
  await page.click(altSummary);
  assert(await page.isVisible(`${post(text)} details.alt p:has-text(${JSON.stringify(alt)})`), "the description shows on demand");
  await page.click(altSummary);
  await axe(page);
  return src;
}

/** For the federation harness: a member finds a remote member's picture in her home, and the
 *  author's avatar, both served through the instance's proxy; every request the page makes
 *  goes to the instance (checked by finish()). */
export async function peerPicture(page, o) {
  onlyOrigins(o.base);
  await signIn(page, o.base, o.login, o.password);
  await visit(page, `${o.base}/home`);
  const src = await seePicture(page, { text: o.text, alt: o.alt });
  assert(src.startsWith("/system/proxy/"), `the peer's picture comes through the proxy: ${src}`);
  const avatar = await loadedImage(page, `${post(o.text)} header img.avatar`);
  assert(avatar.startsWith("/system/proxy/"), `the author's avatar comes through the proxy: ${avatar}`);
  return { src, avatar };
}
