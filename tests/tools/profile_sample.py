#!/usr/bin/env python3
"""Makes a submission that passes a given profile, from the reference
submission: its period and its ten working days are kept, the teacher's
fields are set to meet every <eligible>, and records are added (cloned
from the sample's own, on free date/period slots) until every <count>,
<ratio> and <length> is met. Per-semester and per-year minima are met in
full (more than the share a short placement owes). A profile without
score bands gets no assessment.xml, as a teacher would send it before the
mentor's assessment (a warning, not an error).

  profile_sample.py PROFILE_XML OUT_DIR ID NAME

Used by tests/bundle.sh to bundle one submission of every shipped profile."""
import copy, math, os, shutil, sys
import xml.etree.ElementTree as ET

NS = "urn:dangan:1"
Q = "{%s}" % NS
ET.register_namespace("", NS)
here = os.path.dirname(os.path.abspath(__file__))
sample = os.path.join(here, "..", "..", "samples", "li-chunyan")
# The sample's working days (2016-09-15..17 is 中秋, 09-18 a make-up day).
DAYS = ["2016-09-12", "2016-09-13", "2016-09-14", "2016-09-18", "2016-09-19",
        "2016-09-20", "2016-09-21", "2016-09-22", "2016-09-23", "2016-09-26"]
WEEKS = 3          # Monday-Sunday weeks the period touches (an upper bound)
HAN = "跟岗研修期间我认真听课评课积极参与教研活动虚心向指导教师学习"


def load(out, name):
    return ET.parse(os.path.join(out, name))


def save(tree, out, name):
    tree.write(os.path.join(out, name), encoding="UTF-8", xml_declaration=True)


class Slots:
    """Free (date, period) pairs: no two observations or lessons share one."""
    def __init__(self, out):
        self.used = set()
        for f, tag in (("observations.xml", "observation"), ("lessons.xml", "lesson")):
            for e in load(out, f).getroot().iter(Q + tag):
                self.used.add((e.get("date"), e.get("period")))

    def take(self):
        for p in range(1, 9):
            for d in DAYS:
                if (d, str(p)) not in self.used:
                    self.used.add((d, str(p)))
                    return d, str(p)
        raise SystemExit("profile_sample: no free period left")


def matches(e, kinds, with_):
    if kinds and e.get("kind") not in kinds:
        return False
    return all(e.find(Q + w) is not None for w in with_)


def ensure_children(e, with_):
    """Adds the child elements `with` names (record, afterthought …) in the
    schema's order: record and afterthought go last, in that order."""
    for w in with_:
        if e.find(Q + w) is None:
            c = ET.SubElement(e, Q + w)
            ET.SubElement(c, Q + "p").text = "本节课的" + w + "：" + HAN
    order = ["record", "afterthought"]
    tail = [c for c in list(e) if c.tag[len(Q):] in order]
    for c in tail:
        e.remove(c)
    for c in sorted(tail, key=lambda c: order.index(c.tag[len(Q):])):
        e.append(c)


def add_records(out, slots, what, kinds, with_, need):
    if what == "day":
        return                                   # the sample has a journal day for every working day
    if what == "activity":
        tree = load(out, "journal.xml")
        have = [a for a in tree.getroot().iter(Q + "activity") if matches(a, kinds, [])]
        days = tree.getroot().findall(Q + "day")
        for i in range(need - len(have)):
            a = ET.Element(Q + "activity", kind=kinds[0] if kinds else "other")
            a.text = HAN
            days[i % len(days)].insert(0, a)
        save(tree, out, "journal.xml")
        return
    f = {"observation": "observations.xml", "lesson": "lessons.xml", "reflection": "reflections.xml"}[what]
    tree = load(out, f)
    root = tree.getroot()
    have = [e for e in root.findall(Q + what) if matches(e, kinds, with_)]
    model = root.findall(Q + what)[0]
    for i in range(need - len(have)):
        e = copy.deepcopy(model)
        if what == "reflection":
            e.set("date", DAYS[i % len(DAYS)])
        else:
            d, p = slots.take()
            e.set("date", d)
            e.set("period", p)
        if kinds:
            e.set("kind", kinds[0])
        ensure_children(e, with_)
        root.append(e)
    save(tree, out, f)


def add_length(out, texts, min_hanzi):
    """Long enough texts: a reflection of the first named kind (or the
    journal), made of HAN repeated."""
    n = math.ceil(min_hanzi / len(HAN)) + 1
    target = texts.split()[0]
    if target == "journal":
        tree = load(out, "journal.xml")
        day = tree.getroot().find(Q + "day")
        for _ in range(n // 20 + 1):
            ET.SubElement(day, Q + "p").text = HAN * 20
        save(tree, out, "journal.xml")
        return
    kind = target.split(".")[1] if "." in target else "summary"
    tree = load(out, "reflections.xml")
    r = ET.SubElement(tree.getroot(), Q + "reflection", date=DAYS[-1], kind=kind)
    ET.SubElement(r, Q + "title").text = "学习笔记与调研报告"
    for _ in range(n // 20 + 1):
        ET.SubElement(r, Q + "p").text = HAN * 20
    save(tree, out, "reflections.xml")


def eligible(teacher, e):
    field, lo, hi, allowed = e.get("field"), e.get("min"), e.get("max"), (e.get("in") or "").split()
    if field == "age":          # at the placement start, 2016-09
        age = int(hi) - 1 if hi else max(int(lo or 30), 30)
        teacher.find(Q + "born").text = "%d-04" % (2016 - age - 1)
    elif field == "teaching-years":
        years = int(hi) - 1 if hi else int(lo or 5) + 1
        teacher.find(Q + "work-start").text = "%d-08" % (2016 - years)
    elif field in ("years-at-school", "weekly-periods"):
        teacher.find(Q + field).text = str(int(lo or 1) + 1 if lo else int(hi))
    elif allowed and teacher.find(Q + field) is not None and teacher.find(Q + field).text not in allowed:
        teacher.find(Q + field).text = allowed[0]


def main():
    prof_file, out, pid, name = sys.argv[1:5]
    prof = ET.parse(prof_file).getroot()
    if os.path.exists(out):
        shutil.rmtree(out)
    shutil.copytree(sample, out)
    tree = load(out, "placement.xml")
    pl = tree.getroot()
    pl.set("id", pid)
    pl.set("profile", prof.get("id"))
    teacher = pl.find(Q + "teacher")
    teacher.find(Q + "name").text = name
    for e in prof.findall(Q + "eligible"):
        eligible(teacher, e)
    save(tree, out, "placement.xml")
    w = prof.find(Q + "window")
    if w is not None and not (w.get("from") <= DAYS[0] and DAYS[-1] <= w.get("to")):
        raise SystemExit("profile_sample: %s's window does not hold the sample's period" % prof.get("id"))
    slots = Slots(out)
    per_mult = {None: 1, "working-day": len(DAYS), "week": WEEKS, "semester": 1, "year": 1}
    for c in prof.findall(Q + "count"):
        need = int(c.get("min")) * per_mult[c.get("per")]
        add_records(out, slots, c.get("what"), (c.get("kind") or "").split(), (c.get("with") or "").split(), need)
    for r in prof.findall(Q + "ratio"):
        field = {"host/class-periods": ("host", "class-periods"), "teacher/weekly-periods": ("teacher", "weekly-periods")}[r.get("of")]
        value = int(pl.find(Q + field[0]).find(Q + field[1]).text)
        add_records(out, slots, r.get("what"), (r.get("kind") or "").split(), [], math.ceil(float(r.get("min")) * value))
    for l in prof.findall(Q + "length"):
        add_length(out, l.get("texts"), int(l.get("min-hanzi")))
    if prof.find(Q + "score") is None:
        os.remove(os.path.join(out, "assessment.xml"))
    else:
        tree = load(out, "assessment.xml")
        tree.getroot().set("placement", pid)
        save(tree, out, "assessment.xml")


main()
