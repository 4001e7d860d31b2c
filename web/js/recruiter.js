// Recruiter dashboard: API key, statistics, create sessions, list and page sessions, jobs; session details.
import { api, getApiKey, setApiKey } from "./api.js";
import { h, clear, append, announce, errorArea, statusLine, field, confirmButton, dl, fmtDate, fmtNumber, yesNo } from "./ui.js";
import { pollReport, renderReport, renderIntegrity } from "./report.js";

const STATUSES = ["initialized", "in_progress", "completed", "abandoned"];
const label = (s) => (s ? s.replace(/_/g, " ") : "—");

export async function render(root, params, ctx) {
  return params.sessionId ? renderDetail(root, params.sessionId, ctx) : renderDashboard(root, ctx);
}

/** A "questions, one per line" textarea with a type select per line. */
function questionsEditor({ id, labelText, typeLabel }) {
  const textarea = h("textarea", { id, rows: "6", spellcheck: "true" });
  const types = h("div.types");
  const fieldset = h("fieldset.types-set", { hidden: true }, h("legend", "Question types"), types);
  let chosen = [];
  const lines = () => textarea.value.split("\n").map((l) => l.trim()).filter(Boolean);
  const sync = () => {
    const qs = lines();
    const current = [...types.querySelectorAll("select")].map((s) => s.value);
    if (current.length) chosen = current.concat(chosen.slice(current.length));
    if (current.length === qs.length && [...types.querySelectorAll(".qtext")].every((el, i) => el.textContent === qs[i])) return;
    clear(types, qs.map((q, i) => {
      const select = h("select", { id: `${id}-type-${i + 1}` },
        h("option", { value: "text" }, "Text"), h("option", { value: "coding" }, "Coding"));
      select.value = chosen[i] || "text";
      return h("div.type-row",
        h("label", { for: select.id }, `${typeLabel} ${i + 1}`),
        select,
        h("span.qtext.muted", q),
      );
    }));
    fieldset.hidden = qs.length === 0;
  };
  textarea.addEventListener("input", sync);
  return {
    element: h("div", field(labelText, textarea, "Write each question on its own line, then choose its type below."), fieldset),
    textarea,
    questions: lines,
    types: () => [...types.querySelectorAll("select")].map((s) => s.value),
    reset: () => {
      textarea.value = "";
      chosen = [];
      sync();
    },
  };
}

function renderDashboard(root, ctx) {
  ctx.title("Recruiter");

  // --- access ---
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
  const access = h("section.card", { "aria-labelledby": "access-h" },
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

  // --- stats ---
  const statsBody = h("div");
  const statsErrors = errorArea("stats-error");
  const stats = h("section.card", { "aria-labelledby": "stats-h" },
    h("div.section-head", h("h2#stats-h", "Statistics"), h("button", { type: "button", onclick: () => loadStats() }, "Refresh statistics")),
    statsErrors, statsBody,
  );
  async function loadStats() {
    statsErrors.clear();
    try {
      const { data } = await api("/api/parallel_interview/stats", { signal: ctx.signal });
      const s = data.stats || {};
      clear(statsBody, h("ul.stat-cards", { "data-testid": "stats" }, [
        ["Total", s.total_sessions], ["In progress", s.active_sessions], ["Completed", s.completed_sessions],
        ["Initialized", s.initialized_sessions], ["Abandoned", s.abandoned_sessions], ["LiveKit rooms", s.active_livekit_rooms],
      ].map(([k, v]) => h("li.stat", h("span.stat-value", v ?? "—"), h("span.stat-label", k)))));
    } catch (err) {
      if (err.name !== "AbortError") statsErrors.show(err);
    }
  }

  // --- create session ---
  const name = h("input#candidate-name", { type: "text", required: true, maxlength: "200", autocomplete: "off" });
  const email = h("input#candidate-email", { type: "email", required: true, autocomplete: "off" });
  const phone = h("input#candidate-phone", { type: "tel", maxlength: "40", autocomplete: "off" });
  const srcCustom = h("input#source-custom", { type: "radio", name: "source", value: "custom", checked: true });
  const srcJob = h("input#source-job", { type: "radio", name: "source", value: "job" });
  const editor = questionsEditor({ id: "questions", labelText: "Questions (one per line)", typeLabel: "Type of question" });
  const jobSelect = h("select#job-select");
  const customPanel = h("div", editor.element);
  const jobPanel = h("div", { hidden: true }, field("Choose a job", jobSelect, "The job's questions are used."));
  const onSource = () => {
    customPanel.hidden = !srcCustom.checked;
    jobPanel.hidden = !srcJob.checked;
  };
  srcCustom.addEventListener("change", onSource);
  srcJob.addEventListener("change", onSource);
  const maxQ = h("input#max-questions", { type: "number", min: "1", max: "50", step: "1", inputmode: "numeric" });
  const textTimer = h("input#text-timer", { type: "number", min: "10", max: "3600", step: "1", value: "120", inputmode: "numeric" });
  const codingTimer = h("input#coding-timer", { type: "number", min: "10", max: "7200", step: "1", value: "300", inputmode: "numeric" });
  const createErrors = errorArea("create-error");
  const createButton = h("button.primary#create-session", { type: "submit" }, "Create session");
  const created = h("div", { "data-testid": "created-session" });
  const createForm = h("form", { novalidate: true, onsubmit: createSession },
    h("div.grid3", field("Candidate name", name), field("Candidate email", email), field("Candidate phone (optional)", phone)),
    h("fieldset.inline", h("legend", "Questions from"),
      h("span.radio", srcCustom, h("label", { for: "source-custom" }, "Custom questions")),
      h("span.radio", srcJob, h("label", { for: "source-job" }, "From a job")),
    ),
    customPanel, jobPanel,
    h("div.grid3",
      field("Maximum questions (optional)", maxQ, "1 to 50; all questions when empty."),
      field("Text question timer (seconds)", textTimer),
      field("Coding question timer (seconds)", codingTimer),
    ),
    createErrors,
    createButton,
  );
  const create = h("section.card", { "aria-labelledby": "create-h" }, h("h2#create-h", "Create a session"), createForm, created);

  async function createSession(e) {
    e.preventDefault();
    createErrors.clear();
    const problems = [];
    if (!name.value.trim()) problems.push("Enter the candidate's name.");
    if (!email.value.trim()) problems.push("Enter the candidate's email.");
    const body = {
      name: name.value.trim(),
      email: email.value.trim(),
      text_question_timer: Number(textTimer.value || 120),
      coding_question_timer: Number(codingTimer.value || 300),
    };
    if (phone.value.trim()) body.phone = phone.value.trim();
    if (maxQ.value.trim()) body.max_questions = Number(maxQ.value);
    if (srcJob.checked) {
      if (!jobSelect.value) problems.push("Choose a job (create one in the Jobs panel first).");
      body.job_id = jobSelect.value;
    } else {
      const qs = editor.questions();
      if (!qs.length) problems.push("Write at least one question, one per line.");
      body.questions = qs;
      body.question_types = editor.types();
    }
    if (problems.length) {
      createErrors.show(problems);
      return;
    }
    createButton.disabled = true;
    try {
      const { data } = await api("/api/parallel_interview/create", { json: body, signal: ctx.signal });
      showCreated(data);
      announce(`Session created for ${data.user_details?.name || body.name}. The candidate link is ready to copy.`);
      name.value = email.value = phone.value = "";
      loadSessions(true);
      loadStats();
    } catch (err) {
      if (err.name !== "AbortError") createErrors.show(err);
    } finally {
      createButton.disabled = false;
    }
  }

  function showCreated(d) {
    const link = `${location.origin}${location.pathname}${location.search}#/candidate/${encodeURIComponent(d.session_id)}?token=${encodeURIComponent(d.candidate_token)}`;
    const linkInput = h("input#candidate-link", { type: "text", readonly: true, value: link, "data-testid": "candidate-link" });
    const copyStatus = statusLine("copy-status");
    const copy = h("button#copy-link", { type: "button", onclick: async () => {
      try {
        await navigator.clipboard.writeText(link);
      } catch {
        linkInput.select();
        document.execCommand?.("copy");
      }
      copyStatus.set("Link copied.");
    } }, "Copy link");
    const cfg = d.interview_config || {};
    clear(created, h("section.created", { "aria-labelledby": "created-h" },
      h("h3#created-h", { tabindex: "-1" }, `Session created for ${d.user_details?.name || "the candidate"}`),
      dl([
        ["Session ID", h("code", d.session_id)],
        ["Questions", `${cfg.total_questions ?? "—"} (max ${cfg.max_questions ?? "—"})`],
        ["Timers", `${cfg.text_question_timer ?? "—"} s text, ${cfg.coding_question_timer ?? "—"} s coding`],
      ], "compact"),
      h("div.field", h("label", { for: "candidate-link" }, "Candidate link"),
        h("p.hint", "Send this link to the candidate. It holds their access token, which is shown only now."),
        h("div.copy-row", linkInput, copy)),
      copyStatus,
      h("h4", "LiveKit"),
      dl([
        ["Room", d.livekit_room_name],
        ["Server", d.livekit_url || "—"],
        ["Fallback mode", d.livekit_fallback ? `Yes${d.livekit_fallback_reason ? `: ${d.livekit_fallback_reason}` : ""}` : "No"],
        d.livekit_token ? ["Candidate LiveKit token", h("details", h("summary", "Show token"), h("code.wrap", d.livekit_token))] : null,
      ], "compact"),
      h("p", h("a", { href: `#/recruiter/session/${encodeURIComponent(d.session_id)}` }, "Open session details")),
    ));
    created.querySelector("h3").focus();
  }

  // --- sessions ---
  const filter = h("select#status-filter", h("option", { value: "" }, "All"), STATUSES.map((s) => h("option", { value: s }, label(s))));
  const limit = h("select#page-size", [10, 25, 50, 100, 200].map((n) => h("option", { value: String(n), selected: n === 25 }, String(n))));
  const prev = h("button#prev-page", { type: "button", disabled: true, onclick: () => page(-1) }, "Previous page");
  const next = h("button#next-page", { type: "button", disabled: true, onclick: () => page(1) }, "Next page");
  const pageInfo = h("p.muted", { "data-testid": "page-info", "aria-live": "polite" });
  const sessionsErrors = errorArea("sessions-error");
  const tableWrap = h("div");
  const sessions = h("section.card", { "aria-labelledby": "sessions-h" },
    h("div.section-head", h("h2#sessions-h", "Sessions"), h("button", { type: "button", onclick: () => loadSessions(false) }, "Refresh sessions")),
    h("div.filters", field("Status filter", filter), field("Page size", limit)),
    sessionsErrors, tableWrap,
    h("div.pager", prev, next, pageInfo),
  );
  let cursor = null;
  let stack = [];
  let nextCursor = null;
  filter.addEventListener("change", () => loadSessions(true));
  limit.addEventListener("change", () => loadSessions(true));

  function page(dir) {
    if (dir > 0 && nextCursor) {
      stack.push(cursor);
      cursor = nextCursor;
    } else if (dir < 0 && stack.length) {
      cursor = stack.pop();
    } else return;
    loadSessions(false, dir);
  }

  async function loadSessions(reset, dir = 0) {
    if (reset) {
      cursor = null;
      stack = [];
    }
    sessionsErrors.clear();
    const q = new URLSearchParams({ limit: limit.value });
    if (filter.value) q.set("status", filter.value);
    if (cursor) q.set("cursor", cursor);
    prev.disabled = next.disabled = true;
    try {
      const { data } = await api(`/api/parallel_interview/sessions?${q}`, { signal: ctx.signal });
      nextCursor = data.next_cursor || null;
      const rows = Array.isArray(data.sessions) ? data.sessions : [];
      const pageNo = stack.length + 1;
      clear(tableWrap, rows.length
        ? h("div.table-wrap", { tabindex: "0", role: "region", "aria-label": "Sessions table" },
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
            ))
        : h("p.muted", { "data-testid": "no-sessions" }, filter.value ? `No ${label(filter.value)} sessions.` : "No sessions yet."));
      pageInfo.textContent = `Page ${pageNo} · ${rows.length} shown · ${data.total ?? "?"} ${filter.value ? label(filter.value) : "in total"}`;
      prev.disabled = stack.length === 0;
      next.disabled = !nextCursor;
      if (dir) (dir > 0 ? (next.disabled ? prev : next) : (prev.disabled ? next : prev)).focus();
    } catch (err) {
      if (err.name === "AbortError") return;
      sessionsErrors.show(err);
      prev.disabled = stack.length === 0;
      next.disabled = !nextCursor;
    }
  }

  // --- jobs ---
  const jobsErrors = errorArea("jobs-error");
  const jobsList = h("div");
  const jobTitle = h("input#job-title", { type: "text", required: true, maxlength: "200", autocomplete: "off" });
  const jobDescription = h("textarea#job-description", { rows: "2", maxlength: "5000" });
  const jobEditor = questionsEditor({ id: "job-questions", labelText: "Questions for this job, one per line", typeLabel: "Type of job question" });
  const jobButton = h("button#create-job", { type: "submit" }, "Create job");
  const jobForm = h("form", { novalidate: true, onsubmit: createJob },
    h("h3", "New job"),
    field("Job title", jobTitle), field("Job description (optional)", jobDescription), jobEditor.element, jobButton);
  const jobs = h("section.card", { "aria-labelledby": "jobs-h" },
    h("div.section-head", h("h2#jobs-h", "Jobs"), h("button", { type: "button", onclick: () => loadJobs() }, "Refresh jobs")),
    jobsErrors, jobsList, jobForm,
  );

  async function loadJobs() {
    jobsErrors.clear();
    try {
      const { data } = await api("/api/jobs", { signal: ctx.signal });
      const list = Array.isArray(data.jobs) ? data.jobs : [];
      const selected = jobSelect.value;
      clear(jobSelect, list.length ? list.map((j) => h("option", { value: j.job_id }, `${j.title} (${(j.questions || []).length} questions)`))
        : h("option", { value: "" }, "No jobs yet"));
      if (list.some((j) => j.job_id === selected)) jobSelect.value = selected;
      clear(jobsList, list.length
        ? h("ul.jobs", { "data-testid": "jobs-list" }, list.map((j) => h("li.job",
            h("div", h("strong", j.title), " ", h("span.muted", `${(j.questions || []).length} questions · ${fmtDate(j.created_at)}`),
              j.description ? h("p.small", j.description) : null),
            confirmButton("Delete job", "Confirm delete", () => deleteJob(j), { "aria-label": `Delete job ${j.title}` }),
          )))
        : h("p.muted", "No jobs yet."));
    } catch (err) {
      if (err.name !== "AbortError") jobsErrors.show(err);
    }
  }

  async function deleteJob(j) {
    jobsErrors.clear();
    try {
      await api(`/api/jobs/${encodeURIComponent(j.job_id)}`, { method: "DELETE", signal: ctx.signal });
      announce(`Job ${j.title} deleted.`);
      await loadJobs();
      jobs.querySelector("h2").setAttribute("tabindex", "-1");
      jobs.querySelector("h2").focus();
    } catch (err) {
      if (err.name !== "AbortError") jobsErrors.show(err);
    }
  }

  async function createJob(e) {
    e.preventDefault();
    jobsErrors.clear();
    const qs = jobEditor.questions();
    const problems = [];
    if (!jobTitle.value.trim()) problems.push("Enter a job title.");
    if (!qs.length) problems.push("Write at least one job question, one per line.");
    if (problems.length) {
      jobsErrors.show(problems);
      return;
    }
    const types = jobEditor.types();
    const body = { title: jobTitle.value.trim(), questions: qs.map((text, i) => ({ text, type: types[i] || "text" })) };
    if (jobDescription.value.trim()) body.description = jobDescription.value.trim();
    jobButton.disabled = true;
    try {
      const { data } = await api("/api/jobs", { json: body, signal: ctx.signal });
      announce(`Job ${data.title || body.title} created.`);
      jobTitle.value = jobDescription.value = "";
      jobEditor.reset();
      await loadJobs();
    } catch (err) {
      if (err.name !== "AbortError") jobsErrors.show(err);
    } finally {
      jobButton.disabled = false;
    }
  }

  function reloadAll() {
    loadStats();
    loadSessions(true);
    loadJobs();
  }

  clear(root, h("h1", "Recruiter dashboard"), access, stats, create, sessions, jobs);
  reloadAll();
}

// --- session details ---
async function renderDetail(root, sessionId, ctx) {
  ctx.title("Session details");
  const errors = errorArea("detail-error");
  const status = statusLine("detail-status");
  const body = h("div");
  const reportBody = h("div");
  const reportStatus = statusLine("detail-report-status");
  const reportErrors = errorArea("detail-report-error");
  const actionErrors = errorArea("action-error");
  const actionStatus = statusLine("action-status");
  clear(root,
    h("p", h("a", { href: "#/recruiter" }, h("span", { "aria-hidden": "true" }, "← "), "Back to the dashboard")),
    h("h1", "Session details"),
    status, errors, body,
  );
  let reportCtl = null;
  load();

  async function load() {
    errors.clear();
    status.set("Loading…");
    let data;
    try {
      ({ data } = await api(`/api/parallel_interview/session/${encodeURIComponent(sessionId)}`, { signal: ctx.signal }));
    } catch (err) {
      if (err.name === "AbortError") return;
      status.set("");
      errors.show(err);
      if (err.status === 401 || err.status === 403) append(body, h("p", "Enter your API key on the ", h("a", { href: "#/recruiter" }, "dashboard"), "."));
      return;
    }
    status.set("");
    const s = data.session || {};
    const st = data.interview_state || {};
    const room = data.livekit_room || {};
    const u = s.user_details || {};
    const answered = s.current_question_count ?? 0;
    const total = s.total_questions || s.max_questions || 0;
    const endButton = h("button#end-interview", { type: "button", disabled: s.status !== "in_progress", onclick: async () => {
      actionErrors.clear();
      endButton.disabled = true;
      try {
        const { data: r } = await api(`/api/parallel_interview/session/${encodeURIComponent(sessionId)}/end`, { method: "POST", signal: ctx.signal });
        actionStatus.set(`${r.message || "Interview session ended"}. ${r.questions_answered ?? 0} questions answered.`);
        announce("Interview ended. The report is being prepared.");
        await load();
      } catch (err) {
        if (err.name === "AbortError") return;
        actionErrors.show(err);
        endButton.disabled = false;
      }
    } }, "End interview");
    const shares = { none: "Nothing", feedback: "Feedback, no scores", scores: "Feedback and scores" };
    const shareSelect = h("select#report-share", {}, Object.entries(shares).map(([v, text]) => h("option", { value: v }, text)));
    shareSelect.value = s.report_share || "none";
    const shareButton = h("button#release-report", { type: "button", onclick: async () => {
      actionErrors.clear();
      shareButton.disabled = true;
      try {
        const { data: r } = await api(`/api/parallel_interview/session/${encodeURIComponent(sessionId)}/release-report`, { json: { share: shareSelect.value }, signal: ctx.signal });
        actionStatus.set(`The candidate now sees: ${shares[r.share].toLowerCase()}.`);
      } catch (err) {
        if (err.name !== "AbortError") actionErrors.show(err);
      } finally {
        shareButton.disabled = false;
      }
    } }, "Share with candidate");
    const del = confirmButton("Delete session", "Confirm delete", async () => {
      actionErrors.clear();
      try {
        await api(`/api/parallel_interview/session/${encodeURIComponent(sessionId)}`, { method: "DELETE", signal: ctx.signal });
        announce("Session deleted.");
        location.hash = "#/recruiter";
      } catch (err) {
        if (err.name !== "AbortError") actionErrors.show(err);
      }
    }, { id: "delete-session" });

    clear(body,
      h("section.card", { "aria-labelledby": "cand-h" },
        h("h2#cand-h", u.name || "Candidate"),
        dl([
          ["Email", u.email], ["Phone", u.phone || "—"], ["Session ID", h("code", s.session_id || sessionId)],
          ["Job", s.job_title || "—"], ["Created", fmtDate(s.created_at)], ["Started", fmtDate(s.started_at)], ["Completed", fmtDate(s.completed_at)],
        ], "compact"),
        h("div.actions", h("button", { type: "button", onclick: () => load() }, "Refresh"), endButton, del),
        h("div.field", h("label", { for: "report-share" }, "The candidate's report shows"), shareSelect, " ", shareButton),
        actionStatus, actionErrors,
      ),
      h("section.card", { "aria-labelledby": "prog-h" },
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
      ),
      h("section.card", { "aria-labelledby": "proc-h" },
        h("h2#proc-h", "Proctoring"),
        dl([
          ["Consent", yesNo(s.consent_received)],
          ["Reference face", s.reference_face_captured ? "Captured" : "Not captured"],
          ["Proctoring violations", h("span", { "data-testid": "violations" }, String(s.proctoring_violations_count ?? 0))],
          ["LiveKit room", `${room.name || "—"}${room.fallback ? " (fallback mode)" : ""}, ${room.num_participants ?? 0} participants`],
        ], "compact"),
      ),
      h("section", { "aria-labelledby": "rep-h" }, h("h2#rep-h", "Report"), reportStatus, reportErrors, reportBody),
    );
    loadReport(s.status, data.integrity);
  }

  async function loadReport(sessionStatus, integrity) {
    reportCtl?.abort();
    reportCtl = new AbortController();
    const signal = reportCtl.signal;
    ctx.signal.addEventListener("abort", () => reportCtl?.abort(), { once: true });
    reportErrors.clear();
    clear(reportBody);
    const pending = (p) => {
      reportStatus.set(`Report not ready: ${p.detail || p.evaluation_status || "pending"}.`);
      if (integrity) clear(reportBody, renderIntegrity(integrity));
    };
    try {
      if (sessionStatus === "completed") {
        reportStatus.set("Waiting for the report…");
        const report = await pollReport(sessionId, { signal, onPending: pending });
        reportStatus.set("");
        clear(reportBody, renderReport(report), h("p", h("a", { href: `#/report/${encodeURIComponent(sessionId)}` }, "Open the report on its own page")));
        announce("Report ready.");
      } else {
        const res = await api(`/api/reports/${encodeURIComponent(sessionId)}`, { signal });
        if (res.status === 200) {
          reportStatus.set("");
          clear(reportBody, renderReport(res.data));
        } else pending(res.data || {});
      }
    } catch (err) {
      if (err.name !== "AbortError") {
        reportStatus.set("");
        reportErrors.show(err);
      }
    }
  }

  return () => reportCtl?.abort();
}
