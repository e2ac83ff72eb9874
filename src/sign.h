/* sign.h — the PDF digital signature (spec §6): a detached CMS signature
 * added by incremental update with a /ByteRange that covers the whole
 * file but the signature itself, so that pdfsig reports "Total document
 * signed" and any later change shows. The school signs the dossier; the
 * bureau's archive signs its 归档章 the same way, as a second signature
 * over the whole file (verify.h checks both).
 * Takes: a PDF this program wrote, PEM certificate and key. Gives: the
 * signed bytes. Only the PDF stage and this module write PDF syntax. */
#ifndef DANGAN_SIGN_H
#define DANGAN_SIGN_H

#include <stddef.h>
#include <time.h>

struct pdf_update;

/* A drawing the update places on page 1 (the archive's 归档章): called
 * once the object numbers are known, it writes its objects into u from
 * number first on, one of them the Form XObject that draws it (*form);
 * returns the next free number, or -1 with err. */
typedef long (*sign_draw_fn)(void *ctx, struct pdf_update *u, long first, long *form, char *err,
                             size_t errlen);

typedef struct sign_request {
    const char *cert, *key;      /* PEM files */
    const char *name, *reason;   /* the signature's /Name and /Reason */
    time_t when;                 /* its /M */
    sign_draw_fn draw;           /* NULL: the update draws nothing */
    void *draw_ctx;
} sign_request;

/* The signed update. 0, or -1 with err (not a PDF that can be updated,
 * unreadable key, signing failed). */
int pdf_sign_update(const unsigned char *in, size_t len, const sign_request *rq, unsigned char **out,
                    size_t *out_len, char *err, size_t errlen);

/* The school's signature: pdf_sign_update without a stamp. */
int pdf_sign(const unsigned char *in, size_t len, const char *cert_pem, const char *key_pem,
             const char *signer_name, time_t when, unsigned char **out, size_t *out_len,
             char *err, size_t errlen);

/* A detached, binary CMS signature (DER) of a ‖ b, by the PEM
 * certificate and key, with signing time when; *der is freed with
 * OPENSSL_free. 0, or -1 with err. */
int cms_sign(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen,
             const char *cert_pem, const char *key_pem, time_t when, unsigned char **der, int *derlen,
             char *err, size_t errlen);

#endif
