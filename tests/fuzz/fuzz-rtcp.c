/* Fuzz target for RTCP compounds from the network: sh_rtcp_iter over
 * arbitrary bytes and every parser on every packet it yields. Whatever
 * parses is written back and parsed again, and must come out equal.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "fuzz.h"
#include "rtcp.h"

#define MAX_COMPOUND 65536
#define MAX_TWCC 1024 /* status counts above it are refused with NO_SPACE */
#define MAX_NACK 64

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

/* The one packet of @buf, which a writer produced. */
static void
single_packet (const guint8 *buf, int n, ShRtcpPacket *packet)
{
  ShRtcpIter iter;
  ShRtcpPacket extra;

  FUZZ_CHECK (n >= 4);
  sh_rtcp_iter_init (&iter, buf, (gsize) n);
  FUZZ_CHECK (sh_rtcp_iter_next (&iter, packet));
  FUZZ_CHECK (packet->len == (gsize) n);
  FUZZ_CHECK (!sh_rtcp_iter_next (&iter, &extra));
  FUZZ_CHECK (iter.error == SH_RTCP_OK);
}

static void
single_fb (const guint8 *buf, int n, ShRtcpFb *fb)
{
  ShRtcpPacket packet;

  single_packet (buf, n, &packet);
  FUZZ_CHECK (sh_rtcp_parse_fb (&packet, fb) == SH_RTCP_OK);
}

static gboolean
blocks_equal (const ShRtcpReportBlock *a, const ShRtcpReportBlock *b, guint n)
{
  for (guint i = 0; i < n; i++) {
    if (a[i].ssrc != b[i].ssrc || a[i].fraction_lost != b[i].fraction_lost
        || a[i].cumulative_lost != b[i].cumulative_lost
        || a[i].ext_highest_seq != b[i].ext_highest_seq || a[i].jitter != b[i].jitter
        || a[i].lsr != b[i].lsr || a[i].dlsr != b[i].dlsr)
      return FALSE;
  }
  return TRUE;
}

static void
check_sr (const ShRtcpPacket *packet, guint8 *buf, gsize cap)
{
  ShRtcpSr sr, again;
  ShRtcpPacket written;

  if (sh_rtcp_parse_sr (packet, &sr) != SH_RTCP_OK)
    return;
  int n = sh_rtcp_write_sr (buf, cap, &sr);
  single_packet (buf, n, &written);
  FUZZ_CHECK (sh_rtcp_parse_sr (&written, &again) == SH_RTCP_OK);
  FUZZ_CHECK (again.ssrc == sr.ssrc && again.ntp_timestamp == sr.ntp_timestamp);
  FUZZ_CHECK (again.rtp_timestamp == sr.rtp_timestamp && again.packet_count == sr.packet_count);
  FUZZ_CHECK (again.octet_count == sr.octet_count && again.n_reports == sr.n_reports);
  FUZZ_CHECK (blocks_equal (sr.reports, again.reports, sr.n_reports));
}

static void
check_rr (const ShRtcpPacket *packet, guint8 *buf, gsize cap)
{
  ShRtcpRr rr, again;
  ShRtcpPacket written;

  if (sh_rtcp_parse_rr (packet, &rr) != SH_RTCP_OK)
    return;
  int n = sh_rtcp_write_rr (buf, cap, &rr);
  single_packet (buf, n, &written);
  FUZZ_CHECK (sh_rtcp_parse_rr (&written, &again) == SH_RTCP_OK);
  FUZZ_CHECK (again.ssrc == rr.ssrc && again.n_reports == rr.n_reports);
  FUZZ_CHECK (blocks_equal (rr.reports, again.reports, rr.n_reports));
}

static void
check_sdes (const ShRtcpPacket *packet, guint8 *buf, gsize cap)
{
  ShRtcpSdes sdes, again;
  ShRtcpPacket written;

  if (sh_rtcp_parse_sdes (packet, &sdes) != SH_RTCP_OK)
    return;
  FUZZ_CHECK (sdes.n_chunks == packet->count);
  for (guint i = 0; i < sdes.n_chunks; i++) {
    const ShRtcpSdesChunk *chunk = &sdes.chunks[i];
    FUZZ_CHECK (chunk->cname == NULL
                || (chunk->cname >= packet->body
                    && chunk->cname + chunk->cname_len <= packet->body + packet->body_len));
  }
  int n = sh_rtcp_write_sdes (buf, cap, &sdes);
  single_packet (buf, n, &written);
  FUZZ_CHECK (sh_rtcp_parse_sdes (&written, &again) == SH_RTCP_OK);
  FUZZ_CHECK (again.n_chunks == sdes.n_chunks);
  for (guint i = 0; i < sdes.n_chunks; i++) {
    const ShRtcpSdesChunk *a = &sdes.chunks[i], *b = &again.chunks[i];
    FUZZ_CHECK (a->ssrc == b->ssrc && (a->cname == NULL) == (b->cname == NULL));
    FUZZ_CHECK (a->cname_len == b->cname_len);
    FUZZ_CHECK (a->cname == NULL || memcmp (a->cname, b->cname, a->cname_len) == 0);
  }
}

static void
check_bye (const ShRtcpPacket *packet, guint8 *buf, gsize cap)
{
  ShRtcpBye bye, again;
  ShRtcpPacket written;

  if (sh_rtcp_parse_bye (packet, &bye) != SH_RTCP_OK)
    return;
  FUZZ_CHECK (bye.reason == NULL
              || (bye.reason >= packet->body
                  && bye.reason + bye.reason_len <= packet->body + packet->body_len));
  int n = sh_rtcp_write_bye (buf, cap, &bye);
  single_packet (buf, n, &written);
  FUZZ_CHECK (sh_rtcp_parse_bye (&written, &again) == SH_RTCP_OK);
  FUZZ_CHECK (again.n_ssrcs == bye.n_ssrcs);
  FUZZ_CHECK (memcmp (again.ssrcs, bye.ssrcs, sizeof bye.ssrcs[0] * bye.n_ssrcs) == 0);
  FUZZ_CHECK (again.reason_len == bye.reason_len);
  FUZZ_CHECK (bye.reason == NULL || memcmp (again.reason, bye.reason, bye.reason_len) == 0);
}

static void
check_fir (const ShRtcpFb *fb, guint8 *buf, gsize cap)
{
  ShRtcpFirEntry entries[8], again[8];
  ShRtcpFb written;
  int n = sh_rtcp_parse_fir (fb, entries, G_N_ELEMENTS (entries));

  if (n <= 0)
    return;
  FUZZ_CHECK ((gsize) n == fb->fci_len / 8);
  guint stored = MIN ((guint) n, G_N_ELEMENTS (entries));
  int len = sh_rtcp_write_fir (buf, cap, fb->sender_ssrc, entries, stored);
  single_fb (buf, len, &written);
  FUZZ_CHECK (sh_rtcp_parse_fir (&written, again, G_N_ELEMENTS (again)) == (int) stored);
  for (guint i = 0; i < stored; i++)
    FUZZ_CHECK (again[i].ssrc == entries[i].ssrc && again[i].seq == entries[i].seq);
}

static void
check_nack (const ShRtcpFb *fb, guint8 *buf, gsize cap)
{
  ShRtcpNackEntry entries[MAX_NACK], again[MAX_NACK];
  guint16 seqs[MAX_NACK * 17];
  ShRtcpFb written;
  int n = sh_rtcp_parse_nack (fb, entries, MAX_NACK);

  if (n <= 0)
    return;
  FUZZ_CHECK ((gsize) n == fb->fci_len / 4);
  guint stored = MIN ((guint) n, MAX_NACK);
  int len = sh_rtcp_write_nack (buf, cap, fb->sender_ssrc, fb->media_ssrc, entries, stored);
  single_fb (buf, len, &written);
  FUZZ_CHECK (sh_rtcp_parse_nack (&written, again, MAX_NACK) == (int) stored);
  FUZZ_CHECK (memcmp (again, entries, sizeof entries[0] * stored) == 0);

  int n_seqs = sh_rtcp_nack_expand (entries, stored, seqs, G_N_ELEMENTS (seqs));
  FUZZ_CHECK (n_seqs >= (int) stored);
  /* Into too small an array: refused, never written past. */
  if (n_seqs > 1)
    FUZZ_CHECK (sh_rtcp_nack_expand (entries, stored, seqs, (guint) n_seqs - 1)
                == SH_RTCP_ERR_NO_SPACE);
  /* The lost list packs again into entries that expand to the same set.
   * Lists spanning half the sequence space or more are not sortable. */
  n_seqs = sh_rtcp_nack_expand (entries, stored, seqs, G_N_ELEMENTS (seqs));
  gboolean narrow = TRUE;
  for (int i = 1; i < n_seqs; i++) {
    gint16 d = (gint16) (guint16) (seqs[i] - seqs[0]);
    narrow &= d > -0x3fff && d < 0x3fff;
  }
  if (!narrow)
    return;
  guint16 expanded[G_N_ELEMENTS (seqs)], repacked[G_N_ELEMENTS (seqs)];
  ShRtcpNackEntry built[MAX_NACK * 17];
  memcpy (expanded, seqs, sizeof seqs[0] * (gsize) n_seqs);
  int n_built = sh_rtcp_nack_build (seqs, (guint) n_seqs, built, G_N_ELEMENTS (built));
  FUZZ_CHECK (n_built > 0 && n_built <= (int) stored);
  int n_repacked = sh_rtcp_nack_expand (built, (guint) n_built, repacked, G_N_ELEMENTS (repacked));
  FUZZ_CHECK (n_repacked > 0 && n_repacked <= n_seqs);
  for (int i = 0; i < n_seqs; i++) {
    gboolean found = FALSE;
    for (int j = 0; j < n_repacked && !found; j++)
      found = repacked[j] == expanded[i];
    FUZZ_CHECK (found);
  }
}

static void
check_remb (const ShRtcpFb *fb, guint8 *buf, gsize cap)
{
  static ShRtcpRemb remb, again;
  ShRtcpFb written;

  if (sh_rtcp_parse_remb (fb, &remb) != SH_RTCP_OK)
    return;
  FUZZ_CHECK (remb.n_ssrcs <= SH_RTCP_REMB_MAX_SSRCS);
  int n = sh_rtcp_write_remb (buf, cap, fb->sender_ssrc, &remb);
  single_fb (buf, n, &written);
  FUZZ_CHECK (sh_rtcp_parse_remb (&written, &again) == SH_RTCP_OK);
  FUZZ_CHECK (again.n_ssrcs == remb.n_ssrcs);
  FUZZ_CHECK (memcmp (again.ssrcs, remb.ssrcs, sizeof remb.ssrcs[0] * remb.n_ssrcs) == 0);
  /* Every bitrate on the wire is exact in 64 bits, except one that
   * saturated: that one is written as the largest the format holds. */
  FUZZ_CHECK (remb.bitrate == G_MAXUINT64 || again.bitrate == remb.bitrate);
  FUZZ_CHECK (again.bitrate <= remb.bitrate);
}

static void
check_twcc (const ShRtcpFb *fb, guint8 *buf, gsize cap)
{
  static ShRtcpTwccPacket packets[MAX_TWCC], again[MAX_TWCC];
  ShRtcpTwcc twcc, twcc2;
  ShRtcpFb written;
  int n = sh_rtcp_parse_twcc (fb, &twcc, packets, MAX_TWCC);

  if (n <= 0)
    return;
  FUZZ_CHECK (n == twcc.status_count);
  for (int i = 0; i < n; i++) {
    FUZZ_CHECK (packets[i].seq == (guint16) (twcc.base_seq + i));
    FUZZ_CHECK (packets[i].received || packets[i].delta == 0);
    FUZZ_CHECK (packets[i].delta >= G_MININT16 && packets[i].delta <= G_MAXINT16);
  }
  int len
      = sh_rtcp_write_twcc (buf, cap, fb->sender_ssrc, fb->media_ssrc, &twcc, packets, (guint) n);
  single_fb (buf, len, &written);
  FUZZ_CHECK (sh_rtcp_parse_twcc (&written, &twcc2, again, MAX_TWCC) == n);
  FUZZ_CHECK (twcc2.base_seq == twcc.base_seq && twcc2.status_count == twcc.status_count);
  FUZZ_CHECK (twcc2.reference_time == twcc.reference_time && twcc2.fb_count == twcc.fb_count);
  for (int i = 0; i < n; i++) {
    FUZZ_CHECK (again[i].seq == packets[i].seq && again[i].received == packets[i].received);
    FUZZ_CHECK (again[i].delta == packets[i].delta);
  }
}

static void
check_fb (const ShRtcpPacket *packet, guint8 *buf, gsize cap)
{
  ShRtcpFb fb;
  ShRtcpFirEntry fir[1];
  ShRtcpNackEntry nack[1];
  ShRtcpTwcc twcc;
  ShRtcpTwccPacket twcc_packets[1];
  ShRtcpFb written;

  if (sh_rtcp_parse_fb (packet, &fb) != SH_RTCP_OK)
    return;
  FUZZ_CHECK (fb.fci == packet->body + 8 && fb.fci_len + 8 == packet->body_len);
  if (sh_rtcp_fb_is_pli (&fb)) {
    int n = sh_rtcp_write_pli (buf, cap, fb.sender_ssrc, fb.media_ssrc);
    single_fb (buf, n, &written);
    FUZZ_CHECK (sh_rtcp_fb_is_pli (&written) && written.fci_len == 0);
    FUZZ_CHECK (written.sender_ssrc == fb.sender_ssrc && written.media_ssrc == fb.media_ssrc);
  }
  check_fir (&fb, buf, cap);
  check_nack (&fb, buf, cap);
  check_remb (&fb, buf, cap);
  check_twcc (&fb, buf, cap);
  /* With the smallest arrays: counts and NO_SPACE, never a write past. */
  (void) sh_rtcp_parse_fir (&fb, fir, 1);
  (void) sh_rtcp_parse_nack (&fb, nack, 1);
  (void) sh_rtcp_parse_twcc (&fb, &twcc, twcc_packets, 1);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* Room for any packet a writer makes from a parsed one: TWCC feedback of
   * MAX_TWCC packets, large deltas and run-length chunks. */
  static guint8 buf[MAX_COMPOUND + 8 * MAX_TWCC];
  ShRtcpIter iter;
  ShRtcpPacket packet;
  gsize seen = 0;

  if (size > MAX_COMPOUND)
    return 0;
  (void) sh_rtcp_is_rtcp (data, size);
  (void) sh_rtcp_check_compound (data, size, FALSE);
  (void) sh_rtcp_check_compound (data, size, TRUE);

  sh_rtcp_iter_init (&iter, data, size);
  while (sh_rtcp_iter_next (&iter, &packet)) {
    FUZZ_CHECK (packet.data == data + seen && packet.len >= 4 && packet.len % 4 == 0);
    FUZZ_CHECK (packet.body == packet.data + 4 && packet.body_len <= packet.len - 4);
    seen += packet.len;
    FUZZ_CHECK (seen <= size);
    check_sr (&packet, buf, sizeof buf);
    check_rr (&packet, buf, sizeof buf);
    check_sdes (&packet, buf, sizeof buf);
    check_bye (&packet, buf, sizeof buf);
    check_fb (&packet, buf, sizeof buf);
  }
  FUZZ_CHECK (iter.error <= SH_RTCP_OK && iter.error >= SH_RTCP_ERR_ORDER);
  FUZZ_CHECK (iter.error != SH_RTCP_OK || seen == size);
  return 0;
}
