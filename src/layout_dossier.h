/* layout_dossier.h — what the dossier says, in what order (spec §5).
 * Takes: a checked submission (check_run.h). Gives: the block tree (layout_blocks.h)
 * of cover, table of contents, registration form, requirements
 * check-list, 研修日志, 听课记录, 教案, reflections and 鉴定意见.
 * Knows nothing of fonts, sizes or pages: styles are named, the page
 * template sizes them. */
#ifndef DANGAN_DOSSIER_H
#define DANGAN_DOSSIER_H

#include "layout_blocks.h"
#include "check_run.h"

void dossier_blocks(const checked *c, block_list *out);

/* The running header text ("program · teacher"); caller frees. */
char *dossier_header(const checked *c);

/* The dossier's /Keywords: "ID | START/END | HOME SCHOOL | SCORE OUTCOME
 * HOURS学时" ("—" for what the profile has not). The archive rebuilds it
 * from the signed record and refuses a record the signed PDF contradicts,
 * so both sides make it here. has_score 0: no score; hours < 0: none. */
char *dossier_keywords(const char *id, const char *start, const char *end, const char *home,
                       int has_score, double score, const char *outcome, long hours);

#endif
