/* verify.h — is this what a trusted key signed? (spec §6, README "Trust
 * model").
 * A PDF counts as intact only when every signature found through its
 * structure (verify_read.h) is a well-formed detached CMS over its
 * /ByteRange, the gap of each /ByteRange is exactly that signature's
 * /Contents (hex of the DER, then zero padding), and the last signature
 * covers the file to its last byte: nothing unsigned anywhere. It counts
 * as trusted when, besides, every signer's certificate passes trust_check
 * — the last signature's at `now`, each earlier one's at the signing time
 * of the trusted signature after it (the bureau's filing vouches for when
 * it saw the school's signature: a 2016 dossier filed in 2016 still
 * verifies after the school's certificate expires).
 * Takes: bytes, a trust store (NULL or empty: identity unverified).
 * Gives: a report naming each signer in order, or the first problem. */
#ifndef DANGAN_VERIFY_H
#define DANGAN_VERIFY_H

#include <stddef.h>
#include <time.h>
#include "verify_trust.h"

typedef struct signer_report {
    char *name;          /* the certificate's common name */
    char *reason;        /* the signature's /Reason ("" when none) */
    time_t signed_at;    /* the CMS signing time, or -1 */
    size_t end;          /* bytes [0, end) are the revision it signs */
} signer_report;

typedef struct pdf_report {
    int nsig;
    signer_report *sig;  /* in file order: school first, then archive */
    int intact;          /* every signature valid, nothing unsigned */
    int trusted;         /* intact, and every signer trusted */
    char problem[512];   /* the first problem, "" when trusted */
} pdf_report;

/* 1 intact and trusted; 0 not (r->problem says why, in the process
 * language: util_lang.h). */
int pdf_check(const unsigned char *in, size_t len, const trust *t, time_t now, pdf_report *r);
void pdf_report_free(pdf_report *r);
/* "XX县实验学校（签名于 2016-09-26）；XX县教育局（…）", malloc'd. */
char *pdf_report_signers(const pdf_report *r);

/* A detached CMS signature (DER) of data: 1 valid and trusted at now;
 * 2 valid but t has no anchor (identity unverified); 0 not (err).
 * *name gets the signer's common name when valid. */
int cms_check(const unsigned char *der, size_t derlen, const unsigned char *data, size_t len,
              const trust *t, time_t now, char **name, char *err, size_t errlen);

#endif
