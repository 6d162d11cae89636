/* sanhui-minutes/meeting-minutes.h — part of sanhui-minutes.h: the minutes
 * (会议记录) people write, their full edit history, the signatures of the
 * chair and the recorder that make them final, and the corrections that
 * follow (DOMAIN.md "Minutes"). The fields the system knows (times,
 * attendance, votes) are not written here: they come from their own records.
 * Included by sanhui-minutes.h only; see its conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#if !defined(SH_MINUTES_INSIDE)
#error "Include <sanhui-minutes.h>, not its parts."
#endif

G_BEGIN_DECLS

/* The parts people write. A resolution belongs to a motion (its vote) or
 * stands alone (motion 0); every other part is one text per meeting. */
typedef enum {
  SH_MINUTES_PART_AGENDA,          /* 议程 */
  SH_MINUTES_PART_SPEECHES,        /* 发言要点, dissent included */
  SH_MINUTES_PART_RESOLUTION,      /* 决议 */
  SH_MINUTES_PART_LESSON_MATERIAL, /* 党课材料 (a lesson) */
  SH_MINUTES_PART_OTHER,           /* 其他事项 */
  SH_MINUTES_PART_COUNT
} ShMinutesPart;

const char *sh_minutes_part_to_string (ShMinutesPart part);
gboolean sh_minutes_part_from_string (const char *s, ShMinutesPart *out);
const char *sh_minutes_part_label (ShMinutesPart part);

/* Longest text of one part, in characters. */
#define SH_MINUTES_TEXT_MAX_CHARS 50000

/* One saved state of one part. Nothing is edited in place: every save is a
 * new revision, so the history shows who wrote what when (server time). */
typedef struct {
  gint64 id;
  gint64 meeting_id;
  ShMinutesPart part;
  gint64 motion_id; /* a resolution's motion, or 0 */
  char *text;
  gint64 base_id;     /* the revision the writer started from, or 0 */
  gint64 corrects_id; /* a correction after signing: the revision it corrects */
  gint64 author_account_id;
  gint64 saved_at;
} ShMinutesRevision;

void sh_minutes_revision_free (ShMinutesRevision *revision);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShMinutesRevision, sh_minutes_revision_free)

/* Saves @text as the new state of @part (@motion_id for a resolution, 0
 * otherwise) of meeting @meeting_id, written by @account_id at @now.
 * @base_id is the revision the writer's editor holds (0 when it held none):
 * when someone saved the part since, CONFLICT, so that the chair and the
 * recorder never overwrite each other's work unseen. Text equal to the
 * current revision's saves nothing and returns that revision (autosave).
 * STATE before the meeting started, for a cancelled meeting, and once
 * anyone has signed; INVALID for text too long or not readable, or a motion
 * of another meeting. Returns: (transfer full) the current revision. */
ShMinutesRevision *sh_minutes_save (ShStore *store, gint64 meeting_id, ShMinutesPart part,
                                    gint64 motion_id, const char *text, gint64 base_id,
                                    gint64 account_id, gint64 now, GError **error);

/* The current state: the latest revision of every part written, in part
 * order (resolutions by motion). Corrections are not in it.
 * Returns: (transfer full) (element-type ShMinutesRevision). */
GPtrArray *sh_minutes_current (ShStore *store, gint64 meeting_id, GError **error);
/* Every revision and correction of @meeting_id in the order saved.
 * Returns: (transfer full) (element-type ShMinutesRevision). */
GPtrArray *sh_minutes_history (ShStore *store, gint64 meeting_id, GError **error);

typedef enum {
  SH_MINUTES_SIGNER_RECORDER, /* 记录人 */
  SH_MINUTES_SIGNER_CHAIR,    /* 主持人 */
} ShMinutesSigner;

typedef struct {
  gint64 meeting_id;
  ShMinutesSigner signer;
  gint64 account_id;
  gint64 member_id;
  char *content_sha256; /* of the current state signed (sh_minutes_content_sha256) */
  gint64 signed_at;
} ShMinutesSignature;

void sh_minutes_signature_free (ShMinutesSignature *signature);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShMinutesSignature, sh_minutes_signature_free)

/* SHA-256 (hex) over the current state: each revision's part, motion and
 * text, in sh_minutes_current() order. Returns: (transfer full). */
char *sh_minutes_content_sha256 (ShStore *store, gint64 meeting_id, GError **error);

/* Signs the minutes of the ended meeting @meeting_id as @signer: @member_id
 * must be the meeting's chair or recorder accordingly (the caller has
 * checked the password). The first signature freezes the text; the second
 * makes the minutes final. STATE before the meeting ended, with nothing
 * written, or when @signer has signed already; INVALID for a member who is
 * not the @signer of this meeting (代签 is refused).
 * Returns: (transfer full) the signature. */
ShMinutesSignature *sh_minutes_sign (ShStore *store, gint64 meeting_id, ShMinutesSigner signer,
                                     gint64 account_id, gint64 member_id, gint64 now,
                                     GError **error);
/* The signatures given, recorder first. Returns: (transfer full) (element-type ShMinutesSignature).
 */
GPtrArray *sh_minutes_signatures (ShStore *store, gint64 meeting_id, GError **error);
/* TRUE when both have signed. */
gboolean sh_minutes_is_final (ShStore *store, gint64 meeting_id, gboolean *final, GError **error);

/* A correction of final minutes: a new entry that points at the revision
 * @corrects_id it corrects (of this meeting), never an edit. STATE unless
 * the minutes are final. Returns: (transfer full). */
ShMinutesRevision *sh_minutes_correct (ShStore *store, gint64 meeting_id, gint64 corrects_id,
                                       const char *text, gint64 account_id, gint64 now,
                                       GError **error);

G_END_DECLS
