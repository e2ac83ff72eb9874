/* bundle.h — the base school's verification bundle (spec §6).
 * Takes: submission folders, the school. Gives: a folder with
 * dossiers/ID.pdf (stamped, signed) for each passing submission,
 * refused/ID.txt for the others, summary.pdf and summary.csv (汇总表,
 * sorted by pinyin), manifest.xml (every file's SHA-256) and
 * manifest.p7s (the school's detached CMS signature of the manifest).
 * Built in a temporary folder renamed into place: never half a bundle. */
#ifndef DANGAN_BUNDLE_H
#define DANGAN_BUNDLE_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include "context.h"

typedef struct bundle_result {
    int passed, refused;
} bundle_result;

typedef struct bundle_options {
    int jobs;                /* worker processes; 0: one per core */
    int shard, shards;       /* --shard K/N: the K-th of N shares (1-based); 0/0: all */
    long long epoch;         /* SOURCE_DATE_EPOCH, or -1 */
} bundle_options;

/* 0 written (refusals counted in *r), -1 nothing written (err says why).
 * With a shard, only every N-th submission (in name order) from the K-th
 * is bundled: N runs on N machines cover all, and bundle_merge joins them. */
int bundle_make(context *ctx, char **dirs, int ndirs, const char *school_file, const char *out,
                const bundle_options *o, bundle_result *r, char *err, size_t errlen);

/* Joins shard bundles (each verified first) into one bundle with one
 * 汇总表, one manifest and one signature. 0, or -1 with nothing written. */
int bundle_merge(context *ctx, char **parts, int nparts, const char *school_file, const char *out,
                 long long epoch, bundle_result *r, char *err, size_t errlen);

/* What a bundle is judged against: the trust store (NULL or no anchor:
 * the signer's identity is unverified and the bundle not accepted), the
 * time certificates are judged at, the language of the messages. */
typedef struct bundle_check {
    const struct trust *trust;
    time_t now;
    int en;
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

/* Shared by bundle.c and bundle_verify.c: the bundle's files as sorted
 * relative paths (manifest.xml and manifest.p7s left out); a file's
 * SHA-256 in hex. */
char **bundle_files(const char *root, int *n);
int sha256_file(const char *path, char out[65], size_t *size);

#endif
