// Leave (请假) on the meeting page: a member asks for leave before the
// meeting and sees the decision; the secretary or the chair sees the
// expected attendance (应到) and decides the requests. The rules are the
// server's (docs/api.md "Expected attendance and leave"); this module only
// shows them and says in plain words why something was refused.

import { api, listOf } from './api.js';
import { formatDateTime } from './format.js';
import { el, clear, setStatus, busy } from './ui.js';

const $ = (id) => document.getElementById(id);

// Before the meeting starts a member may still ask or withdraw; a decision
// can still be made while it runs.
const ASKABLE = new Set(['scheduled', 'open']);
const DECIDABLE = new Set(['scheduled', 'open', 'in_progress']);

const ctx = {
  meeting: null,
  mayDecide: false, // secretary of the branch, administrator or the chair
  isMember: false,  // the caller is a member (may ask for themself)
  memberId: '',
};

function leavePath() {
  return `/api/meetings/${encodeURIComponent(ctx.meeting.id)}/leave`;
}

function stateTag(request) {
  return el('span', {
    class: `state-tag leave-${request.state}`,
    'data-testid': 'leave-state',
    text: request.state_label || request.state,
  });
}

// ================================================================ member

/** The member's own requests, newest last; the last one is the one in force. */
function renderOwn(requests) {
  const box = $('leave-own');
  clear(box);
  const current = requests[requests.length - 1];
  const open = current && (current.state === 'pending' || current.state === 'approved');
  const askable = ASKABLE.has(ctx.meeting.state);

  if (current) {
    const card = el('div', { class: 'leave-current', 'data-testid': 'leave-current' },
      el('p', {}, '您的请假申请：', stateTag(current)),
      el('p', { class: 'leave-reason', text: `请假原因：${current.reason}` }),
      el('p', { class: 'hint', text: `提交于 ${formatDateTime(current.requested_at)}` }));
    if (current.decided_at && current.state !== 'withdrawn') {
      card.append(el('p', {
        class: 'hint', 'data-testid': 'leave-decided',
        text: `审批时间：${formatDateTime(current.decided_at)}` +
          (current.decision_note ? `，审批意见：${current.decision_note}` : ''),
      }));
    }
    if (current.state === 'pending' && askable) {
      const withdraw = el('button', {
        type: 'button', class: 'btn btn-ghost', 'data-testid': 'leave-withdraw', text: '撤回申请',
      });
      withdraw.addEventListener('click', () => busy(withdraw, async () => {
        if (!confirm('确定撤回请假申请吗？撤回后如需请假请重新提交。')) return;
        await act(`/api/leave/${encodeURIComponent(current.id)}/withdraw`, {}, '已撤回请假申请。');
      }));
      card.append(el('div', { class: 'button-row' }, withdraw));
    }
    box.append(card);
  }
  $('leave-form').hidden = !askable || open;
  if (!askable && !current) {
    box.append(el('p', { class: 'muted', text: '会议已开始，不能再请假。' }));
  }
}

async function submitLeave(event) {
  event.preventDefault();
  const reason = $('leave-reason').value.trim();
  if (!reason) {
    setStatus($('leave-status'), '请填写请假原因。', 'error');
    $('leave-reason').focus();
    return;
  }
  await busy($('leave-submit'), async () => {
    const ok = await act(leavePath(), { reason }, '请假申请已提交，请等待书记审批。');
    if (ok) $('leave-reason').value = '';
  });
}

// ================================================================ decider

function decisionRow(request) {
  const row = el('li', {
    class: 'leave-item', 'data-testid': 'leave-item', dataset: { leaveId: request.id, state: request.state },
  });
  row.append(el('div', { class: 'leave-item-head' },
    el('strong', { 'data-testid': 'leave-member', text: request.member_name || `党员 ${request.member_id}` }),
    stateTag(request)));
  row.append(el('p', { class: 'leave-reason', text: request.reason }));
  row.append(el('p', { class: 'hint', text: `提交于 ${formatDateTime(request.requested_at)}` }));
  if (request.decision_note) {
    row.append(el('p', { class: 'hint', text: `审批意见：${request.decision_note}` }));
  }
  if (request.state === 'pending' && DECIDABLE.has(ctx.meeting.state)) {
    const noteId = `leave-note-${request.id}`;
    const note = el('input', {
      id: noteId, type: 'text', maxlength: 500, 'data-testid': 'leave-note', placeholder: '审批意见（选填）',
    });
    const decide = (word, done) => {
      const button = el('button', {
        type: 'button',
        class: word === 'approve' ? 'btn btn-primary btn-small' : 'btn btn-secondary btn-small',
        'data-testid': `leave-${word}`,
        text: word === 'approve' ? '批准' : '不批准',
      });
      button.addEventListener('click', () => busy(button, () => act(
        `/api/leave/${encodeURIComponent(request.id)}/${word}`,
        note.value.trim() ? { note: note.value.trim() } : {}, done)));
      return button;
    };
    row.append(el('div', { class: 'field' }, el('label', { for: noteId, class: 'visually-hidden', text: '审批意见' }), note),
      el('div', { class: 'button-row' },
        decide('approve', `已批准${request.member_name || ''}的请假。`),
        decide('refuse', `已不批准${request.member_name || ''}的请假。`)));
  }
  return row;
}

function renderRequests(requests) {
  const list = $('leave-list');
  clear(list);
  // Pending first, so that what needs a decision is on top.
  const order = (r) => (r.state === 'pending' ? 0 : 1);
  for (const r of [...requests].sort((a, b) => order(a) - order(b))) list.append(decisionRow(r));
  $('leave-list-empty').hidden = requests.length > 0;
}

const ROLE_ORDER = ['expected', 'excluded', 'visitor', 'guest'];
const ROLE_HEADINGS = {
  expected: '应到',
  excluded: '不计入应到人数',
  visitor: '流动党员（无表决权）',
  guest: '列席',
};

function renderExpected(expected) {
  const box = $('expected-list');
  clear(box);
  const entries = listOf(expected, 'entries');
  const onLeave = entries.filter((e) => e.role === 'expected' && e.leave && e.leave.state === 'approved').length;
  $('expected-summary').textContent =
    `应到 ${expected.expected} 人（有表决权 ${expected.voting} 人），已准假 ${onLeave} 人` +
    (expected.frozen ? `；名单已于 ${formatDateTime(expected.frozen_at)} 会议开始时锁定` : '；会议开始时锁定名单');
  for (const role of ROLE_ORDER) {
    const group = entries.filter((e) => e.role === role);
    if (!group.length) continue;
    box.append(el('h3', { class: 'list-heading', text: `${ROLE_HEADINGS[role]}（${group.length}）` }));
    const ul = el('ul', { class: 'expected-group', dataset: { role } });
    for (const e of group) {
      ul.append(el('li', { 'data-testid': 'expected-entry', dataset: { role, memberId: e.member_id || '' } },
        el('span', { text: e.name }),
        e.leave ? el('span', { class: `state-tag leave-${e.leave.state}`, text: e.leave.state_label }) : null,
        e.reason ? el('span', { class: 'hint', text: ` ${e.reason}` }) : null));
    }
    box.append(ul);
  }
}

// ================================================================ common

/** Sends one leave action, shows its outcome, reloads; returns success. */
async function act(path, body, done) {
  setStatus($('leave-status'), '');
  try {
    await api('POST', path, { body });
    await load();
    setStatus($('leave-status'), done, 'success');
    return true;
  } catch (e) {
    if (e.code === 'invalid' && ctx.isMember && !ctx.mayDecide) {
      setStatus($('leave-status'), '您不在本次会议的应到人员中，无需请假。', 'info');
    } else {
      setStatus($('leave-status'), e.message, 'error');
    }
    await load().catch(() => {});
    return false;
  }
}

async function load() {
  const data = await api('GET', leavePath());
  const requests = listOf(data, 'requests');
  if (ctx.mayDecide) {
    renderRequests(requests);
    try {
      renderExpected(await api('GET', `/api/meetings/${encodeURIComponent(ctx.meeting.id)}/attendance/expected`));
      $('expected-section').hidden = false;
    } catch (_) {
      $('expected-section').hidden = true; // not ours to read (a chair from elsewhere)
    }
  }
  if (ctx.isMember) {
    const mine = requests.filter((r) => String(r.member_id) === ctx.memberId);
    renderOwn(mine);
  }
}

/**
 * Shows the leave panel for @meeting. @memberId: the caller's member id
 * ('' for an account without one); @mayDecide: secretary, admin or chair.
 * Cancelled or archived meetings show nothing.
 */
export async function initLeave(meeting, memberId, mayDecide) {
  if (!meeting || meeting.state === 'cancelled' || meeting.state === 'archived') return;
  ctx.meeting = meeting;
  ctx.mayDecide = !!mayDecide;
  ctx.memberId = memberId || '';
  ctx.isMember = !!memberId;
  if (!ctx.mayDecide && !ctx.isMember) return;

  $('leave-form').addEventListener('submit', submitLeave);
  $('leave-decide').hidden = !ctx.mayDecide;
  $('leave-mine').hidden = !ctx.isMember;
  try {
    await load();
    $('leave-panel').hidden = false;
  } catch (e) {
    // 403: neither the branch's member nor one who decides: no panel.
    if (e.status !== 403) {
      $('leave-panel').hidden = false;
      setStatus($('leave-status'), e.message, 'error');
    }
  }
}
