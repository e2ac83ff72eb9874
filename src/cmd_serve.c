/* cmd_serve.c — `dangan serve --data DIR [--listen ADDR:PORT] [--school
 * SCHOOL.xml] [--cert C --key K]` and `dangan user add --data DIR …`
 * (spec §8). The service itself is serve_*.c. */
#include "cmd_cli.h"
#include "serve.h"
#include "util_lang.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char SERVE_USAGE[] =
    "用法：dangan serve --data DIR [--listen 127.0.0.1:8080] [--school SCHOOL.xml] [--cert C --key K]"
    " [--session-ttl 秒]";
static const char USER_USAGE[] =
    "用法：dangan user add --data DIR --role teacher --login L --placement ID --name 姓名 [--profile P]\n"
    "      dangan user add --data DIR --role clerk --login L [--name 姓名]";

/* "--name VALUE": the value of option `name` at argv[*i], advancing. */
static const char *opt(int argc, char **argv, int *i, const char *name)
{
    if (strcmp(argv[*i], name) || *i + 1 >= argc) return NULL;
    return argv[++*i];
}

static int open_data(serve *s, const char *data, unsigned need, char *err, size_t errlen)
{
    if (mkdir(data, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "无法建立数据目录 %s：%s", data, strerror(errno));
        return -1;
    }
    s->data = realpath(data, NULL);
    if (!s->data || !is_dir(s->data)) { snprintf(err, errlen, "%s 不是目录", data); return -1; }
    if (context_open(&s->ctx, need, err, errlen) != 0) return -1;
    return auth_open(s, err, errlen);
}

static void close_data(serve *s)
{
    auth_close(s);
    engines_close(s);
    context_close(&s->ctx);
    free(s->data);
    free(s->school);
    free(s->web);
    free(s->self);
}

int cmd_serve(int argc, char **argv)
{
    const char *data = NULL, *listen = "127.0.0.1:8080", *school = NULL, *cert = NULL, *key = NULL, *v;
    long ttl = SERVE_SESSION_SECONDS;
    for (int i = 0; i < argc; i++) {
        if ((v = opt(argc, argv, &i, "--data"))) data = v;
        else if ((v = opt(argc, argv, &i, "--listen"))) listen = v;
        else if ((v = opt(argc, argv, &i, "--school"))) school = v;
        else if ((v = opt(argc, argv, &i, "--cert"))) cert = v;
        else if ((v = opt(argc, argv, &i, "--key"))) key = v;
        else if ((v = opt(argc, argv, &i, "--session-ttl"))) ttl = atol(v);
        else return cli_fail("%s", SERVE_USAGE);
    }
    if (!data || ttl < 1) return cli_fail("%s", SERVE_USAGE);
    serve s;
    memset(&s, 0, sizeof s);
    char err[1024];
    s.session_ttl = ttl;
    snprintf(s.job_state, sizeof s.job_state, "idle");
    if (school && !(s.school = realpath(school, NULL))) {
        cli_fail(TR("找不到 %s：%s", "cannot find %s: %s"), school, errno_text(errno));
        return EXIT_USAGE;
    }
    /* The server's own context answers the calendar and the profiles of
     * accounts; checks and drafts run on the engines. */
    if (open_data(&s, data, NEED_SCHEMAS | NEED_CALENDAR, err, sizeof err) != 0 || engines_open(&s, err, sizeof err) != 0) {
        close_data(&s);
        return cli_fail("%s", err);
    }
    /* util.c reads the umask once by setting it; done here, before any
     * request thread, so no thread creates a file under the wrong one. */
    (void)file_mode();
    s.web = xasprintf("%s/templates/web", s.ctx.home);
    /* bundle and verify run as this binary: the same build, the same data. */
    s.self = realpath("/proc/self/exe", NULL);
    pthread_mutex_init(&s.ctxl, NULL);
    pthread_mutex_init(&s.jobl, NULL);
    pthread_mutex_init(&s.ratel, NULL);
    store_init(&s);
    store_recover(&s);
    job_recover(&s);
    char *subs = path_join(s.data, "submissions");
    mkdir(subs, 0755);   /* an empty service: the first user add makes it too */
    free(subs);
    int rc = serve_run(&s, listen, cert, key);
    close_data(&s);
    return rc;
}

static int check_user(serve *s, const user *u)
{
    const char *why = auth_user_invalid(s, u);
    return why ? cli_fail("%s", why) : 0;
}

int cmd_user(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "add")) return cli_fail("%s", USER_USAGE);
    const char *data = NULL, *v;
    user u;
    memset(&u, 0, sizeof u);
    for (int i = 1; i < argc; i++) {
        if ((v = opt(argc, argv, &i, "--data"))) data = v;
        else if ((v = opt(argc, argv, &i, "--role"))) snprintf(u.role, sizeof u.role, "%s", v);
        else if ((v = opt(argc, argv, &i, "--login"))) snprintf(u.login, sizeof u.login, "%s", v);
        else if ((v = opt(argc, argv, &i, "--placement"))) snprintf(u.placement, sizeof u.placement, "%s", v);
        else if ((v = opt(argc, argv, &i, "--name"))) snprintf(u.name, sizeof u.name, "%s", v);
        else if ((v = opt(argc, argv, &i, "--profile"))) snprintf(u.profile, sizeof u.profile, "%s", v);
        else return cli_fail("%s", USER_USAGE);
    }
    if (!data) return cli_fail("%s", USER_USAGE);
    serve s;
    memset(&s, 0, sizeof s);
    char err[1024], pw[32];
    if (open_data(&s, data, NEED_SCHEMAS, err, sizeof err) != 0) { close_data(&s); return cli_fail("%s", err); }
    int rc = check_user(&s, &u);
    if (rc == 0 && !strcmp(u.role, "teacher") && store_create(s.data, u.placement) != 0)
        rc = cli_fail(TR("无法建立材料目录 %s/submissions/%s", "cannot make the submission folder %s/submissions/%s"), s.data, u.placement);
    if (rc == 0 && auth_user_add(&s, &u, pw, sizeof pw, err, sizeof err) != 0) rc = cli_fail("%s", err);
    if (rc == 0) {
        printf("%s\n", pw);
        fprintf(stderr, "已建立账户 %s（%s）。上面一行是一次性密码：请交给本人，首次登录时必须改成自己的密码。\n",
                u.login, !strcmp(u.role, "teacher") ? "教师" : "教务员");
    }
    close_data(&s);
    return rc;
}
