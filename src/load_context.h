/* load_context.h — what a process loads once and every submission shares:
 * the data folder, compiled schemas, the calendar and the fonts. Loading
 * these once is what makes batch work cheap (issue: fonts parsed once per
 * process). */
#ifndef DANGAN_CONTEXT_H
#define DANGAN_CONTEXT_H

#include "load_profile.h"

#include <stddef.h>
#include "load_calendar.h"
#include "font_set.h"
#include "check_leftovers.h"
#include "check_schema.h"

typedef struct context {
    char *home;          /* folder holding templates/ and fonts/ */
    char *schema_dir, *profile_dir;
    schemas *schemas;
    calendar *cal;
    font_set *fonts;
    int en;              /* --lang en */
    struct loaded_profile *profiles;  /* by the id asked for (context_profile) */
    int nprofiles;
    placeholders *placeholders;       /* the skeleton's, on first use (context_placeholders) */
} context;

enum { NEED_SCHEMAS = 1, NEED_CALENDAR = 2, NEED_FONTS = 4, NEED_ALL = 7 };

/* Finds the data folder: $DANGAN_HOME, else the folder above the
 * executable when it holds templates/ (a build tree), else the installed
 * DANGAN_DATADIR. Then loads what `need` asks for. -1 with err on failure. */
int context_open(context *c, unsigned need, char *err, size_t errlen);
void context_close(context *c);

/* The profile `id`, loaded (and schema-checked) on first use and kept
 * for the process: a batch of a school's dossiers shares one or two, and
 * loading one per dossier was 4% of a build. NULL with *not_found set
 * when there is no such profile, or with err when it is invalid. */
const profile *context_profile(context *c, const char *id, int *not_found, char *err, size_t errlen);

/* The skeleton's placeholder texts, read on first use and kept. */
const placeholders *context_placeholders(context *c);

#endif
