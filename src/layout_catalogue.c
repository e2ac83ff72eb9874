/* layout_catalogue.c — see layout_catalogue.h. */
#include "layout_catalogue.h"
#include "layout_blocks.h"
#include "layout.h"
#include "load_template.h"
#include "pdf.h"
#include "util_lang.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const HEAD[CAT_NCOL] = {"档号", "责任者", "题名", "日期", "页数", "保管期限", "备注"};

static int write_csv(const char *path, const catalogue_row *rows, int n, char *err, size_t errlen)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "\xEF\xBB\xBF");
    sb_csv_row(&b, HEAD, CAT_NCOL);
    for (int i = 0; i < n; i++) sb_csv_row(&b, (const char *const *)rows[i].col, CAT_NCOL);
    int rc = write_file_atomic(path, b.s, b.len);
    if (rc != 0) snprintf(err, errlen, TR("无法写入 %s：%s", "cannot write %s: %s"), path, errno_text(errno));
    sb_free(&b);
    return rc;
}

static void build_blocks(const char *title, const char *note, const catalogue_row *rows, int n, block_list *bl)
{
    blocks_add(bl, BLOCK_HEADING, "h1", title)->level = 0;
    if (note && *note) blocks_add(bl, BLOCK_PARA, "meta", note);
    static const float W[CAT_NCOL] = {0.15f, 0.17f, 0.22f, 0.09f, 0.06f, 0.08f, 0.23f};
    block *tb = blocks_add_table(bl, CAT_NCOL, W, 1);
    for (int k = 0; k < CAT_NCOL; k++) blocks_add_cell(tb, HEAD[k], 1, 1);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < CAT_NCOL; k++) blocks_add_cell(tb, rows[i].col[k], 1, 0);
}

int catalogue_write(context *ctx, const char *title, const char *note, const catalogue_row *rows, int n,
                    const char *pdf_path, const char *csv_path, long long epoch, char *err, size_t errlen)
{
    page_template t;
    char *tp = path_join(ctx->home, "templates/pages/catalogue.xml"), *xsd = path_join(ctx->schema_dir, "page.xsd");
    int rc = template_load(tp, xsd, &t, err, errlen);
    free(tp);
    free(xsd);
    block_list bl = {0};
    build_blocks(title, note, rows, n, &bl);
    text_engine *te = text_engine_new(ctx->fonts);
    document *d = document_new();
    layout_options lo = {NULL, 0, 0};
    if (rc == 0) rc = layout_document(&bl, &t, te, &lo, d, err, errlen);
    d->title = xstrdup(title);
    d->author = xstrdup("");
    d->subject = xstrdup("归档文件目录");
    d->keywords = xstrdup("");
    char *icc = path_join(ctx->home, "templates/sRGB.icc");
    pdf_options po = {epoch >= 0 ? (time_t)epoch : time(NULL), icc};
    if (rc == 0) rc = write_csv(csv_path, rows, n, err, errlen);
    if (rc == 0 && (rc = pdf_write(d, ctx->fonts, &po, pdf_path, err, errlen)) != 0) unlink(csv_path);
    free(icc);
    document_free(d);
    text_engine_free(te);
    blocks_free(&bl);
    return rc;
}
