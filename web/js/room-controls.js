// The control bar of the meeting page and your own devices: microphone,
// camera, audio only, screen share. Mute states follow the server's roster
// (you, or the chair); the server stops forwarding, the page turns the
// device off too.

import { $, S, status, request } from './room-state.js';

function setControl(id, pressed, label, extraClass) {
  const b = $(id);
  b.setAttribute('aria-pressed', pressed ? 'true' : 'false');
  b.querySelector('.ctl-label').textContent = label;
  b.classList.toggle('ctl-off', !!extraClass);
}

export function renderControls() {
  const a = S.you.audio || {};
  const v = S.you.video || {};
  setControl('ctl-mic', !a.muted, a.muted ? (a.by_chair ? '已被静音' : '开麦') : '静音', a.muted);
  $('ctl-mic').dataset.state = a.muted ? (a.by_chair ? 'chair-muted' : 'muted') : 'on';
  const camOn = !S.audioOnly && !v.muted && !!S.devices.videoTrack;
  setControl('ctl-camera', camOn, camOn ? '关摄像头' : '开摄像头', !camOn);
  $('ctl-camera').dataset.state = camOn ? 'on' : 'off';
  setControl('ctl-screen', !!S.screenTrack, S.screenTrack ? '停止共享' : '共享屏幕');
  setControl('ctl-audio-only', S.audioOnly, S.audioOnly ? '恢复视频' : '仅音频');
  const raised = S.hands.some((h) => h.participant === S.you.participant);
  setControl('ctl-hand', raised, raised ? '放下手' : '举手');
  $('ctl-screen').hidden = !(navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia) && !window.sanhuiRoom.screenSource;
}

/** Follows your mute state from the server (self or chair). */
export function applyYou() {
  const a = S.you.audio || {};
  const v = S.you.video || {};
  const mic = S.devices.audioTrack;
  if (mic) mic.enabled = !a.muted;
  if (v.muted && S.devices.videoTrack) {
    cameraOff();
  } else if (!v.muted && S.cameraWanted && !S.audioOnly && !S.devices.videoTrack && S.media) {
    cameraOn().catch(() => {});
  }
}

function cameraOff() {
  S.devices.stopVideo();
  if (S.media) S.media.setCameraTrack(null).catch(() => {});
  S.view.setLocal(S.you.participant, null);
}

async function cameraOn() {
  const track = await S.devices.openCamera();
  S.view.setLocal(S.you.participant, S.devices.stream);
  if (S.media) await S.media.setCameraTrack(track);
}

export async function toggleMic() {
  const a = S.you.audio || {};
  if (a.muted && a.by_chair) {
    status('主持人已将您静音，请举手申请发言', 'error');
    return;
  }
  try {
    await request('meeting.mute', { audio: !a.muted });
  } catch (e) {
    status(e.message, 'error');
  }
}

export async function toggleCamera() {
  const v = S.you.video || {};
  const on = !S.audioOnly && !v.muted && !!S.devices.videoTrack;
  if (v.by_chair) {
    status('主持人已关闭您的视频', 'error');
    return;
  }
  try {
    if (on) {
      S.cameraWanted = false;
      cameraOff();
      await request('meeting.mute', { video: true });
    } else {
      S.cameraWanted = true;
      if (S.audioOnly) setAudioOnly(false);
      await cameraOn();
      await request('meeting.mute', { video: false });
    }
  } catch (e) {
    status(e.name === 'NotAllowedError' ? '浏览器未允许使用摄像头' : (e.message || '摄像头操作失败'), 'error');
  }
  renderControls();
}

export async function setAudioOnly(on) {
  S.audioOnly = on;
  S.view.setAudioOnly(on);
  // The server stops sending the others' cameras (shared screens still
  // come): that is what saves a weak network's bandwidth.
  request('meeting.receive', { camera: !on }).catch(() => {});
  if (on) {
    cameraOff();
    if (!(S.you.video && S.you.video.muted)) request('meeting.mute', { video: true }).catch(() => {});
    status('已切换为仅音频：不发送也不接收摄像头画面，共享的屏幕仍会显示。', 'info');
  } else {
    status('');
    if (S.cameraWanted && !(S.you.video && S.you.video.by_chair)) {
      try {
        await cameraOn();
        await request('meeting.mute', { video: false });
      } catch (e) {
        status(e.message || '摄像头操作失败', 'error');
      }
    }
  }
  renderControls();
}

export async function toggleScreen() {
  if (S.screenTrack) {
    await stopScreen();
    return;
  }
  let track;
  try {
    if (window.sanhuiRoom.screenSource) {
      track = await window.sanhuiRoom.screenSource();
    } else {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 10, max: 15 } }, audio: false });
      track = stream.getVideoTracks()[0];
    }
  } catch (e) {
    if (e && e.name !== 'NotAllowedError') status(`无法共享屏幕：${e.message || e.name}`, 'error');
    return;
  }
  if (!track) return;
  track.contentHint = 'detail';
  S.screenTrack = track;
  track.addEventListener('ended', () => { if (S.screenTrack === track) stopScreen(); });
  S.view.setLocalScreen(track);
  renderControls();
  try {
    await S.media.startScreen(track);
    status('正在共享屏幕，请勿展示涉密内容。', 'info');
  } catch (e) {
    status(`共享屏幕失败：${e.message || e}`, 'error');
    await stopScreen();
  }
}

export async function stopScreen() {
  const track = S.screenTrack;
  S.screenTrack = null;
  if (track) track.stop();
  S.view.setLocalScreen(null);
  renderControls();
  if (S.media) await S.media.stopScreen().catch(() => {});
  status('');
}
