/* Unit tests: the TrueType subset embedded in dossiers (font_subset.c).
 * Every kept glyph must have the same outline and advance as in the
 * installed font, composite glyphs must bring their components, and a
 * damaged font must give an error, never a crash. */
#include "test.h"
#include "font_subset.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb.h>
#include <string.h>

static FT_Library ft;

/* Same outline (points, tags, contours) and advance, in font units. */
static int same_glyph(FT_Face a, uint32_t ga, FT_Face b, uint32_t gb)
{
    if (FT_Load_Glyph(a, ga, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING)) return 0;
    FT_Outline oa = a->glyph->outline;
    FT_Pos adv = a->glyph->metrics.horiAdvance;
    FT_Vector *pa = malloc((size_t)(oa.n_points + 1) * sizeof *pa);
    char *ta = malloc((size_t)oa.n_points + 1);
    short *ca = malloc((size_t)(oa.n_contours + 1) * sizeof *ca);
    memcpy(pa, oa.points, (size_t)oa.n_points * sizeof *pa);
    memcpy(ta, oa.tags, (size_t)oa.n_points);
    memcpy(ca, oa.contours, (size_t)oa.n_contours * sizeof *ca);
    int ok = !FT_Load_Glyph(b, gb, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING);
    FT_Outline ob = b->glyph->outline;
    ok = ok && ob.n_points == oa.n_points && ob.n_contours == oa.n_contours &&
         b->glyph->metrics.horiAdvance == adv &&
         !memcmp(ob.points, pa, (size_t)oa.n_points * sizeof *pa) &&
         !memcmp(ob.contours, ca, (size_t)oa.n_contours * sizeof *ca);
    for (int i = 0; ok && i < oa.n_points; i++) ok = (ob.tags[i] & 1) == (ta[i] & 1);
    free(pa); free(ta); free(ca);
    return ok;
}

static uint32_t sfnt_sum(const unsigned char *p, size_t len)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 3 < len; i += 4)
        s += (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 | (uint32_t)p[i + 2] << 8 | p[i + 3];
    return s;
}

/* First composite glyph ids of a font, up to max. */
static size_t composites(FT_Face f, uint32_t *out, size_t max)
{
    size_t n = 0;
    for (FT_Long g = 0; g < f->num_glyphs && n < max; g++)
        if (!FT_Load_Glyph(f, (FT_UInt)g, FT_LOAD_NO_SCALE | FT_LOAD_NO_RECURSE) &&
            f->glyph->format == FT_GLYPH_FORMAT_COMPOSITE)
            out[n++] = (uint32_t)g;
    return n;
}

static void check_font(const char *path, int index, const char *text)
{
    FT_Face orig;
    if (FT_New_Face(ft, path, index, &orig)) { CHECK(!"font installed"); return; }
    uint32_t gids[64];
    size_t n = composites(orig, gids, 8);
    for (const char *p = text; *p; ) {                 /* UTF-8 → glyph ids */
        uint32_t c = (unsigned char)*p++;
        if (c >= 0xE0) { c = (c & 15) << 12 | (p[0] & 63u) << 6 | (p[1] & 63u); p += 2; }
        gids[n++] = FT_Get_Char_Index(orig, c);
    }
    hb_blob_t *blob = hb_blob_create_from_file(path);
    hb_face_t *face = hb_face_create(blob, (unsigned)index);
    ttf_subset s;
    CHECK(ttf_subset_make(face, gids, n, &s) == 0);
    CHECK(s.n >= 2 && s.n <= n + 1 + 64);
    CHECK(sfnt_sum(s.data, s.len) == 0xB1B0AFBAu);        /* head checkSumAdjustment */
    FT_Face sub;
    CHECK(FT_New_Memory_Face(ft, s.data, (FT_Long)s.len, 0, &sub) == 0);
    CHECK(sub->num_glyphs == (FT_Long)s.n);
    CHECK(ttf_subset_new_id(&s, 0) == 0);
    CHECK(ttf_subset_new_id(&s, 60000) == 0);           /* not kept → .notdef */
    for (size_t i = 0; i < n; i++) {
        uint32_t cid = ttf_subset_new_id(&s, gids[i]);
        CHECK(cid > 0 || gids[i] == 0);
        CHECK(same_glyph(orig, gids[i], sub, cid));
    }
    for (size_t i = 1; i < s.n; i++) CHECK(s.old[i - 1] < s.old[i]);   /* dense, in old order */
    FT_Done_Face(sub);
    ttf_subset_free(&s);

    /* A glyph id the font does not have is an error. */
    uint32_t bad = (uint32_t)orig->num_glyphs + 5;
    CHECK(ttf_subset_make(face, &bad, 1, &s) == -1 && s.data == NULL);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    FT_Done_Face(orig);
}

/* Fonts cut short or overwritten give -1. */
static void check_damaged(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { CHECK(!"font installed"); return; }
    static unsigned char buf[1 << 16];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    const size_t cuts[] = {0, 12, 200, 4000, len};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        hb_blob_t *b = hb_blob_create((const char *)buf, (unsigned)cuts[i], HB_MEMORY_MODE_READONLY, NULL, NULL);
        hb_face_t *face = hb_face_create(b, 0);
        uint32_t g = 100;
        ttf_subset s;
        CHECK(ttf_subset_make(face, &g, 1, &s) == -1);
        hb_face_destroy(face);
        hb_blob_destroy(b);
    }
}

int main(void)
{
    FT_Init_FreeType(&ft);
    /* WenQuanYi Zen Hei and UMing have composite glyphs; SungtiL has none. */
    check_font("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "研修日志听课记录");
    check_font("/usr/share/fonts/truetype/arphic/uming.ttc", 0, "鉴定意见教案");
    check_font("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", 0, "反思，。");
    check_damaged("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf");
    FT_Done_FreeType(ft);
    return test_done("ttf_subset");
}
