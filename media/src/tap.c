/* Track taps: a room's published tracks, their decrypted RTP and their
 * publishers' sender reports for consumers that are not participants (the
 * recorder).
 *
 *   packet path ──copy──▶ tap queue (bounded; full: drop, count) ──▶ drain source
 *   (room's worker)                                                 (same worker,
 *                                                                    G_PRIORITY_LOW)
 *
 * The packet path never calls a tap's callbacks: it copies what the tap
 * wants into the tap's queue and wakes the tap's own source, which runs at
 * low priority on the same worker, so that every ready packet and timer of
 * the worker's rooms goes first, and which delivers a bounded batch per
 * turn. Only the closed flag and the source's wake-up cross threads.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sfu-private.h"

#include <string.h>

#define DEFAULT_MAX_QUEUED 512
/* One turn of the drain source: at most this many items, or this long
 * (the first item always goes). */
#define DRAIN_MAX_ITEMS 64
#define DRAIN_BUDGET_US 2000

typedef enum {
  ITEM_TRACK_ADDED,
  ITEM_RTP,
  ITEM_SENDER_REPORT,
  ITEM_TRACK_REMOVED,
} ItemType;

typedef struct {
  GList link; /* in the tap's queue; link.data is the item */
  ItemType type;
  guint64 track;
  union {
    ShMediaTapTrack added; /* mid and codec point into data */
    ShMediaTapSenderReport report;
    gint64 arrival_us;
  };
  gsize len;
  guint8 data[]; /* RTP: the packet; track added: mid, NUL, codec, NUL */
} Item;

typedef struct {
  guint64 track; /* the key */
  ShMediaTapTrackStats stats;
} TrackEntry;

struct _ShMediaTap {
  gint ref;
  gint closed;   /* atomic: the only state written from other threads */
  gint attached; /* atomic: put on a room once */
  GMutex lock;   /* orders attaching the source with waking it from another thread */
  ShMediaTapCallbacks callbacks;
  gpointer user_data;
  GDestroyNotify destroy;
  guint max_queued;
  GSource *source; /* the drain; attached to the room's context by sh_media_room_add_tap() */
  /* On the worker. */
  ShMediaRoom *room; /* NULL before, once closed, once the room is freed */
  gboolean scheduled;
  GQueue queue;
  guint queued;       /* RTP and sender report items in the queue */
  GHashTable *tracks; /* guint64 → TrackEntry (owned) */
  ShMediaTapStats stats;
};

const char *
sh_media_track_kind_to_string (ShMediaTrackKind kind)
{
  switch (kind) {
    case SH_MEDIA_TRACK_MICROPHONE:
      return "microphone";
    case SH_MEDIA_TRACK_CAMERA:
      return "camera";
    case SH_MEDIA_TRACK_SCREEN:
      return "screen";
  }
  return "unknown";
}

static gboolean
is_closed (ShMediaTap *tap)
{
  return g_atomic_int_get (&tap->closed);
}

static ShMediaTapTrackStats *
track_stats (ShMediaTap *tap, guint64 track)
{
  TrackEntry *entry = g_hash_table_lookup (tap->tracks, &track);

  if (!entry) {
    entry = g_new0 (TrackEntry, 1);
    entry->track = track;
    g_hash_table_insert (tap->tracks, &entry->track, entry);
  }
  return &entry->stats;
}

static void
clear_queue (ShMediaTap *tap)
{
  GList *link;

  while ((link = g_queue_pop_head_link (&tap->queue)))
    g_free (link->data);
  tap->queued = 0;
}

/* -------------------------------------------------------------- drain */

static void
deliver (ShMediaTap *tap, Item *item)
{
  const ShMediaTapCallbacks *cb = &tap->callbacks;
  ShMediaTapTrackStats *st;

  switch (item->type) {
    case ITEM_TRACK_ADDED:
      if (cb->track_added)
        cb->track_added (tap, &item->added, tap->user_data);
      break;
    case ITEM_RTP:
      st = track_stats (tap, item->track);
      st->delivered++;
      tap->stats.total.delivered++;
      if (cb->rtp)
        cb->rtp (tap, item->track, item->data, item->len, item->arrival_us, tap->user_data);
      break;
    case ITEM_SENDER_REPORT:
      st = track_stats (tap, item->track);
      st->reports_delivered++;
      tap->stats.total.reports_delivered++;
      if (cb->sender_report)
        cb->sender_report (tap, item->track, &item->report, tap->user_data);
      break;
    case ITEM_TRACK_REMOVED:
      if (cb->track_removed)
        cb->track_removed (tap, item->track, tap->user_data);
      break;
  }
}

/* Closed, or its room gone and everything delivered: the tap leaves the
 * room and the worker. */
static gboolean
finished (ShMediaTap *tap)
{
  if (!is_closed (tap) && (tap->room || tap->queue.length > 0))
    return FALSE;
  clear_queue (tap);
  if (tap->room) {
    ShMediaRoom *room = tap->room;
    tap->room = NULL;
    g_ptr_array_remove (room->taps, tap);
  }
  return TRUE;
}

static gboolean
drain (gpointer data)
{
  ShMediaTap *tap = data;
  gint64 start = g_get_monotonic_time ();
  guint n = 0;

  while (!is_closed (tap) && tap->queue.length > 0 && n < DRAIN_MAX_ITEMS
         && (n == 0 || g_get_monotonic_time () - start < DRAIN_BUDGET_US)) {
    Item *item = g_queue_pop_head_link (&tap->queue)->data;

    if (item->type == ITEM_RTP || item->type == ITEM_SENDER_REPORT)
      tap->queued--;
    deliver (tap, item);
    g_free (item);
    n++;
  }
  tap->stats.queued = tap->queued;
  /* Returning G_SOURCE_REMOVE drops the source's reference on the tap. */
  if (finished (tap))
    return G_SOURCE_REMOVE;
  if (tap->queue.length == 0) {
    tap->scheduled = FALSE;
    g_source_set_ready_time (tap->source, -1);
    /* A close from another thread between the check above and going to
     * sleep would have its wake-up undone. */
    if (is_closed (tap) && finished (tap))
      return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
drain_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  return callback (data);
}

static GSourceFuncs drain_funcs = {
  .dispatch = drain_dispatch,
};

static void
wake (ShMediaTap *tap)
{
  if (!tap->scheduled) {
    tap->scheduled = TRUE;
    g_source_set_ready_time (tap->source, 0);
  }
}

/* ----------------------------------------------------------- public */

ShMediaTap *
sh_media_tap_new (const ShMediaTapCallbacks *callbacks, guint max_queued, gpointer user_data,
                  GDestroyNotify destroy)
{
  ShMediaTap *tap;

  g_return_val_if_fail (callbacks != NULL, NULL);
  g_return_val_if_fail (callbacks->version >= 1 && callbacks->version <= SH_MEDIA_TAP_VERSION,
                        NULL);
  tap = g_new0 (ShMediaTap, 1);
  tap->ref = 1;
  g_mutex_init (&tap->lock);
  /* Version 1 is the whole struct; a later version copies what it knows. */
  tap->callbacks = *callbacks;
  tap->user_data = user_data;
  tap->destroy = destroy;
  tap->max_queued = max_queued ? max_queued : DEFAULT_MAX_QUEUED;
  tap->source = g_source_new (&drain_funcs, sizeof (GSource));
  g_source_set_priority (tap->source, G_PRIORITY_LOW);
  g_source_set_ready_time (tap->source, -1);
  g_source_set_static_name (tap->source, "sanhui media tap");
  g_queue_init (&tap->queue);
  tap->tracks = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  return tap;
}

ShMediaTap *
sh_media_tap_ref (ShMediaTap *tap)
{
  g_atomic_int_inc (&tap->ref);
  return tap;
}

void
sh_media_tap_unref (ShMediaTap *tap)
{
  if (!tap || !g_atomic_int_dec_and_test (&tap->ref))
    return;
  /* An attached source holds a reference: it is gone, and no callback can
   * run any more. */
  if (tap->destroy)
    tap->destroy (tap->user_data);
  clear_queue (tap);
  g_hash_table_unref (tap->tracks);
  g_source_unref (tap->source);
  g_mutex_clear (&tap->lock);
  g_free (tap);
}

void
sh_media_tap_close (ShMediaTap *tap)
{
  g_return_if_fail (tap != NULL);
  if (!g_atomic_int_compare_and_exchange (&tap->closed, 0, 1))
    return;
  /* The drain, on the worker, lets go of the room; before the tap was
   * attached this only marks the source ready for nobody. */
  g_mutex_lock (&tap->lock);
  g_source_set_ready_time (tap->source, 0);
  g_mutex_unlock (&tap->lock);
}

static ShMediaTrackKind
kind_of (const UpTrack *up)
{
  if (g_str_equal (up->kind, "audio"))
    return SH_MEDIA_TRACK_MICROPHONE;
  return up->screen ? SH_MEDIA_TRACK_SCREEN : SH_MEDIA_TRACK_CAMERA;
}

static void
push (ShMediaTap *tap, Item *item)
{
  item->link.data = item;
  g_queue_push_tail_link (&tap->queue, &item->link);
  wake (tap);
}

static void
push_track_added (ShMediaTap *tap, const UpTrack *up)
{
  gsize mid_len = strlen (up->mid) + 1, codec_len = strlen (up->codec) + 1;
  Item *item = g_malloc0 (sizeof *item + mid_len + codec_len);

  item->type = ITEM_TRACK_ADDED;
  item->track = up->id;
  memcpy (item->data, up->mid, mid_len);
  memcpy (item->data + mid_len, up->codec, codec_len);
  item->added = (ShMediaTapTrack){
    .track = up->id,
    .publisher = up->publisher->id,
    .mid = (const char *) item->data,
    .kind = kind_of (up),
    .codec = (const char *) item->data + mid_len,
    .clock_rate = up->clock_rate,
    .payload_type = up->pt,
    .rtx_payload_type = up->rtx_pt,
    .ssrc = up->src_ssrc ? up->src_ssrc : up->signaled_ssrc,
  };
  /* Never dropped: a consumer cannot make sense of packets without it. */
  track_stats (tap, up->id);
  push (tap, item);
}

gboolean
sh_media_room_add_tap (ShMediaRoom *room, ShMediaTap *tap, GError **error)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (room != NULL && tap != NULL, FALSE);
  if (is_closed (tap) || !g_atomic_int_compare_and_exchange (&tap->attached, 0, 1)) {
    g_set_error (error, SH_PEER_ERROR, SH_PEER_ERROR_STATE,
                 "the tap is closed or was on a room already");
    return FALSE;
  }
  tap->room = room;
  g_ptr_array_add (room->taps, sh_media_tap_ref (tap));
  g_mutex_lock (&tap->lock);
  g_source_set_callback (tap->source, drain, sh_media_tap_ref (tap),
                         (GDestroyNotify) sh_media_tap_unref);
  g_source_attach (tap->source, room->context);
  g_mutex_unlock (&tap->lock);
  /* Closed in the meantime from another thread: its wake-up may have come
   * before the source had a context. */
  if (is_closed (tap))
    wake (tap);
  g_hash_table_iter_init (&iter, room->participants);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Participant *p = value;
    for (guint i = 0; i < p->ups->len; i++)
      push_track_added (tap, g_ptr_array_index (p->ups, i));
  }
  return TRUE;
}

static UpTrack *
find_track (ShMediaRoom *room, guint64 track)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, room->participants);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Participant *p = value;
    for (guint i = 0; i < p->ups->len; i++) {
      UpTrack *up = g_ptr_array_index (p->ups, i);
      if (up->id == track)
        return up;
    }
  }
  return NULL;
}

gboolean
sh_media_tap_request_keyframe (ShMediaTap *tap, guint64 track)
{
  UpTrack *up;

  g_return_val_if_fail (tap != NULL, FALSE);
  if (is_closed (tap) || !tap->room)
    return FALSE;
  up = find_track (tap->room, track);
  if (!up || up->rewriter_codec == SH_REWRITER_AUDIO)
    return FALSE;
  sh_keyframe_limiter_request (&up->keyframes, g_get_monotonic_time ());
  return TRUE;
}

void
sh_media_tap_get_stats (ShMediaTap *tap, ShMediaTapStats *stats)
{
  g_return_if_fail (tap != NULL && stats != NULL);
  tap->stats.queued = tap->queued;
  *stats = tap->stats;
}

gboolean
sh_media_tap_get_track_stats (ShMediaTap *tap, guint64 track, ShMediaTapTrackStats *stats)
{
  TrackEntry *entry;

  g_return_val_if_fail (tap != NULL && stats != NULL, FALSE);
  entry = g_hash_table_lookup (tap->tracks, &track);
  if (!entry)
    return FALSE;
  *stats = entry->stats;
  return TRUE;
}

/* ------------------------------------------------------ the room's side */

void
sh_room_taps_track_added (ShMediaRoom *room, const UpTrack *up)
{
  for (guint i = 0; i < room->taps->len; i++) {
    ShMediaTap *tap = g_ptr_array_index (room->taps, i);
    if (!is_closed (tap))
      push_track_added (tap, up);
  }
}

void
sh_room_taps_track_removed (ShMediaRoom *room, const UpTrack *up)
{
  for (guint i = 0; i < room->taps->len; i++) {
    ShMediaTap *tap = g_ptr_array_index (room->taps, i);
    Item *item;

    if (is_closed (tap))
      continue;
    item = g_new0 (Item, 1);
    item->type = ITEM_TRACK_REMOVED;
    item->track = up->id;
    push (tap, item);
  }
}

/* Whether a droppable item for @track still fits; counts the drop when
 * not. */
static gboolean
has_room (ShMediaTap *tap, guint64 track, gboolean rtp)
{
  ShMediaTapTrackStats *st;

  if (is_closed (tap))
    return FALSE;
  if (tap->queued < tap->max_queued)
    return TRUE;
  st = track_stats (tap, track);
  if (rtp) {
    st->dropped++;
    tap->stats.total.dropped++;
  } else {
    st->reports_dropped++;
    tap->stats.total.reports_dropped++;
  }
  return FALSE;
}

static void
push_counted (ShMediaTap *tap, Item *item)
{
  tap->queued++;
  tap->stats.max_queued = MAX (tap->stats.max_queued, tap->queued);
  push (tap, item);
}

void
sh_room_taps_rtp (ShMediaRoom *room, const UpTrack *up, const guint8 *buf, gsize len, gint64 now)
{
  for (guint i = 0; i < room->taps->len; i++) {
    ShMediaTap *tap = g_ptr_array_index (room->taps, i);
    Item *item;

    if (!has_room (tap, up->id, TRUE))
      continue;
    item = g_malloc (sizeof *item + len);
    memset (item, 0, sizeof *item);
    item->type = ITEM_RTP;
    item->track = up->id;
    item->arrival_us = now;
    item->len = len;
    memcpy (item->data, buf, len);
    push_counted (tap, item);
  }
}

void
sh_room_taps_sender_report (ShMediaRoom *room, const UpTrack *up, const ShRtcpSr *sr, gint64 now)
{
  for (guint i = 0; i < room->taps->len; i++) {
    ShMediaTap *tap = g_ptr_array_index (room->taps, i);
    Item *item;

    if (!has_room (tap, up->id, FALSE))
      continue;
    item = g_new0 (Item, 1);
    item->type = ITEM_SENDER_REPORT;
    item->track = up->id;
    item->report = (ShMediaTapSenderReport){
      .ssrc = sr->ssrc,
      .ntp_timestamp = sr->ntp_timestamp,
      .rtp_timestamp = sr->rtp_timestamp,
      .packet_count = sr->packet_count,
      .octet_count = sr->octet_count,
      .arrival_us = now,
    };
    push_counted (tap, item);
  }
}

void
sh_room_taps_close (ShMediaRoom *room)
{
  for (guint i = 0; i < room->taps->len; i++) {
    ShMediaTap *tap = g_ptr_array_index (room->taps, i);

    tap->room = NULL;
    /* Delivers the track removals the room's end queued, then lets go. */
    tap->scheduled = FALSE;
    wake (tap);
  }
  g_ptr_array_set_size (room->taps, 0);
}
