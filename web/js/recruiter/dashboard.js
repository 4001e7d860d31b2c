// The recruiter dashboard: access, statistics, creating sessions, the sessions list and jobs, one card each.
import { api, getApiKey, setApiKey } from "../api.js";
import { h, clear, errorArea, statusLine, field } from "../ui.js";
import { createCard } from "./create.js";
import { sessionsCard } from "./sessions.js";
import { jobsCard } from "./jobs.js";

/** limits: the recruiter part of GET /api/config. */
export function renderDashboard(root, limits, ctx) {
  ctx.title("Recruiter");
  const stats = statsCard(ctx);
  const sessions = sessionsCard(limits, ctx);
  const create = createCard(limits, ctx, () => {
    sessions.load(true);
    stats.load();
  });
  const jobs = jobsCard(limits, ctx, (list) => create.showJobs(list));
  const reloadAll = () => {
    stats.load();
    sessions.load(true);
    jobs.load();
  };
  clear(root, h("h1", "Recruiter dashboard"), accessCard(reloadAll), stats.element, create.element, sessions.element, jobs.element);
  reloadAll();
}

/** The organisation's API key, kept for the tab; changing it reloads every card. */
function accessCard(reloadAll) {
  const keyInput = h("input#api-key", { type: "password", autocomplete: "off", spellcheck: "false", value: getApiKey() });
  const keyStatus = statusLine("key-status");
  keyInput.addEventListener("change", () => {
    setApiKey(keyInput.value.trim());
    keyStatus.set(keyInput.value.trim() ? "API key saved for this tab." : "No API key: requests are sent without one.");
    reloadAll();
  });
  const forget = h("button", { type: "button", onclick: () => {
    keyInput.value = "";
    setApiKey("");
    keyStatus.set("API key forgotten.");
    reloadAll();
  } }, "Forget key");
  return h("section.card", { "aria-labelledby": "access-h" },
    h("h2#access-h", "Access"),
    h("form", { onsubmit: (e) => {
      e.preventDefault();
      keyInput.dispatchEvent(new Event("change"));
    } },
      field("API key", keyInput, "Your organisation's key (header X-API-Key), kept for this browser tab only. Not needed when the local API runs without access control."),
      h("div.actions", h("button", { type: "submit" }, "Save key"), forget),
    ),
    keyStatus,
  );
}

function statsCard(ctx) {
  const body = h("div");
  const errors = errorArea("stats-error");
  const load = async () => {
    errors.clear();
    try {
      const { data } = await api("/api/parallel_interview/stats", { signal: ctx.signal });
      const s = data.stats || {};
      clear(body, h("ul.stat-cards", { "data-testid": "stats" }, [
        ["Total", s.total_sessions], ["In progress", s.active_sessions], ["Completed", s.completed_sessions],
        ["Initialized", s.initialized_sessions], ["Abandoned", s.abandoned_sessions], ["LiveKit rooms", s.active_livekit_rooms],
      ].map(([k, v]) => h("li.stat", h("span.stat-value", v ?? "—"), h("span.stat-label", k)))));
    } catch (err) {
      if (err.name !== "AbortError") errors.show(err);
    }
  };
  const element = h("section.card", { "aria-labelledby": "stats-h" },
    h("div.section-head", h("h2#stats-h", "Statistics"), h("button", { type: "button", onclick: () => load() }, "Refresh statistics")),
    errors, body,
  );
  return { element, load };
}
