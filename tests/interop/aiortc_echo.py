#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Interop: aiortc (a third WebRTC stack) against the server's echo service.

Starts `sanhui` on loopback with the demo organization (as tests/browser/run.mjs
does), logs in, opens /ws with the session cookie, offers VP8 video and Opus
audio (sendrecv) with echo.start, applies echo.answer, trickles candidates and
asserts that within 5 s of the connection being up (ICE connected and DTLS
done) at least 30 echoed video frames were decoded and 100 echoed audio RTP
packets received. Ends with echo.stop.

    /usr/bin/python3 tests/interop/aiortc_echo.py

Environment: SANHUI_BINARY (the built `sanhui`), SANHUI_SOURCE_ROOT (for web/),
or SANHUI_INTEROP_URL=http://HOST:PORT/ to use a running server instead.
Needs Debian's python3-aiortc and python3-aiohttp (import only with
/usr/bin/python3). Exits 0 when the thresholds are met, 1 otherwise.
"""

import asyncio
import fractions
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import aiohttp
    import av
    import numpy
    from aiortc import (
        MediaStreamTrack,
        RTCConfiguration,
        RTCPeerConnection,
        RTCRtpSender,
        RTCSessionDescription,
        VideoStreamTrack,
    )
    from aiortc.mediastreams import MediaStreamError
    from aiortc.sdp import candidate_from_sdp
except ImportError as e:  # pragma: no cover - reported, not hidden
    print(f"[aiortc] cannot import {e.name}: apt-get install python3-aiortc python3-aiohttp "
          f"and run with /usr/bin/python3 (this is {sys.executable})", file=sys.stderr)
    sys.exit(1)

PASSWORD = "Demo@2026"
LOGIN = "member"
SCRIPT_DEADLINE_S = 110  # meson's timeout is 120 s
ECHO_DEADLINE_S = 60
DEMO_TIMEOUT_S = 30
SERVER_URL_TIMEOUT_S = 20
ANSWER_TIMEOUT_S = 10
CONNECT_TIMEOUT_S = 15
MEDIA_WINDOW_S = 5.0
STOP_TIMEOUT_S = 5
MIN_VIDEO_FRAMES = 30
MIN_AUDIO_PACKETS = 100
WIDTH, HEIGHT, FPS = 320, 240, 30
AUDIO_RATE = 48000
AUDIO_PTIME = 0.020


def log(*args):
    print("[aiortc]", *args, flush=True)


class TestFailure(Exception):
    pass


# ------------------------------------------------------------------ the server


class Server:
    """`sanhui serve` on an ephemeral loopback port with a fresh demo data dir."""

    def __init__(self):
        self.proc = None
        self.url = None
        self.tmp = None
        self.stdout = []
        self.stderr = []
        self._readers = []

    async def start(self):
        binary = os.environ.get("SANHUI_BINARY")
        source_root = os.environ.get("SANHUI_SOURCE_ROOT") or os.path.abspath(
            os.path.join(os.path.dirname(__file__), "..", ".."))
        if not binary or not os.path.exists(binary):
            raise TestFailure(f"SANHUI_BINARY is not set or missing: {binary!r}")
        self.tmp = tempfile.mkdtemp(prefix="sanhui-aiortc-")
        base = [binary, "--set", f"storage.data_dir={self.tmp}",
                "--set", "security.password_iterations=1000"]
        log("loading demo data:", " ".join(base + ["demo"]))
        demo = await asyncio.create_subprocess_exec(
            *base, "demo", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = await asyncio.wait_for(demo.communicate(), DEMO_TIMEOUT_S)
        except asyncio.TimeoutError:
            demo.kill()
            await demo.wait()
            raise TestFailure(f"`sanhui demo` took over {DEMO_TIMEOUT_S} s")
        if demo.returncode != 0:
            raise TestFailure(f"`sanhui demo` failed (exit {demo.returncode}):\n"
                              f"{out.decode(errors='replace')}\n{err.decode(errors='replace')}")
        args = base + ["--set", "server.port=0",
                       "--set", f"server.web_root={os.path.join(source_root, 'web')}", "serve"]
        log("starting server:", " ".join(args))
        self.proc = await asyncio.create_subprocess_exec(
            *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._readers.append(asyncio.ensure_future(self._drain(self.proc.stderr, self.stderr)))
        deadline = time.monotonic() + SERVER_URL_TIMEOUT_S
        while self.url is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TestFailure(f"the server did not print its URL within {SERVER_URL_TIMEOUT_S} s")
            try:
                line = await asyncio.wait_for(self.proc.stdout.readline(), remaining)
            except asyncio.TimeoutError:
                continue
            if not line:
                await self.proc.wait()
                raise TestFailure(f"the server exited before printing its URL "
                                  f"(exit {self.proc.returncode})")
            text = line.decode(errors="replace")
            self.stdout.append(text)
            i = text.find("http://127.0.0.1:")
            if i >= 0:
                self.url = text[i:].split()[0]
                if not self.url.endswith("/"):
                    self.url += "/"
        self._readers.append(asyncio.ensure_future(self._drain(self.proc.stdout, self.stdout)))
        return self.url

    @staticmethod
    async def _drain(stream, sink):
        while True:
            line = await stream.readline()
            if not line:
                return
            sink.append(line.decode(errors="replace"))

    async def stop(self):
        """Stops the server; returns a problem (str) or None for a clean exit."""
        problem = None
        if self.proc and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 5)
            except asyncio.TimeoutError:
                problem = "the server ignored SIGTERM for 5 s"
                self.proc.kill()
                await self.proc.wait()
        if self.proc and self.proc.returncode not in (0, None) and not problem:
            problem = f"the server exited with {self.proc.returncode}"
        for r in self._readers:
            try:
                await asyncio.wait_for(r, 2)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                r.cancel()
        return problem

    def cleanup(self, keep):
        if self.tmp and not keep:
            shutil.rmtree(self.tmp, ignore_errors=True)
        elif self.tmp:
            log("kept temp dir:", self.tmp)


# ------------------------------------------------------------------ media


class TestPicture(VideoStreamTrack):
    """320×240 at 30 fps: a colour ramp with a moving bar, so every frame changes."""

    def __init__(self):
        super().__init__()
        self._count = 0
        x = numpy.arange(WIDTH, dtype=numpy.uint16)
        self._base = numpy.zeros((HEIGHT, WIDTH, 3), dtype=numpy.uint8)
        self._base[:, :, 0] = (x * 255 // WIDTH).astype(numpy.uint8)
        self._base[:, :, 1] = 128
        self._base[:, :, 2] = (255 - x * 255 // WIDTH).astype(numpy.uint8)

    async def recv(self):
        pts, time_base = await self.next_timestamp()  # paces at 30 fps
        image = self._base.copy()
        left = (self._count * 4) % WIDTH
        image[:, left:left + 16, :] = 255
        self._count += 1
        frame = av.VideoFrame.from_ndarray(image, format="bgr24")
        frame.pts = pts
        frame.time_base = time_base
        return frame


class TestTone(MediaStreamTrack):
    """A 440 Hz sine, 48 kHz mono s16, in 20 ms frames (one Opus packet each)."""

    kind = "audio"

    def __init__(self):
        super().__init__()
        self._start = None
        self._pts = 0
        self._samples = int(AUDIO_RATE * AUDIO_PTIME)

    async def recv(self):
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.time()
        else:
            self._pts += self._samples
            wait = self._start + self._pts / AUDIO_RATE - time.time()
            if wait > 0:
                await asyncio.sleep(wait)
        t = (self._pts + numpy.arange(self._samples)) / AUDIO_RATE
        pcm = (numpy.sin(2 * math.pi * 440 * t) * 8000).astype(numpy.int16)
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = AUDIO_RATE
        frame.pts = self._pts
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        return frame


# ------------------------------------------------------------------ the echo


def drop_conflicting_extmaps(sdp):
    """Removes a=extmap lines whose id an earlier m-line uses for another URI.

    aiortc 1.4.0 keeps one header-extension map for a bundled transport and
    numbers each m-line's extensions on its own: its offer has id 2 for
    abs-send-time (video) and for ssrc-audio-level (audio), and the first
    audio packet carrying a 1-byte audio level then raises struct.error in
    RtpPacket.parse, which closes the DTLS transport (no media at all, even
    between two aiortc peers). Offering only non-conflicting ids makes the
    answer, and so both directions, use unambiguous ids.
    """
    uri_of = {}
    kept = []
    for line in sdp.split("\r\n"):
        if line.startswith("a=extmap:"):
            ext_id, _, rest = line[len("a=extmap:"):].partition(" ")
            ext_id = ext_id.split("/")[0]
            uri = rest.split(" ")[0]
            if uri_of.setdefault(ext_id, uri) != uri:
                log("not offering", line, "(id taken by", uri_of[ext_id] + ")")
                continue
        kept.append(line)
    return "\r\n".join(kept)


class Echo:
    def __init__(self, ws):
        self.ws = ws
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.answer = asyncio.get_running_loop().create_future()
        self.stopped = asyncio.get_running_loop().create_future()
        self.up = asyncio.get_running_loop().create_future()
        self.failed = asyncio.get_running_loop().create_future()
        self.remote_set = False
        self.pending = []  # server candidates before the answer is applied
        self.video_frames = 0
        self.audio_frames = 0
        self.receivers = {}
        self.server_candidates = 0
        self.states = []
        self.stats = 0
        self.tasks = []

    def fail(self, message):
        if not self.failed.done():
            log("failure:", message)
            self.failed.set_result(message)

    async def send(self, type_, payload, id_=None):
        message = {"type": type_, "payload": payload}
        if id_ is not None:
            message["id"] = id_
        await self.ws.send_str(json.dumps(message))

    def setup(self):
        pc = self.pc
        video = pc.addTransceiver(TestPicture(), direction="sendrecv")
        audio = pc.addTransceiver(TestTone(), direction="sendrecv")
        vp8 = [c for c in RTCRtpSender.getCapabilities("video").codecs
               if c.mimeType.lower() == "video/vp8"]
        opus = [c for c in RTCRtpSender.getCapabilities("audio").codecs
                if c.mimeType.lower() == "audio/opus"]
        if not vp8 or not opus:
            raise TestFailure("this aiortc has no VP8 or no Opus")
        video.setCodecPreferences(vp8)
        audio.setCodecPreferences(opus)

        @pc.on("connectionstatechange")
        def on_state():
            log("client: connection", pc.connectionState, "ice", pc.iceConnectionState)
            if pc.connectionState == "connected" and not self.up.done():
                self.up.set_result(time.monotonic())
            elif pc.connectionState == "failed":
                self.fail("the client's connection failed (ICE or DTLS)")

        @pc.on("track")
        def on_track(track):
            log("incoming track:", track.kind)
            for t in pc.getTransceivers():
                if t.receiver.track is track:
                    self.receivers[track.kind] = t.receiver
            self.tasks.append(asyncio.ensure_future(self.consume(track)))

    async def consume(self, track):
        """Decodes everything the server echoes (aiortc decodes in recv())."""
        try:
            while True:
                await track.recv()
                if track.kind == "video":
                    self.video_frames += 1
                else:
                    self.audio_frames += 1
        except MediaStreamError:
            return

    async def audio_packets(self):
        receiver = self.receivers.get("audio")
        if not receiver:
            return 0
        report = await receiver.getStats()
        return sum(s.packetsReceived for s in report.values() if s.type == "inbound-rtp")

    async def add_server_candidate(self, payload):
        candidate = payload.get("candidate")
        transport = self.pc.getTransceivers()[0].receiver.transport.transport
        if not candidate:
            log("<- echo.candidate end-of-candidates after", self.server_candidates)
            await transport.addRemoteCandidate(None)
            return
        self.server_candidates += 1
        log("<- echo.candidate", candidate)
        c = candidate_from_sdp(candidate.split(":", 1)[1] if candidate.startswith("candidate:")
                               else candidate)
        # Bundled: every m-line shares the first transceiver's transport.
        c.sdpMid = self.pc.getTransceivers()[0].mid
        c.sdpMLineIndex = 0
        await self.pc.addIceCandidate(c)

    async def on_message(self, message):
        type_ = message.get("type")
        payload = message.get("payload") or {}
        if type_ == "echo.answer":
            log("<- echo.answer")
            if not self.answer.done():
                self.answer.set_result(payload.get("sdp"))
        elif type_ == "echo.candidate":
            if self.remote_set:
                await self.add_server_candidate(payload)
            else:
                self.pending.append(payload)
        elif type_ == "echo.state":
            log("<- echo.state", json.dumps(payload))
            self.states.append(payload)
        elif type_ == "echo.stats":
            log("<- echo.stats", json.dumps(payload))
            self.stats += 1
        elif type_ == "echo.stopped":
            log("<- echo.stopped")
            if not self.stopped.done():
                self.stopped.set_result(True)
        elif type_ == "error":
            self.fail(f"the server answered {message.get('id')!r} with an error: "
                      f"{json.dumps(message, ensure_ascii=False)}")
        else:
            log("<- (ignored)", type_)

    async def read_loop(self):
        async for msg in self.ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                try:
                    message = json.loads(msg.data)
                except ValueError:
                    self.fail(f"the server sent a frame that is not JSON: {msg.data!r}")
                    continue
                if not isinstance(message, dict):
                    self.fail(f"the server sent a frame that is not an object: {msg.data!r}")
                    continue
                try:
                    await self.on_message(message)
                except Exception as e:  # a bad candidate or SDP from the server
                    self.fail(f"handling {message.get('type')}: {e!r}")
            elif msg.type in (aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSE):
                break
        if not self.stopped.done():
            self.fail(f"the WebSocket closed (code {self.ws.close_code})")

    async def wait(self, future, timeout, what):
        """Waits for @future, a failure, or @timeout, whichever comes first."""
        done, _ = await asyncio.wait({future, self.failed}, timeout=timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        if self.failed in done:
            raise TestFailure(self.failed.result())
        if future not in done:
            raise TestFailure(f"timed out after {timeout} s waiting for {what}")
        return future.result()

    async def run(self):
        self.setup()
        self.tasks.append(asyncio.ensure_future(self.read_loop()))
        # aiortc gathers every candidate before setLocalDescription returns;
        # they are in the offer. (It gathers no loopback candidate: the
        # server sees its checks come from the machine's address.)
        await self.pc.setLocalDescription(await self.pc.createOffer())
        offer = drop_conflicting_extmaps(self.pc.localDescription.sdp)
        log("offer:\n" + offer)
        await self.send("echo.start", {"sdp": offer}, "start")
        await self.send("echo.candidate", {"candidate": None})
        answer = await self.wait(self.answer, ANSWER_TIMEOUT_S, "echo.answer")
        if not isinstance(answer, str):
            raise TestFailure(f"echo.answer without an sdp string: {answer!r}")
        log("answer:\n" + answer)
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        self.remote_set = True
        for payload in self.pending:
            await self.add_server_candidate(payload)
        self.pending = []

        up_at = await self.wait(self.up, CONNECT_TIMEOUT_S, "the connection (ICE + DTLS)")
        log("connection up")
        video_at = audio_at = None
        packets = 0
        while time.monotonic() - up_at <= MEDIA_WINDOW_S and not (video_at and audio_at):
            if self.failed.done():
                raise TestFailure(self.failed.result())
            packets = await self.audio_packets()
            now = time.monotonic()
            if video_at is None and self.video_frames >= MIN_VIDEO_FRAMES:
                video_at = now
            if audio_at is None and packets >= MIN_AUDIO_PACKETS:
                audio_at = now
            await asyncio.sleep(0.02)
        packets = max(packets, await self.audio_packets())
        log(f"{self.video_frames} video frames decoded, {packets} audio packets received "
            f"({self.audio_frames} audio frames decoded); {self.server_candidates} server "
            f"candidates; {len(self.states)} echo.state, {self.stats} echo.stats")
        if video_at:
            log(f"{MIN_VIDEO_FRAMES} video frames {video_at - up_at:.2f} s after the connection was up")
        if audio_at:
            log(f"{MIN_AUDIO_PACKETS} audio packets {audio_at - up_at:.2f} s after the connection was up")
        if not (video_at and audio_at):
            raise TestFailure(
                f"within {MEDIA_WINDOW_S:.0f} s of the connection being up: {self.video_frames} "
                f"video frames decoded (want {MIN_VIDEO_FRAMES}), {packets} audio packets "
                f"received (want {MIN_AUDIO_PACKETS})")

        await self.send("echo.stop", {}, "stop")
        await self.wait(self.stopped, STOP_TIMEOUT_S, "echo.stopped")

    async def close(self):
        try:
            await asyncio.wait_for(self.pc.close(), 5)
        except asyncio.TimeoutError:
            log("closing the peer connection took over 5 s")
        for t in self.tasks:
            t.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def run_echo(url):
    # unsafe=True: the jar must keep cookies of an IP-address host.
    jar = aiohttp.CookieJar(unsafe=True)
    timeout = aiohttp.ClientTimeout(total=15)
    async with aiohttp.ClientSession(cookie_jar=jar, timeout=timeout) as http:
        async with http.post(url + "api/session", json={"login": LOGIN, "password": PASSWORD}) as r:
            body = await r.text()
            if r.status != 200:
                raise TestFailure(f"log-in as {LOGIN}: HTTP {r.status}: {body}")
        if not any(c.key == "sanhui_session" for c in jar):
            raise TestFailure("log-in set no sanhui_session cookie")
        log("logged in as", LOGIN)
        ws = await http.ws_connect(url + "ws", timeout=10, receive_timeout=None, heartbeat=None)
        echo = Echo(ws)
        try:
            await echo.run()
        finally:
            await echo.close()
            await ws.close()


async def main():
    external = os.environ.get("SANHUI_INTEROP_URL")
    server = None
    failure = None
    try:
        if external:
            url = external if external.endswith("/") else external + "/"
        else:
            server = LIVE_SERVER[0] = Server()
            url = await server.start()
        log("server at", url)
        await asyncio.wait_for(run_echo(url), ECHO_DEADLINE_S)
    except asyncio.TimeoutError:
        failure = f"the echo did not finish within {ECHO_DEADLINE_S} s"
    except TestFailure as e:
        failure = str(e)
    except Exception as e:  # report anything unexpected as a failure, with its trace
        import traceback
        failure = "".join(traceback.format_exception(e))
    if server:
        problem = await server.stop()
        if problem and not failure:
            failure = problem
        if failure:
            sys.stderr.write("[aiortc] server stdout:\n" + "".join(server.stdout))
            sys.stderr.write("[aiortc] server stderr:\n" + "".join(server.stderr[-200:]))
        server.cleanup(keep=bool(failure) or os.environ.get("SANHUI_INTEROP_KEEP") == "1")
    if failure:
        print(f"[aiortc] FAIL: {failure}", file=sys.stderr, flush=True)
        return 1
    log("PASS")
    return 0


LIVE_SERVER = [None]  # killed by the last-resort guard


def entry():
    async def bounded():
        try:
            return await asyncio.wait_for(main(), SCRIPT_DEADLINE_S)
        except asyncio.TimeoutError:
            print(f"[aiortc] FAIL: the script ran over {SCRIPT_DEADLINE_S} s", file=sys.stderr)
            server = LIVE_SERVER[0]
            if server and server.proc and server.proc.returncode is None:
                server.proc.kill()
            return 1
    sys.exit(asyncio.run(bounded()))


if __name__ == "__main__":
    entry()
