/* Shared by the fuzz targets: the libFuzzer entry points, a check that
 * libFuzzer reports as a crash, and a log writer that turns GLib criticals
 * and warnings into crashes as well.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

/* g_assert() ends in SIGTRAP, which libFuzzer does not catch; abort() it
 * catches and saves the input. */
#define FUZZ_CHECK(cond)                                                                           \
  do {                                                                                             \
    if (G_UNLIKELY (!(cond))) {                                                                    \
      fprintf (stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                    \
      abort ();                                                                                    \
    }                                                                                              \
  } while (0)

/* A failed call must explain itself. */
#define FUZZ_CHECK_ERROR(error)                                                                    \
  FUZZ_CHECK ((error) != NULL && (error)->message != NULL && (error)->message[0] != '\0')

static inline GLogWriterOutput
fuzz_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) {
    for (gsize i = 0; i < n_fields; i++) {
      if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
        fprintf (stderr, "GLib: %s\n", (const char *) fields[i].value);
    }
    abort ();
  }
  /* Debug and informational messages would only slow the fuzzer down. */
  return G_LOG_WRITER_HANDLED;
}

/* Call once, before anything logs. */
static inline void
fuzz_init_logging (void)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
}
