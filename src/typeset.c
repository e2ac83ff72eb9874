/* typeset.c — see typeset.h. */
#include "typeset.h"
#include "util_date.h"
#include "util_lang.h"
#include "layout_dossier.h"
#include "layout.h"
#include "layout_letter.h"
#include "pdf.h"
#include "load_school.h"
#include "sign.h"
#include "stamp.h"
#include "load_template.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <errno.h>
#include <string.h>

int typeset_template(context *ctx, const char *name, page_template *t, char *err, size_t errlen)
{
    char *file = xasprintf("templates/pages/%s.xml", name);
    char *pages = path_join(ctx->home, file);
    char *xsd = path_join(ctx->schema_dir, "page.xsd");
    int rc = template_load(pages, xsd, t, err, errlen);
    free(file);
    free(pages);
    free(xsd);
    return rc;
}

int typeset_layout(context *ctx, const typeset_input *in, document **out, char *err, size_t errlen)
{
    page_template t;
    if (typeset_template(ctx, in->pages, &t, err, errlen) != 0) return -1;
    text_engine *te = text_engine_new(ctx->fonts);
    document *d = document_new();
    int rc = layout_document(in->blocks, &t, te, &in->layout, d, err, errlen);
    text_engine_free(te);
    if (rc != 0) { document_free(d); return -1; }
    d->title = xstrdup(in->title ? in->title : "");
    d->author = xstrdup(in->author ? in->author : "");
    d->subject = xstrdup(in->subject ? in->subject : "");
    d->keywords = xstrdup(in->keywords ? in->keywords : "");
    *out = d;
    return 0;
}

int typeset_emit(context *ctx, const document *d, time_t when, unsigned char **data, size_t *len,
                 char *err, size_t errlen)
{
    char *icc = path_join(ctx->home, "templates/sRGB.icc");
    pdf_options po = {when, icc};
    int rc = pdf_write_mem(d, ctx->fonts, &po, data, len, err, errlen);
    free(icc);
    return rc;
}

/* The bytes to path through a temporary file renamed into place. */
static int write_bytes(const char *path, unsigned char *data, size_t len, char *err, size_t errlen)
{
    if (write_file_atomic(path, data, len) == 0) return 0;
    snprintf(err, errlen, TR("无法写入 %s：%s", "cannot write %s: %s"), path, errno_text(errno));
    return -1;
}

int typeset(context *ctx, const typeset_input *in, time_t when, const char *path, char *err, size_t errlen)
{
    document *d;
    if (typeset_layout(ctx, in, &d, err, errlen) != 0) return -1;
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = typeset_emit(ctx, d, when, &data, &len, err, errlen);
    document_free(d);
    if (rc == 0) rc = write_bytes(path, data, len, err, errlen);
    free(data);
    return rc;
}

/* Test hook, like DANGAN_ABORT_AT: DANGAN_FAIL_BUILD=ID makes the build
 * of placement ID fail, as an image the builder cannot read or a layout
 * limit would, and DANGAN_FAIL_BUILD=ID:abort makes it crash, so that
 * the tests can show what build and bundle do then. */
static int injected_failure(const checked *c, char *err, size_t errlen)
{
    const char *e = getenv("DANGAN_FAIL_BUILD");
    size_t n = c->sub.id ? strlen(c->sub.id) : 0;
    if (!e || !n || strncmp(e, c->sub.id, n)) return 0;
    if (!strcmp(e + n, ":abort")) abort();
    if (e[n]) return 0;
    snprintf(err, errlen, "测试：DANGAN_FAIL_BUILD 使 %s 的排版失败", c->sub.id);
    return 1;
}

/* The image stage, between layout and PDF: every figure decoded into the
 * pixel box of its printed size, upright and re-encoded. */
static int prepare_images(context *ctx, document *d, char *err, size_t errlen)
{
    for (int i = 0; i < d->nimages; i++) {
        image_ref *im = &d->images[i];
        image_status st = image_prepare(im->path, im->box_w, im->box_h, &im->data);
        if (st != IMAGE_OK) {
            snprintf(err, errlen, ctx->en ? "cannot use image %s: %s" : "无法使用图片 %s：%s", im->path,
                     image_status_text(st, ctx->en));
            return -1;
        }
    }
    return 0;
}

int build_document(context *ctx, const checked *c, const build_options *o, document **out,
                   char *err, size_t errlen)
{
    if (injected_failure(c, err, errlen)) return -1;
    block_list bl = {0};
    dossier_blocks(c, &bl);
    char *header = dossier_header(c), *title = xasprintf("%s 跟岗研修档案", c->sub.teacher.name ? c->sub.teacher.name : "");
    char from[16], to[16];
    char *keywords = dossier_keywords(c->sub.id, date_format(c->sub.start, from), date_format(c->sub.end, to),
                                      c->sub.teacher.school, c->sub.has_score, c->sub.score, c->v.outcome, c->v.hours);
    typeset_input in = {"dossier", &bl, {header, o->draft, 1}, title, c->sub.host.school,
                        c->prof && c->prof->title ? c->prof->title : c->profile_id, keywords};
    int rc = typeset_layout(ctx, &in, out, err, errlen);
    if (rc == 0 && (rc = prepare_images(ctx, *out, err, errlen)) != 0) document_free(*out);
    free(header);
    free(title);
    free(keywords);
    blocks_free(&bl);
    return rc;
}

/* The school's seal, 骑缝章, verification codes and QR code on d. */
static int stamp(context *ctx, const checked *c, const school *sc, document *d, char *err, size_t errlen)
{
    stamp_style st;
    char *sxsd = path_join(ctx->schema_dir, "stamp.xsd");
    char *style = path_join(ctx->home, "templates/stamp.xml");
    int rc = stamp_style_load(style, sxsd, &st, err, errlen);
    free(sxsd);
    free(style);
    unsigned char hash[32];
    if (rc == 0 && content_hash(&c->sub, hash) != 0) {
        snprintf(err, errlen, TR("无法读取提交文件以计算哈希", "cannot read the submission's files to hash them"));
        rc = -1;
    }
    if (rc == 0) {
        text_engine *te = text_engine_new(ctx->fonts);
        rc = stamp_document(d, ctx->fonts, te, &st, sc, c->sub.id ? c->sub.id : "", hash, err, errlen);
        text_engine_free(te);
    }
    return rc;
}

/* PDF bytes of the laid-out, stamped and (when the school has a signer)
 * signed dossier. */
int build_dossier_bytes(context *ctx, const checked *c, const build_options *o, const school *sc,
                        unsigned char **data, size_t *len, char *err, size_t errlen)
{
    document *d;
    if (build_document(ctx, c, o, &d, err, errlen) != 0) return -1;
    int rc = sc ? stamp(ctx, c, sc, d, err, errlen) : 0;
    if (rc == 0) rc = typeset_emit(ctx, d, o->when, data, len, err, errlen);
    document_free(d);
    if (rc == 0 && sc && sc->cert) {
        unsigned char *signed_pdf;
        size_t signed_len;
        rc = pdf_sign(*data, *len, sc->cert, sc->key, sc->name, o->when, &signed_pdf, &signed_len, err, errlen);
        free(*data);
        *data = rc == 0 ? signed_pdf : NULL;
        *len = signed_len;
    }
    return rc;
}

int build_pdf(context *ctx, const checked *c, const build_options *o, const char *path,
              char *err, size_t errlen)
{
    school sc;
    int have = 0;
    if (o->school) {
        char *xsd = path_join(ctx->schema_dir, "school.xsd");
        int rc = school_load(o->school, xsd, &sc, err, errlen);
        free(xsd);
        if (rc != 0) return -1;
        have = 1;
    }
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = build_dossier_bytes(ctx, c, o, have ? &sc : NULL, &data, &len, err, errlen);
    if (rc == 0) rc = write_bytes(path, data, len, err, errlen);
    free(data);
    if (have) school_free(&sc);
    return rc;
}

int build_letter_pdf(context *ctx, const char *letter, const build_options *o, const char *path,
                     char *err, size_t errlen)
{
    block_list bl = {0};
    letter_meta meta = {0};
    char *xsd = path_join(ctx->schema_dir, "letter.xsd");
    int rc = letter_blocks(letter, xsd, &bl, &meta, err, errlen);
    free(xsd);
    typeset_input in = {"letter", &bl, {NULL, o->draft, 0}, meta.title, meta.author, "报送函", meta.keywords};
    if (rc == 0) rc = typeset(ctx, &in, o->when, path, err, errlen);
    blocks_free(&bl);
    letter_meta_free(&meta);
    return rc;
}
