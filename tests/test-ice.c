/* Tests for the ICE transport: two real libnice agents talking over UDP on
 * 127.0.0.1, both on one GMainContext that the test iterates.
 * SPDX-License-Identifier: Apache-2.0 */
#include "ice.h"

#include <string.h>
#include <unistd.h>

/* Generous: a loaded 2-core machine must not make these tests flaky. The
 * waits end as soon as their condition holds. */
#define WAIT_MS 20000
#define N_PACKETS 100

typedef struct _Peer Peer;

struct _Peer {
  const char *name;
  ShIce *ice;
  Peer *other;
  GPtrArray *candidates; /* local candidate strings emitted, owned */
  guint n_gathering_done;
  guint n_pair_changes;
  GArray *states; /* ShIceState history */
  guint n_rx;
  guint8 seen[N_PACKETS];
  /* Trickle our candidates to the other peer as they come. */
  gboolean trickle;
  /* Hide our host addresses behind mDNS names, as Chromium does. */
  gboolean mdns;
  /* Free ourselves from inside the state callback on "failed". */
  gboolean free_on_failed;
  gboolean closed;
};

typedef struct {
  GMainContext *context;
  Peer a; /* controlling */
  Peer b; /* controlled */
} Fixture;

static void
peer_local_candidate (ShIce *ice, const char *candidate, gpointer data)
{
  Peer *peer = data;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_str_has_prefix (candidate, "candidate:"));
  g_ptr_array_add (peer->candidates, g_strdup (candidate));
  if (!peer->trickle || peer->other->ice == NULL)
    return;
  if (peer->mdns) {
    /* "candidate:F C T P ADDR PORT typ host" with ADDR as a .local name. */
    g_auto (GStrv) tok = g_strsplit (candidate, " ", -1);
    g_autofree char *hidden = NULL;
    g_assert_cmpuint (g_strv_length (tok), >=, 8);
    g_free (tok[4]);
    tok[4] = g_strdup ("3f2a6d1c-9b7e-4c1a-8e55-0c1d2e3f4a5b.local");
    hidden = g_strjoinv (" ", tok);
    g_assert_true (sh_ice_add_remote_candidate (peer->other->ice, hidden, &error));
  } else {
    g_assert_true (sh_ice_add_remote_candidate (peer->other->ice, candidate, &error));
  }
  g_assert_no_error (error);
}

static void
peer_gathering_done (ShIce *ice, gpointer data)
{
  Peer *peer = data;
  g_autoptr (GError) error = NULL;

  peer->n_gathering_done++;
  /* end-of-candidates travels with the trickle. */
  if (peer->other->ice != NULL) {
    g_assert_true (sh_ice_remote_gathering_done (peer->other->ice, &error));
    g_assert_no_error (error);
  }
}

static void
peer_state_changed (ShIce *ice, ShIceState state, gpointer data)
{
  Peer *peer = data;

  g_test_message ("%s: %s", peer->name, sh_ice_state_to_string (state));
  g_assert_cmpint (state, ==, sh_ice_get_state (ice));
  g_array_append_val (peer->states, state);
  if (state == SH_ICE_STATE_FAILED && peer->free_on_failed) {
    sh_ice_free (peer->ice);
    peer->ice = NULL;
  }
}

static void
peer_recv (ShIce *ice, const guint8 *buf, gsize len, gpointer data)
{
  Peer *peer = data;

  /* Packets of this test: a marker byte, then the sequence number. */
  g_assert_cmpuint (len, ==, 3);
  g_assert_cmpuint (buf[0], ==, 0x80);
  g_assert_cmpuint (buf[1] * 256u + buf[2], <, N_PACKETS);
  peer->seen[buf[1] * 256u + buf[2]] = 1;
  peer->n_rx++;
}

static void
peer_pair_changed (ShIce *ice, gpointer data)
{
  Peer *peer = data;
  peer->n_pair_changes++;
}

static const ShIceCallbacks peer_callbacks = {
  .local_candidate = peer_local_candidate,
  .gathering_done = peer_gathering_done,
  .state_changed = peer_state_changed,
  .recv = peer_recv,
  .selected_pair_changed = peer_pair_changed,
};

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->context = g_main_context_new ();
  f->a.name = "A";
  f->b.name = "B";
  f->a.other = &f->b;
  f->b.other = &f->a;
  for (Peer *p = &f->a; p != NULL; p = (p == &f->a) ? &f->b : NULL) {
    p->candidates = g_ptr_array_new_with_free_func (g_free);
    p->states = g_array_new (FALSE, FALSE, sizeof (ShIceState));
    p->trickle = TRUE;
  }
}

static void
on_closed (gpointer data)
{
  Peer *peer = data;
  peer->closed = TRUE;
}

static gboolean
on_timeout (gpointer data)
{
  gboolean *expired = data;
  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (Fixture *f);

/* Iterates the context until @cond holds or WAIT_MS pass. */
static gboolean
wait_for (Fixture *f, Condition cond)
{
  gboolean expired = FALSE;
  GSource *timer = g_timeout_source_new (WAIT_MS);

  g_source_set_callback (timer, on_timeout, &expired, NULL);
  g_source_attach (timer, f->context);
  while (!cond (f) && !expired)
    g_main_context_iteration (f->context, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
  return cond (f);
}

static gboolean
both_closed (Fixture *f)
{
  return f->a.closed && f->b.closed;
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  for (Peer *p = &f->a; p != NULL; p = (p == &f->a) ? &f->b : NULL) {
    if (p->ice != NULL) {
      ShIce *ice = g_steal_pointer (&p->ice);
      sh_ice_free_full (ice, on_closed, p);
    } else {
      p->closed = TRUE;
    }
  }
  /* The agents close asynchronously on the context: drain it so that
   * nothing is left for the leak checker. */
  g_assert_true (wait_for (f, both_closed));
  while (g_main_context_iteration (f->context, FALSE))
    ;
  for (Peer *p = &f->a; p != NULL; p = (p == &f->a) ? &f->b : NULL) {
    g_ptr_array_unref (p->candidates);
    g_array_unref (p->states);
  }
  g_main_context_unref (f->context);
}

static const char *const loopback[] = { "127.0.0.1", NULL };

static ShIce *
make_ice (Fixture *f, Peer *peer, const ShIceConfig *base)
{
  g_autoptr (GError) error = NULL;
  ShIceConfig config = { 0 };
  ShIce *ice;

  if (base != NULL)
    config = *base;
  config.controlling = (peer == &f->a);
  config.listen_addresses = loopback;
  ice = sh_ice_new (f->context, &config, &peer_callbacks, peer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ice);
  g_assert_cmpint (sh_ice_is_controlling (ice), ==, config.controlling);
  g_assert_cmpint (sh_ice_get_state (ice), ==, SH_ICE_STATE_NEW);
  return ice;
}

/* What signaling does with the two descriptions: each side learns the
 * other's credentials. */
static void
exchange_credentials (Fixture *f)
{
  for (Peer *p = &f->a; p != NULL; p = (p == &f->a) ? &f->b : NULL) {
    g_autoptr (GError) error = NULL;
    g_autofree char *ufrag = NULL;
    g_autofree char *pwd = NULL;
    g_assert_true (sh_ice_get_local_credentials (p->ice, &ufrag, &pwd, &error));
    g_assert_no_error (error);
    g_assert_true (sh_ice_set_remote_credentials (p->other->ice, ufrag, pwd, &error));
    g_assert_no_error (error);
  }
}

static void
start (Fixture *f, const ShIceConfig *config_a, const ShIceConfig *config_b)
{
  g_autoptr (GError) error = NULL;

  f->a.ice = make_ice (f, &f->a, config_a);
  f->b.ice = make_ice (f, &f->b, config_b);
  exchange_credentials (f);
  g_assert_true (sh_ice_gather (f->b.ice, &error));
  g_assert_no_error (error);
  g_assert_true (sh_ice_gather (f->a.ice, &error));
  g_assert_no_error (error);
}

static gboolean
is_up (Peer *p)
{
  ShIcePair pair;

  if (p->ice == NULL)
    return FALSE;
  ShIceState state = sh_ice_get_state (p->ice);
  return (state == SH_ICE_STATE_CONNECTED || state == SH_ICE_STATE_COMPLETED)
         && sh_ice_get_selected_pair (p->ice, &pair);
}

static gboolean
both_up (Fixture *f)
{
  return is_up (&f->a) && is_up (&f->b);
}

static gboolean
both_received_all (Fixture *f)
{
  return f->a.n_rx >= N_PACKETS && f->b.n_rx >= N_PACKETS;
}

static void
make_packet (guint8 packet[3], guint i)
{
  packet[0] = 0x80;
  packet[1] = (guint8) (i >> 8);
  packet[2] = (guint8) i;
}

/* A sends one by one, B in a batch; both sides count what arrived. */
static void
exchange_data (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  guint8 packets[N_PACKETS][3];
  ShIceBuffer buffers[N_PACKETS];

  f->a.n_rx = f->b.n_rx = 0;
  memset (f->a.seen, 0, sizeof f->a.seen);
  memset (f->b.seen, 0, sizeof f->b.seen);
  for (guint i = 0; i < N_PACKETS; i++) {
    make_packet (packets[i], i);
    g_assert_cmpint (sh_ice_send (f->a.ice, packets[i], 3), ==, 3);
    buffers[i].data = packets[i];
    buffers[i].len = 3;
  }
  g_assert_cmpint (sh_ice_send_batch (f->b.ice, buffers, N_PACKETS, &error), ==, N_PACKETS);
  g_assert_no_error (error);
  g_assert_true (wait_for (f, both_received_all));
  g_assert_cmpuint (f->a.n_rx, ==, N_PACKETS);
  g_assert_cmpuint (f->b.n_rx, ==, N_PACKETS);
  for (guint i = 0; i < N_PACKETS; i++) {
    g_assert_cmpuint (f->a.seen[i], ==, 1);
    g_assert_cmpuint (f->b.seen[i], ==, 1);
  }
}

static gboolean
both_gathered (Fixture *f)
{
  return f->a.n_gathering_done > 0 && f->b.n_gathering_done > 0;
}

static void
test_trickle_connect (Fixture *f, gconstpointer data)
{
  ShIcePair pair;

  start (f, NULL, NULL);
  g_assert_true (wait_for (f, both_up));
  g_assert_true (wait_for (f, both_gathered));
  g_assert_cmpuint (f->a.n_gathering_done, ==, 1);
  g_assert_cmpuint (f->b.n_gathering_done, ==, 1);
  g_assert_cmpuint (f->a.candidates->len, >, 0);
  g_assert_cmpuint (f->b.candidates->len, >, 0);
  g_assert_cmpuint (f->a.n_pair_changes, >, 0);

  g_assert_true (sh_ice_get_selected_pair (f->a.ice, &pair));
  g_assert_cmpstr (pair.local_address, ==, "127.0.0.1");
  g_assert_cmpstr (pair.remote_address, ==, "127.0.0.1");
  g_assert_cmpint (pair.local_type, ==, SH_ICE_CANDIDATE_HOST);
  g_assert_cmpuint (pair.local_port, >, 0);
  /* The controlled side names the same path from its end. */
  ShIcePair other;
  g_assert_true (sh_ice_get_selected_pair (f->b.ice, &other));
  g_assert_cmpuint (other.local_port, ==, pair.remote_port);
  g_assert_cmpuint (other.remote_port, ==, pair.local_port);
  /* The first state reported after "new" is "checking". */
  g_assert_cmpuint (f->a.states->len, >, 0);
  g_assert_cmpint (g_array_index (f->a.states, ShIceState, 0), ==, SH_ICE_STATE_CHECKING);
}

static void
test_data (Fixture *f, gconstpointer data)
{
  start (f, NULL, NULL);
  g_assert_true (wait_for (f, both_up));
  exchange_data (f);
}

/* Chromium's case: its host address hidden behind an mDNS name the server
 * cannot resolve. The server (B, controlled) gets only unusable candidates
 * and must learn the browser's address from its connectivity checks. */
static void
test_peer_reflexive (Fixture *f, gconstpointer data)
{
  ShIcePair pair;

  f->a.mdns = TRUE;
  start (f, NULL, NULL);
  g_assert_true (wait_for (f, both_up));
  g_assert_true (sh_ice_get_selected_pair (f->b.ice, &pair));
  g_assert_cmpint (pair.remote_type, ==, SH_ICE_CANDIDATE_PRFLX);
  g_assert_cmpstr (pair.remote_address, ==, "127.0.0.1");
  g_assert_cmpint (pair.local_type, ==, SH_ICE_CANDIDATE_HOST);
  g_assert_true (sh_ice_get_selected_pair (f->a.ice, &pair));
  g_assert_cmpint (pair.remote_type, ==, SH_ICE_CANDIDATE_HOST);
  exchange_data (f);
}

/* Same, with no remote candidate at all on the controlled side. */
static void
test_peer_reflexive_silent (Fixture *f, gconstpointer data)
{
  ShIcePair pair;

  f->a.trickle = FALSE;
  start (f, NULL, NULL);
  g_assert_true (wait_for (f, both_up));
  g_assert_true (sh_ice_get_selected_pair (f->b.ice, &pair));
  g_assert_cmpint (pair.remote_type, ==, SH_ICE_CANDIDATE_PRFLX);
  exchange_data (f);
}

static void
test_mdns_candidate (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  static const char *const accepted[] = {
    "candidate:2437072876 1 udp 2122260223 4b1f9a2e-0d3c-4e1a-9f6b-7c8d9e0f1a2b.local 54321 typ "
    "host generation 0 ufrag Xy12 network-id 1",
    "a=candidate:1 1 UDP 2122260223 c0ffee00-1111-2222-3333-444455556666.local 9 typ host\r\n",
    /* Not mDNS, but also of no use with rtcp-mux and UDP only. */
    "candidate:1 2 udp 2122260222 127.0.0.1 5000 typ host",
    "candidate:3 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active",
    /* Usable, in the forms browsers and libnice write. */
    "candidate:842163049 1 udp 1677729535 192.0.2.7 46154 typ srflx raddr 0.0.0.0 rport 0 "
    "generation 0 ufrag sXRH network-cost 999",
    "a=candidate:1 1 UDP 2013266431 127.0.0.1 40000 typ host",
    "candidate:4 1 udp 2122262783 ::1 40001 typ host",
  };

  f->b.ice = make_ice (f, &f->b, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++) {
    g_assert_true (sh_ice_add_remote_candidate (f->b.ice, accepted[i], &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (sh_ice_get_state (f->b.ice), ==, SH_ICE_STATE_NEW);
}

static void
test_malformed (Fixture *f, gconstpointer data)
{
  static const char *const bad[] = {
    "",
    "candidate:",
    "hello world",
    "candidate:1 1 udp 2122260223 127.0.0.1 5000",
    "candidate:1 1 udp 2122260223 127.0.0.1 5000 type host",
    "candidate:1 1 udp 2122260223 127.0.0.1 5000 typ banana",
    "candidate:1 1 udp notanumber 127.0.0.1 5000 typ host",
    "candidate:1 1 udp 2122260223 127.0.0.1 70000 typ host",
    "candidate:1 1 udp 2122260223 127.0.0.1 0 typ host",
    "candidate:1 0 udp 2122260223 127.0.0.1 5000 typ host",
    "candidate:1 1 sctp 2122260223 127.0.0.1 5000 typ host",
    "candidate:1 1 udp 2122260223 999.1.1.1 5000 typ host",
    "candidate:1 1 udp 2122260223 example.com 5000 typ host",
    "candidate:1 1 udp 99999999999 127.0.0.1 5000 typ host",
    "candidate:f@o 1 udp 2122260223 127.0.0.1 5000 typ host",
    "candidate:1 1 udp 2122260223 127.0.0.1 5000 typ srflx raddr 10.0.0.1 rport x",
  };
  g_autoptr (GError) error = NULL;

  f->b.ice = make_ice (f, &f->b, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_assert_false (sh_ice_add_remote_candidate (f->b.ice, bad[i], &error));
    g_assert_error (error, SH_ICE_ERROR, SH_ICE_ERROR_CANDIDATE);
    g_assert_nonnull (strstr (error->message, "invalid ICE candidate"));
    g_clear_error (&error);
  }
  g_assert_false (sh_ice_add_remote_candidate (f->b.ice, NULL, &error));
  g_assert_error (error, SH_ICE_ERROR, SH_ICE_ERROR_CANDIDATE);
  g_clear_error (&error);

  g_assert_false (sh_ice_set_remote_credentials (f->b.ice, "ab", "short", &error));
  g_assert_error (error, SH_ICE_ERROR, SH_ICE_ERROR_CONFIG);
  g_clear_error (&error);
  g_assert_false (sh_ice_restart (f->b.ice, "only-ufrag", NULL, &error));
  g_assert_error (error, SH_ICE_ERROR, SH_ICE_ERROR_CONFIG);
  g_clear_error (&error);
}

static void
test_bad_config (Fixture *f, gconstpointer data)
{
  static const char *const bad_listen[] = { "localhost", NULL };
  const ShIceTurnServer turn = { "turn.example.org", 3478, "u", "p" };
  ShIceConfig configs[4] = { { 0 } };
  g_autoptr (GError) error = NULL;

  configs[0].listen_addresses = bad_listen;
  configs[1].port_min = 5000;
  configs[1].port_max = 4000;
  configs[2].stun_host = "stun.example.org";
  configs[2].stun_port = 3478;
  configs[3].turn_servers = &turn;
  configs[3].n_turn_servers = 1;
  for (guint i = 0; i < G_N_ELEMENTS (configs); i++) {
    g_assert_null (sh_ice_new (f->context, &configs[i], &peer_callbacks, &f->a, &error));
    g_assert_error (error, SH_ICE_ERROR, SH_ICE_ERROR_CONFIG);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
  }
}

static gboolean a_failed (Fixture *f);
static gboolean a_received (Fixture *f);

static gboolean
both_restarted_and_up (Fixture *f)
{
  return both_up (f) && f->a.n_pair_changes >= 2 && f->b.n_pair_changes >= 2
         && f->a.n_gathering_done >= 2 && f->b.n_gathering_done >= 2;
}

static gboolean
contains_state (Peer *p, ShIceState state, guint from)
{
  for (guint i = from; i < p->states->len; i++)
    if (g_array_index (p->states, ShIceState, i) == state)
      return TRUE;
  return FALSE;
}

static void
test_restart (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *ufrag_before = NULL, *pwd_before = NULL;
  g_autofree char *ufrag_after = NULL, *pwd_after = NULL;
  g_autofree char *ufrag_b = NULL, *pwd_b = NULL;
  guint states_a, states_b;

  start (f, NULL, NULL);
  g_assert_true (wait_for (f, both_up));
  g_assert_true (wait_for (f, both_gathered));
  exchange_data (f);
  g_assert_true (sh_ice_get_local_credentials (f->a.ice, &ufrag_before, &pwd_before, &error));

  /* A offers the restart with new generated credentials; B answers with
   * credentials of its own choosing. */
  states_a = f->a.states->len;
  states_b = f->b.states->len;
  f->a.n_pair_changes = f->b.n_pair_changes = 1;
  g_assert_true (sh_ice_restart (f->a.ice, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (sh_ice_restart (f->b.ice, "rstB", "restartpasswordforpeerB", &error));
  g_assert_no_error (error);
  g_assert_cmpint (sh_ice_get_state (f->a.ice), ==, SH_ICE_STATE_CHECKING);
  g_assert_cmpint (sh_ice_get_state (f->b.ice), ==, SH_ICE_STATE_CHECKING);

  g_assert_true (sh_ice_get_local_credentials (f->a.ice, &ufrag_after, &pwd_after, &error));
  g_assert_cmpstr (ufrag_after, !=, ufrag_before);
  g_assert_cmpstr (pwd_after, !=, pwd_before);
  g_assert_true (sh_ice_get_local_credentials (f->b.ice, &ufrag_b, &pwd_b, &error));
  g_assert_cmpstr (ufrag_b, ==, "rstB");
  g_assert_cmpstr (pwd_b, ==, "restartpasswordforpeerB");

  /* The old pair still carries data while the new checks run. */
  guint8 packet[3];
  make_packet (packet, 0);
  g_assert_cmpint (sh_ice_send (f->a.ice, packet, 3), ==, 3);

  exchange_credentials (f);
  g_assert_true (wait_for (f, both_restarted_and_up));
  g_assert_true (contains_state (&f->a, SH_ICE_STATE_CHECKING, states_a));
  g_assert_true (contains_state (&f->b, SH_ICE_STATE_CHECKING, states_b));
  /* A restart is not a loss of connection. */
  g_assert_false (contains_state (&f->a, SH_ICE_STATE_DISCONNECTED, states_a));
  g_assert_false (contains_state (&f->b, SH_ICE_STATE_DISCONNECTED, states_b));
  exchange_data (f);
}

/* The watchdog gave up on a peer that then comes back: a late datagram does
 * not undo "failed", an ICE restart does. */
static void
test_restart_after_failure (Fixture *f, gconstpointer data)
{
  ShIceConfig watchdog = { .disconnected_timeout_ms = 200, .failed_timeout_ms = 600 };
  g_autoptr (GError) error = NULL;
  guint8 packet[3];

  start (f, &watchdog, NULL);
  g_assert_true (wait_for (f, both_up));
  g_assert_true (wait_for (f, a_failed));
  make_packet (packet, 3);
  g_assert_cmpint (sh_ice_send (f->b.ice, packet, 3), ==, 3);
  g_assert_true (wait_for (f, a_received));
  g_assert_cmpint (sh_ice_get_state (f->a.ice), ==, SH_ICE_STATE_FAILED);

  f->a.n_pair_changes = f->b.n_pair_changes = 1;
  g_assert_true (sh_ice_restart (f->a.ice, NULL, NULL, &error));
  g_assert_true (sh_ice_restart (f->b.ice, NULL, NULL, &error));
  g_assert_no_error (error);
  exchange_credentials (f);
  g_assert_true (wait_for (f, both_restarted_and_up));
  exchange_data (f);
}

static gboolean
a_failed (Fixture *f)
{
  return f->a.states->len > 0
         && g_array_index (f->a.states, ShIceState, f->a.states->len - 1) == SH_ICE_STATE_FAILED;
}

static gboolean
a_received (Fixture *f)
{
  return f->a.n_rx > 0;
}

static gboolean
a_disconnected (Fixture *f)
{
  return f->a.ice != NULL && sh_ice_get_state (f->a.ice) == SH_ICE_STATE_DISCONNECTED;
}

/* The browser vanishes: nothing arrives any more, and the watchdog gives
 * up on it long before libnice's 30 s of consent freshness. */
static void
test_peer_vanishes (Fixture *f, gconstpointer data)
{
  ShIceConfig short_watchdog = { .disconnected_timeout_ms = 500, .failed_timeout_ms = 2000 };
  guint states_before;

  start (f, &short_watchdog, NULL);
  g_assert_true (wait_for (f, both_up));
  exchange_data (f);

  states_before = f->a.states->len;
  f->a.free_on_failed = TRUE;
  sh_ice_free_full (g_steal_pointer (&f->b.ice), on_closed, &f->b);
  g_assert_true (wait_for (f, a_failed));
  g_assert_true (contains_state (&f->a, SH_ICE_STATE_DISCONNECTED, states_before));
  g_assert_cmpint (g_array_index (f->a.states, ShIceState, f->a.states->len - 2), ==,
                   SH_ICE_STATE_DISCONNECTED);
  /* A freed itself from inside its state callback. */
  g_assert_null (f->a.ice);
}

/* A silent but living peer: "disconnected", then back when data flows. */
static void
test_silence_recovers (Fixture *f, gconstpointer data)
{
  ShIceConfig watchdog = { .disconnected_timeout_ms = 300, .failed_timeout_ms = 120000 };
  guint8 packet[3];

  start (f, &watchdog, NULL);
  g_assert_true (wait_for (f, both_up));
  g_assert_true (wait_for (f, a_disconnected));
  make_packet (packet, 1);
  g_assert_cmpint (sh_ice_send (f->b.ice, packet, 3), ==, 3);
  g_assert_true (wait_for (f, both_up));
  g_assert_false (contains_state (&f->a, SH_ICE_STATE_FAILED, 0));
}

static void
test_port_range (Fixture *f, gconstpointer data)
{
  /* A range per process, so parallel runs do not compete for it. */
  guint base = 20000 + (guint) (getpid () % 400) * 100;
  ShIceConfig config = { .port_min = base, .port_max = base + 99 };
  ShIcePair pair;

  start (f, &config, &config);
  g_assert_true (wait_for (f, both_up));
  g_assert_true (sh_ice_get_selected_pair (f->a.ice, &pair));
  g_assert_cmpuint (pair.local_port, >=, base);
  g_assert_cmpuint (pair.local_port, <=, base + 99);
  g_assert_cmpuint (pair.remote_port, >=, base);
  g_assert_cmpuint (pair.remote_port, <=, base + 99);
  for (guint i = 0; i < f->a.candidates->len; i++) {
    g_auto (GStrv) tok = g_strsplit (g_ptr_array_index (f->a.candidates, i), " ", -1);
    guint port = (guint) g_ascii_strtoull (tok[5], NULL, 10);
    g_assert_cmpuint (port, >=, base);
    g_assert_cmpuint (port, <=, base + 99);
  }
}

/* Freeing from inside a recv callback, before anything is connected, and
 * twice in a row on one context: no callback after free, no crash. */
static gboolean
b_received (Fixture *f)
{
  return f->b.n_rx > 0;
}

static void
free_in_recv (ShIce *ice, const guint8 *buf, gsize len, gpointer data)
{
  Peer *peer = data;
  peer->n_rx++;
  sh_ice_free_full (g_steal_pointer (&peer->ice), on_closed, peer);
}

static void
test_free_in_callback (Fixture *f, gconstpointer data)
{
  ShIceCallbacks callbacks = peer_callbacks;
  g_autoptr (GError) error = NULL;
  ShIceConfig config = { .listen_addresses = loopback };
  guint8 packet[3];

  f->a.ice = make_ice (f, &f->a, NULL);
  callbacks.recv = free_in_recv;
  f->b.ice = sh_ice_new (f->context, &config, &callbacks, &f->b, &error);
  g_assert_no_error (error);
  exchange_credentials (f);
  g_assert_true (sh_ice_gather (f->b.ice, &error));
  g_assert_true (sh_ice_gather (f->a.ice, &error));
  g_assert_true (wait_for (f, both_up));
  make_packet (packet, 2);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (sh_ice_send (f->a.ice, packet, 3), ==, 3);
  g_assert_true (wait_for (f, b_received));
  g_assert_null (f->b.ice);
  g_assert_cmpuint (f->b.n_rx, ==, 1);

  /* Never gathered: freeing is still clean. */
  g_autoptr (ShIce) idle = make_ice (f, &f->a, NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/ice/trickle-connect", test_trickle_connect);
  ADD ("/ice/data", test_data);
  ADD ("/ice/peer-reflexive/mdns", test_peer_reflexive);
  ADD ("/ice/peer-reflexive/no-candidates", test_peer_reflexive_silent);
  ADD ("/ice/candidate/accepted", test_mdns_candidate);
  ADD ("/ice/candidate/malformed", test_malformed);
  ADD ("/ice/config/bad", test_bad_config);
  ADD ("/ice/restart", test_restart);
  ADD ("/ice/restart-after-failure", test_restart_after_failure);
  ADD ("/ice/watchdog/peer-vanishes", test_peer_vanishes);
  ADD ("/ice/watchdog/recovers", test_silence_recovers);
  ADD ("/ice/port-range", test_port_range);
  ADD ("/ice/free-in-callback", test_free_in_callback);
#undef ADD
  return g_test_run ();
}
