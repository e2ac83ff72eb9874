/* sign.c — see sign.h.
 *
 * The update appends four objects — the signature value, its field (also
 * the invisible widget on page 1), and new versions of the catalog (now
 * with /AcroForm) and of page 1 (now with /Annots) — then an xref section
 * and a trailer pointing back with /Prev. The /Contents placeholder is a
 * fixed run of hex zeros; after the byte offsets are known the CMS
 * signature of everything else is written into it. */
#include "sign.h"
#include "util.h"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIG_HEX 16384          /* room for an 8 KiB CMS signature */

/* Last occurrence of needle in the first n bytes of hay. */
static const unsigned char *rfind(const unsigned char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = n >= k ? n - k + 1 : 0; i-- > 0;)
        if (!memcmp(hay + i, needle, k)) return hay + i;
    return NULL;
}

/* The value of "/Key N" (an integer or the N of "N 0 R") after p, or -1. */
static long key_number(const unsigned char *p, const unsigned char *end, const char *key)
{
    size_t k = strlen(key);
    for (; p + k < end; p++) {
        if (memcmp(p, key, k) || (p[k] != ' ' && p[k] != '\n' && p[k] != '\r')) continue;
        return strtol((const char *)p + k + 1, NULL, 10);
    }
    return -1;
}

/* The dictionary of object num ("<<" … ">>" of its last definition), as a
 * malloc'd string, nested dictionaries and strings balanced. */
static char *object_dict(const unsigned char *in, size_t len, long num)
{
    char head[32];
    snprintf(head, sizeof head, "\n%ld 0 obj", num);
    const unsigned char *p = rfind(in, len, head), *end = in + len;
    if (!p) return NULL;
    while (p < end - 1 && !(p[0] == '<' && p[1] == '<')) p++;
    const unsigned char *start = p;
    int depth = 0, paren = 0;
    for (; p < end - 1; p++) {
        if (paren) {
            if (*p == '\\') p++;
            else if (*p == '(') paren++;
            else if (*p == ')') paren--;
        } else if (*p == '(') {
            paren = 1;
        } else if (p[0] == '<' && p[1] == '<') {
            depth++;
            p++;
        } else if (p[0] == '>' && p[1] == '>') {
            if (--depth == 0) return xstrndup((const char *)start, (size_t)(p + 2 - start));
            p++;
        }
    }
    return NULL;
}

typedef struct trailer {
    long size, root, info, prev;
    char id[160];
} trailer;

static int read_trailer(const unsigned char *in, size_t len, trailer *t)
{
    const unsigned char *sx = rfind(in, len, "startxref"), *tr = rfind(in, len, "trailer");
    if (!sx || !tr) return -1;
    t->prev = strtol((const char *)sx + 9, NULL, 10);
    t->size = key_number(tr, in + len, "/Size");
    t->root = key_number(tr, in + len, "/Root");
    t->info = key_number(tr, in + len, "/Info");
    const unsigned char *id = rfind(in, len, "/ID [");
    t->id[0] = '\0';
    if (id && id > tr) {
        const unsigned char *e = memchr(id, ']', (size_t)(in + len - id));
        if (e && (size_t)(e - id + 1) < sizeof t->id) snprintf(t->id, sizeof t->id, "%.*s", (int)(e - id + 1), id);
    }
    return t->size > 0 && t->root > 0 && t->prev > 0 ? 0 : -1;
}

/* Object number of page 1: the first kid of the root's page tree. */
static long first_page(const unsigned char *in, size_t len, long root)
{
    char *cat = object_dict(in, len, root);
    long pages = cat ? key_number((const unsigned char *)cat, (const unsigned char *)cat + strlen(cat), "/Pages") : -1;
    free(cat);
    char *pd = pages > 0 ? object_dict(in, len, pages) : NULL;
    const char *kids = pd ? strstr(pd, "/Kids") : NULL;
    long page = -1;
    if (kids) {
        const char *b = strchr(kids, '[');
        if (b) page = strtol(b + 1, NULL, 10);
    }
    free(pd);
    return page;
}

/* Inserts "text" before a dictionary's closing ">>". */
static char *dict_with(const char *dict, const char *text)
{
    size_t n = strlen(dict);
    return xasprintf("%.*s%s\n>>", (int)(n - 2), dict, text);
}

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

typedef struct xref_entry { long num; size_t off; } xref_entry;

static int cmp_entry(const void *a, const void *b)
{
    long x = ((const xref_entry *)a)->num, y = ((const xref_entry *)b)->num;
    return x < y ? -1 : x > y;
}

/* Appends the update; sets the offsets of the ByteRange and Contents
 * placeholders. -1 when the file is not one this program can update. */
static int append_update(strbuf *b, const unsigned char *in, size_t len, const char *signer,
                         time_t when, size_t *range_at, size_t *contents_at, char *err, size_t errlen)
{
    trailer t;
    long page = -1;
    char *cat = NULL, *pg = NULL;
    if (read_trailer(in, len, &t) == 0) {
        page = first_page(in, len, t.root);
        cat = object_dict(in, len, t.root);
        pg = page > 0 ? object_dict(in, len, page) : NULL;
    }
    if (!cat || !pg || strstr(cat, "/AcroForm") || strstr(pg, "/Annots")) {
        snprintf(err, errlen, "PDF 结构无法识别或已签名，不能追加签名");
        free(cat);
        free(pg);
        return -1;
    }
    long sig = t.size, field = t.size + 1;
    xref_entry e[4];
    char date[32];
    pdf_date(when, date, sizeof date);
    sb_add(b, (const char *)in, len);
    if (len && in[len - 1] != '\n') sb_puts(b, "\n");

    e[0] = (xref_entry){sig, b->len};
    sb_printf(b, "%ld 0 obj\n<<\n/Type /Sig\n/Filter /Adobe.PPKLite\n/SubFilter /adbe.pkcs7.detached\n", sig);
    *range_at = b->len;
    sb_printf(b, "/ByteRange [0 %-10d %-10d %-10d]\n", 0, 0, 0);
    sb_puts(b, "/Contents ");
    *contents_at = b->len;
    sb_puts(b, "<");
    for (int i = 0; i < SIG_HEX; i++) sb_add(b, "0", 1);
    sb_printf(b, ">\n/M (%s)\n/Name ", date);
    text_hex(b, signer);
    sb_puts(b, "\n/Reason ");
    text_hex(b, "跟岗研修档案核验");
    sb_puts(b, "\n>>\nendobj\n");

    e[1] = (xref_entry){field, b->len};
    sb_printf(b, "%ld 0 obj\n<<\n/Type /Annot\n/Subtype /Widget\n/FT /Sig\n/T (Signature1)\n/V %ld 0 R\n"
                 "/F 132\n/Rect [0 0 0 0]\n/P %ld 0 R\n>>\nendobj\n", field, sig, page);

    char *acro = xasprintf("\n/AcroForm << /Fields [%ld 0 R] /SigFlags 3 >>", field);
    char *annots = xasprintf("\n/Annots [%ld 0 R]", field);
    char *cat2 = dict_with(cat, acro), *pg2 = dict_with(pg, annots);
    e[2] = (xref_entry){t.root, b->len};
    sb_printf(b, "%ld 0 obj\n%s\nendobj\n", t.root, cat2);
    e[3] = (xref_entry){page, b->len};
    sb_printf(b, "%ld 0 obj\n%s\nendobj\n", page, pg2);
    free(acro); free(annots); free(cat2); free(pg2); free(cat); free(pg);

    qsort(e, 4, sizeof *e, cmp_entry);
    size_t xref = b->len;
    sb_puts(b, "xref\n");
    for (int i = 0; i < 4; i++) sb_printf(b, "%ld 1\n%010zu 00000 n\r\n", e[i].num, e[i].off);
    sb_printf(b, "trailer\n<<\n/Size %ld\n/Root %ld 0 R\n", field + 1, t.root);
    if (t.info > 0) sb_printf(b, "/Info %ld 0 R\n", t.info);
    if (t.id[0]) sb_printf(b, "%s\n", t.id);
    sb_printf(b, "/Prev %ld\n>>\nstartxref\n%zu\n%%%%EOF\n", t.prev, xref);
    return 0;
}

static void openssl_error(const char *what, char *err, size_t errlen)
{
    unsigned long e = ERR_get_error();
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    snprintf(err, errlen, "%s：%s", what, e ? buf : "未知错误");
}

/* Detached, binary CMS. With SOURCE_DATE_EPOCH the signing time is that
 * instant rather than now, so that a rebuilt or sharded run signs to the
 * same bytes (RSA PKCS#1 v1.5 is deterministic; ECDSA is not). */
static CMS_ContentInfo *signed_cms(X509 *cert, EVP_PKEY *key, BIO *data)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    if (!e || !*e) return CMS_sign(cert, key, NULL, data, CMS_DETACHED | CMS_BINARY);
    int flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL;
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
    CMS_SignerInfo *si = cms ? CMS_add1_signer(cms, cert, key, NULL, flags) : NULL;
    ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)strtoll(e, NULL, 10));
    int ok = si && t && CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t, -1) &&
             CMS_final(cms, data, NULL, flags);
    ASN1_TIME_free(t);
    if (!ok) { CMS_ContentInfo_free(cms); return NULL; }
    return cms;
}

/* DER CMS signature (detached, binary) of the two byte ranges. */
int cms_sign(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen,
                    const char *cert_pem, const char *key_pem, unsigned char **der, int *derlen,
                    char *err, size_t errlen)
{
    int rc = -1;
    BIO *cb = BIO_new_file(cert_pem, "r"), *kb = BIO_new_file(key_pem, "r");
    X509 *cert = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
    EVP_PKEY *key = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
    BIO *data = BIO_new(BIO_s_mem());
    BIO_write(data, a, (int)alen);
    BIO_write(data, b, (int)blen);
    CMS_ContentInfo *cms = NULL;
    if (!cert || !key) {
        openssl_error(!cert ? "无法读取签名证书" : "无法读取签名私钥", err, errlen);
    } else if (!X509_check_private_key(cert, key)) {
        snprintf(err, errlen, "签名私钥与证书不匹配");
    } else if (!(cms = signed_cms(cert, key, data))) {
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
    X509_free(cert);
    BIO_free(cb);
    BIO_free(kb);
    return rc;
}

int pdf_sign(const unsigned char *in, size_t len, const char *cert_pem, const char *key_pem,
             const char *signer_name, time_t when, unsigned char **out, size_t *out_len,
             char *err, size_t errlen)
{
    strbuf b;
    sb_init(&b);
    size_t range_at, contents_at;
    if (append_update(&b, in, len, signer_name, when, &range_at, &contents_at, err, errlen) != 0) {
        sb_free(&b);
        return -1;
    }
    /* ByteRange: everything but "<…>" of /Contents. */
    size_t a_len = contents_at, b_off = contents_at + SIG_HEX + 2, b_len = b.len - b_off;
    char range[64];
    int n = snprintf(range, sizeof range, "/ByteRange [0 %-10zu %-10zu %-10zu]", a_len, b_off, b_len);
    memcpy(b.s + range_at, range, (size_t)n);
    unsigned char *der;
    int der_len;
    if (cms_sign((unsigned char *)b.s, a_len, (unsigned char *)b.s + b_off, b_len, cert_pem, key_pem,
                 &der, &der_len, err, errlen) != 0) {
        sb_free(&b);
        return -1;
    }
    if (der_len * 2 > SIG_HEX) {
        snprintf(err, errlen, "签名过长（%d 字节）", der_len);
        OPENSSL_free(der);
        sb_free(&b);
        return -1;
    }
    static const char HEX[] = "0123456789ABCDEF";
    for (int i = 0; i < der_len; i++) {
        b.s[contents_at + 1 + 2 * i] = HEX[der[i] >> 4];
        b.s[contents_at + 2 + 2 * i] = HEX[der[i] & 15];
    }
    OPENSSL_free(der);
    *out_len = b.len;
    *out = (unsigned char *)sb_steal(&b);
    return 0;
}

/* Common name of the CMS's first signer certificate. */
static char *signer_cn(CMS_ContentInfo *cms)
{
    STACK_OF(X509) *certs = CMS_get0_signers(cms);
    char buf[256] = "";
    if (certs && sk_X509_num(certs) > 0) {
        X509_NAME *nm = X509_get_subject_name(sk_X509_value(certs, 0));
        X509_NAME_get_text_by_NID(nm, NID_commonName, buf, sizeof buf);
    }
    sk_X509_free(certs);
    return xstrdup(buf);
}

/* Verifies the signature whose /ByteRange starts at p. */
static int verify_one(const unsigned char *in, size_t len, const char *p, int *covers_all,
                      char **name, char *err, size_t errlen)
{
    unsigned long r[4];
    if (sscanf(p, "/ByteRange [%lu %lu %lu %lu]", &r[0], &r[1], &r[2], &r[3]) != 4 || r[0] != 0 ||
        r[1] >= r[2] || r[2] + r[3] > len || in[r[1]] != '<' || in[r[2] - 1] != '>') {
        snprintf(err, errlen, "签名的 /ByteRange 无效");
        return 0;
    }
    *covers_all = r[2] + r[3] == len;
    /* The hex must decode exactly, and the padding after it be zeros: a
     * changed byte there would not disturb the DER, but it is a change. */
    size_t hex_len = r[2] - r[1] - 2;
    unsigned char *der = xmalloc(hex_len / 2 + 1);
    size_t n = 0;
    int bad = hex_len % 2 != 0;
    for (size_t i = 0; !bad && i < hex_len; i += 2) {
        char h[3] = {(char)in[r[1] + 1 + i], (char)in[r[1] + 2 + i], 0};
        char *e;
        der[n++] = (unsigned char)strtoul(h, &e, 16);
        bad = *e != '\0';
    }
    const unsigned char *q = der;
    CMS_ContentInfo *cms = bad ? NULL : d2i_CMS_ContentInfo(NULL, &q, (long)n);
    for (size_t i = (size_t)(q - der); cms && i < n; i++) bad |= der[i] != 0;
    int ok = 0;
    if (!cms || bad) {
        snprintf(err, errlen, "签名数据被改动或无法解析");
    } else {
        BIO *data = BIO_new(BIO_s_mem());
        BIO_write(data, in, (int)r[1]);
        BIO_write(data, in + r[2], (int)r[3]);
        ok = CMS_verify(cms, NULL, NULL, data, NULL, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) == 1;
        if (!ok) snprintf(err, errlen, "签名与文件内容不符：文件在签名后被改动");
        if (ok && name && !*name) *name = signer_cn(cms);
        BIO_free(data);
    }
    CMS_ContentInfo_free(cms);
    free(der);
    return ok;
}

#define STAMP_MARK "%dangan-archive-stamp"

/* 1 when data[from..len) is one update written by pdf_append_stamp. */
static int is_stamp_update(const unsigned char *in, size_t len, size_t from)
{
    size_t k = strlen(STAMP_MARK);
    while (from < len && (in[from] == '\n' || in[from] == '\r')) from++;
    if (len - from < k || memcmp(in + from, STAMP_MARK, k)) return 0;
    /* Exactly one more revision: one %%EOF after the mark, and nothing
     * after it but a line end. */
    int eofs = 0;
    size_t last = 0;
    for (size_t i = from; i + 5 <= len; i++)
        if (!memcmp(in + i, "%%EOF", 5)) { eofs++; last = i + 5; }
    while (last < len && (in[last] == '\n' || in[last] == '\r')) last++;
    return eofs == 1 && last == len;
}

int pdf_verify(const unsigned char *in, size_t len, char **name, char *err, size_t errlen)
{
    int stamped;
    int rc = pdf_verify_stamped(in, len, name, &stamped, err, errlen);
    return rc;
}

int pdf_verify_stamped(const unsigned char *in, size_t len, char **name, int *stamped,
                       char *err, size_t errlen)
{
    *name = NULL;
    *stamped = 0;
    size_t last_end = 0;
    int found = 0, all_ok = 1, last_covers = 0;
    static const char KEY[] = "/ByteRange [";
    for (size_t i = 0; i + sizeof KEY < len; i++) {
        if (memcmp(in + i, KEY, sizeof KEY - 1)) continue;
        char buf[96];
        size_t k = len - i < sizeof buf - 1 ? len - i : sizeof buf - 1;
        memcpy(buf, in + i, k);
        buf[k] = '\0';
        found++;
        if (!verify_one(in, len, buf, &last_covers, name, err, errlen)) all_ok = 0;
        unsigned long r[4];
        if (sscanf(buf, "/ByteRange [%lu %lu %lu %lu]", &r[0], &r[1], &r[2], &r[3]) == 4) last_end = r[2] + r[3];
    }
    if (!found) {
        snprintf(err, errlen, "文件没有数字签名");
        return -1;
    }
    if (all_ok && !last_covers) {
        if (last_end && is_stamp_update(in, len, last_end)) {
            *stamped = 1;
            return 1;
        }
        snprintf(err, errlen, "签名之后文件被追加了内容");
        return 0;
    }
    return all_ok;
}

/* A PEM file, or every *.pem of a folder (an archive's trust/). 1 when
 * at least one certificate was loaded. */
static int load_trust(X509_STORE *store, const char *path)
{
    if (!is_dir(path)) return X509_STORE_load_file(store, path) == 1;
    DIR *d = opendir(path);
    struct dirent *e;
    int loaded = 0;
    while (d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".pem")) continue;
        char *f = path_join(path, e->d_name);
        loaded |= X509_STORE_load_file(store, f) == 1;
        free(f);
    }
    if (d) closedir(d);
    return loaded;
}

int cms_verify(const unsigned char *der, size_t derlen, const unsigned char *data, size_t len,
               const char *ca_file, char **name, char *err, size_t errlen)
{
    const unsigned char *q = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &q, (long)derlen);
    if (!cms) {
        snprintf(err, errlen, "签名文件无法解析");
        return 0;
    }
    X509_STORE *store = NULL;
    if (ca_file) {
        store = X509_STORE_new();
        if (load_trust(store, ca_file) != 1) {
            snprintf(err, errlen, "无法读取信任证书 %s", ca_file);
            X509_STORE_free(store);
            CMS_ContentInfo_free(cms);
            return 0;
        }
    }
    BIO *in = BIO_new_mem_buf(data, (int)len);
    int ok = CMS_verify(cms, NULL, store, in, NULL, CMS_BINARY | (store ? 0 : CMS_NO_SIGNER_CERT_VERIFY)) == 1;
    if (!ok) openssl_error("签名无效", err, errlen);
    if (ok && name) *name = signer_cn(cms);
    BIO_free(in);
    X509_STORE_free(store);
    CMS_ContentInfo_free(cms);
    return ok;
}

int pdf_append_stamp(const unsigned char *in, size_t len, const char *ops, size_t opslen,
                     unsigned char **out, size_t *out_len, char *err, size_t errlen)
{
    trailer t;
    long page = -1;
    char *pg = NULL;
    if (read_trailer(in, len, &t) == 0) {
        page = first_page(in, len, t.root);
        pg = page > 0 ? object_dict(in, len, page) : NULL;
    }
    const char *c = pg ? strstr(pg, "/Contents") : NULL;
    if (!c) {
        snprintf(err, errlen, "PDF 结构无法识别，不能加盖归档章");
        free(pg);
        return -1;
    }
    long stream = t.size;
    /* The page's /Contents becomes [old… stamp]. */
    const char *v = c + 9;
    while (*v == ' ' || *v == '\n' || *v == '\r') v++;
    strbuf np;
    sb_init(&np);
    sb_add(&np, pg, (size_t)(c - pg));
    if (*v == '[') {
        const char *e = strchr(v, ']');
        if (!e) { free(pg); sb_free(&np); snprintf(err, errlen, "页面内容数组无效"); return -1; }
        sb_puts(&np, "/Contents ");
        sb_add(&np, v, (size_t)(e - v));
        sb_printf(&np, " %ld 0 R]", stream);
        sb_puts(&np, e + 1);
    } else {
        long old = strtol(v, NULL, 10);
        const char *e = strstr(v, " R");
        if (old <= 0 || !e) { free(pg); sb_free(&np); snprintf(err, errlen, "页面内容引用无效"); return -1; }
        sb_printf(&np, "/Contents [%ld 0 R %ld 0 R]", old, stream);
        sb_puts(&np, e + 2);
    }
    strbuf b;
    sb_init(&b);
    sb_add(&b, (const char *)in, len);
    if (len && in[len - 1] != '\n') sb_puts(&b, "\n");
    sb_puts(&b, STAMP_MARK "\n");
    size_t s_off = b.len;
    sb_printf(&b, "%ld 0 obj\n<< /Length %zu >>\nstream\nq\n", stream, opslen + 4);
    sb_add(&b, ops, opslen);
    sb_puts(&b, "Q\n\nendstream\nendobj\n");
    size_t p_off = b.len;
    sb_printf(&b, "%ld 0 obj\n%s\nendobj\n", page, np.s);
    size_t xref = b.len;
    xref_entry e[2] = {{stream, s_off}, {page, p_off}};
    qsort(e, 2, sizeof *e, cmp_entry);
    sb_puts(&b, "xref\n");
    for (int i = 0; i < 2; i++) sb_printf(&b, "%ld 1\n%010zu 00000 n\r\n", e[i].num, e[i].off);
    sb_printf(&b, "trailer\n<<\n/Size %ld\n/Root %ld 0 R\n", stream + 1, t.root);
    if (t.info > 0) sb_printf(&b, "/Info %ld 0 R\n", t.info);
    if (t.id[0]) sb_printf(&b, "%s\n", t.id);
    sb_printf(&b, "/Prev %ld\n>>\nstartxref\n%zu\n%%%%EOF\n", t.prev, xref);
    free(pg);
    sb_free(&np);
    *out_len = b.len;
    *out = (unsigned char *)sb_steal(&b);
    return 0;
}
