/* stamp.h — the base school's stamp on a laid-out dossier (spec §6).
 * Takes: a document (layout_pages.h) before the PDF stage, the school, the
 * content hash. Gives: the same document with the red seal on the cover
 * and over the assessment's signature, a 骑缝章 slice on the outer edge
 * of every page, a verification code on every page and a QR code on the
 * cover. Geometry and colours from templates/stamp.xml. */
#ifndef DANGAN_STAMP_H
#define DANGAN_STAMP_H

#include <stddef.h>
#include "font_set.h"
#include "layout_pages.h"
#include "load_school.h"
#include "stamp_seal.h"
#include "load_submission.h"
#include "text.h"

typedef struct stamp_style {
    seal_style seal;
    float stitch_diameter, min_slice, stitch_height;   /* points; height: fraction of the page */
    float code_size, code_bottom;                       /* points */
    float qr_size, qr_left, qr_bottom;                  /* points */
} stamp_style;

int stamp_style_load(const char *path, const char *xsd, stamp_style *st, char *err, size_t errlen);

/* SHA-256 of a submission's content: each file's name, a NUL, its bytes,
 * in name order. The same records always give the same hash. */
int content_hash(const submission *s, unsigned char hash[32]);

/* The page's verification code: "XXXX-XXXX", from SHA-256(hash ‖ page). */
void page_code(const unsigned char hash[32], int page, char code[10]);

/* Stamps every page of d. 0, or -1 with err (a QR code that cannot be made). */
int stamp_document(document *d, const font_set *fs, text_engine *te, const stamp_style *st,
                   const school *sc, const char *placement_id, const unsigned char hash[32],
                   char *err, size_t errlen);

#endif
