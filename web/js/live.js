// The live interview channel: a WebSocket with automatic reconnection (exponential backoff),
// a ping every 15 s, and a queue for messages that must survive a dropped connection.

const PING_MS = 15000;
const CONNECT_TIMEOUT_MS = 10000;
const MAX_DELAY_MS = 30000;
const FIRST_CONNECT_ATTEMPTS = 5; // never connected: give up (and say so) after this many tries
const RECONNECT_ATTEMPTS = 20; // connected before: keep trying this many times in a row

export class LiveChannel {
  /**
   * handlers: onOpen(), onMessage(obj), onStatus({state, attempt, maxAttempts, delay, reason, everOpened})
   * states: "connecting" | "open" | "retrying" | "failed" | "closed"
   */
  constructor(url, handlers) {
    this.url = url;
    this.h = handlers;
    this.ws = null;
    this.attempt = 0;
    this.everOpened = false;
    this.stopped = false;
    this.queue = [];
    this.timers = {};
    this.lastError = "";
    this._online = () => this.ws === null && !this.stopped && this.retryNow();
    window.addEventListener("online", this._online);
  }

  get open() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  connect() {
    this.stopped = false;
    clearTimeout(this.timers.retry);
    this.attempt += 1;
    this._status({ state: "connecting" });
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (err) {
      this.lastError = err.message || String(err);
      this._scheduleRetry(null);
      return;
    }
    this.ws = ws;
    this.timers.connect = setTimeout(() => {
      if (ws.readyState === WebSocket.CONNECTING) {
        this.lastError = "the server did not answer in time";
        ws.close();
      }
    }, CONNECT_TIMEOUT_MS);
    ws.onopen = () => {
      clearTimeout(this.timers.connect);
      this.attempt = 0;
      this.everOpened = true;
      this.lastError = "";
      this._status({ state: "open" });
      clearInterval(this.timers.ping);
      this.timers.ping = setInterval(() => this._raw({ type: "ping" }), PING_MS);
      try {
        this.h.onOpen?.();
      } finally {
        this.flush();
      }
    };
    ws.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return; // not JSON: ignore
      }
      if (msg && typeof msg === "object" && typeof msg.type === "string") this.h.onMessage?.(msg);
    };
    ws.onerror = () => {
      if (!this.lastError) this.lastError = "the connection failed";
    };
    ws.onclose = (ev) => {
      clearTimeout(this.timers.connect);
      clearInterval(this.timers.ping);
      if (this.ws === ws) this.ws = null;
      if (this.stopped) return;
      this._scheduleRetry(ev);
    };
  }

  _scheduleRetry(ev) {
    const code = ev ? ev.code : 0;
    // 4000-4999: the server refused us on purpose (bad token, unknown session, ...); 1008: policy.
    if ((code >= 4000 && code < 5000) || code === 1008) {
      this.stopped = true;
      this._status({ state: "failed", reason: (ev && ev.reason) || this.lastError || `the server closed the connection (code ${code})`, fatal: true });
      return;
    }
    const max = this.everOpened ? RECONNECT_ATTEMPTS : FIRST_CONNECT_ATTEMPTS;
    if (this.attempt >= max) {
      this.stopped = true;
      this._status({ state: "failed", reason: this.lastError || (ev && ev.reason) || "the connection closed" });
      return;
    }
    const base = Math.min(MAX_DELAY_MS, 1000 * 2 ** (this.attempt - 1));
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this._status({ state: "retrying", delay, maxAttempts: max, reason: this.lastError || (ev && ev.reason) || "" });
    this.timers.retry = setTimeout(() => this.connect(), delay);
  }

  /** Try again now (after a failure, or to skip the backoff wait). */
  retryNow() {
    clearTimeout(this.timers.retry);
    if (this.ws) return;
    if (this.stopped) this.attempt = 0;
    this.connect();
  }

  _status(s) {
    this.h.onStatus?.({ attempt: this.attempt, everOpened: this.everOpened, ...s });
  }

  _raw(obj) {
    if (!this.open) return false;
    try {
      this.ws.send(JSON.stringify(obj));
      return true;
    } catch {
      return false;
    }
  }

  /** Send now; with queue=true keep it for the next connection if the socket is down. */
  send(obj, { queue = false } = {}) {
    if (this._raw(obj)) return true;
    if (queue) this.queue.push(obj);
    return false;
  }

  flush() {
    const pending = this.queue;
    this.queue = [];
    for (const msg of pending) if (!this._raw(msg)) this.queue.push(msg);
  }

  close() {
    this.stopped = true;
    clearTimeout(this.timers.retry);
    clearTimeout(this.timers.connect);
    clearInterval(this.timers.ping);
    window.removeEventListener("online", this._online);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      try {
        ws.close(1000, "done");
      } catch {
        /* already closed */
      }
    }
  }
}
