// Fetch wrapper for the Sanhui REST API (docs/api.md).
// - Sends the session cookie (credentials 'same-origin').
// - Adds X-CSRF-Token to every state-changing request.
// - Turns {"error": {"code", "message"}} answers into ApiError.
// - Sends the browser back to the log-in page when the session is gone.

const LOGIN_PAGE = 'index.html';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken = null;

export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body; // the parsed JSON answer, if any (e.g. import "rejected")
  }
}

// Default Chinese messages, used when the server gives none.
const FALLBACK_MESSAGES = {
  network: '无法连接服务器，请检查网络后重试',
  unauthenticated: '登录已失效，请重新登录',
  forbidden: '您没有权限执行此操作',
  not_found: '未找到相关记录',
  internal: '服务器内部错误，请稍后再试',
  unknown: '操作失败，请稍后再试',
};

export function setCsrfToken(token) {
  csrfToken = token || null;
}

export function getCsrfToken() {
  return csrfToken;
}

function onLoginPage() {
  return /(^|\/)(index\.html)?$/.test(location.pathname);
}

/**
 * The log-in page's URL with `next` set to the current page (its file name,
 * query and fragment), so that log-in comes back here. login.js accepts only
 * same-origin relative paths as `next`.
 */
export function loginUrl() {
  if (onLoginPage()) return LOGIN_PAGE;
  const here = location.pathname.split('/').pop() + location.search + location.hash;
  return here ? `${LOGIN_PAGE}?next=${encodeURIComponent(here)}` : LOGIN_PAGE;
}

export function redirectToLogin() {
  if (!onLoginPage()) {
    location.replace(loginUrl());
  }
}

async function readBody(response) {
  if (response.status === 204) return null;
  const text = await response.text();
  if (!text) return null;
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch (_) {
      return text;
    }
  }
  return text;
}

/**
 * Calls the API.
 * @param {string} method  HTTP method
 * @param {string} path    path starting with /api/
 * @param {object} [opts]
 *   body         object sent as JSON, or a Blob/ArrayBuffer/string sent raw
 *   contentType  Content-Type for a raw body
 *   authRedirect false to stay on the page on 401 (log-in form, probes)
 * @returns parsed JSON answer, or null for 204
 * @throws ApiError
 */
export async function api(method, path, opts = {}) {
  method = method.toUpperCase();
  const headers = { Accept: 'application/json' };
  let body;
  if (opts.body !== undefined) {
    const raw = opts.body instanceof Blob || opts.body instanceof ArrayBuffer ||
      ArrayBuffer.isView(opts.body) || typeof opts.body === 'string';
    if (raw && opts.contentType) {
      body = opts.body;
      headers['Content-Type'] = opts.contentType;
    } else {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] = 'application/json';
    }
  } else if (UNSAFE_METHODS.has(method)) {
    headers['Content-Type'] = 'application/json';
  }
  if (UNSAFE_METHODS.has(method) && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken;
  }

  let response;
  try {
    response = await fetch(path, { method, headers, body, credentials: 'same-origin' });
  } catch (_) {
    throw new ApiError(0, 'network', FALLBACK_MESSAGES.network, null);
  }

  let data = null;
  try {
    data = await readBody(response);
  } catch (_) {
    data = null;
  }

  if (response.ok) return data;

  // {"error": {"code", "message"}}; a bare {"code", "message"} is accepted too.
  let err = {};
  if (data && typeof data === 'object') {
    if (data.error && typeof data.error === 'object') err = data.error;
    else if (typeof data.code === 'string' || typeof data.message === 'string') err = data;
  }
  const code = err.code || (response.status === 401 ? 'unauthenticated' : 'unknown');
  const message = err.message || FALLBACK_MESSAGES[code] ||
    `${FALLBACK_MESSAGES.unknown}（HTTP ${response.status}）`;

  if (response.status === 401 && code === 'unauthenticated' && opts.authRedirect !== false) {
    redirectToLogin();
  }
  throw new ApiError(response.status, code, message, data);
}

// ------------------------------------------------------------- session

/**
 * Logs in; returns Me and remembers the CSRF token. @code: the one-time code
 * an administrator gave a locked-out owner (optional).
 */
export async function login(loginName, password, code) {
  const body = { login: loginName, password };
  if (code) body.code = code;
  const me = await api('POST', '/api/session', { body, authRedirect: false });
  setCsrfToken(me && me.csrf_token);
  return me;
}

/** Returns Me, or null when not logged in (no redirect). */
export async function probeSession() {
  try {
    const me = await api('GET', '/api/session', { authRedirect: false });
    setCsrfToken(me && me.csrf_token);
    return me;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

/** Returns Me; sends the browser to the log-in page when not logged in. */
export async function requireSession() {
  const me = await probeSession();
  if (!me) {
    location.replace(loginUrl());
    // Never resolve: the page is going away.
    return new Promise(() => {});
  }
  return me;
}

/** Logs out and goes to the log-in page, whatever the server says. */
export async function logout() {
  try {
    await api('DELETE', '/api/session', { authRedirect: false });
  } catch (_) {
    // The session may already be gone; the log-in page is right either way.
  }
  setCsrfToken(null);
  location.replace(LOGIN_PAGE);
}

// ------------------------------------------------------------- roles

export function hasRole(me, role) {
  return !!(me && Array.isArray(me.roles) && me.roles.some((r) => r.role === role));
}

/** Organization ids where the caller is secretary. */
export function secretaryOrgIds(me) {
  if (!me || !Array.isArray(me.roles)) return [];
  return me.roles.filter((r) => r.role === 'secretary').map((r) => r.org_id);
}

/** The page to land on after log-in. */
export function homePageFor(me) {
  return hasRole(me, 'secretary') ? 'secretary.html' : 'my.html';
}

/** Accepts `[...]` or `{key: [...]}` list answers. */
export function listOf(data, key) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data[key])) return data[key];
  return [];
}
