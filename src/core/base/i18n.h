/*
 * i18n.h - the language a person reads: GNU gettext over the "nexttoken" text domain.
 *
 * Every string shown to a person (the interface's titles, help and messages, the commands'
 * --help and errors, core's error messages) is written in English and wrapped in _(); a table
 * of them is marked with N_() and translated where it is shown, _(table[i]). What a machine
 * reads is never wrapped: --json, CSV, ids, option and command names, lesson directives stay
 * the same in every language (tests/cli/i18n.sh compares the JSON of both languages byte for
 * byte). The translations are po/LANG.po, compiled by the build into build/locale (po/README.md).
 *
 * The language follows the environment (LC_ALL, then LC_MESSAGES, then LANG: ko_KR.UTF-8, or any
 * "ko" locale in UTF-8, is Korean, anything else English) even when that locale is not
 * installed, as ko_KR.UTF-8 is not on a fresh Debian: the characters are then C.UTF-8's, and the language is chosen here, through
 * LANGUAGE, which glibc's gettext honours whenever the messages locale is not plain "C". A
 * message with no translation shows in English. Numbers stay LC_NUMERIC=C: 0.25, never 0,25.
 *
 * main.c sets the language up before anything is shown (i18n_setup); the interface switches it
 * live (:lang, i18n_set_lang) and draws every frame from _() again.
 */
#ifndef NT_I18N_H
#define NT_I18N_H

#include <libintl.h>

#define NT_TEXTDOMAIN "nexttoken"

/* A string for a person, in the language chosen. */
#define _(s) dgettext(NT_TEXTDOMAIN, s)
/* One with a count: the singular or the plural (Korean has one form). */
#define P_(one, many, n) dngettext(NT_TEXTDOMAIN, one, many, (unsigned long)(n))
/* Marked for translation where it is written (a table), translated where it is shown. */
#define N_(s) s

/* The locale from the environment, then the language and where its translations are. With
 * `whole`, every category (the interface: characters for curses and readline); without, only
 * the messages, so that the commands read and print exactly as before in every locale. Numbers
 * stay "C" either way. Returns the language: "en" or "ko". */
const char *i18n_setup(int whole);
/* The language now: "en" or "ko". */
const char *i18n_lang(void);
/* Switches the language ("en", "ko"; anything else is English) for every message from now on. */
void i18n_set_lang(const char *lang);
/* The folder the translations were looked for in (its LANG/LC_MESSAGES/nexttoken.mo), for
 * --version; "" before i18n_setup. */
const char *i18n_dir(void);

#endif
