// An election's ballot and result on the meeting page (docs/votes.md
// "Elections"): one row per candidate with 赞成 / 不赞成 / 弃权, a counter
// "已选 2/3" of approvals against the seats, and a submit button. The page
// does not let a member approve more candidates than there are seats (the
// server would count such a ballot as void). The marks stay in this page
// until sent; nothing of them is kept after the vote is counted. After the
// count: who is elected, the combined result over the election and its
// runoffs (另行选举), and for the chair, when seats stay empty, the
// one-tap start of the runoff with the candidates the rules allow
// (docs/votes.md "Runoffs"). Used by room-votes.js.

import { el } from './ui.js';
import { S, request } from './room-state.js';

const MARKS = [
  ['for', '赞成', 'btn-primary'],
  ['against', '不赞成', 'btn-danger'],
  ['abstain', '弃权', 'btn-secondary'],
];

/** Approvals on @marks (position -> choice). */
function approvals(marks) {
  return Object.values(marks).filter((c) => c === 'for').length;
}

/** Appends the ballot of @election to @node. @state.marks (position ->
 * choice) holds the member's marks so far; @rerender redraws; @submit(marks
 * as the protocol's array) casts. */
export function renderElectionBallot(node, election, state, busy, rerender, submit) {
  const seats = election.seats;
  const chosen = approvals(state.marks);
  node.append(el('p', { text: `请对每位候选人表态（无记名，赞成的不得多于应选 ${seats} 人；未表态的视为弃权）：` }));
  node.append(el('p', {
    'data-testid': 'election-counter', class: `election-counter ${chosen > seats ? 'status status-error' : ''}`,
    text: `已选 ${chosen}/${seats}`,
  }));
  const list = el('ul', { class: 'election-ballot', 'data-testid': 'election-ballot' });
  election.candidates.forEach((c, position) => {
    const mark = state.marks[position] || 'abstain';
    const row = el('div', { class: 'election-marks' });
    for (const [choice, label, cls] of MARKS) {
      const full = choice === 'for' && mark !== 'for' && chosen >= seats;
      row.append(el('button', {
        type: 'button', text: label, 'aria-pressed': String(mark === choice),
        class: `btn ${mark === choice ? cls : 'btn-ghost'}`,
        'data-testid': `election-${choice}-${position}`, disabled: busy || full,
        on: { click: () => { state.marks[position] = choice; rerender(); } },
      }));
    }
    list.append(el('li', { 'data-testid': 'election-row' }, el('div', { class: 'election-name', text: c.name }), row));
  });
  node.append(list);
  node.append(el('div', { class: 'button-row' }, el('button', {
    type: 'button', class: 'btn btn-primary election-submit', text: '提交选票', 'data-testid': 'election-submit',
    disabled: busy || chosen > seats,
    on: {
      click: () => submit(Object.entries(state.marks)
        .map(([position, choice]) => ({ candidate: Number(position), choice }))),
    },
  })));
}

/** Appends the per-candidate result of @election (a counted vote's). */
export function renderElectionResult(node, election, expectedVoting) {
  const filled = election.elected || 0;
  node.append(el('p', {
    'data-testid': 'election-outcome', class: `status ${filled === election.seats ? 'status-success' : 'status-error'}`,
    text: `应选 ${election.seats} 人，当选 ${filled} 人${election.runoff ? '；末位得票相同，须对空缺名额另行选举' : ''}`,
  }));
  node.append(el('ol', { class: 'plain-list', 'data-testid': 'election-results' },
    election.candidates.map((c) => el('li', { 'data-testid': 'election-result' },
      el('strong', { text: c.name }),
      el('span', { text: ` 赞成 ${c.marks ? c.marks.for : 0} · 不赞成 ${c.marks ? c.marks.against : 0} · 弃权 ${c.marks ? c.marks.abstain : 0}` }),
      c.elected ? el('span', { class: 'status status-success', text: ' 当选' }) : null))));
  if (election.invalid) node.append(el('p', { text: `无效票 ${election.invalid} 张（赞成人数多于应选人数）` }));
  node.append(el('p', { class: 'hint', text: `当选须赞成票超过应到有表决权党员 ${expectedVoting} 人的半数；差额选举按得票多少依次当选。` }));
  const combined = election.combined;
  if (combined && (election.runoff_of || combined.rounds > 1)) {
    node.append(el('p', {
      'data-testid': 'election-combined', class: `status ${combined.open_seats ? 'status-error' : 'status-success'}`,
      text: `合计当选（含另行选举）：${combined.elected.length ? combined.elected.join('、') : '无'}；应选 ${combined.seats} 人${combined.open_seats ? `，尚缺 ${combined.open_seats} 人` : '，已选满'}`,
    }));
  }
  if (election.runoff_plan) renderRunoffOffer(node, election.runoff_plan);
}

/** The chair's offer of the runoff @plan (a Vote's election.runoff_plan). */
function renderRunoffOffer(node, plan) {
  const why = plan.tie ? '末位得票相同，须就票数相等的候选人另行选举' : '名额未选满，可对不足的名额另行选举';
  node.append(el('p', {
    'data-testid': 'runoff-plan',
    text: `${why}：应选 ${plan.seats} 人，候选人 ${plan.candidates.join('、')}。`,
  }));
  if (!(S.you && S.you.chair) || !S.state || S.state.state !== 'in_progress') return;
  const status = el('p', { class: 'status status-error', role: 'alert', hidden: true, 'data-testid': 'runoff-error' });
  const button = el('button', {
    type: 'button', class: 'btn btn-primary', text: '另行选举', 'data-testid': 'runoff-start',
    on: {
      click: () => {
        button.disabled = true;
        request('vote.start', { runoff_of: plan.runoff_of })
          .catch((e) => {
            status.textContent = e.message || '发起另行选举失败';
            status.hidden = false;
          })
          .finally(() => { button.disabled = false; });
      },
    },
  });
  node.append(el('div', { class: 'button-row' }, button), status);
}
