// The motions (议题/表决事项) block of the meeting page (meeting.html),
// before the meeting: the list of motions announced for it, the secretary's
// or chair's form to announce one and to withdraw it, the record of the
// higher organization's approval for online admission, conversion and
// elections, and a member's written opinion (书面意见) on an admission or
// conversion motion when they will be absent. The rules are the server's
// (docs/votes.md); after the meeting the results of its votes are listed.

import { api } from './api.js';
import { el, clear, setStatus } from './ui.js';

const KIND_LABELS = { ordinary: '一般事项', admission: '发展党员', conversion: '预备党员转正', election: '选举' };
const CHOICES = [['for', '赞成'], ['against', '反对'], ['abstain', '弃权']];
const NOT_STARTED = new Set(['scheduled', 'open']);

function section() {
  let node = document.getElementById('motions-panel');
  if (!node) {
    node = el('section', { id: 'motions-panel', class: 'card', 'data-testid': 'motions-panel', 'aria-labelledby': 'motions-title' });
    document.getElementById('meeting-detail').after(node);
  }
  return node;
}

function statusLine() {
  return el('p', { class: 'status', role: 'status', 'data-testid': 'motions-status', hidden: true });
}

function opinionForm(meeting, motion, reload, statusBox) {
  const choice = el('select', { 'data-testid': 'opinion-choice', 'aria-label': '意见' },
    CHOICES.map(([v, l]) => el('option', { value: v, text: l })));
  const text = el('textarea', { rows: '3', maxlength: '2000', 'data-testid': 'opinion-text', placeholder: '书面意见内容（须本人提交，会议开始后不再接受）' });
  return el('form', {
    class: 'field', novalidate: true, 'data-testid': 'opinion-form',
    on: {
      submit: async (e) => {
        e.preventDefault();
        try {
          await api('POST', `/api/motions/${motion.id}/opinion`, { body: { choice: choice.value, text: text.value } });
          setStatus(statusBox, '书面意见已提交；如您到会参加表决，书面意见将作废。', 'success');
          reload();
        } catch (err) {
          setStatus(statusBox, err.message || '提交失败', 'error');
        }
      },
    },
  }, el('label', { text: '我不能到会，提交书面意见：' }), choice, text,
  el('button', { type: 'submit', class: 'btn btn-secondary btn-small', text: '提交书面意见', 'data-testid': 'opinion-submit' }));
}

function motionItem(meeting, data, m, reload, statusBox) {
  const before = NOT_STARTED.has(meeting.state);
  const tags = [KIND_LABELS[m.kind] || m.kind, m.secret ? '无记名投票' : '举手表决'];
  if (m.withdrawn) tags.push('已撤回');
  const item = el('li', { 'data-testid': 'motion-item', dataset: { motion: String(m.id) } },
    el('strong', { text: m.title }),
    m.candidate ? el('span', { text: `（对象：${m.candidate}）` }) : null,
    m.election ? el('span', { 'data-testid': 'motion-election', text: `（${m.election.candidates.length > m.election.seats ? '差额' : '等额'}选举，应选 ${m.election.seats} 人；候选人：${m.election.candidates.join('、')}）` }) : null,
    el('span', { class: 'muted', text: ` · ${tags.join(' · ')}` }));
  if (m.my_opinion) {
    item.append(el('p', { class: 'hint', 'data-testid': 'my-opinion', text: `您的书面意见：${m.my_opinion.choice_label}` }));
  } else if (before && !m.withdrawn && (m.kind === 'admission' || m.kind === 'conversion')) {
    item.append(opinionForm(meeting, m, reload, statusBox));
  }
  if (before && data.may_manage && !m.withdrawn) {
    item.append(el('button', {
      type: 'button', class: 'btn btn-ghost btn-small', text: '撤回', 'data-testid': 'motion-withdraw',
      on: {
        click: async () => {
          try {
            await api('POST', `/api/motions/${m.id}/withdraw`, { body: {} });
            reload();
          } catch (err) {
            setStatus(statusBox, err.message || '撤回失败', 'error');
          }
        },
      },
    }));
  }
  return item;
}

function announceForm(meeting, reload, statusBox) {
  const kind = el('select', { 'data-testid': 'motion-kind', 'aria-label': '类型' },
    Object.entries(KIND_LABELS).map(([v, l]) => el('option', { value: v, text: l })));
  const title = el('input', { type: 'text', maxlength: '200', placeholder: '表决事项', 'data-testid': 'motion-title', 'aria-label': '表决事项' });
  const candidate = el('input', { type: 'text', maxlength: '50', placeholder: '发展对象姓名（发展党员）', 'data-testid': 'motion-candidate', 'aria-label': '发展对象' });
  const member = el('input', { type: 'number', min: '1', placeholder: '预备党员编号（转正）', 'data-testid': 'motion-member', 'aria-label': '转正对象' });
  const secret = el('input', { type: 'checkbox', 'data-testid': 'motion-secret' });
  const candidates = el('textarea', { rows: '4', 'data-testid': 'motion-candidates', 'aria-label': '候选人名单', placeholder: '候选人名单（选举，每行一人，2 至 30 人，按选票顺序）' });
  const seats = el('input', { type: 'number', min: '1', max: '30', placeholder: '应选人数（选举）', 'data-testid': 'motion-seats', 'aria-label': '应选人数' });
  return el('form', {
    novalidate: true, 'data-testid': 'motion-form',
    on: {
      submit: async (e) => {
        e.preventDefault();
        const body = { kind: kind.value, title: title.value, secret: secret.checked };
        if (kind.value === 'admission') body.candidate = candidate.value;
        if (kind.value === 'conversion' && member.value) body.candidate_member_id = Number(member.value);
        const names = candidates.value.split('\n').map((x) => x.trim()).filter(Boolean);
        if (kind.value === 'election' && names.length) {
          body.candidates = names;
          body.seats = Number(seats.value) || 0;
          if (!body.seats) {
            setStatus(statusBox, '请填写应选人数', 'error');
            return;
          }
        }
        try {
          await api('POST', `/api/meetings/${meeting.id}/motions`, { body });
          setStatus(statusBox, '表决事项已提交', 'success');
          reload();
        } catch (err) {
          setStatus(statusBox, err.message || '提交失败', 'error');
        }
      },
    },
  },
  el('h3', { text: '提交表决事项' }),
  el('div', { class: 'field' }, kind), el('div', { class: 'field' }, title),
  el('div', { class: 'field' }, candidate), el('div', { class: 'field' }, member),
  el('div', { class: 'field' }, candidates), el('div', { class: 'field' }, seats),
  el('p', { class: 'hint', text: '选举：候选人多于应选人数为差额选举，相等为等额选举；每张选票赞成的不得多于应选人数，否则为无效票。' }),
  el('label', { class: 'check' }, secret, ' 无记名投票（发展党员、转正、选举一律无记名）'),
  el('button', { type: 'submit', class: 'btn btn-primary btn-small', text: '提交', 'data-testid': 'motion-submit' }));
}

function approvalBlock(meeting, data, reload, statusBox) {
  if (data.approval) {
    return el('p', { class: 'hint', 'data-testid': 'vote-approval', text: `上级党组织同意网上表决：${data.approval.approval}` });
  }
  if (!data.may_manage) return null;
  const text = el('input', { type: 'text', maxlength: '500', placeholder: '批准的上级党组织及文件', 'data-testid': 'approval-text', 'aria-label': '上级党组织同意情况' });
  return el('form', {
    novalidate: true, class: 'field',
    on: {
      submit: async (e) => {
        e.preventDefault();
        try {
          await api('POST', `/api/meetings/${meeting.id}/vote-approval`, { body: { approval: text.value } });
          reload();
        } catch (err) {
          setStatus(statusBox, err.message || '记录失败', 'error');
        }
      },
    },
  }, el('label', { text: '网上进行发展党员、转正、选举，须记录上级党组织的同意：' }), text,
  el('button', { type: 'submit', class: 'btn btn-secondary btn-small', text: '记录', 'data-testid': 'approval-submit' }));
}

function resultsList(meeting, data) {
  const votes = (data.votes || []).filter((v) => v.state !== 'open');
  if (!votes.length) return null;
  return el('div', {}, el('h3', { text: '表决结果' }),
    el('p', {}, el('a', {
      href: `/api/meetings/${encodeURIComponent(meeting.id)}/motions?format=csv`, download: '',
      class: 'btn btn-secondary btn-small', 'data-testid': 'votes-csv', text: '下载表决结果（CSV）',
    })),
    el('ul', { class: 'plain-list', 'data-testid': 'vote-results' },
    votes.map((v) => el('li', {
      text: v.state === 'void' ? `${v.title}：表决无效（${v.void_reason || ''}）`
        : v.election && v.election.candidates[0] && v.election.candidates[0].marks ? electionText(v)
        : `${v.title}：${v.passed ? '通过' : '未获通过'}（赞成 ${v.ballots.for + v.opinions.for}，反对 ${v.ballots.against + v.opinions.against}，弃权 ${v.ballots.abstain + v.opinions.abstain}；应到有表决权 ${v.expected_voting} 人）`,
    }))));
}

function electionText(v) {
  const e = v.election;
  const each = e.candidates.map((c) => `${c.name} 赞成 ${c.marks.for}${c.elected ? '（当选）' : ''}`).join('；');
  const c = e.combined;
  const total = c && (e.runoff_of || c.rounds > 1)
    ? `；合计当选 ${c.elected.length ? c.elected.join('、') : '无'}（应选 ${c.seats} 人${c.open_seats ? `，尚缺 ${c.open_seats} 人` : ''}）` : '';
  return `${v.title}：应选 ${e.seats} 人，当选 ${e.elected} 人（${each}；无效票 ${e.invalid}；应到有表决权 ${v.expected_voting} 人）${e.runoff ? '，须另行选举' : ''}${total}`;
}

/** Fills the motions block for @meeting (a Meeting object); hidden for a
 * meeting type that takes no votes. */
export async function renderMotions(meeting) {
  if (!meeting || !meeting.id) return;
  let data;
  try {
    data = await api('GET', `/api/meetings/${meeting.id}/motions`);
  } catch (_) {
    return; // not ours to see
  }
  const node = section();
  clear(node);
  if (!data.takes_votes) {
    node.hidden = true;
    return;
  }
  node.hidden = false;
  const statusBox = statusLine();
  const reload = () => renderMotions(meeting);
  const motions = data.motions || [];
  node.append(el('h2', { id: 'motions-title', text: '表决事项' }), statusBox);
  node.append(motions.length
    ? el('ul', { class: 'plain-list', 'data-testid': 'motion-list' }, motions.map((m) => motionItem(meeting, data, m, reload, statusBox)))
    : el('p', { class: 'muted', text: '暂无表决事项。' }));
  const approval = approvalBlock(meeting, data, reload, statusBox);
  if (approval) node.append(approval);
  if (data.may_manage && NOT_STARTED.has(meeting.state)) node.append(announceForm(meeting, reload, statusBox));
  const results = resultsList(meeting, data);
  if (results) node.append(results);
}
