/* archive_stamp.c — the 归档章 of DA/T 22-2015 on a filed dossier's first
 * page: a red ruled box of 全宗号, 年度, 保管期限 and 件号 with their
 * values, and the archive number under it, in the space the cover keeps
 * free at the top right. Drawn as vector outlines (stamp_seal.h) and added by
 * an incremental update signed by the archive's own key (sign.h): the
 * school's signature still verifies the revision it signed, and the
 * bureau's covers the whole file, stamp included. */
#include "archive_db.h"
#include "pdf.h"
#include "stamp_seal.h"
#include "sign.h"
#include "util.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <stdlib.h>
#include <string.h>

#define MM 2.834645669f

/* Text centred at (x, y), squeezed to fit width. */
static void outline_text(page *pg, const font_set *fs, const char *s, float size, float x, float y,
                         float width)
{
    uint32_t cp[64];
    float adv[64], total = 0;
    int font[64], n = 0;
    size_t len = strlen(s), i = 0;
    while (i < len && n < 64) {
        int32_t c = utf8_next(s, len, &i);
        if (c < 0) { i++; continue; }
        font[n] = fonts_pick(fs, "body", (uint32_t)c);
        if (font[n] < 0) continue;
        cp[n] = (uint32_t)c;
        adv[n] = c < 0x2E80 ? 0.5f : 1;
        total += adv[n++];
    }
    if (total * size > width) size = width / total;
    float pen = x - total * size / 2;
    for (int k = 0; k < n; k++) {
        FT_Face face = fonts_face(fs, font[k]);
        float w = adv[k] * size;
        seal_glyph(pg, fs, font[k], FT_Get_Char_Index(face, cp[k]), size, pen + w / 2, y, 0);
        pen += w;
    }
}

static void rule(page *pg, float x0, float y0, float x1, float y1, rgb red)
{
    page_item *it = page_add_item(pg, ITEM_LINE);
    it->x0 = x0; it->y0 = y0; it->x1 = x1; it->y1 = y1;
    it->width = 0.8f;
    it->color = red;
}

int archive_stamp(const archive *a, const unsigned char *in, size_t len, long year, long seq,
                  const char *number, long version, time_t when, unsigned char **out, size_t *out_len,
                  char *err, size_t errlen)
{
    const font_set *fs = a->fonts;
    const char *fonds = a->fonds, *retention = a->retention;
    const rgb red = {0.84f, 0.07f, 0.10f};
    const float cw = 15 * MM, ch = 7 * MM, right = 595.28f - 10 * MM, top = 841.89f - 10 * MM;
    const float x0 = right - 4 * cw, y0 = top - 2 * ch;
    document *d = document_new();
    page *pg = document_add_page(d, 595.28f, 841.89f);
    size_t first = pg->nsegs;
    for (int r = 0; r <= 2; r++) rule(pg, x0, y0 + (float)r * ch, right, y0 + (float)r * ch, red);
    for (int c = 0; c <= 4; c++) rule(pg, x0 + (float)c * cw, y0, x0 + (float)c * cw, top, red);
    static const char *const LABEL[] = {"全宗号", "年度", "保管期限", "件号"};
    char y[16], s[16];
    snprintf(y, sizeof y, "%ld", year);
    snprintf(s, sizeof s, "%04ld", seq);
    const char *value[] = {fonds && *fonds ? fonds : "—", y, retention && *retention ? retention : "永久", s};
    for (int c = 0; c < 4; c++) {
        float cx = x0 + ((float)c + 0.5f) * cw;
        outline_text(pg, fs, LABEL[c], 3.2f * MM, cx, y0 + 1.5f * ch, cw - 2 * MM);
        outline_text(pg, fs, value[c], 3.2f * MM, cx, y0 + 0.5f * ch, cw - 2 * MM);
    }
    /* A corrected dossier keeps its number: the stamp says which version. */
    char *shown = version > 1 ? xasprintf("%s（第%ld版）", number, version) : xstrdup(number);
    outline_text(pg, fs, shown, 3.0f * MM, (x0 + right) / 2, y0 - 0.6f * ch, 4 * cw);
    free(shown);
    page_item *it = page_add_item(pg, ITEM_PATH);
    it->first_seg = first;
    it->nsegs = pg->nsegs - first;
    it->color = red;
    strbuf ops;
    sb_init(&ops);
    pdf_page_operators(pg, &ops);
    sign_request rq = {a->cert, a->key, a->signer, "加盖归档章", when, ops.s ? ops.s : "", ops.len};
    int rc = pdf_sign_update(in, len, &rq, out, out_len, err, errlen);
    sb_free(&ops);
    document_free(d);
    return rc;
}
