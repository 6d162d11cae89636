// The attendance record (出勤情况) of a meeting on its page
// (GET /api/meetings/{id}/attendance and /rollcalls, docs/api.md): counts,
// each person's status, time present, intervals, leave and roll-call
// answers. Provisional while the meeting runs (refreshed now and then),
// final once it ends. A plain member of the branch gets the counts and
// their own row only; the secretary, the chair and those above see everyone
// and may download the CSV.

import { api, listOf } from './api.js';
import { el, clear, setStatus, busy } from './ui.js';
import { formatDateTime } from './format.js';
import {
  countsGrid, statusBadges, intervalList, presenceLine, leaveLine, formatClock, csvLink,
} from './attendance-view.js';

const $ = (id) => document.getElementById(id);

// Meetings that have a record: they started.
const STARTED = new Set(['in_progress', 'ended', 'archived']);
const REFRESH_MS = 15_000;

let meetingId = '';
let timer = null;

function path(suffix = '') {
  return `/api/meetings/${encodeURIComponent(meetingId)}/${suffix}`;
}

/** member id → [{index, entry}] of every roll call, oldest first. */
function rollcallAnswers(rollcalls) {
  const byMember = new Map();
  rollcalls.forEach((rc, index) => {
    for (const entry of rc.entries || []) {
      const key = String(entry.member_id);
      if (!byMember.has(key)) byMember.set(key, []);
      byMember.get(key).push({ index, entry });
    }
  });
  return byMember;
}

function rollcallLine(answers, total) {
  if (!answers || !answers.length) return null;
  const parts = answers.map(({ index, entry }) => {
    const when = entry.answered_at ? ` ${formatClock(entry.answered_at)}` : '';
    const which = total > 1 ? `第 ${index + 1} 次` : '';
    return `${which}${entry.outcome_label || entry.outcome}${when}`;
  });
  return el('p', { class: 'ar-rollcall', 'data-testid': 'ar-rollcall', text: `点名：${parts.join('；')}` });
}

function personRow(row, answers, total) {
  const item = el('li', {
    class: `ar-row ar-row-${row.status || ''}`, 'data-testid': 'ar-row',
    dataset: { memberId: String(row.member_id ?? ''), role: row.role || '', status: row.status || '' },
  });
  const head = el('div', { class: 'ar-row-head' },
    el('span', { class: 'ar-name', 'data-testid': 'ar-name', text: row.name || '' }),
    row.role === 'expected' && !row.has_vote ? el('span', { class: 'tag tag-muted', text: '无表决权' }) : null,
    el('span', { class: 'ar-badges' }, statusBadges(row)));
  item.append(head);
  const presence = presenceLine(row);
  if (presence) item.append(presence);
  if ((row.intervals || []).length) item.append(intervalList(row.intervals));
  const leave = leaveLine(row);
  if (leave) item.append(leave);
  const rc = rollcallLine(answers, total);
  if (rc) item.append(rc);
  return item;
}

function group(title, rows, testid, answers, total) {
  if (!rows || !rows.length) return null;
  const list = el('ul', { class: 'ar-list', 'data-testid': `${testid}-list` });
  for (const row of rows) list.append(personRow(row, answers.get(String(row.member_id)), total));
  return el('section', { class: 'ar-group', 'data-testid': testid },
    el('h3', { text: `${title}（${rows.length}）` }), list);
}

function render(record, rollcalls) {
  const box = $('attendance-record-body');
  clear(box);
  const live = !!record.live;
  box.append(el('p', {
    class: `ar-note ${live ? 'ar-live' : 'ar-final'}`, 'data-testid': 'ar-state', dataset: { live: String(live) },
    text: live ? '会议进行中，以下为临时统计，会议结束后为最终结果。'
      : '会议已结束，以下为最终出勤情况。',
  }));
  if (record.recorded_after) {
    box.append(el('p', {
      class: 'ar-note ar-recorded-after', 'data-testid': 'ar-recorded-after',
      text: `本次会议为线下召开，出勤情况由支部于 ${formatDateTime(record.entered_at)} 补录，不是在线出席记录。`,
    }));
  }
  box.append(countsGrid(record.counts));

  const answers = rollcallAnswers(rollcalls);
  const total = rollcalls.length;
  if (total) {
    const said = rollcalls.map((rc, i) =>
      `第 ${i + 1} 次点名（${formatClock(rc.started_at)}）：已签到 ${rc.answered} / ${rc.asked} 人`);
    box.append(el('p', { class: 'hint', 'data-testid': 'ar-rollcall-summary', text: said.join('；') }));
  }
  if (record.own_only) {
    // Their own row, wherever it stands (a visiting member's is among the visitors).
    const own = [...(record.members || []), ...(record.visitors || []), ...(record.guests || [])];
    box.append(group('本人出勤', own, 'ar-own', answers, total) ||
      el('p', { class: 'muted', 'data-testid': 'ar-own-none', text: '您不在本次会议的应到名单中。' }));
    return;
  }
  const members = record.members || [];
  box.append(...[
    group('应到党员', members.filter((r) => r.role !== 'excluded'), 'ar-members', answers, total),
    group('不计入应到', members.filter((r) => r.role === 'excluded'), 'ar-excluded', answers, total),
    group('流动党员', record.visitors, 'ar-visitors', answers, total),
    group('列席人员', record.guests, 'ar-guests', answers, total),
  ].filter(Boolean));
  box.append(el('div', { class: 'button-row' },
    csvLink(`${path('attendance')}?format=csv`, '导出出勤表（CSV）', 'ar-csv')));
}

async function load() {
  const status = $('attendance-record-status');
  try {
    const record = await api('GET', path('attendance'));
    let rollcalls = [];
    try {
      rollcalls = listOf(await api('GET', path('rollcalls')), 'rollcalls');
    } catch (_) {
      // No roll calls to show; the record stands alone.
    }
    setStatus(status, '');
    render(record, rollcalls);
    $('attendance-record-refresh').hidden = !record.live;
    $('attendance-record').hidden = false;
    clearTimeout(timer);
    timer = record.live ? setTimeout(load, REFRESH_MS) : null;
  } catch (e) {
    clearTimeout(timer);
    timer = null;
    if (e.status === 403 || e.status === 404) {
      $('attendance-record').hidden = true; // not ours to see
      return;
    }
    $('attendance-record').hidden = false;
    setStatus(status, e.message, 'error');
  }
}

/** Shows the record of @meeting once it has started; nothing before. */
export async function initMeetingAttendance(meeting) {
  meetingId = String(meeting.id);
  if (!STARTED.has(meeting.state)) {
    $('attendance-record').hidden = true;
    return;
  }
  const refresh = $('attendance-record-refresh');
  if (!refresh.dataset.bound) {
    refresh.dataset.bound = '1';
    refresh.addEventListener('click', (e) => busy(e.currentTarget, load));
  }
  await load();
}
