// Recording scenario for run.mjs (room-recording; docs/recording.md "Browser
// test"): a recorded general meeting of three Chromium participants, each in
// a browser of its own so that each gets its own fake devices:
//   A 黄丽 (member): a beep-and-flash pattern from files: a white frame every
//     61 frames (2.033 s) and a 1 kHz beep of 100 ms starting at each flash;
//   B 王建国 (secretary, the chair): silence and the default fake camera,
//     shares a screen (getDisplayMedia, or a canvas where headless has none);
//   C 刘洋 (member2): a 300 Hz tone and the default fake camera, joins ~6 s
//     after the recording started.
// The chair ends the meeting after ~20 s; the test waits for the composite
// render and then checks with ffprobe/ffmpeg: every track's fragments and
// their durations, the composites' streams, durations and MP4 index, C's
// offset against the time the test saw it connect, and A's flashes against
// its beeps within 40 ms, in the composites and in A's own fragments.
//
// Every wait is bounded and generous (a loaded 2-core machine).

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

const BASE_ARGS = [
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--auto-select-desktop-capture-source=Entire screen', '--enable-usermedia-screen-capturing',
];
const DESKTOP = { width: 1280, height: 800 };
const LOAD_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 20_000;
const LATE_JOIN_MS = 6_000;      // C joins this long after the recording started
const MEETING_MS = 20_000;       // the chair ends the meeting this long after it started
const RENDER_TIMEOUT_MS = 240_000;
const SYNC_LIMIT_MS = 40;        // issue 10: audio and video in sync within 40 ms
const COMPOSITE_FRAME_MS = 40;   // the composite's 25 fps
const DURATION_SLACK_S = 1.0;
const OFFSET_SLACK_MS = 500;
// The pattern: PERIOD_FRAMES at 30 fps is exactly PERIOD_SAMPLES at 48 kHz,
// and the files hold a whole number of periods, so their loops stay in step.
const FPS = 30;
const PERIOD_FRAMES = 61;
const PERIOD_SAMPLES = (PERIOD_FRAMES / FPS) * 48_000;  // 97 600
const PERIODS = 12;
const PATTERN_S = (PERIOD_FRAMES * PERIODS) / FPS;       // 24.4 s
const BEEP_HZ = 1000;
const TONE_HZ = 300;
// Gray frames decoded for the flash search.
const GW = 160;
const GH = 90;
// A's tile in the composite's strip is about 32×18 of those.
const FLASH_MIN_PX = 150;

export function lipsyncScenarios(h) {
  const { log, assert, TestFailure, withTimeout } = h;

  // ---------------------------------------------------------------- tools

  function run(cmd, args, what) {
    const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, timeout: 180_000 });
    if (r.error || r.status !== 0) {
      throw new TestFailure(`${what}: ${cmd} ${args.join(' ')} failed (${r.error ? r.error.message : `exit ${r.status}`})\n` +
        `${r.stderr ? r.stderr.toString().slice(-2000) : ''}`);
    }
    return r;
  }

  /** The test pattern and the other participants' sounds, in @dir. */
  function makeMedia(dir) {
    const f = {
      flash: join(dir, 'flash.y4m'), beep: join(dir, 'beep.wav'),
      silence: join(dir, 'silence.wav'), tone: join(dir, 'tone.wav'),
    };
    // Black with a gray square moving (the encoder keeps sending), a white
    // frame for 3 frames at the start of each period.
    run('ffmpeg', ['-v', 'error', '-y',
      '-f', 'lavfi', '-i', `color=c=black:s=320x180:r=${FPS}:d=${PATTERN_S}`,
      '-f', 'lavfi', '-i', `color=c=gray:s=24x24:r=${FPS}:d=${PATTERN_S}`,
      '-filter_complex', `[0][1]overlay=x='mod(n*4,296)':y=78:eval=frame,` +
        `drawbox=enable='lt(mod(n,${PERIOD_FRAMES}),3)':x=0:y=0:w=iw:h=ih:color=white:t=fill`,
      '-pix_fmt', 'yuv420p', f.flash], 'the flash video');
    run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i',
      `aevalsrc='if(lt(mod(n,${PERIOD_SAMPLES}),4800),0.5*sin(2*PI*${BEEP_HZ}*t),0)':s=48000:d=${PATTERN_S}`,
      '-ac', '1', '-c:a', 'pcm_s16le', f.beep], 'the beep');
    run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `anullsrc=r=48000:cl=mono:d=${PATTERN_S}`,
      '-c:a', 'pcm_s16le', f.silence], 'silence');
    // Never silent, and not stationary (noise suppression would learn a
    // steady tone away): C's first audio is where its track starts.
    run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i',
      `aevalsrc='0.4*(0.6+0.4*sin(2*PI*3*t))*sin(2*PI*${TONE_HZ}*t)':s=48000:d=${PATTERN_S}`,
      '-ac', '1', '-c:a', 'pcm_s16le', f.tone], 'the tone');
    return f;
  }

  function probe(file) {
    const r = run('ffprobe', ['-v', 'error', '-show_entries',
      'stream=codec_name,codec_type,start_time,duration:format=duration,format_name', '-of', 'json', file], `ffprobe ${file}`);
    return JSON.parse(r.stdout.toString());
  }

  /** pts_time of every frame showinfo/ashowinfo printed. */
  function ptsOf(stderr) {
    const out = [];
    for (const m of stderr.toString().matchAll(/\] n:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[\d.]+)/g)) out.push(Number(m[1]));
    return out;
  }

  /** Gray GW×GH frames of @file's video with their times (s, the file's own). */
  function grayFrames(file) {
    const r = run('ffmpeg', ['-v', 'info', '-nostats', '-copyts', '-i', file, '-an',
      '-vf', `showinfo,scale=${GW}:${GH},format=gray`, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-'], `decoding ${file}`);
    const times = ptsOf(r.stderr);
    const size = GW * GH;
    const n = Math.floor(r.stdout.length / size);
    assert(n === times.length, `${file}: ${n} frames but ${times.length} timestamps`);
    const frames = [];
    for (let i = 0; i < n; i++) frames.push({ t: times[i], px: r.stdout.subarray(i * size, (i + 1) * size) });
    return frames;
  }

  /** Mono 48 kHz samples of @file's audio through @filter, and the time (s) of the first. */
  function pcm(file, filter) {
    const r = run('ffmpeg', ['-v', 'info', '-nostats', '-copyts', '-i', file, '-vn',
      '-af', `ashowinfo,aresample=48000:async=1:min_hard_comp=0.005,pan=mono|c0=c0${filter ? `,${filter}` : ''}`,
      '-f', 's16le', '-acodec', 'pcm_s16le', '-'], `decoding ${file}`);
    const times = ptsOf(r.stderr);
    assert(times.length > 0, `${file}: no audio frames`);
    const b = r.stdout;
    return { start: times[0], samples: new Int16Array(b.buffer, b.byteOffset, Math.floor(b.length / 2)) };
  }

  /** Envelope onsets (s, on @offset's clock) where the signal rises after ≥ @quietS of quiet. */
  function onsets(audio, offset, { quietS = 0.5, level = null } = {}) {
    const s = audio.samples;
    let peak = 0;
    for (let i = 0; i < s.length; i++) peak = Math.max(peak, Math.abs(s[i]));
    const threshold = level ?? peak * 0.25;
    const out = [];
    let lastLoud = -Infinity;
    for (let i = 0; i < s.length; i++) {
      if (Math.abs(s[i]) < threshold) continue;
      const t = i / 48_000;
      if (t - lastLoud >= quietS) out.push(offset + audio.start + t);
      lastLoud = t;
    }
    return { out, peak, threshold };
  }

  /** Mean luma of a frame. */
  const mean = (px) => { let sum = 0; for (const v of px) sum += v; return sum / px.length; };

  /**
   * Flash onsets in @frames (a composite): pixels that are dark in the
   * frame before, bright in this one and dark again 8 frames on; a flash
   * lights a whole tile wherever the layout has put it.
   */
  function compositeFlashes(frames) {
    const counts = frames.map((f, i) => {
      if (i === 0 || i + 8 >= frames.length) return 0;
      const a = frames[i - 1].px;
      const c = frames[i + 8].px;
      let n = 0;
      for (let k = 0; k < f.px.length; k++) if (a[k] < 60 && f.px[k] > 200 && c[k] < 60) n++;
      return n;
    });
    const most = Math.max(...counts);
    // Within half a second the frame lighting the most pixels is the flash:
    // a tile appearing (its name label) lights a few hundred, a flash the
    // whole tile, and a camera's first frame can come just before its first
    // flash.
    const out = [];
    let last = -1;
    for (let i = 0; i < frames.length; i++) {
      if (counts[i] < FLASH_MIN_PX) continue;
      if (last >= 0 && frames[i].t - frames[last].t < 0.5) {
        if (counts[i] > counts[last]) { out[out.length - 1] = frames[i].t; last = i; }
      } else {
        out.push(frames[i].t);
        last = i;
      }
    }
    return { out, most };
  }

  const stats = (ms) => ({
    min: Math.min(...ms), max: Math.max(...ms),
    mean: Math.round((ms.reduce((x, y) => x + y, 0) / ms.length) * 10) / 10,
  });
  const round = (x) => Math.round(x * 10) / 10;

  /**
   * One period per beep, with the flash nearest to it (within half a
   * period: a loaded browser's camera may lag its microphone by a few
   * hundred ms), and beep − flash in ms. Times in s.
   */
  function periods(flashes, beeps) {
    const out = [];
    for (const b of beeps) {
      let best = null;
      for (const f of flashes) if (best === null || Math.abs(b - f) < Math.abs(b - best)) best = f;
      if (best !== null && Math.abs(b - best) < PERIOD_FRAMES / FPS / 2) out.push({ flash: best, beep: b, ms: round((b - best) * 1000) });
    }
    return out;
  }

  /** The period of @list nearest to @x.beep (within 0.5 s). */
  function near(list, x) {
    let best = null;
    for (const y of list) if (best === null || Math.abs(y.beep - x.beep) < Math.abs(best.beep - x.beep)) best = y;
    return best && Math.abs(best.beep - x.beep) < 0.5 ? best : null;
  }

  /**
   * Every period of @got (a recording's beeps and flashes, the flash taken
   * @flashShiftMs earlier) against the capture (@ref): the error is how
   * much later the recording put the beep than the flash, compared with
   * their capture times. The flash is compared with the captured white
   * frame it is (the nearest): a loaded encoder may drop a flash's first
   * frame, which then never reaches the server. Within SYNC_LIMIT_MS.
   */
  function checkAgainst(what, got, ref, flashShiftMs) {
    const nearest = (list, t) => list.reduce((a, b) => (a === null || Math.abs(b - t) < Math.abs(a - t) ? b : a), null);
    // The recording is later than the capture by the publisher's transit:
    // the median distance of the beeps.
    const shifts = got.map((x) => x.beep - nearest(ref.map((r) => r.beep), x.beep)).filter((d) => Math.abs(d) < 1).sort((a, b) => a - b);
    assert(shifts.length > 0, `${what}: no beep near a captured one`);
    const transit = shifts[Math.floor(shifts.length / 2)];
    const rows = [];
    for (const x of got) {
      const beep = nearest(ref.map((r) => r.beep), x.beep - transit);
      const flash = x.flash - flashShiftMs / 1000 - transit;
      const white = nearest(ref.brights, flash);
      if (beep === null || white === null || Math.abs(beep - (x.beep - transit)) > 0.3 || Math.abs(white - flash) > 0.2) continue;
      rows.push({ at: x.beep, ms: x.ms, error: round(((x.beep - transit - beep) - (flash - white)) * 1000) });
    }
    log(`${what}: transit ${round(transit * 1000)} ms, ${got.length} periods; beep − flash (ms) and its error against the capture: ` +
      rows.map((x) => `${x.at.toFixed(3)}s:${x.ms}/${x.error}`).join(' '));
    assert(rows.length >= 6, `${what}: only ${rows.length} of ${got.length} periods match the capture (${JSON.stringify(got)})`);
    const bad = rows.filter((x) => !(Math.abs(x.error) <= SYNC_LIMIT_MS));
    assert(bad.length === 0, `${what}: out of sync by more than ${SYNC_LIMIT_MS} ms: ${JSON.stringify(bad)}`);
    return { raw: stats(rows.map((x) => x.ms)), error: stats(rows.map((x) => x.error)) };
  }

  /**
   * The renderer's placement: each beep of the composite where the track
   * has it, each flash in the composite frame that covers the track's.
   */
  function placement(what, comp, trk) {
    const beep = [];
    const flash = [];
    for (const x of comp) {
      const r = near(trk, x);
      if (!r) continue;
      beep.push(round((x.beep - r.beep) * 1000));
      flash.push(round((x.flash - r.flash) * 1000));
    }
    log(`${what} against A's fragments: beeps moved by (ms) ${beep.join(' ')}; flashes by ${flash.join(' ')}`);
    assert(beep.length >= 6, `${what}: only ${beep.length} periods match A's fragments`);
    assert(beep.every((x) => Math.abs(x) <= 10), `${what}: beeps not where A's microphone track has them: ${beep}`);
    // The composite frame that covers the track's flash, or the one after:
    // a frame that starts inside an output frame's interval is shown in it
    // only if the compositor already holds it when it makes that frame
    // (measured: −38.5…+4.5 ms in one run).
    assert(flash.every((x) => x >= -COMPOSITE_FRAME_MS - 1 && x <= COMPOSITE_FRAME_MS + 1),
      `${what}: flashes not within a frame of A's camera track: ${flash}`);
    return { beep: stats(beep), flash: stats(flash) };
  }

  /** Top-level MP4 boxes, in order. */
  function mp4Boxes(file) {
    const fd = openSync(file, 'r');
    const size = statSync(file).size;
    const out = [];
    try {
      let pos = 0;
      const head = Buffer.alloc(16);
      while (pos + 8 <= size && out.length < 64) {
        readSync(fd, head, 0, 16, pos);
        let len = head.readUInt32BE(0);
        const type = head.toString('latin1', 4, 8);
        if (len === 1) len = Number(head.readBigUInt64BE(8));
        else if (len === 0) len = size - pos;
        out.push(type);
        if (len < 8) break;
        pos += len;
      }
    } finally {
      closeSync(fd);
    }
    return out;
  }

  // ---------------------------------------------------------------- people

  async function launch(t, args) {
    const env = h.environment();
    const browser = await withTimeout(h.chromium().launch({
      executablePath: env.chromiumPath, headless: true,
      args: [...h.CHROMIUM_ARGS, ...BASE_ARGS, ...args], ignoreDefaultArgs: ['--mute-audio'], timeout: 30_000,
    }), 35_000, 'launching Chromium');
    t.cleanup.push(() => browser.close());
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: DESKTOP });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(LOAD_TIMEOUT_MS);
    return context;
  }

  async function person(t, context, login, name) {
    const res = await context.request.post(new URL('api/session', t.url).href, { data: { login, password: h.DEMO_PASSWORD } });
    assert(res.ok(), `log-in of ${login}: HTTP ${res.status()} ${await res.text()}`);
    const me = await res.json();
    const page = await context.newPage();
    page.on('pageerror', (err) => t.consoleLines.push(`${login} page error: ${err.message}`));
    page.on('dialog', (d) => d.accept().catch(() => {}));
    return { login, name, context, page, csrf: me.csrf_token, account: me.account };
  }

  async function call(t, p, method, path, body) {
    const res = await p.context.request.fetch(new URL(path, t.url).href, { method, data: body, headers: { 'X-CSRF-Token': p.csrf } });
    const text = await res.text();
    if (!res.ok()) throw new TestFailure(`${method} ${path} as ${p.login}: HTTP ${res.status()} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  /** Joins from the lobby; resolves with the time (ms, our clock) the publish connection was connected. */
  async function joinRoom(p, url, meetingId) {
    const { page } = p;
    await page.goto(new URL(`room.html?id=${meetingId}`, url).href);
    await page.locator('#lobby-card').waitFor({ state: 'visible', timeout: LOAD_TIMEOUT_MS });
    // Watched in the page from before the click, to the 5 ms.
    const connected = page.evaluate(async (limit) => {
      const until = Date.now() + limit;
      while (Date.now() < until) {
        const pc = window.sanhuiRoom && window.sanhuiRoom.publish;
        if (pc && pc.connectionState === 'connected') return Date.now();
        await new Promise((r) => setTimeout(r, 5));
      }
      return null;
    }, LOAD_TIMEOUT_MS);
    await page.locator('#join-button').click();
    try {
      await page.waitForFunction(() => window.sanhuiRoom && window.sanhuiRoom.joined, null, { timeout: LOAD_TIMEOUT_MS });
    } catch (_) {
      const why = await page.locator('#join-status').textContent().catch(() => '');
      throw new TestFailure(`${p.login} did not join: "${(why || '').trim()}"`);
    }
    const at = await withTimeout(connected, LOAD_TIMEOUT_MS + 5_000, `${p.login}'s publish connection`);
    assert(at !== null, `${p.login}'s publish connection never connected`);
    log(`${p.login} joined, publishing from ${new Date(at).toISOString()}`);
    return at;
  }

  /**
   * In A's page: the pattern as the browser captured it. Chromium's fake
   * devices do not keep the files' audio and video in step (the camera is
   * timer-driven and adapted from 30 to 24 fps, so a flash moves by a frame
   * or more; a loaded machine delays it further), so the reference is each
   * flash's and beep's capture time as the page sees it, read from the
   * tracks being sent (MediaStreamTrackProcessor). Video frames carry
   * Chromium's TimeTicks (CLOCK_MONOTONIC on Linux, as process.hrtime in
   * node), audio frames performance.now() time. Results in window.__pattern, ms.
   */
  function watchPatternInPage() {
    const senders = window.sanhuiRoom.publish.getSenders().filter((x) => x.track);
    const video = senders.find((x) => x.track.kind === 'video').track;
    const audio = senders.find((x) => x.track.kind === 'audio').track;
    const out = { flashes: [], brights: [], beeps: [], lag: Infinity, frames: 0, chunks: 0, stop: false };
    window.__pattern = out;
    const vr = new MediaStreamTrackProcessor({ track: video, maxBufferSize: 60 }).readable.getReader();
    const ar = new MediaStreamTrackProcessor({ track: audio, maxBufferSize: 200 }).readable.getReader();
    const canvas = new OffscreenCanvas(16, 9);
    const g = canvas.getContext('2d', { willReadFrequently: true });
    let bright = false;
    (async () => {
      while (!out.stop) {
        const { value: f, done } = await vr.read();
        if (done) break;
        const now = performance.now();
        out.lag = Math.min(out.lag, now - f.timestamp / 1000); // TimeTicks − performance.now(), plus the least read delay
        g.drawImage(f, 0, 0, 16, 9);
        const d = g.getImageData(0, 0, 16, 9).data;
        let sum = 0;
        for (let i = 0; i < d.length; i += 4) sum += d[i];
        const b = sum / 144 > 128;
        if (b && !bright) out.flashes.push(f.timestamp / 1000);
        if (b) out.brights.push(f.timestamp / 1000);
        bright = b;
        out.frames++;
        f.close();
      }
    })();
    let quiet = 0;
    (async () => {
      while (!out.stop) {
        const { value: a, done } = await ar.read();
        if (done) break;
        const n = a.numberOfFrames;
        const buf = new Float32Array(n);
        a.copyTo(buf, { planeIndex: 0, format: 'f32-planar' });
        for (let i = 0; i < n; i++) {
          if (Math.abs(buf[i]) > 0.1) {
            if (quiet > a.sampleRate / 2) out.beeps.push(a.timestamp / 1000 + (i * 1000) / a.sampleRate);
            quiet = 0;
          } else {
            quiet++;
          }
        }
        out.chunks++;
        a.close();
      }
    })();
  }

  /** What watchPatternInPage saw: flashes and beeps in ms since the epoch. */
  async function patternSeen(p) {
    const r = await p.page.evaluate(() => {
      const o = window.__pattern;
      o.stop = true;
      return { flashes: o.flashes, brights: o.brights, beeps: o.beeps, frames: o.frames, chunks: o.chunks, lag: o.lag,
        origin: performance.timeOrigin, now: performance.now() };
    });
    const monoToEpoch = Date.now() - Number(process.hrtime.bigint() / 1000n) / 1000;
    // The least delay from a frame's capture to its reading in the page: a
    // few ms when both clocks are what they are taken for.
    const readLag = r.lag + r.origin - monoToEpoch;
    assert(readLag > -5 && readLag < 100, `A's page read its frames ${readLag} ms after their capture: unknown clocks`);
    return { ...r, readLag, flashes: r.flashes.map((x) => x + monoToEpoch), brights: r.brights.map((x) => x + monoToEpoch),
      beeps: r.beeps.map((x) => x + r.origin) };
  }

  /**
   * B's screen share through the room page's button: a dark canvas with
   * moving text as the screen (headless Chromium has no screen to capture,
   * and a dark one keeps A's white flashes the brightest thing on the
   * composite).
   */
  async function shareScreen(p) {
    await p.page.evaluate(() => {
      window.sanhuiRoom.screenSource = () => {
        const c = document.createElement('canvas');
        c.width = 1280;
        c.height = 720;
        const g = c.getContext('2d');
        let n = 0;
        setInterval(() => {
          g.fillStyle = '#10243f';
          g.fillRect(0, 0, c.width, c.height);
          g.fillStyle = '#7f8c9d';
          g.font = '64px sans-serif';
          g.fillText(`共享屏幕 ${n++}`, 80, 200 + (n % 200));
        }, 66);
        return c.captureStream(15).getVideoTracks()[0];
      };
    });
    await p.page.locator('#ctl-screen').click();
    await p.page.locator('[data-testid="screen-tile"]').waitFor();
    log(`${p.login} shares a screen`);
  }

  // ---------------------------------------------------------------- recording

  /** When the server logged a line matching @re (ms since the epoch). */
  function serverTime(t, re) {
    const line = t.server.stderr.split('\n').find((l) => re.test(l));
    assert(line, `the server did not log ${re}`);
    const at = Date.parse(line.split(' ')[0]);
    assert(Number.isFinite(at), `no time on the server's line "${line}"`);
    return at;
  }

  async function recordingOf(t, chair, meetingId) {
    const list = (await call(t, chair, 'GET', `api/meetings/${meetingId}/recordings`)).recordings;
    assert(list.length === 1, `meeting ${meetingId} has ${list.length} recordings`);
    return list[0];
  }

  async function body(t) {
    const media = makeMedia(t.tmp);
    log('test pattern written:', media.flash, media.beep);
    const ctxA = await launch(t, [`--use-file-for-fake-video-capture=${media.flash}`, `--use-file-for-fake-audio-capture=${media.beep}`]);
    const ctxB = await launch(t, [`--use-file-for-fake-audio-capture=${media.silence}`]);
    const ctxC = await launch(t, [`--use-file-for-fake-audio-capture=${media.tone}`]);
    const a = await person(t, ctxA, 'member', '黄丽');
    const b = await person(t, ctxB, 'secretary', '王建国');
    const c = await person(t, ctxC, 'member2', '刘洋');

    const orgs = await call(t, b, 'GET', 'api/orgs');
    const branch = (Array.isArray(orgs) ? orgs : orgs.orgs).find((o) => o.name === '第一党支部');
    assert(branch, 'no 第一党支部 in the demo');
    const meeting = await call(t, b, 'POST', `api/orgs/${branch.id}/meetings`, {
      type: 'general', title: `录制测试-${Date.now().toString(36)}`,
      planned_start: new Date(Date.now() + 10 * 60_000).toISOString(),
      planned_end: new Date(Date.now() + 130 * 60_000).toISOString(),
      chair_member_id: b.account.member_id, agenda: ['录制'],
    });
    await call(t, b, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'open' });
    await joinRoom(a, t.url, meeting.id);
    await a.page.evaluate(watchPatternInPage);
    await joinRoom(b, t.url, meeting.id);

    // The recording starts with the meeting.
    await call(t, b, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'in_progress' });
    const rec0 = await recordingOf(t, b, meeting.id);
    assert(rec0.state === 'recording', `the recording is ${rec0.state}`);
    // The REST times are to the second; the server's log has the millisecond.
    const recStart = serverTime(t, new RegExp(`meeting ${meeting.id}: recording ${rec0.id} into`));
    assert(Math.floor(recStart / 1000) * 1000 === Date.parse(rec0.started_at),
      `the recording started at ${rec0.started_at}, the log says ${new Date(recStart).toISOString()}`);
    log(`recording ${rec0.id} started at ${new Date(recStart).toISOString()}`);
    await shareScreen(b);

    await new Promise((r) => setTimeout(r, Math.max(0, recStart + LATE_JOIN_MS - Date.now())));
    const cAt = await joinRoom(c, t.url, meeting.id);
    const cExpected = cAt - recStart;
    log(`C publishing ${cExpected} ms into the recording`);

    // C is recorded for a while even when a loaded machine made it slow to join.
    await new Promise((r) => setTimeout(r, Math.max(0, recStart + MEETING_MS - Date.now(), cAt + MEETING_MS / 2 - Date.now())));
    await call(t, b, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'ended' });
    log('the chair ended the meeting');
    const seen = await patternSeen(a);
    log(`A's page: ${seen.frames} frames (read ${seen.readLag.toFixed(1)} ms or more after capture), ${seen.chunks} audio chunks, ` +
      `${seen.flashes.length} flashes, ${seen.beeps.length} beeps`);

    // The render, polled as the meeting's page does.
    const deadline = Date.now() + RENDER_TIMEOUT_MS;
    let rec = null;
    for (;;) {
      rec = await recordingOf(t, b, meeting.id);
      if (rec.render && (rec.render.state === 'done' || rec.render.state === 'failed')) break;
      if (Date.now() > deadline) throw new TestFailure(`no composite after ${RENDER_TIMEOUT_MS} ms: ${JSON.stringify(rec.render)}`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    assert(rec.render.state === 'done', `the render failed: ${JSON.stringify(rec.render)}`);
    assert(rec.state === 'complete', `the recording is ${rec.state}`);
    const recEnd = serverTime(t, new RegExp(`meeting ${meeting.id} -> ended`));
    const endGap = Date.parse(rec.ended_at) - Math.floor(recEnd / 1000) * 1000;
    assert(endGap >= 0 && endGap <= 2_000, `the recording ended at ${rec.ended_at}, the meeting at ${new Date(recEnd).toISOString()}`);
    const meetingS = (recEnd - recStart) / 1000;
    log(`recording complete, ${meetingS} s; render done after ${rec.render.attempts} attempt(s)`);
    for (const p of [a, b, c]) await p.context.close().catch(() => {});

    // Tracks: mic and camera of each, B's screen; fragments from the job file.
    const dir = join(t.tmp, 'recordings', String(meeting.id), String(rec.id));
    const job = JSON.parse(readFileSync(join(dir, 'render-job.json'), 'utf8'));
    log(`the composite's length ${job.duration_ns / 1e9} s; the meeting ${meetingS} s`);
    assert(Math.abs(job.duration_ns / 1e9 - meetingS) <= DURATION_SLACK_S, 'the composite is not as long as the meeting');
    const want = [['黄丽', 'microphone'], ['黄丽', 'camera'], ['王建国', 'microphone'], ['王建国', 'camera'],
      ['王建国', 'screen'], ['刘洋', 'microphone'], ['刘洋', 'camera']];
    const track = {};
    for (const [name, kind] of want) {
      const rows = rec.tracks.filter((x) => x.name === name && x.kind === kind);
      assert(rows.length === 1, `${name} ${kind}: ${rows.length} track rows (${JSON.stringify(rec.tracks.map((x) => `${x.name} ${x.kind}`))})`);
      const row = rows[0];
      const jobs = job.tracks.filter((x) => x.name === name && x.kind === kind && x.offset_ns === row.offset_ns);
      assert(jobs.length === 1, `${name} ${kind}: not in the render job`);
      const frags = jobs[0].fragments;
      assert(frags.length === row.fragments && frags.length > 0, `${name} ${kind}: ${frags.length} fragments in the job, ${row.fragments} in the store`);
      // A track's fragments continue each other's timestamps from its time
      // 0 (its first packet): what they cover ends at the last one's end.
      // Their own spans are summed too, for the log: a loaded sender's
      // stalls and the wait for the first keyframe are gaps between them.
      let sum = 0;
      let end = 0;
      for (const f of frags) {
        assert(existsSync(f), `missing fragment ${f}`);
        const v = kind === 'microphone' ? '-select_streams a' : '-select_streams v';
        const r = run('ffprobe', ['-v', 'error', ...v.split(' '), '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', f], `ffprobe ${f}`);
        const pk = r.stdout.toString().trim().split('\n').map((l) => l.split(',').map(Number)).filter((x) => Number.isFinite(x[0]));
        assert(pk.length > 0, `${f}: no packets`);
        const first = Math.min(...pk.map((x) => x[0]));
        const last = Math.max(...pk.map((x) => x[0] + (Number.isFinite(x[1]) ? x[1] : 0)));
        sum += last - first;
        end = Math.max(end, last);
      }
      // Every track lasts until the meeting ends.
      assert(Math.abs(Date.parse(row.ended_at) - recEnd) <= 1_000, `${name} ${kind} ended at ${row.ended_at}, the meeting at ${new Date(recEnd).toISOString()}`);
      const span = meetingS - row.offset_ns / 1e9;
      log(`${name} ${kind}: ${frags.length} fragments up to ${end.toFixed(2)} s (${sum.toFixed(2)} s without the gaps); ` +
        `in the meeting ${span.toFixed(2)} s; offset ${(row.offset_ns / 1e6).toFixed(1)} ms`);
      assert(Math.abs(end - span) <= DURATION_SLACK_S, `${name} ${kind}: fragments up to ${end.toFixed(2)} s, track ${span.toFixed(2)} s`);
      track[`${name} ${kind}`] = { row, frags };
    }
    assert(rec.tracks.length === want.length, `${rec.tracks.length} tracks, want ${want.length}`);

    // C at its true offset.
    for (const kind of ['microphone', 'camera']) {
      const off = track[`刘洋 ${kind}`].row.offset_ns / 1e6;
      assert(Math.abs(off - cExpected) <= OFFSET_SLACK_MS, `刘洋 ${kind} at ${off.toFixed(0)} ms, connected at ${cExpected} ms`);
    }

    // The composites.
    const files = rec.files.filter((f) => f.kind === 'composite');
    const webm = join(dir, 'composite.webm');
    const mp4 = join(dir, 'composite.mp4');
    assert(files.length === 2 && existsSync(webm) && existsSync(mp4), `composites: ${JSON.stringify(files)}`);
    for (const [file, vcodec, acodec] of [[webm, 'vp8', 'opus'], [mp4, 'h264', 'aac']]) {
      const pr = probe(file);
      const codecs = pr.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort();
      assert(JSON.stringify(codecs) === JSON.stringify([`audio:${acodec}`, `video:${vcodec}`]), `${file}: streams ${codecs}`);
      const d = Number(pr.format.duration);
      log(`${file}: ${codecs.join(', ')}, ${d.toFixed(2)} s`);
      assert(Math.abs(d - meetingS) <= DURATION_SLACK_S, `${file}: ${d} s, the meeting ${meetingS} s`);
    }
    const boxes = mp4Boxes(mp4);
    assert(boxes.includes('moov') && boxes.includes('mdat') && boxes.indexOf('moov') < boxes.indexOf('mdat'),
      `MP4 boxes ${boxes.join(' ')}: the index is not before the media`);
    log(`MP4 boxes: ${boxes.join(' ')}`);

    // C's first audio in the composite at its offset.
    const cMic = track['刘洋 microphone'].row.offset_ns / 1e9;
    for (const file of [webm, mp4]) {
      // Twice through the band-pass: A's beeps (clipped by Chromium's gain
      // control, so with harmonics) leak through once.
      const band = `bandpass=f=${TONE_HZ}:width_type=h:w=80`;
      const tone = pcm(file, `${band},${band}`);
      const first = onsets(tone, 0, { quietS: 1, level: 2500 }).out[0];
      log(`${file}: C's first audio at ${first?.toFixed(3)} s, its track at ${cMic.toFixed(3)} s`);
      assert(first !== undefined && Math.abs(first - cMic) <= 0.15, `${file}: C heard first at ${first} s, its track starts at ${cMic} s`);
    }

    // Sync. The reference: each period's beep − flash as A's browser
    // captured it, on the meeting's clock (the page's clock is the machine's).
    const src = periods(seen.flashes.map((x) => (x - recStart) / 1000), seen.beeps.map((x) => (x - recStart) / 1000));
    src.brights = seen.brights.map((x) => (x - recStart) / 1000);
    log(`A's capture, beep − flash (ms): ${src.map((x) => `${x.beep.toFixed(3)}s:${x.ms}`).join(' ')}`);
    assert(src.length >= 6, `A's page saw only ${src.length} periods`);

    // A's own fragments, placed at their stored offsets: the recorder's part.
    const camA = track['黄丽 camera'];
    const micA = track['黄丽 microphone'];
    const camOff = camA.row.offset_ns / 1e9;
    const micOff = micA.row.offset_ns / 1e9;
    const frames = camA.frags.flatMap((f) => grayFrames(f));
    const flashes = [];
    for (let i = 1; i < frames.length; i++) {
      if (mean(frames[i].px) > 128 && mean(frames[i - 1].px) <= 128) flashes.push(camOff + frames[i].t);
    }
    const beeps = micA.frags.flatMap((f) => onsets(pcm(f, `bandpass=f=${BEEP_HZ}:width_type=h:w=200`), micOff).out);
    const trk = periods(flashes, beeps);
    const figures = { capture: stats(src.map((x) => x.ms)) };
    figures.tracks = checkAgainst('A\'s fragments', trk, src, 0);
    // ... and the composites: the renderer's part and the whole.
    for (const [tag, file] of [['webm', webm], ['mp4', mp4]]) {
      const cf = compositeFlashes(grayFrames(file));
      const cb = onsets(pcm(file, `bandpass=f=${BEEP_HZ}:width_type=h:w=200`), 0).out;
      const comp = periods(cf.out, cb);
      // A composite frame at T shows the input frames of [T, T + 40 ms) (25 fps).
      figures[tag] = checkAgainst(`composite ${tag} (flash tile ${cf.most} px)`, comp, src, -COMPOSITE_FRAME_MS / 2);
      figures[`${tag} vs tracks`] = placement(`composite ${tag}`, comp, trk);
    }
    log(`sync figures (beep − flash, ms): ${JSON.stringify(figures)}`);
  }

  const roomRecording = async (t) => {
    t.cleanup = [];
    try {
      await body(t);
    } finally {
      for (const f of t.cleanup.reverse()) await withTimeout(Promise.resolve().then(f), 10_000, 'closing').catch(() => {});
    }
  };
  roomRecording.deadlineMs = 420_000;

  return { 'room-recording': roomRecording };
}
