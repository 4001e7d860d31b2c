// A job's questions for review: each one's text, reference answer and key points editable, and why it was
// asked (the skill of the description it was written from); saved with PUT /api/jobs/{id}, as a whole.
import { api } from "../api.js";
import { h, announce, errorArea, field } from "../ui.js";
import { capitalised } from "./labels.js";

const linesOf = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean);
const ORIGINS = { job_description: "the job description", resume: "the résumé" };

/** The question as PUT takes it: what was stored, less what only the server sets, with the edits. */
function asWritten(stored, edits) {
  const out = {};
  // Empty values are what a question without them reads as (a text question's `tests: []`): left out.
  const empty = (v) => v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length);
  for (const [k, v] of Object.entries(stored)) if (!empty(v) && k !== "source") out[k] = v;
  out.text = edits.text;
  if (edits.reference) out.reference_answer = edits.reference;
  else delete out.reference_answer;
  out.key_points = edits.points;
  return out;
}

function questionEditor(q, i, limits) {
  const id = `review-q${i + 1}`;
  const text = h("textarea", { id: `${id}-text`, rows: "2", maxlength: limits.question_max_chars });
  text.value = q.text;
  const reference = h("textarea", { id: `${id}-reference`, rows: "3", maxlength: limits.rubric?.reference_answer_max_chars });
  reference.value = q.reference_answer || "";
  const points = h("textarea", { id: `${id}-points`, rows: "3" });
  points.value = (q.key_points || []).join("\n");
  const source = q.source && ORIGINS[q.source.from]
    ? h("p.muted", { "data-testid": "review-source" }, `Written from ${ORIGINS[q.source.from]}${q.source.skill ? `: ${q.source.skill}` : ""}`)
    : null;
  const element = h("fieldset.review-question", { "data-testid": "review-question" },
    h("legend", `Question ${i + 1}`, q.type ? h("span.badge", capitalised(q.type)) : null),
    source,
    field("Question", text),
    field("Reference answer", reference, "Never shown to the candidate."),
    field("Key points, one per line", points, "What a good answer covers; never shown to the candidate."),
  );
  const value = () => asWritten(q, { text: text.value.trim(), reference: reference.value.trim(), points: linesOf(points.value) });
  const problems = () => {
    const found = [];
    if (!text.value.trim()) found.push(`Question ${i + 1}: write its text.`);
    const max = limits.rubric?.key_points_max;
    if (max && linesOf(points.value).length > max) found.push(`Question ${i + 1}: at most ${max} key points.`);
    return found;
  };
  return { element, value, problems };
}

/** onSaved(job): after the job is saved, with the job as stored. */
export function jobReview(job, limits, ctx, onSaved) {
  const errors = errorArea("job-review-error");
  const editors = (job.questions || []).map((q, i) => questionEditor(q, i, limits));
  const save = h("button.primary#save-job", { type: "submit" }, "Save questions");
  const submit = async (e) => {
    e.preventDefault();
    errors.clear();
    const problems = editors.flatMap((ed) => ed.problems());
    if (problems.length) return errors.show(problems);
    const body = { title: job.title, questions: editors.map((ed) => ed.value()), candidate_report: job.candidate_report || "none", follow_ups: job.follow_ups || 0 };
    if (job.description) body.description = job.description;
    save.disabled = true;
    try {
      const { data } = await api(`/api/jobs/${encodeURIComponent(job.job_id)}`, { method: "PUT", json: body, signal: ctx.signal });
      announce(`Job ${data.title} saved.`);
      await onSaved(data);
    } catch (err) {
      if (err.name !== "AbortError") errors.show(err);
    } finally {
      save.disabled = false;
    }
  };
  const element = h("form.job-review", { novalidate: true, onsubmit: submit, "data-testid": "job-review", "aria-labelledby": "job-review-h" },
    h("h3#job-review-h", { tabindex: "-1" }, `Questions of ${job.title}`),
    h("p.hint", "Review the questions and their rubrics, change what you like, then save. Sessions made before keep their copy."),
    editors.map((ed) => ed.element), errors, save);
  return { element };
}
