/*
 * escape.h - bytes made safe to show on a terminal: the one escaping routine of the program.
 *
 * A string taken from a file or an argument may hold an escape sequence ("\033[2J" clears the
 * screen) or bytes that are not UTF-8; printed as they are, they would act on the terminal. So
 * whatever shows such a string goes through here: core's error messages (err.c escapes every
 * message it makes), the commands' errors and output lines (src/cli), the interface's messages
 * and questions (src/tui), and the token pieces of every table.
 *
 * What stays: printable ASCII and whole UTF-8 characters (Korean among them). What is escaped:
 * control bytes (ESC, DEL and the rest: \n, \t, \r or \xNN), the C1 controls U+0080..U+009F
 * (their bytes as \xNN: some terminals obey them), and bytes that are not part of a valid
 * character (\xNN), so a token that ends inside a character shows its bytes.
 */
#ifndef NT_ESCAPE_H
#define NT_ESCAPE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"

enum {
    ESCAPE_SPACES = 1,  /* a space as a middle dot ('.' with ESCAPE_ASCII): boundaries show */
    ESCAPE_SYMBOLS = 2, /* a newline as a return sign and a tab as an arrow, not \n and \t */
    ESCAPE_ASCII = 4,   /* the terminal shows ASCII only: every byte above 0x7f as \xNN */
    /* A backslash as it is, not as \\. Messages are escaped this way: escaping them twice then
     * changes nothing (the output holds no byte that would be escaped), so a message may pass
     * through core's err helpers and a front end's printing both. Token pieces double their
     * backslashes instead, so that a piece "\x1b" and the byte ESC read differently. */
    ESCAPE_KEEP_BACKSLASH = 8,
};

/* The n bytes at b, escaped as `how` asks, into out (NUL-terminated), stopping before an
 * escape or a character that would not fit in cap; returns the length written. */
size_t escape_bytes(const uint8_t *b, size_t n, int how, char *out, size_t cap);

/* A message's form of a string: ESCAPE_KEEP_BACKSLASH alone. Returns out. */
const char *escape_str(const char *s, char *out, size_t cap);

/* printf into out, then escaped as a message: one line fit for a terminal whatever the
 * arguments hold. The format's own text is ours and passes through unchanged (so it should not
 * end in a newline: the caller adds that). Returns the length written. */
size_t escape_format(char *out, size_t cap, const char *fmt, ...) NT_PRINTF(3, 4);
size_t escape_vformat(char *out, size_t cap, const char *fmt, va_list ap);

#endif
