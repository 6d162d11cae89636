// The video grid of the meeting page: one tile per participant (camera and
// voice), one more per screen share, the speaker highlighted, mute badges
// from the roster and the connection quality from the subscribe
// connection's statistics. Remote audio plays through hidden <audio> elements.

import { el, clear } from './ui.js';

const QUALITY_LABELS = { good: '良好', fair: '一般', poor: '较差' };

function initial(name) {
  const s = String(name || '').trim();
  return s ? s.slice(-2) : '?';
}

export class RoomView {
  /** @grid: the tiles' container; @audioBox: hidden container for <audio>. */
  constructor(grid, audioBox) {
    this.grid = grid;
    this.audioBox = audioBox;
    this.tiles = new Map();      // "ACCOUNT:camera|screen" → {node, video, stream, account, screen}
    this.audios = new Map();     // mid → <audio>
    this.names = new Map();      // account → name
    this.selfAccount = null;
    this.audioOnly = false;
    this.speaker = null;
    this.lastRoster = null;
  }

  reset() {
    clear(this.grid);
    clear(this.audioBox);
    this.tiles.clear();
    this.audios.clear();
    this.speaker = null;
  }

  key(account, screen) {
    return `${account}:${screen ? 'screen' : 'camera'}`;
  }

  /** The tile of @account (created empty on first use). */
  tile(account, screen = false) {
    const key = this.key(account, screen);
    let t = this.tiles.get(key);
    if (t) return t;
    const self = account === this.selfAccount;
    const video = el('video', { autoplay: true, playsinline: true, 'data-testid': 'tile-video' });
    video.muted = true; // sound goes through the <audio> elements
    const avatar = el('div', { class: 'tile-avatar', 'aria-hidden': 'true' });
    const name = el('span', { class: 'tile-name', 'data-testid': 'tile-name' });
    const badges = el('span', { class: 'tile-badges' });
    const quality = el('span', { class: 'tile-quality', 'data-testid': 'tile-quality', hidden: true });
    const node = el('figure', {
      class: `tile${screen ? ' tile-screen' : ''}${self ? ' tile-self' : ''} no-video`,
      'data-testid': screen ? 'screen-tile' : 'video-tile',
      dataset: { account: String(account), kind: screen ? 'screen' : 'camera' },
    }, video, avatar, el('figcaption', { class: 'tile-caption' }, name, badges, quality));
    t = { key, node, video, avatar, name, badges, quality, stream: new MediaStream(), account, screen, self };
    video.srcObject = t.stream;
    this.tiles.set(key, t);
    // Screen shares first, then the participants in the order they came.
    if (screen) this.grid.prepend(node);
    else this.grid.append(node);
    this.renderTile(t);
    this.updateLayout();
    return t;
  }

  /** The camera preview of this page's own participant (never played aloud). */
  setLocal(account, stream) {
    this.selfAccount = account;
    const t = this.tile(account, false);
    t.node.classList.add('tile-self');
    t.self = true;
    t.stream = stream || new MediaStream();
    t.video.srcObject = t.stream;
    this.renderTile(t);
  }

  setLocalScreen(track) {
    if (!track) {
      this.dropTile(this.key(this.selfAccount, true));
      return;
    }
    const t = this.tile(this.selfAccount, true);
    t.stream = new MediaStream([track]);
    t.video.srcObject = t.stream;
    this.renderTile(t);
  }

  addTrack(info) {
    if (info.kind === 'audio') {
      const audio = el('audio', { autoplay: true, 'data-testid': 'remote-audio', dataset: { account: String(info.account) } });
      audio.srcObject = new MediaStream([info.track]);
      this.audios.set(info.mid, audio);
      this.audioBox.append(audio);
      audio.play().catch(() => {});
      this.tile(info.account, false); // a voice without a camera still has a tile
      return;
    }
    const t = this.tile(info.account, info.screen);
    for (const old of t.stream.getVideoTracks()) t.stream.removeTrack(old);
    t.stream.addTrack(info.track);
    t.mid = info.mid;
    const refresh = () => this.renderTile(t);
    info.track.addEventListener('mute', refresh);
    info.track.addEventListener('unmute', refresh);
    info.track.addEventListener('ended', refresh);
    if (!this.audioOnly || info.screen) t.video.srcObject = t.stream;
    this.renderTile(t);
  }

  removeTrack(info) {
    if (info.kind === 'audio') {
      const audio = this.audios.get(info.mid);
      if (audio) {
        audio.srcObject = null;
        audio.remove();
      }
      this.audios.delete(info.mid);
      return;
    }
    const key = this.key(info.account, info.screen);
    const t = this.tiles.get(key);
    if (!t) return;
    if (t.stream.getVideoTracks().includes(info.track)) t.stream.removeTrack(info.track);
    if (info.screen) this.dropTile(key);
    else this.renderTile(t);
  }

  dropTile(key) {
    const t = this.tiles.get(key);
    if (!t) return;
    t.video.srcObject = null;
    t.node.remove();
    this.tiles.delete(key);
    this.updateLayout();
  }

  /** A participant left: their tiles go. */
  removeParticipant(account) {
    this.dropTile(this.key(account, false));
    this.dropTile(this.key(account, true));
  }

  /** Names and mute badges from the roster (Map account → Participant). */
  setRoster(roster) {
    this.lastRoster = roster;
    for (const [account, p] of roster) this.names.set(account, p.name);
    for (const t of this.tiles.values()) this.renderTile(t, roster.get(t.account));
    for (const account of roster.keys()) {
      if (!this.tiles.has(this.key(account, false))) this.tile(account, false);
    }
  }

  setSpeaker(account) {
    this.speaker = account || null;
    for (const t of this.tiles.values()) {
      const on = !t.screen && t.account === this.speaker;
      t.node.classList.toggle('speaking', on);
      if (on) t.node.dataset.speaking = 'true';
      else delete t.node.dataset.speaking;
    }
  }

  /** @level: 'good' | 'fair' | 'poor' | null. */
  setQuality(account, level) {
    const t = this.tiles.get(this.key(account, false));
    if (!t) return;
    t.quality.hidden = !level;
    t.quality.textContent = level ? `网络${QUALITY_LABELS[level]}` : '';
    t.quality.dataset.level = level || '';
  }

  /** Audio only: remote cameras are not shown (nor decoded); screen shares still are. */
  setAudioOnly(on) {
    this.audioOnly = on;
    for (const t of this.tiles.values()) {
      if (t.self || t.screen) continue;
      t.video.srcObject = on ? null : t.stream;
      this.renderTile(t);
    }
  }

  renderTile(t, participant) {
    const p = participant || (this.lastRoster ? this.lastRoster.get(t.account) : null);
    const name = (p && p.name) || this.names.get(t.account) || '参会人';
    t.name.textContent = t.screen ? `${name} 的共享屏幕` : (t.self ? `${name}（我）` : name);
    t.avatar.textContent = initial(name);
    const video = t.stream.getVideoTracks()[0];
    const showing = !!video && video.readyState === 'live' && !video.muted &&
      (!this.audioOnly || t.self || t.screen) && !(p && p.video && p.video.muted && !t.screen);
    t.node.classList.toggle('no-video', !showing);
    clear(t.badges);
    if (p && !t.screen) {
      if (p.audio && p.audio.muted) {
        t.badges.append(el('span', {
          class: 'badge-mute', 'data-testid': 'tile-muted',
          text: p.audio.by_chair ? '主持人已静音' : '已静音',
        }));
      }
      if (p.chair) t.badges.append(el('span', { class: 'badge-role', text: '主持' }));
      else if (p.lecturer) t.badges.append(el('span', { class: 'badge-role', text: '主讲' }));
    }
  }

  updateLayout() {
    const n = this.tiles.size;
    this.grid.dataset.count = String(n);
    this.grid.classList.toggle('has-screen', [...this.tiles.values()].some((t) => t.screen));
  }
}
