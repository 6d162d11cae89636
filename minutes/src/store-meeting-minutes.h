/* The store interface, meeting minutes area (meeting-minutes.c): revisions
 * of the parts people write, signatures, corrections; all append-only. See
 * store-backend.h for the conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShMeetingMinutesStoreOps {
  /* Stores @revision (checked by meeting-minutes.c); sets its id. */
  gboolean (*insert_revision) (ShStore *store, ShMinutesRevision *revision, GError **error);
  /* The latest revision (not a correction) of @part / @motion_id, or NULL
   * with *@found FALSE and no error. Returns: (transfer full) */
  ShMinutesRevision *(*latest) (ShStore *store, gint64 meeting_id, ShMinutesPart part,
                                gint64 motion_id, gboolean *found, GError **error);
  /* One revision by id, or NULL with *@found FALSE. Returns: (transfer full) */
  ShMinutesRevision *(*get_revision) (ShStore *store, gint64 id, gboolean *found, GError **error);
  /* The latest revision of every part and motion, in part then motion
   * order. Returns: (transfer full) (element-type ShMinutesRevision) */
  GPtrArray *(*current) (ShStore *store, gint64 meeting_id, GError **error);
  /* Every revision and correction by id. Returns: (transfer full) */
  GPtrArray *(*history) (ShStore *store, gint64 meeting_id, GError **error);
  /* Stores @signature; CONFLICT when its signer has signed this meeting. */
  gboolean (*insert_signature) (ShStore *store, const ShMinutesSignature *signature,
                                GError **error);
  /* Signatures of @meeting_id, recorder first. Returns: (transfer full) */
  GPtrArray *(*signatures) (ShStore *store, gint64 meeting_id, GError **error);
};
