// Pieces shared by the attendance pages (the record of a meeting, a
// member's history, a branch's report; docs/api.md "Attendance record"):
// the counts, one person's status with their intervals, and the period
// picker. The statuses and labels are the server's; this only lays them out.

import { TIME_ZONE, shanghaiDateKey, toShanghaiIso } from './format.js';
import { el } from './ui.js';

const secondsFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

/** "14:03:27" in Asia/Shanghai: intervals are kept to the second. */
export function formatClock(value) {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : secondsFmt.format(d).replace(/^24/, '00');
}

/** "12.5 分钟": minutes with one decimal, as in the CSV. */
export function formatMinutes(seconds) {
  const n = Number(seconds) || 0;
  return `${(Math.round(n / 6) / 10).toFixed(1)} 分钟`;
}

export function formatShare(share) {
  const n = Number(share) || 0;
  return `${Math.round(n * 100)}%`;
}

export const DEVICE_LABELS = { phone: '手机', computer: '电脑' };

// The counts of a record in the order of the CSV's line of counts.
export const COUNT_FIELDS = [
  ['expected', '应到'],
  ['present', '实到'],
  ['fully_present', '出席'],
  ['partly_present', '部分出席'],
  ['late', '迟到'],
  ['left_early', '早退'],
  ['absent', '缺席'],
  ['on_leave', '请假'],
  ['excluded', '不计入应到'],
];

/** The grid of counts, plus the voting members present against expected. */
export function countsGrid(counts, testid = 'ar-counts') {
  const c = counts || {};
  const grid = el('dl', { class: 'ar-counts', 'data-testid': testid });
  const cell = (key, label, value) => grid.append(el('div', { class: `ar-count ar-count-${key}`, dataset: { key } },
    el('dt', { text: label }),
    el('dd', { 'data-testid': `${testid}-${key}`, text: String(value ?? 0) })));
  for (const [key, label] of COUNT_FIELDS) cell(key, label, c[key]);
  cell('voting', '有表决权实到', `${c.voting_present ?? 0} / ${c.voting_expected ?? 0}`);
  if (c.guests) cell('guests', '列席', c.guests);
  if (c.visitors) cell('visitors', '流动党员', c.visitors);
  return grid;
}

/** The status badge and the late / left-early flags of a row. */
export function statusBadges(row) {
  const out = [el('span', {
    class: `ar-status ar-status-${row.status || 'unknown'}`, 'data-testid': 'ar-status',
    dataset: { status: row.status || '' }, text: row.status_label || row.status || '',
  })];
  // The flags are given apart: a partly present member may also have come late.
  if (row.late && row.status !== 'late') out.push(el('span', { class: 'ar-flag', text: '迟到' }));
  if (row.left_early && row.status !== 'left_early') out.push(el('span', { class: 'ar-flag', text: '早退' }));
  return out;
}

/** "14:03:27–14:40:02 电脑 · 视频（会议结束）"; an open interval "14:03:27 起 …（在会中）". */
export function intervalText(i) {
  const end = i.ended_at ? formatClock(i.ended_at) : '';
  const span = end ? `${formatClock(i.started_at)}–${end}` : `${formatClock(i.started_at)} 起`;
  const how = `${DEVICE_LABELS[i.device] || i.device || ''} · ${i.video ? '视频' : '仅音频'}`;
  const why = i.ended_at ? (i.end_label || i.end_reason || '') : '在会中';
  return `${span} ${how}${why ? `（${why}）` : ''}`;
}

export function intervalList(intervals) {
  const list = el('ol', { class: 'ar-intervals', 'data-testid': 'ar-intervals' });
  for (const i of intervals || []) {
    list.append(el('li', {
      'data-testid': 'ar-interval', dataset: { device: i.device || '', video: String(!!i.video) },
      text: intervalText(i),
    }));
  }
  return list;
}

/** Total time and share, first arrival and last departure of a row. */
export function presenceLine(row) {
  if (!row.total_seconds && !(row.intervals || []).length) return null;
  let text = `出席时长 ${formatMinutes(row.total_seconds)}（${formatShare(row.share)}）`;
  if (row.first_arrival) text += `，首次进入 ${formatClock(row.first_arrival)}`;
  if (row.last_departure) text += `，最后离开 ${formatClock(row.last_departure)}`;
  return el('p', { class: 'ar-presence', 'data-testid': 'ar-total', dataset: { seconds: String(row.total_seconds || 0) }, text });
}

export function leaveLine(row) {
  if (!row.leave) return null;
  return el('p', { class: 'ar-leave', 'data-testid': 'ar-leave', text: `请假：${row.leave.state_label || row.leave.state}` });
}

// ------------------------------------------------------------- period

/** This year in Asia/Shanghai: {from, to} as "YYYY-MM-DD". */
export function thisYear() {
  const year = shanghaiDateKey(new Date()).slice(0, 4);
  return { from: `${year}-01-01`, to: `${year}-12-31` };
}

/** The query string of a period of dates, whole days in Asia/Shanghai. */
export function periodQuery(from, to) {
  const q = new URLSearchParams();
  const f = toShanghaiIso(from, '00:00:00');
  const t = toShanghaiIso(to, '23:59:59');
  if (f) q.set('from', f);
  if (t) q.set('to', t);
  return q;
}

/**
 * A period picker (two dates and 查询) inside a <form>; @onPick(from, to) is
 * called on submit. @prefix names the ids and test ids.
 */
export function periodPicker(prefix, initial, onPick) {
  const input = (which, label, value) => {
    const id = `${prefix}-${which}`;
    return el('div', { class: 'field ar-date' },
      el('label', { for: id, text: label }),
      el('input', { id, 'data-testid': id, type: 'date', value, required: true }));
  };
  const form = el('form', { class: 'ar-period', 'data-testid': `${prefix}-period`, novalidate: true },
    input('from', '开始日期', initial.from),
    input('to', '结束日期', initial.to),
    el('div', { class: 'ar-period-go' },
      el('button', { type: 'submit', class: 'btn btn-secondary', 'data-testid': `${prefix}-query`, text: '查询' })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const from = form.querySelector(`#${prefix}-from`).value;
    const to = form.querySelector(`#${prefix}-to`).value;
    onPick(from, to);
  });
  return form;
}

/** The CSV download link (a plain link: the browser saves the server's file). */
export function csvLink(href, text, testid) {
  return el('a', {
    class: 'btn btn-secondary btn-small ar-csv', 'data-testid': testid, href, download: '', text,
  });
}
