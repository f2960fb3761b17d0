/* The language (core/base/i18n.h): chosen from LC_ALL, LC_MESSAGES and LANG even when that
 * locale is not installed (ko_KR.UTF-8 on a fresh Debian), switched live, English for a
 * message without a translation, and numbers as "C" writes them whatever the language. The
 * catalog is the build's: <BUILD>/locale, beside this program's folder (<BUILD>/tests). */
#include "testutil.h"

#include <locale.h>

#include "core/base/err.h"
#include "core/base/i18n.h"
#include "core/base/paths.h"

static int setup(void **state)
{
    (void)state;
    unsetenv("LC_ALL"), unsetenv("LC_MESSAGES"), unsetenv("LANGUAGE");
    setenv("LANG", "ko_KR.UTF-8", 1);
    if (strcmp(i18n_setup(1), "ko") != 0) return -1;
    char prog[4096], catalogs[4200];
    if (path_program_dir(prog, sizeof prog)) return -1;
    snprintf(catalogs, sizeof catalogs, "%s/../locale", prog);
    bindtextdomain(NT_TEXTDOMAIN, catalogs);
    return 0;
}

static void test_korean_from_lang(void **state)
{
    (void)state;
    assert_string_equal(i18n_lang(), "ko");
    assert_string_equal(_("out of memory"), "메모리 부족");
    /* core's messages are translated where they are made */
    Err e;
    err_nomem(&e, N_("the lens"), 64);
    assert_string_equal(e.msg, "메모리 부족: 64 바이트를 렌즈에 할당하지 못했습니다");
    /* one form in Korean, whatever the count */
    assert_string_equal(P_("%zu token:", "%zu tokens:", 1), "토큰 %zu개:");
    assert_string_equal(P_("%zu token:", "%zu tokens:", 5), "토큰 %zu개:");
}

static void test_switch_live(void **state)
{
    (void)state;
    i18n_set_lang("en");
    assert_string_equal(i18n_lang(), "en");
    assert_string_equal(_("out of memory"), "out of memory");
    assert_string_equal(P_("%zu token:", "%zu tokens:", 5), "%zu tokens:");
    i18n_set_lang("ko");
    assert_string_equal(_("out of memory"), "메모리 부족");
    i18n_set_lang("fr"); /* a language without a catalog is English */
    assert_string_equal(i18n_lang(), "en");
    assert_string_equal(_("out of memory"), "out of memory");
    i18n_set_lang("ko");
}

static void test_untranslated_is_english(void **state)
{
    (void)state;
    assert_string_equal(_("a sentence no catalog has"), "a sentence no catalog has");
}

static void test_numbers_stay_c(void **state)
{
    (void)state;
    char buf[32];
    snprintf(buf, sizeof buf, "%.2f", 0.25);
    assert_string_equal(buf, "0.25");
    assert_string_equal(localeconv()->decimal_point, ".");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_korean_from_lang),
        cmocka_unit_test(test_switch_live),
        cmocka_unit_test(test_untranslated_is_english),
        cmocka_unit_test(test_numbers_stay_c),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
