/* pdf_font.c — see pdf_font.h.
 *
 * libharu's own TrueType support embeds whole tables (250–640 KB a font),
 * writes an invalid ToUnicode and loses every character above U+FFFF. So
 * the font objects are built here with libharu's object API, and the font
 * program is a real subset (font_subset.c). The same font written by hand
 * into an incremental update (pdf_font_raw, pdf_update.h) shares every
 * choice below but the Flate level.
 *
 * The subset renumbers glyphs densely (CID = new glyph id, /CIDToGIDMap
 * /Identity). Measured: retaining the old ids instead costs only ~1.5 KB
 * a font after Flate, but doubles the bytes Flate must chew through, and
 * compression was 43% of a dossier's build time. */
#include "pdf_font.h"
#include "pdf_haru.h"
#include "util_lang.h"
#include "util.h"

#include <assert.h>
#include <hb.h>
#include <hb-ot.h>
#include <stdio.h>
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>

/* Called for every glyph of the document: a direct table from glyph id
 * to the glyph's place in u->g (a sorted insert was 4% of a build).
 * u->g is sorted by glyph id once, before the font is written. */
void used_font_add(used_font *u, uint32_t gid, uint32_t text_off, uint16_t text_len)
{
    if (gid > 0xFFFF) return;                   /* TrueType glyph ids are 16-bit */
    if (!u->slot) u->slot = xcalloc(0x10000, sizeof *u->slot);
    uint32_t at = u->slot[gid];
    assert(at <= u->n);   /* slot holds 1 + the glyph's place in u->g, or 0 */
    if (at) {
        used_glyph *g = &u->g[at - 1];
        if (!g->text_len && text_len) *g = (used_glyph){gid, text_off, text_len};
        return;
    }
    if (u->n == u->cap) {
        u->cap = u->cap ? u->cap * 2 : 256;
        u->g = xrealloc(u->g, u->cap * sizeof *u->g);
    }
    u->g[u->n++] = (used_glyph){gid, text_off, text_len};
    u->slot[gid] = (uint32_t)u->n;
}

static int by_gid(const void *a, const void *b)
{
    uint32_t x = ((const used_glyph *)a)->gid, y = ((const used_glyph *)b)->gid;
    return x < y ? -1 : x > y;
}

uint32_t used_font_cid(const used_font *u, uint32_t gid)
{
    return u->slot && gid <= 0xFFFF ? u->slot[gid] : ttf_subset_new_id(&u->sub, gid);
}

void used_font_free(used_font *u)
{
    ttf_subset_free(&u->sub);
    free(u->slot);
    free(u->g);
    memset(u, 0, sizeof *u);
}

/* Subsets the font to the used glyphs, into u->sub. */
static int subset(hb_face_t *face, used_font *u)
{
    uint32_t *gids = xmalloc((u->n + 1) * sizeof *gids);
    for (size_t i = 0; i < u->n; i++) gids[i] = u->g[i].gid;
    int rc = ttf_subset_make(face, gids, u->n, &u->sub);
    free(gids);
    return rc;
}

/* A deterministic six-letter subset tag from the glyph set (PDF 9.6.4). */
static void subset_tag(const used_font *u, char tag[7])
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < u->n; i++) { h ^= u->g[i].gid; h *= 1099511628211ull; }
    for (int i = 0; i < 6; i++) { tag[i] = (char)('A' + h % 26); h /= 26; }
    tag[6] = '\0';
}

/* PostScript name of the font, letters and digits only. */
static void ps_name(hb_face_t *face, const char *fallback, char *out, size_t len)
{
    char buf[64];
    unsigned n = sizeof buf;
    if (!hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &n, buf)) buf[0] = '\0';
    size_t k = 0;
    for (const char *p = buf[0] ? buf : fallback; *p && k + 1 < len; p++)
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')
            out[k++] = *p;
    out[k] = '\0';
    if (!k) snprintf(out, len, "Font");
}

static HPDF_Dict new_indirect(HPDF_Doc pdf)
{
    HPDF_Dict d = HPDF_Dict_New(pdf_haru_mmgr(pdf));
    if (d) HPDF_Xref_Add(pdf_haru_xref(pdf), d);
    return d;
}

static HPDF_Array box_array(HPDF_Doc pdf, int a, int b, int c, int d)
{
    HPDF_Array arr = HPDF_Array_New(pdf_haru_mmgr(pdf));
    HPDF_Array_AddNumber(arr, a);
    HPDF_Array_AddNumber(arr, b);
    HPDF_Array_AddNumber(arr, c);
    HPDF_Array_AddNumber(arr, d);
    return arr;
}

static HPDF_Dict cid_set(HPDF_Doc pdf, size_t n);

/* Ascent and descent in 1/1000 em, for the font descriptor. */
static void font_extents(hb_font_t *hf, int *asc, int *desc)
{
    hb_font_extents_t e;
    hb_font_get_h_extents(hf, &e);
    int upem = (int)hb_face_get_upem(hb_font_get_face(hf));
    *asc = e.ascender * 1000 / upem;
    *desc = e.descender * 1000 / upem;
}

static HPDF_Dict descriptor(HPDF_Doc pdf, hb_font_t *hf, const char *name, HPDF_Dict file, size_t nglyphs)
{
    int asc, desc;
    font_extents(hf, &asc, &desc);
    HPDF_Dict d = new_indirect(pdf);
    HPDF_Dict_AddName(d, "Type", "FontDescriptor");
    HPDF_Dict_AddName(d, "FontName", name);
    HPDF_Dict_AddNumber(d, "Flags", 4);          /* symbolic: glyphs outside Latin */
    HPDF_Dict_Add(d, "FontBBox", box_array(pdf, -100, desc - 100, 1100, asc + 100));
    HPDF_Dict_AddNumber(d, "ItalicAngle", 0);
    HPDF_Dict_AddNumber(d, "Ascent", asc);
    HPDF_Dict_AddNumber(d, "Descent", desc);
    HPDF_Dict_AddNumber(d, "CapHeight", asc);
    HPDF_Dict_AddNumber(d, "StemV", 80);
    HPDF_Dict_Add(d, "FontFile2", file);
    HPDF_Dict_Add(d, "CIDSet", cid_set(pdf, nglyphs));
    return d;
}

/* A glyph's width in /W units (1/1000 em). Not rounded to whole units:
 * the page's TJ adjustments are computed from the layout's exact advance,
 * and a viewer adds up these widths, so a rounded width would shift the
 * glyphs after it (0.8/1000 em for a space of WenQuanYi). */
static double width_of(hb_font_t *hf, int upem, uint32_t gid)
{
    return (double)hb_font_get_glyph_h_advance(hf, gid) * 1000 / upem;
}

/* The end of the run of /W that starts at glyph i (whose width is not
 * /DW): the following glyphs of consecutive CIDs and widths not /DW. */
static size_t width_run(hb_font_t *hf, int upem, const used_font *u, size_t i)
{
    size_t j = i + 1;
    while (j < u->n && used_font_cid(u, u->g[j].gid) == used_font_cid(u, u->g[j - 1].gid) + 1 &&
           width_of(hf, upem, u->g[j].gid) != 1000)
        j++;
    return j;
}

/* /W for the glyphs whose width is not /DW (1000: every Han character
 * and full-width mark), runs of consecutive CIDs sharing one array. Most
 * glyphs of a dossier are full width, so /W lists few. */
static HPDF_Array widths(HPDF_Doc pdf, hb_font_t *hf, const used_font *u)
{
    int upem = (int)hb_face_get_upem(hb_font_get_face(hf));
    HPDF_Array w = HPDF_Array_New(pdf_haru_mmgr(pdf));
    size_t i = 0;
    while (i < u->n) {
        if (width_of(hf, upem, u->g[i].gid) == 1000) { i++; continue; }
        size_t j = width_run(hf, upem, u, i);
        HPDF_Array run = HPDF_Array_New(pdf_haru_mmgr(pdf));
        for (size_t k = i; k < j; k++) HPDF_Array_AddReal(run, (HPDF_REAL)width_of(hf, upem, u->g[k].gid));
        HPDF_Array_AddNumber(w, (HPDF_INT32)used_font_cid(u, u->g[i].gid));
        HPDF_Array_Add(w, run);
        i = j;
    }
    return w;
}

/* UTF-16BE hex of a cluster's text; white space reads as one space. */
static void utf16_hex(const char *s, size_t len, strbuf *out)
{
    size_t i = 0;
    while (i < len) {
        int32_t c = utf8_next(s, len, &i);
        if (c < 0) { i++; continue; }
        if (c == '\n' || c == '\t' || c == '\r') c = ' ';
        if (c > 0xFFFF) {
            c -= 0x10000;
            sb_printf(out, "%04X%04X", 0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF));
        } else {
            sb_printf(out, "%04X", (unsigned)c);
        }
    }
}

static void tounicode_text(const used_font *u, const char *text, strbuf *b)
{
    sb_puts(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
               "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
               "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
               "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    size_t i = 0;
    while (i < u->n) {
        size_t n = 0;
        for (size_t j = i; j < u->n && n < 100; j++) n += u->g[j].text_len > 0;
        size_t j = i, k = 0;
        if (n) sb_printf(b, "%zu beginbfchar\n", n);
        while (j < u->n && k < 100) {
            const used_glyph *g = &u->g[j++];
            if (!g->text_len) continue;
            sb_printf(b, "<%04X> <", (unsigned)used_font_cid(u, g->gid));
            utf16_hex(text + g->text_off, g->text_len, b);
            sb_puts(b, ">\n");
            k++;
        }
        if (n) sb_puts(b, "endbfchar\n");
        i = j;
    }
    sb_puts(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}

/* A stream (font program, CMap, profile), deflated here with libdeflate rather than by libharu's
 * zlib: glyph outlines barely compress, and zlib's effort on them was
 * the largest single cost of a build (43%, perf on make bench).
 * Level 4, measured on the 39-page bench dossier's three font programs
 * (327 KB): 3.1 ms and 164.1 KB, against 4.6 ms and 161.2 KB at level 6
 * and 34 ms and 156.7 KB at level 12. */
#define FONT_LEVEL 4
/* ToUnicode maps and the ICC profile: text and tables that compress well
 * and are small. Measured on the 39-page dossier against level 4: level
 * 10 is 1.2 KB smaller for 2 M more instructions; 12 gains 11 bytes more
 * for 5 M more. */
#define SMALL_LEVEL 10

HPDF_Dict pdf_deflated_stream(HPDF_Doc pdf, const void *data, size_t len, int level)
{
    struct libdeflate_compressor *z = libdeflate_alloc_compressor(level);
    size_t cap = z ? libdeflate_zlib_compress_bound(z, len) : 0;
    unsigned char *out = cap ? xmalloc(cap) : NULL;
    size_t n = z ? libdeflate_zlib_compress(z, data, len, out, cap) : 0;
    if (z) libdeflate_free_compressor(z);
    HPDF_Dict s = HPDF_DictStream_New(pdf_haru_mmgr(pdf), pdf_haru_xref(pdf));
    /* Without a compressor (out of memory), the bytes as they are. */
    int rc = n > 0 ? pdf_haru_stream_put(s, out, n, PDF_FILTER_FLATE)
                   : pdf_haru_stream_put(s, data, len, PDF_FILTER_NONE);
    free(out);
    return rc == 0 ? s : NULL;
}

/* PDF/A-1 (ISO 19005-1 6.3.5) asks of a subset CID font a /CIDSet: one
 * bit per CID, high bit first, set for every CID in the font program and
 * for no other. The subset numbers its glyphs densely and CID = glyph id
 * (/CIDToGIDMap /Identity), so the program holds exactly CIDs 0 … n-1:
 * n bits set, the last byte's spare bits clear. */
static unsigned char *cid_set_bits(size_t n, size_t *len)
{
    *len = (n + 7) / 8;
    unsigned char *bits = xcalloc(*len + 1, 1);
    memset(bits, 0xFF, n / 8);
    if (n % 8) bits[n / 8] = (unsigned char)(0xFF00u >> (n % 8));
    return bits;
}

static HPDF_Dict cid_set(HPDF_Doc pdf, size_t n)
{
    size_t len;
    unsigned char *bits = cid_set_bits(n, &len);
    HPDF_Dict s = pdf_deflated_stream(pdf, bits, len, SMALL_LEVEL);
    free(bits);
    return s;
}

/* Sorts u's glyphs, subsets the font to them (from then on the slot
 * table answers used_font_cid: gid → CID, once per glyph) and names the
 * subset, "TAG+PostScriptName". */
static int prepare(const font_set *fs, used_font *u, char name[80], char *err, size_t errlen)
{
    hb_face_t *face = fonts_hb_face(fs, u->font);
    qsort(u->g, u->n, sizeof *u->g, by_gid);
    if (subset(face, u) != 0) {
        snprintf(err, errlen, TR("字体子集化失败：%s", "font subsetting failed: %s"), fonts_file(fs, u->font));
        return -1;
    }
    for (size_t i = 0; u->slot && i < u->n; i++) u->slot[u->g[i].gid] = ttf_subset_new_id(&u->sub, u->g[i].gid);
    char tag[7], ps[64];
    subset_tag(u, tag);
    ps_name(face, fonts_id(fs, u->font), ps, sizeof ps);
    snprintf(name, 80, "%s+%s", tag, ps);
    return 0;
}

int pdf_font_write(HPDF_Doc pdf, const font_set *fs, used_font *u, const char *text, int draft,
                   char *err, size_t errlen)
{
    hb_font_t *hf = hb_font_create(fonts_hb_face(fs, u->font));
    int rc = -1;
    char name[80];
    if (prepare(fs, u, name, err, errlen) != 0) goto done;
    HPDF_Dict file = pdf_deflated_stream(pdf, u->sub.data, u->sub.len, draft ? 1 : FONT_LEVEL);
    HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)u->sub.len);

    HPDF_Dict cid = new_indirect(pdf);
    HPDF_Dict_AddName(cid, "Type", "Font");
    HPDF_Dict_AddName(cid, "Subtype", "CIDFontType2");
    HPDF_Dict_AddName(cid, "BaseFont", name);
    HPDF_Dict info = HPDF_Dict_New(pdf_haru_mmgr(pdf));
    HPDF_Dict_Add(info, "Registry", HPDF_String_New(pdf_haru_mmgr(pdf), "Adobe", NULL));
    HPDF_Dict_Add(info, "Ordering", HPDF_String_New(pdf_haru_mmgr(pdf), "Identity", NULL));
    HPDF_Dict_AddNumber(info, "Supplement", 0);
    HPDF_Dict_Add(cid, "CIDSystemInfo", info);
    HPDF_Dict_Add(cid, "FontDescriptor", descriptor(pdf, hf, name, file, u->sub.n));
    HPDF_Dict_AddNumber(cid, "DW", 1000);
    HPDF_Dict_Add(cid, "W", widths(pdf, hf, u));
    HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity");

    strbuf cmap;
    sb_init(&cmap);
    tounicode_text(u, text, &cmap);
    HPDF_Dict tu = pdf_deflated_stream(pdf, cmap.s, cmap.len, SMALL_LEVEL);
    sb_free(&cmap);

    u->dict = new_indirect(pdf);
    HPDF_Dict_AddName(u->dict, "Type", "Font");
    HPDF_Dict_AddName(u->dict, "Subtype", "Type0");
    HPDF_Dict_AddName(u->dict, "BaseFont", name);
    HPDF_Dict_AddName(u->dict, "Encoding", "Identity-H");
    HPDF_Array desc = HPDF_Array_New(pdf_haru_mmgr(pdf));
    HPDF_Array_Add(desc, cid);
    HPDF_Dict_Add(u->dict, "DescendantFonts", desc);
    HPDF_Dict_Add(u->dict, "ToUnicode", tu);
    rc = 0;
done:
    hb_font_destroy(hf);
    return rc;
}

/* ---- The same font as objects written by hand (pdf_update.h). ---- */

/* A width for /W: exact to 1/10000 em-unit, no trailing zeros. */
static void raw_width(strbuf *b, double w)
{
    char s[32];
    snprintf(s, sizeof s, "%.4f", w);
    char *e = s + strlen(s);
    while (e[-1] == '0') *--e = '\0';
    if (e[-1] == '.') e[-1] = '\0';
    sb_printf(b, "%s", s);
}

static void raw_widths(strbuf *b, hb_font_t *hf, const used_font *u)
{
    int upem = (int)hb_face_get_upem(hb_font_get_face(hf));
    sb_puts(b, "/W [");
    size_t i = 0;
    while (i < u->n) {
        if (width_of(hf, upem, u->g[i].gid) == 1000) { i++; continue; }
        size_t j = width_run(hf, upem, u, i);
        sb_printf(b, " %u [", (unsigned)used_font_cid(u, u->g[i].gid));
        for (size_t k = i; k < j; k++) {
            sb_puts(b, k > i ? " " : "");
            raw_width(b, width_of(hf, upem, u->g[k].gid));
        }
        sb_puts(b, "]");
        i = j;
    }
    sb_puts(b, " ]\n");
}

/* Stream compression for an update's font: a few dozen glyphs, so the
 * smallest output costs next to nothing (the update's size is what a
 * filed dossier keeps for ever). */
#define RAW_LEVEL 12

static void raw_descriptor(pdf_update *up, long num, hb_font_t *hf, const char *name, long file, long set)
{
    int asc, desc;
    font_extents(hf, &asc, &desc);
    pdf_update_obj(up, num);
    sb_printf(&up->b, "<<\n/Type /FontDescriptor\n/FontName /%s\n/Flags 4\n/FontBBox [-100 %d 1100 %d]\n"
                      "/ItalicAngle 0\n/Ascent %d\n/Descent %d\n/CapHeight %d\n/StemV 80\n"
                      "/FontFile2 %ld 0 R\n/CIDSet %ld 0 R\n>>\nendobj\n",
              name, desc - 100, asc + 100, asc, desc, asc, file, set);
}

int pdf_font_raw(pdf_update *up, long first, const font_set *fs, used_font *u, const char *text,
                 char *err, size_t errlen)
{
    char name[80];
    if (prepare(fs, u, name, err, errlen) != 0) return -1;
    hb_font_t *hf = hb_font_create(fonts_hb_face(fs, u->font));
    long cid = first + 1, desc = first + 2, file = first + 3, tu = first + 4, set = first + 5;
    pdf_update_obj(up, first);
    sb_printf(&up->b, "<<\n/Type /Font\n/Subtype /Type0\n/BaseFont /%s\n/Encoding /Identity-H\n"
                      "/DescendantFonts [%ld 0 R]\n/ToUnicode %ld 0 R\n>>\nendobj\n", name, cid, tu);
    pdf_update_obj(up, cid);
    sb_printf(&up->b, "<<\n/Type /Font\n/Subtype /CIDFontType2\n/BaseFont /%s\n"
                      "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>\n"
                      "/FontDescriptor %ld 0 R\n/DW 1000\n", name, desc);
    raw_widths(&up->b, hf, u);
    sb_puts(&up->b, "/CIDToGIDMap /Identity\n>>\nendobj\n");
    raw_descriptor(up, desc, hf, name, file, set);
    char length1[32];
    snprintf(length1, sizeof length1, "/Length1 %zu ", u->sub.len);
    pdf_update_stream(up, file, length1, u->sub.data, u->sub.len, RAW_LEVEL);
    strbuf cmap;
    sb_init(&cmap);
    tounicode_text(u, text, &cmap);
    pdf_update_stream(up, tu, "", cmap.s, cmap.len, RAW_LEVEL);
    sb_free(&cmap);
    size_t len;
    unsigned char *bits = cid_set_bits(u->sub.n, &len);
    pdf_update_stream(up, set, "", bits, len, RAW_LEVEL);
    free(bits);
    hb_font_destroy(hf);
    return 0;
}
