/* Tests for active speaker detection: one speaker, two overlapping speakers
 * without flapping, a cough that does not take the floor, silence that
 * clears it, joins and leaves, and the V flag present or absent. Time is
 * simulated: Opus packets every 20 ms, a tick every 100 ms.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <glib.h>

#include "speaker.h"

#define MS G_GINT64_CONSTANT (1000) /* microseconds */
#define PACKET_MS 20
#define TICK_MS 100
#define SILENT 127
#define NO_PACKET 255 /* DTX: nothing sent */
#define MAX_CHANGES 64

/* What one participant sends at a given time (level in -dBov). */
typedef guint (*Script) (gint64 t_ms);

typedef struct {
  guint64 id;
  ShSpeakerHandle handle;
  Script script;
} Person;

typedef struct {
  gint64 at_ms;
  gboolean has;
  guint64 id;
} Change;

typedef struct {
  guint n;
  Change changes[MAX_CHANGES];
} Changes;

/* Runs the meeting from @from_ms to @to_ms, collecting dominant changes. */
static void
run (ShSpeaker *speaker, Person *people, guint n_people, gint64 from_ms, gint64 to_ms, Changes *out)
{
  for (gint64 t = from_ms; t < to_ms; t += PACKET_MS) {
    for (guint i = 0; i < n_people; i++) {
      guint level = people[i].script (t);

      if (level != NO_PACKET)
        g_assert_true (sh_speaker_update (speaker, people[i].handle, (guint8) level,
                                          SH_SPEAKER_VAD_UNKNOWN, t * MS));
    }
    if ((t + PACKET_MS) % TICK_MS == 0) {
      gboolean has;
      guint64 id;

      if (sh_speaker_tick (speaker, (t + PACKET_MS) * MS, &has, &id)) {
        g_assert_cmpuint (out->n, <, MAX_CHANGES);
        out->changes[out->n++] = (Change){ t + PACKET_MS, has, id };
      }
    }
  }
}

static guint
silent (gint64 t_ms)
{
  return SILENT;
}

static guint
talk_30 (gint64 t_ms)
{
  return 30;
}

static guint
talk_30_until_2s (gint64 t_ms)
{
  return t_ms < 2000 ? 30 : NO_PACKET;
}

static ShSpeaker *
new_with (Person *people, guint n)
{
  ShSpeaker *speaker = sh_speaker_new (NULL);

  for (guint i = 0; i < n; i++) {
    people[i].handle = sh_speaker_add (speaker, people[i].id, 0);
    g_assert_cmpuint (people[i].handle, !=, SH_SPEAKER_INVALID_HANDLE);
  }
  return speaker;
}

static void
test_one_speaker (void)
{
  Person people[] = { { 1, 0, silent }, { 2, 0, talk_30 }, { 3, 0, silent } };
  g_autoptr (ShSpeaker) speaker = new_with (people, 3);
  Changes changes = { 0 };
  ShSpeakerLevel levels[4];
  guint64 id;

  run (speaker, people, 3, 0, 5000, &changes);
  g_assert_cmpuint (changes.n, ==, 1);
  g_assert_true (changes.changes[0].has);
  g_assert_cmpuint (changes.changes[0].id, ==, 2);
  /* Smoothing and the challenge take time, but well under a second. */
  g_assert_cmpint (changes.changes[0].at_ms, >=, 300);
  g_assert_cmpint (changes.changes[0].at_ms, <=, 1000);
  g_assert_true (sh_speaker_dominant (speaker, &id));
  g_assert_cmpuint (id, ==, 2);

  g_assert_cmpuint (sh_speaker_levels (speaker, levels, G_N_ELEMENTS (levels)), ==, 3);
  g_assert_cmpuint (levels[0].id, ==, 1);
  g_assert_cmpuint (levels[0].loudness, ==, 0);
  g_assert_false (levels[0].speaking);
  g_assert_cmpuint (levels[1].id, ==, 2);
  g_assert_cmpuint (levels[1].loudness, ==, 30); /* -30 dBov, silence at -60 */
  g_assert_true (levels[1].speaking);
  g_assert_true (levels[1].dominant);
  g_assert_false (levels[2].dominant);
  /* A short array still gets the count. */
  g_assert_cmpuint (sh_speaker_levels (speaker, levels, 1), ==, 3);
}

/* A speaks all along; B joins in from 3 s at about the same loudness, then
 * from 6 s clearly louder. */
static guint
overlap_a (gint64 t_ms)
{
  return 30;
}

static guint
overlap_b (gint64 t_ms)
{
  if (t_ms < 3000)
    return SILENT;
  if (t_ms < 6000)
    return (t_ms / 40) % 2 ? 27 : 33; /* fluctuates around A's level */
  return 10;
}

static void
test_overlap_no_flapping (void)
{
  Person people[] = { { 10, 0, overlap_a }, { 20, 0, overlap_b } };
  g_autoptr (ShSpeaker) speaker = new_with (people, 2);
  Changes changes = { 0 };

  run (speaker, people, 2, 0, 9000, &changes);
  g_assert_cmpuint (changes.n, ==, 2);
  g_assert_cmpuint (changes.changes[0].id, ==, 10);
  g_assert_true (changes.changes[1].has);
  g_assert_cmpuint (changes.changes[1].id, ==, 20);
  /* Only once B is clearly louder, and only after the challenge time. */
  g_assert_cmpint (changes.changes[1].at_ms, >=, 6300);
  g_assert_cmpint (changes.changes[1].at_ms, <=, 7200);
}

/* Two people trading the lead every 500 ms, seen through a short window
 * that follows them closely: the challenge alone would move the floor every
 * 500 ms, the minimum interval holds it for a second. */
static guint
alternate_a (gint64 t_ms)
{
  return (t_ms / 500) % 2 ? 40 : 5;
}

static guint
alternate_b (gint64 t_ms)
{
  return (t_ms / 500) % 2 ? 5 : 40;
}

static void
test_min_switch_interval (void)
{
  Person people[] = { { 1, 0, alternate_a }, { 2, 0, alternate_b } };
  ShSpeakerConfig config;
  g_autoptr (ShSpeaker) speaker = NULL;
  Changes changes = { 0 };

  sh_speaker_config_init (&config);
  config.window_buckets = 2;
  speaker = sh_speaker_new (&config);
  for (guint i = 0; i < 2; i++)
    people[i].handle = sh_speaker_add (speaker, people[i].id, 0);

  run (speaker, people, 2, 0, 20000, &changes);
  g_assert_cmpuint (changes.n, >=, 10);
  for (guint i = 1; i < changes.n; i++) {
    g_assert_true (changes.changes[i].has);
    g_assert_cmpuint (changes.changes[i].id, !=, changes.changes[i - 1].id);
    g_assert_cmpint (changes.changes[i].at_ms - changes.changes[i - 1].at_ms, >=, 1000);
  }
}

/* B coughs for 200 ms, as loud as a microphone goes, while A speaks. */
static guint
cough_b (gint64 t_ms)
{
  return t_ms >= 3000 && t_ms < 3200 ? 0 : SILENT;
}

static void
test_cough_keeps_floor (void)
{
  Person people[] = { { 1, 0, talk_30 }, { 2, 0, cough_b } };
  g_autoptr (ShSpeaker) speaker = new_with (people, 2);
  Changes changes = { 0 };
  ShSpeakerLevel levels[2];

  run (speaker, people, 2, 0, 3300, &changes);
  /* The cough shows on the meter... */
  sh_speaker_levels (speaker, levels, 2);
  g_assert_cmpuint (levels[1].loudness, >, 0);
  run (speaker, people, 2, 3300, 6000, &changes);
  /* ...but never takes the floor. */
  g_assert_cmpuint (changes.n, ==, 1);
  g_assert_cmpuint (changes.changes[0].id, ==, 1);
}

static void
test_silence_clears (void)
{
  Person people[] = { { 7, 0, talk_30_until_2s }, { 8, 0, silent } };
  g_autoptr (ShSpeaker) speaker = new_with (people, 2);
  Changes changes = { 0 };
  gint64 quiet_ms;

  run (speaker, people, 2, 0, 10000, &changes);
  g_assert_cmpuint (changes.n, ==, 2);
  g_assert_true (changes.changes[0].has);
  g_assert_cmpuint (changes.changes[0].id, ==, 7);
  g_assert_false (changes.changes[1].has);
  /* Not before 2 s of silence, and not long after (the window's decay plus
   * one tick). */
  quiet_ms = changes.changes[1].at_ms - 2000;
  g_assert_cmpint (quiet_ms, >=, 2000);
  g_assert_cmpint (quiet_ms, <=, 2000 + 800 + TICK_MS);
  g_assert_false (sh_speaker_dominant (speaker, NULL));
}

static void
test_join_leave (void)
{
  Person people[] = { { 1, 0, talk_30 }, { 2, 0, silent } };
  g_autoptr (ShSpeaker) speaker = new_with (people, 2);
  Changes changes = { 0 };
  ShSpeakerHandle old, again, other;
  gboolean has;
  guint64 id;

  g_assert_cmpuint (sh_speaker_count (speaker), ==, 2);
  /* An id is unique. */
  g_assert_cmpuint (sh_speaker_add (speaker, 1, 0), ==, SH_SPEAKER_INVALID_HANDLE);
  g_assert_cmpuint (sh_speaker_find (speaker, 2), ==, people[1].handle);
  g_assert_cmpuint (sh_speaker_find (speaker, 99), ==, SH_SPEAKER_INVALID_HANDLE);

  run (speaker, people, 2, 0, 2000, &changes);
  g_assert_cmpuint (changes.n, ==, 1);
  g_assert_cmpuint (changes.changes[0].id, ==, 1);

  /* The dominant speaker leaves: the next tick says nobody dominates. */
  old = people[0].handle;
  g_assert_true (sh_speaker_remove (speaker, 1));
  g_assert_false (sh_speaker_remove (speaker, 1));
  g_assert_cmpuint (sh_speaker_count (speaker), ==, 1);
  g_assert_true (sh_speaker_tick (speaker, 2100 * MS, &has, &id));
  g_assert_false (has);
  g_assert_false (sh_speaker_tick (speaker, 2200 * MS, &has, &id));
  /* Its handle is dead, also once the slot is reused by a newcomer. */
  g_assert_false (sh_speaker_update (speaker, old, 30, SH_SPEAKER_VAD_UNKNOWN, 2200 * MS));
  again = sh_speaker_add (speaker, 3, 2200 * MS);
  g_assert_cmpuint (again, !=, SH_SPEAKER_INVALID_HANDLE);
  g_assert_cmpuint (again, !=, old);
  g_assert_false (sh_speaker_update (speaker, old, 30, SH_SPEAKER_VAD_UNKNOWN, 2200 * MS));
  g_assert_false (sh_speaker_update (speaker, SH_SPEAKER_INVALID_HANDLE, 30, SH_SPEAKER_VAD_UNKNOWN,
                                     2200 * MS));

  /* The newcomer starts from silence (nothing inherited) and takes the
   * floor once it speaks. */
  people[0] = (Person){ 3, again, talk_30 };
  changes.n = 0;
  run (speaker, people, 2, 2200, 5000, &changes);
  g_assert_cmpuint (changes.n, ==, 1);
  g_assert_cmpuint (changes.changes[0].id, ==, 3);
  g_assert_cmpint (changes.changes[0].at_ms, >=, 2200 + 300);

  /* Many joins grow the table; handles stay valid. */
  for (guint64 i = 100; i < 140; i++)
    g_assert_cmpuint (sh_speaker_add (speaker, i, 5000 * MS), !=, SH_SPEAKER_INVALID_HANDLE);
  other = sh_speaker_find (speaker, 2);
  g_assert_cmpuint (other, ==, people[1].handle);
  g_assert_true (sh_speaker_update (speaker, other, 30, SH_SPEAKER_VAD_UNKNOWN, 5000 * MS));
  g_assert_cmpuint (sh_speaker_count (speaker), ==, 42);
}

/* An Opus packet with a one-byte header extension carrying audio level. */
static gsize
opus_packet (guint8 *buf, guint8 ext_id, gboolean voice, guint8 level)
{
  static const guint8 header[] = { 0x90, 0x6f, 0x00, 0x01, 0,    0,    0x03, 0xc0,
                                   0x11, 0x22, 0x33, 0x44, 0xbe, 0xde, 0x00, 0x01 };

  memcpy (buf, header, sizeof header);
  buf[16] = (guint8) (ext_id << 4); /* length - 1 = 0 */
  buf[17] = (guint8) ((voice ? 0x80 : 0) | level);
  buf[18] = 0;
  buf[19] = 0;
  memset (buf + 20, 0xab, 40);
  return 60;
}

static void
test_vad_flag (void)
{
  g_autoptr (ShSpeaker) speaker = sh_speaker_new (NULL);
  ShSpeakerHandle no_vad = sh_speaker_add (speaker, 1, 0);
  ShSpeakerHandle with_vad = sh_speaker_add (speaker, 2, 0);
  ShSpeakerLevel levels[2];
  guint8 buf[64];
  ShRtpView view;
  guint64 id;

  /* Both send loud levels with V = 0. Without "vad=on" the bit means
   * nothing and the level decides; with it, the sender says silence. */
  g_assert_cmpint (sh_rtp_parse (&view, buf, opus_packet (buf, 1, FALSE, 20)), ==, SH_RTP_OK);
  for (gint64 t = 0; t < 2000; t += PACKET_MS) {
    g_assert_true (sh_speaker_update_packet (speaker, no_vad, &view, 1, FALSE, t * MS));
    g_assert_true (sh_speaker_update_packet (speaker, with_vad, &view, 1, TRUE, t * MS));
    if (t % TICK_MS == 0)
      sh_speaker_tick (speaker, t * MS, NULL, NULL);
  }
  g_assert_true (sh_speaker_dominant (speaker, &id));
  g_assert_cmpuint (id, ==, 1);
  sh_speaker_levels (speaker, levels, 2);
  g_assert_cmpuint (levels[0].loudness, ==, 40);
  g_assert_cmpuint (levels[1].loudness, ==, 0);

  /* V = 1 counts; a packet without the extension (or another id) is not a
   * sample at all. */
  g_assert_cmpint (sh_rtp_parse (&view, buf, opus_packet (buf, 1, TRUE, 20)), ==, SH_RTP_OK);
  g_assert_true (sh_speaker_update_packet (speaker, with_vad, &view, 1, TRUE, 2000 * MS));
  g_assert_false (sh_speaker_update_packet (speaker, with_vad, &view, 5, TRUE, 2000 * MS));
}

static void
test_config (void)
{
  ShSpeakerConfig config;

  sh_speaker_config_init (&config);
  g_assert_cmpuint (config.bucket_ms * config.window_buckets, >=, 500);
  g_assert_cmpuint (config.bucket_ms * config.window_buckets, <=, 1000);
  config.window_buckets = SH_SPEAKER_MAX_BUCKETS + 1;
  g_assert_null (sh_speaker_new (&config));
  config.window_buckets = 0;
  g_assert_null (sh_speaker_new (&config));
  config.window_buckets = 4;
  config.bucket_ms = 0;
  g_assert_null (sh_speaker_new (&config));
}

/* A caller whose ticks pause for a long time, or whose clock steps back,
 * gets sane scores rather than stale ones. */
static void
test_time_gaps (void)
{
  g_autoptr (ShSpeaker) speaker = sh_speaker_new (NULL);
  ShSpeakerHandle h = sh_speaker_add (speaker, 5, 1000 * MS);
  ShSpeakerLevel level;

  for (gint64 t = 1000; t < 3000; t += PACKET_MS)
    sh_speaker_update (speaker, h, 30, SH_SPEAKER_VAD_UNKNOWN, t * MS);
  sh_speaker_tick (speaker, 3000 * MS, NULL, NULL);
  sh_speaker_levels (speaker, &level, 1);
  g_assert_cmpuint (level.loudness, ==, 30);
  /* An hour later without a packet: silent. */
  sh_speaker_tick (speaker, 3603000 * MS, NULL, NULL);
  sh_speaker_levels (speaker, &level, 1);
  g_assert_cmpuint (level.loudness, ==, 0);
  /* A sample stamped in the past lands in the current bucket. */
  g_assert_true (sh_speaker_update (speaker, h, 30, SH_SPEAKER_VAD_UNKNOWN, 10 * MS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/speaker/one", test_one_speaker);
  g_test_add_func ("/speaker/overlap-no-flapping", test_overlap_no_flapping);
  g_test_add_func ("/speaker/min-switch-interval", test_min_switch_interval);
  g_test_add_func ("/speaker/cough", test_cough_keeps_floor);
  g_test_add_func ("/speaker/silence-clears", test_silence_clears);
  g_test_add_func ("/speaker/join-leave", test_join_leave);
  g_test_add_func ("/speaker/vad-flag", test_vad_flag);
  g_test_add_func ("/speaker/config", test_config);
  g_test_add_func ("/speaker/time-gaps", test_time_gaps);
  return g_test_run ();
}
