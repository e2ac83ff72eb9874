/* check_schema.c — see check_schema.h.
 *
 * libxml2 reports schema errors as English sentences. We keep the sentence
 * for --lang en and translate the common shapes into Chinese by pattern:
 * enumeration, type, facet, missing/unexpected child, attribute. Anything
 * unrecognised still gets a Chinese lead-in and the original text, so no
 * error is ever hidden. */
#include "check_schema.h"
#include "util_lang.h"
#include "util.h"
#include "util_limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlschemas.h>

static const char *const ROOTS[] = {
    "placement", "journal", "observations", "lessons", "reflections", "assessment",
    "mentoring", "studies",
};
#define NROOTS (sizeof ROOTS / sizeof ROOTS[0])

struct schemas {
    xmlSchemaPtr schema[NROOTS];
};

static const char *const LABELS[][2] = {
    {"placement", "跟岗信息"}, {"teacher", "教师信息"}, {"host", "基地校信息"},
    {"period", "跟岗起止时间"}, {"name", "姓名"}, {"gender", "性别"}, {"born", "出生年月"},
    {"work-start", "参加工作时间"}, {"school", "学校"}, {"education", "学历"},
    {"rank", "职称"}, {"subject", "学科"}, {"grade", "任教年级"},
    {"weekly-periods", "周课时数"}, {"years-at-school", "在本校任教年限"},
    {"mentor", "指导教师"}, {"class", "班级"}, {"class-periods", "跟岗学科课时"},
    {"journal", "研修日志"}, {"day", "日志"}, {"activity", "活动"},
    {"observations", "听课记录"}, {"observation", "听课记录"}, {"topic", "课题"},
    {"notes", "听课笔记"}, {"comment", "评课意见"}, {"lessons", "教案"}, {"lesson", "教案"},
    {"objectives", "教学目标"}, {"item", "条目"}, {"key-points", "教学重点"},
    {"difficulties", "教学难点"}, {"process", "教学过程"}, {"step", "教学环节"},
    {"board", "板书设计"}, {"record", "课堂教学实录"}, {"afterthought", "课后反思"},
    {"reflections", "反思"}, {"reflection", "反思"}, {"title", "标题"},
    {"assessment", "鉴定"}, {"attendance", "出勤"}, {"absence", "缺勤"},
    {"score", "考核分数"}, {"mentor-opinion", "指导教师意见"},
    {"school-opinion", "基地校意见"}, {"signed", "签署"}, {"p", "段落"},
    {"figure", "图片"}, {"caption", "图题"}, {"list", "列表"},
    {"stage", "任教学段"}, {"township", "所在乡镇"},
    {"mentoring", "师徒结对"}, {"mentee", "结对对象"}, {"studies", "网络研修"}, {"study", "网络研修课程"},
    {"hours", "学时"}, {"platform", "研修平台"}, {"certificate", "学时证明编号"},
};

const char *element_label(const char *name)
{
    for (size_t i = 0; i < sizeof LABELS / sizeof LABELS[0]; i++)
        if (!strcmp(LABELS[i][0], name)) return LABELS[i][1];
    return name;
}

/* The label of element name inside parent: <teacher> in an observation
 * is the teacher who taught the lesson, not the placement's teacher. */
static const char *label_in(const char *name, const char *parent)
{
    if (parent && !strcmp(name, "teacher") && !strcmp(parent, "observation")) return "执教教师";
    return element_label(name);
}

/* English keeps the tag as the name ("<topic>"), adding words only
 * where the tag alone misleads or means little. */
static const char *name_en(const char *name, const char *parent, char *buf, size_t len)
{
    const char *l = NULL;
    if (parent && !strcmp(name, "teacher") && !strcmp(parent, "observation")) l = "teacher who taught";
    else if (!strcmp(name, "p")) l = "paragraph";
    if (l) snprintf(buf, len, "<%s> (%s)", name, l);
    else snprintf(buf, len, "<%s>", name);
    return buf;
}

static int root_index(const char *root)
{
    for (size_t i = 0; i < NROOTS; i++)
        if (!strcmp(ROOTS[i], root)) return (int)i;
    return -1;
}

static xmlSchemaPtr compile(const char *path, char *err, size_t errlen)
{
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
    if (!pc) {
        snprintf(err, errlen, TR("无法读取模式文件 %s", "cannot read schema %s"), path);
        return NULL;
    }
    xmlSchemaSetParserErrors(pc, NULL, NULL, NULL);
    xmlSchemaPtr s = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    if (!s) snprintf(err, errlen, TR("模式文件 %s 有错误，无法编译", "schema %s has errors and does not compile"), path);
    return s;
}

schemas *schemas_load(const char *dir, char *err, size_t errlen)
{
    schemas *s = xcalloc(1, sizeof *s);
    for (size_t i = 0; i < NROOTS; i++) {
        char *name = xasprintf("%s.xsd", ROOTS[i]);
        char *path = path_join(dir, name);
        s->schema[i] = compile(path, err, errlen);
        free(name);
        free(path);
        if (!s->schema[i]) {
            schemas_free(s);
            return NULL;
        }
    }
    return s;
}

void schemas_free(schemas *s)
{
    if (!s) return;
    for (size_t i = 0; i < NROOTS; i++)
        if (s->schema[i]) xmlSchemaFree(s->schema[i]);
    free(s);
}

/* ---- message translation ---- */

/* Copies the text between `after` and the next `stop` char into out. */
static int grab(const char *msg, const char *after, char stop, char *out, size_t outlen)
{
    const char *p = strstr(msg, after);
    if (!p) return 0;
    p += strlen(after);
    const char *e = strchr(p, stop);
    if (!e) return 0;
    size_t n = (size_t)(e - p);
    if (n >= outlen) n = outlen - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    return 1;
}

/* "{urn:dangan:1}topic" → "topic", in place. */
static void strip_ns(char *s)
{
    char *r = strchr(s, '}');
    if (r) memmove(s, r + 1, strlen(r + 1) + 1);
}

/* Rewrites "( {ns}a, {ns}b )" as "<a>（标签）、<b>（标签）" (English: "<a>, <b>"). */
static void expected_list(const char *msg, const char *parent, strbuf *out, int en)
{
    const char *p = strstr(msg, "Expected is");
    if (!p) return;
    p = strchr(p, '(');
    const char *e = p ? strchr(p, ')') : NULL;
    if (!p || !e) return;
    char item[128];
    int first = 1;
    for (const char *q = p + 1; q < e;) {
        while (q < e && (*q == ' ' || *q == ',')) q++;
        const char *s = q;
        while (q < e && *q != ',' && *q != ' ') q++;
        size_t n = (size_t)(q - s);
        if (!n || n >= sizeof item) continue;
        memcpy(item, s, n);
        item[n] = '\0';
        strip_ns(item);
        if (!strcmp(item, "##other")) continue;
        char ename[160];
        if (en) sb_printf(out, "%s%s", first ? "" : ", ", name_en(item, parent, ename, sizeof ename));
        else sb_printf(out, "%s<%s>（%s）", first ? "" : "、", item, label_in(item, parent));
        first = 0;
    }
}

static const char *value_hint(const char *type, int en)
{
    if (strstr(type, "month")) return en ? "should be year-month, e.g. 2016-09" : "应为“年-月”，如 2016-09";
    if (strstr(type, "date")) return en ? "should be year-month-day, e.g. 2016-09-12" : "应为“年-月-日”，如 2016-09-12";
    if (strstr(type, "score")) return en ? "should be a number from 0 to 100" : "应为 0 到 100 的数";
    if (strstr(type, "period")) return en ? "should be a whole number from 1 to 12 (the class period)" : "应为 1 到 12 的整数（第几节课）";
    if (strstr(type, "count") || strstr(type, "nteger")) return en ? "should be a whole number" : "应为整数";
    if (strstr(type, "decimal")) return en ? "should be a number" : "应为数字";
    if (strstr(type, "boolean")) return en ? "should be true or false" : "应为 true 或 false";
    if (strstr(type, "id") || strstr(type, "Id")) return en ? "may hold only letters, digits and - _ ." : "只能由字母、数字和 - _ . 组成";
    if (strstr(type, "text")) return en ? "may not be empty" : "不能为空";
    return en ? "is not in the right form" : "格式不对";
}

/* "{'a', 'b'}" → "a、b" (English "a, b"). */
static void value_set(const char *set, int en, strbuf *out)
{
    int first = 1;
    for (const char *p = set; *p;) {
        const char *q = strchr(p, '\'');
        if (!q) break;
        const char *e = strchr(q + 1, '\'');
        if (!e) break;
        sb_printf(out, "%s%.*s", first ? "" : en ? ", " : "、", (int)(e - q - 1), q + 1);
        first = 0;
        p = e + 1;
    }
}

/* Blank as type text in common.xsd counts it: ASCII white space, the
 * no-break space U+00A0 and the full-width space U+3000. */
static int blank(const char *v)
{
    for (const char *p = v; *p;) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
        else if (!strncmp(p, "\xC2\xA0", 2)) p += 2;
        else if (!strncmp(p, "\xE3\x80\x80", 3)) p += 3;
        else return 0;
    }
    return 1;
}

static const char *parent_name(xmlNodePtr node)
{
    return node && node->parent && node->parent->type == XML_ELEMENT_NODE ? (const char *)node->parent->name
                                                                          : NULL;
}

/* A blank value refused for being blank: by a minLength, or by the
 * pattern of type text (common.xsd; the only one with "[^\s"). A blank
 * date refused by the date pattern is a format error and keeps its hint. */
static int refused_blank(const char *msg)
{
    char value[256];
    if (!grab(msg, "value '", '\'', value, sizeof value) || !blank(value)) return 0;
    return strstr(msg, "[facet 'minLength']") || (strstr(msg, "[facet 'pattern']") && strstr(msg, "[^\\s"));
}

/* "<topic>（课题）不能为空" — or, when the blank is an attribute's, says so:
 * the element itself may well be filled in. */
static void empty_message(const char *msg, const char *elem, const char *parent, char **zh, char **en)
{
    const char *zl = label_in(elem, parent);
    char attr[128] = "", ename[160];
    name_en(elem, parent, ename, sizeof ename);
    if (grab(msg, "attribute '", '\'', attr, sizeof attr)) {
        *zh = xasprintf("<%s>（%s）的属性 %s 不能为空：请在 %s=\"\" 的引号里填写内容", elem, zl, attr, attr);
        *en = xasprintf("%s: attribute %s is empty: fill in the quotes of %s=\"\"", ename, attr, attr);
    } else {
        *zh = xasprintf("<%s>（%s）不能为空：请填写%s", elem, zl, zl);
        *en = xasprintf("%s is empty: fill it in", ename);
    }
}

/* libxml2 says "Element content is not allowed, because the type
 * definition is simple", naming neither the tag nor what to do. */
static void tag_message(const char *elem, xmlNodePtr node, const char *parent, char **zh, char **en)
{
    const char *tag = "?";
    for (xmlNodePtr c = node->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) {
            tag = (const char *)c->name;
            break;
        }
    char ename[160];
    name_en(elem, parent, ename, sizeof ename);
    *zh = xasprintf("<%s>（%s）里只能写文字，不能有 <%s> 这样的标签：请删去标签，保留其中的文字", elem,
                    label_in(elem, parent), tag);
    *en = xasprintf("%s may hold only text, not tags such as <%s>: remove the tag and keep its text", ename, tag);
}

enum { PLAIN_NONE, PLAIN_EMPTY, PLAIN_TAG };

/* The two messages said in our own words in both languages: an empty
 * field and a tag inside text. */
static int plain_message(const char *msg, const char *elem, xmlNodePtr node, char **zh, char **en)
{
    const char *parent = parent_name(node);
    if (refused_blank(msg)) {
        empty_message(msg, elem, parent, zh, en);
        return PLAIN_EMPTY;
    }
    if (strstr(msg, "Element content is not allowed") && node) {
        tag_message(elem, node, parent, zh, en);
        return PLAIN_TAG;
    }
    return PLAIN_NONE;
}

/* Builds the message for one libxml2 schema error, in Chinese or English:
 * the element, then what is wrong in words. */
static char *translate(const char *msg, xmlNodePtr node, int en)
{
    char elem[128] = "", attr[128] = "", a[256] = "", b[512] = "", ename[160];
    grab(msg, "Element '", '\'', elem, sizeof elem);
    strip_ns(elem);
    grab(msg, "attribute '", '\'', attr, sizeof attr);
    const char *parent = parent_name(node);
    const char *label = label_in(elem, parent);
    name_en(elem, parent, ename, sizeof ename);
    strbuf o;
    sb_init(&o);
    if (en) sb_printf(&o, attr[0] ? "%s, attribute %s: " : "%s: ", ename, attr);
    else if (attr[0]) sb_printf(&o, "<%s>（%s）的属性 %s：", elem, label, attr);
    else sb_printf(&o, "<%s>（%s）：", elem, label);
    if (strstr(msg, "is not an element of the set")) {
        grab(msg, "The value '", '\'', a, sizeof a);
        grab(msg, "set {", '}', b, sizeof b);
        sb_printf(&o, en ? "'%s' is not an allowed value; allowed: " : "“%s”不是允许的取值，可选：", a);
        value_set(b, en, &o);
    } else if (strstr(msg, "Missing child element")) {
        sb_puts(&o, en ? "a required child element is missing: " : "缺少必需的子元素 ");
        expected_list(msg, elem, &o, en); /* the missing ones are its children */
    } else if (strstr(msg, "This element is not expected")) {
        sb_puts(&o, en ? "this element is not expected here" : "此处不应出现这个元素");
        if (strstr(msg, "Expected is")) {
            sb_puts(&o, en ? "; expected here: " : "，这里应为 ");
            /* The expected elements are siblings of this one. */
            expected_list(msg, parent, &o, en);
        }
    } else if (strstr(msg, "is required but missing")) {
        grab(msg, "The attribute '", '\'', a, sizeof a);
        sb_printf(&o, en ? "the required attribute %s is missing" : "缺少必需的属性 %s", a);
    } else if (strstr(msg, "is not allowed") && strstr(msg, "The attribute")) {
        grab(msg, "The attribute '", '\'', a, sizeof a);
        sb_printf(&o, en ? "unknown attribute %s (check the spelling)" : "不认识的属性 %s（请检查拼写）", a);
    } else if (strstr(msg, "Character content other than whitespace")) {
        sb_puts(&o, en ? "no text directly here: put it into a <p> paragraph or the right child element"
                       : "这里不能直接写文字，请把文字放进 <p> 段落或相应的子元素中");
    } else if (strstr(msg, "[facet 'pattern']") || strstr(msg, "atomic type")) {
        grab(msg, "value '", '\'', a, sizeof a);
        if (!a[0]) grab(msg, ": '", '\'', a, sizeof a);
        if (!grab(msg, "atomic type '", '\'', b, sizeof b)) snprintf(b, sizeof b, "%s", attr[0] ? attr : elem);
        if (!strcmp(elem, "p") || !strcmp(elem, "item") || !strcmp(elem, "title") || !strcmp(elem, "topic"))
            snprintf(b, sizeof b, "text");
        else if (!strcmp(attr, "date") || !strcmp(attr, "start") || !strcmp(attr, "end") ||
                 !strcmp(attr, "from") || !strcmp(attr, "to"))
            snprintf(b, sizeof b, "date");
        else if (!strcmp(elem, "born") || !strcmp(elem, "work-start"))
            snprintf(b, sizeof b, "month");
        sb_printf(&o, en ? "'%s' %s" : "“%s”%s", a, value_hint(b, en));
    } else if (strstr(msg, "[facet 'maxInclusive']") || strstr(msg, "[facet 'minInclusive']") ||
               strstr(msg, "[facet 'minExclusive']")) {
        grab(msg, "The value '", '\'', a, sizeof a);
        grab(msg, "allowed ('", '\'', b, sizeof b);
        sb_printf(&o, en ? "'%s' is out of range (limit %s)" : "“%s”超出允许范围（界限 %s）", a, b);
    } else if (strstr(msg, "[facet 'maxLength']") || strstr(msg, "[facet 'minLength']")) {
        sb_puts(&o, en ? "the length is wrong (neither empty nor too long)" : "内容长度不符合要求（不能为空，也不能过长）");
    } else if (strstr(msg, "No matching global declaration")) {
        sb_puts(&o, en ? "wrong root element, or xmlns=\"urn:dangan:1\" is missing" : "根元素不对或缺少命名空间 xmlns=\"urn:dangan:1\"");
    } else {
        sb_printf(&o, en ? "does not match the format (%s)" : "不符合格式要求（%s）", msg);
    }
    return sb_steal(&o);
}

typedef struct vstate {
    const char *shown;
    findings *f;
    int count;
    long last_line;
    char last_elem[160];
    const void *tag_node; /* the last element told to hold no tags */
} vstate;


/* libxml2 follows a facet error with an "atomic type" error for the
 * same value; one finding per place is enough. 1 when msg is that echo. */
static int echoes_last(vstate *vs, const char *msg, long line)
{
    char head[160] = "";
    const char *colon = strstr(msg, ": ");
    if (colon) snprintf(head, sizeof head, "%.*s", (int)(colon - msg), msg);
    if (line == vs->last_line && !strcmp(head, vs->last_elem) && strstr(msg, "atomic type")) return 1;
    vs->last_line = line;
    snprintf(vs->last_elem, sizeof vs->last_elem, "%s", head);
    return 0;
}

static void on_schema_error(void *ctx, xmlErrorPtr err)
{
    vstate *vs = ctx;
    if (!err || !err->message) return;
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", err->message);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) msg[--n] = '\0';
    if (echoes_last(vs, msg, err->line)) return;
    /* For errors on an element, libxml2 hands over the element's node. */
    xmlNodePtr node = err->node && ((xmlNodePtr)err->node)->type == XML_ELEMENT_NODE ? err->node : NULL;
    /* <item><i>文字</i></item> is next found blank, its text being in the
     * tag: removing the tag as told fixes both, so one message. */
    if (node && node == vs->tag_node && refused_blank(msg)) return;
    if (++vs->count > MAX_SCHEMA_ERRORS) return;
    char elem[128] = "", *zh = NULL, *en = NULL;
    grab(msg, "Element '", '\'', elem, sizeof elem);
    strip_ns(elem);
    int plain = plain_message(msg, elem, node, &zh, &en);
    if (plain == PLAIN_TAG) vs->tag_node = node;
    if (plain == PLAIN_NONE) {
        zh = translate(msg, node, 0);
        en = translate(msg, node, 1);
    }
    finding_add(vs->f, SEV_ERROR, "schema.invalid", vs->shown, err->line, "schema", "%s%.0s", "%.0s%s", zh, en);
    free(zh);
    free(en);
}

int schemas_validate(schemas *s, const char *root, xmlDocPtr doc, const char *shown, findings *f)
{
    int i = root_index(root);
    if (i < 0) return -1;
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(s->schema[i]);
    vstate vs = {shown, f, 0, -1, "", NULL};
    xmlSchemaSetValidStructuredErrors(vc, on_schema_error, &vs);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    if (vs.count > MAX_SCHEMA_ERRORS)
        finding_add(f, SEV_ERROR, "schema.invalid", shown, 0, "schema",
                    "本文件还有 %d 处格式错误未列出", "%d more schema errors not listed",
                    vs.count - MAX_SCHEMA_ERRORS);
    if (rc != 0 && vs.count == 0)
        finding_add(f, SEV_ERROR, "schema.invalid", shown, 0, "schema",
                    "文件不符合格式要求", "the file does not match its schema");
    return rc == 0 ? 0 : -1;
}

typedef struct dstate {
    char *err;
    size_t errlen;
    int seen;
} dstate;

static void on_data_error(void *ctx, xmlErrorPtr e)
{
    dstate *ds = ctx;
    if (ds->seen++ || !e) return;
    snprintf(ds->err, ds->errlen, "%s:%d: %s", e->file ? e->file : "?", e->line,
             e->message ? e->message : "");
    size_t n = strlen(ds->err);
    while (n && ds->err[n - 1] == '\n') ds->err[--n] = '\0';
}

int schema_check_data(const char *xsd_path, xmlDocPtr doc, char *err, size_t errlen)
{
    xmlSchemaPtr s = compile(xsd_path, err, errlen);
    if (!s) return -1;
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(s);
    dstate ds = {err, errlen, 0};
    xmlSchemaSetValidStructuredErrors(vc, on_data_error, &ds);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(s);
    if (rc != 0 && !ds.seen) snprintf(err, errlen, TR("%s 不符合模式 %s", "%s does not match schema %s"), doc->URL ? (const char *)doc->URL : "?", xsd_path);
    return rc == 0 ? 0 : -1;
}
