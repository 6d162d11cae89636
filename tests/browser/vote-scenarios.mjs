// Vote scenarios for run.mjs (docs/votes.md): members in their own browser
// contexts on room.html. The member (黄丽) votes on a phone-sized page in the
// runner's browser; the secretary (王建国, the chair), member2 (刘洋) and
// 李红梅 are contexts of a second Chromium. The first branch expects six
// voting members: quorum 4, and a motion passes with 4 in favour.

const MEDIA_ARGS = [
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];
const DESKTOP = { width: 1280, height: 800 };

export function voteScenarios(h) {
  const { log, assert, TestFailure, withTimeout } = h;

  async function newContextIn(t, browser, viewport) {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport });
    context.setDefaultTimeout(h.STEP_TIMEOUT_MS);
    t.voteCleanup.push(() => context.close());
    return context;
  }

  async function person(t, context, login) {
    const res = await context.request.post(new URL('api/session', t.url).href, { data: { login, password: h.DEMO_PASSWORD } });
    assert(res.ok(), `log-in of ${login}: HTTP ${res.status()} ${await res.text()}`);
    const me = await res.json();
    const page = context.pages()[0] || await context.newPage();
    page.on('pageerror', (err) => t.consoleLines.push(`${login} page error: ${err.message}`));
    page.on('dialog', (d) => d.accept().catch(() => {}));
    return { login, context, page, csrf: me.csrf_token, account: me.account };
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
    await p.page.goto(new URL(`room.html?id=${meetingId}`, t.url).href);
    await p.page.locator('#lobby-card').waitFor({ state: 'visible' });
    await p.page.locator('#join-button').click();
    await p.page.waitForFunction(() => window.sanhuiRoom && window.sanhuiRoom.joined, null, { timeout: h.STEP_TIMEOUT_MS });
    log(`${p.login} joined`);
  }

  /**
   * A secret ballot refused without quorum (three of six voting members),
   * then, with the fourth, started on the announced motion: each votes with
   * one tap, sees "您的选票已计入" and a receipt, and after the chair closes
   * it the member's phone shows it passed and that the receipt was counted.
   */
  async function roomVote(t) {
    t.voteCleanup = [];
    try {
      const env = h.environment();
      const browser = await withTimeout(h.chromium().launch({
        executablePath: env.chromiumPath, headless: true,
        args: [...h.CHROMIUM_ARGS, ...MEDIA_ARGS], ignoreDefaultArgs: ['--mute-audio'], timeout: 30_000,
      }), 35_000, 'launching the second Chromium');
      t.voteCleanup.push(() => browser.close());
      const admin = await person(t, await newContextIn(t, browser, DESKTOP), 'admin');
      const secretary = await person(t, await newContextIn(t, browser, DESKTOP), 'secretary');
      const member = await person(t, t.context, 'member');
      const member2 = await person(t, await newContextIn(t, browser, DESKTOP), 'member2');

      const orgs = await call(t, secretary, 'GET', 'api/orgs');
      const branch = (Array.isArray(orgs) ? orgs : orgs.orgs).find((o) => o.name === '第一党支部');
      const members = await call(t, admin, 'GET', `api/orgs/${branch.id}/members`);
      const li = (Array.isArray(members) ? members : members.members).find((m) => m.name === '李红梅');
      await call(t, admin, 'POST', 'api/accounts', {
        login: 'lihongmei', display_name: '李红梅', member_id: li.id, password: h.DEMO_PASSWORD,
      });
      const fourth = await person(t, await newContextIn(t, browser, DESKTOP), 'lihongmei');

      const start = new Date(Date.now() + 10 * 60_000).toISOString();
      const end = new Date(Date.now() + 130 * 60_000).toISOString();
      const meeting = await call(t, secretary, 'POST', `api/orgs/${branch.id}/meetings`, {
        type: 'general', title: `表决测试-${Date.now().toString(36)}`, planned_start: start, planned_end: end,
        chair_member_id: secretary.account.member_id,
      });
      const motion = await call(t, secretary, 'POST', `api/meetings/${meeting.id}/motions`, {
        kind: 'ordinary', title: '审议支部年度工作计划', secret: true,
      });
      await call(t, secretary, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'open' });
      // The member sees the announced motion on the meeting page.
      await member.page.goto(new URL(`meeting.html?id=${meeting.id}`, t.url).href);
      await member.page.locator('[data-testid="motion-item"]', { hasText: '审议支部年度工作计划' }).waitFor();

      for (const p of [secretary, member, member2]) await joinRoom(t, p, meeting.id);
      await call(t, secretary, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'in_progress' });
      const chair = secretary.page;
      await chair.locator('[data-testid="vote-start"]').waitFor();

      // Three of six: refused, and nobody gets a ballot.
      await chair.locator('[data-testid="vote-motion"]').selectOption(String(motion.id));
      await chair.locator('[data-testid="vote-start"]').click();
      const refusal = chair.locator('[data-testid="vote-error"]');
      await refusal.waitFor();
      const why = (await refusal.textContent()) || '';
      log(`without quorum: ${why}`);
      assert(/不足/.test(why), `refusal: "${why}"`);
      assert(await member.page.locator('[data-testid="vote-for"]').count() === 0, 'a ballot without quorum');

      // The fourth voting member: quorum.
      await joinRoom(t, fourth, meeting.id);
      await chair.locator('[data-testid="vote-motion"]').selectOption(String(motion.id));
      await chair.locator('[data-testid="vote-start"]').click();
      for (const p of [member, secretary, member2, fourth]) {
        await p.page.locator('[data-testid="vote-for"]').click();
        const counted = p.page.locator('[data-testid="vote-counted"]');
        await counted.waitFor();
        assert(((await counted.textContent()) || '').includes('您的选票已计入'), `${p.login}: not counted`);
        const receipt = ((await p.page.locator('[data-testid="vote-receipt"]').textContent()) || '').trim();
        assert(/^[0-9a-f]{32}$/.test(receipt), `${p.login}: receipt "${receipt}"`);
      }
      await chair.locator('[data-testid="vote-count"]', { hasText: '已投 4 票' }).waitFor();
      await chair.locator('[data-testid="vote-close"]').click();
      const outcome = member.page.locator('[data-testid="vote-outcome"]');
      await outcome.waitFor();
      assert(((await outcome.textContent()) || '').includes('表决通过'), `outcome: "${await outcome.textContent()}"`);
      const counts = (await member.page.locator('[data-testid="vote-counts"]').textContent()) || '';
      assert(counts.includes('赞成 4'), `counts: "${counts}"`);
      const check = member.page.locator('[data-testid="vote-receipt-check"]');
      await check.waitFor();
      assert(((await check.textContent()) || '').includes('已核对'), `receipt check: "${await check.textContent()}"`);
      log('secret ballot passed with quorum; the member\'s receipt is among the counted ballots');
    } finally {
      for (const f of t.voteCleanup.reverse()) await withTimeout(Promise.resolve().then(f), 10_000, 'closing').catch(() => {});
    }
  }
  roomVote.launch = { args: MEDIA_ARGS, ignoreDefaultArgs: ['--mute-audio'] };

  return { 'room-vote': roomVote };
}
