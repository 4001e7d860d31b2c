// Step 1: the candidate's consent to proctoring.
import { api } from "../api.js";
import { h, clear, announce, errorArea } from "../ui.js";

export function consentStep(stage, { sessionId, token, ctx, next }) {
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
