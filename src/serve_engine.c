/* serve_engine.c — the check engines of the service, so that no one lock
 * serialises every check and draft (issue 15).
 *
 * An engine is a whole load context (compiled schemas, calendar, fonts,
 * profile cache), opened at start-up. Nothing in a context is safe for
 * two threads at once: check_submission fills the profile and placeholder
 * caches on first use, the font set fills its HarfBuzz faces and glyph
 * tables on first use (font_set.h: "not thread-safe on first use"), and
 * a FreeType face is one thread's at a time. Rather than lock inside all
 * of these, each engine is used by one request at a time; what threads
 * share is only libxml2's parser (initialised in main) and ICU's data.
 *
 * There is one engine per core and one more, and drafts may hold all but
 * that one: a check (a millisecond or two) then never waits behind a
 * draft (ten times that, and a burst of them when a class previews at
 * once), while drafts still use every core. Checks and drafts are CPU
 * work: more engines than this would only time-slice the same cores, for
 * ~13 MB of fonts and schemas each. */
#include "serve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A school PC has 2–8 cores; beyond 8 the fsyncs of the saves, not the
 * checks, set the pace. */
#define SERVE_MAX_CORES 8

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

double serve_clock_ms(void)
{
    return now_ms();
}

static int cores(void)
{
    int n = cpu_count();
    return n > SERVE_MAX_CORES ? SERVE_MAX_CORES : n;
}

int engines_open(serve *s, char *err, size_t errlen)
{
    engine_pool *p = &s->engines;
    int n = cores() + 1;
    pthread_mutex_init(&p->l, NULL);
    pthread_cond_init(&p->freed, NULL);
    p->ctx = xcalloc((size_t)n, sizeof *p->ctx);
    p->busy = xcalloc((size_t)n, sizeof *p->busy);
    p->max_drafts = n - 1;
    for (; p->n < n; p->n++) {
        if (context_open(&p->ctx[p->n], NEED_ALL, err, errlen) != 0) return -1;
        p->ctx[p->n].en = s->ctx.en;
    }
    return 0;
}

void engines_close(serve *s)
{
    engine_pool *p = &s->engines;
    if (!p->ctx) return;
    for (int i = 0; i < p->n; i++) context_close(&p->ctx[i]);
    free(p->ctx);
    free(p->busy);
    pthread_mutex_destroy(&p->l);
    pthread_cond_destroy(&p->freed);
    memset(p, 0, sizeof *p);
}

/* A free engine's index, or -1 (caller holds p->l). */
static int free_engine(const engine_pool *p, int draft)
{
    if (draft && p->drafts >= p->max_drafts) return -1;
    for (int i = 0; i < p->n; i++)
        if (!p->busy[i]) return i;
    return -1;
}

/* Checks and drafts each take engines in the order they asked (a ticket
 * each, served in turn): when a class's teachers all preview at once, no
 * draft is overtaken again and again by later ones. */
context *engine_take(serve *s, int draft, reply *r)
{
    engine_pool *p = &s->engines;
    double t0 = now_ms();
    int i;
    pthread_mutex_lock(&p->l);
    unsigned long me = p->next[draft]++;
    while (me != p->serving[draft] || (i = free_engine(p, draft)) < 0) pthread_cond_wait(&p->freed, &p->l);
    p->serving[draft]++;
    p->busy[i] = draft ? 2 : 1;
    p->drafts += draft;
    /* The next in line may find an engine free too. */
    pthread_cond_broadcast(&p->freed);
    pthread_mutex_unlock(&p->l);
    r->engine_at = now_ms();
    r->wait_ms += r->engine_at - t0;
    return &p->ctx[i];
}

void engine_give(serve *s, context *c, reply *r)
{
    engine_pool *p = &s->engines;
    r->engine_ms += now_ms() - r->engine_at;
    pthread_mutex_lock(&p->l);
    p->drafts -= p->busy[c - p->ctx] == 2;
    p->busy[c - p->ctx] = 0;
    /* Every waiter looks again: a freed draft slot may be what a draft
     * waits for, a freed engine what a check does. */
    pthread_cond_broadcast(&p->freed);
    pthread_mutex_unlock(&p->l);
}
