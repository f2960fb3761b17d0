/* test_messages.c - what reaches the terminal and what is read from people: escaping
 * (core/base/escape.h, and core's err helpers that use it) and strict decimal numbers
 * (core/base/number.h, and the lessons' train directive that reads them). */
#include "testutil.h"

#include <limits.h>
#include <locale.h>

#include "core/base/err.h"
#include "core/base/escape.h"
#include "core/base/number.h"
#include "core/course/lesson.h"

static const char *esc(const char *s, int how)
{
    static char out[256];
    escape_bytes((const uint8_t *)s, strlen(s), how, out, sizeof out);
    return out;
}

static void test_escape_controls(void **state)
{
    (void)state;
    /* ESC, DEL, other control bytes, the C1 CSI (U+009B), bytes that are not UTF-8 */
    assert_string_equal(esc("a\033[2Jb", 0), "a\\x1b[2Jb");
    assert_string_equal(esc("x\177y\001", 0), "x\\x7fy\\x01");
    assert_string_equal(esc("\xc2\x9b" "31m", 0), "\\xc2\\x9b31m");
    assert_string_equal(esc("caf\xc3(", 0), "caf\\xc3(");
    assert_string_equal(esc("\xe2\x82", 0), "\\xe2\\x82"); /* a character cut short */
    assert_string_equal(esc("line\none\ttab\r", 0), "line\\none\\ttab\\r");
    /* kept: printable ASCII, Korean, other whole characters (U+00A0 on) */
    assert_string_equal(esc("\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4 caf\xc3\xa9 \xc2\xa0", 0),
                        "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4 caf\xc3\xa9 \xc2\xa0");
    /* token pieces double a backslash; messages keep it */
    assert_string_equal(esc("a\\b", 0), "a\\\\b");
    assert_string_equal(esc("a\\b", ESCAPE_KEEP_BACKSLASH), "a\\b");
    /* the options the tables use */
    assert_string_equal(esc("a b\n", ESCAPE_SPACES | ESCAPE_SYMBOLS), "a\xc2\xb7" "b\xe2\x86\xb5");
    assert_string_equal(esc("\xed\x95\x9c", ESCAPE_ASCII), "\\xed\\x95\\x9c");
}

static void test_escape_fits(void **state)
{
    (void)state;
    char out[8];
    /* never half an escape or half a character */
    assert_int_equal(escape_bytes((const uint8_t *)"abcd\033", 5, 0, out, sizeof out), 4);
    assert_string_equal(out, "abcd");
    assert_int_equal(escape_bytes((const uint8_t *)"abcde\xed\x95\x9c", 8, 0, out, sizeof out), 5);
    assert_string_equal(out, "abcde");
}

static void test_escape_messages(void **state)
{
    (void)state;
    char out[128], again[128];
    /* a message escaped twice is the same as once */
    escape_format(out, sizeof out, "%s: cannot read it", "/tmp/a\033[2J\\b\xff\xed\x95\x9c");
    assert_string_equal(out, "/tmp/a\\x1b[2J\\b\\xff\xed\x95\x9c: cannot read it");
    assert_string_equal(escape_str(out, again, sizeof again), out);
    /* core's errors are escaped as they are made, prefixes too */
    Err e;
    assert_int_equal(err_input(&e, "truncated (section %.4s needs %d bytes)", "\033[2J", 9), -1);
    assert_string_equal(e.msg, "truncated (section \\x1b[2J needs 9 bytes)");
    assert_int_equal(e.code, ERR_INPUT);
    err_prefix(&e, "m\033.ckpt");
    assert_string_equal(e.msg, "m\\x1b.ckpt: truncated (section \\x1b[2J needs 9 bytes)");
    err_internal(&e, "%s", "\xea\xb0\x80\xeb\x82\x98\xeb\x8b\xa4"); /* Korean is kept */
    assert_string_equal(e.msg, "\xea\xb0\x80\xeb\x82\x98\xeb\x8b\xa4");
}

static void test_numbers(void **state)
{
    (void)state;
    long l;
    uint64_t u;
    double d;
    /* whole numbers: digits and a '-', nothing else */
    assert_int_equal(num_long("42", NULL, &l), NUM_OK), assert_int_equal(l, 42);
    assert_int_equal(num_long("-7", NULL, &l), NUM_OK), assert_int_equal(l, -7);
    assert_int_equal(num_long("007", NULL, &l), NUM_OK), assert_int_equal(l, 7);
    static const char *const not_whole[] = {"", " 5", "5 ", "+5", "0x10", "1e3", "2.5", "-", "--1", "5x", "inf", "nan"};
    for (size_t i = 0; i < sizeof not_whole / sizeof *not_whole; i++)
        if (num_long(not_whole[i], NULL, &l) != NUM_BAD) fail_msg("num_long took '%s'", not_whole[i]);
    assert_int_equal(num_long("9223372036854775807", NULL, &l), NUM_OK), assert_true(l == LONG_MAX);
    assert_int_equal(num_long("-9223372036854775808", NULL, &l), NUM_OK), assert_true(l == LONG_MIN);
    assert_int_equal(num_long("9223372036854775808", NULL, &l), NUM_RANGE);
    assert_int_equal(num_long("99999999999999999999999", NULL, &l), NUM_RANGE);
    assert_int_equal(num_u64("18446744073709551615", NULL, &u), NUM_OK), assert_true(u == UINT64_MAX);
    assert_int_equal(num_u64("18446744073709551616", NULL, &u), NUM_RANGE);
    assert_int_equal(num_u64("-1", NULL, &u), NUM_BAD);
    /* real numbers: decimal, fraction, exponent */
    static const struct { const char *s; double v; } reals[] = {
        {"3e-4", 3e-4}, {".5", 0.5}, {"2.", 2.0}, {"-2.1", -2.1}, {"1E+2", 100.0}, {"0", 0.0}, {"1e-400", 0.0},
    };
    for (size_t i = 0; i < sizeof reals / sizeof *reals; i++) {
        if (num_double(reals[i].s, NULL, &d) != NUM_OK) fail_msg("num_double refused '%s'", reals[i].s);
        assert_true(d == reals[i].v);
    }
    static const char *const not_real[] = {"", " 5", "5 ", "+5", "0x10", "0x1p-3", "inf", "-inf", "nan", ".", "e5", "1e", "1.2.3", "1,5"};
    for (size_t i = 0; i < sizeof not_real / sizeof *not_real; i++)
        if (num_double(not_real[i], NULL, &d) != NUM_BAD) fail_msg("num_double took '%s'", not_real[i]);
    assert_int_equal(num_double("1e400", NULL, &d), NUM_RANGE);
    /* the decimal point is '.' whatever the locale says */
    const char *locales[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE"};
    for (size_t i = 0; i < 3; i++)
        if (setlocale(LC_NUMERIC, locales[i])) {
            assert_int_equal(num_double("0.25", NULL, &d), NUM_OK);
            assert_true(d == 0.25);
            break;
        }
    setlocale(LC_NUMERIC, "C");
    /* within a longer string: end points past the number */
    const char *end;
    assert_int_equal(num_long("100x30", &end, &l), NUM_OK), assert_string_equal(end, "x30");
    assert_int_equal(num_double("1e5x", &end, &d), NUM_OK), assert_string_equal(end, "x");
    assert_int_equal(num_double("2e", &end, &d), NUM_OK), assert_string_equal(end, "e");
    long a, b;
    assert_int_equal(num_pair("100x30", 'x', &a, &b), NUM_OK), assert_int_equal(a, 100), assert_int_equal(b, 30);
    assert_int_equal(num_pair(" 100x30", 'x', &a, &b), NUM_BAD);
    assert_int_equal(num_pair("100x 30", 'x', &a, &b), NUM_BAD);
    assert_int_equal(num_pair("100x30x", 'x', &a, &b), NUM_BAD);
}

static void test_train_wait(void **state)
{
    (void)state;
    double v;
    long n;
    assert_int_equal(lesson_train_wait("until val < 3.9 or 300 steps", &v, &n), 0);
    assert_true(v == 3.9), assert_int_equal(n, 300);
    assert_int_equal(lesson_train_wait("until val < 4.5", &v, &n), 0);
    assert_true(v == 4.5), assert_int_equal(n, 0);
    assert_int_equal(lesson_train_wait("200 steps", &v, &n), 0);
    assert_true(v == 0), assert_int_equal(n, 200);
    static const char *const bad[] = {"0x10 steps", "1e2 steps", "until val < 0x1p2", "until val < inf", "until val < 0",
                                      "0 steps", "200", "200 steps please", "until val < 3 or 5", "until val 3", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (lesson_train_wait(bad[i], &v, &n) == 0) fail_msg("lesson_train_wait took '%s'", bad[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_controls),
        cmocka_unit_test(test_escape_fits),
        cmocka_unit_test(test_escape_messages),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_train_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
