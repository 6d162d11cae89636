// "出勤记录" (attendance.html): a member's own attendance over a period
// (GET /api/members/{id}/attendance, docs/api.md); the secretary of their
// branch opens the same page for a member from the roster (?member=ID).
// Per meeting: status, time present, intervals, leave; totals; the CSV.

import { api, requireSession, hasRole } from './api.js';
import { formatDate, formatTime, meetingTypeLabel } from './format.js';
import { el, clear, setStatus, renderTopbar, meetingUrl } from './ui.js';
import {
  statusBadges, intervalList, presenceLine, leaveLine, formatMinutes, thisYear, periodQuery,
  periodPicker, csvLink,
} from './attendance-view.js';

const $ = (id) => document.getElementById(id);

// The totals line, in the order of the statuses (docs/api.md "Status").
const TOTALS = [
  ['present', '出席'],
  ['partly_present', '部分出席'],
  ['late', '迟到'],
  ['left_early', '早退'],
  ['absent', '缺席'],
  ['on_leave', '请假'],
  ['excluded', '不计入应到'],
];

const state = { me: null, memberId: '', own: true, period: thisYear() };

function requestedMember() {
  const id = new URLSearchParams(location.search).get('member') || '';
  return /^[1-9]\d{0,17}$/.test(id) ? id : '';
}

function historyPath(csv) {
  const q = periodQuery(state.period.from, state.period.to);
  if (csv) q.set('format', 'csv');
  return `/api/members/${encodeURIComponent(state.memberId)}/attendance?${q}`;
}

function totals(meetings) {
  const grid = el('dl', { class: 'ar-counts', 'data-testid': 'history-totals' });
  const cell = (key, label, value) => grid.append(el('div', { class: `ar-count ar-count-${key}`, dataset: { key } },
    el('dt', { text: label }), el('dd', { 'data-testid': `history-total-${key}`, text: String(value) })));
  cell('meetings', '会议', meetings.length);
  for (const [key, label] of TOTALS) cell(key, label, meetings.filter((m) => m.status === key).length);
  const seconds = meetings.reduce((n, m) => n + (Number(m.total_seconds) || 0), 0);
  cell('minutes', '出席时长', formatMinutes(seconds));
  return grid;
}

function meetingItem(m) {
  const when = m.started_at || m.planned_start;
  const card = el('li', {
    class: 'meeting-card ar-history-item', 'data-testid': 'history-item',
    dataset: { meetingId: String(m.meeting_id), status: m.status || '', role: m.role || '' },
  });
  card.append(el('div', { class: 'meeting-head' },
    el('span', { class: `badge type-${m.type || 'other'}`, text: meetingTypeLabel(m) }),
    el('span', { class: 'ar-badges' }, statusBadges(m))));
  card.append(el('h3', { class: 'meeting-title' },
    el('a', { class: 'link', 'data-testid': 'history-meeting-link', href: meetingUrl(m.meeting_id), text: m.title || '（无标题）' })));
  const time = when ? `${formatDate(when)} ${formatTime(when)}` : '';
  card.append(el('p', { class: 'hint', 'data-testid': 'history-when',
    text: m.live ? `${time}（进行中，统计为临时结果）` : time }));
  if (m.recorded_after) {
    card.append(el('p', { class: 'hint ar-recorded-after', 'data-testid': 'history-recorded-after',
      text: '补录：线下召开，出勤由支部登记' }));
  }
  if (m.role === 'visitor') card.append(el('p', { class: 'hint', text: '以流动党员身份参加' }));
  if (m.role === 'guest') card.append(el('p', { class: 'hint', text: '列席' }));
  const presence = presenceLine(m);
  if (presence) card.append(presence);
  if ((m.intervals || []).length) {
    card.append(el('details', { class: 'ar-details' },
      el('summary', { text: `出席时段（${m.intervals.length}）` }), intervalList(m.intervals)));
  }
  const leave = leaveLine(m);
  if (leave) card.append(leave);
  return card;
}

function render(history) {
  const meetings = Array.isArray(history.meetings) ? history.meetings : [];
  if (!state.own && history.name) {
    $('history-title').textContent = `${history.name}的出勤记录`;
    document.title = `${history.name}的出勤记录 · 三会一课`;
  }
  $('history-period').textContent = `${state.period.from} 至 ${state.period.to}，共 ${meetings.length} 次会议`;
  const box = $('history-totals');
  clear(box);
  box.append(totals(meetings));
  const actions = $('history-actions');
  clear(actions);
  actions.append(csvLink(historyPath(true), '导出出勤记录（CSV）', 'history-csv'));

  const list = $('history-list');
  clear(list);
  // Latest first: the meeting a member looks for is usually the last one.
  const sorted = [...meetings].sort((a, b) =>
    Date.parse(b.started_at || b.planned_start || 0) - Date.parse(a.started_at || a.planned_start || 0));
  for (const m of sorted) list.append(meetingItem(m));
  $('history-empty').hidden = meetings.length > 0;
}

async function load() {
  setStatus($('history-status'), '');
  $('history-loading').hidden = false;
  try {
    render(await api('GET', historyPath(false)));
    $('history-panel').hidden = false;
  } catch (e) {
    clear($('history-list'));
    $('history-empty').hidden = true;
    setStatus($('history-status'), e.status === 403 ? '无权查看该党员的出勤记录' : e.message, 'error');
  } finally {
    $('history-loading').hidden = true;
  }
}

async function init() {
  state.me = await requireSession();
  const own = state.me.account && state.me.account.member_id ? String(state.me.account.member_id) : '';
  const asked = requestedMember();
  state.memberId = asked || own;
  state.own = !asked || asked === own;
  renderTopbar(state.me, state.own ? 'attendance' : 'secretary');

  if (!state.own && (hasRole(state.me, 'secretary') || hasRole(state.me, 'admin'))) {
    $('back-link').href = 'secretary.html';
    $('back-link').textContent = '‹ 返回支部工作';
    $('history-title').textContent = '党员出勤记录';
  }
  if (!state.memberId) {
    $('history-loading').hidden = true;
    setStatus($('history-status'), '您的账号未关联党员信息，没有出勤记录。', 'info');
    return;
  }
  $('history-picker').append(periodPicker('history', state.period, (from, to) => {
    if (!from || !to || from > to) {
      setStatus($('history-status'), '请选择正确的开始和结束日期', 'error');
      return;
    }
    state.period = { from, to };
    load();
  }));
  await load();
}

init();
