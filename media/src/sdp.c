/* SDP parser: text from the signaling channel to the model in sdp.h.
 *
 * The parser is pure and bounded: it checks the whole input's size,
 * encoding and line lengths before building anything, then reads one line
 * at a time into the model, and finally checks what only the whole text
 * can tell (mids named by groups exist, every live m-section has ICE
 * credentials). Errors name the 1-based line number.
 *
 * SPDX-License-Identifier: Apache-2.0 */
#include "sdp-private.h"

#include <string.h>

typedef struct {
  ShSdp *sdp;         /* the model being built, owned by sh_sdp_parse */
  ShSdpMedia *media;  /* borrowed: the current m-section, NULL at session level */
  guint lineno;       /* of the line being parsed */
  GArray *media_line; /* guint: line number of each m= */
  GArray *group_line; /* guint: line number of each a=group */
  gboolean seen_o, seen_s, seen_t;
} Parser;

static gboolean G_GNUC_PRINTF (4, 5)
    fail (const Parser *p, GError **error, ShSdpError code, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SH_SDP_ERROR, code, "line %u: %s", p->lineno, message);
  return FALSE;
}

static void
replace_string (char **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static ShSdpDirection
parse_direction (const char *name)
{
  if (g_strcmp0 (name, "sendrecv") == 0)
    return SH_SDP_DIRECTION_SENDRECV;
  if (g_strcmp0 (name, "sendonly") == 0)
    return SH_SDP_DIRECTION_SENDONLY;
  if (g_strcmp0 (name, "recvonly") == 0)
    return SH_SDP_DIRECTION_RECVONLY;
  if (g_strcmp0 (name, "inactive") == 0)
    return SH_SDP_DIRECTION_INACTIVE;
  return SH_SDP_DIRECTION_NONE;
}

/* ----------------------------------------------------- session lines */

static gboolean
parse_origin (Parser *p, const char *value, GError **error)
{
  g_auto (GStrv) tokens = sh_sdp_split_tokens (value);
  ShSdpOrigin *o = &p->sdp->origin;
  guint64 number;

  if (g_strv_length (tokens) != 6)
    return fail (p, error, SH_SDP_ERROR_SYNTAX,
                 "o= needs \"username sess-id sess-version nettype addrtype address\"");
  if (!sh_sdp_parse_uint (tokens[1], G_MAXUINT64, &number))
    return fail (p, error, SH_SDP_ERROR_VALUE, "o= session id \"%s\" is not a number", tokens[1]);
  if (!sh_sdp_parse_uint (tokens[2], G_MAXUINT64, &o->session_version))
    return fail (p, error, SH_SDP_ERROR_VALUE, "o= session version \"%s\" is not a number",
                 tokens[2]);
  o->username = g_strdup (tokens[0]);
  o->session_id = g_strdup (tokens[1]);
  o->nettype = g_strdup (tokens[3]);
  o->addrtype = g_strdup (tokens[4]);
  o->address = g_strdup (tokens[5]);
  return TRUE;
}

static gboolean
parse_media_line (Parser *p, const char *value, GError **error)
{
  g_auto (GStrv) tokens = sh_sdp_split_tokens (value);
  guint n = g_strv_length (tokens);
  guint64 port, count = 0;

  if (!p->seen_s || !p->seen_t)
    return fail (p, error, SH_SDP_ERROR_MISSING, "m= before the session's %s line",
                 p->seen_s ? "t=" : "s=");
  if (p->sdp->media->len >= SH_SDP_MAX_MEDIA)
    return fail (p, error, SH_SDP_ERROR_TOO_LARGE, "more than %d m-sections", SH_SDP_MAX_MEDIA);
  if (n < 4)
    return fail (p, error, SH_SDP_ERROR_SYNTAX, "m= needs \"media port proto format...\"");
  if (n - 3 > SH_SDP_MAX_CODECS)
    return fail (p, error, SH_SDP_ERROR_TOO_LARGE, "more than %d formats in one m= line",
                 SH_SDP_MAX_CODECS);

  char *slash = strchr (tokens[1], '/');
  if (slash != NULL) {
    *slash = '\0';
    if (!sh_sdp_parse_uint (slash + 1, 65535, &count) || count == 0)
      return fail (p, error, SH_SDP_ERROR_VALUE, "m= port count \"%s\" is not a number 1-65535",
                   slash + 1);
  }
  if (!sh_sdp_parse_uint (tokens[1], 65535, &port))
    return fail (p, error, SH_SDP_ERROR_VALUE, "m= port \"%s\" is not a number 0-65535", tokens[1]);

  ShSdpMedia *media = sh_sdp_media_new (tokens[0], (guint) port, tokens[2]);
  media->port_count = (guint) count;
  g_ptr_array_add (p->sdp->media, media);
  g_array_append_val (p->media_line, p->lineno);
  p->media = media;

  for (guint i = 3; i < n; i++) {
    guint64 pt;
    if (!media->rtp) {
      g_ptr_array_add (media->formats, g_strdup (tokens[i]));
      continue;
    }
    if (!sh_sdp_parse_uint (tokens[i], 127, &pt))
      return fail (p, error, SH_SDP_ERROR_PAYLOAD, "payload type \"%s\" is not a number 0-127",
                   tokens[i]);
    if (sh_sdp_media_find_codec (media, (guint) pt) != NULL)
      return fail (p, error, SH_SDP_ERROR_PAYLOAD,
                   "payload type %u is listed twice in m=", (guint) pt);
    g_ptr_array_add (media->codecs, sh_sdp_codec_new ((guint8) pt, NULL, 0, 0, NULL));
  }
  return TRUE;
}

static gboolean
parse_setup (Parser *p, const char *value, ShSdpSetup *out, GError **error)
{
  static const char *const names[] = { "actpass", "active", "passive", "holdconn" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    if (g_strcmp0 (value, names[i]) == 0) {
      *out = (ShSdpSetup) (SH_SDP_SETUP_ACTPASS + i);
      return TRUE;
    }
  }
  return fail (p, error, SH_SDP_ERROR_SYNTAX,
               "a=setup value \"%s\" is not one of actpass, "
               "active, passive, holdconn",
               value != NULL ? value : "");
}

static gboolean
parse_fingerprint (Parser *p, const char *value, GPtrArray *into, GError **error)
{
  ShSdpFingerprint *fingerprint = sh_sdp_fingerprint_parse (value, error);
  if (fingerprint == NULL) {
    g_prefix_error (error, "line %u: ", p->lineno);
    return FALSE;
  }
  g_ptr_array_add (into, fingerprint);
  return TRUE;
}

/* Transport attributes valid at both levels. Returns TRUE when NAME was
 * one of them; *ok says whether it parsed. */
static gboolean
parse_transport_attribute (Parser *p, const char *name, const char *value, char **ufrag, char **pwd,
                           char **options, GPtrArray *fingerprints, ShSdpSetup *setup, gboolean *ok,
                           GError **error)
{
  char **field = NULL;

  *ok = TRUE;
  if (strcmp (name, "ice-ufrag") == 0)
    field = ufrag;
  else if (strcmp (name, "ice-pwd") == 0)
    field = pwd;
  else if (strcmp (name, "ice-options") == 0)
    field = options;
  else if (strcmp (name, "fingerprint") == 0)
    *ok = parse_fingerprint (p, value, fingerprints, error);
  else if (strcmp (name, "setup") == 0)
    *ok = parse_setup (p, value, setup, error);
  else
    return FALSE;

  if (field != NULL) {
    /* ice-options is a list of tags separated by spaces (RFC 8839 section
     * 5.6), e.g. Chromium's "trickle renomination"; ufrag and pwd are one
     * token each. */
    if (value == NULL || *value == '\0' || value[0] == ' ' || g_str_has_suffix (value, " "))
      *ok = fail (p, error, SH_SDP_ERROR_SYNTAX, "a=%s needs a value without spaces around it",
                  name);
    else if (field != options && strchr (value, ' ') != NULL)
      *ok = fail (p, error, SH_SDP_ERROR_SYNTAX, "a=%s needs a value without spaces", name);
    else
      replace_string (field, value);
  }
  return TRUE;
}

static gboolean
parse_session_attribute (Parser *p, const char *name, const char *value, GError **error)
{
  ShSdp *sdp = p->sdp;
  gboolean ok;

  if (parse_transport_attribute (p, name, value, &sdp->ice_ufrag, &sdp->ice_pwd, &sdp->ice_options,
                                 sdp->fingerprints, &sdp->setup, &ok, error))
    return ok;

  if (strcmp (name, "group") == 0 && value != NULL) {
    g_auto (GStrv) tokens = sh_sdp_split_tokens (value);
    if (tokens[0] == NULL)
      return fail (p, error, SH_SDP_ERROR_SYNTAX, "a=group needs a semantics");
    ShSdpGroup *group = sh_sdp_group_new (tokens[0]);
    for (guint i = 1; tokens[i] != NULL; i++)
      g_ptr_array_add (group->mids, g_strdup (tokens[i]));
    g_ptr_array_add (sdp->groups, group);
    g_array_append_val (p->group_line, p->lineno);
  } else if (strcmp (name, "msid-semantic") == 0 && value != NULL) {
    /* Chromium writes "msid-semantic: WMS ...", others without the space. */
    replace_string (&sdp->msid_semantic, g_strchug ((char *) value));
  } else if (strcmp (name, "extmap-allow-mixed") == 0 && value == NULL) {
    sdp->extmap_allow_mixed = TRUE;
  } else if (strcmp (name, "ice-lite") == 0 && value == NULL) {
    sdp->ice_lite = TRUE;
  } else if (value == NULL && parse_direction (name) != SH_SDP_DIRECTION_NONE) {
    sdp->direction = parse_direction (name);
  } else {
    g_ptr_array_add (sdp->attributes, sh_sdp_attribute_new (name, value));
  }
  return TRUE;
}

/* ------------------------------------------------------- media attributes */

/* Reads the "PT rest" form of rtpmap/fmtp/rtcp-fb. Returns the codec the
 * payload type names, which must be in the m= line. */
static ShSdpCodec *
codec_for (Parser *p, const char *name, const char *value, const char **rest, GError **error)
{
  const char *space = value != NULL ? strchr (value, ' ') : NULL;
  guint64 pt;

  if (space == NULL || space[1] == '\0') {
    fail (p, error, SH_SDP_ERROR_SYNTAX, "a=%s needs \"payload-type value\"", name);
    return NULL;
  }
  g_autofree char *pt_text = g_strndup (value, (gsize) (space - value));
  if (!sh_sdp_parse_uint (pt_text, 127, &pt)) {
    fail (p, error, SH_SDP_ERROR_PAYLOAD, "a=%s payload type \"%s\" is not a number 0-127", name,
          pt_text);
    return NULL;
  }
  ShSdpCodec *codec = sh_sdp_media_find_codec (p->media, (guint) pt);
  if (codec == NULL) {
    fail (p, error, SH_SDP_ERROR_PAYLOAD, "a=%s for payload type %u, which is not in the m= line",
          name, (guint) pt);
    return NULL;
  }
  *rest = space + 1;
  return codec;
}

static gboolean
parse_rtpmap (Parser *p, const char *value, GError **error)
{
  const char *encoding;
  ShSdpCodec *codec = codec_for (p, "rtpmap", value, &encoding, error);
  guint64 clock_rate, channels = 0;

  if (codec == NULL)
    return FALSE;
  if (codec->name != NULL)
    return fail (p, error, SH_SDP_ERROR_PAYLOAD, "second a=rtpmap for payload type %u", codec->pt);
  g_auto (GStrv) parts = g_strsplit (encoding, "/", 4);
  guint n = g_strv_length (parts);
  if (n < 2 || n > 3 || *parts[0] == '\0' || strchr (parts[0], ' ') != NULL)
    return fail (p, error, SH_SDP_ERROR_SYNTAX, "a=rtpmap needs \"name/clock-rate[/channels]\"");
  if (!sh_sdp_parse_uint (parts[1], G_MAXUINT32, &clock_rate) || clock_rate == 0)
    return fail (p, error, SH_SDP_ERROR_VALUE, "a=rtpmap clock rate \"%s\" is not a number",
                 parts[1]);
  if (n == 3 && (!sh_sdp_parse_uint (parts[2], 255, &channels) || channels == 0))
    return fail (p, error, SH_SDP_ERROR_VALUE, "a=rtpmap channels \"%s\" is not a number 1-255",
                 parts[2]);
  codec->name = g_strdup (parts[0]);
  codec->clock_rate = (guint) clock_rate;
  codec->channels = (guint) channels;
  return TRUE;
}

static gboolean
parse_extmap (Parser *p, const char *value, GError **error)
{
  g_auto (GStrv) tokens = sh_sdp_split_tokens (value);
  ShSdpDirection direction = SH_SDP_DIRECTION_NONE;
  guint64 id;

  if (tokens[0] == NULL || tokens[1] == NULL)
    return fail (p, error, SH_SDP_ERROR_SYNTAX, "a=extmap needs \"id[/direction] uri\"");
  char *slash = strchr (tokens[0], '/');
  if (slash != NULL) {
    *slash = '\0';
    direction = parse_direction (slash + 1);
    if (direction == SH_SDP_DIRECTION_NONE)
      return fail (p, error, SH_SDP_ERROR_SYNTAX, "a=extmap direction \"%s\" is not valid",
                   slash + 1);
  }
  /* RFC 8285 5: 1-14 for one-byte headers, up to 255 for two-byte ones. */
  if (!sh_sdp_parse_uint (tokens[0], 255, &id) || id == 0)
    return fail (p, error, SH_SDP_ERROR_VALUE, "a=extmap id \"%s\" is not a number 1-255",
                 tokens[0]);
  ShSdpExtmap *extmap = sh_sdp_extmap_new ((guint) id, tokens[1]);
  extmap->direction = direction;
  if (tokens[2] != NULL) {
    g_autofree char *extra = g_strjoinv (" ", tokens + 2);
    extmap->extra = g_steal_pointer (&extra);
  }
  g_ptr_array_add (p->media->extmaps, extmap);
  return TRUE;
}

static gboolean
parse_ssrc_number (Parser *p, const char *text, guint32 *out, GError **error)
{
  guint64 number;
  if (!sh_sdp_parse_uint (text, G_MAXUINT32, &number))
    return fail (p, error, SH_SDP_ERROR_VALUE, "ssrc \"%s\" is not a 32-bit number", text);
  *out = (guint32) number;
  return TRUE;
}

static gboolean
parse_ssrc (Parser *p, const char *value, GError **error)
{
  const char *space = value != NULL ? strchr (value, ' ') : NULL;
  guint32 number = 0;
  ShSdpSsrc *ssrc = NULL;

  if (space == NULL || space[1] == '\0')
    return fail (p, error, SH_SDP_ERROR_SYNTAX, "a=ssrc needs \"ssrc attribute[:value]\"");
  g_autofree char *ssrc_text = g_strndup (value, (gsize) (space - value));
  if (!parse_ssrc_number (p, ssrc_text, &number, error))
    return FALSE;
  for (guint i = 0; i < p->media->ssrcs->len && ssrc == NULL; i++) {
    ShSdpSsrc *candidate = g_ptr_array_index (p->media->ssrcs, i);
    if (candidate->ssrc == number)
      ssrc = candidate;
  }
  if (ssrc == NULL) {
    ssrc = sh_sdp_ssrc_new (number, NULL, NULL);
    g_ptr_array_add (p->media->ssrcs, ssrc);
  }
  g_autofree char *attribute = g_strdup (space + 1);
  char *colon = strchr (attribute, ':');
  if (colon != NULL)
    *colon = '\0';
  const char *attribute_value = colon != NULL ? colon + 1 : NULL;
  if (strcmp (attribute, "cname") == 0 && ssrc->cname == NULL && attribute_value != NULL)
    ssrc->cname = g_strdup (attribute_value);
  else if (strcmp (attribute, "msid") == 0 && ssrc->msid == NULL && attribute_value != NULL)
    ssrc->msid = g_strdup (attribute_value);
  else
    g_ptr_array_add (ssrc->attributes, sh_sdp_attribute_new (attribute, attribute_value));
  return TRUE;
}

static gboolean
parse_ssrc_group (Parser *p, const char *value, GError **error)
{
  g_auto (GStrv) tokens = sh_sdp_split_tokens (value);

  if (tokens[0] == NULL || tokens[1] == NULL)
    return fail (p, error, SH_SDP_ERROR_SYNTAX, "a=ssrc-group needs \"semantics ssrc...\"");
  g_autoptr (ShSdpSsrcGroup) group = sh_sdp_ssrc_group_new (tokens[0]);
  for (guint i = 1; tokens[i] != NULL; i++) {
    guint32 number = 0;
    if (!parse_ssrc_number (p, tokens[i], &number, error))
      return FALSE;
    g_array_append_val (group->ssrcs, number);
  }
  g_ptr_array_add (p->media->ssrc_groups, g_steal_pointer (&group));
  return TRUE;
}

static gboolean
parse_rid (Parser *p, const char *value, GError **error)
{
  ShSdpRid *rid = sh_sdp_rid_parse (p->media, value, error);
  if (rid == NULL) {
    g_prefix_error (error, "line %u: ", p->lineno);
    return FALSE;
  }
  g_ptr_array_add (p->media->rids, rid);
  return TRUE;
}

static gboolean
parse_simulcast (Parser *p, const char *value, GError **error)
{
  if (p->media->simulcast != NULL)
    return fail (p, error, SH_SDP_ERROR_SYNTAX, "second a=simulcast in one m-section");
  p->media->simulcast = sh_sdp_simulcast_parse (value, error);
  if (p->media->simulcast == NULL) {
    g_prefix_error (error, "line %u: ", p->lineno);
    return FALSE;
  }
  return TRUE;
}

static gboolean
parse_mid (Parser *p, const char *value, GError **error)
{
  if (value == NULL || *value == '\0' || strchr (value, ' ') != NULL)
    return fail (p, error, SH_SDP_ERROR_SYNTAX, "a=mid needs a value without spaces");
  if (p->media->mid != NULL)
    return fail (p, error, SH_SDP_ERROR_MID, "second a=mid in one m-section");
  if (sh_sdp_find_media (p->sdp, value) != NULL)
    return fail (p, error, SH_SDP_ERROR_MID, "duplicate mid \"%s\"", value);
  p->media->mid = g_strdup (value);
  return TRUE;
}

static gboolean
parse_media_attribute (Parser *p, const char *name, const char *value, GError **error)
{
  ShSdpMedia *media = p->media;
  const char *rest;
  gboolean ok;

  if (parse_transport_attribute (p, name, value, &media->ice_ufrag, &media->ice_pwd,
                                 &media->ice_options, media->fingerprints, &media->setup, &ok,
                                 error))
    return ok;

  if (strcmp (name, "mid") == 0)
    return parse_mid (p, value, error);
  if (strcmp (name, "candidate") == 0) {
    ShSdpCandidate *candidate = sh_sdp_candidate_parse (value != NULL ? value : "", error);
    if (candidate == NULL) {
      g_prefix_error (error, "line %u: ", p->lineno);
      return FALSE;
    }
    g_ptr_array_add (media->candidates, candidate);
    return TRUE;
  }
  if (value == NULL) {
    if (parse_direction (name) != SH_SDP_DIRECTION_NONE)
      media->direction = parse_direction (name);
    else if (strcmp (name, "rtcp-mux") == 0)
      media->rtcp_mux = TRUE;
    else if (strcmp (name, "rtcp-rsize") == 0)
      media->rtcp_rsize = TRUE;
    else if (strcmp (name, "end-of-candidates") == 0)
      media->end_of_candidates = TRUE;
    else if (strcmp (name, "bundle-only") == 0)
      media->bundle_only = TRUE;
    else
      g_ptr_array_add (media->attributes, sh_sdp_attribute_new (name, NULL));
    return TRUE;
  }
  if (strcmp (name, "msid") == 0 && media->msid == NULL) {
    media->msid = g_strdup (value);
    return TRUE;
  }
  if (strcmp (name, "extmap") == 0)
    return parse_extmap (p, value, error);
  if (strcmp (name, "ssrc") == 0)
    return parse_ssrc (p, value, error);
  if (strcmp (name, "ssrc-group") == 0)
    return parse_ssrc_group (p, value, error);
  if (strcmp (name, "rid") == 0)
    return parse_rid (p, value, error);
  if (strcmp (name, "simulcast") == 0)
    return parse_simulcast (p, value, error);

  /* Payload-type attributes only mean something in RTP sections; elsewhere
   * (old SCTP "a=fmtp:webrtc-datachannel") they are kept as text. */
  if (media->rtp && strcmp (name, "rtpmap") == 0)
    return parse_rtpmap (p, value, error);
  if (media->rtp && strcmp (name, "rtcp-fb") == 0 && g_str_has_prefix (value, "* ")) {
    g_ptr_array_add (media->rtcp_fb_any, g_strdup (value + 2));
    return TRUE;
  }
  if (media->rtp && strcmp (name, "rtcp-fb") == 0) {
    ShSdpCodec *codec = codec_for (p, name, value, &rest, error);
    if (codec == NULL)
      return FALSE;
    g_ptr_array_add (codec->rtcp_fb, g_strdup (rest));
    return TRUE;
  }
  if (media->rtp && strcmp (name, "fmtp") == 0) {
    ShSdpCodec *codec = codec_for (p, name, value, &rest, error);
    if (codec == NULL)
      return FALSE;
    if (codec->fmtp != NULL)
      return fail (p, error, SH_SDP_ERROR_PAYLOAD, "second a=fmtp for payload type %u", codec->pt);
    codec->fmtp = g_strdup (rest);
    return TRUE;
  }
  g_ptr_array_add (media->attributes, sh_sdp_attribute_new (name, value));
  return TRUE;
}

/* --------------------------------------------------------------- lines */

static void
add_line (GPtrArray *lines, char type, const char *value)
{
  ShSdpLine *line = g_new0 (ShSdpLine, 1);
  line->type = type;
  line->value = g_strdup (value);
  g_ptr_array_add (lines, line);
}

static gboolean
parse_line (Parser *p, char *line, GError **error)
{
  if (!g_ascii_islower (line[0]) || line[1] != '=')
    return fail (p, error, SH_SDP_ERROR_SYNTAX, "expected \"x=value\", found \"%.20s\"", line);
  char type = line[0];
  char *value = line + 2;

  if (p->lineno == 1) {
    if (type != 'v')
      return fail (p, error, SH_SDP_ERROR_ORDER, "SDP must start with v=, found %c=", type);
    if (strcmp (value, "0") != 0)
      return fail (p, error, SH_SDP_ERROR_VALUE, "unsupported SDP version \"%s\"", value);
    return TRUE;
  }
  if (type == 'v')
    return fail (p, error, SH_SDP_ERROR_ORDER, "v= may only be the first line");
  if (!p->seen_o) {
    if (type != 'o')
      return fail (p, error, SH_SDP_ERROR_ORDER, "expected o= after v=, found %c=", type);
    p->seen_o = TRUE;
    return parse_origin (p, value, error);
  }
  if (type == 'o')
    return fail (p, error, SH_SDP_ERROR_ORDER, "second o= line");
  if (type == 'm')
    return parse_media_line (p, value, error);

  if (type == 'a') {
    if (*value == '\0' || *value == ':')
      return fail (p, error, SH_SDP_ERROR_SYNTAX, "a= without an attribute name");
    char *colon = strchr (value, ':');
    if (colon != NULL)
      *colon = '\0';
    const char *attr_value = colon != NULL ? colon + 1 : NULL;
    if (p->media != NULL)
      return parse_media_attribute (p, value, attr_value, error);
    return parse_session_attribute (p, value, attr_value, error);
  }

  if (p->media != NULL) {
    if (type == 'c') {
      replace_string (&p->media->connection, value);
    } else if (type == 'i' || type == 'b' || type == 'k') {
      add_line (p->media->lines, type, value);
    } else {
      return fail (p, error, SH_SDP_ERROR_ORDER, "%c= is not allowed inside an m-section", type);
    }
    return TRUE;
  }

  switch (type) {
    case 's':
      if (p->seen_s)
        return fail (p, error, SH_SDP_ERROR_ORDER, "second s= line");
      p->seen_s = TRUE;
      p->sdp->session_name = g_strdup (value);
      break;
    case 't':
      if (p->seen_t)
        add_line (p->sdp->lines, 't', value);
      else
        p->sdp->timing = g_strdup (value);
      p->seen_t = TRUE;
      break;
    case 'c':
      replace_string (&p->sdp->connection, value);
      break;
    case 'i':
    case 'u':
    case 'e':
    case 'p':
    case 'b':
    case 'r':
    case 'z':
    case 'k':
      add_line (p->sdp->lines, type, value);
      break;
    default:
      return fail (p, error, SH_SDP_ERROR_SYNTAX, "unknown line type %c=", type);
  }
  return TRUE;
}

/* Checks that need the whole description. */
static gboolean
finish (Parser *p, GError **error)
{
  ShSdp *sdp = p->sdp;

  if (!p->seen_o || !p->seen_s || !p->seen_t)
    return fail (p, error, SH_SDP_ERROR_MISSING, "the SDP ends without its %s line",
                 !p->seen_o   ? "o="
                 : !p->seen_s ? "s="
                              : "t=");
  for (guint i = 0; i < sdp->groups->len; i++) {
    ShSdpGroup *group = g_ptr_array_index (sdp->groups, i);
    p->lineno = g_array_index (p->group_line, guint, i);
    for (guint j = 0; j < group->mids->len; j++) {
      const char *mid = g_ptr_array_index (group->mids, j);
      if (sh_sdp_find_media (sdp, mid) == NULL)
        return fail (p, error, SH_SDP_ERROR_MID,
                     "a=group:%s names mid \"%s\", which no "
                     "m-section has",
                     group->semantics, mid);
    }
  }
  for (guint i = 0; i < sdp->media->len; i++) {
    ShSdpMedia *media = g_ptr_array_index (sdp->media, i);
    /* RFC 8839 5.4: every m-section in use carries ICE credentials, its
     * own or the session's; rejected (port 0) and bundle-only ones need not. */
    if (media->port == 0)
      continue;
    p->lineno = g_array_index (p->media_line, guint, i);
    if (sh_sdp_media_ice_ufrag (sdp, media) == NULL)
      return fail (p, error, SH_SDP_ERROR_MISSING, "m-section %u has no a=ice-ufrag", i + 1);
    if (sh_sdp_media_ice_pwd (sdp, media) == NULL)
      return fail (p, error, SH_SDP_ERROR_MISSING, "m-section %u has no a=ice-pwd", i + 1);
  }
  return TRUE;
}

static guint
line_number_at (const char *text, const char *at)
{
  guint lineno = 1;
  for (const char *c = text; c < at; c++)
    if (*c == '\n')
      lineno++;
  return lineno;
}

/* Whole-input checks before parsing: size, NUL bytes, UTF-8. */
static gboolean
check_input (const char *text, gsize length, GError **error)
{
  const char *end;

  if (text == NULL || length == 0) {
    g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_EMPTY, "the SDP is empty");
    return FALSE;
  }
  if (length > SH_SDP_MAX_SIZE) {
    g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_TOO_LARGE,
                 "the SDP is %zu bytes, more than the limit of %d", length, SH_SDP_MAX_SIZE);
    return FALSE;
  }
  const char *nul = memchr (text, '\0', length);
  if (nul != NULL) {
    g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_ENCODING, "line %u: NUL byte",
                 line_number_at (text, nul));
    return FALSE;
  }
  if (!g_utf8_validate_len (text, length, &end)) {
    g_set_error (error, SH_SDP_ERROR, SH_SDP_ERROR_ENCODING, "line %u: invalid UTF-8",
                 line_number_at (text, end));
    return FALSE;
  }
  return TRUE;
}

/* One line's bytes: no stray CR (CR-only line endings), no control bytes
 * other than tab, within the length limit. */
static gboolean
check_line (Parser *p, const char *line, gsize length, GError **error)
{
  for (gsize i = 0; i < length; i++) {
    guchar c = (guchar) line[i];
    if (c == '\r')
      return fail (p, error, SH_SDP_ERROR_ENCODING,
                   "carriage return inside a line (lines must "
                   "end in CRLF or LF)");
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return fail (p, error, SH_SDP_ERROR_ENCODING, "control byte 0x%02x", c);
  }
  if (length > SH_SDP_MAX_LINE)
    return fail (p, error, SH_SDP_ERROR_TOO_LARGE, "line is %zu bytes, more than the limit of %d",
                 length, SH_SDP_MAX_LINE);
  if (length == 0)
    return fail (p, error, SH_SDP_ERROR_SYNTAX, "empty line");
  return TRUE;
}

ShSdp *
sh_sdp_parse (const char *text, gsize length, GError **error)
{
  if (!check_input (text, length, error))
    return NULL;

  g_autoptr (ShSdp) sdp = sh_sdp_new ();
  g_autoptr (GArray) media_line = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) group_line = g_array_new (FALSE, FALSE, sizeof (guint));
  Parser p = { .sdp = sdp, .media_line = media_line, .group_line = group_line };
  const char *pos = text;
  const char *end = text + length;

  while (pos < end) {
    const char *newline = memchr (pos, '\n', (gsize) (end - pos));
    const char *line_end = newline != NULL ? newline : end;
    const char *next = newline != NULL ? newline + 1 : end;
    gsize line_length = (gsize) (line_end - pos);

    p.lineno++;
    if (line_length > 0 && pos[line_length - 1] == '\r')
      line_length--;
    /* A blank last line is only the final line ending doubled; tolerate it. */
    if (line_length == 0 && next == end && p.lineno > 1)
      break;
    if (!check_line (&p, pos, line_length, error))
      return NULL;
    g_autofree char *line = g_strndup (pos, line_length);
    if (!parse_line (&p, line, error))
      return NULL;
    pos = next;
  }
  if (!finish (&p, error))
    return NULL;
  return g_steal_pointer (&sdp);
}
