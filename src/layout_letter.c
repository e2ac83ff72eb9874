/* layout_letter.c — see layout_letter.h.
 *
 * GB/T 9704-2012 7.3: title centred; 主送机关 flush left on the next line
 * but one; body paragraphs indented two characters; 成文日期 right with
 * four characters' space; 发文机关署名 centred over the date. */
#include "layout_letter.h"
#include "util_lang.h"
#include "util_date.h"
#include "util.h"
#include "check_schema.h"
#include "load_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Width in characters: a Latin letter or digit is half a character. */
static float chars(const char *s)
{
    size_t len = strlen(s), i = 0;
    float w = 0;
    while (i < len) {
        int32_t c = utf8_next(s, len, &i);
        if (c < 0) { i++; continue; }
        w += c < 0x2E80 ? 0.5f : 1;
    }
    return w;
}

static void add(block_list *out, const char *style, const char *text, float inset)
{
    block *b = blocks_add(out, BLOCK_PARA, style, text);
    b->inset_em = inset;
}

/* The addressee without the full-width colon that ends its line. */
static char *addressee(const char *to)
{
    size_t n = strlen(to);
    const char *colon = "\xEF\xBC\x9A";   /* ： */
    if (n >= 3 && !memcmp(to + n - 3, colon, 3)) n -= 3;
    else if (n && to[n - 1] == ':') n--;
    return xstrndup(to, n);
}

void letter_meta_free(letter_meta *meta)
{
    free(meta->title);
    free(meta->author);
    free(meta->keywords);
    memset(meta, 0, sizeof *meta);
}

int letter_blocks(const char *path, const char *xsd, block_list *out, letter_meta *meta,
                  char *err, size_t errlen)
{
    memset(meta, 0, sizeof *meta);
    xmlDocPtr doc = xml_load_data(path, err, errlen);
    if (!doc) return -1;
    if (schema_check_data(xsd, doc, err, errlen) != 0) {
        xmlFreeDoc(doc);
        return -1;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    char *t = xml_child_text(root, "title"), *to = xml_child_text(root, "to"),
         *from = xml_child_text(root, "from"), *date = xml_child_text(root, "date");
    long day;
    int rc = date_parse(date, &day);
    if (rc != 0) {
        snprintf(err, errlen, TR("%s:%ld: 成文日期 %s 不是有效日期", "%s:%ld: the letter's date %s is not a valid date"), path, xml_line(xml_child(root, "date")), date);
    } else {
        int y, m, d;
        date_to_ymd(day, &y, &m, &d);
        char when[32];
        snprintf(when, sizeof when, "%d年%d月%d日", y, m, d);
        add(out, "title", t, 0);
        add(out, "to", to, 0);
        for (xmlNodePtr n = root->children; n; n = n->next) {
            if (!xml_is(n, "p")) continue;
            xmlChar *c = xmlNodeGetContent(n);
            add(out, "body", (const char *)c, 0);
            xmlFree(c);
        }
        /* A blank line before the signature block, as the standard shows. */
        blocks_add(out, BLOCK_SPACE, NULL, NULL)->space = -1;
        add(out, "signature", from, 4 + (chars(when) - chars(from)) / 2);
        add(out, "signature", when, 4);
        char *who = addressee(to);
        meta->title = xstrdup(t);
        meta->author = xstrdup(from);
        meta->keywords = xasprintf("%s; %s", who, date);
        free(who);
    }
    free(t); free(to); free(from); free(date);
    xmlFreeDoc(doc);
    return rc;
}
