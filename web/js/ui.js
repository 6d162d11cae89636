// Small DOM helpers shared by the pages. User data only ever goes through
// textContent or attributes, never through innerHTML.

import { hasRole, logout } from './api.js';
import { formatRange, meetingStateLabel, meetingTypeLabel, placeLabel } from './format.js';

/**
 * Creates an element. @attrs: plain attributes, plus `text` (textContent),
 * `class`, `dataset` (object) and `on` (object of event listeners).
 * @children: nodes or strings (added as text).
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'on') {
      for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
    } else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** Shows a status line: kind 'error' | 'success' | 'info'; empty text hides it. */
export function setStatus(node, text, kind = 'info') {
  if (!node) return;
  node.textContent = text || '';
  node.hidden = !text;
  node.classList.remove('status-error', 'status-success', 'status-info');
  if (text) node.classList.add(`status-${kind}`);
}

/** Disables a button while @fn runs. */
export async function busy(button, fn) {
  const old = button.disabled;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    button.disabled = old;
    button.removeAttribute('aria-busy');
  }
}

/**
 * Fills the top bar (#topbar): links to the pages the user may use, the
 * user's name and the log-out button. @current: 'my' | 'attendance' | 'echo' | 'secretary' | 'admin'.
 */
export function renderTopbar(me, current) {
  const bar = document.getElementById('topbar');
  if (!bar) return;
  clear(bar);
  const nav = el('nav', { class: 'topnav', 'aria-label': '主导航' });
  const links = [['my', 'my.html', '我的会议', 'nav-my'], ['echo', 'echo.html', '设备检测', 'nav-echo']];
  // A member's own attendance history (attendance.html); accounts without a member have none.
  if (me && me.account && me.account.member_id) {
    links.splice(1, 0, ['attendance', 'attendance.html', '出勤记录', 'nav-attendance']);
  }
  if (hasRole(me, 'secretary') || hasRole(me, 'admin')) {
    links.push(['secretary', 'secretary.html', '支部工作', 'nav-secretary']);
  }
  if (hasRole(me, 'admin')) links.push(['admin', 'admin.html', '账号管理', 'nav-admin']);
  for (const [key, href, label, testid] of links) {
    nav.append(el('a', {
      href, text: label, id: testid, 'data-testid': testid,
      class: key === current ? 'active' : '',
      'aria-current': key === current ? 'page' : null,
    }));
  }
  const name = (me && me.account && (me.account.display_name || me.account.login)) || '';
  const user = el('div', { class: 'topuser' },
    el('span', { class: 'username', id: 'current-user', 'data-testid': 'current-user', text: name }),
    el('button', {
      type: 'button', class: 'btn btn-ghost', id: 'logout-button', 'data-testid': 'logout-button',
      text: '退出登录',
      on: { click: (e) => busy(e.currentTarget, logout) },
    }));
  bar.append(el('div', { class: 'brand', text: '三会一课' }), nav, user);
}

/** Copies text to the clipboard; returns true on success. */
export async function copyText(text, fallbackInput) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch (_) {
    // fall through to the selection-based copy
  }
  if (fallbackInput) {
    fallbackInput.focus();
    fallbackInput.select();
    try {
      return document.execCommand('copy');
    } catch (_) {
      return false;
    }
  }
  return false;
}

/** The relative URL of a meeting's page. */
export function meetingUrl(id) {
  return `meeting.html?id=${encodeURIComponent(id)}`;
}

/** The relative URL of the meeting room (room.html). */
export function roomUrl(id) {
  return `room.html?id=${encodeURIComponent(id)}`;
}

/** Whether a meeting can be entered now (open or in progress). */
export function isJoinable(meeting) {
  return !!meeting && (meeting.state === 'open' || meeting.state === 'in_progress');
}

/** The "进入会议" link of a meeting that can be entered now, else null. */
export function joinLink(meeting, extraClass = 'btn-small') {
  if (!isJoinable(meeting)) return null;
  return el('a', {
    class: `btn btn-primary ${extraClass}`, 'data-testid': 'meeting-join-link',
    href: roomUrl(meeting.id), text: '进入会议',
    'aria-label': `进入会议：${meeting.title || ''}`,
  });
}

/**
 * A meeting card (<li>). @opts.showOrg: show the organization name;
 * @opts.actions: nodes appended in the card's action row;
 * @opts.memberName: id → name, to show the chair, recorder and lecturer.
 */
export function meetingCard(meeting, opts = {}) {
  const state = meeting.state || '';
  const card = el('li', {
    class: `meeting-card state-${state}`,
    'data-testid': 'meeting-card',
    dataset: { meetingId: meeting.id, state, type: meeting.type || '' },
  });
  card.append(el('div', { class: 'meeting-head' },
    el('span', { class: `badge type-${meeting.type || 'other'}`, 'data-testid': 'meeting-type', text: meetingTypeLabel(meeting) }),
    el('span', { class: `state-tag state-${state}`, 'data-testid': 'meeting-state', text: meetingStateLabel(meeting) })));
  card.append(el('h3', { class: 'meeting-title', 'data-testid': 'meeting-title', text: meeting.title || '（无标题）' }));

  const meta = el('dl', { class: 'meeting-meta' });
  const row = (label, value, testid) => {
    if (value === undefined || value === null || value === '') return;
    meta.append(el('dt', { text: label }), el('dd', { text: value, 'data-testid': testid }));
  };
  if (opts.showOrg !== false) row('组织', meeting.org_name, 'meeting-org');
  row('时间', formatRange(meeting.planned_start, meeting.planned_end), 'meeting-time');
  row('地点', placeLabel(meeting.place), 'meeting-place');
  // Names of the chair, recorder and lecturer when the caller can resolve ids.
  const who = (id) => (id && typeof opts.memberName === 'function' ? opts.memberName(id) : '');
  row('主持人', who(meeting.chair_member_id), 'meeting-chair');
  row('记录人', who(meeting.recorder_member_id), 'meeting-recorder');
  if (meeting.type === 'lesson') {
    row('讲课人', meeting.lecturer_name || who(meeting.lecturer_member_id), 'meeting-lecturer');
    row('主题', meeting.topic, 'meeting-topic');
  }
  if (state === 'cancelled') row('取消原因', meeting.cancel_reason, 'meeting-cancel-reason');
  card.append(meta);

  if (Array.isArray(meeting.agenda) && meeting.agenda.length > 0) {
    const details = el('details', { class: 'agenda' }, el('summary', { text: `议程（${meeting.agenda.length} 项）` }));
    const ol = el('ol');
    for (const item of meeting.agenda) ol.append(el('li', { text: item }));
    details.append(ol);
    card.append(details);
  }
  // Every card leads to the meeting's own page (meeting.html?id=ID).
  const detail = el('a', {
    class: 'btn btn-secondary btn-small', 'data-testid': 'meeting-detail-link',
    href: meetingUrl(meeting.id), text: '会议详情',
    'aria-label': `会议详情：${meeting.title || ''}`,
  });
  card.append(el('div', { class: 'meeting-actions' }, detail, joinLink(meeting), opts.actions || []));
  return card;
}
