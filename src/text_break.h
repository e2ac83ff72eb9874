/* text_break.h — where a line of Chinese (and mixed) text may break.
 * Takes: code points. Gives: for each index i, whether a line may start
 * at i. ICU's line breaker (locale zh) decides first; clreq rules then
 * correct it (text.h lists them). */
#ifndef DANGAN_LINEBREAK_H
#define DANGAN_LINEBREAK_H

#include <stdint.h>

/* One per thread: ICU's break iterator is costly to open (measured: 4% of
 * a dossier's build time when opened per paragraph), so it is opened once
 * and given each paragraph's text. */
typedef struct line_breaker line_breaker;
line_breaker *line_breaker_new(void);
void line_breaker_free(line_breaker *lb);

/* brk[i] = 1 when a break is allowed before cp[i], 2 when it is allowed
 * only if the line has no other (between Han and a Latin word or number:
 * 第2节), 0 when forbidden. brk[0] is 0. */
void linebreak_find(line_breaker *lb, const uint32_t *cp, int n, unsigned char *brk);

/* Classes used by the breaker and by punctuation compression. */
int lb_no_start(uint32_t c);    /* may not begin a line: ，。、）》」…— */
int lb_no_end(uint32_t c);      /* may not end a line: （《「“ */
int lb_is_cjk(uint32_t c);      /* ideographs, kana, full-width forms */
int lb_is_space(uint32_t c);    /* collapsible white space */

#endif
