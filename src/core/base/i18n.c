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

/* The language the environment asks for, as setlocale reads it: LC_ALL, LC_MESSAGES, LANG. */
static const char *env_lang(void)
{
    const char *v = getenv("LC_ALL");
    if (!v || !*v) v = getenv("LC_MESSAGES");
    if (!v || !*v) v = getenv("LANG");
    return v && !strncmp(v, "ko", 2) ? "ko" : "en";
}

/* Where the compiled translations are: beside the program in a build tree (build/locale), else
 * where `make install` put them ($(DATADIR)/locale), else beside an installed tree moved
 * elsewhere (bin/../share/locale). The first that holds a nexttoken.mo wins; else the
 * compiled-in one, which may be installed later. */
static void find_dir(void)
{
    char prog[NT_PATH_MAX], cand[3][NT_PATH_MAX];
    int n = 0, k;
    int have_prog = path_program_dir(prog, sizeof prog) == 0;
    /* a place whose path does not fit is left out: a cut path would name another folder */
    if (have_prog && (k = snprintf(cand[n], sizeof cand[n], "%s/locale", prog)) > 0 && (size_t)k < sizeof cand[n]) n++;
#ifdef NT_DATADIR
    if ((k = snprintf(cand[n], sizeof cand[n], "%s/locale", NT_DATADIR)) > 0 && (size_t)k < sizeof cand[n]) n++;
#endif
    if (have_prog && (k = snprintf(cand[n], sizeof cand[n], "%s/../share/locale", prog)) > 0 && (size_t)k < sizeof cand[n]) n++;
    for (int i = 0; i < n; i++) {
        char mo[NT_PATH_MAX + 64];
        k = snprintf(mo, sizeof mo, "%s/ko/LC_MESSAGES/" NT_TEXTDOMAIN ".mo", cand[i]);
        if (k > 0 && (size_t)k < sizeof mo && access(mo, R_OK) == 0) {
            memcpy(dir, cand[i], strlen(cand[i]) + 1);
            return;
        }
    }
    /* none yet: the one `make install` writes, which may be installed later */
    const char *fallback = n > 1 ? cand[1] : n ? cand[0] : ".";
    memcpy(dir, fallback, strlen(fallback) + 1);
}

const char *i18n_setup(int whole)
{
    int cat = whole ? LC_ALL : LC_MESSAGES;
    /* A locale that is not installed (ko_KR.UTF-8 on a fresh Debian) fails as a whole: the
     * characters are then UTF-8 all the same, and the language is chosen below. */
    if (!setlocale(cat, "") && !setlocale(cat, "C.UTF-8")) setlocale(cat, "C");
    setlocale(LC_NUMERIC, "C");
    find_dir();
    bindtextdomain(NT_TEXTDOMAIN, dir);
    bind_textdomain_codeset(NT_TEXTDOMAIN, "UTF-8");
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
