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

let statusTimer = null;

/** The status line under the room's title bar; notes and successes fade after a while. */
export function status(text, kind = 'info') {
  clearTimeout(statusTimer);
  setStatus($('room-status'), text, kind);
  if (text && kind !== 'error') statusTimer = setTimeout(() => setStatus($('room-status'), ''), 8000);
}

/** A request on the meeting's socket (RoomSocket.request). */
export function request(type, payload) {
  return S.socket.request(type, payload);
}
