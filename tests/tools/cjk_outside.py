#!/usr/bin/env python3
"""cjk_outside.py OUTPUT DATA... — CJK text in OUTPUT that is not user data.

`--lang en` output may quote what the teacher wrote (a name, a placeholder,
a file name) or what a profile or calendar says (a title, an outcome, a
holiday), but nothing of its own in Chinese. Every maximal run of CJK
characters (Han, CJK punctuation, full-width forms) in OUTPUT must occur in
one of the DATA files or folders (their text and their file names). Prints
each line with a run that does not, and exits 1 when there is one."""
import os
import re
import sys

CJK = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
                 r"\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]+")


def corpus(paths):
    texts = []
    for p in paths:
        if os.path.isdir(p):
            for root, _dirs, files in os.walk(p):
                for f in files:
                    texts.append(f)
                    texts.append(read(os.path.join(root, f)))
        elif os.path.exists(p):
            texts.append(os.path.basename(p))
            texts.append(read(p))
        else:
            texts.append(p)  # a literal string of user data (e.g. a path)
    return "\n".join(texts)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read(1 << 24).decode("utf-8", "replace")
    except OSError:
        return ""


def main():
    out = read(sys.argv[1])
    data = corpus(sys.argv[2:])
    bad = 0
    for line in out.splitlines():
        for run in CJK.findall(line):
            if run not in data:
                print("CJK outside user data: %r in: %s" % (run, line))
                bad = 1
                break
    sys.exit(bad)


if __name__ == "__main__":
    main()
