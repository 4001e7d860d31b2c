// The evaluation report: polling GET /api/reports/{id} and rendering it.
import { api } from "./api.js";
import { h, clear, announce, errorArea, statusLine, dl, list, fmtDate, fmtNumber, sleep } from "./ui.js";
import { testsReport } from "./coding.js";
import { downloadPdfButton } from "./report-actions.js";

/**
 * Poll until the report is ready (200). 202 answers wait Retry-After seconds (about 1 s).
 * onPending(body) is called with each 202 body. Throws ApiError on 4xx/5xx, AbortError when aborted.
 */
export async function pollReport(sessionId, { signal, onPending } = {}) {
  let waited = 0;
  for (;;) {
    const res = await api(`/api/reports/${encodeURIComponent(sessionId)}`, { signal });
    if (res.status === 200) return res.data;
    onPending?.(res.data || {});
    const retry = parseFloat(res.headers.get("Retry-After"));
    // Honour the server's hint; slow down gently while the interview is not even finished.
    let delay = isFinite(retry) && retry > 0 ? retry * 1000 : 1000;
    if (res.data && res.data.evaluation_status === "not_requested") delay = Math.max(delay, Math.min(5000, 1000 + waited / 10));
    delay = Math.min(delay, 10000);
    waited += delay;
    await sleep(delay, signal);
  }
}

export async function render(root, { sessionId }, ctx) {
  ctx.title("Report");
  const status = statusLine("report-status");
  const errors = errorArea("report-error");
  const body = h("div.report-body");
  clear(root, h("h1", "Interview report"), status, errors, body);
  status.set("Loading the report…");
  load();

  async function load() {
    errors.clear();
    let announced = false;
    try {
      const report = await pollReport(sessionId, {
        signal: ctx.signal,
        onPending: (p) => {
          const text = `Report not ready yet: ${p.detail || p.evaluation_status || "pending"}. Checking again shortly…`;
          status.set(text);
          if (!announced) {
            announce("Your answers are being evaluated. The report appears here when it is ready.");
            announced = true;
          }
        },
      });
      status.set("");
      const pdfStatus = statusLine("pdf-status");
      const pdfErrors = errorArea("pdf-error");
      clear(body, h("div.actions", downloadPdfButton(sessionId, ctx, { status: pdfStatus, errors: pdfErrors })), pdfStatus, pdfErrors, renderReport(report));
      announce(`Report ready. Overall score ${fmtNumber(report.overall_score)} out of 10.`);
    } catch (err) {
      if (err.name === "AbortError") return;
      status.set("");
      errors.show(err);
      clear(body, h("button", { type: "button", onclick: load }, "Try again"));
    }
  }
}

function speakingBlock(s) {
  if (!s) return null;
  const fillers = s.filler_words && typeof s.filler_words === "object" ? Object.entries(s.filler_words) : [];
  return h("section.speaking", { "aria-label": "Speaking insights" },
    h("h4", "Speaking insights"),
    dl([
      ["Words per minute", `${fmtNumber(s.words_per_minute, 0)}${s.pace ? ` (${s.pace})` : ""}`],
      ["Fillers per minute", fmtNumber(s.fillers_per_minute)],
      ["Filler words", fillers.length ? fillers.map(([w, n]) => `“${w}” × ${n}`).join(", ") : "None"],
      ["Long pauses", `${s.long_pauses ?? 0}${s.long_pauses ? ` (longest ${fmtNumber(s.longest_pause_seconds)} s)` : ""}`],
      ["Duration", `${fmtNumber(s.duration_seconds)} s`],
    ], "compact"),
  );
}

const ORIGINS = { job_description: "the job description", resume: "the résumé" };

/** Why the question was asked, when it came from the job description or the résumé. */
function sourceLine(source) {
  if (!source || !ORIGINS[source.from]) return null;
  return h("p.muted", { "data-testid": "question-source" }, `Asked from ${ORIGINS[source.from]}${source.skill ? `: ${source.skill}` : ""}`);
}

/** The follow-ups asked about the question, each scored on its own, and what they changed. */
function followUpsBlock(q) {
  if (!Array.isArray(q.follow_ups) || !q.follow_ups.length) return null;
  return h("section.follow-ups", { "data-testid": "follow-ups" },
    h("h4", `Follow-ups (${q.follow_ups.length})`),
    q.follow_ups.map((f, i) => h("div.follow-up", { "data-testid": "follow-up" },
      h("p.question-text", h("strong", `Follow-up ${i + 1}: `), f.question),
      h("p.answer", f.answer || "—"),
      h("p.score", h("strong", "Score: "), `${f.score ?? "—"}/10`),
      f.feedback ? h("p", f.feedback) : null)),
    q.score_before_follow_ups != null ? h("p.muted", `Score of the first answer alone: ${q.score_before_follow_ups}/10`) : null,
    q.follow_up_effect ? h("p", { "data-testid": "follow-up-effect" }, q.follow_up_effect) : null,
  );
}

function questionCard(q, index) {
  const n = q.question_number ?? index + 1;
  return h("article.card.question-card", { "data-testid": "question-card" },
    h("h3", `Question ${n}`, q.question_type === "coding" ? h("span.badge", "coding") : null,
      q.late ? h("span.badge.warn", "late") : null),
    h("p.question-text", q.question),
    sourceLine(q.source),
    h("h4", "Answer"),
    h(q.question_type === "coding" ? "pre.answer.code" : "p.answer", q.answer || "—"),
    q.needs_review
      ? h("p.score", { "data-testid": "needs-review" }, h("strong", "Score: "), "awaits a reviewer",
          q.review_reason ? ` (${q.review_reason})` : "")
      : h("p.score", h("strong", "Score: "), `${q.score ?? "—"}/10`),
    q.competency ? h("p.muted", `Competency: ${q.competency}`) : null,
    Array.isArray(q.detected) && q.detected.length
      ? h("p.warn", { "data-testid": "detected" }, `Detected: ${q.detected.map((d) => d.replaceAll("_", " ")).join(", ")}`)
      : null,
    testsReport(q, n),
    h("h4", "Evidence"),
    list(q.evidence, "No key points found in the answer."),
    h("h4", "Missing"),
    list(q.missing, "Nothing missing."),
    h("h4", "Feedback"),
    h("p", q.feedback || "—"),
    followUpsBlock(q),
    speakingBlock(q.speaking),
  );
}

export function renderIntegrity(integrity) {
  if (!integrity) return null;
  const timeline = Array.isArray(integrity.timeline) ? integrity.timeline : [];
  const violations = integrity.violations && typeof integrity.violations === "object" ? Object.entries(integrity.violations) : [];
  return h("section.card.integrity", { "aria-labelledby": "integrity-h", "data-testid": "integrity" },
    h("h2#integrity-h", "Integrity"),
    dl([
      ["Integrity score", `${integrity.score ?? "—"}/100`],
      ["Level", integrity.level ?? "—"],
      violations.length ? ["Violations", violations.map(([k, v]) => `${k}: ${v}`).join(", ")] : null,
    ]),
    h("h3", "Reasons"),
    list(integrity.reasons, "No concerns."),
    integrity.advisory ? h("p.advisory", h("strong", "Advisory: "), integrity.advisory) : null,
    h("h3", "Timeline"),
    timeline.length
      ? h("div.table-wrap", { tabindex: "0", role: "region", "aria-label": "Integrity timeline" },
          h("table", { "data-testid": "integrity-timeline" },
            h("caption.visually-hidden", "Proctoring timeline"),
            h("thead", h("tr", ["Time", "Type", "Source", "Question", "Detail"].map((t) => h("th", { scope: "col" }, t)))),
            h("tbody", timeline.map((e) =>
              h("tr", { class: e.violation ? "violation" : null },
                h("td", fmtDate(e.at || e.at_ms)),
                h("td", e.type, e.violation ? h("span.visually-hidden", " (violation)") : null),
                h("td", e.source ?? "—"),
                h("td", e.question_number ?? "—"),
                h("td", e.detail ?? ""),
              ))),
          ))
      : h("p.muted", "No events recorded."),
  );
}

function competencyTable(competencies) {
  if (!Array.isArray(competencies) || !competencies.length) return null;
  return h("div.table-wrap", { "data-testid": "competencies" },
    h("table",
      h("caption", "By competency"),
      h("thead", h("tr", ["Competency", "Score", "Questions"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", competencies.map((c) =>
        h("tr", h("td", c.competency), h("td", `${fmtNumber(c.score)}/10`), h("td", (c.questions || []).join(", "))))),
    ));
}

export function renderReport(r) {
  const questions = Array.isArray(r.questions) ? r.questions : [];
  return h("div.report", { "data-testid": "report" },
    h("section.card.overview", { "aria-labelledby": "overview-h" },
      h("h2#overview-h", "Overall"),
      h("p.big-score", { "data-testid": "overall-score" }, h("span", fmtNumber(r.overall_score)), "/10"),
      dl([
        ["Topic", r.topic],
        ["Difficulty", r.difficulty],
        ["Questions", String(questions.length)],
        r.answers_needing_review ? ["Awaiting review", String(r.answers_needing_review)] : null,
      ], "compact"),
      competencyTable(r.competencies),
      h("h3", "Summary"),
      h("p", { "data-testid": "summary" }, r.summary || "—"),
    ),
    renderIntegrity(r.integrity),
    h("section", { "aria-labelledby": "answers-h" },
      h("h2#answers-h", "Answers"),
      questions.map(questionCard),
    ),
    h("section.card", { "aria-labelledby": "strengths-h" }, h("h2#strengths-h", "Strengths"), list(r.strengths)),
    h("section.card", { "aria-labelledby": "improvements-h" }, h("h2#improvements-h", "Improvements"), list(r.improvements)),
    r.speaking_summary
      ? h("section.card", { "aria-labelledby": "speaking-h" }, h("h2#speaking-h", "Speaking"), h("p", r.speaking_summary))
      : null,
    h("p.muted.small", `Scored by ${r.provider || "?"} (${r.model || "?"}, rubric ${r.rubric_version || "?"})`,
      r.generated_at ? ` on ${fmtDate(r.generated_at)}` : "", "."),
  );
}
