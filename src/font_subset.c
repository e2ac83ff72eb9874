/* font_subset.c — see font_subset.h.
 *
 * Every offset read from the font is checked against its table before
 * use: fonts come from packages, but a damaged file must give an error,
 * not a crash. */
#include "font_subset.h"
#include "util.h"

#include <hb.h>
#include <stdlib.h>
#include <string.h>

typedef struct table {
    hb_blob_t *blob;
    const unsigned char *p;
    size_t len;
} table;

typedef struct font_tables {
    table head, hhea, maxp, hmtx, loca, glyf;
    int long_loca;
    uint32_t nglyphs, nmetrics;
} font_tables;

enum { MAX_COMPONENT_DEPTH = 8 };

static void put16(unsigned char *p, uint32_t v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }
static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xFFFF);
}

static int load_table(hb_face_t *face, const char *tag, size_t min_len, table *t)
{
    t->blob = hb_face_reference_table(face, hb_tag_from_string(tag, 4));
    unsigned len = 0;
    t->p = (const unsigned char *)hb_blob_get_data(t->blob, &len);
    t->len = len;
    return t->p && t->len >= min_len ? 0 : -1;
}

static void release(font_tables *f)
{
    table *all[] = {&f->head, &f->hhea, &f->maxp, &f->hmtx, &f->loca, &f->glyf};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) hb_blob_destroy(all[i]->blob);
}

static int load_tables(hb_face_t *face, font_tables *f)
{
    memset(f, 0, sizeof *f);
    if (load_table(face, "head", 54, &f->head) || load_table(face, "hhea", 36, &f->hhea) ||
        load_table(face, "maxp", 6, &f->maxp) || load_table(face, "hmtx", 4, &f->hmtx) ||
        load_table(face, "loca", 4, &f->loca) || load_table(face, "glyf", 0, &f->glyf))
        return -1;
    f->long_loca = be16(f->head.p + 50) != 0;
    f->nglyphs = be16(f->maxp.p + 4);
    f->nmetrics = be16(f->hhea.p + 34);
    size_t loca_need = ((size_t)f->nglyphs + 1) * (f->long_loca ? 4 : 2);
    if (!f->nglyphs || !f->nmetrics || f->nmetrics > f->nglyphs || f->loca.len < loca_need ||
        f->hmtx.len < (size_t)f->nmetrics * 4 + ((size_t)f->nglyphs - f->nmetrics) * 2)
        return -1;
    return 0;
}

/* The bytes of glyph gid in glyf; *len 0 for an empty glyph. */
static int glyph_slice(const font_tables *f, uint32_t gid, const unsigned char **p, size_t *len)
{
    if (gid >= f->nglyphs) return -1;
    size_t a, b;
    if (f->long_loca) {
        a = be32(f->loca.p + 4 * gid);
        b = be32(f->loca.p + 4 * gid + 4);
    } else {
        a = (size_t)be16(f->loca.p + 2 * gid) * 2;
        b = (size_t)be16(f->loca.p + 2 * gid + 2) * 2;
    }
    if (a > b || b > f->glyf.len) return -1;
    *p = f->glyf.p + a;
    *len = b - a;
    return *len == 0 || *len >= 10 ? 0 : -1;
}

/* Length of a composite glyph's component record at p (flags first), or 0. */
static size_t component_len(const unsigned char *p, size_t avail)
{
    if (avail < 4) return 0;
    uint16_t flags = be16(p);
    size_t n = 4 + ((flags & 0x0001) ? 4 : 2);
    if (flags & 0x0008) n += 2;             /* WE_HAVE_A_SCALE */
    else if (flags & 0x0040) n += 4;        /* WE_HAVE_AN_X_AND_Y_SCALE */
    else if (flags & 0x0080) n += 8;        /* WE_HAVE_A_TWO_BY_TWO */
    return n <= avail ? n : 0;
}

/* Marks gid and, for a composite glyph, its components (depth-limited). */
static int mark_glyph(const font_tables *f, uint32_t gid, unsigned char *seen, int depth)
{
    const unsigned char *g;
    size_t len;
    if (glyph_slice(f, gid, &g, &len) != 0 || depth > MAX_COMPONENT_DEPTH) return -1;
    seen[gid >> 3] |= (unsigned char)(1u << (gid & 7));
    if (len == 0) return 0;
    int16_t contours = (int16_t)be16(g);
    if (contours >= 0) {
        size_t ins_at = 10 + 2 * (size_t)contours;
        return ins_at + 2 <= len && ins_at + 2 + be16(g + ins_at) <= len ? 0 : -1;
    }
    size_t off = 10;
    for (;;) {
        size_t n = component_len(g + off, len - off);
        if (!n) return -1;
        uint32_t part = be16(g + off + 2);
        if (!(seen[part >> 3] & (1u << (part & 7))) && mark_glyph(f, part, seen, depth + 1) != 0) return -1;
        if (!(be16(g + off) & 0x0020)) return 0;    /* MORE_COMPONENTS */
        off += n;
    }
}

/* Copies glyph old into out without instructions, components renumbered;
 * returns the bytes written, padded to an even length. */
static size_t copy_glyph(const font_tables *f, const ttf_subset *s, uint32_t old, unsigned char *out)
{
    const unsigned char *g;
    size_t len;
    if (glyph_slice(f, old, &g, &len) != 0 || len == 0) return 0;
    int16_t contours = (int16_t)be16(g);
    size_t n;
    if (contours >= 0) {
        size_t ins_at = 10 + 2 * (size_t)contours;
        if (ins_at + 2 > len) return 0;
        size_t rest = ins_at + 2 + be16(g + ins_at);
        if (rest > len) return 0;
        memcpy(out, g, ins_at);
        put16(out + ins_at, 0);
        memcpy(out + ins_at + 2, g + rest, len - rest);
        n = ins_at + 2 + (len - rest);
    } else {
        memcpy(out, g, 10);
        n = 10;
        for (;;) {
            size_t c = component_len(g + n, len - n);
            if (!c) return 0;
            uint16_t flags = be16(g + n);
            memcpy(out + n, g + n, c);
            put16(out + n, flags & ~0x0100u);                     /* no instructions */
            put16(out + n + 2, ttf_subset_new_id(s, be16(g + n + 2)));
            n += c;
            if (!(flags & 0x0020)) break;
        }
    }
    if (n & 1) out[n++] = 0;
    return n;
}

static void metric(const font_tables *f, uint32_t gid, unsigned char out[4])
{
    uint32_t m = gid < f->nmetrics ? gid : f->nmetrics - 1;
    memcpy(out, f->hmtx.p + 4 * m, 2);
    if (gid < f->nmetrics) memcpy(out + 2, f->hmtx.p + 4 * gid + 2, 2);
    else memcpy(out + 2, f->hmtx.p + 4 * (size_t)f->nmetrics + 2 * (gid - f->nmetrics), 2);
}

/* hmtx keeps a full (advance, lsb) pair only up to the last change of
 * advance: the trailing run of full-width glyphs shares the last one and
 * keeps just its lsb (numberOfHMetrics in hhea). In place; returns the
 * table's new length. */
static size_t trim_metrics(unsigned char *hmtx, size_t n)
{
    size_t full = n;
    while (full > 1 && !memcmp(hmtx + 4 * (full - 1), hmtx + 4 * (full - 2), 2)) full--;
    for (size_t i = full; i < n; i++) memmove(hmtx + 4 * full + 2 * (i - full), hmtx + 4 * i + 2, 2);
    return 4 * full + 2 * (n - full);
}

static uint32_t checksum(const unsigned char *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i += 4) sum += be32(p + i);    /* tables are padded to 4 */
    return sum;
}

typedef struct out_table {
    const char *tag;
    unsigned char *p;
    size_t len;
} out_table;

/* The sfnt: offset table, directory (tags in ascending order), tables
 * padded to 4 bytes, head's checkSumAdjustment last. */
static void assemble(out_table *t, int nt, ttf_subset *s)
{
    size_t total = 12 + 16 * (size_t)nt;
    for (int i = 0; i < nt; i++) total += (t[i].len + 3) & ~(size_t)3;
    unsigned char *o = xcalloc(total, 1);
    put32(o, 0x00010000);
    int pow2 = 1, log2 = 0;
    while (pow2 * 2 <= nt) { pow2 *= 2; log2++; }
    put16(o + 4, (uint32_t)nt);
    put16(o + 6, (uint32_t)pow2 * 16);
    put16(o + 8, (uint32_t)log2);
    put16(o + 10, (uint32_t)(nt * 16 - pow2 * 16));
    size_t off = 12 + 16 * (size_t)nt, head_at = 0;
    for (int i = 0; i < nt; i++) {
        unsigned char *d = o + 12 + 16 * i;
        memcpy(o + off, t[i].p, t[i].len);
        memcpy(d, t[i].tag, 4);
        put32(d + 4, checksum(o + off, (t[i].len + 3) & ~(size_t)3));
        put32(d + 8, (uint32_t)off);
        put32(d + 12, (uint32_t)t[i].len);
        if (!strcmp(t[i].tag, "head")) head_at = off;
        off += (t[i].len + 3) & ~(size_t)3;
    }
    put32(o + head_at + 8, 0xB1B0AFBAu - checksum(o, total));
    s->data = o;
    s->len = total;
}

static void collect(const unsigned char *seen, uint32_t nglyphs, ttf_subset *s)
{
    s->old = xmalloc(((size_t)nglyphs + 1) * sizeof *s->old);
    s->n = 0;
    for (uint32_t g = 0; g < nglyphs; g++)
        if (seen[g >> 3] & (1u << (g & 7))) s->old[s->n++] = g;
}

static void write_subset(const font_tables *f, ttf_subset *s)
{
    size_t glyf_cap = 0;
    for (size_t i = 0; i < s->n; i++) {
        const unsigned char *g;
        size_t len = 0;
        glyph_slice(f, s->old[i], &g, &len);
        glyf_cap += len + 2;
    }
    unsigned char *glyf = xmalloc(glyf_cap + 1);
    uint32_t *offs = xmalloc((s->n + 1) * sizeof *offs);
    unsigned char *hmtx = xmalloc(s->n * 4);
    size_t at = 0;
    for (size_t i = 0; i < s->n; i++) {
        offs[i] = (uint32_t)at;
        at += copy_glyph(f, s, s->old[i], glyf + at);
        metric(f, s->old[i], hmtx + 4 * i);
    }
    offs[s->n] = (uint32_t)at;
    size_t hmtx_len = trim_metrics(hmtx, s->n);
    int short_loca = at / 2 <= 0xFFFF;
    size_t loca_len = (s->n + 1) * (short_loca ? 2 : 4);
    unsigned char *loca = xmalloc(loca_len);
    for (size_t i = 0; i <= s->n; i++) {
        if (short_loca) put16(loca + 2 * i, offs[i] / 2);
        else put32(loca + 4 * i, offs[i]);
    }
    unsigned char *head = xmalloc(f->head.len), *hhea = xmalloc(f->hhea.len), *maxp = xmalloc(f->maxp.len);
    memcpy(head, f->head.p, f->head.len);
    put32(head + 8, 0);
    put16(head + 50, short_loca ? 0 : 1);
    memcpy(hhea, f->hhea.p, f->hhea.len);
    put16(hhea + 34, (uint32_t)(hmtx_len - 2 * s->n) / 2);
    memcpy(maxp, f->maxp.p, f->maxp.len);
    put16(maxp + 4, (uint32_t)s->n);
    out_table t[] = {{"glyf", glyf, at},           {"head", head, f->head.len}, {"hhea", hhea, f->hhea.len},
                     {"hmtx", hmtx, hmtx_len},     {"loca", loca, loca_len},   {"maxp", maxp, f->maxp.len}};
    assemble(t, 6, s);
    for (int i = 0; i < 6; i++) free(t[i].p);
    free(offs);
}

int ttf_subset_make(void *face, const uint32_t *gids, size_t n, ttf_subset *out)
{
    memset(out, 0, sizeof *out);
    font_tables f;
    int rc = -1;
    unsigned char *seen = NULL;
    if (load_tables(face, &f) != 0) goto done;
    seen = xcalloc(((size_t)f.nglyphs + 7) / 8, 1);
    if (mark_glyph(&f, 0, seen, 0) != 0) goto done;
    for (size_t i = 0; i < n; i++)
        if (mark_glyph(&f, gids[i], seen, 0) != 0) goto done;
    collect(seen, f.nglyphs, out);
    write_subset(&f, out);
    rc = 0;
done:
    free(seen);
    release(&f);
    if (rc) ttf_subset_free(out);
    return rc;
}

uint32_t ttf_subset_new_id(const ttf_subset *s, uint32_t old)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->old[mid] < old) lo = mid + 1;
        else hi = mid;
    }
    return lo < s->n && s->old[lo] == old ? (uint32_t)lo : 0;
}

void ttf_subset_free(ttf_subset *s)
{
    free(s->data);
    free(s->old);
    memset(s, 0, sizeof *s);
}
