/* pdf_haru.h — internal to the PDF stage: what it needs of libharu that
 * libharu's API does not give. Only pdf_haru.c reads libharu's structures;
 * pdf_write.c, pdf_font.c and pdf_meta.c use functions only (hpdf.h and the
 * object API it declares: HPDF_Dict_*, HPDF_Array_*, HPDF_Xref_Add …), and
 * tests/build.sh fails if one of them includes another libharu header or
 * reaches into a libharu structure again.
 *
 * Why these five are needed at all: the object API's constructors take the
 * document's memory manager and cross-reference table, and no function
 * returns either (libharu's own HPDF_ICC_LoadIccFromMem takes them as
 * arguments, read by the caller from the document); no function returns the
 * catalog (for /Metadata and /OutputIntents, which HPDF_PDFA_* write with
 * other keys and a misspelt "/DestOutputProfile ") or the information
 * dictionary (HPDF_SetInfoAttr encodes through libharu's UTF-8 encoder,
 * which turns characters above U+FFFF into spaces); and no function writes
 * bytes into a stream object, or names a filter libharu did not apply. */
#ifndef DANGAN_PDF_HARU_H
#define DANGAN_PDF_HARU_H

#include <hpdf.h>
#include <stddef.h>

HPDF_MMgr pdf_haru_mmgr(HPDF_Doc pdf);
HPDF_Xref pdf_haru_xref(HPDF_Doc pdf);
HPDF_Dict pdf_haru_catalog(HPDF_Doc pdf);
/* The information dictionary; HPDF_SetInfoAttr makes it, so NULL before
 * the first call. */
HPDF_Dict pdf_haru_info(HPDF_Doc pdf);

/* How bytes put into a stream are already encoded: the stream's dictionary
 * says so, and libharu leaves the bytes as they are. */
typedef enum pdf_filter { PDF_FILTER_NONE, PDF_FILTER_FLATE, PDF_FILTER_DCT } pdf_filter;

/* Appends len bytes of data, encoded by f, to the stream object s (one of
 * HPDF_DictStream_New, or a page's /Contents), which must not have been
 * given a libharu filter. 0, or -1. */
int pdf_haru_stream_put(HPDF_Dict s, const void *data, size_t len, pdf_filter f);

#endif
