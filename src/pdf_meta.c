/* pdf_meta.c — see pdf_meta.h. */
#include "pdf_meta.h"
#include "util_lang.h"
#include "pdf_font.h"
#include "pdf_haru.h"
#include "util.h"

#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PRODUCER "dangan 0.1"

/* A PDF text string: UTF-16BE with its byte-order mark, written as hex. */
HPDF_Binary pdf_text_string(HPDF_Doc pdf, const char *s)
{
    size_t len = strlen(s), i = 0, n = 2;
    unsigned char *b = xmalloc(len * 4 + 2);
    b[0] = 0xFE;
    b[1] = 0xFF;
    while (i < len) {
        int32_t c = utf8_next(s, len, &i);
        if (c < 0) { i++; continue; }
        unsigned hi = 0;
        if (c > 0xFFFF) {
            c -= 0x10000;
            hi = 0xD800 + ((unsigned)c >> 10);
            c = 0xDC00 + (c & 0x3FF);
            b[n++] = (unsigned char)(hi >> 8);
            b[n++] = (unsigned char)hi;
        }
        b[n++] = (unsigned char)((unsigned)c >> 8);
        b[n++] = (unsigned char)c;
    }
    HPDF_Binary bin = HPDF_Binary_New(pdf_haru_mmgr(pdf), b, (HPDF_UINT)n);
    free(b);
    return bin;
}

static void xml_escaped(strbuf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': sb_puts(b, "&amp;"); break;
        case '<': sb_puts(b, "&lt;"); break;
        case '>': sb_puts(b, "&gt;"); break;
        case '"': sb_puts(b, "&quot;"); break;
        case '\'': sb_puts(b, "&apos;"); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n') sb_add(b, s, 1);
        }
    }
}

static void xmp(strbuf *b, const document *d, const char *iso)
{
    sb_puts(b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
               "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
               "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
               "<rdf:Description rdf:about=\"\"\n"
               " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
               " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
               " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
               " xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n");
    sb_puts(b, "<dc:format>application/pdf</dc:format>\n<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
    xml_escaped(b, d->title);
    sb_puts(b, "</rdf:li></rdf:Alt></dc:title>\n<dc:creator><rdf:Seq><rdf:li>");
    xml_escaped(b, d->author);
    sb_puts(b, "</rdf:li></rdf:Seq></dc:creator>\n<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
    xml_escaped(b, d->subject);
    sb_puts(b, "</rdf:li></rdf:Alt></dc:description>\n<pdf:Keywords>");
    xml_escaped(b, d->keywords);
    sb_printf(b, "</pdf:Keywords>\n<pdf:Producer>%s</pdf:Producer>\n"
                 "<xmp:CreatorTool>%s</xmp:CreatorTool>\n"
                 "<xmp:CreateDate>%s</xmp:CreateDate>\n<xmp:ModifyDate>%s</xmp:ModifyDate>\n"
                 "<xmp:MetadataDate>%s</xmp:MetadataDate>\n"
                 "<pdfaid:part>1</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n"
                 "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
                 "<?xpacket end=\"w\"?>", PRODUCER, PRODUCER, iso, iso, iso);
}

static void info(HPDF_Doc pdf, const document *d, const struct tm *t)
{
    HPDF_SetInfoAttr(pdf, HPDF_INFO_PRODUCER, PRODUCER);
    HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, PRODUCER);
    const char *keys[] = {"Title", "Author", "Subject", "Keywords"};
    const char *vals[] = {d->title, d->author, d->subject, d->keywords};
    HPDF_Dict dict = pdf_haru_info(pdf);   /* made by HPDF_SetInfoAttr */
    for (int i = 0; i < 4 && dict; i++)
        if (vals[i]) HPDF_Dict_Add(dict, keys[i], pdf_text_string(pdf, vals[i]));
    HPDF_Date dt = {t->tm_year + 1900, t->tm_mon + 1, t->tm_mday, t->tm_hour, t->tm_min, t->tm_sec, 'Z', 0, 0};
    HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, dt);
    HPDF_SetInfoDateAttr(pdf, HPDF_INFO_MOD_DATE, dt);
}

static int output_intent(HPDF_Doc pdf, const char *icc, char *err, size_t errlen)
{
    char *data;
    size_t len;
    if (!icc || read_file(icc, 1u << 20, &data, &len) != 0) {
        snprintf(err, errlen, TR("无法读取色彩描述文件 %s", "cannot read the colour profile %s"), icc ? icc : "(none)");
        return -1;
    }
    HPDF_Dict prof = pdf_deflated_stream(pdf, data, len, 10);   /* as pdf_font.c's SMALL_LEVEL */
    HPDF_Dict_AddNumber(prof, "N", 3);
    free(data);
    HPDF_Dict oi = HPDF_Dict_New(pdf_haru_mmgr(pdf));
    HPDF_Xref_Add(pdf_haru_xref(pdf), oi);
    HPDF_Dict_AddName(oi, "Type", "OutputIntent");
    HPDF_Dict_AddName(oi, "S", "GTS_PDFA1");
    HPDF_Dict_Add(oi, "OutputConditionIdentifier", HPDF_String_New(pdf_haru_mmgr(pdf), "sRGB IEC61966-2.1", NULL));
    HPDF_Dict_Add(oi, "Info", HPDF_String_New(pdf_haru_mmgr(pdf), "sRGB IEC61966-2.1", NULL));
    HPDF_Dict_Add(oi, "DestOutputProfile", prof);
    HPDF_Array arr = HPDF_Array_New(pdf_haru_mmgr(pdf));
    HPDF_Array_Add(arr, oi);
    HPDF_Dict_Add(pdf_haru_catalog(pdf), "OutputIntents", arr);
    return 0;
}

int pdf_meta_write(HPDF_Doc pdf, const document *d, const pdf_options *o, char *err, size_t errlen)
{
    struct tm t;
    time_t when = o->created;
    gmtime_r(&when, &t);
    char iso[32];
    strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &t);
    info(pdf, d, &t);
    strbuf b;
    sb_init(&b);
    xmp(&b, d, iso);
    /* PDF/A-1: the metadata stream is not filtered, so any tool can read it. */
    HPDF_Dict meta = HPDF_DictStream_New(pdf_haru_mmgr(pdf), pdf_haru_xref(pdf));
    HPDF_Dict_AddName(meta, "Type", "Metadata");
    HPDF_Dict_AddName(meta, "Subtype", "XML");
    int rc = pdf_haru_stream_put(meta, b.s, b.len, PDF_FILTER_NONE);
    sb_free(&b);
    if (rc != 0) {
        snprintf(err, errlen, TR("无法写入 XMP 元数据", "cannot write the XMP metadata"));
        return -1;
    }
    HPDF_Dict_Add(pdf_haru_catalog(pdf), "Metadata", meta);
    return output_intent(pdf, o->icc_profile, err, errlen);
}

/* libharu writes "%PDF-1.3" and has no call that sets the version (it
 * raises it only for features of its own this stage does not use): the
 * header's digit is raised in place to 1.4, the version PDF/A-1 is based
 * on. Same length, so no offset in the file moves. */
int pdf_meta_set_version(unsigned char *data, size_t len, char *err, size_t errlen)
{
    if (len < 8 || memcmp(data, "%PDF-1.", 7) != 0 || data[7] < '0' || data[7] > '9') {
        snprintf(err, errlen, TR("PDF 结构异常：找不到文件头", "malformed PDF: no header"));
        return -1;
    }
    if (data[7] < '4') data[7] = '4';
    return 0;
}

static const unsigned char *find_last(const unsigned char *d, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = n >= k ? n - k + 1 : 0; i-- > 0;)
        if (!memcmp(d + i, s, k)) return d + i;
    return NULL;
}

int pdf_meta_add_id(unsigned char **data, size_t *len, char *err, size_t errlen)
{
    const unsigned char *tr = find_last(*data, *len, "trailer");
    const unsigned char *open = tr ? (const unsigned char *)memchr(tr, '<', (size_t)(*data + *len - tr)) : NULL;
    if (!open || open + 2 > *data + *len || open[1] != '<') {
        snprintf(err, errlen, TR("PDF 结构异常：找不到 trailer", "malformed PDF: no trailer"));
        return -1;
    }
    size_t at = (size_t)(open - *data) + 2;
    /* Checksums, not a cryptographic hash: the id only has to change when
     * the bytes do (the bundle's SHA-256 is what vouches for content). */
    uint64_t a = (uint64_t)libdeflate_crc32(0, *data, *len) << 32 | libdeflate_adler32(1, *data, *len);
    uint64_t b = (uint64_t)libdeflate_crc32(0, *data, *len / 2) << 32 | (uint32_t)*len;
    char id[96];
    int n = snprintf(id, sizeof id, "\n/ID [<%016llX%016llX> <%016llX%016llX>]",
                     (unsigned long long)a, (unsigned long long)b, (unsigned long long)a, (unsigned long long)b);
    *data = xrealloc(*data, *len + (size_t)n);
    memmove(*data + at + n, *data + at, *len - at);
    memcpy(*data + at, id, (size_t)n);
    *len += (size_t)n;
    return 0;
}
