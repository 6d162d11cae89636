/* Tests for the attendance CSV exports (signaling/src/attendance-csv.c):
 * RFC 4180 quoting, the formula guard, times in Beijing time, minutes,
 * the Content-Disposition of RFC 6266, and a meeting's file byte for byte.
 * SPDX-License-Identifier: Apache-2.0 */
#include "attendance-csv.h"

#include <string.h>

#define SEC G_GINT64_CONSTANT (1000000)
#define T0 G_GINT64_CONSTANT (1796090400000000) /* 2026-12-01 10:00:00 +08:00 */

static char *
cell (const char *value)
{
  GString *s = g_string_new (NULL);

  sh_csv_cell (s, value);
  return g_string_free (s, FALSE);
}

static void
test_cells (void)
{
  static const char *const cases[][2] = {
    { "李四", "李四" },
    { "", "" },
    { "a,b", "\"a,b\"" },
    { "他说\"好\"", "\"他说\"\"好\"\"\"" },
    { "两行\r\n文字", "\"两行\r\n文字\"" },
    { "=SUM(A1:A2)", "\"'=SUM(A1:A2)\"" },
    { "+86 138", "\"'+86 138\"" },
    { "-1", "\"'-1\"" },
    { "@cmd", "\"'@cmd\"" },
    { "\tx", "\"'\tx\"" },
    { "a=b", "a=b" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *got = cell (cases[i][0]);

    g_assert_cmpstr (got, ==, cases[i][1]);
  }
  g_autofree char *null_cell = cell (NULL);
  g_assert_cmpstr (null_cell, ==, "");
}

static void
test_row_and_bom (void)
{
  g_autoptr (GString) csv = sh_csv_new ();
  const char *cells[] = { "姓名", NULL, "x,y" };

  sh_csv_row (csv, cells, G_N_ELEMENTS (cells));
  g_assert_cmpstr (csv->str, ==, "\xEF\xBB\xBF姓名,,\"x,y\"\r\n");
}

static void
test_times_and_minutes (void)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autofree char *t = sh_csv_time (T0 + 5 * SEC + 999999, tz);
  g_autofree char *none = sh_csv_time (0, tz);
  g_autofree char *m0 = sh_csv_minutes (0);
  g_autofree char *m1 = sh_csv_minutes (90 * SEC);
  g_autofree char *m2 = sh_csv_minutes (2 * 3600 * SEC + 2 * SEC);
  g_autofree char *m3 = sh_csv_minutes (3 * SEC);

  g_assert_nonnull (tz);
  g_assert_cmpstr (t, ==, "2026-12-01 10:00:05");
  g_assert_cmpstr (none, ==, "");
  g_assert_cmpstr (m0, ==, "0.0");
  g_assert_cmpstr (m1, ==, "1.5");
  g_assert_cmpstr (m2, ==, "120.0");
  g_assert_cmpstr (m3, ==, "0.1");
}

static void
test_content_disposition (void)
{
  g_autofree char *d = sh_csv_content_disposition ("attendance-meeting-7.csv", "出勤记录-A B.csv");

  g_assert_cmpstr (d, ==,
                   "attachment; filename=\"attendance-meeting-7.csv\"; "
                   "filename*=UTF-8''%E5%87%BA%E5%8B%A4%E8%AE%B0%E5%BD%95-A%20B.csv");
}

static ShPresenceInterval *
interval (gint64 from, gint64 to, ShPresenceEnd end, ShDevice device, gboolean video)
{
  ShPresenceInterval *i = g_new0 (ShPresenceInterval, 1);

  i->started_at = T0 + from * SEC;
  i->ended_at = to ? T0 + to * SEC : 0;
  i->end_reason = end;
  i->device = device;
  i->video = video;
  return i;
}

/* A meeting of an hour: 李四 dropped and came back on a phone, 王五 was
 * on approved leave, "=张三" (a name no spreadsheet may run) never came,
 * and a guest sat in. Two roll calls: 李四 answered the first (at
 * 10:05:12) and not the second; the guest was never asked. */
static void
test_meeting_file (void)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr (ShMeeting) m = sh_meeting_new ();
  g_autoptr (GPtrArray) owned
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_presence_interval_free);
  ShAttendanceEntry li = { .role = SH_ATTENDANCE_EXPECTED, .member_id = 1, .has_vote = TRUE };
  ShAttendanceEntry wang = { .role = SH_ATTENDANCE_EXPECTED,
                             .member_id = 2,
                             .has_vote = TRUE,
                             .leave_id = 9,
                             .leave_state = SH_LEAVE_APPROVED };
  ShAttendanceEntry zhang = { .role = SH_ATTENDANCE_EXPECTED, .member_id = 3 };
  ShAttendanceRow rows[] = {
    { .entry = &li, .member_id = 1, .name = (char *) "李四", .role = SH_ATTENDANCE_EXPECTED },
    { .entry = &wang, .member_id = 2, .name = (char *) "王五", .role = SH_ATTENDANCE_EXPECTED },
    { .entry = &zhang, .member_id = 3, .name = (char *) "=张三", .role = SH_ATTENDANCE_EXPECTED },
    { .account_id = 40, .name = (char *) "管理员", .role = SH_ATTENDANCE_GUEST },
  };
  const ShAttendancePolicy policy = { 80, 300 * SEC };
  ShAttendanceRecord r
      = { .start = T0, .end = T0 + 3600 * SEC, .expected_count = 3, .voting_expected = 2 };
  g_autoptr (GPtrArray) list = g_ptr_array_new ();
  g_autoptr (GString) csv = NULL;
  ShRollcallEntry first[] = {
    { .member_id = 1, .expected = TRUE, .asked_at = T0 + 300 * SEC,
      .answered_at = T0 + 312 * SEC + 400000, .outcome = SH_ROLLCALL_ANSWERED },
    { .member_id = 2, .expected = TRUE, .on_leave = TRUE, .outcome = SH_ROLLCALL_ON_LEAVE },
    { .member_id = 3, .expected = TRUE, .outcome = SH_ROLLCALL_ABSENT },
  };
  ShRollcallEntry second[] = {
    { .member_id = 1, .expected = TRUE, .asked_at = T0 + 1800 * SEC, .outcome = SH_ROLLCALL_SILENT },
    { .member_id = 2, .expected = TRUE, .on_leave = TRUE, .outcome = SH_ROLLCALL_ON_LEAVE },
    { .member_id = 3, .expected = TRUE, .outcome = SH_ROLLCALL_ABSENT },
  };
  ShRollcall calls[] = {
    { .id = 1, .started_at = T0 + 300 * SEC, .entries = g_ptr_array_new () },
    { .id = 2, .started_at = T0 + 1800 * SEC, .entries = g_ptr_array_new () },
  };
  g_autoptr (GPtrArray) rollcalls = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (first); i++) {
    g_ptr_array_add (calls[0].entries, &first[i]);
    g_ptr_array_add (calls[1].entries, &second[i]);
  }
  g_ptr_array_add (rollcalls, &calls[0]);
  g_ptr_array_add (rollcalls, &calls[1]);

  m->title = g_strdup ("支部党员大会");
  m->type = SH_MEETING_GENERAL;
  m->planned_start = T0;
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    rows[i].intervals = g_ptr_array_new ();
  g_ptr_array_add (rows[0].intervals,
                   interval (0, 600, SH_PRESENCE_DISCONNECTED, SH_DEVICE_COMPUTER, FALSE));
  g_ptr_array_add (rows[0].intervals,
                   interval (660, 3600, SH_PRESENCE_MEETING_ENDED, SH_DEVICE_PHONE, TRUE));
  g_ptr_array_add (rows[3].intervals,
                   interval (30, 1800, SH_PRESENCE_LEFT, SH_DEVICE_COMPUTER, FALSE));
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++) {
    for (guint k = 0; k < rows[i].intervals->len; k++)
      g_ptr_array_add (owned, g_ptr_array_index (rows[i].intervals, k));
    sh_attendance_tally (rows[i].intervals, r.start, r.end, &rows[i].tally);
    rows[i].status = sh_attendance_status (rows[i].role, rows[i].entry && rows[i].entry->leave_id,
                                           &rows[i].tally, r.start, r.end, FALSE, &policy);
    g_ptr_array_add (list, &rows[i]);
  }
  r.rows = list;
  r.present = 1;
  r.voting_present = 1;
  r.counts[SH_ATTENDANCE_PRESENT] = 1;
  r.counts[SH_ATTENDANCE_ON_LEAVE] = 1;
  r.counts[SH_ATTENDANCE_ABSENT] = 1;
  r.guests = 1;
  csv = sh_csv_meeting_attendance (m, &r, rollcalls, tz);
  g_assert_cmpstr (
      csv->str, ==,
      "\xEF\xBB\xBF"
      "会议,支部党员大会,类型,支部党员大会\r\n"
      "计划开始,2026-12-01 10:00:00,实际开始,2026-12-01 10:00:00,实际结束,2026-12-01 11:00:00\r\n"
      "应到,有表决权应到,实到,有表决权实到,出席,部分出席,迟到,早退,缺席,请假,不计入应到,列席,"
      "流动党员\r\n"
      "3,2,1,1,1,0,0,0,1,1,0,1,0\r\n"
      "\r\n"
      "姓名,身份,表决权,出席情况,迟到,早退,出席时长（分钟）,出席比例,首次进入,最后离开,出席时段,"
      "设备,视频,请假,点名1（10:05）,点名2（10:30）\r\n"
      "李四,应到党员,是,出席,,,59.0,98%,2026-12-01 10:00:00,2026-12-01 11:00:00,"
      "2026-12-01 10:00:00 至 2026-12-01 10:10:00（连接断开）；"
      "2026-12-01 10:11:00 至 2026-12-01 11:00:00（会议结束）,电脑、手机,视频,,"
      "已签到 10:05:12,未签到\r\n"
      "王五,应到党员,是,请假,,,0.0,0%,,,,,,已准假,请假,请假\r\n"
      "\"'=张三\",应到党员,否,缺席,,,0.0,0%,,,,,,,缺席,缺席\r\n"
      "管理员,列席,否,部分出席,,是,29.5,49%,2026-12-01 10:00:30,2026-12-01 10:30:00,"
      "2026-12-01 10:00:30 至 2026-12-01 10:30:00（离开会议）,电脑,仅音频,,,\r\n");
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_ptr_array_unref (rows[i].intervals);
  g_ptr_array_unref (calls[0].entries);
  g_ptr_array_unref (calls[1].entries);
  /* Without roll calls the file ends at 请假. */
  g_string_free (csv, TRUE);
  csv = sh_csv_meeting_attendance (m, &r, NULL, tz);
  g_assert_nonnull (strstr (csv->str, "设备,视频,请假\r\n"));
  g_assert_nonnull (strstr (csv->str, "王五,应到党员,是,请假,,,0.0,0%,,,,,,已准假\r\n"));
  /* Entered afterwards (补录): said after the times, the rest unchanged. */
  g_string_free (csv, TRUE);
  r.recorded_after = TRUE;
  r.entered_at = T0 + G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC;
  csv = sh_csv_meeting_attendance (m, &r, NULL, tz);
  g_assert_nonnull (strstr (csv->str, "\r\n计划开始,2026-12-01 10:00:00,实际开始,2026-12-01 10:00:00,"
                                      "实际结束,2026-12-01 11:00:00,补录,线下召开，出勤情况由支部于"
                                      "2026-12-02 10:00:00补录，非在线出席记录\r\n应到,"));
  g_assert_nonnull (strstr (csv->str, "王五,应到党员,是,请假,,,0.0,0%,,,,,,已准假\r\n"));
}

/* Two meetings of a branch: 李四 present at the first and absent from the
 * second, 王五 on leave at the first and partly present at the second. */
static void
test_period_files (void)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr (GPtrArray) items
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_attendance_item_free);
  g_autoptr (GPtrArray) totals = NULL;
  g_autoptr (GString) org = NULL;
  g_autoptr (GString) member = NULL;
  g_autoptr (GPtrArray) li_items = g_ptr_array_new ();
  static const ShAttendanceEntry li
      = { .role = SH_ATTENDANCE_EXPECTED, .member_id = 1, .has_vote = TRUE };
  static const ShAttendanceEntry wang = {
    .role = SH_ATTENDANCE_EXPECTED, .member_id = 2, .leave_id = 5, .leave_state = SH_LEAVE_APPROVED
  };
  static const struct {
    ShAttendanceStatus li, wang;
    gint64 li_s, wang_s;
  } plan[] = {
    { SH_ATTENDANCE_PRESENT, SH_ATTENDANCE_ON_LEAVE, 3600, 0 },
    { SH_ATTENDANCE_ABSENT, SH_ATTENDANCE_PARTLY, 0, 1200 },
  };

  for (guint k = 0; k < G_N_ELEMENTS (plan); k++) {
    ShAttendanceItem *it = g_new0 (ShAttendanceItem, 1);
    ShAttendanceRecord *r = g_new0 (ShAttendanceRecord, 1);
    const ShAttendanceEntry *entries[] = { &li, &wang };
    const ShAttendanceStatus statuses[] = { plan[k].li, plan[k].wang };
    const gint64 seconds[] = { plan[k].li_s, plan[k].wang_s };

    it->meeting = sh_meeting_new ();
    it->meeting->title = g_strdup (k ? "第二次支部党员大会" : "第一次支部党员大会");
    it->meeting->type = SH_MEETING_GENERAL;
    it->meeting->planned_start = T0 + k * 86400 * SEC;
    r->start = it->meeting->planned_start;
    r->end = r->start + 3600 * SEC;
    r->expected_count = 2;
    r->intervals = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_presence_interval_free);
    r->rows = g_ptr_array_new ();
    for (guint i = 0; i < 2; i++) {
      ShAttendanceRow *row = g_new0 (ShAttendanceRow, 1);

      row->entry = entries[i];
      row->member_id = entries[i]->member_id;
      row->name = g_strdup (i ? "王五" : "李四");
      row->role = SH_ATTENDANCE_EXPECTED;
      row->status = statuses[i];
      row->tally.total_us = seconds[i] * SEC;
      row->intervals = g_ptr_array_new ();
      if (seconds[i]) {
        ShPresenceInterval *in = interval (0, seconds[i], SH_PRESENCE_LEFT, SH_DEVICE_PHONE, TRUE);

        in->started_at += k * 86400 * SEC;
        in->ended_at += k * 86400 * SEC;
        g_ptr_array_add (row->intervals, in);
        g_ptr_array_add (r->intervals, in);
        row->tally.first_arrival = in->started_at;
        row->tally.last_departure = in->ended_at;
        r->present++;
      }
      r->counts[statuses[i]]++;
      g_ptr_array_add (r->rows, row);
    }
    it->record = r;
    g_ptr_array_add (items, it);
  }
  totals = sh_attendance_totals (items);
  g_assert_cmpuint (totals->len, ==, 2);
  org = sh_csv_org_attendance ("第一党支部", items, totals, tz);
  g_assert_cmpstr (
      org->str, ==,
      "\xEF\xBB\xBF"
      "组织,第一党支部\r\n"
      "会议,类型,计划开始,实际开始,实际结束,应到,实到,出席,部分出席,迟到,早退,缺席,请假,"
      "不计入应到,列席,流动党员,补录\r\n"
      "第一次支部党员大会,支部党员大会,2026-12-01 10:00:00,2026-12-01 10:00:00,"
      "2026-12-01 11:00:00,2,1,1,0,0,0,0,1,0,0,0,\r\n"
      "第二次支部党员大会,支部党员大会,2026-12-02 10:00:00,2026-12-02 10:00:00,"
      "2026-12-02 11:00:00,2,1,0,1,0,0,1,0,0,0,0,\r\n"
      "\r\n"
      "姓名,应到次数,实到次数,部分出席,迟到,早退,缺席,请假,不计入应到,出席时长合计（分钟）\r\n"
      "李四,2,1,0,0,0,1,0,0,60.0\r\n"
      "王五,2,1,1,0,0,0,1,0,20.0\r\n");
  for (guint k = 0; k < items->len; k++) {
    ShAttendanceItem *it = g_ptr_array_index (items, k);

    it->row = g_ptr_array_index (it->record->rows, 1);
    g_ptr_array_add (li_items, it);
  }
  member = sh_csv_member_attendance ("王五", li_items, tz);
  g_assert_cmpstr (
      member->str, ==,
      "\xEF\xBB\xBF"
      "党员,王五\r\n"
      "会议,类型,计划开始,实际开始,实际结束,身份,出席情况,迟到,早退,出席时长（分钟）,出席比例,"
      "出席时段,设备,视频,请假,补录\r\n"
      "第一次支部党员大会,支部党员大会,2026-12-01 10:00:00,2026-12-01 10:00:00,"
      "2026-12-01 11:00:00,应到党员,请假,,,0.0,0%,,,,已准假,\r\n"
      "第二次支部党员大会,支部党员大会,2026-12-02 10:00:00,2026-12-02 10:00:00,"
      "2026-12-02 11:00:00,应到党员,部分出席,,,20.0,33%,"
      "2026-12-02 10:00:00 至 2026-12-02 10:20:00（离开会议）,手机,视频,已准假,\r\n");
  /* The hand-made rows (the records free their intervals, not rows). */
  for (guint k = 0; k < items->len; k++) {
    GPtrArray *rows = ((ShAttendanceItem *) g_ptr_array_index (items, k))->record->rows;

    for (guint i = 0; i < rows->len; i++) {
      ShAttendanceRow *row = g_ptr_array_index (rows, i);

      g_free (row->name);
      g_ptr_array_unref (row->intervals);
      g_free (row);
    }
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/attendance-csv/cells", test_cells);
  g_test_add_func ("/attendance-csv/row-and-bom", test_row_and_bom);
  g_test_add_func ("/attendance-csv/times-and-minutes", test_times_and_minutes);
  g_test_add_func ("/attendance-csv/content-disposition", test_content_disposition);
  g_test_add_func ("/attendance-csv/meeting-file", test_meeting_file);
  g_test_add_func ("/attendance-csv/period-files", test_period_files);
  return g_test_run ();
}
