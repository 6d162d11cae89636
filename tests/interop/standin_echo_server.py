#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A stand-in for `sanhui` that speaks only the echo service, built on aiortc.

For checking the interop clients themselves (tests/interop/*, the echo browser
scenarios) independently of the real server: it takes the `sanhui` command
line, so it can be passed as SANHUI_BINARY:

    SANHUI_BINARY=tests/interop/standin_echo_server.py build/tests/interop-webrtcbin-echo

`... demo` does nothing; `... --set server.web_root=DIR serve` serves DIR,
POST /api/session (any demo login, password Demo@2026) and /ws with the
echo.* messages of docs/protocol.md: it answers the offer, sends its
candidates as echo.candidate (not in the answer), echoes the received tracks
(or, for a receive-only offer, sends a test picture and tone) and reports
echo.state. It prints its URL like the real server and exits 0 on SIGTERM.
"""

import asyncio
import json
import os
import secrets
import signal
import sys

import aiohttp
from aiohttp import web
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaRelay
from aiortc.sdp import candidate_from_sdp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aiortc_echo import TestPicture, TestTone  # noqa: E402

LOGINS = {"secretary", "member", "inspector", "admin"}
PASSWORD = "Demo@2026"


def log(*args):
    print("[stand-in]", *args, file=sys.stderr, flush=True)


class EchoSession:
    def __init__(self, ws):
        self.ws = ws
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.relay = MediaRelay()

    async def send(self, type_, payload, id_=None):
        message = {"type": type_, "payload": payload}
        if id_ is not None:
            message["id"] = id_
        if not self.ws.closed:
            await self.ws.send_str(json.dumps(message))

    async def start(self, offer, id_):
        pc = self.pc

        @pc.on("track")
        def on_track(track):
            log("echoing", track.kind)
            pc.addTrack(self.relay.subscribe(track))

        @pc.on("connectionstatechange")
        async def on_state():
            ice = {"checking": "checking", "completed": "connected"}.get(
                pc.iceConnectionState, pc.iceConnectionState)
            dtls = {"connected": "connected", "failed": "failed", "closed": "closed"}.get(
                pc.connectionState, "connecting")
            await self.send("echo.state", {"ice": ice, "dtls": dtls})

        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        # A receive-only offer: send a test picture and tone instead.
        for t in pc.getTransceivers():
            if t.sender.track is None:
                if t.kind == "video":
                    t.sender.replaceTrack(TestPicture())
                else:
                    t.sender.replaceTrack(TestTone())
                t.direction = "sendonly" if t.direction in ("recvonly", "inactive") else t.direction
        await pc.setLocalDescription(await pc.createAnswer())
        lines = pc.localDescription.sdp.split("\r\n")
        candidates = [l[2:] for l in lines if l.startswith("a=candidate:")]
        answer = "\r\n".join(l for l in lines
                             if not l.startswith("a=candidate:") and l != "a=end-of-candidates")
        mid = pc.getTransceivers()[0].mid
        await self.send("echo.answer", {"sdp": answer}, id_)
        for c in candidates:
            await self.send("echo.candidate", {"candidate": c, "sdpMid": mid, "sdpMLineIndex": 0})
        await self.send("echo.candidate", {"candidate": None})

    async def candidate(self, payload):
        text = payload.get("candidate")
        transport = self.pc.getTransceivers()[0].receiver.transport.transport
        if not text:
            await transport.addRemoteCandidate(None)
            return
        c = candidate_from_sdp(text.split(":", 1)[1])
        if c.ip.endswith(".local"):
            return  # mDNS: learnt from the checks instead
        c.sdpMid = self.pc.getTransceivers()[0].mid
        await self.pc.addIceCandidate(c)

    async def stop(self):
        await self.pc.close()


async def handle_session(request):
    try:
        body = await request.json()
    except ValueError:
        return web.json_response({"error": {"code": "invalid_json"}}, status=400)
    if body.get("login") not in LOGINS or body.get("password") != PASSWORD:
        return web.json_response({"error": {"code": "bad_credentials"}}, status=401)
    token = secrets.token_hex(16)
    request.app["sessions"].add(token)
    response = web.json_response({"account": {"login": body["login"]}, "roles": [],
                                  "csrf_token": "stand-in"})
    response.set_cookie("sanhui_session", token, httponly=True, samesite="Strict")
    return response


async def handle_ws(request):
    if request.cookies.get("sanhui_session") not in request.app["sessions"]:
        return web.json_response({"error": {"code": "unauthenticated"}}, status=401)
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    echo = None
    async for msg in ws:
        if msg.type != aiohttp.WSMsgType.TEXT:
            continue
        message = json.loads(msg.data)
        type_, id_ = message.get("type"), message.get("id")
        payload = message.get("payload") or {}
        try:
            if type_ == "echo.start":
                if echo:
                    await echo.stop()
                echo = EchoSession(ws)
                await echo.start(payload["sdp"], id_)
            elif type_ == "echo.candidate":
                if not echo:
                    await ws.send_str(json.dumps({"type": "error", "id": id_,
                                                  "payload": {"code": "no_session"}}))
                else:
                    await echo.candidate(payload)
            elif type_ == "echo.stop":
                if echo:
                    await echo.stop()
                    echo = None
                await ws.send_str(json.dumps({"type": "echo.stopped", "id": id_, "payload": {}}))
            elif type_ == "hello":
                await ws.send_str(json.dumps({"type": "welcome", "id": id_, "payload": {}}))
            else:
                await ws.send_str(json.dumps({"type": "error", "id": id_,
                                              "payload": {"code": "unknown_type"}}))
        except Exception as e:  # the stand-in reports, it does not crash
            log(f"{type_}: {e!r}")
            await ws.send_str(json.dumps({"type": "error", "id": id_,
                                          "payload": {"code": "bad_request", "message": repr(e)}}))
    if echo:
        await echo.stop()
    return ws


async def serve(web_root):
    app = web.Application()
    app["sessions"] = set()
    app.router.add_post("/api/session", handle_session)
    app.router.add_get("/ws", handle_ws)
    if web_root and os.path.isdir(web_root):
        app.router.add_get("/", lambda r: web.FileResponse(os.path.join(web_root, "index.html")))
        app.router.add_static("/", web_root)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    print(f"Stand-in echo server is running at http://127.0.0.1:{port}/", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()
    await runner.cleanup()


def main(argv):
    sets = {}
    command = None
    i = 0
    while i < len(argv):
        if argv[i] == "--set" and i + 1 < len(argv):
            key, _, value = argv[i + 1].partition("=")
            sets[key] = value
            i += 2
        else:
            command = argv[i]
            i += 1
    if command == "demo":
        return 0
    if command == "serve":
        asyncio.run(serve(sets.get("server.web_root")))
        return 0
    print(f"stand-in: unknown command {command!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
