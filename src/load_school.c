/* load_school.c — see load_school.h. */
#include "load_school.h"
#include "util.h"
#include "check_schema.h"
#include "load_xml.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

static char *beside(const char *file, const char *rel)
{
    if (!rel) return NULL;
    if (rel[0] == '/') return xstrdup(rel);
    char *copy = xstrdup(file);
    char *r = path_join(dirname(copy), rel);
    free(copy);
    return r;
}

int school_load(const char *path, const char *xsd, school *sc, char *err, size_t errlen)
{
    memset(sc, 0, sizeof *sc);
    xmlDocPtr doc = xml_load_data(path, err, errlen);
    if (!doc) return -1;
    if (schema_check_data(xsd, doc, err, errlen) != 0) {
        xmlFreeDoc(doc);
        return -1;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc), seal = xml_child(root, "seal"),
               signer = xml_child(root, "signer");
    char *code = xml_attr(root, "code"), *purpose = xml_attr(seal, "purpose");
    sc->code = xstrdup(code);
    sc->purpose = xstrdup(purpose);
    sc->name = xml_child_text(root, "name");
    xmlFree(code);
    xmlFree(purpose);
    if (signer) {
        char *c = xml_attr(signer, "certificate"), *k = xml_attr(signer, "key");
        sc->cert = beside(path, c);
        sc->key = beside(path, k);
        xmlFree(c);
        xmlFree(k);
    }
    xmlFreeDoc(doc);
    return 0;
}

void school_free(school *sc)
{
    free(sc->code);
    free(sc->name);
    free(sc->purpose);
    free(sc->cert);
    free(sc->key);
    memset(sc, 0, sizeof *sc);
}
