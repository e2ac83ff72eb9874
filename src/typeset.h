/* typeset.h — the typeset stage: blocks → pages → PDF bytes, written once
 * here for every document the program makes (the dossier, the covering
 * letter, the bundle's 汇总表, the archive's 备案表).
 * Takes: a block list, the name of its page template
 * (templates/pages/NAME.xml), layout options, the PDF's document
 * information and the time the PDF is dated (the command's clock,
 * cmd_cli.h cli_clock: SOURCE_DATE_EPOCH or now — no stage reads the
 * environment). Gives: the PDF, as bytes or as a file written through a
 * temporary file renamed into place. Same input and time → same bytes.
 *
 * Two calls, typeset_layout() then typeset_emit(), because the dossier
 * does work between layout and PDF: its figures are decoded into their
 * printed boxes and, for a bundle, the seal and 骑缝章 are stamped on the
 * laid-out pages. typeset() is the two in one for documents that need
 * nothing in between. The dossier itself (check → blocks → typeset →
 * stamp → sign) is composed here too, as build_*. */
#ifndef DANGAN_TYPESET_H
#define DANGAN_TYPESET_H

#include <stddef.h>
#include <time.h>
#include "check_run.h"
#include "load_context.h"
#include "layout.h"

/* One document to typeset. The strings are copied; NULL reads as "". */
typedef struct typeset_input {
    const char *pages;        /* page template name: templates/pages/NAME.xml */
    const block_list *blocks;
    layout_options layout;    /* running header, draft watermark, plain cover */
    const char *title, *author, *subject, *keywords;   /* the PDF's document information */
} typeset_input;

/* The page template NAME (templates/pages/NAME.xml, validated), for a
 * caller that measures against it while making its blocks (the 汇总表's
 * column widths). 0, or -1 with err. */
int typeset_template(context *ctx, const char *name, page_template *t, char *err, size_t errlen);

/* Lays in out into a new document (*out, document_free). 0, or -1 with err
 * (nothing in *out). */
int typeset_layout(context *ctx, const typeset_input *in, document **out, char *err, size_t errlen);

/* PDF/A bytes of d dated when (*data malloc'd). 0, or -1 with err. */
int typeset_emit(context *ctx, const document *d, time_t when, unsigned char **data, size_t *len,
                 char *err, size_t errlen);

/* typeset_layout and typeset_emit, to path. 0, or -1 with err. */
int typeset(context *ctx, const typeset_input *in, time_t when, const char *path, char *err, size_t errlen);

/* ---- the dossier and the letter ---- */

typedef struct build_options {
    int draft;
    time_t when;              /* the PDF's date and the signing time */
    const char *school;       /* SCHOOL.xml: stamp the dossier (NULL: no stamp) */
} build_options;

/* Lays out c into a new document (*out), figures prepared. 0, or -1 with err. */
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
