/* image_int.h — internal to the image stage (image*.c): the decoders'
 * common shape. Each decoder reads its file, converts every row to 8-bit
 * gray or RGB flattened on white, and hands the rows to a resampler that
 * box-filters them down to the target size as they come, so no decoder
 * ever holds the full-size picture (but libheif, see image.h). */
#ifndef DANGAN_IMAGE_INT_H
#define DANGAN_IMAGE_INT_H

#include "image.h"

#include <stdint.h>
#include <stdio.h>

/* Decoded pixels: w × h, ch = 1 or 3, rows top to bottom. */
typedef struct raster {
    int w, h, ch;
    unsigned char *px;
} raster;

/* Box filter from sw × sh to tw × th (tw ≤ sw, th ≤ sh): each source
 * pixel adds into the target pixel it falls in, then each sum is divided
 * by the number of pixels it got. Rows come top to bottom (rs_row), or —
 * Adam7 passes — in any order (rs_pixels, with all_rows set). */
typedef struct resampler {
    int sw, sh, tw, th, ch;
    int all_rows;        /* accumulate the whole target, not one row */
    int cur;             /* row-by-row: the target row being summed */
    uint32_t *acc;       /* tw × ch sums (all_rows: tw × th × ch) */
    int *tx;             /* source column → target column */
    uint32_t *xn, *yn;   /* source columns per target column, rows per target row */
    unsigned char *out;  /* tw × th × ch */
} resampler;

void rs_init(resampler *r, int sw, int sh, int ch, int tw, int th, int all_rows);
/* Source row sy (rows strictly increasing), sw pixels of ch samples. */
void rs_row(resampler *r, int sy, const unsigned char *row);
/* n pixels of source row sy at columns x0, x0 + dx, …. */
void rs_pixels(resampler *r, int sy, int x0, int dx, int n, const unsigned char *px);
/* The finished target (moved into *out); frees the rest. */
void rs_finish(resampler *r, raster *out);
void rs_free(resampler *r);

/* The largest size fitting w × h into box_w × box_h, never larger. */
void image_fit(int w, int h, int box_w, int box_h, int *tw, int *th);

/* Composites n pixels of `in` (channels 1 G, 2 GA, 3 RGB, 4 RGBA) on white
 * into `out` (1 or 3 channels: gray stays gray). */
void image_flatten(const unsigned char *in, int in_ch, int n, unsigned char *out, int out_ch);

/* The decoders. probe: stored size and orientation; decode: pixels scaled
 * to fit the box given in stored orientation (the caller turns them). */
image_status image_jpeg_probe(FILE *f, image_info *out);
image_status image_jpeg_decode(FILE *f, int box_w, int box_h, raster *out);
image_status image_png_probe(FILE *f, image_info *out);
image_status image_png_decode(FILE *f, int box_w, int box_h, raster *out);
image_status image_heif_probe(const char *path, image_info *out);
image_status image_heif_decode(const char *path, int box_w, int box_h, raster *out);

/* Encoders for image_prepare and the upload intake: *data is malloc'd. */
image_status image_jpeg_encode(const raster *r, int quality, unsigned char **data, size_t *len);
image_status image_png_encode(const raster *r, unsigned char **data, size_t *len);

/* EXIF orientation (1–8) in an APP1 "Exif\0\0" payload; 1 when absent or
 * malformed. Reads nothing outside data[0 … len). */
int image_exif_orientation(const unsigned char *data, size_t len);

#endif
