// Roll call scenario for run.mjs (room-rollcall): three Chromium members in
// one meeting on room.html, the member (黄丽) on a phone-sized page in the
// runner's browser, the secretary (王建国, the chair) and member2 (刘洋) in a
// second Chromium with desktop screens. 张伟 asks for leave before the
// meeting and the secretary approves. The chair's attendance panel shows
// expected, present and on leave; a roll call that two answer (the chair
// and the phone) and one (member2) does not; the server's timer closes it
// and the record (GET /api/meetings/{id}/rollcalls) is right.
//
// Every wait is bounded. Set SANHUI_ROOM_SHOTS=DIR to keep screenshots.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const MEDIA_ARGS = [
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];
const DESKTOP = { width: 1280, height: 800 };
const LIMIT_S = 15;

export function rollcallScenarios(h) {
  const { log, assert, TestFailure, withTimeout } = h;

  async function newContextIn(t, browser, viewport) {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport });
    context.setDefaultTimeout(h.STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(h.STEP_TIMEOUT_MS);
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
      p.page.on('console', (msg) => {
        if (msg.type() === 'error') t.consoleLines.push(`${login} console.error: ${msg.text()}`);
      });
      p.page.on('dialog', (d) => d.accept().catch(() => {}));
      t.people.push(p);
    }
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

  async function joinRoom(t, p, meetingId) {
    const { page } = p;
    await page.goto(new URL(`room.html?id=${meetingId}`, t.url).href);
    await page.locator('#lobby-card').waitFor({ state: 'visible' });
    await page.locator('#join-button').click();
    try {
      await page.waitForFunction(() => window.sanhuiRoom && window.sanhuiRoom.joined, null, { timeout: h.STEP_TIMEOUT_MS });
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

  const number = async (page, testid) =>
    Number((await page.locator(`[data-testid="attendance-panel"] [data-testid="${testid}"]`).textContent()).trim());

  /** Waits until the chair's panel shows @want ({testid: number}). */
  async function panelShows(page, what, want) {
    const deadline = Date.now() + h.STEP_TIMEOUT_MS;
    let got = {};
    while (Date.now() < deadline) {
      got = {};
      for (const k of Object.keys(want)) got[k] = await number(page, k).catch(() => NaN);
      if (Object.keys(want).every((k) => got[k] === want[k])) {
        log(`panel ${what}: ${JSON.stringify(got)}`);
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new TestFailure(`panel ${what}: ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }

  async function body(t) {
    const env = h.environment();
    const browser = await withTimeout(h.chromium().launch({
      executablePath: env.chromiumPath, headless: true,
      args: [...h.CHROMIUM_ARGS, ...MEDIA_ARGS], ignoreDefaultArgs: ['--mute-audio'], timeout: 30_000,
    }), 35_000, 'launching the second Chromium');
    t.cleanup.push(() => browser.close());
    const secretary = await person(t, await newContextIn(t, browser, DESKTOP), 'secretary');
    const member = await person(t, t.context, 'member');
    const member2 = await person(t, await newContextIn(t, browser, DESKTOP), 'member2');

    // The meeting, and 张伟 on approved leave before it.
    const orgs = await call(t, secretary, 'GET', 'api/orgs');
    const branch = (Array.isArray(orgs) ? orgs : orgs.orgs).find((o) => o.name === '第一党支部');
    assert(branch, 'no 第一党支部 in the demo');
    const members = await call(t, secretary, 'GET', `api/orgs/${branch.id}/members`);
    const zhang = (Array.isArray(members) ? members : members.members).find((m) => m.name === '张伟');
    assert(zhang, 'no 张伟 in 第一党支部');
    // The demo gives 张伟 his account (zhangwei).
    const zhangwei = await person(t, await newContextIn(t, browser, DESKTOP), 'zhangwei', false);
    const start = new Date(Date.now() + 10 * 60_000).toISOString();
    const end = new Date(Date.now() + 130 * 60_000).toISOString();
    const meeting = await call(t, secretary, 'POST', `api/orgs/${branch.id}/meetings`, {
      type: 'general', title: `点名测试-${Date.now().toString(36)}`, planned_start: start, planned_end: end,
      chair_member_id: secretary.account.member_id, agenda: ['点名'],
    });
    const leave = await call(t, zhangwei, 'POST', `api/meetings/${meeting.id}/leave`, { reason: '出差在外' });
    await call(t, secretary, 'POST', `api/leave/${leave.id}/approve`, { note: '同意' });
    await call(t, secretary, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'open' });
    const expected = (await call(t, secretary, 'GET', `api/meetings/${meeting.id}/attendance/expected`)).expected;
    log(`meeting ${meeting.id} opened; ${expected} expected, 张伟 on leave`);

    for (const p of [secretary, member, member2]) await joinRoom(t, p, meeting.id);
    const s = secretary.page;
    await s.locator('#tab-chair').click();
    await panelShows(s, 'with three in the room', {
      'att-expected': expected, 'att-present': 3, 'att-on-leave': 1, 'att-absent': expected - 4,
    });
    const missing = await s.locator('[data-testid="att-missing-row"]').allTextContents();
    assert(missing.length === expected - 4 && missing.every((x) => x.includes('未到')),
      `missing list: ${JSON.stringify(missing)}`);
    assert(!missing.some((x) => x.includes('张伟')), '张伟 is on leave, not missing');
    assert((await s.locator('[data-testid="att-leave-row"]').allTextContents()).some((x) => x.includes('张伟')),
      '张伟 not listed on leave');
    // Members without chair powers have no panel.
    for (const p of [member, member2]) {
      const boxes = await p.page.locator('[data-testid="attendance-panel"] [data-testid="att-expected"]').count();
      assert(boxes === 0, `${p.login} sees the chair's panel`);
    }
    // The panel moves when someone leaves and comes back.
    await member2.page.locator('#leave-button').click();
    await panelShows(s, 'after member2 left', { 'att-present': 2, 'att-absent': expected - 3 });
    await joinRoom(t, member2, meeting.id);
    await panelShows(s, 'after member2 came back', { 'att-present': 3, 'att-absent': expected - 4 });

    // Start the meeting, then a roll call of 15 s.
    await s.locator('[data-testid="chair-console"] [data-testid="chair-start"]').click();
    await member.page.waitForFunction(() => document.querySelector('#room-state').dataset.state === 'in_progress');
    await s.locator('[data-testid="rollcall-seconds"]').selectOption(String(LIMIT_S));
    await s.locator('[data-testid="rollcall-start"]').click();
    for (const p of [secretary, member, member2]) {
      const prompt = p.page.locator('[data-testid="rollcall-prompt"]');
      await prompt.waitFor({ state: 'visible' });
      const text = (await prompt.locator('[data-testid="rollcall-message"]').textContent()).trim();
      assert(text === `点名：请在 ${LIMIT_S} 秒内点击签到`, `${p.login} prompt: "${text}"`);
      await prompt.locator('[data-testid="rollcall-countdown"]').waitFor();
    }
    log('every member is asked');
    await shots(t, 'asked');
    // One tap on the phone; the chair answers too; member2 stays silent.
    for (const p of [member, secretary]) {
      await p.page.locator('[data-testid="rollcall-answer"]').click();
      await p.page.locator('[data-testid="rollcall-prompt"][data-state="answered"]').waitFor();
    }
    await s.locator('[data-testid="rollcall-answered"]', { hasText: /^2$/ }).waitFor();
    log('the chair sees two answers');

    // The server's timer closes it.
    await s.locator('[data-testid="rollcall-summary"]').waitFor({ timeout: (LIMIT_S + 10) * 1000 });
    const rows = await s.locator('[data-testid="rollcall-result-row"]').evaluateAll((els) =>
      els.map((e) => [e.querySelector('.att-name').textContent, e.dataset.outcome]));
    const outcome = Object.fromEntries(rows);
    assert(outcome['黄丽'] === 'answered' && outcome['王建国'] === 'answered' && outcome['刘洋'] === 'silent'
      && outcome['张伟'] === 'on_leave', `result on the chair's page: ${JSON.stringify(rows)}`);
    const closed = (await member2.page.locator('[data-testid="rollcall-message"]').textContent()).trim();
    assert(closed === '点名已结束，您未签到', `member2 after the deadline: "${closed}"`);

    const record = await call(t, secretary, 'GET', `api/meetings/${meeting.id}/rollcalls`);
    assert(record.rollcalls.length === 1, `${record.rollcalls.length} roll calls recorded`);
    const rc = record.rollcalls[0];
    const byName = Object.fromEntries(rc.entries.map((e) => [e.name, e]));
    assert(!rc.open && rc.answered === 2 && rc.asked === 3 && rc.seconds === LIMIT_S,
      `record: ${JSON.stringify({ open: rc.open, answered: rc.answered, asked: rc.asked })}`);
    assert(byName['黄丽'].answered_at && byName['刘洋'].outcome === 'silent' && byName['张伟'].outcome === 'on_leave',
      `record entries: ${JSON.stringify(rc.entries)}`);
    const own = await call(t, member2, 'GET', `api/meetings/${meeting.id}/rollcalls`);
    assert(own.rollcalls[0].entries.length === 1 && own.rollcalls[0].entries[0].name === '刘洋',
      `member2 sees: ${JSON.stringify(own.rollcalls[0].entries)}`);
    log('the record is right');
  }

  const roomRollcall = async (t) => {
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
  roomRollcall.launch = { args: MEDIA_ARGS, ignoreDefaultArgs: ['--mute-audio'] };

  return { 'room-rollcall': roomRollcall };
}
