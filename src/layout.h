/* layout.h — the lay-out stage: blocks (layout_blocks.h) set into pages
 * (layout_pages.h) by the page template (load_template.h), with the text engine
 * (text.h) doing the lines. Gives positioned glyph runs, rules and
 * images; knows nothing of PDF.
 *
 * Page rules: headings are kept with the first two lines of what
 * follows; a paragraph never leaves a single line alone at the foot or
 * the top of a page (orphans, widows); a table row is never split and
 * header rows repeat; the TOC is filled with page numbers after the
 * rest is laid out; a running header on every page but the cover; page
 * numbers "— N —" in the footer; an optional draft watermark. */
#ifndef DANGAN_LAYOUT_H
#define DANGAN_LAYOUT_H

#include <stddef.h>
#include "layout_blocks.h"
#include "layout_pages.h"
#include "load_template.h"
#include "text.h"
#include "image.h"

typedef struct layout_options {
    const char *header;      /* running header text, NULL for none */
    int draft;               /* print the template's watermark */
    int plain_first;         /* no header or page number on page 1 (a cover) */
} layout_options;

/* 0, or -1 with err (an image that cannot be read). */
int layout_document(const block_list *bl, const page_template *t, text_engine *te,
                    const layout_options *o, document *out, char *err, size_t errlen);

/* One line of text on page `page` of d, outside the flow (verification
 * codes, filing stamps): baseline at PDF y, starting at x (align 0), centred
 * on x (1) or ending at x (2). */
void layout_text_at(document *d, int page, text_engine *te, const char *role, float size,
                    const char *text, float x, float y, int align, rgb color);


#endif
