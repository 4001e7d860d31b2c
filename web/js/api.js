// HTTP and WebSocket access to the Mock Interview API.

const KEY_STORAGE = "mi.apiKey";

function queryParam(name) {
  const direct = new URLSearchParams(location.search).get(name);
  if (direct) return direct;
  const hash = location.hash;
  const q = hash.indexOf("?");
  return q >= 0 ? new URLSearchParams(hash.slice(q + 1)).get(name) : null;
}

/** The API's base URL without a trailing slash ("" = this page's origin). */
export function apiBase() {
  const override = queryParam("api");
  const base = override || (typeof window.API_BASE === "string" ? window.API_BASE : "") || "";
  return base.replace(/\/+$/, "");
}

export function apiUrl(path) {
  return apiBase() + path;
}

/** ws(s)://host[/prefix]/path for the API's base. */
export function wsUrl(path) {
  const base = apiBase();
  const url = new URL(base ? base + path : path, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

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
  if (opts.token) headers["X-Session-Token"] = opts.token;
  else if (!opts.noKey) {
    const key = opts.apiKey !== undefined ? opts.apiKey : getApiKey();
    if (key) headers["X-API-Key"] = key;
  }
  const url = /^https?:/.test(path) ? path : apiUrl(path);
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
