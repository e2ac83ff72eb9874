/* archive_manifest.c — see archive_db.h: the bundle manifests an archive
 * keeps (ARCHIVE/bundles/M.xml and M.p7s, M the manifest's SHA-256; rows
 * of the first layout have none recorded and keep NUMBER.manifest.xml and
 * .p7s beside their PDF), read back for `audit` and `export`: the file
 * must still hash to its name, its signature must verify against trust/
 * as of the filing, and its entries are looked up by path. */
#include "archive_db.h"
#include "util_lang.h"
#include "verify.h"
#include "util.h"
#include "util_limits.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void kept_manifest_paths(const char *manifest, const char *pdf_rel, const char *number, char **xml, char **sig)
{
    if (manifest && *manifest) {
        *xml = xasprintf("bundles/%s.xml", manifest);
        *sig = xasprintf("bundles/%s.p7s", manifest);
        return;
    }
    const char *slash = strrchr(pdf_rel, '/');
    int dir = slash ? (int)(slash - pdf_rel + 1) : 0;
    *xml = xasprintf("%.*s%s.manifest.xml", dir, pdf_rel, number);
    *sig = xasprintf("%.*s%s.manifest.p7s", dir, pdf_rel, number);
}

static int cmp_entry(const void *x, const void *y)
{
    return strcmp(((const manifest_entry *)x)->path, ((const manifest_entry *)y)->path);
}

/* The manifest's whole entries (path, size and SHA-256 all there), sorted
 * by path for kept_manifest_entry. */
static void read_entries(kept_manifest *km, const char *data, size_t len)
{
    char err[256] = "";
    int n;
    manifest_entry *v = manifest_read(km->xml, data, len, &n, err, sizeof err);
    if (!v) {
        snprintf(km->problem, sizeof km->problem, TR("无法读取：%s", "cannot be read: %s"), err);
        return;
    }
    for (int i = 0; i < n; i++) {
        if (v[i].whole) v[km->n++] = v[i];
        else free(v[i].path);
    }
    km->e = v;
    if (km->n) qsort(km->e, (size_t)km->n, sizeof *km->e, cmp_entry);
    km->ok = 1;
}

/* The signature over the manifest, judged at when (the filing). */
static int signed_ok(const archive *a, kept_manifest *km, const char *data, size_t len, const trust *t, time_t when)
{
    char *path = path_join(a->dir, km->sig), *der = NULL, why[384] = "", *name = NULL;
    size_t dlen;
    int ok = 0;
    if (read_file_nofollow(path, MAX_MANIFEST_SIG, &der, &dlen) != 0)
        snprintf(km->problem, sizeof km->problem, TR("签名文件 %s 缺失或无法读取：%s", "its signature %s is missing or unreadable: %s"),
                 km->sig, errno_text(errno));
    else if (cms_check((unsigned char *)der, dlen, (const unsigned char *)data, len, t, when, &name, why, sizeof why) != 1)
        snprintf(km->problem, sizeof km->problem, TR("签名 %s 不成立：%s", "its signature %s does not hold: %s"), km->sig, why);
    else
        ok = 1;
    free(name);
    free(der);
    free(path);
    return ok;
}

int kept_manifest_load(const archive *a, const char *manifest, const char *pdf_rel, const char *number,
                       const trust *t, time_t when, kept_manifest *km)
{
    memset(km, 0, sizeof *km);
    km->key = xstrdup(manifest ? manifest : "");
    kept_manifest_paths(manifest, pdf_rel, number, &km->xml, &km->sig);
    char *path = path_join(a->dir, km->xml), *data = NULL, sha[65];
    size_t len;
    if (read_file_nofollow(path, MAX_KEPT_TEXT, &data, &len) != 0) {
        snprintf(km->problem, sizeof km->problem, TR("保存的验证包清单缺失或无法读取：%s", "the kept bundle manifest is missing or unreadable: %s"),
                 errno_text(errno));
    } else if (manifest && *manifest && (sha256_hex(data, len, sha), strcmp(sha, manifest))) {
        snprintf(km->problem, sizeof km->problem, TR("清单的 SHA-256 与其文件名（索引记载的）不符：内容被改动过",
                                                     "the manifest's SHA-256 is not its name (the index's): it was changed"));
    } else if (signed_ok(a, km, data, len, t, when)) {
        read_entries(km, data, len);
    }
    free(data);
    free(path);
    return km->ok ? 0 : -1;
}

const manifest_entry *kept_manifest_entry(const kept_manifest *km, const char *path)
{
    manifest_entry key = {.path = (char *)path};
    return km->n ? bsearch(&key, km->e, (size_t)km->n, sizeof *km->e, cmp_entry) : NULL;
}

void kept_manifest_free(kept_manifest *km)
{
    for (int i = 0; i < km->n; i++) free(km->e[i].path);
    free(km->e);
    free(km->key);
    free(km->xml);
    free(km->sig);
    memset(km, 0, sizeof *km);
}

/* The school's signed revision of a filed dossier: its first e->size
 * bytes must hash to the manifest's entry and to the index row. */
int kept_revision_ok(const manifest_entry *e, const char *data, size_t len, const char *row_sha)
{
    if (e->size <= 0 || (unsigned long long)e->size > len) return 0;
    char sha[65];
    sha256_hex(data, (size_t)e->size, sha);
    return !strcmp(sha, e->sha) && !strcmp(sha, row_sha);
}

int kept_whole_ok(const manifest_entry *e, const char *data, size_t len)
{
    char sha[65];
    if (e->size < 0 || (unsigned long long)e->size != len) return 0;
    sha256_hex(data, len, sha);
    return !strcmp(sha, e->sha);
}

int index_path_ok(const char *rel)
{
    if (!rel || !*rel || rel[0] == '/') return 0;
    for (const char *c = rel; c; c = strchr(c, '/')) {
        if (*c == '/') c++;
        if (!strncmp(c, "..", 2) && (c[2] == '/' || !c[2])) return 0;
    }
    return 1;
}

time_t index_time(const char *s)
{
    struct tm tm = {0};
    int used = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                     &tm.tm_sec, &used) != 6 || used != 20 || s[used])
        return (time_t)-1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}
