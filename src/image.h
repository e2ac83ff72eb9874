/* image.h — PNG and JPEG files: kind and pixel size, from their headers.
 * Used by the checks (is a figure usable?) and the layout (how big?). */
#ifndef DANGAN_IMAGE_H
#define DANGAN_IMAGE_H

/* Figures larger than this many pixels are refused: decoding one takes
 * width × height × 3 bytes (a 60000² PNG of a few bytes would ask for
 * 10 GB). 40 megapixels is a 7300 × 5500 photograph. */
#define MAX_IMAGE_PIXELS 40000000L

/* Pixel size of a PNG or JPEG file: 0, or -1 when not one of those. */
int image_size(const char *path, int *w, int *h, int *is_png);

#endif
