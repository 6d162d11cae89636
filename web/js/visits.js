// Migrant visits (流动党员) on the "支部工作" page: requests to take part in
// this branch (接受 / 拒绝, and 结束 once accepted), this branch's members
// taking part elsewhere (撤回 / 结束), and the form that asks for one. Only an
// accepted visit grants anything.

import { api, listOf } from './api.js';
import { formatDateTime } from './format.js';
import { el, clear, setStatus, busy } from './ui.js';

const $ = (id) => document.getElementById(id);

let branchId = null;
let changed = async () => {};

function stateTag(v) {
  const cls = v.state === 'accepted' ? 'tag tag-ok' : v.state === 'pending' ? 'tag tag-warn' : 'tag tag-muted';
  return el('span', { class: cls, 'data-testid': 'visit-state', text: v.state_label || v.state });
}

function who(name, at) {
  if (!at) return '—';
  return `${name || '系统'}，${formatDateTime(at)}`;
}

async function act(button, v, action, body) {
  const status = $('visits-status');
  setStatus(status, '');
  await busy(button, async () => {
    try {
      await api('POST', `/api/visits/${encodeURIComponent(v.id)}/${action}`, { body: body || {} });
      const done = { accept: '已接受', refuse: '已拒绝', end: v.state === 'pending' ? '已撤回' : '已结束' }[action];
      setStatus(status, `${done}：${v.member_name || ''}`, 'success');
      await loadVisits(branchId);
      await changed();
    } catch (e) {
      setStatus(status, e.message, 'error');
    }
  });
}

function actionButton(label, testid, cls, onClick) {
  const button = el('button', { type: 'button', class: `btn btn-small ${cls}`, 'data-testid': testid, text: label });
  button.addEventListener('click', () => onClick(button));
  return button;
}

function visitRow(v, incoming) {
  const cell = (label, value) => el('td', { 'data-label': label, text: value });
  const buttons = [];
  if (incoming && v.state === 'pending') {
    buttons.push(actionButton('接受', 'visit-accept', 'btn-primary', (b) => act(b, v, 'accept')));
    buttons.push(actionButton('拒绝', 'visit-refuse', 'btn-danger-outline', (b) => {
      const reason = window.prompt(`拒绝${v.member_name || ''}的申请，请填写原因（可不填）：`, '');
      if (reason === null) return;
      act(b, v, 'refuse', reason.trim() ? { reason: reason.trim() } : {});
    }));
  } else if (v.state === 'pending') {
    buttons.push(actionButton('撤回', 'visit-withdraw', 'btn-secondary', (b) => act(b, v, 'end')));
  }
  if (v.state === 'accepted') {
    buttons.push(actionButton('结束', 'visit-end', 'btn-secondary', (b) => {
      if (window.confirm(`结束后${v.member_name || ''}将不再参加${v.host_branch_name || ''}的组织生活，确定吗？`)) {
        act(b, v, 'end');
      }
    }));
  }
  return el('tr', { 'data-testid': incoming ? 'visit-incoming-row' : 'visit-outgoing-row', dataset: { visitId: v.id } },
    el('th', { scope: 'row', 'data-label': '姓名', text: v.member_name || '' }),
    cell(incoming ? '组织关系所在支部' : '参加活动的支部', incoming ? v.home_branch_name : v.host_branch_name),
    el('td', { 'data-label': '状态' }, stateTag(v)),
    cell('说明', v.decision_note || v.end_note || v.note || '—'),
    cell('申请', who(v.requested_by_name, v.requested_at)),
    cell('审批', who(v.decided_by_name, v.decided_at)),
    el('td', { 'data-label': '操作', class: 'actions' }, buttons.length ? buttons : '—'));
}

function render(body, empty, visits, incoming) {
  clear(body);
  for (const v of visits) body.append(visitRow(v, incoming));
  empty.hidden = visits.length > 0;
}

export async function loadVisits(id) {
  branchId = id;
  setStatus($('visits-status'), '');
  let incoming = [];
  let outgoing = [];
  try {
    const data = await api('GET', `/api/orgs/${encodeURIComponent(id)}/visits`);
    if (branchId !== id) return; // the branch changed meanwhile
    incoming = listOf(data, 'incoming');
    outgoing = listOf(data, 'outgoing');
  } catch (e) {
    setStatus($('visits-status'), e.message, 'error');
  }
  render($('visits-incoming-body'), $('visits-incoming-empty'), incoming, true);
  render($('visits-outgoing-body'), $('visits-outgoing-empty'), outgoing, false);
  const pending = incoming.filter((v) => v.state === 'pending').length;
  $('visits-pending').textContent = pending ? `（${pending} 条待处理）` : '';
}

let branches = null; // every branch by name, loaded once

function fillOptions(select, options, placeholder) {
  const previous = select.value;
  clear(select);
  select.append(el('option', { value: '', text: placeholder }));
  for (const [value, label] of options) select.append(el('option', { value, text: label }));
  if ([...select.options].some((o) => o.value === previous)) select.value = previous;
}

/** Fills the request form: @members of this branch, every other branch. */
export async function fillVisitForm(members) {
  fillOptions($('visit-member'),
    members.filter((m) => m.active !== false).map((m) => [String(m.id), m.name]), '请选择党员');
  if (!branches) {
    try {
      branches = listOf(await api('GET', '/api/visits/branches'), 'branches');
    } catch (e) {
      setStatus($('visit-form-status'), e.message, 'error');
      return;
    }
  }
  fillOptions($('visit-host'),
    branches.filter((b) => String(b.id) !== String(branchId))
      .map((b) => [String(b.id), b.parent_name ? `${b.name}（${b.parent_name}）` : b.name]),
    '请选择支部');
}

$('visit-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const status = $('visit-form-status');
  const member = $('visit-member').value;
  const host = $('visit-host').value;
  const note = $('visit-note').value.trim();
  setStatus(status, '');
  if (!member || !host) {
    setStatus(status, '请选择党员和参加活动的支部', 'error');
    return;
  }
  busy($('visit-submit'), async () => {
    try {
      const body = { host_branch_id: Number(host) };
      if (note) body.note = note;
      const v = await api('POST', `/api/members/${encodeURIComponent(member)}/visits`, { body });
      $('visit-note').value = '';
      setStatus(status, `已提交：${(v && v.member_name) || ''}，待${(v && v.host_branch_name) || '对方支部'}接受`, 'success');
      await loadVisits(branchId);
    } catch (e) {
      setStatus(status, e.message, 'error');
    }
  });
});

/** @onChange: called after a decision, e.g. to reload the member roll. */
export function initVisits(onChange) {
  changed = onChange;
}
