/* archive_db.h — internal to the archive (archive_file.c, archive_find.c):
 * the archive's state and its SQLite index. */
#ifndef DANGAN_ARCHIVE_DB_H
#define DANGAN_ARCHIVE_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <time.h>
#include "archive.h"
#include "bundle.h"      /* manifest_entry */
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
    const char *record;         /* its kept record NUMBER[.vN].xml, NULL: none */
} index_row;

/* The current version of a placement on file. */
typedef struct filed_version {
    char *number, *path;
    long version, year, seq;
} filed_version;

int db_open(archive *a, char *err, size_t errlen);
int db_open_readonly(archive *a, char *err, size_t errlen);
/* For `audit` and `export`, under the shared lock: read-only, and — when
 * no write-ahead log holds anything — immutable, so that not even the
 * -wal and -shm files a reader makes appear. 1: no index. */
int db_open_snapshot(archive *a, char *err, size_t errlen);
/* 1 when table (and column, unless NULL) exists: another stage's part of
 * the index (the 四性检测's filing table) is used only when present. */
int db_has(archive *a, const char *table, const char *column);
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
/* Every run of archive numbers missing from 1…max of a prefix and year
 * (rows gone from the index): gap(arg, prefix, year, first, last) for
 * each, in order. prefix NULL: every prefix and year of the index, else
 * that prefix and year only. 0, or -1 on an index error. */
typedef void (*gap_fn)(void *arg, const char *prefix, long year, long first, long last);
int db_each_gap(archive *a, const char *prefix, long year, gap_fn gap, void *arg);
/* The first archive number missing from the archive's prefix and year,
 * 0 when none, -1 on error (db_each_gap). */
long db_first_gap(archive *a, long year);

/* The shared side of the filing lock (archive_file.c takes it
 * exclusive): readers that must see one committed state of files and
 * index together (`audit`, `export`) wait for a filing to end, and a
 * filing waits for them. Never creates the lock file: an archive without
 * one has never been filed into. The descriptor (close it to unlock),
 * -2 when there is no lock file, -1 with err. */
int archive_lock_shared(const archive *a, char *err, size_t errlen);

/* A kept bundle manifest (archive_manifest.c), read for `audit` and
 * `export`: its entries sorted by path. */
typedef struct kept_manifest {
    char *key;            /* the rows' manifest column ("" for the first layout) */
    char *xml, *sig;      /* relative to the archive */
    manifest_entry *e;
    int n, ok;            /* ok: present, hashes to its name, signature trusted */
    char problem[512];    /* why not */
} kept_manifest;
struct trust;
/* Where a row's manifest is kept: bundles/M.xml and .p7s, or (first
 * layout, manifest NULL) NUMBER.manifest.xml and .p7s beside its PDF. */
void kept_manifest_paths(const char *manifest, const char *pdf_rel, const char *number, char **xml, char **sig);
/* Reads and checks it, its signature judged against t at when (the
 * filing). 0, or -1 with km->problem. km is to be freed either way. */
int kept_manifest_load(const archive *a, const char *manifest, const char *pdf_rel, const char *number,
                       const struct trust *t, time_t when, kept_manifest *km);
const manifest_entry *kept_manifest_entry(const kept_manifest *km, const char *path);
void kept_manifest_free(kept_manifest *km);
/* 1 when data's first e->size bytes hash to the entry and to row_sha. */
int kept_revision_ok(const manifest_entry *e, const char *data, size_t len, const char *row_sha);
/* 1 when the whole of data is the entry (a kept record: no update follows). */
int kept_whole_ok(const manifest_entry *e, const char *data, size_t len);

/* A path from the index: relative, without "..": inside the archive. */
int index_path_ok(const char *rel);
/* A filing time of the index ("2016-09-26T08:00:00Z"), or -1. */
time_t index_time(const char *s);

/* Removes a folder of plain files and folders the archive made (its
 * staging, an export's temporary folder). archive_file.c. */
void remove_stage_tree(const char *path);
/* mkdir -p path (0755). 0 or -1. archive_file.c. */
int mkdirs(const char *path);

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
