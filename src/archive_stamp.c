/* archive_stamp.c — the 归档章 of DA/T 22-2015 on a filed dossier's first
 * page: a red ruled box of 全宗号, 年度, 保管期限 and 件号 with their
 * values, and the archive number under it, in the space the cover keeps
 * free at the top right. Added by an incremental update signed by the
 * archive's own key (sign.h): the school's signature still verifies the
 * revision it signed, and the bureau's covers the whole file, stamp
 * included.
 *
 * Unlike the school's seal (a picture, drawn as outlines: stamp_seal.h),
 * the 归档章's fields are the filed dossier's own data, so they are real
 * text: a reader searches and copies the archive number. The rules and
 * the text are one Flate-compressed Form XObject, the text in a subset
 * font of its own (pdf_update.h says why not the dossier's). */
#include "archive_db.h"
#include "pdf.h"
#include "pdf_update.h"
#include "sign.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define MM 2.834645669f

/* What the drawing shows, handed to sign_pdf.c's draw call. */
typedef struct stamp_fields {
    const archive *a;
    long year, seq, version;
    const char *number;
} stamp_fields;

static void rule(page *pg, float x0, float y0, float x1, float y1, rgb red)
{
    page_item *it = page_add_item(pg, ITEM_LINE);
    it->x0 = x0; it->y0 = y0; it->x1 = x1; it->y1 = y1;
    it->width = 0.8f;
    it->color = red;
}

static const rgb RED = {0.84f, 0.07f, 0.10f};
/* The box: four cells of 15 × 7 mm, 10 mm from the page's top right. */
static const float CW = 15 * MM, CH = 7 * MM, RIGHT = 595.28f - 10 * MM, TOP = 841.89f - 10 * MM;
#define X0 (RIGHT - 4 * CW)
#define Y0 (TOP - 2 * CH)

/* The rules of the box, as operators. */
static void box_ops(strbuf *ops)
{
    document *d = document_new();
    page *pg = document_add_page(d, 595.28f, 841.89f);
    for (int r = 0; r <= 2; r++) rule(pg, X0, Y0 + (float)r * CH, RIGHT, Y0 + (float)r * CH, RED);
    for (int c = 0; c <= 4; c++) rule(pg, X0 + (float)c * CW, Y0, X0 + (float)c * CW, TOP, RED);
    pdf_page_operators(pg, ops);
    document_free(d);
}

/* The labels and values in their cells, the number under the box. */
static void fields_text(pdf_utext *t, const stamp_fields *f)
{
    static const char *const LABEL[] = {"全宗号", "年度", "保管期限", "件号"};
    const char *fonds = f->a->fonds, *retention = f->a->retention;
    char y[16], s[16];
    snprintf(y, sizeof y, "%ld", f->year);
    snprintf(s, sizeof s, "%04ld", f->seq);
    const char *value[] = {fonds && *fonds ? fonds : "—", y, retention && *retention ? retention : "永久", s};
    for (int c = 0; c < 4; c++)
        pdf_utext_centred(t, LABEL[c], 3.2f * MM, X0 + ((float)c + 0.5f) * CW, Y0 + 1.5f * CH, CW - 2 * MM);
    for (int c = 0; c < 4; c++)
        pdf_utext_centred(t, value[c], 3.2f * MM, X0 + ((float)c + 0.5f) * CW, Y0 + 0.5f * CH, CW - 2 * MM);
    /* A corrected dossier keeps its number: the stamp says which version. */
    char *shown = f->version > 1 ? xasprintf("%s（第%ld版）", f->number, f->version) : xstrdup(f->number);
    pdf_utext_centred(t, shown, 3.0f * MM, (X0 + RIGHT) / 2, Y0 - 0.6f * CH, 4 * CW);
    free(shown);
}

/* sign.h's draw: the fonts, then the form of the rules and the text. */
static long draw(void *ctx, pdf_update *u, long first, long *form, char *err, size_t errlen)
{
    const stamp_fields *f = ctx;
    pdf_utext *t = pdf_utext_new(f->a->fonts, "body");
    fields_text(t, f);
    strbuf ops, res;
    sb_init(&ops);
    sb_init(&res);
    box_ops(&ops);
    long next = pdf_utext_write(t, u, first, RED, &ops, &res, err, errlen);
    if (next >= 0) {
        const float bbox[4] = {X0 - MM, Y0 - 1.3f * CH, RIGHT + MM, TOP + MM};
        *form = next;
        pdf_update_form(u, next++, bbox, res.s, &ops);
    }
    sb_free(&ops);
    sb_free(&res);
    pdf_utext_free(t);
    return next;
}

int archive_stamp(const archive *a, const unsigned char *in, size_t len, long year, long seq,
                  const char *number, long version, time_t when, unsigned char **out, size_t *out_len,
                  char *err, size_t errlen)
{
    stamp_fields f = {a, year, seq, version, number};
    sign_request rq = {a->cert, a->key, a->signer, "加盖归档章", when, draw, &f};
    return pdf_sign_update(in, len, &rq, out, out_len, err, errlen);
}
