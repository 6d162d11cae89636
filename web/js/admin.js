// Accounts page for administrators: who is locked, unlock, reset a
// password (POST /api/accounts/{id}/unlock, /password; docs/api.md).

import { api, hasRole, listOf, requireSession } from './api.js';
import { busy, clear, el, renderTopbar, setStatus } from './ui.js';

const ROLE_LABELS = {
  admin: '系统管理员',
  secretary: '支部书记',
  inspector: '检查员',
  member: '党员',
};

const body = document.getElementById('accounts-body');
const status = document.getElementById('admin-status');
const dialog = document.getElementById('password-dialog');
const form = document.getElementById('password-form');
const passwordInput = document.getElementById('new-password');
const passwordAccount = document.getElementById('password-account');
const passwordError = document.getElementById('password-error');
const passwordDismiss = document.getElementById('password-dismiss');

let resetting = null; // the account whose password is being reset

function rolesText(account) {
  const roles = Array.isArray(account.roles) ? account.roles : [];
  const labels = [...new Set(roles.map((r) => ROLE_LABELS[r.role] || r.role))];
  return labels.join('、') || '—';
}

function stateText(account) {
  if (account.disabled) return '已停用';
  if (account.locked) {
    const until = account.locked_until ? `（至 ${account.locked_until.slice(11, 16)}）` : '';
    return `已锁定${until}`;
  }
  return '正常';
}

function row(account) {
  const actions = el('td', { class: 'actions' });
  if (account.locked) {
    actions.append(el('button', {
      type: 'button', class: 'btn btn-primary', text: '解锁',
      'data-testid': `unlock-${account.login}`,
      on: {
        click: (e) => busy(e.currentTarget, async () => {
          try {
            await api('POST', `/api/accounts/${account.id}/unlock`);
            setStatus(status, `已解锁账号 ${account.login}`, 'success');
            await load();
          } catch (err) {
            setStatus(status, err.message, 'error');
          }
        }),
      },
    }));
  }
  if (account.locked) {
    actions.append(el('button', {
      type: 'button', class: 'btn btn-secondary', text: '一次性登录码',
      'data-testid': `code-${account.login}`,
      on: {
        click: (e) => busy(e.currentTarget, async () => {
          try {
            const data = await api('POST', `/api/accounts/${account.id}/login-code`);
            setStatus(status, `${account.login} 的一次性登录码：${data.code}（仅可使用一次，` +
              `${data.expires_at ? data.expires_at.slice(0, 16).replace('T', ' ') : '24 小时'} 前有效）。` +
              '请通过电话等可靠方式告知本人，本人在登录页输入密码和此登录码即可登录，账号对他人仍保持锁定。', 'success');
          } catch (err) {
            setStatus(status, err.message, 'error');
          }
        }),
      },
    }));
  }
  actions.append(el('button', {
    type: 'button', class: 'btn btn-secondary', text: '重设密码',
    'data-testid': `reset-${account.login}`,
    on: { click: () => openReset(account) },
  }));
  return el('tr', { dataset: { login: account.login } },
    el('td', { 'data-label': '账号', text: account.login }),
    el('td', { 'data-label': '姓名', text: account.display_name || '' }),
    el('td', { 'data-label': '手机号', text: account.phone || '—' }),
    el('td', { 'data-label': '角色', text: rolesText(account) }),
    el('td', {
      'data-label': '状态', text: stateText(account),
      class: account.locked ? 'status-error' : '',
    }),
    actions);
}

async function load() {
  const data = await api('GET', '/api/accounts');
  clear(body);
  for (const account of listOf(data, 'accounts')) body.append(row(account));
}

function openReset(account) {
  resetting = account;
  passwordAccount.textContent = `账号：${account.login}（${account.display_name || ''}）`;
  passwordInput.value = '';
  setStatus(passwordError, '');
  dialog.showModal();
  passwordInput.focus();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!resetting) return;
  const submit = document.getElementById('password-submit');
  await busy(submit, async () => {
    try {
      await api('POST', `/api/accounts/${resetting.id}/password`, {
        body: { password: passwordInput.value },
      });
      dialog.close();
      setStatus(status, `已为 ${resetting.login} 重设密码，该账号需用新密码重新登录`, 'success');
      resetting = null;
      await load();
    } catch (err) {
      setStatus(passwordError, err.message, 'error');
    }
  });
});

passwordDismiss.addEventListener('click', () => {
  resetting = null;
  dialog.close();
});

async function main() {
  const me = await requireSession();
  renderTopbar(me, 'admin');
  if (!hasRole(me, 'admin')) {
    setStatus(status, '只有系统管理员可以管理账号', 'error');
    return;
  }
  try {
    await load();
  } catch (err) {
    setStatus(status, err.message, 'error');
  }
}

main();
