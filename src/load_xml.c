/* load_xml.c — see load_xml.h.
 *
 * Why the SAX hooks: libxml2 with default options still parses an internal
 * DTD subset and keeps entity declarations, and an "entity bomb" costs
 * memory before any check of ours could run. Stopping the parser at the
 * first DOCTYPE or ENTITY declaration means nothing declared there is ever
 * read, let alone expanded. */
#include "load_xml.h"
#include "util_lang.h"
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
    int error_col;            /* libxml2's column: characters, 1-based */
    int error_code;           /* xmlParserErrors */
    int error_int1;           /* the open tag's line, for a mismatch */
    char error_msg[256];
    char error_str1[64], error_str2[64];  /* tag names, when the error has them */
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
    st->error_col = err->int2;
    st->error_code = err->code;
    st->error_int1 = err->int1;
    snprintf(st->error_str1, sizeof st->error_str1, "%s", err->str1 ? err->str1 : "");
    snprintf(st->error_str2, sizeof st->error_str2, "%s", err->str2 ? err->str2 : "");
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
                            n, q + 1);
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
                    bad + 1);
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
                        "too many elements and text nodes (limit %d): split the file", XML_MAX_NODES);
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
                        XML_MAX_DEPTH);
            return -1;
        }
        for (xmlAttrPtr a = node->properties; a; a = a->next) {
            if (a->children && a->children->content &&
                strlen((const char *)a->children->content) > XML_MAX_TEXT_BYTES) {
                finding_add(f, SEV_ERROR, "xml.malformed", shown, xml_line(node), "text<=1MiB",
                            "属性 %s 的值超过 1 MB", "attribute %s is longer than 1 MB",
                            (const char *)a->name);
                return -1;
            }
        }
        if (check_limits(node->children, depth + 1, count, shown, f) < 0) return -1;
    }
    return 0;
}

/* ---- listing a malformed file's errors ----
 *
 * libxml2 stops at the first fatal error, and its recover mode mostly
 * echoes that error down the file. A teacher fixing a file touched in Word
 * wants every such slip at once, each with the fix. So each error is
 * diagnosed from the text around it; a slip whose fix is certain (a curly
 * quote, a full-width ＝, a bare &) is mended in a scratch copy, which is
 * parsed again for the next error. An error with no certain fix (a tag
 * mismatch) ends the list: what follows it would be its echoes. The
 * scratch copy is never used as the document — the file stays refused. */

#define TAG_LOOKBACK 1024             /* bytes searched back for the '<' of the tag an error is in */

typedef enum {
    SLIP_NONE, SLIP_QUOTE, SLIP_APOSTROPHE, SLIP_EQUALS, SLIP_ANGLE, SLIP_AMP, SLIP_LT,
} slip_kind;

typedef struct slip {
    slip_kind kind;
    size_t at;          /* offset of the offending character */
    size_t from, to;    /* the tag it is in: mended as a whole */
} slip;

/* Word's replacements of ASCII markup characters. */
static const struct { const char *utf8; char ascii; slip_kind kind; } LOOKALIKES[] = {
    {"\xE2\x80\x9C", '"', SLIP_QUOTE},      /* “ */
    {"\xE2\x80\x9D", '"', SLIP_QUOTE},      /* ” */
    {"\xEF\xBC\x82", '"', SLIP_QUOTE},      /* ＂ */
    {"\xE2\x80\x98", '\'', SLIP_APOSTROPHE},/* ‘ */
    {"\xE2\x80\x99", '\'', SLIP_APOSTROPHE},/* ’ */
    {"\xEF\xBC\x87", '\'', SLIP_APOSTROPHE},/* ＇ */
    {"\xEF\xBC\x9D", '=', SLIP_EQUALS},     /* ＝ */
    {"\xEF\xBC\x9C", '<', SLIP_ANGLE},      /* ＜ */
    {"\xEF\xBC\x9E", '>', SLIP_ANGLE},      /* ＞ */
};
#define NLOOKALIKES (sizeof LOOKALIKES / sizeof LOOKALIKES[0])

static int lookalike_at(const char *b, size_t len, size_t i)
{
    for (size_t k = 0; k < NLOOKALIKES; k++)
        if (i + 3 <= len && !memcmp(b + i, LOOKALIKES[k].utf8, 3)) return (int)k;
    return -1;
}

/* Byte offset of (line, column in characters), clamped to the line. */
static size_t offset_of(const char *b, size_t len, long line, int col)
{
    size_t i = 0;
    for (long l = 1; l < line && i < len; i++)
        if (b[i] == '\n') l++;
    for (int c = 1; c < col && i < len && b[i] != '\n'; c++) utf8_next(b, len, &i);
    return i;
}

/* Line and column (characters) of a byte offset. */
static void place_of(const char *b, size_t off, long *line, long *col)
{
    size_t start = 0;
    *line = 1;
    for (size_t i = 0; i < off; i++)
        if (b[i] == '\n') { (*line)++; start = i + 1; }
    *col = 1;
    for (size_t i = start; i < off;) { utf8_next(b, off, &i); (*col)++; }
}

/* What went wrong at the error's place, and the stretch to mend. */
static slip diagnose(const char *b, size_t len, const load_state *st)
{
    slip s = {SLIP_NONE, 0, 0, 0};
    size_t e = offset_of(b, len, st->error_line, st->error_col);
    if (e > 0 && b[e - 1] == '&') return (slip){SLIP_AMP, e - 1, e - 1, e};
    if (st->error_code == XML_ERR_ENTITYREF_SEMICOL_MISSING || st->error_code == XML_ERR_NAME_REQUIRED) {
        for (size_t i = e; i > 0 && e - i < 64 && b[i - 1] != '<' && b[i - 1] != '>'; i--)
            if (b[i - 1] == '&' && st->error_code == XML_ERR_ENTITYREF_SEMICOL_MISSING) return (slip){SLIP_AMP, i - 1, i - 1, i};
    }
    if (e > 0 && b[e - 1] == '<' && st->error_code == XML_ERR_NAME_REQUIRED) return (slip){SLIP_LT, e - 1, e - 1, e};
    size_t from = e;
    for (size_t i = e; i > 0 && e - i < TAG_LOOKBACK; i--)
        if (b[i - 1] == '<') { from = i - 1; break; }
    size_t to = e;
    while (to < len && b[to] != '>') to++;
    size_t stop = e + 3 <= len ? e + 3 : len;   /* the error's own character too */
    for (size_t i = from; i < stop; i++) {
        int k = lookalike_at(b, len, i);
        if (k < 0) continue;
        s = (slip){LOOKALIKES[k].kind, i, from, to};
        /* ‘ ’ opening a value are quotes; inside a name, an apostrophe. */
        if (s.kind == SLIP_APOSTROPHE) {
            size_t j = i;
            while (j > from && (b[j - 1] == ' ' || b[j - 1] == '\t')) j--;
            if (j > from && b[j - 1] == '=') s.kind = SLIP_QUOTE;
        }
        return s;
    }
    return s;
}

/* The scratch copy with the slip mended; NULL when there is no certain fix. */
static char *mend(const char *b, size_t len, const slip *s, size_t *outlen)
{
    if (s->kind == SLIP_NONE) return NULL;
    char *out = xmalloc(len + 8);
    size_t n = 0;
    const char *esc = s->kind == SLIP_AMP ? "&amp;" : s->kind == SLIP_LT ? "&lt;" : NULL;
    memcpy(out, b, s->from);
    n = s->from;
    if (esc) {
        memcpy(out + n, esc, strlen(esc));
        n += strlen(esc);
        memcpy(out + n, b + s->to, len - s->to);
        *outlen = n + len - s->to;
        return out;
    }
    for (size_t i = s->from; i < len;) {
        int k = i < s->to ? lookalike_at(b, len, i) : -1;
        if (k < 0) { out[n++] = b[i++]; continue; }
        /* In a name the apostrophe goes; elsewhere it becomes its ASCII self. */
        char c = LOOKALIKES[k].ascii;
        if (LOOKALIKES[k].kind == SLIP_APOSTROPHE && s->kind == SLIP_APOSTROPHE) c = '_';
        out[n++] = c;
        i += 3;
    }
    *outlen = n;
    return out;
}

/* What to say about each slip: every pair takes the column and the
 * offending character (%.0s where the sentence needs none). Literal
 * formats, so the compiler checks both of each pair. */
static void report_slip(const slip *s, const char *b, const char *shown, findings *f)
{
    if (s->kind == SLIP_NONE) return;
    long line, col;
    place_of(b, s->at, &line, &col);
    char ch[4] = "";
    if (s->kind != SLIP_AMP && s->kind != SLIP_LT) memcpy(ch, b + s->at, 3);
#define SLIP(zh, en) finding_add(f, SEV_ERROR, "xml.malformed", shown, line, "well-formed", zh, en, col, ch)
    switch (s->kind) {
    case SLIP_QUOTE:
        SLIP("第 %ld 列：属性值用了中文引号 %s：请改成英文引号，如 date=\"2016-09-20\"（Word 会自动把英文引号换成中文引号）",
             "column %ld: the attribute value is in curly quotes %s: use straight quotes, as in date=\"2016-09-20\" (Word replaces them by itself)");
        break;
    case SLIP_APOSTROPHE:
        SLIP("第 %ld 列：标签名里有弯引号 %s（Word 把 ' 换成了弯引号）：标签名只能用英文字母、数字和 -，请删除它",
             "column %ld: the tag name holds a curly apostrophe %s (Word's replacement for '): tag names are letters, digits and - only");
        break;
    case SLIP_EQUALS:
        SLIP("第 %ld 列：属性后面用了全角等号 %s：请改成半角 =", "column %ld: a full-width %s after the attribute name: use =");
        break;
    case SLIP_ANGLE:
        SLIP("第 %ld 列：标签用了全角尖括号 %s：请改成半角 < 和 >", "column %ld: the tag uses a full-width bracket %s: use < and >");
        break;
    case SLIP_AMP:
        SLIP("第 %ld 列：文字中的 & 要写成 &amp;（或改用“和”）%.0s", "column %ld: a & in text must be written &amp;%.0s");
        break;
    case SLIP_LT:
        SLIP("第 %ld 列：文字中的 < 要写成 &lt;（或改用全角 ＜）%.0s", "column %ld: a < in text must be written &lt;%.0s");
        break;
    case SLIP_NONE:
        break;
    }
#undef SLIP
}

/* An error with no certain fix, in the teacher's words where we know it. */
static void report_other(const load_state *st, const char *shown, findings *f)
{
    long line = st->error_line > 0 ? st->error_line : 1;
    int col = st->error_col > 0 ? st->error_col : 1;
    switch (st->error_code) {
    case XML_ERR_TAG_NAME_MISMATCH:
        finding_add(f, SEV_ERROR, "xml.malformed", shown, line, "well-formed",
                    "第 %d 列：结束标签 </%s> 与第 %d 行的开始标签 <%s> 不配对：是否漏写了 </%s>，或写错了标签名？",
                    "column %1$d: the end tag </%2$s> does not match the start tag <%4$s> of line %3$d: is </%5$s> missing or misspelt?",
                    col, st->error_str2, st->error_int1, st->error_str1, st->error_str1);
        break;
    case XML_ERR_TAG_NOT_FINISHED:
        finding_add(f, SEV_ERROR, "xml.malformed", shown, line, "well-formed",
                    "文件在第 %d 行的 <%s> 结束之前就结束了：缺少 </%s>",
                    "the file ends before the <%2$s> of line %1$d is closed: </%3$s> is missing",
                    st->error_int1, st->error_str1, st->error_str1);
        break;
    case XML_ERR_DOCUMENT_END:
        finding_add(f, SEV_ERROR, "xml.malformed", shown, line, "well-formed",
                    "第 %d 列：根元素结束之后还有内容：一个文件只能有一个根元素，其余内容请放进根元素里",
                    "column %d: content after the root element ends: a file has one root element, put the rest inside it",
                    col);
        break;
    case XML_ERR_DOCUMENT_EMPTY:
        finding_add(f, SEV_ERROR, "xml.malformed", shown, line, "well-formed",
                    "文件中没有 XML 内容：开头应为 <?xml version=\"1.0\" encoding=\"UTF-8\"?>，然后是根元素",
                    "the file holds no XML: it should start with <?xml version=\"1.0\" encoding=\"UTF-8\"?> and a root element");
        break;
    default:
        finding_add(f, SEV_ERROR, "xml.malformed", shown, line, "well-formed",
                    "第 %d 列：XML 格式错误，请检查标签是否配对、特殊字符 & < 是否写成 &amp; &lt;（解析器：%s）",
                    "column %d: malformed XML: %s", col, st->error_msg);
    }
}

/* Lists the errors of a file that failed to parse (st: the first one). */
static void report_parse_failure(const char *buf, size_t len, load_state *st, const char *shown, findings *f)
{
    if (st->forbidden_line) {
        finding_add(f, SEV_ERROR, "xml.forbidden", shown, st->forbidden_line, "no-dtd",
                    "%s%.0s", "%.0s%s", forbidden_zh(st->forbidden_what), forbidden_en(st->forbidden_what));
        return;
    }
    char *work = xstrndup(buf, len);
    size_t wlen = len, parsed = len;
    long last_line = 0;
    slip_kind last_kind = SLIP_NONE;
    int listed = 0;
    /* Each round mends at least one character, so rounds are bounded by
     * the reparse budget as well as the count. */
    for (int round = 0; round < 4 * MAX_PARSE_ERRORS; round++) {
        slip s = diagnose(work, wlen, st);
        if (s.kind == SLIP_NONE) { report_other(st, shown, f); break; }
        long line, col;
        place_of(work, s.at, &line, &col);
        /* One slip repeated on a line (a curly apostrophe in both tags of
         * <teacher’s>…</teacher’s>) is one mistake to fix, not two. */
        if (line != last_line || s.kind != last_kind) {
            if (listed == MAX_PARSE_ERRORS) {
                finding_add(f, SEV_ERROR, "xml.malformed", shown, line, "well-formed",
                            "此后还有错误：以上是前 %d 处，改正后再检查一次", "more errors follow: these are the first %d; fix them and check again",
                            MAX_PARSE_ERRORS);
                break;
            }
            report_slip(&s, work, shown, f);
            listed++;
            last_line = line;
            last_kind = s.kind;
        }
        size_t nlen;
        char *next = mend(work, wlen, &s, &nlen);
        free(work);
        work = next;
        wlen = nlen;
        if (!work || (parsed += wlen) > MAX_REPARSE_BYTES) break;
        memset(st, 0, sizeof *st);
        xmlDocPtr doc = parse_guarded(work, wlen, shown, st);
        if (doc) { xmlFreeDoc(doc); break; }
        if (st->forbidden_line || !st->have_error) break;
    }
    free(work);
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
                        len / 1048576.0);
            return NULL;
        }
        *io_error = 1;
        snprintf(errbuf, errlen, TR("无法读取 %s：%s", "cannot read %s: %s"), path, errno_text(errno));
        return NULL;
    }
    xmlDocPtr doc = NULL;
    if (check_encoding(buf, len, shown, f) == 0) {
        load_state st;
        memset(&st, 0, sizeof st);
        doc = parse_guarded(buf, len, shown, &st);
        if (!doc) report_parse_failure(buf, len, &st, shown, f);
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
        snprintf(errbuf, errlen, TR("无法读取 %s：%s", "cannot read %s: %s"), path, errno_text(errno));
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
                 st.forbidden_line ? TR("不允许 DTD/实体声明", "DTD and entity declarations are not allowed") : st.error_msg);
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
