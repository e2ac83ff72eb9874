/* Unit tests: the text engine (shaping, clreq line breaking, compression,
 * justification). Run from the repository root. */
#include "test.h"
#include "text.h"
#include "text_break.h"
#include "util.h"
#include <hb.h>
#include <math.h>
#include <string.h>
#include <time.h>

static font_set *fs;
static text_engine *te;

static text_style body(float indent, int justify)
{
    return (text_style){"body", 10, indent, justify, 0, 0};
}

/* The first code point of a line and the last one. */
static uint32_t first_cp(const char *t, const text_lines *tl, size_t l)
{
    size_t i = tl->lines[l].src_start;
    return (uint32_t)utf8_next(t, strlen(t), &i);
}

static uint32_t last_cp(const char *t, const text_lines *tl, size_t l)
{
    const text_line *ln = &tl->lines[l];
    const text_glyph *g = &tl->glyphs[ln->first + ln->count - 1];
    while (g->src_len == 0) g--;
    size_t i = g->src_off;
    return (uint32_t)utf8_next(t, strlen(t), &i);
}

/* Concatenated cluster text of every line. */
static char *rebuild(const char *t, const text_lines *tl)
{
    strbuf b;
    sb_init(&b);
    for (size_t i = 0; i < tl->nglyphs; i++)
        if (tl->glyphs[i].src_len) sb_add(&b, t + tl->glyphs[i].src_off, tl->glyphs[i].src_len);
    return sb_steal(&b);
}

static void check_lines(const char *t, float measure, const text_style *st)
{
    text_lines tl = {0};
    CHECK(text_set(te, t, strlen(t), st, measure, &tl) == 0);
    for (size_t l = 0; l < tl.nlines; l++) {
        const text_line *ln = &tl.lines[l];
        CHECK(l == 0 || !lb_no_start(first_cp(t, &tl, l)));
        CHECK(l + 1 == tl.nlines || !lb_no_end(last_cp(t, &tl, l)));
        if (l + 1 < tl.nlines && st->justify) {
            const text_glyph *g = &tl.glyphs[ln->first + ln->count - 1];
            CHECK(fabsf(ln->width - measure) < 0.01f);
            /* A closing mark at the end may hang its blank half. */
            CHECK(g->x + g->advance > measure - 0.6f && g->x + g->advance < measure + st->size / 2 + 0.01f);
        }
        for (size_t k = 1; k < ln->count; k++)
            CHECK(tl.glyphs[ln->first + k].x >= tl.glyphs[ln->first + k - 1].x);
        for (size_t k = 0; k < ln->count; k++) CHECK(tl.glyphs[ln->first + k].gid != 0);
    }
    text_lines_free(&tl);
}

static int breaks_inside(const char *t, float measure, const char *word)
{
    text_lines tl = {0};
    text_style st = body(0, 1);
    text_set(te, t, strlen(t), &st, measure, &tl);
    const char *w = strstr(t, word);
    uint32_t a = (uint32_t)(w - t), b = a + (uint32_t)strlen(word);
    int inside = 0;
    for (size_t l = 1; l < tl.nlines; l++)
        if (tl.lines[l].src_start > a && tl.lines[l].src_start < b) inside = 1;
    text_lines_free(&tl);
    return inside;
}

/* The fast path for plain fonts (text_shape.c shape_plain) must give exactly
 * what HarfBuzz gives: for every code point of the plain ranges that the
 * role's first font covers, set in runs of 64 neighbours, each glyph id
 * and advance is compared with hb_shape of the same run. */
static void check_plain_equals_harfbuzz(const char *role)
{
    static const uint32_t ranges[][2] = {{0x21, 0x7E}, {0xA1, 0xFF}, {0x2010, 0x2027}, {0x2030, 0x205E},
                                         {0x3001, 0x303F}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
                                         {0xFF01, 0xFF5E}, {0xFFE0, 0xFFE6}};
    int font = fonts_pick(fs, role, 0x4E2D);
    CHECK(fonts_shapes_plainly(fs, font));
    hb_font_t *hf = hb_font_create(fonts_hb_face(fs, font));
    float upem = (float)hb_face_get_upem(fonts_hb_face(fs, font));
    text_style st = {role, 10, 0, 0, 0, 0};
    uint32_t run[64];
    int n = 0, compared = 0, same = 0;
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
        for (uint32_t c = ranges[r][0]; c <= ranges[r][1]; c++) {
            if (fonts_pick(fs, role, c) != font || c == 0xAD || (c >= 0x302A && c <= 0x302F)) continue;
            run[n++] = c;
            if (n < 64 && !(r + 1 == sizeof ranges / sizeof ranges[0] && c == ranges[r][1])) continue;
            strbuf b;
            sb_init(&b);
            for (int i = 0; i < n; i++) {
                char u[5];
                uint32_t v = run[i];
                int k = v < 0x80 ? 1 : v < 0x800 ? 2 : 3;
                if (k == 1) u[0] = (char)v;
                else if (k == 2) { u[0] = (char)(0xC0 | v >> 6); u[1] = (char)(0x80 | (v & 63)); }
                else { u[0] = (char)(0xE0 | v >> 12); u[1] = (char)(0x80 | (v >> 6 & 63)); u[2] = (char)(0x80 | (v & 63)); }
                sb_add(&b, u, (size_t)k);
            }
            text_lines tl = {0};
            text_set(te, b.s, b.len, &st, 1e6f, &tl);
            hb_buffer_t *hb = hb_buffer_create();
            hb_buffer_add_utf32(hb, run, n, 0, n);
            hb_buffer_set_direction(hb, HB_DIRECTION_LTR);
            hb_buffer_set_script(hb, HB_SCRIPT_HAN);
            hb_buffer_set_language(hb, hb_language_from_string("zh", -1));
            hb_shape(hf, hb, NULL, 0);
            unsigned gn;
            hb_glyph_info_t *gi = hb_buffer_get_glyph_infos(hb, &gn);
            hb_glyph_position_t *gp = hb_buffer_get_glyph_positions(hb, &gn);
            int ok = tl.nglyphs == gn;
            for (unsigned i = 0; ok && i < gn; i++)
                ok = tl.glyphs[i].gid == gi[i].codepoint &&
                     fabsf(tl.glyphs[i].advance - (float)gp[i].x_advance * 10 / upem) < 1e-4f;
            compared += n;
            same += ok ? n : 0;
            hb_buffer_destroy(hb);
            text_lines_free(&tl);
            sb_free(&b);
            n = 0;
        }
    }
    CHECK(compared > 5000);          /* a GB 2312 font: ~7,000 characters */
    CHECK(same == compared);
    if (same != compared) fprintf(stderr, "%s: %d of %d characters differ from HarfBuzz\n", role, compared - same, compared);
    hb_font_destroy(hf);
}

int main(void)
{
    char err[512];
    fs = fonts_open("fonts/fonts.xml", "templates/schemas/fonts.xsd", err, sizeof err);
    if (!fs) { fprintf(stderr, "%s\n", err); return 1; }
    te = text_engine_new(fs);
    text_style st = body(20, 1);

    const char *p = "课堂伊始，教师用上节课的学习单导入——引导学生自主读文、圈画关键词句……课件制作精美，"
                    "但个别页面文字偏多。“评价语言具体，”他说，“能及时肯定学生的进步。”我从中学到（小组合作）"
                    "要有明确分工和汇报要求。第2016年Let's go，ABC、《桂花雨》「引号」。";
    for (float m = 100; m <= 220; m += 10) check_lines(p, m, &st);

    /* Every source character is in exactly one cluster, in order. */
    text_lines tl = {0};
    text_set(te, p, strlen(p), &st, 150, &tl);
    char *r = rebuild(p, &tl);
    CHECK(!strcmp(r, p));
    free(r);
    text_lines_free(&tl);

    /* ——, ……, 2016, Let's and 第2节 never split, at any measure. */
    int split = 0;
    for (float m = 60; m <= 200; m += 1) {
        split += breaks_inside(p, m, "——") + breaks_inside(p, m, "……");
        split += breaks_inside(p, m, "2016") + breaks_inside(p, m, "Let's");
        split += breaks_inside(p, m, "第2") > 0 && m >= 100;
    }
    CHECK(split == 0);

    /* Indentation in XML between Chinese characters vanishes; between
     * Latin words it is one space. */
    const char *ws = "中文\n      继续 and\n   more";
    text_set(te, ws, strlen(ws), &st, 1000, &tl);
    r = rebuild(ws, &tl);
    /* The space between "and" and "more" is one cluster of one byte. */
    CHECK(!strcmp(r, "中文继续 and\nmore"));
    free(r);
    text_lines_free(&tl);

    /* Punctuation compression: 。」 is 1.5 em, not 2. */
    text_style plain = body(0, 0);
    CHECK(fabsf(text_width(te, "。」", strlen("。」"), &plain) - 15) < 0.5f);
    CHECK(fabsf(text_width(te, "中文", strlen("中文"), &plain) - 20) < 0.5f);

    /* Rare characters get a real glyph from some font of the chain. */
    const char *rare = "王堃喆陈㛃𠮷祥";
    text_set(te, rare, strlen(rare), &plain, 1000, &tl);
    CHECK(tl.nglyphs == 7);
    for (size_t i = 0; i < tl.nglyphs; i++) CHECK(tl.glyphs[i].gid != 0);
    CHECK(tl.glyphs[5].src_len == 4);                          /* 𠮷: 4 bytes of UTF-8 */
    text_lines_free(&tl);

    /* A 5000-character word with no break opportunity: broken by
     * character, nothing lost, no line wider than the measure. */
    char *big = xmalloc(5001);
    memset(big, 'a', 5000);
    big[5000] = '\0';
    text_set(te, big, 5000, &st, 200, &tl);
    size_t chars = 0;
    for (size_t l = 0; l < tl.nlines; l++) CHECK(tl.lines[l].width <= 200.01f);
    for (size_t i = 0; i < tl.nglyphs; i++) chars += tl.glyphs[i].src_len;
    CHECK(chars == 5000);
    text_lines_free(&tl);
    free(big);

    /* Empty text: no lines. */
    text_set(te, "", 0, &st, 200, &tl);
    CHECK(tl.nlines == 0);
    text_lines_free(&tl);

    /* Speed, reported not asserted. */
    strbuf b;
    sb_init(&b);
    while (b.len < 60000) sb_puts(&b, p);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    text_set(te, b.s, b.len, &st, 420, &tl);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("text: %zu glyphs in %.2f ms (%.0f glyphs/ms)\n", tl.nglyphs, ms, (double)tl.nglyphs / ms);
    text_lines_free(&tl);
    sb_free(&b);

    check_plain_equals_harfbuzz("body");
    check_plain_equals_harfbuzz("kai");
    /* Heading's WenQuanYi Zen Hei has GSUB/GPOS tables: HarfBuzz's path. */
    CHECK(!fonts_shapes_plainly(fs, fonts_pick(fs, "heading", 0x4E2D)));

    text_engine_free(te);
    fonts_close(fs);
    return test_done("text");
}
