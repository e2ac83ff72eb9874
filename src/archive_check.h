/* archive_check.h — the 四性检测 of DA/T 70-2018 (文书类电子档案检测一般要求)
 * on intake: before a bundle is filed, each of its dossiers is checked
 * for 真实性 (authenticity), 完整性 (integrity), 可用性 (usability) and
 * 安全性 (security), item by item, each item named by the standard's item
 * of the 归档环节 (GD-x-y) it stands for. Any item 不通过 refuses the
 * whole bundle; the items of a filing become its signed 检测报告
 * (archive_report.h).
 * Takes: the staged copy of a bundle (archive_file.c), the archive's
 * trust store, templates/checks.xml. Gives: one list of items for the bundle as a whole, one
 * per dossier. Reads PDFs through verify_read.h (qpdf); renders page 1
 * with poppler's pdftoppm and reads its text with pdftotext, as child
 * processes for many dossiers at once (at most 2 × online CPUs running),
 * all reaped before intake_check returns. */
#ifndef DANGAN_ARCHIVE_CHECK_H
#define DANGAN_ARCHIVE_CHECK_H

#include <stdio.h>
#include <time.h>
#include "util.h"
#include "verify_trust.h"

typedef enum { CK_AUTHENTIC, CK_COMPLETE, CK_USABLE, CK_SECURE } check_category;

/* templates/checks.xml (schema checks.xsd): each check's category, the
 * DA/T 70-2018 item it stands for and its names — data, so that an
 * archivist can correct a number without a new program. NULL with err
 * when it cannot be read or lacks a check this program makes. */
typedef struct check_defs check_defs;
check_defs *check_defs_load(const char *path, const char *xsd, char *err, size_t errlen);
void check_defs_free(check_defs *d);

typedef struct check_item {
    const char *code;       /* ours: "signature", "digest", … (archive_check.c's CODES) */
    check_category cat;
    const char *item;       /* the DA/T 70-2018 item: "GD-1-1" */
    const char *name;       /* short name, Chinese (the report's language) */
    const char *name_en;
    int passed;
    char *file;             /* what it is about: "dossiers/ID.pdf", "extra.txt" */
    char *detail;           /* why not (process language), or what was seen; "" when nothing */
} check_item;

typedef struct check_list {
    const check_defs *defs;
    char *id;               /* the placement id; "" for the bundle as a whole */
    char *file;             /* "dossiers/ID.pdf"; "" for the bundle */
    char *teacher;          /* from the record, "" when it cannot be read */
    check_item *v;
    int n;
    /* Set by the filing (archive_file.c) for the report. */
    int filed;
    char *number;
    long version;
    char sha256[65];
    long year;
} check_list;

typedef struct intake {
    const check_defs *defs;
    check_list *lists;      /* [0] the bundle, then the dossiers in name order */
    int n;
} intake;

/* Runs every check of the bundle copy at dir against trust t at now;
 * scratch, a folder of our own, is no longer written (poppler's output
 * goes to pipes); skipped are
 * the bundle's entries not copied (links, special and hidden files). When the
 * manifest's signature is not valid and trusted no other file is opened.
 * 1 every item passed, 0 some not, -1 the checks could not be run (err:
 * e.g. pdftoppm missing — never an item passed unchecked). *signer gets
 * the manifest signer's name. */
int intake_check(const char *dir, const trust *t, time_t now, const check_defs *defs, const char *scratch,
                 const char *retention, char *const *skipped, int nskipped, intake *in, char **signer,
                 char *err, size_t errlen);

/* Adds (or replaces) item code of the dossier id's list. */
void intake_set(intake *in, const char *id, const char *code, int passed, const char *detail);
int intake_passed(const intake *in);
/* Each item not passed, one a line: "FILE：类别 ITEM 名称：原因" (English
 * with --lang en). */
void intake_print(const intake *in, FILE *out);
void intake_free(intake *in);
/* "真实性" …, Chinese, for the report. */
const char *check_category_name(check_category c);

/* A dossier's signed record (dossiers/ID.xml): what the index keeps. */
typedef struct record_info {
    char *id, *profile, *teacher, *gender, *school, *host, *start, *end, *outcome;
    strbuf counts;
    double score;
    int has_score;
    long hours;
} record_info;

int read_record(const char *path, record_info *ri, char *err, size_t errlen);
void free_record(record_info *ri);

#endif
