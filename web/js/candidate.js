// A recruiter's candidate: consent, reference photo, then the timed interview over the live channel,
// one step per module (candidate/consent.js, candidate/photo.js, candidate/live.js).
import { apiConfig } from "./api.js";
import { h, clear, announce, errorArea, field } from "./ui.js";
import { store, thankYou } from "./candidate/common.js";
import { consentStep } from "./candidate/consent.js";
import { photoStep } from "./candidate/photo.js";
import { liveStep } from "./candidate/live.js";

const STEPS = ["Consent", "Reference photo", "Interview"];

export async function render(root, { sessionId, token }, ctx) {
  ctx.title("Your interview");
  const tokenKey = `mi.token.${sessionId}`;
  token = token || store.get(tokenKey, "");
  const steps = h("ol.steps", { "aria-label": "Steps" });
  const stage = h("div.stage");
  clear(root, h("h1", "Your interview"), steps, stage);
  if (!token) return askForToken(stage, sessionId);
  store.set(tokenKey, token);
  const config = await apiConfig();

  const progressKey = `mi.cand.${sessionId}`;
  const progress = store.get(progressKey, {});
  const save = (change) => store.set(progressKey, Object.assign(progress, change));
  let cleanup = null;
  const go = (i) => {
    cleanup?.();
    cleanup = null;
    clear(steps, STEPS.map((name, n) => h("li", { "aria-current": n === i ? "step" : null, class: n < i ? "done" : null },
      n < i ? h("span.visually-hidden", "Done: ") : null, name)));
    const step = { sessionId, token, ctx, config };
    if (i === 0) cleanup = consentStep(stage, { ...step, next: () => { save({ consent: true }); go(1); } });
    else if (i === 1) cleanup = photoStep(stage, { ...step, next: (how) => { save({ photo: how }); go(2); } });
    else cleanup = liveStep(stage, { ...step, done: () => { save({ done: true }); steps.hidden = true; } });
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

/** A link without its token: ask for it. */
function askForToken(stage, sessionId) {
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
}
