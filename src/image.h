/* image.h — the image stage: the only code that decodes images.
 * Takes: a PNG, JPEG or HEIC/HEIF file (a figure of a submission, or an
 * upload) and the pixel box it will be printed in.
 * Gives: its upright size (EXIF orientation applied) from the header, and
 * the picture ready for a PDF — upright, flattened on white, 8-bit gray or
 * RGB, scaled down to the box, as a baseline JPEG (photos) or raw samples
 * to deflate losslessly (PNG: line art, screenshots, scans of text).
 * `check` decodes every figure with the same code as `build`, so a
 * submission that passes check can be typeset. */
#ifndef DANGAN_IMAGE_H
#define DANGAN_IMAGE_H

#include <stddef.h>
#include "util_limits.h"

/* Print resolution: figures are scaled down to at most this many pixels
 * per inch of their printed size. Line art and screenshots (PNG, kept
 * lossless) at 300, where sharp edges show more would be wasted on
 * laser and offset printing. Photographs (JPEG, HEIC) at 250: twice the
 * 120–150 lpi halftone screen they are printed through, the usual rule;
 * measured on `make bench`'s 20 phone photos, 300 dpi made the dossier
 * 2.32 MB, 250 dpi 1.42 MB (goal ≤ 2 MB), 200 dpi 0.82 MB. */
#define IMAGE_PRINT_DPI 300
#define IMAGE_PHOTO_DPI 250
/* JPEG quality of re-encoded photos (libjpeg's scale): visually lossless
 * for photographs at print size, a quarter of the bytes of quality 95. */
#define IMAGE_JPEG_QUALITY 85

typedef enum image_kind { IMAGE_PNG, IMAGE_JPEG, IMAGE_HEIF } image_kind;

/* Why an image cannot be used; image_status_text says it to a teacher. */
typedef enum image_status {
    IMAGE_OK = 0,
    IMAGE_E_OPEN,         /* cannot be opened or read */
    IMAGE_E_FORMAT,       /* not PNG, JPEG or HEIC/HEIF */
    IMAGE_E_CORRUPT,      /* damaged or incomplete */
    IMAGE_E_PIXELS,       /* over IMAGE_MAX_PIXELS (HEIF: IMAGE_HEIF_MAX_PIXELS) or IMAGE_MAX_SIDE */
    IMAGE_E_MEMORY,       /* would need more than IMAGE_JPEG_MAX_MEMORY */
    IMAGE_E_UNSUPPORTED,  /* a variant no decoder here reads (12-bit JPEG, HEIF without HEVC …) */
    IMAGE_E_WRITE,        /* image_normalise_file could not write its output */
} image_status;

typedef struct image_info {
    image_kind kind;
    int width, height;   /* upright, as printed */
    int orientation;     /* EXIF 1–8 applied by image_prepare (HEIF: libheif applies irot/imir) */
} image_info;

/* A decoded picture ready for a PDF image XObject. */
typedef struct image_data {
    int width, height;
    int channels;        /* 1 DeviceGray, 3 DeviceRGB; 8 bits per sample */
    int dct;             /* 1: data is a baseline JPEG file (/DCTDecode);
                            0: raw samples, rows top to bottom (to /FlateDecode) */
    unsigned char *data;
    size_t len;
} image_data;

/* Kind, upright pixel size and orientation, from the file's header. */
image_status image_probe(const char *path, image_info *out);

/* The pixel box for a figure of that kind printed pt_w × pt_h points:
 * IMAGE_PHOTO_DPI for JPEG and HEIF, IMAGE_PRINT_DPI for PNG. */
void image_print_box(const image_info *info, float pt_w, float pt_h, int *box_w, int *box_h);

/* Decodes path whole, upright, flattened on white and scaled down (never
 * up) to fit box_w × box_h, and encodes it: a JPEG or HEIF as JPEG of
 * IMAGE_JPEG_QUALITY, a PNG as raw samples. *out is freed with
 * image_data_free. */
image_status image_prepare(const char *path, int box_w, int box_h, image_data *out);
void image_data_free(image_data *d);

/* The upload intake: decodes in (any kind above), scales it down to fit
 * max_side × max_side and writes it to out through a temporary file
 * renamed into place — as JPEG when out ends in .jpg or .jpeg, as PNG
 * when it ends in .png (lossless; choose it for PNG input). Nothing is
 * written unless the whole image decoded. */
image_status image_normalise_file(const char *in, const char *out, int max_side);

/* The reason, for a teacher: Chinese, or English when en. */
const char *image_status_text(image_status s, int en);

#endif
