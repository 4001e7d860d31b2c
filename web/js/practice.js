// Practice interview: the start form, one question at a time (typed or spoken answers), then the report.
import { apiConfig } from "./api.js";
import { renderStart } from "./practice/start.js";
import { renderInterview } from "./practice/interview.js";

export async function render(root, { sessionId }, ctx) {
  const config = await apiConfig();
  if (!sessionId) return renderStart(root, config, ctx);
  return renderInterview(root, sessionId, config, ctx);
}
