// "支部工作" for a branch secretary: the member roll (list, add, CSV import)
// and meeting scheduling (form, list, cancel).

import { api, requireSession, hasRole, secretaryOrgIds, listOf } from './api.js';
import {
  MEETING_TYPES, memberStatusLabel, postsLabel, yesNo, toShanghaiIso, shanghaiDatePlus,
  isCancellable, meetingTypeLabel, formatRange,
} from './format.js';
import { el, clear, setStatus, busy, renderTopbar, meetingCard } from './ui.js';
import { initVisits, loadVisits, fillVisitForm } from './visits.js';
import { initBranchAttendance, loadBranchAttendance } from './branch-attendance.js';
import { loadWarnings } from './warnings.js';

const $ = (id) => document.getElementById(id);

const state = {
  me: null,
  orgs: [],        // every organization the caller may see
  branches: [],    // the branches the caller may run
  branch: null,    // the selected branch (Org)
  members: [],     // members of the selected branch
  visiting: [],    // migrant members visiting it
  importBytes: null,
  importName: '',
  cancelMeeting: null,
};

const STORAGE_KEY = 'sanhui.secretary.branch';

// ================================================================ helpers

function orgName(id) {
  const org = state.orgs.find((o) => String(o.id) === String(id));
  return org ? org.name : `党支部（编号 ${id}）`;
}

function memberLabel(m) {
  const posts = postsLabel(m.posts);
  return posts ? `${m.name}（${posts}）` : m.name;
}

function activeMembers() {
  return state.members.filter((m) => m.active !== false);
}

function secretaryMember() {
  return activeMembers().find((m) => Array.isArray(m.posts) && m.posts.includes('secretary')) || null;
}

function fillSelect(select, options, { placeholder, keep = true } = {}) {
  const previous = select.value;
  clear(select);
  if (placeholder !== undefined) select.append(el('option', { value: '', text: placeholder }));
  for (const [value, label, disabled] of options) {
    select.append(el('option', { value, text: label, disabled: !!disabled }));
  }
  if (keep && [...select.options].some((o) => o.value === previous && !o.disabled)) {
    select.value = previous;
  }
}

// ================================================================ tabs

const tabs = [
  { tab: $('tab-members'), panel: $('panel-members'), key: 'members' },
  { tab: $('tab-meetings'), panel: $('panel-meetings'), key: 'meetings' },
];

function selectTab(key, { focus = false, updateHash = true } = {}) {
  for (const t of tabs) {
    const on = t.key === key;
    t.tab.setAttribute('aria-selected', on ? 'true' : 'false');
    t.tab.tabIndex = on ? 0 : -1;
    t.tab.classList.toggle('active', on);
    t.panel.hidden = !on;
    if (on && focus) t.tab.focus();
  }
  if (updateHash && location.hash !== `#${key}`) history.replaceState(null, '', `#${key}`);
}

for (const [i, t] of tabs.entries()) {
  t.tab.addEventListener('click', () => selectTab(t.key));
  t.tab.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    selectTab(next.key, { focus: true });
  });
}

// ================================================================ members

// @own: a member of this branch, whose attendance history the secretary may read.
function memberRow(m, own = false) {
  const cell = (label, value, cls) => el('td', { 'data-label': label, class: cls, text: value });
  const tr = el('tr', { 'data-testid': 'member-row', dataset: { memberId: m.id } },
    el('th', { scope: 'row', 'data-label': '姓名', 'data-testid': 'member-row-name' },
      m.name || '',
      m.active === false ? el('span', { class: 'tag tag-muted', text: '已停用' }) : null,
      m.excluded ? el('span', { class: 'tag tag-muted', text: '不计入应到' }) : null,
      own ? el('a', {
        class: 'link member-att-link', 'data-testid': 'member-attendance-link',
        href: `attendance.html?member=${encodeURIComponent(m.id)}`, text: '出勤记录',
      }) : null),
    cell('手机号', m.phone || '—'),
    cell('类别', memberStatusLabel(m.status), m.status === 'probationary' ? 'tag-cell probationary' : ''),
    cell('留党察看', yesNo(m.under_probation), m.under_probation ? 'warn' : ''),
    cell('流动党员', yesNo(m.migrant)),
    cell('职务', postsLabel(m.posts) || '—'),
    cell('表决权', m.has_vote ? '有' : '无', m.has_vote ? 'ok' : 'muted'));
  return tr;
}

function renderMembers() {
  const body = $('members-body');
  clear(body);
  for (const m of state.members) body.append(memberRow(m, true));
  $('members-empty').hidden = state.members.length > 0;

  const vbody = $('visiting-body');
  clear(vbody);
  for (const m of state.visiting) vbody.append(memberRow(m));
  $('visiting-block').hidden = state.visiting.length === 0;

  const active = activeMembers();
  const full = active.filter((m) => m.status === 'full').length;
  const prob = active.filter((m) => m.status === 'probationary').length;
  const votes = active.filter((m) => m.has_vote).length;
  $('members-summary').textContent =
    `共 ${active.length} 名党员：正式党员 ${full} 名，预备党员 ${prob} 名，有表决权 ${votes} 名`;
  fillPeopleSelects();
}

async function loadMembers() {
  setStatus($('members-status'), '');
  const id = state.branch.id;
  try {
    const data = await api('GET', `/api/orgs/${encodeURIComponent(id)}/members`);
    if (state.branch.id !== id) return; // the branch changed meanwhile
    state.members = listOf(data, 'members');
    state.visiting = listOf(data, 'visiting');
  } catch (e) {
    state.members = [];
    state.visiting = [];
    setStatus($('members-status'), e.message, 'error');
  }
  renderMembers();
}

$('member-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const statusBox = $('member-form-status');
  setStatus(statusBox, '');
  const name = $('member-name').value.trim();
  const phone = $('member-phone').value.trim();
  const joined = $('member-joined').value;
  if (!name) {
    setStatus(statusBox, '请填写姓名', 'error');
    $('member-name').focus();
    return;
  }
  if (phone && !/^1\d{10}$/.test(phone)) {
    setStatus(statusBox, '手机号应为 11 位数字', 'error');
    $('member-phone').focus();
    return;
  }
  const input = {
    name,
    status: $('member-status').value,
    under_probation: $('member-probation').checked,
    migrant: $('member-migrant').checked,
  };
  if (phone) input.phone = phone;
  if (joined) input.joined_on = joined;

  busy($('member-submit'), async () => {
    try {
      const created = await api('POST', `/api/orgs/${encodeURIComponent(state.branch.id)}/members`, { body: input });
      $('member-form').reset();
      setStatus(statusBox, `已添加党员：${(created && created.name) || name}`, 'success');
      await loadMembers();
    } catch (e) {
      setStatus(statusBox, e.message, 'error');
    }
  });
});

// ================================================================ CSV import

function resetImport() {
  $('import-result').hidden = true;
  setStatus($('import-status'), '');
}

$('import-file').addEventListener('change', () => {
  const file = $('import-file').files[0];
  state.importBytes = null;
  state.importName = file ? file.name : '';
  $('import-preview').disabled = !file;
  resetImport();
});

function renderRejected(rejected) {
  const list = $('import-rejected');
  clear(list);
  for (const r of rejected) {
    list.append(el('li', { 'data-testid': 'import-rejected-row', dataset: { line: r.line } },
      el('span', { class: 'line-no', text: `第 ${r.line} 行` }), `：${r.message || ''}`));
  }
}

function renderPreview(preview) {
  const valid = Array.isArray(preview.valid) ? preview.valid : [];
  const rejected = Array.isArray(preview.rejected) ? preview.rejected : [];
  $('import-encoding').textContent = preview.encoding || '未知';
  $('import-valid-count').textContent = `${valid.length} 行`;
  $('import-rejected-count').textContent = `${rejected.length} 行`;

  const vlist = $('import-valid');
  clear(vlist);
  for (const m of valid) {
    vlist.append(el('li', {
      text: [m.name, m.phone, memberStatusLabel(m.status), m.joined_on].filter(Boolean).join('　'),
    }));
  }
  $('import-valid-details').hidden = valid.length === 0;
  renderRejected(rejected);
  $('import-hint').hidden = rejected.length === 0;
  $('import-commit').disabled = valid.length === 0 || rejected.length > 0;
  $('import-commit-skip').hidden = rejected.length === 0;
  $('import-commit-skip').disabled = valid.length === 0;
  $('import-result').hidden = false;
}

function importPath(query) {
  return `/api/orgs/${encodeURIComponent(state.branch.id)}/import?${query}`;
}

$('import-preview').addEventListener('click', (e) => busy(e.currentTarget, async () => {
  resetImport();
  const file = $('import-file').files[0];
  if (!file) {
    setStatus($('import-status'), '请先选择 CSV 文件', 'error');
    return;
  }
  try {
    state.importBytes = await file.arrayBuffer();
  } catch (_) {
    setStatus($('import-status'), '无法读取该文件', 'error');
    return;
  }
  try {
    const preview = await api('POST', importPath('mode=preview'), {
      body: state.importBytes, contentType: 'text/csv',
    });
    renderPreview(preview || {});
  } catch (err) {
    setStatus($('import-status'), err.message, 'error');
  }
}));

async function commitImport(button, skip) {
  if (!state.importBytes) {
    setStatus($('import-status'), '请先预览文件', 'error');
    return;
  }
  await busy(button, async () => {
    setStatus($('import-status'), '');
    try {
      const res = await api('POST', importPath(`mode=commit&skip_rejected=${skip ? 1 : 0}`), {
        body: state.importBytes, contentType: 'text/csv',
      });
      const n = res && typeof res.imported === 'number' ? res.imported : 0;
      $('import-result').hidden = true;
      $('import-file').value = '';
      $('import-preview').disabled = true;
      state.importBytes = null;
      setStatus($('import-status'), `已导入 ${n} 名党员`, 'success');
      await loadMembers();
    } catch (err) {
      const body = err.body || {};
      const rejected = body.rejected || (body.error && body.error.rejected);
      if (Array.isArray(rejected)) renderRejected(rejected);
      setStatus($('import-status'), err.message, 'error');
    }
  });
}

$('import-commit').addEventListener('click', (e) => commitImport(e.currentTarget, false));
$('import-commit-skip').addEventListener('click', (e) => commitImport(e.currentTarget, true));

// A template Excel opens correctly: UTF-8 with a BOM, CRLF.
(function setUpTemplate() {
  const csv = '\uFEFF姓名,手机号,党员类别,入党日期,留党察看,流动党员\r\n' +
    '张三,13800000000,正式,2010-07-01,否,否\r\n';
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  $('import-template').href = url;
})();

// ================================================================ meeting form

function groupsOfBranch() {
  if (!state.branch) return [];
  return state.orgs.filter((o) => o.kind === 'group' && String(o.parent_id) === String(state.branch.id));
}

function fillTypeSelect() {
  const hasCommittee = !state.branch || state.branch.has_committee !== false;
  const groups = groupsOfBranch();
  const options = MEETING_TYPES.map(([value, label]) => {
    if (value === 'committee' && !hasCommittee) return [value, `${label}（本支部未设委员会）`, true];
    if (value === 'group' && groups.length === 0) return [value, `${label}（本支部未设党小组）`, true];
    return [value, label, false];
  });
  fillSelect($('meeting-type'), options);
  fillSelect($('meeting-group'), groups.map((g) => [String(g.id), g.name]), { placeholder: '请选择党小组' });
  if (groups.length === 1) $('meeting-group').value = String(groups[0].id);
}

function fillPeopleSelects() {
  const people = activeMembers().map((m) => [String(m.id), memberLabel(m)]);
  const chair = $('meeting-chair');
  const hadChair = chair.value;
  fillSelect(chair, people, { placeholder: '请选择主持人' });
  fillSelect($('meeting-recorder'), people, { placeholder: '请选择记录人' });
  fillSelect($('meeting-lecturer'), [...people, ['external', '外请讲课人']], { placeholder: '请选择讲课人' });
  const sec = secretaryMember();
  if (!hadChair && sec) chair.value = String(sec.id);
  updateFormVisibility();
}

function updateFormVisibility() {
  const type = $('meeting-type').value;
  $('group-field').hidden = type !== 'group';
  $('lesson-fields').hidden = type !== 'lesson';
  $('lecturer-name-field').hidden = !(type === 'lesson' && $('meeting-lecturer').value === 'external');
  const sec = secretaryMember();
  const chair = $('meeting-chair').value;
  const delegable = type === 'general' || type === 'committee' || type === 'party_day';
  $('delegation-field').hidden = !(delegable && sec && chair && chair !== String(sec.id));
}

for (const id of ['meeting-type', 'meeting-chair', 'meeting-lecturer']) {
  $(id).addEventListener('change', updateFormVisibility);
}

function agendaItems() {
  return $('meeting-agenda').value.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
}

/** Builds the MeetingInput, or returns [null, message, field]. */
function meetingInput() {
  const type = $('meeting-type').value;
  const title = $('meeting-title').value.trim();
  const date = $('meeting-date').value;
  const start = toShanghaiIso(date, $('meeting-start').value);
  const end = toShanghaiIso(date, $('meeting-end').value);
  const chair = $('meeting-chair').value;
  const recorder = $('meeting-recorder').value;

  if (!type) return [null, '请选择会议类型', 'meeting-type'];
  if (type === 'group' && !$('meeting-group').value) return [null, '请选择党小组', 'meeting-group'];
  if (!title) return [null, '请填写会议名称', 'meeting-title'];
  if (!date) return [null, '请选择日期', 'meeting-date'];
  if (!start) return [null, '请填写开始时间', 'meeting-start'];
  if (!end) return [null, '请填写结束时间', 'meeting-end'];
  if (Date.parse(end) <= Date.parse(start)) return [null, '结束时间应晚于开始时间', 'meeting-end'];
  if (!chair) return [null, '请选择主持人', 'meeting-chair'];
  if (!recorder) return [null, '请选择记录人', 'meeting-recorder'];

  const input = {
    type,
    title,
    planned_start: start,
    planned_end: end,
    place: $('meeting-place').value.trim(),
    chair_member_id: Number(chair),
    recorder_member_id: Number(recorder),
    agenda: agendaItems(),
  };

  const sec = secretaryMember();
  if (!$('delegation-field').hidden && sec) {
    input.delegated_by_member_id = Number(sec.id);
    const note = $('meeting-delegation-note').value.trim();
    if (note) input.delegation_note = note;
  }

  if (type === 'lesson') {
    const lecturer = $('meeting-lecturer').value;
    const topic = $('meeting-topic').value.trim();
    if (!lecturer) return [null, '请选择讲课人', 'meeting-lecturer'];
    if (lecturer === 'external') {
      const name = $('meeting-lecturer-name').value.trim();
      if (!name) return [null, '请填写外请讲课人姓名', 'meeting-lecturer-name'];
      input.lecturer_name = name;
    } else {
      const m = state.members.find((x) => String(x.id) === lecturer);
      input.lecturer_member_id = Number(lecturer);
      if (m) input.lecturer_name = m.name;
    }
    if (!topic) return [null, '请填写党课主题', 'meeting-topic'];
    input.topic = topic;
  }
  return [input, '', ''];
}

$('meeting-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const statusBox = $('meeting-form-status');
  setStatus(statusBox, '');
  const [input, message, field] = meetingInput();
  if (!input) {
    setStatus(statusBox, message, 'error');
    if (field) $(field).focus();
    return;
  }
  const orgId = input.type === 'group' ? $('meeting-group').value : state.branch.id;
  busy($('meeting-submit'), async () => {
    try {
      const created = await api('POST', `/api/orgs/${encodeURIComponent(orgId)}/meetings`, { body: input });
      setStatus(statusBox,
        `已安排：${meetingTypeLabel(created || input)}「${(created && created.title) || input.title}」，${formatRange(input.planned_start, input.planned_end)}`,
        'success');
      $('meeting-title').value = '';
      $('meeting-agenda').value = '';
      $('meeting-topic').value = '';
      await loadMeetings();
    } catch (e) {
      setStatus(statusBox, e.message, 'error');
    }
  });
});

// ================================================================ meeting list

async function loadMeetings() {
  setStatus($('org-meetings-status'), '');
  const id = state.branch.id;
  let meetings = [];
  try {
    const data = await api('GET', `/api/orgs/${encodeURIComponent(id)}/meetings`);
    if (state.branch.id !== id) return;
    meetings = listOf(data, 'meetings');
  } catch (e) {
    setStatus($('org-meetings-status'), e.message, 'error');
  }
  renderMeetings(meetings);
}

function renderMeetings(meetings) {
  const list = $('org-meetings');
  clear(list);
  for (const m of meetings) {
    const actions = [];
    if (isCancellable(m)) {
      actions.push(el('button', {
        type: 'button', class: 'btn btn-danger-outline btn-small', text: '取消',
        'data-testid': 'meeting-cancel', 'aria-label': `取消会议：${m.title || ''}`,
        on: { click: () => openCancelDialog(m) },
      }));
    }
    list.append(meetingCard(m, {
      actions,
      showOrg: String(m.org_id) !== String(state.branch.id),
      memberName: (id) => {
        const p = state.members.find((x) => String(x.id) === String(id)) ||
          state.visiting.find((x) => String(x.id) === String(id));
        return p ? p.name : '';
      },
    }));
  }
  $('org-meetings-empty').hidden = meetings.length > 0;
  const active = meetings.filter((m) => m.state !== 'cancelled').length;
  $('org-meetings-summary').textContent = meetings.length
    ? `共 ${meetings.length} 次会议，其中未取消 ${active} 次` : '';
}

// ================================================================ cancel dialog

const dialog = $('cancel-dialog');

function openCancelDialog(meeting) {
  state.cancelMeeting = meeting;
  $('cancel-dialog-meeting').textContent =
    `${meetingTypeLabel(meeting)}「${meeting.title || ''}」 ${formatRange(meeting.planned_start, meeting.planned_end)}`;
  $('cancel-reason').value = '';
  setStatus($('cancel-status'), '');
  if (typeof dialog.showModal === 'function') dialog.showModal();
  else dialog.setAttribute('open', '');
  $('cancel-reason').focus();
}

function closeCancelDialog() {
  state.cancelMeeting = null;
  if (typeof dialog.close === 'function') dialog.close();
  else dialog.removeAttribute('open');
}

$('cancel-dismiss').addEventListener('click', closeCancelDialog);

$('cancel-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const meeting = state.cancelMeeting;
  if (!meeting) return;
  const reason = $('cancel-reason').value.trim();
  if (!reason) {
    setStatus($('cancel-status'), '请填写取消原因', 'error');
    $('cancel-reason').focus();
    return;
  }
  busy($('cancel-confirm'), async () => {
    try {
      await api('POST', `/api/meetings/${encodeURIComponent(meeting.id)}/transition`, {
        body: { to: 'cancelled', reason },
      });
      closeCancelDialog();
      await loadMeetings();
      setStatus($('org-meetings-status'), `已取消会议「${meeting.title || ''}」`, 'success');
    } catch (e) {
      setStatus($('cancel-status'), e.message, 'error');
    }
  });
});

// ================================================================ branch choice

async function selectBranch(id) {
  state.branch = state.branches.find((b) => String(b.id) === String(id)) || state.branches[0];
  try {
    localStorage.setItem(STORAGE_KEY, String(state.branch.id));
  } catch (_) { /* private mode */ }
  $('org-select').value = String(state.branch.id);
  state.members = [];
  state.visiting = [];
  resetImport();
  fillTypeSelect();
  renderMembers();
  $('meeting-chair').value = '';
  loadWarnings(state.branch.id);
  // Members first: the meeting cards show the chair and recorder by name.
  await loadMembers();
  await loadVisits(state.branch.id);
  await fillVisitForm(state.members);
  await loadMeetings();
  await loadBranchAttendance(state.branch.id);
}

$('org-select').addEventListener('change', () => selectBranch($('org-select').value));
// An accepted or ended visit changes who takes part here.
initVisits(() => loadMembers());

async function init() {
  state.me = await requireSession();
  renderTopbar(state.me, 'secretary');

  try {
    state.orgs = listOf(await api('GET', '/api/orgs'), 'orgs');
  } catch (e) {
    setStatus($('sec-status'), e.message, 'error');
    state.orgs = [];
  }

  const ids = secretaryOrgIds(state.me).map(String);
  if (hasRole(state.me, 'admin')) {
    for (const o of state.orgs) if (o.kind === 'branch') ids.push(String(o.id));
  }
  const unique = [...new Set(ids)];
  state.branches = unique.map((id) => state.orgs.find((o) => String(o.id) === id) ||
    { id, name: orgName(id), kind: 'branch' });

  if (state.branches.length === 0) {
    $('org-select').disabled = true;
    setStatus($('sec-status'), '您不是任何党支部的书记，无法使用支部工作页面。', 'info');
    return;
  }
  fillSelect($('org-select'), state.branches.map((b) => [String(b.id), b.name || orgName(b.id)]), { keep: false });

  $('meeting-date').value = shanghaiDatePlus(7);
  $('meeting-date').min = shanghaiDatePlus(0);
  $('sec-content').hidden = false;
  initBranchAttendance();
  selectTab(location.hash === '#meetings' ? 'meetings' : 'members', { updateHash: false });

  let saved = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch (_) { /* private mode */ }
  await selectBranch(saved && unique.includes(saved) ? saved : unique[0]);
}

init();
