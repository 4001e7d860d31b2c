// The organisation's sessions: a status filter, a page size, and cursor paging (previous pages on a stack).
import { api, choices } from "../api.js";
import { h, clear, errorArea, field, fmtDate, yesNo } from "../ui.js";
import { label } from "./labels.js";

const PAGE_SIZES = [10, 25, 50, 100, 200]; // choices offered, not a limit: the API caps the page itself
const DEFAULT_PAGE_SIZE = 25;

/** limits: the recruiter part of GET /api/config (the statuses to filter by). */
export function sessionsCard(limits, ctx) {
  const ui = {
    filter: h("select#status-filter", h("option", { value: "" }, "All"), choices(limits.statuses).map((s) => h("option", { value: s }, label(s)))),
    limit: h("select#page-size", PAGE_SIZES.map((n) => h("option", { value: String(n), selected: n === DEFAULT_PAGE_SIZE }, String(n)))),
    prev: h("button#prev-page", { type: "button", disabled: true, onclick: () => page(-1) }, "Previous page"),
    next: h("button#next-page", { type: "button", disabled: true, onclick: () => page(1) }, "Next page"),
    pageInfo: h("p.muted", { "data-testid": "page-info", "aria-live": "polite" }),
    errors: errorArea("sessions-error"),
    tableWrap: h("div"),
  };
  const paging = { cursor: null, stack: [], nextCursor: null };
  const load = (reset, dir = 0) => loadSessions(ui, paging, ctx, reset, dir);
  const page = (dir) => {
    if (dir > 0 && paging.nextCursor) {
      paging.stack.push(paging.cursor);
      paging.cursor = paging.nextCursor;
    } else if (dir < 0 && paging.stack.length) {
      paging.cursor = paging.stack.pop();
    } else return;
    load(false, dir);
  };
  ui.filter.addEventListener("change", () => load(true));
  ui.limit.addEventListener("change", () => load(true));
  const element = h("section.card", { "aria-labelledby": "sessions-h" },
    h("div.section-head", h("h2#sessions-h", "Sessions"), h("button", { type: "button", onclick: () => load(false) }, "Refresh sessions")),
    h("div.filters", field("Status filter", ui.filter), field("Page size", ui.limit)),
    ui.errors, ui.tableWrap,
    h("div.pager", ui.prev, ui.next, ui.pageInfo),
  );
  return { element, load };
}

async function loadSessions(ui, paging, ctx, reset, dir) {
  if (reset) {
    paging.cursor = null;
    paging.stack = [];
  }
  ui.errors.clear();
  const q = new URLSearchParams({ limit: ui.limit.value });
  if (ui.filter.value) q.set("status", ui.filter.value);
  if (paging.cursor) q.set("cursor", paging.cursor);
  ui.prev.disabled = ui.next.disabled = true;
  try {
    const { data } = await api(`/api/parallel_interview/sessions?${q}`, { signal: ctx.signal });
    paging.nextCursor = data.next_cursor || null;
    const rows = Array.isArray(data.sessions) ? data.sessions : [];
    const pageNo = paging.stack.length + 1;
    const status = ui.filter.value;
    clear(ui.tableWrap, rows.length
      ? sessionsTable(rows, pageNo)
      : h("p.muted", { "data-testid": "no-sessions" }, status ? `No ${label(status)} sessions.` : "No sessions yet."));
    ui.pageInfo.textContent = `Page ${pageNo} · ${rows.length} shown · ${data.total ?? "?"} ${status ? label(status) : "in total"}`;
    ui.prev.disabled = paging.stack.length === 0;
    ui.next.disabled = !paging.nextCursor;
    if (dir) (dir > 0 ? (ui.next.disabled ? ui.prev : ui.next) : (ui.prev.disabled ? ui.next : ui.prev)).focus();
  } catch (err) {
    if (err.name === "AbortError") return;
    ui.errors.show(err);
    ui.prev.disabled = paging.stack.length === 0;
    ui.next.disabled = !paging.nextCursor;
  }
}

function sessionsTable(rows, pageNo) {
  return h("div.table-wrap", { tabindex: "0", role: "region", "aria-label": "Sessions table" },
    h("table#sessions-table", { "data-testid": "sessions-table" },
      h("caption.visually-hidden", `Sessions, page ${pageNo}`),
      h("thead", h("tr", ["Candidate", "Email", "Status", "Created", "Job", "Question", "Consent"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", rows.map((r) => {
        const id = r.session_id || r.proctoring_session_id;
        return h("tr", { "data-session-id": id },
          h("th", { scope: "row" }, h("a", { href: `#/recruiter/session/${encodeURIComponent(id)}` }, r.user_details?.name || id)),
          h("td", r.user_details?.email || "—"),
          h("td", h("span", { class: `pill ${r.status}` }, label(r.status))),
          h("td", fmtDate(r.created_at)),
          h("td", r.job_title || "—"),
          h("td", String(r.question_index ?? "—")),
          h("td", yesNo(r.consent_received)),
        );
      })),
    ));
}
