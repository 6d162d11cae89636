// The chair's live attendance panel (出席情况) of the meeting page, shown
// above the chair console: expected / present / on leave / missing, the
// voting members present against the quorum, who is missing (so the chair
// can call them), guests and visitors apart, and roll call (点名): start one
// with a time limit, watch the answers come in, read the result.
// The server pushes `meeting.attendance` to participants with chair powers
// only (docs/protocol.md, "Attendance and roll call"); this file renders it.

import { el, clear } from './ui.js';
import { formatTime } from './format.js';

const LIMITS = [
  [15, '15 秒'], [30, '30 秒'], [60, '1 分钟'], [120, '2 分钟'], [300, '5 分钟'], [600, '10 分钟'],
];
const DEFAULT_SECONDS = 60;

let last = null;      // the latest panel
let receivedAt = 0;   // performance.now() when it came
let chosen = DEFAULT_SECONDS;
let tick = null;

/** The container inside the chair tab, made on first use. */
function container() {
  let box = document.getElementById('attendance-panel');
  if (!box) {
    box = el('div', { id: 'attendance-panel', class: 'attendance-panel', 'data-testid': 'attendance-panel' });
    const chair = document.getElementById('panel-chair');
    chair.insertBefore(box, chair.firstChild);
  }
  return box;
}

function secondsLeft(rc) {
  if (!rc || !rc.open) return 0;
  const ms = rc.remaining_ms - (performance.now() - receivedAt);
  return Math.max(0, Math.ceil(ms / 1000));
}

function stat(label, value, testid, cls = '') {
  return el('div', { class: `att-stat ${cls}` },
    el('span', { class: 'att-num', 'data-testid': testid, text: String(value) }),
    el('span', { class: 'att-label', text: label }));
}

function nameList(title, people, testid, badge) {
  if (!people || !people.length) return null;
  const list = el('ul', { class: 'att-list', 'data-testid': `${testid}-list` });
  for (const p of people) {
    list.append(el('li', { class: 'att-row', 'data-testid': `${testid}-row`, dataset: { member: String(p.member_id || '') } },
      el('span', { class: 'att-name', text: p.name }),
      badge ? el('span', { class: `att-badge att-badge-${testid}`, text: badge }) : null));
  }
  return el('section', { class: 'att-group' }, el('h4', { text: `${title}（${people.length}）` }), list);
}

function rollcallSection(rc, ctx) {
  const box = el('section', { class: 'att-rollcall', 'data-testid': 'rollcall-chair' });
  box.append(el('h4', { text: '点名' }));
  if (rc && rc.open) {
    box.append(el('p', { class: 'att-rollcall-live', 'data-testid': 'rollcall-live' },
      `点名进行中：已签到 `, el('strong', { 'data-testid': 'rollcall-answered', text: String(rc.answered) }),
      ` / ${rc.asked} 人，剩余 `, el('strong', { 'data-testid': 'rollcall-left', text: String(secondsLeft(rc)) }), ' 秒'));
  } else if (ctx.inProgress) {
    const select = el('select', { class: 'att-select', 'data-testid': 'rollcall-seconds', 'aria-label': '点名时限',
      on: { change: (e) => { chosen = Number(e.currentTarget.value); } } });
    for (const [value, label] of LIMITS) {
      const option = el('option', { value: String(value), text: label });
      if (value === chosen) option.selected = true;
      select.append(option);
    }
    const start = el('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'rollcall-start',
      text: '开始点名',
      on: { click: (e) => {
        const b = e.currentTarget;
        b.disabled = true;
        ctx.request('meeting.rollcall.start', { seconds: chosen })
          .then(() => ctx.notify('已开始点名', 'success'))
          .catch((err) => ctx.notify(err.message || '开始点名失败', 'error'))
          .finally(() => { b.disabled = false; });
      } } });
    box.append(el('div', { class: 'button-row' }, el('label', { class: 'att-limit' }, '时限 ', select), start));
  } else {
    box.append(el('p', { class: 'muted', text: '会议开始后可以点名' }));
  }
  if (rc && !rc.open) {
    box.append(el('p', { class: 'att-rollcall-summary', 'data-testid': 'rollcall-summary',
      text: `上次点名（${formatTime(rc.started_at)}，${rc.seconds} 秒）：应答 ${rc.asked} 人，已签到 ${rc.answered} 人` }));
  }
  return box;
}

/** Each member's answer in the latest roll call (live while it is open). */
function rollcallResult(rc) {
  if (!rc || !rc.entries || !rc.entries.length) return null;
  const list = el('ul', { class: 'att-list', 'data-testid': 'rollcall-result' });
  for (const e of rc.entries) {
    list.append(el('li', { class: `att-row outcome-${e.outcome}`, 'data-testid': 'rollcall-result-row',
      dataset: { outcome: e.outcome, member: String(e.member_id) } },
    el('span', { class: 'att-name', text: e.name }),
    el('span', { class: `att-badge att-outcome-${e.outcome}`,
      text: e.answered_at ? `${e.outcome_label} ${formatTime(e.answered_at)}` : e.outcome_label })));
  }
  return el('section', { class: 'att-group' }, el('h4', { text: rc.open ? '点名情况' : '上次点名结果' }), list);
}

function render(ctx) {
  const p = last;
  const box = container();
  clear(box);
  if (!p) return;
  box.append(el('h3', { text: '出席情况' }));
  box.append(el('div', { class: 'att-stats' },
    stat('应到', p.expected, 'att-expected'),
    stat('实到', p.present, 'att-present', 'att-ok'),
    stat('请假', p.on_leave, 'att-on-leave'),
    stat('未到', p.absent, 'att-absent', p.absent ? 'att-warn' : '')));
  box.append(el('p', {
    class: `att-quorum ${p.takes_votes ? (p.quorum_met ? 'att-quorum-ok' : 'att-quorum-short') : ''}`,
    'data-testid': 'att-quorum', dataset: { met: String(!!p.quorum_met) }, text: p.quorum_label,
  }));
  // Roll call controls first: the chair's next action; then who is missing.
  box.append(rollcallSection(p.rollcall, ctx));
  // Lists with nobody in them are left out (nameList returns null).
  box.append(...[
    nameList('未到', p.missing, 'att-missing', '未到'),
    nameList('请假', p.on_leave_members, 'att-leave', '请假'),
    nameList('流动党员', p.visitors, 'att-visitor', '无表决权'),
    nameList('列席', p.guests, 'att-guest', '列席'),
    nameList('不计入应到', p.excluded, 'att-excluded', null),
    rollcallResult(p.rollcall),
  ].filter(Boolean));
}

/**
 * A `meeting.attendance` payload arrived. @ctx: {request, notify, inProgress}.
 */
export function onAttendance(payload, ctx) {
  last = payload;
  receivedAt = performance.now();
  clearInterval(tick);
  tick = null;
  render(ctx);
  if (payload.rollcall && payload.rollcall.open) {
    tick = setInterval(() => {
      const left = document.querySelector('[data-testid="rollcall-left"]');
      if (left) left.textContent = String(secondsLeft(last.rollcall));
      if (!secondsLeft(last.rollcall)) { clearInterval(tick); tick = null; }
    }, 500);
  }
}

/** The room was left: nothing of it stays on screen. */
export function resetAttendance() {
  last = null;
  clearInterval(tick);
  tick = null;
  const box = document.getElementById('attendance-panel');
  if (box) clear(box);
}
