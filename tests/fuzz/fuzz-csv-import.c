/* Fuzz target for the CSV member import: sh_import_preview_csv() on the
 * input, then sh_import_commit() of the preview, inside a transaction that
 * is rolled back so that every run starts from the same database (one
 * branch with one member, whose phone number a row may repeat).
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "fuzz.h"
#include "sqlite/sqlite-private.h"

/* Larger files only take longer to reach the row limit. */
#define MAX_CSV_BYTES (256 * 1024)
/* The error that makes sh_store_transaction() roll back. */
#define ROLLBACK (g_quark_from_static_string ("fuzz-rollback"))

static ShStore *store;
static gint64 branch_id;
static gint64 members_at_start;

static gint64
count_members (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (sqlite3_stmt) stmt
      = sh_sqlite_prepare (store, "SELECT count(*) FROM members", "count", &error);

  FUZZ_CHECK (stmt != NULL);
  FUZZ_CHECK (sqlite3_step (stmt) == SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* Lines as the parser counts them: LF, CRLF and a lone CR each end one. */
static guint
count_lines (const uint8_t *data, size_t size)
{
  guint lines = 1;

  for (size_t i = 0; i < size; i++) {
    if (data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n')))
      lines++;
  }
  return lines;
}

static void
check_member (const ShMember *m)
{
  FUZZ_CHECK (m->branch_id == branch_id);
  FUZZ_CHECK (m->name != NULL && m->name[0] != '\0');
  FUZZ_CHECK (g_utf8_validate (m->name, -1, NULL) && g_utf8_strlen (m->name, -1) <= 50);
  FUZZ_CHECK (m->status == SH_MEMBER_FULL || m->status == SH_MEMBER_PROBATIONARY);
  if (m->phone != NULL) {
    FUZZ_CHECK (strlen (m->phone) == 11 && m->phone[0] == '1');
    FUZZ_CHECK (strspn (m->phone, "0123456789") == 11);
  }
  if (m->joined_on != NULL) {
    FUZZ_CHECK (strlen (m->joined_on) == 10);
    FUZZ_CHECK (m->joined_on[4] == '-' && m->joined_on[7] == '-');
  }
}

typedef struct {
  const uint8_t *data;
  size_t size;
} Input;

static gboolean
run (ShStore *s, gpointer user_data, GError **rollback)
{
  const Input *in = user_data;
  g_autoptr (GError) error = NULL;
  guint lines = count_lines (in->data, in->size);

  g_autoptr (ShImportPreview) preview
      = sh_import_preview_csv (s, branch_id, (const char *) in->data, in->size, &error);
  /* A preview only reads. */
  FUZZ_CHECK (count_members () == members_at_start);
  if (preview == NULL) {
    FUZZ_CHECK_ERROR (error);
    g_set_error_literal (rollback, ROLLBACK, 0, "roll back");
    return FALSE;
  }
  FUZZ_CHECK (error == NULL);
  FUZZ_CHECK (preview->branch_id == branch_id);
  FUZZ_CHECK (g_strcmp0 (preview->encoding, "UTF-8") == 0
              || g_strcmp0 (preview->encoding, "UTF-8 (BOM)") == 0
              || g_strcmp0 (preview->encoding, "GBK") == 0);
  FUZZ_CHECK (preview->members != NULL && preview->rejected != NULL);
  /* The header takes a line; every row at least one more. */
  FUZZ_CHECK (preview->members->len + preview->rejected->len < lines);
  for (guint i = 0; i < preview->members->len; i++)
    check_member (g_ptr_array_index (preview->members, i));
  guint last_line = 1;
  for (guint i = 0; i < preview->rejected->len; i++) {
    const ShImportRejection *r = g_ptr_array_index (preview->rejected, i);
    FUZZ_CHECK (r->line > last_line && r->line <= lines);
    FUZZ_CHECK (r->message != NULL && r->message[0] != '\0');
    FUZZ_CHECK (g_utf8_validate (r->message, -1, NULL));
    last_line = r->line;
  }

  /* With rejected rows, a strict commit refuses and imports nothing. */
  guint imported = 42;
  if (preview->rejected->len > 0) {
    FUZZ_CHECK (!sh_import_commit (s, preview, FALSE, &imported, &error));
    FUZZ_CHECK_ERROR (error);
    FUZZ_CHECK (imported == 0);
    FUZZ_CHECK (count_members () == members_at_start);
    g_clear_error (&error);
  }
  /* A commit is all or nothing. */
  if (sh_import_commit (s, preview, TRUE, &imported, &error)) {
    FUZZ_CHECK (error == NULL);
    FUZZ_CHECK (imported == preview->members->len);
    FUZZ_CHECK (count_members () == members_at_start + imported);
  } else {
    FUZZ_CHECK_ERROR (error);
    FUZZ_CHECK (imported == 0);
    FUZZ_CHECK (count_members () == members_at_start);
  }
  g_set_error_literal (rollback, ROLLBACK, 0, "roll back");
  return FALSE;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  fuzz_init_logging ();
  store = sh_store_open (":memory:", &error);
  FUZZ_CHECK (store != NULL);
  branch_id = sh_org_create (store, 0, SH_ORG_BRANCH, "支部", &error);
  FUZZ_CHECK (branch_id > 0);

  ShMember m = { .branch_id = branch_id,
                 .name = (char *) "张三",
                 .phone = (char *) "13800138000",
                 .status = SH_MEMBER_FULL,
                 .active = TRUE };
  FUZZ_CHECK (sh_member_create (store, &m, &error) > 0);
  members_at_start = count_members ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  Input in = { data, size };

  if (size > MAX_CSV_BYTES)
    return 0;
  /* run() always rolls back; an error from the store itself is a bug. */
  FUZZ_CHECK (!sh_store_transaction (store, run, &in, &error));
  FUZZ_CHECK (g_error_matches (error, ROLLBACK, 0));
  FUZZ_CHECK (count_members () == members_at_start);
  return 0;
}
