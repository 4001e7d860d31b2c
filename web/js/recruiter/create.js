// "Create a session": the candidate, custom questions or a job, limits and timers; then the candidate link.
import { api } from "../api.js";
import { h, clear, announce, errorArea, statusLine, field, dl } from "../ui.js";
import { questionsEditor } from "./questions.js";

const numberInput = (id, range = {}, attrs = {}) =>
  h(`input#${id}`, { type: "number", min: range.minimum, max: range.maximum, step: "1", value: range.default ?? undefined, inputmode: "numeric", ...attrs });

/** limits: the recruiter part of GET /api/config; onCreated(): after each new session. */
export function createCard(limits, ctx, onCreated) {
  const f = {
    name: h("input#candidate-name", { type: "text", required: true, maxlength: limits.name_max_chars, autocomplete: "off" }),
    email: h("input#candidate-email", { type: "email", required: true, autocomplete: "off" }),
    phone: h("input#candidate-phone", { type: "tel", maxlength: limits.phone_max_chars, autocomplete: "off" }),
    srcCustom: h("input#source-custom", { type: "radio", name: "source", value: "custom", checked: true }),
    srcJob: h("input#source-job", { type: "radio", name: "source", value: "job" }),
    editor: questionsEditor({ id: "questions", labelText: "Questions (one per line)", typeLabel: "Type of question", questionTypes: limits.question_types, rubricLimits: limits.rubric }),
    jobSelect: h("select#job-select"),
    maxQ: numberInput("max-questions", limits.max_questions),
    textTimer: numberInput("text-timer", limits.text_question_timer),
    codingTimer: numberInput("coding-timer", limits.coding_question_timer),
  };
  const customPanel = h("div", f.editor.element);
  const jobPanel = h("div", { hidden: true }, field("Choose a job", f.jobSelect, "The job's questions are used."));
  const onSource = () => {
    customPanel.hidden = !f.srcCustom.checked;
    jobPanel.hidden = !f.srcJob.checked;
  };
  f.srcCustom.addEventListener("change", onSource);
  f.srcJob.addEventListener("change", onSource);
  const errors = errorArea("create-error");
  const button = h("button.primary#create-session", { type: "submit" }, "Create session");
  const created = h("div", { "data-testid": "created-session" });
  const range = limits.max_questions || {};
  const form = h("form", { novalidate: true, onsubmit: (e) => createSession(e, { f, errors, button, created, ctx, onCreated }) },
    h("div.grid3", field("Candidate name", f.name), field("Candidate email", f.email), field("Candidate phone (optional)", f.phone)),
    h("fieldset.inline", h("legend", "Questions from"),
      h("span.radio", f.srcCustom, h("label", { for: "source-custom" }, "Custom questions")),
      h("span.radio", f.srcJob, h("label", { for: "source-job" }, "From a job")),
    ),
    customPanel, jobPanel,
    h("div.grid3",
      field("Maximum questions (optional)", f.maxQ, `${range.minimum} to ${range.maximum}; all questions when empty.`),
      field("Text question timer (seconds)", f.textTimer),
      field("Coding question timer (seconds)", f.codingTimer),
    ),
    errors,
    button,
  );
  const element = h("section.card", { "aria-labelledby": "create-h" }, h("h2#create-h", "Create a session"), form, created);
  return { element, showJobs: (jobs) => showJobs(f.jobSelect, jobs) };
}

/** The job choices, keeping the one selected if it still exists. */
function showJobs(select, jobs) {
  const selected = select.value;
  clear(select, jobs.length ? jobs.map((j) => h("option", { value: j.job_id }, `${j.title} (${(j.questions || []).length} questions)`))
    : h("option", { value: "" }, "No jobs yet"));
  if (jobs.some((j) => j.job_id === selected)) select.value = selected;
}

/** The request body from the form, or the problems that stop it. Empty fields are left to the API's defaults. */
function sessionRequest(f) {
  const problems = [];
  if (!f.name.value.trim()) problems.push("Enter the candidate's name.");
  if (!f.email.value.trim()) problems.push("Enter the candidate's email.");
  const body = { name: f.name.value.trim(), email: f.email.value.trim() };
  if (f.textTimer.value) body.text_question_timer = Number(f.textTimer.value);
  if (f.codingTimer.value) body.coding_question_timer = Number(f.codingTimer.value);
  if (f.phone.value.trim()) body.phone = f.phone.value.trim();
  if (f.maxQ.value.trim()) body.max_questions = Number(f.maxQ.value);
  if (f.srcJob.checked) {
    if (!f.jobSelect.value) problems.push("Choose a job (create one in the Jobs panel first).");
    body.job_id = f.jobSelect.value;
  } else {
    const written = f.editor.written();
    if (!written.length) problems.push("Write at least one question, one per line.");
    problems.push(...f.editor.problems());
    // A question without a rubric stays its text, as the API has always taken it.
    body.questions = written.map(({ text, rubric }) => (Object.keys(rubric).length ? { text, ...rubric } : text));
    const types = written.map((q) => q.type);
    if (types.every(Boolean)) body.question_types = types; // else the API's default type applies
  }
  return { body, problems };
}

async function createSession(e, { f, errors, button, created, ctx, onCreated }) {
  e.preventDefault();
  errors.clear();
  const { body, problems } = sessionRequest(f);
  if (problems.length) {
    errors.show(problems);
    return;
  }
  button.disabled = true;
  try {
    const { data } = await api("/api/parallel_interview/create", { json: body, signal: ctx.signal });
    showCreated(created, data);
    announce(`Session created for ${data.user_details?.name || body.name}. The candidate link is ready to copy.`);
    f.name.value = f.email.value = f.phone.value = "";
    onCreated();
  } catch (err) {
    if (err.name !== "AbortError") errors.show(err);
  } finally {
    button.disabled = false;
  }
}

/** The new session: its candidate link (with the token, shown only now) and its LiveKit room. */
function showCreated(created, d) {
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
