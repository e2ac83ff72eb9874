/* load_context.c — see load_context.h. */
#include "load_context.h"
#include "util_lang.h"
#include "util.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct loaded_profile {
    char *id;
    profile *p;
};

#ifndef DANGAN_DATADIR
#define DANGAN_DATADIR "/usr/local/share/dangan"
#endif

static char *find_home(void)
{
    const char *env = getenv("DANGAN_HOME");
    if (env && *env) return xstrdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *dir = dirname(exe);         /* …/build */
        char *up = path_join(dir, "..");
        char *t = path_join(up, "templates");
        int ok = is_dir(t);
        free(t);
        if (ok) {
            char real[PATH_MAX];
            char *r = realpath(up, real) ? xstrdup(real) : xstrdup(up);
            free(up);
            return r;
        }
        free(up);
    }
    return xstrdup(DANGAN_DATADIR);
}

int context_open(context *c, unsigned need, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->home = find_home();
    char *t = path_join(c->home, "templates");
    c->schema_dir = path_join(t, "schemas");
    c->profile_dir = path_join(t, "profiles");
    int rc = 0;
    if (!is_dir(t)) {
        snprintf(err, errlen, TR("找不到数据文件夹 %s（可用环境变量 DANGAN_HOME 指定）", "data folder %s not found (set DANGAN_HOME to point at it)"), t);
        rc = -1;
    }
    if (rc == 0 && (need & NEED_SCHEMAS)) {
        c->schemas = schemas_load(c->schema_dir, err, errlen);
        if (!c->schemas) rc = -1;
    }
    if (rc == 0 && (need & NEED_CALENDAR)) {
        char *cd = path_join(t, "calendars"), *terms = path_join(t, "terms.xml");
        c->cal = calendar_load(cd, terms, c->schema_dir, err, errlen);
        free(cd);
        free(terms);
        if (!c->cal) rc = -1;
    }
    if (rc == 0 && (need & NEED_FONTS)) {
        char *fd = path_join(c->home, "fonts"), *m = path_join(fd, "fonts.xml");
        char *xsd = path_join(c->schema_dir, "fonts.xsd");
        c->fonts = fonts_open(m, xsd, err, errlen);
        free(xsd);
        free(fd);
        free(m);
        if (!c->fonts) rc = -1;
    }
    free(t);
    if (rc != 0) context_close(c);
    return rc;
}

void context_close(context *c)
{
    schemas_free(c->schemas);
    calendar_free(c->cal);
    if (c->fonts) fonts_close(c->fonts);
    for (int i = 0; i < c->nprofiles; i++) {
        free(c->profiles[i].id);
        profile_free(c->profiles[i].p);
    }
    free(c->profiles);
    if (c->placeholders) placeholders_free(c->placeholders);
    free(c->placeholders);
    free(c->schema_dir);
    free(c->profile_dir);
    free(c->home);
    memset(c, 0, sizeof *c);
}

const profile *context_profile(context *c, const char *id, int *not_found, char *err, size_t errlen)
{
    *not_found = 0;
    for (int i = 0; i < c->nprofiles; i++)
        if (!strcmp(c->profiles[i].id, id)) return c->profiles[i].p;
    profile *p = profile_load(c->profile_dir, c->schema_dir, id, not_found, err, errlen);
    if (!p) return NULL;
    c->profiles = xrealloc(c->profiles, (size_t)(c->nprofiles + 1) * sizeof *c->profiles);
    c->profiles[c->nprofiles++] = (struct loaded_profile){xstrdup(id), p};
    return p;
}

const placeholders *context_placeholders(context *c)
{
    if (!c->placeholders) {
        char *dir = path_join(c->home, "templates/skeleton");
        c->placeholders = xcalloc(1, sizeof *c->placeholders);
        placeholders_load(dir, c->placeholders);
        free(dir);
    }
    return c->placeholders;
}
