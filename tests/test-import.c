/* Member import: encodings, CSV syntax, row validation, commit.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct {
  char *dir;
  ShStore *store;
  gint64 branch_id;
  gint64 committee_id;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->store = minutes_fixture_open_tmp ("sanhui-import-XXXXXX", &f->dir, NULL);
  f->committee_id = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  f->branch_id = minutes_fixture_org (f->store, f->committee_id, SH_ORG_BRANCH, "第一党支部");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  minutes_fixture_close_tmp (f->store, f->dir);
}

static ShImportPreview *
preview (Fixture *f, const char *csv, GError **error)
{
  return sh_import_preview_csv (f->store, f->branch_id, csv, strlen (csv), error);
}

static const ShMember *
member_at (const ShImportPreview *p, guint i)
{
  g_assert_cmpuint (i, <, p->members->len);
  return g_ptr_array_index (p->members, i);
}

static const ShImportRejection *
rejection_at (const ShImportPreview *p, guint i)
{
  g_assert_cmpuint (i, <, p->rejected->len);
  return g_ptr_array_index (p->rejected, i);
}

static gint64
members_in_store (Fixture *f)
{
  return sh_store_count_rows (f->store, "members", NULL);
}

static void
test_utf8 (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShImportPreview) p = NULL;
  const ShMember *m;

  p = preview (f,
               "姓名,手机号,党员类别,入党日期,留党察看,流动党员\n"
               "张伟,13800138000,正式,2001-07-01,否,否\n"
               "李娜, 13900139000 ,预备党员,2024/3/5,,是\n"
               "王芳,,正式党员,1998年10月1日,是,\n",
               &error);
  g_assert_no_error (error);
  g_assert_cmpstr (p->encoding, ==, "UTF-8");
  g_assert_cmpint (p->branch_id, ==, f->branch_id);
  g_assert_cmpuint (p->rejected->len, ==, 0);
  g_assert_cmpuint (p->members->len, ==, 3);

  m = member_at (p, 0);
  g_assert_cmpstr (m->name, ==, "张伟");
  g_assert_cmpstr (m->phone, ==, "13800138000");
  g_assert_cmpint (m->status, ==, SH_MEMBER_FULL);
  g_assert_cmpstr (m->joined_on, ==, "2001-07-01");
  g_assert_false (m->under_probation);
  g_assert_false (m->migrant);
  g_assert_cmpint (m->branch_id, ==, f->branch_id);

  m = member_at (p, 1);
  g_assert_cmpstr (m->phone, ==, "13900139000");
  g_assert_cmpint (m->status, ==, SH_MEMBER_PROBATIONARY);
  g_assert_cmpstr (m->joined_on, ==, "2024-03-05");
  g_assert_true (m->migrant);

  m = member_at (p, 2);
  g_assert_null (m->phone);
  g_assert_cmpstr (m->joined_on, ==, "1998-10-01");
  g_assert_true (m->under_probation);
  /* A preview writes nothing. */
  g_assert_cmpint (members_in_store (f), ==, 0);
}

static void
test_utf8_bom_and_column_order (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShImportPreview) p = NULL;

  /* Columns in another order, with an unknown column and full-width
   * spaces around a cell. */
  p = preview (f,
               "\xef\xbb\xbf"
               "备注,党员类别,姓名\n"
               "支部书记,正式,\xe3\x80\x80赵敏\xe3\x80\x80\n",
               &error);
  g_assert_no_error (error);
  g_assert_cmpstr (p->encoding, ==, "UTF-8 (BOM)");
  g_assert_cmpuint (p->members->len, ==, 1);
  g_assert_cmpstr (member_at (p, 0)->name, ==, "赵敏");
  g_assert_null (member_at (p, 0)->phone);
  g_assert_null (member_at (p, 0)->joined_on);
}

static void
test_gbk (Fixture *f, gconstpointer data)
{
  /* "姓名,党员类别,入党日期\r\n张三,正式,2001年7月1日\r\n李四,预备,\r\n" as
   * Excel on Chinese Windows saves it: GBK. */
  static const char gbk[]
      = "\xd0\xd5\xc3\xfb,\xb5\xb3\xd4\xb1\xc0\xe0\xb1\xf0,\xc8\xeb\xb5\xb3\xc8\xd5\xc6\xda\r\n"
        "\xd5\xc5\xc8\xfd,\xd5\xfd\xca\xbd,2001\xc4\xea"
        "7\xd4\xc2"
        "1\xc8\xd5\r\n"
        "\xc0\xee\xcb\xc4,\xd4\xa4\xb1\xb8,\r\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (ShImportPreview) p = NULL;

  p = sh_import_preview_csv (f->store, f->branch_id, gbk, sizeof gbk - 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (p->encoding, ==, "GBK");
  g_assert_cmpuint (p->rejected->len, ==, 0);
  g_assert_cmpuint (p->members->len, ==, 2);
  g_assert_cmpstr (member_at (p, 0)->name, ==, "张三");
  g_assert_cmpint (member_at (p, 0)->status, ==, SH_MEMBER_FULL);
  g_assert_cmpstr (member_at (p, 0)->joined_on, ==, "2001-07-01");
  g_assert_cmpstr (member_at (p, 1)->name, ==, "李四");
  g_assert_cmpint (member_at (p, 1)->status, ==, SH_MEMBER_PROBATIONARY);
}

static void
test_unreadable (Fixture *f, gconstpointer data)
{
  /* Bytes that are neither UTF-8 nor GB18030 (0xff never starts a GB18030
   * sequence), and a binary file with NUL bytes. */
  static const char garbage[] = "\xd0\xd5\xff\xff,\x80\n";
  static const char binary[] = "PK\x03\x04\x00\x00\xd0\xd5";
  g_autoptr (GError) error = NULL;

  g_assert_null (
      sh_import_preview_csv (f->store, f->branch_id, garbage, sizeof garbage - 1, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "无法识别文件编码");
  g_clear_error (&error);
  g_assert_null (sh_import_preview_csv (f->store, f->branch_id, binary, sizeof binary - 1, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (sh_import_preview_csv (f->store, f->branch_id, "", 0, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
}

static void
test_quoted_fields_and_crlf (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShImportPreview) p = NULL;

  /* A quoted header, a comma and a CRLF inside quotes, "" escapes, and
   * trailing empty lines. The multi-line cell spans lines 2-3, so the
   * rejected last row is on line 5. */
  p = preview (f,
               "\"姓名\",备注,党员类别\r\n"
               "\"欧阳,修\",\"第一行\r\n第二行\",正式\r\n"
               "\"说\"\"好\"\"\",,预备\r\n"
               "刘,备注,党员\r\n"
               "\r\n\r\n",
               &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p->members->len, ==, 2);
  g_assert_cmpstr (member_at (p, 0)->name, ==, "欧阳,修");
  g_assert_cmpstr (member_at (p, 1)->name, ==, "说\"好\"");
  g_assert_cmpint (member_at (p, 1)->status, ==, SH_MEMBER_PROBATIONARY);
  g_assert_cmpuint (p->rejected->len, ==, 1);
  g_assert_cmpuint (rejection_at (p, 0)->line, ==, 5);
  g_clear_pointer (&p, sh_import_preview_free);

  /* A quote left open is an error for the whole file. */
  p = preview (f, "姓名,党员类别\n\"张,正式\n", &error);
  g_assert_null (p);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "第2行"));
}

static void
test_rejected_rows (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShImportPreview) p = NULL;

  p = preview (f,
               "姓名,手机号,党员类别,入党日期,留党察看,流动党员\n"
               "好人,13800138000,正式,2001-07-01,否,否\n" /* 2: valid */
               ",13800138001,正式,,,\n"                   /* 3: no name */
               "甲,1380013800,正式,,,\n"                  /* 4: 10 digits */
               "乙,,党员,,,\n"                            /* 5: bad status */
               "丙,,正式,2001-02-30,,\n"                  /* 6: no such day */
               "丁,,正式,01/07/2001,,\n"                  /* 7: wrong order */
               "戊,,正式,,也许,\n"                        /* 8: bad flag */
               "己,,正式,,,Y\n"                           /* 9: bad flag */
               "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
               "一二三四五六七八九十一二三四五六七八九十一,,正式,,,\n" /* 10: 51 chars */
               "庚,2380013800x,,2001年13月1日,,\n",                    /* 11: three problems */
               &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p->members->len, ==, 1);
  g_assert_cmpstr (member_at (p, 0)->name, ==, "好人");
  g_assert_cmpuint (p->rejected->len, ==, 9);
  for (guint i = 0; i < p->rejected->len; i++) {
    /* The line is a field of its own, not repeated in the reason. */
    g_assert_cmpuint (rejection_at (p, i)->line, ==, i + 3);
    g_assert_null (strstr (rejection_at (p, i)->message, "行："));
  }
  g_assert_cmpstr (rejection_at (p, 0)->message, ==, "姓名不能为空");
  g_assert_nonnull (strstr (rejection_at (p, 1)->message, "手机号"));
  g_assert_nonnull (strstr (rejection_at (p, 2)->message, "党员类别"));
  g_assert_nonnull (strstr (rejection_at (p, 3)->message, "入党日期"));
  g_assert_nonnull (strstr (rejection_at (p, 4)->message, "入党日期"));
  g_assert_nonnull (strstr (rejection_at (p, 5)->message, "留党察看"));
  g_assert_nonnull (strstr (rejection_at (p, 6)->message, "流动党员"));
  g_assert_nonnull (strstr (rejection_at (p, 7)->message, "50"));
  /* Every problem of a row is told at once. */
  g_assert_nonnull (strstr (rejection_at (p, 8)->message, "手机号"));
  g_assert_nonnull (strstr (rejection_at (p, 8)->message, "党员类别"));
  g_assert_nonnull (strstr (rejection_at (p, 8)->message, "入党日期"));
}

static void
test_duplicate_phones (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShImportPreview) p = NULL;
  ShMember existing = { 0 };

  existing.branch_id = f->branch_id;
  existing.name = "老党员";
  existing.phone = "13700137000";
  existing.status = SH_MEMBER_FULL;
  existing.active = TRUE;
  g_assert_cmpint (sh_member_create (f->store, &existing, &error), >, 0);
  g_assert_no_error (error);

  p = preview (f,
               "姓名,手机号,党员类别\n"
               "甲,13800138000,正式\n"
               "乙,138-0013-8000,正式\n"
               "丙,13700137000,正式\n"
               "丁,13800138000,预备\n",
               &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p->members->len, ==, 1);
  g_assert_cmpstr (member_at (p, 0)->name, ==, "甲");
  g_assert_cmpuint (p->rejected->len, ==, 3);
  g_assert_cmpuint (rejection_at (p, 0)->line, ==, 3);
  g_assert_nonnull (strstr (rejection_at (p, 0)->message, "与第2行重复"));
  g_assert_cmpuint (rejection_at (p, 1)->line, ==, 4);
  g_assert_nonnull (strstr (rejection_at (p, 1)->message, "已被系统中"));
  g_assert_cmpuint (rejection_at (p, 2)->line, ==, 5);
  g_assert_nonnull (strstr (rejection_at (p, 2)->message, "与第2行重复"));
}

static void
test_header_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (preview (f, "名字,党员类别\n张三,正式\n", &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "姓名"));
  g_clear_error (&error);
  g_assert_null (preview (f, "姓名,手机号\n张三,13800138000\n", &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "党员类别"));
  g_clear_error (&error);
  g_assert_null (preview (f, "姓名,党员类别,姓名\n张三,正式,李四\n", &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (preview (f, "\n\n", &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  /* Only a branch receives members. */
  g_assert_null (sh_import_preview_csv (f->store, f->committee_id, "姓名,党员类别\n",
                                        strlen ("姓名,党员类别\n"), &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
}

static void
test_header_only (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShImportPreview) p = preview (f, "姓名,党员类别\n", &error);
  guint imported = 99;

  g_assert_no_error (error);
  g_assert_cmpuint (p->members->len, ==, 0);
  g_assert_cmpuint (p->rejected->len, ==, 0);
  g_assert_true (sh_import_commit (f->store, p, FALSE, &imported, &error));
  g_assert_cmpuint (imported, ==, 0);
}

static void
test_row_limit (Fixture *f, gconstpointer data)
{
  g_autoptr (GString) csv = g_string_new ("姓名,党员类别\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (ShImportPreview) p = NULL;

  for (int i = 0; i < 5000; i++)
    g_string_append_printf (csv, "党员%d,正式\n", i);
  p = sh_import_preview_csv (f->store, f->branch_id, csv->str, csv->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p->members->len, ==, 5000);

  g_string_append (csv, "多一个,正式\n");
  g_assert_null (sh_import_preview_csv (f->store, f->branch_id, csv->str, csv->len, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "5000"));
}

static const char *const mixed_csv = "姓名,手机号,党员类别\n"
                                     "甲,13800138000,正式\n"
                                     "乙,bad,正式\n"
                                     "丙,13900139000,预备\n";

static void
test_commit_all_or_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShImportPreview) p = preview (f, mixed_csv, &error);
  g_autoptr (GPtrArray) members = NULL;
  guint imported = 99;

  g_assert_no_error (error);
  g_assert_cmpuint (p->rejected->len, ==, 1);
  g_assert_false (sh_import_commit (f->store, p, FALSE, &imported, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_assert_cmpuint (imported, ==, 0);
  g_assert_cmpint (members_in_store (f), ==, 0);
  g_clear_error (&error);

  g_assert_true (sh_import_commit (f->store, p, TRUE, &imported, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (imported, ==, 2);
  members = sh_member_list (f->store, f->branch_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (members->len, ==, 2);
}

static void
test_commit_clean (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShImportPreview) p = NULL;
  g_autoptr (GPtrArray) members = NULL;
  guint imported = 0;

  p = preview (f, "姓名,手机号,党员类别,入党日期,留党察看\n张伟,13800138000,正式,2001/7/1,是\n",
               &error);
  g_assert_no_error (error);
  g_assert_true (sh_import_commit (f->store, p, FALSE, &imported, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (imported, ==, 1);
  members = sh_member_list (f->store, f->branch_id, &error);
  g_assert_cmpuint (members->len, ==, 1);
  g_assert_cmpstr (((ShMember *) members->pdata[0])->name, ==, "张伟");
  g_assert_cmpstr (((ShMember *) members->pdata[0])->phone, ==, "13800138000");
  g_assert_cmpstr (((ShMember *) members->pdata[0])->joined_on, ==, "2001-07-01");
  g_assert_true (((ShMember *) members->pdata[0])->under_probation);
  g_assert_true (((ShMember *) members->pdata[0])->active);
}

static void
test_failed_commit_rolls_back (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShImportPreview) p = preview (f, mixed_csv, &error);
  ShMember intruder = { 0 };
  guint imported = 99;

  g_assert_no_error (error);
  /* Between preview and commit someone takes the third row's phone: the
   * first row must not stay imported either. */
  intruder.branch_id = f->branch_id;
  intruder.name = "插队者";
  intruder.phone = "13900139000";
  intruder.status = SH_MEMBER_FULL;
  g_assert_cmpint (sh_member_create (f->store, &intruder, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (members_in_store (f), ==, 1);

  g_assert_false (sh_import_commit (f->store, p, TRUE, &imported, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "丙"));
  g_assert_cmpuint (imported, ==, 0);
  g_assert_cmpint (members_in_store (f), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/import/utf8", test_utf8);
  ADD ("/import/utf8-bom-column-order", test_utf8_bom_and_column_order);
  ADD ("/import/gbk", test_gbk);
  ADD ("/import/unreadable", test_unreadable);
  ADD ("/import/quoted-crlf", test_quoted_fields_and_crlf);
  ADD ("/import/rejected-rows", test_rejected_rows);
  ADD ("/import/duplicate-phones", test_duplicate_phones);
  ADD ("/import/header-errors", test_header_errors);
  ADD ("/import/header-only", test_header_only);
  ADD ("/import/row-limit", test_row_limit);
  ADD ("/import/commit-all-or-nothing", test_commit_all_or_nothing);
  ADD ("/import/commit-clean", test_commit_clean);
  ADD ("/import/failed-commit-rolls-back", test_failed_commit_rolls_back);
#undef ADD
  return g_test_run ();
}
