// Shared state of the meeting page (room.html) and the helpers every
// module of it uses. One page, one meeting: plain module-level state.

import { setStatus } from './ui.js';
import { LocalDevices } from './room-lobby.js';
import { RoomView } from './room-view.js';

export const $ = (id) => document.getElementById(id);

export const S = {
  me: null, meetingId: 0, meeting: null,
  socket: null, media: null, devices: new LocalDevices(), monitor: null,
  view: new RoomView($('video-grid'), $('audio-box')),
  joined: false, you: null, roster: new Map(), hands: [], floor: [], state: {}, speaker: null,
  audioOnly: false, cameraWanted: true, screenTrack: null, quality: new Map(),
  qualityTimer: null, panel: 'people', panelOpen: false, unread: 0, reconnectTry: -1, previewing: null,
};

/** The status line under the room's title bar. */
export function status(text, kind = 'info') {
  setStatus($('room-status'), text, kind);
}

/** A request on the meeting's socket (RoomSocket.request). */
export function request(type, payload) {
  return S.socket.request(type, payload);
}
