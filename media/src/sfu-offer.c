/* The room's offers on subscribe connections: one per subscriber when
 * their down tracks change, batched while a change touches many.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sfu-private.h"

/* Sends the subscriber a new offer for their down tracks, or remembers to
 * once the pending one is answered (the server always offers on this leg,
 * so there is no glare). */
void
sh_room_renegotiate (Participant *p)
{
  ShMediaRoom *room = p->room;
  g_autofree ShPeerOfferSection *sections = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *offer = NULL;

  if (room->closing)
    return;
  if (room->deferring) {
    p->needs_offer = TRUE;
    return;
  }
  if (p->offer_pending) {
    p->renegotiate = TRUE;
    return;
  }
  p->renegotiate = FALSE;
  if (p->downs->len == 0)
    return;
  sections = g_new0 (ShPeerOfferSection, p->downs->len);
  for (guint i = 0; i < p->downs->len; i++) {
    DownTrack *d = g_ptr_array_index (p->downs, i);
    ShPeerOfferSection *s = &sections[i];

    s->kind = d->kind;
    s->mid = d->mid;
    s->active = d->up != NULL;
    s->ssrc = d->ssrc;
    s->rtx_ssrc = d->rtx_ssrc;
    /* An inactive section names no track: its msid would repeat in the
     * section of the publisher's next track from the same publish mid (a
     * rejoin, a second screen share), and browsers refuse an offer with
     * duplicate a=msid lines. */
    s->stream_id = s->active ? d->stream_id : NULL;
    s->track_id = s->active ? d->track_id : NULL;
    s->codec = d->codec;
  }
  offer = sh_peer_create_offer (p->subscribe, sections, p->downs->len, &error);
  if (!offer) {
    g_warning ("room: no subscribe offer for participant %" G_GUINT64_FORMAT ": %s", p->id,
               error->message);
    return;
  }
  p->offer_pending = TRUE;
  for (guint i = 0; i < p->downs->len; i++)
    ((DownTrack *) g_ptr_array_index (p->downs, i))->offered = TRUE;
  if (room->callbacks.subscribe_offer)
    room->callbacks.subscribe_offer (room, p->id, offer, room->user_data);
}

void
sh_room_defer_offers (ShMediaRoom *room)
{
  room->deferring = TRUE;
}

void
sh_room_send_deferred_offers (ShMediaRoom *room)
{
  GHashTableIter iter;
  gpointer value;

  room->deferring = FALSE;
  g_hash_table_iter_init (&iter, room->participants);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Participant *p = value;
    if (p->needs_offer) {
      p->needs_offer = FALSE;
      sh_room_renegotiate (p);
    }
  }
}
