// Crash scenario for run.mjs (room-crash; docs/api.md "Attendance record",
// docs/votes.md): a live general meeting of the first branch on room.html,
// 黄丽 (member) on a phone-sized page in the runner's browser, 王建国 (the
// secretary, chair), 刘洋 (member2) and 李红梅 in a second Chromium with
// desktop screens (the fourth makes the quorum of six voting members, so that
// a vote can be open; both take part audio-only). 张伟 asked for leave before and it was approved.
// Chat lines are sent and acknowledged, a roll call answered, a secret ballot
// open with one ballot cast; then the server is killed with SIGKILL and
// started again on the same port and data directory. The pages must join
// again by themselves, and the record must show the crash: every interval
// open at the kill closed as "crash" within the heartbeat bound, a new one
// after the rejoin, the chat and the roll call intact, the vote void, the
// meeting still in progress and ended normally, the CSV saying 服务器故障.
//
// Every wait is bounded. Set SANHUI_ROOM_SHOTS=DIR to keep screenshots.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const MEDIA_ARGS = [
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];
const DESKTOP = { width: 1280, height: 800 };
const HEARTBEAT_MS = 5_000;  // docs/api.md "Crash": the recorded end is at most this before the kill
const CLOCK_SLACK_MS = 1_500; // the server's clock against ours, and the time a kill takes
const SHOWN_MS = 1_000;       // times are kept to the microsecond but shown to the second
const REJOIN_TIMEOUT_MS = 60_000; // the pages' backoff, and media again, on a loaded machine
// Five pages with live media on a small machine: loading and joining get
// more time than a step, and every step twice the usual.
const LOAD_TIMEOUT_MS = 30_000;
const CRASH_STEP_TIMEOUT_MS = 20_000;

export function crashScenarios(h) {
  const { log, assert, TestFailure, withTimeout } = h;

  async function newContextIn(t, browser, viewport) {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport });
    context.setDefaultTimeout(CRASH_STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(LOAD_TIMEOUT_MS);
    t.cleanup.push(() => context.close());
    return context;
  }

  /** A logged-in account {login, context, page, csrf, account}; @page FALSE: REST only. */
  async function person(t, context, login, page = true) {
    const res = await context.request.post(new URL('api/session', t.url).href,
      { data: { login, password: h.DEMO_PASSWORD } });
    assert(res.ok(), `log-in of ${login}: HTTP ${res.status()} ${await res.text()}`);
    const me = await res.json();
    const p = { login, context, csrf: me.csrf_token, account: me.account, page: null };
    if (page) {
      p.page = context.pages()[0] || await context.newPage();
      p.page.on('pageerror', (err) => t.consoleLines.push(`${login} page error: ${err.message}`));
      p.page.on('dialog', (d) => d.accept().catch(() => {}));
      t.people.push(p);
    }
    return p;
  }

  async function fetchText(t, p, method, path, body) {
    const res = await p.context.request.fetch(new URL(path, t.url).href, {
      method, data: body, headers: { 'X-CSRF-Token': p.csrf },
    });
    const text = await res.text();
    if (!res.ok()) throw new TestFailure(`${method} ${path} as ${p.login}: HTTP ${res.status()} ${text}`);
    return text;
  }

  async function call(t, p, method, path, body) {
    const text = await fetchText(t, p, method, path, body);
    return text ? JSON.parse(text) : null;
  }

  /** Joins from the lobby; @audioOnly: without a camera, and receiving no video. */
  async function joinRoom(t, p, meetingId, audioOnly = false) {
    const { page } = p;
    await page.goto(new URL(`room.html?id=${meetingId}`, t.url).href, { timeout: LOAD_TIMEOUT_MS });
    await page.locator('#lobby-card').waitFor({ state: 'visible', timeout: LOAD_TIMEOUT_MS });
    if (audioOnly) await page.locator('#lobby-audio-only').check();
    await page.locator('#join-button').click();
    try {
      await page.waitForFunction(() => window.sanhuiRoom && window.sanhuiRoom.joined, null, { timeout: LOAD_TIMEOUT_MS });
    } catch (_) {
      const why = await page.locator('#join-status').textContent().catch(() => '');
      throw new TestFailure(`${p.login} did not join: "${(why || '').trim()}"`);
    }
    log(`${p.login} joined`);
  }

  async function shots(t, tag) {
    const dir = process.env.SANHUI_ROOM_SHOTS || (t.failed ? t.tmp : null);
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    for (const p of t.people) {
      const file = join(dir, `${t.name}-${tag}-${p.login}.png`);
      await withTimeout(p.page.screenshot({ path: file, timeout: 5_000 }), 7_000, 'screenshot')
        .then(() => log(`screenshot: ${file}`)).catch((e) => log(`no screenshot of ${p.login}: ${e.message}`));
    }
  }

  const rowOf = (record, name) => [...record.members, ...record.guests].find((r) => r.name === name);

  /** Polls the record until @ok(record) holds; fails with @what and the last rows. */
  async function recordUntil(t, chair, meetingId, what, ok, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    let record = null;
    while (Date.now() < deadline) {
      record = await call(t, chair, 'GET', `api/meetings/${meetingId}/attendance`);
      if (ok(record)) return record;
      await new Promise((r) => setTimeout(r, 300));
    }
    const rows = record ? record.members.map((r) => ({ name: r.name, intervals: r.intervals })) : null;
    throw new TestFailure(`${what}: ${JSON.stringify(rows)}`);
  }

  const openInterval = (row) => row && row.intervals.some((i) => i.ended_at === null);

  async function chatLine(p, text) {
    await p.page.locator('#ctl-chat').click();
    await p.page.locator('#chat-input').fill(text);
    await p.page.locator('#chat-send').click();
    // The server stores a line before it sends it back to everyone, the sender included.
    await p.page.locator('[data-testid="chat-text"]', { hasText: text }).waitFor();
  }

  async function body(t) {
    const env = h.environment();
    const browser = await withTimeout(h.chromium().launch({
      executablePath: env.chromiumPath, headless: true,
      args: [...h.CHROMIUM_ARGS, ...MEDIA_ARGS], ignoreDefaultArgs: ['--mute-audio'], timeout: 30_000,
    }), 35_000, 'launching the second Chromium');
    t.cleanup.push(() => browser.close());
    t.context.setDefaultTimeout(CRASH_STEP_TIMEOUT_MS);
    t.context.setDefaultNavigationTimeout(LOAD_TIMEOUT_MS);
    const admin = await person(t, await newContextIn(t, browser, DESKTOP), 'admin', false);
    const secretary = await person(t, await newContextIn(t, browser, DESKTOP), 'secretary');
    const member = await person(t, t.context, 'member');
    const member2 = await person(t, await newContextIn(t, browser, DESKTOP), 'member2');

    const orgs = await call(t, secretary, 'GET', 'api/orgs');
    const branch = (Array.isArray(orgs) ? orgs : orgs.orgs).find((o) => o.name === '第一党支部');
    assert(branch, 'no 第一党支部 in the demo');
    const roll = await call(t, admin, 'GET', `api/orgs/${branch.id}/members`);
    const find = (name) => (Array.isArray(roll) ? roll : roll.members).find((m) => m.name === name);
    // The demo gives 张伟 (zhangwei) and 李红梅 (lihongmei) their accounts.
    for (const name of ['张伟', '李红梅']) assert(find(name), `no ${name} in 第一党支部`);
    const zhangwei = await person(t, await newContextIn(t, browser, DESKTOP), 'zhangwei', false);
    const fourth = await person(t, await newContextIn(t, browser, DESKTOP), 'lihongmei');

    // The meeting, its motion, and 张伟's leave approved before it opens.
    const meeting = await call(t, secretary, 'POST', `api/orgs/${branch.id}/meetings`, {
      type: 'general', title: `故障恢复测试-${Date.now().toString(36)}`,
      planned_start: new Date(Date.now() + 10 * 60_000).toISOString(),
      planned_end: new Date(Date.now() + 130 * 60_000).toISOString(),
      chair_member_id: secretary.account.member_id, agenda: ['表决'],
    });
    const motion = await call(t, secretary, 'POST', `api/meetings/${meeting.id}/motions`,
      { kind: 'ordinary', title: '审议支部学习计划', secret: true });
    const leave = await call(t, zhangwei, 'POST', `api/meetings/${meeting.id}/leave`, { reason: '出差在外' });
    await call(t, secretary, 'POST', `api/leave/${leave.id}/approve`, { note: '同意' });
    await call(t, secretary, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'open' });

    const present = [secretary, member, member2, fourth];
    // The chair and the phone with video; the two desktops audio-only, which
    // keeps four media pages within what a small test machine can decode.
    for (const p of present) await joinRoom(t, p, meeting.id, p === member2 || p === fourth);
    await call(t, secretary, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'in_progress' });
    const names = { secretary: '王建国', member: '黄丽', member2: '刘洋', lihongmei: '李红梅' };
    await recordUntil(t, secretary, meeting.id, 'not everyone is present with live media',
      (r) => present.every((p) => openInterval(rowOf(r, names[p.login]))));
    log('four members present with live media');

    // Chat, acknowledged: each line came back from the server.
    const lines = ['会前材料已发群里', '收到，谢谢', '第二项议题请大家发表意见'];
    await chatLine(member, lines[0]);
    await chatLine(member2, lines[1]);
    await chatLine(secretary, lines[2]);
    log('three chat lines acknowledged');

    // A roll call, answered by the phone and the chair; left open by the crash.
    const s = secretary.page;
    await member.page.waitForFunction(() => document.querySelector('#room-state').dataset.state === 'in_progress');
    await s.locator('#tab-chair').click();
    await s.locator('[data-testid="rollcall-seconds"]').selectOption('60');
    await s.locator('[data-testid="rollcall-start"]').click();
    for (const p of [member, secretary]) {
      await p.page.locator('[data-testid="rollcall-answer"]').click();
      await p.page.locator('[data-testid="rollcall-prompt"][data-state="answered"]').waitFor();
    }
    const before = (await call(t, secretary, 'GET', `api/meetings/${meeting.id}/rollcalls`)).rollcalls;
    assert(before.length === 1 && before[0].answered === 2, `roll call before the crash: ${JSON.stringify(before)}`);
    log('roll call answered by two');

    // A secret ballot open, with the phone's ballot counted.
    await s.locator('[data-testid="vote-motion"]').selectOption(String(motion.id));
    await s.locator('[data-testid="vote-start"]').click();
    await member.page.locator('[data-testid="vote-for"]').click();
    await member.page.locator('[data-testid="vote-counted"]').waitFor();
    await s.locator('[data-testid="vote-count"]', { hasText: '已投 1 票' }).waitFor();
    log('a vote is open with one ballot cast');
    await shots(t, 'before-crash');

    // The crash.
    const killedAt = await t.crashServer();
    for (const p of present) {
      await p.page.locator('#room-status', { hasText: '连接中断，正在重新连接…' }).waitFor();
    }
    log('every page says it is reconnecting');
    await t.restartServer();
    const restartedAt = Date.now();
    // Joined again with live media: a new interval each (the status line
    // may have moved on from 已重新连接 by the time we look).
    const after = await recordUntil(t, secretary, meeting.id, 'no new interval after the rejoin',
      (r) => present.every((p) => openInterval(rowOf(r, names[p.login]))), REJOIN_TIMEOUT_MS);
    for (const p of present) {
      assert(await p.page.evaluate(() => window.sanhuiRoom.joined), `${p.login} is not in the room again`);
      const line = (await p.page.locator('#room-status').textContent()) || '';
      assert(!line.includes('正在重新连接'), `${p.login} still says "${line.trim()}"`);
    }
    log('every page joined again by itself');

    // Every interval open at the kill closed as a crash, a new one after the rejoin.
    for (const p of present) {
      const row = rowOf(after, names[p.login]);
      const crashed = row.intervals.filter((i) => i.end_reason === 'crash');
      assert(crashed.length === 1, `${row.name}: ${crashed.length} crash intervals: ${JSON.stringify(row.intervals)}`);
      const end = Date.parse(crashed[0].ended_at);
      assert(end <= killedAt + CLOCK_SLACK_MS && end >= killedAt - HEARTBEAT_MS - SHOWN_MS - CLOCK_SLACK_MS,
        `${row.name}: the crash interval ends ${end - killedAt} ms from the kill`);
      assert(crashed[0].end_label === '服务器故障', `${row.name}: end label "${crashed[0].end_label}"`);
      const open = row.intervals.find((i) => i.ended_at === null);
      assert(Date.parse(open.started_at) >= restartedAt - CLOCK_SLACK_MS,
        `${row.name}: the new interval starts ${open.started_at}, before the restart`);
    }
    log('intervals closed at the crash and resumed');

    // Nothing acknowledged lost: chat (replayed on the pages) and the roll call.
    for (const p of present) {
      const texts = await p.page.locator('[data-testid="chat-text"]').allTextContents();
      for (const line of lines) assert(texts.some((x) => x.includes(line)), `${p.login} lost the chat line "${line}"`);
    }
    const rollcalls = (await call(t, secretary, 'GET', `api/meetings/${meeting.id}/rollcalls`)).rollcalls;
    assert(rollcalls.length === 1 && !rollcalls[0].open, `roll calls after the crash: ${JSON.stringify(rollcalls)}`);
    for (const e of before[0].entries.filter((x) => x.answered_at)) {
      const now = rollcalls[0].entries.find((x) => x.name === e.name);
      assert(now && now.answered_at === e.answered_at, `${e.name}'s answer changed: ${JSON.stringify(now)}`);
    }
    assert(rollcalls[0].answered === 2, `roll call answers after the crash: ${rollcalls[0].answered}`);
    log('chat and roll call intact');

    // The vote is void, and the pages say so.
    const votes = (await call(t, member, 'GET', `api/meetings/${meeting.id}/motions`)).votes || [];
    const vote = votes.find((v) => v.motion_id === motion.id);
    assert(vote && vote.state === 'void' && /重启/.test(vote.void_reason || ''), `the vote after the crash: ${JSON.stringify(vote)}`);
    for (const p of [member, secretary]) {
      const said = p.page.locator('[data-testid="vote-void"]');
      await said.waitFor();
      assert(/表决无效/.test((await said.textContent()) || ''), `${p.login}: "${await said.textContent()}"`);
      assert(await p.page.locator('[data-testid="vote-for"]').count() === 0, `${p.login} still has a ballot`);
    }
    log(`the vote is void: ${vote.void_reason}`);

    // Still in progress; the chair ends it normally.
    for (const p of present) {
      const state = await p.page.evaluate(() => document.querySelector('#room-state').dataset.state);
      assert(state === 'in_progress', `${p.login} sees the meeting "${state}"`);
    }
    await shots(t, 'after-crash');
    await call(t, secretary, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'ended' });
    const final = await recordUntil(t, secretary, meeting.id, 'intervals still open after the end',
      (r) => !r.live && present.every((p) => !openInterval(rowOf(r, names[p.login]))));
    for (const p of present) {
      const row = rowOf(final, names[p.login]);
      const reasons = row.intervals.map((i) => i.end_reason);
      assert(reasons.includes('crash') && reasons[reasons.length - 1] === 'meeting_ended',
        `${row.name}: end reasons ${JSON.stringify(reasons)}`);
      // Time counts within the meeting's span only (the chair was in before it started).
      const from = Date.parse(final.started_at);
      const to = Date.parse(final.ended_at);
      const sum = row.intervals.reduce((acc, i) => acc + Math.max(0,
        Math.min(Date.parse(i.ended_at), to) - Math.max(Date.parse(i.started_at), from)), 0) / 1000;
      // Each shown time is cut to the second, the total too.
      assert(Math.abs(row.total_seconds - sum) <= row.intervals.length + 1,
        `${row.name}: total ${row.total_seconds} s, intervals ${sum} s`);
      assert(row.total_seconds < (to - from) / 1000 - 0.5, `${row.name}: the crash gap counted as present`);
      const gap = Date.parse(row.intervals[reasons.indexOf('crash') + 1].started_at)
        - Date.parse(row.intervals[reasons.indexOf('crash')].ended_at);
      assert(gap > 0, `${row.name}: no gap at the crash`);
    }
    const zhang = rowOf(final, '张伟');
    assert(zhang && zhang.status === 'on_leave', `张伟: ${JSON.stringify(zhang && zhang.status)}`);
    log(`final record: ${final.counts.present} present, ${final.counts.on_leave} on leave`);

    const csv = await fetchText(t, secretary, 'GET', `api/meetings/${meeting.id}/attendance?format=csv`);
    assert(csv.charCodeAt(0) === 0xfeff, 'the CSV has no byte order mark');
    for (const name of Object.values(names)) {
      const line = csv.split('\r\n').find((l) => l.startsWith(name));
      assert(line && line.includes('服务器故障'), `CSV line of ${name}: ${line}`);
    }
    log('the CSV says 服务器故障 for the crash gap');
  }

  const roomCrash = async (t) => {
    t.cleanup = [];
    t.people = [];
    try {
      await body(t);
      await shots(t, 'end');
    } catch (e) {
      t.failed = true;
      await shots(t, 'failure');
      throw e;
    } finally {
      for (const f of t.cleanup.reverse()) await withTimeout(Promise.resolve().then(f), 10_000, 'closing').catch(() => {});
    }
  };
  roomCrash.launch = { args: MEDIA_ARGS, ignoreDefaultArgs: ['--mute-audio'] };
  roomCrash.deadlineMs = 240_000;

  return { 'room-crash': roomCrash };
}
