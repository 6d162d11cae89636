/* Organizations: the tree of 党委, 党总支, 党支部 and 党小组.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-org.h"
#include "store-private.h"

/* Organization names are printed on minutes and reports; the schema allows
 * this many characters. */
#define ORG_NAME_MAX_CHARS 200
/* The 主题党日 is a fixed day of every month, so it must exist in February. */
#define THEMED_DAY_MAX 28
/* Real trees are a few levels deep; the bound only stops a corrupted file
 * with a parent cycle from looping forever. */
#define ORG_MAX_DEPTH 64

static const char *const kind_strings[] = { "committee", "general_branch", "branch", "group" };
static const char *const kind_labels[] = { "党委", "党总支", "党支部", "党小组" };

const char *
sh_org_kind_to_string (ShOrgKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_strings), NULL);
  return kind_strings[kind];
}

gboolean
sh_org_kind_from_string (const char *s, ShOrgKind *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  for (guint i = 0; s && i < G_N_ELEMENTS (kind_strings); i++) {
    if (strcmp (s, kind_strings[i]) == 0) {
      *out = (ShOrgKind) i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *
sh_org_kind_label (ShOrgKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_labels), NULL);
  return kind_labels[kind];
}

void
sh_org_free (ShOrg *org)
{
  if (!org)
    return;
  g_free (org->name);
  g_free (org);
}

static gboolean
validate_name (const char *name, GError **error)
{
  return sh_text_validate (name, "组织名称", ORG_NAME_MAX_CHARS, SH_TEXT_LINE, error);
}

/* The shape of the Party's organization tree: which kind may sit under
 * which. A parent of 0 means a root. */
static gboolean
check_placement (ShOrgKind kind, const ShOrg *parent, GError **error)
{
  const char *message = NULL;

  switch (kind) {
    case SH_ORG_GROUP:
      if (!parent || parent->kind != SH_ORG_BRANCH)
        message = "党小组只能设在党支部之下";
      break;
    case SH_ORG_BRANCH:
      if (parent && parent->kind != SH_ORG_COMMITTEE && parent->kind != SH_ORG_GENERAL_BRANCH)
        message = "党支部只能设在党委或党总支之下";
      break;
    case SH_ORG_GENERAL_BRANCH:
      if (parent && parent->kind != SH_ORG_COMMITTEE)
        message = "党总支只能设在党委之下";
      break;
    case SH_ORG_COMMITTEE:
      if (parent && parent->kind != SH_ORG_COMMITTEE)
        message = "党委只能设在上级党委之下";
      break;
  }
  return message ? sh_minutes_invalid (error, message) : TRUE;
}

gint64
sh_org_create (ShStore *store, gint64 parent_id, ShOrgKind kind, const char *name, GError **error)
{
  g_autoptr (ShOrg) parent = NULL;
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (store != NULL, 0);
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_strings), 0);

  if (!validate_name (name, error))
    return 0;
  if (parent_id != 0) {
    parent = sh_org_get (store, parent_id, error);
    if (!parent) {
      g_prefix_error (error, "上级组织：");
      return 0;
    }
  }
  if (!check_placement (kind, parent, error))
    return 0;
  trimmed = g_strstrip (g_strdup (name));
  return sh_store_ops (store, org)
      ->insert (store, parent_id, kind, trimmed, sh_store_now (), error);
}

gboolean
sh_org_update (ShStore *store, const ShOrg *org, GError **error)
{
  g_autofree char *trimmed = NULL;
  ShOrg changed;
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL && org != NULL, FALSE);

  if (!validate_name (org->name, error))
    return FALSE;
  if (org->themed_day < 0 || org->themed_day > THEMED_DAY_MAX) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "主题党日须为每月1日至%d日",
                 THEMED_DAY_MAX);
    return FALSE;
  }
  /* Kind and parent are fixed at creation: moving a branch would silently
   * change who inspects its past meetings. */
  trimmed = g_strstrip (g_strdup (org->name));
  changed = *org;
  changed.name = trimmed;
  if (!sh_store_ops (store, org)->update (store, &changed, &found, error))
    return FALSE;
  if (!found)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "未找到该组织");
  return TRUE;
}

ShOrg *
sh_org_get (ShStore *store, gint64 id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, org)->get (store, id, error);
}

GPtrArray *
sh_org_list_subtree (ShStore *store, gint64 root_id, GError **error)
{
  g_autoptr (GPtrArray) orgs = NULL;

  g_return_val_if_fail (store != NULL, NULL);
  orgs = sh_store_ops (store, org)->list_subtree (store, root_id, ORG_MAX_DEPTH, error);
  if (!orgs)
    return NULL;
  if (root_id != 0 && orgs->len == 0) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "未找到该组织");
    return NULL;
  }
  return g_steal_pointer (&orgs);
}

/* Used for permission checks, so a database failure answers "no" (and is
 * logged) rather than granting access. An ancestor of 0 is not an
 * organization: nothing lies within it. */
gboolean
sh_org_is_within (ShStore *store, gint64 org_id, gint64 ancestor_id)
{
  g_autoptr (GError) error = NULL;
  gboolean within = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (org_id == 0 || ancestor_id == 0)
    return FALSE;
  if (!sh_store_ops (store, org)
           ->is_within (store, org_id, ancestor_id, ORG_MAX_DEPTH, &within, &error)) {
    g_warning ("%s", error->message);
    return FALSE;
  }
  return within;
}

gint64
sh_org_branch_of (ShStore *store, gint64 org_id)
{
  g_autoptr (ShOrg) org = NULL;
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (store != NULL, 0);
  if (org_id == 0)
    return 0;
  org = sh_org_get (store, org_id, &error);
  if (!org) {
    if (!g_error_matches (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND))
      g_warning ("%s", error->message);
    return 0;
  }
  switch (org->kind) {
    case SH_ORG_BRANCH:
      return org->id;
    case SH_ORG_GROUP:
      return org->parent_id;
    case SH_ORG_COMMITTEE:
    case SH_ORG_GENERAL_BRANCH:
      break;
  }
  return 0;
}
