/* twcc-recorder.h — the receive side of transport-wide congestion control
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01): records when each
 * packet of a publish connection arrived, by its transport-wide sequence
 * number, and writes the RTPFB FMT 15 feedback that the publisher's send-side
 * estimator (GoogCC in browsers) sizes its bitrate from. Without it a
 * browser's video bitrate decays to the minimum.
 *
 * One recorder per publish connection: all its streams (audio, video, RTX)
 * share one transport sequence space. Every sequence number from the first
 * unreported one up to the highest received is reported exactly once, as
 * received (with its arrival time) or not received; a packet that arrives
 * after its number was reported, or twice, is ignored.
 *
 * The state is a fixed ring of SH_TWCC_RECORDER_WINDOW entries and a fixed
 * scratch array for writing, allocated once; nothing allocates per packet or
 * per write. A recorder belongs to one worker thread and takes no lock. Time
 * is always passed in (microseconds, any monotonic origin); nothing here
 * reads a clock.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sequence numbers held between writes (a power of two). At 1000 packets/s
 * that is 4 s of feedback the caller may fall behind by before the oldest
 * unreported statuses are dropped. */
#define SH_TWCC_RECORDER_WINDOW 4096

/* Statuses per feedback packet at most; the rest waits for the next write.
 * 1000 statuses with one-byte deltas take about 1.2 kB, under a 1500-byte
 * MTU. */
#define SH_TWCC_RECORDER_MAX_STATUSES 1000

/* A forward jump of the transport sequence number larger than this (or a
 * backward one larger than the window) is taken as a restart of the
 * numbering, not as thousands of losses. */
#define SH_TWCC_RECORDER_RESET_JUMP (SH_TWCC_RECORDER_WINDOW / 2)

/* Counters since creation. */
typedef struct {
  guint64 recorded;   /* distinct packets stored */
  guint64 duplicates; /* a sequence number that was already stored */
  guint64 late;       /* arrived after its number was reported (or dropped) */
  guint64 restarts;   /* restarts of the numbering */
  guint64 dropped;    /* unreported statuses thrown away: window overrun or restart */
  guint64 statuses;   /* statuses written (received or not) */
  guint64 feedbacks;  /* feedback packets written */
} ShTwccRecorderStats;

typedef struct _ShTwccRecorder ShTwccRecorder;

/* Returns: (transfer full) a recorder with nothing recorded; fb_count starts
 * at 0. */
ShTwccRecorder *sh_twcc_recorder_new (void);
void sh_twcc_recorder_free (ShTwccRecorder *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShTwccRecorder, sh_twcc_recorder_free)

/* A packet carrying transport-wide sequence number @transport_seq arrived at
 * @arrival_us. Call it for every packet that has the extension, whatever its
 * stream, in the order they arrive. */
void sh_twcc_recorder_record (ShTwccRecorder *r, guint16 transport_seq, gint64 arrival_us);

/* Writes one transport-wide feedback packet into @out (@cap bytes) for the
 * statuses recorded since the last write, oldest first, and marks them
 * reported. The packet ends early, leaving the rest pending for the next
 * call, at SH_TWCC_RECORDER_MAX_STATUSES, where @cap is full, or before a
 * packet whose receive delta does not fit 16 bits (8.2 s; the next packet
 * starts there with a new reference time). So call it again while
 * sh_twcc_recorder_pending() is not 0 to send everything now.
 *
 * Returns the bytes written, 0 when nothing is pending, or
 * SH_RTCP_ERR_NO_SPACE when @cap cannot hold even one status; on error
 * nothing is written and the state does not change. */
int sh_twcc_recorder_write (ShTwccRecorder *r, guint32 sender_ssrc, guint32 media_ssrc, guint8 *out,
                            gsize cap);

/* Statuses waiting for the next write (received or not). The caller can
 * write early when many accumulate instead of waiting for its timer. */
gint64 sh_twcc_recorder_pending (const ShTwccRecorder *r);

void sh_twcc_recorder_get_stats (const ShTwccRecorder *r, ShTwccRecorderStats *stats);

G_END_DECLS
