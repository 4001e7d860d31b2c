// How the recruiter views name the API's values.

/** "in_progress" -> "in progress" */
export const label = (s) => (s ? s.replace(/_/g, " ") : "—");

/** "coding" -> "Coding" */
export const capitalised = (s) => s[0].toUpperCase() + s.slice(1);

/** The share values of release-report, said the way the candidate sees them (other values as they are). */
const SHARE_LABELS = { none: "Nothing", feedback: "Feedback, no scores", scores: "Feedback and scores" };
export const shareLabel = (share) => SHARE_LABELS[share] || label(share);
