// Connection quality per participant, from the subscribe connection's
// statistics: packet loss and jitter of what arrives from them, and the
// frame rate of their camera. 良好 / 一般 / 较差.

const LIMITS = {
  // loss (fraction), jitter (s), frames per second (video only)
  good: { loss: 0.02, jitter: 0.03, fps: 15 },
  fair: { loss: 0.08, jitter: 0.08, fps: 8 },
};

function levelOf(loss, jitter, fps) {
  const within = (l) => loss <= l.loss && jitter <= l.jitter && (fps === null || fps >= l.fps);
  if (within(LIMITS.good)) return 'good';
  if (within(LIMITS.fair)) return 'fair';
  return 'poor';
}

export class QualityMonitor {
  constructor() {
    this.last = new Map(); // inbound-rtp id → {received, lost}
  }

  /**
   * @pc: the subscribe connection; @tracks: the remote tracks (mid, account,
   * kind, screen). Resolves with Map account → 'good' | 'fair' | 'poor'.
   */
  async sample(pc, tracks) {
    const byMid = new Map(tracks.map((t) => [t.mid, t]));
    const byTrackId = new Map(tracks.map((t) => [t.track.id, t]));
    const report = await pc.getStats();
    const per = new Map(); // account → {received, lost, jitter, fps}
    report.forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      const info = (s.mid && byMid.get(s.mid)) || (s.trackIdentifier && byTrackId.get(s.trackIdentifier));
      if (!info) return;
      const prev = this.last.get(s.id) || { received: 0, lost: 0 };
      const received = (s.packetsReceived || 0) - prev.received;
      const lost = Math.max(0, (s.packetsLost || 0) - prev.lost);
      this.last.set(s.id, { received: s.packetsReceived || 0, lost: s.packetsLost || 0 });
      const a = per.get(info.account) || { received: 0, lost: 0, jitter: 0, fps: null };
      a.received += Math.max(0, received);
      a.lost += lost;
      a.jitter = Math.max(a.jitter, s.jitter || 0);
      if (s.kind === 'video' && !info.screen && received > 0) {
        a.fps = Math.max(a.fps || 0, s.framesPerSecond || 0);
      }
      per.set(info.account, a);
    });
    const out = new Map();
    for (const [account, a] of per) {
      // Nothing arrived (muted, lesson mode): no opinion on the network.
      if (a.received + a.lost === 0) continue;
      out.set(account, levelOf(a.lost / (a.received + a.lost), a.jitter, a.fps));
    }
    return out;
  }
}
