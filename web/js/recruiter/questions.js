// A "questions, one per line" textarea with a type select per line.
import { choices } from "../api.js";
import { h, clear, field } from "../ui.js";
import { capitalised } from "./labels.js";

/** questionTypes: the API's question types (GET /api/config), the first being the default. */
export function questionsEditor({ id, labelText, typeLabel, questionTypes }) {
  const textarea = h("textarea", { id, rows: "6", spellcheck: "true" });
  const types = h("div.types");
  const fieldset = h("fieldset.types-set", { hidden: true }, h("legend", "Question types"), types);
  const options = choices(questionTypes);
  let chosen = [];
  const lines = () => textarea.value.split("\n").map((l) => l.trim()).filter(Boolean);
  const sync = () => {
    const qs = lines();
    const current = [...types.querySelectorAll("select")].map((s) => s.value);
    if (current.length) chosen = current.concat(chosen.slice(current.length));
    if (current.length === qs.length && [...types.querySelectorAll(".qtext")].every((el, i) => el.textContent === qs[i])) return;
    clear(types, qs.map((q, i) => {
      const select = h("select", { id: `${id}-type-${i + 1}` }, options.map((t) => h("option", { value: t }, capitalised(t))));
      select.value = chosen[i] || options[0] || "";
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
