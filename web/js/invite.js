// Invitation landing page (invite.html?token=TOKEN): works without a session.
// Shows the meeting summary from GET /api/invitations/{token} and leads to
// the log-in page, which comes back to meeting.html?id=ID.

import { api } from './api.js';
import {
  formatDate, formatTime, formatRange, shanghaiDateKey,
  meetingTypeLabel, meetingStateLabel, placeLabel,
} from './format.js';
import { el, clear, setStatus } from './ui.js';

const $ = (id) => document.getElementById(id);

// Tokens are URL-safe base64 pieces joined by dots (signaling/src/token.c);
// the server routes only such "words" to the invitation handler.
const TOKEN_PATTERN = /^[A-Za-z0-9_.-]{1,1024}$/;

const ERROR_MESSAGES = {
  token_expired: '邀请链接已过期，请联系支部书记重新发送',
  token_invalid: '邀请链接无效',
  not_found: '会议不存在或已删除',
};

function showError(text, code) {
  $('invite-loading').hidden = true;
  $('invite-meeting').hidden = true;
  $('invite-actions').hidden = true;
  const box = $('invite-error');
  setStatus(box, text, 'error');
  box.dataset.code = code || '';
}

function messageFor(e) {
  if (e.status === 410 || e.code === 'token_expired') return ERROR_MESSAGES.token_expired;
  if (e.code === 'token_invalid' || e.status === 400) return ERROR_MESSAGES.token_invalid;
  if (e.status === 404) return ERROR_MESSAGES.not_found;
  return e.message;
}

function render(m) {
  const st = m.state || '';
  document.title = `会议邀请：${m.title || ''} · 三会一课`;

  const type = $('invite-type');
  type.textContent = meetingTypeLabel(m);
  type.className = `badge type-${m.type || 'other'}`;
  const stateTag = $('invite-state');
  stateTag.textContent = meetingStateLabel(m);
  stateTag.className = `state-tag state-${st}`;
  stateTag.dataset.state = st;
  $('invite-title').textContent = m.title || '（无标题）';

  const meta = $('invite-meta');
  clear(meta);
  const row = (label, value, testid) => {
    if (value === undefined || value === null || value === '') return;
    meta.append(el('dt', { text: label }), el('dd', { text: value, 'data-testid': testid }));
  };
  row('组织', m.org_name, 'invite-org');
  const sameDay = m.planned_end && shanghaiDateKey(m.planned_start) === shanghaiDateKey(m.planned_end);
  if (m.planned_start && (sameDay || !m.planned_end)) {
    row('日期', formatDate(m.planned_start), 'invite-date');
    row('时间', m.planned_end ? `${formatTime(m.planned_start)}–${formatTime(m.planned_end)}`
      : formatTime(m.planned_start), 'invite-time');
  } else {
    row('时间', formatRange(m.planned_start, m.planned_end), 'invite-time');
  }
  row('地点', placeLabel(m.place), 'invite-place');
  if (m.type === 'lesson') {
    row('讲课人', m.lecturer_name, 'invite-lecturer');
    row('党课主题', m.topic, 'invite-topic');
  }
  if (st === 'cancelled') row('取消原因', m.cancel_reason || '未填写', 'invite-cancel-reason');

  const agenda = Array.isArray(m.agenda) ? m.agenda.filter((a) => String(a).trim()) : [];
  const list = $('invite-agenda');
  clear(list);
  for (const item of agenda) list.append(el('li', { text: item, 'data-testid': 'agenda-item' }));
  $('invite-agenda-block').hidden = agenda.length === 0;

  // After log-in, index.html sends the user on to this meeting's page.
  const next = `meeting.html?id=${encodeURIComponent(m.id)}`;
  $('invite-login').href = `index.html?next=${encodeURIComponent(next)}`;

  $('invite-loading').hidden = true;
  $('invite-meeting').hidden = false;
  if (st === 'cancelled') {
    setStatus($('invite-error'), '该会议已取消。', 'info');
    $('invite-actions').hidden = true;
  } else {
    $('invite-actions').hidden = false;
  }
}

async function init() {
  const token = new URLSearchParams(location.search).get('token') || '';
  if (!TOKEN_PATTERN.test(token)) {
    showError(ERROR_MESSAGES.token_invalid, 'token_invalid');
    return;
  }
  try {
    const data = await api('GET', `/api/invitations/${encodeURIComponent(token)}`, { authRedirect: false });
    const meeting = data && data.meeting;
    if (!meeting || meeting.id === undefined) {
      showError(ERROR_MESSAGES.not_found, 'not_found');
      return;
    }
    render(meeting);
  } catch (e) {
    showError(messageFor(e), e.code);
  }
}

init();
