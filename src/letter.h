/* letter.h — the base school's covering letter (报送函), typeset by the
 * GB/T 9704-2012 template (templates/pages/letter.xml).
 * Takes: a letter file (templates/schemas/letter.xsd). Gives: its block
 * tree for the layout stage, or a finding-style message on bad input. */
#ifndef DANGAN_LETTER_H
#define DANGAN_LETTER_H

#include <stddef.h>
#include "blocks.h"

/* Loads, validates and turns the letter into blocks. 0, or -1 with err
 * ("file:line: message"). title receives the letter's title (caller frees). */
int letter_blocks(const char *path, const char *xsd, block_list *out, char **title,
                  char *err, size_t errlen);

#endif
