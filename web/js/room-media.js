// The two WebRTC connections of a participant (docs/protocol.md, "Meeting
// media"):
// - publish: the browser offers, the server answers (it only receives).
//   The sections are always in the same order — mid 0 microphone, mid 1
//   camera (inactive when joining audio-only), mid 2 screen share — so that
//   the server's track ids ("p<ACCOUNT>-<mid>") say which is the screen.
// - subscribe: the server offers (again whenever tracks come or go), the
//   browser answers. Offers are applied one after the other.
// Candidates trickle both ways in `meeting.candidate` {leg, candidate};
// remote ones wait until the remote description is set.

const PC_CONFIG = { bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
export const SCREEN_MID = '2';

/** Which participant a remote track belongs to, from its stream and track ids. */
export function describeRemoteTrack(track, streams, mid) {
  const stream = streams && streams[0];
  const m = stream ? /^p(\d+)$/.exec(stream.id) : null;
  if (!m) return null;
  const t = /^p\d+-(.+)$/.exec(track.id || '');
  return {
    mid,
    account: Number(m[1]),
    kind: track.kind,
    // The publisher's own mid follows the server's track id; mid 2 is the screen.
    screen: track.kind === 'video' && !!t && t[1] === SCREEN_MID,
    track,
  };
}

/**
 * Codec order for a video section: @first's codecs (and their RTX) first;
 * with @only, nothing else. Returns null when the browser cannot send @first.
 */
function codecOrder(first, only) {
  const caps = window.RTCRtpSender && RTCRtpSender.getCapabilities ? RTCRtpSender.getCapabilities('video') : null;
  if (!caps) return null;
  const mime = `video/${first}`.toLowerCase();
  // H.264: packetization-mode=1, which is what the server's rewriter handles.
  const wanted = caps.codecs.filter((c) => c.mimeType.toLowerCase() === mime &&
    (first !== 'H264' || /packetization-mode=1/.test(c.sdpFmtpLine || '')));
  if (!wanted.length) return null;
  const rtx = caps.codecs.filter((c) => c.mimeType.toLowerCase() === 'video/rtx');
  const rest = caps.codecs.filter((c) => !wanted.includes(c) && !rtx.includes(c));
  return only ? [...wanted, ...rtx] : [...wanted, ...rtx, ...rest];
}

/**
 * Puts @codec first for a video section (VP8 for the camera and the screen:
 * every browser sends it, and the server forwards a track in the codec it
 * came in). The server tells the camera and the screen apart by the SSRCs
 * each section announces, so they may share a codec.
 */
function preferCodec(transceiver, codec, only) {
  const order = codecOrder(codec, only);
  if (!order || !transceiver.setCodecPreferences) return;
  try {
    transceiver.setCodecPreferences(order);
  } catch (_) { /* keep the default order */ }
}

class Leg {
  constructor(name, pc, send) {
    this.name = name;
    this.pc = pc;
    this.remoteCandidates = [];
    this.localCandidates = [];
    this.canSendCandidates = name === 'subscribe';
    this.send = send;
    pc.addEventListener('icecandidate', (e) => {
      const candidate = e.candidate && e.candidate.candidate ? e.candidate.candidate : null;
      if (!this.canSendCandidates) {
        this.localCandidates.push(candidate);
        return;
      }
      this.send('meeting.candidate', { leg: this.name, candidate });
    });
  }

  /** From now on local candidates go to the server (the server has this leg). */
  releaseLocalCandidates() {
    this.canSendCandidates = true;
    for (const c of this.localCandidates) this.send('meeting.candidate', { leg: this.name, candidate: c });
    this.localCandidates = [];
  }

  addRemoteCandidate(candidate) {
    if (!candidate) return; // end-of-candidates: nothing to do for a single server address set
    if (this.pc.remoteDescription) {
      this.pc.addIceCandidate({ candidate, sdpMLineIndex: 0 }).catch(() => {});
    } else {
      this.remoteCandidates.push(candidate);
    }
  }

  flushRemoteCandidates() {
    const list = this.remoteCandidates;
    this.remoteCandidates = [];
    for (const c of list) this.pc.addIceCandidate({ candidate: c, sdpMLineIndex: 0 }).catch(() => {});
  }
}

export class RoomMedia {
  /**
   * @hooks.request(type, payload) → Promise of the reply; @hooks.send(type, payload);
   * @hooks.onTrack(info), @hooks.onTrackGone(info): remote tracks (describeRemoteTrack);
   * @hooks.onState(leg, connectionState); @hooks.onError(message).
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.pcPub = new RTCPeerConnection(PC_CONFIG);
    this.pcSub = new RTCPeerConnection(PC_CONFIG);
    const send = (type, payload) => hooks.send(type, payload);
    this.pub = new Leg('publish', this.pcPub, send);
    this.sub = new Leg('subscribe', this.pcSub, send);
    this.pubChain = Promise.resolve();
    this.subChain = Promise.resolve();
    this.audioTx = null;
    this.videoTx = null;
    this.screenTx = null;
    this.remote = new Map(); // subscribe mid → info, while the section is active
    this.closed = false;
    this.subConnectedAt = null;
    for (const [leg, pc] of [['publish', this.pcPub], ['subscribe', this.pcSub]]) {
      pc.addEventListener('connectionstatechange', () => {
        if (leg === 'subscribe' && pc.connectionState === 'connected' && this.subConnectedAt === null) {
          this.subConnectedAt = performance.now();
        }
        if (hooks.onState) hooks.onState(leg, pc.connectionState);
      });
    }
    this.pcSub.addEventListener('track', (e) => this.onTrack(e));
  }

  // ------------------------------------------------------------ publish

  /**
   * The first publish offer: the microphone, and the camera unless @videoTrack
   * is null (audio only: the camera section is inactive until switched on).
   */
  publish(audioTrack, videoTrack, stream) {
    const streams = stream ? [stream] : [];
    this.audioTx = this.pcPub.addTransceiver(audioTrack || 'audio', {
      direction: audioTrack ? 'sendonly' : 'inactive', streams,
    });
    this.videoTx = this.pcPub.addTransceiver(videoTrack || 'video', {
      direction: videoTrack ? 'sendonly' : 'inactive', streams,
    });
    preferCodec(this.videoTx, 'VP8', false);
    return this.renegotiatePublish();
  }

  /** Offers the publish connection again (a track came or went); serialized. */
  renegotiatePublish() {
    const run = async () => {
      if (this.closed) return;
      const offer = await this.pcPub.createOffer();
      await this.pcPub.setLocalDescription(offer);
      // mid 2 is the screen share: the server keeps sending it to members
      // who turned the others' cameras off.
      const reply = await this.hooks.request('meeting.publish', { sdp: this.pcPub.localDescription.sdp, screen_mid: '2' });
      this.pub.releaseLocalCandidates();
      if (this.closed) return;
      await this.pcPub.setRemoteDescription({ type: 'answer', sdp: reply.payload.sdp });
      this.pub.flushRemoteCandidates();
    };
    const next = this.pubChain.then(run, run);
    this.pubChain = next.catch(() => {});
    return next;
  }

  /**
   * Switches the camera's track. Turning it off only stops sending (the
   * server stops forwarding on the `meeting.mute`); a camera section that
   * was inactive (joined audio only) is offered again the first time.
   */
  async setCameraTrack(track) {
    if (!this.videoTx) return;
    await this.videoTx.sender.replaceTrack(track || null);
    if (track && this.videoTx.direction !== 'sendonly') {
      this.videoTx.direction = 'sendonly';
      await this.renegotiatePublish();
    }
  }

  /** Replaces the microphone's track (after a device change). */
  async setMicrophoneTrack(track) {
    if (this.audioTx) await this.audioTx.sender.replaceTrack(track || null);
  }

  /** Publishes @track as the screen share (a third video section, mid 2). */
  async startScreen(track, stream) {
    if (!this.screenTx) {
      this.screenTx = this.pcPub.addTransceiver(track, { direction: 'sendonly', streams: stream ? [stream] : [] });
      preferCodec(this.screenTx, 'VP8', false);
    } else {
      await this.screenTx.sender.replaceTrack(track);
      this.screenTx.direction = 'sendonly';
    }
    const params = this.screenTx.sender.getParameters();
    if (params.encodings && params.encodings[0]) {
      // Slides and documents: keep them sharp rather than smooth.
      params.degradationPreference = 'maintain-resolution';
      try {
        await this.screenTx.sender.setParameters(params);
      } catch (_) { /* not essential */ }
    }
    await this.renegotiatePublish();
  }

  /** Stops the screen share: the section stays, inactive, for the next share. */
  async stopScreen() {
    if (!this.screenTx || this.screenTx.direction === 'inactive') return;
    await this.screenTx.sender.replaceTrack(null);
    this.screenTx.direction = 'inactive';
    await this.renegotiatePublish();
  }

  // ------------------------------------------------------------ subscribe

  /** `meeting.subscribe.offer`: applied after any offer still being applied. */
  onSubscribeOffer(sdp) {
    const run = async () => {
      if (this.closed) return;
      await this.pcSub.setRemoteDescription({ type: 'offer', sdp });
      this.sub.flushRemoteCandidates();
      const answer = await this.pcSub.createAnswer();
      await this.pcSub.setLocalDescription(answer);
      this.syncRemoteTracks();
      await this.hooks.request('meeting.subscribe.answer', { sdp: this.pcSub.localDescription.sdp });
    };
    const next = this.subChain.then(run, run);
    this.subChain = next.catch((e) => {
      if (!this.closed && this.hooks.onError) this.hooks.onError(`接收音视频失败：${e.message || e}`);
    });
    return next;
  }

  onTrack(e) {
    const mid = e.transceiver ? e.transceiver.mid : null;
    const info = describeRemoteTrack(e.track, e.streams, mid);
    if (!info || !mid) return;
    const known = this.remote.get(mid);
    if (known && known.track === e.track) return;
    this.remote.set(mid, info);
    this.hooks.onTrack(info);
  }

  /** Sections the server turned inactive: their tracks are gone. */
  syncRemoteTracks() {
    for (const t of this.pcSub.getTransceivers()) {
      const info = t.mid ? this.remote.get(t.mid) : null;
      if (!info) continue;
      const dir = t.currentDirection || t.direction;
      if (dir === 'inactive' || dir === 'stopped' || t.receiver.track.readyState === 'ended') {
        this.remote.delete(t.mid);
        this.hooks.onTrackGone(info);
      }
    }
  }

  remoteTracks() {
    return [...this.remote.values()];
  }

  // ------------------------------------------------------------ both

  /** `meeting.candidate` from the server. */
  onCandidate(leg, candidate) {
    (leg === 'publish' ? this.pub : this.sub).addRemoteCandidate(candidate);
  }

  close() {
    this.closed = true;
    this.pcPub.close();
    this.pcSub.close();
    for (const info of this.remote.values()) this.hooks.onTrackGone(info);
    this.remote.clear();
  }
}
