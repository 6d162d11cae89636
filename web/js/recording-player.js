// The recording player (recording.html?meeting=ID&recording=ID): the
// meeting's composite in a <video> (WebM for browsers, MP4 as the fallback;
// the server answers HTTP Range, so seeking fetches only what is needed;
// a WebM the browser fails to play falls back to the MP4),
// and under it the meeting's course on a timeline at each event's offset
// from the recording's start: the start and end, joins and leaves, votes
// opened and closed with their result, roll calls and screen shares.
// Clicking a marker seeks there. Data: GET /api/meetings/{id},
// /recordings, /events, /motions and /rollcalls (docs/api.md); those the
// caller may not read leave their markers out. Times in Asia/Shanghai.

import { api, requireSession } from './api.js';
import { formatDateTime, formatRange, formatTime } from './format.js';
import { el, clear, renderTopbar } from './ui.js';
import { fileUrl, formatDuration, formatSize, recordingStateText } from './meeting-recordings.js';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const TYPES = { webm: 'video/webm', mp4: 'video/mp4' };
// Events a viewer looks for on the timeline, and how they read.
const EVENT_LABELS = {
  joined: '加入会议', left: '离开会议', removed: '被移出会议',
  started: '会议开始', ended: '会议结束',
  floor_given: '获得发言', locked: '会议锁定', unlocked: '会议解锁',
};
const LEFT_REASONS = { disconnected: '（连接断开）' };

function params() {
  const q = new URLSearchParams(window.location.search);
  return { meeting: q.get('meeting') || '', recording: q.get('recording') || '' };
}

function showError(text) {
  $('player-loading').hidden = true;
  const node = $('player-error');
  node.textContent = text;
  node.hidden = false;
}

async function optional(path, key) {
  try {
    const reply = await api('GET', path);
    return (reply && reply[key]) || [];
  } catch {
    return []; // not allowed to read this part: its markers are left out
  }
}

/** "12:05" (or "1:02:05") of a number of seconds. */
export function formatOffset(seconds) {
  return formatDuration(Math.max(0, seconds) * 1e9);
}

function voteResult(vote) {
  if (vote.state === 'void') return '无效';
  if (vote.state !== 'closed') return '';
  const b = vote.ballots || {};
  const counts = `赞成 ${b.for ?? 0}，反对 ${b.against ?? 0}，弃权 ${b.abstain ?? 0}`;
  return `${vote.passed ? '通过' : '未通过'}（${counts}）`;
}

/**
 * The markers of a recording: {at (ms since the epoch), kind, text},
 * sorted, only those inside the recording (±2 s).
 */
export function buildMarkers({ recording, durationS, events, votes, rollcalls }) {
  const t0 = Date.parse(recording.started_at);
  const names = new Map();
  for (const t of recording.tracks || []) if (t.member_id) names.set(t.member_id, t.name);
  const who = (e) => names.get(e.member_id) || '参会人员';
  const out = [];
  const add = (at, kind, text) => {
    const ms = Date.parse(at);
    if (Number.isNaN(ms)) return;
    const offset = (ms - t0) / 1000;
    if (offset < -2 || offset > durationS + 2) return;
    out.push({ offset: Math.min(Math.max(offset, 0), durationS), at: ms, kind, text });
  };
  add(recording.started_at, 'edge', '录像开始');
  for (const e of events) {
    const label = EVENT_LABELS[e.kind];
    if (!label) continue;
    const person = ['joined', 'left', 'removed', 'floor_given'].includes(e.kind) ? `${who(e)} ` : '';
    const reason = e.kind === 'left' ? (LEFT_REASONS[e.detail?.reason] || '') : '';
    add(e.at, e.kind === 'started' || e.kind === 'ended' ? 'edge' : 'event', `${person}${label}${reason}`);
  }
  for (const v of votes) {
    add(v.opened_at, 'vote', `开始表决：${v.title}`);
    if (v.closed_at) add(v.closed_at, 'vote', `表决结束：${v.title} ${voteResult(v)}`.trim());
  }
  for (const r of rollcalls) {
    add(r.started_at, 'rollcall', '开始点名');
    if (r.closed_at) add(r.closed_at, 'rollcall', `点名结束（应答 ${r.answered ?? 0}/${r.asked ?? 0}）`);
  }
  for (const t of recording.tracks || []) {
    if (t.kind !== 'screen') continue;
    add(t.started_at, 'screen', `${t.name} 开始共享屏幕`);
    if (t.ended_at) add(t.ended_at, 'screen', `${t.name} 结束共享屏幕`);
  }
  if (recording.ended_at) add(recording.ended_at, 'edge', '录像结束');
  return out.sort((a, b) => a.offset - b.offset);
}

function seek(video, offset) {
  video.currentTime = offset;
  video.play().catch(() => {}); // a browser may refuse to start without a gesture
}

function renderTimeline(video, markers, durationS) {
  const list = $('timeline');
  const bar = $('timeline-bar');
  clear(list);
  clear(bar);
  const track = document.createElementNS(SVG, 'rect');
  track.setAttribute('class', 'track');
  track.setAttribute('x', '0');
  track.setAttribute('y', '17');
  track.setAttribute('width', '1000');
  track.setAttribute('height', '6');
  const played = document.createElementNS(SVG, 'rect');
  played.setAttribute('class', 'played');
  played.setAttribute('y', '17');
  played.setAttribute('height', '6');
  played.setAttribute('width', '0');
  bar.append(track, played);
  const items = markers.map((m, i) => {
    const x = durationS > 0 ? (m.offset / durationS) * 1000 : 0;
    const dot = document.createElementNS(SVG, 'circle');
    dot.setAttribute('class', `mark ${m.kind}`);
    dot.setAttribute('cx', x.toFixed(1));
    dot.setAttribute('cy', '20');
    dot.setAttribute('r', '7');
    dot.dataset.index = String(i);
    dot.addEventListener('click', () => seek(video, m.offset));
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${formatOffset(m.offset)} ${m.text}`;
    dot.append(title);
    bar.append(dot);
    const li = el('li', { 'data-testid': 'timeline-item', dataset: { kind: m.kind, offset: m.offset.toFixed(3) } },
      el('button', { type: 'button', 'data-testid': 'timeline-seek', on: { click: () => seek(video, m.offset) } },
        el('span', { class: 'offset', text: formatOffset(m.offset) }),
        el('span', { class: 'clock', text: formatTime(new Date(m.at)) }),
        el('span', { class: 'what', text: m.text })));
    list.append(li);
    return li;
  });
  video.addEventListener('timeupdate', () => {
    const t = video.currentTime;
    played.setAttribute('width', durationS > 0 ? String(Math.min(1000, (t / durationS) * 1000)) : '0');
    let current = -1;
    markers.forEach((m, i) => { if (m.offset <= t + 0.25) current = i; });
    items.forEach((li, i) => li.classList.toggle('current', i === current));
  });
}

function renderDownloads(composites) {
  const node = $('downloads');
  clear(node);
  for (const f of composites) {
    node.append(el('a', {
      class: 'btn btn-secondary btn-small', 'data-testid': `download-${f.format}`,
      href: fileUrl(f, true), download: '',
      text: `下载 ${(f.format || '').toUpperCase()}（${formatSize(f.size)}）`,
    }));
  }
}

/**
 * Plays the first of @composites the browser can play, and the next one
 * when it fails after loading (a <source> list falls back only when a
 * source cannot be fetched, not when its demuxer gives up), at the same time.
 */
function playFirstThatWorks(video, composites) {
  const playable = composites.filter((f) => video.canPlayType(TYPES[f.format]) !== '');
  let index = 0;
  const state = $('player-state');
  const load = () => {
    const f = playable[index];
    video.dataset.format = f.format;
    video.src = fileUrl(f);
  };
  video.addEventListener('error', () => {
    if (index + 1 >= playable.length) {
      state.textContent = '您的浏览器无法播放此录像，请下载后观看。';
      return;
    }
    const at = video.currentTime || 0;
    const wasPlaying = !video.paused;
    index += 1;
    load();
    video.addEventListener('loadedmetadata', () => {
      if (at > 0) video.currentTime = at;
      if (wasPlaying) video.play().catch(() => {});
    }, { once: true });
  });
  if (playable.length) load();
  else state.textContent = '您的浏览器无法播放此录像，请下载后观看。';
}

async function init() {
  const me = await requireSession();
  renderTopbar(me, 'meeting');
  const { meeting: meetingId, recording: recordingId } = params();
  if (!meetingId) {
    showError('会议不存在');
    return;
  }
  const base = `/api/meetings/${encodeURIComponent(meetingId)}`;
  $('back-link').href = `meeting.html?id=${encodeURIComponent(meetingId)}`;
  let meeting;
  let recordings;
  try {
    meeting = await api('GET', base);
    recordings = (await api('GET', `${base}/recordings`)).recordings || [];
  } catch (e) {
    if (e.status === 403) showError('您没有权限观看本次会议的录像');
    else if (e.status === 404) showError('会议不存在');
    else showError(e.message);
    return;
  }
  const withComposite = recordings.filter((r) => (r.files || []).some((f) => f.kind === 'composite'));
  const recording = withComposite.find((r) => String(r.id) === recordingId) || withComposite[0];
  if (!recording) {
    showError('本次会议还没有可播放的录像');
    return;
  }
  const composites = recording.files.filter((f) => f.kind === 'composite' && TYPES[f.format])
    .sort((a, b) => (a.format === 'webm' ? -1 : b.format === 'webm' ? 1 : 0));
  const video = $('player-video');
  playFirstThatWorks(video, composites);
  const lengthNs = Math.max(...composites.map((f) => Number(f.duration_ns) || 0), 0);
  const durationS = lengthNs > 0
    ? lengthNs / 1e9
    : Math.max(0, (Date.parse(recording.ended_at) - Date.parse(recording.started_at)) / 1000) || 0;

  $('player-title').textContent = meeting.title || '会议录像';
  $('player-when').textContent = recording.ended_at
    ? formatRange(recording.started_at, recording.ended_at)
    : formatDateTime(recording.started_at);
  $('player-state').textContent = `${recordingStateText(recording)} · 时长 ${formatDuration(lengthNs)}`;
  document.title = `${meeting.title || '会议录像'} · 录像 · 三会一课`;

  const [events, motions, rollcalls] = await Promise.all([
    optional(`${base}/events`, 'events'),
    api('GET', `${base}/motions`).catch(() => ({})),
    optional(`${base}/rollcalls`, 'rollcalls'),
  ]);
  const markers = buildMarkers({
    recording, durationS, events, votes: (motions && motions.votes) || [], rollcalls,
  });
  renderTimeline(video, markers, durationS);
  renderDownloads(composites);
  $('player-loading').hidden = true;
  $('player').hidden = false;
}

init();
