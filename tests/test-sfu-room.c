/* The room's negotiation on a real worker: tracks published by one
 * participant are offered to the others, answered, withdrawn when the
 * publisher leaves; refusals for unknown participants. The packets
 * themselves are the browser suite's job.
 * SPDX-License-Identifier: Apache-2.0 */
#include "media-fixture.h"

#include "sdp.h"

static ShMediaEngine *engine;

typedef struct {
  ShMediaRoom *room;
  GHashTable *offers; /* guint64 participant → last offer (owned) */
  guint offers_made;
  GError *error;
  gint done;
  /* What the test body saw, checked on the main thread. */
  char *answer;
  char *offer_to_2;
  char *offer_to_1;
  char *offer_after_leave;
  gboolean rejoin_refused, unknown_refused, candidate_refused;
  ShMediaRoomStats stats;
} Scenario;

static void
on_subscribe_offer (ShMediaRoom *room, guint64 participant, const char *sdp, gpointer user_data)
{
  Scenario *s = user_data;

  s->offers_made++;
  g_hash_table_replace (s->offers, g_memdup2 (&participant, sizeof participant), g_strdup (sdp));
}

static char *
take_offer (Scenario *s, guint64 participant)
{
  char *offer = NULL;
  gpointer key = NULL;

  /* Stealing hands over the key as well as the value. */
  g_hash_table_steal_extended (s->offers, &participant, &key, (gpointer *) &offer);
  g_free (key);
  return offer;
}

static gboolean
scenario_on_worker (gpointer data)
{
  static const ShMediaRoomCallbacks callbacks = { .subscribe_offer = on_subscribe_offer };
  Scenario *s = data;
  g_autofree char *chromium = media_fixture_read_sdp ("chromium-sendrecv-audio-video.sdp");
  g_autofree char *answer2 = NULL;
  g_autoptr (GError) ignored = NULL;
  guint offers_before;

  s->room = sh_media_room_new (engine, 0, &callbacks, s);
  g_assert_true (sh_media_room_join (s->room, 1, &s->error));
  g_assert_true (sh_media_room_join (s->room, 2, &s->error));
  /* Nobody publishes yet: nothing to offer. */
  g_assert_cmpuint (s->offers_made, ==, 0);
  s->rejoin_refused = !sh_media_room_join (s->room, 2, &ignored);
  g_clear_error (&ignored);

  s->answer = sh_media_room_publish (s->room, 1, chromium, &s->error);
  s->offer_to_2 = take_offer (s, 2);
  g_assert_null (take_offer (s, 1));
  answer2 = media_fixture_answer_from_offer (s->offer_to_2);
  g_assert_true (sh_media_room_subscribe_answer (s->room, 2, answer2, &s->error));

  /* The second participant publishes: the first is offered their tracks. */
  g_free (sh_media_room_publish (s->room, 2, chromium, &s->error));
  s->offer_to_1 = take_offer (s, 1);

  /* The first leaves: the second gets an offer with the sections kept but
   * inactive. */
  offers_before = s->offers_made;
  sh_media_room_leave (s->room, 1);
  g_assert_cmpuint (s->offers_made, ==, offers_before + 1);
  s->offer_after_leave = take_offer (s, 2);

  s->unknown_refused = !sh_media_room_subscribe_answer (s->room, 1, answer2, &ignored);
  g_clear_error (&ignored);
  s->candidate_refused = !sh_media_room_add_candidate (
      s->room, 99, SH_MEDIA_LEG_PUBLISH, "candidate:1 1 udp 1 127.0.0.1 9 typ host", &ignored);
  sh_media_room_set_forwarding (s->room, 2, "video", FALSE);
  sh_media_room_set_forwarding (s->room, 99, "audio", FALSE);
  sh_media_room_get_stats (s->room, &s->stats);
  g_clear_pointer (&s->room, sh_media_room_free);
  g_atomic_int_set (&s->done, 1);
  return G_SOURCE_REMOVE;
}

static guint
count (const char *text, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_negotiation (void)
{
  Scenario s = { .offers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free) };
  g_autoptr (ShSdp) offer = NULL;
  g_autoptr (GError) error = NULL;
  ShSdpMedia *video;

  media_fixture_run (engine, scenario_on_worker, &s, &s.done);
  g_assert_no_error (s.error);
  g_assert_true (s.rejoin_refused);
  g_assert_true (s.unknown_refused);
  g_assert_true (s.candidate_refused);
  g_assert_nonnull (s.answer);
  /* The server only receives on the publish leg. */
  g_assert_cmpuint (count (s.answer, "a=recvonly"), ==, 2);

  g_assert_nonnull (s.offer_to_2);
  offer = sh_sdp_parse (s.offer_to_2, strlen (s.offer_to_2), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (offer->media->len, ==, 2);
  video = g_ptr_array_index (offer->media, 1);
  g_assert_cmpstr (video->kind, ==, "video");
  g_assert_cmpint (video->direction, ==, SH_SDP_DIRECTION_SENDONLY);
  /* Forwarded video goes out in the codec it came in, with its RTX. */
  g_assert_cmpuint (video->codecs->len, ==, 2);
  g_assert_cmpstr (((ShSdpCodec *) g_ptr_array_index (video->codecs, 0))->name, ==, "VP8");
  g_assert_cmpuint (video->ssrcs->len, ==, 2);
  g_assert_nonnull (strstr (s.offer_to_2, "a=msid:p1 "));

  g_assert_nonnull (s.offer_to_1);
  g_assert_nonnull (strstr (s.offer_to_1, "a=msid:p2 "));
  g_assert_nonnull (s.offer_after_leave);
  g_assert_cmpuint (count (s.offer_after_leave, "a=inactive"), ==, 2);
  /* A track that went away keeps its section but not its stream id: the
   * publisher's next track from that mid would repeat it, which browsers
   * refuse. */
  g_assert_null (strstr (s.offer_after_leave, "a=msid:p1"));
  g_assert_cmpuint (s.stats.forwarded_packets, ==, 0);

  g_free (s.answer);
  g_free (s.offer_to_2);
  g_free (s.offer_to_1);
  g_free (s.offer_after_leave);
  g_hash_table_unref (s.offers);
}

int
main (int argc, char **argv)
{
  static const char *const listen[] = { "127.0.0.1", NULL };
  ShMediaEngineConfig config = { .n_workers = 1, .listen_addresses = listen };
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  engine = sh_media_engine_new (&config, &error);
  g_assert_no_error (error);
  g_test_add_func ("/sfu-room/negotiation", test_negotiation);
  status = g_test_run ();
  sh_media_engine_free (engine);
  return status;
}
