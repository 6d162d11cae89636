/* A track's fragments as one stream on the track's own clock.
 *
 *   filesrc ─ matroskademux ─┐ [segment from 0]
 *   filesrc ─ matroskademux ─┤ (the next one, prerolled)
 *                            concat (adjust-base=false) ─ src
 *
 * splitmuxsrc cannot be used for this: it plays fragments end to end from
 * 0, dropping the first frame's own time (a camera waits for a keyframe)
 * and every gap between fragments, so the video would land early. Each
 * fragment is demuxed here with the timestamps it was written with, and the
 * demuxer's segment (which starts at the fragment's first timestamp) is
 * replaced by one from 0 so that running time is the track's time.
 *
 * A two-hour meeting has hundreds of fragments per track: a reader is
 * created when the one two before it ends and shut down when the one after
 * it ends, so a track never holds more than three demuxer threads (one
 * playing, one prerolled, one finished). SPDX-License-Identifier: Apache-2.0 */
#include "fragment-source.h"

#include "sanhui-recorder.h"

typedef struct _Source Source;

typedef struct {
  Source *source;
  GstElement *file, *demux; /* owned refs, also in the bin until closed */
  GstPad *concat_pad;       /* owned ref to the request pad of concat */
  guint index;              /* of its fragment */
} Reader;

struct _Source {
  GstBin *bin; /* borrowed: owns concat, which owns this */
  GstElement *concat;
  GStrv fragments;
  guint n;
  GMutex lock;
  guint next;         /* the fragment the next reader opens */
  GPtrArray *readers; /* of Reader, one per fragment opened so far */
};

static void
reader_free (gpointer data)
{
  Reader *reader = data;
  /* Normally closed already; a reader closed while the bin itself was
   * changing state may have been set going again. */
  gst_element_set_state (reader->demux, GST_STATE_NULL);
  gst_element_set_state (reader->file, GST_STATE_NULL);
  gst_object_unref (reader->file);
  gst_object_unref (reader->demux);
  gst_object_unref (reader->concat_pad);
  g_free (reader);
}

static void
source_free (gpointer data)
{
  Source *source = data;
  g_ptr_array_unref (source->readers);
  g_strfreev (source->fragments);
  g_mutex_clear (&source->lock);
  g_free (source);
}

static void
on_demuxed_pad (GstElement *demux, GstPad *pad, gpointer data)
{
  Reader *reader = data;

  (void) demux;
  /* A track is one stream; a stray second one is left unlinked. */
  if (!gst_pad_is_linked (reader->concat_pad))
    gst_pad_link (pad, reader->concat_pad);
}

/* The reader of the fragment before the one that just ended: its thread
 * is done (concat moved on from it when it ended), and only another thread
 * can stop it. */
static void
close_reader (Reader *reader)
{
  g_autoptr (GstObject) parent = gst_object_get_parent (GST_OBJECT (reader->file));

  /* Locked first, so that the bin's own state changes leave them alone. */
  gst_element_set_locked_state (reader->demux, TRUE);
  gst_element_set_locked_state (reader->file, TRUE);
  gst_element_set_state (reader->demux, GST_STATE_NULL);
  gst_element_set_state (reader->file, GST_STATE_NULL);
  if (parent != NULL) {
    gst_bin_remove (GST_BIN (parent), reader->demux);
    gst_bin_remove (GST_BIN (parent), reader->file);
  }
}

static GstPadProbeReturn on_event (GstPad *pad, GstPadProbeInfo *info, gpointer data);

/* Opens the next fragment, if any; called with the lock held. Its pad on
 * concat is requested now, so concat plays the fragments in order. */
static gboolean
open_next (Source *source, gboolean running)
{
  if (source->next >= source->n)
    return TRUE;
  GstElement *file = gst_element_factory_make ("filesrc", NULL);
  GstElement *demux = gst_element_factory_make ("matroskademux", NULL);
  GstPad *pad = gst_element_request_pad_simple (source->concat, "sink_%u");
  if (file == NULL || demux == NULL || pad == NULL) {
    g_clear_object (&file);
    g_clear_object (&demux);
    g_clear_object (&pad);
    return FALSE;
  }
  Reader *reader = g_new0 (Reader, 1);
  reader->source = source;
  reader->file = gst_object_ref (file);
  reader->demux = gst_object_ref (demux);
  reader->concat_pad = pad;
  reader->index = source->next;
  g_ptr_array_add (source->readers, reader);
  g_object_set (file, "location", source->fragments[source->next++], NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_event, reader, NULL);
  g_signal_connect (demux, "pad-added", G_CALLBACK (on_demuxed_pad), reader);
  gst_bin_add_many (source->bin, file, demux, NULL);
  if (!gst_element_link (file, demux))
    return FALSE;
  if (running) {
    gst_element_sync_state_with_parent (demux);
    gst_element_sync_state_with_parent (file);
  }
  return TRUE;
}

static GstPadProbeReturn
on_event (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Reader *reader = data;
  Source *source = reader->source;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

  (void) pad;
  if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT) {
    GstSegment segment;
    gst_segment_init (&segment, GST_FORMAT_TIME);
    GstEvent *plain = gst_event_new_segment (&segment);
    gst_event_set_seqnum (plain, gst_event_get_seqnum (event));
    gst_event_unref (event);
    GST_PAD_PROBE_INFO_DATA (info) = plain;
  } else if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    g_mutex_lock (&source->lock);
    /* Opened here, on this thread, before concat moves on: the reader
     * after it must have its pad before the next one ends. */
    if (!open_next (source, TRUE))
      GST_ELEMENT_ERROR (source->concat, CORE, MISSING_PLUGIN, ("cannot open a fragment"), (NULL));
    Reader *before = reader->index > 0 ? source->readers->pdata[reader->index - 1] : NULL;
    g_mutex_unlock (&source->lock);
    if (before != NULL)
      close_reader (before);
  }
  return GST_PAD_PROBE_OK;
}

GstElement *
sh_fragment_source_add (GstBin *bin, const char *const *fragments, GError **error)
{
  g_return_val_if_fail (GST_IS_BIN (bin), NULL);
  g_return_val_if_fail (fragments != NULL && fragments[0] != NULL, NULL);

  GstElement *concat = gst_element_factory_make ("concat", NULL);
  if (concat == NULL) {
    g_set_error_literal (error, SH_RENDER_ERROR, SH_RENDER_ERROR_PIPELINE,
                         "GStreamer element concat is not installed");
    return NULL;
  }
  g_object_set (concat, "adjust-base", FALSE, NULL);
  gst_bin_add (bin, concat);

  Source *source = g_new0 (Source, 1);
  source->bin = bin;
  source->concat = concat;
  source->fragments = g_strdupv ((GStrv) fragments);
  source->n = g_strv_length (source->fragments);
  source->readers = g_ptr_array_new_with_free_func (reader_free);
  g_mutex_init (&source->lock);
  g_object_set_data_full (G_OBJECT (concat), "sh-fragment-source", source, source_free);

  g_mutex_lock (&source->lock);
  gboolean ok = open_next (source, FALSE) && open_next (source, FALSE);
  g_mutex_unlock (&source->lock);
  if (!ok) {
    g_set_error_literal (error, SH_RENDER_ERROR, SH_RENDER_ERROR_PIPELINE,
                         "GStreamer's filesrc or matroskademux is not installed");
    return NULL;
  }
  return concat;
}
