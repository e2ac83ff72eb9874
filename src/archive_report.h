/* archive_report.h — the signed 检测报告 of one filing (DA/T 70-2018's
 * 四性检测, archive_check.h), kept in the archive as
 *   reports/FILING.xml      every dossier, every item, 通过/不通过, the time,
 *                           the bundle manifest's SHA-256 (schema
 *                           templates/schemas/report.xsd);
 *   reports/FILING.xml.p7s  a detached CMS signature of it by the archive's key;
 *   reports/FILING.pdf      the same for people (templates/pages/report.xml),
 *                           signed by the archive's key.
 * FILING = YYYYMMDDTHHMMSSZ- and the first 12 hex digits of the manifest's
 * SHA-256, the time UTC (SOURCE_DATE_EPOCH when set).
 * Takes: the archive (its key, its templates), the checked intake.
 * Gives: the three files, written into a folder of the caller's (the
 * filing's staging area: archive_file.c renames them into place). */
#ifndef DANGAN_ARCHIVE_REPORT_H
#define DANGAN_ARCHIVE_REPORT_H

#include <stddef.h>
#include <time.h>
#include "archive.h"
#include "archive_check.h"

/* The filing's time: SOURCE_DATE_EPOCH when set (and valid), else now. */
time_t report_time(void);
/* "2016-09-26T00:00:00Z". */
void report_time_text(time_t when, char out[32]);
/* FILING, malloc'd. */
char *report_name(time_t when, const char *manifest_sha);

/* Writes dir/NAME.xml, dir/NAME.xml.p7s, dir/NAME.pdf for the dossiers
 * of in that were filed. 0, or -1 with err. */
int report_write(const archive *a, const intake *in, const char *name, time_t when, const char *manifest_sha,
                 const char *dir, char *err, size_t errlen);

/* Blocks laid out by templates/pages/report.xml into a PDF, unsigned:
 * the filing's 检测报告 and the audit's (archive_audit_pdf.c). 0, or -1. */
struct block_list;
int report_typeset(const archive *a, struct block_list *bl, const char *title, const char *subject, const char *keywords,
                   time_t when, unsigned char **out, size_t *out_len, char *err, size_t errlen);

/* The PDF for people, unsigned (archive_report_pdf.c). 0, or -1. */
int report_pdf(const archive *a, const intake *in, const char *name, time_t when, const char *manifest_sha,
               unsigned char **out, size_t *out_len, char *err, size_t errlen);

#endif
