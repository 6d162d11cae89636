// Attendance scenarios for run.mjs. `leave`: a member asks for leave from a
// phone-sized page, withdraws, asks again; the secretary (a desktop page of
// a second Chromium) sees the request with the expected attendance and
// approves it with a note; the member is told on 我的会议 and on the
// meeting's page, and cannot ask twice. `warnings`: the secretary's
// 组织生活提醒 section shows exactly the members the API flags.

const TITLE = '第四季度支部党员大会';
const DESKTOP = { width: 1280, height: 800 };

export function attendanceScenarios(h) {
  const { log, assert, withTimeout } = h;

  async function text(page, selector) {
    const node = page.locator(selector).first();
    await node.waitFor();
    return ((await node.textContent()) || '').trim();
  }

  /** Waits for @selector's text to contain @want; fails with what it saw. */
  async function waitForText(page, selector, want, what) {
    try {
      await page.locator(selector).filter({ hasText: want }).first().waitFor();
    } catch (_) {
      const seen = await page.locator(selector).allTextContents().catch(() => []);
      assert(false, `${what}: wanted "${want}" in ${selector}, saw ${JSON.stringify(seen)}`);
    }
  }

  async function scenarioLeave(t) {
    const member = t.page;
    member.on('dialog', (d) => d.accept().catch(() => {}));
    await h.logIn(t, 'member', h.DEMO_PASSWORD, 'my.html');
    const memberName = await text(member, '#current-user');
    const card = member.locator('#my-meetings [data-testid="meeting-card"]')
      .filter({ has: member.locator('[data-testid="meeting-title"]', { hasText: TITLE }) }).first();
    await card.waitFor();
    const id = await card.getAttribute('data-meeting-id');
    assert(id, 'the meeting card has no id');
    assert(await card.locator('[data-testid="my-leave"]').count() === 0, 'a leave notice before any request');
    const meetingUrl = new URL(`meeting.html?id=${id}`, t.url).href;

    // The member asks from the phone: a blank reason is refused on the page.
    await member.goto(meetingUrl);
    await member.locator('#leave-form').waitFor();
    assert(!(await member.locator('#leave-decide').isVisible()), 'a member sees the decisions');
    await member.locator('#leave-submit').click();
    assert((await text(member, '#leave-status')).includes('请填写请假原因'), 'a blank reason is not refused');
    await member.locator('#leave-reason').fill('在外地施工，无法按时参会');
    await member.locator('#leave-submit').click();
    await h.waitForFormSuccess(member, '#leave-status', 'asking for leave');
    await waitForText(member, '[data-testid="leave-current"] [data-testid="leave-state"]', '待审批', 'the request');
    assert(!(await member.locator('#leave-form').isVisible()), 'the form stays open with a request pending');

    // Withdrawn, then asked again: the second request is the one decided.
    await member.locator('[data-testid="leave-withdraw"]').click();
    await h.waitForFormSuccess(member, '#leave-status', 'withdrawing');
    await waitForText(member, '[data-testid="leave-current"] [data-testid="leave-state"]', '已撤回', 'the withdrawal');
    await member.locator('#leave-reason').fill('单位安排外出学习，无法参会');
    await member.locator('#leave-submit').click();
    await h.waitForFormSuccess(member, '#leave-status', 'asking again');
    await waitForText(member, '[data-testid="leave-current"] [data-testid="leave-state"]', '待审批', 'the second request');
    log('member asked, withdrew and asked again');

    // The secretary decides on a desktop page.
    const env = h.environment();
    const browser = await withTimeout(h.chromium().launch({
      executablePath: env.chromiumPath, headless: true, args: h.CHROMIUM_ARGS, timeout: 30_000,
    }), 35_000, 'launching the second Chromium');
    try {
      const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: DESKTOP });
      context.setDefaultTimeout(h.STEP_TIMEOUT_MS);
      const sec = await context.newPage();
      sec.on('pageerror', (err) => t.consoleLines.push(`secretary page error: ${err.message}`));
      await h.logIn({ page: sec, url: t.url }, 'secretary', h.DEMO_PASSWORD, 'secretary.html');
      await sec.goto(meetingUrl);
      await sec.locator('#leave-decide').waitFor();
      const items = sec.locator('[data-testid="leave-item"]');
      await items.first().waitFor();
      assert(await items.count() === 2, `the secretary sees ${await items.count()} requests, not 2`);
      const pending = items.filter({ has: sec.locator('[data-testid="leave-state"]', { hasText: '待审批' }) });
      assert(await pending.count() === 1, 'not exactly one pending request');
      assert((await pending.locator('[data-testid="leave-member"]').textContent()).includes(memberName),
        'the pending request is not the member\'s');
      assert((await pending.textContent()).includes('单位安排外出学习'), 'the reason is not shown');
      const summary = await text(sec, '#expected-summary');
      assert(/应到 \d+ 人（有表决权 \d+ 人），已准假 0 人/.test(summary), `expected summary: ${summary}`);

      await pending.locator('[data-testid="leave-note"]').fill('同意，会后请补学');
      await pending.locator('[data-testid="leave-approve"]').click();
      await h.waitForFormSuccess(sec, '#leave-status', 'approving');
      await waitForText(sec, '[data-testid="leave-item"] [data-testid="leave-state"]', '已准假', 'the approval');
      assert(await sec.locator('[data-testid="leave-approve"]').count() === 0, 'a decided request still offers 批准');
      await waitForText(sec, '#expected-summary', '已准假 1 人', 'the expected summary');
      const entry = sec.locator('[data-testid="expected-entry"]').filter({ hasText: memberName }).first();
      assert((await entry.textContent()).includes('已准假'), 'the expected list does not show the leave');
      log('secretary approved; the expected list shows it');
    } finally {
      await withTimeout(browser.close(), 10_000, 'closing the second Chromium').catch((e) => log(e.message));
    }

    // The member is told: on 我的会议 and on the meeting's page.
    await member.goto(new URL('my.html', t.url).href);
    await waitForText(member, '[data-testid="my-leave"]', '请假：已准假（同意，会后请补学）', 'the member\'s notice');
    await member.goto(meetingUrl);
    await waitForText(member, '[data-testid="leave-current"] [data-testid="leave-state"]', '已准假', 'the member\'s page');
    assert((await text(member, '[data-testid="leave-decided"]')).includes('同意，会后请补学'), 'the note is not shown');
    assert(!(await member.locator('#leave-form').isVisible()), 'an approved member is offered the form');
    assert(await member.locator('[data-testid="leave-withdraw"]').count() === 0, 'an approved request can be withdrawn');
  }

  async function scenarioWarnings(t) {
    const sec = t.page;
    await h.logIn(t, 'secretary', h.DEMO_PASSWORD, 'secretary.html');
    await sec.locator('#warnings-block').waitFor();
    await waitForText(sec, '#warnings-rule', '满六个月前 60 天提醒', 'the rule line');
    const orgId = await sec.locator('#org-select').inputValue();
    const answer = await sec.evaluate(async (id) => {
      const r = await fetch(`/api/orgs/${id}/warnings`, { credentials: 'same-origin' });
      return { status: r.status, body: await r.json() };
    }, orgId);
    assert(answer.status === 200, `the warnings answer ${answer.status}`);
    const flagged = answer.body.members;
    if (flagged.length === 0) {
      await sec.locator('[data-testid="warnings-empty"]').waitFor();
    } else {
      await sec.locator('[data-testid="warning-row"]').first().waitFor();
      for (const w of flagged) {
        const row = sec.locator(`[data-testid="warning-row"][data-member-id="${w.member_id}"]`);
        assert(await row.count() === 1, `no row for ${w.name}`);
        assert((await row.locator('[data-testid="warning-text"]').textContent()) === w.text,
          `the text of ${w.name} differs from the API's`);
      }
    }
    assert(await sec.locator('[data-testid="warning-row"]').count() === flagged.length,
      'the section lists other members than the API');
    log(`secretary sees ${flagged.length} warning(s)`);
  }

  return { leave: scenarioLeave, warnings: scenarioWarnings };
}
