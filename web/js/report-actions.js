// Report actions shared by the practice report and the recruiter's session details: "Download PDF"
// (GET /api/reports/{id}?format=pdf, saved as a file) and, for the organisation, a share link
// (POST /api/reports/{id}/share, revoked with DELETE).
import { api } from "./api.js";
import { h, clear, announce, errorArea, statusLine } from "./ui.js";

const reportPath = (sessionId) => `/api/reports/${encodeURIComponent(sessionId)}`;

/** "Download PDF": the report as the caller may read it, saved as report-<id>.pdf. */
export function downloadPdfButton(sessionId, ctx, { status, errors }) {
  const button = h("button#download-pdf", { type: "button", onclick: async () => {
    errors.clear();
    button.disabled = true;
    status.set("Preparing the PDF…");
    try {
      const { status: code, data } = await api(`${reportPath(sessionId)}?format=pdf`, { raw: true, signal: ctx.signal });
      if (code !== 200 || !(data.headers.get("content-type") || "").includes("pdf")) {
        throw new Error("The report is not ready yet: try again once it is.");
      }
      const url = URL.createObjectURL(await data.blob());
      const link = h("a", { href: url, download: `report-${sessionId}.pdf`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      status.set("PDF downloaded.");
      announce("PDF downloaded.");
    } catch (err) {
      if (err.name === "AbortError") return;
      status.set("");
      errors.show(err);
    } finally {
      button.disabled = false;
    }
  } }, "Download PDF");
  return button;
}

/** "Share link": a read-only link to the report (no key needed) with a copy button, and "Revoke links". */
export function shareLinkCard(sessionId, ctx) {
  const status = statusLine("share-status");
  const errors = errorArea("share-error");
  const shown = h("div", { "data-testid": "share-link-area" });
  const make = h("button#share-report", { type: "button", onclick: async () => {
    errors.clear();
    make.disabled = true;
    try {
      const { data } = await api(`${reportPath(sessionId)}/share`, { method: "POST", json: {}, signal: ctx.signal });
      showLink(shown, data, status);
      status.set(`Share link ready; it works until ${new Date(data.expires_at).toLocaleString()}.`);
      announce("Share link ready to copy.");
    } catch (err) {
      if (err.name !== "AbortError") errors.show(err);
    } finally {
      make.disabled = false;
    }
  } }, "Share link");
  const revoke = h("button.danger#revoke-share", { type: "button", onclick: async () => {
    errors.clear();
    revoke.disabled = true;
    try {
      await api(`${reportPath(sessionId)}/share`, { method: "DELETE", signal: ctx.signal });
      clear(shown);
      status.set("Every share link of this report was revoked.");
      announce("Share links revoked.");
    } catch (err) {
      if (err.name !== "AbortError") errors.show(err);
    } finally {
      revoke.disabled = false;
    }
  } }, "Revoke share links");
  return h("section.share", { "aria-labelledby": "share-h" },
    h("h3#share-h", "Share the report"),
    h("p.hint", "A read-only link for people without a key. It shows what the candidate may read (set above), never the integrity details or rubrics."),
    h("div.actions", make, revoke),
    shown, status, errors,
  );
}

function showLink(shown, data, status) {
  const input = h("input#share-link", { type: "text", readonly: true, value: data.url, "data-testid": "share-link" });
  const copy = h("button#copy-share-link", { type: "button", onclick: async () => {
    try {
      await navigator.clipboard.writeText(data.url);
    } catch {
      input.select();
      document.execCommand?.("copy");
    }
    status.set("Share link copied.");
  } }, "Copy share link");
  clear(shown, h("div.field", h("label", { for: "share-link" }, "Share link"), h("div.copy-row", input, copy)));
}
