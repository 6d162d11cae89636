// 补录: a meeting the branch held offline (in a room, without the system),
// entered afterwards by its secretary on the meeting's page
// (POST /api/meetings/{id}/record-past, docs/api.md "Meetings entered
// afterwards"): the real start and end, and each expected member's status
// as the secretary wrote it down. Offered only to those who manage the
// meeting, once its planned start has passed and while it was not held in
// the system. The record then says it was entered afterwards.

import { api, listOf } from './api.js';
import { shanghaiParts, shanghaiDateKey, toShanghaiIso, formatDateTime } from './format.js';
import { el, clear, setStatus, busy } from './ui.js';

const STATUSES = [
  ['present', '出席'], ['late', '迟到'], ['left_early', '早退'], ['absent', '缺席'], ['on_leave', '请假'],
];
const NOT_STARTED = new Set(['scheduled', 'open']);

function dateValue(iso) {
  const p = shanghaiParts(iso);
  return p ? `${p.year}-${p.month}-${p.day}` : '';
}

function timeValue(iso) {
  const p = shanghaiParts(iso);
  return p ? `${p.hour}:${p.minute}` : '';
}

function field(label, input) {
  return el('label', { class: 'field' }, el('span', { class: 'field-label', text: label }), input);
}

function memberRow(entry) {
  const select = el('select', {
    class: 'input', 'data-testid': 'past-status', 'aria-label': `${entry.name}的出勤情况`,
    dataset: { memberId: String(entry.member_id) },
  });
  const onLeave = entry.leave && entry.leave.state === 'approved';
  for (const [value, label] of STATUSES) {
    select.append(el('option', { value, text: label, selected: value === (onLeave ? 'on_leave' : 'present') }));
  }
  return el('li', { class: 'past-row', 'data-testid': 'past-row' },
    el('span', { class: 'past-name', text: entry.name || '' }),
    onLeave ? el('span', { class: 'tag tag-muted', text: '已准假' }) : null,
    select);
}

function build(meeting, entries, onDone) {
  const startDate = el('input', { type: 'date', class: 'input', 'data-testid': 'past-date', required: true,
    value: dateValue(meeting.planned_start) });
  const startTime = el('input', { type: 'time', class: 'input', 'data-testid': 'past-start', required: true,
    value: timeValue(meeting.planned_start) });
  const endTime = el('input', { type: 'time', class: 'input', 'data-testid': 'past-end', required: true,
    value: timeValue(meeting.planned_end) });
  const list = el('ul', { class: 'past-list', 'data-testid': 'past-list' }, entries.map(memberRow));
  const status = el('p', { class: 'status', role: 'status', 'data-testid': 'past-status-line', hidden: true });
  const submit = el('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'past-submit',
    text: '保存补录' });
  const form = el('form', { class: 'past-form', 'data-testid': 'past-form', novalidate: true },
    el('p', { class: 'hint', text: '会议已在线下召开、未使用本系统时，由支部书记补录实际时间和每位应到党员的出勤情况。'
      + '补录的出勤会标明“补录”，不作为在线出席记录；保存后不能修改。' }),
    field('召开日期', startDate), field('实际开始', startTime), field('实际结束（早于开始即为次日）', endTime),
    el('h3', { text: `应到党员（${entries.length}）` }), list,
    el('div', { class: 'button-row' }, submit), status);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(submit, async () => {
      const started = toShanghaiIso(startDate.value, startTime.value);
      let ended = toShanghaiIso(startDate.value, endTime.value);
      // An end before the start is past midnight: the next day.
      if (started && ended && Date.parse(ended) <= Date.parse(started)) {
        ended = toShanghaiIso(shanghaiDateKey(Date.parse(`${startDate.value}T12:00:00+08:00`) + 86400000), endTime.value);
      }
      if (!started || !ended) {
        setStatus(status, '请填写召开日期和实际开始、结束时间', 'error');
        return;
      }
      const attendance = [...list.querySelectorAll('select')].map((s) => ({
        member_id: Number(s.dataset.memberId), status: s.value,
      }));
      try {
        const past = await api('POST', `/api/meetings/${encodeURIComponent(meeting.id)}/record-past`,
          { body: { started_at: started, ended_at: ended, attendance } });
        setStatus(status, `已补录（${formatDateTime(past.entered_at)}）`, 'success');
        await onDone();
      } catch (err) {
        setStatus(status, err.message, 'error');
      }
    });
  });
  return form;
}

function panel() {
  let section = document.getElementById('past-panel');
  if (!section) {
    section = el('section', { id: 'past-panel', class: 'card', 'data-testid': 'past-panel',
      'aria-labelledby': 'past-title', hidden: true },
    el('h2', { id: 'past-title', text: '补录线下会议' }),
    el('div', { id: 'past-body', 'data-testid': 'past-body' }));
    const anchor = document.getElementById('manage-panel');
    anchor.parentNode.insertBefore(section, anchor);
  }
  return section;
}

/**
 * Offers the form for @meeting when @mayManage, its planned start has
 * passed and it was not held in the system; @onDone reloads the page's
 * parts once entered.
 */
export async function initPastMeeting(meeting, mayManage, onDone) {
  const section = panel();
  const body = document.getElementById('past-body');
  const due = meeting && NOT_STARTED.has(meeting.state) && Date.parse(meeting.planned_start) < Date.now();
  section.hidden = true;
  if (!mayManage || !due) return;
  clear(body);
  try {
    const expected = await api('GET', `/api/meetings/${encodeURIComponent(meeting.id)}/attendance/expected`);
    const entries = listOf(expected, 'entries').filter((e) => e.role === 'expected');
    body.append(build(meeting, entries, onDone));
    section.hidden = false;
  } catch (_) {
    // Not ours to enter (403) or gone: nothing to offer.
  }
}
