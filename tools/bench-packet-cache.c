/* bench-packet-cache.c — nanoseconds per operation of the sent-packet cache
 * (media/src/packet-cache.c), each beside its reference in the same run:
 *
 *   insert         sh_packet_cache_insert of the packet just sent, against a
 *                  plain memcpy of the same packet into the same slot of a
 *                  ring laid out like the cache's (n_slots x 1500 bytes);
 *   lookup + RTX   sh_packet_cache_retransmit of a cached packet (lookup,
 *                  limits, parse, RTX wrap), against a plain memcpy of the
 *                  same packet out of the reference ring.
 *
 * Fairness: both sides store the packet's sequence number into the source
 * buffer first (the cache reads it from the bytes), write the same slots in
 * the same order, and read back the same sequence numbers in the same
 * shuffled order (a NACK names scattered packets). The sides alternate
 * batch by batch, so drift in load or clock frequency falls on both. Before
 * each lookup round the window is filled again, untimed, so that every
 * packet is re-sent once per round and the limits never refuse.
 * SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "packet-cache.h"
#include "rtp.h"

#define BATCH 64
#define MAX_REPS 99

typedef struct {
  const char *name;
  gsize payload_len;
  guint n_slots;
} Shape;

static const Shape shapes[] = {
  { "audio 160 B", 160, SH_PACKET_CACHE_DEFAULT_AUDIO_SLOTS },
  { "video 1200 B", 1200, SH_PACKET_CACHE_DEFAULT_VIDEO_SLOTS },
};

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64)ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* A packet as the subscribe leg sends it: fixed header, a one-byte
 * extension block (abs-send-time, transport-cc, mid) and the payload. */
static gsize
build_packet (guint8 *pkt, gsize payload_len)
{
  static const guint8 header[] = {
    0x90, 96,   0x00, 0x00, 0x00, 0x01, 0x5f, 0x90, 0x12, 0x34, 0x56, 0x78, /* fixed */
    0xbe, 0xde, 0x00, 0x03, 0x22, 0x12, 0x34, 0x56, 0x31, 0x00, 0x2a, 0x40, /* ext */
    '1',  0x00, 0x00, 0x00,
  };

  memcpy (pkt, header, sizeof header);
  for (gsize i = 0; i < payload_len; i++)
    pkt[sizeof header + i] = (guint8)(i * 31 + 7);
  return sizeof header + payload_len;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

typedef struct {
  double cache_ns[MAX_REPS];
  double ref_ns[MAX_REPS];
  double ratio[MAX_REPS];
} Figures;

static void
print_row (const char *op, const Shape *shape, Figures *f, guint reps)
{
  double ratio;

  qsort (f->ratio, reps, sizeof (double), cmp_double);
  ratio = f->ratio[reps / 2];
  qsort (f->cache_ns, reps, sizeof (double), cmp_double);
  qsort (f->ref_ns, reps, sizeof (double), cmp_double);
  printf ("| %-12s | %-12s | %6.1f | %6.1f | %6.1f | %6.1f | %5.2f |\n", op, shape->name,
          f->cache_ns[reps / 2], f->cache_ns[0], f->ref_ns[reps / 2], f->ref_ns[0], ratio);
}

static guint64 sink;

static void
run_shape (const Shape *shape, guint n_packets, guint reps)
{
  ShPacketCacheConfig config;
  g_autoptr (ShPacketCache) cache = NULL;
  g_autofree guint8 *ring = NULL;
  g_autofree guint16 *order = NULL;
  guint8 src[1600], out[1600];
  gsize len = build_packet (src, shape->payload_len);
  guint mask, rounds = n_packets / BATCH;
  g_autoptr (GRand) rand = g_rand_new_with_seed (4585);
  Figures ins = { 0 }, rtx = { 0 };
  guint16 seq = 60000;

  sh_packet_cache_config_init (&config);
  config.n_slots = shape->n_slots;
  config.rtx_ssrc = 0x12345679;
  config.rtx_payload_type = 97;
  cache = sh_packet_cache_new (&config);
  mask = sh_packet_cache_n_slots (cache) - 1;
  ring = g_malloc ((gsize)(mask + 1) * SH_PACKET_CACHE_SLOT_SIZE);
  order = g_new (guint16, mask + 1);

  /* Warm-up round (dropped), then the timed ones. */
  for (guint r = 0; r <= reps; r++) {
    gint64 t_cache = 0, t_ref = 0, t0;
    guint16 seq_ref = seq;

    /* Insert: the same sequence numbers on both sides, batch by batch. */
    for (guint b = 0; b < rounds; b++) {
      gboolean cache_first = (b & 1) == 0;

      for (guint side = 0; side < 2; side++) {
        gboolean do_cache = (side == 0) == cache_first;

        t0 = now_ns ();
        if (do_cache) {
          for (guint i = 0; i < BATCH; i++, seq++) {
            src[2] = (guint8)(seq >> 8);
            src[3] = (guint8)seq;
            if (sh_packet_cache_insert (cache, src, len, 0) != SH_PACKET_CACHE_OK)
              g_error ("insert failed");
          }
          t_cache += now_ns () - t0;
        } else {
          for (guint i = 0; i < BATCH; i++, seq_ref++) {
            src[2] = (guint8)(seq_ref >> 8);
            src[3] = (guint8)seq_ref;
            memcpy (ring + (gsize)(seq_ref & mask) * SH_PACKET_CACHE_SLOT_SIZE, src, len);
          }
          t_ref += now_ns () - t0;
        }
      }
    }
    if (r > 0) {
      ins.cache_ns[r - 1] = (double)t_cache / (rounds * BATCH);
      ins.ref_ns[r - 1] = (double)t_ref / (rounds * BATCH);
      ins.ratio[r - 1] = (double)t_cache / (double)t_ref;
    }

    /* Lookup + RTX: every packet of the window once, in a shuffled order;
     * the window is refilled (untimed) so that no limit refuses. */
    t_cache = t_ref = 0;
    for (guint done = 0; done < n_packets;) {
      guint n = mask + 1;

      for (guint i = 0; i < n; i++, seq++) {
        src[2] = (guint8)(seq >> 8);
        src[3] = (guint8)seq;
        sh_packet_cache_insert (cache, src, len, 0);
        memcpy (ring + (gsize)(seq & mask) * SH_PACKET_CACHE_SLOT_SIZE, src, len);
        order[i] = seq;
      }
      for (guint i = n - 1; i > 0; i--) {
        guint j = (guint)g_rand_int_range (rand, 0, (gint32)i + 1);
        guint16 t = order[i];

        order[i] = order[j];
        order[j] = t;
      }
      for (guint b = 0; b < n; b += BATCH) {
        gboolean cache_first = ((b / BATCH) & 1) == 0;

        for (guint side = 0; side < 2; side++) {
          gboolean do_cache = (side == 0) == cache_first;

          t0 = now_ns ();
          if (do_cache) {
            for (guint i = b; i < b + BATCH; i++) {
              int m = sh_packet_cache_retransmit (cache, order[i], 0, out, sizeof out);

              if (m != (int)len + 2)
                g_error ("retransmit failed: %d", m);
              sink += out[m - 1];
            }
            t_cache += now_ns () - t0;
          } else {
            for (guint i = b; i < b + BATCH; i++) {
              memcpy (out, ring + (gsize)(order[i] & mask) * SH_PACKET_CACHE_SLOT_SIZE, len);
              sink += out[len - 1];
            }
            t_ref += now_ns () - t0;
          }
        }
      }
      done += n;
    }
    if (r > 0) {
      guint n = (n_packets + mask) / (mask + 1) * (mask + 1);

      rtx.cache_ns[r - 1] = (double)t_cache / n;
      rtx.ref_ns[r - 1] = (double)t_ref / n;
      rtx.ratio[r - 1] = (double)t_cache / (double)t_ref;
    }
  }
  print_row ("insert", shape, &ins, reps);
  print_row ("lookup + RTX", shape, &rtx, reps);
}

/* The RTX built in the benchmark is the real thing: check one. */
static void
check (void)
{
  ShPacketCacheConfig config;
  g_autoptr (ShPacketCache) cache = NULL;
  guint8 src[1600], out[1600], back[1600];
  gsize len = build_packet (src, 1200);
  ShRtpView view;
  int n, m;

  sh_packet_cache_config_init (&config);
  config.rtx_ssrc = 0x12345679;
  config.rtx_payload_type = 97;
  cache = sh_packet_cache_new (&config);
  sh_packet_cache_insert (cache, src, len, 0);
  n = sh_packet_cache_retransmit (cache, 0, 0, out, sizeof out);
  if (n < 0 || sh_rtp_parse (&view, out, (gsize)n) != SH_RTP_OK)
    g_error ("RTX check failed");
  m = sh_rtp_rtx_unwrap (&view, 0x12345678, 96, back, sizeof back);
  if (m != (int)len || memcmp (back, src, len) != 0)
    g_error ("RTX does not unwrap to the original");
}

int
main (int argc, char **argv)
{
  gint packets = 200000, reps = 7;
  GOptionEntry entries[] = {
    { "packets", 'n', 0, G_OPTION_ARG_INT, &packets, "Packets per round and operation", "N" },
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "Timed rounds (median and min of them)", "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- packet cache benchmark");
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || packets < BATCH || reps < 1
      || reps > MAX_REPS) {
    fprintf (stderr, "%s\n", error != NULL ? error->message : "bad --packets or --reps");
    return 2;
  }
  check ();
  printf (
      "| operation | packet | cache median ns | cache min ns | memcpy median ns | memcpy min ns "
      "| cache/memcpy |\n");
  printf ("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    run_shape (&shapes[i], (guint)packets, (guint)reps);
  return sink == 42 ? 1 : 0;
}
