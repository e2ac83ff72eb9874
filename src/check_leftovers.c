/* check_leftovers.c — see check_leftovers.h.
 *
 * Two rules, so that a real text in parentheses is not taken for a
 * leftover: a value field (an element holding nothing but a short text:
 * <name>, <school>, <topic> …) whose whole text is （…） is unfilled; a
 * prose block (<p>, <item>) only when its whole text is one of the
 * skeleton's own placeholders — “（学生齐读课文）” in a lesson record is a
 * stage direction, “（听课笔记）” is the skeleton's. */
#include "check_leftovers.h"
#include "util.h"
#include "check_schema.h"
#include "load_xml.h"
#include "util_limits.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define OPEN_PAREN "\xEF\xBC\x88"   /* （ U+FF08 */
#define CLOSE_PAREN "\xEF\xBC\x89"  /* ） U+FF09 */
#define PAREN_LEN 3

/* 1 when s (trimmed, length n) is （…） with no parenthesis inside. */
static int paren_form(const char *s, size_t n)
{
    if (n < 2 * PAREN_LEN || n > MAX_PLACEHOLDER) return 0;
    if (memcmp(s, OPEN_PAREN, PAREN_LEN) || memcmp(s + n - PAREN_LEN, CLOSE_PAREN, PAREN_LEN)) return 0;
    for (size_t i = PAREN_LEN; i + PAREN_LEN < n; i++)
        if (!memcmp(s + i, OPEN_PAREN, PAREN_LEN) || !memcmp(s + i, CLOSE_PAREN, PAREN_LEN) || s[i] == '<') return 0;
    return 1;
}

static void add_placeholder(placeholders *ph, const char *s, size_t n)
{
    if (ph->n == MAX_PLACEHOLDERS) return;
    for (int i = 0; i < ph->n; i++)
        if (strlen(ph->text[i]) == n && !memcmp(ph->text[i], s, n)) return;
    ph->text = xrealloc(ph->text, (size_t)(ph->n + 1) * sizeof *ph->text);
    ph->text[ph->n++] = xstrndup(s, n);
}

/* Every ">（…）<" of a skeleton file, in its markup or its commented
 * examples alike: the skeleton is text to us, not a document. */
static void scan_skeleton(const char *text, size_t len, placeholders *ph)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (text[i] != '>') continue;
        const char *end = memchr(text + i + 1, '<', len - i - 1);
        if (!end) break;
        size_t n = (size_t)(end - (text + i + 1));
        if (paren_form(text + i + 1, n)) add_placeholder(ph, text + i + 1, n);
    }
}

void placeholders_load(const char *dir, placeholders *ph)
{
    memset(ph, 0, sizeof *ph);
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".xml")) continue;
        char *path = path_join(dir, e->d_name), *text;
        size_t len;
        if (read_file(path, MAX_SKELETON_FILE, &text, &len) == 0) {
            scan_skeleton(text, len, ph);
            free(text);
        }
        free(path);
    }
    closedir(d);
}

void placeholders_free(placeholders *ph)
{
    for (int i = 0; i < ph->n; i++) free(ph->text[i]);
    free(ph->text);
    memset(ph, 0, sizeof *ph);
}

static int prose(const xmlNode *n)
{
    return xml_is(n, "p") || xml_is(n, "item");
}

static int is_placeholder(const placeholders *ph, const char *s)
{
    for (int i = 0; i < ph->n; i++)
        if (!strcmp(ph->text[i], s)) return 1;
    return 0;
}

/* An element with text only (no child elements); its trimmed text. */
static char *leaf_text(const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) return NULL;
    /* Most texts do not start with （: say so without copying them. */
    const xmlNode *first = n->children;
    const char *p = first && first->type == XML_TEXT_NODE && first->content ? (const char *)first->content : "";
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    if (strncmp(p, OPEN_PAREN, PAREN_LEN) != 0) return NULL;
    xmlChar *t = xmlNodeGetContent(n);
    if (!t) return NULL;
    const char *s = (const char *)t, *e = s + strlen(s);
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) e--;
    char *r = xstrndup(s, (size_t)(e - s));
    xmlFree(t);
    return r;
}

static void walk(const xmlNode *n, const char *file, const placeholders *ph, findings *f)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        char *t = leaf_text(n);
        if (t && paren_form(t, strlen(t)) && (!prose(n) || is_placeholder(ph, t))) {
            const char *name = (const char *)n->name;
            finding_add(f, SEV_ERROR, "template.unfilled", file, xml_line(n), "no template placeholder",
                        "“%s”是模板里的占位文字：请在 <%s> 中填上实际内容",
                        "<%2$s> still holds the template's placeholder '%1$s': fill in the real value",
                        t, name);
        }
        free(t);
        walk(n->children, file, ph, f);
    }
}

void leftovers_check(const submission *s, const placeholders *ph, findings *f)
{
    if (s->placement >= 0 && s->id && !strcmp(s->id, SKELETON_ID))
        finding_add(f, SEV_ERROR, "template.unfilled", s->files[s->placement].name, s->profile_line,
                    "placement/@id", "编号 %s 是 dangan init 写入的默认值：请改成本次跟岗的实际编号（如 LX2016-0007）",
                    "placement id %s is the default dangan init writes: set the placement's real id (e.g. LX2016-0007)",
                    SKELETON_ID);
    for (int i = 0; i < s->nfiles; i++)
        if (s->files[i].doc) walk(xmlDocGetRootElement(s->files[i].doc), s->files[i].name, ph, f);
}
