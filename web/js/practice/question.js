// The practice question card: heading, progress, the question's text, and "Hear question" (text to speech).
import { api } from "../api.js";
import { h, announce } from "../ui.js";

/** The answer's place: `turn` only where the session counts turns (follow-ups on), so a stale one gets 409. */
export const answerPlace = (state) => ({ question_number: state.number, ...(state.turn ? { turn: state.turn } : {}) });

/** The same, as the audio form's fields. */
export function appendPlace(form, state) {
  for (const [name, value] of Object.entries(answerPlace(state))) form.append(name, String(value));
}

export class QuestionCard {
  /** interview: {state, config, ctx, status, errors} (the PracticeInterview). */
  constructor(interview) {
    this.interview = interview;
    this.audioUrl = null;
    this.heading = h("h2#question-heading", { tabindex: "-1", "data-autofocus": true });
    this.followUp = h("p.follow-up-label#follow-up-label", { "data-testid": "follow-up-label", hidden: true });
    this.progress = h("progress#question-progress", { "aria-labelledby": "question-heading" });
    this.text = h("p.question-text#question-text", { "data-testid": "question-text" });
    this.audio = h("audio#question-audio", { controls: true, hidden: true, preload: "auto" });
    this.hear = h("button#hear-question", { type: "button", onclick: () => this.speak() }, "Hear question");
    this.element = h("section.card.question", { "aria-labelledby": "question-heading" },
      this.heading, this.followUp, this.progress, this.text, h("div.actions", this.hear), this.audio);
  }

  show(q, focus = true) {
    const title = `Question ${q.number} of ${q.total}${q.followUp ? ": follow-up" : ""}`;
    this.heading.textContent = title;
    this.followUp.hidden = !q.followUp;
    this.followUp.textContent = q.followUp ? `A follow-up to question ${q.number}, about your answer.` : "";
    this.progress.max = q.total;
    this.progress.value = q.number;
    this.progress.textContent = title;
    this.text.textContent = q.text;
    this.audio.hidden = true;
    this.audio.removeAttribute("src");
    this.releaseAudio();
    if (focus) {
      this.heading.focus();
      announce(`${title}: ${q.text}`);
    }
  }

  releaseAudio() {
    if (this.audioUrl) URL.revokeObjectURL(this.audioUrl);
    this.audioUrl = null;
  }

  async speak() {
    const { state, config, ctx, status, errors } = this.interview;
    errors.clear();
    this.hear.disabled = true;
    status.set("Preparing the audio…");
    try {
      const text = state.text.slice(0, config.practice.speech_max_chars);
      const { data } = await api("/text-to-speech", { json: { text }, raw: true, signal: ctx.signal });
      const blob = await data.blob();
      this.releaseAudio();
      this.audioUrl = URL.createObjectURL(blob);
      this.audio.src = this.audioUrl;
      this.audio.hidden = false;
      status.set("Playing the question.");
      await this.audio.play().catch(() => status.set("Press play on the audio player to hear the question."));
    } catch (err) {
      if (err.name !== "AbortError") {
        status.set("");
        errors.show(err);
      }
    } finally {
      this.hear.disabled = false;
    }
  }

  cleanup() {
    this.audio.pause();
    this.releaseAudio();
  }
}
