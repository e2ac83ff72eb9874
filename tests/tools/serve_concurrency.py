#!/usr/bin/env python3
"""Concurrency of `dangan serve` (issue 15): saves, checks and drafts of
several teachers from several threads at once must each get exactly the
answer a serial run gives (status, the check object with its check-list,
the draft PDF up to its dates and /ID), and a check must never wait for
an engine behind drafts. Each teacher's journal comes in variants (the
last k days left out: each has its own findings, and the check-list changes; one not
well-formed: 422), so answers mixed up between requests or engines would show.
Usage: serve_concurrency.py DANGAN_BIN SCRATCH_DIR   (prints 'serve-concurrency: N passed, N failed')."""
import http.client, json, os, random, re, statistics, subprocess, sys, threading, time

BIN, TMP = sys.argv[1], sys.argv[2]
SAMPLE = "samples/li-chunyan"
from tally import Tally

T = Tally("serve-concurrency")
ok = T.ok
WRITERS, FROZEN, ROUNDS, DRAFTERS = 4, 2, 8, 3
journal = open(os.path.join(SAMPLE, "journal.xml"), encoding="utf-8").read()
days = [m.start() for m in re.finditer(r"  <day ", journal)]
end = journal.index("</journal>")


def variant(k):
    """The journal without its last k days; "bad": cut off mid-element."""
    if k == "bad":
        return journal[:days[3] + 20]
    return journal[:days[len(days) - k]] + journal[end:] if k else journal


VARIANTS = [0, 1, 2, 3, "bad"]
data = os.path.join(TMP, "conc-data")
teachers = []   # (placement id, login, password)
for i in range(WRITERS + FROZEN):
    pid, login = "CONC-%02d" % i, "c%d" % i
    p = subprocess.run([BIN, "user", "add", "--data", data, "--role", "teacher", "--login", login, "--placement", pid,
                        "--name", "教师%d" % i], capture_output=True, text=True)
    sub = os.path.join(data, "submissions", pid)
    for f in os.listdir(SAMPLE):
        text = open(os.path.join(SAMPLE, f), encoding="utf-8").read().replace("LX2016-0007", pid)
        if f == "journal.xml" and i >= WRITERS:
            text = variant(i - WRITERS).replace("LX2016-0007", pid)   # frozen teachers: a variant each
        open(os.path.join(sub, f), "w", encoding="utf-8").write(text)
    teachers.append((pid, login, p.stdout.strip()))
log = open(os.path.join(TMP, "conc-serve.log"), "w+")
srv = subprocess.Popen([BIN, "serve", "--data", data, "--listen", "127.0.0.1:0"], stdout=log, stderr=subprocess.STDOUT)
port = None
for _ in range(500):
    log.seek(0)
    m = re.search(r"127\.0\.0\.1:(\d+)/", log.read())
    if m:
        port = int(m.group(1))
        break
    time.sleep(0.01)
if port is None:
    srv.kill()
    raise SystemExit("server did not start")


def req(method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    d = r.read()
    h = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, h, d


def timing(h, what):
    m = re.search(what + r";dur=([0-9.]+)", h.get("server-timing", ""))
    return float(m.group(1)) if m else float("inf")


def normal_pdf(d):
    """A draft without what changes from one build to the next: its dates and /ID."""
    d = re.sub(rb"D:\d{14}[^)]*", b"D:", d)
    d = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^<]*", b"T", d)
    return re.sub(rb"/ID \[<[0-9A-F]+> <[0-9A-F]+>\]", b"/ID", d)


class Teacher:
    def __init__(self, pid, login, pw):
        self.pid = pid
        st, h, d = req("POST", "/api/login", json.dumps({"login": login, "password": pw}))
        self.cookie, self.csrf = h["set-cookie"].split(";")[0], json.loads(d)["csrf"]
        req("POST", "/api/password", json.dumps({"old": pw, "new": "conc-pass-" + login}),
            {"Cookie": self.cookie, "X-CSRF-Token": self.csrf, "Content-Type": "application/json"})
        self.etag = self.get("/files/journal.xml")[1].get("etag")

    def get(self, rest):
        return req("GET", "/api/submissions/%s%s" % (self.pid, rest), headers={"Cookie": self.cookie})

    def save(self, k):
        st, h, d = req("PUT", "/api/submissions/%s/files/journal.xml" % self.pid,
                       variant(k).replace("LX2016-0007", self.pid).encode(),
                       {"Cookie": self.cookie, "X-CSRF-Token": self.csrf, "If-Match": self.etag})
        if st == 200:
            self.etag = h.get("etag")
        return st, h, d

    def check(self):
        st, h, d = self.get("/check")
        return st, d

    def draft(self):
        st, h, d = self.get("/draft.pdf")
        return st, normal_pdf(d)


people = [Teacher(*t) for t in teachers]
writers, frozen = people[:WRITERS], people[WRITERS:]

# ---- the serial run: what every answer must be ----
want = {}   # (pid, variant) → (save, check, draft); check and draft None after a refused save
for t in writers:
    for k in VARIANTS:
        st, h, d = t.save(k)
        want[t.pid, k] = ((st, d), t.check() if st == 200 else None, t.draft() if st == 200 else None)
    t.save(0)
for t in frozen:
    want[t.pid] = (t.check(), t.draft())
ok(all(want[t.pid, k][0][0] == 200 for t in writers for k in (0, 1, 2, 3))
   and all(want[t.pid, "bad"][0][0] == 422 for t in writers), "serial run: variants saved, the broken one refused (422)")
checks = {want[writers[0].pid, k][1][1] for k in (0, 1, 2, 3)}
rows = [json.loads(want[writers[0].pid, k][1][1])["rows"] for k in (0, 1)]
ok(len(checks) == 4 and rows[0] != rows[1],
   "serial run: each journal variant has its own check object (%d distinct of 4), the check-lists differ" % len(checks))
ok(all(want[t.pid][1][0] == 200 and want[t.pid][1][1].startswith(b"%PDF") for t in frozen), "serial run: drafts made")
ok(all(t.check() == want[t.pid][0] and t.draft() == want[t.pid][1] for t in frozen),
   "serial run: a second check and draft give the same answers (so they can be compared)")

# ---- the same requests from many threads at once ----
wrong, lock = [], threading.Lock()


def differ(what):
    with lock:
        wrong.append(what)


def guarded(body):
    """A thread's body; an exception (a reset connection, a server that
    died) is a wrong answer, not a thread that silently stops."""
    def run(*a):
        try:
            body(*a)
        except Exception as e:
            differ("%s: %r" % (body.__name__, e))
    return run


@guarded
def writer(t, seed):
    rnd = random.Random(seed)
    for n in range(ROUNDS):
        k = rnd.choice(VARIANTS)
        save, check, draft = want[t.pid, k]
        st, h, d = t.save(k)
        if (st, d) != save:
            differ("%s save of variant %s: %d %s" % (t.pid, k, st, d[:120]))
        if check and t.check() != check:
            differ("%s check after variant %s" % (t.pid, k))
        if draft and n % 2 == 0 and t.draft() != draft:
            differ("%s draft of variant %s" % (t.pid, k))


@guarded
def drafter(t, n):
    for _ in range(n):
        if t.draft() != want[t.pid][1]:
            differ("%s draft while others save" % t.pid)
        if t.check() != want[t.pid][0]:
            differ("%s check while others save" % t.pid)


threads = [threading.Thread(target=writer, args=(t, i)) for i, t in enumerate(writers)]
threads += [threading.Thread(target=drafter, args=(frozen[i % FROZEN], 6)) for i in range(DRAFTERS)]
for x in threads:
    x.start()
for x in threads:
    x.join()
for w in wrong[:5]:
    print("  " + w)
ok(not wrong, "%d threads at once: every save, check and draft answers as in the serial run (%d wrong)"
   % (len(threads), len(wrong)))

# ---- a check never waits behind drafts ----
# While drafts run without pause, one teacher saves: its check must find
# an engine at once (all but one engine may draft), not after a draft.
stop = threading.Event()


@guarded
def keep_drafting(t):
    while not stop.is_set():
        t.draft()


busy = [threading.Thread(target=keep_drafting, args=(frozen[i % FROZEN],)) for i in range(4)]
for x in busy:
    x.start()
time.sleep(0.3)
waits = []
for n in range(12):
    st, h, d = writers[0].save(n % 4)
    waits.append(timing(h, "wait"))
    time.sleep(0.02)
stop.set()
for x in busy:
    x.join()
ok(statistics.median(waits) < 2 and max(waits) < 100,
   "saves during a stream of drafts wait for no engine (median %.1f ms, max %.1f ms)" % (statistics.median(waits), max(waits)))

srv.terminate()
srv.wait()
ok(srv.returncode == 0, "server stops cleanly after the concurrent run")
T.finish()
