// A practice interview in progress: the question card, the typed answer (code, with its tests to run, for
// a coding question), the spoken one, and what the API answered (the next question, or the report once the
// last answer is in).
import { api } from "../api.js";
import { h, clear, append, announce, errorArea, statusLine, field, fmtNumber } from "../ui.js";
import { CodingPanel, CODE_HINT, indentWithTab } from "../coding.js";
import { QuestionCard, answerPlace } from "./question.js";
import { VoiceAnswer } from "./voice.js";

export const started = new Map(); // session id -> the start-interview response (saves a round trip)

const sessionPath = (sessionId) => `/session/${encodeURIComponent(sessionId)}`;
const reportHash = (sessionId) => `#/report/${encodeURIComponent(sessionId)}`;
const newInterviewLink = () => h("a", { href: "#/practice" }, "Start a new practice interview");

export async function renderInterview(root, sessionId, config, ctx) {
  ctx.title("Practice interview");
  const errors = errorArea("answer-error");
  const status = statusLine("interview-status");
  const body = h("div");
  clear(root, h("h1", "Practice interview"), status, errors, body);
  const state = await firstQuestion(sessionId, { status, errors, body, signal: ctx.signal });
  if (!state) return;
  const interview = new PracticeInterview({ sessionId, config, ctx, status, errors }, state);
  clear(body, interview.element);
  interview.showQuestion(state, false);
  return () => interview.cleanup();
}

/** The question to show: the one just started, or the session's current one (null: nothing to answer). */
async function firstQuestion(sessionId, { status, errors, body, signal }) {
  const start = started.get(sessionId);
  if (start) {
    started.delete(sessionId);
    return { number: start.question_number, total: start.total_questions, text: start.current_question, coding: start.coding, greeting: start.greeting, turn: start.turn };
  }
  status.set("Loading the session…");
  try {
    const { data } = await api(sessionPath(sessionId), { signal });
    status.set("");
    if (data.status === "completed") {
      location.replace(reportHash(sessionId));
      return null;
    }
    if (data.status !== "active" || !data.current_question) {
      clear(body, h("p", `This interview is ${data.status || "not active"}. `), newInterviewLink());
      return null;
    }
    return currentQuestion(data);
  } catch (err) {
    if (err.name === "AbortError") return null;
    status.set("");
    errors.show(err);
    append(body, h("p", newInterviewLink()));
    return null;
  }
}

/** The session's current question, from GET /session/{id}. */
const currentQuestion = (data) => ({ number: data.current_question_number, total: data.total_questions, text: data.current_question, coding: data.current_coding, followUp: !!data.follow_up, turn: data.turn });

/** The transcript of a spoken answer and how it was spoken, shown above the next question. */
function heardCard(heard, number) {
  const s = heard.speaking;
  return h("section.card.heard", { "aria-label": "Your spoken answer" },
    h("h3", `Transcript of your answer to question ${number}`),
    h("p", { "data-testid": "transcript" }, heard.transcript || "(nothing heard)"),
    s ? h("p.hint", `${fmtNumber(s.words_per_minute, 0)} words per minute (${s.pace}), ` +
      `${fmtNumber(s.fillers_per_minute)} fillers per minute, ${s.long_pauses} long pauses, ` +
      `${fmtNumber(heard.audio_duration_seconds ?? s.duration_seconds)} s.`) : null,
  );
}

class PracticeInterview {
  /** session: {sessionId, config, ctx, status, errors}; state: the question shown first. */
  constructor(session, state) {
    Object.assign(this, session);
    this.state = state;
    this.shown = null; // the number of the question on screen
    this.busy = false;
    this.previous = h("div.previous", { "data-testid": "previous-answer" });
    this.question = new QuestionCard(this);
    this.answer = h("textarea#answer", { rows: "8", maxlength: this.config.answer_max_chars, required: true, spellcheck: "true" });
    this.submit = h("button.primary#submit-answer", { type: "submit" }, "Submit answer");
    this.voice = new VoiceAnswer(this);
    this.limit = this.config.answer_max_chars ? `Up to ${this.config.answer_max_chars} characters.` : "";
    const answerField = field("Your answer", this.answer, this.limit || CODE_HINT);
    this.hint = answerField.querySelector(".hint");
    this.coding = new CodingPanel({ box: this.answer, label: answerField.querySelector("label"), run: (code) => this.runCode(code) });
    indentWithTab(this.answer, { isCode: () => !!this.state.coding, status: this.status });
    const textForm = h("form", { novalidate: true, onsubmit: (e) => this.submitText(e) },
      this.coding.before,
      answerField,
      this.coding.after,
      h("div.actions", this.submit),
    );
    this.element = h("div",
      state.greeting ? h("p.greeting", state.greeting) : null,
      this.previous,
      this.question.element,
      h("section.card.answer-area", { "aria-label": "Answer" }, textForm, this.voice.element),
    );
  }

  get path() {
    return sessionPath(this.sessionId);
  }

  setBusy(on) {
    this.busy = on;
    this.submit.disabled = on;
    this.answer.readOnly = on;
    this.voice.setBusy(on);
    this.coding.setBusy(on);
  }

  showQuestion(q, focus = true) {
    this.state = { ...this.state, ...q };
    this.question.show(q, focus);
    const shown = `${q.number}/${q.turn ?? ""}`; // a follow-up keeps its main question's number
    if (shown === this.shown) return;
    this.shown = shown;
    const coding = q.coding || null;
    this.coding.show(coding);
    this.answer.value = coding?.starter_code || "";
    this.answer.classList.toggle("code", !!coding);
    this.answer.spellcheck = !coding;
    this.voice.element.hidden = !!coding; // code is typed
    this.hint.textContent = coding ? [this.limit, CODE_HINT].filter(Boolean).join(" ") : this.limit;
  }

  /** Run the code against the current question's visible tests (POST /api/code/run). */
  async runCode(code) {
    const json = { session_id: this.sessionId, question_number: this.state.number, code };
    const { data } = await api("/api/code/run", { json, signal: this.ctx.signal });
    return data;
  }

  /** The API took an answer (typed, or `heard` from a recording): the next question, or the report. */
  async answered(data, heard) {
    clear(this.previous);
    if (heard) append(this.previous, heardCard(heard, this.state.number));
    if (data.status === "completed") {
      announce(data.message || "Interview completed!");
      this.status.set(`${data.message || "Interview completed!"} Preparing your report…`);
      location.hash = reportHash(this.sessionId);
      return;
    }
    this.showQuestion({ number: data.question_number, total: data.total_questions, text: data.next_question, coding: data.coding, followUp: !!data.follow_up, turn: data.turn });
    if (heard) announce(`Transcript: ${heard.transcript}. Question ${data.question_number} of ${data.total_questions}: ${data.next_question}`);
  }

  /** After a 409 (already answered, e.g. a retry or another tab): show where the session really is. */
  async resync(err) {
    if (!err || err.status !== 409) return;
    try {
      const { data } = await api(this.path, { signal: this.ctx.signal });
      if (data.status === "completed") location.hash = reportHash(this.sessionId);
      else if (data.current_question) this.showQuestion(currentQuestion(data));
    } catch {
      /* the 409's own detail is already shown */
    }
  }

  /**
   * Send an answer (`send` resolves to the API's response), show the outcome, keep the form usable.
   * `progress` is the status line that says what is being sent: it is cleared once the API answers.
   */
  async sendAnswer(send, { heard = false, progress }) {
    this.setBusy(true);
    try {
      const { data } = await send();
      progress.set("");
      this.status.set(data.status === "completed" ? "" : "Answer recorded.");
      await this.answered(data, heard ? data : null);
    } catch (err) {
      if (err.name === "AbortError") return;
      progress.set("");
      this.errors.show(err);
      await this.resync(err);
    } finally {
      this.setBusy(false);
    }
  }

  submitText(e) {
    e.preventDefault();
    if (this.busy) return;
    this.errors.clear();
    const text = this.answer.value.trim();
    if (!text) {
      this.errors.show("Type an answer first (or record one).");
      this.answer.focus();
      return;
    }
    this.status.set("Sending your answer…");
    const json = { session_id: this.sessionId, answer: text, ...answerPlace(this.state) };
    return this.sendAnswer(() => api("/submit-answer", { json, signal: this.ctx.signal }), { progress: this.status });
  }

  cleanup() {
    this.voice.cleanup();
    this.question.cleanup();
  }
}
