/* Unit tests: the text engine against clreq, line by line, over many
 * measures, sizes and roles (test_text.c covers the basics; this file
 * sweeps). Every set paragraph is checked for the invariants the page
 * flow and the PDF stage rely on: forbidden line starts and ends, marks
 * and words never split, justified width, monotonic x, no stretching
 * inside —— …… or a Latin word, and every source character in exactly one
 * cluster. Run from the repository root. */
#include "test.h"
#include "text.h"
#include "text_break.h"
#include "util.h"
#include <math.h>
#include <string.h>
#include <time.h>

static font_set *fs;
static text_engine *te;

static uint32_t cp_at(const char *t, size_t off)
{
    return (uint32_t)utf8_next(t, strlen(t), &off);
}

/* The code point just before byte offset off (0 at the start). */
static uint32_t cp_before(const char *t, size_t off)
{
    if (off == 0) return 0;
    size_t i = off - 1;
    while (i > 0 && ((unsigned char)t[i] & 0xC0) == 0x80) i--;
    return cp_at(t, i);
}

static int alnum(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int dash_or_dots(uint32_t c)
{
    return c == 0x2014 || c == 0x2026;
}

static int closing(uint32_t c)
{
    return lb_no_start(c) && c >= 0x2000 && !dash_or_dots(c);
}

/* A line may not start between these two characters. */
static int glued(uint32_t a, uint32_t b)
{
    if (a == b && dash_or_dots(a)) return 1;                /* —— …… */
    if (alnum(a) && alnum(b)) return 1;                     /* 2016, Let */
    if ((alnum(a) && b == '\'') || (a == '\'' && alnum(b))) return 1;   /* Let's */
    return a == 0x00B7 || b == 0x00B7;                      /* 让·雅克 */
}

/* Source text of every cluster, white space removed: must equal the input
 * with white space removed (only white space may be collapsed away). */
static char *strip_ws(const char *s, size_t n)
{
    char *r = xmalloc(n + 1), *o = r;
    for (size_t i = 0; i < n; i++)
        if (!lb_is_space((unsigned char)s[i])) *o++ = s[i];
    *o = '\0';
    return r;
}

static void check_clusters(const char *t, const text_lines *tl)
{
    strbuf b;
    sb_init(&b);
    uint32_t end = 0;
    int ordered = 1, notdef = 0;
    for (size_t i = 0; i < tl->nglyphs; i++) {
        const text_glyph *g = &tl->glyphs[i];
        if (g->font < 0 || (g->gid == 0 && !lb_is_space(cp_at(t, g->src_off)))) notdef++;
        if (!g->src_len) continue;
        if (g->src_off < end) ordered = 0;
        end = g->src_off + g->src_len;
        sb_add(&b, t + g->src_off, g->src_len);
    }
    char *got = strip_ws(b.s ? b.s : "", b.len), *want = strip_ws(t, strlen(t));
    CHECK(ordered);
    CHECK(notdef == 0);
    CHECK(!strcmp(got, want));
    free(got);
    free(want);
    sb_free(&b);
}

/* Gaps inside —— …… and inside a Latin word are never stretched. */
static int bad_stretch(const char *t, const text_line *ln, const text_glyph *g)
{
    for (size_t k = 1; k < ln->count; k++) {
        const text_glyph *p = &g[k - 1], *q = &g[k];
        if (!p->src_len || !q->src_len) continue;
        uint32_t a = cp_at(t, p->src_off), b = cp_at(t, q->src_off);
        if (!(a == b && dash_or_dots(a)) && !(alnum(a) && alnum(b))) continue;
        if (fabsf(q->x - (p->x + p->advance)) > 0.01f) return 1;
    }
    return 0;
}

static int latin_only(const char *t, const text_line *ln, const text_glyph *g)
{
    for (size_t k = 0; k < ln->count; k++) {
        uint32_t c = cp_at(t, g[k].src_off);
        if (lb_is_cjk(c) || lb_is_space(c)) return 0;
    }
    return 1;
}

static void check_line(const char *t, const text_lines *tl, size_t l, const text_style *st,
                       float measure)
{
    const text_line *ln = &tl->lines[l];
    const text_glyph *g = &tl->glyphs[ln->first];
    int last = l + 1 == tl->nlines;
    CHECK(ln->count > 0);
    if (!ln->count) return;
    const text_glyph *lg = &g[ln->count - 1];
    while (lg > g && !lg->src_len) lg--;
    uint32_t first = cp_at(t, g[0].src_off), end = cp_at(t, lg->src_off);
    CHECK(l == 0 || !lb_no_start(first));
    CHECK(last || !lb_no_end(end));
    CHECK(!lb_is_space(first) && !lb_is_space(end));
    CHECK(l == 0 || !glued(cp_before(t, g[0].src_off), first));
    CHECK(fabsf(g[0].x - (l == 0 ? st->indent : 0)) < 0.01f);
    for (size_t k = 1; k < ln->count; k++) CHECK(g[k].x >= g[k - 1].x);
    CHECK(!bad_stretch(t, ln, g));
    const text_glyph *z = &g[ln->count - 1];
    float right = z->x + z->advance;
    if (!last && ln->justified) {
        CHECK(fabsf(ln->width - measure) < 0.01f);
        /* Flush with the measure; a closing mark whose blank half was
         * compressed away may hang that blank (never its ink). */
        CHECK(fabsf(right - measure) < 0.01f ||
              (closing(end) && right > measure && right < measure + st->size * 0.5f + 0.01f));
    } else {
        CHECK(ln->width <= measure + 0.01f);
    }
    /* Only a line with no gap to stretch (one Latin word or a piece of
     * one) may stay short: letter-spacing a word is never done. */
    if (!last && st->justify && !ln->justified) CHECK(latin_only(t, ln, g));
}

static void check_par(const char *t, const text_style *st, float measure)
{
    text_lines tl = {0};
    CHECK(text_set(te, t, strlen(t), st, measure, &tl) == 0);
    CHECK(tl.nlines > 0);
    for (size_t l = 0; l < tl.nlines; l++) check_line(t, &tl, l, st, measure);
    check_clusters(t, &tl);
    text_lines_free(&tl);
}

static const char *const pars[] = {
    "课堂伊始，教师用上节课的学习单导入——引导学生自主读文、圈画关键词句……课件制作精美，"
    "但个别页面文字偏多。“评价语言具体，”他说，“能及时肯定学生的进步。”我从中学到（小组合作）"
    "要有明确分工和汇报要求。第2016年Let's go，ABC、《桂花雨》「引号」。",
    /* Pretty-printed XML: the indentation between Chinese characters goes. */
    "2019年9月至今任教\n        八年级（3）班、（4）班语文，\n        兼任班主任。所带班级在区统考中"
    "平均分提高12.5%，优秀率达到46%；指导学生参加“语文报杯”作文大赛，获一等奖2人、二等奖5人。",
    /* Punctuation clusters: every compression case and nested quotes. */
    "他说：“我读过《让·雅克·卢梭传》。”——她问：“‘真的’吗？！”（见附件1）（附件2）……"
    "「甲」『乙』、【丙】〔丁〕。“好”，“很好”；“非常好”！……——",
    /* Mixed Latin with spaces, an overlong URL and digits. */
    "参加 Project-Based Learning 培训（共 32 学时），网址 https://www.example.edu.cn/teacher/"
    "training/2023/records/index.html 可查。Don't split Let's or 3.1415926 or 2023-2024 学年。",
    /* Rare name characters, one outside the BMP. */
    "王堃 喆 陈㛃 与 𠮷祥 同组，𠮷田先生、㛃女士均已到场。",
};

static void sweep(void)
{
    static const char *const roles[] = {"body", "kai", "heading"};
    for (size_t p = 0; p < sizeof pars / sizeof pars[0]; p++)
        for (int r = 0; r < 3; r++)
            for (float em = 10; em <= 20; em += 0.5f) {
                float size = r == 0 ? 10.5f : r == 1 ? 12 : 16;
                text_style st = {roles[r], size, 2 * size, 1, 0, 0};
                check_par(pars[p], &st, em * size);
                st.indent = 0;
                st.justify = 0;
                check_par(pars[p], &st, em * size + 3.3f);
            }
}

static float width(const char *t)
{
    text_style st = {"body", 10, 0, 0, 0, 0};
    return text_width(te, t, strlen(t), &st);
}

static void compression(void)
{
    CHECK(fabsf(width("中文") - 20) < 0.01f);
    CHECK(fabsf(width("。") - 10) < 0.01f);
    CHECK(fabsf(width("。」") - 15) < 0.01f);
    CHECK(fabsf(width("）（") - 15) < 0.01f);
    CHECK(fabsf(width("、“") - 15) < 0.01f);
    CHECK(fabsf(width("”，") - 15) < 0.01f);
    CHECK(fabsf(width("《“") - 15) < 0.01f);
    CHECK(fabsf(width("。”）") - 20) < 0.01f);
    /* —— and …… are two full ems each, never compressed. */
    CHECK(fabsf(width("——") - 20) < 0.01f);
    CHECK(fabsf(width("……") - 20) < 0.01f);
}

static void rare(void)
{
    const char *t = "王堃 喆 陈㛃\n  𠮷祥";
    text_style st = {"body", 10, 0, 0, 0, 0};
    text_lines tl = {0};
    CHECK(text_set(te, t, strlen(t), &st, 500, &tl) == 0);
    CHECK(tl.nlines == 1);
    CHECK(tl.nglyphs == 7);               /* the spaces between Han go */
    for (size_t i = 0; i < tl.nglyphs; i++) CHECK(tl.glyphs[i].font >= 0 && tl.glyphs[i].gid != 0);
    CHECK(tl.nglyphs == 7 && cp_at(t, tl.glyphs[5].src_off) == 0x20BB7 && tl.glyphs[5].src_len == 4);
    check_clusters(t, &tl);
    text_lines_free(&tl);
}

/* No break opportunity at all: broken by character, every line full,
 * nothing lost; punctuation inside still obeys the start/end rules. */
static void emergency(void)
{
    text_style st = {"body", 10, 0, 1, 0, 0};
    char *big = xmalloc(5001);
    memset(big, 'a', 5000);
    big[5000] = '\0';
    text_lines tl = {0};
    CHECK(text_set(te, big, 5000, &st, 123, &tl) == 0);
    size_t chars = 0;
    for (size_t l = 0; l < tl.nlines; l++) CHECK(tl.lines[l].width <= 123.01f);
    for (size_t i = 0; i < tl.nglyphs; i++) chars += tl.glyphs[i].src_len;
    CHECK(chars == 5000);
    CHECK(tl.nlines == (5000 * 5 + 119) / 120);   /* 24 a's of 5 pt per line */
    text_lines_free(&tl);
    free(big);

    /* A long word, a comma, another long word: the comma never starts a
     * line and no line is left short before the next word is broken
     * anyway; a line with the comma is justified. */
    const char *t = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa，bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb。";
    for (float m = 40; m <= 120; m += 1) {
        CHECK(text_set(te, t, strlen(t), &st, m, &tl) == 0);
        CHECK(tl.nlines <= (size_t)ceilf(525 / m) + 2);   /* 525 pt of text */
        for (size_t l = 0; l < tl.nlines; l++) {
            const text_line *ln = &tl.lines[l];
            const text_glyph *z = &tl.glyphs[ln->first + ln->count - 1];
            CHECK(l == 0 || !lb_no_start(cp_at(t, tl.glyphs[ln->first].src_off)));
            CHECK(l + 1 == tl.nlines || ln->width > m - 15.01f);   /* short by one em and one letter at most */
            CHECK(l + 1 == tl.nlines || fabsf(z->x + z->advance - ln->width) < 0.01f);
            CHECK(ln->justified == (l + 1 < tl.nlines && !latin_only(t, ln, &tl.glyphs[ln->first])));
        }
        check_clusters(t, &tl);
        text_lines_free(&tl);
    }
    /* All marks, wider than the line: —— and …… still never split. */
    const char *marks = "好”！……——……——……——……——……——";
    for (float m = 30; m <= 80; m += 1) {
        CHECK(text_set(te, marks, strlen(marks), &st, m, &tl) == 0);
        for (size_t l = 1; l < tl.nlines; l++) {
            uint32_t off = tl.glyphs[tl.lines[l].first].src_off;
            CHECK(cp_before(marks, off) != cp_at(marks, off));
        }
        check_clusters(marks, &tl);
        text_lines_free(&tl);
    }
}

static void white_space(void)
{
    text_style st = {"body", 10, 20, 1, 0, 0};
    text_lines tl = {0};
    CHECK(text_set(te, "", 0, &st, 200, &tl) == 0);
    CHECK(tl.nlines == 0);
    CHECK(text_set(te, " \n\t  ", 5, &st, 200, &tl) == 0);
    CHECK(tl.nlines == 0);
    text_lines_free(&tl);
    /* A space after a full-width mark would double its blank: dropped. */
    CHECK(fabsf(width("他说：\n    Hello") - width("他说：Hello")) < 0.01f);
    CHECK(fabsf(width("中文\n  中文") - 40) < 0.01f);
    CHECK(fabsf(width("a \n b") - width("a b")) < 0.01f);
    CHECK(width("a b") > width("ab") + 1);
}

static void bench(void)
{
    strbuf b;
    sb_init(&b);
    while (b.len < 60000) sb_puts(&b, pars[0]);
    text_style st = {"body", 10.5f, 21, 1, 0, 0};
    size_t chars = 0;
    for (size_t i = 0; i < b.len; i++) chars += ((unsigned char)b.s[i] & 0xC0) != 0x80;
    double best = 1e9;
    for (int r = 0; r < 5; r++) {
        text_lines tl = {0};
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        text_set(te, b.s, b.len, &st, 441, &tl);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        if (ms < best) best = ms;
        text_lines_free(&tl);
    }
    printf("text_clreq: %zu characters in %.2f ms (%.0f characters/ms)\n", chars, best,
           (double)chars / best);
    sb_free(&b);
}

int main(void)
{
    char err[512];
    fs = fonts_open("fonts/fonts.xml", "templates/schemas/fonts.xsd", err, sizeof err);
    if (!fs) { fprintf(stderr, "%s\n", err); return 1; }
    te = text_engine_new(fs);
    sweep();
    compression();
    rare();
    emergency();
    white_space();
    bench();
    text_engine_free(te);
    fonts_close(fs);
    return test_done("text_clreq");
}
