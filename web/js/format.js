// Date/time formatting in Asia/Shanghai and Chinese labels.

export const TIME_ZONE = 'Asia/Shanghai';
const OFFSET = '+08:00'; // Asia/Shanghai has no daylight saving time

const dateFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE, year: 'numeric', month: 'long', day: 'numeric', weekday: 'short',
});
const timeFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});
const partsFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

function toDate(value) {
  if (value instanceof Date) return value;
  if (value === null || value === undefined || value === '') return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** {year, month, day, hour, minute} as strings, in Asia/Shanghai. */
export function shanghaiParts(value) {
  const d = toDate(value);
  if (!d) return null;
  const out = {};
  for (const p of partsFmt.formatToParts(d)) {
    if (p.type !== 'literal') out[p.type] = p.value;
  }
  if (out.hour === '24') out.hour = '00';
  return out;
}

/** "YYYY-MM-DD" in Asia/Shanghai. */
export function shanghaiDateKey(value) {
  const p = shanghaiParts(value);
  return p ? `${p.year}-${p.month}-${p.day}` : '';
}

/** "2026年12月1日周二" */
export function formatDate(value) {
  const d = toDate(value);
  return d ? dateFmt.format(d) : '';
}

/** "14:00" */
export function formatTime(value) {
  const d = toDate(value);
  return d ? timeFmt.format(d) : '';
}

/** "2026年12月1日周二 14:00" */
export function formatDateTime(value) {
  const d = toDate(value);
  return d ? `${formatDate(d)} ${formatTime(d)}` : '';
}

/** "2026年12月1日周二 14:00–16:00", or both full when on different days. */
export function formatRange(start, end) {
  const s = toDate(start);
  const e = toDate(end);
  if (!s) return '时间待定';
  if (!e) return formatDateTime(s);
  if (shanghaiDateKey(s) === shanghaiDateKey(e)) {
    return `${formatDate(s)} ${formatTime(s)}–${formatTime(e)}`;
  }
  return `${formatDateTime(s)} – ${formatDateTime(e)}`;
}

/**
 * ISO 8601 with the +08:00 offset from a date input ("YYYY-MM-DD") and a time
 * input ("HH:MM" or "HH:MM:SS"). Returns '' when either is malformed.
 */
export function toShanghaiIso(date, time) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date || '')) return '';
  const m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(time || '');
  if (!m) return '';
  return `${date}T${m[1]}:${m[2]}:${m[3] || '00'}${OFFSET}`;
}

/** "YYYY-MM-DD" of today plus @days, in Asia/Shanghai. */
export function shanghaiDatePlus(days) {
  return shanghaiDateKey(new Date(Date.now() + days * 86400000));
}

// ------------------------------------------------------------- labels

export const MEETING_TYPES = [
  ['general', '支部党员大会'],
  ['committee', '支部委员会会议'],
  ['group', '党小组会'],
  ['lesson', '党课'],
  ['party_day', '主题党日'],
];
const MEETING_TYPE_LABELS = Object.fromEntries(MEETING_TYPES);

const MEETING_STATE_LABELS = {
  scheduled: '已安排',
  open: '可入会',
  in_progress: '进行中',
  ended: '已结束',
  archived: '已归档',
  cancelled: '已取消',
};

export const MEMBER_STATUS_LABELS = { full: '正式', probationary: '预备' };

export const POST_LABELS = {
  secretary: '书记',
  deputy_secretary: '副书记',
  organization: '组织委员',
  propaganda: '宣传委员',
  discipline: '纪检委员',
  committee_member: '委员',
};

/** The server's label when present, else ours. */
export function meetingTypeLabel(meeting) {
  return (meeting && (meeting.type_label || MEETING_TYPE_LABELS[meeting.type])) || '会议';
}

export function meetingStateLabel(meeting) {
  return (meeting && (meeting.state_label || MEETING_STATE_LABELS[meeting.state])) || '';
}

export function placeLabel(place) {
  return place && String(place).trim() ? String(place).trim() : '线上';
}

export function yesNo(value) {
  return value ? '是' : '否';
}

export function memberStatusLabel(status) {
  return MEMBER_STATUS_LABELS[status] || status || '';
}

export function postsLabel(posts) {
  if (!Array.isArray(posts) || posts.length === 0) return '';
  return posts.map((p) => POST_LABELS[p] || p).join('、');
}

/** States in which a meeting may still be cancelled from the list. */
export function isCancellable(meeting) {
  return meeting && (meeting.state === 'scheduled' || meeting.state === 'open');
}
