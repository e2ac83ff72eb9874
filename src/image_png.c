/* image_png.c — PNG by libpng, row by row: palettes, tRNS and low bit
 * depths expanded, 16 bits scaled to 8, alpha composited on white (PDF/A-1
 * forbids soft masks), Adam7 passes read as their sub-images and filtered
 * straight into the target, so no PNG is ever held at full size. */
#include "image_int.h"
#include "util.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>


static void on_error(png_structp p, png_const_charp msg)
{
    (void)msg;
    png_longjmp(p, 1);
}

static void on_warning(png_structp p, png_const_charp msg)
{
    (void)p; (void)msg;   /* ancillary-chunk trouble: the pixels are whole */
}

typedef struct pdec {               /* what the longjmp must free */
    png_structp png;
    png_infop info;
    resampler rs;
    unsigned char *row, *flat;
} pdec;

static int open_png(pdec *d, FILE *f)
{
    d->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, on_error, on_warning);
    if (!d->png) return -1;
    d->info = png_create_info_struct(d->png);
    if (!d->info) return -1;
    /* Any size is read from the header, so that image_probe refuses it by
     * IMAGE_MAX_PIXELS and IMAGE_MAX_SIDE with that reason (libpng would
     * call it an error); nothing is decoded before the probe passed. */
    png_set_user_limits(d->png, 0x7fffffff, 0x7fffffff);
    png_set_chunk_malloc_max(d->png, PNG_CHUNK_MAX);
    png_init_io(d->png, f);
    return 0;
}

static void close_png(pdec *d)
{
    png_destroy_read_struct(&d->png, d->info ? &d->info : NULL, NULL);
    rs_free(&d->rs);
    free(d->row);
    free(d->flat);
}

static image_status probe_rows(pdec *d, image_info *out)
{
    if (setjmp(png_jmpbuf(d->png))) return IMAGE_E_CORRUPT;
    png_read_info(d->png, d->info);
    out->width = (int)png_get_image_width(d->png, d->info);
    out->height = (int)png_get_image_height(d->png, d->info);
    out->orientation = 1;
    return IMAGE_OK;
}

image_status image_png_probe(FILE *f, image_info *out)
{
    pdec *d = xcalloc(1, sizeof *d);
    image_status st = open_png(d, f) == 0 ? probe_rows(d, out) : IMAGE_E_MEMORY;
    close_png(d);
    free(d);
    return st;
}

/* Feeds one decoded row (or Adam7 pass row of n pixels at x0, dx). */
static void feed(pdec *d, int in_ch, int out_ch, int y, int x0, int dx, int n, int interlaced)
{
    image_flatten(d->row, in_ch, n, d->flat, out_ch);
    if (interlaced) rs_pixels(&d->rs, y, x0, dx, n, d->flat);
    else rs_row(&d->rs, y, d->flat);
}

static void png_rows(pdec *d, int box_w, int box_h, raster *out)
{
    png_read_info(d->png, d->info);
    int w = (int)png_get_image_width(d->png, d->info), h = (int)png_get_image_height(d->png, d->info);
    int interlaced = png_get_interlace_type(d->png, d->info) != PNG_INTERLACE_NONE;
    png_set_expand(d->png);               /* palette → RGB, tRNS → alpha, 1/2/4-bit gray → 8 */
    png_set_scale_16(d->png);
    png_read_update_info(d->png, d->info);
    int in_ch = png_get_channels(d->png, d->info);
    int out_ch = in_ch >= 3 ? 3 : 1;
    int tw, th;
    image_fit(w, h, box_w, box_h, &tw, &th);
    rs_init(&d->rs, w, h, out_ch, tw, th, interlaced);
    d->row = xmalloc(png_get_rowbytes(d->png, d->info));
    d->flat = xmalloc((size_t)w * 3);
    if (!interlaced) {
        for (int y = 0; y < h; y++) {
            png_read_row(d->png, d->row, NULL);
            feed(d, in_ch, out_ch, y, 0, 1, w, 0);
        }
    } else {
        /* Without png_set_interlace_handling libpng gives each pass's
         * rows as they are stored: pass p holds every PNG_PASS_ROW_OFFSET-th
         * row from PNG_PASS_START_ROW, every COL_OFFSET-th pixel from
         * START_COL; empty passes are skipped, as libpng skips them. */
        for (int p = 0; p < 7; p++) {
            int cols = (int)PNG_PASS_COLS(w, p), rows = (int)PNG_PASS_ROWS(h, p);
            if (!cols || !rows) continue;
            for (int r = 0; r < rows; r++) {
                png_read_row(d->png, d->row, NULL);
                feed(d, in_ch, out_ch, (int)PNG_PASS_START_ROW(p) + r * (int)PNG_PASS_ROW_OFFSET(p),
                     (int)PNG_PASS_START_COL(p), (int)PNG_PASS_COL_OFFSET(p), cols, 1);
            }
        }
    }
    png_read_end(d->png, NULL);           /* the rest of the file: its CRCs, IEND */
    rs_finish(&d->rs, out);
}

static image_status decode_rows(pdec *d, int box_w, int box_h, raster *out)
{
    if (setjmp(png_jmpbuf(d->png))) return IMAGE_E_CORRUPT;
    png_rows(d, box_w, box_h, out);
    return IMAGE_OK;
}

image_status image_png_decode(FILE *f, int box_w, int box_h, raster *out)
{
    pdec *d = xcalloc(1, sizeof *d);
    image_status st = open_png(d, f) == 0 ? decode_rows(d, box_w, box_h, out) : IMAGE_E_MEMORY;
    close_png(d);
    free(d);
    return st;
}

static void grow_write(png_structp p, png_bytep data, png_size_t n)
{
    sb_add(png_get_io_ptr(p), (const char *)data, n);
}

static void no_flush(png_structp p) { (void)p; }

image_status image_png_encode(const raster *r, unsigned char **data, size_t *len)
{
    strbuf b;
    sb_init(&b);
    png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, on_error, on_warning);
    png_infop info = p ? png_create_info_struct(p) : NULL;
    if (!info || setjmp(png_jmpbuf(p))) {
        png_destroy_write_struct(&p, info ? &info : NULL);
        sb_free(&b);
        return IMAGE_E_MEMORY;
    }
    png_set_write_fn(p, &b, grow_write, no_flush);
    png_set_IHDR(p, info, (png_uint_32)r->w, (png_uint_32)r->h, 8, r->ch == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(p, info);
    for (int y = 0; y < r->h; y++) png_write_row(p, r->px + (size_t)y * r->w * r->ch);
    png_write_end(p, NULL);
    png_destroy_write_struct(&p, &info);
    *len = b.len;
    *data = (unsigned char *)sb_steal(&b);
    return IMAGE_OK;
}
