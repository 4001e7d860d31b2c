// The app shell: hash routing, lazy-loaded views, focus and announcements on navigation.
import { h, clear, announce, errorArea } from "./ui.js";

const app = document.getElementById("app");
let current = null; // {controller, cleanup}
let firstRender = true;

/** "#/a/b?x=1" -> {parts: ["a","b"], query: URLSearchParams} */
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const q = raw.indexOf("?");
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : "");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), query };
}

const routes = [
  { match: (p) => p.length === 0, name: "home", load: async () => ({ render: renderHome }) },
  { match: (p) => p[0] === "practice" && p.length <= 2, name: "practice", load: () => import("./practice.js"),
    params: (p) => ({ sessionId: p[1] || null }) },
  { match: (p) => p[0] === "report" && p.length === 2, name: "report", load: () => import("./report.js"),
    params: (p) => ({ sessionId: p[1] }) },
  { match: (p) => p[0] === "join" && p.length === 1, name: "join", load: async () => ({ render: renderJoin }) },
  { match: (p) => p[0] === "candidate" && p.length === 2, name: "candidate", load: () => import("./candidate.js"),
    params: (p, q) => ({ sessionId: p[1], token: q.get("token") || "" }) },
  { match: (p) => p[0] === "recruiter" && p.length === 1, name: "recruiter", load: () => import("./recruiter.js"),
    params: () => ({}) },
  { match: (p) => p[0] === "recruiter" && p[1] === "session" && p.length === 3, name: "recruiter-session",
    load: () => import("./recruiter.js"), params: (p) => ({ sessionId: p[2] }) },
];

async function route() {
  const { parts, query } = parseHash();
  if (current) {
    current.controller.abort();
    try {
      current.cleanup?.();
    } catch (err) {
      console.error(err);
    }
  }
  const controller = new AbortController();
  current = { controller, cleanup: null };
  const entry = routes.find((r) => r.match(parts));
  document.body.dataset.route = entry ? entry.name : "not-found";
  const ctx = {
    signal: controller.signal,
    query,
    title: (t) => (document.title = t ? `${t} · Mock Interview` : "Mock Interview"),
  };
  const view = h("div.view");
  try {
    if (!entry) {
      renderNotFound(view, ctx);
    } else {
      const mod = await entry.load();
      if (controller.signal.aborted) return;
      const cleanup = await mod.render(view, entry.params ? entry.params(parts, query) : {}, ctx);
      if (controller.signal.aborted) {
        cleanup?.();
        return;
      }
      current.cleanup = cleanup || null;
    }
  } catch (err) {
    if (controller.signal.aborted) return;
    console.error(err);
    const box = errorArea("view-error");
    clear(view, h("h1", { tabindex: "-1" }, "Something went wrong"), box);
    box.show(err);
  }
  if (controller.signal.aborted) return;
  clear(app, view);
  markCurrentNav();
  const heading = app.querySelector("[data-autofocus]") || app.querySelector("h1");
  if (heading && !firstRender) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
    announce(heading.textContent);
  }
  firstRender = false;
}

function markCurrentNav() {
  const hash = location.hash || "#/";
  for (const a of document.querySelectorAll("header nav a")) {
    const target = a.getAttribute("href");
    if (hash === target || hash.startsWith(target + "/") || hash.startsWith(target + "?")) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

function renderHome(root, _params, ctx) {
  ctx.title("");
  clear(
    root,
    h("h1", "Mock Interview"),
    h("p.lead", "Practise answering interview questions and get every answer scored, or run candidate interviews as a recruiter."),
    h("ul.cards", [
      h("li.card", h("h2", h("a", { href: "#/practice" }, "Practice interview")),
        h("p", "Pick a topic and difficulty, answer by typing or speaking, and read your report.")),
      h("li.card", h("h2", h("a", { href: "#/recruiter" }, "Recruiter dashboard")),
        h("p", "Create candidate sessions, follow them, read reports and integrity timelines.")),
      h("li.card", h("h2", h("a", { href: "#/join" }, "Join with a link")),
        h("p", "Got an interview link from a recruiter? Open it here.")),
    ]),
  );
}

/** Extract session id and token from a pasted link (or a bare id). */
export function parseJoinInput(text) {
  const value = text.trim();
  const m = /#\/candidate\/([^/?#\s]+)(?:\?([^#\s]*))?/.exec(value);
  if (m) return { sessionId: decodeURIComponent(m[1]), token: new URLSearchParams(m[2] || "").get("token") || "" };
  return { sessionId: value, token: "" };
}

function renderJoin(root, _params, ctx) {
  ctx.title("Join an interview");
  const link = h("input", { id: "join-link", type: "text", required: true, autocomplete: "off", spellcheck: "false" });
  const token = h("input", { id: "join-token", type: "text", autocomplete: "off", spellcheck: "false" });
  const errors = errorArea("join-error");
  const form = h("form", { novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    errors.clear();
    const parsed = parseJoinInput(link.value);
    const tok = token.value.trim() || parsed.token;
    if (!parsed.sessionId) {
      errors.show("Paste the interview link you received, or its session ID.");
      link.focus();
      return;
    }
    if (!tok) {
      errors.show("This link has no access token. Paste the whole link, or enter the token below.");
      token.focus();
      return;
    }
    location.hash = `#/candidate/${encodeURIComponent(parsed.sessionId)}?token=${encodeURIComponent(tok)}`;
  } },
    h("div.field", h("label", { for: "join-link" }, "Interview link or session ID"), link),
    h("div.field", h("label", { for: "join-token" }, "Access token (if not in the link)"), token),
    errors,
    h("button.primary", { type: "submit" }, "Join interview"),
  );
  clear(root, h("h1", "Join an interview"), h("p", "Paste the link your recruiter sent you."), form);
}

function renderNotFound(root, ctx) {
  ctx.title("Not found");
  clear(root, h("h1", "Page not found"), h("p", "There is nothing at this address. ", h("a", { href: "#/" }, "Go to the home page"), "."));
}

// The skip link targets #app: keep it from being treated as a route.
document.querySelector("[data-skip]")?.addEventListener("click", (e) => {
  e.preventDefault();
  app.focus();
});

window.addEventListener("hashchange", route);
route();
