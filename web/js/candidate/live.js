// Step 3: the live interview over the live channel: the server's questions and countdown, answers,
// and proctoring events sent as they happen.
import { wsUrl } from "../api.js";
import { h, clear, announce, errorArea, statusLine } from "../ui.js";
import { LiveChannel } from "../live.js";
import { store, thankYou } from "./common.js";
import { questionArea, showIn } from "./question-area.js";

const WARNINGS = [60, 30, 10]; // seconds left when the countdown is announced
const LOW_SECONDS = 30;

export function liveStep(stage, options) {
  const live = new LiveInterview(stage, options);
  return () => live.teardown();
}

class LiveInterview {
  constructor(stage, { sessionId, token, ctx, done, config }) {
    Object.assign(this, { stage, sessionId, done });
    this.question = null; // {number, total, text, type, coding, deadlineMs, skewMs}
    this.submittedFor = null;
    this.pendingRun = null; // {resolve, reject} of the run_code awaiting its code_result
    this.tick = null;
    this.warned = new Set();
    this.proctoring = false;
    this.completed = false;
    this.wasFullscreen = !!document.fullscreenElement;
    this.conn = statusLine("connection-status");
    this.errors = errorArea("live-error");
    this.retry = h("button#retry-connection", { type: "button", hidden: true, onclick: () => this.channel.retryNow() }, "Retry now");
    this.start = h("button.primary#start-live", { type: "button", onclick: () => this.startInterview() }, "Start interview");
    const fullscreen = h("button#enter-fullscreen", { type: "button", onclick: () => this.enterFullscreen(), hidden: !document.documentElement.requestFullscreen }, "Enter full screen");
    this.intro = h("div.intro",
      h("p", "Each question has its own time limit, shown as a countdown. Answers sent after the time is up are still recorded, but marked late."),
      h("div.actions", this.start, fullscreen),
    );
    this.q = questionArea(this, config.answer_max_chars);
    clear(stage, h("section.card", { "aria-labelledby": "live-h" },
      h("h2#live-h", "Step 3 of 3: Interview"),
      this.conn, h("div.actions", this.retry), this.errors, this.intro, this.q.element, h("span", this.q.finish.element),
    ));
    this.channel = new LiveChannel(
      wsUrl(`/ws/interview?session_id=${encodeURIComponent(sessionId)}&token=${encodeURIComponent(token)}`),
      { onOpen: () => this.channel.send({ type: "state" }), onMessage: (m) => this.handle(m), onStatus: (s) => this.showConnection(s) },
    );
    this.channel.connect();
    this.watchProctoring();
  }

  /** A draft per question asked: a follow-up (same number, its own turn) starts empty. */
  draftKey(n, turn = this.question?.turn) {
    return `mi.draft.${this.sessionId}.${n}${turn ? `.${turn}` : ""}`;
  }

  saveDraft(text) {
    store.set(this.draftKey(this.question.number), text);
  }

  setSubmitting(on) {
    this.q.submit.disabled = on;
    this.q.coding.setBusy(on);
  }

  showConnection(s) {
    const { conn, errors, retry } = this;
    retry.hidden = true;
    if (s.state !== "open") this.settleRun(null, new Error("The connection dropped during the run. Run the tests again once it is back."));
    if (s.state === "connecting") conn.set(s.attempt > 1 ? `Reconnecting to the interview (attempt ${s.attempt})…` : "Connecting to the interview…");
    else if (s.state === "open") {
      conn.set("Connected.");
      errors.clear();
    } else if (s.state === "retrying") {
      const secs = Math.max(1, Math.round(s.delay / 1000));
      const lost = s.everOpened ? "The connection to the interview was lost" : "Cannot connect to the live interview channel";
      conn.set(`${lost}${s.reason ? ` (${s.reason})` : ""}. Retrying in ${secs} s (attempt ${s.attempt + 1} of ${s.maxAttempts})…`);
      retry.hidden = false;
      retry.textContent = "Retry now";
      if (!s.everOpened && errors.hidden) errors.show("Cannot connect to the live interview channel. Retrying automatically; if it keeps failing, check your internet connection or contact the recruiter.");
    } else if (s.state === "failed") {
      conn.set("Not connected.");
      errors.show(s.fatal
        ? `The interview server refused the connection: ${s.reason}.`
        : `Could not connect to the live interview channel (${s.reason}). Check your internet connection and try again; if it keeps failing, contact the recruiter.`);
      retry.hidden = false;
      retry.textContent = "Try again";
    }
  }

  handle(msg) {
    switch (msg.type) {
      case "question":
        return this.showQuestion(msg);
      case "timer":
        return this.onTimer(msg);
      case "ack":
        return this.onAck(msg);
      case "code_result":
        return this.settleRun(msg, null);
      case "state":
        return this.onState(msg);
      case "completed":
      case "report_ready":
        return this.complete();
      case "error":
        return this.onError(msg);
      default:
        return undefined; // pong and anything new: ignore
    }
  }

  onTimer(msg) {
    const question = this.question;
    if (question && typeof msg.seconds_left === "number" && (msg.question_number === undefined || msg.question_number === question.number)) {
      if (question.deadlineMs === null) question.deadlineMs = Date.now() + msg.seconds_left * 1000;
      else question.skewMs = question.deadlineMs - msg.seconds_left * 1000 - Date.now();
      this.updateTimer();
    }
    if (msg.expired) this.expired();
  }

  onAck(msg) {
    if (msg.question_number !== undefined && this.question && msg.question_number !== this.question.number) return;
    this.submittedFor = null;
    this.setSubmitting(true); // answered: wait for the next question
    const late = msg.late ? " It was sent after the time limit, so it is marked late." : "";
    this.q.setStatus(`Answer${msg.question_number ? ` to question ${msg.question_number}` : ""} received.${late}`);
    announce(`Answer received.${late}`);
    store.set(this.draftKey(msg.question_number), null);
  }

  onError(msg) {
    const detail = typeof msg.detail === "string" ? msg.detail : Array.isArray(msg.detail) ? msg.detail.map((d) => d.msg || String(d)) : `The interview server reported an error${msg.code ? ` (${msg.code})` : ""}.`;
    if (msg.in_reply_to === "run_code" && this.pendingRun) {
      // shown by the code area (a used-up run count among them), not as the interview's error
      return this.settleRun(null, new Error([detail].flat().join(" ")));
    }
    this.errors.show(detail);
    if (this.question && this.submittedFor === this.question.number) {
      this.submittedFor = null;
      this.setSubmitting(false);
    }
    this.start.disabled = false;
  }

  onState(msg) {
    const status = msg.status;
    if (status === "completed" || status === "abandoned") {
      if (status === "completed") this.complete();
      else {
        this.errors.show("This interview is no longer open.");
        this.intro.hidden = true;
      }
      return;
    }
    if (status === "in_progress") {
      this.intro.hidden = true;
      if (!this.question) this.conn.set("Connected. Resuming your interview…");
      // Some servers put the current question in the state message.
      const q = msg.question && typeof msg.question === "object" ? msg.question : msg;
      if ((q.text || q.current_question) && (q.question_number || q.current_question_number)) this.showQuestion(q);
    } else if (status === "initialized") {
      this.intro.hidden = false;
      this.start.disabled = false;
    }
  }

  startInterview() {
    this.errors.clear();
    if (!this.channel.send({ type: "start" })) {
      this.errors.show("Not connected to the interview yet. Wait for the connection (or press Retry now), then start.");
      return;
    }
    this.start.disabled = true;
    this.conn.set("Starting…");
  }

  enterFullscreen() {
    document.documentElement.requestFullscreen?.().catch((err) => this.errors.show(`Full screen unavailable: ${err.message}`));
  }

  finish() {
    this.channel.send({ type: "end" }, { queue: true });
    this.conn.set("Finishing…");
  }

  showQuestion(m) {
    const prev = this.question;
    const question = questionOf(m, prev);
    const same = prev && prev.number === question.number && prev.turn === question.turn;
    this.question = question;
    this.intro.hidden = true;
    this.q.element.hidden = false;
    this.proctoring = true;
    showIn(this.q, question);
    if (same && this.submittedFor === question.number) {
      // Resent after a reconnect and our answer was never acknowledged: let the candidate send it again.
      this.submittedFor = null;
      this.setSubmitting(false);
      this.q.setStatus("The connection dropped before your answer was confirmed. Press Submit answer to send it again.");
    }
    if (!same) this.newQuestion(question);
    clearInterval(this.tick);
    this.updateTimer();
    this.tick = setInterval(() => this.updateTimer(), 250);
  }

  /** A question not shown before: its draft (or starter code), a fresh countdown, and focus on it. */
  newQuestion({ number, total, text, type, coding, followUp }) {
    this.q.answerBox.value = store.get(this.draftKey(number), "") || coding?.starter_code || "";
    this.q.coding.show(coding);
    this.submittedFor = null;
    this.warned = new Set();
    this.q.late.hidden = true;
    this.q.finish.button.hidden = true; // the server lets a candidate finish early only once the time is up
    this.q.setStatus("");
    this.setSubmitting(false);
    this.conn.set("Connected.");
    this.q.heading.focus();
    announce(`Question ${number} of ${total}${followUp ? ", a follow-up" : type === "coding" ? ", coding" : ""}: ${text}`);
  }

  updateTimer() {
    const { question, q } = this;
    if (!question || question.deadlineMs === null) {
      q.timerValue.textContent = "no limit";
      return;
    }
    const left = Math.max(0, Math.ceil((question.deadlineMs - (Date.now() + question.skewMs)) / 1000));
    q.timerValue.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
    q.timerLine.classList.toggle("low", left <= LOW_SECONDS);
    for (const mark of WARNINGS) {
      if (left <= mark && left > 0 && !this.warned.has(mark)) {
        this.warned.add(mark);
        if (left > mark - 2) announce(mark === 60 ? "One minute left." : `${mark} seconds left.`);
      }
    }
    if (left === 0) this.expired();
  }

  expired() {
    if (!this.q.late.hidden) return;
    this.q.late.hidden = false;
    this.q.finish.button.hidden = false;
    announce("Time is up for this question. You can still submit; the answer will be marked late.");
  }

  submitAnswer(e) {
    e.preventDefault();
    this.errors.clear();
    if (!this.question) return;
    const text = this.q.answerBox.value.trim();
    if (!text) {
      this.errors.show("Write an answer before submitting.");
      this.q.answerBox.focus();
      return;
    }
    this.submittedFor = this.question.number;
    this.setSubmitting(true);
    const { number, turn } = this.question;
    const sent = this.channel.send({ type: "answer", question_number: number, ...(turn ? { turn } : {}), answer: text }, { queue: true });
    this.q.setStatus(sent ? "Sending your answer…" : "Not connected: your answer will be sent as soon as the connection is back.");
  }

  /** Run the code against the current question's visible tests: resolves to the code_result. */
  runCode(code) {
    return new Promise((resolve, reject) => {
      if (!this.question || !this.channel.send({ type: "run_code", question_number: this.question.number, code })) {
        reject(new Error("Not connected: run the tests again once the connection is back."));
        return;
      }
      this.pendingRun = { resolve, reject };
    });
  }

  /** The run awaiting its result gets it (`result`) or fails (`error`); nothing happens without one. */
  settleRun(result, error) {
    const pending = this.pendingRun;
    this.pendingRun = null;
    if (pending && error) pending.reject(error);
    else if (pending) pending.resolve(result);
  }

  /** Proctoring: what happens is sent as it happens (queued while reconnecting). */
  report(type) {
    if (!this.proctoring || this.completed) return;
    this.channel.send({ type: "proctoring", events: [{ type, at: Date.now() }] }, { queue: true });
  }

  watchProctoring() {
    this.onVisibility = () => document.visibilityState === "hidden" && this.report("tab_hidden");
    this.onBlur = () => this.report("window_blur");
    this.onFullscreen = () => {
      const now = !!document.fullscreenElement;
      if (this.wasFullscreen && !now) this.report("fullscreen_exit");
      this.wasFullscreen = now;
    };
    document.addEventListener("visibilitychange", this.onVisibility);
    window.addEventListener("blur", this.onBlur);
    document.addEventListener("fullscreenchange", this.onFullscreen);
  }

  complete() {
    if (this.completed) return;
    this.completed = true;
    this.proctoring = false;
    this.teardown();
    this.done();
    thankYou(this.stage);
    this.stage.querySelector("h2")?.focus();
    announce("Interview complete. Thank you!");
    if (document.fullscreenElement) document.exitFullscreen?.().catch(() => {});
  }

  teardown() {
    clearInterval(this.tick);
    this.channel.close();
    document.removeEventListener("visibilitychange", this.onVisibility);
    window.removeEventListener("blur", this.onBlur);
    document.removeEventListener("fullscreenchange", this.onFullscreen);
  }
}

/** A question message (or a state message's question) as {number, total, text, type, coding, deadlineMs, skewMs, followUp, turn}. */
function questionOf(m, previous) {
  const number = Number(m.question_number ?? m.current_question_number);
  const total = Number(m.total ?? m.total_questions ?? (previous && previous.total) ?? number);
  const text = String(m.text ?? m.current_question ?? "");
  const type = (m.question_type ?? m.current_question_type) === "coding" ? "coding" : "text";
  const coding = m.coding ?? m.current_coding ?? null;
  const deadlineAt = Number(m.deadline_at ?? m.current_deadline);
  const secondsLeft = typeof m.seconds_left === "number" ? m.seconds_left : null;
  const deadlineMs = isFinite(deadlineAt) && deadlineAt > 0 ? deadlineAt * 1000 : secondsLeft !== null ? Date.now() + secondsLeft * 1000 : null;
  // skew = server clock - our clock, estimated from seconds_left when the server sends it.
  const skewMs = deadlineMs !== null && secondsLeft !== null ? deadlineMs - secondsLeft * 1000 - Date.now() : 0;
  const turn = Number(m.turn) || null; // only where follow-ups are on
  return { number, total, text, type, coding, deadlineMs, skewMs, followUp: !!m.follow_up, turn };
}
