#!/usr/bin/env python3
"""API tests of `dangan serve` (spec §8) against a real server on a free
loopback port: the whole teacher flow, every status code, validation before
write, history, conflicts, limits, traversal, isolation of teachers, CSRF,
throttling, session expiry, and kill -9 during a burst of saves.
Usage: serve_api.py DANGAN_BIN SCRATCH_DIR PKI_DIR   (prints 'serve: N passed, N failed')."""
import shutil
import atexit, http.client, io, json, os, re, signal, socket, ssl, struct, subprocess, sys, threading, time, zipfile, zlib

BIN, TMP, PKI = sys.argv[1], sys.argv[2], sys.argv[3]
SAMPLE = "samples/li-chunyan"
ID, OTHER = "LX2016-0007", "LX2016-0008"
from tally import Tally

T = Tally("serve")
ok = T.ok


def user_add(data, *args):
    p = subprocess.run([BIN, "user", "add", "--data", data] + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout.strip(), p.stderr


servers = []


@atexit.register
def stop_all():   # a test that stops half-way leaves no server behind
    for p in servers:
        if p.poll() is None:
            p.kill()
            p.wait()


def start(data, *extra):
    log = open(os.path.join(TMP, "serve-%d.log" % time.time_ns()), "w+")
    t0 = time.time()
    p = subprocess.Popen([BIN, "serve", "--data", data, "--listen", "127.0.0.1:0"] + list(extra),
                         stdout=log, stderr=subprocess.STDOUT)
    servers.append(p)
    for _ in range(200):
        log.seek(0)
        m = re.search(r"https?://127\.0\.0\.1:(\d+)/", log.read())
        if m:
            return p, int(m.group(1)), time.time() - t0
        time.sleep(0.01)
    raise SystemExit("server did not start")


class Client:
    def __init__(self, port):
        self.port, self.cookie, self.csrf = port, None, None

    def req(self, method, path, body=None, headers=None, csrf=True, ctype=None):
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = self.cookie
        if csrf and self.csrf and method != "GET":
            h["X-CSRF-Token"] = self.csrf
        if isinstance(body, str):
            body = body.encode()
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        if ctype:
            h["Content-Type"] = ctype
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        hd = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        if "set-cookie" in hd:
            m = re.match(r"dangan_session=([^;]*)", hd["set-cookie"])
            self.cookie = "dangan_session=" + m.group(1) if m and m.group(1) else None
        return r.status, hd, data

    def js(self, *a, **k):
        st, hd, data = self.req(*a, **k)
        try:
            return st, hd, json.loads(data.decode()) if data else None
        except ValueError:
            return st, hd, {"raw": data[:200]}

    def login(self, login, pw):
        st, hd, j = self.js("POST", "/api/login", {"login": login, "password": pw})
        if st == 200:
            self.csrf = j["csrf"]
        return st, hd, j


def png(w=4, h=3):
    raw = b"".join(b"\0" + b"\xff\x00\x00" * w for _ in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def multipart(data, filename="photo.png", ctype="image/png"):
    b = "----dangan-test-boundary"
    body = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
            % (b, filename, ctype)).encode() + data + ("\r\n--%s--\r\n" % b).encode()
    return body, "multipart/form-data; boundary=" + b


def sample(name):
    return open(os.path.join(SAMPLE, name), encoding="utf-8").read()


def history(data):
    d = os.path.join(data, "history", ID)
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


data = os.path.join(TMP, "data")
# ---- accounts ----
rc, pw_a, _ = user_add(data, "--role", "teacher", "--login", "li", "--placement", ID, "--name", "李春燕",
                       "--profile", "lx-backbone-2016")
ok(rc == 0 and re.fullmatch(r"[A-Za-z0-9]{16}", pw_a), "user add teacher prints a one-time password")
rc, pw_b, _ = user_add(data, "--role", "teacher", "--login", "wang", "--placement", OTHER, "--name", "王芳")
rc2, pw_c, _ = user_add(data, "--role", "clerk", "--login", "clerk")
ok(rc == 0 and rc2 == 0, "user add second teacher and clerk")
ok(user_add(data, "--role", "teacher", "--login", "li", "--placement", "X1", "--name", "某")[0] == 2, "login taken: 2")
ok(user_add(data, "--role", "teacher", "--login", "x", "--placement", "../etc", "--name", "某")[0] == 2, "bad placement id: 2")
ok(user_add(data, "--role", "teacher", "--login", "y", "--placement", "Y1", "--name", "某", "--profile", "nope")[0] == 2,
   "unknown profile: 2")
ok(os.path.isdir(os.path.join(data, "submissions", ID)), "user add makes the submission folder")

srv, port, started = start(data, "--school", os.path.join(PKI, "SCHOOL.xml"))
print("serve: started in %.0f ms" % (started * 1000))
t = Client(port)

# ---- login, password ----
st, hd, page = t.req("GET", "/")
ok(st == 200 and hd["content-type"].startswith("text/html"), "GET / is the web application")
ok(t.js("GET", "/api/me")[0] == 401, "me without a session: 401")
st, _, j = t.login("li", "wrong-password")
ok(st == 401 and "error" in j, "bad password: 401 with an error")
st, hd, j = t.login("li", pw_a)
ok(st == 200 and j["must_change_password"] is True and j["role"] == "teacher" and j["placement"] == ID, "login: 200")
ok("HttpOnly" in hd.get("set-cookie", "") and "SameSite=Strict" in hd["set-cookie"], "cookie HttpOnly SameSite=Strict")
ok(t.js("GET", "/api/submissions")[0] == 403, "before the first password change: 403")
ok(t.js("POST", "/api/password", {"old": pw_a, "new": "abcdefgh2016"}, csrf=False)[0] == 403, "password without CSRF: 403")
st, _, j = t.js("POST", "/api/password", {"old": pw_a, "new": "short"})
ok(st == 400 and "8" in j["error"], "weak password: 400")
ok(t.js("POST", "/api/password", {"old": "nope", "new": "abcdefgh2016"})[0] == 401, "wrong old password: 401")
ok(t.js("POST", "/api/password", {"old": pw_a, "new": "chunyan-2016"})[0] == 200, "password changed: 200")
st, _, j = t.js("GET", "/api/me")
ok(st == 200 and j["must_change_password"] is False and j["name"] == "李春燕", "me: 200 with the name")
st, _, j = t.js("GET", "/api/submissions")
ok(st == 200 and [x["id"] for x in j] == [ID] and j[0]["status"] == "draft", "teacher sees own submission only")
ok(t.js("POST", "/api/login", "{not json")[0] == 400, "malformed JSON: 400")

# ---- saves ----
base = "/api/submissions/%s/files/" % ID
anon = Client(port)
ok(anon.req("PUT", base + "placement.xml", sample("placement.xml"))[0] == 401, "PUT without session: 401")
ok(t.req("PUT", base + "placement.xml", sample("placement.xml"), csrf=False)[0] == 403, "PUT without CSRF: 403")
ok(t.req("PUT", base + "placement.xml", sample("placement.xml"), headers={"X-CSRF-Token": "0" * 64}, csrf=False)[0] == 403,
   "PUT with a wrong CSRF token: 403")
st, hd, j = t.js("PUT", base + "placement.xml", sample("placement.xml"))
ok(st == 200 and j["profile"] == "lx-backbone-2016" and "counts" in j and "rows" in j and hd.get("etag"),
   "PUT placement.xml: 200 with the check object")
for f in ["journal.xml", "observations.xml", "lessons.xml", "reflections.xml", "assessment.xml"]:
    st, hd, j = t.js("PUT", base + f, sample(f))
ok(st == 200 and j["ok"] is True and j["counts"]["observation"] == 20, "all sample files saved: check ok")
cli = subprocess.run([BIN, "check", os.path.join(data, "submissions", ID)], capture_output=True)
ok(cli.returncode == 0, "dangan check works on the stored folder")
st, _, files = t.js("GET", "/api/submissions/%s/files" % ID)
ok(st == 200 and sorted(x["name"] for x in files) == ["assessment.xml", "journal.xml", "lessons.xml",
                                                      "observations.xml", "placement.xml", "reflections.xml"]
   and {x["name"]: x["root"] for x in files}["journal.xml"] == "journal", "file list with roots")
etag = {x["name"]: x["etag"] for x in files}
st, hd, body = t.req("GET", base + "journal.xml")
ok(st == 200 and body.decode() == sample("journal.xml") and hd["etag"] == etag["journal.xml"], "GET file with ETag")

disk = os.path.join(data, "submissions", ID, "journal.xml")
h0 = history(data)
st, _, j = t.js("PUT", base + "journal.xml", "<journal xmlns='urn:dangan:1'><day date=", headers={"If-Match": etag["journal.xml"]})
ok(st == 422 and j["findings"] and j["findings"][0]["code"] == "xml.malformed", "malformed XML: 422 with findings")
bad = sample("journal.xml").replace("<p>", "<para>", 1).replace("</p>", "</para>", 1)
st, _, j = t.js("PUT", base + "journal.xml", bad, headers={"If-Match": etag["journal.xml"]})
ok(st == 422 and j["findings"][0]["code"] == "schema.invalid" and j["findings"][0]["line"] > 0, "schema-invalid: 422")
ok(open(disk, encoding="utf-8").read() == sample("journal.xml") and history(data) == h0, "422: nothing written, history unchanged")
st, _, j = t.js("PUT", base + "journal.xml", sample("journal.xml").replace("<journal", "<lessons", 1).replace("</journal>", "</lessons>"),
                headers={"If-Match": etag["journal.xml"]})
ok(st == 422, "a journal turned into something else: 422")
st, _, j = t.js("PUT", base + "placement.xml", sample("placement.xml").replace(ID, OTHER), headers={"If-Match": etag["placement.xml"]})
ok(st == 422, "placement.xml naming another placement id: 422")
entity = '<?xml version="1.0"?><!DOCTYPE j [<!ENTITY x SYSTEM "file:///etc/passwd">]><journal xmlns="urn:dangan:1">&x;</journal>'
st, _, j = t.js("PUT", base + "journal.xml", entity, headers={"If-Match": etag["journal.xml"]})
ok(st == 422 and j["findings"][0]["code"] == "xml.forbidden", "external entity: 422 xml.forbidden")

v2 = sample("journal.xml").replace("共30篇", "共31篇")
st, _, j = t.js("PUT", base + "journal.xml", v2, headers={"If-Match": '"0000"'})
ok(st == 412 and j["xml"] == sample("journal.xml") and j["etag"] == etag["journal.xml"], "stale If-Match: 412 with the current version")
ok(t.js("PUT", base + "journal.xml", v2)[0] == 412, "overwrite without If-Match: 412")
st, hd, j = t.js("PUT", base + "journal.xml", v2, headers={"If-Match": etag["journal.xml"]})
ok(st == 200 and hd["etag"] != etag["journal.xml"], "PUT with the right If-Match: 200, new ETag")
hist = history(data)
ok(hist == ["journal.0001.xml"] and open(os.path.join(data, "history", ID, hist[0]), encoding="utf-8").read()
   == sample("journal.xml"), "the overwritten version is kept in history")
st, hd2, _ = t.js("PUT", base + "journal.xml", sample("journal.xml"), headers={"If-Match": hd["etag"]})
ok(st == 200 and history(data) == ["journal.0001.xml", "journal.0002.xml"], "second overwrite: second history version")

st, _, _ = t.js("PUT", base + "extra.xml", "<reflections xmlns='urn:dangan:1'/>")
ok(st == 200, "a new file without If-Match: 200")
ok(t.req("DELETE", base + "extra.xml", csrf=False)[0] == 403, "DELETE without CSRF: 403")
ok(t.req("DELETE", base + "extra.xml")[0] == 204 and "extra.0001.xml" in history(data), "DELETE: 204, kept in history")
ok(t.req("GET", base + "extra.xml")[0] == 404 and t.req("DELETE", base + "extra.xml")[0] == 404, "deleted file: 404")

# ---- traversal, isolation ----
outside = os.path.join(data, "evil.xml")
for name in ["..%2F..%2Fevil.xml", "../../evil.xml", "Journal.xml", ".hidden.xml", "a%00b.xml", "x.xml.bak", "%2e%2e.xml"]:
    st = t.req("PUT", base + name, "<journal xmlns='urn:dangan:1'/>")[0]
    ok(st in (400, 404), "traversal name %s refused (%d)" % (name, st))
ok(not os.path.exists(outside) and not os.path.exists(os.path.join(data, "submissions", "evil.xml")), "nothing written outside")
ok(t.req("GET", "/static/../serve.sqlite")[0] == 404 and t.req("GET", "/static/..%2Fserve.sqlite")[0] == 404, "static traversal: 404")
ok(t.req("GET", "/api/submissions/..%2F..%2Fetc/files")[0] == 404, "id traversal: 404")
for m, p in [("GET", "/files"), ("GET", "/files/journal.xml"), ("PUT", "/files/journal.xml"), ("GET", "/check"),
             ("POST", "/submit"), ("GET", "/draft.pdf")]:
    ok(t.req(m, "/api/submissions/" + OTHER + p, "<journal xmlns='urn:dangan:1'/>" if m == "PUT" else None)[0] == 404,
       "another teacher's id: %s %s 404" % (m, p))
ok(t.req("GET", "/api/submissions/NOPE-1/files")[0] == 404, "unknown id: 404")

# ---- limits ----
big = "<journal xmlns='urn:dangan:1'><day date='2016-09-12'><p>" + "字" * (1500 * 1024) + "</p></day></journal>"
st, _, j = t.js("PUT", base + "big.xml", big)
ok(st == 413 and "error" in j and not os.path.exists(os.path.join(data, "submissions", ID, "big.xml")), "XML over 4 MiB: 413")
# A body announced far over the limit is refused before it is read.
sk = socket.create_connection(("127.0.0.1", port), timeout=10)
sk.sendall(("PUT %sbig.xml HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nX-CSRF-Token: %s\r\nContent-Length: %d\r\n\r\n<journal"
            % (base, t.cookie, t.csrf, 200 << 20)).encode())
answer = sk.recv(4096)
sk.close()
ok(answer.startswith(b"HTTP/1.1 413") and "上传的内容太大".encode() in answer, "Content-Length of 200 MiB: 413 at once")
st, _, _ = t.js("GET", "/api/me", headers={"X-Big": "a" * 40000})
ok(st in (413, 431), "headers over the limit: %d" % st)

# ---- figures ----
fig = "/api/submissions/%s/figures" % ID
body, ct = multipart(png(), filename="../../../evil.png")
st, _, j = t.js("POST", fig, body, ctype=ct)
ok(st == 201 and re.fullmatch(r"figures/\d{8}-[0-9a-f]{12}\.png", j["src"]), "photo upload: 201 with a generated name")
ok(os.path.isfile(os.path.join(data, "submissions", ID, j["src"])) and not os.path.exists(os.path.join(TMP, "evil.png")),
   "stored under figures/, never the client's path")
st, hd, img = t.req("GET", "/api/submissions/%s/%s" % (ID, j["src"]))
ok(st == 200 and hd["content-type"] == "image/png" and img[:8] == b"\x89PNG\r\n\x1a\n" and img[16:24] == png()[16:24],
   "photo read back: a PNG of the same size (normalised by the image module, lossless)")
# A phone photo: 4032 × 3024 stored sideways with EXIF orientation 6 is
# kept upright (portrait) and scaled down to 2400 px on its long side.
mk = os.environ.get("DANGAN_MKIMAGE", "build/tools/mkimage")
phone = os.path.join(TMP, "phone.jpg")
if subprocess.run([mk, "jpeg", phone, "3024", "4032", "orient", "6", "noise"]).returncode == 0:
    body, ct = multipart(open(phone, "rb").read(), filename="IMG_0001.JPG", ctype="image/jpeg")
    st, _, j = t.js("POST", fig, body, ctype=ct)
    stored = open(os.path.join(data, "submissions", ID, j["src"]), "rb").read() if st == 201 else b""
    def jpeg_size(b):
        i = 2
        while i + 9 < len(b):
            if b[i] != 0xFF: return None
            m, n = b[i + 1], struct.unpack(">H", b[i + 2:i + 4])[0]
            if m in (0xC0, 0xC1, 0xC2):
                return struct.unpack(">HH", b[i + 5:i + 9])[::-1]
            i += 2 + n
        return None
    ok(st == 201 and j["src"].endswith(".jpg") and jpeg_size(stored) == (1800, 2400) and len(stored) < os.path.getsize(phone) // 2,
       "a phone photo is stored upright and scaled down: %s %s" % (j, jpeg_size(stored)))
else:
    ok(False, "mkimage could not make the phone photo")
body, ct = multipart(b"this is not an image", filename="x.png")
ok(t.js("POST", fig, body, ctype=ct)[0] == 422, "not an image: 422")
body, ct = multipart(b"\x89PNG\r\n\x1a\n" + b"\0" * (31 << 20))
st, _, j = t.js("POST", fig, body, ctype=ct)
ok(st == 413 and "error" in j, "image over 30 MiB: 413")
body, ct = multipart(png())
ok(t.js("POST", fig, body[:len(body) - 40], ctype=ct)[0] == 400, "cut-off upload: 400, nothing stored")
ok(len(os.listdir(os.path.join(data, "submissions", ID, "figures"))) == 2, "only the good photos are stored")

# ---- check, draft ----
st, _, j = t.js("GET", "/api/submissions/%s/check" % ID)
ok(st == 200 and j["ok"] is True and j["submission"] == "submissions/" + ID and all(r["met"] for r in j["rows"]),
   "GET check: the check object with the check-list")
st, hd, pdf = t.req("GET", "/api/submissions/%s/draft.pdf" % ID)
ok(st == 200 and hd["content-type"] == "application/pdf" and pdf.startswith(b"%PDF-"), "draft.pdf: a PDF")

# ---- clerk, submit, return ----
c = Client(port)
c.login("clerk", pw_c)
ok(c.js("POST", "/api/password", {"old": pw_c, "new": "jiaowu-2016"})[0] == 200, "clerk password changed")
st, _, j = c.js("GET", "/api/submissions")
ok(st == 200 and [x["id"] for x in j] == [ID, OTHER], "clerk sees every submission")
ok(c.js("GET", "/api/submissions/%s/check" % ID)[0] == 200, "clerk reads a check-list")
# The clerk adds a teacher and resets a forgotten password from the page.
new_t = {"login": "zhao", "placement": "LX2016-0009", "name": "赵敏", "profile": "lx-backbone-2016"}
ok(c.js("POST", "/api/users", new_t, csrf=False)[0] == 403, "add a teacher without CSRF: 403")
ok(t.js("POST", "/api/users", new_t)[0] == 403, "a teacher cannot add accounts: 403")
ok(c.js("POST", "/api/users", dict(new_t, login="bad login"))[0] == 400, "a bad login name: 400")
ok(c.js("POST", "/api/users", dict(new_t, profile="nope"))[0] == 400, "an unknown profile: 400")
st, _, j = c.js("POST", "/api/users", new_t)
ok(st == 201 and re.fullmatch(r"[A-Za-z0-9]{16}", j["password"]) and os.path.isdir(os.path.join(data, "submissions", "LX2016-0009")),
   "clerk adds a teacher: 201 with a one-time password")
ok(c.js("POST", "/api/users", new_t)[0] == 409, "the same login again: 409")
z = Client(port)
ok(z.login("zhao", j["password"])[2]["must_change_password"] is True, "the new teacher logs in and must change the password")
st, _, j2 = c.js("POST", "/api/users/zhao/reset")
ok(st == 200 and j2["password"] != j["password"] and z.js("GET", "/api/me")[0] == 401, "reset: a new password, old sessions ended")
ok(Client(port).login("zhao", j["password"])[0] == 401 and Client(port).login("zhao", j2["password"])[0] == 200,
   "after the reset only the new password works")
ok(c.js("POST", "/api/users/clerk/reset")[0] == 404 and c.js("POST", "/api/users/nobody/reset")[0] == 404,
   "reset of a clerk or nobody: 404")
ok(c.req("PUT", base + "journal.xml", sample("journal.xml"))[0] == 403, "clerk cannot write a teacher's file: 403")
ok(t.js("POST", "/api/submissions/%s/return" % ID, {"reason": "x"})[0] == 403, "teacher cannot return: 403")
ok(t.js("POST", "/api/submissions/%s/submit" % ID, csrf=False)[0] == 403, "submit without CSRF: 403")
ok(t.js("POST", "/api/submissions/%s/submit" % ID)[0] == 200, "submit: 200")
ok(t.js("POST", "/api/submissions/%s/submit" % ID)[0] == 409, "submit again: 409")
st, hd, _ = t.req("GET", base + "journal.xml")
ok(t.js("PUT", base + "journal.xml", v2, headers={"If-Match": hd["etag"]})[0] == 409, "PUT after submit: 409")
body, ct = multipart(png())
ok(t.js("POST", fig, body, ctype=ct)[0] == 409, "photo after submit: 409")
ok(c.js("POST", "/api/submissions/%s/return" % ID, {"reason": ""})[0] == 400, "return without a reason: 400")
ok(c.js("POST", "/api/submissions/%s/return" % ID, {"reason": "请补充第三周的日志"})[0] == 200, "clerk returns: 200")
st, _, j = t.js("GET", "/api/submissions")
ok(j[0]["status"] == "returned" and j[0]["reason"] == "请补充第三周的日志", "teacher sees returned with the reason")
ok(t.js("PUT", base + "journal.xml", v2, headers={"If-Match": hd["etag"]})[0] == 200, "returned: editable again")
ok(t.js("POST", "/api/submissions/%s/submit" % ID)[0] == 200, "resubmit: 200")

# ---- bundle, verify ----
ok(t.js("POST", "/api/bundle")[0] == 403, "teacher cannot bundle: 403")
ok(c.js("POST", "/api/bundle", csrf=False)[0] == 403, "bundle without CSRF: 403")
st, _, j = c.js("POST", "/api/bundle")
ok(st == 202 and j["total"] == 1, "bundle: 202")
ok(c.js("POST", "/api/bundle")[0] == 409, "a second bundle while one runs: 409")
for _ in range(600):
    st, _, j = c.js("GET", "/api/bundle")
    if j["state"] != "running":
        break
    time.sleep(0.1)
ok(j["state"] == "done" and j["done"] == 1 and j["total"] == 1, "bundle done: %s" % j)
st, _, j = c.js("GET", "/api/submissions")
ok(j[0]["status"] == "passed", "a bundled submission is 通过")
st, hd, z = c.req("GET", "/api/bundle.zip")
zf = zipfile.ZipFile(io.BytesIO(z)) if st == 200 else None
names = zf.namelist() if zf else []
ok(st == 200 and "dossiers/%s.pdf" % ID in names and "manifest.p7s" in names and "summary.pdf" in names, "bundle.zip")
st, hd, _ = c.req("GET", "/api/bundle/summary.pdf")
ok(st == 200 and hd["content-type"] == "application/pdf", "summary.pdf")
dossier = zf.read("dossiers/%s.pdf" % ID) if zf else b""
os.makedirs(os.path.join(data, "trust"), exist_ok=True)
st, _, j = anon.js("POST", "/api/verify", dossier, ctype="application/pdf")
ok(st == 200 and j["intact"] is False and j["signers"] == [], "verify against an empty trust store is not intact: %s" % j)
shutil.copy(os.path.join(PKI, "ca.pem"), os.path.join(data, "trust", "county-ca.pem"))
st, _, j = anon.js("POST", "/api/verify", dossier, ctype="application/pdf")
ok(st == 200 and j["intact"] is True and j["signers"] == ["XX县实验学校"], "verify an intact dossier: %s" % j)
tampered = dossier[:len(dossier) // 3] + bytes([dossier[len(dossier) // 3] ^ 1]) + dossier[len(dossier) // 3 + 1:]
st, _, j = anon.js("POST", "/api/verify", tampered, ctype="application/pdf")
ok(st == 200 and j["intact"] is False and j["message"], "verify a tampered dossier: intact false")
ok(anon.js("POST", "/api/verify", b"hello")[0] == 400, "verify something that is not a PDF: 400")

# ---- request rate ----
r0 = Client(port)
r0.cookie, r0.csrf = t.cookie, t.csrf
codes = [r0.req("GET", "/api/me")[0] for _ in range(260)]
ok(codes[0] == 200 and 429 in codes, "a burst of requests from one session: 429 (%d of 260)" % codes.count(429))
time.sleep(1.0)
ok(r0.req("GET", "/api/me")[0] == 200, "a second later: 200 again")

# ---- logout, throttling ----
ok(t.req("POST", "/api/logout")[0] == 204 and t.js("GET", "/api/me")[0] == 401, "logout: 204, then 401")
w = Client(port)
codes = [w.login("wang", "guess-%d" % k)[0] for k in range(10)]
ok(codes == [401] * 10, "ten failed logins: 401")
ok(w.login("wang", pw_b)[0] == 429, "then even the right password: 429")

# ---- SIGTERM ----
srv.send_signal(signal.SIGTERM)
try:
    rc = srv.wait(timeout=10)
except subprocess.TimeoutExpired:
    rc = None
ok(rc == 0, "SIGTERM: clean exit (%s)" % rc)

# ---- TLS (--cert/--key): HTTPS, and the cookie gets Secure ----
srv, port, _ = start(data, "--cert", os.path.join(PKI, "school-cert.pem"), "--key", os.path.join(PKI, "school-key.pem"))
hc = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=ssl._create_unverified_context())
hc.request("POST", "/api/login", body=json.dumps({"login": "li", "password": "chunyan-2016"}))
r = hc.getresponse()
r.read()
ok(r.status == 200 and "Secure" in (r.getheader("Set-Cookie") or ""), "HTTPS with --cert/--key: the cookie is Secure")
hc.close()
srv.send_signal(signal.SIGTERM)
srv.wait()

# ---- session expiry ----
# (this server also shows that the last bundle survives a restart)
srv, port, _ = start(data, "--session-ttl", "1")
e = Client(port)
e.login("li", "chunyan-2016")
ok(e.js("GET", "/api/me")[0] == 200, "fresh session: 200")
st, _, j = e.js("GET", "/api/bundle")
ok(st == 403, "a teacher cannot see the bundle: 403")
time.sleep(2.2)
ok(e.js("GET", "/api/me")[0] == 401, "expired session: 401")
cb = Client(port)
cb.login("clerk", "jiaowu-2016")
st, _, j = cb.js("GET", "/api/bundle")
ok(st == 200 and j["state"] == "done" and j["total"] == 1 and cb.req("GET", "/api/bundle.zip")[0] == 200,
   "after a restart the last bundle is still there: %s" % j)

# ---- kill -9 during a burst of saves ----
c2 = Client(port)
c2.login("clerk", "jiaowu-2016")
c2.js("POST", "/api/submissions/%s/return" % ID, {"reason": "再改改"})
k = Client(port)
k.login("li", "chunyan-2016")
versions = [sample("observations.xml")] + [sample("observations.xml").replace("</observations>", "<!-- %d -->\n</observations>" % n)
                                          for n in range(1, 6)]
stop = threading.Event()
saves = [0]


def burst(n):
    kc = Client(port)
    kc.cookie, kc.csrf = k.cookie, k.csrf
    while not stop.is_set():
        try:
            st, hd, _ = kc.req("GET", base + "observations.xml")
            st, _, _ = kc.req("PUT", base + "observations.xml", versions[(saves[0] + n) % len(versions)],
                              headers={"If-Match": hd.get("etag", "")})
            saves[0] += st == 200
        except Exception:
            return


th = [threading.Thread(target=burst, args=(n,)) for n in range(4)]
for x in th:
    x.start()
time.sleep(1.5)
srv.send_signal(signal.SIGKILL)
srv.wait()
stop.set()
for x in th:
    x.join()
sub = os.path.join(data, "submissions", ID)
stored = open(os.path.join(sub, "observations.xml"), encoding="utf-8").read()
ok(saves[0] > 3 and stored in versions, "after kill -9 during %d saves: the file is one whole version" % saves[0])
hv = [open(os.path.join(data, "history", ID, f), encoding="utf-8").read() for f in history(data) if f.startswith("observations.")]
ok(len(hv) >= saves[0] - 1 and all(v in versions for v in hv), "every history version whole")
ok(sorted(f for f in os.listdir(sub) if f != "figures") == ["assessment.xml", "journal.xml", "lessons.xml",
                                                             "observations.xml", "placement.xml", "reflections.xml"],
   "no stray files in the submission folder")
cli = subprocess.run([BIN, "check", sub], capture_output=True)
ok(cli.returncode == 0, "the folder checks after kill -9")
srv, port, _ = start(data)
ok(os.listdir(os.path.join(data, ".staging")) == [], "restart clears the staging folder")
srv.send_signal(signal.SIGTERM)
srv.wait()

T.finish()
