// The recordings (录像) of a meeting on its page
// (GET /api/meetings/{id}/recordings, docs/api.md "Recordings"): each
// recording's state (录制中, 已完成, or 已中断 with the moment the server
// stopped), its tracks, the composite render's progress (合成中 43%) and the
// finished files with size and length. Shown to the secretary, the chair
// and inspectors; everyone else gets 403 and sees nothing. Refreshed while
// something is still being recorded or rendered. A rendered composite has
// a 播放 link to the player (recording.html, recording-player.js) and each
// file a 下载 link; the secretary and inspectors also see 访问记录, the
// audit log of who listed, played or downloaded the recordings
// (GET /api/meetings/{id}/recordings/access-log).

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

/** The URL a recording file is played or downloaded from. */
export function fileUrl(file, download = false) {
  return `/api/recordings/files/${encodeURIComponent(file.id)}${download ? '?download=1' : ''}`;
}

function fileRow(file) {
  const label = file.kind === 'composite' ? (FORMATS[file.format] || file.format) : `单轨 ${file.format}`;
  return el('p', { class: 'rec-file', 'data-testid': 'rec-file', dataset: { format: file.format || '' } },
    el('span', { class: 'rec-file-name', text: label }),
    el('span', { class: 'rec-file-meta', text: ` ${formatSize(file.size)} · 时长 ${formatDuration(file.duration_ns)} ` }),
    el('a', {
      class: 'link link-touch', 'data-testid': 'rec-download', href: fileUrl(file, true), download: '',
      text: '下载',
    }));
}

function playerLink(rec) {
  const href = `recording.html?meeting=${encodeURIComponent(meetingId)}&recording=${encodeURIComponent(rec.id)}`;
  return el('p', { class: 'button-row' },
    el('a', { class: 'btn btn-primary btn-small', 'data-testid': 'rec-play', href, text: '播放' }));
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
  if (files.some((f) => f.kind === 'composite')) item.append(playerLink(rec));
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
  el('div', { id: 'recordings-body', 'data-testid': 'recordings-body' }),
  el('section', { id: 'rec-access', 'data-testid': 'rec-access', hidden: true },
    el('h3', { text: '访问记录' }),
    el('p', { class: 'hint', text: '查看、播放和下载录像的记录，包括被拒绝的访问。同一人连续播放 10 分钟内只记一次，每次下载都记录。' }),
    el('ul', { id: 'rec-access-list', 'data-testid': 'rec-access-list', class: 'rec-access-list' })));
  const after = document.getElementById('attendance-record');
  if (after) after.after(node);
  else document.querySelector('main').append(node);
  return node;
}

function busyWith(recordings) {
  return recordings.some((r) => r.state === 'recording'
    || (r.render && (r.render.state === 'queued' || r.render.state === 'running')));
}

const ROLES = {
  admin: '管理员', secretary: '书记', chair: '主持人', inspector: '检查员', member: '党员', none: '无关人员',
};
const ACTIONS = { list: '查看录像列表', play: '播放', download: '下载' };

/** "播放 WebM（206 部分内容）" etc.: what an access log entry did. */
export function accessText(entry, formats = new Map()) {
  const what = `${ACTIONS[entry.action] || entry.action}${entry.file_id ? ` ${formats.get(entry.file_id) || `文件 ${entry.file_id}`}` : ''}`;
  switch (entry.status) {
    case 200: case 206: return what;
    case 403: return `${what}（被拒绝，无权限）`;
    case 404: return `${what}（文件不存在）`;
    case 400: return `${what}（文件路径无效）`;
    case 416: return `${what}（请求范围无效）`;
    default: return `${what}（${entry.status}）`;
  }
}

function accessItem(entry, formats) {
  return el('li', { class: 'rec-access-item', 'data-testid': 'rec-access-item', dataset: { action: entry.action, status: String(entry.status) } },
    el('span', { class: 'rec-access-who', text: `${entry.name || '—'}（${ROLES[entry.role] || entry.role}）` }),
    el('span', { class: 'rec-access-when muted', text: ` ${formatDateTime(entry.at)} ` }),
    el('span', { class: 'rec-access-what', text: accessText(entry, formats) }));
}

async function loadAccessLog(recordings) {
  const node = document.getElementById('rec-access');
  const list = document.getElementById('rec-access-list');
  let reply;
  try {
    reply = await api('GET', `/api/meetings/${encodeURIComponent(meetingId)}/recordings/access-log`);
  } catch {
    node.hidden = true; // the chair alone does not read it (403)
    return;
  }
  const formats = new Map();
  for (const r of recordings) {
    for (const f of r.files || []) formats.set(f.id, (f.format || '').toUpperCase());
  }
  const entries = reply.entries || [];
  clear(list);
  if (!entries.length) list.append(el('li', { class: 'muted', text: '暂无访问记录。' }));
  else list.append(...entries.map((e) => accessItem(e, formats)));
  node.hidden = false;
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
  await loadAccessLog(recordings);
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
