// Attendance scenarios for run.mjs. `leave`: a member asks for leave from a
// phone-sized page, withdraws, asks again; the secretary (a desktop page of
// a second Chromium) sees the request with the expected attendance and
// approves it with a note; the member is told on 我的会议 and on the
// meeting's page, and cannot ask twice. `attendance-pages`: the attendance
// record, history and report pages after a meeting with real media, and
// the CSV downloaded through them. `warnings`: the secretary's 组织生活提醒
// section shows exactly the members the API flags, the two the demo's
// history flags. `history-pages`: the demo's history on the member's and
// the branch's pages and CSV files, and the 补录 form.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const TITLE = '第四季度支部党员大会';
const DESKTOP = { width: 1280, height: 800 };
const MEDIA_ARGS = [
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

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

  // ------------------------------------------------------------ attendance-pages

  /** A logged-in account {login, context, csrf, account, page} (REST log-in; the page shares the cookie). */
  async function person(t, context, login) {
    const res = await context.request.post(new URL('api/session', t.url).href,
      { data: { login, password: h.DEMO_PASSWORD } });
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
    const body2 = await res.text();
    assert(res.ok(), `${method} ${path} as ${p.login}: HTTP ${res.status()} ${body2}`);
    return body2 ? JSON.parse(body2) : null;
  }

  /** Opens room.html and joins; resolves once the page says it joined. */
  async function joinRoom(t, p, meetingId) {
    await p.page.goto(new URL(`room.html?id=${meetingId}`, t.url).href);
    await p.page.locator('#lobby-card').waitFor({ state: 'visible' });
    await p.page.locator('#join-button').click();
    try {
      await p.page.waitForFunction(() => window.sanhuiRoom && window.sanhuiRoom.joined, null, { timeout: h.STEP_TIMEOUT_MS });
    } catch (_) {
      const why = await p.page.locator('#join-status').textContent().catch(() => '');
      assert(false, `${p.login} did not join: "${(why || '').trim()}"`);
    }
    log(`${p.login} joined the room`);
  }

  /** Polls the record until every member of @ids has an interval (their media is live). */
  async function waitForIntervals(t, secretary, meetingId, ids) {
    const deadline = Date.now() + 30_000;
    let record = null;
    while (Date.now() < deadline) {
      record = await call(t, secretary, 'GET', `api/meetings/${meetingId}/attendance`);
      const rows = ids.map((id) => record.members.find((r) => r.member_id === id));
      if (rows.every((r) => r && r.intervals.length > 0)) return record;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert(false, `no interval opened for ${ids.join(', ')}: ${JSON.stringify(record && record.members)}`);
    return null;
  }

  /** Clicks @selector on @page and returns the downloaded file's bytes and name. */
  async function download(page, selector) {
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
    const path = await file.path();
    assert(path, `${selector}: the download failed (${await file.failure()})`);
    return { bytes: readFileSync(path), name: file.suggestedFilename() };
  }

  /** The CSV's lines: it must start with the UTF-8 byte order mark. */
  function csvLines(file, what) {
    const b = file.bytes;
    assert(b[0] === 0xEF && b[1] === 0xBB && b[2] === 0xBF, `${what}: no UTF-8 byte order mark`);
    assert(file.name.endsWith('.csv'), `${what}: file name ${file.name}`);
    return b.subarray(3).toString('utf8').split('\r\n');
  }

  /** With SANHUI_ROOM_SHOTS=DIR, a full-page screenshot of @page as DIR/attendance-pages-@tag.png. */
  async function shot(page, tag) {
    const dir = process.env.SANHUI_ROOM_SHOTS;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `attendance-pages-${tag}.png`), fullPage: true, timeout: 5_000 })
      .catch((e) => log(`no screenshot ${tag}: ${e.message}`));
  }

  async function noSideways(page, what) {
    const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert(scroll <= width + 1, `${what}: the phone page scrolls sideways (${scroll} > ${width})`);
  }

  /**
   * The attendance pages from a real meeting: the secretary (the chair, a
   * desktop page in a second Chromium) and the member (a phone page) join
   * with media and the member answers a roll call; member2 stays away. While it runs the secretary's meeting
   * page shows the provisional record; after it ends, the final one, whose
   * CSV, downloaded through the page's link, has the BOM, the Chinese header
   * and the right lines. The member sees their own row only and their
   * history (attendance.html) with the meeting; the secretary opens it from
   * the roster, and the branch's report on 支部工作 has the meeting's counts.
   */
  async function scenarioPages(t) {
    const cleanup = [];
    try {
      const env = h.environment();
      const browser = await withTimeout(h.chromium().launch({
        executablePath: env.chromiumPath, headless: true, args: [...h.CHROMIUM_ARGS, ...MEDIA_ARGS],
        ignoreDefaultArgs: ['--mute-audio'], timeout: 30_000,
      }), 35_000, 'launching the second Chromium');
      cleanup.push(() => browser.close());
      const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: DESKTOP });
      context.setDefaultTimeout(h.STEP_TIMEOUT_MS);
      const secretary = await person(t, context, 'secretary');
      const member = await person(t, t.context, 'member');

      const orgs = await call(t, secretary, 'GET', 'api/orgs');
      const branch = (Array.isArray(orgs) ? orgs : orgs.orgs).find((o) => o.name === '第一党支部');
      assert(branch, 'no 第一党支部 in the demo');
      const title = `出勤页面测试-${Date.now().toString(36)}`;
      const meeting = await call(t, secretary, 'POST', `api/orgs/${branch.id}/meetings`, {
        type: 'general', title, planned_start: new Date(Date.now() + 10 * 60_000).toISOString(),
        planned_end: new Date(Date.now() + 130 * 60_000).toISOString(),
        chair_member_id: secretary.account.member_id, agenda: ['学习党章'],
      });
      await call(t, secretary, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'open' });
      await call(t, secretary, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'in_progress' });
      await joinRoom(t, secretary, meeting.id);
      await joinRoom(t, member, meeting.id);
      const mine = member.account.member_id;
      await waitForIntervals(t, secretary, meeting.id, [mine, secretary.account.member_id]);
      log('both have an open interval');

      // A roll call of 15 s: the member answers on the phone, the chair does not.
      await secretary.page.locator('#tab-chair').click();
      await secretary.page.locator('[data-testid="rollcall-seconds"]').selectOption('15');
      await secretary.page.locator('[data-testid="rollcall-start"]').click();
      await member.page.locator('[data-testid="rollcall-answer"]').click();
      await member.page.locator('[data-testid="rollcall-prompt"][data-state="answered"]').waitFor();
      await secretary.page.locator('[data-testid="rollcall-summary"]').waitFor({ timeout: 30_000 });
      log('a roll call: the member answered, the chair did not');

      // The provisional record on the secretary's meeting page, in a second tab.
      const sec = await context.newPage();
      sec.on('pageerror', (err) => t.consoleLines.push(`secretary page error: ${err.message}`));
      const meetingPage = new URL(`meeting.html?id=${meeting.id}`, t.url).href;
      await sec.goto(meetingPage);
      await sec.locator('[data-testid="ar-state"][data-live="true"]').waitFor();
      const liveRow = sec.locator(`[data-testid="ar-members"] [data-testid="ar-row"][data-member-id="${mine}"]`);
      await waitForText(sec, `[data-testid="ar-members"] [data-testid="ar-row"][data-member-id="${mine}"] [data-testid="ar-interval"]`,
        '在会中', 'the live interval');
      assert(await liveRow.locator('[data-testid="ar-interval"]').count() === 1, 'the live row has not one interval');
      log('the secretary sees the provisional record');
      await shot(sec, 'live');

      await sec.waitForTimeout(3000);
      await call(t, secretary, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'ended' });
      const record = await call(t, secretary, 'GET', `api/meetings/${meeting.id}/attendance`);
      const row = record.members.find((r) => r.member_id === mine);
      const absent = record.members.find((r) => r.member_id !== mine &&
        r.member_id !== secretary.account.member_id && r.status === 'absent');
      assert(row && row.intervals.length === 1 && row.total_seconds > 0, `the member's row: ${JSON.stringify(row)}`);
      assert(absent, `no absent member in ${JSON.stringify(record.counts)}`);

      // The final record.
      await sec.reload();
      await sec.locator('[data-testid="ar-state"][data-live="false"]').waitFor();
      for (const key of ['expected', 'present', 'absent', 'on_leave']) {
        const shown = await text(sec, `[data-testid="ar-counts-${key}"]`);
        assert(shown === String(record.counts[key]), `count ${key}: the page shows ${shown}, the record ${record.counts[key]}`);
      }
      const rows = sec.locator('[data-testid="ar-members"] [data-testid="ar-row"]');
      const expectedRows = record.members.filter((r) => r.role !== 'excluded').length;
      assert(await rows.count() === expectedRows, `${await rows.count()} rows on the page, ${expectedRows} in the record`);
      const final = sec.locator(`[data-testid="ar-members"] [data-testid="ar-row"][data-member-id="${mine}"]`);
      assert((await final.locator('[data-testid="ar-status"]').textContent()) === row.status_label,
        `the member's status on the page: ${await final.locator('[data-testid="ar-status"]').textContent()}`);
      const span = (await final.locator('[data-testid="ar-interval"]').textContent()) || '';
      assert(span.includes(row.intervals[0].end_label) && /\d\d:\d\d:\d\d–\d\d:\d\d:\d\d/.test(span) &&
        (span.includes('视频') || span.includes('仅音频')), `the member's interval on the page: ${span}`);
      const called = (await final.locator('[data-testid="ar-rollcall"]').textContent()) || '';
      assert(/^点名：已签到 \d\d:\d\d:\d\d$/.test(called), `the member's roll call on the page: ${called}`);
      const chairCalled = await text(sec, `[data-testid="ar-row"][data-member-id="${secretary.account.member_id}"] [data-testid="ar-rollcall"]`);
      assert(chairCalled === '点名：未签到', `the chair's roll call on the page: ${chairCalled}`);
      const away = sec.locator(`[data-testid="ar-row"][data-member-id="${absent.member_id}"] [data-testid="ar-status"]`);
      assert((await away.textContent()) === '缺席', `the absent member shows ${await away.textContent()}`);
      await shot(sec, 'final');
      log(`final record: ${row.name} ${row.status_label}, ${row.total_seconds} s; ${absent.name} 缺席`);

      // The CSV through the page's link.
      const csv = csvLines(await download(sec, '[data-testid="ar-csv"]'), 'the meeting CSV');
      const header = csv.findIndex((l) => l.startsWith('姓名,身份,表决权,出席情况,迟到,早退,出席时长（分钟）,'));
      assert(header > 0, `the meeting CSV has no header: ${csv.slice(0, 8).join(' | ')}`);
      assert(csv[0].startsWith(`会议,${title}`), `the meeting CSV's first line: ${csv[0]}`);
      const people = csv.slice(header + 1).filter((l) => l);
      const all = [...record.members, ...record.visitors, ...record.guests];
      assert(people.length === all.length, `${people.length} person lines in the CSV, ${all.length} in the record`);
      const line = people.find((l) => l.startsWith(`${row.name},`));
      assert(line && line.includes(row.status_label) && line.includes('（会议结束）'), `the member's CSV line: ${line}`);
      const awayLine = people.find((l) => l.startsWith(`${absent.name},`));
      assert(awayLine && awayLine.includes(',缺席,'), `the absent member's CSV line: ${awayLine}`);
      log('the meeting CSV downloaded through the page is right');

      // The member on the phone: their own row only, no CSV.
      const phone = member.page;
      await phone.goto(meetingPage);
      await phone.locator('[data-testid="ar-state"][data-live="false"]').waitFor();
      const own = phone.locator('[data-testid="ar-own"] [data-testid="ar-row"]');
      assert(await own.count() === 1, `the member sees ${await own.count()} rows`);
      assert((await own.locator('[data-testid="ar-name"]').textContent()) === row.name, 'the member\'s row is not theirs');
      assert(await phone.locator('[data-testid="ar-csv"]').count() === 0, 'the member is offered the meeting CSV');
      await noSideways(phone, 'the member\'s meeting page');
      await shot(phone, 'own');

      // Their history, from 我的会议.
      await phone.goto(new URL('my.html', t.url).href);
      await phone.locator('[data-testid="my-attendance-link"]').click();
      await phone.waitForURL(/attendance\.html/);
      const item = phone.locator(`[data-testid="history-item"][data-meeting-id="${meeting.id}"]`);
      await item.waitFor();
      assert((await item.locator('[data-testid="ar-status"]').textContent()) === row.status_label, 'the history shows another status');
      const seconds = Number(await item.locator('[data-testid="ar-total"]').getAttribute('data-seconds'));
      assert(Math.abs(seconds - row.total_seconds) <= 1, `the history shows ${seconds} s, the record ${row.total_seconds} s`);
      assert(Number(await text(phone, '[data-testid="history-total-meetings"]')) >= 1, 'the history counts no meeting');
      assert(await phone.locator('[data-testid="nav-attendance"].active').count() === 1, 'no active 出勤记录 in the top bar');
      await noSideways(phone, 'the member\'s history');
      await shot(phone, 'history');
      const history = csvLines(await download(phone, '[data-testid="history-csv"]'), 'the member\'s CSV');
      assert(history[0] === `党员,${row.name}`, `the member's CSV first line: ${history[0]}`);
      assert(history.some((l) => l.startsWith(`${title},`) && l.includes(row.status_label)), 'the member\'s CSV has no line of the meeting');
      log('the member sees their own row and their history with the meeting');

      // The secretary: the member's history from the roster, the branch's report.
      await sec.goto(new URL('secretary.html#members', t.url).href);
      await sec.locator(`[data-testid="member-row"][data-member-id="${mine}"] [data-testid="member-attendance-link"]`).click();
      await sec.waitForURL(/attendance\.html\?member=/);
      await sec.waitForURL(/attendance\.html\?member=/);
      await sec.locator(`[data-testid="history-item"][data-meeting-id="${meeting.id}"]`).waitFor();
      await shot(sec, 'member-history');
      assert((await text(sec, '#history-title')).includes(row.name), 'the history page does not name the member');
      await sec.goto(new URL('secretary.html#meetings', t.url).href);
      const report = sec.locator(`[data-testid="branch-att-meeting"][data-meeting-id="${meeting.id}"]`);
      await report.waitFor();
      for (const key of ['expected', 'present', 'absent']) {
        const shown = ((await report.locator(`[data-testid="branch-att-meeting-${key}"]`).textContent()) || '').trim();
        assert(shown === String(record.counts[key]), `branch report ${key}: ${shown}, the record ${record.counts[key]}`);
      }
      await shot(sec, 'branch');
      const branchCsv = csvLines(await download(sec, '[data-testid="branch-att-csv"]'), 'the branch CSV');
      assert(branchCsv.some((l) => l.startsWith(`${title},`)), 'the branch CSV has no line of the meeting');
      assert(branchCsv.some((l) => l.startsWith('姓名,应到次数,')), 'the branch CSV has no member totals');
      log('the secretary opened the history from the roster; the branch report and its CSV are right');
    } finally {
      for (const f of cleanup.reverse()) await withTimeout(Promise.resolve().then(f), 10_000, 'closing').catch(() => {});
    }
  }
  scenarioPages.launch = { args: MEDIA_ARGS, ignoreDefaultArgs: ['--mute-audio'] };

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
    // The demo's history flags two: 赵磊 (no organizational life in five
    // months) and 吴敏 (absent three times in a row and more).
    const names = flagged.map((w) => w.name).sort();
    assert(names.join(',') === ['吴敏', '赵磊'].sort().join(','), `the demo flags ${names.join(', ')}`);
    for (const [name, kind, words] of [['赵磊', 'lapse', '满六个月'], ['吴敏', 'absences', '无故缺席']]) {
      const w = flagged.find((x) => x.name === name);
      assert(w.kinds.includes(kind), `${name}: kinds ${w.kinds.join(', ')}`);
      const row = sec.locator(`[data-testid="warning-row"][data-member-id="${w.member_id}"]`);
      assert((await row.textContent()).includes(name), `the row of ${name} does not name them`);
      assert((await row.locator('[data-testid="warning-text"]').textContent()).includes(words),
        `the row of ${name} does not say ${words}`);
    }
    log(`secretary sees ${flagged.length} warning(s)`);
  }

  /**
   * The demo's five months of history on the pages, without media: the
   * member's own history (a phone page) lists past meetings with their
   * statuses and the one entered afterwards flagged 补录, and its CSV has
   * the BOM and a line per meeting; the branch's report on 支部工作 lists
   * them and its CSV has rows with the 补录 column; the secretary enters a
   * meeting held offline through its page's 补录 form and its record says so.
   */
  async function scenarioHistoryPages(t) {
    const phone = t.page;
    await h.logIn(t, 'member', h.DEMO_PASSWORD, 'my.html');
    await phone.goto(new URL('attendance.html', t.url).href);
    // The page shows this year (in Asia/Shanghai); the API, unbounded, the
    // whole five months.
    const all = await phone.evaluate(async () => {
      const me = await (await fetch('/api/session', { credentials: 'same-origin' })).json();
      const r = await fetch(`/api/members/${me.account.member_id}/attendance`, { credentials: 'same-origin' });
      return (await r.json()).meetings;
    });
    assert(all.length >= 8, `the member's history holds ${all.length} meetings`);
    assert(all.filter((m) => m.status === 'present' || m.status === 'late').length >= 6, 'too few attended');
    assert(all.filter((m) => m.status === 'on_leave').length === 1, 'no meeting on leave');
    assert(all.filter((m) => m.recorded_after).length === 1, 'no meeting entered afterwards');
    const year = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date());
    const shown = all.filter((m) => m.planned_start.startsWith(year));
    const items = phone.locator('[data-testid="history-item"]');
    if (shown.length) await items.first().waitFor();
    const count = await items.count();
    assert(count === shown.length, `the member's history lists ${count} meetings, the API ${shown.length} this year`);
    const statuses = await items.evaluateAll((els) => els.map((e) => e.dataset.status));
    assert([...statuses].sort().join(',') === shown.map((m) => m.status).sort().join(','),
      `statuses on the page ${statuses.join(',')}, in the API ${shown.map((m) => m.status).join(',')}`);
    assert(await phone.locator('[data-testid="history-recorded-after"]').count()
      === shown.filter((m) => m.recorded_after).length, 'the meeting entered afterwards is not flagged 补录');
    for (const badge of await phone.locator('[data-testid="history-item"] [data-testid="ar-status"]').allTextContents()) {
      assert(badge.trim().length > 0, 'a history item shows no status');
    }
    await noSideways(phone, 'the member\'s history');
    const history = csvLines(await download(phone, '[data-testid="history-csv"]'), 'the member\'s CSV');
    assert(history[0] === '党员,黄丽', `the member's CSV first line: ${history[0]}`);
    assert(history[1].endsWith(',请假,补录'), `the member's CSV header: ${history[1]}`);
    const lines = history.slice(2).filter((l) => l);
    assert(lines.length === count, `the member's CSV has ${lines.length} lines, the page ${count}`);
    assert(lines.filter((l) => l.endsWith(',是')).length === shown.filter((m) => m.recorded_after).length,
      'the member\'s CSV does not flag the 补录 line');
    log(`the member's history shows ${count} past meetings with their statuses`);

    const context = await t.context.browser().newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: DESKTOP });
    try {
      context.setDefaultTimeout(h.STEP_TIMEOUT_MS);
      const secretary = await person(t, context, 'secretary');
      const sec = secretary.page;
      await sec.goto(new URL('secretary.html#meetings', t.url).href);
      const orgs = await call(t, secretary, 'GET', 'api/orgs');
      const branch = (Array.isArray(orgs) ? orgs : orgs.orgs).find((o) => o.name === '第一党支部');
      const report = await call(t, secretary, 'GET', `api/orgs/${branch.id}/attendance`);
      assert(report.meetings.length >= 19, `the branch's history holds ${report.meetings.length} meetings`);
      const thisYear = report.meetings.filter((m) => m.planned_start.startsWith(year));
      const rows = sec.locator('[data-testid="branch-att-meeting"]');
      if (thisYear.length) await rows.first().waitFor();
      assert(await rows.count() === thisYear.length, `the branch report lists ${await rows.count()} meetings`);
      assert(await sec.locator('[data-testid="branch-att-recorded-after"]').count()
        === thisYear.filter((m) => m.recorded_after).length, 'the 补录 tag is wrong in the branch report');
      const branchCsv = csvLines(await download(sec, '[data-testid="branch-att-csv"]'), 'the branch CSV');
      const header = branchCsv.findIndex((l) => l.startsWith('会议,类型,计划开始,'));
      assert(header === 1 && branchCsv[1].endsWith(',补录'), `the branch CSV header: ${branchCsv[1]}`);
      const meetingLines = branchCsv.slice(2, branchCsv.indexOf('', 2));
      assert(meetingLines.length === thisYear.length, `the branch CSV has ${meetingLines.length} meeting lines`);
      assert(branchCsv.some((l) => l.startsWith('姓名,应到次数,')), 'the branch CSV has no member totals');

      // 补录 through the page: a general meeting held offline three days ago.
      const title = `线下补录测试-${Date.now().toString(36)}`;
      const start = new Date(Date.now() - 3 * 86400_000);
      const meeting = await call(t, secretary, 'POST', `api/orgs/${branch.id}/meetings`, {
        type: 'general', title, planned_start: start.toISOString(),
        planned_end: new Date(start.getTime() + 90 * 60_000).toISOString(),
      });
      await sec.goto(new URL(`meeting.html?id=${meeting.id}`, t.url).href);
      await sec.locator('[data-testid="past-panel"]').waitFor({ state: 'visible' });
      const selects = sec.locator('[data-testid="past-status"]');
      assert(await selects.count() >= 8, `the form lists ${await selects.count()} members`);
      await selects.nth(1).selectOption('absent');
      await sec.locator('[data-testid="past-submit"]').click();
      await sec.locator('[data-testid="ar-recorded-after"], [data-testid="past-status-line"].status-error')
        .first().waitFor();
      const refused = sec.locator('[data-testid="past-status-line"].status-error');
      assert(await refused.count() === 0, `the 补录 was refused: ${await refused.first().textContent().catch(() => '')}`);
      assert(await sec.locator('[data-testid="past-panel"]').isHidden(), 'the form is still offered');
      const record = await call(t, secretary, 'GET', `api/meetings/${meeting.id}/attendance`);
      assert(record.recorded_after === true && record.state === 'ended', `the record: ${JSON.stringify(record).slice(0, 200)}`);
      assert(record.counts.absent === 1, `absent ${record.counts.absent}`);
      log('the branch report and its CSV list the history; a meeting entered through the 补录 form is flagged');
    } finally {
      await withTimeout(context.close(), 10_000, 'closing').catch(() => {});
    }
  }

  return {
    leave: scenarioLeave, 'attendance-pages': scenarioPages, warnings: scenarioWarnings,
    'history-pages': scenarioHistoryPages,
  };
}
