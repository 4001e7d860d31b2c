// Jobs: their list (with delete) and the "New job" form.
import { api } from "../api.js";
import { h, clear, announce, errorArea, field, confirmButton, fmtDate } from "../ui.js";
import { questionsEditor } from "./questions.js";

/** limits: the recruiter part of GET /api/config; onLoaded(jobs): after each load of the list. */
export function jobsCard(limits, ctx, onLoaded) {
  const errors = errorArea("jobs-error");
  const list = h("div");
  let element = null;
  const load = async () => {
    errors.clear();
    try {
      const { data } = await api("/api/jobs", { signal: ctx.signal });
      const jobs = Array.isArray(data.jobs) ? data.jobs : [];
      onLoaded(jobs);
      clear(list, jobs.length
        ? h("ul.jobs", { "data-testid": "jobs-list" }, jobs.map((j) => jobItem(j, () => deleteJob(j))))
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
      await load();
      element.querySelector("h2").setAttribute("tabindex", "-1");
      element.querySelector("h2").focus();
    } catch (err) {
      if (err.name !== "AbortError") errors.show(err);
    }
  };
  element = h("section.card", { "aria-labelledby": "jobs-h" },
    h("div.section-head", h("h2#jobs-h", "Jobs"), h("button", { type: "button", onclick: () => load() }, "Refresh jobs")),
    errors, list, jobForm(limits, ctx, errors, load),
  );
  return { element, load };
}

function jobItem(j, onDelete) {
  return h("li.job",
    h("div", h("strong", j.title), " ", h("span.muted", `${(j.questions || []).length} questions · ${fmtDate(j.created_at)}`),
      j.description ? h("p.small", j.description) : null),
    confirmButton("Delete job", "Confirm delete", onDelete, { "aria-label": `Delete job ${j.title}` }),
  );
}

function jobForm(limits, ctx, errors, reload) {
  const title = h("input#job-title", { type: "text", required: true, maxlength: limits.name_max_chars, autocomplete: "off" });
  const description = h("textarea#job-description", { rows: "2", maxlength: limits.job_description_max_chars });
  const editor = questionsEditor({ id: "job-questions", labelText: "Questions for this job, one per line", typeLabel: "Type of job question", questionTypes: limits.question_types, rubricLimits: limits.rubric });
  const button = h("button#create-job", { type: "submit" }, "Create job");
  const create = async (e) => {
    e.preventDefault();
    errors.clear();
    const written = editor.written();
    const problems = [];
    if (!title.value.trim()) problems.push("Enter a job title.");
    if (!written.length) problems.push("Write at least one job question, one per line.");
    problems.push(...editor.problems());
    if (problems.length) {
      errors.show(problems);
      return;
    }
    const questions = written.map(({ text, type, rubric }) => ({ text, ...(type ? { type } : {}), ...rubric }));
    const body = { title: title.value.trim(), questions };
    if (description.value.trim()) body.description = description.value.trim();
    button.disabled = true;
    try {
      const { data } = await api("/api/jobs", { json: body, signal: ctx.signal });
      announce(`Job ${data.title || body.title} created.`);
      title.value = description.value = "";
      editor.reset();
      await reload();
    } catch (err) {
      if (err.name !== "AbortError") errors.show(err);
    } finally {
      button.disabled = false;
    }
  };
  return h("form", { novalidate: true, onsubmit: create },
    h("h3", "New job"),
    field("Job title", title), field("Job description (optional)", description), editor.element, button);
}
