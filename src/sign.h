/* sign.h — the PDF digital signature (spec §6): a detached CMS signature
 * by the school's certificate and key, added by incremental update with a
 * /ByteRange that covers the whole file but the signature itself, so that
 * pdfsig reports "Total document signed" and any later change shows.
 * Takes: a PDF this program wrote, PEM certificate and key. Gives: the
 * signed bytes. Only the PDF stage and this module touch PDF syntax. */
#ifndef DANGAN_SIGN_H
#define DANGAN_SIGN_H

#include <stddef.h>
#include <time.h>

int pdf_sign(const unsigned char *in, size_t len, const char *cert_pem, const char *key_pem,
             const char *signer_name, time_t when, unsigned char **out, size_t *out_len,
             char *err, size_t errlen);

/* Appends ops to page 1's content by an incremental update, marked as
 * the archive's stamp so that verify can tell it from tampering: the
 * signed revision stays byte for byte as signed. */
int pdf_append_stamp(const unsigned char *in, size_t len, const char *ops, size_t opslen,
                     unsigned char **out, size_t *out_len, char *err, size_t errlen);

/* The signatures of a PDF, checked: 1 when every signature's digest and
 * CMS verify (certificate trust not judged), 0 when one fails, -1 when
 * there is none. *name receives the first signer's common name. */
int pdf_verify(const unsigned char *in, size_t len, char **name, char *err, size_t errlen);
/* Same; *stamped is set when the signed revision is followed by exactly
 * the archive's stamp update (pdf_append_stamp), which is allowed. */
int pdf_verify_stamped(const unsigned char *in, size_t len, char **name, int *stamped,
                       char *err, size_t errlen);

/* A detached, binary CMS signature (DER) of a ‖ b, by the PEM
 * certificate and key; *der is freed with OPENSSL_free. 0, or -1 with err. */
int cms_sign(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen,
             const char *cert_pem, const char *key_pem, unsigned char **der, int *derlen,
             char *err, size_t errlen);

/* Checks a detached CMS signature (DER) over data; certificate trust not
 * judged unless ca_file is given. 1 valid, 0 not; *name the signer's CN. */
int cms_verify(const unsigned char *der, size_t derlen, const unsigned char *data, size_t len,
               const char *ca_file, char **name, char *err, size_t errlen);

#endif
