/* image_heif.c — HEIC/HEIF (iPhones' default) by libheif: the primary
 * image, with its rotation and mirroring (irot/imir) applied by libheif,
 * HDR reduced to 8 bits, alpha on white. libheif 1.15 has no scaled
 * decoding, hence IMAGE_HEIF_MAX_PIXELS. */
#include "image_int.h"
#include "util.h"

#include <libheif/heif.h>
#include <stdlib.h>
#include <string.h>


static image_status status_of(struct heif_error e)
{
    switch (e.code) {
    case heif_error_Ok: return IMAGE_OK;
    case heif_error_Input_does_not_exist: return IMAGE_E_OPEN;
    case heif_error_Memory_allocation_error: return IMAGE_E_MEMORY;
    case heif_error_Unsupported_feature:
    case heif_error_Unsupported_filetype: return IMAGE_E_UNSUPPORTED;
    default: return IMAGE_E_CORRUPT;
    }
}

static image_status open_primary(const char *path, struct heif_context **ctx, struct heif_image_handle **h)
{
    *ctx = heif_context_alloc();
    *h = NULL;
    if (!*ctx) return IMAGE_E_MEMORY;
    heif_context_set_maximum_image_size_limit(*ctx, HEIF_MAX_SIDE);
    image_status st = status_of(heif_context_read_from_file(*ctx, path, NULL));
    if (st == IMAGE_OK) st = status_of(heif_context_get_primary_image_handle(*ctx, h));
    return st;
}

static void close_primary(struct heif_context *ctx, struct heif_image_handle *h)
{
    if (h) heif_image_handle_release(h);
    if (ctx) heif_context_free(ctx);
}

image_status image_heif_probe(const char *path, image_info *out)
{
    struct heif_context *ctx;
    struct heif_image_handle *h;
    image_status st = open_primary(path, &ctx, &h);
    if (st == IMAGE_OK) {
        out->width = heif_image_handle_get_width(h);     /* after irot/imir */
        out->height = heif_image_handle_get_height(h);
        out->orientation = 1;
    }
    close_primary(ctx, h);
    return st;
}

image_status image_heif_decode(const char *path, int box_w, int box_h, raster *out)
{
    struct heif_context *ctx;
    struct heif_image_handle *h;
    image_status st = open_primary(path, &ctx, &h);
    struct heif_image *img = NULL;
    if (st == IMAGE_OK) {
        int alpha = heif_image_handle_has_alpha_channel(h);
        struct heif_decoding_options *o = heif_decoding_options_alloc();
        o->convert_hdr_to_8bit = 1;
        st = status_of(heif_decode_image(h, &img, heif_colorspace_RGB,
                                         alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB, o));
        heif_decoding_options_free(o);
    }
    if (st == IMAGE_OK) {
        int stride, w = heif_image_get_width(img, heif_channel_interleaved);
        int ht = heif_image_get_height(img, heif_channel_interleaved);
        const uint8_t *px = heif_image_get_plane_readonly(img, heif_channel_interleaved, &stride);
        int in_ch = heif_image_get_chroma_format(img) == heif_chroma_interleaved_RGBA ? 4 : 3;
        if (!px || w <= 0 || ht <= 0 || heif_image_get_bits_per_pixel_range(img, heif_channel_interleaved) != 8) {
            st = IMAGE_E_UNSUPPORTED;
        } else {
            int tw, th;
            image_fit(w, ht, box_w, box_h, &tw, &th);
            resampler rs;
            rs_init(&rs, w, ht, 3, tw, th, 0);
            unsigned char *flat = xmalloc((size_t)w * 3);
            for (int y = 0; y < ht; y++) {
                image_flatten(px + (size_t)y * stride, in_ch, w, flat, 3);
                rs_row(&rs, y, flat);
            }
            free(flat);
            rs_finish(&rs, out);
        }
    }
    if (img) heif_image_release(img);
    close_primary(ctx, h);
    return st;
}
