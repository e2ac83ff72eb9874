/* pdf_update_text.c — see pdf_update.h: text an incremental update
 * draws, in subset fonts of its own.
 *
 * Why new fonts rather than the dossier's: the body font the dossier
 * embeds is a subset of the glyphs its own pages use, which need not
 * hold 全宗号, 保管期限 or the archive's prefix; and a subset cannot be
 * extended by an update without writing its whole font program again
 * (~100 KB for the Song subset of a dossier). A subset of the few dozen
 * glyphs the update shows costs a few KB.
 *
 * Each character is mapped to its nominal glyph (no shaping: the lines
 * are field labels, numbers and dates, where Chinese text needs none)
 * and advanced by the font's own width, the width /W gives a reader. */
#include "pdf_update.h"
#include "pdf_font.h"

#include <hb.h>
#include <stdlib.h>
#include <string.h>

typedef struct shown { int font; uint32_t gid; float adv; } shown;   /* adv: 1/1000 em */

typedef struct line { float size, x, y; size_t first, n; } line;

struct pdf_utext {
    const font_set *fs;
    int role;
    strbuf text;          /* every character's UTF-8, for the ToUnicode maps */
    shown *g;
    size_t ng, capg;
    line *l;
    size_t nl, capl;
    used_font *f;         /* one per font of the set used, in order of first use */
    hb_font_t **hf;
    int nf;
};

pdf_utext *pdf_utext_new(const font_set *fs, const char *role)
{
    pdf_utext *t = xcalloc(1, sizeof *t);
    t->fs = fs;
    t->role = fonts_role(fs, role);
    sb_init(&t->text);
    return t;
}

void pdf_utext_free(pdf_utext *t)
{
    if (!t) return;
    for (int i = 0; i < t->nf; i++) {
        used_font_free(&t->f[i]);
        hb_font_destroy(t->hf[i]);
    }
    free(t->f);
    free(t->hf);
    free(t->g);
    free(t->l);
    sb_free(&t->text);
    free(t);
}

/* The index in t->f of font set font i, added on first use. */
static int used_index(pdf_utext *t, int font)
{
    for (int k = 0; k < t->nf; k++)
        if (t->f[k].font == font) return k;
    t->f = xrealloc(t->f, (size_t)(t->nf + 1) * sizeof *t->f);
    t->hf = xrealloc(t->hf, (size_t)(t->nf + 1) * sizeof *t->hf);
    memset(&t->f[t->nf], 0, sizeof *t->f);
    t->f[t->nf].font = font;
    t->hf[t->nf] = hb_font_create(fonts_hb_face(t->fs, font));
    return t->nf++;
}

/* Adds code point c (its UTF-8 s[0..n)); 0, or -1 when no font has it. */
static int add_char(pdf_utext *t, uint32_t c, const char *s, size_t n, float *total)
{
    int font = t->role >= 0 ? fonts_pick_in(t->fs, t->role, c) : -1;
    if (font < 0) return -1;
    int k = used_index(t, font);
    hb_codepoint_t gid;
    if (!hb_font_get_nominal_glyph(t->hf[k], c, &gid)) return -1;
    unsigned upem = hb_face_get_upem(hb_font_get_face(t->hf[k]));
    float adv = (float)((double)hb_font_get_glyph_h_advance(t->hf[k], gid) * 1000 / upem);
    used_font_add(&t->f[k], gid, (uint32_t)t->text.len, (uint16_t)n);
    sb_add(&t->text, s, n);
    if (t->ng == t->capg) {
        t->capg = t->capg ? 2 * t->capg : 64;
        t->g = xrealloc(t->g, t->capg * sizeof *t->g);
    }
    t->g[t->ng++] = (shown){k, gid, adv};
    *total += adv;
    return 0;
}

/* How far the em box's centre is above the baseline, in em: half the
 * ascent plus the (negative) descent of the line's first font. */
static float em_centre(pdf_utext *t, size_t first)
{
    hb_font_extents_t e;
    hb_font_t *hf = t->hf[t->g[first].font];
    hb_font_get_h_extents(hf, &e);
    unsigned upem = hb_face_get_upem(hb_font_get_face(hf));
    return (float)(e.ascender + e.descender) / 2 / (float)upem;
}

void pdf_utext_centred(pdf_utext *t, const char *s, float size, float x, float y, float width)
{
    size_t len = strlen(s), i = 0, first = t->ng;
    float total = 0;
    while (i < len) {
        size_t at = i;
        int32_t c = utf8_next(s, len, &i);
        if (c < 0) { i++; continue; }
        add_char(t, (uint32_t)c, s + at, i - at, &total);
    }
    if (t->ng == first) return;
    if (total * size / 1000 > width) size = width * 1000 / total;
    if (t->nl == t->capl) {
        t->capl = t->capl ? 2 * t->capl : 16;
        t->l = xrealloc(t->l, t->capl * sizeof *t->l);
    }
    float base = y - em_centre(t, first) * size;
    t->l[t->nl++] = (line){size, x - total * size / 2000, base, first, t->ng - first};
}

/* One line: a run of glyphs of one font per Tj, CIDs as hex. */
static void line_ops(const pdf_utext *t, const line *l, strbuf *ops)
{
    sb_printf(ops, "BT\n1 0 0 1 %.2f %.2f Tm\n", l->x, l->y);
    int cur = -1;
    for (size_t i = l->first; i < l->first + l->n; i++) {
        const shown *g = &t->g[i];
        if (g->font != cur) {
            if (cur >= 0) sb_puts(ops, "> Tj\n");
            sb_printf(ops, "/S%d %.2f Tf\n<", g->font, l->size);
            cur = g->font;
        }
        sb_printf(ops, "%04X", (unsigned)used_font_cid(&t->f[g->font], g->gid));
    }
    sb_puts(ops, "> Tj\nET\n");
}

long pdf_utext_write(pdf_utext *t, pdf_update *u, long first, rgb colour, strbuf *ops, strbuf *res,
                     char *err, size_t errlen)
{
    long next = first;
    sb_puts(res, "/Font <<");
    for (int k = 0; k < t->nf; k++) {
        if (pdf_font_raw(u, next, t->fs, &t->f[k], t->text.s, err, errlen) != 0) return -1;
        sb_printf(res, " /S%d %ld 0 R", k, next);
        next += PDF_FONT_RAW_OBJECTS;
    }
    sb_puts(res, " >>");
    sb_printf(ops, "q\n%.2f %.2f %.2f rg\n0 Tc 0 Tw 100 Tz 0 Tr 0 Ts\n", colour.r, colour.g, colour.b);
    for (size_t i = 0; i < t->nl; i++) line_ops(t, &t->l[i], ops);
    sb_puts(ops, "Q\n");
    return next;
}
