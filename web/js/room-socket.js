// The meeting page's WebSocket (docs/protocol.md, "Envelope"): requests
// with an id get exactly one reply with that id (or an `error`); everything
// else is a broadcast handed to onMessage.

const REQUEST_TIMEOUT_MS = 20_000;

/** An `error` reply: code and Chinese message from the server, payload as sent. */
export class RoomError extends Error {
  constructor(code, message, payload = {}) {
    super(message || code);
    this.name = 'RoomError';
    this.code = code;
    this.payload = payload;
  }
}

export class RoomSocket {
  /**
   * @onMessage(msg): broadcasts and replies nobody waits for.
   * @onClose(): the socket closed (not called after close()).
   */
  constructor(onMessage, onClose) {
    this.onMessage = onMessage;
    this.onClose = onClose;
    this.ws = null;
    this.nextId = 1;
    this.pending = new Map();
    this.closedByUs = false;
  }

  get isOpen() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  open() {
    return new Promise((resolve, reject) => {
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
      const ws = new WebSocket(url);
      let opened = false;
      ws.onopen = () => {
        opened = true;
        this.ws = ws;
        resolve();
      };
      ws.onerror = () => {
        if (!opened) reject(new RoomError('network', '无法连接服务器，请检查网络后重试'));
      };
      ws.onclose = () => {
        if (!opened) {
          reject(new RoomError('network', '无法连接服务器，请检查网络后重试'));
          return;
        }
        if (this.ws !== ws) return;
        this.ws = null;
        this.failPending(new RoomError('network', '与服务器的连接已断开'));
        if (!this.closedByUs && this.onClose) this.onClose();
      };
      ws.onmessage = (event) => {
        let msg;
        try {
          msg = JSON.parse(event.data);
        } catch (_) {
          return;
        }
        if (msg && typeof msg === 'object') this.dispatch(msg);
      };
    });
  }

  dispatch(msg) {
    const waiter = msg.id !== undefined && msg.id !== null ? this.pending.get(String(msg.id)) : undefined;
    if (waiter) {
      this.pending.delete(String(msg.id));
      clearTimeout(waiter.timer);
      if (msg.type === 'error') {
        const p = msg.payload || {};
        waiter.reject(new RoomError(p.code || 'error', p.message, p));
      } else {
        waiter.resolve(msg);
      }
      return;
    }
    this.onMessage(msg);
  }

  failPending(error) {
    for (const w of this.pending.values()) {
      clearTimeout(w.timer);
      w.reject(error);
    }
    this.pending.clear();
  }

  /** Sends a request; resolves with the reply message, rejects with RoomError. */
  request(type, payload = {}, timeoutMs = REQUEST_TIMEOUT_MS) {
    if (!this.isOpen) return Promise.reject(new RoomError('network', '与服务器的连接已断开'));
    const id = `r${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RoomError('timeout', '服务器没有响应，请稍后重试'));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ type, id, payload }));
    });
  }

  /** Sends a message without waiting for anything (candidates). */
  send(type, payload = {}) {
    if (this.isOpen) this.ws.send(JSON.stringify({ type, payload }));
  }

  close() {
    this.closedByUs = true;
    this.failPending(new RoomError('network', '已离开会议'));
    if (this.ws) this.ws.close();
    this.ws = null;
  }
}
