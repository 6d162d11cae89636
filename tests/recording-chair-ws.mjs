// A chair's socket for the recording end-to-end tests: logs in with the
// cookie given, joins the meeting and prints every meeting.recording notice
// (and any error) as one JSON line, until the socket closes or it is killed.
//   node --experimental-websocket recording-chair-ws.mjs URL COOKIE MEETING_ID
const [url, cookie, meeting] = process.argv.slice(2);
const ws = new WebSocket(`${url.replace(/^http/, 'ws')}ws`, { headers: { Cookie: cookie } });
ws.onopen = () => {
  ws.send(JSON.stringify({ type: 'meeting.join', id: 'join', payload: { meeting_id: Number(meeting) } }));
};
ws.onmessage = (e) => {
  const msg = JSON.parse(e.data);
  if (msg.type === 'meeting.joined') console.log(JSON.stringify({ type: 'joined' }));
  else if (msg.type === 'meeting.recording' || msg.type === 'error') console.log(JSON.stringify(msg));
};
ws.onerror = (e) => console.log(JSON.stringify({ type: 'socket_error', message: String(e.message || e) }));
ws.onclose = () => process.exit(0);
