// The lobby (候会) of the meeting page: the camera and microphone preview, the
// audio-only choice, and the Chinese messages for refused joins.

import { formatDateTime } from './format.js';

// Messages when the server gives none (it normally does, in Chinese).
const REFUSALS = {
  not_invited: '您不在本次会议的参会名单中，无法入会',
  not_open: '会议尚未开放入会',
  locked: '会议已锁定，暂不允许新的参会人进入',
  cancelled: '会议已取消',
  removed: '您已被主持人移出本次会议，不能再入会',
  not_found: '会议不存在',
  token_invalid: '邀请链接无效',
  token_expired: '邀请链接已过期',
  network: '无法连接服务器，请检查网络后重试',
  unauthenticated: '登录已失效，请重新登录',
};

/** A Chinese sentence for a refused `meeting.join` (RoomError). */
export function refusalMessage(error) {
  const code = error && error.code;
  const server = error && error.message && /[\u4e00-\u9fff]/.test(error.message) ? error.message : '';
  if (code === 'not_open' && error.payload && error.payload.opens_at && !server) {
    return `会议尚未开放入会，将于 ${formatDateTime(error.payload.opens_at)}（北京时间）开放`;
  }
  return server || REFUSALS[code] || `无法进入会议（${code || '未知错误'}）`;
}

/** Why getUserMedia failed, in Chinese. */
export function deviceMessage(error, audioOnly) {
  const name = error && error.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return '浏览器未允许使用摄像头或麦克风：请在地址栏的权限设置中允许，或选择“仅音频入会”。';
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return audioOnly ? '未找到麦克风，可以只听不说。' : '未找到摄像头，可选择“仅音频入会”。';
  }
  if (name === 'NotReadableError') return '摄像头或麦克风正被其他程序使用，请关闭后重试。';
  return `无法打开摄像头或麦克风：${(error && error.message) || name || '未知错误'}`;
}

/**
 * The local devices: microphone and (unless audio only) camera. Keeps the
 * stream across lobby → meeting so the devices are asked for only once.
 */
export class LocalDevices {
  constructor() {
    this.stream = new MediaStream();
    this.error = null;
  }

  get audioTrack() {
    return this.stream.getAudioTracks()[0] || null;
  }

  get videoTrack() {
    return this.stream.getVideoTracks()[0] || null;
  }

  /** Opens what is missing for the mode; resolves with a Chinese problem or ''. */
  async open(audioOnly) {
    this.error = null;
    const wantVideo = !audioOnly && !this.videoTrack;
    const wantAudio = !this.audioTrack;
    if (audioOnly) this.stopVideo();
    if (!wantAudio && !wantVideo) return '';
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return '此浏览器不支持音视频通话，请使用新版的 Chrome、Edge、Safari 或微信内置浏览器。';
    }
    try {
      const got = await navigator.mediaDevices.getUserMedia({
        audio: wantAudio ? { echoCancellation: true, noiseSuppression: true, autoGainControl: true } : false,
        video: wantVideo ? { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24, max: 30 } } : false,
      });
      for (const t of got.getTracks()) this.stream.addTrack(t);
      return '';
    } catch (e) {
      this.error = e;
      // The camera alone may be the problem: try the microphone alone.
      if (wantVideo && wantAudio) {
        try {
          const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
          for (const t of mic.getTracks()) this.stream.addTrack(t);
        } catch (_) { /* neither */ }
      }
      return deviceMessage(e, audioOnly);
    }
  }

  /** Opens the camera again (after 关闭摄像头 or audio only); returns the track or throws. */
  async openCamera() {
    if (this.videoTrack) return this.videoTrack;
    const got = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24, max: 30 } },
    });
    const track = got.getVideoTracks()[0];
    this.stream.addTrack(track);
    return track;
  }

  /** Turns the camera off (its light too). */
  stopVideo() {
    for (const t of this.stream.getVideoTracks()) {
      t.stop();
      this.stream.removeTrack(t);
    }
  }

  stopAll() {
    for (const t of this.stream.getTracks()) {
      t.stop();
      this.stream.removeTrack(t);
    }
  }
}
