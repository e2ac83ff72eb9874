/* pdf_haru.c — see pdf_haru.h. The one file that reads libharu's
 * structures: HPDF_Doc_Rec (mmgr, xref, catalog, info) and HPDF_Dict_Rec
 * (stream, write_fn). Their names are checked by the compiler against the
 * installed headers; what they mean was read in libharu 2.3's source
 * (hpdf_doc.c, hpdf_objects.c's HPDF_Dict_Write), so another version stops
 * the build here until someone has read it again. */
#include "pdf_haru.h"

#if HPDF_MAJOR_VERSION != 2 || HPDF_MINOR_VERSION != 3
#error "pdf_haru.c was checked against libharu 2.3: read HPDF_Dict_Write and HPDF_Doc_Rec of this version, then widen this test"
#endif

HPDF_MMgr pdf_haru_mmgr(HPDF_Doc pdf) { return pdf->mmgr; }
HPDF_Xref pdf_haru_xref(HPDF_Doc pdf) { return pdf->xref; }
HPDF_Dict pdf_haru_catalog(HPDF_Doc pdf) { return pdf->catalog; }
HPDF_Dict pdf_haru_info(HPDF_Doc pdf) { return pdf->info; }

/* HPDF_Dict_Write drops a /Filter key from a stream whose own filter is
 * none, and calls write_fn just before ">>": the hook names the filter. */
static HPDF_STATUS name_flate(HPDF_Dict dict, HPDF_Stream stream)
{
    (void)dict;
    return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

static HPDF_STATUS name_dct(HPDF_Dict dict, HPDF_Stream stream)
{
    (void)dict;
    return HPDF_Stream_WriteStr(stream, "/Filter /DCTDecode\012");
}

int pdf_haru_stream_put(HPDF_Dict s, const void *data, size_t len, pdf_filter f)
{
    if (!s || !s->stream || s->filter != HPDF_STREAM_FILTER_NONE) return -1;
    if (f == PDF_FILTER_FLATE) s->write_fn = name_flate;
    else if (f == PDF_FILTER_DCT) s->write_fn = name_dct;
    return HPDF_Stream_Write(s->stream, (const HPDF_BYTE *)data, (HPDF_UINT)len) == HPDF_OK ? 0 : -1;
}
