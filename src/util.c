/* util.c — see util.h. Allocation failure aborts: a half-built report is
 * worse than none, and there is nothing sensible to recover to. */
#include "util.h"
#include "util_limits.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void out_of_memory(void)
{
    fputs("dangan: 内存不足 (out of memory)\n", stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) out_of_memory();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) out_of_memory();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) out_of_memory();
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0) n = 0;
    char *p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

void sb_init(strbuf *b)
{
    b->cap = 64;
    b->len = 0;
    b->s = xmalloc(b->cap);
    b->s[0] = '\0';
}

void sb_free(strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void sb_add(strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap) b->cap *= 2;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void sb_puts(strbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

void sb_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    sb_puts(b, p);
    free(p);
}

void sb_csv_row(strbuf *b, const char *const *fields, int n)
{
    for (int k = 0; k < n; k++) {
        sb_puts(b, k ? ",\"" : "\"");
        for (const char *p = fields[k] ? fields[k] : ""; *p; p++) {
            if (*p == '"') sb_puts(b, "\"");
            sb_add(b, p, 1);
        }
        sb_puts(b, "\"");
    }
    sb_puts(b, "\r\n");
}

char *sb_steal(strbuf *b)
{
    char *s = b->s;
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

static int read_opened(int fd, size_t max, char **data, size_t *len);

int read_file(const char *path, size_t max, char **data, size_t *len)
{
    return read_opened(open(path, O_RDONLY | O_CLOEXEC), max, data, len);
}

int read_file_nofollow(const char *path, size_t max, char **data, size_t *len)
{
    return read_opened(open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK), max, data, len);
}

static int read_opened(int fd, size_t max, char **data, size_t *len)
{
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return -1;
    }
    /* Check the size before reading so a 200 MB file costs nothing. */
    if ((unsigned long long)st.st_size > max) {
        *len = (size_t)st.st_size;
        close(fd);
        errno = EFBIG;
        return -1;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max + 1) { /* grew while we read it */
                free(buf);
                close(fd);
                *len = n;
                errno = EFBIG;
                return -1;
            }
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) { free(buf); close(fd); return -1; }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

long utf8_first_invalid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t at = i;
        if (utf8_next(s, len, &i) < 0) return (long)at;
    }
    return -1;
}

long line_of_offset(const char *s, size_t off)
{
    long line = 1;
    for (size_t i = 0; i < off; i++)
        if (s[i] == '\n') line++;
    return line;
}

int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *path_join(const char *a, const char *b)
{
    size_t la = strlen(a);
    while (la > 1 && a[la - 1] == '/') la--;
    return xasprintf("%.*s/%s", (int)la, a, b);
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
    char *tmp = xasprintf("%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) { free(tmp); return -1; }
    const char *p = data;
    size_t left = len;
    int rc = 0;
    while (left && rc == 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) rc = -1;
        else { p += n; left -= (size_t)n; }
    }
    if (rc == 0 && fsync(fd) != 0) rc = -1;
    int saved = errno;
    if (close(fd) != 0 && rc == 0) { rc = -1; saved = errno; }
    /* mkstemp makes the file private (0600); give it the mode any new
     * file gets under the user's umask, as cp or a text editor would. */
    if (rc == 0 && chmod(tmp, file_mode()) != 0) { rc = -1; saved = errno; }
    if (rc == 0 && rename(tmp, path) != 0) { rc = -1; saved = errno; }
    if (rc != 0) unlink(tmp);
    free(tmp);
    errno = saved;
    return rc;
}

/* umask can only be read by setting it: once, and put back at once. */
static unsigned user_umask(void)
{
    static int known;
    static mode_t mask;
    if (!known) {
        mask = umask(022);
        umask(mask);
        known = 1;
    }
    return (unsigned)mask;
}

unsigned file_mode(void) { return 0666u & ~user_umask(); }
unsigned dir_mode(void) { return 0777u & ~user_umask(); }

void sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char h[32];
    unsigned n;
    EVP_Digest(data, len, h, &n, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", h[i]);
}

int sha256_file(const char *path, char out[65], size_t *size)
{
    char *data;
    if (read_file(path, MAX_BUNDLE_FILE, &data, size) != 0) return -1;
    sha256_hex(data, *size, out);
    free(data);
    return 0;
}

int cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 4096 ? 4096 : (int)n;
}
