// A recruiter's candidate: consent, reference photo, then the timed interview over the live channel.
import { api, wsUrl } from "./api.js";
import { h, clear, append, announce, errorArea, statusLine, field } from "./ui.js";
import { LiveChannel } from "./live.js";

const store = {
  get(key, fallback = null) {
    try {
      const v = sessionStorage.getItem(key);
      return v === null ? fallback : JSON.parse(v);
    } catch {
      return fallback;
    }
  },
  set(key, value) {
    try {
      if (value === null || value === undefined) sessionStorage.removeItem(key);
      else sessionStorage.setItem(key, JSON.stringify(value));
    } catch {
      /* storage disabled */
    }
  },
};

const STEPS = ["Consent", "Reference photo", "Interview"];

export async function render(root, { sessionId, token }, ctx) {
  ctx.title("Your interview");
  const tokenKey = `mi.token.${sessionId}`;
  token = token || store.get(tokenKey, "");
  const progressKey = `mi.cand.${sessionId}`;
  const progress = store.get(progressKey, {});
  const steps = h("ol.steps", { "aria-label": "Steps" });
  const stage = h("div.stage");
  clear(root, h("h1", "Your interview"), steps, stage);

  if (!token) {
    const errors = errorArea("token-error");
    const input = h("input#candidate-token", { type: "text", autocomplete: "off", spellcheck: "false" });
    clear(stage, errors, h("form", { onsubmit: (e) => {
      e.preventDefault();
      if (!input.value.trim()) {
        errors.show("Enter the access token from your interview link.");
        input.focus();
        return;
      }
      location.hash = `#/candidate/${encodeURIComponent(sessionId)}?token=${encodeURIComponent(input.value.trim())}`;
    } }, field("Access token", input), h("button.primary", { type: "submit" }, "Continue")));
    errors.show("This interview link has no access token. Open the full link you were sent, or enter the token.");
    return;
  }
  store.set(tokenKey, token);

  let cleanup = null;
  const setStep = (i) => {
    clear(steps, STEPS.map((name, n) => h("li", { "aria-current": n === i ? "step" : null, class: n < i ? "done" : null },
      n < i ? h("span.visually-hidden", "Done: ") : null, name)));
  };
  const go = (i) => {
    cleanup?.();
    cleanup = null;
    setStep(i);
    if (i === 0) cleanup = consentStep(stage, { sessionId, token, ctx, next: () => { progress.consent = true; store.set(progressKey, progress); go(1); } });
    else if (i === 1) cleanup = photoStep(stage, { sessionId, token, ctx, next: (how) => { progress.photo = how; store.set(progressKey, progress); go(2); } });
    else cleanup = liveStep(stage, { sessionId, token, ctx, done: () => { progress.done = true; store.set(progressKey, progress); steps.hidden = true; } });
    const heading = stage.querySelector("h2");
    if (heading && i > 0) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
      announce(heading.textContent);
    }
  };
  if (progress.done) {
    steps.hidden = true;
    thankYou(stage);
  } else go(!progress.consent ? 0 : !progress.photo ? 1 : 2);
  return () => cleanup?.();
}

function thankYou(stage) {
  clear(stage, h("section.card.thanks", { "data-testid": "thank-you" },
    h("h2", { tabindex: "-1" }, "Thank you!"),
    h("p", "Your interview is complete and your answers have been sent to the recruiter."),
    h("p", "You can close this page now. The recruiter will be in touch about the next steps."),
  ));
}

// --- step 1: consent ---------------------------------------------------------------------------
function consentStep(stage, { sessionId, token, ctx, next }) {
  const errors = errorArea("consent-error");
  const box = h("input#consent", { type: "checkbox", "aria-describedby": "consent-text" });
  const button = h("button.primary#give-consent", { type: "submit" }, "Continue");
  clear(stage, h("section.card", { "aria-labelledby": "consent-h" },
    h("h2#consent-h", "Step 1 of 3: Consent"),
    h("div#consent-text",
      h("p", "This interview is proctored. While you answer, we record:"),
      h("ul",
        h("li", "a reference photo of you, taken once from your camera;"),
        h("li", "when you leave this tab or window, paste into an answer, or leave full screen."),
      ),
      h("p", "The recruiter sees these events next to your answers as advice. They never end or fail your interview by themselves."),
    ),
    h("form", { onsubmit: async (e) => {
      e.preventDefault();
      errors.clear();
      if (!box.checked) {
        errors.show("Tick “I consent” to continue.");
        box.focus();
        return;
      }
      button.disabled = true;
      try {
        await api(`/api/parallel_interview/session/${encodeURIComponent(sessionId)}/consent`, { method: "POST", token, signal: ctx.signal });
        announce("Consent recorded.");
        next();
      } catch (err) {
        if (err.name !== "AbortError") errors.show(err);
        button.disabled = false;
      }
    } },
      h("div.check", box, h("label", { for: "consent" }, "I consent")),
      errors,
      button,
    ),
  ));
}

// --- step 2: reference photo ---------------------------------------------------------------------
function photoStep(stage, { sessionId, token, ctx, next }) {
  const errors = errorArea("photo-error");
  const status = statusLine("photo-status");
  const video = h("video#camera-preview", { autoplay: true, muted: true, playsinline: true, "aria-label": "Camera preview" });
  const canvas = h("canvas", { hidden: true });
  const startCam = h("button#start-camera", { type: "button", onclick: startCamera, hidden: true }, "Start camera");
  const capture = h("button.primary#capture-photo", { type: "button", onclick: capturePhoto, disabled: true }, "Capture photo");
  const skip = h("button#skip-photo", { type: "button", hidden: true, onclick: () => { stopCamera(); next("skipped"); } }, "Continue without a photo");
  let stream = null;
  clear(stage, h("section.card", { "aria-labelledby": "photo-h" },
    h("h2#photo-h", "Step 2 of 3: Reference photo"),
    h("p", "Face the camera in good light, with only your face in view, then capture a photo. It is used only to check that the same person takes the interview."),
    h("div.camera", video, canvas),
    status, errors,
    h("div.actions", startCam, capture, skip),
  ));
  video.muted = true;
  startCamera();

  async function startCamera() {
    errors.clear();
    startCam.hidden = true;
    if (!navigator.mediaDevices?.getUserMedia) {
      cameraFailed("This browser cannot use a camera here (a secure https page is needed).");
      return;
    }
    status.set("Starting the camera…");
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" }, audio: false });
      if (ctx.signal.aborted || !stage.contains(video)) return stopCamera();
      video.srcObject = stream;
      await video.play().catch(() => {});
      capture.disabled = false;
      status.set("Camera on. Press Capture photo when you are ready.");
    } catch (err) {
      cameraFailed(`Camera unavailable: ${err.message || err.name}.`);
    }
  }

  function cameraFailed(message) {
    status.set("");
    errors.show(`${message} Allow camera access and press Start camera, or continue without a photo.`);
    startCam.hidden = false;
    skip.hidden = false;
    capture.disabled = true;
  }

  function stopCamera() {
    stream?.getTracks().forEach((t) => t.stop());
    stream = null;
  }

  async function capturePhoto() {
    errors.clear();
    if (!stream || !video.videoWidth) {
      errors.show("The camera is not ready yet. Wait a moment and try again.");
      return;
    }
    const scale = Math.min(1, 640 / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.88));
    if (!blob) {
      errors.show("Could not take the photo. Try again.");
      return;
    }
    capture.disabled = true;
    status.set("Checking the photo…");
    const form = new FormData();
    form.append("session_id", sessionId);
    form.append("image", blob, "reference.jpg");
    try {
      const { data } = await api("/capture_reference_face", { form, token, signal: ctx.signal });
      stopCamera();
      status.set(data.message || "Reference face captured");
      announce(data.message || "Reference face captured");
      next("captured");
    } catch (err) {
      if (err.name === "AbortError") return;
      status.set(err.status === 422 ? "Adjust your position and press Capture photo again." : "");
      errors.show(err);
      capture.disabled = false;
      skip.hidden = false;
    }
  }

  return stopCamera;
}

// --- step 3: the live interview --------------------------------------------------------------------
function liveStep(stage, { sessionId, token, ctx, done }) {
  const draftKey = (n) => `mi.draft.${sessionId}.${n}`;
  const conn = statusLine("connection-status");
  const errors = errorArea("live-error");
  const retry = h("button#retry-connection", { type: "button", hidden: true, onclick: () => channel.retryNow() }, "Retry now");
  const start = h("button.primary#start-live", { type: "button", onclick: startInterview }, "Start interview");
  const fullscreen = h("button#enter-fullscreen", { type: "button", onclick: enterFullscreen, hidden: !document.documentElement.requestFullscreen }, "Enter full screen");
  const intro = h("div.intro",
    h("p", "Each question has its own time limit, shown as a countdown. Answers sent after the time is up are still recorded, but marked late."),
    h("div.actions", start, fullscreen),
  );
  const qArea = h("div.live-question", { hidden: true });
  const finish = h("span");
  const section = h("section.card", { "aria-labelledby": "live-h" },
    h("h2#live-h", "Step 3 of 3: Interview"),
    conn, h("div.actions", retry), errors, intro, qArea, finish,
  );
  clear(stage, section);

  let question = null; // {number, total, text, type, deadlineMs, skewMs}
  let submittedFor = null;
  let tick = null;
  let warned = new Set();
  let proctoring = false;
  let completed = false;
  let wasFullscreen = !!document.fullscreenElement;

  const channel = new LiveChannel(
    wsUrl(`/ws/interview?session_id=${encodeURIComponent(sessionId)}&token=${encodeURIComponent(token)}`),
    {
      onOpen: () => channel.send({ type: "state" }),
      onMessage: handle,
      onStatus: showConnection,
    },
  );
  channel.connect();

  function showConnection(s) {
    retry.hidden = true;
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

  function handle(msg) {
    switch (msg.type) {
      case "question":
        showQuestion(msg);
        break;
      case "timer":
        if (question && typeof msg.seconds_left === "number" && (msg.question_number === undefined || msg.question_number === question.number)) {
          if (question.deadlineMs === null) question.deadlineMs = Date.now() + msg.seconds_left * 1000;
          else question.skewMs = question.deadlineMs - msg.seconds_left * 1000 - Date.now();
          updateTimer();
        }
        if (msg.expired) expired();
        break;
      case "ack":
        if (msg.question_number === undefined || !question || msg.question_number === question.number) {
          submittedFor = null;
          setSubmitting(true); // answered: wait for the next question
          const late = msg.late ? " It was sent after the time limit, so it is marked late." : "";
          setAnswerStatus(`Answer${msg.question_number ? ` to question ${msg.question_number}` : ""} received.${late}`);
          announce(`Answer received.${late}`);
          store.set(draftKey(msg.question_number), null);
        }
        break;
      case "state":
        onState(msg);
        break;
      case "completed":
      case "report_ready":
        complete();
        break;
      case "error":
        errors.show(typeof msg.detail === "string" ? msg.detail : Array.isArray(msg.detail) ? msg.detail.map((d) => d.msg || String(d)) : `The interview server reported an error${msg.code ? ` (${msg.code})` : ""}.`);
        if (question && submittedFor === question.number) {
          submittedFor = null;
          setSubmitting(false);
        }
        start.disabled = false;
        break;
      default:
        break; // pong and anything new: ignore
    }
  }

  function onState(msg) {
    const status = msg.status;
    if (status === "completed" || status === "abandoned") {
      if (status === "completed") complete();
      else {
        errors.show("This interview is no longer open.");
        intro.hidden = true;
      }
      return;
    }
    if (status === "in_progress") {
      intro.hidden = true;
      if (!question) conn.set("Connected. Resuming your interview…");
      // Some servers put the current question in the state message.
      const q = msg.question && typeof msg.question === "object" ? msg.question : msg;
      if ((q.text || q.current_question) && (q.question_number || q.current_question_number)) showQuestion(q);
    } else if (status === "initialized") {
      intro.hidden = false;
      start.disabled = false;
    }
  }

  function startInterview() {
    errors.clear();
    if (!channel.send({ type: "start" })) {
      errors.show("Not connected to the interview yet. Wait for the connection (or press Retry now), then start.");
      return;
    }
    start.disabled = true;
    conn.set("Starting…");
  }

  function enterFullscreen() {
    document.documentElement.requestFullscreen?.().catch((err) => errors.show(`Full screen unavailable: ${err.message}`));
  }

  // The question, its countdown, and the answer form. Built once, updated per question.
  const qHeading = h("h3#live-question-heading", { tabindex: "-1" });
  const qProgress = h("progress#live-progress", { "aria-labelledby": "live-question-heading" });
  const qBadge = h("p.badge-line");
  const qText = h("p.question-text#live-question-text", { "data-testid": "live-question-text" });
  const timerValue = h("span#timer-value", { "data-testid": "timer" }, "—");
  const timerLine = h("p.timer", { role: "timer", "aria-live": "off", "aria-atomic": "true" }, "Time left: ", timerValue);
  const late = h("p.warn-text", { hidden: true, "data-testid": "time-up" }, "Time is up. You can still submit: the answer is recorded, marked late.");
  const answerBox = h("textarea#live-answer", { rows: "10", maxlength: "5000", spellcheck: "true" });
  const hint = h("p.hint#live-answer-hint");
  const answerStatus = h("p.status", { "data-testid": "answer-status" });
  const submit = h("button.primary#submit-live-answer", { type: "submit" }, "Submit answer");
  const form = h("form", { novalidate: true, onsubmit: submitAnswer },
    h("div.field", h("label", { for: "live-answer" }, "Your answer"), hint, answerBox),
    h("div.actions", submit), answerStatus,
  );
  answerBox.setAttribute("aria-describedby", "live-answer-hint");
  append(qArea, qHeading, qProgress, qBadge, qText, timerLine, late, form);
  clear(finish, h("div.actions.finish", h("span.confirm-finish")));
  const finishWrap = finish.querySelector(".confirm-finish");
  const finishButton = h("button#finish-interview", { type: "button", hidden: true, onclick: () => {
    clear(finishWrap, h("span.sure", "Finish now? Unanswered questions stay unanswered. "),
      h("button.danger", { type: "button", onclick: () => { channel.send({ type: "end" }, { queue: true }); resetFinish(); conn.set("Finishing…"); } }, "Yes, finish"),
      " ", h("button", { type: "button", onclick: () => { resetFinish(); finishButton.focus(); } }, "Keep going"));
    finishWrap.querySelector("button").focus();
  } }, "Finish interview");
  const resetFinish = () => clear(finishWrap, finishButton);
  resetFinish();

  let escArmed = false;
  answerBox.addEventListener("input", () => question && store.set(draftKey(question.number), answerBox.value));
  answerBox.addEventListener("paste", () => report("paste"));
  answerBox.addEventListener("keydown", (e) => {
    if (!question || question.type !== "coding") return;
    if (e.key === "Escape") {
      escArmed = true;
      setAnswerStatus("Press Tab to leave the code editor.");
      return;
    }
    if (e.key === "Tab" && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey && !escArmed) {
      e.preventDefault();
      answerBox.setRangeText("    ", answerBox.selectionStart, answerBox.selectionEnd, "end");
      answerBox.dispatchEvent(new Event("input"));
      return;
    }
    if (escArmed && e.key !== "Shift") {
      escArmed = false;
      if (answerStatus.textContent === "Press Tab to leave the code editor.") setAnswerStatus("");
    }
  });

  function setAnswerStatus(text) {
    answerStatus.textContent = text;
  }

  function setSubmitting(on) {
    submit.disabled = on;
  }

  function showQuestion(m) {
    const number = Number(m.question_number ?? m.current_question_number);
    const total = Number(m.total ?? m.total_questions ?? (question && question.total) ?? number);
    const text = String(m.text ?? m.current_question ?? "");
    const type = (m.question_type ?? m.current_question_type) === "coding" ? "coding" : "text";
    const deadlineAt = Number(m.deadline_at ?? m.current_deadline);
    const secondsLeft = typeof m.seconds_left === "number" ? m.seconds_left : null;
    const deadlineMs = isFinite(deadlineAt) && deadlineAt > 0 ? deadlineAt * 1000 : secondsLeft !== null ? Date.now() + secondsLeft * 1000 : null;
    // skew = server clock - our clock, estimated from seconds_left when the server sends it.
    const skewMs = deadlineMs !== null && secondsLeft !== null ? deadlineMs - secondsLeft * 1000 - Date.now() : 0;
    const same = question && question.number === number;
    question = { number, total, text, type, deadlineMs, skewMs };
    intro.hidden = true;
    qArea.hidden = false;
    proctoring = true;
    qHeading.textContent = `Question ${number} of ${total}`;
    qProgress.max = total || 1;
    qProgress.value = number;
    qProgress.textContent = `Question ${number} of ${total}`;
    clear(qBadge, type === "coding" ? h("span.badge", "Coding question") : h("span.badge", "Text question"));
    qText.textContent = text;
    answerBox.classList.toggle("code", type === "coding");
    answerBox.setAttribute("spellcheck", type === "coding" ? "false" : "true");
    hint.textContent = type === "coding"
      ? "Write your code here. Tab inserts spaces; to leave the editor press Escape, then Tab."
      : "Up to 5000 characters.";
    if (same && submittedFor === number) {
      // Resent after a reconnect and our answer was never acknowledged: let the candidate send it again.
      submittedFor = null;
      setSubmitting(false);
      setAnswerStatus("The connection dropped before your answer was confirmed. Press Submit answer to send it again.");
    }
    if (!same) {
      answerBox.value = store.get(draftKey(number), "") || "";
      submittedFor = null;
      warned = new Set();
      late.hidden = true;
      finishButton.hidden = true; // the server lets a candidate finish early only once the time is up
      setAnswerStatus("");
      setSubmitting(false);
      conn.set("Connected.");
      qHeading.focus();
      announce(`Question ${number} of ${total}${type === "coding" ? ", coding" : ""}: ${text}`);
    }
    clearInterval(tick);
    updateTimer();
    tick = setInterval(updateTimer, 250);
  }

  function updateTimer() {
    if (!question || question.deadlineMs === null) {
      timerValue.textContent = "no limit";
      return;
    }
    const left = Math.max(0, Math.ceil((question.deadlineMs - (Date.now() + question.skewMs)) / 1000));
    timerValue.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
    timerLine.classList.toggle("low", left <= 30);
    for (const mark of [60, 30, 10]) {
      if (left <= mark && left > 0 && !warned.has(mark)) {
        warned.add(mark);
        if (left > mark - 2) announce(mark === 60 ? "One minute left." : `${mark} seconds left.`);
      }
    }
    if (left === 0) expired();
  }

  function expired() {
    if (late.hidden) {
      late.hidden = false;
      finishButton.hidden = false;
      announce("Time is up for this question. You can still submit; the answer will be marked late.");
    }
  }

  function submitAnswer(e) {
    e.preventDefault();
    errors.clear();
    if (!question) return;
    const text = answerBox.value.trim();
    if (!text) {
      errors.show("Write an answer before submitting.");
      answerBox.focus();
      return;
    }
    submittedFor = question.number;
    setSubmitting(true);
    const sent = channel.send({ type: "answer", question_number: question.number, answer: text }, { queue: true });
    setAnswerStatus(sent ? "Sending your answer…" : "Not connected: your answer will be sent as soon as the connection is back.");
  }

  // Proctoring: what happens is sent as it happens (queued while reconnecting).
  function report(type) {
    if (!proctoring || completed) return;
    channel.send({ type: "proctoring", events: [{ type, at: Date.now() }] }, { queue: true });
  }
  const onVisibility = () => document.visibilityState === "hidden" && report("tab_hidden");
  const onBlur = () => report("window_blur");
  const onFullscreen = () => {
    const now = !!document.fullscreenElement;
    if (wasFullscreen && !now) report("fullscreen_exit");
    wasFullscreen = now;
  };
  document.addEventListener("visibilitychange", onVisibility);
  window.addEventListener("blur", onBlur);
  document.addEventListener("fullscreenchange", onFullscreen);

  function complete() {
    if (completed) return;
    completed = true;
    proctoring = false;
    teardown();
    done();
    thankYou(stage);
    const heading = stage.querySelector("h2");
    heading?.focus();
    announce("Interview complete. Thank you!");
    if (document.fullscreenElement) document.exitFullscreen?.().catch(() => {});
  }

  function teardown() {
    clearInterval(tick);
    channel.close();
    document.removeEventListener("visibilitychange", onVisibility);
    window.removeEventListener("blur", onBlur);
    document.removeEventListener("fullscreenchange", onFullscreen);
  }

  return teardown;
}
