// The chair console (主持控制台) of the meeting page, for participants with
// chair powers: start and end the meeting, mute everyone, lock, lesson mode,
// the hand queue with giving and taking the floor, and per-participant
// actions (mute, camera, floor, remove) shown in the participant list.
// Everything is enforced by the server; the page only sends the requests.

import { el, clear } from './ui.js';
import { formatTime } from './format.js';

/**
 * @ctx: {state, roster: Map, hands: [], floor: [account…], you,
 *        request(type, payload) → Promise, notify(text, kind)}.
 */
function act(ctx, button, type, payload, done) {
  button.disabled = true;
  return ctx.request(type, payload)
    .then(() => { if (done) ctx.notify(done, 'success'); })
    .catch((e) => ctx.notify(e.message || '操作失败，请稍后再试', 'error'))
    .finally(() => { button.disabled = false; });
}

function button(text, testid, onClick, cls = 'btn btn-secondary btn-small') {
  return el('button', { type: 'button', class: cls, text, 'data-testid': testid, on: { click: onClick } });
}

function nameOf(ctx, account) {
  const p = ctx.roster.get(account);
  return p ? p.name : '参会人';
}

/** Fills @container with the console; call again whenever the room changes. */
export function renderChairConsole(container, ctx) {
  clear(container);
  const st = ctx.state || {};

  const meetingRow = el('div', { class: 'button-row' });
  if (st.state === 'open') {
    meetingRow.append(button('开始会议', 'chair-start', (e) =>
      act(ctx, e.currentTarget, 'meeting.start', {}, '会议已开始'), 'btn btn-primary btn-small'));
  }
  if (st.state === 'in_progress') {
    meetingRow.append(button('结束会议', 'chair-end', (e) => {
      if (!window.confirm('确定结束会议吗？结束后所有人将退出会议。')) return;
      act(ctx, e.currentTarget, 'meeting.end', {});
    }, 'btn btn-danger btn-small'));
  }
  meetingRow.append(button(st.all_muted ? '解除全体静音' : '全体静音', 'chair-mute-all', (e) =>
    act(ctx, e.currentTarget, 'meeting.chair.mute_all', { audio: !st.all_muted },
      st.all_muted ? '已解除全体静音' : '已全体静音')));
  meetingRow.append(button(st.locked ? '解除锁定' : '锁定会议', 'chair-lock', (e) =>
    act(ctx, e.currentTarget, 'meeting.chair.lock', { locked: !st.locked },
      st.locked ? '会议已解除锁定' : '会议已锁定，新的参会人不能进入')));
  meetingRow.append(button(st.lesson_mode ? '关闭党课模式' : '开启党课模式', 'chair-lesson', (e) =>
    act(ctx, e.currentTarget, 'meeting.chair.lesson_mode', { enabled: !st.lesson_mode },
      st.lesson_mode ? '已关闭党课模式' : '已开启党课模式：仅主讲人和获准发言的人可以发言')));
  container.append(el('section', { class: 'chair-section' },
    el('h3', { text: '会议控制' }), meetingRow));

  // The hand queue, first raised first.
  const hands = el('ol', { class: 'hand-list', 'data-testid': 'chair-hands' });
  for (const h of ctx.hands || []) {
    hands.append(el('li', { class: 'hand-item', 'data-testid': 'chair-hand', dataset: { account: String(h.participant) } },
      el('span', { class: 'hand-name', text: `${h.name || nameOf(ctx, h.participant)}` }),
      el('span', { class: 'muted', text: h.at ? ` ${formatTime(h.at)} 举手` : '' }),
      button('准许发言', 'chair-give-floor', (e) =>
        act(ctx, e.currentTarget, 'meeting.chair.floor.give', { participant: h.participant },
          `已准许 ${h.name || nameOf(ctx, h.participant)} 发言`), 'btn btn-primary btn-small')));
  }
  container.append(el('section', { class: 'chair-section' },
    el('h3', { text: `举手发言（${(ctx.hands || []).length}）` }),
    (ctx.hands || []).length ? hands : el('p', { class: 'muted', text: '暂无人举手' })));

  // Who holds the floor.
  const floor = el('ul', { class: 'hand-list', 'data-testid': 'chair-floor' });
  for (const account of ctx.floor || []) {
    floor.append(el('li', { class: 'hand-item' },
      el('span', { class: 'hand-name', text: nameOf(ctx, account) }),
      button('收回发言', 'chair-take-floor', (e) =>
        act(ctx, e.currentTarget, 'meeting.chair.floor.take', { participant: account },
          `已收回 ${nameOf(ctx, account)} 的发言`))));
  }
  container.append(el('section', { class: 'chair-section' },
    el('h3', { text: '正在发言' }),
    (ctx.floor || []).length ? floor : el('p', { class: 'muted', text: st.lesson_mode ? '仅主讲人可以发言' : '无' })));
}

/** The chair's buttons for one row of the participant list. */
export function chairParticipantActions(p, ctx) {
  const box = el('div', { class: 'chair-actions' });
  const self = p.participant === ctx.you.participant;
  const hasFloor = (ctx.floor || []).includes(p.participant);
  if (!self) {
    const audioByChair = p.audio && p.audio.by_chair;
    box.append(button(audioByChair ? '解除静音' : '静音', 'chair-mute', (e) =>
      act(ctx, e.currentTarget, 'meeting.chair.mute', { participant: p.participant, audio: !audioByChair })));
    const videoByChair = p.video && p.video.by_chair;
    box.append(button(videoByChair ? '允许视频' : '关闭视频', 'chair-video', (e) =>
      act(ctx, e.currentTarget, 'meeting.chair.mute', { participant: p.participant, video: !videoByChair })));
  }
  box.append(button(hasFloor ? '收回发言' : '给予发言', hasFloor ? 'chair-take-floor' : 'chair-give-floor', (e) =>
    act(ctx, e.currentTarget, hasFloor ? 'meeting.chair.floor.take' : 'meeting.chair.floor.give',
      { participant: p.participant })));
  if (!self) {
    box.append(button('移出', 'chair-remove', (e) => {
      if (!window.confirm(`确定将 ${p.name} 移出本次会议吗？移出后本次会议不能再进入。`)) return;
      act(ctx, e.currentTarget, 'meeting.chair.remove', { participant: p.participant }, `已将 ${p.name} 移出会议`);
    }, 'btn btn-danger-outline btn-small'));
  }
  return box;
}
