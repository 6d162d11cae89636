// The member's roll call prompt (点名签到) on the meeting page: when the
// chair starts a roll call the server sends `meeting.rollcall`; a bar over
// the room shows the prompt, a countdown and one big button to answer (one
// tap on a phone). The server records the answer and its time; only the
// member's own socket can answer (docs/protocol.md, "Attendance and roll call").

import { el, clear } from './ui.js';

let current = null;  // the latest meeting.rollcall payload
let receivedAt = 0;
let tick = null;
let hideTimer = null;

function bar() {
  let box = document.getElementById('rollcall-prompt');
  if (!box) {
    box = el('div', { id: 'rollcall-prompt', class: 'rollcall-prompt', role: 'alertdialog',
      'aria-live': 'assertive', 'data-testid': 'rollcall-prompt', hidden: true });
    (document.getElementById('room') || document.body).append(box);
  }
  return box;
}

function secondsLeft() {
  if (!current || !current.open) return 0;
  return Math.max(0, Math.ceil((current.remaining_ms - (performance.now() - receivedAt)) / 1000));
}

function stop() {
  clearInterval(tick);
  tick = null;
  clearTimeout(hideTimer);
  hideTimer = null;
}

function hideSoon(ms) {
  clearTimeout(hideTimer);
  hideTimer = setTimeout(() => { bar().hidden = true; }, ms);
}

function render(ctx) {
  const box = bar();
  const p = current;
  clear(box);
  box.dataset.state = p.answered ? 'answered' : (p.open ? 'open' : 'closed');
  box.append(el('p', { class: 'rollcall-message', 'data-testid': 'rollcall-message', text: p.message }));
  if (p.open && !p.answered) {
    box.append(el('p', { class: 'rollcall-countdown' }, '剩余 ',
      el('strong', { 'data-testid': 'rollcall-countdown', text: String(secondsLeft()) }), ' 秒'));
    box.append(el('button', { type: 'button', class: 'btn btn-primary rollcall-answer', 'data-testid': 'rollcall-answer',
      text: '签到',
      on: { click: (e) => {
        const b = e.currentTarget;
        b.disabled = true;
        b.textContent = '正在签到…';
        ctx.request('meeting.rollcall.answer', { rollcall_id: p.rollcall_id })
          .catch((err) => {
            ctx.notify(err.message || '签到失败', 'error');
            b.disabled = false;
            b.textContent = '签到';
          });
      } } }));
  }
  box.hidden = false;
}

/** A `meeting.rollcall` payload arrived. @ctx: {request, notify}. */
export function onRollcall(payload, ctx) {
  stop();
  // The close of a roll call already answered: the member saw 您已签到.
  if (!payload.open && payload.answered && current && current.rollcall_id === payload.rollcall_id
      && current.answered) {
    current = payload;
    bar().hidden = true;
    return;
  }
  current = payload;
  receivedAt = performance.now();
  render(ctx);
  if (payload.open && !payload.answered) {
    tick = setInterval(() => {
      const left = document.querySelector('[data-testid="rollcall-countdown"]');
      const s = secondsLeft();
      if (left) left.textContent = String(s);
      if (!s) stop();
    }, 500);
  } else {
    hideSoon(payload.answered ? 3000 : 8000);
  }
}

/** The room was left: the prompt goes away. */
export function resetRollcall() {
  stop();
  current = null;
  const box = document.getElementById('rollcall-prompt');
  if (box) box.hidden = true;
}
