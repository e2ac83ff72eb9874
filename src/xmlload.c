/* xmlload.c — see xmlload.h.
 *
 * Why the SAX hooks: libxml2 with default options still parses an internal
 * DTD subset and keeps entity declarations, and an "entity bomb" costs
 * memory before any check of ours could run. Stopping the parser at the
 * first DOCTYPE or ENTITY declaration means nothing declared there is ever
 * read, let alone expanded. */
#include "xmlload.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

typedef struct load_state {
    long forbidden_line;      /* >0: a DTD or entity declaration was met here */
    const char *forbidden_what;
    int have_error;
    long error_line;
    char error_msg[256];
} load_state;

static long ctxt_line(xmlParserCtxtPtr ctxt)
{
    return ctxt && ctxt->input ? ctxt->input->line : 0;
}

static void stop_forbidden(void *ctx, const char *what)
{
    xmlParserCtxtPtr ctxt = ctx;
    load_state *st = ctxt->_private;
    if (!st->forbidden_line) {
        st->forbidden_line = ctxt_line(ctxt) > 0 ? ctxt_line(ctxt) : 1;
        st->forbidden_what = what;
    }
    xmlStopParser(ctxt);
}

static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext,
                               const xmlChar *sys)
{
    (void)name;
    stop_forbidden(ctx, (ext || sys) ? "external" : "doctype");
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type,
                           const xmlChar *pub, const xmlChar *sys, xmlChar *content)
{
    (void)name; (void)type; (void)pub; (void)sys; (void)content;
    stop_forbidden(ctx, "entity");
}

static void on_error(void *ctx, xmlErrorPtr err)
{
    /* libxml2 2.9 hands serror the parser context (its userData). */
    xmlParserCtxtPtr ctxt = ctx;
    load_state *st = ctxt->_private;
    if (st->have_error || !err) return;
    st->have_error = 1;
    st->error_line = err->line;
    snprintf(st->error_msg, sizeof st->error_msg, "%s", err->message ? err->message : "");
    size_t n = strlen(st->error_msg);
    while (n && (st->error_msg[n - 1] == '\n' || st->error_msg[n - 1] == ' '))
        st->error_msg[--n] = '\0';
}

static const int PARSE_OPTIONS = XML_PARSE_NONET | XML_PARSE_BIG_LINES |
                                 XML_PARSE_NOCDATA | XML_PARSE_NOXINCNODE;

/* Runs the parser with the hooks installed; NULL unless the whole file
 * parsed well-formed and declared nothing. */
static xmlDocPtr parse_guarded(const char *buf, size_t len, const char *url, load_state *st)
{
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) return NULL;
    ctxt->_private = st;
    ctxt->sax->internalSubset = on_internal_subset;
    ctxt->sax->entityDecl = on_entity_decl;
    ctxt->sax->serror = on_error;
    ctxt->sax->warning = NULL;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buf, (int)len, url, NULL, PARSE_OPTIONS);
    if (doc && (!ctxt->wellFormed || st->forbidden_line)) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}

/* Spec §2: submissions are UTF-8. Other encodings are refused with a
 * message that says how to fix it, rather than guessed at: a wrong guess
 * would put wrong characters into an archival record. */
static int check_encoding(const char *buf, size_t len, const char *shown, findings *f)
{
    const unsigned char *u = (const unsigned char *)buf;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        finding_add(f, SEV_ERROR, "xml.malformed", shown, 1, "encoding=UTF-8",
                    "文件是 UTF-16 编码，请用“另存为 UTF-8”重新保存",
                    "the file is UTF-16 encoded; save it again as UTF-8");
        return -1;
    }
    size_t skip = (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) ? 3 : 0;
    if (len - skip >= 5 && memcmp(buf + skip, "<?xml", 5) == 0) {
        const char *end = memchr(buf + skip, '>', len - skip);
        const char *enc = end ? strstr(buf + skip, "encoding") : NULL;
        if (enc && enc < end) {
            const char *q = strpbrk(enc, "\"'");
            if (q && q < end && strncasecmp(q + 1, "UTF-8", 5) != 0) {
                const char *qe = strchr(q + 1, *q);
                int n = qe && qe < end ? (int)(qe - q - 1) : 0;
                if (n > 40) n = 40;
                finding_add(f, SEV_ERROR, "xml.malformed", shown, 1, "encoding=UTF-8",
                            "文件声明的编码是 %.*s，本系统只接受 UTF-8：请另存为 UTF-8 并把声明改为 encoding=\"UTF-8\"",
                            "the file declares encoding %.*s; only UTF-8 is accepted: save it as UTF-8",
                            n, q + 1, n, q + 1);
                return -1;
            }
        }
    }
    long bad = utf8_first_invalid(buf, len);
    if (bad >= 0) {
        finding_add(f, SEV_ERROR, "xml.malformed", shown, line_of_offset(buf, (size_t)bad),
                    "encoding=UTF-8",
                    "第 %ld 字节不是有效的 UTF-8 编码（文件可能是 GBK/GB18030 编码，请另存为 UTF-8）",
                    "byte %ld is not valid UTF-8 (the file may be GBK/GB18030; save it as UTF-8)",
                    bad + 1, bad + 1);
        return -1;
    }
    return 0;
}

static const char *forbidden_zh(const char *what)
{
    if (!strcmp(what, "external")) return "文件引用了外部 DTD，这是不允许的：请删除 <!DOCTYPE …> 声明";
    if (!strcmp(what, "entity")) return "文件声明了实体（<!ENTITY …>），这是不允许的：请删除该声明，直接写出文字";
    return "文件含有 <!DOCTYPE …> 声明，这是不允许的：请删除该声明";
}

static const char *forbidden_en(const char *what)
{
    if (!strcmp(what, "external")) return "the file refers to an external DTD, which is not allowed: remove the <!DOCTYPE …> declaration";
    if (!strcmp(what, "entity")) return "the file declares an entity (<!ENTITY …>), which is not allowed: write the text out instead";
    return "the file has a <!DOCTYPE …> declaration, which is not allowed: remove it";
}

/* Walks the tree once for the limits a well-formed file can still break. */
static int check_limits(xmlNodePtr node, int depth, long *count, const char *shown, findings *f)
{
    for (; node; node = node->next) {
        if (++*count > XML_MAX_NODES) {
            finding_add(f, SEV_ERROR, "xml.malformed", shown, xml_line(node), "nodes<=2000000",
                        "文件中的元素和文字段落过多（上限 %d 个）：请拆分为多个文件",
                        "too many elements and text nodes (limit %d): split the file", XML_MAX_NODES, XML_MAX_NODES);
            return -1;
        }
        if (node->type == XML_TEXT_NODE && node->content &&
            strlen((const char *)node->content) > XML_MAX_TEXT_BYTES) {
            finding_add(f, SEV_ERROR, "xml.malformed", shown, xml_line(node), "text<=1MiB",
                        "一段文字超过 1 MB，请分成多个段落 <p>",
                        "a text run is longer than 1 MB; split it into several <p> paragraphs");
            return -1;
        }
        if (node->type != XML_ELEMENT_NODE) continue;
        if (depth > XML_MAX_DEPTH) {
            finding_add(f, SEV_ERROR, "xml.malformed", shown, xml_line(node), "depth<=32",
                        "元素嵌套超过 %d 层", "elements are nested more than %d deep",
                        XML_MAX_DEPTH, XML_MAX_DEPTH);
            return -1;
        }
        for (xmlAttrPtr a = node->properties; a; a = a->next) {
            if (a->children && a->children->content &&
                strlen((const char *)a->children->content) > XML_MAX_TEXT_BYTES) {
                finding_add(f, SEV_ERROR, "xml.malformed", shown, xml_line(node), "text<=1MiB",
                            "属性 %s 的值超过 1 MB", "attribute %s is longer than 1 MB",
                            (const char *)a->name, (const char *)a->name);
                return -1;
            }
        }
        if (check_limits(node->children, depth + 1, count, shown, f) < 0) return -1;
    }
    return 0;
}

static void report_parse_failure(const load_state *st, const char *shown, findings *f)
{
    if (st->forbidden_line) {
        finding_add(f, SEV_ERROR, "xml.forbidden", shown, st->forbidden_line, "no-dtd",
                    "%s", "%s", forbidden_zh(st->forbidden_what), forbidden_en(st->forbidden_what));
        return;
    }
    finding_add(f, SEV_ERROR, "xml.malformed", shown, st->error_line > 0 ? st->error_line : 1,
                "well-formed",
                "XML 格式错误，请检查标签是否配对、特殊字符 & < 是否写成 &amp; &lt;（解析器：%s）",
                "malformed XML: %s", st->error_msg, st->error_msg);
}

xmlDocPtr xml_load_untrusted(const char *path, const char *shown, findings *f,
                             int *io_error, char *errbuf, size_t errlen)
{
    char *buf = NULL;
    size_t len = 0;
    *io_error = 0;
    if (read_file(path, XML_MAX_FILE_BYTES, &buf, &len) != 0) {
        if (errno == EFBIG) {
            finding_add(f, SEV_ERROR, "xml.malformed", shown, 0, "size<=16MiB",
                        "文件过大（%.1f MB，上限 16 MB）：请按周或按月拆分为多个文件",
                        "the file is too large (%.1f MB, limit 16 MB): split it into several files",
                        len / 1048576.0, len / 1048576.0);
            return NULL;
        }
        *io_error = 1;
        snprintf(errbuf, errlen, "无法读取 %s：%s", path, strerror(errno));
        return NULL;
    }
    xmlDocPtr doc = NULL;
    if (check_encoding(buf, len, shown, f) == 0) {
        load_state st;
        memset(&st, 0, sizeof st);
        doc = parse_guarded(buf, len, shown, &st);
        if (!doc) report_parse_failure(&st, shown, f);
    }
    free(buf);
    long count = 0;
    if (doc && check_limits(xmlDocGetRootElement(doc), 1, &count, shown, f) < 0) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    return doc;
}

xmlDocPtr xml_load_data(const char *path, char *errbuf, size_t errlen)
{
    char *buf = NULL;
    size_t len = 0;
    if (read_file(path, XML_MAX_FILE_BYTES, &buf, &len) != 0) {
        snprintf(errbuf, errlen, "无法读取 %s：%s", path, strerror(errno));
        return NULL;
    }
    xmlDocPtr doc = xml_load_memory(path, buf, len, errbuf, errlen);
    free(buf);
    return doc;
}

xmlDocPtr xml_load_memory(const char *shown, const char *buf, size_t len, char *errbuf, size_t errlen)
{
    load_state st;
    memset(&st, 0, sizeof st);
    xmlDocPtr doc = parse_guarded(buf, len, shown, &st);
    if (!doc)
        snprintf(errbuf, errlen, "%s:%ld: %s", shown, st.forbidden_line ? st.forbidden_line : st.error_line,
                 st.forbidden_line ? "不允许 DTD/实体声明" : st.error_msg);
    return doc;
}

int xml_is(const xmlNode *node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE && node->ns &&
           !strcmp((const char *)node->ns->href, DANGAN_NS) &&
           !strcmp((const char *)node->name, name);
}

xmlNodePtr xml_child(const xmlNode *node, const char *name)
{
    for (xmlNodePtr c = node ? node->children : NULL; c; c = c->next)
        if (xml_is(c, name)) return c;
    return NULL;
}

char *xml_attr(const xmlNode *node, const char *name)
{
    return (char *)xmlGetProp(node, (const xmlChar *)name);
}

char *xml_child_text(const xmlNode *node, const char *name)
{
    xmlNodePtr c = xml_child(node, name);
    if (!c) return NULL;
    xmlChar *t = xmlNodeGetContent(c);
    const char *s = t ? (const char *)t : "";
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    char *r = xstrndup(s, n);
    xmlFree(t);
    return r;
}

long xml_line(const xmlNode *node)
{
    return node ? xmlGetLineNo(node) : 0;
}
