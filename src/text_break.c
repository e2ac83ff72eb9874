/* text_break.c — see text_break.h.
 *
 * ICU 72 with locale zh is right for most text but, measured: it lets a
 * line start with "——", breaks on both sides of "·" (which joins the parts
 * of a transliterated name) and, with lb=loose, splits "……". It also
 * allows a break between 第 and 2 in 第2节, which in a narrow table cell
 * leaves a lone digit; a bureau's clerk reads that as an error. */
#include "text_break.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>

static int in(uint32_t c, const uint32_t *set)
{
    for (; *set; set++)
        if (*set == c) return 1;
    return 0;
}

/* Han, Latin letters and digits are most of the text and in no
 * punctuation class; answering them first keeps the class tests, asked
 * several times per character, off the profile (they were 25% of it). */
static int maybe_punct(uint32_t c)
{
    return !((c >= 0x3400 && c <= 0x9FFF) || c >= 0x20000 || (c >= 'a' && c <= 'z') ||
             (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
}

int lb_no_start(uint32_t c)
{
    if (!maybe_punct(c)) return 0;
    static const uint32_t S[] = {
        0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, 0xFF09, 0x300B, 0x300D,
        0x300F, 0x201D, 0x2019, 0x2026, 0x2014, 0x00B7, 0x30FB, 0x3011, 0x3015, 0x3009,
        0xFF3D, 0xFF5D, 0xFF05, 0x2030, 0x2103, 0x3017, 0xFE30, 0x2E3A,
        ',', '.', ';', ':', '?', '!', ')', ']', '}', '%', '/', 0};
    return in(c, S);
}

int lb_no_end(uint32_t c)
{
    if (!maybe_punct(c)) return 0;
    static const uint32_t S[] = {
        0xFF08, 0x300A, 0x300C, 0x300E, 0x201C, 0x2018, 0x3010, 0x3014, 0x3008, 0xFF3B,
        0xFF5B, 0x3016, '(', '[', '{', 0};
    return in(c, S);
}

int lb_is_cjk(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0x20000 && c <= 0x3FFFF) || c == 0x2014 || c == 0x2026 ||
           c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 || c == 0x00B7;
}

int lb_is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_alnum(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_han(uint32_t c)
{
    return (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
}

struct line_breaker {
    UBreakIterator *bi;
    UChar *u;
    int *at;            /* UTF-16 index → code point index */
    size_t cap;
};

line_breaker *line_breaker_new(void)
{
    line_breaker *lb = xcalloc(1, sizeof *lb);
    UErrorCode ec = U_ZERO_ERROR;
    lb->bi = ubrk_open(UBRK_LINE, "zh", NULL, 0, &ec);
    if (U_FAILURE(ec)) lb->bi = NULL;
    return lb;
}

void line_breaker_free(line_breaker *lb)
{
    if (!lb) return;
    if (lb->bi) ubrk_close(lb->bi);
    free(lb->u);
    free(lb->at);
    free(lb);
}

/* ICU's opinion, on UTF-16; maps its boundaries back to code points. */
static void icu_breaks(line_breaker *lb, const uint32_t *cp, int n, unsigned char *brk)
{
    size_t need = (size_t)n * 2 + 1;
    if (need > lb->cap) {
        lb->cap = need * 2;
        lb->u = xrealloc(lb->u, lb->cap * sizeof *lb->u);
        lb->at = xrealloc(lb->at, lb->cap * sizeof *lb->at);
    }
    UChar *u = lb->u;
    int *at = lb->at, len = 0;
    for (int i = 0; i < n; i++) {
        at[len] = i;
        if (cp[i] > 0xFFFF) {
            u[len++] = (UChar)(0xD7C0 + (cp[i] >> 10));
            at[len] = i;
            u[len++] = (UChar)(0xDC00 | (cp[i] & 0x3FF));
        } else {
            u[len++] = (UChar)cp[i];
        }
    }
    at[len] = n;
    UErrorCode ec = U_ZERO_ERROR;
    if (!lb->bi) return;
    ubrk_setText(lb->bi, u, len, &ec);
    if (U_FAILURE(ec)) return;
    for (int32_t b = ubrk_first(lb->bi); b != UBRK_DONE; b = ubrk_next(lb->bi))
        if (b > 0 && b < len) brk[at[b]] = 1;
}

/* The clreq corrections, applied over ICU's answer. */
static void clreq_fix(const uint32_t *cp, int n, unsigned char *brk)
{
    for (int i = 1; i < n; i++) {
        uint32_t a = cp[i - 1], b = cp[i];
        if (lb_no_start(b) || lb_no_end(a)) brk[i] = 0;
        /* A break before “ and after ” is allowed (FOP and WeasyPrint glue
         * the quotation into one block and leave wide gaps). */
        else if ((b == 0x201C || b == 0x2018) && !lb_is_space(a)) brk[i] = 1;
        else if ((a == 0x201D || a == 0x2019) && !lb_is_space(b)) brk[i] = 1;
        if (a == 0x00B7 || b == 0x00B7) brk[i] = 0;
        /* 第2节: kept whole unless nothing else fits (a weak break). */
        if (((is_han(a) && is_alnum(b)) || (is_alnum(a) && is_han(b))) && brk[i]) brk[i] = 2;
        if (is_alnum(a) && is_alnum(b)) brk[i] = 0;
        if (a == '\'' || b == '\'' || a == 0x2019) {
            if (i >= 2 && is_alnum(cp[i - 2]) && a == '\'') brk[i] = 0;
            if (is_alnum(a) && (b == '\'' || b == 0x2019)) brk[i] = 0;
            if (a == 0x2019 && is_alnum(b) && i >= 2 && is_alnum(cp[i - 2])) brk[i] = 0;
        }
        /* After a space the break is the space's; never before one. */
        if (lb_is_space(b)) brk[i] = 0;
        if (lb_is_space(a) && !lb_no_start(b)) brk[i] = 1;
    }
    brk[0] = 0;
}

void linebreak_find(line_breaker *lb, const uint32_t *cp, int n, unsigned char *brk)
{
    memset(brk, 0, (size_t)n);
    if (n == 0) return;
    icu_breaks(lb, cp, n, brk);
    clreq_fix(cp, n, brk);
}
