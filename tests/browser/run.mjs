// Browser tests for the Sanhui web client: headless Chromium driven by
// playwright-core against a real `sanhui` server on loopback.
//
//   node tests/browser/run.mjs SCENARIO      (schedule, roster, lockout, meeting, the room-*
//                                             scenarios of room-scenarios.mjs, leave
//                                             (attendance-scenarios.mjs), or all;
//                                             room-recording (recording-scenarios.mjs);
//                                             echo and echo-recvonly for the interop suite)
//
// Environment: SANHUI_BINARY (the built `sanhui`), SANHUI_SOURCE_ROOT (the
// source tree, for web/), optionally CHROMIUM_PATH and SANHUI_BROWSER_KEEP=1
// (keep the temp dir). Exits 0 when the scenario passes, 1 otherwise, and
// ends with "N passed, M failed".

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { roomScenarios } from './room-scenarios.mjs';
import { voteScenarios } from './vote-scenarios.mjs';
import { attendanceScenarios } from './attendance-scenarios.mjs';
import { rollcallScenarios } from './rollcall-scenarios.mjs';
import { crashScenarios } from './crash-scenarios.mjs';
import { recordingScenarios } from './recording-scenarios.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
let chromium = null; // from playwright-core, loaded in main() so a missing install is reported
const SCRIPT_DEADLINE_MS = 110_000;  // the whole script stays under 120 s
const SCENARIO_DEADLINE_MS = 75_000;
const SERVER_URL_TIMEOUT_MS = 20_000;
const DEMO_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 10_000;      // default for every Playwright wait
const DEMO_PASSWORD = 'Demo@2026';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// ------------------------------------------------------------------ utilities

function log(...args) {
  console.log('[browser]', ...args);
}

class TestFailure extends Error {}

function assert(condition, message) {
  if (!condition) throw new TestFailure(message);
}

/** Rejects after @ms with @what in the message; the timer never keeps node alive. */
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new TestFailure(`timed out after ${ms} ms: ${what}`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** "YYYY-MM-DD" @days from now in Asia/Shanghai. */
function shanghaiDate(days) {
  const parts = {};
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
  });
  for (const p of fmt.formatToParts(new Date(Date.now() + days * 86_400_000))) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function uniqueSuffix() {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

// ------------------------------------------------------------------ environment

function environment() {
  const binary = process.env.SANHUI_BINARY;
  const sourceRoot = process.env.SANHUI_SOURCE_ROOT || resolve(HERE, '..', '..');
  const chromiumPath = process.env.CHROMIUM_PATH || '/usr/lib/chromium/chromium';
  assert(binary, 'SANHUI_BINARY is not set');
  assert(existsSync(binary), `SANHUI_BINARY does not exist: ${binary}`);
  assert(existsSync(join(sourceRoot, 'web', 'index.html')), `no web/index.html under ${sourceRoot}`);
  assert(existsSync(chromiumPath), `Chromium not found at ${chromiumPath} (apt-get install chromium)`);
  return { binary, sourceRoot, chromiumPath };
}

function loadDemo(env, dataDir) {
  const args = ['--set', `storage.data_dir=${dataDir}`, '--set', 'security.password_iterations=1000', 'demo'];
  log('loading demo data:', env.binary, args.join(' '));
  const r = spawnSync(env.binary, args, { encoding: 'utf8', timeout: DEMO_TIMEOUT_MS });
  if (r.error || r.status !== 0) {
    throw new TestFailure(`"sanhui demo" failed (${r.error ? r.error.message : `exit ${r.status}, signal ${r.signal}`})\n` +
      `stdout:\n${r.stdout || ''}\nstderr:\n${r.stderr || ''}`);
  }
}

/** Starts `sanhui serve` (on @port, 0: any free one); resolves with
 * {proc, url, stdout, stderr, exited} once the URL is printed. */
function startServer(env, dataDir, port = 0) {
  const args = [
    '--set', `storage.data_dir=${dataDir}`,
    '--set', `server.port=${port}`,
    '--set', `server.web_root=${join(env.sourceRoot, 'web')}`,
    // Accounts made during a scenario get the demo's cheap hashes: at the
    // production cost one hash takes over 10 s in the sanitizer build.
    '--set', 'security.password_iterations=1000',
    'serve',
  ];
  log('starting server:', env.binary, args.join(' '));
  const proc = spawn(env.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { proc, url: null, stdout: '', stderr: '', exited: false };
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk) => { server.stderr += chunk; });
  proc.on('exit', () => { server.exited = true; });

  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      reject(new TestFailure(`server did not print its URL within ${SERVER_URL_TIMEOUT_MS} ms`));
    }, SERVER_URL_TIMEOUT_MS);
    proc.stdout.on('data', (chunk) => {
      server.stdout += chunk;
      if (server.url) return;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(server.stdout);
      if (m) {
        server.url = m[1];
        clearTimeout(timer);
        resolvePromise(server);
      }
    });
    proc.on('error', (e) => {
      clearTimeout(timer);
      reject(new TestFailure(`cannot start the server: ${e.message}`));
    });
    proc.on('exit', (code, signal) => {
      if (server.url) return;
      clearTimeout(timer);
      reject(new TestFailure(`server exited before printing its URL (exit ${code}, signal ${signal})`));
    });
  }).catch((e) => {
    e.server = server;
    throw e;
  });
}

async function stopServer(server) {
  if (!server || server.exited) return;
  const exited = new Promise((r) => server.proc.once('exit', r));
  server.proc.kill('SIGTERM');
  try {
    await withTimeout(exited, 5_000, 'server shutdown');
  } catch (_) {
    log('server ignored SIGTERM; killing it');
    server.proc.kill('SIGKILL');
    await withTimeout(exited, 2_000, 'server kill').catch(() => {});
  }
}

/** Kills @server with SIGKILL, as a crash would; resolves with the time of the kill (ms). */
async function crashServer(server) {
  const exited = server.exited ? Promise.resolve() : new Promise((r) => server.proc.once('exit', r));
  const at = Date.now();
  server.proc.kill('SIGKILL');
  await withTimeout(exited, 5_000, 'killing the server');
  return at;
}

async function launchBrowser(env, userDataDir, launch = {}) {
  const context = await withTimeout(chromium.launchPersistentContext(userDataDir, {
    executablePath: env.chromiumPath,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(launch.args || [])],
    ...(launch.ignoreDefaultArgs ? { ignoreDefaultArgs: launch.ignoreDefaultArgs } : {}),
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 390, height: 844 }, // a phone
    timeout: 30_000,
  }), 35_000, 'launching Chromium');
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  return context;
}

// ------------------------------------------------------------------ page steps

/** Logs in through the form; resolves once the landing page @expectPage loaded. */
async function logIn(t, login, password, expectPage) {
  const { page } = t;
  await page.goto(new URL('index.html', t.url).href);
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(password);
  await Promise.all([
    page.waitForURL((u) => u.pathname.endsWith(`/${expectPage}`)),
    page.locator('#login-submit').click(),
  ]);
  await page.locator('#current-user').filter({ hasText: /\S/ }).waitFor();
}

async function logOut(t) {
  const { page } = t;
  await Promise.all([
    page.waitForURL((u) => /\/(index\.html)?$/.test(u.pathname)),
    page.locator('#logout-button').click(),
  ]);
  await page.locator('#login-form').waitFor();
}

async function expectSecrecyNotice(page) {
  const text = await page.locator('footer[data-testid="secrecy-notice"]').textContent();
  assert(text && text.includes('严禁在互联网会议中涉及国家秘密'), `secrecy notice missing on ${page.url()}`);
}

/** Waits until the status line turns green; fails with its message if it turns red. */
async function waitForFormSuccess(page, statusSelector, what) {
  await page.waitForFunction((sel) => {
    const n = document.querySelector(sel);
    return n && !n.hidden && (n.classList.contains('status-success') || n.classList.contains('status-error'));
  }, statusSelector, { timeout: STEP_TIMEOUT_MS });
  const status = page.locator(statusSelector);
  const cls = (await status.getAttribute('class')) || '';
  const text = (await status.textContent()) || '';
  assert(cls.includes('status-success'), `${what} failed: ${text.trim()}`);
  return text;
}

// ------------------------------------------------------------------ scenarios

/**
 * The secretary schedules a general meeting; a member of the branch sees it
 * on "我的会议". A wrong password shows a Chinese error.
 */
async function scenarioSchedule(t) {
  const { page } = t;
  const title = `浏览器测试党员大会-${uniqueSuffix()}`;
  const date = shanghaiDate(3);

  // A wrong password: the API's Chinese message, and we stay on the form.
  await page.goto(new URL('index.html', t.url).href);
  await expectSecrecyNotice(page);
  await page.locator('#login').fill('secretary');
  await page.locator('#password').fill('wrong-password');
  await page.locator('#login-submit').click();
  const error = page.locator('#login-error');
  await error.waitFor({ state: 'visible' });
  const errorText = ((await error.textContent()) || '').trim();
  assert(/[\u4e00-\u9fff]/.test(errorText), `log-in error is not Chinese: "${errorText}"`);
  assert(new URL(page.url()).pathname.match(/\/(index\.html)?$/), 'a wrong password left the log-in page');
  log(`wrong password shows: ${errorText}`);

  // The secretary lands on 支部工作 and schedules the meeting.
  await logIn(t, 'secretary', DEMO_PASSWORD, 'secretary.html');
  await expectSecrecyNotice(page);
  await page.locator('#tab-meetings').click();
  await page.locator('#panel-meetings').waitFor({ state: 'visible' });
  // Members are loaded when the recorder select has choices.
  await page.waitForFunction(() => document.querySelectorAll('#meeting-recorder option[value]:not([value=""])').length > 0,
    null, { timeout: STEP_TIMEOUT_MS });

  await page.locator('#meeting-type').selectOption('general');
  await page.locator('#meeting-title').fill(title);
  await page.locator('#meeting-date').fill(date);
  await page.locator('#meeting-start').fill('14:30');
  await page.locator('#meeting-end').fill('16:00');
  await page.locator('#meeting-place').fill('党员活动室');
  const chair = page.locator('#meeting-chair');
  if (!(await chair.inputValue())) {
    const first = await chair.locator('option:not([value=""])').first().getAttribute('value');
    await chair.selectOption(first);
  }
  const chairId = await chair.inputValue();
  const recorderIds = await page.locator('#meeting-recorder option:not([value=""])')
    .evaluateAll((opts) => opts.map((o) => o.value));
  const recorderId = recorderIds.find((v) => v !== chairId) || recorderIds[0];
  await page.locator('#meeting-recorder').selectOption(recorderId);
  await page.locator('#meeting-agenda').fill('传达学习上级会议精神\n讨论本季度支部工作');
  await page.locator('#meeting-submit').click();
  const created = await waitForFormSuccess(page, '#meeting-form-status', 'scheduling the meeting');
  log(`scheduled: ${created.trim()}`);

  const branchCard = page.locator('#org-meetings [data-testid="meeting-card"]')
    .filter({ has: page.locator('[data-testid="meeting-title"]', { hasText: title }) });
  await branchCard.first().waitFor();
  const branchCardText = (await branchCard.first().textContent()) || '';
  assert(branchCardText.includes('14:30–16:00'), `branch list shows the wrong time: ${branchCardText}`);
  assert(branchCardText.includes('支部党员大会'), `branch list lacks the type label: ${branchCardText}`);
  await logOut(t);

  // A full member of the branch sees it on 我的会议.
  await logIn(t, 'member', DEMO_PASSWORD, 'my.html');
  await expectSecrecyNotice(page);
  const myCard = page.locator('#my-meetings [data-testid="meeting-card"]')
    .filter({ has: page.locator('[data-testid="meeting-title"]', { hasText: title }) });
  await myCard.first().waitFor();
  const myCardText = (await myCard.first().textContent()) || '';
  const [y, mo, d] = date.split('-').map(Number);
  assert(myCardText.includes(`${y}年${mo}月${d}日`), `my meetings shows the wrong date: ${myCardText}`);
  assert(myCardText.includes('14:30–16:00'), `my meetings shows the wrong time: ${myCardText}`);
  assert(myCardText.includes('党员活动室'), `my meetings lacks the place: ${myCardText}`);
  log('member sees the meeting on 我的会议');
  await logOut(t);
}

/**
 * The secretary adds a member through the form, then imports a CSV with one
 * bad row (preview, then 跳过错误行导入); the new members show in the roll.
 */
async function scenarioRoster(t) {
  const { page } = t;
  const suffix = uniqueSuffix();
  const phone = () => `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const added = { name: `测试党员${suffix}`, phone: phone() };
  const imported = { name: `导入党员${suffix}`, phone: phone() };

  await logIn(t, 'secretary', DEMO_PASSWORD, 'secretary.html');
  await page.locator('#tab-members').click();
  await page.locator('[data-testid="member-row"]').first().waitFor();

  await page.locator('#member-name').fill(added.name);
  await page.locator('#member-phone').fill(added.phone);
  await page.locator('#member-status').selectOption('probationary');
  await page.locator('#member-joined').fill('2025-07-01');
  await page.locator('#member-submit').click();
  await waitForFormSuccess(page, '#member-form-status', 'adding a member');
  const addedRow = page.locator('[data-testid="member-row"]', { hasText: added.name });
  await addedRow.waitFor();
  const addedText = (await addedRow.textContent()) || '';
  assert(addedText.includes('预备') && addedText.includes(added.phone), `roll row is wrong: ${addedText}`);

  // UTF-8 with BOM and CRLF, as Excel writes it; line 3 has a bad phone.
  const csv = '\uFEFF姓名,手机号,党员类别,入党日期,留党察看,流动党员\r\n' +
    `${imported.name},${imported.phone},正式,2015-07-01,否,否\r\n` +
    `坏行${suffix},12345,正式,2015-07-01,否,否\r\n`;
  await page.locator('#import-file').setInputFiles({
    name: '党员名册.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8'),
  });
  await page.locator('#import-preview').click();
  await page.locator('#import-result').waitFor({ state: 'visible' });
  const validCount = ((await page.locator('#import-valid-count').textContent()) || '').trim();
  assert(validCount.startsWith('1'), `preview valid rows: "${validCount}"`);
  const rejected = page.locator('[data-testid="import-rejected-row"]');
  assert(await rejected.count() === 1, `preview rejected rows: ${await rejected.count()}`);
  assert((await rejected.first().getAttribute('data-line')) === '3',
    `rejected line: ${await rejected.first().getAttribute('data-line')}`);
  assert(await page.locator('#import-commit').isDisabled(), '导入 is enabled despite rejected rows');
  await page.locator('#import-commit-skip').click();
  await waitForFormSuccess(page, '#import-status', 'importing the CSV');
  await page.locator('[data-testid="member-row"]', { hasText: imported.name }).waitFor();
  log('member added and CSV imported');
  await logOut(t);
}

/**
 * Repeated wrong passwords from one browser: the same Chinese answer as for
 * an unknown account, then waits for this address (429 too_many_attempts)
 * that the page explains. The lock never tells a wrong-password guesser
 * anything (no account_locked for wrong passwords).
 */
async function scenarioLockout(t) {
  const { page } = t;
  await page.goto(new URL('index.html', t.url).href);
  const error = page.locator('#login-error');
  let code = '';
  for (let i = 0; i < 12 && code !== 'too_many_attempts'; i++) {
    await page.locator('#login').fill('inspector');
    await page.locator('#password').fill(`wrong-${i}`);
    await page.locator('#login-submit').click();
    await page.waitForFunction(() => {
      const n = document.querySelector('#login-error');
      const b = document.querySelector('#login-submit');
      return n && !n.hidden && b && !b.disabled;
    }, null, { timeout: STEP_TIMEOUT_MS });
    code = (await error.getAttribute('data-code')) || '';
    const text = ((await error.textContent()) || '').trim();
    assert(/[\u4e00-\u9fff]/.test(text), `log-in error is not Chinese: "${text}"`);
    assert(code === 'bad_credentials' || code === 'too_many_attempts', `unexpected error code "${code}": ${text}`);
    if (code === 'bad_credentials') assert(text === '账号或密码错误', `the error tells more than it should: "${text}"`);
    else assert(/后再试/.test(text), `the wait is not explained: "${text}"`);
    log(`attempt ${i + 1}: ${code}: ${text}`);
  }
  assert(code === 'too_many_attempts', 'wrong passwords were never slowed down');
  // While this address waits, even the right password is not checked.
  await page.locator('#login').fill('inspector');
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.locator('#login-submit').click();
  await page.waitForFunction(() => !document.querySelector('#login-submit').disabled, null, { timeout: STEP_TIMEOUT_MS });
  assert((await error.getAttribute('data-code')) === 'too_many_attempts', 'a throttled address logged in');
  assert(/(\/|index\.html)$/.test(new URL(page.url()).pathname), 'a throttled address left the log-in page');
}

/** The text of @selector once it is visible, trimmed. */
async function visibleText(page, selector) {
  const node = page.locator(selector);
  await node.waitFor({ state: 'visible' });
  return ((await node.textContent()) || '').trim();
}

/** Waits until #meeting-state on meeting.html reads @label. */
async function waitForMeetingState(page, label) {
  try {
    await page.waitForFunction((want) => {
      const n = document.querySelector('#meeting-state');
      return n && n.offsetParent !== null && n.textContent.trim() === want;
    }, label, { timeout: STEP_TIMEOUT_MS });
  } catch (_) {
    const now = await page.locator('#meeting-state').textContent().catch(() => '?');
    const status = await page.locator('#manage-status').textContent().catch(() => '');
    throw new TestFailure(`meeting state is "${(now || '').trim()}", expected "${label}" ${status ? `(${status.trim()})` : ''}`);
  }
}

/**
 * The secretary opens a demo meeting's page from the branch list, opens it
 * for joining and generates an invitation link. In a fresh browser (no
 * session) the link shows the summary and the secrecy notice; 登录后进入会议
 * leads through log-in to the meeting's page. A tampered token, a forbidden
 * meeting, a missing one and an off-site `next` are refused.
 */
async function scenarioMeeting(t) {
  const { page } = t;
  const title = '第四季度支部党员大会';

  await logIn(t, 'secretary', DEMO_PASSWORD, 'secretary.html');
  await page.locator('#tab-meetings').click();
  const cardOf = (name) => page.locator('#org-meetings [data-testid="meeting-card"]')
    .filter({ has: page.locator('[data-testid="meeting-title"]', { hasText: name }) }).first();
  const card = cardOf(title);
  await card.waitFor();
  const meetingId = await card.getAttribute('data-meeting-id');
  const committeeId = await cardOf('支部委员会十二月例会').getAttribute('data-meeting-id');
  assert(meetingId && committeeId, 'demo meetings have no ids on their cards');
  const onMeetingPage = (id) => (u) => u.pathname.endsWith('/meeting.html') && u.searchParams.get('id') === id;
  await Promise.all([
    page.waitForURL(onMeetingPage(meetingId)),
    card.locator('[data-testid="meeting-detail-link"]').click(),
  ]);
  await expectSecrecyNotice(page);
  assert(await visibleText(page, '#meeting-title') === title, 'meeting page shows the wrong title');
  await waitForMeetingState(page, '已安排');
  const meta = (await page.locator('#meeting-meta').textContent()) || '';
  for (const want of ['支部党员大会', '第一党支部', '14:30–16:00', '线上']) {
    const text = want === '支部党员大会' ? await page.locator('#meeting-type').textContent() : meta;
    assert(text.includes(want), `meeting page lacks "${want}": ${text}`);
  }
  const chair = await visibleText(page, '[data-testid="meeting-chair"]');
  assert(/[\u4e00-\u9fff]/.test(chair), `the secretary does not see the chair's name: "${chair}"`);
  assert(await page.locator('#meeting-agenda li').count() === 3, 'the agenda does not list 3 items');

  // 开放入会: scheduled → open.
  await page.locator('#transition-open').click();
  await waitForMeetingState(page, '可入会');
  await waitForFormSuccess(page, '#manage-status', 'opening the meeting');
  assert(await page.locator('#transition-open').count() === 0, '开放入会 is still offered once open');
  assert(await page.locator('#transition-in_progress').isVisible(), '开始会议 is not offered');
  assert(await page.locator('#transition-cancelled').isVisible(), '取消会议 is not offered');

  // 生成邀请链接.
  await page.locator('#invite-create').click();
  await waitForFormSuccess(page, '#invite-status', 'generating an invitation');
  const inviteUrl = await page.locator('#invite-url').inputValue();
  assert(/\/invite\.html\?token=[A-Za-z0-9_.-]+$/.test(inviteUrl), `odd invitation URL: ${inviteUrl}`);
  assert((await visibleText(page, '#invite-expiry')).includes('有效期至'), 'the invitation expiry is not shown');
  log(`invitation: ${inviteUrl}`);

  // A fresh browser: no cookies, no storage.
  const fresh = await launchBrowser(environment(), mkdtempSync(join(t.tmp, 'chromium-fresh-')));
  try {
    const p = fresh.pages()[0] || await fresh.newPage();
    p.on('pageerror', (err) => t.consoleLines.push(`fresh page error: ${err.message}`));

    // Not logged in: the meeting page sends to log-in with `next`.
    await p.goto(new URL(`meeting.html?id=${meetingId}`, t.url).href);
    await p.waitForURL((u) => u.pathname.endsWith('/index.html') && u.searchParams.get('next') === `meeting.html?id=${meetingId}`);

    // A tampered token (last character changed).
    const token = new URL(inviteUrl).searchParams.get('token');
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    await p.goto(new URL(`invite.html?token=${encodeURIComponent(tampered)}`, t.url).href);
    const invalid = await visibleText(p, '#invite-error');
    assert(invalid === '邀请链接无效', `a tampered token shows "${invalid}"`);
    assert(!(await p.locator('#invite-login').isVisible()), 'a tampered token offers log-in');

    // The real link: summary and the secrecy notice, without a session.
    await p.goto(inviteUrl);
    assert(await visibleText(p, '#invite-title') === title, 'the invitation shows the wrong title');
    const summary = (await p.locator('#invite-meeting').textContent()) || '';
    for (const want of ['支部党员大会', '第一党支部', '14:30–16:00', '线上', '传达学习上级会议精神']) {
      assert(summary.includes(want), `the invitation lacks "${want}": ${summary}`);
    }
    const notice = await visibleText(p, '#invite-secrecy');
    assert(notice.includes('严禁在互联网会议中涉及国家秘密（涉密）内容'), `secrecy notice: "${notice}"`);
    await expectSecrecyNotice(p);

    // 登录后进入会议 → log-in → the meeting's page.
    await Promise.all([
      p.waitForURL((u) => u.pathname.endsWith('/index.html')),
      p.locator('#invite-login').click(),
    ]);
    const next = new URL(p.url()).searchParams.get('next');
    assert(next === `meeting.html?id=${meetingId}`, `log-in page got next="${next}"`);
    await p.locator('#login').fill('member');
    await p.locator('#password').fill(DEMO_PASSWORD);
    await Promise.all([
      p.waitForURL(onMeetingPage(meetingId)),
      p.locator('#login-submit').click(),
    ]);
    await waitForMeetingState(p, '可入会');
    assert(await visibleText(p, '#meeting-title') === title, 'the member sees the wrong title');
    assert(!(await p.locator('#manage-panel').isVisible()), 'a plain member sees 会议管理');
    assert(!(await p.locator('#invite-panel').isVisible()), 'a plain member sees 邀请链接');
    assert(!(await p.locator('#meeting-error').isVisible()), 'the member sees an error');
    log('member landed on the meeting page: 可入会');

    // A meeting the member is not expected at, and one that does not exist.
    await p.goto(new URL(`meeting.html?id=${committeeId}`, t.url).href);
    const forbidden = await visibleText(p, '#meeting-error');
    assert(forbidden === '无权查看该会议', `a committee meeting shows "${forbidden}" to a member`);
    await p.goto(new URL('meeting.html?id=999999', t.url).href);
    const missing = await visibleText(p, '#meeting-error');
    assert(missing === '会议不存在', `a missing meeting shows "${missing}"`);

    // No open redirect: an off-site `next` lands on the home page instead.
    await Promise.all([
      p.waitForURL((u) => /\/(index\.html)?$/.test(u.pathname)),
      p.locator('#logout-button').click(),
    ]);
    await p.goto(new URL(`index.html?next=${encodeURIComponent('//evil.example/x')}`, t.url).href);
    await p.locator('#login').fill('member');
    await p.locator('#password').fill(DEMO_PASSWORD);
    await Promise.all([
      p.waitForURL((u) => u.pathname.endsWith('/my.html')),
      p.locator('#login-submit').click(),
    ]);
    assert(new URL(p.url()).origin === new URL(t.url).origin, `next led off-site: ${p.url()}`);
  } finally {
    await withTimeout(fresh.close(), 10_000, 'closing the fresh browser').catch((e) => log(e.message));
  }
}

// ------------------------------------------------------------------ echo (interop suite)

const ECHO_CONNECT_TIMEOUT_MS = 20_000; // from 开始检测 to connectionState "connected"
const ECHO_MEDIA_WINDOW_MS = 5_000;     // from "connected" to the thresholds
const ECHO_MIN_FRAMES = 30;
const ECHO_MIN_AUDIO_PACKETS = 100;

/**
 * Runs inside the page: waits for window.sanhuiEcho.pc to be connected, then
 * polls getStats() until video framesDecoded and audio packetsReceived reach
 * the thresholds or the window passes. Resolves with what it saw.
 */
async function measureEchoInPage({ connectTimeoutMs, windowMs, minFrames, minPackets }) {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const started = performance.now();
  let pc = null;
  while (performance.now() - started < connectTimeoutMs) {
    pc = window.sanhuiEcho && window.sanhuiEcho.pc;
    if (pc && (pc.connectionState === 'connected' || pc.connectionState === 'failed')) break;
    await sleep(20);
  }
  const state = pc ? pc.connectionState : 'no RTCPeerConnection';
  const status = document.querySelector('[data-testid="echo-status"]');
  const result = {
    state, connectMs: Math.round(performance.now() - started),
    status: status && !status.hidden ? status.textContent.trim() : '',
    frames: 0, packets: 0, videoMs: null, audioMs: null, pair: null,
  };
  if (state !== 'connected') return result;
  const up = performance.now();
  while (performance.now() - up <= windowMs && (result.videoMs === null || result.audioMs === null)) {
    const report = await pc.getStats();
    let frames = 0;
    let packets = 0;
    report.forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') frames += s.framesDecoded || 0;
      if (s.kind === 'audio') packets += s.packetsReceived || 0;
    });
    const now = Math.round(performance.now() - up);
    result.frames = frames;
    result.packets = packets;
    if (result.videoMs === null && frames >= minFrames) result.videoMs = now;
    if (result.audioMs === null && packets >= minPackets) result.audioMs = now;
    await sleep(50);
  }
  // The selected pair, for the log: which local and remote candidates won.
  const report = await pc.getStats();
  report.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) {
      const pair = report.get(s.selectedCandidatePairId);
      const local = pair && report.get(pair.localCandidateId);
      const remote = pair && report.get(pair.remoteCandidateId);
      result.pair = `${local ? `${local.candidateType} ${local.address}:${local.port}` : '?'} -> ` +
        `${remote ? `${remote.candidateType} ${remote.address}:${remote.port}` : '?'}`;
    }
  });
  return result;
}

/**
 * The device check (echo.html) in Chromium: a member logs in, opens the page
 * and starts the check; within 5 s of the RTCPeerConnection being connected
 * the echoed (or, receive-only, the server's test) video must have decoded
 * 30 frames and the audio received 100 packets. @recvOnly: echo.html?recvonly=1,
 * which never calls getUserMedia, so Chromium offers only mDNS (.local) host
 * candidates and the server must learn the address from the checks.
 */
async function scenarioEchoCommon(t, recvOnly) {
  const { page } = t;
  const sent = [];
  const received = [];
  page.on('websocket', (ws) => {
    if (!ws.url().endsWith('/ws')) return;
    ws.on('framesent', (f) => sent.push(String(f.payload)));
    ws.on('framereceived', (f) => received.push(String(f.payload)));
  });
  const parse = (text) => { try { return JSON.parse(text); } catch (_) { return {}; } };

  await logIn(t, 'member', DEMO_PASSWORD, 'my.html');
  await page.goto(new URL(recvOnly ? 'echo.html?recvonly=1' : 'echo.html', t.url).href);
  await expectSecrecyNotice(page);
  await page.locator('[data-testid="echo-start"]').click();
  const r = await withTimeout(page.evaluate(measureEchoInPage, {
    connectTimeoutMs: ECHO_CONNECT_TIMEOUT_MS, windowMs: ECHO_MEDIA_WINDOW_MS,
    minFrames: ECHO_MIN_FRAMES, minPackets: ECHO_MIN_AUDIO_PACKETS,
  }), ECHO_CONNECT_TIMEOUT_MS + ECHO_MEDIA_WINDOW_MS + 10_000, 'measuring the echo in the page');

  const candidates = sent.map(parse).filter((m) => m.type === 'echo.candidate')
    .map((m) => (m.payload && m.payload.candidate) || 'end-of-candidates');
  const serverCandidates = received.map(parse).filter((m) => m.type === 'echo.candidate')
    .map((m) => (m.payload && m.payload.candidate) || 'end-of-candidates');
  const states = received.map(parse).filter((m) => m.type === 'echo.state').map((m) => JSON.stringify(m.payload));
  const errors = received.map(parse).filter((m) => m.type === 'error').map((m) => JSON.stringify(m));
  log(`browser candidates: ${candidates.join(' | ') || 'none'}`);
  log(`server candidates: ${serverCandidates.join(' | ') || 'none'}`);
  for (const s of states) log(`echo.state ${s}`);
  log(`connection ${r.state} after ${r.connectMs} ms; selected pair ${r.pair || '?'}; ` +
    `${r.frames} frames decoded, ${r.packets} audio packets received; status "${r.status}"`);
  if (r.videoMs !== null) log(`${ECHO_MIN_FRAMES} frames ${r.videoMs} ms after connected`);
  if (r.audioMs !== null) log(`${ECHO_MIN_AUDIO_PACKETS} audio packets ${r.audioMs} ms after connected`);

  assert(errors.length === 0, `the server answered with an error: ${errors.join('; ')}`);
  assert(r.state === 'connected',
    `the RTCPeerConnection is "${r.state}" after ${r.connectMs} ms (status: "${r.status}")`);
  if (recvOnly) {
    // Without a camera permission Chromium must hide its address: the test
    // is about the server coping with that.
    const hosts = candidates.filter((c) => / typ host/.test(c));
    assert(hosts.length > 0 && hosts.every((c) => /\.local /.test(c)),
      `expected only mDNS (.local) host candidates from Chromium, sent: ${candidates.join(' | ')}`);
  }
  assert(r.videoMs !== null && r.audioMs !== null,
    `within ${ECHO_MEDIA_WINDOW_MS} ms of "connected": ${r.frames} video frames decoded ` +
    `(want ${ECHO_MIN_FRAMES}), ${r.packets} audio packets received (want ${ECHO_MIN_AUDIO_PACKETS})`);

  await page.locator('[data-testid="echo-stop"]').click();
  await page.waitForFunction(() => !window.sanhuiEcho.pc, null, { timeout: STEP_TIMEOUT_MS });
}

async function scenarioEcho(t) {
  await scenarioEchoCommon(t, false);
}
// The fake camera and microphone, granted without a prompt, and real host
// addresses (TOOLCHAIN.md); audio not muted, so that it is really sent.
scenarioEcho.launch = {
  args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    '--disable-features=WebRtcHideLocalIpsWithMdns'],
  ignoreDefaultArgs: ['--mute-audio'],
};

async function scenarioEchoRecvOnly(t) {
  await scenarioEchoCommon(t, true);
}
// No media permission and mDNS left on: Chromium hides its address.
scenarioEchoRecvOnly.launch = {
  args: ['--use-fake-device-for-media-stream'],
  ignoreDefaultArgs: ['--mute-audio'],
};

// A scenario is an async function of the test context
// {page, context, url, tmp, server, crashServer(), restartServer()}; it
// throws to fail. Its optional `launch` property adds Chromium flags
// ({args, ignoreDefaultArgs}); `deadlineMs` replaces SCENARIO_DEADLINE_MS.
const SCENARIOS = {
  schedule: scenarioSchedule,
  roster: scenarioRoster,
  lockout: scenarioLockout,
  meeting: scenarioMeeting,
  echo: scenarioEcho,
  'echo-recvonly': scenarioEchoRecvOnly,
  // room.html with several participants (room-scenarios.mjs)
  ...roomScenarios({
    log, assert, TestFailure, withTimeout, environment, chromium: () => chromium,
    CHROMIUM_ARGS, DEMO_PASSWORD, STEP_TIMEOUT_MS,
  }),
  // votes (vote-scenarios.mjs)
  ...voteScenarios({
    log, assert, TestFailure, withTimeout, environment, chromium: () => chromium,
    CHROMIUM_ARGS, DEMO_PASSWORD, STEP_TIMEOUT_MS,
  }),
  // leave and attendance pages (attendance-scenarios.mjs)
  ...attendanceScenarios({
    log, assert, withTimeout, environment, chromium: () => chromium, logIn, waitForFormSuccess,
    CHROMIUM_ARGS, DEMO_PASSWORD, STEP_TIMEOUT_MS,
  }),
  // roll call and the chair's attendance panel (rollcall-scenarios.mjs)
  ...rollcallScenarios({
    log, assert, TestFailure, withTimeout, environment, chromium: () => chromium,
    CHROMIUM_ARGS, DEMO_PASSWORD, STEP_TIMEOUT_MS,
  }),
  // the server killed and restarted mid-meeting (crash-scenarios.mjs)
  ...crashScenarios({
    log, assert, TestFailure, withTimeout, environment, chromium: () => chromium,
    CHROMIUM_ARGS, DEMO_PASSWORD, STEP_TIMEOUT_MS,
  }),
  // a recorded meeting, its files and its lip sync (recording-scenarios.mjs)
  ...recordingScenarios({
    log, assert, TestFailure, withTimeout, environment, chromium: () => chromium,
    CHROMIUM_ARGS, DEMO_PASSWORD,
  }),
};

/** How long @scenario may run, and the whole script for it. */
const scenarioDeadline = (scenario) => scenario.deadlineMs || SCENARIO_DEADLINE_MS;
const scriptDeadline = (scenario) => SCRIPT_DEADLINE_MS + scenarioDeadline(scenario) - SCENARIO_DEADLINE_MS;

// ------------------------------------------------------------------ runner

let liveServer = null; // killed by the last-resort guard

async function runScenario(name, scenario) {
  const t = {
    name, tmp: null, server: null, earlierServers: [], context: null, page: null, url: null, consoleLines: [],
  };
  let failure = null;
  try {
    const env = environment();
    t.tmp = mkdtempSync(join(tmpdir(), `sanhui-browser-${name}-`));
    log('temp dir:', t.tmp);
    loadDemo(env, t.tmp);
    try {
      t.server = await startServer(env, t.tmp);
    } catch (e) {
      t.server = e.server || null;
      throw e;
    }
    liveServer = t.server;
    t.url = t.server.url;
    log('server at', t.url);
    // A crash in the middle: SIGKILL, then the same port and data directory.
    t.crashServer = async () => {
      const at = await crashServer(t.server);
      log('server killed (SIGKILL)');
      return at;
    };
    t.restartServer = async () => {
      const port = Number(new URL(t.url).port);
      t.earlierServers.push(t.server);
      try {
        t.server = await startServer(env, t.tmp, port);
      } catch (e) {
        if (e.server) t.server = e.server;
        throw e;
      }
      liveServer = t.server;
      assert(t.server.url === t.url, `the restarted server is at ${t.server.url}, not ${t.url}`);
      log('server restarted at', t.url);
    };
    t.context = await launchBrowser(env, mkdtempSync(join(t.tmp, 'chromium-profile-')), scenario.launch);
    t.page = t.context.pages()[0] || await t.context.newPage();
    t.page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') t.consoleLines.push(`console.${msg.type()}: ${msg.text()}`);
    });
    t.page.on('pageerror', (err) => t.consoleLines.push(`page error: ${err.message}`));
    await withTimeout(scenario(t), scenarioDeadline(scenario), `scenario ${name}`);
  } catch (e) {
    failure = e;
  }

  if (failure) {
    console.error(`[browser] FAIL ${name}: ${failure instanceof TestFailure ? failure.message : (failure.stack || failure)}`);
    if (t.page && t.tmp) {
      const shot = join(t.tmp, `failure-${name}.png`);
      try {
        await withTimeout(t.page.screenshot({ path: shot, fullPage: true, timeout: 5_000 }), 7_000, 'screenshot');
        console.error(`[browser] screenshot: ${shot}`);
        console.error(`[browser] page URL: ${t.page.url()}`);
      } catch (e) {
        console.error(`[browser] no screenshot: ${e.message}`);
      }
    }
    if (t.consoleLines.length) console.error(`[browser] browser console:\n${t.consoleLines.join('\n')}`);
    for (const earlier of t.earlierServers) {
      console.error(`[browser] killed server's stdout:\n${earlier.stdout}`);
      console.error(`[browser] killed server's stderr:\n${earlier.stderr}`);
    }
    if (t.server) {
      console.error(`[browser] server stdout:\n${t.server.stdout}`);
      console.error(`[browser] server stderr:\n${t.server.stderr}`);
    }
  } else {
    log(`PASS ${name}`);
  }

  if (t.context) await withTimeout(t.context.close(), 10_000, 'closing the browser').catch((e) => log(e.message));
  await stopServer(t.server).catch((e) => log(e.message));
  if (t.tmp && !failure && process.env.SANHUI_BROWSER_KEEP !== '1') {
    try {
      rmSync(t.tmp, { recursive: true, force: true });
    } catch (_) { /* best effort */ }
  } else if (t.tmp) {
    log('kept temp dir:', t.tmp);
  }
  return !failure;
}

async function main() {
  const arg = process.argv[2] || 'schedule';
  const names = arg === 'all' ? Object.keys(SCENARIOS) : [arg];
  const unknown = names.filter((n) => !SCENARIOS[n]);
  if (unknown.length) {
    console.error(`unknown scenario "${unknown.join(', ')}"; known: ${Object.keys(SCENARIOS).join(', ')}, all`);
    console.log(`0 passed, ${names.length} failed`);
    process.exit(1);
  }
  // A last-resort guard: whatever hangs, the script ends in time.
  const deadline = names.reduce((sum, n) => sum + scriptDeadline(SCENARIOS[n]), 0);
  const guard = setTimeout(() => {
    console.error(`[browser] the script ran over ${deadline} ms; giving up`);
    if (liveServer && !liveServer.exited) liveServer.proc.kill('SIGKILL');
    console.log(`0 passed, ${names.length} failed`);
    process.exit(1);
  }, deadline);
  guard.unref();

  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    console.error(`[browser] cannot load playwright-core (${e.message}); run "npm ci" in ${HERE}`);
    console.log(`0 passed, ${names.length} failed`);
    process.exit(1);
  }

  let passed = 0;
  for (const name of names) {
    if (await runScenario(name, SCENARIOS[name])) passed++;
  }
  const failed = names.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
