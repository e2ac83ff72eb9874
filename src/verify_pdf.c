/* verify_pdf.c — see verify.h.
 *
 * Each rule below stops one published attack on PDF signatures
 * (Mladenov et al., "1 Trillion Dollar Refund", 2019; Mainka et al.,
 * "Shadow Attacks", 2021):
 * - signatures are found through the structure only (verify_read.c), never
 *   by scanning bytes — a "/ByteRange [" in text is text;
 * - /ByteRange is four non-negative integers [0 a b c], a < b, b + c
 *   within the file, compared without overflow (Universal Signature
 *   Forgery: null, zero, negative, partial or huge ranges);
 * - the gap [a, b) is "<" hex ">" and nothing else, and its bytes are the
 *   /Contents of the dictionary found (Signature Wrapping: a gap that
 *   hides objects);
 * - the hex is the DER of one CMS SignedData and then only zeros;
 * - the last signature ends at the last byte of the file (Incremental
 *   Saving and every Shadow attack need unsigned bytes after a signature);
 * - every signature, not only the first, must be valid and trusted. */
#include "verify.h"
#include "verify_read.h"
#include "util_lang.h"
#include "util.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef struct one {
    CMS_ContentInfo *cms;
    signer_report rep;
} one;

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The /ByteRange rules; on success the range's end in *end. */
static int range_ok(const pdf_sig *s, size_t len, size_t *end)
{
    if (!s->range_ok) return 0;
    for (int i = 0; i < 4; i++)
        if (s->range[i] < 0 || (unsigned long long)s->range[i] > len) return 0;
    unsigned long long a = (unsigned long long)s->range[1], b = (unsigned long long)s->range[2],
                       c = (unsigned long long)s->range[3];
    if (s->range[0] != 0 || a == 0 || b < a + 2 || c > len - b) return 0;
    *end = (size_t)(b + c);
    return 1;
}

/* The gap is exactly "<" hex ">", decoding to the dictionary's /Contents. */
static int gap_ok(const unsigned char *in, const pdf_sig *s)
{
    size_t a = (size_t)s->range[1], b = (size_t)s->range[2], hex = b - a - 2;
    if (in[a] != '<' || in[b - 1] != '>' || hex % 2 || !s->contents || s->contents_len != hex / 2) return 0;
    for (size_t i = 0; i < hex; i += 2) {
        int hi = hexval(in[a + 1 + i]), lo = hexval(in[a + 2 + i]);
        if (hi < 0 || lo < 0 || s->contents[i / 2] != (unsigned char)(hi << 4 | lo)) return 0;
    }
    return 1;
}

/* One SignedData in DER, then zero padding only. */
static CMS_ContentInfo *parse_cms(const pdf_sig *s)
{
    const unsigned char *q = s->contents;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &q, (long)s->contents_len);
    if (!cms) return NULL;
    for (size_t i = (size_t)(q - s->contents); i < s->contents_len; i++)
        if (s->contents[i]) { CMS_ContentInfo_free(cms); return NULL; }
    if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
        sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)) != 1) {
        CMS_ContentInfo_free(cms);
        return NULL;
    }
    return cms;
}

static time_t signing_time(CMS_ContentInfo *cms)
{
    CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
    int at = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
    X509_ATTRIBUTE *x = at >= 0 ? CMS_signed_get_attr(si, at) : NULL;
    ASN1_TYPE *v = x ? X509_ATTRIBUTE_get0_type(x, 0) : NULL;
    struct tm tm;
    if (!v || (v->type != V_ASN1_UTCTIME && v->type != V_ASN1_GENERALIZEDTIME) ||
        !ASN1_TIME_to_tm(v->value.utctime, &tm))
        return (time_t)-1;
    return timegm(&tm);
}

static X509 *signer_cert(CMS_ContentInfo *cms)
{
    STACK_OF(X509) *s = CMS_get0_signers(cms);
    X509 *c = s && sk_X509_num(s) > 0 ? sk_X509_value(s, 0) : NULL;
    sk_X509_free(s);
    return c;
}

static char *common_name(X509 *c)
{
    char buf[256] = "";
    if (c) X509_NAME_get_text_by_NID(X509_get_subject_name(c), NID_commonName, buf, sizeof buf);
    return xstrdup(buf);
}

/* The CMS over data, signer certificate not yet judged. 1 valid. */
static int cms_valid(CMS_ContentInfo *cms, const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
    unsigned char *buf = xmalloc(alen + blen + 1);
    memcpy(buf, a, alen);
    if (blen) memcpy(buf + alen, b, blen);
    BIO *data = BIO_new_mem_buf(buf, (int)(alen + blen));
    int ok = data && CMS_verify(cms, NULL, NULL, data, NULL, CMS_BINARY | CMS_DETACHED | CMS_NO_SIGNER_CERT_VERIFY) == 1;
    BIO_free(data);
    free(buf);
    ERR_clear_error();
    return ok;
}

/* Checks one signature's form and cryptography. */
static int check_one(const unsigned char *in, size_t len, const pdf_sig *s, one *o, char *err, size_t errlen)
{
    size_t end = 0;
    if (strcmp(s->subfilter, "/adbe.pkcs7.detached") && strcmp(s->subfilter, "/ETSI.CAdES.detached")) {
        snprintf(err, errlen, TR("签名类型 %s 不受支持（只接受 adbe.pkcs7.detached 与 ETSI.CAdES.detached）",
                                "signature type %s is not supported (only adbe.pkcs7.detached and ETSI.CAdES.detached)"),
                 *s->subfilter ? s->subfilter : "（无）");
        return 0;
    }
    if (!range_ok(s, len, &end)) {
        snprintf(err, errlen, TR("签名的 /ByteRange 无效（须为 [0 a b c] 且不超出文件）",
                                "the signature's /ByteRange is invalid (it must be [0 a b c] inside the file)"));
        return 0;
    }
    if (!gap_ok(in, s) || !(o->cms = parse_cms(s))) {
        snprintf(err, errlen, TR("签名值（/Contents）被改动或无法解析", "the signature value (/Contents) was changed or cannot be read"));
        return 0;
    }
    o->rep.end = end;
    o->rep.signed_at = signing_time(o->cms);
    o->rep.reason = xstrdup(s->reason);
    size_t b = (size_t)s->range[2];
    if (!cms_valid(o->cms, in, (size_t)s->range[1], in + b, (size_t)s->range[3])) {
        snprintf(err, errlen, TR("签名与文件内容不符：签名的部分被改动过", "the signature does not match the file: the signed part was changed"));
        return 0;
    }
    o->rep.name = common_name(signer_cert(o->cms));
    return 1;
}

static int cmp_end(const void *a, const void *b)
{
    size_t x = ((const one *)a)->rep.end, y = ((const one *)b)->rep.end;
    return x < y ? -1 : x > y;
}

/* A signed revision ends with "%%EOF" and at most one end of line. */
static int at_revision_end(const unsigned char *in, size_t end)
{
    size_t e = end;
    if (e > 0 && in[e - 1] == '\n') e--;
    if (e > 0 && in[e - 1] == '\r') e--;
    return e >= 5 && !memcmp(in + e - 5, "%%EOF", 5);
}

static int judge_trust(one *v, int n, const trust *t, time_t now, char *err, size_t errlen)
{
    time_t when = now;
    for (int i = n - 1; i >= 0; i--) {
        STACK_OF(X509) *carried = CMS_get1_certs(v[i].cms);
        char why[384];
        int ok = trust_check(t, signer_cert(v[i].cms), carried, when, why, sizeof why);
        sk_X509_pop_free(carried, X509_free);
        if (!ok) {
            snprintf(err, errlen, TR("第 %d 个签名（%s）：%s", "signature %d (%s): %s"), i + 1, v[i].rep.name, why);
            return 0;
        }
        if (v[i].rep.signed_at != (time_t)-1 && v[i].rep.signed_at < when) when = v[i].rep.signed_at;
    }
    return 1;
}

static int check_all(const unsigned char *in, size_t len, pdf_sig *s, int n, one *v, const trust *t, time_t now,
                     pdf_report *r)
{
    for (int i = 0; i < n; i++)
        if (!check_one(in, len, &s[i], &v[i], r->problem, sizeof r->problem)) return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_end);
    for (int i = 0; i < n; i++)
        if (!at_revision_end(in, v[i].rep.end)) {
            snprintf(r->problem, sizeof r->problem, TR("第 %d 个签名没有在一个修订版本的结尾结束", "signature %d does not end at the end of a revision"), i + 1);
            return 0;
        }
    if (v[n - 1].rep.end != len) {
        snprintf(r->problem, sizeof r->problem, TR("签名之后有未签名的改动（从第 %zu 字节起）", "unsigned changes after the last signature (from byte %zu)"),
                 v[n - 1].rep.end);
        return 0;
    }
    r->intact = 1;
    if (trust_anchors(t) == 0) {
        snprintf(r->problem, sizeof r->problem, TR("签名者身份未经核实：没有给出受信任的证书（--ca 或 --trust）",
                                                  "the signers' identity is unverified: no trusted certificate given (--ca or --trust)"));
        return 0;
    }
    r->trusted = judge_trust(v, n, t, now, r->problem, sizeof r->problem);
    return r->trusted;
}

int pdf_check(const unsigned char *in, size_t len, const trust *t, time_t now, pdf_report *r)
{
    memset(r, 0, sizeof *r);
    pdf_in *p = pdf_in_open(in, len, r->problem, sizeof r->problem);
    if (!p) return 0;
    pdf_sig *s = NULL;
    int n = pdf_in_signatures(p, &s, r->problem, sizeof r->problem);
    pdf_in_close(p);
    if (n <= 0) {
        if (n == 0) snprintf(r->problem, sizeof r->problem, TR("文件没有数字签名", "the file has no digital signature"));
        return 0;
    }
    one *v = xcalloc((size_t)n, sizeof *v);
    int ok = check_all(in, len, s, n, v, t, now, r);
    r->nsig = n;
    r->sig = xcalloc((size_t)n, sizeof *r->sig);
    for (int i = 0; i < n; i++) {
        r->sig[i] = v[i].rep;
        if (!r->sig[i].name) r->sig[i].name = xstrdup("");
        if (!r->sig[i].reason) r->sig[i].reason = xstrdup("");
        CMS_ContentInfo_free(v[i].cms);
    }
    free(v);
    pdf_sigs_free(s, n);
    if (ok) r->problem[0] = '\0';
    return ok;
}

void pdf_report_free(pdf_report *r)
{
    for (int i = 0; i < r->nsig; i++) { free(r->sig[i].name); free(r->sig[i].reason); }
    free(r->sig);
    memset(r, 0, sizeof *r);
}

char *pdf_report_signers(const pdf_report *r)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "");
    for (int i = 0; i < r->nsig; i++) {
        const signer_report *s = &r->sig[i];
        char day[16] = "";
        struct tm tm;
        if (s->signed_at != (time_t)-1 && gmtime_r(&s->signed_at, &tm)) strftime(day, sizeof day, "%Y-%m-%d", &tm);
        sb_printf(&b, "%s%s", i ? TR("；", "; ") : "", s->name);
        if (*s->reason || *day)
            sb_printf(&b, TR("（%s%s%s）", " (%s%s%s)"), s->reason, *s->reason && *day ? TR("，", ", ") : "",
                      *day ? day : "");
    }
    return sb_steal(&b);
}

int cms_check(const unsigned char *der, size_t derlen, const unsigned char *data, size_t len,
              const trust *t, time_t now, char **name, char *err, size_t errlen)
{
    pdf_sig s = {.contents = (unsigned char *)der, .contents_len = derlen};
    CMS_ContentInfo *cms = parse_cms(&s);
    if (!cms || !cms_valid(cms, data, len, NULL, 0)) {
        snprintf(err, errlen, TR("签名无效：签名文件无法解析，或签名与内容不符", "invalid signature: it cannot be read or does not match the content"));
        CMS_ContentInfo_free(cms);
        return 0;
    }
    X509 *c = signer_cert(cms);
    *name = common_name(c);
    int rc = 2;
    if (trust_anchors(t) > 0) {
        STACK_OF(X509) *carried = CMS_get1_certs(cms);
        rc = trust_check(t, c, carried, now, err, errlen);
        sk_X509_pop_free(carried, X509_free);
    } else {
        snprintf(err, errlen, TR("签名者身份未经核实：没有给出受信任的证书（--ca 或 --trust）",
                                "the signer's identity is unverified: no trusted certificate given (--ca or --trust)"));
    }
    CMS_ContentInfo_free(cms);
    return rc;
}
