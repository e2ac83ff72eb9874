/* Unit tests: the image stage's EXIF reader on well-formed and hostile
 * segments, the fitting and box filter, and the upload intake. */
#include "test.h"
#include "image_int.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A TIFF header and IFD0 holding one Orientation entry. */
static size_t exif(unsigned char *b, int le, unsigned type, unsigned value)
{
    unsigned char t[26] = {0};
    memcpy(t, le ? "II" : "MM", 2);
#define P16(p, v) (le ? ((p)[0] = (unsigned char)(v), (p)[1] = (unsigned char)((v) >> 8)) \
                      : ((p)[0] = (unsigned char)((v) >> 8), (p)[1] = (unsigned char)(v)))
    P16(t + 2, 42);
    if (le) t[4] = 8; else t[7] = 8;
    P16(t + 8, 1);
    P16(t + 10, 0x0112);
    P16(t + 12, type);
    if (le) t[14] = 1; else t[17] = 1;
    P16(t + 18, value);
    memcpy(b, t, sizeof t);
    return sizeof t;
}

static void test_exif(void)
{
    unsigned char b[64];
    for (int o = 1; o <= 8; o++) {
        size_t n = exif(b, o & 1, 3, (unsigned)o);
        CHECK(image_exif_orientation(b, n) == o);
    }
    size_t n = exif(b, 1, 3, 6);
    /* Every truncation reads nothing outside the buffer (ASan in
     * make test-sanitize) and gives 6 or "none". */
    for (size_t k = 0; k <= n; k++) {
        unsigned char *c = xmalloc(k ? k : 1);
        memcpy(c, b, k);
        int o = image_exif_orientation(c, k);
        CHECK(o == 1 || (o == 6 && k >= 20));
        free(c);
    }
    n = exif(b, 0, 4, 6);                      /* LONG, not SHORT */
    CHECK(image_exif_orientation(b, n) == 1);
    n = exif(b, 0, 3, 9);                      /* out of range */
    CHECK(image_exif_orientation(b, n) == 1);
    n = exif(b, 0, 3, 0);
    CHECK(image_exif_orientation(b, n) == 1);
    n = exif(b, 1, 3, 6);
    b[4] = 0xF0, b[5] = b[6] = b[7] = 0xFF;    /* IFD0 at 4 GiB */
    CHECK(image_exif_orientation(b, n) == 1);
    n = exif(b, 1, 3, 6);
    b[8] = b[9] = 0xFF;                        /* 65535 entries in 26 bytes */
    b[10] = 0x01, b[11] = 0x02;                /* first entry not Orientation */
    CHECK(image_exif_orientation(b, n) == 1);
    b[2] = 43;                                  /* not TIFF */
    CHECK(image_exif_orientation(b, n) == 1);
    CHECK(image_exif_orientation((const unsigned char *)"XX", 2) == 1);
}

static void test_fit(void)
{
    int w, h;
    image_fit(4032, 3024, 1750, 1457, &w, &h);
    CHECK(w == 1750 && h == 1313);
    image_fit(100, 50, 1750, 1457, &w, &h);    /* never up */
    CHECK(w == 100 && h == 50);
    image_fit(60000, 1, 64, 64, &w, &h);
    CHECK(w == 64 && h == 1);
    image_info png = {IMAGE_PNG, 0, 0, 1}, jpg = {IMAGE_JPEG, 0, 0, 1};
    image_print_box(&png, 420, 315, &w, &h);    /* 420 pt = 5.83 in → 1750 px at 300 dpi */
    CHECK(w == 1750 && h == 1313);
    image_print_box(&jpg, 420, 315, &w, &h);    /* photos at 250 dpi */
    CHECK(w == 1459 && h == 1094);
}

static void test_resample(void)
{
    /* 4 × 2 gray to 2 × 1: each target pixel the mean of its 2 × 2 box. */
    resampler r;
    raster out;
    const unsigned char r0[4] = {0, 100, 200, 255}, r1[4] = {100, 200, 255, 255};
    rs_init(&r, 4, 2, 1, 2, 1, 0);
    rs_row(&r, 0, r0);
    rs_row(&r, 1, r1);
    rs_finish(&r, &out);
    CHECK(out.w == 2 && out.h == 1 && out.px[0] == 100 && out.px[1] == 241);
    free(out.px);
    /* The same through pixels in any order (Adam7). */
    rs_init(&r, 4, 2, 1, 2, 1, 1);
    rs_pixels(&r, 1, 1, 2, 2, (const unsigned char[]){200, 255});
    rs_pixels(&r, 0, 0, 1, 4, r0);
    rs_pixels(&r, 1, 0, 2, 2, (const unsigned char[]){100, 255});
    rs_finish(&r, &out);
    CHECK(out.px[0] == 100 && out.px[1] == 241);
    free(out.px);
    /* Flattening: transparent black on white is white; opaque stays. */
    unsigned char rgba[8] = {0, 0, 0, 0, 10, 20, 30, 255}, rgb[6];
    image_flatten(rgba, 4, 2, rgb, 3);
    CHECK(rgb[0] == 255 && rgb[1] == 255 && rgb[2] == 255 && rgb[3] == 10 && rgb[4] == 20 && rgb[5] == 30);
}

static void test_normalise(void)
{
    char dir[] = "/tmp/dangan-image-XXXXXX";
    if (!mkdtemp(dir)) { CHECK(0); return; }
    char *in = path_join(dir, "in.jpg"), *jpg = path_join(dir, "out.jpg"), *png = path_join(dir, "out.png");
    char *bad = path_join(dir, "bad.jpg"), *none = path_join(dir, "none.jpg");
    raster r = {640, 480, 3, xmalloc(640 * 480 * 3)};
    for (size_t i = 0; i < 640 * 480 * 3; i++) r.px[i] = (unsigned char)(i % 3 == 0 ? 230 : 20);
    unsigned char *data;
    size_t len;
    CHECK(image_jpeg_encode(&r, 90, &data, &len) == IMAGE_OK);
    CHECK(write_file_atomic(in, data, len) == 0);
    image_info info;
    CHECK(image_normalise_file(in, jpg, 200) == IMAGE_OK);
    CHECK(image_probe(jpg, &info) == IMAGE_OK && info.kind == IMAGE_JPEG && info.width == 200 && info.height == 150);
    CHECK(image_normalise_file(in, png, 100) == IMAGE_OK);
    CHECK(image_probe(png, &info) == IMAGE_OK && info.kind == IMAGE_PNG && info.width == 100 && info.height == 75);
    image_data d;
    CHECK(image_prepare(png, 1000, 1000, &d) == IMAGE_OK && !d.dct && d.width == 100 && d.channels == 3);
    CHECK(d.data[0] > 200 && d.data[1] < 50);   /* still red */
    image_data_free(&d);
    /* Truncated: an error, and nothing written. */
    CHECK(write_file_atomic(bad, data, len / 2) == 0);
    CHECK(image_normalise_file(bad, none, 200) == IMAGE_E_CORRUPT);
    CHECK(access(none, F_OK) != 0);
    CHECK(image_normalise_file(in, bad, 200) == IMAGE_OK);          /* replaces it whole */
    CHECK(image_normalise_file(in, none, 200) == IMAGE_OK && unlink(none) == 0);
    CHECK(image_normalise_file(in, "/nonexistent/dir/out.jpg", 200) == IMAGE_E_WRITE);
    char *txt = path_join(dir, "x.gif");
    CHECK(image_normalise_file(in, txt, 200) == IMAGE_E_FORMAT);   /* neither .jpg nor .png */
    CHECK(write_file_atomic(txt, "GIF89a", 6) == 0);
    CHECK(image_normalise_file(txt, none, 200) == IMAGE_E_FORMAT && access(none, F_OK) != 0);
    CHECK(strstr(image_status_text(IMAGE_E_CORRUPT, 0), "损坏") && strstr(image_status_text(IMAGE_E_CORRUPT, 1), "damaged"));
    unlink(in); unlink(jpg); unlink(png); unlink(bad); unlink(txt);
    rmdir(dir);
    free(in); free(jpg); free(png); free(bad); free(none); free(txt);
    free(data);
    free(r.px);
}

int main(void)
{
    test_exif();
    test_fit();
    test_resample();
    test_normalise();
    return test_done("image");
}
