// The live interview's question area, built once and updated per question: heading, progress, type,
// text, the countdown, the answer form (a code area for coding questions, with their tests to run) and
// "Finish interview".
import { h, clear } from "../ui.js";
import { CodingPanel, CODE_HINT, indentWithTab } from "../coding.js";

/** live: the LiveInterview (submitAnswer, runCode, finish, draft, report, question). */
export function questionArea(live, answerMaxChars) {
  const q = {
    heading: h("h3#live-question-heading", { tabindex: "-1" }),
    progress: h("progress#live-progress", { "aria-labelledby": "live-question-heading" }),
    badge: h("p.badge-line"),
    text: h("p.question-text#live-question-text", { "data-testid": "live-question-text" }),
    timerValue: h("span#timer-value", { "data-testid": "timer" }, "—"),
    late: h("p.warn-text", { hidden: true, "data-testid": "time-up" }, "Time is up. You can still submit: the answer is recorded, marked late."),
    answerBox: h("textarea#live-answer", { rows: "10", maxlength: answerMaxChars, spellcheck: "true" }),
    hint: h("p.hint#live-answer-hint"),
    answerStatus: h("p.status", { "data-testid": "answer-status" }),
    submit: h("button.primary#submit-live-answer", { type: "submit" }, "Submit answer"),
    textHint: answerMaxChars ? `Up to ${answerMaxChars} characters.` : "",
  };
  q.timerLine = h("p.timer", { role: "timer", "aria-live": "off", "aria-atomic": "true" }, "Time left: ", q.timerValue);
  q.setStatus = (text) => (q.answerStatus.textContent = text);
  const label = h("label", { for: "live-answer" }, "Your answer");
  q.coding = new CodingPanel({ box: q.answerBox, label, run: (code) => live.runCode(code) });
  const form = h("form", { novalidate: true, onsubmit: (e) => live.submitAnswer(e) },
    q.coding.before,
    h("div.field", label, q.hint, q.answerBox),
    q.coding.after,
    h("div.actions", q.submit), q.answerStatus,
  );
  q.answerBox.setAttribute("aria-describedby", "live-answer-hint");
  q.element = h("div.live-question", { hidden: true }, q.heading, q.progress, q.badge, q.text, q.timerLine, q.late, form);
  q.finish = finishControl(live);
  answerEvents(live, q);
  return q;
}

/** "Finish interview", confirmed in place; shown once the current question's time is up. */
function finishControl(live) {
  const wrap = h("span.confirm-finish");
  const button = h("button#finish-interview", { type: "button", hidden: true, onclick: () => {
    clear(wrap, h("span.sure", "Finish now? Unanswered questions stay unanswered. "),
      h("button.danger", { type: "button", onclick: () => { live.finish(); reset(); } }, "Yes, finish"),
      " ", h("button", { type: "button", onclick: () => { reset(); button.focus(); } }, "Keep going"));
    wrap.querySelector("button").focus();
  } }, "Finish interview");
  const reset = () => clear(wrap, button);
  reset();
  return { element: h("div.actions.finish", wrap), button };
}

/** Drafts are kept per question, pastes are reported, and Tab indents in a coding answer. */
function answerEvents(live, q) {
  const box = q.answerBox;
  box.addEventListener("input", () => live.question && live.saveDraft(box.value));
  box.addEventListener("paste", () => live.report("paste"));
  indentWithTab(box, { isCode: () => live.question?.type === "coding", status: q.answerStatus });
}

/** Show question `question` ({number, total, text, type, followUp}) in the area. */
export function showIn(q, { number, total, text, type, followUp }) {
  q.heading.textContent = `Question ${number} of ${total}${followUp ? ": follow-up" : ""}`;
  q.progress.max = total || 1;
  q.progress.value = number;
  q.progress.textContent = `Question ${number} of ${total}`;
  clear(q.badge, followUp ? h("span.badge.follow-up", { "data-testid": "follow-up-badge" }, `Follow-up to question ${number}`)
    : type === "coding" ? h("span.badge", "Coding question") : h("span.badge", "Text question"));
  q.text.textContent = text;
  q.answerBox.classList.toggle("code", type === "coding");
  q.answerBox.setAttribute("spellcheck", type === "coding" ? "false" : "true");
  q.hint.textContent = type === "coding" ? CODE_HINT : q.textHint;
}
