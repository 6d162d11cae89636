/* Member import from the CSV files that Excel and WPS write.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-member.h"
#include "store-private.h"

#include <string.h>

#define MAX_DATA_ROWS 5000
/* The same bounds sh_member_create applies, so that a previewed row is one
 * that the commit will accept. */
#define NAME_MAX_CHARS 50
#define PHONE_DIGITS 11

void
sh_import_preview_free (ShImportPreview *preview)
{
  if (!preview)
    return;
  if (preview->members)
    g_ptr_array_unref (preview->members);
  if (preview->rejected)
    g_ptr_array_unref (preview->rejected);
  g_free (preview->encoding);
  g_free (preview);
}

static void
rejection_free (ShImportRejection *rejection)
{
  g_free (rejection->message);
  g_free (rejection);
}

/* ---------------------------------------------------------- encoding */

/* Returns the file as UTF-8 (transfer full) and names the encoding it was
 * in. Excel on Chinese Windows saves "CSV" as GBK; WPS and "CSV UTF-8" add
 * a BOM. GB18030 is asked of iconv: it is a superset of GBK that decodes
 * everything GBK does. */
static char *
decode (const char *data, gsize length, const char **encoding, GError **error)
{
  static const char bom[] = "\xef\xbb\xbf";
  g_autofree char *converted = NULL;
  gsize written = 0;

  if (length >= 3 && memcmp (data, bom, 3) == 0) {
    if (!g_utf8_validate_len (data + 3, length - 3, NULL)) {
      sh_minutes_invalid (error, "无法识别文件编码");
      return NULL;
    }
    *encoding = "UTF-8 (BOM)";
    return g_strndup (data + 3, length - 3);
  }
  if (g_utf8_validate_len (data, length, NULL)) {
    *encoding = "UTF-8";
    return g_strndup (data, length);
  }
  converted = g_convert (data, (gssize) length, "UTF-8", "GB18030", NULL, &written, NULL);
  /* An embedded NUL means a binary file (a real .xlsx, say), not text. */
  if (!converted || strlen (converted) != written) {
    sh_minutes_invalid (error, "无法识别文件编码");
    return NULL;
  }
  *encoding = "GBK";
  return g_steal_pointer (&converted);
}

/* --------------------------------------------------------------- CSV */

typedef struct {
  guint line;       /* where the record starts */
  GPtrArray *cells; /* (element-type utf8) trimmed */
} CsvRecord;

static void
csv_record_free (CsvRecord *record)
{
  g_ptr_array_unref (record->cells);
  g_free (record);
}

/* Trims ASCII white space and the ideographic and no-break spaces that
 * Chinese input methods leave around cells. Returns: (transfer full). */
static char *
trim_cell (const char *s)
{
  const char *start = s;
  const char *end = s + strlen (s);

  for (;;) {
    if (start < end && g_ascii_isspace (*start))
      start++;
    else if (end - start >= 3 && memcmp (start, "\xe3\x80\x80", 3) == 0)
      start += 3;
    else if (end - start >= 2 && memcmp (start, "\xc2\xa0", 2) == 0)
      start += 2;
    else
      break;
  }
  for (;;) {
    if (end > start && g_ascii_isspace (end[-1]))
      end--;
    else if (end - start >= 3 && memcmp (end - 3, "\xe3\x80\x80", 3) == 0)
      end -= 3;
    else if (end - start >= 2 && memcmp (end - 2, "\xc2\xa0", 2) == 0)
      end -= 2;
    else
      break;
  }
  return g_strndup (start, (gsize) (end - start));
}

typedef struct {
  GPtrArray *records; /* (element-type CsvRecord) */
  GPtrArray *cells;   /* the record being read */
  GString *field;
  guint record_line;
  guint max_records;
} CsvParser;

static void
end_field (CsvParser *p)
{
  g_ptr_array_add (p->cells, trim_cell (p->field->str));
  g_string_truncate (p->field, 0);
}

/* Closes the current record; rows whose cells are all empty are dropped
 * (Excel writes ",,,," for formatted but empty rows). FALSE when there are
 * more records than allowed. */
static gboolean
end_record (CsvParser *p, guint next_line)
{
  gboolean empty = TRUE;

  end_field (p);
  for (guint i = 0; i < p->cells->len && empty; i++)
    empty = *(const char *) g_ptr_array_index (p->cells, i) == '\0';
  if (!empty) {
    CsvRecord *record = g_new0 (CsvRecord, 1);

    record->line = p->record_line;
    record->cells = g_steal_pointer (&p->cells);
    g_ptr_array_add (p->records, record);
  } else {
    g_ptr_array_unref (g_steal_pointer (&p->cells));
  }
  p->cells = g_ptr_array_new_with_free_func (g_free);
  p->record_line = next_line;
  return p->records->len <= p->max_records;
}

static gboolean
field_is_blank (GString *field)
{
  for (gsize i = 0; i < field->len; i++) {
    if (!g_ascii_isspace (field->str[i]))
      return FALSE;
  }
  return TRUE;
}

/* RFC 4180, leniently: a quote opens a quoted field only at the start of a
 * cell; elsewhere it is literal. CRLF, LF and lone CR end a line, inside
 * quotes too (kept as "\n"). Returns: (transfer full) (element-type
 * CsvRecord) the non-empty records, header first. */
static GPtrArray *
parse_csv (const char *text, gsize length, GError **error)
{
  CsvParser p = { 0 };
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) csv_record_free);
  g_autoptr (GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) field = g_string_new (NULL);
  gboolean in_quotes = FALSE;
  guint line = 1;

  p.records = records;
  p.cells = g_steal_pointer (&cells);
  p.field = field;
  p.record_line = 1;
  p.max_records = MAX_DATA_ROWS + 1;

  for (gsize i = 0; i < length;) {
    char c = text[i];
    gboolean newline = c == '\r' || c == '\n';
    gsize step = c == '\r' && i + 1 < length && text[i + 1] == '\n' ? 2 : 1;

    if (in_quotes) {
      if (c == '"' && i + 1 < length && text[i + 1] == '"') {
        g_string_append_c (p.field, '"');
        i += 2;
      } else if (c == '"') {
        in_quotes = FALSE;
        i++;
      } else if (newline) {
        g_string_append_c (p.field, '\n');
        line++;
        i += step;
      } else {
        g_string_append_c (p.field, c);
        i++;
      }
      continue;
    }
    if (c == '"' && field_is_blank (p.field)) {
      g_string_truncate (p.field, 0);
      in_quotes = TRUE;
      i++;
    } else if (c == ',') {
      end_field (&p);
      i++;
    } else if (newline) {
      line++;
      i += step;
      if (!end_record (&p, line))
        goto too_many;
    } else {
      g_string_append_c (p.field, c);
      i++;
    }
  }
  if (in_quotes) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
                 "第%u行：引号没有闭合，文件格式不正确", p.record_line);
    g_ptr_array_unref (p.cells);
    return NULL;
  }
  if (!end_record (&p, line))
    goto too_many;
  g_ptr_array_unref (p.cells);
  return g_steal_pointer (&records);

too_many:
  g_ptr_array_unref (p.cells);
  g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
               "文件超过%d行党员数据，请分批导入", MAX_DATA_ROWS);
  return NULL;
}

/* ----------------------------------------------------------- columns */

enum { COL_NAME, COL_PHONE, COL_STATUS, COL_JOINED, COL_PROBATION, COL_MIGRANT, N_COLS };

static const struct {
  const char *header;
  int column;
} header_names[] = {
  { "姓名", COL_NAME },        { "手机号", COL_PHONE },    { "手机号码", COL_PHONE },
  { "党员类别", COL_STATUS },  { "入党日期", COL_JOINED }, { "留党察看", COL_PROBATION },
  { "流动党员", COL_MIGRANT },
};

static const char *const column_titles[N_COLS]
    = { "姓名", "手机号", "党员类别", "入党日期", "留党察看", "流动党员" };

/* Maps each known column to its index in the file, -1 when absent. */
static gboolean
map_header (const CsvRecord *header, int index[N_COLS], GError **error)
{
  for (int c = 0; c < N_COLS; c++)
    index[c] = -1;
  for (guint i = 0; i < header->cells->len; i++) {
    const char *title = g_ptr_array_index (header->cells, i);

    for (gsize h = 0; h < G_N_ELEMENTS (header_names); h++) {
      int c = header_names[h].column;

      if (strcmp (title, header_names[h].header) != 0)
        continue;
      if (index[c] >= 0) {
        g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "表头中“%s”列重复",
                     column_titles[c]);
        return FALSE;
      }
      index[c] = (int) i;
    }
  }
  if (index[COL_NAME] < 0)
    return sh_minutes_invalid (error, "文件缺少“姓名”列");
  if (index[COL_STATUS] < 0)
    return sh_minutes_invalid (error, "文件缺少“党员类别”列");
  return TRUE;
}

static const char *
cell (const CsvRecord *record, const int index[N_COLS], int column)
{
  int i = index[column];

  return i >= 0 && (guint) i < record->cells->len ? g_ptr_array_index (record->cells, i) : "";
}

/* ------------------------------------------------------------ values */

/* Reads 1..@max digits at *@p. */
static gboolean
read_number (const char **p, int max, int *out)
{
  int n = 0, digits = 0;

  while (digits < max && g_ascii_isdigit (**p)) {
    n = n * 10 + (**p - '0');
    (*p)++;
    digits++;
  }
  *out = n;
  return digits > 0;
}

static gboolean
skip (const char **p, const char *token)
{
  gsize len = strlen (token);

  if (strncmp (*p, token, len) != 0)
    return FALSE;
  *p += len;
  return TRUE;
}

/* Accepts 2001-07-01, 2001/7/1 and 2001年7月1日. Returns "YYYY-MM-DD"
 * (transfer full) or NULL. */
static char *
normalize_date (const char *s)
{
  const char *p = s;
  int year, month, day;
  gboolean chinese;

  if (!read_number (&p, 4, &year) || p - s != 4)
    return NULL;
  chinese = skip (&p, "年");
  if (!chinese && *p != '-' && *p != '/')
    return NULL;
  if (!chinese) {
    char sep = *p++;

    if (!read_number (&p, 2, &month) || *p++ != sep || !read_number (&p, 2, &day))
      return NULL;
  } else if (!read_number (&p, 2, &month) || !skip (&p, "月") || !read_number (&p, 2, &day)
             || !skip (&p, "日")) {
    return NULL;
  }
  if (*p != '\0' || year < 1
      || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02d", year, month, day);
}

/* Removes the spaces and dashes people type inside phone numbers. */
static char *
normalize_phone (const char *s)
{
  GString *out = g_string_new (NULL);

  for (; *s; s++) {
    if (*s != ' ' && *s != '-')
      g_string_append_c (out, *s);
  }
  return g_string_free (out, FALSE);
}

static gboolean
phone_is_valid (const char *phone)
{
  if (strlen (phone) != PHONE_DIGITS || phone[0] != '1')
    return FALSE;
  for (const char *p = phone; *p; p++) {
    if (!g_ascii_isdigit (*p))
      return FALSE;
  }
  return TRUE;
}

/* 是/否/empty; FALSE for anything else. */
static gboolean
parse_flag (const char *s, gboolean *out)
{
  if (*s == '\0' || strcmp (s, "否") == 0) {
    *out = FALSE;
    return TRUE;
  }
  if (strcmp (s, "是") == 0) {
    *out = TRUE;
    return TRUE;
  }
  return FALSE;
}

static gboolean
parse_status (const char *s, ShMemberStatus *out)
{
  if (strcmp (s, "正式") == 0 || strcmp (s, "正式党员") == 0)
    *out = SH_MEMBER_FULL;
  else if (strcmp (s, "预备") == 0 || strcmp (s, "预备党员") == 0)
    *out = SH_MEMBER_PROBATIONARY;
  else
    return FALSE;
  return TRUE;
}

/* ----------------------------------------------------------- preview */

typedef struct {
  ShStore *store;
  GHashTable *phones; /* phone → first line (GUINT_TO_POINTER) */
} RowContext;

static void
add_problem (GString *problems, const char *message)
{
  if (problems->len)
    g_string_append (problems, "；");
  g_string_append (problems, message);
}

/* Validates one row into a member, or collects every problem of the row
 * into @problems so that the user can fix them all in one pass. */
static ShMember *
read_row (RowContext *ctx, gint64 branch_id, const CsvRecord *row, const int index[N_COLS],
          GString *problems, GError **error)
{
  g_autoptr (ShMember) m = g_new0 (ShMember, 1);
  const char *name = cell (row, index, COL_NAME);
  const char *joined = cell (row, index, COL_JOINED);
  g_autofree char *phone = normalize_phone (cell (row, index, COL_PHONE));

  m->branch_id = branch_id;
  m->active = TRUE;
  if (*name == '\0')
    add_problem (problems, "姓名不能为空");
  else if (g_utf8_strlen (name, -1) > NAME_MAX_CHARS)
    add_problem (problems, "姓名不能超过50个字");
  m->name = g_strdup (name);

  if (!parse_status (cell (row, index, COL_STATUS), &m->status))
    add_problem (problems, "党员类别应为“正式”或“预备”");
  if (*joined && !(m->joined_on = normalize_date (joined)))
    add_problem (problems, "入党日期格式不正确，应为“2001-07-01”“2001/7/1”或“2001年7月1日”");
  if (!parse_flag (cell (row, index, COL_PROBATION), &m->under_probation))
    add_problem (problems, "“留党察看”应填“是”或“否”");
  if (!parse_flag (cell (row, index, COL_MIGRANT), &m->migrant))
    add_problem (problems, "“流动党员”应填“是”或“否”");

  if (*phone && !phone_is_valid (phone)) {
    add_problem (problems, "手机号格式不正确，应为11位手机号码");
  } else if (*phone) {
    gpointer first = g_hash_table_lookup (ctx->phones, phone);
    gboolean taken = FALSE;

    if (!sh_store_ops (ctx->store, member)->phone_taken (ctx->store, phone, &taken, error))
      return NULL;
    if (first) {
      g_autofree char *message = g_strdup_printf ("手机号与第%u行重复", GPOINTER_TO_UINT (first));

      add_problem (problems, message);
    } else if (taken) {
      add_problem (problems, "手机号已被系统中的其他党员使用");
    }
    if (!first)
      g_hash_table_insert (ctx->phones, g_strdup (phone), GUINT_TO_POINTER (row->line));
    m->phone = g_steal_pointer (&phone);
  }
  return g_steal_pointer (&m);
}

static gboolean
check_branch (ShStore *store, gint64 branch_id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (ShOrg) org = sh_org_get (store, branch_id, &local_error);

  if (!org && g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND))
    return sh_minutes_invalid (error, "导入的目标党支部不存在");
  if (!org) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  if (org->kind != SH_ORG_BRANCH)
    return sh_minutes_invalid (error, "党员只能导入到党支部");
  return TRUE;
}

ShImportPreview *
sh_import_preview_csv (ShStore *store, gint64 branch_id, const char *data, gsize length,
                       GError **error)
{
  g_autoptr (ShImportPreview) preview = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GHashTable) phones = NULL;
  g_autofree char *text = NULL;
  const char *encoding = NULL;
  int index[N_COLS];
  RowContext ctx;

  g_return_val_if_fail (store != NULL && (data != NULL || length == 0), NULL);
  if (!check_branch (store, branch_id, error))
    return NULL;
  if (length == 0) {
    sh_minutes_invalid (error, "文件是空的");
    return NULL;
  }
  text = decode (data, length, &encoding, error);
  if (!text)
    return NULL;
  records = parse_csv (text, strlen (text), error);
  if (!records)
    return NULL;
  if (records->len == 0) {
    sh_minutes_invalid (error, "文件是空的");
    return NULL;
  }
  if (!map_header (g_ptr_array_index (records, 0), index, error))
    return NULL;

  phones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ctx = (RowContext){ store, phones };

  preview = g_new0 (ShImportPreview, 1);
  preview->branch_id = branch_id;
  preview->members = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_member_free);
  preview->rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) rejection_free);
  preview->encoding = g_strdup (encoding);

  for (guint r = 1; r < records->len; r++) {
    const CsvRecord *row = g_ptr_array_index (records, r);
    g_autoptr (GString) problems = g_string_new (NULL);
    g_autoptr (ShMember) member = read_row (&ctx, branch_id, row, index, problems, error);

    if (!member)
      return NULL;
    if (problems->len) {
      ShImportRejection *rejection = g_new0 (ShImportRejection, 1);

      rejection->line = row->line;
      /* The line is its own field: callers show it beside the reason. */
      rejection->message = g_strdup (problems->str);
      g_ptr_array_add (preview->rejected, rejection);
    } else {
      g_ptr_array_add (preview->members, g_steal_pointer (&member));
    }
  }
  return g_steal_pointer (&preview);
}

/* ------------------------------------------------------------ commit */

typedef struct {
  const ShImportPreview *preview;
  guint imported;
} CommitData;

static gboolean
commit_txn (ShStore *store, gpointer user_data, GError **error)
{
  CommitData *data = user_data;

  for (guint i = 0; i < data->preview->members->len; i++) {
    const ShMember *m = g_ptr_array_index (data->preview->members, i);

    /* The store may have changed since the preview (a phone taken in the
     * meantime): any failure rolls the whole import back. */
    if (!sh_member_create (store, m, error)) {
      g_prefix_error (error, "导入“%s”失败，未导入任何党员：", m->name);
      return FALSE;
    }
    data->imported++;
  }
  return TRUE;
}

gboolean
sh_import_commit (ShStore *store, const ShImportPreview *preview, gboolean skip_rejected,
                  guint *imported, GError **error)
{
  CommitData data = { preview, 0 };
  guint rejected;

  g_return_val_if_fail (store != NULL && preview != NULL, FALSE);
  if (imported)
    *imported = 0;
  rejected = preview->rejected ? preview->rejected->len : 0;
  if (rejected && !skip_rejected) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
                 "有%u行数据有误，未导入任何党员；请修改后重新导入，或选择跳过有误的行", rejected);
    return FALSE;
  }
  if (!preview->members || preview->members->len == 0)
    return TRUE;
  if (!sh_store_transaction (store, commit_txn, &data, error))
    return FALSE;
  if (imported)
    *imported = data.imported;
  return TRUE;
}
