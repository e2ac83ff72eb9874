/* archive.h — the bureau's archive (spec §6): verified bundles filed as
 * PDF/A dossiers with archive numbers, indexed in SQLite.
 * Takes: a bundle folder and ARCHIVE_DIR (archive.xml, trust/ of PEM files).
 * Gives: ARCHIVE_DIR/<year>/<home school>/<number>.pdf with the bundle's
 * manifest.xml and manifest.p7s beside it, and one index row per dossier.
 *
 * Never half-filed: files are staged and fsynced in ARCHIVE_DIR/.staging,
 * renamed into place, and only then is the index transaction committed;
 * an interrupted filing is rolled back when the archive is next opened.
 * DANGAN_ABORT_AT=N (tests) aborts the process at step N of a filing. */
#ifndef DANGAN_ARCHIVE_H
#define DANGAN_ARCHIVE_H

#include <stddef.h>
#include <stdio.h>

typedef struct archive archive;

/* Reads ARCHIVE_DIR's set-up. NULL with err when it is not an archive.
 * The index is opened (created if needed, interrupted filings rolled
 * back) on first use, so a refused bundle leaves the folder untouched. */
archive *archive_open(const char *dir, const char *schema_dir, char *err, size_t errlen);
void archive_close(archive *a);
struct font_set;
/* The fonts for the 归档章's letters; without them filing refuses. */
void archive_set_fonts(archive *a, const struct font_set *fs);

typedef struct file_result {
    int filed, already;
} file_result;

/* Files a bundle. 0 filed (or nothing new), 1 refused (bundle not intact
 * or not trusted: the reasons on out, the archive untouched), -1 error. */
int archive_file(archive *a, const char *bundle, FILE *out, file_result *r, char *err, size_t errlen);

typedef struct find_query {
    const char *teacher, *school;   /* substrings, NULL for any */
    int year;                       /* 0 for any */
} find_query;

/* Matching rows sorted by teacher in pinyin order: text lines, or JSON
 * lines when json; none: "未找到" on stderr (the caller exits 1, like
 * grep). Returns the number of rows, -1 on error. */
int archive_find(archive *a, const find_query *q, int json, FILE *out, char *err, size_t errlen);

/* One index row, all fields as text ("" when empty). */
enum { AR_NUMBER, AR_ID, AR_TEACHER, AR_GENDER, AR_HOME, AR_BASE, AR_PROFILE, AR_START, AR_END,
       AR_COUNTS, AR_SCORE, AR_OUTCOME, AR_HOURS, AR_SHA, AR_SIGNER, AR_FILED, AR_PATH, AR_YEAR, AR_NCOL };
typedef struct archive_row {
    char *col[AR_NCOL];
    int null[AR_NCOL];
} archive_row;

/* The rows of archive_find, for other outputs (the 备案表). -1 on error. */
int archive_query(archive *a, const find_query *q, archive_row **rows, char *err, size_t errlen);
void archive_rows_free(archive_row *rows, int n);
/* The county's name from archive.xml (county="黟县"), or "". */
const char *archive_county(const archive *a);

#endif
