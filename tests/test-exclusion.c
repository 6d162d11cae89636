/* Tests for exclusions from the expected count (minutes/src/exclusion.c).
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

#define DAY (G_USEC_PER_SEC * (gint64) 86400)
/* 2024-03-01 00:00:00 UTC. */
#define T0 ((gint64) 1709251200 * G_USEC_PER_SEC)

typedef struct {
  ShStore *store;
  gint64 branch;
  gint64 member;
  gint64 other_member;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->store = minutes_fixture_open_memory ();
  f->branch = minutes_fixture_org (f->store, 0, SH_ORG_BRANCH, "第一党支部");
  f->member = minutes_fixture_member (f->store, f->branch, "张三", SH_MEMBER_FULL, 0);
  f->other_member = minutes_fixture_member (f->store, f->branch, "李四", SH_MEMBER_FULL, 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_store_free (f->store);
}

static ShExclusion
valid_exclusion (Fixture *f)
{
  return (ShExclusion){
    .member_id = f->member,
    .reason = SH_EXCLUSION_ABROAD,
    .approver = (char *) "机关党委",
    .note = (char *) "外派援非一年",
    .starts_at = T0,
    .ends_at = T0 + 365 * DAY,
    .recorded_by = 5,
  };
}

static gint64
create_ok (Fixture *f, const ShExclusion *e)
{
  g_autoptr (GError) error = NULL;
  gint64 id = sh_exclusion_create (f->store, e, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
assert_create_fails (Fixture *f, const ShExclusion *e, ShMinutesError code)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (sh_exclusion_create (f->store, e, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, (gint) code);
}

static void
test_reason_strings (void)
{
  static const struct {
    ShExclusionReason reason;
    const char *string;
    const char *label;
  } cases[] = {
    { SH_EXCLUSION_ILLNESS, "illness", "长期患病" },
    { SH_EXCLUSION_ABROAD, "abroad", "出国（境）半年以上" },
    { SH_EXCLUSION_SENTENCE, "sentence", "服刑" },
    { SH_EXCLUSION_BEDRIDDEN, "bedridden", "卧床不起" },
    { SH_EXCLUSION_AWAY, "away", "外出半年以上未转组织关系" },
  };
  ShExclusionReason r = SH_EXCLUSION_AWAY;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_assert_cmpstr (sh_exclusion_reason_to_string (cases[i].reason), ==, cases[i].string);
    g_assert_cmpstr (sh_exclusion_reason_label (cases[i].reason), ==, cases[i].label);
    g_assert_true (sh_exclusion_reason_from_string (cases[i].string, &r));
    g_assert_cmpint (r, ==, cases[i].reason);
  }
  r = SH_EXCLUSION_AWAY;
  g_assert_false (sh_exclusion_reason_from_string ("sick", &r));
  g_assert_false (sh_exclusion_reason_from_string (NULL, &r));
  g_assert_cmpint (r, ==, SH_EXCLUSION_AWAY);
}

static void
test_create_and_list (Fixture *f, gconstpointer data)
{
  ShExclusion later = valid_exclusion (f);
  ShExclusion earlier = valid_exclusion (f);
  ShExclusion other = valid_exclusion (f);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GPtrArray) none = NULL;
  g_autoptr (GError) error = NULL;
  gint64 later_id, earlier_id;
  ShExclusion *e;

  later.starts_at = T0 + 400 * DAY;
  later.ends_at = 0;
  later.reason = SH_EXCLUSION_ILLNESS;
  later.approver = (char *) "  王书记 ";
  later.note = NULL;
  later.recorded_by = 0;
  later_id = create_ok (f, &later);
  earlier_id = create_ok (f, &earlier);
  other.member_id = f->other_member;
  create_ok (f, &other);

  list = sh_exclusion_list (f->store, f->member, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  /* By start: the history of the member's approvals in order. */
  e = g_ptr_array_index (list, 0);
  g_assert_cmpint (e->id, ==, earlier_id);
  g_assert_cmpint (e->member_id, ==, f->member);
  g_assert_cmpint (e->reason, ==, SH_EXCLUSION_ABROAD);
  g_assert_cmpstr (e->approver, ==, "机关党委");
  g_assert_cmpstr (e->note, ==, "外派援非一年");
  g_assert_cmpint (e->starts_at, ==, T0);
  g_assert_cmpint (e->ends_at, ==, T0 + 365 * DAY);
  g_assert_cmpint (e->recorded_by, ==, 5);
  e = g_ptr_array_index (list, 1);
  g_assert_cmpint (e->id, ==, later_id);
  g_assert_cmpint (e->reason, ==, SH_EXCLUSION_ILLNESS);
  g_assert_cmpstr (e->approver, ==, "王书记");
  g_assert_null (e->note);
  g_assert_cmpint (e->ends_at, ==, 0);
  g_assert_cmpint (e->recorded_by, ==, 0);

  none = sh_exclusion_list (f->store, 9999, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_rules (Fixture *f, gconstpointer data)
{
  ShExclusion e = valid_exclusion (f);
  g_autoptr (GString) long_text = g_string_new (NULL);

  e.member_id = 9999;
  assert_create_fails (f, &e, SH_MINUTES_ERROR_NOT_FOUND);
  e = valid_exclusion (f);
  e.approver = NULL;
  assert_create_fails (f, &e, SH_MINUTES_ERROR_INVALID);
  e.approver = (char *) "";
  assert_create_fails (f, &e, SH_MINUTES_ERROR_INVALID);
  e.approver = (char *) "   ";
  assert_create_fails (f, &e, SH_MINUTES_ERROR_INVALID);
  for (int i = 0; i < 101; i++)
    g_string_append (long_text, "批");
  e.approver = long_text->str;
  assert_create_fails (f, &e, SH_MINUTES_ERROR_INVALID);
  e = valid_exclusion (f);
  for (int i = 0; i < 400; i++)
    g_string_append (long_text, "注");
  e.note = long_text->str;
  assert_create_fails (f, &e, SH_MINUTES_ERROR_INVALID);
  e = valid_exclusion (f);
  e.starts_at = 0;
  assert_create_fails (f, &e, SH_MINUTES_ERROR_INVALID);
  e = valid_exclusion (f);
  e.ends_at = e.starts_at;
  assert_create_fails (f, &e, SH_MINUTES_ERROR_INVALID);
  e.ends_at = e.starts_at - DAY;
  assert_create_fails (f, &e, SH_MINUTES_ERROR_INVALID);
  g_assert_cmpint (sh_store_count_rows (f->store, "exclusions", NULL), ==, 0);

  /* The smallest valid period, and an open-ended one. */
  e.ends_at = e.starts_at + 1;
  create_ok (f, &e);
  e.ends_at = 0;
  create_ok (f, &e);
  g_assert_cmpint (sh_store_count_rows (f->store, "exclusions", NULL), ==, 2);
}

static void
test_is_excluded_at (Fixture *f, gconstpointer data)
{
  ShExclusion bounded = valid_exclusion (f);
  ShExclusion open_ended = valid_exclusion (f);
  gint64 start = bounded.starts_at, end = bounded.ends_at;

  create_ok (f, &bounded);
  g_assert_false (sh_member_is_excluded_at (f->store, f->member, start - 1));
  g_assert_true (sh_member_is_excluded_at (f->store, f->member, start));
  g_assert_true (sh_member_is_excluded_at (f->store, f->member, start + 30 * DAY));
  g_assert_true (sh_member_is_excluded_at (f->store, f->member, end - 1));
  /* Half-open: over once it ends. */
  g_assert_false (sh_member_is_excluded_at (f->store, f->member, end));
  g_assert_false (sh_member_is_excluded_at (f->store, f->member, end + 30 * DAY));
  /* Only the member it was approved for. */
  g_assert_false (sh_member_is_excluded_at (f->store, f->other_member, start + DAY));

  open_ended.member_id = f->other_member;
  open_ended.reason = SH_EXCLUSION_SENTENCE;
  open_ended.ends_at = 0;
  create_ok (f, &open_ended);
  g_assert_false (sh_member_is_excluded_at (f->store, f->other_member, start - 1));
  g_assert_true (sh_member_is_excluded_at (f->store, f->other_member, start));
  g_assert_true (sh_member_is_excluded_at (f->store, f->other_member, start + 3650 * DAY));
  g_assert_false (sh_member_is_excluded_at (f->store, 9999, start));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/exclusion/reason-strings", test_reason_strings);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/exclusion/create-and-list", test_create_and_list);
  ADD ("/exclusion/rules", test_rules);
  ADD ("/exclusion/is-excluded-at", test_is_excluded_at);
#undef ADD
  return g_test_run ();
}
