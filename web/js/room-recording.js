// The recording's notices to the chair on the meeting page: the server
// sends `meeting.recording` to everyone with chair powers when the disk
// holding recordings runs low (under [recording] min_free_mb), when it is
// full and the recording stopped, and when recording resumed
// (docs/protocol.md, "Recording notices"). The notice stays in the status
// line and the 录制中 flag says it too.

const FLAG = {
  low_space: { text: '录制中 · 空间不足', cls: 'flag flag-net' },
  no_space: { text: '录像已停止（磁盘已满）', cls: 'flag flag-net' },
  resumed: { text: '录制中', cls: 'flag' },
};

/** A `meeting.recording` payload: {event, free_bytes, minutes_left?, message}. */
export function onRecordingNotice(p, { notify }) {
  const flag = document.getElementById('room-recording');
  const look = FLAG[p.event];
  if (flag && look) {
    flag.textContent = look.text;
    flag.className = look.cls;
    flag.title = p.message || '';
  }
  if (p.message) notify(p.message, p.event === 'resumed' ? 'success' : 'error');
}
