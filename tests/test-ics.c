/* iCalendar export: structure, escaping, folding, cancelled meetings.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"

#include <string.h>

/* 2025-07-01 01:30:00 UTC, i.e. 09:30 in Beijing. */
#define START G_GINT64_CONSTANT (1751333400000000)
#define HOUR G_GINT64_CONSTANT (3600000000)

static ShMeeting *
make_meeting (gint64 id, ShMeetingType type, const char *title)
{
  ShMeeting *m = minutes_fixture_meeting (1, type, title, START);

  m->id = id;
  m->created_at = START - 48 * HOUR;
  m->updated_at = m->created_at + 90 * G_USEC_PER_SEC;
  return m;
}

/* Undoes RFC 5545 folding; checks the physical lines on the way: each ends
 * with CRLF, is at most 75 octets and is valid UTF-8 on its own (a fold
 * never splits a character). */
static char *
unfold_checked (const char *ics)
{
  GString *out = g_string_new (NULL);
  g_auto (GStrv) lines = NULL;
  guint n;

  g_assert_true (g_str_has_suffix (ics, "\r\n"));
  lines = g_strsplit (ics, "\r\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpstr (lines[n - 1], ==, "");
  for (guint i = 0; i + 1 < n; i++) {
    const char *line = lines[i];

    g_assert_null (strchr (line, '\n'));
    g_assert_null (strchr (line, '\r'));
    g_assert_cmpuint (strlen (line), <=, 75);
    g_assert_true (g_utf8_validate (line, -1, NULL));
    if (line[0] == ' ') {
      g_assert_cmpuint (i, >, 0);
      g_string_append (out, line + 1);
    } else {
      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, line);
    }
  }
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

static guint
count (const char *haystack, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_structure (void)
{
  g_autoptr (GPtrArray) meetings
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_meeting_free);
  g_autofree char *ics = NULL;
  g_autofree char *text = NULL;
  ShMeeting *lesson;

  g_ptr_array_add (meetings, make_meeting (7, SH_MEETING_GENERAL, "第三季度党员大会"));
  lesson = make_meeting (8, SH_MEETING_LESSON, "七一党课");
  lesson->place = g_strdup ("三楼会议室");
  lesson->topic = g_strdup ("学习党章");
  lesson->planned_start += 24 * HOUR;
  lesson->planned_end += 24 * HOUR;
  g_ptr_array_add (meetings, lesson);

  ics = sh_meeting_ics (meetings, "第一党支部", "https://sanhui.example.cn/");
  text = unfold_checked (ics);

  g_assert_true (g_str_has_prefix (text, "BEGIN:VCALENDAR\n"));
  g_assert_true (g_str_has_suffix (text, "END:VCALENDAR\n"));
  g_assert_nonnull (strstr (text, "\nVERSION:2.0\n"));
  g_assert_nonnull (strstr (text, "\nPRODID:"));
  g_assert_nonnull (strstr (text, "\nX-WR-CALNAME:第一党支部\n"));
  g_assert_nonnull (strstr (text, "\nX-WR-TIMEZONE:Asia/Shanghai\n"));
  g_assert_cmpuint (count (text, "BEGIN:VEVENT\n"), ==, 2);
  g_assert_cmpuint (count (text, "END:VEVENT\n"), ==, 2);

  g_assert_nonnull (strstr (text, "\nUID:sanhui-meeting-7@sanhui\n"));
  g_assert_nonnull (strstr (text, "\nUID:sanhui-meeting-8@sanhui\n"));
  g_assert_nonnull (strstr (text, "\nDTSTART:20250701T013000Z\n"));
  g_assert_nonnull (strstr (text, "\nDTEND:20250701T033000Z\n"));
  g_assert_nonnull (strstr (text, "\nDTSTART:20250702T013000Z\n"));
  /* DTSTAMP is the last revision: updated_at. */
  g_assert_nonnull (strstr (text, "\nDTSTAMP:20250629T013130Z\n"));
  g_assert_nonnull (strstr (text, "\nSUMMARY:[支部党员大会] 第三季度党员大会\n"));
  g_assert_nonnull (strstr (text, "\nSUMMARY:[党课] 七一党课\n"));
  g_assert_nonnull (strstr (text, "\nLOCATION:线上会议\n"));
  g_assert_nonnull (strstr (text, "\nLOCATION:三楼会议室\n"));
  g_assert_nonnull (strstr (text, "https://sanhui.example.cn/meeting.html?id=7"));
  g_assert_nonnull (strstr (text, "https://sanhui.example.cn/meeting.html?id=8"));
  g_assert_nonnull (strstr (text, "主题：学习党章"));
  g_assert_cmpuint (count (text, "\nSTATUS:CONFIRMED\n"), ==, 2);
  /* 90 seconds between creation and the last change. */
  g_assert_cmpuint (count (text, "\nSEQUENCE:90\n"), ==, 2);
  g_assert_cmpuint (count (text, "BEGIN:VALARM\nACTION:DISPLAY\n"), ==, 2);
  g_assert_cmpuint (count (text, "\nTRIGGER:-PT30M\n"), ==, 2);
}

static void
test_url_base_without_slash (void)
{
  g_autoptr (GPtrArray) meetings
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_meeting_free);
  g_autofree char *ics = NULL;
  g_autofree char *text = NULL;

  g_ptr_array_add (meetings, make_meeting (3, SH_MEETING_PARTY_DAY, "主题党日"));
  ics = sh_meeting_ics (meetings, NULL, "http://10.0.0.5:8080");
  text = unfold_checked (ics);
  g_assert_nonnull (strstr (text, "\nURL:http://10.0.0.5:8080/meeting.html?id=3\n"));
  /* A calendar always has a name. */
  g_assert_nonnull (strstr (text, "\nX-WR-CALNAME:三会一课\n"));
  g_assert_nonnull (strstr (text, "\nSUMMARY:[主题党日] 主题党日\n"));
}

static void
test_escaping (void)
{
  g_autoptr (GPtrArray) meetings
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_meeting_free);
  g_autofree char *ics = NULL;
  g_autofree char *text = NULL;
  ShMeeting *m = make_meeting (1, SH_MEETING_GROUP, "学习,讨论;总结\\反思");

  m->place = g_strdup ("A楼\r\n201室");
  g_ptr_array_add (m->agenda, g_strdup ("传达精神，部署工作"));
  g_ptr_array_add (meetings, m);
  ics = sh_meeting_ics (meetings, "支部;日历", "https://x/");
  text = unfold_checked (ics);

  g_assert_nonnull (strstr (text, "\nSUMMARY:[党小组会] 学习\\,讨论\\;总结\\\\反思\n"));
  g_assert_nonnull (strstr (text, "\nLOCATION:A楼\\n201室\n"));
  g_assert_nonnull (strstr (text, "\nX-WR-CALNAME:支部\\;日历\n"));
  /* Newlines inside DESCRIPTION are escaped, never raw. */
  g_assert_nonnull (
      strstr (text, "议程1：传达精神，部署工作\\n会议链接：https://x/meeting.html?id=1"));
}

static void
test_folding (void)
{
  g_autoptr (GPtrArray) meetings
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_meeting_free);
  g_autoptr (GString) title = g_string_new (NULL);
  g_autofree char *ics = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  guint continuation = 0;

  /* 3-octet characters after the 1-octet "[" make fold points fall inside a
   * character unless the folder backs off. */
  for (int i = 0; i < 60; i++)
    g_string_append (title, i % 2 ? "学" : "习");
  g_ptr_array_add (meetings, make_meeting (2, SH_MEETING_GENERAL, title->str));
  ics = sh_meeting_ics (meetings, "x", "https://x/");

  for (const char *p = strstr (ics, "\r\n "); p; p = strstr (p + 1, "\r\n "))
    continuation++;
  g_assert_cmpuint (continuation, >=, 3);
  /* No bare LF anywhere: every LF is preceded by CR. */
  for (const char *p = strchr (ics, '\n'); p; p = strchr (p + 1, '\n'))
    g_assert_cmpint (p[-1], ==, '\r');

  text = unfold_checked (ics);
  expected = g_strdup_printf ("\nSUMMARY:[支部党员大会] %s\n", title->str);
  g_assert_nonnull (strstr (text, expected));
}

static void
test_cancelled (void)
{
  g_autoptr (GPtrArray) meetings
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_meeting_free);
  g_autofree char *ics = NULL;
  g_autofree char *text = NULL;
  ShMeeting *m = make_meeting (5, SH_MEETING_COMMITTEE, "支委会");

  m->state = SH_MEETING_CANCELLED;
  m->cancel_reason = g_strdup ("书记出差");
  g_ptr_array_add (meetings, m);
  g_ptr_array_add (meetings, make_meeting (6, SH_MEETING_GENERAL, "党员大会"));
  ics = sh_meeting_ics (meetings, "x", "https://x/");
  text = unfold_checked (ics);

  g_assert_cmpuint (count (text, "\nSTATUS:CANCELLED\n"), ==, 1);
  g_assert_cmpuint (count (text, "\nSTATUS:CONFIRMED\n"), ==, 1);
  g_assert_nonnull (strstr (text, "会议已取消：书记出差"));
  /* The cancelled meeting keeps its UID so that calendars drop it, and has
   * no reminder; the other keeps its own. */
  g_assert_nonnull (strstr (text, "\nUID:sanhui-meeting-5@sanhui\n"));
  g_assert_cmpuint (count (text, "BEGIN:VALARM"), ==, 1);
  g_assert_true (strstr (text, "BEGIN:VALARM") > strstr (text, "UID:sanhui-meeting-6@sanhui"));
}

static void
test_empty (void)
{
  g_autoptr (GPtrArray) meetings = g_ptr_array_new ();
  g_autofree char *ics = sh_meeting_ics (meetings, "空", "https://x/");
  g_autofree char *text = unfold_checked (ics);

  g_assert_true (g_str_has_prefix (text, "BEGIN:VCALENDAR\n"));
  g_assert_null (strstr (text, "VEVENT"));
  g_assert_true (g_str_has_suffix (text, "END:VCALENDAR\n"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ics/structure", test_structure);
  g_test_add_func ("/ics/url-base-without-slash", test_url_base_without_slash);
  g_test_add_func ("/ics/escaping", test_escaping);
  g_test_add_func ("/ics/folding", test_folding);
  g_test_add_func ("/ics/cancelled", test_cancelled);
  g_test_add_func ("/ics/empty", test_empty);
  return g_test_run ();
}
