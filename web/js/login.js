// Log-in page: POST /api/session, then go to `?next=` when it is a safe
// same-origin relative path, else to the user's home page.

import { login, probeSession, homePageFor } from './api.js';
import { setStatus } from './ui.js';

const form = document.getElementById('login-form');
const loginInput = document.getElementById('login');
const passwordInput = document.getElementById('password');
const submit = document.getElementById('login-submit');
const errorBox = document.getElementById('login-error');
const codeField = document.getElementById('code-field');
const codeInput = document.getElementById('login-code');

const NEXT_MAX_LENGTH = 2000;

/**
 * The `next` query parameter as a same-origin path to go to after log-in, or
 * null. Only relative paths are accepted (no scheme, no "//host", no
 * backslashes or control characters that browsers would reinterpret), and
 * the resolved URL must stay on this origin: no open redirect.
 */
function safeNext() {
  const raw = new URLSearchParams(location.search).get('next');
  if (!raw || raw.length > NEXT_MAX_LENGTH) return null;
  if (/^\s/.test(raw) || /[\\\u0000-\u001f\u007f]/.test(raw)) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('//')) return null;
  let url;
  try {
    url = new URL(raw, location.href);
  } catch (_) {
    return null;
  }
  if (url.origin !== location.origin || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null;
  // Not back to the log-in page itself.
  if (/(^|\/)(index\.html)?$/.test(url.pathname)) return null;
  return url.pathname + url.search + url.hash;
}

function destinationFor(me) {
  return safeNext() || homePageFor(me);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  setStatus(errorBox, '');
  const name = loginInput.value.trim();
  const password = passwordInput.value;
  if (!name) {
    setStatus(errorBox, '请输入账号或手机号', 'error');
    loginInput.focus();
    return;
  }
  if (!password) {
    setStatus(errorBox, '请输入密码', 'error');
    passwordInput.focus();
    return;
  }
  submit.disabled = true;
  submit.textContent = '正在登录…';
  try {
    const me = await login(name, password, codeInput.value.trim());
    location.replace(destinationFor(me));
  } catch (e) {
    // bad_credentials, account_locked, … : the server's Chinese message.
    setStatus(errorBox, e.message || '登录失败，请稍后再试', 'error');
    errorBox.dataset.code = e.code || '';
    // Locked, away from the usual networks: an administrator's one-time
    // code lets the owner in.
    if (e.code === 'account_locked') codeField.hidden = false;
    passwordInput.value = '';
    passwordInput.focus();
    submit.disabled = false;
    submit.textContent = '登录';
  }
});

// Already logged in: go straight on.
probeSession().then((me) => {
  if (me) location.replace(destinationFor(me));
}).catch(() => { /* server unreachable: the form reports it on submit */ });
