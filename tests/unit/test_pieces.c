/* How tokens fall onto characters (text/pieces.h): a character split across two and three
 * tokens, a token holding the end of one character and the start of the next, bytes that are
 * no character, a character cut off at the end, four-byte characters, ASCII; and the labels a
 * person reads ("옛[1/3]"), escaped as every token piece is; and display widths (base/utf8.h). */
#include "testutil.h"

#include "core/base/escape.h"
#include "core/base/utf8.h"
#include "core/text/pieces.h"

/* "옛" is EC 98 9B, "날" EB 82 A0, "😀" F0 9F 98 80. */

/* Pieces of tokens given as NUL-terminated strings. */
static void build(Pieces *p, const char *const *toks, size_t n)
{
    const uint8_t *b[16];
    size_t len[16];
    for (size_t i = 0; i < n; i++) b[i] = (const uint8_t *)toks[i], len[i] = strlen(toks[i]);
    Err e;
    assert_int_equal(pieces_build(p, b, len, n, &e), 0);
}

static void assert_label(const Pieces *p, size_t t, int how, const char *want)
{
    char out[128];
    size_t n = pieces_label(p, t, how, out, sizeof out);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void assert_part(const Pieces *p, size_t t, size_t k, int from, int count, int len)
{
    PiecePart part = pieces_part(p, t, k);
    assert_int_equal(part.from, from);
    assert_int_equal(part.count, count);
    assert_int_equal(part.len, len);
}

static void test_ascii(void **state)
{
    (void)state;
    Pieces p;
    const char *t[] = {"Hello", " world", "\n"};
    build(&p, t, 3);
    assert_int_equal(p.n_chars, 12);
    size_t first;
    assert_int_equal(pieces_token_chars(&p, 1, &first), 6);
    assert_int_equal(first, 5);
    for (size_t i = 0; i < 3; i++) assert_true(pieces_token_whole(&p, i));
    assert_label(&p, 0, 0, "Hello");
    assert_label(&p, 1, ESCAPE_SPACES, "\u00b7world");
    assert_label(&p, 2, 0, "\\n");
    pieces_free(&p);
}

/* 옛 as EC | 98 9B: the first token holds byte 1 of 3, the second bytes 2-3. */
static void test_split_in_two(void **state)
{
    (void)state;
    Pieces p;
    const char *t[] = {"\xec", "\x98\x9b"};
    build(&p, t, 2);
    assert_int_equal(p.n_chars, 1);
    assert_true(p.chars[0].valid);
    assert_int_equal(p.chars[0].cp, 0xc61b);
    assert_int_equal(p.chars[0].first_tok, 0);
    assert_int_equal(p.chars[0].last_tok, 1);
    assert_false(pieces_token_whole(&p, 0));
    assert_false(pieces_token_whole(&p, 1));
    assert_part(&p, 0, 0, 0, 1, 3);
    assert_part(&p, 1, 0, 1, 2, 3);
    assert_label(&p, 0, 0, "옛[1/3]");
    assert_label(&p, 1, 0, "옛[2-3/3]");
    pieces_free(&p);
}

/* 옛 as EC | 98 | 9B. */
static void test_split_in_three(void **state)
{
    (void)state;
    Pieces p;
    const char *t[] = {"\xec", "\x98", "\x9b"};
    build(&p, t, 3);
    assert_int_equal(p.n_chars, 1);
    assert_int_equal(p.chars[0].last_tok, 2);
    assert_label(&p, 0, 0, "옛[1/3]");
    assert_label(&p, 1, 0, "옛[2/3]");
    assert_label(&p, 2, 0, "옛[3/3]");
    pieces_free(&p);
}

/* "a옛" + "날b" cut as "a" EC 98 | 9B EB | 82 A0 "b": the middle token ends one character and
 * begins the next. */
static void test_end_and_start(void **state)
{
    (void)state;
    Pieces p;
    const char *t[] = {"a\xec\x98", "\x9b\xeb", "\x82\xa0" "b"};
    build(&p, t, 3);
    assert_int_equal(p.n_chars, 4);
    size_t first;
    assert_int_equal(pieces_token_chars(&p, 1, &first), 2);
    assert_int_equal(first, 1);
    assert_part(&p, 1, 0, 2, 1, 3);
    assert_part(&p, 1, 1, 0, 1, 3);
    assert_label(&p, 0, 0, "a옛[1-2/3]");
    assert_label(&p, 1, 0, "옛[3/3]날[1/3]");
    assert_label(&p, 2, 0, "날[2-3/3]b");
    pieces_free(&p);
}

/* Bytes that never make a character stay bytes, escaped; a character after them still reads. */
static void test_invalid(void **state)
{
    (void)state;
    Pieces p;
    const char *t[] = {"\xff", "\x98" "a", "\xc0\xaf", "\xec\x98\x9b"};
    build(&p, t, 4);
    assert_false(p.chars[0].valid);
    assert_true(pieces_token_whole(&p, 0));
    assert_label(&p, 0, 0, "\\xff");
    assert_label(&p, 1, 0, "\\x98a");
    assert_label(&p, 2, 0, "\\xc0\\xaf"); /* an overlong '/' is no character */
    assert_label(&p, 3, 0, "옛");
    /* a lead byte followed by a byte that cannot continue it */
    Pieces q;
    const char *u[] = {"\xec", "a"};
    build(&q, u, 2);
    assert_label(&q, 0, 0, "\\xec");
    assert_label(&q, 1, 0, "a");
    pieces_free(&p);
    pieces_free(&q);
}

/* A character begun in the last token and never finished: its bytes. */
static void test_truncated_end(void **state)
{
    (void)state;
    Pieces p;
    const char *t[] = {"\xec\x98\x9b", "\xeb", "\x82"};
    build(&p, t, 3);
    assert_int_equal(p.n_chars, 3);
    assert_label(&p, 0, 0, "옛");
    assert_label(&p, 1, 0, "\\xeb");
    assert_label(&p, 2, 0, "\\x82");
    assert_true(pieces_token_whole(&p, 1));
    pieces_free(&p);
}

/* 😀 (four bytes) split 1 + 2 + 1, and whole beside ASCII. */
static void test_four_bytes(void **state)
{
    (void)state;
    Pieces p;
    const char *t[] = {"x\xf0", "\x9f\x98", "\x80!", "\xf0\x9f\x98\x80"};
    build(&p, t, 4);
    assert_label(&p, 0, 0, "x😀[1/4]");
    assert_label(&p, 1, 0, "😀[2-3/4]");
    assert_label(&p, 2, 0, "😀[4/4]!");
    assert_label(&p, 3, 0, "😀");
    /* on an ASCII terminal the part is its bytes, as before */
    assert_label(&p, 1, ESCAPE_ASCII, "\\x9f\\x98");
    pieces_free(&p);
}

/* A C1 control (U+0085, C2 85) is escaped whole or split: the terminal must never see it. */
static void test_c1_and_controls(void **state)
{
    (void)state;
    Pieces p;
    const char *t[] = {"\xc2", "\x85", "\xc2\x85\x1b[2J"};
    build(&p, t, 3);
    assert_label(&p, 0, 0, "\\xc2");
    assert_label(&p, 1, 0, "\\x85");
    assert_label(&p, 2, 0, "\\xc2\\x85\\x1b[2J");
    pieces_free(&p);
}

/* Empty tokens hold nothing and do not disturb their neighbours; no tokens at all. */
static void test_empty(void **state)
{
    (void)state;
    Pieces p;
    const char *t[] = {"\xec", "", "\x98\x9b"};
    build(&p, t, 3);
    size_t first;
    assert_int_equal(pieces_token_chars(&p, 1, &first), 0);
    assert_label(&p, 1, 0, "");
    assert_label(&p, 0, 0, "옛[1/3]");
    assert_label(&p, 2, 0, "옛[2-3/3]");
    pieces_free(&p);
    build(&p, t, 0);
    assert_int_equal(p.n_chars, 0);
    pieces_free(&p);
}

/* A label that does not fit is cut between characters, never inside one or its mark. */
static void test_cut(void **state)
{
    (void)state;
    Pieces p;
    const char *t[] = {"ab\xec\x98"};
    build(&p, t, 1);
    char out[16];
    /* alone the token ends in a cut-off character: bytes */
    assert_int_equal(pieces_label(&p, 0, 0, out, 7), 6);
    assert_string_equal(out, "ab\\xec");
    assert_int_equal(pieces_label(&p, 0, 0, out, 6), 2);
    assert_string_equal(out, "ab");
    pieces_free(&p);
}

/* A candidate next token read after the text so far: it completes the character begun. */
static void test_label_after(void **state)
{
    (void)state;
    char out[64];
    const uint8_t ctx[] = "I said \xec", done[] = "\xec\x98\x9b";
    pieces_label_after(ctx, sizeof ctx - 1, (const uint8_t *)"\x98\x9b", 2, 0, out, sizeof out);
    assert_string_equal(out, "옛[2-3/3]");
    pieces_label_after(done, 3, (const uint8_t *)"\x98\x9b", 2, 0, out, sizeof out);
    assert_string_equal(out, "\\x98\\x9b");
    pieces_label_after(NULL, 0, (const uint8_t *)" a", 2, ESCAPE_SPACES, out, sizeof out);
    assert_string_equal(out, "\u00b7a");
}

/* Built from a function of the index, as the front ends do from token ids. */
static const uint8_t *nth(const void *ctx, size_t i, size_t *len)
{
    const char *const *t = ctx;
    *len = strlen(t[i]);
    return (const uint8_t *)t[i];
}

static void test_build_fn(void **state)
{
    (void)state;
    const char *t[] = {"\xeb\x82", "\xa0!"};
    Pieces p;
    Err e;
    assert_int_equal(pieces_build_fn(&p, nth, t, 2, &e), 0);
    assert_label(&p, 0, 0, "날[1-2/3]");
    assert_label(&p, 1, 0, "날[3/3]!");
    pieces_free(&p);
}

/* Display widths without a locale: Korean two columns, ASCII one, a combining mark none, a
 * byte that is no character one (as its escape is never measured raw). */
static void test_width(void **state)
{
    (void)state;
    assert_int_equal(utf8_width((const uint8_t *)"abc", 3), 3);
    assert_int_equal(utf8_width((const uint8_t *)"옛날", 6), 4);
    assert_int_equal(utf8_width((const uint8_t *)"\"옛[1/3]\"", strlen("\"옛[1/3]\"")), 9);
    assert_int_equal(utf8_width((const uint8_t *)"e\xcc\x81", 3), 1);
    assert_int_equal(utf8_width((const uint8_t *)"😀", 4), 2);
    assert_int_equal(utf8_width((const uint8_t *)"\xec\x98", 2), 2);
    assert_int_equal(utf8_width((const uint8_t *)"Å", 2), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii),         cmocka_unit_test(test_split_in_two),
        cmocka_unit_test(test_split_in_three), cmocka_unit_test(test_end_and_start),
        cmocka_unit_test(test_invalid),       cmocka_unit_test(test_truncated_end),
        cmocka_unit_test(test_four_bytes),    cmocka_unit_test(test_c1_and_controls),
        cmocka_unit_test(test_empty),         cmocka_unit_test(test_cut),
        cmocka_unit_test(test_label_after),   cmocka_unit_test(test_build_fn),
        cmocka_unit_test(test_width),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
