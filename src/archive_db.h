/* archive_db.h — internal to the archive (archive_file.c, archive_find.c):
 * the archive's state and its SQLite index. */
#ifndef DANGAN_ARCHIVE_DB_H
#define DANGAN_ARCHIVE_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <time.h>
#include "archive.h"
#include "font_set.h"

struct archive {
    char *dir, *trust, *prefix, *county, *fonds, *retention;
    char *cert, *key, *signer;  /* the archive's signing certificate, key (PEM) and its name */
    char *home, *schema_dir;    /* templates/ (the report's page template, sRGB.icc) and schemas */
    struct check_defs *checks;  /* templates/checks.xml, loaded on the first filing */
    int supersede;              /* archive --supersede: a placement on file gets a new version */
    char *reason;               /* --reason: why (kept in the index) */
    const font_set *fonts;      /* for the 归档章's letters */
    sqlite3 *db;
};

typedef struct index_row {
    char *placement_id, *number, *teacher, *gender, *home_school, *base_school, *profile;
    char *start, *end, *counts, *outcome, *sha256, *signer, *filed_at, *path;
    double score;
    int has_score;
    long hours, year, seq;
    long version;
    const char *reason, *manifest;
    const char *filing;         /* the filing it came in (its report), NULL: none */
} index_row;

/* The current version of a placement on file. */
typedef struct filed_version {
    char *number, *path;
    long version, year, seq;
} filed_version;

int db_open(archive *a, char *err, size_t errlen);
int db_open_readonly(archive *a, char *err, size_t errlen);
void db_close(archive *a);
int db_exec(archive *a, const char *sql, char *err, size_t errlen);
/* 1 and *v filled when the placement has a current version, 0 when not. */
int db_current(archive *a, const char *placement_id, filed_version *v);
/* Marks the current version of number as superseded (in the open
 * transaction). */
int db_supersede(archive *a, const char *number, char *err, size_t errlen);
int db_has_sha(archive *a, const char *sha);
long db_next_seq(archive *a, long year);
int db_insert(archive *a, const index_row *r, char *err, size_t errlen);
/* A row of the filing table (in the open transaction). */
int db_insert_filing(archive *a, const char *filing, const char *time, const char *manifest, int passed,
                     char *err, size_t errlen);
/* The first archive number missing from the year's 1…max (a row gone
 * from the index), 0 when none, -1 on error. */
long db_first_gap(archive *a, long year);

/* Rolls back interrupted filings (archive_file.c). */
int recover(archive *a, char *err, size_t errlen);
/* Opens the index on first use, after rolling back (archive_file.c). */
int archive_db(archive *a, char *err, size_t errlen);

/* The 归档章 added to a dossier's bytes (archive_stamp.c). */
int archive_stamp(const archive *a, const unsigned char *in, size_t len, long year, long seq,
                  const char *number, long version, time_t when, unsigned char **out, size_t *out_len,
                  char *err, size_t errlen);

/* Name folded for search: traditional → simplified, full-width →
 * half-width, lower case (ICU transliteration). Caller frees. */
char *fold_name(const char *s);

#endif
