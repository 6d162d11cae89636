// The recordings (录像) of a meeting on its page
// (GET /api/meetings/{id}/recordings, docs/api.md "Recordings"): each
// recording's state (录制中, 已完成, or 已中断 with the moment the server
// stopped), its tracks, the composite render's progress (合成中 43%) and the
// finished files with size and length. Shown to the secretary, the chair
// and inspectors; everyone else gets 403 and sees nothing. Refreshed while
// something is still being recorded or rendered.

import { api } from './api.js';
import { el, clear } from './ui.js';
import { formatDateTime, formatRange } from './format.js';

const STARTED = new Set(['in_progress', 'ended', 'archived']);
const REFRESH_MS = 5_000;
const TRACK_KINDS = { microphone: '麦克风', camera: '摄像头', screen: '屏幕共享' };
const FORMATS = { webm: 'WebM（浏览器）', mp4: 'MP4（手机、WPS、播放器）' };

let meetingId = '';
let timer = null;

/** "12.3 MB" */
export function formatSize(bytes) {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = Number(bytes) || 0;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** "1:02:05" or "42:10" from nanoseconds. */
export function formatDuration(ns) {
  const total = Math.round((Number(ns) || 0) / 1e9);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function recordingStateText(rec) {
  if (rec.state === 'recording') return '录制中';
  if (rec.state === 'interrupted') {
    return `录像已中断（服务器于 ${formatDateTime(rec.interrupted_at)} 异常停止）`;
  }
  return '录像已完成';
}

export function renderStateText(render) {
  if (!render) return '';
  switch (render.state) {
    case 'queued': return '等待合成';
    case 'running': return `合成中 ${Math.floor((render.progress || 0) / 10)}%`;
    case 'done': return '合成完成';
    case 'failed': return `合成失败（已尝试 ${render.attempts} 次）`;
    default: return '';
  }
}

function trackSummary(tracks) {
  const counts = new Map();
  for (const t of tracks) counts.set(t.kind, (counts.get(t.kind) || 0) + 1);
  const parts = [...counts].map(([kind, n]) => `${TRACK_KINDS[kind] || kind} ${n}`);
  return `轨道 ${tracks.length} 条${parts.length ? `（${parts.join('、')}）` : ''}`;
}

function fileRow(file) {
  const label = file.kind === 'composite' ? (FORMATS[file.format] || file.format) : `单轨 ${file.format}`;
  return el('p', { class: 'rec-file', 'data-testid': 'rec-file', dataset: { format: file.format || '' } },
    el('span', { class: 'rec-file-name', text: label }),
    el('span', { class: 'rec-file-meta', text: ` ${formatSize(file.size)} · 时长 ${formatDuration(file.duration_ns)}` }));
}

function recordingItem(rec, index, total) {
  const item = el('div', { class: 'rec-item', 'data-testid': 'rec-item', dataset: { state: rec.state } });
  const title = total > 1 ? `第 ${index + 1} 段` : '';
  const when = rec.ended_at
    ? formatRange(rec.started_at, rec.ended_at)
    : `${formatDateTime(rec.started_at)} 起`;
  item.append(
    el('p', { class: 'rec-state', 'data-testid': 'rec-state', text: `${title}${recordingStateText(rec)}` }),
    el('p', { class: 'rec-when', text: when }),
    el('p', { class: 'rec-tracks', text: trackSummary(rec.tracks || []) }));
  const render = renderStateText(rec.render);
  if (render) {
    item.append(el('p', { class: 'rec-render', 'data-testid': 'rec-render', text: render }));
  }
  const files = rec.files || [];
  if (files.length) {
    item.append(el('div', { class: 'rec-files' }, ...files.map(fileRow)));
  }
  return item;
}

function section() {
  let node = document.getElementById('recordings-panel');
  if (node) return node;
  node = el('section', {
    id: 'recordings-panel', class: 'card', 'data-testid': 'recordings-panel', hidden: true,
  },
  el('h2', { text: '录像' }),
  el('div', { id: 'recordings-body', 'data-testid': 'recordings-body' }));
  const after = document.getElementById('attendance-record');
  if (after) after.after(node);
  else document.querySelector('main').append(node);
  return node;
}

function busyWith(recordings) {
  return recordings.some((r) => r.state === 'recording'
    || (r.render && (r.render.state === 'queued' || r.render.state === 'running')));
}

async function load() {
  clearTimeout(timer);
  const node = section();
  let reply;
  try {
    reply = await api('GET', `/api/meetings/${encodeURIComponent(meetingId)}/recordings`);
  } catch {
    node.hidden = true; // not allowed (403), or not there
    return;
  }
  const recordings = reply.recordings || [];
  const body = document.getElementById('recordings-body');
  clear(body);
  node.hidden = false;
  if (!recordings.length) {
    body.append(el('p', { class: 'muted', text: '本次会议没有录像。' }));
    return;
  }
  body.append(el('div', { class: 'rec-list' },
    ...recordings.map((r, i) => recordingItem(r, i, recordings.length))));
  if (busyWith(recordings)) timer = setTimeout(load, REFRESH_MS);
}

export async function initMeetingRecordings(meeting) {
  meetingId = String(meeting.id);
  if (!STARTED.has(meeting.state)) {
    clearTimeout(timer);
    if (document.getElementById('recordings-panel')) section().hidden = true;
    return;
  }
  await load();
}
