/* archive.h — the bureau's archive (spec §6): verified bundles filed as
 * PDF/A dossiers with archive numbers, indexed in SQLite.
 * Takes: a bundle folder and ARCHIVE_DIR (archive.xml, trust/ of PEM files).
 * Gives: ARCHIVE_DIR/<year>/<home school>/<number>.pdf, the bundle's
 * manifest.xml and manifest.p7s in ARCHIVE_DIR/bundles/, the filing's
 * signed 检测报告 in ARCHIVE_DIR/reports/ (archive_report.h), and one
 * index row per dossier.
 *
 * Never half-filed: files are staged and fsynced in ARCHIVE_DIR/.staging,
 * renamed into place, and only then is the index transaction committed;
 * an interrupted filing is rolled back when the archive is next opened.
 * DANGAN_ABORT_AT=N (tests) aborts the process at step N of a filing
 * (1 transaction begun, 2 plan written, 3 first file placed, 6 all but
 * the report's PDF placed, 4 all placed, 5 committed). */
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
/* The folder holding templates/ (the 检测报告's page template and
 * sRGB.icc); without it filing refuses. */
void archive_set_templates(archive *a, const char *home);
/* archive --supersede --reason R: a placement already on file is filed
 * as the next version of its archive number (every earlier version kept),
 * instead of refused. */
void archive_set_supersede(archive *a, const char *reason);

typedef struct file_result {
    int filed, already;
} file_result;

/* Files a bundle: takes the lock, copies the bundle into the staging
 * area (each file read once), runs the 四性检测 on the copy
 * (archive_check.h: verification against trust/ included), stamps and
 * signs with the archive's key, stages the 检测报告, renames, commits.
 * 0 filed (or nothing new), 1 refused (an item 不通过: file, item and
 * reason on out, the archive untouched), -1 error (a check that cannot
 * run, e.g. no pdftoppm). */
int archive_file(archive *a, const char *bundle, FILE *out, file_result *r, char *err, size_t errlen);

/* Rolls back an interrupted filing, under the filing lock (`dangan
 * archive --recover ARCHIVE`; archive_file does it first too). 0 or -1. */
int archive_recover(archive *a, char *err, size_t errlen);

typedef struct find_query {
    const char *teacher, *school;   /* substrings, NULL for any */
    int year;                       /* 0 for any */
    int history;                    /* every version, not only the current ones */
} find_query;

/* Matching rows sorted by teacher in pinyin order: text lines, or JSON
 * lines when json; none: "未找到" on stderr (the caller exits 1, like
 * grep). Returns the number of rows, -1 on error. */
int archive_find(archive *a, const find_query *q, int json, FILE *out, char *err, size_t errlen);

/* One index row, all fields as text ("" when empty). */
enum { AR_NUMBER, AR_ID, AR_TEACHER, AR_GENDER, AR_HOME, AR_BASE, AR_PROFILE, AR_START, AR_END,
       AR_COUNTS, AR_SCORE, AR_OUTCOME, AR_HOURS, AR_SHA, AR_SIGNER, AR_FILED, AR_PATH, AR_YEAR,
       AR_VERSION, AR_CURRENT, AR_REASON, AR_MANIFEST, AR_FILING, AR_NCOL };
typedef struct archive_row {
    char *col[AR_NCOL];
    int null[AR_NCOL];
} archive_row;

/* The rows of archive_find, for other outputs (the 备案表). -1 on error. */
int archive_query(archive *a, const find_query *q, archive_row **rows, char *err, size_t errlen);
void archive_rows_free(archive_row *rows, int n);
/* The county's name from archive.xml (county="黟县"), or "". */
const char *archive_county(const archive *a);
/* The prefix of its archive numbers (archive.xml prefix, e.g. 黟教). */
const char *archive_prefix(const archive *a);

#endif
