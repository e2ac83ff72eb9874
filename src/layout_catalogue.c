/* layout_catalogue.c — see layout_catalogue.h. */
#include "layout_catalogue.h"
#include "layout_blocks.h"
#include "typeset.h"
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
                    const char *author, const char *keywords, const char *pdf_path, const char *csv_path, time_t when,
                    char *err, size_t errlen)
{
    block_list bl = {0};
    build_blocks(title, note, rows, n, &bl);
    typeset_input in = {"catalogue", &bl, {NULL, 0, 0}, title, author, "归档文件目录", keywords};
    /* The CSV first: a failed PDF must not leave a CSV claiming success. */
    int rc = write_csv(csv_path, rows, n, err, errlen);
    if (rc == 0 && (rc = typeset(ctx, &in, when, pdf_path, err, errlen)) != 0) unlink(csv_path);
    blocks_free(&bl);
    return rc;
}
