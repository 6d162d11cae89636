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
#include <string.h>

#include <glib.h>

#include "bench-util.h"
#include "packet-cache.h"
#include "rtp.h"

#define BATCH 64

typedef struct {
  const char *name;
  gsize payload_len;
  guint n_slots;
} Shape;

static const Shape shapes[] = {
  { "audio 160 B", 160, SH_PACKET_CACHE_DEFAULT_AUDIO_SLOTS },
  { "video 1200 B", 1200, SH_PACKET_CACHE_DEFAULT_VIDEO_SLOTS },
};

/* A packet as the subscribe leg sends it: fixed header, a one-byte
 * extension block (abs-send-time, transport-cc, mid) and the payload. */
static gsize
build_packet (guint8 *pkt, gsize payload_len)
{
  gsize header_len = sizeof sh_bench_video_header;

  memcpy (pkt, sh_bench_video_header, header_len);
  for (gsize i = 0; i < payload_len; i++)
    pkt[header_len + i] = (guint8) (i * 31 + 7);
  return header_len + payload_len;
}

static guint64 sink;

/* The two sides of a round; the cache goes first on even batches. */
enum { CACHE, RING };

typedef struct {
  ShPacketCache *cache;
  guint8 *ring; /* the reference: n_slots x SH_PACKET_CACHE_SLOT_SIZE bytes */
  guint mask;
  guint8 src[1600];
  gsize len;
  guint16 seq;          /* the next to insert into the cache */
  guint16 seq_ref;      /* and into the ring */
  const guint16 *order; /* the sequence numbers the lookups of a batch ask for */
} Sides;

static guint8 *
ring_slot (Sides *s, guint16 seq)
{
  return s->ring + (gsize) (seq & s->mask) * SH_PACKET_CACHE_SLOT_SIZE;
}

/* Insert: the same sequence numbers on both sides, batch by batch. */
static void
insert_side (guint side, gpointer data)
{
  Sides *s = data;

  if (side == CACHE) {
    for (guint i = 0; i < BATCH; i++, s->seq++) {
      s->src[2] = (guint8) (s->seq >> 8);
      s->src[3] = (guint8) s->seq;
      if (sh_packet_cache_insert (s->cache, s->src, s->len, 0) != SH_PACKET_CACHE_OK)
        g_error ("insert failed");
    }
  } else {
    for (guint i = 0; i < BATCH; i++, s->seq_ref++) {
      s->src[2] = (guint8) (s->seq_ref >> 8);
      s->src[3] = (guint8) s->seq_ref;
      memcpy (ring_slot (s, s->seq_ref), s->src, s->len);
    }
  }
}

/* Lookup + RTX of the BATCH packets @s->order names. */
static void
lookup_side (guint side, gpointer data)
{
  Sides *s = data;
  guint8 out[1600];

  if (side == CACHE) {
    for (guint i = 0; i < BATCH; i++) {
      int m = sh_packet_cache_retransmit (s->cache, s->order[i], 0, out, sizeof out);

      if (m != (int) s->len + 2)
        g_error ("retransmit failed: %d", m);
      sink += out[m - 1];
    }
  } else {
    for (guint i = 0; i < BATCH; i++) {
      memcpy (out, ring_slot (s, s->order[i]), s->len);
      sink += out[s->len - 1];
    }
  }
}

static void
print_row (const char *op, const Shape *shape, ShBenchPair *fig)
{
  printf ("| %-12s | %-12s |", op, shape->name);
  sh_bench_pair_print_cells (fig, SH_BENCH_SUBJECT | SH_BENCH_REFERENCE | SH_BENCH_RATIO, 6, 1);
  printf ("\n");
}

static void
run_shape (const Shape *shape, guint n_packets, guint reps)
{
  ShPacketCacheConfig config;
  g_autoptr (ShPacketCache) cache = NULL;
  g_autofree guint8 *ring = NULL;
  g_autofree guint16 *order = NULL;
  guint rounds = n_packets / BATCH;
  g_autoptr (GRand) rand = g_rand_new_with_seed (4585);
  ShBenchPair ins = { 0 }, rtx = { 0 };
  Sides s = { .seq = 60000 };

  sh_packet_cache_config_init (&config);
  config.n_slots = shape->n_slots;
  config.rtx_ssrc = 0x12345679;
  config.rtx_payload_type = 97;
  cache = sh_packet_cache_new (&config);
  s.cache = cache;
  s.mask = sh_packet_cache_n_slots (cache) - 1;
  s.len = build_packet (s.src, shape->payload_len);
  s.ring = ring = g_malloc ((gsize) (s.mask + 1) * SH_PACKET_CACHE_SLOT_SIZE);
  order = g_new (guint16, s.mask + 1);

  /* Warm-up round (dropped), then the timed ones. */
  for (guint r = 0; r <= reps; r++) {
    gint64 ns[2] = { 0 };

    s.seq_ref = s.seq;
    for (guint b = 0; b < rounds; b++)
      sh_bench_take_turns (b, 2, insert_side, &s, ns);
    if (r > 0)
      sh_bench_pair_add (&ins, ns[CACHE], ns[RING], rounds * BATCH);

    /* Lookup + RTX: every packet of the window once, in a shuffled order;
     * the window is refilled (untimed) so that no limit refuses. */
    ns[CACHE] = ns[RING] = 0;
    for (guint done = 0; done < n_packets;) {
      guint n = s.mask + 1;

      for (guint i = 0; i < n; i++, s.seq++) {
        s.src[2] = (guint8) (s.seq >> 8);
        s.src[3] = (guint8) s.seq;
        sh_packet_cache_insert (cache, s.src, s.len, 0);
        memcpy (ring_slot (&s, s.seq), s.src, s.len);
        order[i] = s.seq;
      }
      for (guint i = n - 1; i > 0; i--) {
        guint j = (guint) g_rand_int_range (rand, 0, (gint32) i + 1);
        guint16 t = order[i];

        order[i] = order[j];
        order[j] = t;
      }
      for (guint b = 0; b < n; b += BATCH) {
        s.order = order + b;
        sh_bench_take_turns (b / BATCH, 2, lookup_side, &s, ns);
      }
      done += n;
    }
    if (r > 0)
      sh_bench_pair_add (&rtx, ns[CACHE], ns[RING],
                         (n_packets + s.mask) / (s.mask + 1) * (s.mask + 1));
  }
  print_row ("insert", shape, &ins);
  print_row ("lookup + RTX", shape, &rtx);
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
  if (n < 0 || sh_rtp_parse (&view, out, (gsize) n) != SH_RTP_OK)
    g_error ("RTX check failed");
  m = sh_rtp_rtx_unwrap (&view, 0x12345678, 96, back, sizeof back);
  if (m != (int) len || memcmp (back, src, len) != 0)
    g_error ("RTX does not unwrap to the original");
}

int
main (int argc, char **argv)
{
  gint packets = 200000, reps = 7;
  GOptionEntry entries[] = {
    { "packets", 'n', 0, G_OPTION_ARG_INT, &packets, "Packets per round and operation", "N" },
    SH_BENCH_REPS_ENTRY (&reps),
    { NULL },
  };
  g_autoptr (GError) error = NULL;

  if (!sh_bench_parse_options ("- packet cache benchmark", entries, &argc, &argv, &error)
      || packets < BATCH || reps < 1 || reps > SH_BENCH_MAX_REPS) {
    fprintf (stderr, "%s\n", error != NULL ? error->message : "bad --packets or --reps");
    return 2;
  }
  check ();
  printf (
      "| operation | packet | cache median ns | cache min ns | memcpy median ns | memcpy min ns "
      "| cache/memcpy |\n");
  printf ("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    run_shape (&shapes[i], (guint) packets, (guint) reps);
  return sink == 42 ? 1 : 0;
}
