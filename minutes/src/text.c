/* The one check of text that people type: names, titles, chat. Every entry
 * point (REST, the meeting socket, CSV import, the command line) ends in the
 * domain validators, which call this, so a character that could hide or
 * reorder text on an auditor's screen cannot get in through any of them.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sanhui-minutes.h"

/* U+202A..U+202E (embeddings, overrides) and U+2066..U+2069 (isolates)
 * make text display in another order than it is stored: an override before
 * "gpj.exe" shows "exe.jpg", and a name can pose as another. */
static gboolean
is_bidi_control (gunichar c)
{
  return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* C0, DEL and C1. */
static gboolean
is_control (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

/* Characters that show nothing: spaces, zero-width characters and format
 * characters (ZWSP, ZWJ, ZWNJ, BOM, soft hyphen, LRM...), combining marks
 * with nothing to combine with, and the blank fillers some input methods
 * offer. A name made only of these looks empty. */
static gboolean
is_invisible (gunichar c)
{
  return g_unichar_isspace (c) || g_unichar_iszerowidth (c)
         || g_unichar_type (c) == G_UNICODE_FORMAT || is_control (c) || c == 0x115f || c == 0x1160
         || c == 0x3164 || c == 0xffa0 || c == 0x2800;
}

gboolean
sh_text_is_blank (const char *text)
{
  if (!text)
    return TRUE;
  for (const char *p = text; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char_validated (p, -1);

    if (c == (gunichar) -1 || c == (gunichar) -2)
      return FALSE;
    if (!is_invisible (c))
      return FALSE;
  }
  return TRUE;
}

gboolean
sh_text_check (const char *text, const char *label, ShTextFlags flags, GError **error)
{
  g_return_val_if_fail (label != NULL, FALSE);

  if (!text)
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "%s含有无效的文字编码", label);
    return FALSE;
  }
  for (const char *p = text; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    gboolean line_break = c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;

    if (line_break && !(flags & SH_TEXT_MULTILINE)) {
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "%s不能换行", label);
      return FALSE;
    }
    if (is_control (c) && !((flags & SH_TEXT_MULTILINE) && (c == '\n' || c == '\t'))
        && !((flags & SH_TEXT_ALLOW_CR) && c == '\r')) {
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
                   "%s不能含有控制字符（U+%04X）", label, c);
      return FALSE;
    }
    if (is_bidi_control (c)) {
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
                   "%s不能含有改变文字显示方向的控制字符（U+%04X）", label, c);
      return FALSE;
    }
  }
  return TRUE;
}

gboolean
sh_text_validate (const char *text, const char *label, guint max_chars, ShTextFlags flags,
                  GError **error)
{
  g_autofree char *trimmed = NULL;

  if (!sh_text_check (text, label, flags, error))
    return FALSE;
  if (sh_text_is_blank (text)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "%s不能为空", label);
    return FALSE;
  }
  trimmed = g_strstrip (g_strdup (text));
  if (g_utf8_strlen (trimmed, -1) > (glong) max_chars) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "%s不能超过%u个字", label,
                 max_chars);
    return FALSE;
  }
  return TRUE;
}
