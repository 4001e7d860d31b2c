// What the candidate's steps share: the tab's storage and the closing card.
import { h, clear } from "../ui.js";

/** JSON values in sessionStorage (progress, token, drafts); a disabled storage just forgets. */
export const store = {
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

export function thankYou(stage) {
  clear(stage, h("section.card.thanks", { "data-testid": "thank-you" },
    h("h2", { tabindex: "-1" }, "Thank you!"),
    h("p", "Your interview is complete and your answers have been sent to the recruiter."),
    h("p", "You can close this page now. The recruiter will be in touch about the next steps."),
  ));
}
