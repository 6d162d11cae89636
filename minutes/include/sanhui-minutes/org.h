/* sanhui-minutes/org.h — part of sanhui-minutes.h: Organizations, members, migrant visits,
 * committee posts, Party groups and exclusions from the expected count. Included by
 * sanhui-minutes.h only; see its conventions. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#if !defined(SH_MINUTES_INSIDE)
#error "Include <sanhui-minutes.h>, not its parts."
#endif

G_BEGIN_DECLS

/* --------------------------------------------------------- organizations */

typedef enum {
  SH_ORG_COMMITTEE,      /* 党委 */
  SH_ORG_GENERAL_BRANCH, /* 党总支 */
  SH_ORG_BRANCH,         /* 党支部 */
  SH_ORG_GROUP,          /* 党小组 (inside a branch) */
} ShOrgKind;

const char *sh_org_kind_to_string (ShOrgKind kind); /* "committee", ... */
gboolean sh_org_kind_from_string (const char *s, ShOrgKind *out);
const char *sh_org_kind_label (ShOrgKind kind); /* "党委", ... */

typedef struct {
  gint64 id;
  gint64 parent_id; /* 0 for a root */
  ShOrgKind kind;
  char *name;
  int themed_day;                 /* day of month of the 主题党日, 0 if unset */
  gboolean online_votes_approved; /* higher organization allows admission/elections online */
} ShOrg;

void sh_org_free (ShOrg *org);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShOrg, sh_org_free)

/* Creates an organization under @parent_id. The tree is checked: a group only
 * under a branch, a branch under a committee or general branch (or as a
 * root), a general branch under a committee. Returns the new id or 0. */
gint64 sh_org_create (ShStore *store, gint64 parent_id, ShOrgKind kind, const char *name,
                      GError **error);
gboolean sh_org_update (ShStore *store, const ShOrg *org,
                        GError **error); /* name, themed_day, online_votes_approved */
ShOrg *sh_org_get (ShStore *store, gint64 id, GError **error); /* transfer full */

/* @root_id and everything below it (0: every organization), parents before
 * children. Returns: (transfer full) (element-type ShOrg). */
GPtrArray *sh_org_list_subtree (ShStore *store, gint64 root_id, GError **error);

/* TRUE when @org_id is @ancestor_id or lies below it. */
gboolean sh_org_is_within (ShStore *store, gint64 org_id, gint64 ancestor_id);

/* The branch an organization belongs to: itself for a branch, the parent for
 * a group, 0 for committees and general branches. */
gint64 sh_org_branch_of (ShStore *store, gint64 org_id);

/* --------------------------------------------------------------- members */

typedef enum {
  SH_MEMBER_FULL,         /* 正式党员 */
  SH_MEMBER_PROBATIONARY, /* 预备党员 */
} ShMemberStatus;

const char *sh_member_status_to_string (ShMemberStatus s); /* "full" / "probationary" */
gboolean sh_member_status_from_string (const char *s, ShMemberStatus *out);

typedef struct {
  gint64 id;
  gint64 branch_id; /* 组织关系所在支部 */
  char *name;
  char *phone; /* 11-digit mainland mobile number, unique, may be NULL */
  ShMemberStatus status;
  gboolean under_probation; /* 留党察看: keeps attending, has no vote */
  gboolean migrant;         /* 流动党员 */
  gint64 current_branch_id; /* for a migrant: the branch they take part in nearby; 0 if none */
  char *joined_on;          /* 入党日期, "YYYY-MM-DD" or NULL */
  gboolean active;          /* FALSE once transferred out */
} ShMember;

void sh_member_free (ShMember *member);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShMember, sh_member_free)
ShMember *sh_member_copy (const ShMember *member); /* transfer full */

/* Validates (name, phone format, branch is a branch, current branch differs
 * from home) and inserts. Returns the new id or 0. */
gint64 sh_member_create (ShStore *store, const ShMember *member, GError **error);
gboolean sh_member_update (ShStore *store, const ShMember *member, GError **error);
ShMember *sh_member_get (ShStore *store, gint64 id, GError **error); /* transfer full */

/* Active members whose home branch is @branch_id, ordered by name.
 * Returns: (transfer full) (element-type ShMember). */
GPtrArray *sh_member_list (ShStore *store, gint64 branch_id, GError **error);

/* Active migrant members from other branches who take part in @branch_id. */
GPtrArray *sh_member_list_visiting (ShStore *store, gint64 branch_id, GError **error);

/* -------------------------------------------------------- migrant visits */

/* A migrant member (流动党员) takes part in the organizational life of a
 * branch near where they live only once that branch has accepted them
 * (visit.c). ShMember.current_branch_id is the host of the one accepted
 * visit and nothing else: sh_member_create/update refuse to set it.
 * Account ids 0 in these calls mean "the system" (demo, command line). */

typedef enum {
  SH_VISIT_PENDING,  /* requested, grants nothing */
  SH_VISIT_ACCEPTED, /* the receiving branch took the member in */
  SH_VISIT_REFUSED,  /* final */
  SH_VISIT_ENDED,    /* withdrawn or ended by either side; final */
} ShVisitState;

const char *sh_visit_state_to_string (ShVisitState s); /* "pending", ... */
gboolean sh_visit_state_from_string (const char *s, ShVisitState *out);
const char *sh_visit_state_label (ShVisitState s); /* "待接收", ... */

typedef struct {
  gint64 id;
  gint64 member_id;
  gint64 home_branch_id; /* the member's branch when the visit was asked */
  gint64 host_branch_id; /* the receiving branch */
  ShVisitState state;
  char *note;          /* why, as given with the request; may be NULL */
  gint64 requested_by; /* account id, 0: the system */
  gint64 requested_at;
  gint64 decided_by; /* account that accepted or refused, 0 if none */
  gint64 decided_at;
  char *decision_note; /* why refused; may be NULL */
  gint64 ended_by;
  gint64 ended_at;
  char *end_note;
} ShVisit;

void sh_visit_free (ShVisit *visit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShVisit, sh_visit_free)

/* Asks for @member_id (active) to take part in @host_branch_id (a branch
 * other than theirs). One open (pending or accepted) visit per member:
 * CONFLICT otherwise. Returns the new id or 0. */
gint64 sh_visit_request (ShStore *store, gint64 member_id, gint64 host_branch_id, const char *note,
                         gint64 requested_by, GError **error);
/* Decides a pending visit (STATE otherwise). Nobody decides a visit they
 * asked for or that concerns their own member record (INVALID). Accepting
 * makes the member a migrant whose current branch is the host. */
gboolean sh_visit_accept (ShStore *store, gint64 visit_id, gint64 decided_by, GError **error);
gboolean sh_visit_refuse (ShStore *store, gint64 visit_id, gint64 decided_by, const char *reason,
                          GError **error);
/* Withdraws a pending visit or ends an accepted one, clearing the current
 * branch. STATE when already refused or ended. */
gboolean sh_visit_end (ShStore *store, gint64 visit_id, gint64 ended_by, const char *reason,
                       GError **error);
ShVisit *sh_visit_get (ShStore *store, gint64 id, GError **error); /* transfer full */
/* Visits into (@incoming) or out of @branch_id, newest first, at most
 * @limit (0: all). Returns: (transfer full) (element-type ShVisit). */
GPtrArray *sh_visit_list_for_branch (ShStore *store, gint64 branch_id, gboolean incoming,
                                     guint limit, GError **error);
/* Every visit of @member_id, newest first. Returns: (transfer full). */
GPtrArray *sh_visit_list_for_member (ShStore *store, gint64 member_id, GError **error);

/* ------------------------------------------------------ committee posts */

typedef enum {
  SH_POST_SECRETARY,        /* 书记 */
  SH_POST_DEPUTY_SECRETARY, /* 副书记 */
  SH_POST_ORGANIZATION,     /* 组织委员 */
  SH_POST_PROPAGANDA,       /* 宣传委员 */
  SH_POST_DISCIPLINE,       /* 纪检委员 */
  SH_POST_COMMITTEE_MEMBER, /* 委员 (other duties) */
} ShPost;

const char *sh_post_to_string (ShPost post);
gboolean sh_post_from_string (const char *s, ShPost *out);
const char *sh_post_label (ShPost post);

typedef struct {
  gint64 branch_id;
  gint64 member_id;
  ShPost post;
} ShPostHolder;

/* A member of @branch_id takes a post. One secretary per branch; the posts
 * other than secretary and deputy need a branch with a committee. */
gboolean sh_post_assign (ShStore *store, gint64 branch_id, gint64 member_id, ShPost post,
                         GError **error);
gboolean sh_post_remove (ShStore *store, gint64 branch_id, gint64 member_id, ShPost post,
                         GError **error);
/* Returns: (transfer full) (element-type ShPostHolder). */
GPtrArray *sh_post_list (ShStore *store, gint64 branch_id, GError **error);

/* --------------------------------------------------------- Party groups */

typedef struct {
  gint64 group_id;
  gint64 member_id;
  gboolean leader; /* 组长 */
} ShGroupMembership;

/* The member must belong to the group's branch; one leader per group. */
gboolean sh_group_add_member (ShStore *store, gint64 group_id, gint64 member_id, gboolean leader,
                              GError **error);
gboolean sh_group_remove_member (ShStore *store, gint64 group_id, gint64 member_id, GError **error);
/* Returns: (transfer full) (element-type ShGroupMembership). */
GPtrArray *sh_group_list_members (ShStore *store, gint64 group_id, GError **error);

/* ----------------------------------------- exclusions from expected count */

typedef enum {
  SH_EXCLUSION_ILLNESS,   /* 长期患病 */
  SH_EXCLUSION_ABROAD,    /* 出国（境）半年以上 */
  SH_EXCLUSION_SENTENCE,  /* 服刑 */
  SH_EXCLUSION_BEDRIDDEN, /* 卧床不起 */
  SH_EXCLUSION_AWAY,      /* 外出半年以上未转组织关系 */
} ShExclusionReason;

const char *sh_exclusion_reason_to_string (ShExclusionReason r);
gboolean sh_exclusion_reason_from_string (const char *s, ShExclusionReason *out);
const char *sh_exclusion_reason_label (ShExclusionReason r);

typedef struct {
  gint64 id;
  gint64 member_id;
  ShExclusionReason reason;
  char *approver; /* who approved, as written on the approval */
  char *note;     /* may be NULL */
  gint64 starts_at;
  gint64 ends_at;     /* 0: open-ended */
  gint64 recorded_by; /* account id */
} ShExclusion;

void sh_exclusion_free (ShExclusion *exclusion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShExclusion, sh_exclusion_free)

gint64 sh_exclusion_create (ShStore *store, const ShExclusion *exclusion, GError **error);
/* Returns: (transfer full) (element-type ShExclusion). */
GPtrArray *sh_exclusion_list (ShStore *store, gint64 member_id, GError **error);
gboolean sh_member_is_excluded_at (ShStore *store, gint64 member_id, gint64 at);

G_END_DECLS
