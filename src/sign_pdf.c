/* sign_pdf.c — see sign.h.
 *
 * The update appends the signature value, its field (also the invisible
 * widget on page 1) with an empty appearance, the objects of the
 * archive's drawing when there is one (its fonts and one Form XObject,
 * sign.h's draw) and a stream that places the form, and new versions of
 * the catalog (its /AcroForm listing every signature field) and of page 1
 * (its /Annots; with a drawing, its /Resources naming the form and its
 * /Contents ending with the stream placing it), of Info and of the XMP —
 * then an xref section and a trailer pointing back with /Prev. Objects
 * are written by hand through pdf_update.h. What the last revision holds is read by
 * verify_read.c (qpdf), never by searching the bytes. The /Contents placeholder is a
 * fixed run of hex zeros; after the byte offsets are known the CMS
 * signature of everything else is written into it. */
#include "sign.h"
#include "pdf_update.h"
#include "verify_read.h"
#include "util.h"
#include "util_limits.h"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void pdf_date(time_t when, char *out, size_t len)
{
    struct tm t;
    gmtime_r(&when, &t);
    strftime(out, len, "D:%Y%m%d%H%M%SZ", &t);
}

/* PDF string of UTF-8 text: UTF-16BE with BOM, as hex. */
static void text_hex(strbuf *b, const char *s)
{
    sb_puts(b, "<FEFF");
    size_t len = strlen(s), i = 0;
    while (i < len) {
        int32_t c = utf8_next(s, len, &i);
        if (c < 0) { i++; continue; }
        if (c > 0xFFFF) {
            c -= 0x10000;
            sb_printf(b, "%04X%04X", 0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF));
        } else {
            sb_printf(b, "%04X", (unsigned)c);
        }
    }
    sb_puts(b, ">");
}

/* The /Contents placeholder holds the hex of the DER signature. Its size
 * is learnt from a trial signature by the same key and certificates (RSA
 * signatures have a fixed length, ECDSA's vary by a few bytes), plus
 * SIG_SLACK bytes: a fixed 16 KiB of zeros was most of each update. */
#define SIG_SLACK 64

typedef pdf_update update;

/* Sets the offsets of the ByteRange and Contents placeholders. */
static void sig_dict(update *u, long num, const char *signer, const char *reason, time_t when,
                     size_t hex, size_t *range_at, size_t *contents_at)
{
    char date[32];
    pdf_date(when, date, sizeof date);
    pdf_update_obj(u, num);
    sb_puts(&u->b, "<<\n/Type /Sig\n/Filter /Adobe.PPKLite\n/SubFilter /adbe.pkcs7.detached\n");
    *range_at = u->b.len;
    sb_printf(&u->b, "/ByteRange [0 %-10d %-10d %-10d]\n", 0, 0, 0);
    sb_puts(&u->b, "/Contents ");
    *contents_at = u->b.len;
    sb_puts(&u->b, "<");
    for (size_t i = 0; i < hex; i++) sb_add(&u->b, "0", 1);
    sb_printf(&u->b, ">\n/M (%s)\n/Name ", date);
    text_hex(&u->b, signer);
    sb_puts(&u->b, "\n/Reason ");
    text_hex(&u->b, reason);
    sb_puts(&u->b, "\n>>\nendobj\n");
}

/* The name the drawing's form gets in page 1's /XObject resources: one
 * the page does not use yet. */
static void form_name(const pdf_base *bs, char out[32])
{
    for (int i = 0;; i++) {
        snprintf(out, 32, i ? "Archive%d" : "Archive", i);
        char *entry = xasprintf("/%s ", out);
        const char *at = strstr(bs->xobjects, entry);
        int taken = at && (at == bs->xobjects || at[-1] == '\n');
        free(entry);
        if (!taken) return;
    }
}

/* Page 1 with the drawing placed: the form added to its /XObject
 * resources, and the stream invoking it last in its /Contents. */
static void drawn_page(update *u, const pdf_base *bs, long field, long form, long call)
{
    char name[32];
    form_name(bs, name);
    pdf_update_obj(u, call);
    char *ops = xasprintf("q\n/%s Do\nQ\n", name);
    sb_printf(&u->b, "<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n", strlen(ops), ops);
    free(ops);
    pdf_update_obj(u, bs->page);
    sb_printf(&u->b, "<<\n%s/Resources <<\n%s/XObject <<\n%s/%s %ld 0 R\n>>\n>>\n", bs->page_rest, bs->resources,
              bs->xobjects, name, form);
    sb_printf(&u->b, "/Contents [%s%ld 0 R]\n/Annots [%s%ld 0 R]\n>>\nendobj\n", bs->contents, call, bs->annots,
              field);
}

/* The invisible widget and its empty appearance (PDF/A-1 6.5.3 wants
 * every annotation to have one), the new catalog and, but for a drawing,
 * first page. */
static void field_objs(update *u, const pdf_base *bs, long sig, long field, long ap, int drawn)
{
    pdf_update_obj(u, field);
    sb_printf(&u->b, "<<\n/Type /Annot\n/Subtype /Widget\n/FT /Sig\n/T (Signature%ld)\n/V %ld 0 R\n"
                     "/F 132\n/Rect [0 0 0 0]\n/P %ld 0 R\n/AP << /N %ld 0 R >>\n>>\nendobj\n",
              sig, sig, bs->page, ap);
    pdf_update_obj(u, ap);
    sb_puts(&u->b, "<< /Type /XObject /Subtype /Form /BBox [0 0 0 0] /Length 0 >>\nstream\n\nendstream\nendobj\n");
    pdf_update_obj(u, bs->root);
    sb_printf(&u->b, "<<\n%s/AcroForm << /Fields [%s%ld 0 R] /SigFlags 3 >>\n>>\nendobj\n", bs->catalog,
              bs->fields, field);
    if (drawn) return;
    pdf_update_obj(u, bs->page);
    sb_printf(&u->b, "<<\n%s/Contents [%s]\n/Annots [%s%ld 0 R]\n>>\nendobj\n", bs->page_dict, bs->contents,
              bs->annots, field);
}

/* s with the text of every <tag>…</tag> replaced by value. */
static void set_xmp_tag(strbuf *s, const char *tag, const char *value)
{
    char *open = xasprintf("<%s>", tag), *close = xasprintf("</%s>", tag);
    char *a = strstr(s->s, open), *b = a ? strstr(a, close) : NULL;
    if (a && b) {
        strbuf t;
        sb_init(&t);
        sb_add(&t, s->s, (size_t)(a - s->s) + strlen(open));
        sb_puts(&t, value);
        sb_puts(&t, b);
        sb_free(s);
        *s = t;
    }
    free(open);
    free(close);
}

/* Info and the XMP rewritten with the update's time, as PDF/A wants them
 * in step in every revision (ModDate = xmp:ModifyDate). */
static void info_and_xmp(update *u, const pdf_base *bs, time_t when)
{
    char date[32], iso[32];
    pdf_date(when, date, sizeof date);
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (bs->info && bs->info_dict) {
        pdf_update_obj(u, bs->info);
        sb_printf(&u->b, "<<\n%s/ModDate (%s)\n>>\nendobj\n", bs->info_dict, date);
    }
    if (bs->meta && bs->xmp) {
        strbuf x;
        sb_init(&x);
        sb_add(&x, (const char *)bs->xmp, bs->xmp_len);
        set_xmp_tag(&x, "xmp:ModifyDate", iso);
        set_xmp_tag(&x, "xmp:MetadataDate", iso);
        pdf_update_obj(u, bs->meta);
        sb_printf(&u->b, "<< /Type /Metadata /Subtype /XML /Length %zu >>\nstream\n", x.len);
        sb_add(&u->b, x.s, x.len);
        sb_puts(&u->b, "\nendstream\nendobj\n");
        sb_free(&x);
    }
}

/* A changed file keeps the first /ID element and gets a new second one
 * (ISO 32000 14.4): here a hash of the first, the time and the signer, so
 * that the same update made twice gives the same bytes. */
static void new_id(const pdf_base *bs, const sign_request *rq, char out[33])
{
    char *seed = xasprintf("%s|%lld|%s", bs->id0, (long long)rq->when, rq->name ? rq->name : "");
    unsigned char h[32];
    unsigned n;
    EVP_Digest(seed, strlen(seed), h, &n, EVP_sha256(), NULL);
    for (int i = 0; i < 16; i++) snprintf(out + 2 * i, 3, "%02x", h[i]);
    free(seed);
}

static void finish_update(update *u, const pdf_base *bs, const sign_request *rq, long size)
{
    size_t xref = pdf_update_xref(u);
    sb_printf(&u->b, "trailer\n<<\n/Size %ld\n/Root %ld 0 R\n", size, bs->root);
    if (bs->info > 0) sb_printf(&u->b, "/Info %ld 0 R\n", bs->info);
    if (bs->id0) {
        char id[33];
        new_id(bs, rq, id);
        sb_printf(&u->b, "/ID [<%s> <%s>]\n", bs->id0, id);
    } else if (bs->id) {
        sb_printf(&u->b, "/ID %s\n", bs->id);
    }
    sb_printf(&u->b, "/Prev %lld\n>>\nstartxref\n%zu\n%%%%EOF\n", bs->prev, xref);
}

/* Appends the signed update (with rq's drawing on page 1 when it has
 * one); sets the offsets of the two placeholders. */
static int append_update(update *u, const unsigned char *in, size_t len, const sign_request *rq, size_t hex,
                         size_t *range_at, size_t *contents_at, char *err, size_t errlen)
{
    pdf_in *p = pdf_in_open(in, len, err, errlen);
    pdf_base bs;
    int rc = p ? pdf_in_base(p, &bs, err, errlen) : -1;
    pdf_in_close(p);
    if (rc != 0) return -1;
    long sig = bs.size, field = sig + 1, ap = sig + 2, next = ap + 1, form = 0;
    sb_add(&u->b, (const char *)in, len);
    if (len && in[len - 1] != '\n') sb_puts(&u->b, "\n");
    sig_dict(u, sig, rq->name, rq->reason, rq->when, hex, range_at, contents_at);
    field_objs(u, &bs, sig, field, ap, rq->draw != NULL);
    if (rq->draw) {
        next = rq->draw(rq->draw_ctx, u, next, &form, err, errlen);
        if (next < 0) { pdf_base_free(&bs); return -1; }
        drawn_page(u, &bs, field, form, next++);
    }
    info_and_xmp(u, &bs, rq->when);
    finish_update(u, &bs, rq, next);
    pdf_base_free(&bs);
    return 0;
}

static void openssl_error(const char *what, char *err, size_t errlen)
{
    unsigned long e = ERR_get_error();
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    snprintf(err, errlen, "%s：%s", what, e ? buf : "未知错误");
}

/* Detached, binary CMS. The signing time is the caller's when (the
 * command's clock: SOURCE_DATE_EPOCH or now), not OpenSSL's now, so that
 * a rebuilt or sharded run signs to the same bytes (RSA PKCS#1 v1.5 is
 * deterministic; ECDSA is not). chain: the intermediate certificates to
 * carry, so that a verifier who trusts only the root can build the path. */
static CMS_ContentInfo *signed_cms(X509 *cert, EVP_PKEY *key, STACK_OF(X509) *chain, BIO *data, time_t when)
{
    int flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL;
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, chain, NULL, flags);
    CMS_SignerInfo *si = cms ? CMS_add1_signer(cms, cert, key, NULL, flags) : NULL;
    ASN1_TIME *t = ASN1_TIME_set(NULL, when);
    int ok = si && t && CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t, -1) &&
             CMS_final(cms, data, NULL, flags);
    ASN1_TIME_free(t);
    if (!ok) { CMS_ContentInfo_free(cms); return NULL; }
    return cms;
}

/* The certificates after the first of a PEM file (its chain). */
static STACK_OF(X509) *read_chain(BIO *cb)
{
    STACK_OF(X509) *chain = sk_X509_new_null();
    X509 *x;
    while ((x = PEM_read_bio_X509(cb, NULL, NULL, NULL))) sk_X509_push(chain, x);
    ERR_clear_error();
    return chain;
}

/* DER CMS signature (detached, binary) of the two byte ranges. */
int cms_sign(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen,
                    const char *cert_pem, const char *key_pem, time_t when, unsigned char **der, int *derlen,
                    char *err, size_t errlen)
{
    int rc = -1;
    BIO *cb = BIO_new_file(cert_pem, "r"), *kb = BIO_new_file(key_pem, "r");
    X509 *cert = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
    STACK_OF(X509) *chain = cert ? read_chain(cb) : NULL;
    EVP_PKEY *key = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
    BIO *data = BIO_new(BIO_s_mem());
    BIO_write(data, a, (int)alen);
    BIO_write(data, b, (int)blen);
    CMS_ContentInfo *cms = NULL;
    if (!cert || !key) {
        openssl_error(!cert ? "无法读取签名证书" : "无法读取签名私钥", err, errlen);
    } else if (!X509_check_private_key(cert, key)) {
        snprintf(err, errlen, "签名私钥与证书不匹配");
    } else if (!(cms = signed_cms(cert, key, chain, data, when))) {
        openssl_error("签名失败", err, errlen);
    } else {
        *der = NULL;
        *derlen = i2d_CMS_ContentInfo(cms, der);
        rc = *derlen > 0 ? 0 : -1;
        if (rc) openssl_error("签名编码失败", err, errlen);
    }
    CMS_ContentInfo_free(cms);
    BIO_free(data);
    EVP_PKEY_free(key);
    sk_X509_pop_free(chain, X509_free);
    X509_free(cert);
    BIO_free(cb);
    BIO_free(kb);
    return rc;
}

int pdf_sign_update(const unsigned char *in, size_t len, const sign_request *rq, unsigned char **out,
                    size_t *out_len, char *err, size_t errlen)
{
    unsigned char *der;
    int der_len;
    if (cms_sign((const unsigned char *)"", 0, (const unsigned char *)"", 0, rq->cert, rq->key, rq->when, &der, &der_len, err, errlen) != 0) return -1;
    OPENSSL_free(der);
    size_t hex = 2 * ((size_t)der_len + SIG_SLACK);
    if (hex > SIG_MAX_HEX) {
        snprintf(err, errlen, "签名过长（%d 字节）", der_len);
        return -1;
    }
    update u = {0};
    sb_init(&u.b);
    size_t range_at, contents_at;
    if (append_update(&u, in, len, rq, hex, &range_at, &contents_at, err, errlen) != 0) {
        pdf_update_free(&u);
        return -1;
    }
    strbuf *b = &u.b;
    /* ByteRange: everything but "<…>" of /Contents. */
    size_t a_len = contents_at, b_off = contents_at + hex + 2, b_len = b->len - b_off;
    char range[64];
    int n = snprintf(range, sizeof range, "/ByteRange [0 %-10zu %-10zu %-10zu]", a_len, b_off, b_len);
    memcpy(b->s + range_at, range, (size_t)n);
    if (cms_sign((unsigned char *)b->s, a_len, (unsigned char *)b->s + b_off, b_len, rq->cert, rq->key, rq->when,
                 &der, &der_len, err, errlen) != 0) {
        pdf_update_free(&u);
        return -1;
    }
    if ((size_t)der_len * 2 > hex) {
        snprintf(err, errlen, "签名过长（%d 字节）", der_len);
        OPENSSL_free(der);
        pdf_update_free(&u);
        return -1;
    }
    static const char HEX[] = "0123456789ABCDEF";
    for (int i = 0; i < der_len; i++) {
        b->s[contents_at + 1 + 2 * i] = HEX[der[i] >> 4];
        b->s[contents_at + 2 + 2 * i] = HEX[der[i] & 15];
    }
    OPENSSL_free(der);
    *out_len = b->len;
    *out = (unsigned char *)sb_steal(b);
    pdf_update_free(&u);
    return 0;
}

int pdf_sign(const unsigned char *in, size_t len, const char *cert_pem, const char *key_pem,
             const char *signer_name, time_t when, unsigned char **out, size_t *out_len,
             char *err, size_t errlen)
{
    sign_request rq = {cert_pem, key_pem, signer_name, "跟岗研修档案核验", when, NULL, NULL};
    return pdf_sign_update(in, len, &rq, out, out_len, err, errlen);
}
