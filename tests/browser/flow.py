#!/usr/bin/env python3
"""The web application in real headless Chromium (Debian chromium +
chromedriver, python3-selenium): a teacher logs in, changes the password,
fills the placement page, a journal day from the calendar and an
observation, sees the requirements panel change, uploads a photo, opens the
draft, submits; the clerk returns it, the teacher fixes it and resubmits,
the clerk bundles and downloads. Screenshots of each step at 360 px and
1280 px go to build/screens/.
Usage: flow.py DANGAN_BIN SCRATCH_DIR PKI_DIR   (prints 'browser: N passed, N failed')."""
import atexit, os, re, shutil, struct, subprocess, sys, time, zlib

BIN, TMP, PKI = sys.argv[1], sys.argv[2], sys.argv[3]
SHOTS = "build/screens"
ID = "LX2016-0007"
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from tally import Tally

T = Tally("browser")
ok = T.ok


try:
    from selenium import webdriver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait, Select
except ImportError:
    print("browser: python3-selenium missing (sh setup.sh)\nbrowser: 0 passed, 1 failed")
    sys.exit(1)


def user_add(*args):
    return subprocess.run([BIN, "user", "add", "--data", data] + list(args), capture_output=True, text=True).stdout.strip()


data = os.path.join(TMP, "web")
pw_t = user_add("--role", "teacher", "--login", "li", "--placement", ID, "--name", "李春燕", "--profile", "lx-backbone-2016")
pw_c = user_add("--role", "clerk", "--login", "clerk", "--name", "张老师")
# The records a teacher typed in earlier evenings, as stored (spec §2): all
# of the reference sample but its placement page, the last journal day and
# the last observation, which the browser adds.
sub = os.path.join(data, "submissions", ID)
for f in ["lessons.xml", "reflections.xml", "assessment.xml", "journal.xml", "observations.xml"]:
    text = open(os.path.join("samples/li-chunyan", f), encoding="utf-8").read()
    if f == "journal.xml":
        text = re.sub(r'\s*<day date="2016-09-26">.*?</day>', "", text, flags=re.S)
    if f == "observations.xml":
        text = re.sub(r'\s*<observation date="2016-09-26" period="2">.*?</observation>', "", text, flags=re.S)
    open(os.path.join(sub, f), "w", encoding="utf-8").write(text)

# The server verifies against DIR/trust: the county CA of the test PKI.
os.makedirs(os.path.join(data, "trust"), exist_ok=True)
shutil.copy(os.path.join(PKI, "ca.pem"), os.path.join(data, "trust", "county-ca.pem"))
log = open(os.path.join(TMP, "web-serve.log"), "w+")
srv = subprocess.Popen([BIN, "serve", "--data", data, "--listen", "127.0.0.1:0", "--school", os.path.join(PKI, "SCHOOL.xml")],
                       stdout=log, stderr=subprocess.STDOUT)
port = None
for _ in range(200):
    log.seek(0)
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read())
    if m:
        port = int(m.group(1))
        break
    time.sleep(0.01)
URL = "http://127.0.0.1:%d" % port
atexit.register(lambda: srv.poll() is None and (srv.kill(), srv.wait()))

shutil.rmtree(SHOTS, ignore_errors=True)
os.makedirs(SHOTS)
downloads = os.path.join(TMP, "downloads")
os.makedirs(downloads)
profile = os.path.join(TMP, "chrome-profile")
opts = webdriver.ChromeOptions()
for a in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--user-data-dir=" + profile, "--window-size=1280,900", "--lang=zh-CN"]:
    opts.add_argument(a)
opts.binary_location = "/usr/bin/chromium"
opts.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
from selenium.webdriver.chrome.service import Service
drv = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=opts)
drv.set_page_load_timeout(30)
W = WebDriverWait(drv, 15)
step = [0]


def shot(name):
    """The page at 1280 px and at 360 px (a phone), whole height."""
    step[0] += 1
    for w in (1280, 360):
        drv.set_window_size(w, 800)
        h = drv.execute_script("return Math.max(document.documentElement.scrollHeight, 700)")
        drv.set_window_size(w, min(int(h) + 120, 4000))
        drv.execute_script("window.scrollTo(0, 0)")
        time.sleep(0.15)
        drv.save_screenshot("%s/%02d-%s-%d.png" % (SHOTS, step[0], name, w))
    drv.set_window_size(1280, 900)


def css(sel):
    return drv.find_element(By.CSS_SELECTOR, sel)


def visible(sel):
    return W.until(lambda d: d.find_element(By.CSS_SELECTOR, sel).is_displayed() and d.find_element(By.CSS_SELECTOR, sel))


def setv(elem, value):
    drv.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'))", elem, value)


def clear_toast():
    drv.execute_script("document.getElementById('toast').textContent = ''")


def toast_has(text):
    try:
        W.until(lambda d: text in d.find_element(By.ID, "toast").text)
        return True
    except Exception:
        return False


def login(user, pw):
    drv.get(URL + "/")
    f = visible("#login-form")
    f.find_element(By.NAME, "login").send_keys(user)
    f.find_element(By.NAME, "password").send_keys(pw)
    f.find_element(By.CSS_SELECTOR, "button").click()


def set_password(old, new):
    f = visible("#pw-form")
    f.find_element(By.NAME, "old").send_keys(old)
    f.find_element(By.NAME, "new").send_keys(new)
    f.find_element(By.NAME, "again").send_keys(new)
    f.find_element(By.CSS_SELECTOR, "button").click()


def summary_text():
    return css("#req-summary").text


def logout():
    css("#logout").click()
    visible("#login-form")


try:
    drv.get(URL + "/")
    visible("#login-form")
    shot("login")
    login("li", "wrong")
    ok(W.until(lambda d: "不对" in d.find_element(By.ID, "login-err").text), "bad password: a message")
    login("li", pw_t)
    visible("#pw-form")
    shot("first-login-password")
    set_password(pw_t, "chunyan-2016")
    visible("#tab-placement form")
    ok(css("#who").text.startswith("李春燕"), "the teacher's name in the bar")
    W.until(lambda d: "不符合" in summary_text())
    ok("不符合" in summary_text(), "requirements panel: shortfalls before the placement page")
    shot("placement-empty")

    f = css("#tab-placement form")
    Select(f.find_element(By.NAME, "profile")).select_by_value("lx-backbone-2016")
    vals = {"t.born": "1983-04", "t.work-start": "2005-08", "t.school": "XX县红星乡中心小学", "t.education": "本科",
            "t.rank": "一级教师", "t.subject": "语文", "t.grade": "五年级", "t.weekly-periods": "14", "t.years-at-school": "8",
            "h.school": "XX县实验学校", "h.mentor": "王建国", "h.class": "五年级(2)班", "h.subject": "语文",
            "h.class-periods": "12", "start": "2016-09-12", "end": "2016-09-26"}
    for k, v in vals.items():
        setv(f.find_element(By.NAME, k), v)
    clear_toast()
    f.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    ok(toast_has("已保存"), "placement page saved")
    rows_before = len(drv.find_elements(By.CSS_SELECTOR, "#req-rows li.unmet"))
    ok(os.path.exists(os.path.join(sub, "placement.xml")), "placement.xml stored")
    shot("placement-saved")
    link = [a for a in drv.find_elements(By.CSS_SELECTOR, "#req-findings a") if "听课" in a.text][0]
    link.click()
    ok(css("#tab-observations").get_attribute("class").endswith("on"), "a finding links to its form (听课记录)")

    css("[data-tab=calendar]").click()
    W.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".cal button.holiday"))
    ok(any("中秋" in b.text for b in drv.find_elements(By.CSS_SELECTOR, ".cal button.holiday")), "calendar shows 中秋节")
    ok(any("调休" in b.text for b in drv.find_elements(By.CSS_SELECTOR, ".cal button.makeup")), "calendar shows the make-up workday")
    shot("calendar")
    day = [b for b in drv.find_elements(By.CSS_SELECTOR, ".cal button") if (b.get_attribute("title") or "").startswith("2016-09-26")][0]
    day.click()
    f = visible("#tab-journal form")
    ok(f.find_element(By.NAME, "date").get_attribute("value") == "2016-09-26", "the day's journal form has its date")
    f.find_element(By.XPATH, ".//button[text()='添加一项活动']").click()
    Select(f.find_element(By.NAME, "akind")).select_by_value("class")
    f.find_element(By.NAME, "atext").send_keys("协助班主任组织主题班会“我的中秋”")
    # What pasting from Word gives a textarea: paragraphs separated by CR LF.
    setv(f.find_element(By.NAME, "text"), "上午听了两节语文课，记录了导入环节的设计。\r\n\r\n下午整理本周的听课笔记，准备汇报课。")
    shot("journal-day")
    clear_toast()
    f.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    ok(toast_has("已保存"), "journal day saved")
    jtext = open(os.path.join(sub, "journal.xml"), encoding="utf-8").read()
    ok('<day date="2016-09-26"><activity kind="class">' in jtext and "<p>上午听了两节语文课，记录了导入环节的设计。</p><p>下午整理" in jtext,
       "the journal day is stored as XML with its two paragraphs")

    css("[data-tab=observations]").click()
    css("#tab-observations > button").click()
    f = visible("#tab-observations form")
    setv(f.find_element(By.NAME, "date"), "2016-09-26")
    for k, v in {"period": "2", "class": "五年级(1)班", "subject": "语文", "teacher": "刘晓梅", "topic": "《落花生》"}.items():
        f.find_element(By.NAME, k).send_keys(v)
    f.find_element(By.NAME, "notes").send_keys("教师以问题串推进，学生讨论充分。")
    f.find_element(By.NAME, "comment").send_keys("建议：板书再突出借物喻人的写法。")
    shot("observation")
    clear_toast()
    f.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    ok(toast_has("已保存"), "observation saved")
    W.until(lambda d: "符合全部要求" in summary_text())
    ok("符合全部要求" in summary_text() and rows_before > 0, "requirements panel changed to all met (was %d unmet)" % rows_before)
    shot("requirements-met")

    # A lesson plan with two steps and a reflection, through their forms.
    css("[data-tab=lessons]").click()
    css("#tab-lessons > button").click()
    f = visible("#tab-lessons form")
    setv(f.find_element(By.NAME, "date"), "2016-09-19")
    f.find_element(By.NAME, "period").send_keys("7")
    Select(f.find_element(By.NAME, "kind")).select_by_value("open")
    f.find_element(By.NAME, "topic").send_keys("《慈母情深》")
    setv(f.find_element(By.NAME, "objectives"), "1. 有感情地朗读课文。\n2. 体会母爱的深沉。")
    f.find_element(By.NAME, "smin").send_keys("5")
    f.find_element(By.NAME, "stext").send_keys("播放一段母亲工作的视频，引出课题。")
    f.find_element(By.XPATH, ".//button[text()='添加一个环节']").click()
    f.find_elements(By.NAME, "stitle")[1].send_keys("精读品悟")
    f.find_elements(By.NAME, "stext")[1].send_keys("抓住“震耳欲聋”体会环境的恶劣。")
    f.find_element(By.NAME, "afterthought").send_keys("朗读指导还不够充分。")
    shot("lesson")
    clear_toast()
    f.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    ok(toast_has("已保存"), "lesson plan saved")
    ltext = open(os.path.join(sub, "lessons.xml"), encoding="utf-8").read()
    ok('kind="open"' in ltext and "<item>有感情地朗读课文。</item>" in ltext and '<step title="导入新课" minutes="5">' in ltext,
       "the lesson plan is stored with its objectives and steps")
    css("[data-tab=reflections]").click()
    css("#tab-reflections > button").click()
    f = visible("#tab-reflections form")
    setv(f.find_element(By.NAME, "date"), "2016-09-23")
    Select(f.find_element(By.NAME, "kind")).select_by_value("summary")
    f.find_element(By.NAME, "title").send_keys("跟岗心得：从模仿到创造")
    setv(f.find_element(By.NAME, "text"), "两周的跟岗让我看到了差距。\n- 备课要先研究学生\n- 课堂要留白")
    clear_toast()
    f.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    ok(toast_has("已保存"), "reflection saved")
    rtext = open(os.path.join(sub, "reflections.xml"), encoding="utf-8").read()
    ok('<reflection date="2016-09-23" kind="summary"><title>跟岗心得：从模仿到创造</title><p>两周的跟岗让我看到了差距。</p>'
       '<list><item>备课要先研究学生</item><item>课堂要留白</item></list></reflection>' in rtext, "the reflection is stored with its list")

    css("[data-tab=photos]").click()
    raw = b"".join(b"\0" + bytes([x * 8 % 256, 120, 200 - x]) * 48 for x in range(32))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    photo = os.path.join(TMP, "photo.png")
    open(photo, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 48, 32, 8, 2, 0, 0, 0))
                            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    css("#tab-photos input[type=file]").send_keys(photo)
    ok(W.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#tab-photos form .photos img")), "photo preview before upload")
    shot("photo-preview")
    clear_toast()
    clear_toast()
    css("#tab-photos form button").click()
    ok(toast_has("已上传"), "photo uploaded")
    ok(len(os.listdir(os.path.join(sub, "figures"))) == 1, "photo stored under figures/")
    shot("photo-uploaded")

    css("#btn-draft").click()
    link = W.until(lambda d: d.find_element(By.ID, "draft-open"))
    ok(link.get_attribute("href").startswith("blob:"), "draft preview opened")
    if len(drv.window_handles) > 1:
        main = drv.current_window_handle
        for h in drv.window_handles:
            if h != main:
                drv.switch_to.window(h)
                drv.close()
        drv.switch_to.window(main)
    shot("draft")

    drv.execute_script("window.confirm = () => true")
    css("#btn-submit").click()
    W.until(lambda d: d.find_element(By.ID, "t-status").text == "已提交")
    ok(css("#btn-submit").get_attribute("disabled") is not None, "submitted: 提交 disabled")
    shot("submitted")
    logout()

    login("clerk", pw_c)
    set_password(pw_c, "jiaowu-2016")
    W.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#c-table tbody tr"))
    ok("已提交" in css("#c-table tbody").text, "clerk sees 已提交")
    f = css("#add-form")
    for k, v in {"login": "wangfang", "placement": "LX2016-0008", "name": "王芳"}.items():
        f.find_element(By.NAME, k).send_keys(v)
    f.find_element(By.CSS_SELECTOR, "button").click()
    pw_new = W.until(lambda d: d.find_element(By.ID, "one-time")).text
    ok(re.fullmatch(r"[A-Za-z0-9]{16}", pw_new) and W.until(lambda d: "王芳" in d.find_element(By.CSS_SELECTOR, "#c-table tbody").text),
       "clerk adds a teacher on the page and sees the one-time password")
    shot("clerk-add-teacher")
    css("#c-table tbody tr button").click()
    visible("#c-detail")
    ok(W.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#c-rows li.met")), "clerk sees the check-list")
    css("#return-form textarea").send_keys("9月26日的日志请补写下午的教研活动。")
    shot("clerk-return")
    css("#return-form button").click()
    W.until(lambda d: "已退回" in d.find_element(By.CSS_SELECTOR, "#c-table tbody").text)
    ok(True, "returned")
    logout()

    login("li", "chunyan-2016")
    W.until(lambda d: d.find_element(By.ID, "t-status").text == "已退回")
    ok("补写" in css("#t-reason").text, "teacher sees the reason")
    shot("returned")
    css("[data-tab=journal]").click()
    css("#tab-journal li:last-child button").click()
    f = visible("#tab-journal form")
    f.find_element(By.NAME, "text").send_keys("\n下午参加语文组教研活动，讨论了单元作业设计。")
    clear_toast()
    f.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    ok(toast_has("已保存"), "fix saved")
    drv.execute_script("window.confirm = () => true")
    css("#btn-submit").click()
    W.until(lambda d: d.find_element(By.ID, "t-status").text == "已提交")
    ok(True, "resubmitted")
    logout()

    login("clerk", "jiaowu-2016")
    W.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#c-table tbody tr"))
    css("#btn-bundle").click()
    W.until(lambda d: d.find_elements(By.ID, "bundle-zip"))
    ok("已完成" in css("#bundle-state").text, "bundle done with the progress shown")
    W.until(lambda d: "通过" in d.find_element(By.CSS_SELECTOR, "#c-table tbody").text)
    shot("bundle-done")
    css("#bundle-zip").click()
    for _ in range(100):
        if os.path.exists(os.path.join(downloads, "bundle.zip")):
            break
        time.sleep(0.1)
    ok(os.path.getsize(os.path.join(downloads, "bundle.zip")) > 1000 if os.path.exists(os.path.join(downloads, "bundle.zip")) else False,
       "bundle.zip downloaded")
    logout()

    drv.get(URL + "/verify")
    visible("#verify-form")
    import zipfile
    pdf = os.path.join(TMP, "dossier.pdf")
    open(pdf, "wb").write(zipfile.ZipFile(os.path.join(downloads, "bundle.zip")).read("dossiers/%s.pdf" % ID))
    css("#verify-form input").send_keys(pdf)
    css("#verify-form button").click()
    ok(W.until(lambda d: "完好，签名者" in d.find_element(By.ID, "verify-result").text), "verify page: intact, signer named")
    shot("verify")
    logs = drv.get_log("browser")
    errs = [e for e in logs if e.get("level") == "SEVERE" and e.get("source") != "network"]
    if errs:
        print("\n".join(str(e) for e in logs))
    ok(not errs, "no errors in the browser console: %s" % errs[:3])
except Exception as e:
    ok(False, "browser flow stopped: %r" % e)
    try:
        drv.save_screenshot("%s/99-failure.png" % SHOTS)
    except Exception:
        pass
finally:
    drv.quit()
    srv.terminate()
    srv.wait()

T.finish()
