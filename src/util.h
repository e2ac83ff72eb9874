/* util.h — small helpers every module uses: allocation that never returns
 * NULL, a growable string, bounded file reading and UTF-8 decoding.
 * Takes nothing from other modules; gives them these primitives. */
#ifndef DANGAN_UTIL_H
#define DANGAN_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* A growable, always NUL-terminated byte string. */
typedef struct strbuf {
    char *s;
    size_t len, cap;
} strbuf;

void sb_init(strbuf *b);
void sb_free(strbuf *b);
void sb_add(strbuf *b, const char *s, size_t n);
void sb_puts(strbuf *b, const char *s);
void sb_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_steal(strbuf *b);
/* One CSV record (RFC 4180): every field quoted (a school's name may hold
 * a comma or a quote), CRLF at the end, as Excel and WPS expect. */
void sb_csv_row(strbuf *b, const char *const *fields, int n);

/* Reads a whole regular file of at most max bytes. Returns 0, or -1 with
 * errno set (EFBIG when the file is larger than max; *len then holds its size). */
int read_file(const char *path, size_t max, char **data, size_t *len);
/* The same, but a symbolic link (in the last component) or a FIFO is
 * refused, not followed or waited on: for files an attacker laid out. */
int read_file_nofollow(const char *path, size_t max, char **data, size_t *len);

/* Big-endian integers of binary formats (sfnt tables, PNG, JPEG). */
static inline uint16_t be16(const unsigned char *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Decodes one UTF-8 sequence at str[*i] (of len bytes), advancing *i.
 * Returns the code point, or -1 with *i unchanged for an invalid or
 * truncated sequence (overlongs, surrogates and values above U+10FFFF are
 * invalid). Inline: called for every character by the checks and the text
 * engine (4.5% of a batch build as a call). */
static inline int32_t utf8_next(const char *str, size_t len, size_t *i)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t k = *i;
    unsigned c = s[k];
    int need;
    uint32_t cp, min;
    if (c < 0x80) { *i = k + 1; return (int32_t)c; }
    if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; min = 0x10000; }
    else return -1;
    /* The continuation bytes must all lie inside the buffer. */
    if (k + (size_t)need >= len) return -1;
    for (int j = 1; j <= need; j++) {
        unsigned cc = s[k + (size_t)j];
        if ((cc & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    *i = k + (size_t)need + 1;
    return (int32_t)cp;
}


/* Byte offset of the first invalid UTF-8 sequence, or -1 when valid. */
long utf8_first_invalid(const char *s, size_t len);

/* 1-based line number of byte offset off in s. */
long line_of_offset(const char *s, size_t off);

/* Writes data to path through a temporary file in the same folder,
 * flushed to disk and renamed into place: readers see the old file or the
 * whole new one, never a part. 0, or -1 with errno set. */
int write_file_atomic(const char *path, const void *data, size_t len);

/* SHA-256 of a whole file (at most 256 MiB, the largest file a bundle or
 * an archive holds) as 64 hex digits; *size gets its length. 0, or -1
 * with errno set. */
int sha256_file(const char *path, char out[65], size_t *size);
/* SHA-256 of bytes already read, as 64 hex digits. */
void sha256_hex(const void *data, size_t len, char out[65]);

/* The CPUs online, at least 1 (worker pools size themselves by it). */
int cpu_count(void);

/* The mode a new file gets under the user's umask (0666 & ~umask), and a
 * new folder (0777 & ~umask). */
unsigned file_mode(void);
unsigned dir_mode(void);

/* 1 if path names an existing directory. */
int is_dir(const char *path);

/* Joins two path parts with one '/'. Caller frees. */
char *path_join(const char *a, const char *b);

#endif
