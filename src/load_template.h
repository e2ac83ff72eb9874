/* load_template.h — page templates (templates/pages/NAME.xml): geometry,
 * header and footer, watermark and named text styles. Layout asks for
 * styles by name; every size and margin lives in the data file. */
#ifndef DANGAN_TEMPLATE_H
#define DANGAN_TEMPLATE_H

#include <stddef.h>
#include "util_limits.h"


typedef struct style {
    char name[32], role[32];
    float size, leading, indent_em, before, after, tracking;
    int justify, align;          /* align: 0 left, 1 centre, 2 right */
} style;

typedef struct page_template {
    float width, height, top, bottom, inner, outer;
    char header_style[32], footer_style[32], footer_format[64];
    float header_y, header_rule, footer_y;
    int footer_outside;          /* page numbers at the outer edge … */
    float footer_inset_em;       /* … this many characters in from it */
    char watermark[64];
    float watermark_size, watermark_gray, watermark_angle;
    float table_rule, table_pad, table_head_gray;
    style styles[MAX_STYLES];
    int nstyles;
} page_template;

/* Loads and validates templates/pages/<name>.xml. 0, or -1 with err. */
int template_load(const char *path, const char *xsd, page_template *t, char *err, size_t errlen);
/* The named style; a missing name falls back to the first style, so a
 * template edit can never crash a build (and the test suite catches it). */
const style *template_style(const page_template *t, const char *name);

#endif
