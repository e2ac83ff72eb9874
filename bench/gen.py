#!/usr/bin/env python3
"""Generates a large, realistic submission for `make bench`: the reference
sample's placement and assessment, with journal days, observations, lessons
and reflections written from the sample's own sentences, recombined with a
fixed seed (same output every run). About 39 pages when typeset.

  gen.py OUT_DIR [SCALE]      SCALE 1 ≈ 39 pages; 4 ≈ 160 pages"""
import os, random, re, shutil, sys, datetime
import xml.etree.ElementTree as ET

NS = "urn:dangan:1"
here = os.path.dirname(os.path.abspath(__file__))
sample = os.path.join(here, "..", "samples", "li-chunyan")


def sentences():
    out = []
    for f in os.listdir(sample):
        for el in ET.parse(os.path.join(sample, f)).iter("{%s}p" % NS):
            for s in re.findall(r"[^。！？]+[。！？]", "".join(el.itertext())):
                if len(s) > 8:
                    out.append(s)
    return sorted(set(out))


def para(rng, pool, n):
    return "".join(rng.choice(pool) for _ in range(n))


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;")


def main():
    out = sys.argv[1]
    scale = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    rng = random.Random(20161001)
    pool = sentences()
    if os.path.exists(out):
        shutil.rmtree(out)
    shutil.copytree(sample, out)
    days = []
    d = datetime.date(2016, 9, 12)
    work = {"2016-09-12", "2016-09-13", "2016-09-14", "2016-09-18", "2016-09-19", "2016-09-20",
            "2016-09-21", "2016-09-22", "2016-09-23", "2016-09-26"}
    while d <= datetime.date(2016, 9, 26):
        if d.isoformat() in work:
            days.append(d.isoformat())
        d += datetime.timedelta(days=1)
    per = max(1, int(round(3.7 * scale)))
    with open(os.path.join(out, "journal.xml"), "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<journal xmlns="%s">\n' % NS)
        for i, day in enumerate(days):
            f.write('  <day date="%s">\n' % day)
            if i == 1:
                f.write('    <activity kind="research">%s</activity>\n' % esc(para(rng, pool, 2)))
            if i == 5:
                f.write('    <activity kind="class">%s</activity>\n' % esc(para(rng, pool, 2)))
            for _ in range(per):
                f.write("    <p>%s</p>\n" % esc(para(rng, pool, 4)))
            f.write("  </day>\n")
        f.write("</journal>\n")
    taught = {(l.get("date"), l.get("period"))
              for l in ET.parse(os.path.join(sample, "lessons.xml")).iter("{%s}lesson" % NS)}
    with open(os.path.join(out, "observations.xml"), "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<observations xmlns="%s">\n' % NS)
        n = 0
        for day in days:
            for period in range(1, 3 + int(scale)):
                if (day, str(period)) in taught:
                    continue
                n += 1
                f.write('  <observation date="%s" period="%d">\n    <class>五年级(%d)班</class>\n'
                        '    <subject>语文</subject>\n    <teacher>王建国</teacher>\n    <topic>《课文%d》</topic>\n'
                        % (day, period, period, n))
                f.write("    <notes>%s</notes>\n" % "".join("<p>%s</p>" % esc(para(rng, pool, 4)) for _ in range(per)))
                f.write("    <comment><p>%s</p></comment>\n  </observation>\n" % esc(para(rng, pool, 2)))
        f.write("</observations>\n")
    with open(os.path.join(out, "reflections.xml"), "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<reflections xmlns="%s">\n' % NS)
        kinds = ["teaching", "teaching", "teaching", "research"] + ["summary"] * int(2 * scale)
        for i, k in enumerate(kinds):
            f.write('  <reflection date="%s" kind="%s">\n    <title>反思之%d</title>\n' % (days[min(i + 2, len(days) - 1)], k, i + 1))
            for _ in range(per * 3):
                f.write("    <p>%s</p>\n" % esc(para(rng, pool, 4)))
            f.write("  </reflection>\n")
        f.write("</reflections>\n")


main()
