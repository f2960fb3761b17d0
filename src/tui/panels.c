/* panels.c - the one list of the interface's panels. A new panel is its file, panel_NAME.c
 * defining `const Panel panel_NAME`, and one line in PANELS below: the tabs, the footer, the
 * help, the :panel command and its completion, and the Lessons map are made from this table. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tui.h"

/* In tab order. */
#define PANELS(X) \
    X(lessons)    \
    X(slice)      \
    X(tokens)     \
    X(softmax)    \
    X(loss)       \
    X(sample)     \
    X(train)      \
    X(inside)

#define DECLARE(name) extern const Panel panel_##name;
PANELS(DECLARE)
#define ENTRY(name) &panel_##name,
const Panel *const panels[] = {PANELS(ENTRY)};
const int n_panels = (int)(sizeof panels / sizeof panels[0]);

int panel_index(const Panel *p)
{
    for (int i = 0; i < n_panels; i++)
        if (panels[i] == p) return i;
    return 0;
}

const Panel *panel_for_key(int ch)
{
    if (ch <= 0 || ch > 127) return NULL;
    for (int i = 0; i < n_panels; i++)
        if (strchr(panels[i]->keys, ch)) return panels[i];
    return NULL;
}

const Panel *panel_named(const char *name)
{
    for (int i = 0; i < n_panels; i++)
        if (strcasecmp(name, panels[i]->name) == 0 || (name[0] == panels[i]->keys[0] && !name[1])) return panels[i];
    return NULL;
}

const char *panel_names_text(void)
{
    static char text[256];
    if (!text[0])
        for (int i = 0, at = 0; i < n_panels && at < (int)sizeof text; i++)
            at += snprintf(text + at, sizeof text - (size_t)at, "%s%s", i ? ", " : "", panels[i]->name);
    return text;
}

const char *panel_keys_text(void)
{
    static char text[8];
    snprintf(text, sizeof text, "%c-%c", panels[0]->keys[0], panels[n_panels - 1]->keys[0]);
    return text;
}
