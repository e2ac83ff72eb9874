/* image_prepare.c — see image.h: which decoder, the turn to upright, the area
 * resampling the decoders feed, and the encodings handed on. The decoders are
 * image_jpeg.c (with the EXIF reader), image_png.c and image_heif.c. */
#include "image_int.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* By content, never by name: a phone's "IMG_0001.JPG" may be HEIC. */
static int sniff(FILE *f, image_kind *kind)
{
    unsigned char b[16];
    size_t n = fread(b, 1, sizeof b, f);
    rewind(f);
    if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8)) { *kind = IMAGE_PNG; return 0; }
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) { *kind = IMAGE_JPEG; return 0; }
    /* ISO base media: a 'ftyp' box whose brand is one of HEIF's. */
    static const char *const BRANDS[] = {"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif"};
    if (n >= 12 && !memcmp(b + 4, "ftyp", 4))
        for (size_t i = 0; i < sizeof BRANDS / sizeof BRANDS[0]; i++)
            if (!memcmp(b + 8, BRANDS[i], 4)) { *kind = IMAGE_HEIF; return 0; }
    return -1;
}

image_status image_probe(const char *path, image_info *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) return IMAGE_E_OPEN;
    image_kind kind;
    image_status st = IMAGE_E_FORMAT;
    if (sniff(f, &kind) == 0) {
        if (kind == IMAGE_JPEG) st = image_jpeg_probe(f, out);
        else if (kind == IMAGE_PNG) st = image_png_probe(f, out);
        else st = image_heif_probe(path, out);
        out->kind = kind;
    }
    fclose(f);
    if (st != IMAGE_OK) return st;
    long max = kind == IMAGE_HEIF ? IMAGE_HEIF_MAX_PIXELS : IMAGE_MAX_PIXELS;
    if (out->width <= 0 || out->height <= 0) return IMAGE_E_CORRUPT;
    if ((long long)out->width * out->height > max || out->width > IMAGE_MAX_SIDE || out->height > IMAGE_MAX_SIDE)
        return IMAGE_E_PIXELS;
    if (out->orientation >= 5) {        /* stored turned a quarter: upright is the transpose */
        int t = out->width;
        out->width = out->height;
        out->height = t;
    }
    return IMAGE_OK;
}

void image_print_box(const image_info *info, float pt_w, float pt_h, int *box_w, int *box_h)
{
    float dpi = info->kind == IMAGE_PNG ? IMAGE_PRINT_DPI : IMAGE_PHOTO_DPI;
    *box_w = (int)(pt_w * dpi / 72.0f + 0.999f);
    *box_h = (int)(pt_h * dpi / 72.0f + 0.999f);
    if (*box_w < 1) *box_w = 1;
    if (*box_h < 1) *box_h = 1;
}

void image_fit(int w, int h, int box_w, int box_h, int *tw, int *th)
{
    if (w <= box_w && h <= box_h) { *tw = w; *th = h; return; }
    double s = (double)box_w / w < (double)box_h / h ? (double)box_w / w : (double)box_h / h;
    *tw = (int)(w * s + 0.5);
    *th = (int)(h * s + 0.5);
    if (*tw < 1) *tw = 1;
    if (*th < 1) *th = 1;
    if (*tw > w) *tw = w;
    if (*th > h) *th = h;
}

void image_flatten(const unsigned char *in, int in_ch, int n, unsigned char *out, int out_ch)
{
    for (int i = 0; i < n; i++, in += in_ch, out += out_ch) {
        unsigned a = in_ch == 2 ? in[1] : in_ch == 4 ? in[3] : 255;
        unsigned c[3];
        for (int k = 0; k < 3; k++) {
            unsigned v = in[in_ch >= 3 ? k : 0];
            c[k] = (v * a + 255 * (255 - a) + 127) / 255;
        }
        if (out_ch == 1) out[0] = (unsigned char)(in_ch >= 3 ? (c[0] * 77 + c[1] * 150 + c[2] * 29 + 128) >> 8 : c[0]);
        else out[0] = (unsigned char)c[0], out[1] = (unsigned char)c[1], out[2] = (unsigned char)c[2];
    }
}

/* ---- area resampling ---------------------------------------------------- */

/* Where source cell i of n (target m ≤ n cells) starts, and its share
 * there: cell i spans [i·m, (i+1)·m) and target cell t spans [t·n, (t+1)·n)
 * in units of 1/(n·m) — exact integers. */
static int split(long long i, long long n, long long m, float *share)
{
    long long t = i * m / n, edge = (t + 1) * n;
    *share = (i + 1) * m <= edge ? 1.0f : (float)(edge - i * m) / (float)m;
    return (int)t;
}

void rs_init(resampler *r, int sw, int sh, int ch, int tw, int th, int all_rows)
{
    memset(r, 0, sizeof *r);
    r->sw = sw, r->sh = sh, r->ch = ch, r->tw = tw, r->th = th, r->all_rows = all_rows;
    r->acc = xcalloc((size_t)tw * (all_rows ? (size_t)th : 2) * (size_t)ch, sizeof *r->acc);
    r->row0 = r->acc;
    r->row1 = r->acc + (size_t)tw * ch;
    r->hrow = xmalloc((size_t)tw * (size_t)ch * sizeof *r->hrow);
    r->tx = xmalloc((size_t)sw * sizeof *r->tx);
    r->wx = xmalloc((size_t)sw * sizeof *r->wx);
    for (int x = 0; x < sw; x++) r->tx[x] = split(x, sw, tw, &r->wx[x]);
    r->norm = (float)((double)tw * th / ((double)sw * sh));
    r->out = xmalloc((size_t)tw * (size_t)th * (size_t)ch);
}

static void flush_row(resampler *r, int ty, const float *acc)
{
    unsigned char *o = r->out + (size_t)ty * r->tw * r->ch;
    for (size_t i = 0, n = (size_t)r->tw * r->ch; i < n; i++) {
        float v = acc[i] * r->norm + 0.5f;
        o[i] = (unsigned char)(v >= 255.0f ? 255 : v <= 0.0f ? 0 : (int)v);
    }
}

/* Adds source row sy, already filtered across (r->hrow), to the one or
 * two target rows it covers. */
static void add_rows(resampler *r, int sy)
{
    float wy;
    int ty = split(sy, r->sh, r->th, &wy);
    size_t n = (size_t)r->tw * r->ch;
    float *a0, *a1;
    if (r->all_rows) {
        a0 = r->acc + (size_t)ty * n;
        a1 = a0 + n;
    } else {
        while (r->cur < ty) {            /* target row done: out, and the next one becomes current */
            flush_row(r, r->cur++, r->row0);
            float *t = r->row0;
            r->row0 = r->row1;
            r->row1 = t;
            memset(r->row1, 0, n * sizeof *r->row1);
        }
        a0 = r->row0;
        a1 = r->row1;
    }
    const float *h = r->hrow;
    if (wy < 1.0f && ty + 1 < r->th) {
        float wz = 1.0f - wy;
        for (size_t i = 0; i < n; i++) a0[i] += h[i] * wy, a1[i] += h[i] * wz;
    } else {
        for (size_t i = 0; i < n; i++) a0[i] += h[i];
    }
}

/* Inline, and by channel count as a constant: a quarter of a phone
 * photo's build went here as a call per pixel. */
static inline void add_pixel(resampler *r, int x, const unsigned char *p, int ch)
{
    float *h = r->hrow + (size_t)r->tx[x] * ch, w = r->wx[x];
    if (w < 1.0f && r->tx[x] + 1 < r->tw) {
        for (int k = 0; k < ch; k++) h[k] += p[k] * w, h[ch + k] += p[k] * (1.0f - w);
    } else {
        for (int k = 0; k < ch; k++) h[k] += p[k];
    }
}

void rs_row(resampler *r, int sy, const unsigned char *row)
{
    memset(r->hrow, 0, (size_t)r->tw * r->ch * sizeof *r->hrow);
    if (r->ch == 3)
        for (int x = 0; x < r->sw; x++) add_pixel(r, x, row + (size_t)x * 3, 3);
    else
        for (int x = 0; x < r->sw; x++) add_pixel(r, x, row + (size_t)x * r->ch, r->ch);
    add_rows(r, sy);
}

void rs_pixels(resampler *r, int sy, int x0, int dx, int n, const unsigned char *px)
{
    memset(r->hrow, 0, (size_t)r->tw * r->ch * sizeof *r->hrow);
    for (int i = 0, x = x0; i < n && x < r->sw; i++, x += dx) add_pixel(r, x, px + (size_t)i * r->ch, r->ch);
    add_rows(r, sy);
}

void rs_finish(resampler *r, raster *out)
{
    size_t n = (size_t)r->tw * r->ch;
    if (r->all_rows) {
        for (int y = 0; y < r->th; y++) flush_row(r, y, r->acc + (size_t)y * n);
    } else {
        flush_row(r, r->cur, r->row0);
        if (r->cur + 1 < r->th) flush_row(r, r->cur + 1, r->row1);
    }
    *out = (raster){r->tw, r->th, r->ch, r->out};
    r->out = NULL;
    rs_free(r);
}

void rs_free(resampler *r)
{
    free(r->acc);
    free(r->hrow);
    free(r->tx);
    free(r->wx);
    free(r->out);
    memset(r, 0, sizeof *r);
}

/* ---- upright ----------------------------------------------------------- */

/* Turns a raster stored with EXIF orientation o upright: stored pixel
 * (sx, sy) of a sw × sh picture is displayed at (dx, dy) (Exif 2.3, tag
 * 0x0112: 6 = the stored 0th row is the right-hand side). */
static void orient(raster *r, int o)
{
    if (o < 2 || o > 8) return;
    int sw = r->w, sh = r->h, ch = r->ch;
    int w = o >= 5 ? sh : sw, h = o >= 5 ? sw : sh;
    unsigned char *px = xmalloc((size_t)w * h * ch);
    for (int sy = 0; sy < sh; sy++)
        for (int sx = 0; sx < sw; sx++) {
            int dx, dy;
            switch (o) {
            case 2: dx = sw - 1 - sx; dy = sy; break;
            case 3: dx = sw - 1 - sx; dy = sh - 1 - sy; break;
            case 4: dx = sx; dy = sh - 1 - sy; break;
            case 5: dx = sy; dy = sx; break;
            case 6: dx = sh - 1 - sy; dy = sx; break;
            case 7: dx = sh - 1 - sy; dy = sw - 1 - sx; break;
            default: dx = sy; dy = sw - 1 - sx; break;      /* 8 */
            }
            memcpy(px + ((size_t)dy * w + dx) * ch, r->px + ((size_t)sy * sw + sx) * ch, (size_t)ch);
        }
    free(r->px);
    *r = (raster){w, h, ch, px};
}

/* Decodes path upright into a raster fitting box_w × box_h. */
static image_status decode(const char *path, int box_w, int box_h, image_info *info, raster *r)
{
    memset(r, 0, sizeof *r);
    image_status st = image_probe(path, info);
    if (st != IMAGE_OK) return st;
    int quarter = info->orientation >= 5;
    int bw = quarter ? box_h : box_w, bh = quarter ? box_w : box_h;
    if (info->kind == IMAGE_HEIF) {
        st = image_heif_decode(path, bw, bh, r);
    } else {
        FILE *f = fopen(path, "rb");
        if (!f) return IMAGE_E_OPEN;
        st = info->kind == IMAGE_JPEG ? image_jpeg_decode(f, bw, bh, r) : image_png_decode(f, bw, bh, r);
        fclose(f);
    }
    if (st != IMAGE_OK) {
        free(r->px);
        memset(r, 0, sizeof *r);
        return st;
    }
    orient(r, info->orientation);
    return IMAGE_OK;
}

image_status image_prepare(const char *path, int box_w, int box_h, image_data *out)
{
    memset(out, 0, sizeof *out);
    image_info info;
    raster r;
    image_status st = decode(path, box_w, box_h, &info, &r);
    if (st != IMAGE_OK) return st;
    *out = (image_data){r.w, r.h, r.ch, info.kind != IMAGE_PNG, NULL, 0};
    if (out->dct) {
        st = image_jpeg_encode(&r, IMAGE_JPEG_QUALITY, &out->data, &out->len);
        free(r.px);
    } else {
        out->data = r.px;
        out->len = (size_t)r.w * r.h * r.ch;
    }
    return st;
}

void image_data_free(image_data *d)
{
    free(d->data);
    memset(d, 0, sizeof *d);
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcasecmp(s + n - m, tail);
}

image_status image_normalise_file(const char *in, const char *out, int max_side)
{
    int png = ends_with(out, ".png");
    if (!png && !ends_with(out, ".jpg") && !ends_with(out, ".jpeg")) return IMAGE_E_FORMAT;
    image_info info;
    raster r;
    image_status st = decode(in, max_side, max_side, &info, &r);
    if (st != IMAGE_OK) return st;
    unsigned char *data = NULL;
    size_t len = 0;
    st = png ? image_png_encode(&r, &data, &len) : image_jpeg_encode(&r, IMAGE_JPEG_QUALITY, &data, &len);
    free(r.px);
    if (st == IMAGE_OK && write_file_atomic(out, data, len) != 0) st = IMAGE_E_WRITE;
    free(data);
    return st;
}

const char *image_status_text(image_status s, int en)
{
    switch (s) {
    case IMAGE_OK: return en ? "usable" : "可用";
    case IMAGE_E_OPEN: return en ? "the file cannot be read" : "文件无法读取";
    case IMAGE_E_FORMAT: return en ? "it is not a PNG, JPEG or HEIC image" : "不是 PNG、JPEG 或 HEIC 图片";
    case IMAGE_E_CORRUPT:
        return en ? "the file is damaged or incomplete (copied or uploaded only in part?): export or copy it again"
                  : "文件已损坏或不完整（可能没有拷贝或上传完）：请重新导出或拷贝";
    case IMAGE_E_PIXELS:
        return en ? "it has too many pixels (at most 200 megapixels and 65535 on a side; HEIC 50 megapixels): "
                    "scale it down or save it as JPEG"
                  : "图片像素过多（上限 2 亿像素、每边 65535 像素，HEIC 为 5000 万像素）：请缩小，或另存为 JPEG";
    case IMAGE_E_MEMORY:
        return en ? "this progressive JPEG is too large to decode: save it as an ordinary (baseline) JPEG"
                  : "这张渐进式 JPEG 太大，无法解码：请另存为普通（基线）JPEG";
    case IMAGE_E_UNSUPPORTED:
        return en ? "this kind of image is not supported (e.g. 12-bit or arithmetic-coded JPEG): save it as an ordinary JPEG"
                  : "不支持这种图片编码（如 12 位或算术编码的 JPEG）：请另存为普通 JPEG";
    case IMAGE_E_WRITE: return en ? "the normalised image cannot be written" : "无法写入转换后的图片";
    }
    return en ? "unknown error" : "未知错误";
}
