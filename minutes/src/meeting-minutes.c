/* Minutes (会议记录): the parts people write, saved as revisions with
 * server times, frozen by the first signature, final with both, corrected
 * only by new entries. The rules live here; the store keeps the rows and
 * refuses to rewrite them (migration 17).
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-meeting-minutes.h"
#include "store-private.h"

#include <string.h>

static const char *const part_strings[]
    = { "agenda", "speeches", "resolution", "lesson_material", "other" };
static const char *const part_labels[] = { "议程", "发言要点", "决议", "党课材料", "其他事项" };

G_STATIC_ASSERT (G_N_ELEMENTS (part_strings) == SH_MINUTES_PART_COUNT);
G_STATIC_ASSERT (G_N_ELEMENTS (part_labels) == SH_MINUTES_PART_COUNT);

const char *
sh_minutes_part_to_string (ShMinutesPart part)
{
  g_return_val_if_fail ((guint) part < SH_MINUTES_PART_COUNT, NULL);
  return part_strings[part];
}

const char *
sh_minutes_part_label (ShMinutesPart part)
{
  g_return_val_if_fail ((guint) part < SH_MINUTES_PART_COUNT, NULL);
  return part_labels[part];
}

gboolean
sh_minutes_part_from_string (const char *s, ShMinutesPart *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  for (guint i = 0; s && i < SH_MINUTES_PART_COUNT; i++) {
    if (strcmp (s, part_strings[i]) == 0) {
      *out = (ShMinutesPart) i;
      return TRUE;
    }
  }
  return FALSE;
}

void
sh_minutes_revision_free (ShMinutesRevision *revision)
{
  if (!revision)
    return;
  g_free (revision->text);
  g_free (revision);
}

void
sh_minutes_signature_free (ShMinutesSignature *signature)
{
  if (!signature)
    return;
  g_free (signature->content_sha256);
  g_free (signature);
}

static gboolean
have_backend (ShStore *store, GError **error)
{
  if (store->backend->meeting_minutes)
    return TRUE;
  return sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "此存储不保存会议记录");
}

static gboolean
check_text (const char *text, GError **error)
{
  if (!text)
    return sh_minutes_invalid (error, "会议记录内容不能为空值");
  if (!sh_text_check (text, "会议记录", SH_TEXT_MULTILINE, error))
    return FALSE;
  if (g_utf8_strlen (text, -1) > SH_MINUTES_TEXT_MAX_CHARS)
    return sh_minutes_invalid (error, "会议记录的一部分最多 50000 字");
  return TRUE;
}

/* Minutes are written from the start of the meeting on. */
static gboolean
check_meeting_writable (const ShMeeting *m, GError **error)
{
  switch (m->state) {
    case SH_MEETING_IN_PROGRESS:
    case SH_MEETING_ENDED:
    case SH_MEETING_ARCHIVED:
      return TRUE;
    case SH_MEETING_CANCELLED:
      return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "会议已取消，没有会议记录");
    default:
      return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "会议开始后才能记录");
  }
}

static gboolean
signature_count (ShStore *store, gint64 meeting_id, guint *count, GError **error)
{
  g_autoptr (GPtrArray) list
      = sh_store_ops (store, meeting_minutes)->signatures (store, meeting_id, error);

  if (!list)
    return FALSE;
  *count = list->len;
  return TRUE;
}

static gboolean
check_motion (ShStore *store, gint64 meeting_id, ShMinutesPart part, gint64 motion_id,
              GError **error)
{
  g_autoptr (ShMotion) motion = NULL;

  if (motion_id == 0)
    return TRUE;
  if (part != SH_MINUTES_PART_RESOLUTION)
    return sh_minutes_invalid (error, "只有决议可以对应表决事项");
  motion = sh_motion_get (store, motion_id, NULL);
  if (!motion || motion->meeting_id != meeting_id)
    return sh_minutes_invalid (error, "决议对应的表决事项不属于本次会议");
  return TRUE;
}

typedef struct {
  ShMinutesRevision *revision; /* in: the new one; out: the current one */
  gboolean saved;
} SaveTxn;

static gboolean
save_txn (ShStore *store, gpointer data, GError **error)
{
  SaveTxn *t = data;
  ShMinutesRevision *r = t->revision;
  g_autoptr (GError) local = NULL;
  g_autoptr (ShMinutesRevision) before = NULL;
  gboolean found = FALSE;
  guint signed_by = 0;

  if (!signature_count (store, r->meeting_id, &signed_by, error))
    return FALSE;
  if (signed_by > 0)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE,
                            "会议记录已签字，不能再修改；如需更正，请在双方签字后添加更正");
  before = sh_store_ops (store, meeting_minutes)
               ->latest (store, r->meeting_id, r->part, r->motion_id, &found, &local);
  if (local) {
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  if (found && g_strcmp0 (before->text, r->text) == 0) {
    /* An autosave of what is there already. */
    sh_minutes_revision_free (t->revision);
    t->revision = g_steal_pointer (&before);
    return TRUE;
  }
  if ((found ? before->id : 0) != r->base_id)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT,
                            "这部分已被他人修改，请先查看最新内容再保存");
  t->saved = TRUE;
  return sh_store_ops (store, meeting_minutes)->insert_revision (store, r, error);
}

ShMinutesRevision *
sh_minutes_save (ShStore *store, gint64 meeting_id, ShMinutesPart part, gint64 motion_id,
                 const char *text, gint64 base_id, gint64 account_id, gint64 now, GError **error)
{
  g_autoptr (ShMeeting) m = NULL;
  SaveTxn t = { NULL, FALSE };

  g_return_val_if_fail (store != NULL, NULL);
  if (!have_backend (store, error))
    return NULL;
  if ((guint) part >= SH_MINUTES_PART_COUNT) {
    sh_minutes_invalid (error, "会议记录没有这一部分");
    return NULL;
  }
  if (!check_text (text, error) || !(m = sh_meeting_get (store, meeting_id, error))
      || !check_meeting_writable (m, error)
      || !check_motion (store, meeting_id, part, motion_id, error))
    return NULL;
  t.revision = g_new0 (ShMinutesRevision, 1);
  *t.revision = (ShMinutesRevision){
    .meeting_id = meeting_id,
    .part = part,
    .motion_id = motion_id,
    .text = g_strdup (text),
    .base_id = base_id,
    .author_account_id = account_id,
    .saved_at = now,
  };
  if (!sh_store_transaction (store, save_txn, &t, error)) {
    sh_minutes_revision_free (t.revision);
    return NULL;
  }
  return t.revision;
}

GPtrArray *
sh_minutes_current (ShStore *store, gint64 meeting_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!have_backend (store, error))
    return NULL;
  return sh_store_ops (store, meeting_minutes)->current (store, meeting_id, error);
}

GPtrArray *
sh_minutes_history (ShStore *store, gint64 meeting_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!have_backend (store, error))
    return NULL;
  return sh_store_ops (store, meeting_minutes)->history (store, meeting_id, error);
}

GPtrArray *
sh_minutes_signatures (ShStore *store, gint64 meeting_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!have_backend (store, error))
    return NULL;
  return sh_store_ops (store, meeting_minutes)->signatures (store, meeting_id, error);
}

gboolean
sh_minutes_is_final (ShStore *store, gint64 meeting_id, gboolean *final, GError **error)
{
  guint count = 0;

  g_return_val_if_fail (store != NULL && final != NULL, FALSE);
  if (!have_backend (store, error) || !signature_count (store, meeting_id, &count, error))
    return FALSE;
  *final = count == 2;
  return TRUE;
}

/* The hash of a list of revisions: each one's part, motion and text, each
 * field ended by a NUL so no two lists hash alike by shifting text. */
static char *
content_sha256_of (GPtrArray *current)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint i = 0; i < current->len; i++) {
    const ShMinutesRevision *r = current->pdata[i];
    g_autofree char *motion = g_strdup_printf ("%" G_GINT64_FORMAT, r->motion_id);
    const char *fields[] = { sh_minutes_part_to_string (r->part), motion, r->text };
    for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
      g_checksum_update (sum, (const guchar *) fields[f], strlen (fields[f]) + 1);
  }
  return g_strdup (g_checksum_get_string (sum));
}

char *
sh_minutes_content_sha256 (ShStore *store, gint64 meeting_id, GError **error)
{
  g_autoptr (GPtrArray) current = sh_minutes_current (store, meeting_id, error);

  return current ? content_sha256_of (current) : NULL;
}

typedef struct {
  ShMinutesSignature *signature;
} SignTxn;

static gboolean
sign_txn (ShStore *store, gpointer data, GError **error)
{
  SignTxn *t = data;
  ShMinutesSignature *s = t->signature;
  g_autoptr (GPtrArray) current = NULL;
  g_autoptr (GPtrArray) given = NULL;

  if (!(current = sh_minutes_current (store, s->meeting_id, error))
      || !(given = sh_minutes_signatures (store, s->meeting_id, error)))
    return FALSE;
  if (current->len == 0)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "会议记录还是空的，不能签字");
  for (guint i = 0; i < given->len; i++) {
    const ShMinutesSignature *other = given->pdata[i];
    if (other->signer == s->signer)
      return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "已经签过字了");
  }
  s->content_sha256 = content_sha256_of (current);
  return sh_store_ops (store, meeting_minutes)->insert_signature (store, s, error);
}

ShMinutesSignature *
sh_minutes_sign (ShStore *store, gint64 meeting_id, ShMinutesSigner signer, gint64 account_id,
                 gint64 member_id, gint64 now, GError **error)
{
  g_autoptr (ShMeeting) m = NULL;
  g_autoptr (ShMinutesSignature) s = NULL;
  SignTxn t;
  gint64 expected;

  g_return_val_if_fail (store != NULL, NULL);
  if (!have_backend (store, error) || !(m = sh_meeting_get (store, meeting_id, error)))
    return NULL;
  if (m->state != SH_MEETING_ENDED && m->state != SH_MEETING_ARCHIVED) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "会议结束后才能签字");
    return NULL;
  }
  expected = signer == SH_MINUTES_SIGNER_CHAIR ? m->chair_member_id : m->recorder_member_id;
  if (member_id == 0 || member_id != expected) {
    sh_minutes_invalid (error, signer == SH_MINUTES_SIGNER_CHAIR
                                   ? "只有本次会议的主持人本人可以以主持人身份签字"
                                   : "只有本次会议的记录人本人可以以记录人身份签字");
    return NULL;
  }
  s = g_new0 (ShMinutesSignature, 1);
  s->meeting_id = meeting_id;
  s->signer = signer;
  s->account_id = account_id;
  s->member_id = member_id;
  s->signed_at = now;
  t.signature = s;
  if (!sh_store_transaction (store, sign_txn, &t, error))
    return NULL;
  return g_steal_pointer (&s);
}

ShMinutesRevision *
sh_minutes_correct (ShStore *store, gint64 meeting_id, gint64 corrects_id, const char *text,
                    gint64 account_id, gint64 now, GError **error)
{
  g_autoptr (ShMinutesRevision) target = NULL;
  g_autoptr (ShMinutesRevision) r = NULL;
  g_autoptr (GError) local = NULL;
  gboolean found = FALSE, final = FALSE;

  g_return_val_if_fail (store != NULL, NULL);
  if (!have_backend (store, error) || !check_text (text, error))
    return NULL;
  if (sh_text_is_blank (text)) {
    sh_minutes_invalid (error, "更正内容不能为空");
    return NULL;
  }
  if (!sh_minutes_is_final (store, meeting_id, &final, error))
    return NULL;
  if (!final) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "会议记录双方签字后才能添加更正");
    return NULL;
  }
  target = sh_store_ops (store, meeting_minutes)->get_revision (store, corrects_id, &found, &local);
  if (local) {
    g_propagate_error (error, g_steal_pointer (&local));
    return NULL;
  }
  if (!found || target->meeting_id != meeting_id) {
    sh_minutes_invalid (error, "要更正的记录不属于本次会议");
    return NULL;
  }
  r = g_new0 (ShMinutesRevision, 1);
  *r = (ShMinutesRevision){
    .meeting_id = meeting_id,
    .part = target->part,
    .motion_id = target->motion_id,
    .text = g_strdup (text),
    .corrects_id = corrects_id,
    .author_account_id = account_id,
    .saved_at = now,
  };
  if (!sh_store_ops (store, meeting_minutes)->insert_revision (store, r, error))
    return NULL;
  return g_steal_pointer (&r);
}
