/* CSV exports of attendance (attendance-csv.h).
 * SPDX-License-Identifier: Apache-2.0 */
#include "attendance-csv.h"

#include <string.h>

GString *
sh_csv_new (void)
{
  /* Excel takes a file without it for the local code page (GBK). */
  return g_string_new ("\xEF\xBB\xBF");
}

void
sh_csv_cell (GString *out, const char *value)
{
  const char *v = value ? value : "";
  gboolean formula = strchr ("=+-@\t\r", v[0]) != NULL && v[0] != '\0';
  gboolean quote = formula || strpbrk (v, ",\"\r\n") != NULL;

  if (quote)
    g_string_append_c (out, '"');
  if (formula)
    g_string_append_c (out, '\'');
  for (const char *c = v; *c; c++) {
    if (*c == '"')
      g_string_append_c (out, '"');
    g_string_append_c (out, *c);
  }
  if (quote)
    g_string_append_c (out, '"');
}

void
sh_csv_row (GString *csv, const char *const *cells, guint n)
{
  for (guint i = 0; i < n; i++) {
    if (i)
      g_string_append_c (csv, ',');
    sh_csv_cell (csv, cells[i]);
  }
  g_string_append (csv, "\r\n");
}

char *
sh_csv_time (gint64 utc_us, GTimeZone *tz)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;

  if (!utc_us)
    return g_strdup ("");
  utc = g_date_time_new_from_unix_utc (utc_us / G_USEC_PER_SEC);
  local = g_date_time_to_timezone (utc, tz);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

char *
sh_csv_minutes (gint64 us)
{
  /* Tenths of a minute, rounded half up, without the locale's comma. */
  gint64 tenths = (us + 3 * G_USEC_PER_SEC) / (6 * G_USEC_PER_SEC);

  return g_strdup_printf ("%" G_GINT64_FORMAT ".%d", tenths / 10, (int) (tenths % 10));
}

char *
sh_csv_content_disposition (const char *ascii_fallback, const char *filename)
{
  /* RFC 8187 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~"; all else escaped. */
  g_autofree char *encoded = g_uri_escape_string (filename, "!#$&+.^_`|~", FALSE);

  return g_strdup_printf ("attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii_fallback,
                          encoded);
}

/* "start – end（reason）" of each interval, "；" between them. */
static char *
intervals_cell (GPtrArray *intervals, GTimeZone *tz)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < intervals->len; i++) {
    const ShPresenceInterval *in = g_ptr_array_index (intervals, i);
    g_autofree char *from = sh_csv_time (in->started_at, tz);
    g_autofree char *to = sh_csv_time (in->ended_at, tz);

    if (i)
      g_string_append (s, "；");
    g_string_append_printf (s, "%s 至 %s（%s）", from, in->ended_at ? to : "",
                            sh_presence_end_label (in->end_reason));
  }
  return g_string_free (s, FALSE);
}

/* The devices used, in order of first use: "手机、电脑". */
static char *
devices_cell (GPtrArray *intervals)
{
  GString *s = g_string_new (NULL);
  guint seen = 0;

  for (guint i = 0; i < intervals->len; i++) {
    const ShPresenceInterval *in = g_ptr_array_index (intervals, i);

    if (seen & (1u << in->device))
      continue;
    seen |= 1u << in->device;
    if (s->len)
      g_string_append (s, "、");
    g_string_append (s, sh_device_label (in->device));
  }
  return g_string_free (s, FALSE);
}

static const char *
video_cell (GPtrArray *intervals)
{
  if (!intervals->len)
    return "";
  for (guint i = 0; i < intervals->len; i++)
    if (((const ShPresenceInterval *) g_ptr_array_index (intervals, i))->video)
      return "视频";
  return "仅音频";
}

static const char *
role_label (ShAttendanceRole role)
{
  switch (role) {
    case SH_ATTENDANCE_EXPECTED:
      return "应到党员";
    case SH_ATTENDANCE_EXCLUDED:
      return "不计入应到";
    case SH_ATTENDANCE_VISITOR:
      return "流动党员";
    case SH_ATTENDANCE_GUEST:
    default:
      return "列席";
  }
}

static char *
uint_cell (guint n)
{
  return g_strdup_printf ("%u", n);
}

const ShRollcallEntry *
sh_rollcall_entry_of (const ShRollcall *rollcall, gint64 member_id)
{
  g_return_val_if_fail (rollcall != NULL, NULL);
  for (guint i = 0; member_id && i < rollcall->entries->len; i++) {
    const ShRollcallEntry *e = g_ptr_array_index (rollcall->entries, i);

    if (e->member_id == member_id)
      return e;
  }
  return NULL;
}

/* "HH:MM" or "HH:MM:SS" of @utc_us in @tz. */
static char *
clock_cell (gint64 utc_us, GTimeZone *tz, gboolean seconds)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (utc_us / G_USEC_PER_SEC);
  g_autoptr (GDateTime) local = utc ? g_date_time_to_timezone (utc, tz) : NULL;

  return local ? g_date_time_format (local, seconds ? "%H:%M:%S" : "%H:%M") : g_strdup ("");
}

static char *
rollcall_cell (const ShRollcall *rc, const ShAttendanceRow *row, GTimeZone *tz)
{
  const ShRollcallEntry *e = sh_rollcall_entry_of (rc, row->member_id);
  g_autofree char *at = NULL;

  if (!e)
    return g_strdup ("");
  if (e->outcome != SH_ROLLCALL_ANSWERED)
    return g_strdup (sh_rollcall_outcome_label (e->outcome));
  at = clock_cell (e->answered_at, tz, TRUE);
  return g_strdup_printf ("%s %s", sh_rollcall_outcome_label (e->outcome), at);
}

static void
member_row (GString *csv, const ShAttendanceRecord *r, const ShAttendanceRow *row,
            GPtrArray *rollcalls, GTimeZone *tz)
{
  gboolean counted = row->role == SH_ATTENDANCE_EXPECTED || row->role == SH_ATTENDANCE_EXCLUDED;
  gint64 duration = r->end - r->start;
  g_autofree char *minutes = sh_csv_minutes (row->tally.total_us);
  g_autofree char *share
      = duration > 0 ? g_strdup_printf ("%d%%", (int) (row->tally.total_us * 100 / duration))
                     : g_strdup ("");
  g_autofree char *first = sh_csv_time (row->tally.first_arrival, tz);
  g_autofree char *last = sh_csv_time (row->tally.last_departure, tz);
  g_autofree char *spans = intervals_cell (row->intervals, tz);
  g_autofree char *devices = devices_cell (row->intervals);
  const ShAttendanceEntry *e = row->entry;
  const char *status
      = counted || row->tally.total_us > 0 ? sh_attendance_status_label (row->status) : "未出席";
  const char *cells[] = {
    row->name,
    role_label (row->role),
    e && e->has_vote ? "是" : "否",
    status,
    row->tally.late ? "是" : "",
    row->tally.left_early ? "是" : "",
    minutes,
    share,
    first,
    last,
    spans,
    devices,
    video_cell (row->intervals),
    e && e->leave_id ? sh_leave_state_label (e->leave_state) : "",
  };
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    g_ptr_array_add (all, g_strdup (cells[i]));
  for (guint i = 0; rollcalls && i < rollcalls->len; i++)
    g_ptr_array_add (all, rollcall_cell (g_ptr_array_index (rollcalls, i), row, tz));
  sh_csv_row (csv, (const char *const *) all->pdata, all->len);
}

GString *
sh_csv_meeting_attendance (const ShMeeting *m, const ShAttendanceRecord *r, GPtrArray *rollcalls,
                           GTimeZone *tz)
{
  GString *csv = sh_csv_new ();
  g_autofree char *planned = sh_csv_time (m->planned_start, tz);
  g_autofree char *start = sh_csv_time (r->start, tz);
  g_autofree char *end = sh_csv_time (r->live ? 0 : r->end, tz);
  static const char *const count_header[] = {
    "应到", "有表决权应到", "实到", "有表决权实到", "出席", "部分出席", "迟到",
    "早退", "缺席",         "请假", "不计入应到",   "列席", "流动党员",
  };
  static const char *const member_header[] = {
    "姓名",     "身份",     "表决权",   "出席情况", "迟到", "早退", "出席时长（分钟）",
    "出席比例", "首次进入", "最后离开", "出席时段", "设备", "视频", "请假",
  };
  const char *title[] = { "会议", m->title, "类型", sh_meeting_type_label (m->type) };
  g_autofree char *entered = sh_csv_time (r->entered_at, tz);
  g_autofree char *note
      = g_strdup_printf ("线下召开，出勤情况由支部于%s补录，非在线出席记录", entered);
  /* A meeting entered afterwards says so after its times. */
  const char *times[] = {
    "计划开始", planned, "实际开始", start, "实际结束", r->live ? "进行中" : end, "补录", note,
  };
  g_autofree char *c0 = uint_cell (r->expected_count);
  g_autofree char *c1 = uint_cell (r->voting_expected);
  g_autofree char *c2 = uint_cell (r->present);
  g_autofree char *c3 = uint_cell (r->voting_present);
  g_autofree char *c4 = uint_cell (r->counts[SH_ATTENDANCE_PRESENT]);
  g_autofree char *c5 = uint_cell (r->counts[SH_ATTENDANCE_PARTLY]);
  g_autofree char *c6 = uint_cell (r->counts[SH_ATTENDANCE_LATE]);
  g_autofree char *c7 = uint_cell (r->counts[SH_ATTENDANCE_LEFT_EARLY]);
  g_autofree char *c8 = uint_cell (r->counts[SH_ATTENDANCE_ABSENT]);
  g_autofree char *c9 = uint_cell (r->counts[SH_ATTENDANCE_ON_LEAVE]);
  g_autofree char *c10 = uint_cell (r->counts[SH_ATTENDANCE_IS_EXCLUDED]);
  g_autofree char *c11 = uint_cell (r->guests);
  g_autofree char *c12 = uint_cell (r->visitors);
  const char *counts[] = { c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12 };

  sh_csv_row (csv, title, G_N_ELEMENTS (title));
  sh_csv_row (csv, times, r->recorded_after ? G_N_ELEMENTS (times) : G_N_ELEMENTS (times) - 2);
  sh_csv_row (csv, count_header, G_N_ELEMENTS (count_header));
  sh_csv_row (csv, counts, G_N_ELEMENTS (counts));
  g_string_append (csv, "\r\n");
  {
    g_autoptr (GPtrArray) header = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < G_N_ELEMENTS (member_header); i++)
      g_ptr_array_add (header, g_strdup (member_header[i]));
    for (guint i = 0; rollcalls && i < rollcalls->len; i++) {
      const ShRollcall *rc = g_ptr_array_index (rollcalls, i);
      g_autofree char *at = clock_cell (rc->started_at, tz, FALSE);

      g_ptr_array_add (header, g_strdup_printf ("点名%u（%s）", i + 1, at));
    }
    sh_csv_row (csv, (const char *const *) header->pdata, header->len);
  }
  for (guint i = 0; i < r->rows->len; i++)
    member_row (csv, r, g_ptr_array_index (r->rows, i), rollcalls, tz);
  return csv;
}

void
sh_attendance_item_free (ShAttendanceItem *item)
{
  if (!item)
    return;
  sh_meeting_free (item->meeting);
  sh_attendance_record_free (item->record);
  g_free (item);
}

GString *
sh_csv_member_attendance (const char *name, GPtrArray *items, GTimeZone *tz)
{
  GString *csv = sh_csv_new ();
  static const char *const header[] = {
    "会议", "类型", "计划开始",         "实际开始", "实际结束", "身份", "出席情况",
    "迟到", "早退", "出席时长（分钟）", "出席比例", "出席时段", "设备", "视频",
    "请假", "补录",
  };
  const char *who[] = { "党员", name };

  sh_csv_row (csv, who, G_N_ELEMENTS (who));
  sh_csv_row (csv, header, G_N_ELEMENTS (header));
  for (guint i = 0; i < items->len; i++) {
    const ShAttendanceItem *it = g_ptr_array_index (items, i);
    const ShAttendanceRecord *r = it->record;
    const ShAttendanceRow *row = it->row;
    gint64 duration = r->end - r->start;
    g_autofree char *planned = sh_csv_time (it->meeting->planned_start, tz);
    g_autofree char *start = sh_csv_time (r->start, tz);
    g_autofree char *end = sh_csv_time (r->live ? 0 : r->end, tz);
    g_autofree char *minutes = sh_csv_minutes (row->tally.total_us);
    g_autofree char *share
        = duration > 0 ? g_strdup_printf ("%d%%", (int) (row->tally.total_us * 100 / duration))
                       : g_strdup ("");
    g_autofree char *spans = intervals_cell (row->intervals, tz);
    g_autofree char *devices = devices_cell (row->intervals);
    const ShAttendanceEntry *e = row->entry;
    const char *cells[] = {
      it->meeting->title,
      sh_meeting_type_label (it->meeting->type),
      planned,
      start,
      r->live ? "进行中" : end,
      role_label (row->role),
      sh_attendance_status_label (row->status),
      row->tally.late ? "是" : "",
      row->tally.left_early ? "是" : "",
      minutes,
      share,
      spans,
      devices,
      video_cell (row->intervals),
      e && e->leave_id ? sh_leave_state_label (e->leave_state) : "",
      r->recorded_after ? "是" : "",
    };

    sh_csv_row (csv, cells, G_N_ELEMENTS (cells));
  }
  return csv;
}

static void
totals_free (ShAttendanceTotals *t)
{
  g_free (t->name);
  g_free (t);
}

GPtrArray *
sh_attendance_totals (GPtrArray *items)
{
  GPtrArray *totals = g_ptr_array_new_with_free_func ((GDestroyNotify) totals_free);
  g_autoptr (GHashTable) by_member = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < items->len; i++) {
    const ShAttendanceRecord *r = ((ShAttendanceItem *) g_ptr_array_index (items, i))->record;

    for (guint k = 0; k < r->rows->len; k++) {
      const ShAttendanceRow *row = g_ptr_array_index (r->rows, k);
      ShAttendanceTotals *t;

      if (row->role != SH_ATTENDANCE_EXPECTED && row->role != SH_ATTENDANCE_EXCLUDED)
        continue;
      t = g_hash_table_lookup (by_member, &row->member_id);
      if (!t) {
        t = g_new0 (ShAttendanceTotals, 1);
        t->member_id = row->member_id;
        t->name = g_strdup (row->name);
        g_ptr_array_add (totals, t);
        g_hash_table_insert (by_member, &t->member_id, t);
      }
      t->total_us += row->tally.total_us;
      if (row->role == SH_ATTENDANCE_EXCLUDED) {
        t->excluded++;
        continue;
      }
      t->expected++;
      t->present += row->tally.total_us > 0;
      t->partly += row->status == SH_ATTENDANCE_PARTLY;
      t->late += row->status == SH_ATTENDANCE_LATE;
      t->left_early += row->status == SH_ATTENDANCE_LEFT_EARLY;
      t->absent += row->status == SH_ATTENDANCE_ABSENT;
      t->on_leave += row->status == SH_ATTENDANCE_ON_LEAVE;
    }
  }
  return totals;
}

GString *
sh_csv_org_attendance (const char *org_name, GPtrArray *items, GPtrArray *totals, GTimeZone *tz)
{
  GString *csv = sh_csv_new ();
  static const char *const meeting_header[] = {
    "会议", "类型", "计划开始", "实际开始", "实际结束",   "应到", "实到",     "出席", "部分出席",
    "迟到", "早退", "缺席",     "请假",     "不计入应到", "列席", "流动党员", "补录",
  };
  static const char *const member_header[] = {
    "姓名", "应到次数", "实到次数", "部分出席",   "迟到",
    "早退", "缺席",     "请假",     "不计入应到", "出席时长合计（分钟）",
  };
  const char *who[] = { "组织", org_name };

  sh_csv_row (csv, who, G_N_ELEMENTS (who));
  sh_csv_row (csv, meeting_header, G_N_ELEMENTS (meeting_header));
  for (guint i = 0; i < items->len; i++) {
    const ShAttendanceItem *it = g_ptr_array_index (items, i);
    const ShAttendanceRecord *r = it->record;
    g_autofree char *planned = sh_csv_time (it->meeting->planned_start, tz);
    g_autofree char *start = sh_csv_time (r->start, tz);
    g_autofree char *end = sh_csv_time (r->live ? 0 : r->end, tz);
    guint values[] = {
      r->expected_count,
      r->present,
      r->counts[SH_ATTENDANCE_PRESENT],
      r->counts[SH_ATTENDANCE_PARTLY],
      r->counts[SH_ATTENDANCE_LATE],
      r->counts[SH_ATTENDANCE_LEFT_EARLY],
      r->counts[SH_ATTENDANCE_ABSENT],
      r->counts[SH_ATTENDANCE_ON_LEAVE],
      r->counts[SH_ATTENDANCE_IS_EXCLUDED],
      r->guests,
      r->visitors,
    };
    char *text[G_N_ELEMENTS (values)];
    const char *cells[5 + G_N_ELEMENTS (values) + 1] = {
      it->meeting->title,       sh_meeting_type_label (it->meeting->type), planned, start,
      r->live ? "进行中" : end,
    };

    for (guint k = 0; k < G_N_ELEMENTS (values); k++)
      cells[5 + k] = text[k] = uint_cell (values[k]);
    cells[5 + G_N_ELEMENTS (values)] = r->recorded_after ? "是" : "";
    sh_csv_row (csv, cells, G_N_ELEMENTS (cells));
    for (guint k = 0; k < G_N_ELEMENTS (values); k++)
      g_free (text[k]);
  }
  g_string_append (csv, "\r\n");
  sh_csv_row (csv, member_header, G_N_ELEMENTS (member_header));
  for (guint i = 0; i < totals->len; i++) {
    const ShAttendanceTotals *t = g_ptr_array_index (totals, i);
    guint values[] = { t->expected,   t->present, t->partly,   t->late,
                       t->left_early, t->absent,  t->on_leave, t->excluded };
    char *text[G_N_ELEMENTS (values)];
    g_autofree char *minutes = sh_csv_minutes (t->total_us);
    const char *cells[2 + G_N_ELEMENTS (values)] = { t->name };

    for (guint k = 0; k < G_N_ELEMENTS (values); k++)
      cells[1 + k] = text[k] = uint_cell (values[k]);
    cells[1 + G_N_ELEMENTS (values)] = minutes;
    sh_csv_row (csv, cells, G_N_ELEMENTS (cells));
    for (guint k = 0; k < G_N_ELEMENTS (values); k++)
      g_free (text[k]);
  }
  return csv;
}
