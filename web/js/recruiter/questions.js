// A "questions, one per line" textarea with, per line, a type select and an optional rubric (the reference
// answer, key points, competency and weight the answer is graded against; never shown to the candidate).
import { choices } from "../api.js";
import { h, clear, field } from "../ui.js";
import { capitalised } from "./labels.js";

const linesOf = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean);

/** questionTypes: the API's question types (GET /api/config), the first being the default; rubricLimits: its rubric part. */
export function questionsEditor({ id, labelText, typeLabel, questionTypes, rubricLimits = {} }) {
  const textarea = h("textarea", { id, rows: "6", spellcheck: "true" });
  const types = h("div.types");
  const fieldset = h("fieldset.types-set", { hidden: true }, h("legend", "Question types and rubrics"), types);
  const options = choices(questionTypes);
  const rows = []; // by line number, kept while lines come and go so each keeps its type and rubric
  const row = (i) => (rows[i] ||= questionRow(`${id}-type-${i + 1}`, `${typeLabel} ${i + 1}`, options, rubricLimits));
  const sync = () => {
    const qs = linesOf(textarea.value);
    clear(types, qs.map((q, i) => row(i).show(q)));
    fieldset.hidden = qs.length === 0;
  };
  textarea.addEventListener("input", sync);
  const written = () => linesOf(textarea.value).map((text, i) => ({ text, type: row(i).select.value, rubric: row(i).rubric.value() }));
  return {
    element: h("div", field(labelText, textarea, "Write each question on its own line, then choose its type and, if you like, its rubric below."), fieldset),
    textarea,
    /** [{text, type, rubric}], rubric holding only the fields filled in. */
    written,
    problems: () => linesOf(textarea.value).flatMap((_, i) => row(i).rubric.problems(i + 1)),
    reset: () => {
      textarea.value = "";
      rows.length = 0;
      sync();
    },
  };
}

function questionRow(selectId, selectLabel, options, limits) {
  const select = h("select", { id: selectId }, options.map((t) => h("option", { value: t }, capitalised(t))));
  select.value = options[0] || "";
  const qtext = h("span.qtext.muted");
  const rubric = rubricFields(selectId.replace(/-type-/, "-rubric-"), limits);
  const element = h("div.question-row",
    h("div.type-row", h("label", { for: select.id }, selectLabel), select, qtext),
    rubric.element,
  );
  const show = (text) => {
    qtext.textContent = text;
    return element;
  };
  return { select, rubric, show };
}

/** The rubric's controls, bounded by the API's limits when it gave them. */
function rubricFields(id, limits) {
  const reference = h("textarea", { id: `${id}-reference`, rows: "3", maxlength: limits.reference_answer_max_chars });
  const points = h("textarea", { id: `${id}-points`, rows: "3" });
  const competency = h("input", { id: `${id}-competency`, type: "text", maxlength: limits.competency_max_chars, autocomplete: "off" });
  const weight = h("input", { id: `${id}-weight`, type: "number", step: "any", max: limits.weight_max, placeholder: limits.weight_default, inputmode: "decimal" });
  const bounds = limits.key_points_max ? `Up to ${limits.key_points_max}, each up to ${limits.key_point_max_chars} characters.` : "";
  const element = h("details.rubric",
    h("summary", "Rubric (optional; never shown to the candidate)"),
    field("Reference answer", reference, "A model answer to grade against."),
    field("Key points, one per line", points, `What a good answer covers. ${bounds}`.trim()),
    h("div.grid3", field("Competency", competency, "e.g. data modelling: the report scores each one."),
      field("Weight", weight, "Relative weight in the overall score.")),
  );
  const value = () => {
    const r = {};
    if (reference.value.trim()) r.reference_answer = reference.value.trim();
    if (linesOf(points.value).length) r.key_points = linesOf(points.value);
    if (competency.value.trim()) r.competency = competency.value.trim();
    if (weight.value.trim()) r.weight = Number(weight.value);
    return r;
  };
  const problems = (n) => {
    const found = [];
    const kps = linesOf(points.value);
    if (limits.key_points_max && kps.length > limits.key_points_max) found.push(`Question ${n}: at most ${limits.key_points_max} key points.`);
    if (limits.key_point_max_chars && kps.some((k) => k.length > limits.key_point_max_chars)) found.push(`Question ${n}: a key point is longer than ${limits.key_point_max_chars} characters.`);
    if (weight.value.trim() && !(Number(weight.value) > 0)) found.push(`Question ${n}: the weight must be above zero.`);
    return found;
  };
  return { element, value, problems };
}
