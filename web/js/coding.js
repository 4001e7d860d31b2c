// A coding question, in an interview and in a report: the SQL schema and the visible tests above the code
// area, "Run tests" and its results below it, Tab indenting inside the code area, and the table of test
// outcomes that a run and a report share. Server text only ever goes in as text nodes.
import { h, clear, append, announce, errorArea, fmtNumber } from "./ui.js";

const LANGUAGE_NAMES = { python: "Python", sql: "SQL" };
const languageName = (language) => LANGUAGE_NAMES[language] || language;

const LEAVE_EDITOR = "Press Tab to leave the code editor.";
export const CODE_HINT = "Write your code here. Tab inserts spaces; to leave the editor press Escape, then Tab.";

/** What a test checks: "call → expected" (Python), or the rows the query must return (SQL). */
function expectation(test) {
  if (test.call != null) return [h("code", test.call), " → ", h("code", test.expected ?? "")];
  const order = test.ordered ? "in this order" : "in any order";
  return [`returns the rows `, h("code", JSON.stringify(test.expected_rows ?? [])), ` (${order})`];
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** The text that sums up a run: "2 of 3 tests passed", and whether it timed out. */
function runSummary(run, what = "tests") {
  const timedOut = run.timed_out ? " The run timed out." : "";
  return `${run.passed ?? 0} of ${run.total ?? 0} ${what} passed.${timedOut}`;
}

/**
 * One row per test: name (and call), passed, expected, actual, error, time; with `visibility`, whether the
 * candidate could see the test (the organisation's report shows hidden ones too).
 */
function resultsTable(results, { caption, visibility = false } = {}) {
  const heads = ["Test", visibility ? "Shown to the candidate" : null, "Result", "Expected", "Actual", "Error", "Time"].filter(Boolean);
  const cell = (value, tag = "code") => h("td", value == null || value === "" ? "—" : h(tag, value));
  return h("div.table-wrap", { tabindex: "0", role: "region", "aria-label": caption },
    h("table.test-results", { "data-testid": "test-results" },
      h("caption.visually-hidden", caption),
      h("thead", h("tr", heads.map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", (results || []).map((r) => h("tr", { class: r.passed ? "passed" : "failed", "data-testid": "test-result" },
        h("td", r.name, r.call ? [h("br"), h("code", r.call)] : null),
        visibility ? h("td", r.visible ? "visible" : "hidden") : null,
        h("td", h("strong", r.passed ? "passed" : "failed")),
        cell(r.expected), cell(r.actual), cell(r.error, "pre"),
        h("td", r.duration_ms == null ? "—" : `${fmtNumber(r.duration_ms, 1)} ms`),
      ))),
    ));
}

/** What the code printed, as text (capped by the server; it says when it cut it). */
function stdoutBlock(run) {
  if (!run.stdout) return null;
  return h("div.stdout",
    h("h5", run.stdout_truncated ? "Output (cut short)" : "Output"),
    h("pre", { "data-testid": "run-stdout" }, run.stdout));
}

/** A run's outcome: the summary, why the code did not run at all, each test, and the output. */
function runOutcome(run, { caption, visibility, what }) {
  return [
    h("p.run-summary", { "data-testid": "run-summary" }, runSummary(run, what)),
    run.error ? h("div.run-error", h("h5", "The code did not run"), h("pre", run.error)) : null,
    run.results?.length ? resultsTable(run.results, { caption, visibility }) : null,
    stdoutBlock(run),
  ];
}

/** A report entry's tests ("graded by review only" for a coding question without tests), or null. */
export function testsReport(q, number) {
  if (q.review_only) return h("p.muted", { "data-testid": "review-only" }, "Graded by review only: this coding question has no tests.");
  if (!q.tests) return null;
  return h("section.tests", { "data-testid": "test-outcomes", "aria-label": `Tests of question ${number}` },
    h("h4", "Tests"),
    runOutcome(q.tests, { caption: `Test outcomes of question ${number}`, visibility: true }),
  );
}

/** A coding question as the organisation wrote it: language, every test (hidden ones too), the reference. */
export function codingSpec(coding) {
  return h("div.coding-written", { "data-testid": "coding-written" },
    h("p", `${languageName(coding.language)}, ${plural((coding.tests || []).length, "test", "tests")}, ${fmtNumber(coding.time_limit_ms, 0)} ms a run.`),
    coding.tests?.length
      ? h("ul.code-tests", coding.tests.map((t) => h("li", h("strong", t.name), ` (${t.visible ? "shown to the candidate" : "hidden"}): `, expectation(t))))
      : h("p.muted.small", "No tests: the answer is graded by review only."),
    coding.reference_solution ? [h("h5", "Reference solution"), h("pre.schema", coding.reference_solution)] : null,
  );
}

/**
 * Tab indents inside a code area, so the keyboard still leaves it: Escape, then Tab (said in `status`, a
 * status line's element). `isCode()` says when the area holds code.
 */
export function indentWithTab(box, { isCode, status }) {
  let escArmed = false;
  box.addEventListener("keydown", (e) => {
    if (!isCode()) return;
    if (e.key === "Escape") {
      escArmed = true;
      status.textContent = LEAVE_EDITOR;
      return;
    }
    if (e.key === "Tab" && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey && !escArmed) {
      e.preventDefault();
      box.setRangeText("    ", box.selectionStart, box.selectionEnd, "end");
      box.dispatchEvent(new Event("input"));
      return;
    }
    if (escArmed && e.key !== "Shift") {
      escArmed = false;
      if (status.textContent === LEAVE_EDITOR) status.textContent = "";
    }
  });
}

/**
 * The parts of a coding question around its code area (`box`, the answer's textarea, named by `label`):
 * `before` (schema, visible tests, how many are hidden) and `after` ("Run tests" and what the run showed).
 * `run(code)` resolves to a run's body (POST /api/code/run's, or the live channel's code_result) or throws.
 */
export class CodingPanel {
  constructor({ box, label, run }) {
    Object.assign(this, { box, label, run, coding: null, answerLabel: label.textContent });
    this.schema = h("pre.schema", { "data-testid": "code-schema" });
    this.schemaBlock = h("div", h("h4", "Database schema"), this.schema);
    this.tests = h("ul.code-tests", { "data-testid": "visible-tests" });
    this.hiddenCount = h("p.hint", { "data-testid": "hidden-tests" });
    this.button = h("button#run-tests", { type: "button", onclick: () => this.runTests() }, "Run tests");
    this.status = h("p.status", { role: "status", "data-testid": "run-status" });
    this.errors = errorArea("run-error");
    this.results = h("div.run-results", { "data-testid": "run-results" });
    this.before = h("div.coding-spec", { hidden: true, "data-testid": "coding-spec" },
      this.schemaBlock, h("h4", "Tests you can run"), this.tests, this.hiddenCount);
    this.after = h("div.coding-run", { hidden: true }, h("div.actions", this.button), this.status, this.errors, this.results);
  }

  /** Show question's `coding` (null: a question that runs no code, which looks as it always did). */
  show(coding) {
    this.coding = coding || null;
    this.before.hidden = !coding;
    this.after.hidden = !coding?.tests?.length; // nothing to run: the question's tests are all hidden, or none
    this.status.textContent = "";
    this.errors.clear();
    clear(this.results);
    this.label.textContent = coding ? `Your code (${languageName(coding.language)})` : this.answerLabel;
    if (!coding) return;
    this.schemaBlock.hidden = !coding.schema;
    this.schema.textContent = coding.schema || "";
    clear(this.tests, (coding.tests || []).map((t) => h("li", { "data-testid": "visible-test" }, h("strong", t.name), ": ", expectation(t))));
    if (!coding.tests?.length) append(this.tests, h("li.muted", "None: write the code from the question alone."));
    this.hiddenCount.textContent = coding.hidden_tests
      ? `Your answer is also graded against ${plural(coding.hidden_tests, "hidden test", "hidden tests")}, which you cannot run.`
      : "";
  }

  setBusy(on) {
    this.button.disabled = on;
  }

  async runTests() {
    if (!this.coding || this.button.disabled) return;
    this.errors.clear();
    if (!this.box.value.trim()) {
      this.errors.show("Write some code before running the tests.");
      this.box.focus();
      return;
    }
    this.setBusy(true);
    this.status.textContent = "Running the tests…";
    clear(this.results);
    try {
      const run = await this.run(this.box.value);
      this.status.textContent = "";
      clear(this.results, runOutcome(run, { caption: "Results of your run", what: "visible tests" }));
      announce(runSummary(run, "visible tests"));
    } catch (err) {
      if (err.name === "AbortError") return;
      this.status.textContent = "";
      this.errors.show(err); // a 429's detail says the runs are used up
    } finally {
      this.setBusy(false);
    }
  }
}
