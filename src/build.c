/* build.c — see build.h. */
#include "build.h"
#include "dossier.h"
#include "layout.h"
#include "pdf.h"
#include "template.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int build_document(context *ctx, const checked *c, const build_options *o, document **out,
                   char *err, size_t errlen)
{
    page_template t;
    char *pages = path_join(ctx->home, "templates/pages/dossier.xml");
    char *xsd = path_join(ctx->schema_dir, "page.xsd");
    int rc = template_load(pages, xsd, &t, err, errlen);
    free(pages);
    free(xsd);
    if (rc != 0) return -1;
    block_list bl = {0};
    dossier_blocks(c, &bl);
    text_engine *te = text_engine_new(ctx->fonts);
    document *d = document_new();
    char *header = dossier_header(c);
    layout_options lo = {header, o->draft};
    rc = layout_document(&bl, &t, te, &lo, d, err, errlen);
    d->title = xasprintf("%s 跟岗研修档案", c->sub.teacher.name ? c->sub.teacher.name : "");
    d->author = xstrdup(c->sub.host.school ? c->sub.host.school : "");
    d->subject = xstrdup(c->prof && c->prof->title ? c->prof->title : c->profile_id);
    d->keywords = xstrdup(c->sub.id ? c->sub.id : "");
    free(header);
    text_engine_free(te);
    blocks_free(&bl);
    if (rc != 0) { document_free(d); return -1; }
    *out = d;
    return 0;
}

int build_pdf(context *ctx, const checked *c, const build_options *o, const char *path,
              char *err, size_t errlen)
{
    document *d;
    if (build_document(ctx, c, o, &d, err, errlen) != 0) return -1;
    char *icc = path_join(ctx->home, "templates/sRGB.icc");
    pdf_options po = {o->epoch >= 0 ? (time_t)o->epoch : time(NULL), icc};
    int rc = pdf_write(d, ctx->fonts, &po, path, err, errlen);
    free(icc);
    document_free(d);
    return rc;
}
