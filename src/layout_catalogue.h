/* layout_catalogue.h — the 归档文件目录 of an export (DA/T 22-2015 §7:
 * 档号, 责任者, 题名, 日期, 页数, 保管期限, 备注), one row per dossier, as a
 * ruled-grid PDF (templates/pages/catalogue.xml, the way of the 备案表 in
 * layout_register.c) and as CSV in UTF-8 with a byte-order mark, so that
 * Excel and WPS open it as UTF-8. */
#ifndef DANGAN_CATALOGUE_H
#define DANGAN_CATALOGUE_H

#include <stddef.h>
#include "load_context.h"

enum { CAT_NUMBER, CAT_AUTHOR, CAT_TITLE, CAT_DATE, CAT_PAGES, CAT_RETENTION, CAT_NOTE, CAT_NCOL };

typedef struct catalogue_row {
    char *col[CAT_NCOL];
} catalogue_row;

/* Writes pdf_path and csv_path (each temp file + rename); title on top,
 * note (e.g. 全宗号, count) under it. 0, or -1 with err. */
int catalogue_write(context *ctx, const char *title, const char *note, const catalogue_row *rows, int n,
                    const char *author, const char *keywords, const char *pdf_path, const char *csv_path, time_t when,
                    char *err, size_t errlen);

#endif
