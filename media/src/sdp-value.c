/* SDP attribute values that parse on their own, without the line context:
 * numbers, tokens, fingerprints, candidates, rids and simulcast lists.
 * Errors carry no line number; sdp.c adds it.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sdp-private.h"

#include <string.h>

/* Strict decimal: digits only, no sign, no spaces, at most MAX. */
gboolean
sh_sdp_parse_uint (const char *text, guint64 max, guint64 *out)
{
  guint64 value = 0;

  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *c = text; *c != '\0'; c++) {
    guint64 digit = (guint64) (*c - '0');

    if (!g_ascii_isdigit (*c))
      return FALSE;
    /* Exact: every value up to G_MAXUINT64 is accepted when MAX allows. */
    if (value > (G_MAXUINT64 - digit) / 10)
      return FALSE;
    value = value * 10 + digit;
    if (value > max)
      return FALSE;
  }
  *out = value;
  return TRUE;
}

/* Splits on spaces and tabs, dropping empty tokens.
 * Returns: (transfer full) a NULL-terminated vector. */
GStrv
sh_sdp_split_tokens (const char *value)
{
  GPtrArray *tokens = g_ptr_array_new ();
  const char *c = value != NULL ? value : "";

  while (*c != '\0') {
    while (*c == ' ' || *c == '\t')
      c++;
    const char *start = c;
    while (*c != '\0' && *c != ' ' && *c != '\t')
      c++;
    if (c > start)
      g_ptr_array_add (tokens, g_strndup (start, (gsize) (c - start)));
  }
  g_ptr_array_add (tokens, NULL);
  return (GStrv) g_ptr_array_free (tokens, FALSE);
}

/* ---------------------------------------------------- standalone values */

static guint
fingerprint_length (const char *hash)
{
  static const struct {
    const char *name;
    guint length;
  } known[] = {
    { "sha-1", 20 },   { "sha-224", 28 }, { "sha-256", 32 }, { "sha-384", 48 },
    { "sha-512", 64 }, { "md5", 16 },     { "md2", 16 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_ascii_strcasecmp (hash, known[i].name) == 0)
      return known[i].length;
  return 0;
}

ShSdpFingerprint *
sh_sdp_fingerprint_parse (const char *value, GError **error)
{
  g_auto (GStrv) tokens = sh_sdp_split_tokens (value);
  g_autoptr (ShSdpFingerprint) fingerprint = g_new0 (ShSdpFingerprint, 1);

  if (g_strv_length (tokens) != 2) {
    g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_FINGERPRINT,
                 "a=fingerprint needs a hash function and a value");
    return NULL;
  }
  fingerprint->hash = g_strdup (tokens[0]);
  /* RFC 8122 5: pairs of hex digits separated by colons. */
  const char *c = tokens[1];
  for (;;) {
    if (!g_ascii_isxdigit (c[0]) || !g_ascii_isxdigit (c[1])) {
      g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_FINGERPRINT,
                   "a=fingerprint value \"%s\" is not colon-separated hex bytes", tokens[1]);
      return NULL;
    }
    if (fingerprint->length == sizeof fingerprint->value) {
      g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_FINGERPRINT,
                   "a=fingerprint value is longer than %zu bytes", sizeof fingerprint->value);
      return NULL;
    }
    fingerprint->value[fingerprint->length++]
        = (guint8) (g_ascii_xdigit_value (c[0]) << 4 | g_ascii_xdigit_value (c[1]));
    c += 2;
    if (*c == '\0')
      break;
    if (*c != ':') {
      g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_FINGERPRINT,
                   "a=fingerprint value \"%s\" is not colon-separated hex bytes", tokens[1]);
      return NULL;
    }
    c++;
  }
  guint expected = fingerprint_length (fingerprint->hash);
  if (expected != 0 && fingerprint->length != expected) {
    g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_FINGERPRINT,
                 "%s fingerprint has %zu bytes, expected %u", fingerprint->hash,
                 fingerprint->length, expected);
    return NULL;
  }
  return g_steal_pointer (&fingerprint);
}

ShSdpCandidate *
sh_sdp_candidate_parse (const char *value, GError **error)
{
  if (g_str_has_prefix (value, "candidate:"))
    value += strlen ("candidate:");
  g_auto (GStrv) tokens = sh_sdp_split_tokens (value);
  guint n = g_strv_length (tokens);
  guint64 number;

  /* RFC 8839 5.1: foundation component transport priority address port
   * "typ" type, then name/value pairs. */
  if (n < 8 || strcmp (tokens[6], "typ") != 0) {
    g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_SYNTAX,
                 "a=candidate needs \"foundation component transport priority address port typ "
                 "type\"");
    return NULL;
  }
  g_autoptr (ShSdpCandidate) candidate = g_new0 (ShSdpCandidate, 1);
  candidate->text = g_strdup (value);
  candidate->foundation = g_strdup (tokens[0]);
  if (!sh_sdp_parse_uint (tokens[1], 256, &number) || number == 0) {
    g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_VALUE,
                 "candidate component \"%s\" is not a number 1-256", tokens[1]);
    return NULL;
  }
  candidate->component = (guint) number;
  candidate->transport = g_strdup (tokens[2]);
  if (!sh_sdp_parse_uint (tokens[3], G_MAXUINT32, &number)) {
    g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_VALUE,
                 "candidate priority \"%s\" is not a 32-bit number", tokens[3]);
    return NULL;
  }
  candidate->priority = (guint32) number;
  candidate->address = g_strdup (tokens[4]);
  if (!sh_sdp_parse_uint (tokens[5], 65535, &number)) {
    g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_VALUE,
                 "candidate port \"%s\" is not a number 0-65535", tokens[5]);
    return NULL;
  }
  candidate->port = (guint) number;
  candidate->type = g_strdup (tokens[7]);
  for (guint i = 8; i + 1 < n; i += 2) {
    if (strcmp (tokens[i], "raddr") == 0) {
      g_free (candidate->raddr);
      candidate->raddr = g_strdup (tokens[i + 1]);
    } else if (strcmp (tokens[i], "rport") == 0) {
      if (!sh_sdp_parse_uint (tokens[i + 1], 65535, &number)) {
        g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_VALUE,
                     "candidate rport \"%s\" is not a number 0-65535", tokens[i + 1]);
        return NULL;
      }
      candidate->rport = (guint) number;
    }
  }
  /* Browsers hide private addresses behind mDNS names (RFC 6762 .local);
   * such a candidate needs resolving before it can be paired. */
  gsize len = strlen (candidate->address);
  candidate->mdns = len > 6 && g_ascii_strcasecmp (candidate->address + len - 6, ".local") == 0;
  return g_steal_pointer (&candidate);
}

/* Here rather than with the model in sdp-write.c: this file uses the
 * model, not the other way round. */
gboolean
sh_sdp_media_add_candidate (ShSdpMedia *media, const char *line, GError **error)
{
  if (g_str_has_prefix (line, "a="))
    line += 2;
  ShSdpCandidate *candidate = sh_sdp_candidate_parse (line, error);
  if (candidate == NULL)
    return FALSE;
  g_ptr_array_add (media->candidates, candidate);
  return TRUE;
}

ShSdpRid *
sh_sdp_rid_parse (const ShSdpMedia *media, const char *value, GError **error)
{
  g_auto (GStrv) tokens = sh_sdp_split_tokens (value);

  if (tokens[0] == NULL || tokens[1] == NULL || (tokens[2] != NULL && tokens[3] != NULL)) {
    g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_SYNTAX, "a=rid needs \"id send|recv [params]\"");
    return NULL;
  }
  g_autoptr (ShSdpRid) rid = g_new0 (ShSdpRid, 1);
  rid->id = g_strdup (tokens[0]);
  rid->payload_types = g_array_new (FALSE, FALSE, sizeof (guint8));
  rid->params = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_sdp_attribute_free);
  if (strcmp (tokens[1], "send") == 0) {
    rid->direction = SH_SDP_RID_SEND;
  } else if (strcmp (tokens[1], "recv") == 0) {
    rid->direction = SH_SDP_RID_RECV;
  } else {
    g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_SYNTAX,
                 "a=rid direction \"%s\" is not send or recv", tokens[1]);
    return NULL;
  }

  /* RFC 8851 4: restrictions separated by ';', pt= lists separated by ','. */
  g_auto (GStrv) params = tokens[2] != NULL ? g_strsplit (tokens[2], ";", -1) : NULL;
  for (guint i = 0; params != NULL && params[i] != NULL; i++) {
    char *equals = strchr (params[i], '=');
    if (equals != NULL)
      *equals = '\0';
    if (*params[i] == '\0') {
      g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_SYNTAX, "a=rid has an empty parameter");
      return NULL;
    }
    const char *param_value = equals != NULL ? equals + 1 : NULL;
    if (strcmp (params[i], "pt") == 0) {
      g_auto (GStrv) pts = g_strsplit (param_value != NULL ? param_value : "", ",", -1);
      for (guint j = 0; pts[j] != NULL; j++) {
        guint64 pt;
        if (!sh_sdp_parse_uint (pts[j], 127, &pt)
            || sh_sdp_media_find_codec (media, (guint) pt) == NULL) {
          g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_PAYLOAD,
                       "a=rid pt \"%s\" is not a payload type of the m= line", pts[j]);
          return NULL;
        }
        guint8 byte = (guint8) pt;
        g_array_append_val (rid->payload_types, byte);
      }
    }
    g_ptr_array_add (rid->params, sh_sdp_attribute_new (params[i], param_value));
  }
  return g_steal_pointer (&rid);
}

static void
free_alternatives (gpointer data)
{
  g_ptr_array_unref (data);
}

static void
simulcast_rid_free (gpointer data)
{
  ShSdpSimulcastRid *rid = data;
  g_free (rid->rid);
  g_free (rid);
}

/* "q;h,x;~f": streams separated by ';', alternatives by ','. Returns NULL
 * when a rid is empty. */
static GPtrArray *
parse_simulcast_list (const char *text)
{
  g_autoptr (GPtrArray) streams = g_ptr_array_new_with_free_func (free_alternatives);
  g_auto (GStrv) stream_texts = g_strsplit (text, ";", -1);

  for (guint i = 0; stream_texts[i] != NULL; i++) {
    GPtrArray *alternatives = g_ptr_array_new_with_free_func (simulcast_rid_free);
    g_ptr_array_add (streams, alternatives);
    g_auto (GStrv) names = g_strsplit (stream_texts[i], ",", -1);
    for (guint j = 0; names[j] != NULL; j++) {
      const char *name = names[j];
      gboolean paused = name[0] == '~';
      if (paused)
        name++;
      if (*name == '\0')
        return NULL;
      ShSdpSimulcastRid *rid = g_new0 (ShSdpSimulcastRid, 1);
      rid->rid = g_strdup (name);
      rid->paused = paused;
      g_ptr_array_add (alternatives, rid);
    }
    if (alternatives->len == 0)
      return NULL;
  }
  return g_steal_pointer (&streams);
}

GPtrArray *
sh_sdp_simulcast_list_new (void)
{
  return g_ptr_array_new_with_free_func (free_alternatives);
}

void
sh_sdp_simulcast_list_add (GPtrArray *list, const char *rid, gboolean paused)
{
  GPtrArray *alternatives = g_ptr_array_new_with_free_func (simulcast_rid_free);
  ShSdpSimulcastRid *entry = g_new0 (ShSdpSimulcastRid, 1);
  entry->rid = g_strdup (rid);
  entry->paused = paused;
  g_ptr_array_add (alternatives, entry);
  g_ptr_array_add (list, alternatives);
}

ShSdpSimulcast *
sh_sdp_simulcast_parse (const char *value, GError **error)
{
  g_auto (GStrv) tokens = sh_sdp_split_tokens (value);
  guint n = g_strv_length (tokens);

  if (n != 2 && n != 4) {
    g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_SYNTAX,
                 "a=simulcast needs \"send|recv list\" pairs");
    return NULL;
  }
  g_autoptr (ShSdpSimulcast) simulcast = g_new0 (ShSdpSimulcast, 1);
  for (guint i = 0; i < n; i += 2) {
    GPtrArray **list;
    if (strcmp (tokens[i], "send") == 0) {
      list = &simulcast->send;
    } else if (strcmp (tokens[i], "recv") == 0) {
      list = &simulcast->recv;
      simulcast->recv_first = i == 0;
    } else {
      g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_SYNTAX,
                   "a=simulcast direction \"%s\" is not send or recv", tokens[i]);
      return NULL;
    }
    if (*list != NULL) {
      g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_SYNTAX, "a=simulcast lists \"%s\" twice",
                   tokens[i]);
      return NULL;
    }
    *list = parse_simulcast_list (tokens[i + 1]);
    if (*list == NULL) {
      g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_SYNTAX,
                   "a=simulcast list \"%s\" has an empty rid", tokens[i + 1]);
      return NULL;
    }
  }
  if (simulcast->send == NULL)
    simulcast->send = sh_sdp_simulcast_list_new ();
  if (simulcast->recv == NULL)
    simulcast->recv = sh_sdp_simulcast_list_new ();
  return g_steal_pointer (&simulcast);
}
