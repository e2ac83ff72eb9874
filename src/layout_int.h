/* layout_int.h — internal to the layout stage (layout_flow.c, layout_table.c):
 * the flow state, a cursor going down the pages, and the helpers both
 * files use. Not for other modules: they use layout.h. */
#ifndef DANGAN_LAYOUT_FLOW_H
#define DANGAN_LAYOUT_FLOW_H

#include "layout.h"
#include "util_limits.h"


typedef struct toc_entry {
    const char *title;
    int level, page;
} toc_entry;

typedef struct flow {
    const page_template *t;
    text_engine *te;
    const layout_options *o;
    document *doc;
    page *pg;
    float y;             /* down from the page top */
    float x0, measure, bottom;
    int at_top;          /* nothing placed on this page yet */
    toc_entry toc[MAX_TOC];
    int ntoc;
    int toc_page, toc_pages;
    float toc_y;
    /* The lines of the paragraph after a heading, set early to keep the
     * two together and kept for when that paragraph is placed (setting
     * it twice was 4% of a build). */
    const block *ahead;
    float ahead_measure;
    text_lines ahead_lines;
    /* Blocks before this index belong to a unit already seen to fit
     * (keep_together), so they are not measured again. */
    int kept_until;
} flow;

float flow_pdf_y(const flow *fl, float y);
void flow_new_page(flow *fl);
text_style flow_text_style(const style *s);
void flow_place_lines(flow *fl, const text_lines *tl, size_t from, size_t to, const style *s,
                      float x, float measure, uint32_t text_base);
void flow_rect(flow *fl, float x, float ytop, float w, float h, float stroke, float gray);

/* layout_table.c */
void flow_table(flow *fl, const block *b);
int flow_figure(flow *fl, const block *b, char *err, size_t errlen);

#endif
