// Jobs: their list (with review, edit and delete) and the "New job" form, which may write the questions
// from the job's description.
import { api, choices } from "../api.js";
import { h, clear, announce, errorArea, field, confirmButton, fmtDate } from "../ui.js";
import { questionsEditor } from "./questions.js";
import { jobReview } from "./job-review.js";
import { capitalised } from "./labels.js";

/** limits: the recruiter part of GET /api/config; onLoaded(jobs): after each load of the list. */
export function jobsCard(limits, ctx, onLoaded) {
  const errors = errorArea("jobs-error");
  const list = h("div");
  const review = h("div");
  let element = null;
  const open = (job) => clear(review, jobReview(job, limits, ctx, async (saved) => {
    await load();
    open(saved);
  }).element);
  const load = async () => {
    errors.clear();
    try {
      const { data } = await api("/api/jobs", { signal: ctx.signal });
      const jobs = Array.isArray(data.jobs) ? data.jobs : [];
      onLoaded(jobs);
      clear(list, jobs.length
        ? h("ul.jobs", { "data-testid": "jobs-list" }, jobs.map((j) => jobItem(j, () => open(j), () => deleteJob(j))))
        : h("p.muted", "No jobs yet."));
    } catch (err) {
      if (err.name !== "AbortError") errors.show(err);
    }
  };
  const deleteJob = async (j) => {
    errors.clear();
    try {
      await api(`/api/jobs/${encodeURIComponent(j.job_id)}`, { method: "DELETE", signal: ctx.signal });
      announce(`Job ${j.title} deleted.`);
      clear(review);
      await load();
      element.querySelector("h2").setAttribute("tabindex", "-1");
      element.querySelector("h2").focus();
    } catch (err) {
      if (err.name !== "AbortError") errors.show(err);
    }
  };
  element = h("section.card", { "aria-labelledby": "jobs-h" },
    h("div.section-head", h("h2#jobs-h", "Jobs"), h("button", { type: "button", onclick: () => load() }, "Refresh jobs")),
    errors, list, review, jobForm(limits, ctx, errors, async (job) => {
      await load();
      if (job) open(job);
    }),
  );
  return { element, load };
}

function jobItem(j, onReview, onDelete) {
  return h("li.job",
    h("div", h("strong", j.title), " ", h("span.muted", `${(j.questions || []).length} questions · ${fmtDate(j.created_at)}`),
      j.description ? h("p.small", j.description) : null),
    h("button", { type: "button", onclick: onReview, "aria-label": `Review the questions of job ${j.title}` }, "Review questions"),
    confirmButton("Delete job", "Confirm delete", onDelete, { "aria-label": `Delete job ${j.title}` }),
  );
}

function jobForm(limits, ctx, errors, reload) {
  const title = h("input#job-title", { type: "text", required: true, maxlength: limits.name_max_chars, autocomplete: "off" });
  const description = h("textarea#job-description", { rows: "2", maxlength: limits.job_description_max_chars });
  const editor = questionsEditor({ id: "job-questions", labelText: "Questions for this job, one per line", typeLabel: "Type of job question", questionTypes: limits.question_types, rubricLimits: limits.rubric });
  const generate = generateChoice(limits);
  const button = h("button#create-job", { type: "submit" }, "Create job");
  const create = async (e) => {
    e.preventDefault();
    errors.clear();
    const written = editor.written();
    const problems = [];
    if (!title.value.trim()) problems.push("Enter a job title.");
    if (!written.length && !generate.on()) problems.push("Write at least one job question, one per line, or have them written from the description.");
    if (generate.on() && !description.value.trim()) problems.push("Write the job description the questions are written from.");
    problems.push(...editor.problems());
    if (problems.length) {
      errors.show(problems);
      return;
    }
    const questions = written.map(({ text, type, rubric }) => ({ text, ...(type ? { type } : {}), ...rubric }));
    const body = { title: title.value.trim(), questions };
    if (description.value.trim()) body.description = description.value.trim();
    if (generate.on()) body.generate = generate.value();
    button.disabled = true;
    try {
      const { data } = await api("/api/jobs", { json: body, signal: ctx.signal });
      announce(`Job ${data.title || body.title} created.${body.generate ? " Review its questions below." : ""}`);
      title.value = description.value = "";
      editor.reset();
      await reload(body.generate ? data : null);
    } catch (err) {
      if (err.name !== "AbortError") errors.show(err);
    } finally {
      button.disabled = false;
    }
  };
  return h("form", { novalidate: true, onsubmit: create },
    h("h3", "New job"),
    field("Job title", title), field("Job description (optional)", description), generate.element, editor.element, button);
}

/** "Write questions from the description": how many, and how hard (POST /api/jobs's `generate`). */
function generateChoice(limits) {
  const range = limits.generated_questions || { minimum: 1, maximum: 20, default: 5 };
  const on = h("input#job-generate", { type: "checkbox" });
  const count = h("input#job-generate-count", { type: "number", min: range.minimum, max: range.maximum, step: "1", value: String(range.default ?? 5), inputmode: "numeric" });
  const levels = choices(limits.difficulties);
  const difficulty = h("select#job-generate-difficulty", levels.map((d) => h("option", { value: d, selected: d === "medium" }, capitalised(d))));
  const options = h("div.grid3", { hidden: true }, field("Number of questions", count), field("Difficulty", difficulty));
  on.addEventListener("change", () => (options.hidden = !on.checked));
  const element = h("fieldset.generate", h("legend", "Questions from the description"),
    h("div.check", on, h("label", { for: on.id }, "Write questions, with rubrics, from the job description (after any written below)")),
    options);
  return {
    element,
    on: () => on.checked,
    value: () => ({ count: Math.min(range.maximum, Math.max(range.minimum, Math.round(Number(count.value) || range.default || 5))), ...(difficulty.value ? { difficulty: difficulty.value } : {}) }),
  };
}
