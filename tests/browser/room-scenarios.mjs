// Meeting-room scenarios for run.mjs: several participants, each in its own
// browser context with the fake camera and microphone, in one meeting on
// room.html. The member (黄丽) uses the runner's browser with a phone's
// screen; the secretary (王建国, the chair) and member2 (刘洋) are two more
// contexts of a second Chromium with desktop screens.
//
// Every wait is bounded. Set SANHUI_ROOM_SHOTS=DIR to keep screenshots of
// every page at the end of each scenario.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const MEDIA_ARGS = [
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  // getDisplayMedia without a picker, where the platform can capture.
  '--auto-select-desktop-capture-source=Entire screen', '--enable-usermedia-screen-capturing',
];
const MEDIA_TIMEOUT_MS = 20_000;  // from joining to the thresholds
const MIN_FRAMES = 30;
const MIN_AUDIO_PACKETS = 100;
const LATE_JOIN_LIMIT_MS = 1000;
const DESKTOP = { width: 1280, height: 800 };
// A real phone for the server: what Chrome on an Android phone sends.
const PHONE_UA = 'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Chrome/120.0.0.0 Mobile Safari/537.36';

export function roomScenarios(h) {
  const { log, assert, TestFailure, withTimeout } = h;

  // ---------------------------------------------------------------- setup

  async function newContextIn(t, browser, viewport) {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport });
    context.setDefaultTimeout(h.STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(h.STEP_TIMEOUT_MS);
    t.roomCleanup.push(() => context.close());
    return context;
  }

  async function secondBrowser(t) {
    const env = h.environment();
    const browser = await withTimeout(h.chromium().launch({
      executablePath: env.chromiumPath, headless: true,
      args: [...h.CHROMIUM_ARGS, ...MEDIA_ARGS], ignoreDefaultArgs: ['--mute-audio'], timeout: 30_000,
    }), 35_000, 'launching the second Chromium');
    t.roomCleanup.push(() => browser.close());
    return browser;
  }

  /** A logged-in participant {login, context, page, csrf, account}. */
  async function person(t, context, login, password = h.DEMO_PASSWORD) {
    const res = await context.request.post(new URL('api/session', t.url).href, { data: { login, password } });
    assert(res.ok(), `log-in of ${login}: HTTP ${res.status()} ${await res.text()}`);
    const me = await res.json();
    const page = context.pages()[0] || await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') t.consoleLines.push(`${login} console.${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => t.consoleLines.push(`${login} page error: ${err.message}`));
    page.on('dialog', (d) => d.accept().catch(() => {}));
    const p = { login, context, page, csrf: me.csrf_token, account: me.account };
    t.roomPeople.push(p);
    return p;
  }

  async function call(t, p, method, path, body) {
    const res = await p.context.request.fetch(new URL(path, t.url).href, {
      method, data: body, headers: { 'X-CSRF-Token': p.csrf },
    });
    const text = await res.text();
    if (!res.ok()) throw new TestFailure(`${method} ${path} as ${p.login}: HTTP ${res.status()} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  /** The secretary creates a meeting of 第一党支部 starting in 10 minutes and opens it. */
  async function openMeeting(t, secretary, extra = {}) {
    const orgs = await call(t, secretary, 'GET', 'api/orgs');
    const list = Array.isArray(orgs) ? orgs : orgs.orgs;
    const branch = list.find((o) => o.name === '第一党支部');
    assert(branch, 'no 第一党支部 in the demo');
    const start = new Date(Date.now() + 10 * 60_000).toISOString();
    const end = new Date(Date.now() + 130 * 60_000).toISOString();
    const meeting = await call(t, secretary, 'POST', `api/orgs/${branch.id}/meetings`, {
      type: 'general', title: `浏览器会议测试-${Date.now().toString(36)}`, planned_start: start, planned_end: end,
      chair_member_id: secretary.account.member_id, agenda: ['传达学习上级会议精神'], ...extra,
    });
    await call(t, secretary, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'open' });
    log(`meeting ${meeting.id} (${meeting.type}) opened`);
    return { meeting, branch };
  }

  /** Three people: member in the runner's (phone) browser, the others in a second browser. */
  async function threePeople(t) {
    const browser = await secondBrowser(t);
    const secretary = await person(t, await newContextIn(t, browser, DESKTOP), 'secretary');
    const member = await person(t, t.context, 'member');
    const member2 = await person(t, await newContextIn(t, browser, DESKTOP), 'member2');
    return { browser, secretary, member, member2 };
  }

  /** Opens room.html, checks the lobby, clicks 进入会议; resolves once joined. */
  async function joinRoom(t, p, meetingId, { audioOnly = false } = {}) {
    const { page } = p;
    await page.goto(new URL(`room.html?id=${meetingId}`, t.url).href);
    await page.locator('#lobby-card').waitFor({ state: 'visible' });
    const notice = (await page.locator('[data-testid="lobby-secrecy"]').textContent()) || '';
    assert(notice.includes('严禁在互联网会议中涉及国家秘密（涉密）内容'), `${p.login}: no secrecy notice in the lobby`);
    if (audioOnly) await page.locator('#lobby-audio-only').check();
    await page.locator('#join-button').click();
    try {
      await page.waitForFunction(() => window.sanhuiRoom && window.sanhuiRoom.joined, null, { timeout: h.STEP_TIMEOUT_MS });
    } catch (_) {
      const why = await page.locator('#join-status').textContent().catch(() => '');
      throw new TestFailure(`${p.login} did not join: "${(why || '').trim()}"`);
    }
    p.id = await page.evaluate(() => window.sanhuiRoom.you);
    log(`${p.login} (account ${p.id}) joined`);
  }

  // ---------------------------------------------------------------- media

  /** In the page: what arrives on the subscribe connection, per remote track. */
  async function inboundInPage() {
    const room = window.sanhuiRoom;
    const pc = room && room.subscribe;
    if (!pc) return { state: 'none', tracks: [] };
    const tracks = room.remoteTracks();
    const report = await pc.getStats();
    const out = [];
    report.forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      const info = tracks.find((x) => x.mid === s.mid) || tracks.find((x) => x.trackId === s.trackIdentifier);
      if (!info) return;
      out.push({ account: info.account, kind: s.kind, screen: info.screen, mid: info.mid,
        frames: s.framesDecoded || 0, packets: s.packetsReceived || 0 });
    });
    return { state: pc.connectionState, pub: room.publish ? room.publish.connectionState : 'none', tracks: out };
  }

  async function inbound(p) {
    return withTimeout(p.page.evaluate(inboundInPage), 10_000, `getStats at ${p.login}`);
  }

  /** Sum of frames (video) or packets (audio) from @account at @p. */
  function amount(stats, account, kind, screen = false) {
    let n = 0;
    let found = false;
    for (const s of stats.tracks) {
      if (s.account !== account || s.kind !== kind || (kind === 'video' && !!s.screen !== screen)) continue;
      found = true;
      n += kind === 'video' ? s.frames : s.packets;
    }
    return found ? n : -1;
  }

  function describe(stats, names) {
    return `${stats.state}/${stats.pub}: ` + (stats.tracks.map((s) => `${names[s.account] || s.account} ${s.kind}${s.screen ? '(screen)' : ''} ` +
      `${s.kind === 'video' ? `${s.frames} frames` : `${s.packets} packets`}`).join(', ') || 'no tracks');
  }

  function namesOf(people) {
    return Object.fromEntries(people.map((p) => [p.id, p.login]));
  }

  /**
   * Waits until @p decodes ≥ MIN_FRAMES of each of @others' cameras and
   * receives ≥ MIN_AUDIO_PACKETS of their audio.
   */
  async function waitForMedia(p, others, names, timeoutMs = MEDIA_TIMEOUT_MS) {
    const started = Date.now();
    let last = null;
    while (Date.now() - started < timeoutMs) {
      last = await inbound(p);
      const ok = others.every((o) => amount(last, o.id, 'video') >= MIN_FRAMES && amount(last, o.id, 'audio') >= MIN_AUDIO_PACKETS);
      if (ok) return { ms: Date.now() - started, stats: last };
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new TestFailure(`${p.login} did not get the others' media within ${timeoutMs} ms: ${last ? describe(last, names) : '?'}`);
  }

  /** How much of each (account, kind) arrives at @p over @ms. */
  async function delta(p, ms) {
    const a = await inbound(p);
    await new Promise((r) => setTimeout(r, ms));
    const b = await inbound(p);
    return (account, kind, screen = false) => amount(b, account, kind, screen) - amount(a, account, kind, screen);
  }

  /** Polls @p until @check(deltaFn) holds over windows of @windowMs; fails after @timeoutMs. */
  async function eventually(p, what, check, { windowMs = 1500, timeoutMs = 12_000 } = {}) {
    const started = Date.now();
    let detail = '';
    while (Date.now() - started < timeoutMs) {
      const d = await delta(p, windowMs);
      const r = check(d);
      if (r === true) return Date.now() - started;
      detail = r || '';
    }
    throw new TestFailure(`${what} at ${p.login} (not within ${timeoutMs} ms): ${detail}`);
  }

  async function shots(t, tag) {
    const dir = process.env.SANHUI_ROOM_SHOTS || (t.roomFailed ? t.tmp : null);
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    for (const p of t.roomPeople) {
      const file = join(dir, `${t.name}-${tag}-${p.login}.png`);
      await withTimeout(p.page.screenshot({ path: file, timeout: 5_000 }), 7_000, 'screenshot')
        .then(() => log(`screenshot: ${file}`)).catch((e) => log(`no screenshot of ${p.login}: ${e.message}`));
    }
  }

  /** Runs @body with the room bookkeeping; screenshots and stats on failure. */
  function scenario(body) {
    const run = async (t) => {
      t.roomCleanup = [];
      t.roomPeople = [];
      try {
        await body(t);
        await shots(t, 'end');
      } catch (e) {
        t.roomFailed = true;
        for (const p of t.roomPeople) {
          const s = await inbound(p).catch(() => null);
          if (s) log(`${p.login} at failure: ${describe(s, namesOf(t.roomPeople.filter((x) => x.id)))}`);
          const st = await p.page.locator('#room-status').textContent().catch(() => '');
          if (st) log(`${p.login} status line: ${st.trim()}`);
          if (process.env.SANHUI_ROOM_DEBUG === '1') {
            const sdp = await p.page.evaluate(() => {
              const r = window.sanhuiRoom;
              const d = (pc, which) => (pc && pc[which] ? pc[which].sdp : '(none)');
              return `publish offer:\n${d(r.publish, 'localDescription')}\npublish answer:\n${d(r.publish, 'remoteDescription')}\n` +
                `subscribe offer:\n${d(r.subscribe, 'remoteDescription')}\nsubscribe answer:\n${d(r.subscribe, 'localDescription')}`;
            }).catch((err) => err.message);
            log(`${p.login} SDP:\n${sdp}`);
          }
        }
        await shots(t, 'failure');
        throw e;
      } finally {
        for (const f of t.roomCleanup.reverse()) await withTimeout(Promise.resolve().then(f), 10_000, 'closing').catch(() => {});
      }
    };
    // The runner's own browser gets the fake devices too.
    run.launch = { args: MEDIA_ARGS, ignoreDefaultArgs: ['--mute-audio'] };
    return run;
  }

  async function threeInMeeting(t, extra) {
    const people = await threePeople(t);
    const { secretary, member, member2 } = people;
    const { meeting } = await openMeeting(t, secretary, typeof extra === 'function' ? extra(people) : extra);
    for (const p of [secretary, member, member2]) await joinRoom(t, p, meeting.id);
    const all = [secretary, member, member2];
    const names = namesOf(all);
    await Promise.all(all.map(async (p) => {
      const r = await waitForMedia(p, all.filter((o) => o !== p), names);
      log(`${p.login}: others' video ≥ ${MIN_FRAMES} frames and audio ≥ ${MIN_AUDIO_PACKETS} packets after ${r.ms} ms`);
    }));
    return { ...people, meeting, all, names };
  }

  // ---------------------------------------------------------------- scenarios

  /** Three people in one meeting: each decodes the other two's video and receives their audio. */
  const roomThree = scenario(async (t) => {
    const { secretary, member, member2 } = await threeInMeeting(t, {});
    // The grid: a tile per participant with their name.
    for (const p of [secretary, member, member2]) {
      const tiles = await p.page.locator('[data-testid="video-tile"]').count();
      assert(tiles === 3, `${p.login} shows ${tiles} video tiles, want 3`);
    }
    const names = await secretary.page.locator('[data-testid="tile-name"]').allTextContents();
    for (const want of ['黄丽', '刘洋']) assert(names.some((n) => n.includes(want)), `secretary's tiles lack ${want}: ${names.join(', ')}`);
    // Chat: a line from the member reaches the others.
    await member.page.locator('#ctl-chat').click();
    await member.page.locator('#chat-input').fill('大家好，我是黄丽');
    await member.page.locator('#chat-send').click();
    await member2.page.locator('#tab-chat').click();
    await member2.page.locator('[data-testid="chat-text"]', { hasText: '大家好，我是黄丽' }).waitFor();
    await member.page.locator('#side-close').click();
  });

  /** A screen share: a third video section on the publish connection, a tile at the others. */
  const roomScreen = scenario(async (t) => {
    const { secretary, member, member2, names } = await threeInMeeting(t, {});
    const display = await secretary.page.evaluate(async () => {
      try {
        const s = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
        const tr = s.getVideoTracks()[0];
        const ok = !!tr && tr.readyState === 'live';
        s.getTracks().forEach((x) => x.stop());
        return ok ? 'ok' : 'no live track';
      } catch (e) {
        return `${e.name}: ${e.message}`;
      }
    });
    if (display !== 'ok') {
      // Headless Chromium has no screen to capture: a canvas track goes
      // through the same code path (ctl-screen → RoomMedia.startScreen →
      // meeting.publish renegotiation).
      log(`getDisplayMedia unavailable headless (${display}); sharing a canvas instead`);
      await secretary.page.evaluate(() => {
        window.sanhuiRoom.screenSource = () => {
          const c = document.createElement('canvas');
          c.width = 1280;
          c.height = 720;
          const g = c.getContext('2d');
          let n = 0;
          setInterval(() => {
            g.fillStyle = '#fdecea';
            g.fillRect(0, 0, c.width, c.height);
            g.fillStyle = '#b71c1c';
            g.font = '64px sans-serif';
            g.fillText(`共享屏幕测试 ${n++}`, 80, 200 + (n % 200));
          }, 66);
          return c.captureStream(15).getVideoTracks()[0];
        };
      });
    }
    await secretary.page.locator('#ctl-screen').click();
    await secretary.page.locator('[data-testid="screen-tile"]').waitFor();
    // The publish connection is offered again with a second video section, and answered.
    await secretary.page.waitForFunction(() => {
      const pc = window.sanhuiRoom.publish;
      const video = (d) => (d && d.sdp.match(/^m=video/gm) || []).length;
      return pc && video(pc.localDescription) === 2 && video(pc.remoteDescription) === 2 && pc.signalingState === 'stable';
    }, null, { timeout: h.STEP_TIMEOUT_MS }).catch(() => {
      throw new TestFailure('the publish connection was not renegotiated with a second video section');
    });
    const screenArrives = async (round) => {
      for (const p of [member, member2]) {
        const started = Date.now();
        let s = null;
        while (Date.now() - started < MEDIA_TIMEOUT_MS) {
          s = await inbound(p);
          if (amount(s, secretary.id, 'video', true) >= MIN_FRAMES) break;
          await new Promise((r) => setTimeout(r, 250));
        }
        assert(amount(s, secretary.id, 'video', true) >= MIN_FRAMES,
          `${p.login} did not decode the screen share (${round}): ${describe(s, names)}`);
        await p.page.locator('[data-testid="screen-tile"]').waitFor();
        log(`${p.login} decoded ${MIN_FRAMES} frames of the screen share (${round}) after ${Date.now() - started} ms`);
        const d = await delta(p, 1000);
        assert(d(secretary.id, 'video') >= 5 && d(secretary.id, 'video', true) >= 1,
          `${p.login}: camera +${d(secretary.id, 'video')} and screen +${d(secretary.id, 'video', true)} frames in 1 s during the share`);
      }
    };
    await screenArrives('first share');
    await shots(t, 'sharing');
    // Stop: the publish connection is renegotiated, the tiles go.
    await secretary.page.locator('#ctl-screen').click();
    for (const p of [member, member2]) {
      await p.page.locator('[data-testid="screen-tile"]').waitFor({ state: 'detached' });
    }
    log('the screen tile went away at the others after 停止共享');
    // Sharing again reuses the publish section (mid 2): a new track at the others.
    await secretary.page.locator('#ctl-screen').click();
    await screenArrives('second share');
  });

  /** A late joiner decodes the others' video within 1 s of its subscribe connection being up. */
  const roomLateJoiner = scenario(async (t) => {
    const { secretary, member, member2 } = await threePeople(t);
    const { meeting } = await openMeeting(t, secretary);
    await joinRoom(t, secretary, meeting.id);
    await joinRoom(t, member, meeting.id);
    const early = [secretary, member];
    const names = { ...namesOf(early) };
    await waitForMedia(secretary, [member], names);
    await waitForMedia(member, [secretary], names);

    const page = member2.page;
    await page.goto(new URL(`room.html?id=${meeting.id}`, t.url).href);
    await page.locator('#lobby-card').waitFor({ state: 'visible' });
    await page.locator('#join-button').click();
    // In the page: poll every 20 ms from now on.
    const r = await withTimeout(page.evaluate(async ({ want, deadline }) => {
      const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
      const t0 = performance.now();
      const first = {};
      while (performance.now() - t0 < deadline) {
        const room = window.sanhuiRoom;
        const pc = room && room.subscribe;
        if (pc && room.subscribeConnectedAt !== null) {
          const tracks = room.remoteTracks();
          const report = await pc.getStats();
          report.forEach((s) => {
            if (s.type !== 'inbound-rtp' || s.kind !== 'video' || !(s.framesDecoded > 0)) return;
            const info = tracks.find((x) => x.mid === s.mid);
            if (info && !info.screen && first[info.account] === undefined) first[info.account] = performance.now();
          });
          if (want.every((a) => first[a] !== undefined)) {
            return { connectedAt: room.subscribeConnectedAt, first, waitedFrom: t0 };
          }
        }
        await sleep(20);
      }
      return { connectedAt: window.sanhuiRoom && window.sanhuiRoom.subscribeConnectedAt, first, timeout: true };
    }, { want: [secretary.id, member.id], deadline: MEDIA_TIMEOUT_MS }), MEDIA_TIMEOUT_MS + 5_000, 'late joiner measurement');
    assert(!r.timeout, `the late joiner did not decode both videos: connected at ${r.connectedAt}, first frames ${JSON.stringify(r.first)}`);
    for (const o of [secretary, member]) {
      const ms = Math.round(r.first[o.id] - r.connectedAt);
      log(`late joiner: first frame of ${o.login}'s video ${ms} ms after the subscribe connection was connected`);
      assert(ms <= LATE_JOIN_LIMIT_MS, `${o.login}'s video took ${ms} ms (limit ${LATE_JOIN_LIMIT_MS} ms)`);
    }
    member2.id = await page.evaluate(() => window.sanhuiRoom.you);
  });

  /**
   * The member switches to audio only (a weak network): the server stops
   * sending them the others' cameras while their audio keeps coming;
   * switching back brings the cameras back.
   */
  const roomAudioOnly = scenario(async (t) => {
    const { secretary, member, member2 } = await threeInMeeting(t, {});
    await member.page.locator('#ctl-audio-only').click();
    const ms = await eventually(member, 'the others\' cameras stop while their audio keeps coming', (d) => {
      const frames = d(secretary.id, 'video') + d(member2.id, 'video');
      const audio = d(secretary.id, 'audio') + d(member2.id, 'audio');
      return (frames <= 2 && audio >= 80) || `cameras +${frames} frames, audio +${audio} packets in 1.5 s`;
    });
    log(`member in audio only: cameras stopped, audio flowing (checked after ${ms} ms)`);
    // The others keep receiving each other's cameras.
    const d2 = await delta(member2, 1500);
    assert(d2(secretary.id, 'video') >= 10, `member2 lost the secretary's camera while the member was in audio only`);
    await member.page.locator('#ctl-audio-only').click();
    const back = await eventually(member, 'the others\' cameras come back', (d) => {
      const frames = Math.min(d(secretary.id, 'video'), d(member2.id, 'video'));
      return frames >= 10 || `cameras +${frames} frames in 1.5 s`;
    });
    log(`member back to video: the cameras came back (checked after ${back} ms)`);
  });

  /** The chair mutes member2: the server stops forwarding their audio only; unmuting resumes it. */
  const roomChairMute = scenario(async (t) => {
    const { secretary, member, member2 } = await threeInMeeting(t, {});
    const row = secretary.page.locator(`[data-testid="participant-row"][data-account="${member2.id}"]`);
    await row.locator('[data-testid="chair-mute"]').click();
    await member.page.locator(`[data-testid="video-tile"][data-account="${member2.id}"] [data-testid="tile-muted"]`).waitFor();
    await member2.page.waitForFunction(() => document.querySelector('#ctl-mic').dataset.state === 'chair-muted');
    log('member2 muted by the chair (roster and their page agree)');
    for (const p of [secretary, member]) {
      const other = p === secretary ? member : secretary;
      const ms = await eventually(p, 'member2\'s audio stops while the other keeps flowing', (d) => {
        const muted = d(member2.id, 'audio');
        const flowing = d(other.id, 'audio');
        return (muted <= 2 && flowing >= 40) || `member2 +${muted} packets, ${other.login} +${flowing} packets in 1.5 s`;
      });
      log(`${p.login}: member2's audio stopped (others' audio flowing), checked after ${ms} ms`);
    }
    // member2 still hears everyone.
    const d2 = await delta(member2, 1500);
    assert(d2(secretary.id, 'audio') >= 40 && d2(member.id, 'audio') >= 40, 'member2 stopped receiving audio while muted');
    await shots(t, 'muted');
    await row.locator('[data-testid="chair-mute"]').click();
    await member2.page.waitForFunction(() => document.querySelector('#ctl-mic').dataset.state === 'on');
    for (const p of [secretary, member]) {
      const ms = await eventually(p, 'member2\'s audio resumes', (d) => {
        const n = d(member2.id, 'audio');
        return n >= 40 || `member2 +${n} packets in 1.5 s`;
      });
      log(`${p.login}: member2's audio resumed, checked after ${ms} ms`);
    }

    // The chair starts and ends the meeting: everyone is back in the lobby.
    await secretary.page.locator('#tab-chair').click();
    await secretary.page.locator('[data-testid="chair-start"]').click();
    await member.page.waitForFunction(() => document.querySelector('#room-state').dataset.state === 'in_progress');
    await secretary.page.locator('[data-testid="chair-end"]').click(); // the confirm() is accepted
    for (const p of [member, member2]) {
      await p.page.locator('#lobby').waitFor({ state: 'visible' });
      const text = ((await p.page.locator('#join-status').textContent()) || '').trim();
      assert(text.includes('会议已结束'), `${p.login} after the end sees "${text}"`);
      assert(!(await p.page.evaluate(() => window.sanhuiRoom.subscribe)), `${p.login} kept its connections after the end`);
    }
    log('the chair started and ended the meeting; everyone is back in the lobby');
  });

  /** Lesson mode: only the lecturer's video goes on; the floor lets the member back in. */
  const roomLesson = scenario(async (t) => {
    // 刘洋 (member2) lectures; the secretary chairs.
    const { secretary, member, member2 } = await threeInMeeting(t, (people) => ({
      type: 'lesson', topic: '学习贯彻党的二十大精神', lecturer_member_id: people.member2.account.member_id,
    }));
    await secretary.page.locator('#tab-chair').click();
    await secretary.page.locator('[data-testid="chair-lesson"]').click();
    await member.page.locator('#room-lesson').waitFor({ state: 'visible' });
    log('lesson mode on');
    let ms = await eventually(secretary, 'the member\'s video stops, the lecturer\'s goes on', (d) => {
      const stopped = d(member.id, 'video');
      const lecturer = d(member2.id, 'video');
      return (stopped <= 1 && lecturer >= 10) || `member +${stopped} frames, lecturer +${lecturer} frames in 1.5 s`;
    });
    log(`secretary: the member's video stopped, the lecturer's goes on (checked after ${ms} ms)`);
    ms = await eventually(member2, 'the member\'s video stops', (d) => {
      const stopped = d(member.id, 'video');
      return stopped <= 1 || `member +${stopped} frames in 1.5 s`;
    });
    log(`member2 (lecturer): the member's video stopped (checked after ${ms} ms)`);
    ms = await eventually(member, 'the lecturer\'s video goes on', (d) => {
      const lecturer = d(member2.id, 'video');
      return lecturer >= 10 || `lecturer +${lecturer} frames in 1.5 s`;
    });
    await shots(t, 'lesson');

    // The chair gives the member the floor: their video comes back.
    const row = secretary.page.locator(`[data-testid="participant-row"][data-account="${member.id}"]`);
    await secretary.page.locator('#tab-people').click();
    await row.locator('[data-testid="chair-give-floor"]').click();
    await member.page.locator(`[data-testid="participant-row"][data-account="${member.id}"] [data-testid="person-floor"]`)
      .waitFor({ state: 'attached' });
    for (const p of [secretary, member2]) {
      ms = await eventually(p, 'the member\'s video resumes with the floor', (d) => {
        const n = d(member.id, 'video');
        return n >= 10 || `member +${n} frames in 1.5 s`;
      });
      log(`${p.login}: the member's video resumed with the floor (checked after ${ms} ms)`);
    }
  });

  /**
   * A phone loses its network: the member's WebSocket drops, the page joins
   * again by itself with new connections, and media flows both ways again
   * (the server offers the member's new tracks next to the inactive old ones).
   */
  const roomRejoin = scenario(async (t) => {
    const browser = await secondBrowser(t);
    const secretary = await person(t, await newContextIn(t, browser, DESKTOP), 'secretary');
    const member = await person(t, t.context, 'member');
    // Keep the page's sockets within reach, to drop them as a lost network would.
    await member.page.addInitScript(() => {
      const Native = window.WebSocket;
      window.sanhuiTestSockets = [];
      window.WebSocket = class extends Native {
        constructor(...args) {
          super(...args);
          window.sanhuiTestSockets.push(this);
        }
      };
    });
    const { meeting } = await openMeeting(t, secretary);
    await joinRoom(t, secretary, meeting.id);
    await joinRoom(t, member, meeting.id);
    const names = namesOf([secretary, member]);
    await waitForMedia(secretary, [member], names);
    await waitForMedia(member, [secretary], names);
    await member.page.evaluate(() => window.sanhuiTestSockets.forEach((w) => w.close()));
    await member.page.locator('#room-status', { hasText: '正在重新连接' }).waitFor();
    await member.page.locator('#room-status', { hasText: '已重新连接' }).waitFor({ timeout: 15_000 });
    log('the member\'s page joined again by itself');
    // New connections: the counts start again from zero.
    await waitForMedia(member, [secretary], names);
    await waitForMedia(secretary, [member], names);
    const tiles = await secretary.page.locator('[data-testid="video-tile"]').count();
    assert(tiles === 2, `the secretary shows ${tiles} tiles after the rejoin, want 2`);
    log('media flows both ways again after the rejoin');
  });

  /** Someone not expected at the meeting is refused with the Chinese not_invited message. */
  const roomRefused = scenario(async (t) => {
    const browser = await secondBrowser(t);
    const secretary = await person(t, await newContextIn(t, browser, DESKTOP), 'secretary');
    const { meeting } = await openMeeting(t, secretary);
    const inspector = await person(t, t.context, 'inspector');
    await inspector.page.goto(new URL(`room.html?id=${meeting.id}`, t.url).href);
    await inspector.page.locator('#lobby-card').waitFor({ state: 'visible' });
    await inspector.page.locator('#join-button').click();
    const status = inspector.page.locator('#join-status');
    await inspector.page.waitForFunction(() => document.querySelector('#join-status').dataset.code, null);
    const text = ((await status.textContent()) || '').trim();
    const code = await status.getAttribute('data-code');
    log(`inspector refused: ${code}: ${text}`);
    assert(code === 'not_invited', `refusal code "${code}"`);
    assert(text === '您不在本次会议的参会名单中，无法入会', `refusal text "${text}"`);
    assert(await inspector.page.locator('#room').isHidden(), 'the refused inspector sees the room');
    await shots(t, 'refused');

    // A meeting not yet open: the member is told when it opens (Beijing time).
    const member = await person(t, await newContextIn(t, browser, { width: 390, height: 844 }), 'member');
    const mine = await call(t, member, 'GET', 'api/my/meetings');
    const later = (mine.meetings || mine).find((m) => m.state === 'scheduled' && new Date(m.planned_start) - Date.now() > 3_600_000);
    assert(later, 'the demo has no later meeting for the member');
    await member.page.goto(new URL(`room.html?id=${later.id}`, t.url).href);
    await member.page.locator('#join-button').click();
    await member.page.waitForFunction(() => document.querySelector('#join-status').dataset.code, null);
    const notOpen = ((await member.page.locator('#join-status').textContent()) || '').trim();
    log(`member, meeting ${later.id}: ${notOpen}`);
    assert(/尚未开放/.test(notOpen) && /北京时间/.test(notOpen), `not_open message: "${notOpen}"`);
  });

  /**
   * Every chair and participant action through the pages, then the meeting's
   * event log: one event per change, in order, with who did it. A change the
   * room does not emit is missing here and fails the scenario.
   */
  const roomEventLog = scenario(async (t) => {
    const { secretary, member, member2, meeting } = await threeInMeeting(t, {});
    const chair = secretary.id;
    const expected = [];
    // Connection losses follow the network, not the actions: left out here
    // (tests/test-room-events.c covers them).
    const logged = async () => (await call(t, secretary, 'GET', `api/meetings/${meeting.id}/events`)).events
      .filter((e) => !e.kind.startsWith('connection_'))
      .map((e) => {
        const d = e.detail ? (typeof e.detail === 'string' ? JSON.parse(e.detail) : e.detail) : {};
        return [e.kind, e.account_id || 0, d.media || '', d.by || 0, d.reason || ''].join(' ');
      });
    const expect = (kind, account, { media = '', by = 0, reason = '' } = {}) =>
      expected.push([kind, account, media, by, reason].join(' '));
    /** Runs @action and waits until the log has every event expected so far. */
    const step = async (what, action) => {
      await action();
      const deadline = Date.now() + 10_000;
      let got = await logged();
      while (got.length < expected.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        got = await logged();
      }
      assert(got.length === expected.length && got.every((g, i) => g === expected[i]),
        `${what}: event log\n  ${got.join('\n  ')}\nwant\n  ${expected.join('\n  ')}`);
      log(`${what}: ${got.length} events as expected`);
    };
    const rowOf = (p) => secretary.page.locator(`[data-testid="participant-row"][data-account="${p.id}"]`);
    const chairButton = (testid) => secretary.page.locator(`[data-testid="chair-console"] [data-testid="${testid}"]`).first();

    for (const p of [secretary, member, member2]) expect('joined', p.id);
    await step('three joined', async () => {});

    expect('muted', member.id, { media: 'audio', by: member.id });
    expect('unmuted', member.id, { media: 'audio', by: member.id });
    expect('muted', member.id, { media: 'video', by: member.id });
    expect('unmuted', member.id, { media: 'video', by: member.id });
    await step('the member\'s own microphone and camera', async () => {
      for (const [id, state] of [['ctl-mic', 'muted'], ['ctl-mic', 'on'], ['ctl-camera', 'off'], ['ctl-camera', 'on']]) {
        await member.page.locator(`#${id}`).click();
        await member.page.waitForFunction(([i, s]) => document.getElementById(i).dataset.state === s, [id, state]);
      }
    });

    expect('hand_raised', member2.id);
    expect('hand_lowered', member2.id, { by: chair });
    expect('floor_given', member2.id, { by: chair });
    expect('floor_taken', member2.id, { by: chair });
    await step('a hand, the floor given and taken', async () => {
      await member2.page.locator('#ctl-hand').click();
      await secretary.page.locator('#tab-chair').click();
      await secretary.page.locator('[data-testid="chair-hand"]').waitFor();
      await secretary.page.locator('[data-testid="chair-hand"] [data-testid="chair-give-floor"]').click();
      await secretary.page.locator('[data-testid="chair-floor"] [data-testid="chair-take-floor"]').click();
      await secretary.page.locator('[data-testid="chair-floor"] [data-testid="chair-take-floor"]').waitFor({ state: 'detached' });
    });

    expect('muted', member.id, { media: 'audio', by: chair });
    expect('unmuted', member.id, { media: 'audio', by: chair });
    expect('muted', member.id, { media: 'video', by: chair });
    expect('unmuted', member.id, { media: 'video', by: chair });
    await step('the chair mutes and unmutes the member', async () => {
      await secretary.page.locator('#tab-people').click();
      for (const [testid, state] of [['chair-mute', 'chair-muted'], ['chair-mute', 'on']]) {
        await rowOf(member).locator(`[data-testid="${testid}"]`).click();
        await member.page.waitForFunction((s) => document.getElementById('ctl-mic').dataset.state === s, state);
      }
      for (const label of ['允许视频', '关闭视频']) {
        await rowOf(member).locator('[data-testid="chair-video"]').click();
        await rowOf(member).locator('[data-testid="chair-video"]', { hasText: label }).waitFor();
      }
    });

    expect('all_muted', 0, { by: chair });
    for (const p of [member, member2]) expect('muted', p.id, { media: 'audio', by: chair });
    expect('all_unmuted', 0, { by: chair });
    for (const p of [member, member2]) expect('unmuted', p.id, { media: 'audio', by: chair });
    for (const kind of ['locked', 'unlocked', 'lesson_mode_on', 'lesson_mode_off', 'started']) expect(kind, 0, { by: chair });
    await step('mute all, lock, lesson mode, start', async () => {
      await secretary.page.locator('#tab-chair').click();
      for (const [testid, label] of [['chair-mute-all', '解除全体静音'], ['chair-mute-all', '全体静音'],
        ['chair-lock', '解除锁定'], ['chair-lock', '锁定会议'],
        ['chair-lesson', '关闭党课模式'], ['chair-lesson', '开启党课模式']]) {
        await chairButton(testid).click();
        await secretary.page.locator(`[data-testid="${testid}"]`, { hasText: new RegExp(`^${label}$`) }).waitFor();
      }
      await chairButton('chair-start').click();
      await member.page.waitForFunction(() => document.querySelector('#room-state').dataset.state === 'in_progress');
    });

    expect('removed', member2.id, { by: chair });
    await step('the chair removes member2', async () => {
      await secretary.page.locator('#tab-people').click();
      await rowOf(member2).locator('[data-testid="chair-remove"]').click();
      await rowOf(member2).waitFor({ state: 'detached' });
    });

    expect('ended', 0, { by: chair });
    for (const p of [secretary, member]) expect('left', p.id, { reason: 'ended' });
    await step('the chair ends the meeting', async () => {
      await secretary.page.locator('#tab-chair').click();
      await chairButton('chair-end').click();
      await member.page.locator('#lobby').waitFor({ state: 'visible' });
    });
  });

  /**
   * Attendance from real media (api/meetings/{id}/attendance): the member,
   * on a real phone context (an Android Chrome User-Agent, mobile, touch),
   * has their network drop in a meeting in progress and the page joins
   * again: two intervals, the second ended with the meeting, the right
   * total, device phone, video; member2 joins from the audio-only lobby and
   * is recorded audio-only; the secretary's attendance page shows 手机 and
   * 仅音频; the CSV export has the BOM, the Chinese headers and the
   * member's line.
   */
  const roomAttendance = scenario(async (t) => {
    const browser = await secondBrowser(t);
    const secretary = await person(t, await newContextIn(t, browser, DESKTOP), 'secretary');
    const phone = await browser.newContext({
      locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 390, height: 844 },
      userAgent: PHONE_UA, isMobile: true, hasTouch: true, deviceScaleFactor: 3,
    });
    phone.setDefaultTimeout(h.STEP_TIMEOUT_MS);
    phone.setDefaultNavigationTimeout(h.STEP_TIMEOUT_MS);
    t.roomCleanup.push(() => phone.close());
    const member = await person(t, phone, 'member');
    const member2 = await person(t, await newContextIn(t, browser, DESKTOP), 'member2');
    await member.page.addInitScript(() => {
      const Native = window.WebSocket;
      window.sanhuiTestSockets = [];
      window.WebSocket = class extends Native {
        constructor(...args) {
          super(...args);
          window.sanhuiTestSockets.push(this);
        }
      };
    });
    const { meeting } = await openMeeting(t, secretary);
    await call(t, secretary, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'in_progress' });
    await joinRoom(t, secretary, meeting.id);
    await joinRoom(t, member, meeting.id);
    await joinRoom(t, member2, meeting.id, { audioOnly: true });
    const names = namesOf([secretary, member, member2]);
    const rowOf = (record, p) => record.members.find((m) => m.member_id === p.account.member_id);
    /* The record once @done(record) holds: the camera's packets reach the
     * server a moment after the media connection is up. */
    const recordWhen = async (what, done) => {
      const started = Date.now();
      let record = null;
      while (Date.now() - started < MEDIA_TIMEOUT_MS) {
        record = await call(t, secretary, 'GET', `api/meetings/${meeting.id}/attendance`);
        if (done(record)) return record;
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new TestFailure(`${what} within ${MEDIA_TIMEOUT_MS} ms: ${JSON.stringify(record && record.members.map((m) => [m.name, m.intervals]))}`);
    };
    const open = (record, p) => {
      const r = rowOf(record, p);
      return r && r.intervals.find((i) => !i.ended_at);
    };
    await waitForMedia(member, [secretary], names);
    await recordWhen('the phone\'s camera made its interval video, member2 present', (r) =>
      open(r, member) && open(r, member).video && open(r, member2));
    await member.page.evaluate(() => window.sanhuiTestSockets.forEach((w) => w.close()));
    await member.page.locator('#room-status', { hasText: '已重新连接' }).waitFor({ timeout: 15_000 });
    await waitForMedia(member, [secretary], names);
    await recordWhen('the phone\'s second interval became video', (r) =>
      rowOf(r, member).intervals.length === 2 && open(r, member) && open(r, member).video);
    await call(t, secretary, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'ended' });
    const record = await call(t, secretary, 'GET', `api/meetings/${meeting.id}/attendance`);
    const row = rowOf(record, member);
    assert(row, 'the member has no row in the record');
    const spans = row.intervals.map((i) => `${i.started_at}–${i.ended_at} ${i.end_reason} ${i.device}${i.video ? ' video' : ''}`);
    log(`member's intervals: ${spans.join('; ')}; status ${row.status}, ${row.total_seconds} s`);
    assert(row.intervals.length === 2, `the member has ${row.intervals.length} intervals, want 2`);
    assert(row.intervals[1].end_reason === 'meeting_ended', `second interval ended by ${row.intervals[1].end_reason}`);
    assert(row.intervals.every((i) => i.device === 'phone' && i.video),
      `the phone's intervals are not phone with video: ${spans.join('; ')}`);
    const audioOnly = rowOf(record, member2);
    assert(audioOnly && audioOnly.intervals.length >= 1 &&
      audioOnly.intervals.every((i) => !i.video && i.device === 'computer'),
      `member2 (audio-only lobby) intervals: ${JSON.stringify(audioOnly && audioOnly.intervals)}`);
    log(`member2 (audio only): ${audioOnly.intervals.length} interval(s), none with video`);
    const seconds = row.intervals.reduce((n, i) => n + (Date.parse(i.ended_at) - Date.parse(i.started_at)) / 1000, 0);
    assert(Math.abs(seconds - row.total_seconds) <= 2, `total ${row.total_seconds} s, the intervals make ${seconds} s`);
    const chair = record.members.find((m) => m.member_id === secretary.account.member_id);
    assert(chair && chair.intervals.length === 1 && chair.intervals[0].device === 'computer' && chair.intervals[0].video,
      `the secretary's intervals: ${JSON.stringify(chair && chair.intervals)}`);

    // The secretary's attendance page of the meeting says the same.
    const sec = secretary.page;
    await sec.goto(new URL(`meeting.html?id=${meeting.id}`, t.url).href);
    await sec.locator('[data-testid="ar-state"][data-live="false"]').waitFor();
    const shown = async (p) => sec.locator(
      `[data-testid="ar-members"] [data-testid="ar-row"][data-member-id="${p.account.member_id}"] [data-testid="ar-interval"]`)
      .allTextContents();
    const phoneSpans = await shown(member);
    assert(phoneSpans.length === 2 && phoneSpans.every((s) => s.includes('手机 · 视频')),
      `the phone's intervals on the secretary's page: ${phoneSpans.join(' | ')}`);
    const audioSpans = await shown(member2);
    assert(audioSpans.length >= 1 && audioSpans.every((s) => s.includes('电脑 · 仅音频')),
      `member2's intervals on the secretary's page: ${audioSpans.join(' | ')}`);
    log(`the secretary's page: ${phoneSpans[0]}; ${audioSpans[0]}`);

    const res = await secretary.context.request.get(new URL(`api/meetings/${meeting.id}/attendance?format=csv`, t.url).href);
    assert(res.ok(), `CSV: HTTP ${res.status()}`);
    assert((res.headers()['content-disposition'] || '').includes("filename*=UTF-8''"), 'CSV: no filename*');
    const bytes = await res.body();
    assert(bytes[0] === 0xEF && bytes[1] === 0xBB && bytes[2] === 0xBF, 'CSV: no byte order mark');
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    assert(lines[5].startsWith('姓名,身份,表决权,出席情况,'), `CSV header: ${lines[5]}`);
    const mine = lines.find((l) => l.startsWith(`${row.name},`));
    assert(mine && mine.split('；').length === 2 && mine.includes('（会议结束）'), `CSV line of the member: ${mine}`);
    log('attendance: two intervals, the right total, and the CSV line');
  });

  return {
    'room-three': roomThree,
    'room-screen': roomScreen,
    'room-late-joiner': roomLateJoiner,
    'room-chair-mute': roomChairMute,
    'room-audio-only': roomAudioOnly,
    'room-lesson': roomLesson,
    'room-refused': roomRefused,
    'room-rejoin': roomRejoin,
    'room-event-log': roomEventLog,
    'room-attendance': roomAttendance,
  };
}
