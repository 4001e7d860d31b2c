// Recruiter: the dashboard (recruiter/dashboard.js) and a session's details (recruiter/detail.js).
import { apiConfig } from "./api.js";
import { renderDashboard } from "./recruiter/dashboard.js";
import { renderDetail } from "./recruiter/detail.js";

export async function render(root, params, ctx) {
  const { recruiter, rubric } = await apiConfig();
  const limits = { ...recruiter, rubric }; // the question forms take a rubric per question
  return params.sessionId ? renderDetail(root, params.sessionId, limits, ctx) : renderDashboard(root, limits, ctx);
}
