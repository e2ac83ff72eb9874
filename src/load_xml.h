/* load_xml.h — the only door untrusted XML comes through.
 * Takes: a file path. Gives: a libxml2 document, or findings saying why
 * not (xml.malformed, xml.forbidden). Never loads a DTD, never substitutes
 * an entity, never touches the network. */
#ifndef DANGAN_XMLLOAD_H
#define DANGAN_XMLLOAD_H

#include <libxml/tree.h>
#include "check_findings.h"
#include "util_limits.h"   /* XML_MAX_*: the defensive limits */


/* Loads a submission file. `shown` is the name used in findings (relative
 * to the submission folder). Returns the document, or NULL: then either a
 * finding was added (the file was judged bad), or *io_error is set (the
 * file could not be read at all) and errbuf says why. */
xmlDocPtr xml_load_untrusted(const char *path, const char *shown, findings *f,
                             int *io_error, char *errbuf, size_t errlen);

/* Loads one of the project's own data files (profiles, calendars, fonts).
 * Same safety options; any problem is an error message, not a finding. */
xmlDocPtr xml_load_data(const char *path, char *errbuf, size_t errlen);
/* The same for bytes already read (a file read once, then judged). */
xmlDocPtr xml_load_memory(const char *shown, const char *buf, size_t len, char *errbuf, size_t errlen);

/* Namespace of every element the project reads or writes. */
#define DANGAN_NS "urn:dangan:1"

/* 1 if node is an element named `name` in DANGAN_NS. */
int xml_is(const xmlNode *node, const char *name);
/* First child element named `name`, or NULL. */
xmlNodePtr xml_child(const xmlNode *node, const char *name);
/* Attribute value (owned by the caller, free with xmlFree) or NULL. */
char *xml_attr(const xmlNode *node, const char *name);
/* Text content of the first child element `name`, trimmed; caller frees
 * with free(). NULL when absent. */
char *xml_child_text(const xmlNode *node, const char *name);
/* Line of a node (never 0 for parsed nodes). */
long xml_line(const xmlNode *node);

#endif
