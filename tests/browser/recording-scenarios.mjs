// Recording playback scenario for run.mjs (recording-player; docs/api.md
// "Recordings", web/js/meeting-recordings.js, web/js/recording-player.js):
// a general meeting of the first branch recorded for a few seconds with
// three publishing loadbots (tools/loadbot, as the recording end-to-end
// tests), ended, its composite rendered. Then 王建国 (the secretary) on a
// phone-sized page opens the meeting, sees 录像 with 播放 and 下载, opens the
// player: the WebM plays (readyState ≥ 2, currentTime advances), the
// timeline has the recording's start and end and the bots' joins, clicking
// a marker seeks there, and back on the meeting page 访问记录 lists his
// playback.
//
// Every wait is bounded.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const BOTS_SECONDS = 4;
const RENDER_TIMEOUT_MS = 90_000;
const PLAY_TIMEOUT_MS = 20_000;

export function recordingScenarios(h) {
  const { log, assert, TestFailure, withTimeout, environment } = h;

  async function rest(t, method, path, data) {
    const res = await t.context.request.fetch(new URL(path, t.url).href, {
      method, data, headers: t.csrf ? { 'X-CSRF-Token': t.csrf } : {},
    });
    const text = await res.text();
    assert(res.ok(), `${method} ${path}: HTTP ${res.status()} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  async function logInRest(t, login) {
    t.csrf = null;
    const me = await rest(t, 'POST', 'api/session', { login, password: h.DEMO_PASSWORD });
    t.csrf = me.csrf_token;
    return me;
  }

  /** A started general meeting of the first branch with the bots as guests. */
  async function recordedMeeting(t) {
    await logInRest(t, 'admin');
    for (const i of [1, 2]) {
      await rest(t, 'POST', 'api/accounts',
        { login: `bot00${i}`, display_name: `录制${i}`, password: h.DEMO_PASSWORD });
    }
    await logInRest(t, 'secretary');
    const orgs = (await rest(t, 'GET', 'api/orgs')).orgs;
    const branch = orgs.find((o) => o.name === '第一党支部');
    assert(branch, 'no 第一党支部 in the demo');
    const members = (await rest(t, 'GET', `api/orgs/${branch.id}/members`)).members || [];
    const chair = members.find((m) => m.name === '王建国') || members[0];
    const start = new Date(Date.now() + 5 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const end = new Date(Date.now() + 3 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const meeting = await rest(t, 'POST', `api/orgs/${branch.id}/meetings`, {
      type: 'general', title: '回放测试', planned_start: start, planned_end: end, place: '线上',
      chair_member_id: chair.id,
    });
    for (const i of [1, 2]) await rest(t, 'POST', `api/meetings/${meeting.id}/guests`, { login: `bot00${i}` });
    await rest(t, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'open' });
    await rest(t, 'POST', `api/meetings/${meeting.id}/transition`, { to: 'in_progress' });
    return meeting.id;
  }

  function runBots(t, meetingId) {
    const env = environment();
    const build = process.env.SANHUI_BUILD_ROOT;
    assert(build, 'SANHUI_BUILD_ROOT is not set');
    const loadbot = join(build, 'tools', 'loadbot', 'loadbot');
    assert(existsSync(loadbot), `${loadbot} is not built`);
    const args = ['--url', t.url, '--meeting', String(meetingId), '--bots', '3', '--publishers', '3',
      '--capture', join(env.sourceRoot, 'tools', 'loadbot', 'media.cap'),
      '--duration', String(BOTS_SECONDS)];
    return withTimeout(new Promise((resolve, reject) => {
      const proc = spawn(loadbot, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      proc.stderr.setEncoding('utf8');
      proc.stderr.on('data', (c) => { err += c; });
      proc.on('exit', (code) => (code === 0 ? resolve()
        : reject(new TestFailure(`loadbot exited with ${code}: ${err.slice(-500)}`))));
      proc.on('error', (e) => reject(new TestFailure(`loadbot: ${e.message}`)));
    }), BOTS_SECONDS * 1000 + 30_000, 'the bots');
  }

  async function waitRendered(t, meetingId) {
    const deadline = Date.now() + RENDER_TIMEOUT_MS;
    for (;;) {
      const recs = (await rest(t, 'GET', `api/meetings/${meetingId}/recordings`)).recordings || [];
      const state = recs[0]?.render?.state;
      if (state === 'done') return recs[0];
      assert(state !== 'failed', `the render failed: ${recs[0]?.render?.error}`);
      assert(Date.now() < deadline, `no composite after ${RENDER_TIMEOUT_MS} ms (render ${state})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  async function scenarioRecordingPlayer(t) {
    const meetingId = await recordedMeeting(t);
    log('meeting', meetingId, 'recording with bots');
    await runBots(t, meetingId);
    await rest(t, 'POST', `api/meetings/${meetingId}/transition`, { to: 'ended' });
    const recording = await waitRendered(t, meetingId);
    log('composite rendered');

    // The REST session above is the page's too (one browser context).
    const { page } = t;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(new URL(`meeting.html?id=${meetingId}`, t.url).href);
    const panel = page.locator('[data-testid="recordings-panel"]');
    await panel.waitFor();
    assert((await panel.locator('h2').textContent()).trim() === '录像', 'no 录像 heading');
    assert(await page.locator('[data-testid="rec-download"]').count() >= 2, 'no 下载 links');
    const play = page.locator('[data-testid="rec-play"]');
    assert((await play.textContent()).trim() === '播放', 'no 播放 link');
    await Promise.all([page.waitForURL(/recording\.html/), play.click()]);

    await page.locator('[data-testid="player"]').waitFor();
    assert((await page.locator('[data-testid="player-title"]').textContent()) === '回放测试', 'player title');
    const webm = recording.files.find((f) => f.kind === 'composite' && f.format === 'webm');
    const mp4 = recording.files.find((f) => f.kind === 'composite' && f.format === 'mp4');
    assert(await page.locator('[data-testid="download-mp4"]').count() === 1, 'no MP4 download');

    // Plays: muted so that autoplay rules allow it.
    // The WebM is tried first; a browser whose demuxer gives up on it is
    // moved on to the MP4 by the page (recording-player.js).
    const played = await page.evaluate(async (timeoutMs) => {
      const v = document.getElementById('player-video');
      v.muted = true;
      const until = Date.now() + timeoutMs;
      while (Date.now() < until && !(v.readyState >= 2 && v.currentTime > 0.5)) {
        if (v.paused && !v.error) await v.play().catch(() => {});
        await new Promise((r) => setTimeout(r, 100));
      }
      return { readyState: v.readyState, currentTime: v.currentTime, error: v.error && v.error.code,
        src: v.currentSrc };
    }, PLAY_TIMEOUT_MS);
    log('played', JSON.stringify(played));
    assert(played.readyState >= 2, `readyState ${played.readyState} (error ${played.error})`);
    assert(played.currentTime > 0.5, `currentTime did not advance: ${played.currentTime}`);
    assert([webm.id, mp4.id].some((id) => played.src.endsWith(`/api/recordings/files/${id}`)),
      `playing ${played.src}`);

    // The timeline: start, end, the bots' joins; a marker seeks.
    const items = page.locator('[data-testid="timeline-item"]');
    const texts = await items.allTextContents();
    assert(texts.some((x) => x.includes('录像开始')), `no start marker in ${texts.join(' | ')}`);
    assert(texts.some((x) => x.includes('录像结束')), `no end marker in ${texts.join(' | ')}`);
    assert(texts.some((x) => x.includes('加入会议')), `no join marker in ${texts.join(' | ')}`);
    assert(await page.locator('#timeline-bar circle').count() === texts.length, 'bar and list differ');
    // Seek through markers: one in the middle if there is one, the end,
    // then back to the start.
    const offsets = await items.evaluateAll((els) => els.map((e) => Number(e.dataset.offset)));
    log('markers', texts.map((x, i) => `${offsets[i].toFixed(1)} ${x}`).join(' | '));
    const endOffset = offsets[offsets.length - 1];
    const targets = [offsets.findIndex((o) => o > 1 && o < endOffset - 1), offsets.length - 1, 0]
      .filter((i) => i >= 0);
    await page.evaluate(() => document.getElementById('player-video').pause());
    for (const index of targets) {
      log('seeking to marker', index, 'at', offsets[index]);
      await items.nth(index).locator('button').click();
      await page.waitForFunction((want) => {
        const v = document.getElementById('player-video');
        return !v.seeking && Math.abs(v.currentTime - want) < 0.6;
      }, offsets[index], { timeout: PLAY_TIMEOUT_MS });
    }

    // 访问记录 on the meeting page: his playback.
    await page.goto(new URL(`meeting.html?id=${meetingId}`, t.url).href);
    const access = page.locator('[data-testid="rec-access"]');
    await access.waitFor();
    const entries = await page.locator('[data-testid="rec-access-item"]').allTextContents();
    assert(entries.some((x) => x.includes('王建国') && /播放 (WEBM|MP4)/.test(x)),
      `no playback in 访问记录: ${entries.join(' | ')}`);
    assert(entries.some((x) => x.includes('查看录像列表')), `no listing in 访问记录: ${entries.join(' | ')}`);
  }
  scenarioRecordingPlayer.deadlineMs = 180_000;

  return { 'recording-player': scenarioRecordingPlayer };
}
