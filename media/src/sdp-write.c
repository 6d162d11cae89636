/* SDP model: constructors, destructors, lookups and the writer.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sdp.h"

#include <string.h>

/* Spelled out rather than G_DEFINE_QUARK: clang-format would put spaces
 * into the quark name that macro stringifies. */
GQuark
sh_sdp_error_quark (void)
{
  return g_quark_from_static_string ("sh-sdp-error-quark");
}

/* ------------------------------------------------------------ constructors */

ShSdpAttribute *
sh_sdp_attribute_new (const char *name, const char *value)
{
  ShSdpAttribute *attribute = g_new0 (ShSdpAttribute, 1);
  attribute->name = g_strdup (name);
  attribute->value = g_strdup (value);
  return attribute;
}

void
sh_sdp_attribute_free (ShSdpAttribute *attribute)
{
  if (attribute == NULL)
    return;
  g_free (attribute->name);
  g_free (attribute->value);
  g_free (attribute);
}

void
sh_sdp_line_free (ShSdpLine *line)
{
  if (line == NULL)
    return;
  g_free (line->value);
  g_free (line);
}

ShSdpGroup *
sh_sdp_group_new (const char *semantics)
{
  ShSdpGroup *group = g_new0 (ShSdpGroup, 1);
  group->semantics = g_strdup (semantics);
  group->mids = g_ptr_array_new_with_free_func (g_free);
  return group;
}

void
sh_sdp_group_free (ShSdpGroup *group)
{
  if (group == NULL)
    return;
  g_free (group->semantics);
  g_ptr_array_unref (group->mids);
  g_free (group);
}

void
sh_sdp_fingerprint_free (ShSdpFingerprint *fingerprint)
{
  if (fingerprint == NULL)
    return;
  g_free (fingerprint->hash);
  g_free (fingerprint);
}

ShSdpCodec *
sh_sdp_codec_new (guint8 pt, const char *name, guint clock_rate, guint channels, const char *fmtp)
{
  ShSdpCodec *codec = g_new0 (ShSdpCodec, 1);
  codec->pt = pt;
  codec->name = g_strdup (name);
  codec->clock_rate = clock_rate;
  codec->channels = channels;
  codec->fmtp = g_strdup (fmtp);
  codec->rtcp_fb = g_ptr_array_new_with_free_func (g_free);
  return codec;
}

void
sh_sdp_codec_free (ShSdpCodec *codec)
{
  if (codec == NULL)
    return;
  g_free (codec->name);
  g_free (codec->fmtp);
  g_ptr_array_unref (codec->rtcp_fb);
  g_free (codec);
}

ShSdpExtmap *
sh_sdp_extmap_new (guint id, const char *uri)
{
  ShSdpExtmap *extmap = g_new0 (ShSdpExtmap, 1);
  extmap->id = id;
  extmap->uri = g_strdup (uri);
  return extmap;
}

void
sh_sdp_extmap_free (ShSdpExtmap *extmap)
{
  if (extmap == NULL)
    return;
  g_free (extmap->uri);
  g_free (extmap->extra);
  g_free (extmap);
}

ShSdpSsrc *
sh_sdp_ssrc_new (guint32 ssrc, const char *cname, const char *msid)
{
  ShSdpSsrc *entry = g_new0 (ShSdpSsrc, 1);
  entry->ssrc = ssrc;
  entry->cname = g_strdup (cname);
  entry->msid = g_strdup (msid);
  entry->attributes = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_sdp_attribute_free);
  return entry;
}

void
sh_sdp_ssrc_free (ShSdpSsrc *ssrc)
{
  if (ssrc == NULL)
    return;
  g_free (ssrc->cname);
  g_free (ssrc->msid);
  g_ptr_array_unref (ssrc->attributes);
  g_free (ssrc);
}

ShSdpSsrcGroup *
sh_sdp_ssrc_group_new (const char *semantics)
{
  ShSdpSsrcGroup *group = g_new0 (ShSdpSsrcGroup, 1);
  group->semantics = g_strdup (semantics);
  group->ssrcs = g_array_new (FALSE, FALSE, sizeof (guint32));
  return group;
}

void
sh_sdp_ssrc_group_free (ShSdpSsrcGroup *group)
{
  if (group == NULL)
    return;
  g_free (group->semantics);
  g_array_unref (group->ssrcs);
  g_free (group);
}

void
sh_sdp_rid_free (ShSdpRid *rid)
{
  if (rid == NULL)
    return;
  g_free (rid->id);
  g_clear_pointer (&rid->payload_types, g_array_unref);
  g_clear_pointer (&rid->params, g_ptr_array_unref);
  g_free (rid);
}

void
sh_sdp_simulcast_free (ShSdpSimulcast *simulcast)
{
  if (simulcast == NULL)
    return;
  /* Either list is NULL while a=simulcast is half parsed. */
  g_clear_pointer (&simulcast->send, g_ptr_array_unref);
  g_clear_pointer (&simulcast->recv, g_ptr_array_unref);
  g_free (simulcast);
}

void
sh_sdp_candidate_free (ShSdpCandidate *candidate)
{
  if (candidate == NULL)
    return;
  g_free (candidate->text);
  g_free (candidate->foundation);
  g_free (candidate->transport);
  g_free (candidate->address);
  g_free (candidate->type);
  g_free (candidate->raddr);
  g_free (candidate);
}

static GPtrArray *
attribute_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) sh_sdp_attribute_free);
}

static GPtrArray *
line_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) sh_sdp_line_free);
}

static GPtrArray *
fingerprint_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) sh_sdp_fingerprint_free);
}

ShSdpMedia *
sh_sdp_media_new (const char *kind, guint port, const char *proto)
{
  ShSdpMedia *media = g_new0 (ShSdpMedia, 1);
  media->kind = g_strdup (kind);
  media->port = port;
  media->proto = g_strdup (proto);
  /* RFC 8866 5.14: the formats of RTP/AVP-based profiles are payload types. */
  media->rtp = proto != NULL && strstr (proto, "RTP/") != NULL;
  media->codecs = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_sdp_codec_free);
  media->formats = g_ptr_array_new_with_free_func (g_free);
  media->lines = line_array ();
  media->ssrcs = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_sdp_ssrc_free);
  media->ssrc_groups = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_sdp_ssrc_group_free);
  media->extmaps = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_sdp_extmap_free);
  media->rtcp_fb_any = g_ptr_array_new_with_free_func (g_free);
  media->rids = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_sdp_rid_free);
  media->fingerprints = fingerprint_array ();
  media->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_sdp_candidate_free);
  media->attributes = attribute_array ();
  return media;
}

void
sh_sdp_media_free (ShSdpMedia *media)
{
  if (media == NULL)
    return;
  g_free (media->kind);
  g_free (media->proto);
  g_ptr_array_unref (media->codecs);
  g_ptr_array_unref (media->formats);
  g_free (media->connection);
  g_ptr_array_unref (media->lines);
  g_free (media->mid);
  g_free (media->msid);
  g_ptr_array_unref (media->ssrcs);
  g_ptr_array_unref (media->ssrc_groups);
  g_ptr_array_unref (media->extmaps);
  g_ptr_array_unref (media->rtcp_fb_any);
  g_ptr_array_unref (media->rids);
  sh_sdp_simulcast_free (media->simulcast);
  g_free (media->ice_ufrag);
  g_free (media->ice_pwd);
  g_free (media->ice_options);
  g_ptr_array_unref (media->fingerprints);
  g_ptr_array_unref (media->candidates);
  g_ptr_array_unref (media->attributes);
  g_free (media);
}

ShSdp *
sh_sdp_new (void)
{
  ShSdp *sdp = g_new0 (ShSdp, 1);
  sdp->lines = line_array ();
  sdp->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_sdp_group_free);
  sdp->fingerprints = fingerprint_array ();
  sdp->attributes = attribute_array ();
  sdp->media = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_sdp_media_free);
  return sdp;
}

void
sh_sdp_free (ShSdp *sdp)
{
  if (sdp == NULL)
    return;
  g_free (sdp->origin.username);
  g_free (sdp->origin.session_id);
  g_free (sdp->origin.nettype);
  g_free (sdp->origin.addrtype);
  g_free (sdp->origin.address);
  g_free (sdp->session_name);
  g_free (sdp->timing);
  g_free (sdp->connection);
  g_ptr_array_unref (sdp->lines);
  g_ptr_array_unref (sdp->groups);
  g_free (sdp->msid_semantic);
  g_free (sdp->ice_ufrag);
  g_free (sdp->ice_pwd);
  g_free (sdp->ice_options);
  g_ptr_array_unref (sdp->fingerprints);
  g_ptr_array_unref (sdp->attributes);
  g_ptr_array_unref (sdp->media);
  g_free (sdp);
}

/* ----------------------------------------------------------------- lookups */

ShSdpCodec *
sh_sdp_media_find_codec (const ShSdpMedia *media, guint pt)
{
  for (guint i = 0; i < media->codecs->len; i++) {
    ShSdpCodec *codec = g_ptr_array_index (media->codecs, i);
    if (codec->pt == pt)
      return codec;
  }
  return NULL;
}

ShSdpMedia *
sh_sdp_find_media (const ShSdp *sdp, const char *mid)
{
  for (guint i = 0; i < sdp->media->len; i++) {
    ShSdpMedia *media = g_ptr_array_index (sdp->media, i);
    if (media->mid != NULL && g_strcmp0 (media->mid, mid) == 0)
      return media;
  }
  return NULL;
}

ShSdpGroup *
sh_sdp_find_group (const ShSdp *sdp, const char *semantics)
{
  for (guint i = 0; i < sdp->groups->len; i++) {
    ShSdpGroup *group = g_ptr_array_index (sdp->groups, i);
    if (g_ascii_strcasecmp (group->semantics, semantics) == 0)
      return group;
  }
  return NULL;
}

const char *
sh_sdp_media_get_attribute (const ShSdpMedia *media, const char *name)
{
  for (guint i = 0; i < media->attributes->len; i++) {
    ShSdpAttribute *attribute = g_ptr_array_index (media->attributes, i);
    if (g_strcmp0 (attribute->name, name) == 0)
      return attribute->value != NULL ? attribute->value : "";
  }
  return NULL;
}

const char *
sh_sdp_media_ice_ufrag (const ShSdp *sdp, const ShSdpMedia *media)
{
  return media->ice_ufrag != NULL ? media->ice_ufrag : sdp->ice_ufrag;
}

const char *
sh_sdp_media_ice_pwd (const ShSdp *sdp, const ShSdpMedia *media)
{
  return media->ice_pwd != NULL ? media->ice_pwd : sdp->ice_pwd;
}

const ShSdpFingerprint *
sh_sdp_media_fingerprint (const ShSdp *sdp, const ShSdpMedia *media)
{
  if (media->fingerprints->len > 0)
    return g_ptr_array_index (media->fingerprints, 0);
  if (sdp->fingerprints->len > 0)
    return g_ptr_array_index (sdp->fingerprints, 0);
  return NULL;
}

ShSdpSetup
sh_sdp_media_setup (const ShSdp *sdp, const ShSdpMedia *media)
{
  return media->setup != SH_SDP_SETUP_NONE ? media->setup : sdp->setup;
}

ShSdpDirection
sh_sdp_media_direction (const ShSdp *sdp, const ShSdpMedia *media)
{
  if (media->direction != SH_SDP_DIRECTION_NONE)
    return media->direction;
  if (sdp->direction != SH_SDP_DIRECTION_NONE)
    return sdp->direction;
  return SH_SDP_DIRECTION_SENDRECV;
}

const char *
sh_sdp_direction_to_string (ShSdpDirection direction)
{
  switch (direction) {
    case SH_SDP_DIRECTION_SENDRECV:
      return "sendrecv";
    case SH_SDP_DIRECTION_SENDONLY:
      return "sendonly";
    case SH_SDP_DIRECTION_RECVONLY:
      return "recvonly";
    case SH_SDP_DIRECTION_INACTIVE:
      return "inactive";
    case SH_SDP_DIRECTION_NONE:
    default:
      return NULL;
  }
}

const char *
sh_sdp_setup_to_string (ShSdpSetup setup)
{
  switch (setup) {
    case SH_SDP_SETUP_ACTPASS:
      return "actpass";
    case SH_SDP_SETUP_ACTIVE:
      return "active";
    case SH_SDP_SETUP_PASSIVE:
      return "passive";
    case SH_SDP_SETUP_HOLDCONN:
      return "holdconn";
    case SH_SDP_SETUP_NONE:
    default:
      return NULL;
  }
}

/* ------------------------------------------------------------------ writer */

static void
put_attr (GString *out, const char *name, const char *value)
{
  if (value != NULL)
    g_string_append_printf (out, "a=%s:%s\r\n", name, value);
  else
    g_string_append_printf (out, "a=%s\r\n", name);
}

/* Writes the extra lines whose type is in TYPES, in their stored order. */
static void
put_lines (GString *out, GPtrArray *lines, const char *types)
{
  for (guint i = 0; i < lines->len; i++) {
    ShSdpLine *line = g_ptr_array_index (lines, i);
    if (strchr (types, line->type) != NULL)
      g_string_append_printf (out, "%c=%s\r\n", line->type, line->value);
  }
}

static void
put_fingerprints (GString *out, GPtrArray *fingerprints)
{
  for (guint i = 0; i < fingerprints->len; i++) {
    ShSdpFingerprint *fingerprint = g_ptr_array_index (fingerprints, i);
    g_string_append_printf (out, "a=fingerprint:%s ", fingerprint->hash);
    for (gsize j = 0; j < fingerprint->length; j++)
      g_string_append_printf (out, j == 0 ? "%02X" : ":%02X", fingerprint->value[j]);
    g_string_append (out, "\r\n");
  }
}

static void
put_transport (GString *out, const char *ufrag, const char *pwd, const char *options,
               GPtrArray *fingerprints, ShSdpSetup setup)
{
  if (ufrag != NULL)
    put_attr (out, "ice-ufrag", ufrag);
  if (pwd != NULL)
    put_attr (out, "ice-pwd", pwd);
  if (options != NULL)
    put_attr (out, "ice-options", options);
  put_fingerprints (out, fingerprints);
  if (setup != SH_SDP_SETUP_NONE)
    put_attr (out, "setup", sh_sdp_setup_to_string (setup));
}

static void
put_attributes (GString *out, GPtrArray *attributes)
{
  for (guint i = 0; i < attributes->len; i++) {
    ShSdpAttribute *attribute = g_ptr_array_index (attributes, i);
    put_attr (out, attribute->name, attribute->value);
  }
}

static void
put_codec (GString *out, const ShSdpCodec *codec)
{
  if (codec->name != NULL) {
    g_string_append_printf (out, "a=rtpmap:%u %s/%u", codec->pt, codec->name, codec->clock_rate);
    if (codec->channels != 0)
      g_string_append_printf (out, "/%u", codec->channels);
    g_string_append (out, "\r\n");
  }
  for (guint i = 0; i < codec->rtcp_fb->len; i++)
    g_string_append_printf (out, "a=rtcp-fb:%u %s\r\n", codec->pt,
                            (char *) g_ptr_array_index (codec->rtcp_fb, i));
  if (codec->fmtp != NULL)
    g_string_append_printf (out, "a=fmtp:%u %s\r\n", codec->pt, codec->fmtp);
}

static void
put_ssrcs (GString *out, const ShSdpMedia *media)
{
  for (guint i = 0; i < media->ssrc_groups->len; i++) {
    ShSdpSsrcGroup *group = g_ptr_array_index (media->ssrc_groups, i);
    g_string_append_printf (out, "a=ssrc-group:%s", group->semantics);
    for (guint j = 0; j < group->ssrcs->len; j++)
      g_string_append_printf (out, " %u", g_array_index (group->ssrcs, guint32, j));
    g_string_append (out, "\r\n");
  }
  for (guint i = 0; i < media->ssrcs->len; i++) {
    ShSdpSsrc *ssrc = g_ptr_array_index (media->ssrcs, i);
    if (ssrc->cname != NULL)
      g_string_append_printf (out, "a=ssrc:%u cname:%s\r\n", ssrc->ssrc, ssrc->cname);
    if (ssrc->msid != NULL)
      g_string_append_printf (out, "a=ssrc:%u msid:%s\r\n", ssrc->ssrc, ssrc->msid);
    for (guint j = 0; j < ssrc->attributes->len; j++) {
      ShSdpAttribute *attribute = g_ptr_array_index (ssrc->attributes, j);
      g_string_append_printf (out, "a=ssrc:%u %s", ssrc->ssrc, attribute->name);
      if (attribute->value != NULL)
        g_string_append_printf (out, ":%s", attribute->value);
      g_string_append (out, "\r\n");
    }
  }
}

static void
put_simulcast_list (GString *out, const char *dir, GPtrArray *streams)
{
  g_string_append_printf (out, "%s ", dir);
  for (guint i = 0; i < streams->len; i++) {
    GPtrArray *alternatives = g_ptr_array_index (streams, i);
    if (i > 0)
      g_string_append_c (out, ';');
    for (guint j = 0; j < alternatives->len; j++) {
      ShSdpSimulcastRid *rid = g_ptr_array_index (alternatives, j);
      if (j > 0)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "%s%s", rid->paused ? "~" : "", rid->rid);
    }
  }
}

static void
put_simulcast (GString *out, const ShSdpSimulcast *simulcast)
{
  gboolean send = simulcast->send->len > 0;
  gboolean recv = simulcast->recv->len > 0;

  g_string_append (out, "a=simulcast:");
  if (send && recv && simulcast->recv_first) {
    put_simulcast_list (out, "recv", simulcast->recv);
    g_string_append_c (out, ' ');
    put_simulcast_list (out, "send", simulcast->send);
  } else {
    if (send)
      put_simulcast_list (out, "send", simulcast->send);
    if (send && recv)
      g_string_append_c (out, ' ');
    if (recv)
      put_simulcast_list (out, "recv", simulcast->recv);
  }
  g_string_append (out, "\r\n");
}

static void
put_rids (GString *out, const ShSdpMedia *media)
{
  for (guint i = 0; i < media->rids->len; i++) {
    ShSdpRid *rid = g_ptr_array_index (media->rids, i);
    g_string_append_printf (out, "a=rid:%s %s", rid->id,
                            rid->direction == SH_SDP_RID_SEND ? "send" : "recv");
    for (guint j = 0; j < rid->params->len; j++) {
      ShSdpAttribute *param = g_ptr_array_index (rid->params, j);
      g_string_append_c (out, j == 0 ? ' ' : ';');
      g_string_append (out, param->name);
      if (param->value != NULL)
        g_string_append_printf (out, "=%s", param->value);
    }
    g_string_append (out, "\r\n");
  }
  if (media->simulcast != NULL)
    put_simulcast (out, media->simulcast);
}

static void
put_media (GString *out, const ShSdpMedia *media)
{
  g_string_append_printf (out, "m=%s %u", media->kind, media->port);
  if (media->port_count != 0)
    g_string_append_printf (out, "/%u", media->port_count);
  g_string_append_printf (out, " %s", media->proto);
  for (guint i = 0; i < media->codecs->len; i++)
    g_string_append_printf (out, " %u", ((ShSdpCodec *) g_ptr_array_index (media->codecs, i))->pt);
  for (guint i = 0; i < media->formats->len; i++)
    g_string_append_printf (out, " %s", (char *) g_ptr_array_index (media->formats, i));
  g_string_append (out, "\r\n");

  put_lines (out, media->lines, "i");
  if (media->connection != NULL)
    g_string_append_printf (out, "c=%s\r\n", media->connection);
  put_lines (out, media->lines, "bk");

  for (guint i = 0; i < media->candidates->len; i++)
    put_attr (out, "candidate",
              ((ShSdpCandidate *) g_ptr_array_index (media->candidates, i))->text);
  if (media->end_of_candidates)
    put_attr (out, "end-of-candidates", NULL);
  put_transport (out, media->ice_ufrag, media->ice_pwd, media->ice_options, media->fingerprints,
                 media->setup);
  if (media->mid != NULL)
    put_attr (out, "mid", media->mid);
  if (media->bundle_only)
    put_attr (out, "bundle-only", NULL);
  for (guint i = 0; i < media->extmaps->len; i++) {
    ShSdpExtmap *extmap = g_ptr_array_index (media->extmaps, i);
    g_string_append_printf (out, "a=extmap:%u", extmap->id);
    if (extmap->direction != SH_SDP_DIRECTION_NONE)
      g_string_append_printf (out, "/%s", sh_sdp_direction_to_string (extmap->direction));
    g_string_append_printf (out, " %s", extmap->uri);
    if (extmap->extra != NULL)
      g_string_append_printf (out, " %s", extmap->extra);
    g_string_append (out, "\r\n");
  }
  if (media->direction != SH_SDP_DIRECTION_NONE)
    put_attr (out, sh_sdp_direction_to_string (media->direction), NULL);
  if (media->msid != NULL)
    put_attr (out, "msid", media->msid);
  if (media->rtcp_mux)
    put_attr (out, "rtcp-mux", NULL);
  if (media->rtcp_rsize)
    put_attr (out, "rtcp-rsize", NULL);
  for (guint i = 0; i < media->codecs->len; i++)
    put_codec (out, g_ptr_array_index (media->codecs, i));
  for (guint i = 0; i < media->rtcp_fb_any->len; i++)
    g_string_append_printf (out, "a=rtcp-fb:* %s\r\n",
                            (const char *) g_ptr_array_index (media->rtcp_fb_any, i));
  put_ssrcs (out, media);
  put_rids (out, media);
  put_attributes (out, media->attributes);
}

char *
sh_sdp_to_string (const ShSdp *sdp)
{
  GString *out = g_string_sized_new (4096);
  const ShSdpOrigin *o = &sdp->origin;

  g_string_append (out, "v=0\r\n");
  g_string_append_printf (out, "o=%s %s %" G_GUINT64_FORMAT " %s %s %s\r\n", o->username,
                          o->session_id, o->session_version, o->nettype, o->addrtype, o->address);
  g_string_append_printf (out, "s=%s\r\n", sdp->session_name);
  /* RFC 8866 5: i u e p c b t r z k a, in that order. */
  put_lines (out, sdp->lines, "iuep");
  if (sdp->connection != NULL)
    g_string_append_printf (out, "c=%s\r\n", sdp->connection);
  put_lines (out, sdp->lines, "b");
  g_string_append_printf (out, "t=%s\r\n", sdp->timing);
  put_lines (out, sdp->lines, "trzk");

  for (guint i = 0; i < sdp->groups->len; i++) {
    ShSdpGroup *group = g_ptr_array_index (sdp->groups, i);
    g_string_append_printf (out, "a=group:%s", group->semantics);
    for (guint j = 0; j < group->mids->len; j++)
      g_string_append_printf (out, " %s", (char *) g_ptr_array_index (group->mids, j));
    g_string_append (out, "\r\n");
  }
  if (sdp->extmap_allow_mixed)
    put_attr (out, "extmap-allow-mixed", NULL);
  /* Written with a space after the colon, as Chromium writes it. */
  if (sdp->msid_semantic != NULL)
    g_string_append_printf (out, "a=msid-semantic: %s\r\n", sdp->msid_semantic);
  if (sdp->ice_lite)
    put_attr (out, "ice-lite", NULL);
  put_transport (out, sdp->ice_ufrag, sdp->ice_pwd, sdp->ice_options, sdp->fingerprints,
                 sdp->setup);
  if (sdp->direction != SH_SDP_DIRECTION_NONE)
    put_attr (out, sh_sdp_direction_to_string (sdp->direction), NULL);
  put_attributes (out, sdp->attributes);

  for (guint i = 0; i < sdp->media->len; i++)
    put_media (out, g_ptr_array_index (sdp->media, i));
  return g_string_free (out, FALSE);
}
