// "我的会议": the meetings the logged-in member is expected at, and the
// private calendar link.

import { api, requireSession, listOf } from './api.js';
import { formatDate } from './format.js';
import { el, clear, setStatus, renderTopbar, meetingCard, busy, copyText } from './ui.js';

const list = document.getElementById('my-meetings');
const empty = document.getElementById('my-empty');
const loading = document.getElementById('my-loading');
const status = document.getElementById('my-status');

const calendarButton = document.getElementById('calendar-button');
const calendarPanel = document.getElementById('calendar-panel');
const calendarUrl = document.getElementById('calendar-url');
const calendarCopy = document.getElementById('calendar-copy');
const calendarWebcal = document.getElementById('calendar-webcal');
const calendarStatus = document.getElementById('calendar-status');
const calendarRenew = document.getElementById('calendar-renew');

function startOf(m) {
  const t = Date.parse(m.planned_start);
  return Number.isNaN(t) ? 0 : t;
}

function endOf(m) {
  const t = Date.parse(m.planned_end);
  return Number.isNaN(t) ? startOf(m) : t;
}

// Meetings for which a leave request may be pending or just decided.
const LEAVE_STATES = new Set(['scheduled', 'open', 'in_progress']);

/**
 * Tells the member on the meeting's card what became of their leave
 * request (请假): the latest request and the secretary's note. Nothing when
 * there is none, or when it cannot be read.
 */
async function showLeave(meeting, card) {
  let requests;
  try {
    requests = listOf(await api('GET', `/api/meetings/${encodeURIComponent(meeting.id)}/leave`), 'requests');
  } catch (_) {
    return;
  }
  const last = requests[requests.length - 1];
  if (!last || last.state === 'withdrawn') return;
  const text = `请假：${last.state_label}` + (last.decision_note ? `（${last.decision_note}）` : '');
  card.querySelector('.meeting-meta').after(el('p', {
    class: `leave-notice state-tag leave-${last.state}`, 'data-testid': 'my-leave', text,
  }));
}

function renderMeetings(meetings) {
  clear(list);
  const now = Date.now();
  // Upcoming and running meetings first (soonest first), then past ones
  // (latest first).
  const upcoming = meetings.filter((m) => endOf(m) >= now || m.state === 'in_progress' || m.state === 'open')
    .sort((a, b) => startOf(a) - startOf(b));
  const past = meetings.filter((m) => !upcoming.includes(m)).sort((a, b) => startOf(b) - startOf(a));

  if (upcoming.length) {
    list.append(el('li', { class: 'list-heading', role: 'presentation', text: `近期会议（${upcoming.length}）` }));
    for (const m of upcoming) {
      const card = meetingCard(m);
      list.append(card);
      if (LEAVE_STATES.has(m.state)) showLeave(m, card);
    }
  }
  if (past.length) {
    list.append(el('li', { class: 'list-heading', role: 'presentation', text: `往期会议（${past.length}）` }));
    for (const m of past) list.append(meetingCard(m));
  }
  empty.hidden = meetings.length > 0;
}

async function loadMeetings() {
  setStatus(status, '');
  try {
    const data = await api('GET', '/api/my/meetings');
    renderMeetings(listOf(data, 'meetings'));
  } catch (e) {
    setStatus(status, e.message, 'error');
  } finally {
    loading.hidden = true;
  }
}

function absoluteUrl(url) {
  try {
    return new URL(url, location.href).href;
  } catch (_) {
    return url;
  }
}

// GET shows the current link; POST makes a new one, and the old link stops
// working (a link given away by mistake).
const showCalendarLink = (button, method) => busy(button, async () => {
  setStatus(calendarStatus, '');
  try {
    const data = await api(method, '/api/my/calendar');
    const url = absoluteUrl(data && data.url);
    calendarUrl.value = url;
    calendarWebcal.href = url.replace(/^https?:/, 'webcal:');
    calendarPanel.hidden = false;
    if (method === 'POST') {
      setStatus(calendarStatus, '已生成新链接，原链接已失效。请在手机日历中删除旧订阅并重新订阅。', 'success');
    } else if (data && data.expires_at) {
      setStatus(calendarStatus, `链接有效期至 ${formatDate(data.expires_at)}，到期后请重新获取。`, 'info');
    }
    calendarUrl.focus();
    calendarUrl.select();
  } catch (e) {
    calendarPanel.hidden = false;
    setStatus(calendarStatus, e.message, 'error');
  }
});

calendarButton.addEventListener('click', () => showCalendarLink(calendarButton, 'GET'));
calendarRenew.addEventListener('click', () => {
  if (!confirm('生成新链接后，原链接（包括已订阅的手机日历）将立即失效。确定继续吗？')) return;
  showCalendarLink(calendarRenew, 'POST');
});

calendarCopy.addEventListener('click', async () => {
  if (!calendarUrl.value) return;
  const ok = await copyText(calendarUrl.value, calendarUrl);
  setStatus(calendarStatus, ok ? '已复制到剪贴板' : '复制失败，请长按链接手动复制', ok ? 'success' : 'error');
});

const me = await requireSession();
renderTopbar(me, 'my');
await loadMeetings();
