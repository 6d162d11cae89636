/* RTCP reports of the room: receiver reports to publishers (their
 * senders adapt to the loss and jitter reported) and sender reports to
 * subscribers, mapped from the publishers' own so that lip sync survives
 * the rewriting.  SPDX-License-Identifier: Apache-2.0 */
#include "sfu-private.h"

#define REPORT_BUFFER 1500
#define MAX_STREAMS 64

static UpTrack *
up_for_ssrc (Participant *p, guint32 ssrc)
{
  for (guint i = 0; i < p->ups->len; i++) {
    UpTrack *up = g_ptr_array_index (p->ups, i);
    if (up->src_ssrc == ssrc)
      return up;
  }
  return NULL;
}

void
sh_room_publisher_rtcp (Participant *p, const guint8 *buf, gsize len)
{
  gint64 now = g_get_real_time ();
  ShRtcpIter iter;
  ShRtcpPacket packet;

  sh_rtcp_iter_init (&iter, buf, len);
  while (sh_rtcp_iter_next (&iter, &packet)) {
    ShRtcpSr sr;
    UpTrack *up;

    if (packet.type != SH_RTCP_SR || sh_rtcp_parse_sr (&packet, &sr) != SH_RTCP_OK)
      continue;
    up = up_for_ssrc (p, sr.ssrc);
    if (!up)
      continue;
    sh_rtp_recv_stats_on_sr (&up->recv, &sr, now);
    sh_room_taps_sender_report (p->room, up, &sr, g_get_monotonic_time ());
    if (!p->clock_offset_valid) {
      p->clock_offset_us = sh_rtcp_source_clock_offset (&up->recv.last_sr);
      p->clock_offset_valid = TRUE;
    }
  }
}

static void
send_report (ShMediaRoom *room, ShPeer *peer, const ShRtcpPeerReport *report, gint64 now)
{
  guint8 buf[REPORT_BUFFER];
  int n;

  if (!peer || sh_peer_get_state (peer) != SH_PEER_STATE_CONNECTED)
    return;
  n = sh_rtcp_build_peer_report (report, now, buf, sizeof buf - SH_PEER_TRAILER_ROOM);
  if (n > 0)
    sh_peer_send_rtcp (peer, buf, (gsize) n, sizeof buf);
}

static void
report_to_publisher (Participant *p, gint64 now)
{
  ShRtpRecvStats *in[MAX_STREAMS];
  ShRtcpPeerReport report
      = { .local_ssrc = p->room->server_ssrc, .local_cname = "sanhui", .in = in };

  for (guint i = 0; i < p->ups->len && report.n_in < MAX_STREAMS; i++) {
    UpTrack *up = g_ptr_array_index (p->ups, i);
    if (up->src_ssrc)
      in[report.n_in++] = &up->recv;
  }
  if (report.n_in > 0)
    send_report (p->room, p->publish, &report, now);
}

static void
report_to_subscriber (Participant *p, gint64 now)
{
  ShRtcpOutStream out[MAX_STREAMS];
  ShRtcpPeerReport report
      = { .local_ssrc = p->room->server_ssrc, .local_cname = "sanhui", .out = out };

  for (guint i = 0; i < p->downs->len && report.n_out < MAX_STREAMS; i++) {
    DownTrack *d = g_ptr_array_index (p->downs, i);
    ShRtcpOutStream *o;

    if (!d->up || !d->sent.sent)
      continue;
    o = &out[report.n_out++];
    memset (o, 0, sizeof *o);
    o->stats = &d->sent;
    o->cname = "sanhui"; /* as the server's offer announced its streams */
    o->clock_rate = d->up->clock_rate;
    o->source_sr = &d->up->recv.last_sr;
    o->ts_offset = d->ts_offset;
    o->source_clock_offset_us = d->up->publisher->clock_offset_us;
  }
  if (report.n_out > 0)
    send_report (p->room, p->subscribe, &report, now);
}

void
sh_room_send_reports (ShMediaRoom *room)
{
  gint64 now = g_get_real_time ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, room->participants);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    report_to_publisher (value, now);
    report_to_subscriber (value, now);
  }
}
