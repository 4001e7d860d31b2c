// The practice form's optional part: a job description and a résumé to fit the questions to (pasted, or the
// résumé read from a PDF or text file by POST /api/resume-text, which stores nothing), and follow-ups.
import { api } from "../api.js";
import { h, announce, errorArea, field } from "../ui.js";

const sizeText = (bytes) => `${Math.round(bytes / 1024 / 1024)} MB`;

function followUpsChoice(range = { minimum: 0, maximum: 3, default: 0 }) {
  const options = [];
  for (let n = range.minimum; n <= range.maximum; n++) {
    options.push(h("option", { value: String(n), selected: n === range.default }, n === 0 ? "None" : String(n)));
  }
  return h("select#follow-ups", { name: "follow_ups" }, options);
}

function resumeUpload(resume, maxBytes) {
  const file = h("input#resume-file", { type: "file", accept: ".pdf,.txt,application/pdf,text/plain" });
  const status = h("p.hint#resume-file-status", { "data-testid": "resume-file-status", "aria-live": "polite" });
  const errors = errorArea("resume-file-error");
  file.addEventListener("change", async () => {
    errors.clear();
    status.textContent = "";
    const chosen = file.files[0];
    if (!chosen) return;
    if (chosen.size > maxBytes) {
      errors.show(`The file is larger than ${sizeText(maxBytes)}.`);
      return;
    }
    const form = new FormData();
    form.append("file", chosen);
    status.textContent = "Reading the file…";
    try {
      const { data } = await api("/api/resume-text", { form });
      resume.value = data.text;
      status.textContent = `Read ${data.pages} page(s), ${data.chars} characters: check the text below.`;
      announce("Résumé read");
    } catch (err) {
      status.textContent = "";
      errors.show(err);
    }
  });
  return h("div", field("Upload a résumé (PDF or text)", file, "Read here into the field below; the file is not kept."), status, errors);
}

/** {element, request()}: request() gives the fields start-interview takes, only those filled in. */
export function backgroundFields(config) {
  const practice = config.practice;
  const max = practice.background_max_chars;
  const job = h("textarea#practice-job-description", { name: "job_description", rows: 5, maxlength: max });
  const resume = h("textarea#practice-resume-text", { name: "resume_text", rows: 5, maxlength: max });
  const followUps = followUpsChoice(practice.follow_ups);
  const element = h("details.background",
    h("summary", "Fit the interview to a role (optional)"),
    field("Job description", job, "Paste the posting: the questions will ask about the skills it names."),
    resumeUpload(resume, practice.resume_file_max_bytes),
    field("Résumé", resume, "Or paste it. It is kept with this session only, and erased with it."),
    field("Follow-up questions", followUps, "The most the interviewer may ask after each answer, when it missed something or was strong."),
  );
  const request = () => ({
    ...(job.value.trim() ? { job_description: job.value.trim() } : {}),
    ...(resume.value.trim() ? { resume_text: resume.value.trim() } : {}),
    ...(Number(followUps.value) ? { follow_ups: Number(followUps.value) } : {}),
  });
  return { element, request };
}
