/* stamp_apply.c — see stamp.h.
 *
 * The seal on the assessment page presses the signature line as GB/T 9704
 * places a seal: centred over the school's name and the date, which sit
 * below its centre, its top within a line of the text above.
 *
 * The 骑缝章 is one seal cut into as many vertical strips as there are
 * pages; page i shows strip i at its outer (right) edge, so the pages,
 * fanned out with each one strip further left, join into the whole seal. */
#include "stamp.h"
#include "util_lang.h"
#include "layout.h"
#include "util.h"
#include "check_schema.h"
#include "load_xml.h"

#include <openssl/evp.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MM 2.834645669f

static float mm(xmlNodePtr n, const char *name)
{
    char *v = xml_attr(n, name);
    float f = v ? strtof(v, NULL) : 0;
    xmlFree(v);
    return f;
}

int stamp_style_load(const char *path, const char *xsd, stamp_style *st, char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    xmlDocPtr doc = xml_load_data(path, err, errlen);
    if (!doc) return -1;
    if (schema_check_data(xsd, doc, err, errlen) != 0) {
        xmlFreeDoc(doc);
        return -1;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc), s = xml_child(root, "seal"),
               t = xml_child(root, "stitch"), c = xml_child(root, "code"), q = xml_child(root, "qr");
    seal_style *ss = &st->seal;
    ss->diameter = mm(s, "diameter") * MM;
    ss->ring = mm(s, "ring") * MM;
    ss->star = mm(s, "star") * MM;
    ss->name_size = mm(s, "name-size") * MM;
    ss->name_arc = mm(s, "name-arc");
    ss->purpose_size = mm(s, "purpose-size") * MM;
    ss->purpose_drop = mm(s, "purpose-drop") * MM;
    ss->color = (rgb){mm(s, "red"), mm(s, "green"), mm(s, "blue")};
    char *role = xml_attr(s, "role");
    snprintf(ss->role, sizeof ss->role, "%s", role ? role : "heading");
    xmlFree(role);
    st->stitch_diameter = mm(t, "diameter") * MM;
    st->min_slice = mm(t, "min-slice") * MM;
    st->stitch_height = mm(t, "height");
    st->code_size = mm(c, "size") * MM;
    st->code_bottom = mm(c, "bottom") * MM;
    st->qr_size = mm(q, "size") * MM;
    st->qr_left = mm(q, "left") * MM;
    st->qr_bottom = mm(q, "bottom") * MM;
    xmlFreeDoc(doc);
    return 0;
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp((*(const sub_file *const *)a)->name, (*(const sub_file *const *)b)->name);
}

int content_hash(const submission *s, unsigned char hash[32])
{
    const sub_file **v = xmalloc(((size_t)s->nfiles + 1) * sizeof *v);
    for (int i = 0; i < s->nfiles; i++) v[i] = &s->files[i];
    qsort(v, (size_t)s->nfiles, sizeof *v, cmp_file);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int rc = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) ? 0 : -1;
    for (int i = 0; i < s->nfiles && rc == 0; i++) {
        char *path = path_join(s->dir, v[i]->name), *data;
        size_t len;
        if (read_file(path, 64u << 20, &data, &len) != 0) rc = -1;
        else {
            EVP_DigestUpdate(md, v[i]->name, strlen(v[i]->name) + 1);
            EVP_DigestUpdate(md, data, len);
            free(data);
        }
        free(path);
    }
    unsigned n = 0;
    if (rc == 0 && !EVP_DigestFinal_ex(md, hash, &n)) rc = -1;
    EVP_MD_CTX_free(md);
    free(v);
    return rc;
}

void page_code(const unsigned char hash[32], int page, char code[10])
{
    unsigned char buf[36], out[32];
    memcpy(buf, hash, 32);
    buf[32] = (unsigned char)(page >> 24);
    buf[33] = (unsigned char)(page >> 16);
    buf[34] = (unsigned char)(page >> 8);
    buf[35] = (unsigned char)page;
    unsigned n;
    EVP_Digest(buf, sizeof buf, out, &n, EVP_sha256(), NULL);
    snprintf(code, 10, "%02X%02X-%02X%02X", out[0], out[1], out[2], out[3]);
}

static void hex(const unsigned char *h, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* The QR code as one filled path of its dark modules. */
static int qr_code(page *pg, const char *text, float x, float y, float size)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) return -1;
    float m = size / (float)q->width;
    size_t first = pg->nsegs;
    for (int r = 0; r < q->width; r++)
        for (int c = 0; c < q->width; c++) {
            if (!(q->data[r * q->width + c] & 1)) continue;
            float x0 = x + (float)c * m, y1 = y + size - (float)r * m, y0 = y1 - m, x1 = x0 + m;
            path_seg *s = page_add_segs(pg, 5);
            s[0] = (path_seg){PATH_MOVE, {x0}, {y0}};
            s[1] = (path_seg){PATH_LINE, {x1}, {y0}};
            s[2] = (path_seg){PATH_LINE, {x1}, {y1}};
            s[3] = (path_seg){PATH_LINE, {x0}, {y1}};
            s[4] = (path_seg){PATH_CLOSE, {0}, {0}};
        }
    QRcode_free(q);
    page_item *it = page_add_item(pg, ITEM_PATH);
    it->first_seg = first;
    it->nsegs = pg->nsegs - first;
    it->color = (rgb){0, 0, 0};
    return 0;
}

/* The seal is drawn once per document, as a form centred in its box,
 * and placed wherever it shows: on the cover, on the assessment, and
 * scaled down into every page's 骑缝章 strip. Drawn again on every page
 * it doubled the dossier (212 → 465 KB on the reference submission). The
 * margin keeps the ring's stroke, which reaches the radius exactly,
 * inside the box. */
#define SEAL_MARGIN 1.0f

static void place_seal(page *pg, const stamp_style *st, int form, float cx, float cy, float scale)
{
    float half = st->seal.diameter / 2 + SEAL_MARGIN;
    page_add_form(pg, form, cx - half * scale, cy - half * scale, scale);
}

/* Strip i of n of the stitch seal, at the page's right edge. */
static void stitch(page *pg, const stamp_style *st, int form, int i, int n)
{
    float scale = st->stitch_diameter / st->seal.diameter;
    float r = st->stitch_diameter / 2, w = st->stitch_diameter / (float)n;
    if (w < st->min_slice) w = st->min_slice;
    float cy = pg->height * st->stitch_height, cx = pg->width - w + r - (float)i * w;
    page_item *clip = page_add_item(pg, ITEM_CLIP);
    clip->x0 = pg->width - w;
    clip->x1 = pg->width;
    clip->y0 = cy - r - 1;
    clip->y1 = cy + r + 1;
    place_seal(pg, st, form, cx, cy, scale);
    page_add_item(pg, ITEM_UNCLIP);
}

int stamp_document(document *d, const font_set *fs, text_engine *te, const stamp_style *st,
                   const school *sc, const char *placement_id, const unsigned char hash[32],
                   char *err, size_t errlen)
{
    if (d->npages == 0) return 0;
    const float r = st->seal.diameter / 2;
    int seal = document_add_form(d, 2 * (r + SEAL_MARGIN), 2 * (r + SEAL_MARGIN));
    seal_draw(&d->forms[seal], fs, &st->seal, sc->name, sc->purpose, r + SEAL_MARGIN, r + SEAL_MARGIN);
    /* Cover: the seal right of centre over the particulars, the QR code bottom left. */
    page *cover = &d->pages[0];
    place_seal(cover, st, seal, cover->width * 0.68f, cover->height * 0.38f, 1);
    char h[65], *qr;
    hex(hash, 32, h);
    qr = xasprintf("%s\n%s", placement_id, h);
    int rc = qr_code(cover, qr, 72 + st->qr_left, st->qr_bottom + 40, st->qr_size);
    free(qr);
    if (rc != 0) {
        snprintf(err, errlen, TR("无法生成二维码", "cannot make the QR code"));
        return -1;
    }
    /* The assessment's signature: name and date below the seal's centre. */
    const anchor *a = document_anchor(d, "seal");
    if (a) place_seal(&d->pages[a->page], st, seal, a->x + a->width - r - 6, a->y + r * 0.35f, 1);
    for (int i = 0; i < d->npages; i++) {
        page *pg = &d->pages[i];
        stitch(pg, st, seal, i, d->npages);
        char code[10], *line;
        page_code(hash, i + 1, code);
        line = xasprintf("核验码 %s", code);
        layout_text_at(d, i, te, "body", st->code_size, line, pg->width - 36, st->code_bottom, 2,
                       (rgb){0.35f, 0.35f, 0.35f});
        free(line);
    }
    return 0;
}
