/* verify_trust.c — see verify_trust.h.
 *
 * The chain is built by OpenSSL (X509_verify_cert) with two choices of
 * ours:
 * - PARTIAL_CHAIN: an anchor need not be self-signed, so a bureau may
 *   trust one school's certificate without its CA (the README's trust/);
 * - revocation is judged only against the CRLs present: an issuer with
 *   no CRL in the store is not an error (there is no network to fetch
 *   one), but a certificate listed in a CRL present is revoked whatever
 *   the CRL's own dates — a later CRL still tells the truth about a key.
 * Key usage and extended key usage are checked by hand after the chain:
 * OpenSSL's purposes know S/MIME and TLS, not document signing. */
#include "verify_trust.h"
#include "util_lang.h"
#include "util.h"

#include <dirent.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct trust {
    X509_STORE *store;
    int certs, crls;
};

trust *trust_new(void)
{
    trust *t = xcalloc(1, sizeof *t);
    t->store = X509_STORE_new();
    return t;
}

void trust_free(trust *t)
{
    if (!t) return;
    X509_STORE_free(t->store);
    free(t);
}

/* Every certificate and CRL of one PEM file. -1 when none could be read. */
static int add_file(trust *t, const char *path)
{
    BIO *b = BIO_new_file(path, "r");
    if (!b) return -1;
    STACK_OF(X509_INFO) *inf = PEM_X509_INFO_read_bio(b, NULL, NULL, NULL);
    BIO_free(b);
    ERR_clear_error();
    int n = 0;
    for (int i = 0; inf && i < sk_X509_INFO_num(inf); i++) {
        X509_INFO *x = sk_X509_INFO_value(inf, i);
        if (x->x509 && X509_STORE_add_cert(t->store, x->x509)) { t->certs++; n++; }
        if (x->crl && X509_STORE_add_crl(t->store, x->crl)) { t->crls++; n++; }
    }
    sk_X509_INFO_pop_free(inf, X509_INFO_free);
    ERR_clear_error();   /* a duplicate certificate is not an error */
    return n > 0 ? 0 : -1;
}

static int trust_name(const char *name)
{
    size_t n = strlen(name);
    if (name[0] == '.' || n < 5) return 0;
    const char *ext = name + n - 4;
    return !strcmp(ext, ".pem") || !strcmp(ext, ".crt") || !strcmp(ext, ".cer") || !strcmp(ext, ".crl");
}

int trust_add(trust *t, const char *path, char *err, size_t errlen)
{
    if (!is_dir(path)) {
        if (add_file(t, path) == 0) return 0;
        snprintf(err, errlen, "无法读取信任证书 %s（须为 PEM 格式的证书或吊销列表）", path);
        return -1;
    }
    DIR *d = opendir(path);
    struct dirent *e;
    int loaded = 0;
    while (d && (e = readdir(d))) {
        if (!trust_name(e->d_name)) continue;
        char *f = path_join(path, e->d_name);
        struct stat st;
        if (stat(f, &st) == 0 && S_ISREG(st.st_mode) && add_file(t, f) == 0) loaded++;
        free(f);
    }
    if (d) closedir(d);
    if (loaded) return 0;
    snprintf(err, errlen, "信任文件夹 %s 中没有可用的证书（*.pem）", path);
    return -1;
}

int trust_anchors(const trust *t)
{
    return t ? t->certs : 0;
}

/* No CRL for an issuer is "unknown", not "revoked"; a CRL's own dates
 * do not make a listed certificate valid again (see the top). */
static int chain_cb(int ok, X509_STORE_CTX *c)
{
    if (ok) return ok;
    switch (X509_STORE_CTX_get_error(c)) {
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
        return 1;
    default:
        return 0;
    }
}

static void when_text(time_t when, char *out, size_t n)
{
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(out, n, "%Y-%m-%d", &tm);
}

static void chain_error(int e, time_t when, char *err, size_t errlen)
{
    char day[16];
    when_text(when, day, sizeof day);
    switch (e) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        snprintf(err, errlen, TR("签名者证书不受信任（未链接到信任库中的任何证书）", "the signer's certificate is not trusted (it chains to no certificate of the trust store)"));
        break;
    case X509_V_ERR_CERT_HAS_EXPIRED:
        snprintf(err, errlen, TR("签名者证书在 %s（判断时间）已过期", "the signer's certificate had expired on %s (the time it is judged at)"), day);
        break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        snprintf(err, errlen, TR("签名者证书在 %s（判断时间）尚未生效", "the signer's certificate was not yet valid on %s (the time it is judged at)"), day);
        break;
    case X509_V_ERR_CERT_REVOKED:
        snprintf(err, errlen, TR("签名者证书已被吊销（见信任库中的证书吊销列表）", "the signer's certificate is revoked (by a CRL in the trust store)"));
        break;
    default:
        snprintf(err, errlen, TR("签名者证书无效：%s", "the signer's certificate is not valid: %s"),
                 X509_verify_cert_error_string(e));
    }
}

/* Extended key usages that allow signing a document: any, e-mail
 * protection (what S/MIME and most PDF signers carry), and the three
 * document-signing ids (IETF RFC 9336, Microsoft, Adobe). */
static int eku_allows_signing(X509 *cert)
{
    EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(cert, NID_ext_key_usage, NULL, NULL);
    if (!eku) return 1;
    static const char *const OK[] = {"2.5.29.37.0", "1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.36",
                                     "1.3.6.1.4.1.311.10.3.12", "1.2.840.113583.1.1.5"};
    int ok = 0;
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku) && !ok; i++) {
        char oid[80];
        OBJ_obj2txt(oid, sizeof oid, sk_ASN1_OBJECT_value(eku, i), 1);
        for (size_t k = 0; k < sizeof OK / sizeof *OK; k++) ok |= !strcmp(oid, OK[k]);
    }
    EXTENDED_KEY_USAGE_free(eku);
    return ok;
}

static int usage_ok(X509 *cert, char *err, size_t errlen)
{
    /* A certificate without a keyUsage extension may do anything (RFC
     * 5280 §4.2.1.3); one with it must allow signatures. */
    if ((X509_get_extension_flags(cert) & EXFLAG_KUSAGE) &&
        !(X509_get_key_usage(cert) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
        snprintf(err, errlen, TR("签名者证书不允许签名（密钥用途既无 digitalSignature 也无 nonRepudiation）", "the signer's certificate may not sign (its key usage has neither digitalSignature nor nonRepudiation)"));
        return 0;
    }
    if (!eku_allows_signing(cert)) {
        snprintf(err, errlen, TR("签名者证书不是用于签署文件的（扩展密钥用途只允许如 TLS 服务器等其他用途）", "the signer's certificate is not for signing documents (its extended key usage allows e.g. only TLS servers)"));
        return 0;
    }
    return 1;
}

int trust_check(const trust *t, X509 *cert, STACK_OF(X509) *carried, time_t when,
                char *err, size_t errlen)
{
    if (!usage_ok(cert, err, errlen)) return 0;
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (!ctx || !X509_STORE_CTX_init(ctx, t->store, cert, carried)) {
        X509_STORE_CTX_free(ctx);
        snprintf(err, errlen, TR("内存不足", "out of memory"));
        return 0;
    }
    unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_USE_CHECK_TIME;
    if (t->crls) flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
    X509_VERIFY_PARAM *p = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_flags(p, flags);
    X509_VERIFY_PARAM_set_time(p, when);
    X509_STORE_CTX_set_verify_cb(ctx, chain_cb);
    int ok = X509_verify_cert(ctx) == 1;
    if (!ok) chain_error(X509_STORE_CTX_get_error(ctx), when, err, errlen);
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
    return ok;
}

char *cert_file_name(const char *pem)
{
    BIO *b = BIO_new_file(pem, "r");
    X509 *c = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    ERR_clear_error();
    if (!c) return NULL;
    char buf[256] = "";
    X509_NAME_get_text_by_NID(X509_get_subject_name(c), NID_commonName, buf, sizeof buf);
    X509_free(c);
    return xstrdup(buf);
}
