/* load_template.c — see load_template.h. */
#include "load_template.h"
#include "util_lang.h"
#include "util.h"
#include "check_schema.h"
#include "load_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static float num(xmlNodePtr n, const char *name, float dflt)
{
    char *v = xml_attr(n, name);
    float f = v ? strtof(v, NULL) : dflt;
    xmlFree(v);
    return f;
}

static void str(xmlNodePtr n, const char *name, char *out, size_t len)
{
    char *v = xml_attr(n, name);
    snprintf(out, len, "%s", v ? v : "");
    xmlFree(v);
}

static int flag(xmlNodePtr n, const char *name)
{
    char *v = xml_attr(n, name);
    int f = v && (!strcmp(v, "true") || !strcmp(v, "1"));
    xmlFree(v);
    return f;
}

static void read_style(xmlNodePtr n, style *s)
{
    char align[16];
    str(n, "name", s->name, sizeof s->name);
    str(n, "role", s->role, sizeof s->role);
    s->size = num(n, "size", 10.5f);
    s->leading = num(n, "leading", s->size * 1.5f);
    s->indent_em = num(n, "indent", 0);
    s->before = num(n, "before", 0);
    s->after = num(n, "after", 0);
    s->tracking = num(n, "tracking", 0);
    s->justify = flag(n, "justify");
    str(n, "align", align, sizeof align);
    s->align = !strcmp(align, "center") ? 1 : !strcmp(align, "right") ? 2 : 0;
}

static void read_node(xmlNodePtr n, page_template *t)
{
    if (xml_is(n, "page")) {
        t->width = num(n, "width", 595.28f);
        t->height = num(n, "height", 841.89f);
        t->top = num(n, "top", 72);
        t->bottom = num(n, "bottom", 72);
        t->inner = num(n, "inner", 72);
        t->outer = num(n, "outer", 72);
    } else if (xml_is(n, "header")) {
        str(n, "style", t->header_style, sizeof t->header_style);
        t->header_y = num(n, "y", 40);
        t->header_rule = num(n, "rule", 0);
    } else if (xml_is(n, "footer")) {
        str(n, "style", t->footer_style, sizeof t->footer_style);
        str(n, "format", t->footer_format, sizeof t->footer_format);
        t->footer_y = num(n, "y", 40);
        t->footer_outside = flag(n, "outside");
        t->footer_inset_em = num(n, "inset", 0);
    } else if (xml_is(n, "watermark")) {
        str(n, "text", t->watermark, sizeof t->watermark);
        t->watermark_size = num(n, "size", 100);
        t->watermark_gray = num(n, "gray", 0.85f);
        t->watermark_angle = num(n, "angle", 45);
    } else if (xml_is(n, "table")) {
        t->table_rule = num(n, "rule", 0.5f);
        t->table_pad = num(n, "pad", 4);
        t->table_head_gray = num(n, "head-gray", 0.9f);
    } else if (xml_is(n, "style") && t->nstyles < MAX_STYLES) {
        read_style(n, &t->styles[t->nstyles++]);
    }
}

int template_load(const char *path, const char *xsd, page_template *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    xmlDocPtr doc = xml_load_data(path, err, errlen);
    if (!doc) return -1;
    if (schema_check_data(xsd, doc, err, errlen) != 0) {
        xmlFreeDoc(doc);
        return -1;
    }
    for (xmlNodePtr n = xmlDocGetRootElement(doc)->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE) read_node(n, t);
    xmlFreeDoc(doc);
    /* The measure must leave room for at least a few characters. */
    if (t->width - t->inner - t->outer < 72 || t->height - t->top - t->bottom < 72) {
        snprintf(err, errlen, TR("%s: 版心过小（页边距大于页面）", "%s: no room for text (margins larger than the page)"), path);
        return -1;
    }
    return 0;
}

const style *template_style(const page_template *t, const char *name)
{
    for (int i = 0; i < t->nstyles; i++)
        if (!strcmp(t->styles[i].name, name)) return &t->styles[i];
    return &t->styles[0];
}
