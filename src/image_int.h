/* image_int.h — internal to the image stage (image*.c): the decoders'
 * common shape. Each decoder reads its file, converts every row to 8-bit
 * gray or RGB flattened on white, and hands the rows to a resampler that
 * area-averages them down to the target size as they come, so no decoder
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

/* Area resampling from sw × sh to tw × th (tw ≤ sw, th ≤ sh): each
 * target pixel is the mean of the source area it covers, source pixels on
 * its edges counted by the fraction that lies inside (an exact box
 * filter: no aliasing, whatever the ratio — a plain "nearest box" at a
 * ratio like 2016 → 1750 leaves a beat pattern that costs JPEG 60% more
 * bytes). Rows come top to bottom (rs_row), or — Adam7 passes — in any
 * order (rs_pixels, with all_rows set). */
typedef struct resampler {
    int sw, sh, tw, th, ch;
    int all_rows;        /* accumulate the whole target, not two rows */
    int cur;             /* row by row: the target row acc[0] holds */
    float *acc;          /* 2 × tw × ch sums (all_rows: th × tw × ch) */
    float *row0, *row1;  /* row by row: target rows cur and cur + 1, in acc */
    float *hrow;         /* one source row filtered across: tw × ch */
    int *tx;             /* source column → the target column it starts in */
    float *wx;           /* … and the share of it that falls there (the rest goes to tx + 1) */
    float norm;          /* 1 / source area of one target pixel */
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
