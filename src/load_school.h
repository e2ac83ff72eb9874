/* load_school.h — the base school (SCHOOL.xml, spec §6): name and seal text for
 * the stamp, signer certificate and key for the PDF signature.
 * Takes: the file. Gives: the fields, paths resolved against its folder. */
#ifndef DANGAN_SCHOOL_H
#define DANGAN_SCHOOL_H

#include <stddef.h>

typedef struct school {
    char *code, *name, *purpose;
    char *cert, *key;        /* NULL when the file names no signer */
} school;

/* 0, or -1 with err ("file:line: message"). */
int school_load(const char *path, const char *xsd, school *sc, char *err, size_t errlen);
void school_free(school *sc);

#endif
