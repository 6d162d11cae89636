/* iCalendar (RFC 5545) export of meetings, for phone calendars.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"

#include <string.h>

/* RFC 5545 3.1: content lines are at most 75 octets, excluding the CRLF. */
#define ICS_LINE_OCTETS 75
#define REMINDER_MINUTES 30

/* Appends @line (one unfolded content line) to @out, folded at 75 octets
 * with CRLF + space. A fold never lands inside a UTF-8 sequence, or
 * calendars show broken characters in Chinese titles. */
static void
append_line (GString *out, const char *line)
{
  gsize remaining = strlen (line);
  gsize limit = ICS_LINE_OCTETS;

  while (remaining > limit) {
    gsize cut = limit;

    /* Back off to the first byte of the character that would be split. */
    while (cut > 0 && ((guchar) line[cut] & 0xC0) == 0x80)
      cut--;
    g_string_append_len (out, line, (gssize) cut);
    g_string_append (out, "\r\n ");
    line += cut;
    remaining -= cut;
    /* The leading space of a continuation line counts toward its 75. */
    limit = ICS_LINE_OCTETS - 1;
  }
  g_string_append_len (out, line, (gssize) remaining);
  g_string_append (out, "\r\n");
}

/* RFC 5545 3.3.11 TEXT escaping. A CRLF or CR becomes one "\n"; other
 * control characters are not allowed in TEXT and become spaces. */
static void
append_escaped (GString *out, const char *text)
{
  for (const char *p = text ? text : ""; *p; p++) {
    switch (*p) {
      case '\\':
        g_string_append (out, "\\\\");
        break;
      case ';':
        g_string_append (out, "\\;");
        break;
      case ',':
        g_string_append (out, "\\,");
        break;
      case '\r':
        g_string_append (out, "\\n");
        if (p[1] == '\n')
          p++;
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      default:
        if ((guchar) *p < 0x20 && *p != '\t')
          g_string_append_c (out, ' ');
        else
          g_string_append_c (out, *p);
        break;
    }
  }
}

/* Appends the property "NAME:escaped-text" as one folded line. */
static void
append_text_property (GString *out, const char *name, const char *text)
{
  g_autoptr (GString) line = g_string_new (name);

  g_string_append_c (line, ':');
  append_escaped (line, text);
  append_line (out, line->str);
}

static void
append_time_property (GString *out, const char *name, gint64 usec)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autofree char *stamp = NULL;
  g_autofree char *line = NULL;

  stamp = dt ? g_date_time_format (dt, "%Y%m%dT%H%M%SZ") : g_strdup ("19700101T000000Z");
  line = g_strdup_printf ("%s:%s", name, stamp);
  append_line (out, line);
}

static char *
meeting_url (const char *url_base, gint64 id)
{
  const char *base = url_base ? url_base : "";
  const char *slash = *base && !g_str_has_suffix (base, "/") ? "/" : "";

  return g_strdup_printf ("%s%smeeting.html?id=%" G_GINT64_FORMAT, base, slash, id);
}

static void
append_event (GString *out, const ShMeeting *m, const char *url_base, gint64 now)
{
  g_autofree char *uid = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *url = meeting_url (url_base, m->id);
  g_autofree char *url_line = NULL;
  g_autofree char *sequence = NULL;
  g_autoptr (GString) description = g_string_new (NULL);
  gboolean cancelled = m->state == SH_MEETING_CANCELLED;
  gint64 revised;

  append_line (out, "BEGIN:VEVENT");
  uid = g_strdup_printf ("UID:sanhui-meeting-%" G_GINT64_FORMAT "@sanhui", m->id);
  append_line (out, uid);
  /* Without a METHOD, DTSTAMP is the event's last revision (RFC 5545
   * 3.8.7.2); that also keeps the feed stable between two downloads. */
  revised = m->updated_at ? m->updated_at : now;
  append_time_property (out, "DTSTAMP", revised);
  append_time_property (out, "DTSTART", m->planned_start);
  append_time_property (out, "DTEND", m->planned_end);

  summary = g_strdup_printf ("[%s] %s", sh_meeting_type_label (m->type), m->title ? m->title : "");
  append_text_property (out, "SUMMARY", summary);
  append_text_property (out, "LOCATION", m->place && *m->place ? m->place : "线上会议");

  if (m->topic && *m->topic)
    g_string_append_printf (description, "主题：%s\n", m->topic);
  if (m->lecturer_name && *m->lecturer_name)
    g_string_append_printf (description, "授课人：%s\n", m->lecturer_name);
  for (guint i = 0; m->agenda && i < m->agenda->len; i++)
    g_string_append_printf (description, "议程%u：%s\n", i + 1,
                            (const char *) g_ptr_array_index (m->agenda, i));
  if (cancelled && m->cancel_reason && *m->cancel_reason)
    g_string_append_printf (description, "会议已取消：%s\n", m->cancel_reason);
  g_string_append_printf (description, "会议链接：%s", url);
  append_text_property (out, "DESCRIPTION", description->str);
  /* URL is a URI value, not TEXT: no backslash escaping. */
  url_line = g_strconcat ("URL:", url, NULL);
  append_line (out, url_line);

  append_line (out, cancelled ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");
  /* SEQUENCE must grow with each revision and fit a 32-bit INTEGER: the
   * seconds since creation do both, where the raw timestamp would not. */
  sequence = g_strdup_printf (
      "SEQUENCE:%" G_GINT64_FORMAT,
      CLAMP ((m->updated_at - m->created_at) / G_USEC_PER_SEC, 0, (gint64) G_MAXINT32));
  append_line (out, sequence);

  /* No reminder for a cancelled meeting: nobody should be called to it. */
  if (!cancelled) {
    append_line (out, "BEGIN:VALARM");
    append_line (out, "ACTION:DISPLAY");
    append_text_property (out, "DESCRIPTION", summary);
    append_line (out, "TRIGGER:-PT" G_STRINGIFY (REMINDER_MINUTES) "M");
    append_line (out, "END:VALARM");
  }
  append_line (out, "END:VEVENT");
}

char *
sh_meeting_ics (GPtrArray *meetings, const char *calendar_name, const char *url_base)
{
  GString *out = g_string_new (NULL);
  gint64 now = sh_store_now ();

  append_line (out, "BEGIN:VCALENDAR");
  append_line (out, "PRODID:-//Sanhui//Sanhui Meetings//ZH-CN");
  append_line (out, "VERSION:2.0");
  append_line (out, "CALSCALE:GREGORIAN");
  append_text_property (out, "X-WR-CALNAME",
                        calendar_name && *calendar_name ? calendar_name : "三会一课");
  append_line (out, "X-WR-TIMEZONE:Asia/Shanghai");
  for (guint i = 0; meetings && i < meetings->len; i++)
    append_event (out, g_ptr_array_index (meetings, i), url_base, now);
  append_line (out, "END:VCALENDAR");
  return g_string_free (out, FALSE);
}
