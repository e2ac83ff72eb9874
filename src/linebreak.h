/* linebreak.h — where a line of Chinese (and mixed) text may break.
 * Takes: code points. Gives: for each index i, whether a line may start
 * at i. ICU's line breaker (locale zh) decides first; clreq rules then
 * correct it (text.h lists them). */
#ifndef DANGAN_LINEBREAK_H
#define DANGAN_LINEBREAK_H

#include <stdint.h>

/* brk[i] = 1 when a break is allowed before cp[i], 2 when it is allowed
 * only if the line has no other (between Han and a Latin word or number:
 * 第2节), 0 when forbidden. brk[0] is 0. */
void linebreak_find(const uint32_t *cp, int n, unsigned char *brk);

/* Classes used by the breaker and by punctuation compression. */
int lb_no_start(uint32_t c);    /* may not begin a line: ，。、）》」…— */
int lb_no_end(uint32_t c);      /* may not end a line: （《「“ */
int lb_is_cjk(uint32_t c);      /* ideographs, kana, full-width forms */
int lb_is_space(uint32_t c);    /* collapsible white space */

#endif
