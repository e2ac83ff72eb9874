/* archive_export.h — `dangan archive --export YEAR --from ARCHIVE -o DIR`
 * (issue 16): a year's current dossiers handed over to the 档案馆, in a
 * form it can check with sha256sum and openssl alone.
 * Takes: an open archive, a year, a folder that does not exist yet.
 * Gives: DIR with the filed PDFs at their archive paths (YEAR/SCHOOL/
 * NUMBER[.vN].pdf, current versions only) each with its kept record
 * beside it (NUMBER[.vN].xml, when filed with one), their bundles' signed
 * manifests (bundles/M.xml, M.p7s), the archive's trust anchors (trust/),
 * the 四性检测 reports of their filings when the archive keeps them
 * (reports/), 归档文件目录.csv and .pdf (layout_catalogue.h), dossiers.tsv
 * (path, manifest entry, manifest file: which entry each PDF's signed
 * revision is, and each record — whole — is) and MANIFEST.sha256 (sha256sum format, every other file).
 * Built in a hidden temporary folder beside DIR, renamed to DIR at the
 * end: never half an export. The archive is only read (shared lock,
 * index read-only). */
#ifndef DANGAN_ARCHIVE_EXPORT_H
#define DANGAN_ARCHIVE_EXPORT_H

#include <stddef.h>
#include "archive.h"
#include "load_context.h"

/* 0 written (*count dossiers); 1 refused, nothing written (no current
 * dossier of that year, or one that no longer matches its index or
 * manifest: err says which — run `dangan audit`); -1 error. */
int archive_export(context *ctx, archive *a, long year, const char *dir, time_t when, long *count,
                   char *err, size_t errlen);

#endif
