/* Remote ICE candidates as browsers trickle them, checked against RFC 8839's
 * grammar and rewritten for libnice.  SPDX-License-Identifier: Apache-2.0 */
#include "ice-private.h"

#include <nice/agent.h>
#include <string.h>

static const char *const candidate_types[] = { "host", "srflx", "prflx", "relay" };

/* Here rather than in ice.c, which uses this file: the dependency runs one
 * way. */
GQuark
sh_ice_error_quark (void)
{
  return g_quark_from_static_string ("sh-ice-error-quark");
}

static gboolean
bad_candidate (GError **error, const char *candidate, const char *reason)
{
  g_set_error (error, SH_ICE_ERROR, SH_ICE_ERROR_CANDIDATE, "invalid ICE candidate \"%s\": %s",
               candidate, reason);
  return FALSE;
}

static gboolean
parse_uint (const char *text, guint64 max, guint64 *out)
{
  return g_ascii_string_to_unsigned (text, 10, 0, max, out, NULL);
}

static gboolean
is_ice_char_string (const char *text)
{
  if (*text == '\0' || strlen (text) > 32)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/')
      return FALSE;
  return TRUE;
}

static gboolean
is_ip (const char *text)
{
  NiceAddress addr;
  nice_address_init (&addr);
  return nice_address_set_from_string (&addr, text);
}

static gboolean
is_one_of (const char *text, const char *const *names, guint n)
{
  for (guint i = 0; i < n; i++)
    if (strcmp (text, names[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Checks a trickled candidate against RFC 8839's grammar and rewrites it in
 * the one form libnice's parser accepts: "a=" in front, single spaces,
 * "UDP" in capitals (browsers write "udp"), no extension attributes.
 * Returns FALSE with @error, or TRUE with either @canonical set or @skip
 * set when the candidate is valid but of no use to this agent. */
gboolean
sh_ice_canonicalize_candidate (const char *candidate, char **canonical, const char **skip,
                               GError **error)
{
  g_autofree char *text = g_strstrip (g_strdup (candidate));
  const char *body = g_str_has_prefix (text, "a=") ? text + 2 : text;
  g_auto (GStrv) split = NULL;
  g_autoptr (GPtrArray) tok = g_ptr_array_new ();
  guint64 component = 0, priority = 0, port = 0, rport = 0;
  const char *raddr = NULL, *reason = NULL;

  *canonical = NULL;
  *skip = NULL;
  if (!g_str_has_prefix (body, "candidate:"))
    return bad_candidate (error, candidate, "does not start with \"candidate:\"");
  split = g_strsplit_set (body + strlen ("candidate:"), " \t", -1);
  for (guint i = 0; split[i] != NULL; i++)
    if (*split[i] != '\0')
      g_ptr_array_add (tok, split[i]);
#define TOK(i) ((const char *) g_ptr_array_index (tok, (i)))
  for (guint i = 8; i + 1 < tok->len; i += 2) {
    if (strcmp (TOK (i), "raddr") == 0)
      raddr = TOK (i + 1);
    else if (strcmp (TOK (i), "rport") == 0 && !parse_uint (TOK (i + 1), 65535, &rport))
      reason = "bad rport";
  }
  if (tok->len < 8)
    reason = "too few fields";
  else if (!is_ice_char_string (TOK (0)))
    reason = "bad foundation";
  else if (!parse_uint (TOK (1), 256, &component) || component == 0)
    reason = "bad component id";
  else if (!parse_uint (TOK (3), G_MAXUINT32, &priority) || priority == 0)
    reason = "bad priority";
  else if (!parse_uint (TOK (5), 65535, &port))
    reason = "bad port";
  else if (strcmp (TOK (6), "typ") != 0)
    reason = "\"typ\" missing";
  else if (!is_one_of (TOK (7), candidate_types, G_N_ELEMENTS (candidate_types)))
    reason = "unknown candidate type";
  else if (g_ascii_strcasecmp (TOK (2), "tcp") == 0)
    *skip = "TCP candidate";
  else if (g_ascii_strcasecmp (TOK (2), "udp") != 0)
    reason = "unknown transport";
  /* The browser's address hidden behind mDNS: resolving it would block the
   * worker and usually fails on servers anyway. Its checks arrive all the
   * same and become peer-reflexive candidates. */
  else if (g_str_has_suffix (TOK (4), ".local") || g_str_has_suffix (TOK (4), ".LOCAL"))
    *skip = "mDNS hostname";
  else if (!is_ip (TOK (4)))
    reason = "address is neither a numeric IP address nor an mDNS name";
  else if (port == 0)
    reason = "port 0 on a UDP candidate";
  else if (component != SH_ICE_COMPONENT_ID)
    *skip = "RTCP component (rtcp-mux is always used)";
  if (reason != NULL) {
    /* A bad rport is found before the checks above, which may still have
     * chosen to skip: an invalid candidate is refused, never skipped. */
    *skip = NULL;
    return bad_candidate (error, candidate, reason);
  }
  if (*skip != NULL)
    return TRUE;
  /* raddr is informational; browsers hide it as 0.0.0.0 or a name. */
  if (raddr != NULL && rport != 0 && is_ip (raddr))
    *canonical = g_strdup_printf ("a=candidate:%s %u UDP %u %s %u typ %s raddr %s rport %u",
                                  TOK (0), (guint) component, (guint) priority, TOK (4),
                                  (guint) port, TOK (7), raddr, (guint) rport);
  else
    *canonical
        = g_strdup_printf ("a=candidate:%s %u UDP %u %s %u typ %s", TOK (0), (guint) component,
                           (guint) priority, TOK (4), (guint) port, TOK (7));
#undef TOK
  return TRUE;
}
