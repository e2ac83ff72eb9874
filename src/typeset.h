/* typeset.h — check → lay out → emit PDF for one submission, as one call.
 * Takes: a checked submission and the process context. Gives: the
 * dossier PDF. `build` and `bundle` both call it. */
#ifndef DANGAN_BUILD_H
#define DANGAN_BUILD_H

#include <stddef.h>
#include "check_run.h"
#include "load_context.h"
#include "layout_pages.h"

typedef struct build_options {
    int draft;
    long long epoch;          /* SOURCE_DATE_EPOCH, or -1: now */
    const char *school;       /* SCHOOL.xml: stamp the dossier (NULL: no stamp) */
} build_options;

/* Lays out c into a new document (*out). 0, or -1 with err. */
int build_document(context *ctx, const checked *c, const build_options *o, document **out,
                   char *err, size_t errlen);
/* Lays out and writes path (temporary file renamed into place). */
int build_pdf(context *ctx, const checked *c, const build_options *o, const char *path,
              char *err, size_t errlen);

struct school;
/* PDF bytes of the dossier, stamped and signed when sc is not NULL (and
 * names a signer). *data is malloc'd. 0, or -1 with err. */
int build_dossier_bytes(context *ctx, const checked *c, const build_options *o,
                        const struct school *sc, unsigned char **data, size_t *len,
                        char *err, size_t errlen);

/* The covering letter (layout_letter.h) by the GB/T 9704 template, to path. */
int build_letter_pdf(context *ctx, const char *letter, const build_options *o, const char *path,
                     char *err, size_t errlen);

#endif
