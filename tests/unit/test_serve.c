/* test_serve.c — the parts of `dangan serve` that judge hostile input on
 * their own: the JSON reader, the name and id patterns. */
#include "serve.h"
#include "test.h"

#include <string.h>

static int is(const char *body, const char *key, const char *want)
{
    char *v = json_get(body, strlen(body), key);
    int ok = want ? v && !strcmp(v, want) : v == NULL;
    free(v);
    return ok;
}

int main(void)
{
    CHECK(is("{\"login\":\"li\",\"password\":\"p\"}", "login", "li"));
    CHECK(is(" { \"a\" : 1 , \"password\" : \"x y\" } ", "password", "x y"));
    CHECK(is("{\"reason\":\"\\u8bf7\\u8865\\u5145\\n\\\"\\\\\"}", "reason", "请补充\n\"\\"));
    CHECK(is("{\"k\":\"\\ud83d\\ude00\"}", "k", "\xF0\x9F\x98\x80"));   /* a surrogate pair */
    CHECK(is("{\"k\":\"\\ud83d\"}", "k", NULL));                        /* unpaired */
    CHECK(is("{\"k\":\"\\u0000\"}", "k", NULL));                        /* NUL would cut the string */
    CHECK(is("{\"k\":\"a\nb\"}", "k", NULL));                           /* raw control character */
    CHECK(is("{\"k\":\"v\"", "k", NULL));                               /* unterminated */
    CHECK(is("[\"k\",\"v\"]", "k", NULL));
    CHECK(is("{\"k\":\"\xff\"}", "k", NULL));                           /* not UTF-8 */
    CHECK(is("{\"a\":true,\"k\":null}", "k", NULL));                    /* present but not a string */
    CHECK(is("{}", "k", NULL));
    CHECK(is("{\"k\":\"first\",\"k\":\"second\"}", "k", "first"));

    CHECK(store_name_ok("journal.xml"));
    CHECK(store_name_ok("journal-week_2.xml"));
    CHECK(!store_name_ok("Journal.xml"));
    CHECK(!store_name_ok(".journal.xml"));
    CHECK(!store_name_ok("-x.xml"));
    CHECK(!store_name_ok("../x.xml"));
    CHECK(!store_name_ok("a/b.xml"));
    CHECK(!store_name_ok(".xml"));
    CHECK(!store_name_ok("x.xml.bak"));
    CHECK(!store_name_ok("日志.xml"));
    CHECK(!store_name_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.xml"));
    CHECK(store_id_ok("LX2016-0007"));
    CHECK(!store_id_ok(""));
    CHECK(!store_id_ok(".."));
    CHECK(!store_id_ok("a/b"));
    CHECK(!store_id_ok("-a"));
    return test_done("serve");
}
