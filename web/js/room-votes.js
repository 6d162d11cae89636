// Votes on the meeting page (docs/votes.md, docs/protocol.md "Votes"): the
// chair's vote controls (start on an announced motion or ad hoc, open or
// secret, a time limit, the live count of ballots cast, close) and every
// member's ballot prompt (one tap on a phone), the receipt after voting
// ("您的选票已计入") and the result, where the page checks that the
// receipt's hash is among the counted ballots. The server enforces every
// rule; the page only asks. Hooked into room.js: votesEnter on joining,
// votesMessage for every vote.* message, votesLeave on leaving.

import { api } from './api.js';
import { el, clear } from './ui.js';
import { $, S, request } from './room-state.js';
import { renderElectionBallot, renderElectionResult } from './room-election.js';

const CHOICES = [
  ['for', '赞成', 'btn btn-primary'],
  ['against', '反对', 'btn btn-danger'],
  ['abstain', '弃权', 'btn btn-secondary'],
];
const KIND_LABELS = { ordinary: '一般事项', admission: '发展党员', conversion: '预备党员转正', election: '选举' };

// The vote shown: the open one, or the last result until dismissed.
const V = {
  vote: null, candidate: null, endsAt: null, cast: 0, presentVoting: null,
  mayVote: false, voted: false, receipt: null, receiptHash: null,
  result: null, counted: null, voidReason: null, motions: [], error: '', busy: false,
  election: { marks: {} }, // an election ballot's marks until cast
};

function card() {
  let node = $('vote-card');
  if (!node) {
    node = el('section', {
      id: 'vote-card', class: 'card', 'data-testid': 'vote-card', 'aria-live': 'polite',
      style: 'margin:0.5rem;padding:0.75rem;max-width:36rem',
    });
    $('room-status').after(node);
  }
  return node;
}

function isChair() {
  return !!(S.you && S.you.chair);
}

async function sha256Hex(text) {
  if (!window.crypto || !window.crypto.subtle) return null;
  const digest = await window.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function loadMotions() {
  if (!isChair()) return;
  try {
    const reply = await api('GET', `/api/meetings/${encodeURIComponent(S.meetingId)}/motions`);
    const decided = new Set((reply.votes || []).filter((v) => v.state === 'closed').map((v) => v.motion_id));
    V.motions = (reply.motions || []).filter((m) => !m.withdrawn && !m.ad_hoc && !decided.has(m.id));
  } catch (_) {
    V.motions = [];
  }
  render();
}

function send(type, payload) {
  V.busy = true;
  V.error = '';
  render();
  return request(type, payload)
    .catch((e) => { V.error = e.message || '操作失败，请稍后再试'; })
    .finally(() => { V.busy = false; render(); });
}

function heading(vote) {
  const how = vote.secret ? '无记名投票' : '举手表决';
  return el('div', {},
    el('h2', { text: vote.title || '表决', 'data-testid': 'vote-title', style: 'margin:0 0 0.25rem;font-size:1.1rem' }),
    el('p', { class: 'muted', text: `${KIND_LABELS[vote.kind] || ''} · ${how}${V.candidate ? ` · 对象：${V.candidate}` : ''}` }));
}

function renderBallot(node) {
  const vote = V.vote;
  node.append(heading(vote));
  node.append(el('p', { 'data-testid': 'vote-count',
    text: `已投 ${V.cast} 票${V.presentVoting !== null ? ` · 到会有表决权 ${V.presentVoting} 人` : ''}` +
      ` · 应到有表决权 ${vote.expected_voting} 人`,
  }));
  if (V.endsAt) node.append(el('p', { class: 'hint', text: `限时至 ${new Date(V.endsAt).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}` }));
  if (V.voted) {
    node.append(el('p', { class: 'status status-success', 'data-testid': 'vote-counted', text: '您的选票已计入' }));
    if (V.receipt) {
      node.append(el('p', { class: 'hint', text: '回执码（请自行记下，公布结果时可核对本人选票已被计入；回执不含投票内容）：' }),
        el('code', { 'data-testid': 'vote-receipt', text: V.receipt, style: 'word-break:break-all' }));
    }
  } else if (V.mayVote && vote.election) {
    renderElectionBallot(node, vote.election, V.election, V.busy, render, (marks) => cast(null, marks));
  } else if (V.mayVote) {
    node.append(el('p', { text: vote.secret ? '请投票（无记名，任何人都无法得知您的选择）：' : '请表决（举手表决，表决情况将记录在案）：' }));
    const row = el('div', { class: 'button-row', style: 'display:flex;gap:0.5rem' });
    for (const [choice, label, cls] of CHOICES) {
      row.append(el('button', {
        type: 'button', class: cls, text: label, 'data-testid': `vote-${choice}`, disabled: V.busy,
        style: 'flex:1;min-height:3rem;font-size:1.1rem',
        on: { click: () => cast(choice) },
      }));
    }
    node.append(row);
  } else {
    node.append(el('p', { class: 'muted', text: '您在本次会议没有表决权，可旁听表决。' }));
  }
  if (isChair()) {
    node.append(el('div', { class: 'button-row' }, el('button', {
      type: 'button', class: 'btn btn-danger btn-small', text: '结束表决并计票', 'data-testid': 'vote-close',
      disabled: V.busy, on: { click: () => send('vote.close', { vote_id: vote.id }) },
    })));
  }
}

function countsText(counts) {
  return `赞成 ${counts.for} · 反对 ${counts.against} · 弃权 ${counts.abstain}`;
}

function renderResult(node) {
  const { vote, receipts } = V.result;
  node.append(heading(vote));
  if (vote.election) {
    renderElectionResult(node, vote.election, vote.expected_voting);
  } else {
    node.append(el('p', {
      'data-testid': 'vote-outcome', class: `status ${vote.passed ? 'status-success' : 'status-error'}`,
      text: vote.passed ? '表决通过' : '未获通过',
    }));
    node.append(el('p', { 'data-testid': 'vote-counts', text: `到会投票：${countsText(vote.ballots)}` }));
  }
  const o = vote.opinions || {};
  if (o.for || o.against || o.abstain) node.append(el('p', { text: `书面意见：${countsText(o)}` }));
  if (!vote.election) node.append(el('p', { class: 'hint', text: `通过须赞成票（含书面意见）超过应到有表决权党员 ${vote.expected_voting} 人的半数。` }));
  if (V.counted !== null) {
    node.append(el('p', {
      'data-testid': 'vote-receipt-check', class: V.counted ? 'status status-success' : 'status status-error',
      text: V.counted ? '已核对：您的回执在计票名单中' : '未在计票名单中找到您的回执，请向主持人反映',
    }));
  }
  node.append(el('details', {},
    el('summary', { text: `计票名单（${receipts.length} 张选票的回执摘要）` }),
    el('ol', { class: 'plain-list', 'data-testid': 'vote-receipts' },
      receipts.map((h) => el('li', {}, el('code', { text: h, style: 'word-break:break-all;font-size:0.8rem' }))))));
  if (!vote.secret && V.result.voters) {
    const label = Object.fromEntries(CHOICES.map(([c, l]) => [c, l]));
    node.append(el('details', {}, el('summary', { text: '表决情况（举手表决）' }),
      el('ul', { class: 'plain-list' }, V.result.voters.map((x) => el('li', { text: `${x.name}：${label[x.choice] || ''}` })))));
  }
  node.append(el('button', {
    type: 'button', class: 'btn btn-ghost btn-small', text: '关闭', 'data-testid': 'vote-dismiss',
    on: { click: () => { V.result = null; V.counted = null; render(); } },
  }));
}

function renderChairStart(node) {
  node.append(el('h2', { text: '发起表决', style: 'margin:0 0 0.5rem;font-size:1.05rem' }));
  const select = el('select', { 'data-testid': 'vote-motion', 'aria-label': '表决事项' },
    el('option', { value: '', text: '临时表决事项（在下方填写）' }),
    V.motions.map((m) => el('option', { value: String(m.id), text: `${KIND_LABELS[m.kind] || ''}：${m.title}${m.candidate ? `（${m.candidate}）` : ''}${m.election ? `（${m.election.candidates.length} 名候选人选 ${m.election.seats} 人）` : ''}` })));
  const title = el('input', { type: 'text', maxlength: '200', placeholder: '临时表决事项', 'data-testid': 'vote-adhoc-title', 'aria-label': '临时表决事项' });
  const secret = el('input', { type: 'checkbox', 'data-testid': 'vote-adhoc-secret' });
  const minutes = el('input', { type: 'number', min: '0', max: '60', value: '0', style: 'width:4rem', 'data-testid': 'vote-minutes', 'aria-label': '限时（分钟）' });
  node.append(el('div', { class: 'field' }, select),
    el('div', { class: 'field' }, title),
    el('label', { class: 'check' }, secret, ' 无记名投票'),
    el('label', { class: 'check' }, ' 限时（分钟，0 为不限）', minutes),
    el('div', { class: 'button-row' }, el('button', {
      type: 'button', class: 'btn btn-primary', text: '发起表决', 'data-testid': 'vote-start', disabled: V.busy,
      on: {
        click: () => {
          const payload = {};
          if (select.value) payload.motion_id = Number(select.value);
          else payload.title = title.value.trim();
          if (!select.value) payload.secret = secret.checked;
          const m = Math.round(Number(minutes.value) || 0);
          if (m > 0) payload.seconds = Math.min(m, 60) * 60;
          send('vote.start', payload);
        },
      },
    })),
    el('p', { class: 'hint', text: '须到会有表决权的党员超过应到人数的半数（选举按规定比例）才能表决；同一时间只能进行一项表决。' }));
}

function render() {
  const node = card();
  clear(node);
  if (V.error) node.append(el('p', { class: 'status status-error', 'data-testid': 'vote-error', role: 'alert', text: V.error }));
  if (V.voidReason) node.append(el('p', { class: 'status status-error', 'data-testid': 'vote-void', text: V.voidReason }));
  if (V.vote) renderBallot(node);
  else if (V.result) renderResult(node);
  if (!V.vote && isChair() && S.state.state === 'in_progress') renderChairStart(node);
  node.hidden = !node.firstChild;
}

function cast(choice, marks) {
  if (!V.vote || V.voted) return;
  V.busy = true;
  V.error = '';
  render();
  request('vote.cast', marks ? { vote_id: V.vote.id, marks } : { vote_id: V.vote.id, choice })
    .then((reply) => {
      V.voted = true;
      V.receipt = reply.payload.receipt;
      V.receiptHash = reply.payload.receipt_hash;
      V.election.marks = {};
      if (reply.payload.valid === false) V.error = reply.payload.message;
    })
    .catch((e) => {
      if (e.code === 'already_voted') V.voted = true;
      V.error = e.message || '投票失败，请重试';
    })
    .finally(() => { V.busy = false; render(); });
}

function openVote(p) {
  V.vote = p.vote;
  V.candidate = p.candidate || null;
  V.endsAt = p.ends_at || null;
  V.cast = p.cast || 0;
  V.mayVote = !!p.may_vote;
  V.voted = !!p.voted;
  V.result = null;
  V.counted = null;
  V.voidReason = null;
  V.election.marks = {};
}

async function showResult(p) {
  const mine = V.receipt;
  V.vote = null;
  V.result = p;
  V.counted = null;
  if (mine) {
    const hash = (await sha256Hex(mine)) || V.receiptHash;
    V.counted = (p.receipts || []).includes(hash);
  }
  V.receipt = null;
  V.receiptHash = null;
  render();
  loadMotions();
}

/** Handles one vote.* message of the room's socket. */
export function votesMessage(msg) {
  const p = msg.payload || {};
  switch (msg.type) {
    case 'vote.opened':
      openVote(p);
      V.receipt = null;
      V.error = '';
      break;
    case 'vote.progress':
      if (V.vote && V.vote.id === p.vote_id) {
        V.cast = p.cast;
        V.presentVoting = p.present_voting;
      }
      break;
    case 'vote.result':
      showResult(p);
      return;
    case 'vote.void':
      V.vote = null;
      V.receipt = null;
      V.election.marks = {};
      V.voidReason = p.reason || '表决无效';
      loadMotions();
      break;
    default:
      return;
  }
  render();
}

/** Why vote @voteId is void, or null when it is not (or cannot be told). */
async function voidReasonOf(voteId) {
  try {
    const reply = await api('GET', `/api/meetings/${encodeURIComponent(S.meetingId)}/motions`);
    const vote = (reply.votes || []).find((v) => v.id === voteId);
    return vote && vote.state === 'void' ? (vote.void_reason || '表决无效') : null;
  } catch (_) {
    return null;
  }
}

/** Joined (again): asks for the open vote and, for the chair, the motions. */
export function votesEnter() {
  // Open when the connection dropped: a restarted server has voided it
  // meanwhile without anyone to tell (docs/votes.md).
  const was = V.vote;
  request('vote.status', {})
    .then(async (reply) => {
      const p = reply.payload || {};
      if (p.vote) openVote(p);
      else {
        V.vote = null;
        if (was && was.id !== undefined) {
          const reason = await voidReasonOf(was.id);
          if (reason && !V.vote) {
            V.receipt = null;
            V.voidReason = reason;
          }
        }
      }
      render();
    })
    .catch(() => {});
  loadMotions();
}

let lastRoomKey = '';

/** Re-renders when what the card depends on in the room changed (the
 * meeting started, chair powers), not on every roster change: the chair may
 * be typing an ad hoc motion. */
export function votesRefresh() {
  const key = `${S.state.state}|${isChair()}`;
  if (key === lastRoomKey) return;
  lastRoomKey = key;
  render();
}

/** Out of the meeting: nothing of the vote stays on the screen. */
export function votesLeave() {
  Object.assign(V, { vote: null, result: null, receipt: null, receiptHash: null, voidReason: null, error: '', election: { marks: {} } });
  lastRoomKey = '';
  const node = $('vote-card');
  if (node) node.remove();
}
