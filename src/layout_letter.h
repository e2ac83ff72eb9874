/* layout_letter.h — the base school's covering letter (报送函), typeset by the
 * GB/T 9704-2012 template (templates/pages/letter.xml).
 * Takes: a letter file (templates/schemas/letter.xsd). Gives: its block
 * tree for the layout stage, or a finding-style message on bad input. */
#ifndef DANGAN_LETTER_H
#define DANGAN_LETTER_H

#include <stddef.h>
#include "layout_blocks.h"

/* What the PDF's document information says of a letter (caller frees
 * with letter_meta_free): its title, the sender as author, and as
 * keywords the addressee and the date ("XX县教育体育局; 2016-09-30"). */
typedef struct letter_meta {
    char *title, *author, *keywords;
} letter_meta;

/* Loads, validates and turns the letter into blocks. 0, or -1 with err
 * ("file:line: message"). */
int letter_blocks(const char *path, const char *xsd, block_list *out, letter_meta *meta,
                  char *err, size_t errlen);
void letter_meta_free(letter_meta *meta);

#endif
