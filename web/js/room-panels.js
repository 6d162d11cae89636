// The side panels of the meeting page: the participant list (roles, mute
// state, hands, floor, network quality; the chair's buttons per row) and the
// chat (history from the join snapshot, then live lines).

import { el, clear } from './ui.js';
import { formatTime } from './format.js';
import { chairParticipantActions } from './room-chair.js';

const QUALITY_LABELS = { good: '良好', fair: '一般', poor: '较差' };

/**
 * @ctx: {roster: Map, hands, floor, you, speaker, quality: Map account → level,
 *        lessonMode, chairCtx (null without chair powers)}.
 */
export function renderParticipants(list, ctx) {
  clear(list);
  const handOf = new Map((ctx.hands || []).map((h, i) => [h.participant, i + 1]));
  const people = [...ctx.roster.values()].sort((a, b) => {
    if (a.participant === ctx.you.participant) return -1;
    if (b.participant === ctx.you.participant) return 1;
    if (!!b.chair !== !!a.chair) return b.chair ? 1 : -1;
    return String(a.joined_at || '').localeCompare(String(b.joined_at || ''));
  });
  for (const p of people) {
    const tags = el('span', { class: 'person-tags' });
    const tag = (text, cls = 'tag', testid) => tags.append(el('span', { class: cls, text, 'data-testid': testid }));
    if (p.role_label) tag(p.role_label);
    if (!p.has_vote) tag('无表决权', 'tag tag-muted');
    if (p.audio && p.audio.muted) {
      tag(p.audio.by_chair ? '主持人已静音' : '已静音', 'tag tag-warn', 'person-muted');
    }
    if (p.video && p.video.muted) tag(p.video.by_chair ? '主持人已关闭视频' : '未开视频', 'tag tag-muted');
    if (handOf.has(p.participant)) tag(`举手 #${handOf.get(p.participant)}`, 'tag tag-hand', 'person-hand');
    if ((ctx.floor || []).includes(p.participant)) tag('发言中', 'tag tag-ok', 'person-floor');
    const q = ctx.quality && ctx.quality.get(p.participant);
    if (q && p.participant !== ctx.you.participant) tag(`网络${QUALITY_LABELS[q]}`, `tag quality-${q}`, 'person-quality');

    const self = p.participant === ctx.you.participant;
    const row = el('li', {
      class: `person${ctx.speaker === p.participant ? ' speaking' : ''}`,
      'data-testid': 'participant-row',
      dataset: { account: String(p.participant) },
    }, el('div', { class: 'person-main' },
      el('span', { class: 'person-name', 'data-testid': 'participant-name', text: self ? `${p.name}（我）` : p.name }),
      tags));
    if (ctx.chairCtx) row.append(chairParticipantActions(p, ctx.chairCtx));
    list.append(row);
  }
}

/** Adds one chat line (Chat object); keeps the list scrolled to the end. */
export function appendChat(list, chat, you) {
  const mine = you && chat.from === you.participant;
  const line = el('li', {
    class: `chat-line${mine ? ' chat-mine' : ''}`,
    'data-testid': 'chat-line',
    dataset: { id: String(chat.id || '') },
  },
  el('div', { class: 'chat-meta' },
    el('span', { class: 'chat-name', text: mine ? '我' : (chat.name || '参会人') }),
    el('time', { class: 'chat-time', text: formatTime(chat.at), datetime: chat.at || '' })),
  el('p', { class: 'chat-text', 'data-testid': 'chat-text', text: chat.text || '' }));
  const atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.append(line);
  if (atEnd || mine) list.scrollTop = list.scrollHeight;
}

export function resetChat(list, history, you) {
  clear(list);
  for (const c of history || []) appendChat(list, c, you);
  list.scrollTop = list.scrollHeight;
}
