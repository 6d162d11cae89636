// Vote scenarios for run.mjs (docs/votes.md): members in their own browser
// contexts on room.html. The member (黄丽) votes on a phone-sized page in the
// runner's browser; the secretary (王建国, the chair), member2 (刘洋) and
// 李红梅 are contexts of a second Chromium. The first branch expects six
// voting members: quorum 4, and a motion passes with 4 in favour.

import { readFileSync } from 'node:fs';

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
      // The demo gives 李红梅 her account (lihongmei).
      assert(li, 'no 李红梅 in 第一党支部');
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

  /**
   * A 差额 election (three candidates for two seats) by secret ballot: the
   * administrator sets the branch's election share to 50% so that four of
   * six voting members are enough, the secretary announces it with its
   * candidates and records the higher organization's approval; in the room
   * the member's phone shows one row per candidate and the counter
   * "已选 n/2", will not take a third approval, and after the chair closes it
   * shows the result per candidate and that the receipt was counted.
   */
  async function roomElection(t) {
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
      // The demo gives 李红梅 her account (lihongmei).
      assert(li, 'no 李红梅 in 第一党支部');
      const fourth = await person(t, await newContextIn(t, browser, DESKTOP), 'lihongmei');
      await call(t, admin, 'PUT', `api/orgs/${branch.id}/vote-settings`, {
        approval_required: true, election_share_percent: 50,
      });

      const start = new Date(Date.now() + 10 * 60_000).toISOString();
      const end = new Date(Date.now() + 130 * 60_000).toISOString();
      const meeting = await call(t, secretary, 'POST', `api/orgs/${branch.id}/meetings`, {
        type: 'general', title: `换届选举-${Date.now().toString(36)}`, planned_start: start, planned_end: end,
        chair_member_id: secretary.account.member_id,
      });
      const motion = await call(t, secretary, 'POST', `api/meetings/${meeting.id}/motions`, {
        kind: 'election', title: '选举支部委员', candidates: ['张三', '李四', '王五'], seats: 2,
      });
      assert(motion.election && motion.election.seats === 2, `motion: ${JSON.stringify(motion)}`);
      const secretaryPost = await call(t, secretary, 'POST', `api/meetings/${meeting.id}/motions`, {
        kind: 'election', title: '选举支部书记', candidates: ['张三', '李四'], seats: 1,
      });
      await call(t, secretary, 'POST', `api/meetings/${meeting.id}/vote-approval`, { approval: '示范街道党工委同意网上选举' });
      await call(t, secretary, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'open' });
      await member.page.goto(new URL(`meeting.html?id=${meeting.id}`, t.url).href);
      const announced = member.page.locator('[data-testid="motion-election"]').first();
      await announced.waitFor();
      assert(/差额选举.*张三、李四、王五/.test((await announced.textContent()) || ''), `announced: "${await announced.textContent()}"`);

      for (const p of [secretary, member, member2, fourth]) await joinRoom(t, p, meeting.id);
      await call(t, secretary, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'in_progress' });
      const chair = secretary.page;
      await chair.locator('[data-testid="vote-start"]').waitFor();
      await chair.locator('[data-testid="vote-motion"]').selectOption(String(motion.id));
      await chair.locator('[data-testid="vote-start"]').click();

      // The phone: one row per candidate, the counter, no third approval.
      const phone = member.page;
      await phone.locator('[data-testid="election-ballot"]').waitFor();
      assert(await phone.locator('[data-testid="election-row"]').count() === 3, 'three rows');
      await phone.locator('[data-testid="election-for-0"]').click();
      await phone.locator('[data-testid="election-counter"]', { hasText: '已选 1/2' }).waitFor();
      await phone.locator('[data-testid="election-for-1"]').click();
      await phone.locator('[data-testid="election-counter"]', { hasText: '已选 2/2' }).waitFor();
      assert(await phone.locator('[data-testid="election-for-2"]').isDisabled(), 'a third approval was possible');
      await phone.locator('[data-testid="election-against-2"]').click();
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 0, `the ballot is wider than the phone by ${overflow}px`);
      await phone.locator('[data-testid="election-submit"]').click();
      await phone.locator('[data-testid="vote-counted"]').waitFor();
      const receipt = ((await phone.locator('[data-testid="vote-receipt"]').textContent()) || '').trim();
      assert(/^[0-9a-f]{32}$/.test(receipt), `receipt "${receipt}"`);

      // 张三 and 李四 four approvals each (more than half of six): elected.
      // The desktop pages share the second Chromium, busy decoding video:
      // their taps are dispatched to the buttons rather than through its
      // input pipeline (the phone above took real clicks).
      const ballots = [[secretary, ['for-0', 'for-1', 'against-2']], [member2, ['for-0', 'for-1']], [fourth, ['for-1', 'for-0']]];
      for (const [p, marks] of ballots) {
        await p.page.locator('[data-testid="election-ballot"]').waitFor();
        for (const m of marks) {
          await p.page.locator(`[data-testid="election-${m}"]`).dispatchEvent('click');
          await p.page.locator(`[data-testid="election-${m}"][aria-pressed="true"]`).waitFor();
        }
        await p.page.locator('[data-testid="election-submit"]').dispatchEvent('click');
        await p.page.locator('[data-testid="vote-counted"]').waitFor();
      }
      await chair.locator('[data-testid="vote-count"]', { hasText: '已投 4 票' }).waitFor();
      await chair.locator('[data-testid="vote-close"]').click();
      const outcome = phone.locator('[data-testid="election-outcome"]');
      await outcome.waitFor();
      assert(((await outcome.textContent()) || '').includes('当选 2 人'), `outcome: "${await outcome.textContent()}"`);
      const rows = await phone.locator('[data-testid="election-result"]').allTextContents();
      log(`results: ${rows.join(' | ')}`);
      assert(rows.length === 3 && /张三 赞成 4.*当选/.test(rows[0]) && /李四 赞成 4.*当选/.test(rows[1])
        && /王五 赞成 0/.test(rows[2]) && !/当选/.test(rows[2]), `results: ${rows.join(' | ')}`);
      const check = phone.locator('[data-testid="vote-receipt-check"]');
      await check.waitFor();
      assert(((await check.textContent()) || '').includes('已核对'), `receipt check: "${await check.textContent()}"`);
      log('差额 election: two elected of three, per-candidate counts only; the member\'s receipt was counted');

      // A tie: 张三 2, 李四 2 for one seat, neither over half of six. The
      // chair's result offers 另行选举 with both; one tap starts it.
      const tapBallot = async (p, marks) => {
        await p.page.locator('[data-testid="election-ballot"]').waitFor();
        for (const m of marks) {
          await p.page.locator(`[data-testid="election-${m}"]`).dispatchEvent('click');
          await p.page.locator(`[data-testid="election-${m}"][aria-pressed="true"]`).waitFor();
        }
        await p.page.locator('[data-testid="election-submit"]').dispatchEvent('click');
        await p.page.locator('[data-testid="vote-counted"]').waitFor();
      };
      await chair.locator('[data-testid="vote-motion"]').selectOption(String(secretaryPost.id));
      await chair.locator('[data-testid="vote-start"]').click();
      for (const [p, marks] of [[secretary, ['for-0']], [member, ['for-0']], [member2, ['for-1']], [fourth, ['for-1']]]) {
        await tapBallot(p, marks);
      }
      await chair.locator('[data-testid="vote-count"]', { hasText: '已投 4 票' }).waitFor();
      await chair.locator('[data-testid="vote-close"]').click();
      await phone.locator('[data-testid="election-outcome"]', { hasText: '当选 0 人' }).waitFor();
      const plan = phone.locator('[data-testid="runoff-plan"]');
      await plan.waitFor();
      assert(/应选 1 人，候选人 张三、李四/.test((await plan.textContent()) || ''), `runoff plan: "${await plan.textContent()}"`);
      assert(await phone.locator('[data-testid="runoff-start"]').count() === 0, 'a member was offered to start the runoff');
      await chair.locator('[data-testid="runoff-start"]').dispatchEvent('click');
      await phone.locator('[data-testid="vote-title"]', { hasText: '选举支部书记（另行选举）' }).waitFor();
      assert(await phone.locator('[data-testid="election-row"]').count() === 2, 'the runoff has two candidates');
      for (const p of [secretary, member, member2, fourth]) await tapBallot(p, ['for-0']);
      await chair.locator('[data-testid="vote-count"]', { hasText: '已投 4 票' }).waitFor();
      await chair.locator('[data-testid="vote-close"]').click();
      const combined = phone.locator('[data-testid="election-combined"]');
      await combined.waitFor();
      assert(/合计当选（含另行选举）：张三；应选 1 人，已选满/.test((await combined.textContent()) || ''), `combined: "${await combined.textContent()}"`);
      log('tied election: the chair started the runoff with one tap; 张三 elected in it, the combined result shows');

      // The CSV through the meeting page's link: a row per election and per
      // candidate, counts only.
      await phone.goto(new URL(`meeting.html?id=${meeting.id}`, t.url).href);
      const [file] = await Promise.all([phone.waitForEvent('download'), phone.locator('[data-testid="votes-csv"]').click()]);
      const path = await file.path();
      assert(path, `votes CSV: the download failed (${await file.failure()})`);
      const bytes = readFileSync(path);
      assert(bytes[0] === 0xEF && bytes[1] === 0xBB && bytes[2] === 0xBF, 'votes CSV: no UTF-8 byte order mark');
      assert(file.suggestedFilename().endsWith('.csv'), `votes CSV: file name ${file.suggestedFilename()}`);
      const lines = bytes.subarray(3).toString('utf8').split('\r\n');
      log(`votes CSV: ${lines.length - 1} lines`);
      assert(lines.length === 12 && lines[11] === '', `votes CSV: ${lines.length} lines`);
      assert(lines[0].startsWith('表决事项,类别,表决方式,'), `header: ${lines[0]}`);
      assert(/^选举支部委员,候选人,.*,张三,4,/.test(lines[2]), `line 2: ${lines[2]}`);
      assert(/^选举支部书记,选举,.*名额未选满，可另行选举/.test(lines[5]), `line 5: ${lines[5]}`);
      assert(/^选举支部书记（另行选举）,选举,.*,选举支部书记,张三（应选 1 人，已选满）,$/.test(lines[8]), `line 8: ${lines[8]}`);
      assert(/^选举支部书记（另行选举）,候选人,.*,张三,4,0,0,,,,,当选,是,选举支部书记,,$/.test(lines[9]), `line 9: ${lines[9]}`);
      assert(!/王建国|黄丽|刘洋|李红梅/.test(lines.join('\n')), 'the CSV names a voter of a secret ballot');
      log('votes CSV downloaded through the page: BOM, a row per election and per candidate, no voter');
    } finally {
      for (const f of t.voteCleanup.reverse()) await withTimeout(Promise.resolve().then(f), 10_000, 'closing').catch(() => {});
    }
  }
  roomElection.launch = { args: MEDIA_ARGS, ignoreDefaultArgs: ['--mute-audio'] };

  return { 'room-vote': roomVote, 'room-election': roomElection };
}
