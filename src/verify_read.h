/* verify_read.h — reading a PDF's structure, the way readers do: trailer →
 * cross-reference sections (every revision, object streams too) →
 * catalog → AcroForm fields and page annotations. A well-kept parser
 * (qpdf's C API) does the reading; nothing here scans raw bytes for
 * keywords, so text inside a stream ("/ByteRange [" in a teacher's name)
 * can never pass for structure.
 * Takes: the bytes of a PDF (hostile: damaged files are refused, not
 * repaired). Gives: its signature dictionaries, its document information,
 * and what an incremental update needs to know of the last revision.
 * Used by verify_pdf.c (signatures), sign_pdf.c (updates) and the archive. */
#ifndef DANGAN_PDF_READ_H
#define DANGAN_PDF_READ_H

#include <stddef.h>
#include "util_limits.h"

typedef struct pdf_in pdf_in;

/* Opens in[0..len) (kept, not copied: it must outlive the handle).
 * NULL with err when the file is not a PDF qpdf reads without repair. */
pdf_in *pdf_in_open(const unsigned char *in, size_t len, char *err, size_t errlen);
void pdf_in_close(pdf_in *p);

/* A signature dictionary (a field's /V of /FT /Sig) as found. */
typedef struct pdf_sig {
    int range_ok;              /* /ByteRange is an array of four integers */
    long long range[4];
    unsigned char *contents;   /* /Contents bytes, NULL when not a string */
    size_t contents_len;
    char *subfilter, *reason;  /* "" when absent */
} pdf_sig;

/* Every signature of the document, from the AcroForm's field tree and
 * every page's widget annotations, each once. Count, or -1 with err
 * (structure that cannot be read; more than PDF_MAX_SIGS). */
int pdf_in_signatures(pdf_in *p, pdf_sig **sigs, char *err, size_t errlen);
void pdf_sigs_free(pdf_sig *s, int n);

/* The number of pages (the export's 归档文件目录 gives 页数). */
int pdf_in_pages(pdf_in *p);

/* A text entry of the document information dictionary (/Title …) as
 * UTF-8, malloc'd; NULL when absent. */
char *pdf_in_info(pdf_in *p, const char *key);

/* What an incremental update builds on: the last revision's trailer and
 * the catalog's and first page's entries, each "/Key value" as PDF text. */
typedef struct pdf_base {
    long size, root, info, page;     /* /Size; object numbers (info 0: none) */
    long long prev;                  /* startxref of the last revision */
    char *id;                        /* "[<…> <…>]" or NULL */
    char *catalog, *page_dict;       /* entries but /AcroForm resp. /Contents /Annots */
    char *fields, *contents, *annots;/* array items, "" when none */
    char *info_dict;                 /* info entries but /ModDate, or NULL */
    long meta;                       /* the catalog's /Metadata stream, 0: none */
    unsigned char *xmp;              /* its decoded bytes */
    size_t xmp_len;
    char *id0;                       /* the first /ID element as hex, or NULL */
    /* For an update that draws on the first page (the 归档章): its entries
     * but /Contents /Annots /Resources; the entries of its /Resources
     * (its own or inherited) but /XObject; the entries of that /XObject. */
    char *page_rest, *resources, *xobjects;
} pdf_base;

int pdf_in_base(pdf_in *p, pdf_base *b, char *err, size_t errlen);
void pdf_base_free(pdf_base *b);

/* What an archive judges of a file it keeps (archive_check.c): every
 * object reachable from the trailer visited once, through the structure.
 * Each text field names what was found first ("" when nothing), e.g.
 * "/JS" or "/S /URI". */
typedef struct pdf_scan {
    int pages;                 /* the page count */
    int empty_page;            /* the first page (1-based) with no content, 0 none */
    int encrypted;
    int output_intent;         /* a /GTS_PDFA1 OutputIntent with a /DestOutputProfile stream */
    char javascript[64];       /* /JS, /S /JavaScript, a /JavaScript name tree */
    char auto_action[64];      /* /OpenAction, /AA */
    char link_action[64];      /* /S /Launch, /URI, /GoToR, /GoToE, /SubmitForm, /ImportData */
    char embedded[64];         /* /EmbeddedFiles, /EF, a /FileAttachment annotation */
    char xfa[64];              /* /XFA */
    char font[160];            /* a font not embedded as FontFile2 (with /CIDSet for a CID font) */
    char transparency[96];     /* /SMask but /None, /CA or /ca not 1, /BM not Normal, a transparency /Group */
} pdf_scan;

/* 0, or -1 with err (structure that cannot be read, or more objects than
 * a dossier has by far). */
int pdf_in_scan(pdf_in *p, pdf_scan *s, char *err, size_t errlen);

#endif
