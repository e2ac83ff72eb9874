#!/usr/bin/env python3
"""make bench: load on `dangan serve` — N teachers (default 60) on loopback,
each in its own thread saving a journal file (PUT with If-Match: validate,
write, history, check) and now and then fetching the draft PDF, for a
bounded time (default 30 s). Prints p50/p99 latency of save+check and of
the draft, and the server's own time of them (its Server-Timing header),
errors, requests, and the server's peak RSS; first, on the idle server,
the server time of one check of the reference submission. Figures, not
assertions. Usage: serve_load.py DANGAN_BIN [TEACHERS] [SECONDS] [THINK] [START]"""
import atexit, http.client, json, os, re, shutil, subprocess, sys, tempfile, threading, time

BIN = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 60
SECONDS = float(sys.argv[3]) if len(sys.argv) > 3 else 30
# Seconds between one teacher's saves: typing a paragraph takes longer; two
# seconds is a teacher pressing 保存 as fast as they can click.
THINK = float(sys.argv[4]) if len(sys.argv) > 4 else 2.0
# How the teachers start: "together" (all in the same instant, so their
# saves, and their drafts at every tenth save, come in bursts of N), or
# "spread" (teacher i starts i·THINK/N s later: N teachers saving at their
# own moments, as a class does).
START = sys.argv[5] if len(sys.argv) > 5 else "together"
if START not in ("together", "spread"):
    raise SystemExit("START is together or spread")
tmp = tempfile.mkdtemp()
atexit.register(shutil.rmtree, tmp, True)   # also when a run is stopped
data = os.path.join(tmp, "data")
pws = []
for i in range(N):
    pid = "LOAD-%04d" % i
    pw = subprocess.run([BIN, "user", "add", "--data", data, "--role", "teacher", "--login", "t%d" % i, "--placement", pid,
                         "--name", "教师%d" % i], capture_output=True, text=True).stdout.strip()
    sub = os.path.join(data, "submissions", pid)
    for f in os.listdir("samples/li-chunyan"):
        text = open(os.path.join("samples/li-chunyan", f), encoding="utf-8").read()
        open(os.path.join(sub, f), "w", encoding="utf-8").write(text.replace("LX2016-0007", pid))
    pws.append(pw)
log = open(os.path.join(tmp, "serve.log"), "w+")
srv = subprocess.Popen([BIN, "serve", "--data", data, "--listen", "127.0.0.1:0"], stdout=log, stderr=subprocess.STDOUT)
atexit.register(lambda: srv.poll() is None and (srv.kill(), srv.wait()))
port = None
while port is None:
    time.sleep(0.02)
    log.seek(0)
    m = re.search(r"127\.0\.0\.1:(\d+)/", log.read())
    port = int(m.group(1)) if m else None


def req(method, path, body=None, headers=None):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        d = r.read()
        h = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        return r.status, h, d
    except OSError as e:   # refused, reset: counted as an error
        return 0, {}, str(e).encode()


sessions = []
for i in range(N):   # logins (Argon2id, ~0.1 s each) before the clock starts
    st, h, d = req("POST", "/api/login", json.dumps({"login": "t%d" % i, "password": pws[i]}))
    cookie, csrf = h["set-cookie"].split(";")[0], json.loads(d)["csrf"]
    req("POST", "/api/password", json.dumps({"old": pws[i], "new": "load-pass-%d" % i}),
        {"Cookie": cookie, "X-CSRF-Token": csrf, "Content-Type": "application/json"})
    sessions.append((cookie, csrf))
journal = open("samples/li-chunyan/journal.xml", encoding="utf-8").read()
save_ms, draft_ms, errors = [], [], [0]
save_srv, draft_srv, draft_wait, draft_at = [], [], [], []
save_parts = {"wait": [], "engine": [], "rest": []}


def server_ms(h, what="app"):
    """A figure of Server-Timing: app, the server's time for the request;
    wait, the part of it spent waiting for an engine; engine, on one."""
    m = re.search(what + r";dur=([0-9.]+)", h.get("server-timing", ""))
    return float(m.group(1)) if m else float("nan")


# One check of the reference submission (samples/li-chunyan) on the idle
# server: the goal is ≤ 100 ms of server time. The median of a few, after
# one that loads the profile.
idle = []
for k in range(6):
    st, h, d = req("GET", "/api/submissions/LOAD-0000/check", headers={"Cookie": sessions[0][0]})
    if st != 200 or not json.loads(d)["ok"]:
        raise SystemExit("check of the reference submission failed: %d %s" % (st, d[:200]))
    idle.append(server_ms(h))
idle = sorted(idle[1:])
idle_draft = []
for k in range(4):
    st, h, d = req("GET", "/api/submissions/LOAD-0000/draft.pdf", headers={"Cookie": sessions[0][0]})
    idle_draft.append(server_ms(h))
idle_draft = sorted(idle_draft[1:])
lock = threading.Lock()
end = time.time() + SECONDS


def teacher(i):
    cookie, csrf = sessions[i]
    pid = "LOAD-%04d" % i
    base = "/api/submissions/%s/files/journal.xml" % pid
    st, h, _ = req("GET", base, headers={"Cookie": cookie})
    etag, n = h.get("etag"), 0
    if START == "spread":
        time.sleep(i * THINK / N)
    while time.time() < end:
        n += 1
        body = journal.replace("共30篇", "共%d篇" % (30 + n % 7)).encode()
        t0 = time.time()
        st, h, d = req("PUT", base, body, {"Cookie": cookie, "X-CSRF-Token": csrf, "If-Match": etag})
        dt = (time.time() - t0) * 1000
        ok = st == 200 and json.loads(d)["ok"]
        if not ok and errors[0] < 3:
            print("error:", st, d[:200])
        with lock:
            save_ms.append(dt)
            save_srv.append(server_ms(h))
            w, e = server_ms(h, "wait"), server_ms(h, "engine")
            for k, v in (("wait", w), ("engine", e), ("rest", save_srv[-1] - w - e)):
                save_parts[k].append(v)
            errors[0] += not ok
        etag = h.get("etag", etag)
        if n % 10 == 0:
            t0 = time.time()
            st, h, d = req("GET", "/api/submissions/%s/draft.pdf" % pid, headers={"Cookie": cookie})
            with lock:
                draft_at.append(t0)
                draft_ms.append((time.time() - t0) * 1000)
                draft_srv.append(server_ms(h))
                draft_wait.append(server_ms(h, "wait"))
                errors[0] += st != 200 or not d.startswith(b"%PDF")
        time.sleep(THINK)   # a teacher types between saves; without it this measures a queue


threads = [threading.Thread(target=teacher, args=(i,)) for i in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()
status = open("/proc/%d/status" % srv.pid).read()
hwm = re.search(r"VmHWM:\s*(\d+)", status).group(1)
# RSS counts the font files each engine maps (shared page cache) once per
# engine: what is the server's own memory is the anonymous part.
anon, filed = (int(re.search(k + r":\s*(\d+)", status).group(1)) / 1024 for k in ("RssAnon", "RssFile"))
srv.terminate()
srv.wait()
shutil.rmtree(tmp)


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p))] if v else float("nan")


print("serve, idle server: check of the reference submission %.1f ms, its draft %.1f ms of server time (medians)"
      % (idle[len(idle) // 2], idle_draft[len(idle_draft) // 2]))
print("serve load: %d teachers (%s), %.0f s: %d saves+checks p50 %.1f ms p99 %.1f ms; %d drafts p50 %.1f ms p99 %.1f ms; "
      "%d errors; server peak RSS %.1f MiB" % (N, START, SECONDS, len(save_ms), pct(save_ms, .5), pct(save_ms, .99), len(draft_ms),
                                           pct(draft_ms, .5), pct(draft_ms, .99), errors[0], int(hwm) / 1024))
print("serve load, server time: saves p50 %.1f ms p99 %.1f ms; drafts p50 %.1f ms p99 %.1f ms "
      "(of which waiting for a draft engine p50 %.1f ms p99 %.1f ms)"
      % (pct(save_srv, .5), pct(save_srv, .99), pct(draft_srv, .5), pct(draft_srv, .99), pct(draft_wait, .5),
         pct(draft_wait, .99)))
print("serve load: server RSS at the end %.1f MiB anonymous, %.1f MiB of mapped files (fonts, libraries)" % (anon, filed))
print("serve load: the %d drafts were asked for within %.1f s of each other" % (len(draft_at), max(draft_at) - min(draft_at)))
print("serve load, parts of a save's server time at p99: waiting for a check engine %.1f ms, checking %.1f ms, "
      "the rest (files, fsyncs, history) %.1f ms" % tuple(pct(save_parts[k], .99) for k in ("wait", "engine", "rest")))
