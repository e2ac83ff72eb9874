/* layout_register.h — the yearly registration table (备案表, seed 000 附件1)
 * from the archive index: one row per teacher, as a ruled-grid PDF (by
 * templates/pages/register.xml) and a CSV beside it. */
#ifndef DANGAN_REGISTER_H
#define DANGAN_REGISTER_H

#include <stddef.h>
#include <time.h>
#include "archive.h"
#include "load_context.h"

/* Writes pdf_path, dated when, and its CSV (same name, .csv). 0, or -1
 * with err (neither written). */
int register_write(context *ctx, archive *a, const find_query *q, const char *pdf_path,
                   time_t when, char *err, size_t errlen);

/* The table's title: "Y0至Y1学年度<county>跟岗教师备案表", the school
 * years (by the calendar's <school-year>) the rows' placements start in;
 * without rows, no year. Caller frees. */
struct calendar;
char *register_title(const struct calendar *cal, const char *county, const archive_row *rows, int n);

#endif
