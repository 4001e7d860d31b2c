// HTTP and WebSocket access to the Mock Interview API.

const KEY_STORAGE = "mi.apiKey";

function queryParam(name) {
  const direct = new URLSearchParams(location.search).get(name);
  if (direct) return direct;
  const hash = location.hash;
  const q = hash.indexOf("?");
  return q >= 0 ? new URLSearchParams(hash.slice(q + 1)).get(name) : null;
}

/**
 * "scheme://host[:port]" of an http(s) URL, or null: anything else (javascript:, data:, a URL with
 * user info such as "http://127.0.0.1:8000@evil", unparsable text) has no origin credentials may go to.
 */
function httpOrigin(url) {
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) return null;
  if (url.username || url.password) return null;
  return url.origin;
}

function parse(text, base) {
  try {
    return new URL(String(text).trim(), base);
  } catch {
    return null;
  }
}

/** The configured API (web/config.js's API_BASE, "" = this page's origin), without a trailing slash. */
function configuredBase() {
  return (typeof window.API_BASE === "string" ? window.API_BASE : "").trim().replace(/\/+$/, "");
}

/**
 * Origins an "?api=" override may name: this page's own, the configured API's, and those listed in
 * web/config.js's ALLOWED_API_ORIGINS. Compared as parsed origins, never as text: "http://localhost.",
 * "http://localhost:8000.evil" or "http://localhost:8000@evil" match nothing.
 */
export function allowedApiOrigins() {
  const allowed = new Set([location.origin]);
  const configured = configuredBase();
  if (configured) {
    const origin = httpOrigin(parse(configured, location.href));
    if (origin) allowed.add(origin);
  }
  const listed = window.ALLOWED_API_ORIGINS;
  for (const entry of Array.isArray(listed) ? listed : typeof listed === "string" ? listed.split(",") : []) {
    const url = parse(entry);
    const origin = httpOrigin(url);
    // an entry is an origin, nothing more: a path, query or fragment makes it a typo, not a grant
    if (origin && url.pathname === "/" && !url.search && !url.hash) allowed.add(origin);
  }
  return allowed;
}

/**
 * The API to use: {base, override, refused}. An "?api=" override is used only when its origin is
 * allowed (allowedApiOrigins); otherwise it is refused and the configured API is used.
 */
export function resolveApi(override = queryParam("api")) {
  if (!override) return { base: configuredBase(), override: null, refused: false };
  const url = parse(override, location.href);
  const origin = httpOrigin(url);
  if (!origin || !allowedApiOrigins().has(origin)) return { base: configuredBase(), override, refused: true };
  const base = origin === location.origin && url.pathname.replace(/\/+$/, "") === "" ? "" : origin + url.pathname;
  return { base: base.replace(/\/+$/, ""), override, refused: false };
}

/** The API's base URL without a trailing slash ("" = this page's origin). */
export function apiBase() {
  const { base, override, refused } = resolveApi();
  if (refused) showRefusedOverride(override, base);
  return base;
}

/** The API's origin (the page's own when the base is ""). */
function apiOrigin() {
  const base = apiBase();
  return base ? httpOrigin(parse(base, location.href)) : location.origin;
}

let refusedShown = null;

/** A visible, announced notice (role=alert) above the view: the override was ignored, and why. */
function showRefusedOverride(override, base) {
  if (refusedShown === override || !document.body) return;
  refusedShown = override;
  let box = document.querySelector("[data-testid=api-override-refused]");
  if (!box) {
    box = document.createElement("div");
    box.className = "error api-notice";
    box.setAttribute("role", "alert");
    box.dataset.testid = "api-override-refused";
    const main = document.getElementById("app");
    document.body.insertBefore(box, main || null);
  }
  const using = base || location.origin;
  const strong = document.createElement("strong");
  strong.textContent = "API address not allowed: ";
  box.replaceChildren(
    strong,
    `the link asks this app to use ${override.slice(0, 200)}, which is not an allowed API origin ` +
      `(ALLOWED_API_ORIGINS in config.js). Using ${using} instead; no key or token was sent elsewhere.`,
  );
}

export function apiUrl(path) {
  return apiBase() + path;
}

/** ws(s)://host[/prefix]/path for the API's base (the accepted one: the candidate token is in its query). */
export function wsUrl(path) {
  const base = apiBase();
  const url = new URL(base ? base + path : path, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

// Checked as soon as a view that talks to the API loads, before it makes any call.
apiBase();

export function getApiKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE) || "";
  } catch {
    return "";
  }
}

export function setApiKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    /* storage disabled: the key lives only in the field */
  }
}

export class ApiError extends Error {
  constructor(status, detail, body) {
    super(Array.isArray(detail) ? detail.join("\n") : detail);
    this.name = "ApiError";
    this.status = status;
    this.messages = Array.isArray(detail) ? detail : [detail];
    this.body = body;
  }
}

/** The messages an error body carries: `detail` as text, or each `msg` of a FastAPI 422 list. */
export function detailMessages(body, status, statusText) {
  const detail = body && typeof body === "object" ? body.detail : undefined;
  if (typeof detail === "string" && detail) return [detail];
  if (Array.isArray(detail) && detail.length) {
    return detail.map((e) => {
      if (e && typeof e === "object") {
        const loc = Array.isArray(e.loc) ? e.loc.filter((p) => p !== "body").join(".") : "";
        const msg = typeof e.msg === "string" ? e.msg : JSON.stringify(e);
        return loc ? `${loc}: ${msg}` : msg;
      }
      return String(e);
    });
  }
  if (detail && typeof detail === "object") return [JSON.stringify(detail)];
  if (body && typeof body === "object" && typeof body.message === "string") return [body.message];
  if (typeof body === "string" && body.trim()) return [`HTTP ${status} ${statusText || ""}: ${body.trim().slice(0, 300)}`];
  return [`HTTP ${status} ${statusText || ""}`.trim()];
}

/**
 * One API call. Options: method, json (body object), form (FormData), token (candidate token),
 * noKey (do not send the stored API key), raw (return the Response), signal, accept (extra OK statuses).
 * Resolves to {status, data, headers}; throws ApiError for 4xx/5xx and for network failures (status 0).
 */
export async function api(path, opts = {}) {
  const headers = {};
  let body;
  if (opts.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    body = opts.form;
  }
  const url = /^https?:/.test(path) ? path : apiUrl(path);
  // Credentials go to the API's origin only, whatever URL a caller passes.
  const toApi = httpOrigin(parse(url, location.href)) === apiOrigin();
  if (opts.token && toApi) headers["X-Session-Token"] = opts.token;
  else if (!opts.token && !opts.noKey && toApi) {
    const key = opts.apiKey !== undefined ? opts.apiKey : getApiKey();
    if (key) headers["X-API-Key"] = key;
  }
  let res;
  try {
    res = await fetch(url, { method: opts.method || (body ? "POST" : "GET"), headers, body, signal: opts.signal });
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError(0, `Could not reach the API at ${apiBase() || location.origin} (${err && err.message ? err.message : err})`);
  }
  if (opts.raw && res.ok) return { status: res.status, data: res, headers: res.headers };
  const type = res.headers.get("content-type") || "";
  let data = null;
  if (type.includes("json")) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  } else if (!opts.raw) {
    data = await res.text().catch(() => "");
  }
  if (!res.ok) throw new ApiError(res.status, detailMessages(data, res.status, res.statusText), data);
  return { status: res.status, data, headers: res.headers };
}

let config = null;

/** An enumeration from the config, as an array whatever the API sent (an older API may lack it). */
export const choices = (value) => (Array.isArray(value) ? value : []);

function configOf(data) {
  const c = data && typeof data === "object" ? data : {};
  const group = (name) => (c[name] && typeof c[name] === "object" ? c[name] : {});
  return { answer_max_chars: c.answer_max_chars, practice: group("practice"), audio: group("audio"), recruiter: group("recruiter"), rubric: group("rubric") };
}

/**
 * The API's limits and choices (GET /api/config: lengths, ranges, topics, question types, ...), fetched once
 * per page and shared by every view. The app keeps no copies of them: a limit the API does not name is
 * simply not checked here (the API still checks it). A failed fetch blocks nothing: the views go on with no
 * limits, and the next caller tries again.
 */
export function apiConfig() {
  config ||= api("/api/config", { noKey: true }).then(
    ({ data }) => configOf(data),
    (err) => {
      config = null;
      console.warn("GET /api/config failed; going on without the API's limits", err);
      return configOf({});
    },
  );
  return config;
}

/** Plain POST of a presigned form (S3): no API headers. */
export async function postPresigned(url, fields, file, filename) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields || {})) form.append(k, v);
  form.append("file", file, filename);
  let res;
  try {
    res = await fetch(url, { method: "POST", body: form });
  } catch (err) {
    throw new ApiError(0, `Upload failed: could not reach the storage (${err && err.message ? err.message : err})`);
  }
  if (!res.ok) {
    const text = await res.text().catch(() => "");
    const m = /<Message>([^<]*)<\/Message>/.exec(text);
    throw new ApiError(res.status, `Upload failed (HTTP ${res.status})${m ? ": " + m[1] : ""}`);
  }
}
