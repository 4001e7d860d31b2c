// Small DOM helpers shared by every view.

/** h("tag.class#id", {attrs}, ...children): an element. Attributes starting with "on" add listeners. */
export function h(spec, attrs, ...children) {
  if (attrs === null || typeof attrs !== "object" || attrs instanceof Node || Array.isArray(attrs)) {
    children.unshift(attrs);
    attrs = {};
  }
  const m = /^([a-z0-9-]+)?((?:[.#][\w-]+)*)$/i.exec(spec) || [];
  const el = document.createElement(m[1] || "div");
  for (const part of (m[2] || "").match(/[.#][\w-]+/g) || []) {
    if (part[0] === ".") el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = [el.className, v].filter(Boolean).join(" ");
    else if (k === "value" || k === "checked" || k === "disabled" || k === "selected") el[k] = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  return append(el, children);
}

export function append(el, ...children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren();
  return append(el, ...children);
}

let uid = 0;
export const nextId = (prefix = "f") => `${prefix}-${++uid}`;

/** A labelled control: {label, control, hint} -> a .field wrapper. */
export function field(label, control, hint) {
  if (!control.id) control.id = nextId();
  const parts = [h("label", { for: control.id }, label)];
  if (hint) {
    const hid = control.id + "-hint";
    control.setAttribute("aria-describedby", [control.getAttribute("aria-describedby"), hid].filter(Boolean).join(" "));
    parts.push(h("p.hint", { id: hid }, hint));
  }
  parts.push(control);
  return h("div.field", parts);
}

/** Polite announcement for screen readers (the page's aria-live region). */
export function announce(text) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  // A fresh text node after a tick is reliably read even when the text repeats.
  setTimeout(() => (region.textContent = text), 30);
}

/** An error area (role=alert) for a view or form: .show(err|string|string[]), .clear(). */
export function errorArea(testid) {
  const el = h("div.error", { role: "alert", "data-testid": testid || "error", hidden: true });
  el.show = (err) => {
    const messages = Array.isArray(err)
      ? err
      : err && Array.isArray(err.messages)
        ? err.messages
        : [err && err.message ? err.message : String(err)];
    const status = err && typeof err.status === "number" && err.status ? `Error ${err.status}` : "Error";
    clear(
      el,
      h("strong", status + ": "),
      messages.length === 1 ? h("span.detail", messages[0]) : h("ul", messages.map((m) => h("li.detail", m))),
    );
    el.hidden = false;
  };
  el.clear = () => {
    el.hidden = true;
    el.replaceChildren();
  };
  return el;
}

/** A status line (role=status) inside a view. */
export function statusLine(testid) {
  const el = h("p.status", { role: "status", "data-testid": testid || "status" });
  el.set = (text) => (el.textContent = text || "");
  return el;
}

/** A button that asks for confirmation in place (no modal): "Delete" -> "Confirm delete" / "Cancel". */
export function confirmButton(label, confirmLabel, action, attrs = {}) {
  const wrap = h("span.confirm");
  const button = h("button.danger", { type: "button", ...attrs }, label);
  const show = () => {
    const yes = h("button.danger", { type: "button", onclick: async () => {
      yes.disabled = no.disabled = true;
      try {
        await action();
      } finally {
        if (wrap.isConnected) reset();
      }
    } }, confirmLabel);
    const no = h("button", { type: "button", onclick: () => { reset(); button.focus(); } }, "Cancel");
    clear(wrap, h("span.sure", "Are you sure? "), yes, " ", no);
    yes.focus();
  };
  const reset = () => clear(wrap, button);
  button.addEventListener("click", show);
  reset();
  return wrap;
}

export function fmtDate(value) {
  if (value === null || value === undefined || value === "") return "—";
  const d = typeof value === "number" ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  return isNaN(d) ? String(value) : d.toLocaleString();
}

export function fmtNumber(value, digits = 1) {
  return typeof value === "number" && isFinite(value) ? value.toFixed(digits).replace(/\.0+$/, "") : "—";
}

export const yesNo = (v) => (v ? "Yes" : "No");

/** A <dl> from [[term, value], ...] (values may be nodes). */
export function dl(rows, cls) {
  return h("dl" + (cls ? "." + cls : ""), rows.filter(Boolean).map(([t, v]) => [h("dt", t), h("dd", v ?? "—")]));
}

export function list(items, empty = "None") {
  return items && items.length ? h("ul", items.map((i) => h("li", i))) : h("p.muted", empty);
}

export const sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(new DOMException("Aborted", "AbortError"));
    }, { once: true });
  });
