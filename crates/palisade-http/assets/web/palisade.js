// Palisade's small progressive enhancements. Every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Menus (<details class="menu">): Escape closes and returns focus; a click outside closes.
  const menus = document.querySelectorAll("details.menu");
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    menus.forEach((m) => {
      if (m.open) { m.open = false; m.querySelector("summary").focus(); }
    });
  });
  document.addEventListener("click", (e) => {
    menus.forEach((m) => { if (m.open && !m.contains(e.target)) m.open = false; });
  });
  // Buttons that ask first (data-confirm).
  document.querySelectorAll("form[data-confirm]").forEach((f) => {
    f.addEventListener("submit", (e) => {
      if (!window.confirm(f.dataset.confirm)) e.preventDefault();
    });
  });
  // Filters that apply as soon as they change.
  document.querySelectorAll("select[data-autosubmit]").forEach((s) => {
    s.addEventListener("change", () => s.form.requestSubmit());
  });
  // Characters left while composing.
  document.querySelectorAll("textarea[data-max]").forEach((t) => {
    const out = document.getElementById(t.dataset.counter);
    if (!out) return;
    const max = Number(t.dataset.max);
    const update = () => { out.textContent = `${max - [...t.value].length} characters left`; };
    t.addEventListener("input", update);
    update();
  });
  // Files still processing: the page asks for itself again now and then and puts each
  // file in place once it is ready; the rest of the page (a draft being typed) stays.
  const waiting = () => document.querySelectorAll("figure[data-state=processing][data-media]");
  let tries = 0;
  const look = async () => {
    tries += 1;
    try {
      const r = await fetch(location.href, { credentials: "same-origin", headers: { accept: "text/html" } });
      if (r.ok) {
        const fresh = new DOMParser().parseFromString(await r.text(), "text/html");
        waiting().forEach((f) => {
          const now = fresh.querySelector(`figure[data-media="${f.dataset.media}"]`);
          if (now && now.dataset.state !== "processing") f.replaceWith(document.importNode(now, true));
        });
      }
    } catch (_) {
      // The next look may work.
    }
    if (waiting().length && tries < 40) setTimeout(look, Math.min(1500 * tries, 10000));
  };
  if (waiting().length) setTimeout(look, 1500);
});
