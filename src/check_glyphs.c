/* check_glyphs.c — see check_glyphs.h.
 *
 * A character must be drawable in every role (body, heading, kai): the
 * same name can appear in a heading, a table and a signature, and the
 * dossier must never show a blank or a box for it. */
#include "check_glyphs.h"
#include "util.h"
#include "load_xml.h"
#include "util_limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef struct seen {
    uint32_t cp[MAX_REPORTED];
    int n;
} seen;

static int already(seen *sn, uint32_t cp)
{
    for (int i = 0; i < sn->n; i++)
        if (sn->cp[i] == cp) return 1;
    return 0;
}

static void scan_text(const char *t, const char *file, long line, const font_set *fs,
                      seen *sn, findings *f)
{
    size_t len = strlen(t), i = 0;
    while (i < len && sn->n < MAX_REPORTED) {
        size_t at = i;
        int32_t cp = utf8_next(t, len, &i);
        if (cp < 0) { i = at + 1; continue; }
        if (cp >= 0x20 && cp < 0x7F) continue;   /* ASCII: every font has it */
        if (fonts_covers_every_role(fs, (uint32_t)cp) || already(sn, (uint32_t)cp)) continue;
        sn->cp[sn->n++] = (uint32_t)cp;
        /* Control characters are named by code only: printed raw they
         * would corrupt the terminal or the JSON line. */
        int printable = cp >= 0xA0;
        char ch[8];
        snprintf(ch, sizeof ch, "%.*s", printable ? (int)(i - at) : 0, t + at);
        finding_add(f, SEV_ERROR, "glyph.missing", file, line, "glyph",
                    "字符“%s”（U+%04X）在所有字体中都没有字形，无法排印：请改用常用字或删去",
                    "character '%s' (U+%04X) has no glyph in any shipped font and cannot be typeset",
                    ch, (unsigned)cp);
    }
}

static void scan_node(xmlNodePtr n, const char *file, const font_set *fs, seen *sn, findings *f)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE && n->content)
            scan_text((const char *)n->content, file, xml_line(n), fs, sn, f);
        if (n->type != XML_ELEMENT_NODE) continue;
        /* Attributes that are printed: step titles, signer names. */
        for (xmlAttrPtr a = n->properties; a; a = a->next) {
            const char *an = (const char *)a->name;
            if ((strcmp(an, "title") && strcmp(an, "by")) || !a->children) continue;
            scan_text((const char *)a->children->content, file, xml_line(n), fs, sn, f);
        }
        scan_node(n->children, file, fs, sn, f);
    }
}

void glyphs_check(const submission *s, const font_set *fs, findings *f)
{
    seen sn;
    sn.n = 0;
    for (int i = 0; i < s->nfiles; i++)
        if (s->files[i].doc)
            scan_node(xmlDocGetRootElement(s->files[i].doc), s->files[i].name, fs, &sn, f);
}
