/* register.h — the yearly registration table (备案表, seed 000 附件1)
 * from the archive index: one row per teacher, as a ruled-grid PDF (by
 * templates/pages/register.xml) and a CSV beside it. */
#ifndef DANGAN_REGISTER_H
#define DANGAN_REGISTER_H

#include <stddef.h>
#include "archive.h"
#include "context.h"

/* Writes pdf_path and its CSV (same name, .csv). 0, or -1 with err. */
int register_write(context *ctx, archive *a, const find_query *q, const char *pdf_path,
                   long long epoch, char *err, size_t errlen);

#endif
