/* The store interface, member area (member.c; import.c and the rules read
 * it too). See store-backend.h for the conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShMemberStoreOps {
  /* A new, active member with the fields of @member (checked and
   * normalized by member.c: name trimmed, blank phone and joined_on NULL).
   * A phone number another member has is a CONFLICT.
   * Returns: its id, 0 with @error set. */
  gint64 (*insert) (ShStore *store, const ShMember *member, gint64 now, GError **error);
  /* Writes every field of @member (normalized as for insert) to the member
   * @member->id. A phone number another member has is a CONFLICT. */
  gboolean (*update) (ShStore *store, const ShMember *member, gint64 now, GError **error);
  /* Ends the member's pending and accepted visits to other branches at
   * @now with @note, each end recorded in the visits' log. */
  gboolean (*end_open_visits) (ShStore *store, gint64 member_id, const char *note, gint64 now,
                               GError **error);
  /* Removes the member from every branch post and Party group. */
  gboolean (*drop_posts_and_groups) (ShStore *store, gint64 member_id, GError **error);
  /* The member @id, NULL with NOT_FOUND when there is none.
   * Returns: (transfer full) */
  ShMember *(*get) (ShStore *store, gint64 id, GError **error);
  /* The active members whose membership is in @branch_id, by name then
   * id. Returns: (transfer full) (element-type ShMember) */
  GPtrArray *(*list) (ShStore *store, gint64 branch_id, GError **error);
  /* The active migrants of other branches who take part in @branch_id, by
   * name then id. Returns: (transfer full) (element-type ShMember) */
  GPtrArray *(*list_visiting) (ShStore *store, gint64 branch_id, GError **error);
  /* Sets *@count to the active full members (留党察看 included) of
   * @branch_id. */
  gboolean (*count_full) (ShStore *store, gint64 branch_id, guint *count, GError **error);
  /* Sets *@taken to whether some member has the phone number @phone. */
  gboolean (*phone_taken) (ShStore *store, const char *phone, gboolean *taken, GError **error);
};
