/* check_schema.h — XSD validation with messages a teacher can act on.
 * Takes: a parsed document and its root kind. Gives: schema.invalid
 * findings in Chinese (libxml2's English kept for --lang en). */
#ifndef DANGAN_VALIDATE_H
#define DANGAN_VALIDATE_H

#include <libxml/tree.h>
#include "check_findings.h"

typedef struct schemas schemas;

/* Compiles one schema per submission root from templates/schemas/.
 * Done once per process: compiling costs more than validating. */
schemas *schemas_load(const char *schema_dir, char *err, size_t errlen);
void schemas_free(schemas *s);

/* Validates doc against the schema of its root element `root`.
 * Returns 0 when valid; otherwise adds findings and returns -1. */
int schemas_validate(schemas *s, const char *root, xmlDocPtr doc, const char *shown,
                     findings *f);

/* Validates one of the project's data files against xsd_path; on failure
 * writes "file:line: message" into err and returns -1. */
int schema_check_data(const char *xsd_path, xmlDocPtr doc, char *err, size_t errlen);

/* Chinese name of a format element ("observation" → "听课记录"), or the
 * element name itself when it has none. */
const char *element_label(const char *name);

#endif
