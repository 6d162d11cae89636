// "会议详情" (meeting.html?id=ID): one meeting's details for everyone who may
// see it; state changes and invitation links for those who may manage it.

import { api, requireSession, hasRole, listOf } from './api.js';
import {
  formatDate, formatTime, formatDateTime, formatRange, shanghaiDateKey,
  meetingTypeLabel, meetingStateLabel, placeLabel,
} from './format.js';
import { el, clear, setStatus, busy, renderTopbar, copyText, joinLink } from './ui.js';
import { renderMotions } from './motions.js';
import { initLeave } from './meeting-leave.js';
import { initMeetingAttendance } from './meeting-attendance.js';
import { initPastMeeting } from './meeting-past.js';
import { initMeetingRecordings } from './meeting-recordings.js';

const $ = (id) => document.getElementById(id);

// The meeting state machine (minutes/src/meeting.c): the states each state
// may move to, in the order the buttons are shown.
const TRANSITIONS = {
  scheduled: ['open', 'in_progress', 'cancelled'],
  open: ['in_progress', 'cancelled'],
  in_progress: ['ended'],
  ended: ['archived'],
  archived: [],
  cancelled: [],
};

const ACTIONS = {
  open: { label: '开放入会', done: '已开放入会，参会党员现在可以进入会议。' },
  in_progress: { label: '开始会议', done: '会议已开始。' },
  ended: { label: '结束会议', done: '会议已结束。' },
  archived: { label: '归档', done: '会议已归档。' },
  cancelled: { label: '取消会议', done: '会议已取消。' },
};

const STATE_HINTS = {
  scheduled: '会议已安排。开放入会后，参会党员即可进入会议。',
  open: '参会党员现在可以进入会议，人员到齐后请开始会议。',
  in_progress: '会议正在进行，会议结束后请点击“结束会议”。',
  ended: '会议已结束，会议记录整理完毕后可归档。',
  archived: '会议已归档，无需其他操作。',
  cancelled: '会议已取消，无需其他操作。',
};

// States in which an invitation link is still useful.
const INVITABLE = new Set(['scheduled', 'open', 'in_progress']);

const state = {
  me: null,
  meeting: null,
  org: null,          // the meeting's organization, when the caller may read it
  names: new Map(),   // member id (string) → name, when the caller may read the roll
  canManage: false,   // secretary of the branch or admin: transitions and invitations
  isChair: false,     // the chair may change the state too (docs/api.md)
  denied: false,      // a management call answered 403
};

// ================================================================ helpers

function meetingId() {
  const id = new URLSearchParams(location.search).get('id') || '';
  return /^[1-9]\d{0,17}$/.test(id) ? id : '';
}

function meetingPath(suffix = '') {
  return `/api/meetings/${encodeURIComponent(state.meeting.id)}${suffix}`;
}

function myMemberId() {
  const a = state.me && state.me.account;
  return a && a.member_id ? String(a.member_id) : '';
}

/** A member's name when known; the caller's own name for their own id. */
function memberName(id) {
  if (!id) return '';
  const key = String(id);
  if (state.names.has(key)) return state.names.get(key);
  if (key === myMemberId()) {
    const a = state.me.account;
    return a.display_name || a.login || '';
  }
  return '';
}

function absoluteUrl(url) {
  try {
    return new URL(url, location.href).href;
  } catch (_) {
    return url || '';
  }
}

function roleOrgIds(role) {
  if (!state.me || !Array.isArray(state.me.roles)) return [];
  return state.me.roles.filter((r) => r.role === role).map((r) => String(r.org_id));
}

/** The branch a meeting belongs to: its organization, or a group's parent. */
function branchIdOf(meeting, org) {
  if (org && org.kind === 'group' && org.parent_id) return String(org.parent_id);
  return String(meeting.org_id);
}

function showError(text) {
  $('meeting-loading').hidden = true;
  $('meeting-detail').hidden = true;
  $('manage-panel').hidden = true;
  $('invite-panel').hidden = true;
  setStatus($('meeting-error'), text, 'error');
}

/** A 403 from a management call: this caller may not manage the meeting. */
function loseManagement() {
  state.canManage = false;
  state.isChair = false;
  state.denied = true;
  renderManagement();
  setStatus($('page-status'), '您没有权限管理该会议，仅可查看会议信息。', 'info');
}

// ================================================================ details

function renderDetails() {
  const m = state.meeting;
  const st = m.state || '';
  document.title = `${m.title || '会议详情'} · 三会一课`;

  const type = $('meeting-type');
  type.textContent = meetingTypeLabel(m);
  type.className = `badge type-${m.type || 'other'}`;
  const stateTag = $('meeting-state');
  stateTag.textContent = meetingStateLabel(m);
  stateTag.className = `state-tag state-${st}`;
  stateTag.dataset.state = st;
  $('meeting-title').textContent = m.title || '（无标题）';

  const meta = $('meeting-meta');
  clear(meta);
  const row = (label, value, testid) => {
    if (value === undefined || value === null || value === '') return;
    meta.append(el('dt', { text: label }), el('dd', { text: value, 'data-testid': testid }));
  };
  row('组织', m.org_name, 'meeting-org');
  const sameDay = m.planned_end && shanghaiDateKey(m.planned_start) === shanghaiDateKey(m.planned_end);
  if (m.planned_start && (sameDay || !m.planned_end)) {
    row('日期', formatDate(m.planned_start), 'meeting-date');
    row('时间', m.planned_end ? `${formatTime(m.planned_start)}–${formatTime(m.planned_end)}`
      : formatTime(m.planned_start), 'meeting-time');
  } else {
    row('时间', formatRange(m.planned_start, m.planned_end), 'meeting-time');
  }
  row('地点', placeLabel(m.place), 'meeting-place');
  row('状态', meetingStateLabel(m), 'meeting-state-text');
  if (st === 'cancelled') row('取消原因', m.cancel_reason || '未填写', 'meeting-cancel-reason');
  row('主持人', memberName(m.chair_member_id), 'meeting-chair');
  if (m.delegation_note || m.delegated_by_member_id) {
    const by = memberName(m.delegated_by_member_id);
    row('委托说明', m.delegation_note || `受${by || '支部书记'}委托主持`, 'meeting-delegation');
  }
  row('记录人', memberName(m.recorder_member_id), 'meeting-recorder');
  if (m.type === 'lesson') {
    row('讲课人', m.lecturer_name || memberName(m.lecturer_member_id), 'meeting-lecturer');
    row('党课主题', m.topic, 'meeting-topic');
  }

  const agenda = Array.isArray(m.agenda) ? m.agenda.filter((a) => String(a).trim()) : [];
  const list = $('meeting-agenda');
  clear(list);
  for (const item of agenda) list.append(el('li', { text: item, 'data-testid': 'agenda-item' }));
  list.hidden = agenda.length === 0;
  $('meeting-agenda-empty').hidden = agenda.length > 0;

  // 进入会议 while the meeting is open or in progress.
  const oldJoin = $('meeting-join');
  if (oldJoin) oldJoin.remove();
  const join = joinLink(m, 'btn-block');
  if (join) {
    join.id = 'meeting-join';
    $('meeting-detail').append(el('div', { class: 'button-row' }, join));
  }

  $('meeting-loading').hidden = true;
  $('meeting-detail').hidden = false;
}

// ================================================================ management

function transitionButton(to, primary) {
  const action = ACTIONS[to];
  let cls = primary ? 'btn btn-primary' : 'btn btn-secondary';
  if (to === 'cancelled') cls = 'btn btn-danger-outline';
  return el('button', {
    type: 'button', class: cls, text: action.label,
    id: `transition-${to}`, 'data-testid': `transition-${to}`, dataset: { to },
    on: {
      click: (e) => {
        if (to === 'cancelled') openCancelForm();
        else transition(e.currentTarget, to);
      },
    },
  });
}

function renderManagement() {
  const m = state.meeting;
  const st = m ? m.state : '';
  const mayTransition = !!m && (state.canManage || state.isChair);
  $('manage-panel').hidden = !mayTransition;
  const buttons = $('transition-buttons');
  clear(buttons);
  if (mayTransition) {
    const targets = TRANSITIONS[st] || [];
    targets.forEach((to, i) => buttons.append(transitionButton(to, i === 0)));
    buttons.hidden = targets.length === 0;
    $('manage-hint').textContent = STATE_HINTS[st] || '';
    if (!targets.includes('cancelled')) $('cancel-form').hidden = true;
  } else {
    $('cancel-form').hidden = true;
  }
  $('invite-panel').hidden = !(m && state.canManage && INVITABLE.has(st));
}

/** Applies a Meeting answer (or reloads) and refreshes the page. */
async function refresh(meeting) {
  if (meeting && meeting.id !== undefined) {
    state.meeting = meeting;
  } else {
    try {
      state.meeting = await api('GET', meetingPath());
    } catch (_) {
      // Keep what is shown; the status line says what went wrong.
    }
  }
  renderDetails();
  renderManagement();
  renderMotions(state.meeting);
  initMeetingAttendance(state.meeting);
  initMeetingRecordings(state.meeting);
}

async function transition(button, to, reason) {
  const statusBox = $('manage-status');
  setStatus(statusBox, '');
  setStatus($('page-status'), '');
  await busy(button, async () => {
    try {
      const body = reason ? { to, reason } : { to };
      const updated = await api('POST', meetingPath('/transition'), { body });
      $('cancel-form').hidden = true;
      await refresh(updated);
      setStatus(statusBox, ACTIONS[to].done, 'success');
    } catch (e) {
      if (e.status === 403 && e.code === 'forbidden') {
        loseManagement();
        return;
      }
      setStatus(statusBox, e.message, 'error');
      // Someone else may have moved the meeting on: show where it stands.
      if (e.code === 'invalid_state' || e.status === 409) await refresh(null);
    }
  });
}

function openCancelForm() {
  setStatus($('manage-status'), '');
  $('cancel-reason').value = '';
  $('cancel-form').hidden = false;
  $('cancel-reason').focus();
}

$('cancel-dismiss').addEventListener('click', () => {
  $('cancel-form').hidden = true;
  setStatus($('manage-status'), '');
});

$('cancel-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const reason = $('cancel-reason').value.trim();
  if (!reason) {
    setStatus($('manage-status'), '请填写取消原因', 'error');
    $('cancel-reason').focus();
    return;
  }
  transition($('cancel-confirm'), 'cancelled', reason);
});

// ================================================================ invitations

$('invite-create').addEventListener('click', (e) => busy(e.currentTarget, async () => {
  const statusBox = $('invite-status');
  setStatus(statusBox, '');
  try {
    const data = await api('POST', meetingPath('/invitations'));
    const url = absoluteUrl(data && data.url);
    if (!url) throw new Error('服务器未返回邀请链接');
    $('invite-url').value = url;
    $('invite-expiry').textContent = data.expires_at
      ? `有效期至 ${formatDateTime(data.expires_at)}，过期后请重新生成。` : '';
    $('invite-expiry').dataset.expiresAt = data.expires_at || '';
    $('invite-result').hidden = false;
    $('invite-create').textContent = '重新生成邀请链接';
    setStatus(statusBox, '邀请链接已生成，可复制后发送给参会党员。', 'success');
  } catch (err) {
    if (err.status === 403 && err.code === 'forbidden') {
      loseManagement();
      return;
    }
    setStatus(statusBox, err.message, 'error');
  }
}));

$('invite-copy').addEventListener('click', async () => {
  const input = $('invite-url');
  if (!input.value) return;
  const ok = await copyText(input.value, input);
  setStatus($('invite-status'), ok ? '已复制到剪贴板' : '复制失败，请长按链接手动复制',
    ok ? 'success' : 'error');
});

// ================================================================ start

/** The caller's rights and, when readable, the roll for names. Never fails. */
async function resolveContext() {
  const m = state.meeting;
  const admin = hasRole(state.me, 'admin');
  const secretaryOf = roleOrgIds('secretary');
  const mayReadOrg = admin || secretaryOf.length > 0 || hasRole(state.me, 'inspector');

  if (mayReadOrg) {
    try {
      state.org = await api('GET', `/api/orgs/${encodeURIComponent(m.org_id)}`);
    } catch (_) {
      state.org = null; // not ours to read: no names, no management
    }
  }
  const branchId = branchIdOf(m, state.org);
  state.canManage = admin || secretaryOf.includes(String(m.org_id)) || secretaryOf.includes(branchId);
  state.isChair = !!myMemberId() && String(m.chair_member_id || '') === myMemberId();

  if (mayReadOrg) {
    try {
      const data = await api('GET', `/api/orgs/${encodeURIComponent(branchId)}/members`);
      for (const p of [...listOf(data, 'members'), ...listOf(data, 'visiting')]) {
        if (p && p.id !== undefined && p.name) state.names.set(String(p.id), p.name);
      }
    } catch (_) {
      // A plain member or another branch's secretary: names stay hidden.
    }
  }
}

function setBackLink() {
  const back = $('back-link');
  if (state.canManage && (hasRole(state.me, 'secretary') || hasRole(state.me, 'admin'))) {
    back.href = 'secretary.html#meetings';
    back.textContent = '‹ 返回支部工作';
  } else {
    back.href = 'my.html';
    back.textContent = '‹ 返回我的会议';
  }
}

async function init() {
  state.me = await requireSession(); // comes back here after log-in
  renderTopbar(state.me, 'meeting');

  const id = meetingId();
  if (!id) {
    showError('会议不存在');
    return;
  }
  try {
    state.meeting = await api('GET', `/api/meetings/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e.status === 403) showError('无权查看该会议');
    else if (e.status === 404) showError('会议不存在');
    else showError(e.message);
    return;
  }
  if (!state.meeting || typeof state.meeting !== 'object') {
    showError('会议不存在');
    return;
  }
  await resolveContext();
  setBackLink();
  renderDetails();
  renderManagement();
  renderMotions(state.meeting);
  await initLeave(state.meeting, myMemberId(), state.canManage || state.isChair);
  await initMeetingAttendance(state.meeting);
  await initMeetingRecordings(state.meeting);
  await initPastMeeting(state.meeting, state.canManage, refreshAfterPast);
}

/** A meeting just entered afterwards (补录): ended, with its record. */
async function refreshAfterPast() {
  state.meeting = await api('GET', meetingPath());
  renderDetails();
  renderManagement();
  await initMeetingAttendance(state.meeting);
  await initMeetingRecordings(state.meeting);
  await initPastMeeting(state.meeting, state.canManage, refreshAfterPast);
}

init();
