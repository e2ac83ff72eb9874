#!/usr/bin/env python3
"""Makes a submission short of one requirement, in place: tests/profiles.sh
copies a sample and applies one or more operations to every XML file of the
copy (placement.xml included), so the shortfall is derived from the sample
at test time, not stored.

  drop:TAG[@K=V]        remove every TAG (only those with attribute K=V)
  strip:TAG/CHILD       remove the CHILD elements of every TAG
  unset:TAG@ATTR        remove attribute ATTR from every TAG
  attr:TAG@ATTR=V       set attribute ATTR of every TAG to V
  text:PARENT/TAG=V     set the text of TAG under PARENT (creating it), in
                        placement.xml and the assessment only
With --batch FILE, each line of FILE is "DIR OP..." (one process for many
copies, as the test makes dozens).
  short:TAG[@K=V]       every paragraph inside matching TAGs becomes "略。"
"""
import glob, os, re, sys
import xml.etree.ElementTree as ET

NS = 'urn:dangan:1'
ET.register_namespace('', NS)
q = lambda t: '{%s}%s' % (NS, t)


def matcher(spec):
    m = re.fullmatch(r'([a-z-]+)(?:@([a-z-]+)=(.*))?', spec)
    tag, k, v = m.groups()
    return lambda e: e.tag == q(tag) and (k is None or e.get(k) == v)


def apply(root, op):
    kind, arg = op.split(':', 1)
    if kind == 'drop':
        hit = matcher(arg)
        for parent in list(root.iter()):
            for c in [c for c in parent if hit(c)]:
                parent.remove(c)
    elif kind == 'strip':
        tag, child = arg.split('/')
        for e in root.iter(q(tag)):
            for c in e.findall(q(child)):
                e.remove(c)
    elif kind == 'unset':
        tag, attr = arg.split('@')
        for e in root.iter(q(tag)):
            e.attrib.pop(attr, None)
    elif kind == 'attr':
        tag, rest = arg.split('@')
        attr, val = rest.split('=', 1)
        for e in root.iter(q(tag)):
            e.set(attr, val)
    elif kind == 'text':
        # <teacher> is also an observation's 执教教师: only the placement's.
        if root.tag not in (q('placement'), q('assessment')):
            return
        path, val = arg.split('=', 1)
        parent, tag = path.split('/')
        for p in root.iter(q(parent)):
            c = p.find(q(tag))
            if c is None:
                c = ET.SubElement(p, q(tag))
            c.text = val
    elif kind == 'short':
        hit = matcher(arg)
        for e in root.iter():
            if hit(e):
                for p in e.iter(q('p')):
                    p.text = '略。'
                    for c in list(p):
                        p.remove(c)
    else:
        sys.exit('unknown operation ' + op)


def shorten(d, ops):
    for path in sorted(glob.glob(os.path.join(d, '*.xml'))):
        tree = ET.parse(path)
        for op in ops:
            apply(tree.getroot(), op)
        tree.write(path, encoding='UTF-8', xml_declaration=True)


def main():
    if sys.argv[1] == '--batch':
        for line in open(sys.argv[2], encoding='utf-8'):
            words = line.split()
            if words:
                shorten(words[0], words[1:])
    else:
        shorten(sys.argv[1], sys.argv[2:])


if __name__ == '__main__':
    main()
