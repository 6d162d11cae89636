/* sanhui-render JOBFILE: renders one meeting's composite in its own process,
 * at low priority, so that a decoder crash or a runaway render never reaches
 * the meetings the server is running. Prints "progress N" (0..1000) lines on
 * stdout; exit status 0 rendered, 2 bad job, 3 render failed, 64 usage.
 * SPDX-License-Identifier: Apache-2.0 */
#include <locale.h>
#include <stdio.h>
#include <sys/resource.h>
#include <gst/gst.h>

#include "sanhui-recorder.h"

/* Below every interactive process: the server's meetings come first. */
#define RENDER_NICE 10

static void
print_progress (guint permille, gpointer data)
{
  printf ("progress %u\n", permille);
  fflush (stdout);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  if (argc != 2) {
    fprintf (stderr, "usage: %s JOBFILE\n", argv[0]);
    return 64;
  }
  /* A failure to lower the priority is not a reason to refuse the job. */
  if (getpriority (PRIO_PROCESS, 0) < RENDER_NICE)
    setpriority (PRIO_PROCESS, 0, RENDER_NICE);
  gst_init (NULL, NULL);

  g_autoptr (GError) error = NULL;
  g_autoptr (ShRenderJob) job = sh_render_job_load (argv[1], &error);
  if (job == NULL) {
    fprintf (stderr, "sanhui-render: %s\n", error->message);
    return 2;
  }
  if (!sh_render_run (job, print_progress, NULL, NULL, &error)) {
    fprintf (stderr, "sanhui-render: %s\n", error->message);
    return error->domain == SH_RENDER_ERROR && error->code == SH_RENDER_ERROR_INVALID ? 2 : 3;
  }
  return 0;
}
