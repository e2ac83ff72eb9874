/* verify_trust.h — whom a signature may come from (the trust model of the
 * README): trust anchors (PEM certificates: a county CA, a school's or a
 * bureau's own) and certificate revocation lists, from --ca files,
 * --trust folders or an archive's trust/.
 * Takes: PEM files and folders. Gives: a verdict on a signer certificate
 * at a given time — chained to an anchor, inside its validity, not
 * revoked by a CRL present, allowed to sign documents.
 * Used by the signature checks (verify_pdf.c); knows nothing of PDF. */
#ifndef DANGAN_TRUST_H
#define DANGAN_TRUST_H

#include <stddef.h>
#include <time.h>
#include <openssl/x509.h>

typedef struct trust trust;

trust *trust_new(void);
void trust_free(trust *t);

/* Adds every certificate and CRL of a PEM file, or of every *.pem, *.crt,
 * *.cer and *.crl file of a folder. 0, or -1 with err (unreadable, or
 * nothing in it). */
int trust_add(trust *t, const char *path, char *err, size_t errlen);

/* Number of trust anchors loaded: 0 means "no anchor given". */
int trust_anchors(const trust *t);

/* Judges the signer certificate cert (with the certificates the
 * signature carries, for intermediates) at time when. 1 trusted; 0 not,
 * with the reason in err ("签名者证书不受信任…"). */
int trust_check(const trust *t, X509 *cert, STACK_OF(X509) *carried, time_t when,
                char *err, size_t errlen);

/* The common name of the first certificate of a PEM file, malloc'd; NULL
 * when it cannot be read. */
char *cert_file_name(const char *pem);

#endif
