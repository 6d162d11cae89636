/* The one check of typed text (minutes/src/text.c), and that names, titles
 * and chat of every record go through it. SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"

#include <string.h>

static void
assert_refused (const char *text, ShTextFlags flags, const char *message_part)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (sh_text_validate (text, "姓名", 50, flags, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "姓名"));
  if (!strstr (error->message, message_part))
    g_error ("“%s”: expected “%s” in “%s”", text, message_part, error->message);
}

static void
test_controls (void)
{
  /* Every C0 and C1 control but tab and line feed in multi-line text. */
  for (gunichar c = 1; c < 0xa0; c = c == 0x1f ? 0x7f : c + 1) {
    char text[16] = "张";
    gsize len = strlen (text);
    gboolean multiline_ok = c == '\n' || c == '\t';
    g_autoptr (GError) error = NULL;

    len += g_unichar_to_utf8 (c, text + len);
    memcpy (text + len, "三", sizeof "三");
    assert_refused (text, SH_TEXT_LINE, c == '\n' || c == '\r' ? "不能换行" : "控制字符");
    g_assert_cmpint (sh_text_validate (text, "姓名", 50, SH_TEXT_MULTILINE, &error), ==,
                     multiline_ok);
    g_clear_error (&error);
    g_assert_cmpint (sh_text_check (text, "x", SH_TEXT_MULTILINE | SH_TEXT_ALLOW_CR, &error), ==,
                     multiline_ok || c == '\r');
  }
  assert_refused ("张\u2028三", SH_TEXT_LINE, "不能换行");
  assert_refused ("\xff\xfe", SH_TEXT_LINE, "无效的文字编码");
}

static void
test_bidi (void)
{
  static const gunichar refused[]
      = { 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069 };

  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++) {
    char text[16] = "张";
    gsize len = strlen (text);

    len += g_unichar_to_utf8 (refused[i], text + len);
    text[len] = '\0';
    assert_refused (text, SH_TEXT_MULTILINE, "改变文字显示方向");
  }
  /* Marks (not overrides) and joiners inside a name are fine. */
  g_assert_true (sh_text_validate ("张\u200e三", "姓名", 50, SH_TEXT_LINE, NULL));
  g_assert_true (sh_text_validate ("👨\u200d👩", "姓名", 50, SH_TEXT_LINE, NULL));
}

static void
test_blank (void)
{
  static const char *const blank[] = {
    "",
    "   ",
    "\u200b",
    "\u200b\u200c\u200d",
    "\ufeff",
    "\u2060\u00ad",
    "\u3000\u00a0",
    "\u3164\u115f",
    " \u200b \u200b \t",
    "\u0301",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (blank); i++) {
    g_assert_true (sh_text_is_blank (blank[i]));
    assert_refused (blank[i], SH_TEXT_MULTILINE, "不能为空");
  }
  g_assert_true (sh_text_is_blank (NULL));
  g_assert_false (sh_text_is_blank ("\u200b张"));
  g_assert_false (sh_text_is_blank ("."));
}

static void
test_length (void)
{
  g_autoptr (GString) name = g_string_new (NULL);

  for (int i = 0; i < 50; i++)
    g_string_append (name, "党");
  g_assert_true (sh_text_validate (name->str, "姓名", 50, SH_TEXT_LINE, NULL));
  g_string_prepend (name, "  ");
  g_assert_true (sh_text_validate (name->str, "姓名", 50, SH_TEXT_LINE, NULL));
  g_string_append (name, "员");
  assert_refused (name->str, SH_TEXT_LINE, "不能超过50个字");
}

/* Every kind of record refuses the same things, with its own field name,
 * and stores nothing. */
static void
test_records_use_it (void)
{
  g_autoptr (ShStore) store = minutes_fixture_open_memory ();
  g_autoptr (GError) error = NULL;
  gint64 branch = minutes_fixture_org (store, 0, SH_ORG_BRANCH, "第一党支部");
  gint64 member = minutes_fixture_member (store, branch, "张三", SH_MEMBER_FULL, 0);
  gint64 account = minutes_fixture_account (store, "zhangsan", "张三", member);
  g_autoptr (ShMeeting) m
      = minutes_fixture_meeting (branch, SH_MEETING_GENERAL, "支部党员大会", g_get_real_time ());
  gint64 meeting = sh_meeting_create (store, m, &error);
  static const char *const bad[] = { "\u202e三张", "\u200b\u200b", "张\x1b[31m三" };

  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    ShMember draft = { .branch_id = branch, .name = (char *) bad[i], .status = SH_MEMBER_FULL };

    g_assert_cmpint (sh_org_create (store, 0, SH_ORG_BRANCH, bad[i], &error), ==, 0);
    g_assert_true (g_str_has_prefix (error->message, "组织名称"));
    g_clear_error (&error);
    g_assert_cmpint (sh_member_create (store, &draft, &error), ==, 0);
    g_assert_true (g_str_has_prefix (error->message, "姓名"));
    g_clear_error (&error);
    g_assert_cmpint (sh_meeting_chat_append (store, meeting, account, member, bad[i],
                                             g_get_real_time (), &error),
                     ==, 0);
    g_assert_true (g_str_has_prefix (error->message, "消息"));
    g_clear_error (&error);
  }
  g_assert_cmpint (sh_meeting_guest_add (store, meeting, 0, "\u202e三张", account, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "列席人员姓名"));
  g_clear_error (&error);
  g_assert_cmpint (sh_meeting_guest_add (store, meeting, 0, "\u200b\u200b", account, &error), ==,
                   0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (sh_store_count_rows (store, "meeting_guests", NULL), ==, 0);
  g_assert_cmpint (sh_store_count_rows (store, "organizations", NULL), ==, 1);
  g_assert_cmpint (sh_store_count_rows (store, "members", NULL), ==, 1);
  g_assert_cmpint (sh_store_count_rows (store, "meeting_chat", NULL), ==, 0);
  /* Chat may span lines. */
  g_assert_cmpint (sh_meeting_chat_append (store, meeting, account, member, "同意\n附议",
                                           g_get_real_time (), &error),
                   >, 0);
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/text/controls", test_controls);
  g_test_add_func ("/text/bidi", test_bidi);
  g_test_add_func ("/text/blank", test_blank);
  g_test_add_func ("/text/length", test_length);
  g_test_add_func ("/text/records-use-it", test_records_use_it);
  return g_test_run ();
}
