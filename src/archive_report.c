/* archive_report.c — see archive_report.h: the report's XML (checked
 * against its own schema before it is signed: a record the archive keeps
 * must be one it can read back), its detached signature, and the signed
 * PDF (laid out in archive_report_pdf.c). */
#include "archive_report.h"
#include "archive_db.h"
#include "check_schema.h"
#include "sign.h"
#include "util_lang.h"
#include "util.h"

#include <errno.h>
#include <libxml/tree.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

time_t report_time(void)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    char *end;
    errno = 0;
    long long v = e && *e ? strtoll(e, &end, 10) : -1;
    return e && *e && !errno && !*end && v >= 0 ? (time_t)v : time(NULL);
}

void report_time_text(time_t when, char out[32])
{
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *report_name(time_t when, const char *manifest_sha)
{
    struct tm tm;
    char t[32];
    gmtime_r(&when, &tm);
    strftime(t, sizeof t, "%Y%m%dT%H%M%SZ", &tm);
    return xasprintf("%s-%.12s", t, manifest_sha);
}

static void add_checks(xmlNodePtr parent, xmlNsPtr ns, const check_list *l)
{
    for (int k = 0; k < l->n; k++) {
        const check_item *c = &l->v[k];
        xmlNodePtr e = xmlNewChild(parent, ns, BAD_CAST "check", NULL);
        xmlNewProp(e, BAD_CAST "category", BAD_CAST check_category_name(c->cat));
        xmlNewProp(e, BAD_CAST "item", BAD_CAST c->item);
        xmlNewProp(e, BAD_CAST "code", BAD_CAST c->code);
        xmlNewProp(e, BAD_CAST "name", BAD_CAST c->name);
        xmlNewProp(e, BAD_CAST "result", BAD_CAST (c->passed ? "通过" : "不通过"));
        if (*c->file && strcmp(c->file, l->file)) xmlNewProp(e, BAD_CAST "file", BAD_CAST c->file);
        if (*c->detail) xmlNewProp(e, BAD_CAST "detail", BAD_CAST c->detail);
    }
}

static xmlDocPtr report_doc(const archive *a, const intake *in, const char *name, time_t when, const char *manifest)
{
    char t[32];
    report_time_text(when, t);
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "report");
    xmlNsPtr ns = xmlNewNs(root, BAD_CAST "urn:dangan:1", NULL);
    xmlSetNs(root, ns);
    xmlDocSetRootElement(doc, root);
    xmlNewProp(root, BAD_CAST "standard", BAD_CAST "DA/T 70-2018");
    xmlNewProp(root, BAD_CAST "filing", BAD_CAST name);
    xmlNewProp(root, BAD_CAST "time", BAD_CAST t);
    xmlNewProp(root, BAD_CAST "manifest", BAD_CAST manifest);
    xmlNewProp(root, BAD_CAST "result", BAD_CAST (intake_passed(in) ? "通过" : "不通过"));
    xmlNewProp(root, BAD_CAST "archive", BAD_CAST a->prefix);
    xmlNewProp(root, BAD_CAST "signer", BAD_CAST a->signer);
    add_checks(xmlNewChild(root, ns, BAD_CAST "bundle", NULL), ns, &in->lists[0]);
    for (int i = 1; i < in->n; i++) {
        const check_list *l = &in->lists[i];
        if (!l->filed) continue;
        xmlNodePtr d = xmlNewChild(root, ns, BAD_CAST "dossier", NULL);
        char v[24];
        snprintf(v, sizeof v, "%ld", l->version);
        xmlNewProp(d, BAD_CAST "file", BAD_CAST l->file);
        xmlNewProp(d, BAD_CAST "id", BAD_CAST l->id);
        xmlNewProp(d, BAD_CAST "number", BAD_CAST l->number);
        xmlNewProp(d, BAD_CAST "version", BAD_CAST v);
        xmlNewProp(d, BAD_CAST "sha256", BAD_CAST l->sha256);
        add_checks(d, ns, l);
    }
    return doc;
}

static int write_in(const char *dir, const char *name, const char *ext, const void *data, size_t len,
                    char *err, size_t errlen)
{
    char *file = xasprintf("%s%s", name, ext), *path = path_join(dir, file);
    int rc = write_file_atomic(path, data, len);
    if (rc != 0) snprintf(err, errlen, TR("无法写入 %s：%s", "cannot write %s: %s"), path, errno_text(errno));
    free(file);
    free(path);
    return rc;
}

/* NAME.xml and its detached signature NAME.xml.p7s. */
static int write_xml(const archive *a, const intake *in, const char *name, time_t when, const char *manifest,
                     const char *dir, char *err, size_t errlen)
{
    xmlDocPtr doc = report_doc(a, in, name, when, manifest);
    char *xsd = path_join(a->schema_dir, "report.xsd");
    int rc = schema_check_data(xsd, doc, err, errlen);
    xmlChar *text = NULL;
    int len = 0;
    if (rc == 0) xmlDocDumpFormatMemoryEnc(doc, &text, &len, "UTF-8", 1);
    unsigned char *der = NULL;
    int derlen = 0;
    if (rc == 0 && (!text || len <= 0)) { snprintf(err, errlen, TR("无法生成检测报告", "cannot make the report")); rc = -1; }
    if (rc == 0) rc = cms_sign(text, (size_t)len, (const unsigned char *)"", 0, a->cert, a->key, when, &der, &derlen, err, errlen);
    if (rc == 0) rc = write_in(dir, name, ".xml", text, (size_t)len, err, errlen);
    if (rc == 0) rc = write_in(dir, name, ".xml.p7s", der, (size_t)derlen, err, errlen);
    OPENSSL_free(der);
    xmlFree(text);
    xmlFreeDoc(doc);
    free(xsd);
    return rc;
}

int report_write(const archive *a, const intake *in, const char *name, time_t when, const char *manifest_sha,
                 const char *dir, char *err, size_t errlen)
{
    if (!a->home || !a->schema_dir) {
        snprintf(err, errlen, TR("检测报告的模板未设置", "the report's templates are not set"));
        return -1;
    }
    int rc = write_xml(a, in, name, when, manifest_sha, dir, err, errlen);
    unsigned char *pdf = NULL, *signed_pdf = NULL;
    size_t len = 0, signed_len = 0;
    if (rc == 0) rc = report_pdf(a, in, name, when, manifest_sha, &pdf, &len, err, errlen);
    if (rc == 0) rc = pdf_sign(pdf, len, a->cert, a->key, a->signer, when, &signed_pdf, &signed_len, err, errlen);
    if (rc == 0) rc = write_in(dir, name, ".pdf", signed_pdf, signed_len, err, errlen);
    free(pdf);
    free(signed_pdf);
    return rc;
}
