// Log-in page: POST /api/session, then go to the user's home page.

import { login, probeSession, homePageFor } from './api.js';
import { setStatus } from './ui.js';

const form = document.getElementById('login-form');
const loginInput = document.getElementById('login');
const passwordInput = document.getElementById('password');
const submit = document.getElementById('login-submit');
const errorBox = document.getElementById('login-error');

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
    const me = await login(name, password);
    location.replace(homePageFor(me));
  } catch (e) {
    // bad_credentials, account_locked, … : the server's Chinese message.
    setStatus(errorBox, e.message || '登录失败，请稍后再试', 'error');
    errorBox.dataset.code = e.code || '';
    passwordInput.value = '';
    passwordInput.focus();
    submit.disabled = false;
    submit.textContent = '登录';
  }
});

// Already logged in: go straight to the home page.
probeSession().then((me) => {
  if (me) location.replace(homePageFor(me));
}).catch(() => { /* server unreachable: the form reports it on submit */ });
