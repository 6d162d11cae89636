// "出勤统计" on 支部工作 (secretary.html): a branch's attendance over a period
// (GET /api/orgs/{id}/attendance, docs/api.md): per meeting the counts, per
// member the totals with a link to their history, and the CSV.

import { api } from './api.js';
import { formatDate, formatTime } from './format.js';
import { el, clear, setStatus, meetingUrl } from './ui.js';
import { formatMinutes, thisYear, periodQuery, periodPicker, csvLink } from './attendance-view.js';

const $ = (id) => document.getElementById(id);

const MEETING_COUNTS = [
  ['expected', '应到'], ['present', '实到'], ['fully_present', '出席'], ['partly_present', '部分出席'],
  ['late', '迟到'], ['left_early', '早退'], ['absent', '缺席'], ['on_leave', '请假'],
];
const MEMBER_TOTALS = [
  ['expected', '应到'], ['present', '出席'], ['partly_present', '部分出席'], ['late', '迟到'],
  ['left_early', '早退'], ['absent', '缺席'], ['on_leave', '请假'], ['excluded', '不计入'],
];

const state = { orgId: '', period: thisYear() };

function reportPath(csv) {
  const q = periodQuery(state.period.from, state.period.to);
  if (csv) q.set('format', 'csv');
  return `/api/orgs/${encodeURIComponent(state.orgId)}/attendance?${q}`;
}

/** A responsive table: on a phone each row becomes a card of labelled cells. */
function table(testid, headers, rows) {
  const head = el('tr', {}, headers.map((h) => el('th', { scope: 'col', text: h })));
  return el('div', { class: 'table-wrap' },
    el('table', { class: 'table responsive-table ar-table', 'data-testid': testid },
      el('thead', {}, head), el('tbody', {}, rows)));
}

function meetingRow(m) {
  const when = m.started_at || m.planned_start;
  const c = m.counts || {};
  return el('tr', { 'data-testid': 'branch-att-meeting', dataset: { meetingId: String(m.meeting_id) } },
    el('th', { scope: 'row', 'data-label': '会议' },
      el('a', { class: 'link', href: meetingUrl(m.meeting_id), text: m.title || '（无标题）' }),
      m.recorded_after ? el('span', { class: 'tag tag-muted', 'data-testid': 'branch-att-recorded-after', text: '补录' }) : null),
    el('td', { 'data-label': '时间', text: when ? `${formatDate(when)} ${formatTime(when)}${m.live ? '（进行中）' : ''}` : '' }),
    MEETING_COUNTS.map(([key, label]) => el('td', {
      'data-label': label, 'data-testid': `branch-att-meeting-${key}`, text: String(c[key] ?? 0),
    })));
}

function memberRow(m) {
  return el('tr', { 'data-testid': 'branch-att-member', dataset: { memberId: String(m.member_id) } },
    el('th', { scope: 'row', 'data-label': '姓名' },
      el('a', {
        class: 'link', 'data-testid': 'branch-att-member-link',
        href: `attendance.html?member=${encodeURIComponent(m.member_id)}`, text: m.name || '',
      })),
    MEMBER_TOTALS.map(([key, label]) => el('td', {
      'data-label': label, 'data-testid': `branch-att-member-${key}`, text: String(m[key] ?? 0),
    })),
    el('td', { 'data-label': '出席时长', text: formatMinutes(m.total_seconds) }));
}

function render(report) {
  const box = $('branch-att-body');
  clear(box);
  const meetings = Array.isArray(report.meetings) ? report.meetings : [];
  const members = Array.isArray(report.members) ? report.members : [];
  $('branch-att-summary').textContent =
    `${state.period.from} 至 ${state.period.to}：已召开会议 ${meetings.length} 次`;
  if (!meetings.length) {
    box.append(el('p', { class: 'empty', 'data-testid': 'branch-att-empty', text: '所选期间没有已召开的会议。' }));
  } else {
    box.append(el('h3', { text: '各次会议' }),
      table('branch-att-meetings', ['会议', '时间', ...MEETING_COUNTS.map(([, l]) => l)], meetings.map(meetingRow)));
  }
  if (members.length) {
    box.append(el('h3', { text: '党员出勤汇总' }),
      table('branch-att-members', ['姓名', ...MEMBER_TOTALS.map(([, l]) => l), '出席时长'], members.map(memberRow)));
  }
  box.append(el('div', { class: 'button-row' }, csvLink(reportPath(true), '导出出勤统计（CSV）', 'branch-att-csv')));
}

/** Loads the report of the branch @orgId (again: a new branch or period). */
export async function loadBranchAttendance(orgId) {
  if (orgId !== undefined) state.orgId = String(orgId);
  if (!state.orgId) return;
  const status = $('branch-att-status');
  setStatus(status, '');
  try {
    render(await api('GET', reportPath(false)));
  } catch (e) {
    clear($('branch-att-body'));
    setStatus(status, e.message, 'error');
  }
}

/** Sets up the period picker once. */
export function initBranchAttendance() {
  $('branch-att-picker').append(periodPicker('branch-att', state.period, (from, to) => {
    if (!from || !to || from > to) {
      setStatus($('branch-att-status'), '请选择正确的开始和结束日期', 'error');
      return;
    }
    state.period = { from, to };
    loadBranchAttendance();
  }));
}
