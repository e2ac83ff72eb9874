/* image_jpeg.c — JPEG by libjpeg(-turbo): the header and EXIF
 * orientation, decoding at a DCT scale (scale_num/8) just above the
 * target so a 200-megapixel photo costs a few rows of memory, CMYK to
 * RGB, and the JPEG encoder for what is handed on. */
#include "image_int.h"
#include "util.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

/* libjpeg reports fatal errors through error_exit, which must not return:
 * it jumps back with the status. Warnings (emit_message level -1) that
 * mean lost picture data — a truncated file, a broken entropy-coded
 * segment — fail the image too: libjpeg would fill the rest grey and
 * the dossier would show half a photograph. */
typedef struct jerr {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    image_status status;
} jerr;

static void on_error(j_common_ptr c)
{
    jerr *e = (jerr *)c->err;
    int code = e->pub.msg_code;
    e->status = code == JERR_OUT_OF_MEMORY || code == JERR_NO_BACKING_STORE ? IMAGE_E_MEMORY
              : code == JERR_IMAGE_TOO_BIG ? IMAGE_E_PIXELS
              : code == JERR_BAD_PRECISION || code == JERR_NO_ARITH_TABLE || code == JERR_NOT_COMPILED
                  || code == JERR_BAD_J_COLORSPACE || code == JERR_CONVERSION_NOTIMPL ? IMAGE_E_UNSUPPORTED
              : IMAGE_E_CORRUPT;
    longjmp(e->jump, 1);
}

static void on_message(j_common_ptr c, int level)
{
    jerr *e = (jerr *)c->err;
    if (level >= 0) return;                 /* trace messages */
    int code = e->pub.msg_code;
    /* Harmless: stray bytes between markers, an odd JFIF version or an
     * Adobe marker naming an unusual transform are common in camera and
     * editor output and lose no pixels. */
    if (code == JWRN_EXTRANEOUS_DATA || code == JWRN_JFIF_MAJOR || code == JWRN_ADOBE_XFORM) return;
    e->status = IMAGE_E_CORRUPT;
    longjmp(e->jump, 1);
}

int image_exif_orientation(const unsigned char *d, size_t n)
{
    /* TIFF header: byte order, 42, offset of IFD0; IFD0: a count and
     * 12-byte entries (tag, type, count, value). Every read is checked
     * against n before it is made. */
    if (n < 8 || !((d[0] == 'I' && d[1] == 'I') || (d[0] == 'M' && d[1] == 'M'))) return 1;
    int le = d[0] == 'I';
#define U16(p) (le ? (unsigned)((p)[0] | (p)[1] << 8) : (unsigned)((p)[0] << 8 | (p)[1]))
#define U32(p) (le ? ((uint32_t)U16((p) + 2) << 16 | U16(p)) : ((uint32_t)U16(p) << 16 | U16((p) + 2)))
    if (U16(d + 2) != 42) return 1;
    size_t ifd = U32(d + 4);
    if (ifd > n || n - ifd < 2) return 1;
    size_t count = U16(d + ifd);
    for (size_t i = 0; i < count; i++) {
        size_t e = ifd + 2 + 12 * i;
        if (e > n || n - e < 12) break;
        if (U16(d + e) != 0x0112) continue;
        unsigned v = U16(d + e + 8);
        return U16(d + e + 2) == 3 && v >= 1 && v <= 8 ? (int)v : 1;   /* type SHORT */
    }
    return 1;
#undef U16
#undef U32
}

static int orientation_of(j_decompress_ptr c)
{
    for (jpeg_saved_marker_ptr m = c->marker_list; m; m = m->next)
        if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 && !memcmp(m->data, "Exif\0\0", 6))
            return image_exif_orientation(m->data + 6, m->data_length - 6);
    return 1;
}

static void setup(struct jpeg_decompress_struct *c, jerr *e, FILE *f)
{
    c->err = jpeg_std_error(&e->pub);
    e->pub.error_exit = on_error;
    e->pub.emit_message = on_message;
    e->status = IMAGE_OK;
    jpeg_create_decompress(c);
    c->mem->max_memory_to_use = IMAGE_JPEG_MAX_MEMORY;
    jpeg_stdio_src(c, f);
    jpeg_save_markers(c, JPEG_APP0 + 1, 0xFFFF);
}

image_status image_jpeg_probe(FILE *f, image_info *out)
{
    struct jpeg_decompress_struct c;
    jerr e;
    setup(&c, &e, f);
    if (setjmp(e.jump)) {
        jpeg_destroy_decompress(&c);
        return e.status;
    }
    jpeg_read_header(&c, TRUE);
    out->width = (int)c.image_width;
    out->height = (int)c.image_height;
    out->orientation = orientation_of(&c);
    jpeg_destroy_decompress(&c);
    return IMAGE_OK;
}

/* CMYK as Adobe writes it (with its APP14 marker) is inverted: 0 = full
 * ink. Without the marker the samples are plain ink amounts. */
static void cmyk_to_rgb(const unsigned char *in, int n, int inverted, unsigned char *out)
{
    for (int i = 0; i < n; i++, in += 4, out += 3) {
        unsigned k = inverted ? in[3] : 255u - in[3];
        for (int j = 0; j < 3; j++) {
            unsigned v = inverted ? in[j] : 255u - in[j];
            out[j] = (unsigned char)((v * k + 127) / 255);
        }
    }
}

typedef struct jdec {                 /* what the longjmp must free */
    struct jpeg_decompress_struct c;
    jerr e;
    resampler rs;
    unsigned char *row, *conv;
} jdec;

static image_status jpeg_rows(jdec *j, int box_w, int box_h, raster *out)
{
    struct jpeg_decompress_struct *c = &j->c;
    jpeg_read_header(c, TRUE);
    if ((long long)c->image_width * c->image_height > IMAGE_MAX_PIXELS) return IMAGE_E_PIXELS;
    int cmyk = c->jpeg_color_space == JCS_CMYK || c->jpeg_color_space == JCS_YCCK;
    int gray = c->jpeg_color_space == JCS_GRAYSCALE;
    c->out_color_space = cmyk ? JCS_CMYK : gray ? JCS_GRAYSCALE : JCS_RGB;
    int tw, th;
    image_fit((int)c->image_width, (int)c->image_height, box_w, box_h, &tw, &th);
    /* The smallest DCT scale n/8 still at least the target size. */
    c->scale_denom = 8;
    for (c->scale_num = 1; c->scale_num < 8; c->scale_num++) {
        jpeg_calc_output_dimensions(c);
        if ((int)c->output_width >= tw && (int)c->output_height >= th) break;
    }
    jpeg_start_decompress(c);
    int sw = (int)c->output_width, sh = (int)c->output_height, ch = gray ? 1 : 3;
    if (tw > sw) tw = sw;
    if (th > sh) th = sh;
    rs_init(&j->rs, sw, sh, ch, tw, th, 0);
    j->row = xmalloc((size_t)sw * (size_t)c->output_components);
    if (cmyk) j->conv = xmalloc((size_t)sw * 3);
    while (c->output_scanline < c->output_height) {
        int y = (int)c->output_scanline;
        JSAMPROW r = j->row;
        jpeg_read_scanlines(c, &r, 1);
        if (cmyk) cmyk_to_rgb(j->row, sw, c->saw_Adobe_marker, j->conv);
        rs_row(&j->rs, y, cmyk ? j->conv : j->row);
    }
    jpeg_finish_decompress(c);
    rs_finish(&j->rs, out);
    return IMAGE_OK;
}

image_status image_jpeg_decode(FILE *f, int box_w, int box_h, raster *out)
{
    jdec *j = xcalloc(1, sizeof *j);
    setup(&j->c, &j->e, f);
    image_status st;
    if (setjmp(j->e.jump)) st = j->e.status;
    else st = jpeg_rows(j, box_w, box_h, out);
    jpeg_destroy_decompress(&j->c);
    rs_free(&j->rs);
    free(j->row);
    free(j->conv);
    free(j);
    return st;
}

image_status image_jpeg_encode(const raster *r, int quality, unsigned char **data, size_t *len)
{
    struct jpeg_compress_struct c;
    jerr e;
    unsigned char *buf = NULL;
    unsigned long n = 0;
    c.err = jpeg_std_error(&e.pub);
    e.pub.error_exit = on_error;
    e.status = IMAGE_OK;
    jpeg_create_compress(&c);
    if (setjmp(e.jump)) {
        jpeg_destroy_compress(&c);
        free(buf);
        return e.status;
    }
    jpeg_mem_dest(&c, &buf, &n);
    c.image_width = (JDIMENSION)r->w;
    c.image_height = (JDIMENSION)r->h;
    c.input_components = r->ch;
    c.in_color_space = r->ch == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, quality, TRUE);
    c.optimize_coding = TRUE;          /* Huffman tables for this picture: ~5% smaller */
    c.write_JFIF_header = FALSE;       /* a PDF image needs no JFIF or EXIF: nothing of the phone's metadata goes on */
    jpeg_start_compress(&c, TRUE);
    for (int y = 0; y < r->h; y++) {
        JSAMPROW row = r->px + (size_t)y * r->w * r->ch;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    *data = buf;
    *len = n;
    return IMAGE_OK;
}
