/* The derived rules as pure functions over the records they are given
 * (rules.c): no store, no I/O, so that they can be tested on plain data
 * and read in one place. rules-store.c fetches the records through the
 * store interface for the public sh_rules_*() functions that take a
 * store. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sanhui-minutes.h"

/* The branch whose roster a meeting of @type held by @org draws on.
 * Returns: its id, or 0 with INVALID when @org cannot hold such a meeting. */
gint64 sh_rules_attendee_branch (ShMeetingType type, const ShOrg *org, GError **error);

/* Whether a meeting of @type expects only part of its branch's roster:
 * the committee (the post holders) or the group's own members. */
gboolean sh_rules_attendees_narrowed (ShMeetingType type);

/* The members a meeting of @type expects, in @roster's order: the whole
 * @roster (the active members of the branch sh_rules_attendee_branch()
 * named), or for a narrowed type only those in @post_holders
 * (ShPostHolder, committee meetings) or @group_members (ShGroupMembership,
 * group meetings). Members who linger in a post or group after a transfer
 * are not in the roster, so not expected.
 * Returns: (transfer full) (element-type ShMember) copies. */
GPtrArray *sh_rules_select_attendees (ShMeetingType type, GPtrArray *roster,
                                      GPtrArray *post_holders, GPtrArray *group_members);

/* Whether one of @exclusions (ShExclusion) keeps its member out of the
 * expected count at @at. A period is half-open, [starts_at, ends_at), and
 * an ends_at of 0 leaves it open. */
gboolean sh_rules_excluded_at (GPtrArray *exclusions, gint64 at);
