/* bundle.h — the base school's verification bundle (spec §6).
 * Takes: submission folders, the school. Gives: a folder with
 * dossiers/ID.pdf (stamped, signed) and its record dossiers/ID.xml for
 * each passing submission, refused/ID.txt (the reasons) and
 * refused/ID.xml for the others, summary.pdf and summary.csv (汇总表,
 * surname-aware pinyin order), manifest.xml (every file's SHA-256) and
 * manifest.p7s (the school's detached CMS signature of the manifest).
 * Built in a temporary folder renamed into place: never half a bundle.
 * Files: bundle_run.c (run, workers, merge), bundle_summary.c (records,
 * 汇总表), bundle_manifest.c (file list, manifest, signature),
 * verify_bundle.c. */
#ifndef DANGAN_BUNDLE_H
#define DANGAN_BUNDLE_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include "load_context.h"

typedef struct bundle_result {
    int passed, refused;
} bundle_result;

typedef struct bundle_options {
    int jobs;                /* worker processes; 0: one per core */
    int shard, shards;       /* --shard K/N: the K-th of N shares (1-based); 0/0: all */
    time_t when;             /* the PDFs' date, the signing time (cmd_cli.h cli_clock) */
} bundle_options;

/* 0 written (refusals counted in *r), -1 nothing written (err says why).
 * With a shard, only every N-th submission (in name order) from the K-th
 * is bundled: N runs on N machines cover all, and bundle_merge joins them. */
int bundle_make(context *ctx, char **dirs, int ndirs, const char *school_file, const char *out,
                const bundle_options *o, bundle_result *r, char *err, size_t errlen);

/* Joins shard bundles (each verified first) into one bundle with one
 * 汇总表, one manifest and one signature. 0, or -1 with nothing written. */
int bundle_merge(context *ctx, char **parts, int nparts, const char *school_file, const char *out,
                 time_t when, bundle_result *r, char *err, size_t errlen);

/* What a bundle is judged against: the trust store (NULL or no anchor:
 * the signer's identity is unverified and the bundle not accepted) and
 * the time certificates are judged at. Messages are in the process
 * language (util_lang.h). */
/* A problem's kind, for a caller that files problems under its own
 * headings (the archive's 四性检测, archive_check.h). */
typedef enum {
    BP_MANIFEST,    /* manifest.p7s not valid, or its signer not trusted */
    BP_PATH,        /* a path of the manifest that is not a plain relative one */
    BP_MISSING,     /* listed, not there (or not readable) */
    BP_DIGEST,      /* there, but not the SHA-256 the manifest lists */
    BP_SIGNATURE,   /* a dossier's PDF signatures not valid or not trusted */
    BP_EXTRA,       /* there, not listed (links, special and hidden files too) */
} bundle_problem;

typedef struct bundle_check {
    const struct trust *trust;
    time_t now;
    /* Optional: each problem also given here (path, kind, the reason
     * without the path), besides its line on out. */
    void (*problem)(void *arg, const char *path, bundle_problem kind, const char *reason);
    void *arg;
} bundle_check;

/* Checks a bundle folder: the manifest's signature first (when it is not
 * valid and trusted nothing else is opened), then every listed file's
 * SHA-256 (read once, links never followed), no file missing or added
 * (links, special and hidden files count as added), every dossier's PDF
 * signatures (verify.h). 1 intact and trusted, 0 not (problems printed
 * to out, one a line), -1 not a bundle. *signer gets the manifest
 * signer's name. */
int bundle_verify(const char *dir, const bundle_check *c, FILE *out, char **signer,
                  char *err, size_t errlen);

/* Every entry under root (four levels deep at most), sorted by relative
 * path; regular is 0 for anything but a plain, non-hidden file. */
typedef struct bundle_entry {
    char *rel;
    int regular;
} bundle_entry;
bundle_entry *bundle_walk(const char *root, int *n);
void bundle_walk_free(bundle_entry *v, int n);

/* ---- Shared by the bundle's files (bundle_run.c, bundle_summary.c,
 * bundle_manifest.c, verify_bundle.c); not for other stages. ---- */

/* Writes a file of the bundle (temporary file + rename). 0, or -1 with
 * err naming the file and the reason. */
int bundle_write_text(const char *path, const char *text, size_t len, char *err, size_t errlen);

/* The bundle's files as sorted relative paths (manifest.xml and
 * manifest.p7s left out). */
char **bundle_files(const char *root, int *n);

/* manifest.xml (every file's size and SHA-256) and manifest.p7s (its
 * detached CMS signature by the school) in dir. 0, or -1 with err. */
struct school;
int bundle_write_manifest(const char *dir, const struct school *sc, time_t when, char *err, size_t errlen);

/* One <file> of a manifest.xml, as read back by `verify` and by the
 * archive from its kept copies. A missing path or sha256 reads as "",
 * a missing size as -1; whole says all three were there and sha256 is
 * 64 characters. */
typedef struct manifest_entry {
    char *path;
    long long size;
    char sha[65];
    int whole;
} manifest_entry;
/* The <file> entries of manifest bytes, in document order (*n of them;
 * malloc'd, manifest_entries_free). name is for messages. NULL with err
 * when data is not XML or its root is not <manifest>. */
manifest_entry *manifest_read(const char *name, const char *data, size_t len, int *n, char *err, size_t errlen);
void manifest_entries_free(manifest_entry *e, int n);

/* Removes a folder a run made (a staging folder), and everything in it. */
void bundle_remove_tree(const char *dir);

/* One line of the 汇总表. Rows are made one way only: read back from the
 * record a worker wrote (dossiers/ID.xml for a dossier, refused/ID.xml for
 * a refusal), so a run, a merge and the archive all see the same fields.
 * Strings are never NULL ("" when absent); has_score and hours < 0 mark
 * what a profile does not have. */
typedef struct bundle_row {
    char *id, *name, *school, *title, *outcome;
    char *folders;           /* refused: the submission folders' base names */
    char *reason;            /* refused: the first reasons, joined by "；" */
    long obs, lessons, reports, reflections, days, hours;
    long met, reqs;          /* requirements met, of all the profile's */
    double score;
    int has_score, refused;
    int nsubs;               /* submissions the row stands for (two for a duplicate id) */
} bundle_row;

struct checked;
/* dossiers/ID.xml: what the archive index records of a dossier (and the
 * submission's folder base name, for a merge to name it). */
int bundle_write_record(const char *dir, const char *id, const char *folder, const struct checked *c,
                        char *err, size_t errlen);
/* refused/ID.xml: who was refused and why. c may be NULL (nothing could
 * be read); folders are base names joined by "、", nsubs how many. */
int bundle_write_refusal_record(const char *dir, const char *id, const struct checked *c, const char *folders,
                                int nsubs, const char *reason, char *err, size_t errlen);
/* The row of submission id's record in dir. 0, or -1 when it has none. */
int bundle_read_row(const char *dir, const char *id, bundle_row *r);
/* The rows of every record under dir/dossiers and dir/refused. */
bundle_row *bundle_read_rows(const char *dir, int *n);
void bundle_free_rows(bundle_row *rows, int n);
void bundle_free_row(bundle_row *r);

/* summary.csv and summary.pdf of the rows (sorted here, surname-aware
 * pinyin), passed and refused, into dir. 0, or -1 with err. */
int bundle_write_summary(context *ctx, const struct school *sc, const char *dir, bundle_row *rows, int n,
                         time_t when, char *err, size_t errlen);

#endif
