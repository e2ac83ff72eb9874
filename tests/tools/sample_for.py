#!/usr/bin/env python3
"""sample_for.py PROFILE_ID OUT_DIR NEW_ID HOST_SCHOOL — copies the shipped
sample of a profile (samples/*/placement.xml with profile="PROFILE_ID")
to OUT_DIR, under placement id NEW_ID and with HOST_SCHOOL as its base
school, so that one SCHOOL.xml can bundle a submission of every profile.
Exit 1 when no sample has that profile."""
import glob, os, re, shutil, sys

profile, out, new_id, host = sys.argv[1:5]
for p in sorted(glob.glob("samples/*/placement.xml")):
    text = open(p, encoding="utf-8").read()
    if 'profile="%s"' % profile not in text:
        continue
    old_id = re.search(r'<placement[^>]*\sid="([^"]+)"', text).group(1)
    shutil.copytree(os.path.dirname(p), out)
    for f in glob.glob(os.path.join(out, "*.xml")):
        t = open(f, encoding="utf-8").read().replace('"%s"' % old_id, '"%s"' % new_id)
        if f.endswith("placement.xml"):
            t = re.sub(r"(<host>\s*<school>)[^<]*(</school>)", r"\g<1>%s\g<2>" % host, t)
        open(f, "w", encoding="utf-8").write(t)
    sys.exit(0)
sys.exit("no sample for profile " + profile)
