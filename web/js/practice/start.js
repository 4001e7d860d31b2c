// The practice start form: topic, difficulty, number of questions, question types, a role to fit them to,
// and the optional API key.
import { api, choices, getApiKey, setApiKey } from "../api.js";
import { h, clear, announce, errorArea, field } from "../ui.js";
import { backgroundFields } from "./background.js";
import { started } from "./interview.js";

const capitalised = (s) => s[0].toUpperCase() + s.slice(1);
const MIXED = "mixed";

/**
 * "Question types": each type the API lists alone, or all of them mixed. The API lists its question types
 * once (the recruiter's, the same for practice) and its default first: choosing it leaves `question_types`
 * out of the request, which stays as it was before coding questions.
 */
function questionTypesChoice(config) {
  const types = choices(config.practice.question_types ?? config.recruiter.question_types);
  const select = h("select#question-types", { name: "question_types" },
    types.map((t) => h("option", { value: t }, capitalised(t))),
    h("option", { value: MIXED }, `Mixed (${types.join(" and ")})`));
  const element = field("Question types", select, "Coding questions are answered with code, run against tests.");
  element.hidden = types.length < 2; // without the API's list, its default applies
  const chosen = () => (select.value === MIXED ? types : [select.value]);
  return { element, request: () => (element.hidden || select.value === types[0] ? {} : { question_types: chosen() }) };
}

export function renderStart(root, config, ctx) {
  ctx.title("Practice interview");
  const { topic_max_chars: topicMax, topics, difficulties, num_questions: range = {} } = config.practice;
  const topic = h("input#topic", { type: "text", name: "topic", required: true, maxlength: topicMax, list: "topic-suggestions", autocomplete: "off", value: "Python" });
  const suggestions = h("datalist#topic-suggestions", choices(topics).map((t) => h("option", { value: t })));
  // Without the API's list the field is left out, and the API's default difficulty applies.
  const levels = choices(difficulties);
  const difficulty = h("select#difficulty", { name: "difficulty", hidden: !levels.length },
    levels.map((d) => h("option", { value: d }, capitalised(d))));
  const questionTypes = questionTypesChoice(config);
  const background = backgroundFields(config);
  const count = h("input#num-questions", { type: "number", name: "num_questions", min: range.minimum, max: range.maximum, step: "1", value: "3", required: true, inputmode: "numeric" });
  const key = h("input#practice-api-key", { type: "password", autocomplete: "off", value: getApiKey() });
  const errors = errorArea("start-error");
  const submit = h("button.primary#start-interview", { type: "submit" }, "Start interview");
  const fromTo = range.minimum != null && range.maximum != null ? `from ${range.minimum} to ${range.maximum}` : "";
  const form = h("form.card", { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    errors.clear();
    const n = Number(count.value);
    const problems = [];
    if (!topic.value.trim()) problems.push("Enter a topic.");
    if (!Number.isInteger(n) || n < range.minimum || n > range.maximum) problems.push(`The number of questions must be a whole number${fromTo && ` ${fromTo}`}.`);
    if (problems.length) {
      errors.show(problems);
      (topic.value.trim() ? count : topic).focus();
      return;
    }
    setApiKey(key.value.trim());
    submit.disabled = true;
    announce("Starting the interview…");
    try {
      const { data } = await api("/start-interview", { json: { topic: topic.value.trim(), ...(difficulty.value ? { difficulty: difficulty.value } : {}), num_questions: n, ...questionTypes.request(), ...background.request() } });
      started.set(data.session_id, data);
      location.hash = `#/practice/${encodeURIComponent(data.session_id)}`;
    } catch (err) {
      errors.show(err);
      submit.disabled = false;
    }
  } },
    field("Topic", topic, "Pick a suggestion or type any topic."),
    suggestions,
    field("Difficulty", difficulty),
    field("Number of questions", count, fromTo && `${capitalised(fromTo)}.`),
    questionTypes.element,
    background.element,
    h("details.access",
      h("summary", "Access settings"),
      field("API key", key, "Only needed when the API requires keys; kept for this browser tab only."),
    ),
    errors,
    submit,
  );
  clear(root, h("h1", "Practice interview"), h("p", "Answer each question by typing or by speaking. Every answer is scored on its own."), form);
}
