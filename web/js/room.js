// The meeting page (room.html?id=MEETING_ID): lobby, then the meeting over
// the WebSocket (docs/protocol.md, "Meeting protocol"): join and leave, the
// roster, chat, hands, the chair console, and the media connections.
// Shared state: room-state.js; devices and the control bar: room-controls.js.

import { api, requireSession } from './api.js';
import { renderTopbar, setStatus, meetingUrl } from './ui.js';
import { formatRange, meetingTypeLabel, meetingStateLabel } from './format.js';
import { RoomSocket } from './room-socket.js';
import { RoomMedia } from './room-media.js';
import { renderChairConsole } from './room-chair.js';
import { renderParticipants, appendChat, resetChat } from './room-panels.js';
import { refusalMessage } from './room-lobby.js';
import { QualityMonitor } from './room-stats.js';
import { onAttendance, resetAttendance } from './room-attendance.js';
import { onRollcall, resetRollcall } from './room-rollcall.js';
import { onRecordingNotice } from './room-recording.js';
import { $, S, status, request } from './room-state.js';
import { votesEnter, votesMessage, votesRefresh, votesLeave } from './room-votes.js';
import {
  renderControls, applyYou, toggleMic, toggleCamera, setAudioOnly, toggleScreen,
} from './room-controls.js';

const QUALITY_EVERY_MS = 2000;
const RECONNECT_DELAYS_MS = [1000, 2000, 3000, 5000, 5000, 10000, 10000, 15000];
const OVER = new Set(['ended', 'cancelled', 'archived']);
const FINAL = new Set([...OVER, 'removed']);

// For the browser tests: the two connections and what arrived on them.
window.sanhuiRoom = {
  get publish() { return S.media ? S.media.pcPub : null; },
  get subscribe() { return S.media ? S.media.pcSub : null; },
  get joined() { return S.joined; },
  get you() { return S.you ? S.you.participant : null; },
  get subscribeConnectedAt() { return S.media ? S.media.subConnectedAt : null; },
  remoteTracks: () => (S.media ? S.media.remoteTracks().map(({ track, ...rest }) => ({ ...rest, trackId: track.id })) : []),
  // A test may set this to a function returning a video track to share
  // instead of asking getDisplayMedia (where a headless browser cannot capture).
  screenSource: null,
};


// ================================================================ lobby

function renderLobby() {
  const m = S.meeting;
  $('lobby-loading').hidden = true;
  $('lobby-card').hidden = false;
  $('lobby-title').textContent = (m && m.title) || '会议';
  $('lobby-type').textContent = m ? meetingTypeLabel(m) : '会议';
  $('lobby-type').className = `badge type-${(m && m.type) || 'other'}`;
  $('lobby-state').textContent = m ? meetingStateLabel(m) : '';
  $('lobby-time').textContent = m ? formatRange(m.planned_start, m.planned_end) : '';
  document.title = `${(m && m.title) || '进入会议'} · 三会一课`;
}

/** Opens the devices for the lobby's choice; join() waits for the latest call. */
function openPreview() {
  const run = () => previewDevices();
  S.previewing = (S.previewing || Promise.resolve()).then(run, run);
  return S.previewing;
}

async function previewDevices() {
  const audioOnly = $('lobby-audio-only').checked;
  const problem = await S.devices.open(audioOnly);
  $('lobby-video').srcObject = audioOnly ? null : S.devices.stream;
  $('lobby-preview-caption').textContent = audioOnly ? '仅音频：不使用摄像头'
    : (S.devices.videoTrack ? '摄像头预览' : '摄像头未打开');
  setStatus($('lobby-device-status'), problem, 'error');
}

async function join() {
  const button = $('join-button');
  button.disabled = true;
  setStatus($('join-status'), '正在进入会议…', 'info');
  try {
    await S.previewing;
    if (!S.socket || !S.socket.isOpen) {
      S.socket = new RoomSocket(onMessage, onSocketClosed);
      await S.socket.open();
    }
    const reply = await request('meeting.join', { meeting_id: S.meetingId });
    setStatus($('join-status'), '');
    await enterRoom(reply.payload);
  } catch (e) {
    setStatus($('join-status'), refusalMessage(e), 'error');
    $('join-status').dataset.code = e.code || '';
  } finally {
    button.disabled = false;
  }
}

function backToLobby(text, kind = 'info', code = '') {
  leaveMedia();
  resetAttendance();
  resetRollcall();
  votesLeave();
  S.joined = false;
  $('room').hidden = true;
  $('lobby').hidden = false;
  $('topbar').hidden = false;
  document.body.classList.remove('in-room');
  setStatus($('join-status'), text, kind);
  $('join-status').dataset.code = code;
  if (S.meeting && S.state.state) {
    S.meeting = { ...S.meeting, state: S.state.state, state_label: S.state.state_label };
    renderLobby();
  }
  // No way back in (ended, cancelled, removed): the camera goes off.
  if (FINAL.has(code)) {
    $('join-button').disabled = true;
    S.devices.stopAll();
    $('lobby-video').srcObject = null;
    $('lobby-video').closest('figure').hidden = true;
  } else {
    openPreview();
  }
}

// ================================================================ the room

async function enterRoom(snap) {
  S.joined = true;
  S.reconnectTry = -1;
  S.you = snap.you;
  S.roster = new Map((snap.roster || []).map((p) => [p.participant, p]));
  S.roster.set(snap.you.participant, snap.you);
  S.hands = snap.hands || [];
  S.floor = snap.floor || [];
  S.state = { meeting_id: snap.meeting_id, state: snap.state, state_label: snap.state_label,
    locked: snap.locked, lesson_mode: snap.lesson_mode, all_muted: snap.all_muted,
    recording: snap.recording };
  if (snap.meeting) S.meeting = snap.meeting;
  S.audioOnly = $('lobby-audio-only').checked;
  S.cameraWanted = !S.audioOnly;

  $('lobby').hidden = true;
  $('topbar').hidden = true;
  $('room').hidden = false;
  document.body.classList.add('in-room');
  $('room-title').textContent = (S.meeting && S.meeting.title) || '会议';
  resetChat($('chat-list'), snap.chat_history, S.you);
  S.unread = 0;

  S.view.reset();
  S.view.setAudioOnly(S.audioOnly);
  if (S.audioOnly) request('meeting.receive', { camera: false }).catch(() => {});
  S.view.setLocal(S.you.participant, S.audioOnly ? null : S.devices.stream);
  S.quality.clear();
  renderAll();
  votesEnter();
  if (S.state.lesson_mode && !mayPublishInLesson()) {
    status('党课模式：请先听讲，需要发言请举手。', 'info');
  }

  S.media = new RoomMedia({
    request, send: (type, payload) => S.socket && S.socket.send(type, payload),
    onTrack: (info) => { S.view.addTrack(info); renderPeople(); },
    onTrackGone: (info) => S.view.removeTrack(info),
    onState: onMediaState,
    onError: (text) => status(text, 'error'),
  });
  S.monitor = new QualityMonitor();
  clearInterval(S.qualityTimer);
  S.qualityTimer = setInterval(sampleQuality, QUALITY_EVERY_MS);
  applyYou();
  const mic = S.devices.audioTrack;
  const cam = S.audioOnly || (S.you.video && S.you.video.muted) ? null : S.devices.videoTrack;
  try {
    await S.media.publish(mic, cam, S.devices.stream);
  } catch (e) {
    status(`发送音视频失败：${e.message || e}。您仍可收听和聊天。`, 'error');
  }
  if (!mic) status('未能打开麦克风：您可以收听会议，但其他人听不到您。', 'error');
}

function leaveMedia() {
  clearInterval(S.qualityTimer);
  S.qualityTimer = null;
  if (S.screenTrack) S.screenTrack.stop();
  S.screenTrack = null;
  if (S.media) S.media.close();
  S.media = null;
  S.view.reset();
}

function onMediaState(leg, state) {
  const net = $('room-net');
  if (state === 'failed' || state === 'disconnected') {
    net.hidden = false;
    net.textContent = state === 'failed' ? '音视频连接失败' : '网络不稳定，正在恢复…';
    net.dataset.state = state;
  } else if (state === 'connected') {
    net.hidden = true;
  }
}

async function sampleQuality() {
  if (!S.media || !S.monitor) return;
  let quality;
  try {
    quality = await S.monitor.sample(S.media.pcSub, S.media.remoteTracks());
  } catch (_) {
    return;
  }
  const changed = quality.size !== S.quality.size || [...quality].some(([a, q]) => S.quality.get(a) !== q);
  S.quality = quality;
  if (!S.joined || !changed) return;
  for (const account of S.roster.keys()) {
    if (account !== S.you.participant) S.view.setQuality(account, S.quality.get(account) || null);
  }
  renderPeople();
}

function mayPublishInLesson() {
  return !!S.you && (S.you.lecturer || S.floor.includes(S.you.participant));
}

// ================================================================ rendering

function chairCtx() {
  if (!S.you || !S.you.chair) return null;
  return {
    state: S.state, roster: S.roster, hands: S.hands, floor: S.floor, you: S.you,
    request, notify: status,
  };
}

function renderPeople() {
  if (!S.joined) return;
  renderParticipants($('participant-list'), {
    roster: S.roster, hands: S.hands, floor: S.floor, you: S.you, speaker: S.speaker,
    quality: S.quality, chairCtx: chairCtx(),
  });
  $('people-count').textContent = String(S.roster.size);
}

function renderAll() {
  if (!S.joined) return;
  const st = S.state;
  $('room-state').textContent = st.state_label || meetingStateLabel({ state: st.state });
  $('room-state').className = `state-tag state-${st.state}`;
  $('room-state').dataset.state = st.state || '';
  $('room-lesson').hidden = !st.lesson_mode;
  $('room-recording').hidden = !st.recording;
  $('room-locked').hidden = !st.locked;
  $('room-all-muted').hidden = !st.all_muted;
  S.view.setRoster(S.roster);
  renderPeople();
  const chair = chairCtx();
  $('tab-chair').hidden = !chair;
  $('ctl-chair').hidden = !chair;
  if (chair) renderChairConsole($('chair-console'), chair);
  else if (S.panel === 'chair') showPanel('people');
  renderControls();
  votesRefresh();
}

// ================================================================ panels

function showPanel(name, open = true) {
  S.panel = name;
  for (const n of ['people', 'chat', 'chair']) {
    $(`panel-${n}`).hidden = n !== name;
    $(`tab-${n}`).setAttribute('aria-selected', n === name ? 'true' : 'false');
  }
  S.panelOpen = open;
  $('room').classList.toggle('panel-open', open);
  if (name === 'chat') {
    S.unread = 0;
    $('chat-unread').hidden = true;
    const list = $('chat-list');
    list.scrollTop = list.scrollHeight;
  }
}

function togglePanel(name) {
  if (S.panelOpen && S.panel === name && window.matchMedia('(max-width: 899px)').matches) {
    showPanel(name, false);
  } else {
    showPanel(name, true);
  }
}

// ================================================================ messages

function mergeRoster(op, participants) {
  for (const p of participants || []) {
    if (op === 'leave') {
      S.roster.delete(p.participant);
      S.view.removeParticipant(p.participant);
      S.quality.delete(p.participant);
    } else {
      S.roster.set(p.participant, p);
      if (S.you && p.participant === S.you.participant) {
        S.you = p;
        applyYou();
      }
    }
  }
}

function onMessage(msg) {
  const p = msg.payload || {};
  if (msg.type.startsWith('vote.')) {
    if (S.joined) votesMessage(msg);
    return;
  }
  switch (msg.type) {
    case 'meeting.roster':
      if (!S.joined) return;
      mergeRoster(p.op, p.participants);
      renderAll();
      break;
    case 'meeting.state':
      S.state = { ...S.state, ...p };
      if (OVER.has(p.state)) {
        backToLobby(p.state === 'cancelled' ? '会议已取消' : '会议已结束，感谢参会。', 'info', p.state);
        return;
      }
      renderAll();
      if (p.lesson_mode && !mayPublishInLesson()) status('已开启党课模式：请先听讲，需要发言请举手。', 'info');
      break;
    case 'meeting.hands':
      S.hands = p.hands || [];
      renderAll();
      break;
    case 'meeting.floor':
      S.floor = p.floor || [];
      renderAll();
      if (S.you && S.floor.includes(S.you.participant) && S.state.lesson_mode) status('主持人已准许您发言。', 'success');
      break;
    case 'meeting.muted': {
      const by = p.by || '主持人';
      if (p.audio && p.audio.by_chair) status(`${by} 已将您静音，需要发言请举手。`, 'info');
      else if (p.video && p.video.by_chair) status(`${by} 已关闭您的视频。`, 'info');
      else status(`${by} 已解除对您的静音。`, 'success');
      break;
    }
    case 'meeting.chat':
      if (!S.joined) return;
      appendChat($('chat-list'), p, S.you);
      if (S.panel !== 'chat' || !S.panelOpen) {
        S.unread += 1;
        $('chat-unread').hidden = false;
        $('chat-unread').textContent = String(S.unread);
      }
      break;
    case 'meeting.speaker':
      S.speaker = p.participant || null;
      S.view.setSpeaker(S.speaker);
      // Only the highlight changes: no re-render under the chair's fingers.
      for (const row of $('participant-list').querySelectorAll('[data-testid="participant-row"]')) {
        row.classList.toggle('speaking', Number(row.dataset.account) === S.speaker);
      }
      break;
    case 'meeting.removed':
      backToLobby(p.message || '您已被主持人移出本次会议', 'error', 'removed');
      break;
    case 'meeting.replaced':
      backToLobby(p.message || '您已在其他设备或页面进入本次会议', 'info', 'replaced');
      break;
    case 'meeting.subscribe.offer':
      if (S.media) S.media.onSubscribeOffer(p.sdp);
      break;
    case 'meeting.candidate':
      if (S.media) S.media.onCandidate(p.leg, p.candidate);
      break;
    case 'meeting.media_state':
      break; // the browser's own connection states say the same
    case 'meeting.attendance':
      if (S.joined) onAttendance(p, { request, notify: status, inProgress: S.state.state === 'in_progress' });
      break;
    case 'meeting.rollcall':
      if (S.joined) onRollcall(p, { request, notify: status });
      break;
    case 'meeting.recording':
      onRecordingNotice(p, { notify: status });
      break;
    case 'error':
      if (p.code === 'unauthenticated') location.replace('index.html');
      else status(p.message || '服务器返回错误', 'error');
      break;
    default:
      break;
  }
}

/** The socket dropped (a phone lost its network): join again, with backoff. */
function onSocketClosed() {
  if (!S.joined) return;
  leaveMedia();
  S.reconnectTry += 1;
  if (S.reconnectTry >= RECONNECT_DELAYS_MS.length) {
    S.joined = false;
    backToLobby('与服务器的连接已断开，请检查网络后重新进入会议。', 'error', 'network');
    return;
  }
  status('连接中断，正在重新连接…', 'error');
  setTimeout(async () => {
    try {
      S.socket = new RoomSocket(onMessage, onSocketClosed);
      await S.socket.open();
      const reply = await request('meeting.join', { meeting_id: S.meetingId });
      status('已重新连接', 'success');
      await enterRoom(reply.payload);
    } catch (e) {
      if (e.code && e.code !== 'network' && e.code !== 'timeout') {
        backToLobby(refusalMessage(e), 'error', e.code);
      } else {
        onSocketClosed();
      }
    }
  }, RECONNECT_DELAYS_MS[S.reconnectTry]);
}

async function leave() {
  try {
    await request('meeting.leave', {});
  } catch (_) { /* out either way */ }
  backToLobby('您已离开会议。', 'info', 'left');
}

// ================================================================ start

function wire() {
  $('join-button').addEventListener('click', join);
  $('lobby-audio-only').addEventListener('change', openPreview);
  $('leave-button').addEventListener('click', leave);
  $('ctl-mic').addEventListener('click', toggleMic);
  $('ctl-camera').addEventListener('click', toggleCamera);
  $('ctl-screen').addEventListener('click', toggleScreen);
  $('ctl-audio-only').addEventListener('click', () => setAudioOnly(!S.audioOnly));
  $('ctl-hand').addEventListener('click', () => {
    const raised = S.hands.some((h) => h.participant === S.you.participant);
    request(raised ? 'meeting.hand.lower' : 'meeting.hand.raise', {})
      .then(() => status(raised ? '' : '已举手，请等待主持人准许发言。', 'info'))
      .catch((e) => status(e.message, 'error'));
  });
  for (const n of ['people', 'chat', 'chair']) {
    $(`tab-${n}`).addEventListener('click', () => showPanel(n, true));
    $(`ctl-${n}`).addEventListener('click', () => togglePanel(n));
  }
  $('side-close').addEventListener('click', () => showPanel(S.panel, false));
  $('chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('chat-input');
    const text = input.value.trim();
    if (!text) return;
    $('chat-send').disabled = true;
    request('meeting.chat', { text })
      .then(() => { input.value = ''; })
      .catch((err) => status(err.message, 'error'))
      .finally(() => { $('chat-send').disabled = false; });
  });
  window.addEventListener('pagehide', () => {
    leaveMedia();
    S.devices.stopAll();
    if (S.socket) S.socket.close();
  });
}

async function init() {
  S.me = await requireSession();
  renderTopbar(S.me, 'room');
  wire();
  const id = new URLSearchParams(location.search).get('id') || '';
  if (!/^[1-9]\d{0,17}$/.test(id)) {
    $('lobby-loading').hidden = true;
    setStatus($('join-status'), '会议不存在', 'error');
    return;
  }
  S.meetingId = Number(id);
  $('back-link').href = meetingUrl(id);
  try {
    S.meeting = await api('GET', `/api/meetings/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e.status === 404) {
      $('lobby-loading').hidden = true;
      $('lobby-card').hidden = false;
      $('join-button').disabled = true;
      setStatus($('join-status'), '会议不存在', 'error');
      return;
    }
    // Not ours to read (another branch): the server decides at 进入会议.
    S.meeting = null;
  }
  renderLobby();
  if (S.meeting && OVER.has(S.meeting.state)) {
    $('join-button').disabled = true;
    setStatus($('join-status'), S.meeting.state === 'cancelled'
      ? `会议已取消${S.meeting.cancel_reason ? `：${S.meeting.cancel_reason}` : ''}` : '会议已结束，不能再入会', 'info');
  }
  await openPreview();
}

init();
