// The device check (设备检测): the browser's camera and microphone go to the
// server and come back through it (docs/protocol.md, "Echo service"). With
// ?recvonly=1 the page never asks for the camera and the server sends a test
// picture and tone instead.
import { requireSession } from './api.js';
import { renderTopbar, setStatus } from './ui.js';

const STATE_LABELS = {
  new: '未连接', connecting: '正在连接…', connected: '已连接', disconnected: '连接中断，正在恢复…',
  failed: '连接失败', closed: '已断开',
};

const recvOnly = new URLSearchParams(location.search).get('recvonly') === '1';
const $ = (id) => document.getElementById(id);

let socket = null;
let pc = null;
// Server candidates that arrive before the answer is applied wait here.
let earlyCandidates = [];
let localStream = null;
let nextId = 1;
let statsTimer = null;
const pending = new Map();

// Exposed for the interop tests, which read getStats() of the connection.
window.sanhuiEcho = { get pc() { return pc; } };

function formatBitrate(bps) {
  if (!Number.isFinite(bps)) return '—';
  return bps >= 1e6 ? `${(bps / 1e6).toFixed(2)} Mbit/s` : `${Math.round(bps / 1e3)} kbit/s`;
}

function send(type, payload = {}) {
  const id = `e${nextId++}`;
  socket.send(JSON.stringify({ type, id, payload }));
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}

function openSocket() {
  return new Promise((resolve, reject) => {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    const ws = new WebSocket(url);
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error('无法连接服务器'));
    ws.onclose = () => {
      if (socket === ws) {
        socket = null;
        for (const { reject: r } of pending.values()) r(new Error('与服务器的连接已断开'));
        pending.clear();
      }
    };
    ws.onmessage = (event) => onMessage(JSON.parse(event.data));
  });
}

function onMessage(msg) {
  const waiter = msg.id !== undefined ? pending.get(msg.id) : undefined;
  if (waiter) {
    pending.delete(msg.id);
    if (msg.type === 'error') waiter.reject(new Error(msg.payload.message || msg.payload.code));
    else waiter.resolve(msg);
    return;
  }
  switch (msg.type) {
    case 'echo.candidate': {
      const candidate = msg.payload.candidate
        ? { candidate: msg.payload.candidate, sdpMid: msg.payload.sdpMid, sdpMLineIndex: 0 }
        : null;
      if (pc && pc.remoteDescription) pc.addIceCandidate(candidate).catch(() => {});
      else earlyCandidates.push(candidate);
      break;
    }
    case 'echo.state':
      $('echo-state').textContent = STATE_LABELS[msg.payload.state] || msg.payload.state;
      if (msg.payload.srtp_profile && msg.payload.srtp_profile !== 'none') {
        $('echo-srtp').textContent = msg.payload.srtp_profile;
      }
      if (msg.payload.state === 'failed') {
        setStatus($('echo-status'), '连接失败：请检查网络，或稍后重试。', 'error');
      }
      break;
    case 'echo.stats':
      $('echo-up').textContent = formatBitrate(msg.payload.rx_bitrate);
      $('echo-down').textContent = formatBitrate(msg.payload.tx_bitrate);
      break;
    case 'error':
      setStatus($('echo-status'), msg.payload.message || '服务器返回错误', 'error');
      break;
    default:
      break;
  }
}

async function readStats() {
  if (!pc) return;
  const report = await pc.getStats();
  let frames = 0;
  let audioPackets = 0;
  report.forEach((s) => {
    if (s.type !== 'inbound-rtp') return;
    if (s.kind === 'video') frames += s.framesDecoded || 0;
    if (s.kind === 'audio') audioPackets += s.packetsReceived || 0;
  });
  $('echo-frames').textContent = String(frames);
  $('echo-audio').textContent = String(audioPackets);
}

async function start() {
  $('echo-start').disabled = true;
  setStatus($('echo-status'), '正在准备…');
  try {
    const audioOnly = $('echo-audio-only').checked;
    pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    pc.addEventListener('connectionstatechange', () => {
      if (pc && pc.connectionState === 'connected') {
        setStatus($('echo-status'), recvOnly
          ? '检测中：看到移动的测试画面、听到提示音，说明屏幕、扬声器和网络正常。'
          : '检测中：看到并听到自己，说明设备和网络正常。', 'ok');
      }
    });
    if (recvOnly) {
      pc.addTransceiver('audio', { direction: 'recvonly' });
      if (!audioOnly) pc.addTransceiver('video', { direction: 'recvonly' });
    } else {
      localStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: !audioOnly });
      $('echo-local').srcObject = localStream;
      for (const track of localStream.getTracks()) pc.addTransceiver(track, { direction: 'sendrecv', streams: [localStream] });
    }
    const remote = new MediaStream();
    $('echo-remote').srcObject = remote;
    pc.addEventListener('track', (e) => remote.addTrack(e.track));
    pc.addEventListener('icecandidate', (e) => {
      if (!socket) return;
      const candidate = e.candidate && e.candidate.candidate ? e.candidate.candidate : null;
      socket.send(JSON.stringify({ type: 'echo.candidate', payload: { candidate, sdpMid: e.candidate ? e.candidate.sdpMid : null } }));
    });
    socket = await openSocket();
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const reply = await send('echo.start', { sdp: pc.localDescription.sdp });
    await pc.setRemoteDescription({ type: 'answer', sdp: reply.payload.sdp });
    for (const c of earlyCandidates) pc.addIceCandidate(c).catch(() => {});
    earlyCandidates = [];
    $('echo-stop').disabled = false;
    setStatus($('echo-status'), '正在连接服务器…');
    statsTimer = setInterval(readStats, 500);
  } catch (e) {
    const denied = e && (e.name === 'NotAllowedError' || e.name === 'NotFoundError');
    setStatus($('echo-status'), denied
      ? '无法使用摄像头或麦克风：请在浏览器中允许访问，或选择“仅接收测试画面”。'
      : `检测未能开始：${e.message || e}`, 'error');
    stop();
  }
}

function stop() {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({ type: 'echo.stop', id: 'stop' }));
    socket.close();
  }
  socket = null;
  clearInterval(statsTimer);
  statsTimer = null;
  if (pc) pc.close();
  pc = null;
  if (localStream) localStream.getTracks().forEach((t) => t.stop());
  localStream = null;
  $('echo-state').textContent = STATE_LABELS.closed;
  $('echo-start').disabled = false;
  $('echo-stop').disabled = true;
}

async function main() {
  const me = await requireSession();
  renderTopbar(me, 'echo');
  if (recvOnly) {
    $('echo-intro').hidden = true;
    $('echo-recvonly-intro').hidden = false;
    $('echo-local').closest('figure').hidden = true;
    $('echo-mode-link').href = 'echo.html';
    $('echo-mode-link').textContent = '使用摄像头和麦克风检测';
  }
  $('echo-start').addEventListener('click', start);
  $('echo-stop').addEventListener('click', stop);
  window.addEventListener('pagehide', stop);
}

main();
