// A spoken practice answer: record in the browser (MediaRecorder), then send it directly, or through the
// presigned upload when it is larger than a direct upload may be.
import { api, postPresigned } from "../api.js";
import { h, announce, statusLine } from "../ui.js";
import { appendPlace } from "./question.js";

const MIME_TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/ogg"];
const megabytes = (bytes, digits = 1) => (bytes / 1e6).toFixed(digits);

export class VoiceAnswer {
  /** interview: the PracticeInterview (sessionId, state, config, ctx, errors, sendAnswer). */
  constructor(interview) {
    this.interview = interview;
    this.audio = interview.config.audio;
    this.limited = Number.isFinite(this.audio.max_seconds); // the API names its longest answer
    this.recorder = null;
    this.timer = null;
    this.status = statusLine("recording-status");
    this.record = h("button#record-answer", { type: "button", onclick: () => this.start() }, "Record answer");
    this.stopButton = h("button#stop-recording", { type: "button", disabled: true, onclick: () => this.stop() }, "Stop recording");
    this.element = h("section.voice", { "aria-labelledby": "voice-h" },
      h("h3#voice-h", "Or answer by voice"),
      h("p.hint", `${this.limited ? `Up to ${this.audio.max_seconds / 60} minutes. ` : ""}Your browser asks for the microphone the first time.`),
      h("div.actions", this.record, this.stopButton),
      this.status,
    );
  }

  setBusy(on) {
    this.record.disabled = on || !!this.recorder;
  }

  async start() {
    const { errors } = this.interview;
    errors.clear();
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") {
      errors.show("This browser cannot record audio here (it needs a secure https page and MediaRecorder). Type your answer instead.");
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      errors.show(`Microphone unavailable: ${err.message || err.name}. Type your answer instead.`);
      return;
    }
    const mime = MIME_TYPES.find((t) => MediaRecorder.isTypeSupported(t)) || "";
    try {
      this.recorder = new MediaRecorder(stream, mime ? { mimeType: mime } : undefined);
    } catch (err) {
      stream.getTracks().forEach((t) => t.stop());
      errors.show(`Cannot record: ${err.message || err.name}`);
      return;
    }
    this.listen(stream, mime);
  }

  /** Start the recorder made by start(): collect its chunks, count the time, stop at the limit. */
  listen(stream, mime) {
    const chunks = [];
    const startedAt = Date.now();
    this.recorder.ondataavailable = (ev) => ev.data && ev.data.size && chunks.push(ev.data);
    this.recorder.onstop = () => {
      stream.getTracks().forEach((t) => t.stop());
      clearInterval(this.timer);
      const type = (this.recorder && this.recorder.mimeType) || mime || "audio/webm";
      this.recorder = null;
      this.stopButton.disabled = true;
      this.record.disabled = false;
      if (this.interview.ctx.signal.aborted) return;
      this.send(new Blob(chunks, { type }));
    };
    this.recorder.start(1000);
    this.record.disabled = true;
    this.stopButton.disabled = false;
    this.stopButton.focus();
    this.status.set("Recording… 0:00");
    announce("Recording. Press Stop recording when you are done.");
    this.timer = setInterval(() => {
      const s = Math.floor((Date.now() - startedAt) / 1000);
      this.status.textContent = `Recording… ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
      if (this.limited && s >= this.audio.max_seconds) this.stop();
    }, 500);
  }

  stop() {
    if (this.recorder && this.recorder.state !== "inactive") this.recorder.stop();
  }

  send(blob) {
    if (!blob.size) {
      this.status.set("");
      this.interview.errors.show("Nothing was recorded. Check your microphone and try again.");
      return;
    }
    const contentType = (blob.type || "audio/webm").split(";")[0];
    const ext = contentType.includes("ogg") ? "ogg" : contentType.includes("mp4") ? "m4a" : "webm";
    const upload = { blob, contentType, filename: `answer.${ext}`, path: `/audio-answer/${encodeURIComponent(this.interview.sessionId)}` };
    this.status.set(`Sending your recording (${megabytes(blob.size)} MB)…`);
    announce("Sending your recording.");
    return this.interview.sendAnswer(() => this.upload(upload), { heard: true, progress: this.status });
  }

  /** The recording as a direct multipart upload, or through the presigned one when too large (or a 413). */
  async upload(upload) {
    if (upload.blob.size > this.audio.max_direct_bytes) return this.viaPresigned(upload);
    const form = new FormData();
    form.append("audio_file", upload.blob, upload.filename);
    appendPlace(form, this.interview.state);
    try {
      return await api(upload.path, { form, signal: this.interview.ctx.signal });
    } catch (err) {
      if (err.status !== 413) throw err;
      return this.viaPresigned(upload);
    }
  }

  async viaPresigned({ blob, contentType, filename, path }) {
    const { sessionId, state, ctx } = this.interview;
    this.status.set(`Uploading your recording (${megabytes(blob.size)} MB)…`);
    const { data: up } = await api(`/audio-upload/${encodeURIComponent(sessionId)}`, { json: { content_type: contentType }, signal: ctx.signal });
    if (up.max_bytes && blob.size > up.max_bytes) {
      throw new Error(`The recording is ${megabytes(blob.size)} MB; the limit is ${megabytes(up.max_bytes, 0)} MB. Record a shorter answer.`);
    }
    await postPresigned(up.upload_url, up.fields, blob, filename);
    this.status.set("Transcribing your answer…");
    const form = new FormData();
    form.append("audio_key", up.audio_key);
    appendPlace(form, state);
    return api(path, { form, signal: ctx.signal });
  }

  cleanup() {
    clearInterval(this.timer);
    if (this.recorder && this.recorder.state !== "inactive") {
      this.recorder.onstop = null;
      this.recorder.stream.getTracks().forEach((t) => t.stop());
      this.recorder.stop();
    }
  }
}
