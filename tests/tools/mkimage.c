/* mkimage — test images made at test time (nothing binary is committed).
 *
 *   mkimage jpeg OUT W H [orient N] [cmyk] [gray] [progressive] [noise]
 *   mkimage heic OUT W H [orient N]
 *
 * The picture, as it should appear upright (W × H): a red band across the
 * top quarter, a blue band down the left quarter below it, white elsewhere
 * ("noise" adds a fine pattern so the file is as large as a phone photo's).
 * With `orient N` the pixels are stored so that EXIF orientation N (also
 * written, in an APP1 Exif segment, big-endian for odd N and little-endian
 * for even N) turns them upright: a reader that ignores the tag shows the
 * picture turned or mirrored. `cmyk` writes an Adobe-style inverted CMYK
 * JPEG, as Photoshop does. Exit 0, 3 when libheif has no HEVC encoder,
 * or 2 with a message. */
#include <stdio.h>
#include <libheif/heif.h>
#include <jpeglib.h>
#include <stdlib.h>
#include <string.h>

static void pattern(int x, int y, int w, int h, int noise, unsigned char rgb[3])
{
    if (y < h / 4) rgb[0] = 230, rgb[1] = 20, rgb[2] = 20;
    else if (x < w / 4) rgb[0] = 20, rgb[1] = 20, rgb[2] = 230;
    else rgb[0] = rgb[1] = rgb[2] = 255;
    if (noise) {
        /* Like a photograph: light falling off across the frame, texture
         * at a few pixels' scale, a little sensor noise. Calibrated so a
         * 4032 × 3024 frame at quality 90 is about 2.5 MB, as issue 14's
         * phone photo was. */
        unsigned r = (unsigned)(x * 7919u ^ y * 104729u) * 2654435761u;
        int v = (x + y) * 40 / (w + h) + (int)((x / 3 * 31 + y / 3 * 17) % 23) / 2 + (int)(r >> 28);
        for (int i = 0; i < 3; i++) rgb[i] = (unsigned char)(rgb[i] > 200 ? rgb[i] - v : rgb[i] + v);
    }
}

/* Where stored pixel (sx, sy) of a sw × sh image appears once EXIF
 * orientation o is applied (TIFF 6.0 / Exif 2.3, tag 0x0112). */
static void displayed(int o, int sx, int sy, int sw, int sh, int *dx, int *dy)
{
    switch (o) {
    case 2: *dx = sw - 1 - sx; *dy = sy; break;
    case 3: *dx = sw - 1 - sx; *dy = sh - 1 - sy; break;
    case 4: *dx = sx; *dy = sh - 1 - sy; break;
    case 5: *dx = sy; *dy = sx; break;
    case 6: *dx = sh - 1 - sy; *dy = sx; break;
    case 7: *dx = sh - 1 - sy; *dy = sw - 1 - sx; break;
    case 8: *dx = sy; *dy = sw - 1 - sx; break;
    default: *dx = sx; *dy = sy; break;
    }
}

static void exif_marker(j_compress_ptr c, int orient)
{
    int be = orient & 1;
    unsigned char b[6 + 8 + 2 + 12 + 4] = "Exif\0\0";
    unsigned char *t = b + 6;
#define P16(p, v) (be ? ((p)[0] = (unsigned char)((v) >> 8), (p)[1] = (unsigned char)(v)) \
                      : ((p)[1] = (unsigned char)((v) >> 8), (p)[0] = (unsigned char)(v)))
#define P32(p, v) (be ? (P16(p, (v) >> 16), P16((p) + 2, (v) & 0xFFFF)) : (P16((p) + 2, (v) >> 16), P16(p, (v) & 0xFFFF)))
    memcpy(t, be ? "MM" : "II", 2);
    P16(t + 2, 42);
    P32(t + 4, 8);              /* IFD0 right after the header */
    P16(t + 8, 1);              /* one entry */
    P16(t + 10, 0x0112);        /* Orientation */
    P16(t + 12, 3);             /* SHORT */
    P32(t + 14, 1);
    P16(t + 18, orient);
    t[20] = t[21] = 0;
    P32(t + 22, 0);             /* no next IFD */
    jpeg_write_marker(c, JPEG_APP0 + 1, b, sizeof b);
}

static int write_jpeg(const char *out, int w, int h, int orient, int cmyk, int gray, int prog, int noise)
{
    FILE *f = fopen(out, "wb");
    if (!f) { perror(out); return 2; }
    int sw = orient >= 5 ? h : w, sh = orient >= 5 ? w : h;
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, f);
    c.image_width = (JDIMENSION)sw;
    c.image_height = (JDIMENSION)sh;
    c.input_components = cmyk ? 4 : gray ? 1 : 3;
    c.in_color_space = cmyk ? JCS_CMYK : gray ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 90, TRUE);
    if (prog) jpeg_simple_progression(&c);
    jpeg_start_compress(&c, TRUE);
    if (orient) exif_marker(&c, orient);
    unsigned char *row = malloc((size_t)sw * 4);
    for (int sy = 0; sy < sh; sy++) {
        for (int sx = 0; sx < sw; sx++) {
            int dx, dy;
            unsigned char p[3];
            displayed(orient, sx, sy, sw, sh, &dx, &dy);
            pattern(dx, dy, w, h, noise, p);
            if (cmyk) {      /* inverted, as Adobe writes it: 255 = no ink */
                int k = 255 - (p[0] > p[1] ? (p[0] > p[2] ? p[0] : p[2]) : (p[1] > p[2] ? p[1] : p[2]));
                for (int i = 0; i < 3; i++)
                    row[sx * 4 + i] = (unsigned char)(255 - (k == 255 ? 0 : (255 - p[i] - k) * 255 / (255 - k)));
                row[sx * 4 + 3] = (unsigned char)(255 - k);
            } else if (gray) {
                row[sx] = (unsigned char)((p[0] * 30 + p[1] * 59 + p[2] * 11) / 100);
            } else {
                memcpy(row + sx * 3, p, 3);
            }
        }
        JSAMPROW r = row;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    return fclose(f) == 0 ? 0 : 2;
}

/* HEIF keeps orientation in irot/imir boxes, which libheif writes from
 * heif_encoding_options.image_orientation (EXIF numbering). */
static int write_heic(const char *out, int w, int h, int orient)
{
    if (!heif_have_encoder_for_format(heif_compression_HEVC)) {
        fprintf(stderr, "mkimage: libheif has no HEVC encoder\n");
        return 3;
    }
    struct heif_context *ctx = heif_context_alloc();
    struct heif_image *img;
    int sw = orient >= 5 ? h : w, sh = orient >= 5 ? w : h;
    heif_image_create(sw, sh, heif_colorspace_RGB, heif_chroma_interleaved_RGB, &img);
    heif_image_add_plane(img, heif_channel_interleaved, sw, sh, 8);
    int stride;
    uint8_t *p = heif_image_get_plane(img, heif_channel_interleaved, &stride);
    for (int sy = 0; sy < sh; sy++)
        for (int sx = 0; sx < sw; sx++) {
            int dx, dy;
            displayed(orient, sx, sy, sw, sh, &dx, &dy);
            pattern(dx, dy, w, h, 0, p + sy * stride + sx * 3);
        }
    struct heif_encoding_options *o = heif_encoding_options_alloc();
    if (orient) o->image_orientation = (enum heif_orientation)orient;
    struct heif_encoder *enc;
    struct heif_error e = heif_context_get_encoder_for_format(ctx, heif_compression_HEVC, &enc);
    if (!e.code) {
        heif_encoder_set_lossy_quality(enc, 90);
        e = heif_context_encode_image(ctx, img, enc, o, NULL);
        heif_encoder_release(enc);
    }
    heif_encoding_options_free(o);
    if (!e.code) e = heif_context_write_to_file(ctx, out);
    heif_image_release(img);
    heif_context_free(ctx);
    if (e.code) { fprintf(stderr, "mkimage: %s\n", e.message); return 2; }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: mkimage jpeg|heic OUT W H [orient N] [cmyk] [gray] [progressive] [noise]\n");
        return 2;
    }
    int w = atoi(argv[3]), h = atoi(argv[4]), orient = 0, cmyk = 0, gray = 0, prog = 0, noise = 0;
    for (int i = 5; i < argc; i++) {
        if (!strcmp(argv[i], "orient") && i + 1 < argc) orient = atoi(argv[++i]);
        else if (!strcmp(argv[i], "cmyk")) cmyk = 1;
        else if (!strcmp(argv[i], "gray")) gray = 1;
        else if (!strcmp(argv[i], "progressive")) prog = 1;
        else if (!strcmp(argv[i], "noise")) noise = 1;
        else { fprintf(stderr, "mkimage: unknown option %s\n", argv[i]); return 2; }
    }
    if (w < 1 || h < 1 || orient < 0 || orient > 8) { fprintf(stderr, "mkimage: bad size or orientation\n"); return 2; }
    if (!strcmp(argv[1], "jpeg")) return write_jpeg(argv[2], w, h, orient, cmyk, gray, prog, noise);
    if (!strcmp(argv[1], "heic")) return write_heic(argv[2], w, h, orient);
    fprintf(stderr, "mkimage: unknown kind %s\n", argv[1]);
    return 2;
}
