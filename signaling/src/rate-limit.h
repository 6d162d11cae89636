/* Token buckets and abuse streaks, and with them the limits of the /ws
 * socket (docs/protocol.md, "Limits"): per account and kind of message,
 * per socket for everything, and when a socket is closed for abuse. Plain
 * arithmetic on times the caller passes in (monotonic µs), so that the
 * tests need no clock. Main thread only.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "config.h"

/* Holds up to @burst tokens and gains @rate tokens a second; an action
 * costs tokens and is allowed only when they are there. */
typedef struct {
  double rate;       /* tokens per second, > 0 */
  double burst;      /* capacity, >= 1 */
  double tokens;     /* as of updated_us */
  gint64 updated_us; /* monotonic */
} ShTokenBucket;

/* A full bucket. */
void sh_token_bucket_init (ShTokenBucket *bucket, double rate, double burst, gint64 now_us);

/* Microseconds from @now_us until @cost tokens are there: 0 when they are
 * there now, G_MAXINT64 when @cost exceeds the capacity (never). Refills
 * the bucket up to @now_us; takes nothing. */
gint64 sh_token_bucket_wait (ShTokenBucket *bucket, double cost, gint64 now_us);

/* Takes @cost tokens when they are there and returns TRUE; otherwise takes
 * nothing, sets @retry_after_us (nullable) to sh_token_bucket_wait() and
 * returns FALSE. */
gboolean sh_token_bucket_take (ShTokenBucket *bucket, double cost, gint64 now_us,
                               gint64 *retry_after_us);

/* Takes @cost tokens without asking (after sh_token_bucket_wait() said 0):
 * for taking from several buckets all or nothing. */
void sh_token_bucket_consume (ShTokenBucket *bucket, double cost, gint64 now_us);

/* Whether the bucket is full again at @now_us: it then remembers nothing a
 * new bucket would not, and may be dropped. */
gboolean sh_token_bucket_full (ShTokenBucket *bucket, gint64 now_us);

/* Refusals that follow each other closely: a client that keeps sending
 * over its limits, as opposed to a person who clicked a few times too
 * often. */
typedef struct {
  gint64 first_us; /* when the streak began */
  gint64 last_us;  /* the latest refusal */
  guint refusals;  /* in this streak; 0: none yet (a zeroed struct is ready) */
} ShAbuseStreak;

/* Records a refusal at @now_us. A refusal more than @gap_us after the
 * previous one starts a new streak. Returns TRUE when the streak has now
 * lasted @max_us or more, or counts @max_refusals or more: the client is
 * abusing the socket. */
gboolean sh_abuse_streak_refused (ShAbuseStreak *streak, gint64 now_us, gint64 gap_us,
                                  gint64 max_us, guint max_refusals);

/* ------------------------------------------------ the WebSocket's limits */

/* What a message costs from: each kind has its own bucket per account
 * ([websocket] KIND_per_minute and KIND_burst). ws.c's message table names
 * each message's kind; only messages that reach their handler cost. */
typedef enum {
  SH_WS_KIND_CHAT,      /* meeting.chat */
  SH_WS_KIND_HAND,      /* raising and lowering a hand */
  SH_WS_KIND_MUTE,      /* self mute, camera reception */
  SH_WS_KIND_CHAIR,     /* the chair's commands */
  SH_WS_KIND_JOIN,      /* joining and leaving, starting and stopping a device check */
  SH_WS_KIND_SIGNALING, /* WebRTC offers, answers and candidates */
  SH_WS_KIND_OTHER,     /* ping, hello */
  SH_WS_N_KINDS
} ShWsKind;

/* The buckets of every account that has a socket or was limited lately.
 * An account's buckets outlive its sockets, so that reconnecting does not
 * refill them; they are dropped once full again. Reference-counted: the
 * socket handler and every socket hold one. Main thread only. */
typedef struct _ShWsLimits ShWsLimits;

/* Copies the limits out of @config. Returns: (transfer full) */
ShWsLimits *sh_ws_limits_new (const ShConfig *config);
ShWsLimits *sh_ws_limits_ref (ShWsLimits *limits);
void sh_ws_limits_unref (ShWsLimits *limits);
/* Accounts with buckets now (for the tests). */
guint sh_ws_limits_accounts (ShWsLimits *limits);

/* One socket's limits: its own catch-all buckets (messages and bytes a
 * second, whatever the kind), its abuse streak, and its account's kinds. */
typedef struct {
  ShWsLimits *limits; /* owned reference */
  gint64 account_id;
  ShTokenBucket messages;
  ShTokenBucket bytes;
  ShAbuseStreak streak;
} ShWsSocketLimits;

/* A new socket of @account_id. */
void sh_ws_socket_limits_init (ShWsSocketLimits *socket, ShWsLimits *limits, gint64 account_id,
                               gint64 now_us);
/* The socket is gone; an account whose buckets are full is forgotten. */
void sh_ws_socket_limits_clear (ShWsSocketLimits *socket, gint64 now_us);

/* Whether a received frame of @length bytes may be handled (the catch-all);
 * takes from both buckets or neither. On FALSE, @retry_after_us says when
 * it would have passed. */
gboolean sh_ws_socket_limits_frame (ShWsSocketLimits *socket, gsize length, gint64 now_us,
                                    gint64 *retry_after_us);
/* Whether a message of @kind may be handled: the account's bucket. */
gboolean sh_ws_socket_limits_message (ShWsSocketLimits *socket, ShWsKind kind, gint64 now_us,
                                      gint64 *retry_after_us);
/* Records that a message was refused by a limit. Returns TRUE when the
 * socket has been over its limits for too long ([websocket] abuse_seconds
 * and abuse_refusals, with pauses under two seconds) and is to be closed. */
gboolean sh_ws_socket_limits_refused (ShWsSocketLimits *socket, gint64 now_us);
