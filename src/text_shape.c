/* text_shape.c — see text.h.
 *
 * The pipeline for one paragraph: decode → drop collapsible white space →
 * pick a font per character → shape each same-font run with HarfBuzz →
 * one "unit" per cluster (the smallest thing a line can hold) → compress
 * adjacent punctuation → fill lines greedily at break opportunities →
 * justify every line but the last. Buffers live in the engine and are
 * reused, so a dossier of 40k characters costs no allocation per line. */
#include "text.h"
#include "text_break.h"
#include "util.h"
#include "util_limits.h"

#include <assert.h>
#include <hb.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>


typedef struct unit {
    int first_glyph, nglyphs;   /* into te->g */
    float width;                /* after punctuation compression, points */
    uint32_t cp;                /* the cluster's first code point */
    uint32_t src_off, src_end;  /* source bytes */
    unsigned char brk;          /* a line may start here */
} unit;

typedef struct shaped {
    int font;
    uint32_t gid;
    float advance;
} shaped;

struct text_engine {
    const font_set *fs;
    hb_font_t *hb[MAX_FONTS];
    float upem[MAX_FONTS];
    hb_buffer_t *buf;
    line_breaker *lb;
    /* per paragraph, reused */
    uint32_t *cp; uint32_t *off; int *font; unsigned char *brk;
    size_t ncp, cap_cp;
    shaped *g; size_t ng, cap_g;
    unit *u; size_t nu, cap_u;
};

text_engine *text_engine_new(const font_set *fs)
{
    text_engine *te = xcalloc(1, sizeof *te);
    te->fs = fs;
    te->buf = hb_buffer_create();
    te->lb = line_breaker_new();
    return te;
}

const font_set *text_engine_fonts(const text_engine *te) { return te->fs; }

void text_engine_free(text_engine *te)
{
    if (!te) return;
    for (int i = 0; i < MAX_FONTS; i++)
        if (te->hb[i]) hb_font_destroy(te->hb[i]);
    hb_buffer_destroy(te->buf);
    line_breaker_free(te->lb);
    free(te->cp); free(te->off); free(te->font); free(te->brk);
    free(te->g); free(te->u);
    free(te);
}

/* Positions come in font units, scaled to points by the caller. The face
 * is the process's (font_set.h); the hb_font is this engine's. */
static hb_font_t *hb_for(text_engine *te, int font)
{
    /* Every font index comes from the font set, which holds at most
     * MAX_FONTS (util_limits.h, the one definition): callers index upem[]
     * by it without a check. */
    assert(font >= 0 && font < fonts_count(te->fs) && fonts_count(te->fs) <= MAX_FONTS);
    if (font < 0 || font >= MAX_FONTS) return NULL;
    if (!te->hb[font]) {
        hb_face_t *face = fonts_hb_face(te->fs, font);
        assert(face);   /* hb_face_create never fails: an unreadable file gives the empty face */
        te->hb[font] = hb_font_create(face);
        te->upem[font] = (float)hb_face_get_upem(face);
        hb_font_set_scale(te->hb[font], (int)te->upem[font], (int)te->upem[font]);
    }
    return te->hb[font];
}

static void reserve(void **p, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap) return;
    size_t n = *cap ? *cap : 256;
    while (n < need) n *= 2;
    *p = xrealloc(*p, n * sz);
    *cap = n;
}

static void ensure_cp(text_engine *te, size_t n)
{
    size_t cap = te->cap_cp;
    reserve((void **)&te->cp, &cap, n, sizeof *te->cp);
    cap = te->cap_cp;
    reserve((void **)&te->off, &cap, n + 1, sizeof *te->off);
    cap = te->cap_cp;
    reserve((void **)&te->font, &cap, n, sizeof *te->font);
    cap = te->cap_cp;
    reserve((void **)&te->brk, &cap, n, sizeof *te->brk);
    if (cap > te->cap_cp) te->cap_cp = cap;
}

/* Full-width punctuation (CJK symbols, full-width forms other than
 * letters and digits): its glyph carries its own blank half. */
static int fw_mark(uint32_t c)
{
    return (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFF0F) ||
           (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
           (c >= 0xFF5B && c <= 0xFF60);
}

/* A white-space run shows as one space unless both its neighbours are
 * CJK (XML indentation between Chinese characters must not show as a
 * gap) or one is a full-width mark (its blank half is the gap already:
 * "他说：\n  Hello" has no space after the colon). */
static int keep_space(uint32_t before, uint32_t after)
{
    if (fw_mark(before) || fw_mark(after)) return 0;
    return !lb_is_cjk(before) || !lb_is_cjk(after);
}

/* Decodes text, collapsing white space (keep_space); off[i] is cp[i]'s
 * byte offset. */
static int decode(text_engine *te, const char *s, size_t len)
{
    ensure_cp(te, len + 1);
    te->ncp = 0;
    size_t i = 0;
    int pending_space = 0;
    uint32_t pend_off = 0;
    while (i < len) {
        size_t at = i;
        int32_t c = utf8_next(s, len, &i);
        if (c < 0) return -1;
        if (lb_is_space((uint32_t)c)) {
            if (!pending_space) pend_off = (uint32_t)at;
            pending_space = 1;
            continue;
        }
        if (pending_space && te->ncp > 0 && keep_space(te->cp[te->ncp - 1], (uint32_t)c)) {
            te->cp[te->ncp] = ' ';
            te->off[te->ncp++] = pend_off;
        }
        pending_space = 0;
        te->cp[te->ncp] = (uint32_t)c;
        te->off[te->ncp++] = (uint32_t)at;
    }
    te->off[te->ncp] = (uint32_t)len;
    return 0;
}

static int joins_previous(uint32_t c)
{
    int8_t t = u_charType((UChar32)c);
    return t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || (c >= 0xFE00 && c <= 0xFE0F) ||
           (c >= 0xE0100 && c <= 0xE01EF) || c == 0x200D;
}

/* Fonts per character: the role's chain; marks and spaces stay with
 * their neighbour's font so a run is not split for them. */
static void pick_fonts(text_engine *te, const char *role)
{
    int ri = fonts_role(te->fs, role);
    int first = fonts_pick_in(te->fs, ri, 0x4E00);
    if (first < 0) first = 0;
    for (size_t i = 0; i < te->ncp; i++) {
        uint32_t c = te->cp[i];
        int f = -1;
        if (i > 0 && (joins_previous(c) || c == ' ')) f = te->font[i - 1];
        if (f < 0 || (c != ' ' && !joins_previous(c))) {
            int p = fonts_pick_in(te->fs, ri, c);
            if (p >= 0) f = p;
        }
        te->font[i] = f >= 0 ? f : first;
    }
}

static void add_unit(text_engine *te, size_t cp_first, size_t cp_end, int g0, int ng, float w)
{
    reserve((void **)&te->u, &te->cap_u, te->nu + 1, sizeof *te->u);
    unit *u = &te->u[te->nu++];
    u->first_glyph = g0;
    u->nglyphs = ng;
    u->width = w;
    u->cp = te->cp[cp_first];
    u->src_off = te->off[cp_first];
    /* Up to the end of the cluster's last character: dropped white space
     * after it belongs to no cluster. */
    uint32_t last = te->cp[cp_end - 1];
    u->src_end = te->off[cp_end - 1] + (last < 0x80 ? 1 : last < 0x800 ? 2 : last < 0x10000 ? 3 : 4);
    u->brk = te->brk[cp_first];
}

/* Characters HarfBuzz leaves to the cmap in a plain font: none that it
 * would normalise, hide, reorder or position (marks, default ignorables,
 * controls, compatibility ideographs, bidi controls are all outside). */
static int plain_char(uint32_t c)
{
    return (c >= 0x20 && c <= 0x7E) || (c >= 0xA1 && c <= 0xFF && c != 0xAD) ||
           (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205E) ||
           (c >= 0x3000 && c <= 0x303F && !(c >= 0x302A && c <= 0x302F)) ||
           (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xFF01 && c <= 0xFF5E) || (c >= 0xFFE0 && c <= 0xFFE6);
}

/* A run of plain characters in a font that shapes plainly (font_set.h) is
 * what HarfBuzz would make of it: each character's cmap glyph and its
 * advance, one cluster each. Shaping was 13% of a batch build; the body
 * and Kai fonts qualify, so most text takes this path. 0 (nothing
 * appended) when the run does not qualify. */
static int shape_plain(text_engine *te, size_t from, size_t to, float size)
{
    int font = te->font[from];
    if (!fonts_shapes_plainly(te->fs, font)) return 0;
    hb_for(te, font);                           /* sets upem[font] */
    float scale = size / te->upem[font];
    size_t ng0 = te->ng, nu0 = te->nu;
    reserve((void **)&te->g, &te->cap_g, te->ng + (to - from), sizeof *te->g);
    for (size_t i = from; i < to; i++) {
        uint32_t e = plain_char(te->cp[i]) ? fonts_plain_glyph(te->fs, font, te->cp[i]) : 0;
        if (!e) {
            te->ng = ng0;
            te->nu = nu0;
            return 0;
        }
        float w = (float)(e >> 16) * scale;
        te->g[te->ng++] = (shaped){font, e & 0xFFFF, w};
        add_unit(te, i, i + 1, (int)te->ng - 1, 1, w);
    }
    return 1;
}

/* Shapes cp[from, to) in one font; appends glyphs and one unit per cluster. */
static void shape_run(text_engine *te, size_t from, size_t to, float size)
{
    if (shape_plain(te, from, to, size)) return;
    int font = te->font[from];
    hb_font_t *hf = hb_for(te, font);
    float scale = size / te->upem[font];
    hb_buffer_clear_contents(te->buf);
    hb_buffer_add_utf32(te->buf, te->cp, (int)te->ncp, (unsigned)from, (int)(to - from));
    hb_buffer_set_direction(te->buf, HB_DIRECTION_LTR);
    hb_buffer_set_script(te->buf, HB_SCRIPT_HAN);
    hb_buffer_set_language(te->buf, hb_language_from_string("zh", -1));
    hb_shape(hf, te->buf, NULL, 0);
    unsigned n;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(te->buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(te->buf, &n);
    reserve((void **)&te->g, &te->cap_g, te->ng + n, sizeof *te->g);
    unsigned i = 0;
    while (i < n) {
        unsigned j = i;
        float w = 0;
        int g0 = (int)te->ng;
        while (j < n && info[j].cluster == info[i].cluster) {
            te->g[te->ng++] = (shaped){font, info[j].codepoint, (float)pos[j].x_advance * scale};
            w += (float)pos[j].x_advance * scale;
            j++;
        }
        size_t c0 = info[i].cluster, c1 = j < n ? info[j].cluster : to;
        add_unit(te, c0, c1, g0, (int)(j - i), w);
        i = j;
    }
}

static int is_fw_punct(uint32_t c)
{
    return lb_no_start(c) ? c >= 0x2000 && c != 0x2014 && c != 0x2026 && c != 0x00B7
                          : lb_no_end(c) && c >= 0x2000;
}

/* clreq 3.1.6: two adjacent full-width marks share one half-em blank. */
static void compress_punct(text_engine *te, float size)
{
    for (size_t i = 0; i + 1 < te->nu; i++) {
        uint32_t a = te->u[i].cp, b = te->u[i + 1].cp;
        if (!is_fw_punct(a) || !is_fw_punct(b)) continue;
        if ((lb_no_start(a) || lb_no_end(b)) && te->u[i].width > size * 0.75f)
            te->u[i].width -= size * 0.5f;
    }
}

static void prepare(text_engine *te, const char *text, size_t len, const text_style *st, int *bad)
{
    te->ng = te->nu = 0;
    *bad = decode(te, text, len);
    if (*bad) return;
    linebreak_find(te->lb, te->cp, (int)te->ncp, te->brk);
    pick_fonts(te, st->role);
    size_t i = 0;
    while (i < te->ncp) {
        size_t j = i + 1;
        while (j < te->ncp && te->font[j] == te->font[i]) j++;
        shape_run(te, i, j, st->size);
        i = j;
    }
    compress_punct(te, st->size);
    if (st->tracking != 0)
        for (size_t k = 0; k < te->nu; k++)
            if (lb_is_cjk(te->u[k].cp)) te->u[k].width += st->tracking;
}

static int dash_or_dots(uint32_t c)
{
    return c == 0x2014 || c == 0x2026 || c == 0x2E3A || c == 0x2E3B;
}

/* A gap may stretch between two units unless both are Latin letters or
 * digits of one word (never space out "2016" or "Let's") or both halves
 * of —— or …… (a justified line must not show a hole in the dash). */
static int stretchable(const unit *a, const unit *b)
{
    if (a->cp == ' ' || b->cp == ' ') return a->cp == ' ';
    if (dash_or_dots(a->cp) && dash_or_dots(b->cp)) return 0;
    return lb_is_cjk(a->cp) || lb_is_cjk(b->cp);
}

/* Gap kinds of a justified line: 1 where stretchable(); for a line with
 * none, 2 at its break opportunities (a URL broken after its slashes). A
 * line with neither (one Latin word, or a piece of one broken by force)
 * stays at its natural width: letter-spacing a word reads as an error. */
static int gap_at(const unit *u, size_t i, int kind)
{
    return kind == 2 ? u[i + 1].brk != 0 : stretchable(&u[i], &u[i + 1]);
}

static void emit_line(text_engine *te, size_t from, size_t to, float x0, float measure,
                      int justify, text_lines *out)
{
    /* No white space at either end of a line. */
    while (from < to && te->u[from].cp == ' ') from++;
    while (to > from && te->u[to - 1].cp == ' ') to--;
    float natural = 0;
    int gaps = 0, kind = 0;
    for (size_t i = from; i < to; i++) natural += te->u[i].width;
    while (justify && gaps == 0 && kind < 2) {
        kind++;
        for (size_t i = from; i + 1 < to; i++) gaps += gap_at(te->u, i, kind);
    }
    float extra = justify && gaps ? (measure - x0 - natural) / (float)gaps : 0;
    if (extra < 0) extra = 0;
    reserve((void **)&out->lines, &out->cap_lines, out->nlines + 1, sizeof *out->lines);
    text_line *ln = &out->lines[out->nlines++];
    ln->first = out->nglyphs;
    ln->justified = justify && gaps > 0;
    ln->src_start = from < to ? te->u[from].src_off : 0;
    ln->src_end = from < to ? te->u[to - 1].src_end : 0;
    float x = x0;
    for (size_t i = from; i < to; i++) {
        const unit *u = &te->u[i];
        reserve((void **)&out->glyphs, &out->cap, out->nglyphs + (size_t)u->nglyphs, sizeof *out->glyphs);
        float gx = x;
        for (int k = 0; k < u->nglyphs; k++) {
            const shaped *s = &te->g[u->first_glyph + k];
            out->glyphs[out->nglyphs++] = (text_glyph){s->font, s->gid, gx, s->advance,
                                                       u->src_off, (uint16_t)(k == 0 ? u->src_end - u->src_off : 0)};
            gx += s->advance;
        }
        x += u->width;
        if (i + 1 < to && gap_at(te->u, i, kind)) x += extra;
    }
    ln->count = out->nglyphs - ln->first;
    ln->width = ln->justified ? measure : x;
}

/* Width of the unbreakable chunk starting at unit from (up to the next
 * break opportunity), or more than limit. */
static float chunk_width(const text_engine *te, size_t from, float limit)
{
    float w = te->u[from].width;
    for (size_t i = from + 1; i < te->nu && te->u[i].brk == 0 && w <= limit; i++)
        w += te->u[i].width;
    return w;
}

/* 1 when a break before unit p would part the halves of a —— or a ……
 * (within a run of one mark, the halves pair from the run's start). */
static int splits_pair(const text_engine *te, size_t p)
{
    uint32_t c = te->u[p].cp;
    if (!dash_or_dots(c)) return 0;
    size_t k = 0;
    while (k < p && te->u[p - 1 - k].cp == c) k++;
    return k % 2 == 1;
}

/* Where to break by force in units (start, i], i being the first unit
 * that does not fit: the last place that breaks no clreq rule but "words
 * stay whole"; failing that, the last that at least keeps —— and ……
 * together; failing that, i. */
static size_t force_break(const text_engine *te, size_t start, size_t i)
{
    for (size_t p = i; p > start; p--) {
        uint32_t a = te->u[p - 1].cp, b = te->u[p].cp;
        if (!lb_no_start(b) && !lb_no_end(a) && a != 0x00B7 && b != 0x00B7) return p;
    }
    for (size_t p = i; p > start; p--)
        if (!splits_pair(te, p)) return p;
    return i;
}

/* A justified line stretched more than this per gap reads as spaced-out
 * characters, and PDF readers (poppler, pdf.js) then extract it with a
 * space between every character: clreq's 1/20 em is where it starts to
 * show. */
#define MAX_STRETCH_EM 0.05f

/* Extra width per stretchable gap if units [from, to) were justified. */
static float stretch_of(const text_engine *te, size_t from, size_t to, float x0, float measure)
{
    while (from < to && te->u[from].cp == ' ') from++;
    while (to > from && te->u[to - 1].cp == ' ') to--;
    float natural = 0;
    int gaps = 0;
    for (size_t i = from; i < to; i++) natural += te->u[i].width;
    for (size_t i = from; i + 1 < to; i++) gaps += stretchable(&te->u[i], &te->u[i + 1]);
    return gaps ? (measure - x0 - natural) / (float)gaps : 0;
}

/* A closing full-width mark with its trailing half-em blank still there:
 * what clreq squeezes first to get one more word onto a line. */
static int squeezable(const unit *u, float size)
{
    return lb_no_start(u->cp) && is_fw_punct(u->cp) && u->width > size * 0.75f;
}

/* Fits units [from, to) into the line by taking from the blanks of its
 * closing marks (at most half an em each, all in the same proportion);
 * 0 when that is not enough, and then nothing is changed. The line's last
 * mark keeps its blank: its glyph would reach past the margin. */
static int squeeze(text_engine *te, size_t from, size_t to, float room, float size)
{
    while (to > from && te->u[to - 1].cp == ' ') to--;
    float natural = 0, give = 0;
    for (size_t i = from; i < to; i++) {
        natural += te->u[i].width;
        if (i + 1 < to && squeezable(&te->u[i], size)) give += te->u[i].width - size * 0.5f;
    }
    float over = natural - room;
    if (over <= 0 || give <= 0 || over > give) return 0;
    float share = over / give + 1e-4f;
    for (size_t i = from; i + 1 < to; i++)
        if (squeezable(&te->u[i], size)) te->u[i].width -= (te->u[i].width - size * 0.5f) * share;
    return 1;
}

/* A line may end before unit p: an opportunity, and not a weak one right
 * after 第 (第2节 stays whole: text_break.c says why). */
static int break_ok(const text_engine *te, size_t p)
{
    return te->u[p].brk == 1 || (te->u[p].brk == 2 && te->u[p - 1].cp != 0x7B2C);
}

/* The line [start, end) would be stretched too far (a long unbreakable
 * chunk went to the next line): clreq's order of adjustment — first
 * squeeze the line's punctuation to take the chunk after all, then break
 * at a weaker opportunity inside it (between a Han character and a
 * number, 共|35篇; never inside the number). Returns the end to use. */
static size_t loosen(text_engine *te, const text_style *st, size_t start, size_t end, size_t last_weak,
                     float x0, float measure)
{
    float limit = MAX_STRETCH_EM * st->size;
    if (stretch_of(te, start, end, x0, measure) <= limit) return end;
    size_t next = end + 1;
    while (next < te->nu && !break_ok(te, next)) next++;
    if (squeeze(te, start, next, measure - x0, st->size)) return next;
    if (last_weak > end && break_ok(te, last_weak) &&
        stretch_of(te, start, last_weak, x0, measure) < stretch_of(te, start, end, x0, measure))
        return last_weak;
    return end;
}

/* Greedy first fit at break opportunities. When the text after the last
 * opportunity is itself wider than a line it will be broken by force
 * anyway, so it is broken here (force_break), filling this line instead
 * of leaving it short; nothing is ever dropped. */
static void fill_lines(text_engine *te, const text_style *st, float measure, text_lines *out)
{
    size_t start = 0;
    int first = 1;
    while (start < te->nu) {
        float x0 = first ? st->indent : 0, w = x0;
        size_t last_brk = 0, last_weak = 0, i = start;
        while (i < te->nu) {
            if (i > start && te->u[i].brk == 1) last_brk = i;
            if (i > start && te->u[i].brk == 2) last_weak = i;
            float nw = w + te->u[i].width;
            if (nw > measure + 0.01f && te->u[i].cp != ' ' && i > start) break;
            w = nw;
            i++;
        }
        size_t end = i, b = last_brk > start ? last_brk : last_weak;
        if (i < te->nu) {
            if (b > start && chunk_width(te, b, measure) <= measure) end = b;
            else end = force_break(te, start, i);
            if (st->justify) end = loosen(te, st, start, end, last_weak, x0, measure);
        }
        emit_line(te, start, end, x0, measure, st->justify && end < te->nu, out);
        start = end;
        first = 0;
    }
}

int text_set(text_engine *te, const char *text, size_t len, const text_style *st,
             float measure, text_lines *out)
{
    int bad;
    prepare(te, text, len, st, &bad);
    if (bad) return -1;
    fill_lines(te, st, measure, out);
    return 0;
}

void text_lines_free(text_lines *out)
{
    free(out->glyphs);
    free(out->lines);
    memset(out, 0, sizeof *out);
}

float text_width(text_engine *te, const char *text, size_t len, const text_style *st)
{
    int bad;
    prepare(te, text, len, st, &bad);
    float w = 0;
    for (size_t i = 0; !bad && i < te->nu; i++) w += te->u[i].width;
    return w;
}

void text_metrics(const text_engine *te, const text_style *st, float *ascent, float *descent)
{
    text_engine *t = (text_engine *)te;   /* the hb_font cache is filled lazily */
    int f = fonts_pick(te->fs, st->role, 0x4E00);
    hb_font_t *hf = hb_for(t, f < 0 ? 0 : f);
    hb_font_extents_t e;
    hb_font_get_h_extents(hf, &e);
    float scale = st->size / t->upem[f < 0 ? 0 : f];
    *ascent = (float)e.ascender * scale;
    *descent = (float)-e.descender * scale;
    /* Some CJK fonts report oversized extents; an em box is what the
     * grid assumes. */
    if (*ascent + *descent > st->size * 1.3f || *ascent <= 0) {
        *ascent = st->size * 0.88f;
        *descent = st->size * 0.12f;
    }
}
