/* Disk space of a recording: see recording-space.h.
 * SPDX-License-Identifier: Apache-2.0 */
#include "recording-space.h"

#include <errno.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/statvfs.h>

#define REARM_MIN_BYTES (G_GUINT64_CONSTANT (64) * 1024 * 1024)

gboolean
sh_recording_space_free_bytes (const char *path, guint64 *free_bytes, GError **error)
{
  struct statvfs st;

  g_return_val_if_fail (path != NULL && free_bytes != NULL, FALSE);
  if (statvfs (path, &st) != 0) {
    int saved = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                 g_strerror (saved));
    return FALSE;
  }
  *free_bytes = (guint64) st.f_bavail * (guint64) st.f_frsize;
  return TRUE;
}

void
sh_recording_space_sample (ShRecordingSpace *space, gint64 now_us, guint64 written)
{
  g_return_if_fail (space != NULL);
  /* Keep the samples of the window and one before it. */
  while (space->n >= 2 && now_us - space->at[1] >= SH_RECORDING_SPACE_WINDOW_S * G_USEC_PER_SEC) {
    memmove (space->at, space->at + 1, (space->n - 1) * sizeof space->at[0]);
    memmove (space->bytes, space->bytes + 1, (space->n - 1) * sizeof space->bytes[0]);
    space->n--;
  }
  if (space->n == G_N_ELEMENTS (space->at)) {
    memmove (space->at, space->at + 1, (space->n - 1) * sizeof space->at[0]);
    memmove (space->bytes, space->bytes + 1, (space->n - 1) * sizeof space->bytes[0]);
    space->n--;
  }
  space->at[space->n] = now_us;
  space->bytes[space->n] = written;
  space->n++;
}

double
sh_recording_space_rate (const ShRecordingSpace *space)
{
  gint64 span;
  guint64 bytes;

  g_return_val_if_fail (space != NULL, 0);
  if (space->n < 2)
    return SH_RECORDING_SPACE_NOMINAL_RATE;
  span = space->at[space->n - 1] - space->at[0];
  bytes = space->bytes[space->n - 1] - MIN (space->bytes[0], space->bytes[space->n - 1]);
  if (span <= 0 || bytes == 0)
    return SH_RECORDING_SPACE_NOMINAL_RATE;
  return (double) bytes * G_USEC_PER_SEC / (double) span;
}

gboolean
sh_recording_space_crossed (ShRecordingSpace *space, guint64 free_bytes, guint64 floor_bytes)
{
  g_return_val_if_fail (space != NULL, FALSE);
  if (floor_bytes == 0)
    return FALSE;
  if (space->low) {
    if (free_bytes >= floor_bytes + MAX (floor_bytes / 10, REARM_MIN_BYTES))
      space->low = FALSE;
    return FALSE;
  }
  if (free_bytes >= floor_bytes)
    return FALSE;
  space->low = TRUE;
  return TRUE;
}

guint64
sh_recording_space_minutes_left (guint64 free_bytes, double rate)
{
  if (rate <= 0)
    rate = SH_RECORDING_SPACE_NOMINAL_RATE;
  return (guint64) ((double) free_bytes / rate / 60.0);
}

char *
sh_recording_space_message (guint64 free_bytes, guint64 minutes_left)
{
  char gb[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (gb, sizeof gb, "%.1f", (double) free_bytes / (1024.0 * 1024 * 1024));
  return g_strdup_printf ("录像存储空间不足：剩余 %s GB，约可再录 %" G_GUINT64_FORMAT " 分钟", gb,
                          minutes_left);
}
