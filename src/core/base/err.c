/* err.c - filling an Err. See err.h. */
#include "core/base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/base/escape.h"
#include "core/base/i18n.h"

/* Messages name files and quote what was in them, so every one is escaped as it is made: a
 * corpus path or a section tag holding "\033[2J" shows as \x1b[2J instead of clearing the
 * screen, whichever front end prints it. */
static int err_vset(Err *e, int code, const char *fmt, va_list ap)
{
    if (e) {
        char raw[ERR_MSG_MAX];
        vsnprintf(raw, sizeof raw, fmt, ap);
        e->code = code;
        escape_bytes((const uint8_t *)raw, strlen(raw), ESCAPE_KEEP_BACKSLASH, e->msg, sizeof e->msg);
    }
    return -1;
}

int err_input(Err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, ERR_INPUT, fmt, ap);
    va_end(ap);
    return -1;
}

int err_internal(Err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, ERR_INTERNAL, fmt, ap);
    va_end(ap);
    return -1;
}

int err_nomem(Err *e, const char *what, unsigned long long bytes)
{
    return err_internal(e, _("out of memory allocating %llu bytes for %s"), bytes, _(what));
}

void err_prefix(Err *e, const char *prefix)
{
    if (!e || !prefix || !*prefix) return;
    char safe[ERR_MSG_MAX];
    prefix = escape_str(prefix, safe, sizeof safe);
    size_t cap = sizeof e->msg - 1, pl = strlen(prefix), ml = strlen(e->msg);
    if (pl + 2 > cap) pl = cap - 2;
    if (ml > cap - pl - 2) ml = cap - pl - 2; /* the message's tail gives way to the prefix */
    memmove(e->msg + pl + 2, e->msg, ml);
    memcpy(e->msg, prefix, pl);
    memcpy(e->msg + pl, ": ", 2);
    e->msg[pl + 2 + ml] = '\0';
}
