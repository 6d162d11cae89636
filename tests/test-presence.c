/* Tests for attendance intervals in the store (minutes/src/presence.c and
 * sqlite-presence.c): one open interval per person, closed once, video
 * only ever turned on, nothing deleted, and the intervals a crash left
 * open closed at the crash: the later of the heartbeat and the meeting's
 * last event. SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

#define SEC G_GINT64_CONSTANT (1000000)
#define T0 (G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC)

typedef struct {
  ShStore *store;
  gint64 member, account, guest_account;
  gint64 meeting;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = NULL;
  gint64 committee, branch;

  f->store = minutes_fixture_open_memory ();
  committee = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第一党支部");
  f->member = minutes_fixture_member (f->store, branch, "李四", SH_MEMBER_FULL, 0);
  f->account = minutes_fixture_account (f->store, "lisi", "李四", f->member);
  f->guest_account = minutes_fixture_account (f->store, "guest", "王五", 0);
  m = minutes_fixture_meeting (branch, SH_MEETING_GENERAL, "支部党员大会",
                               g_get_real_time () + 3600 * SEC);
  m->chair_member_id = f->member;
  f->meeting = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_store_free (f->store);
}

static gint64
open_ok (Fixture *f, gint64 account, gint64 member, gint64 at)
{
  g_autoptr (GError) error = NULL;
  gint64 id = sh_presence_open (f->store, f->meeting, account, member,
                                member ? SH_ATTENDANCE_EXPECTED : SH_ATTENDANCE_GUEST,
                                SH_DEVICE_PHONE, FALSE, at, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static ShPresenceInterval *
nth (GPtrArray *list, guint i)
{
  g_assert_cmpuint (i, <, list->len);
  return g_ptr_array_index (list, i);
}

static void
test_open_close (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  gint64 first = open_ok (f, f->account, f->member, T0);
  gint64 second;

  /* One open interval per person and meeting. */
  g_assert_cmpint (sh_presence_open (f->store, f->meeting, f->account, f->member,
                                     SH_ATTENDANCE_EXPECTED, SH_DEVICE_COMPUTER, TRUE, T0 + SEC,
                                     &error),
                   ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_true (sh_presence_mark_video (f->store, first, &error));
  g_assert_no_error (error);
  g_assert_true (
      sh_presence_close (f->store, first, T0 + 10 * SEC, SH_PRESENCE_DISCONNECTED, &error));
  g_assert_no_error (error);
  /* Closed once; a crash is not a reason a caller gives. */
  g_assert_false (sh_presence_close (f->store, first, T0 + 11 * SEC, SH_PRESENCE_LEFT, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (sh_presence_mark_video (f->store, first, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  second = open_ok (f, f->account, f->member, T0 + 12 * SEC);
  g_assert_false (sh_presence_close (f->store, second, T0 + 13 * SEC, SH_PRESENCE_CRASH, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  /* Not before its start. */
  g_assert_false (sh_presence_close (f->store, second, T0, SH_PRESENCE_LEFT, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (sh_presence_open (f->store, f->meeting, 0, 0, SH_ATTENDANCE_GUEST,
                                     SH_DEVICE_PHONE, FALSE, T0, &error),
                   ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);

  list = sh_presence_list (f->store, f->meeting, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (nth (list, 0)->id, ==, first);
  g_assert_cmpint (nth (list, 0)->started_at, ==, T0);
  g_assert_cmpint (nth (list, 0)->ended_at, ==, T0 + 10 * SEC);
  g_assert_cmpint (nth (list, 0)->end_reason, ==, SH_PRESENCE_DISCONNECTED);
  g_assert_cmpint (nth (list, 0)->device, ==, SH_DEVICE_PHONE);
  g_assert_true (nth (list, 0)->video);
  g_assert_cmpint (nth (list, 0)->role, ==, SH_ATTENDANCE_EXPECTED);
  g_assert_cmpint (nth (list, 0)->member_id, ==, f->member);
  g_assert_cmpint (nth (list, 1)->ended_at, ==, 0);
  g_assert_cmpint (nth (list, 1)->end_reason, ==, SH_PRESENCE_OPEN);
  g_assert_false (nth (list, 1)->video);
}

/* The schema keeps the record: a closed interval cannot change, none is
 * deleted, whatever writes to the file. */
static void
test_schema_keeps_record (Fixture *f, gconstpointer data)
{
  sqlite3 *db = sh_sqlite_db (f->store);
  gint64 id = open_ok (f, f->account, f->member, T0);
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;

  g_assert_true (sh_presence_close (f->store, id, T0 + SEC, SH_PRESENCE_LEFT, &error));
  sql = g_strdup_printf (
      "UPDATE presence_intervals SET ended_at = ended_at + 1 WHERE id = %" G_GINT64_FORMAT, id);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), !=, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM presence_intervals", NULL, NULL, NULL), !=,
                   SQLITE_OK);
  id = open_ok (f, f->account, f->member, T0 + 2 * SEC);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf (
      "UPDATE presence_intervals SET started_at = 1 WHERE id = %" G_GINT64_FORMAT, id);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), !=, SQLITE_OK);
  /* A reason goes with an end, and only a known one. */
  g_assert_cmpint (sqlite3_exec (db,
                                 "UPDATE presence_intervals SET end_reason = 'left'"
                                 " WHERE ended_at IS NULL",
                                 NULL, NULL, NULL),
                   !=, SQLITE_OK);
}

static void
test_crash_at_heartbeat (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  gint64 member = open_ok (f, f->account, f->member, T0);
  gint64 guest = open_ok (f, f->guest_account, 0, T0 + 30 * SEC);

  g_assert_true (
      sh_presence_close (f->store, member, T0 + 5 * SEC, SH_PRESENCE_MEDIA_LOST, &error));
  member = open_ok (f, f->account, f->member, T0 + 8 * SEC);
  g_assert_cmpint (sh_meeting_event_append (f->store, f->meeting, f->account, f->member,
                                            SH_MEETING_EVENT_JOINED, NULL, T0 + 20 * SEC, &error),
                   >, 0);
  g_assert_true (sh_presence_heartbeat (f->store, T0 + 40 * SEC, &error));
  /* An older beat never moves it back. */
  g_assert_true (sh_presence_heartbeat (f->store, T0 + 35 * SEC, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sh_presence_close_after_crash (f->store, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpint (sh_presence_close_after_crash (f->store, &error), ==, 0);
  list = sh_presence_list (f->store, f->meeting, &error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpint (nth (list, 0)->end_reason, ==, SH_PRESENCE_MEDIA_LOST);
  g_assert_cmpint (nth (list, 1)->id, ==, member);
  g_assert_cmpint (nth (list, 1)->ended_at, ==, T0 + 40 * SEC);
  g_assert_cmpint (nth (list, 1)->end_reason, ==, SH_PRESENCE_CRASH);
  g_assert_cmpint (nth (list, 2)->id, ==, guest);
  g_assert_cmpint (nth (list, 2)->ended_at, ==, T0 + 40 * SEC);
  g_assert_cmpint (nth (list, 2)->end_reason, ==, SH_PRESENCE_CRASH);
  /* After the restart a rejoin opens a new interval. */
  open_ok (f, f->account, f->member, T0 + 60 * SEC);
}

/* No heartbeat after the last event: the event is the crash moment; an
 * interval opened after both is closed at its own start. */
static void
test_crash_at_last_event (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;

  open_ok (f, f->account, f->member, T0);
  g_assert_true (sh_presence_heartbeat (f->store, T0 + 2 * SEC, &error));
  g_assert_cmpint (sh_meeting_event_append (f->store, f->meeting, f->account, f->member,
                                            SH_MEETING_EVENT_MUTED, NULL, T0 + 4 * SEC, &error),
                   >, 0);
  open_ok (f, f->guest_account, 0, T0 + 9 * SEC);
  g_assert_cmpint (sh_presence_close_after_crash (f->store, &error), ==, 2);
  list = sh_presence_list (f->store, f->meeting, &error);
  g_assert_cmpint (nth (list, 0)->ended_at, ==, T0 + 4 * SEC);
  g_assert_cmpint (nth (list, 1)->ended_at, ==, T0 + 9 * SEC);
}

static void
test_names (void)
{
  ShPresenceEnd e;
  ShDevice d;

  for (guint i = 0; i <= SH_PRESENCE_CRASH; i++) {
    g_assert_true (sh_presence_end_from_string (sh_presence_end_to_string (i), &e));
    g_assert_cmpuint (e, ==, i);
    g_assert_nonnull (sh_presence_end_label (i));
  }
  g_assert_false (sh_presence_end_from_string ("gone", &e));
  g_assert_false (sh_presence_end_from_string (NULL, &e));
  g_assert_true (sh_device_from_string ("phone", &d));
  g_assert_cmpint (d, ==, SH_DEVICE_PHONE);
  g_assert_false (sh_device_from_string ("tablet", &d));
  g_assert_cmpstr (sh_device_label (SH_DEVICE_COMPUTER), ==, "电脑");
}

/* Real User-Agent strings, as the browsers send them. Many members open
 * the meeting link from WeChat: its built-in browser is a phone on Android
 * and iOS, and a computer in WeChat for Windows and Mac. */
static void
test_user_agent (void)
{
  static const struct {
    const char *what;
    const char *ua;
    ShDevice device;
  } cases[] = {
    { "Android Chrome",
      "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0.6099.144 Mobile Safari/537.36",
      SH_DEVICE_PHONE },
    { "Android Firefox", "Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0",
      SH_DEVICE_PHONE },
    { "Huawei browser on HarmonyOS",
      "Mozilla/5.0 (Linux; Android 10; HarmonyOS; ELS-AN00; HMSCore 6.11.0.302) "
      "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.0.322 "
      "Mobile Safari/537.36",
      SH_DEVICE_PHONE },
    { "HarmonyOS NEXT ArkWeb",
      "Mozilla/5.0 (Phone; OpenHarmony 4.1) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile HuaweiBrowser/5.0.4.300",
      SH_DEVICE_PHONE },
    { "iOS Safari",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
      "Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
      SH_DEVICE_PHONE },
    { "WeChat on Android",
      "Mozilla/5.0 (Linux; Android 13; V2199A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
      "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 "
      "MMWEBSDK/20230303 MMWEBID/5117 MicroMessenger/8.0.34.2340(0x2800225D) WeChat/arm64 Weixin "
      "NetType/WIFI Language/zh_CN ABI/arm64",
      SH_DEVICE_PHONE },
    { "WeChat on iOS",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
      "Gecko) Mobile/15E148 MicroMessenger/8.0.40(0x18002831) NetType/WIFI Language/zh_CN",
      SH_DEVICE_PHONE },
    { "WeChat on an iPad",
      "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Mobile/15E148 MicroMessenger/8.0.40(0x18002831) NetType/WIFI Language/zh_CN",
      SH_DEVICE_PHONE },
    { "iPad Safari (iOS 12)",
      "Mozilla/5.0 (iPad; CPU OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Version/12.1 Mobile/15E148 Safari/604.1",
      SH_DEVICE_PHONE },
    /* Since iPadOS 13 Safari asks for desktop sites and says it is a Mac:
     * nothing in the string tells it apart (docs/api.md). */
    { "iPad Safari (iPadOS 17, desktop mode)",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Version/17.1 Safari/605.1.15",
      SH_DEVICE_COMPUTER },
    { "Android tablet Chrome",
      "Mozilla/5.0 (Linux; Android 12; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0.0.0 Safari/537.36",
      SH_DEVICE_PHONE },
    { "WeChat for Windows",
      "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/81.0.4044.138 Safari/537.36 NetType/WIFI MicroMessenger/7.0.20.1781(0x6700143B) "
      "WindowsWechat(0x6309021a) XWEB/6763 Flue",
      SH_DEVICE_COMPUTER },
    { "WeChat for Mac",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "MicroMessenger/6.8.0(0x16080000) MacWechat/3.8.4(0x13080410) Safari/605.1.15 "
      "NetType/WIFI",
      SH_DEVICE_COMPUTER },
    { "desktop Chrome on Windows",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0.0.0 Safari/537.36",
      SH_DEVICE_COMPUTER },
    { "desktop Chrome on a Mac",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0.0.0 Safari/537.36",
      SH_DEVICE_COMPUTER },
    { "headless Chromium of the browser tests",
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "HeadlessChrome/120.0.0.0 Safari/537.36",
      SH_DEVICE_COMPUTER },
    { "desktop Firefox on Windows",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
      SH_DEVICE_COMPUTER },
    { "desktop Firefox on Linux",
      "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
      SH_DEVICE_COMPUTER },
    { "desktop Edge",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
      SH_DEVICE_COMPUTER },
    { "empty", "", SH_DEVICE_COMPUTER },
    { "none", NULL, SH_DEVICE_COMPUTER },
    { "not a browser", "curl/8.4.0", SH_DEVICE_COMPUTER },
    { "garbage", "\x01\x7f\xff\xfe(;;;)) \xe2\x98\x83 mobi android", SH_DEVICE_COMPUTER },
  };
  g_autofree char *huge = g_malloc (10 * 1024 + 1);
  g_autofree char *huge_android = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    if (sh_device_from_user_agent (cases[i].ua) != cases[i].device)
      g_error ("%s: not %s", cases[i].what, sh_device_to_string (cases[i].device));
  }
  /* A 10 KB header: read, not trusted to be short. */
  memset (huge, 'x', 10 * 1024);
  huge[10 * 1024] = '\0';
  g_assert_cmpint (sh_device_from_user_agent (huge), ==, SH_DEVICE_COMPUTER);
  huge_android = g_strconcat (huge, " (Linux; Android 14) Mobile", NULL);
  g_assert_cmpint (sh_device_from_user_agent (huge_android), ==, SH_DEVICE_PHONE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/presence/open-close", Fixture, NULL, fixture_set_up, test_open_close,
              fixture_tear_down);
  g_test_add ("/presence/schema-keeps-record", Fixture, NULL, fixture_set_up,
              test_schema_keeps_record, fixture_tear_down);
  g_test_add ("/presence/crash-at-heartbeat", Fixture, NULL, fixture_set_up,
              test_crash_at_heartbeat, fixture_tear_down);
  g_test_add ("/presence/crash-at-last-event", Fixture, NULL, fixture_set_up,
              test_crash_at_last_event, fixture_tear_down);
  g_test_add_func ("/presence/names", test_names);
  g_test_add_func ("/presence/user-agent", test_user_agent);
  return g_test_run ();
}
