/*
 * err.h - how core reports failure without printing or exiting.
 *
 * Every core function that can fail takes an `Err *` and returns a status (or NULL). On failure
 * it fills the message and a code saying whose fault it was: the user's input (a bad file, a bad
 * value: the CLI exits 2) or the program's circumstances (out of memory, a disk error: exit 1).
 * The front ends decide how to show the message; core never prints. A message is always safe to
 * print: the helpers escape whatever the arguments hold (escape.h), so a file name or a string
 * read from a file cannot act on the terminal.
 */
#ifndef NT_ERR_H
#define NT_ERR_H

enum { ERR_NONE = 0, ERR_INTERNAL = 1, ERR_INPUT = 2 };

/* The bytes of a message, its NUL included: one line, which a longer message is cut to. */
#define ERR_MSG_MAX 512

typedef struct Err {
    int code;          /* ERR_NONE, ERR_INTERNAL or ERR_INPUT */
    char msg[ERR_MSG_MAX]; /* one line, no trailing newline, escaped (escape.h) */
} Err;

#if defined(__GNUC__)
#define NT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define NT_PRINTF(a, b)
#endif

/* Both return -1 so that `return err_input(e, ...)` reads as a failed status. A NULL `e` is
 * allowed and ignored, for callers that only want the status. */
int err_input(Err *e, const char *fmt, ...) NT_PRINTF(2, 3);
int err_internal(Err *e, const char *fmt, ...) NT_PRINTF(2, 3);
/* An allocation of `bytes` failed while doing `what`. */
int err_nomem(Err *e, const char *what, unsigned long long bytes);
/* Prefixes the message already in `e` with "prefix: " (a file name, usually). */
void err_prefix(Err *e, const char *prefix);

#endif
