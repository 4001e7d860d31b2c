// A session's details: the candidate and the actions (end, share the report, delete), progress, the
// questions with their rubrics, proctoring, and the report with its integrity timeline.
import { api, choices } from "../api.js";
import { h, clear, append, announce, errorArea, statusLine, confirmButton, dl, list, fmtDate, fmtNumber, yesNo } from "../ui.js";
import { pollReport, renderReport, renderIntegrity } from "../report.js";
import { label, shareLabel } from "./labels.js";
import { codingSpec } from "../coding.js";
import { downloadPdfButton, shareLinkCard } from "../report-actions.js";

const sessionPath = (sessionId) => `/api/parallel_interview/session/${encodeURIComponent(sessionId)}`;

/** limits: the recruiter part of GET /api/config (the report's share values). */
export function renderDetail(root, sessionId, limits, ctx) {
  ctx.title("Session details");
  const view = {
    sessionId, ctx, limits,
    errors: errorArea("detail-error"),
    status: statusLine("detail-status"),
    body: h("div"),
    report: { body: h("div"), status: statusLine("detail-report-status"), errors: errorArea("detail-report-error"), ctl: null },
    actionErrors: errorArea("action-error"),
    actionStatus: statusLine("action-status"),
  };
  clear(root,
    h("p", h("a", { href: "#/recruiter" }, h("span", { "aria-hidden": "true" }, "← "), "Back to the dashboard")),
    h("h1", "Session details"),
    view.status, view.errors, view.body,
  );
  loadDetail(view);
  return () => view.report.ctl?.abort();
}

async function loadDetail(view) {
  const { sessionId, ctx, errors, status, body } = view;
  errors.clear();
  status.set("Loading…");
  let data;
  try {
    ({ data } = await api(sessionPath(sessionId), { signal: ctx.signal }));
  } catch (err) {
    if (err.name === "AbortError") return;
    status.set("");
    errors.show(err);
    if (err.status === 401 || err.status === 403) append(body, h("p", "Enter your API key on the ", h("a", { href: "#/recruiter" }, "dashboard"), "."));
    return;
  }
  status.set("");
  const s = data.session || {};
  clear(body,
    candidateCard(view, s),
    progressCard(s, data.interview_state || {}),
    Array.isArray(data.questions) ? questionsCard(data.questions) : null,
    proctoringCard(s, data.livekit_room || {}),
    h("section", { "aria-labelledby": "rep-h" }, h("h2#rep-h", "Report"), view.report.status, view.report.errors, view.report.body),
  );
  loadReport(view, s.status, data.integrity);
}

function candidateCard(view, s) {
  const u = s.user_details || {};
  return h("section.card", { "aria-labelledby": "cand-h" },
    h("h2#cand-h", u.name || "Candidate"),
    dl([
      ["Email", u.email], ["Phone", u.phone || "—"], ["Session ID", h("code", s.session_id || view.sessionId)],
      ["Job", s.job_title || "—"], ["Created", fmtDate(s.created_at)], ["Started", fmtDate(s.started_at)], ["Completed", fmtDate(s.completed_at)],
    ], "compact"),
    h("div.actions", h("button", { type: "button", onclick: () => loadDetail(view) }, "Refresh"), endButton(view, s),
      downloadPdfButton(view.sessionId, view.ctx, { status: view.actionStatus, errors: view.actionErrors }), deleteButton(view)),
    shareControl(view, s),
    shareLinkCard(view.sessionId, view.ctx),
    view.actionStatus, view.actionErrors,
  );
}

function endButton(view, s) {
  const { sessionId, ctx, actionErrors, actionStatus } = view;
  const button = h("button#end-interview", { type: "button", disabled: s.status !== "in_progress", onclick: async () => {
    actionErrors.clear();
    button.disabled = true;
    try {
      const { data: r } = await api(`${sessionPath(sessionId)}/end`, { method: "POST", signal: ctx.signal });
      actionStatus.set(`${r.message || "Interview session ended"}. ${r.questions_answered ?? 0} questions answered.`);
      announce("Interview ended. The report is being prepared.");
      await loadDetail(view);
    } catch (err) {
      if (err.name === "AbortError") return;
      actionErrors.show(err);
      button.disabled = false;
    }
  } }, "End interview");
  return button;
}

/** What the candidate may read of their report (release-report): the API's share values. */
function shareControl(view, s) {
  const { sessionId, ctx, actionErrors, actionStatus } = view;
  const select = h("select#report-share", {}, choices(view.limits.report_shares).map((v) => h("option", { value: v }, shareLabel(v))));
  select.value = s.report_share || "none";
  const button = h("button#release-report", { type: "button", onclick: async () => {
    actionErrors.clear();
    button.disabled = true;
    try {
      const { data: r } = await api(`${sessionPath(sessionId)}/release-report`, { json: { share: select.value }, signal: ctx.signal });
      actionStatus.set(`The candidate now sees: ${shareLabel(r.share).toLowerCase()}.`);
    } catch (err) {
      if (err.name !== "AbortError") actionErrors.show(err);
    } finally {
      button.disabled = false;
    }
  } }, "Share with candidate");
  return h("div.field", h("label", { for: "report-share" }, "The candidate's report shows"), select, " ", button);
}

function deleteButton({ sessionId, ctx, actionErrors }) {
  return confirmButton("Delete session", "Confirm delete", async () => {
    actionErrors.clear();
    try {
      await api(sessionPath(sessionId), { method: "DELETE", signal: ctx.signal });
      announce("Session deleted.");
      location.hash = "#/recruiter";
    } catch (err) {
      if (err.name !== "AbortError") actionErrors.show(err);
    }
  }, { id: "delete-session" });
}

function progressCard(s, st) {
  const answered = s.current_question_count ?? 0;
  const total = s.total_questions || s.max_questions || 0;
  return h("section.card", { "aria-labelledby": "prog-h" },
    h("h2#prog-h", "Progress"),
    h("p", h("label", { for: "session-progress" }, `Answered ${answered} of ${total}`), " ",
      h("progress#session-progress", { max: String(total || 1), value: String(answered) }, `${answered} of ${total}`)),
    dl([
      ["Status", h("span", { class: `pill ${s.status}`, "data-testid": "session-status" }, label(s.status))],
      ["Current question", s.current_question ? `${(s.current_question_index ?? 0) + 1}. ${s.current_question}${s.current_question_type ? ` (${s.current_question_type})` : ""}` : "—"],
      ["Deadline", s.current_deadline ? fmtDate(s.current_deadline) : "—"],
      ["Maximum questions", s.max_questions],
      ["Average score", s.average_score == null ? "—" : fmtNumber(s.average_score)],
      ["Late answers", st.late_answers ?? 0],
      ["Timers", `${st.text_question_timer ?? "—"} s text, ${st.coding_question_timer ?? "—"} s coding`],
      ["Evaluation", label(s.evaluation_status)],
    ], "compact"),
  );
}

/** The questions and what each is graded against: the API gives them to the organisation only. */
function questionsCard(questions) {
  return h("section.card", { "aria-labelledby": "questions-h" },
    h("h2#questions-h", "Questions and rubrics"),
    h("ol.rubrics", { "data-testid": "session-questions" }, questions.map((q) => h("li",
      h("p", h("strong", q.text), " ", h("span.muted", `(${label(q.type)}${q.competency ? `, ${q.competency}` : ""}, weight ${fmtNumber(q.weight)})`)),
      q.reference_answer || q.key_points?.length
        ? dl([
          q.reference_answer ? ["Reference answer", h("p.pre", q.reference_answer)] : null,
          q.key_points?.length ? ["Key points", list(q.key_points)] : null,
        ], "compact")
        : q.coding ? null : h("p.muted.small", "No rubric: the grader may leave its answer for review."),
      q.coding ? codingSpec(q.coding) : null,
    ))),
  );
}

function proctoringCard(s, room) {
  return h("section.card", { "aria-labelledby": "proc-h" },
    h("h2#proc-h", "Proctoring"),
    dl([
      ["Consent", yesNo(s.consent_received)],
      ["Reference face", s.reference_face_captured ? "Captured" : "Not captured"],
      ["Proctoring violations", h("span", { "data-testid": "violations" }, String(s.proctoring_violations_count ?? 0))],
      ["LiveKit room", `${room.name || "—"}${room.fallback ? " (fallback mode)" : ""}, ${room.num_participants ?? 0} participants`],
    ], "compact"),
  );
}

/** The report once ready (polled when the session is completed); meanwhile the integrity timeline. */
async function loadReport({ sessionId, ctx, report }, sessionStatus, integrity) {
  report.ctl?.abort();
  report.ctl = new AbortController();
  const signal = report.ctl.signal;
  ctx.signal.addEventListener("abort", () => report.ctl?.abort(), { once: true });
  report.errors.clear();
  clear(report.body);
  const pending = (p) => {
    report.status.set(`Report not ready: ${p.detail || p.evaluation_status || "pending"}.`);
    if (integrity) clear(report.body, renderIntegrity(integrity));
  };
  try {
    if (sessionStatus === "completed") {
      report.status.set("Waiting for the report…");
      const ready = await pollReport(sessionId, { signal, onPending: pending });
      report.status.set("");
      clear(report.body, renderReport(ready), h("p", h("a", { href: `#/report/${encodeURIComponent(sessionId)}` }, "Open the report on its own page")));
      announce("Report ready.");
    } else {
      const res = await api(`/api/reports/${encodeURIComponent(sessionId)}`, { signal });
      if (res.status === 200) {
        report.status.set("");
        clear(report.body, renderReport(res.data));
      } else pending(res.data || {});
    }
  } catch (err) {
    if (err.name !== "AbortError") {
      report.status.set("");
      report.errors.show(err);
    }
  }
}
