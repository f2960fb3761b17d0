/* i18n.c - the locale, the language and the translations' folder. See i18n.h. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/paths.h"
#include "core/base/i18n.h"

static char lang[8] = "en";
static char dir[NT_PATH_MAX];

const char *i18n_lang(void) { return lang; }
const char *i18n_dir(void) { return dir; }

/* Whether a locale's name asks for UTF-8: "ko_KR.UTF-8", "ko_KR.utf8". */
static int names_utf8(const char *name)
{
    const char *dot = strchr(name, '.');
    if (!dot) return 0;
    char cs[16];
    size_t n = 0;
    for (const char *p = dot + 1; *p && *p != '@' && n + 1 < sizeof cs; p++)
        if (*p != '-') cs[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    cs[n] = 0;
    return strcmp(cs, "utf8") == 0;
}

/* The language the environment asks for, as setlocale reads it: LC_ALL, LC_MESSAGES, LANG. */
static const char *env_lang(void)
{
    const char *v = getenv("LC_ALL");
    if (!v || !*v) v = getenv("LC_MESSAGES");
    if (!v || !*v) v = getenv("LANG");
    /* Korean in UTF-8 only: a terminal set up for another character set gets English */
    return v && !strncmp(v, "ko", 2) && names_utf8(v) ? "ko" : "en";
}

/* Where the compiled translations are: beside the program in a build tree (build/locale), else
 * in the share folder of each place shipped data is looked for (core/base/paths.h: the data
 * directory compiled in, bin/../share, $XDG_DATA_HOME, $XDG_DATA_DIRS), its locale/ beside its
 * nexttoken/, where `make install` puts them. The first that holds a nexttoken.mo wins; else
 * the compiled-in one, which may be installed later. */
static void find_dir(void)
{
    char prog[NT_PATH_MAX], cand[NT_PATH_MAX], fallback[NT_PATH_MAX] = "";
    ShippedPlace places[PATH_PLACES_MAX];
    int n = path_shipped_places(places, PATH_PLACES_MAX), k;
    int have_prog = path_program_dir(prog, sizeof prog) == 0;
    for (int i = -1; i < n; i++) {
        /* a place whose path does not fit is left out: a cut path would name another folder */
        if (i < 0) {
            if (!have_prog || (k = snprintf(cand, sizeof cand, "%s/locale", prog)) <= 0 || (size_t)k >= sizeof cand) continue;
        } else {
            if (places[i].tree || (k = snprintf(cand, sizeof cand, "%s/../locale", places[i].dir)) <= 0 || (size_t)k >= sizeof cand)
                continue;
            if (!fallback[0]) memcpy(fallback, cand, strlen(cand) + 1);
        }
        char mo[NT_PATH_MAX + 64];
        k = snprintf(mo, sizeof mo, "%s/ko/LC_MESSAGES/" NT_TEXTDOMAIN ".mo", cand);
        if (k > 0 && (size_t)k < sizeof mo && access(mo, R_OK) == 0) {
            memcpy(dir, cand, strlen(cand) + 1);
            return;
        }
    }
    memcpy(dir, fallback[0] ? fallback : ".", strlen(fallback[0] ? fallback : ".") + 1);
}

const char *i18n_setup(int whole)
{
    int cat = whole ? LC_ALL : LC_MESSAGES;
    /* A locale that is not installed (ko_KR.UTF-8 on a fresh Debian) fails as a whole: when it
     * names UTF-8 the characters are then C.UTF-8's all the same (a terminal set up for another
     * character set keeps plain C), and the language is chosen below. */
    if (!setlocale(cat, "")) {
        const char *v = getenv("LC_ALL");
        if (!v || !*v) v = getenv(whole ? "LC_CTYPE" : "LC_MESSAGES");
        if (!v || !*v) v = getenv("LANG");
        int utf8 = v && names_utf8(v);
        if (!utf8 || !setlocale(cat, "C.UTF-8")) setlocale(cat, "C");
    }
    setlocale(LC_NUMERIC, "C");
    find_dir();
    bindtextdomain(NT_TEXTDOMAIN, dir);
    bind_textdomain_codeset(NT_TEXTDOMAIN, "UTF-8");
    /* The C library's own messages (strerror's, in an error naming a file) come in the same
     * UTF-8: a command keeps the character type "C", and glibc would otherwise convert their
     * Korean to ASCII - every character a '?'. */
    bind_textdomain_codeset("libc", "UTF-8");
    i18n_set_lang(env_lang());
    return lang;
}

void i18n_set_lang(const char *want)
{
    snprintf(lang, sizeof lang, "%s", want && !strcmp(want, "ko") ? "ko" : "en");
    /* gettext reads LANGUAGE only when the messages locale is not "C" (or "POSIX"): C.UTF-8
     * serves, and changes nothing else. */
    const char *m = setlocale(LC_MESSAGES, NULL);
    if (!strcmp(lang, "ko") && (!m || !strcmp(m, "C") || !strcmp(m, "POSIX"))) setlocale(LC_MESSAGES, "C.UTF-8");
    setenv("LANGUAGE", lang, 1);
    /* Setting the domain again tells gettext that its cached translations are stale (it counts
     * such changes), so the next _() reads the new language's catalog. */
    textdomain(textdomain(NULL));
}
