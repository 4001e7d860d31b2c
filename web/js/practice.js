// Practice interview: start form, one question at a time (typed or spoken answers), then the report.
import { api, getApiKey, setApiKey, postPresigned } from "./api.js";
import { h, clear, append, announce, errorArea, statusLine, field, fmtNumber } from "./ui.js";

const TOPICS = ["Data Structures", "Algorithms", "System Design", "Python", "JavaScript", "SQL", "Machine Learning", "Behavioral"];
const MAX_DIRECT_BYTES = 4_500_000; // the API's direct multipart limit (4.5 MB)
const MAX_RECORD_SECONDS = 180; // the API refuses longer answers
const started = new Map(); // session id -> the start-interview response (saves a round trip)

export async function render(root, { sessionId }, ctx) {
  if (!sessionId) return renderStart(root, ctx);
  return renderInterview(root, sessionId, ctx);
}

function renderStart(root, ctx) {
  ctx.title("Practice interview");
  const topic = h("input#topic", { type: "text", name: "topic", required: true, maxlength: "200", list: "topic-suggestions", autocomplete: "off", value: "Python" });
  const suggestions = h("datalist#topic-suggestions", TOPICS.map((t) => h("option", { value: t })));
  const difficulty = h("select#difficulty", { name: "difficulty" },
    ["simple", "medium", "hard"].map((d) => h("option", { value: d }, d[0].toUpperCase() + d.slice(1))));
  const count = h("input#num-questions", { type: "number", name: "num_questions", min: "1", max: "10", step: "1", value: "3", required: true, inputmode: "numeric" });
  const key = h("input#practice-api-key", { type: "password", autocomplete: "off", value: getApiKey() });
  const errors = errorArea("start-error");
  const submit = h("button.primary#start-interview", { type: "submit" }, "Start interview");
  const form = h("form.card", { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    errors.clear();
    const n = Number(count.value);
    const problems = [];
    if (!topic.value.trim()) problems.push("Enter a topic.");
    if (!Number.isInteger(n) || n < 1 || n > 10) problems.push("The number of questions must be a whole number from 1 to 10.");
    if (problems.length) {
      errors.show(problems);
      (topic.value.trim() ? count : topic).focus();
      return;
    }
    setApiKey(key.value.trim());
    submit.disabled = true;
    announce("Starting the interview…");
    try {
      const { data } = await api("/start-interview", { json: { topic: topic.value.trim(), difficulty: difficulty.value, num_questions: n } });
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
    field("Number of questions", count, "From 1 to 10."),
    h("details.access",
      h("summary", "Access settings"),
      field("API key", key, "Only needed when the API requires keys; kept for this browser tab only."),
    ),
    errors,
    submit,
  );
  clear(root, h("h1", "Practice interview"), h("p", "Answer each question by typing or by speaking. Every answer is scored on its own."), form);
}

async function renderInterview(root, sessionId, ctx) {
  ctx.title("Practice interview");
  const errors = errorArea("answer-error");
  const status = statusLine("interview-status");
  const body = h("div");
  clear(root, h("h1", "Practice interview"), status, errors, body);

  let state = started.get(sessionId);
  if (state) {
    started.delete(sessionId);
    state = { number: state.question_number, total: state.total_questions, text: state.current_question, greeting: state.greeting };
  } else {
    status.set("Loading the session…");
    try {
      const { data } = await api(`/session/${encodeURIComponent(sessionId)}`, { signal: ctx.signal });
      status.set("");
      if (data.status === "completed") {
        location.replace(`#/report/${encodeURIComponent(sessionId)}`);
        return;
      }
      if (data.status !== "active" || !data.current_question) {
        clear(body, h("p", `This interview is ${data.status || "not active"}. `), h("a", { href: "#/practice" }, "Start a new practice interview"));
        return;
      }
      state = { number: data.current_question_number, total: data.total_questions, text: data.current_question, topic: data.topic, difficulty: data.difficulty };
    } catch (err) {
      if (err.name === "AbortError") return;
      status.set("");
      errors.show(err);
      append(body, h("p", h("a", { href: "#/practice" }, "Start a new practice interview")));
      return;
    }
  }

  // --- the question view ---
  const heading = h("h2#question-heading", { tabindex: "-1", "data-autofocus": true });
  const progress = h("progress#question-progress", { "aria-labelledby": "question-heading" });
  const questionText = h("p.question-text#question-text", { "data-testid": "question-text" });
  const previous = h("div.previous", { "data-testid": "previous-answer" });
  const audio = h("audio#question-audio", { controls: true, hidden: true, preload: "auto" });
  const hear = h("button#hear-question", { type: "button", onclick: hearQuestion }, "Hear question");
  const answer = h("textarea#answer", { rows: "8", maxlength: "5000", required: true, spellcheck: "true" });
  const submit = h("button.primary#submit-answer", { type: "submit" }, "Submit answer");
  const record = h("button#record-answer", { type: "button", onclick: startRecording }, "Record answer");
  const stop = h("button#stop-recording", { type: "button", disabled: true, onclick: stopRecording }, "Stop recording");
  const recStatus = statusLine("recording-status");
  const textForm = h("form", { novalidate: true, onsubmit: submitText },
    field("Your answer", answer, "Up to 5000 characters."),
    h("div.actions", submit),
  );
  const voice = h("section.voice", { "aria-labelledby": "voice-h" },
    h("h3#voice-h", "Or answer by voice"),
    h("p.hint", `Up to ${MAX_RECORD_SECONDS / 60} minutes. Your browser asks for the microphone the first time.`),
    h("div.actions", record, stop),
    recStatus,
  );
  clear(body,
    state.greeting ? h("p.greeting", state.greeting) : null,
    previous,
    h("section.card.question", { "aria-labelledby": "question-heading" },
      heading, progress, questionText, h("div.actions", hear), audio),
    h("section.card.answer-area", { "aria-label": "Answer" }, textForm, voice),
  );
  let busy = false;
  let recorder = null;
  let recordTimer = null;
  let audioUrl = null;
  showQuestion(state, false);

  function setBusy(on) {
    busy = on;
    submit.disabled = on;
    record.disabled = on || !!recorder;
    answer.readOnly = on;
  }

  function showQuestion(q, focus = true) {
    state = { ...state, ...q };
    heading.textContent = `Question ${q.number} of ${q.total}`;
    progress.max = q.total;
    progress.value = q.number;
    progress.textContent = `Question ${q.number} of ${q.total}`;
    questionText.textContent = q.text;
    audio.hidden = true;
    audio.removeAttribute("src");
    if (audioUrl) URL.revokeObjectURL(audioUrl);
    audioUrl = null;
    if (focus) {
      heading.focus();
      announce(`Question ${q.number} of ${q.total}: ${q.text}`);
    }
  }

  async function hearQuestion() {
    errors.clear();
    hear.disabled = true;
    status.set("Preparing the audio…");
    try {
      const { data } = await api("/text-to-speech", { json: { text: state.text.slice(0, 3000) }, raw: true, signal: ctx.signal });
      const blob = await data.blob();
      if (audioUrl) URL.revokeObjectURL(audioUrl);
      audioUrl = URL.createObjectURL(blob);
      audio.src = audioUrl;
      audio.hidden = false;
      status.set("Playing the question.");
      await audio.play().catch(() => status.set("Press play on the audio player to hear the question."));
    } catch (err) {
      if (err.name !== "AbortError") {
        status.set("");
        errors.show(err);
      }
    } finally {
      hear.disabled = false;
    }
  }

  async function handleAnswered(data, heard) {
    clear(previous);
    if (heard) {
      append(previous, h("section.card.heard", { "aria-label": "Your spoken answer" },
        h("h3", `Transcript of your answer to question ${state.number}`),
        h("p", { "data-testid": "transcript" }, heard.transcript || "(nothing heard)"),
        heard.speaking ? h("p.hint", `${fmtNumber(heard.speaking.words_per_minute, 0)} words per minute (${heard.speaking.pace}), ` +
          `${fmtNumber(heard.speaking.fillers_per_minute)} fillers per minute, ${heard.speaking.long_pauses} long pauses, ` +
          `${fmtNumber(heard.audio_duration_seconds ?? heard.speaking.duration_seconds)} s.`) : null,
      ));
    }
    if (data.status === "completed") {
      announce(data.message || "Interview completed!");
      status.set(`${data.message || "Interview completed!"} Preparing your report…`);
      location.hash = `#/report/${encodeURIComponent(sessionId)}`;
      return;
    }
    answer.value = "";
    showQuestion({ number: data.question_number, total: data.total_questions, text: data.next_question });
    if (heard) announce(`Transcript: ${heard.transcript}. Question ${data.question_number} of ${data.total_questions}: ${data.next_question}`);
  }

  /** After a 409 (already answered, e.g. a retry or another tab): show where the session really is. */
  async function resync(err) {
    if (!err || err.status !== 409) return;
    try {
      const { data } = await api(`/session/${encodeURIComponent(sessionId)}`, { signal: ctx.signal });
      if (data.status === "completed") location.hash = `#/report/${encodeURIComponent(sessionId)}`;
      else if (data.current_question) showQuestion({ number: data.current_question_number, total: data.total_questions, text: data.current_question });
    } catch {
      /* the 409's own detail is already shown */
    }
  }

  async function submitText(e) {
    e.preventDefault();
    if (busy) return;
    errors.clear();
    const text = answer.value.trim();
    if (!text) {
      errors.show("Type an answer first (or record one).");
      answer.focus();
      return;
    }
    setBusy(true);
    status.set("Sending your answer…");
    try {
      const { data } = await api("/submit-answer", { json: { session_id: sessionId, answer: text, question_number: state.number }, signal: ctx.signal });
      status.set(data.status === "completed" ? "" : "Answer recorded.");
      await handleAnswered(data, null);
    } catch (err) {
      if (err.name === "AbortError") return;
      status.set("");
      errors.show(err);
      await resync(err);
    } finally {
      setBusy(false);
    }
  }

  async function startRecording() {
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
    const mime = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/ogg"].find((t) => MediaRecorder.isTypeSupported(t)) || "";
    const chunks = [];
    try {
      recorder = new MediaRecorder(stream, mime ? { mimeType: mime } : undefined);
    } catch (err) {
      stream.getTracks().forEach((t) => t.stop());
      errors.show(`Cannot record: ${err.message || err.name}`);
      return;
    }
    const startedAt = Date.now();
    recorder.ondataavailable = (ev) => ev.data && ev.data.size && chunks.push(ev.data);
    recorder.onstop = () => {
      stream.getTracks().forEach((t) => t.stop());
      clearInterval(recordTimer);
      const type = (recorder && recorder.mimeType) || mime || "audio/webm";
      recorder = null;
      stop.disabled = true;
      record.disabled = false;
      const blob = new Blob(chunks, { type });
      if (ctx.signal.aborted) return;
      sendRecording(blob);
    };
    recorder.start(1000);
    record.disabled = true;
    stop.disabled = false;
    stop.focus();
    recStatus.set("Recording… 0:00");
    announce("Recording. Press Stop recording when you are done.");
    recordTimer = setInterval(() => {
      const s = Math.floor((Date.now() - startedAt) / 1000);
      recStatus.textContent = `Recording… ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
      if (s >= MAX_RECORD_SECONDS) stopRecording();
    }, 500);
  }

  function stopRecording() {
    if (recorder && recorder.state !== "inactive") recorder.stop();
  }

  async function sendRecording(blob) {
    if (!blob.size) {
      recStatus.set("");
      errors.show("Nothing was recorded. Check your microphone and try again.");
      return;
    }
    const contentType = (blob.type || "audio/webm").split(";")[0];
    const ext = contentType.includes("ogg") ? "ogg" : contentType.includes("mp4") ? "m4a" : "webm";
    setBusy(true);
    recStatus.set(`Sending your recording (${(blob.size / 1e6).toFixed(1)} MB)…`);
    announce("Sending your recording.");
    const path = `/audio-answer/${encodeURIComponent(sessionId)}`;
    try {
      let res;
      if (blob.size <= MAX_DIRECT_BYTES) {
        const form = new FormData();
        form.append("audio_file", blob, `answer.${ext}`);
        form.append("question_number", String(state.number));
        try {
          res = await api(path, { form, signal: ctx.signal });
        } catch (err) {
          if (err.status !== 413) throw err;
          res = await viaPresigned(blob, contentType, ext, path);
        }
      } else {
        res = await viaPresigned(blob, contentType, ext, path);
      }
      recStatus.set("");
      status.set(res.data.status === "completed" ? "" : "Answer recorded.");
      await handleAnswered(res.data, res.data);
    } catch (err) {
      if (err.name === "AbortError") return;
      recStatus.set("");
      errors.show(err);
      await resync(err);
    } finally {
      setBusy(false);
    }
  }

  async function viaPresigned(blob, contentType, ext, path) {
    recStatus.set(`Uploading your recording (${(blob.size / 1e6).toFixed(1)} MB)…`);
    const { data: up } = await api(`/audio-upload/${encodeURIComponent(sessionId)}`, { json: { content_type: contentType }, signal: ctx.signal });
    if (up.max_bytes && blob.size > up.max_bytes) {
      throw new Error(`The recording is ${(blob.size / 1e6).toFixed(1)} MB; the limit is ${(up.max_bytes / 1e6).toFixed(0)} MB. Record a shorter answer.`);
    }
    await postPresigned(up.upload_url, up.fields, blob, `answer.${ext}`);
    recStatus.set("Transcribing your answer…");
    const form = new FormData();
    form.append("audio_key", up.audio_key);
    form.append("question_number", String(state.number));
    return api(path, { form, signal: ctx.signal });
  }

  return () => {
    clearInterval(recordTimer);
    if (recorder && recorder.state !== "inactive") {
      recorder.onstop = null;
      recorder.stream.getTracks().forEach((t) => t.stop());
      recorder.stop();
    }
    audio.pause();
    if (audioUrl) URL.revokeObjectURL(audioUrl);
  };
}
