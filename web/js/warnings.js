// "组织生活提醒" on the "支部工作" page: the members of the branch close to six
// months without organizational life (党章 第九条) or absent several meetings
// in a row without a recorded reason (GET /api/orgs/{id}/warnings). The server
// decides who is flagged and words each warning; this shows them.

import { api, listOf } from './api.js';
import { formatDate } from './format.js';
import { el, clear, setStatus } from './ui.js';

const $ = (id) => document.getElementById(id);

const KIND_LABELS = { lapse: '六个月未参加组织生活', absences: '连续缺席' };

let loading = null; // the branch being loaded, so a late reply for another is dropped

function warningItem(w) {
  const tags = (w.kinds || []).map((k) => el('span', {
    class: k === 'lapse' && !w.lapsed ? 'tag tag-hand' : 'tag tag-warn',
    'data-testid': 'warning-kind',
    dataset: { kind: k },
    text: k === 'lapse' && w.lapsed ? '已满六个月' : KIND_LABELS[k] || k,
  }));
  const facts = [
    `最近参加：${w.last_attended ? formatDate(w.last_attended) : '无记录'}`,
    `满六个月：${formatDate(w.lapse_at)}`,
    `无故缺席：${w.missed_unexcused} 次（连续 ${w.absent_in_row} 次）`,
  ];
  return el('li', { class: 'warning-item', 'data-testid': 'warning-row', dataset: { memberId: w.member_id } },
    el('div', { class: 'warning-head' },
      el('strong', { 'data-testid': 'warning-name', text: w.name }), ' ', ...tags),
    el('p', { 'data-testid': 'warning-text', text: w.text }),
    el('p', { class: 'muted', text: facts.join(' · ') }));
}

export async function loadWarnings(branchId) {
  const list = $('warnings-list');
  const status = $('warnings-status');
  if (!list) return;
  loading = branchId;
  setStatus(status, '');
  let data;
  try {
    data = await api('GET', `/api/orgs/${encodeURIComponent(branchId)}/warnings`);
  } catch (e) {
    if (loading !== branchId) return;
    clear(list);
    $('warnings-empty').hidden = true;
    setStatus(status, e.message, 'error');
    return;
  }
  if (loading !== branchId) return;
  const warnings = listOf(data, 'members');
  clear(list);
  for (const w of warnings) list.append(warningItem(w));
  $('warnings-count').textContent = warnings.length ? `（${warnings.length}）` : '';
  $('warnings-empty').hidden = warnings.length > 0;
  $('warnings-rule').textContent =
    `满六个月前 ${data.warning_days} 天提醒；连续 ${data.absence_limit} 次无故缺席提醒。请假和不计入应到的情况不算无故缺席。`;
}
