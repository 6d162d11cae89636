/* ice.c — the ICE transport of one peer connection, on libnice.
 * SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sanhui-ice"

#include "ice-private.h"

#include <nice/agent.h>
#include <string.h>

#define DEFAULT_DISCONNECTED_MS 10000
#define DEFAULT_FAILED_MS 30000
/* Messages handed to libnice per call of the batched send; a stack array,
 * so the batch needs no allocation. */
#define BATCH_CHUNK 64

/* What the watchdog concluded from the silence of the peer. */
typedef enum {
  SILENCE_NONE,
  SILENCE_DISCONNECTED,
  SILENCE_FAILED,
} Silence;

struct _ShIce {
  /* Internal references: the owner's, plus one per callback or API call in
   * progress and per pending idle source, so that sh_ice_free() from inside
   * a callback never frees memory a caller up the stack still uses. Only
   * touched on the context's thread, so a plain counter. */
  guint ref;
  /* Callbacks and API calls in progress; libnice teardown waits for zero. */
  guint depth;
  /* sh_ice_free() was called: no more callbacks, whatever libnice does. */
  gboolean dead;

  GMainContext *context; /* owned reference */
  NiceAgent *agent;      /* owned until handed to the close callback */
  guint stream_id;
  gboolean controlling;

  ShIceCallbacks cb;
  gpointer user_data;
  GDestroyNotify closed;
  gpointer closed_data;

  ShIceState state; /* last state reported */
  NiceComponentState nice_state;
  gboolean ever_up;    /* libnice reached CONNECTED once */
  gboolean restarting; /* restarted, no new pair selected yet */
  gboolean gathering_done;
  Silence silence;
  gint64 last_rx_us;
  guint disconnected_ms;
  guint failed_ms;

  GSource *watchdog; /* owned */
  GSource *replay;   /* owned; re-emits local candidates after a restart */
};

/* Sets @error and returns FALSE, for one-line error exits. */
static gboolean fail (GError **error, gint code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError **error, gint code, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (SH_ICE_ERROR, code, format, args));
  va_end (args);
  return FALSE;
}

typedef struct {
  NiceAgent *agent; /* owned */
  GDestroyNotify closed;
  gpointer closed_data;
} Closing;

static void
ice_unref (ShIce *ice)
{
  g_assert (ice->ref > 0);
  if (--ice->ref > 0)
    return;
  /* Teardown has released the agent and sources before the last unref. */
  g_assert (ice->agent == NULL);
  g_main_context_unref (ice->context);
  g_free (ice);
}

/* Marks a callback or API call in progress; see ShIce.ref. */
static void
hold (ShIce *ice)
{
  ice->ref++;
  ice->depth++;
}

static void
release (ShIce *ice)
{
  ice->depth--;
  ice_unref (ice);
}

static const char *const state_names[] = {
  "new", "checking", "connected", "completed", "failed", "disconnected", "closed",
};
static const char *const type_names[] = { "host", "srflx", "prflx", "relay" };

/* Our candidate types mirror libnice's, so one cast converts them. */
G_STATIC_ASSERT ((int) SH_ICE_CANDIDATE_SRFLX == (int) NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE);
G_STATIC_ASSERT ((int) SH_ICE_CANDIDATE_PRFLX == (int) NICE_CANDIDATE_TYPE_PEER_REFLEXIVE);
G_STATIC_ASSERT ((int) SH_ICE_CANDIDATE_RELAY == (int) NICE_CANDIDATE_TYPE_RELAYED);

const char *
sh_ice_state_to_string (ShIceState state)
{
  return (guint) state < G_N_ELEMENTS (state_names) ? state_names[state] : "unknown";
}

const char *
sh_ice_candidate_type_to_string (ShIceCandidateType type)
{
  return (guint) type < G_N_ELEMENTS (type_names) ? type_names[type] : "unknown";
}

/* The state to report, from libnice's component state and our own
 * watchdog. The watchdog's verdict wins: it exists for the case where
 * libnice still believes in a peer that is gone. */
static ShIceState
compute_state (ShIce *ice)
{
  if (ice->silence == SILENCE_FAILED)
    return SH_ICE_STATE_FAILED;
  if (ice->silence == SILENCE_DISCONNECTED)
    return SH_ICE_STATE_DISCONNECTED;
  if (ice->restarting)
    return SH_ICE_STATE_CHECKING;
  switch (ice->nice_state) {
    case NICE_COMPONENT_STATE_DISCONNECTED:
      return ice->ever_up ? SH_ICE_STATE_DISCONNECTED : SH_ICE_STATE_NEW;
    case NICE_COMPONENT_STATE_GATHERING:
      /* After the first connection, only a restart gathers again. */
      return ice->ever_up ? SH_ICE_STATE_CHECKING : SH_ICE_STATE_NEW;
    case NICE_COMPONENT_STATE_CONNECTING:
      return SH_ICE_STATE_CHECKING;
    case NICE_COMPONENT_STATE_CONNECTED:
      return SH_ICE_STATE_CONNECTED;
    case NICE_COMPONENT_STATE_READY:
      return SH_ICE_STATE_COMPLETED;
    case NICE_COMPONENT_STATE_FAILED:
    case NICE_COMPONENT_STATE_LAST:
      break;
  }
  return SH_ICE_STATE_FAILED;
}

/* Reports the state if it changed. The caller holds @ice; the callback is
 * the last thing done, and @ice may be dead afterwards. */
static void
update_state (ShIce *ice)
{
  ShIceState state = compute_state (ice);

  if (state == ice->state || ice->dead)
    return;
  g_debug ("ICE %p: %s -> %s", (void *) ice, sh_ice_state_to_string (ice->state),
           sh_ice_state_to_string (state));
  ice->state = state;
  if (ice->cb.state_changed != NULL)
    ice->cb.state_changed (ice, state, ice->user_data);
}

/* update_state() from a libnice callback, which must hold @ice. */
static void
report_state (ShIce *ice)
{
  hold (ice);
  update_state (ice);
  release (ice);
}

/* Emits one local candidate without the "a=" libnice puts in front, since
 * trickled candidates travel as RTCIceCandidate.candidate strings. */
static void
emit_local_candidate (ShIce *ice, NiceCandidate *candidate)
{
  g_autofree char *sdp = NULL;
  const char *text;

  if (candidate->component_id != SH_ICE_COMPONENT_ID || ice->cb.local_candidate == NULL)
    return;
  sdp = nice_agent_generate_local_candidate_sdp (ice->agent, candidate);
  if (sdp == NULL)
    return;
  text = g_str_has_prefix (sdp, "a=") ? sdp + 2 : sdp;
  ice->cb.local_candidate (ice, text, ice->user_data);
}

static void
on_new_candidate (NiceAgent *agent, NiceCandidate *candidate, gpointer data)
{
  ShIce *ice = data;

  if (ice->dead || candidate->stream_id != ice->stream_id)
    return;
  hold (ice);
  emit_local_candidate (ice, candidate);
  release (ice);
}

static void
on_gathering_done (NiceAgent *agent, guint stream_id, gpointer data)
{
  ShIce *ice = data;

  if (ice->dead || stream_id != ice->stream_id)
    return;
  ice->gathering_done = TRUE;
  hold (ice);
  if (ice->cb.gathering_done != NULL)
    ice->cb.gathering_done (ice, ice->user_data);
  release (ice);
}

static void
on_component_state (NiceAgent *agent, guint stream_id, guint component_id, guint state,
                    gpointer data)
{
  ShIce *ice = data;

  if (ice->dead || stream_id != ice->stream_id || component_id != SH_ICE_COMPONENT_ID)
    return;
  g_debug ("ICE %p: libnice component %s", (void *) ice, nice_component_state_to_string (state));
  ice->nice_state = state;
  if (state == NICE_COMPONENT_STATE_FAILED)
    ice->restarting = FALSE; /* the restart's checks failed */
  if ((state == NICE_COMPONENT_STATE_CONNECTED || state == NICE_COMPONENT_STATE_READY)
      && !ice->ever_up) {
    /* The watchdog counts from the moment the path works. */
    ice->ever_up = TRUE;
    ice->last_rx_us = g_get_monotonic_time ();
  }
  report_state (ice);
}

static void
on_selected_pair (NiceAgent *agent, guint stream_id, guint component_id, NiceCandidate *local,
                  NiceCandidate *remote, gpointer data)
{
  ShIce *ice = data;

  if (ice->dead || stream_id != ice->stream_id || component_id != SH_ICE_COMPONENT_ID)
    return;
  g_debug ("ICE %p: selected pair %s -> %s (%s)", (void *) ice, local->foundation,
           remote->foundation, nice_candidate_type_to_string (remote->type));
  /* The new pair ends a restart. libnice's own state signals (CONNECTED,
   * READY) are queued behind this one and are taken as they come. */
  ice->restarting = FALSE;
  hold (ice);
  update_state (ice);
  if (!ice->dead && ice->cb.selected_pair_changed != NULL)
    ice->cb.selected_pair_changed (ice, ice->user_data);
  release (ice);
}

static void
on_recv (NiceAgent *agent, guint stream_id, guint component_id, guint len, gchar *buf,
         gpointer data)
{
  ShIce *ice = data;

  if (ice->dead)
    return;
  ice->last_rx_us = g_get_monotonic_time ();
  hold (ice);
  if (ice->silence == SILENCE_DISCONNECTED) {
    /* The peer is back before the watchdog gave up on it. */
    ice->silence = SILENCE_NONE;
    update_state (ice);
  }
  if (!ice->dead && ice->cb.recv != NULL)
    ice->cb.recv (ice, (const guint8 *) buf, len, ice->user_data);
  release (ice);
}

static gboolean
on_watchdog (gpointer data)
{
  ShIce *ice = data;
  gint64 silent_ms;

  if (ice->dead || !ice->ever_up || ice->silence == SILENCE_FAILED)
    return G_SOURCE_CONTINUE;
  silent_ms = (g_get_monotonic_time () - ice->last_rx_us) / 1000;
  /* One step per tick, so "disconnected" is always reported before
   * "failed", as browsers do. */
  if (ice->silence == SILENCE_NONE && silent_ms >= ice->disconnected_ms)
    ice->silence = SILENCE_DISCONNECTED;
  else if (silent_ms >= ice->failed_ms)
    ice->silence = SILENCE_FAILED;
  else
    return G_SOURCE_CONTINUE;
  g_debug ("ICE %p: nothing received for %" G_GINT64_FORMAT " ms", (void *) ice, silent_ms);
  report_state (ice);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_replay (gpointer data)
{
  ShIce *ice = data;
  GSList *candidates;

  g_clear_pointer (&ice->replay, g_source_unref);
  if (ice->dead)
    return G_SOURCE_REMOVE;
  candidates = nice_agent_get_local_candidates (ice->agent, ice->stream_id, SH_ICE_COMPONENT_ID);
  hold (ice);
  for (GSList *l = candidates; l != NULL && !ice->dead; l = l->next)
    emit_local_candidate (ice, l->data);
  /* A restart during gathering: the real signal is still to come. */
  if (!ice->dead && ice->gathering_done && ice->cb.gathering_done != NULL)
    ice->cb.gathering_done (ice, ice->user_data);
  release (ice);
  g_slist_free_full (candidates, (GDestroyNotify) nice_candidate_free);
  return G_SOURCE_REMOVE;
}

/* Attaches a source to the ice's context that keeps @ice alive. */
static GSource *
attach_source (ShIce *ice, GSource *source, GSourceFunc func)
{
  ice->ref++;
  g_source_set_callback (source, func, ice, (GDestroyNotify) ice_unref);
  g_source_attach (source, ice->context);
  return source;
}

static void
set_if_exists (GObject *object, const char *property, gboolean value)
{
  /* Properties that depend on how libnice was built (UPnP) or on its
   * version: missing ones are simply not used. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (object), property) != NULL)
    g_object_set (object, property, value, NULL);
  else
    g_debug ("libnice has no \"%s\" property", property);
}

static gboolean
configure (ShIce *ice, const ShIceConfig *config, GError **error)
{
  NiceAgent *agent = ice->agent;

  if (config->listen_addresses != NULL) {
    for (const char *const *a = config->listen_addresses; *a != NULL; a++) {
      NiceAddress addr;
      nice_address_init (&addr);
      if (!nice_address_set_from_string (&addr, *a))
        return fail (error, SH_ICE_ERROR_CONFIG,
                     "listen address \"%s\" is not a numeric IP address", *a);
      nice_agent_add_local_address (agent, &addr);
    }
  }
  if (config->stun_host != NULL) {
    NiceAddress addr;
    nice_address_init (&addr);
    if (!nice_address_set_from_string (&addr, config->stun_host) || config->stun_port == 0
        || config->stun_port > 65535)
      return fail (error, SH_ICE_ERROR_CONFIG,
                   "STUN server \"%s:%u\" is not a numeric IP address and port", config->stun_host,
                   config->stun_port);
    g_object_set (agent, "stun-server", config->stun_host, "stun-server-port", config->stun_port,
                  NULL);
  }

  ice->stream_id = nice_agent_add_stream (agent, 1);
  if (ice->stream_id == 0)
    return fail (error, SH_ICE_ERROR_FAILED, "libnice could not add a stream");
  if (config->port_min != 0 || config->port_max != 0) {
    if (config->port_min == 0 || config->port_min > config->port_max || config->port_max > 65535)
      return fail (error, SH_ICE_ERROR_CONFIG, "bad port range %u-%u", config->port_min,
                   config->port_max);
    nice_agent_set_port_range (agent, ice->stream_id, SH_ICE_COMPONENT_ID, config->port_min,
                               config->port_max);
  }
  for (guint i = 0; i < config->n_turn_servers; i++) {
    const ShIceTurnServer *turn = &config->turn_servers[i];
    NiceAddress addr;
    nice_address_init (&addr);
    /* Numeric, like the STUN server: a name would be resolved per agent. */
    if (turn->host == NULL || !nice_address_set_from_string (&addr, turn->host) || turn->port == 0
        || turn->port > 65535
        || !nice_agent_set_relay_info (agent, ice->stream_id, SH_ICE_COMPONENT_ID, turn->host,
                                       turn->port, turn->username ? turn->username : "",
                                       turn->password ? turn->password : "",
                                       NICE_RELAY_TYPE_TURN_UDP))
      return fail (error, SH_ICE_ERROR_CONFIG,
                   "TURN server \"%s:%u\" is not a numeric IP address and port",
                   turn->host ? turn->host : "(null)", turn->port);
  }
  if (config->local_ufrag != NULL || config->local_pwd != NULL) {
    if (config->local_ufrag == NULL || config->local_pwd == NULL
        || !nice_agent_set_local_credentials (agent, ice->stream_id, config->local_ufrag,
                                              config->local_pwd))
      return fail (error, SH_ICE_ERROR_CONFIG, "bad local ICE credentials");
  }
  return TRUE;
}

ShIce *
sh_ice_new (GMainContext *context, const ShIceConfig *config, const ShIceCallbacks *callbacks,
            gpointer user_data, GError **error)
{
  ShIce *ice;
  NiceAgentOption options = NICE_AGENT_OPTION_ICE_TRICKLE;
  GObjectClass *agent_class;

  g_return_val_if_fail (context != NULL, NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* consent-freshness is construct-only, so it must be known before the
   * agent exists; older libnice builds lack it and rely on the watchdog. */
  agent_class = g_type_class_ref (NICE_TYPE_AGENT);
  if (g_object_class_find_property (agent_class, "consent-freshness") != NULL)
    options |= NICE_AGENT_OPTION_CONSENT_FRESHNESS;
  else
    g_debug ("libnice without RFC 7675 consent freshness; the watchdog alone applies");
  g_type_class_unref (agent_class);

  ice = g_new0 (ShIce, 1);
  ice->ref = 1;
  ice->context = g_main_context_ref (context);
  ice->controlling = config->controlling;
  if (callbacks != NULL)
    ice->cb = *callbacks;
  ice->user_data = user_data;
  ice->state = SH_ICE_STATE_NEW;
  ice->nice_state = NICE_COMPONENT_STATE_DISCONNECTED;
  ice->disconnected_ms
      = config->disconnected_timeout_ms ? config->disconnected_timeout_ms : DEFAULT_DISCONNECTED_MS;
  ice->failed_ms = config->failed_timeout_ms ? config->failed_timeout_ms : DEFAULT_FAILED_MS;

  /* Trickle mode: libnice must not declare failure before the peer said
   * end-of-candidates. Aggressive nomination (libnice's default) when
   * controlling: browsers accept it and it connects in one round trip. */
  ice->agent = nice_agent_new_full (context, NICE_COMPATIBILITY_RFC5245, options);
  g_object_set (ice->agent, "controlling-mode", config->controlling, NULL);
  /* Keepalives as real binding requests, so that a dead path is noticed. */
  set_if_exists (G_OBJECT (ice->agent), "keepalive-conncheck", TRUE);
  /* Browsers gather UDP; TCP candidates and UPnP port mapping would only
   * slow gathering down. */
  set_if_exists (G_OBJECT (ice->agent), "ice-tcp", FALSE);
  set_if_exists (G_OBJECT (ice->agent), "upnp", FALSE);

  if (!configure (ice, config, error)) {
    g_clear_object (&ice->agent);
    ice_unref (ice);
    return NULL;
  }

  g_signal_connect (ice->agent, "new-candidate-full", G_CALLBACK (on_new_candidate), ice);
  g_signal_connect (ice->agent, "candidate-gathering-done", G_CALLBACK (on_gathering_done), ice);
  g_signal_connect (ice->agent, "component-state-changed", G_CALLBACK (on_component_state), ice);
  g_signal_connect (ice->agent, "new-selected-pair-full", G_CALLBACK (on_selected_pair), ice);
  nice_agent_attach_recv (ice->agent, ice->stream_id, SH_ICE_COMPONENT_ID, context, on_recv, ice);

  /* A tick a quarter of the shorter timeout keeps the verdict within 25 %
   * of the configured time without waking the worker needlessly. */
  ice->watchdog = attach_source (
      ice, g_timeout_source_new (CLAMP (MIN (ice->disconnected_ms, ice->failed_ms) / 4, 20, 1000)),
      on_watchdog);
  return ice;
}

static void
on_closed (GObject *source, GAsyncResult *result, gpointer data)
{
  Closing *closing = data;

  g_object_unref (closing->agent);
  if (closing->closed != NULL)
    closing->closed (closing->closed_data);
  g_free (closing);
}

/* Detaches everything from libnice and hands the agent to an asynchronous
 * close. Never runs inside a libnice callback (see sh_ice_free_full()). */
static void
teardown (ShIce *ice)
{
  Closing *closing;

  if (ice->watchdog != NULL) {
    g_source_destroy (ice->watchdog);
    g_clear_pointer (&ice->watchdog, g_source_unref);
  }
  if (ice->replay != NULL) {
    g_source_destroy (ice->replay);
    g_clear_pointer (&ice->replay, g_source_unref);
  }
  g_signal_handlers_disconnect_by_data (ice->agent, ice);
  nice_agent_attach_recv (ice->agent, ice->stream_id, SH_ICE_COMPONENT_ID, ice->context, NULL,
                          NULL);

  closing = g_new0 (Closing, 1);
  closing->agent = g_steal_pointer (&ice->agent);
  closing->closed = ice->closed;
  closing->closed_data = ice->closed_data;
  /* The GTask inside nice_agent_close_async() completes on the thread-default
   * context: make that the agent's own, whichever context the caller runs. */
  g_main_context_push_thread_default (ice->context);
  nice_agent_close_async (closing->agent, on_closed, closing);
  g_main_context_pop_thread_default (ice->context);
}

static gboolean
on_deferred_teardown (gpointer data)
{
  teardown (data);
  return G_SOURCE_REMOVE;
}

void
sh_ice_free_full (ShIce *ice, GDestroyNotify closed, gpointer closed_data)
{
  if (ice == NULL)
    return;
  g_return_if_fail (!ice->dead);

  ice->dead = TRUE;
  ice->state = SH_ICE_STATE_CLOSED;
  memset (&ice->cb, 0, sizeof ice->cb);
  ice->closed = closed;
  ice->closed_data = closed_data;
  if (ice->depth == 0) {
    teardown (ice);
  } else {
    /* Inside a callback libnice is still using the socket source or the
     * stream up the stack: close once it has returned. */
    GSource *idle = attach_source (ice, g_idle_source_new (), on_deferred_teardown);
    g_source_set_priority (idle, G_PRIORITY_HIGH);
    g_source_unref (idle);
  }
  ice_unref (ice);
}

void
sh_ice_free (ShIce *ice)
{
  sh_ice_free_full (ice, NULL, NULL);
}

gboolean
sh_ice_gather (ShIce *ice, GError **error)
{
  gboolean ok;

  g_return_val_if_fail (ice != NULL && !ice->dead, FALSE);
  hold (ice);
  ok = nice_agent_gather_candidates (ice->agent, ice->stream_id);
  release (ice);
  if (!ok)
    return fail (error, SH_ICE_ERROR_FAILED,
                 "could not gather ICE candidates (no usable address or no free port in range)");
  return TRUE;
}

gboolean
sh_ice_get_local_credentials (ShIce *ice, char **ufrag, char **pwd, GError **error)
{
  g_return_val_if_fail (ice != NULL && !ice->dead, FALSE);
  g_return_val_if_fail (ufrag != NULL && pwd != NULL, FALSE);
  if (!nice_agent_get_local_credentials (ice->agent, ice->stream_id, ufrag, pwd))
    return fail (error, SH_ICE_ERROR_FAILED, "no local ICE credentials");
  return TRUE;
}

gboolean
sh_ice_set_remote_credentials (ShIce *ice, const char *ufrag, const char *pwd, GError **error)
{
  gboolean ok;

  g_return_val_if_fail (ice != NULL && !ice->dead, FALSE);
  /* RFC 8839: ufrag at least 4 characters, pwd at least 22. */
  if (ufrag == NULL || pwd == NULL || strlen (ufrag) < 4 || strlen (pwd) < 22
      || strlen (ufrag) > 256 || strlen (pwd) > 256)
    return fail (error, SH_ICE_ERROR_CONFIG,
                 "remote ICE credentials of bad length (ufrag 4-256, pwd 22-256)");
  hold (ice);
  ok = nice_agent_set_remote_credentials (ice->agent, ice->stream_id, ufrag, pwd);
  release (ice);
  if (!ok)
    return fail (error, SH_ICE_ERROR_FAILED, "libnice refused the remote ICE credentials");
  return TRUE;
}

gboolean
sh_ice_add_remote_candidate (ShIce *ice, const char *candidate, GError **error)
{
  g_autofree char *canonical = NULL;
  const char *skip = NULL;
  NiceCandidate *parsed;
  GSList list = { 0 };
  int added;

  g_return_val_if_fail (ice != NULL && !ice->dead, FALSE);
  if (candidate == NULL)
    return fail (error, SH_ICE_ERROR_CANDIDATE, "no ICE candidate");
  if (!sh_ice_canonicalize_candidate (candidate, &canonical, &skip, error))
    return FALSE;
  if (skip != NULL) {
    g_debug ("ICE %p: skipping remote candidate (%s): %s", (void *) ice, skip, candidate);
    return TRUE;
  }
  parsed = nice_agent_parse_remote_candidate_sdp (ice->agent, ice->stream_id, canonical);
  if (parsed == NULL)
    return fail (error, SH_ICE_ERROR_CANDIDATE, "invalid ICE candidate \"%s\": rejected by libnice",
                 candidate);
  list.data = parsed;
  hold (ice);
  added = nice_agent_set_remote_candidates (ice->agent, ice->stream_id, SH_ICE_COMPONENT_ID, &list);
  release (ice);
  nice_candidate_free (parsed);
  if (added < 0)
    return fail (error, SH_ICE_ERROR_FAILED, "libnice could not add the remote candidate \"%s\"",
                 candidate);
  return TRUE;
}

gboolean
sh_ice_remote_gathering_done (ShIce *ice, GError **error)
{
  gboolean ok;

  g_return_val_if_fail (ice != NULL && !ice->dead, FALSE);
  hold (ice);
  ok = nice_agent_peer_candidate_gathering_done (ice->agent, ice->stream_id);
  release (ice);
  if (!ok)
    return fail (error, SH_ICE_ERROR_FAILED, "libnice refused end-of-candidates");
  return TRUE;
}

gboolean
sh_ice_restart (ShIce *ice, const char *local_ufrag, const char *local_pwd, GError **error)
{
  g_return_val_if_fail (ice != NULL && !ice->dead, FALSE);
  if ((local_ufrag == NULL) != (local_pwd == NULL))
    return fail (error, SH_ICE_ERROR_CONFIG, "give both local ICE credentials or neither");
  hold (ice);
  /* Set first: libnice reports GATHERING from inside the restart. */
  ice->restarting = TRUE;
  ice->silence = SILENCE_NONE;
  ice->last_rx_us = g_get_monotonic_time ();
  /* restart_stream rather than restart: the tie-breaker stays, so the
   * roles agreed with the peer cannot flip. It generates new credentials
   * and keeps the selected pair sending until checks choose a new one. */
  if (!nice_agent_restart_stream (ice->agent, ice->stream_id)) {
    ice->restarting = FALSE;
    g_set_error (error, SH_ICE_ERROR, SH_ICE_ERROR_FAILED, "libnice could not restart ICE");
    release (ice);
    return FALSE;
  }
  if (ice->dead) {
    /* Freed by a callback that libnice emitted during the restart. */
    release (ice);
    return TRUE;
  }
  if (local_ufrag != NULL
      && !nice_agent_set_local_credentials (ice->agent, ice->stream_id, local_ufrag, local_pwd)) {
    g_set_error (error, SH_ICE_ERROR, SH_ICE_ERROR_CONFIG, "bad local ICE credentials");
    release (ice);
    return FALSE;
  }
  /* Whatever libnice said before the restart (FAILED, say) is history; its
   * next signals describe the new checks. */
  if (ice->nice_state == NICE_COMPONENT_STATE_FAILED)
    ice->nice_state = NICE_COMPONENT_STATE_CONNECTING;
  /* The peer forgot our candidates with its own restart and needs them for
   * the new credentials. From an idle callback, so that no callback runs
   * inside this call. */
  if (ice->replay == NULL)
    ice->replay = attach_source (ice, g_idle_source_new (), on_replay);
  update_state (ice);
  release (ice);
  return TRUE;
}

ShIceState
sh_ice_get_state (ShIce *ice)
{
  g_return_val_if_fail (ice != NULL, SH_ICE_STATE_CLOSED);
  return ice->state;
}

gboolean
sh_ice_is_controlling (ShIce *ice)
{
  g_return_val_if_fail (ice != NULL, FALSE);
  return ice->controlling;
}

gboolean
sh_ice_get_selected_pair (ShIce *ice, ShIcePair *pair)
{
  NiceCandidate *local = NULL, *remote = NULL;

  g_return_val_if_fail (ice != NULL && !ice->dead, FALSE);
  g_return_val_if_fail (pair != NULL, FALSE);
  if (!nice_agent_get_selected_pair (ice->agent, ice->stream_id, SH_ICE_COMPONENT_ID, &local,
                                     &remote)
      || local == NULL || remote == NULL)
    return FALSE;
  /* NICE_ADDRESS_STRING_LEN (INET6_ADDRSTRLEN) fits the 64 bytes. */
  memset (pair, 0, sizeof *pair);
  nice_address_to_string (&local->addr, pair->local_address);
  pair->local_port = nice_address_get_port (&local->addr);
  pair->local_type = (ShIceCandidateType) local->type;
  nice_address_to_string (&remote->addr, pair->remote_address);
  pair->remote_port = nice_address_get_port (&remote->addr);
  pair->remote_type = (ShIceCandidateType) remote->type;
  return TRUE;
}

gssize
sh_ice_send (ShIce *ice, const guint8 *buf, gsize len)
{
  g_return_val_if_fail (ice != NULL && !ice->dead, -1);
  if (len > G_MAXUINT16)
    return -1;
  return nice_agent_send (ice->agent, ice->stream_id, SH_ICE_COMPONENT_ID, (guint) len,
                          (const gchar *) buf);
}

gint
sh_ice_send_batch (ShIce *ice, const ShIceBuffer *buffers, guint n, GError **error)
{
  GOutputVector vectors[BATCH_CHUNK];
  NiceOutputMessage messages[BATCH_CHUNK];
  guint sent = 0;

  g_return_val_if_fail (ice != NULL && !ice->dead, -1);
  while (sent < n) {
    guint chunk = MIN (n - sent, BATCH_CHUNK);
    GError *local_error = NULL;
    gint done;

    for (guint i = 0; i < chunk; i++) {
      vectors[i].buffer = buffers[sent + i].data;
      vectors[i].size = buffers[sent + i].len;
      messages[i].buffers = &vectors[i];
      messages[i].n_buffers = 1;
    }
    done = nice_agent_send_messages_nonblocking (ice->agent, ice->stream_id, SH_ICE_COMPONENT_ID,
                                                 messages, chunk, NULL, &local_error);
    /* A full socket buffer, or a failure after some went out, is not an
     * error for the caller: it learns how many left and drops the rest. */
    if (done < 0
        && (sent > 0 || g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))) {
      g_error_free (local_error);
      return (gint) sent;
    } else if (done < 0) {
      g_propagate_error (error, local_error);
      return -1;
    }
    sent += (guint) done;
    if ((guint) done < chunk)
      break;
  }
  return (gint) sent;
}
