/* image.c — see image.h. */
#include "image.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* JPEG: walk the markers to the first start-of-frame. */
static int jpeg_size(const unsigned char *b, size_t n, int *w, int *h)
{
    size_t i = 2;
    while (i + 9 < n) {
        if (b[i] != 0xFF) return -1;
        unsigned m = b[i + 1], len = be16(b + i + 2);
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            *h = be16(b + i + 5);
            *w = be16(b + i + 7);
            return *w > 0 && *h > 0 ? 0 : -1;
        }
        i += 2 + len;
    }
    return -1;
}

int image_size(const char *path, int *w, int *h, int *is_png)
{
    /* Only the head of the file is read: the size is in the PNG header or
     * in a JPEG frame marker that 1 MiB of EXIF and tables precede at most;
     * a file that hides it deeper is refused rather than read whole. */
    FILE *fp = fopen(path, "rb");
    if (!fp) return -1;
    unsigned char *data = xmalloc(1u << 20);
    size_t n = fread(data, 1, 1u << 20, fp);
    fclose(fp);
    const unsigned char *b = data;
    int rc = -1;
    if (n >= 24 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8) && !memcmp(b + 12, "IHDR", 4)) {
        *w = (int)be32(b + 16);
        *h = (int)be32(b + 20);
        *is_png = 1;
        rc = *w > 0 && *h > 0 ? 0 : -1;
    } else if (n >= 4 && b[0] == 0xFF && b[1] == 0xD8) {
        *is_png = 0;
        rc = jpeg_size(b, n, w, h);
    }
    free(data);
    return rc;
}
