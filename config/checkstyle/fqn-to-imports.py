#!/usr/bin/env python3
"""Rewrites inline fully-qualified names (java.util.List, io.hotpath.wire.MetricKind, ...) in Java sources into
imports, the fix for Checkstyle's "Inline fully-qualified name: import it." Comments and string literals
are left alone, and so is a name whose simple form would clash (another import, a type declared in the file
or in its package, a java.lang type).

    python3 config/checkstyle/fqn-to-imports.py [FILE_OR_DIR ...]   (default: every module's src/)
"""
import os
import re
import sys

PACKAGES = r'(?:util|io|nio|net|time|lang|text|math)'
FQN = re.compile(r'(?<![\w.])((?:java\.' + PACKAGES + r'|io\.hotpath)(?:\.[a-z]\w*)*)\.([A-Z]\w*)')
JAVA_LANG = set('''Appendable AutoCloseable Boolean Byte Character CharSequence Class ClassLoader ClassValue Cloneable
Comparable Compiler Deprecated Double Enum Error Exception Float FunctionalInterface InheritableThreadLocal Integer
Iterable Long Math Module ModuleLayer Number Object Override Package Process ProcessBuilder ProcessHandle Readable
Record Runnable Runtime RuntimeException SafeVarargs SecurityManager Short StackWalker StrictMath String StringBuffer
StringBuilder SuppressWarnings System Thread ThreadGroup ThreadLocal Throwable Void'''.split())


def code_mask(text):
    """True for each character that is code (not inside a comment, string, char or text block)."""
    mask = [True] * len(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
        elif text.startswith('"""', i):
            j = text.find('"""', i + 3)
            j = n if j < 0 else j + 3
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            j += 1
        else:
            i += 1
            continue
        for k in range(i, min(j, n)):
            mask[k] = False
        i = j
    return mask


def fix(path):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    imports = dict()
    for m in re.finditer(r'^import\s+([\w.]+)\.(\w+)\s*;', text, re.M):
        imports.setdefault(m.group(2), m.group(1) + '.' + m.group(2))
    declared = set(re.findall(r'\b(?:class|interface|enum|record)\s+([A-Z]\w*)', text))
    siblings = {f[:-5] for f in os.listdir(os.path.dirname(path) or '.') if f.endswith('.java')}
    mask = code_mask(text)
    chosen, add, out, last = {}, set(), [], 0
    for m in FQN.finditer(text):
        line_start = text.rfind('\n', 0, m.start()) + 1
        if not mask[m.start()] or re.match(r'\s*(import|package)\b', text[line_start:m.start() + 1]):
            continue
        pkg, name = m.group(1), m.group(2)
        fqn = pkg + '.' + name
        if chosen.get(name, fqn) != fqn:
            continue
        if pkg != 'java.lang':
            if imports.get(name, fqn) != fqn or name in declared or name in siblings or name in JAVA_LANG:
                continue
            if name not in imports:
                add.add(fqn)
        elif name in declared or name in siblings:
            continue
        chosen[name] = fqn
        out.append(text[last:m.start()])
        out.append(name)
        last = m.end()
    if not chosen:
        return False
    out.append(text[last:])
    text = ''.join(out)
    if add:
        lines = text.split('\n')
        at = max((i for i, l in enumerate(lines) if re.match(r'import\s', l)), default=None)
        new = ['import %s;' % a for a in sorted(add)]
        if at is None:
            at = next(i for i, l in enumerate(lines) if l.startswith('package '))
            new = [''] + new
        lines[at + 1:at + 1] = new
        text = '\n'.join(lines)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return True


def main(args):
    roots = args or [d for d in sorted(os.listdir('.')) if os.path.isdir(os.path.join(d, 'src'))]
    changed = 0
    for root in roots:
        files = [root] if root.endswith('.java') else [
            os.path.join(d, f) for d, _, fs in os.walk(root) if '/target' not in d for f in fs if f.endswith('.java')]
        for path in files:
            if fix(path):
                changed += 1
                print('fixed', path)
    print(changed, 'files changed')


if __name__ == '__main__':
    main(sys.argv[1:])
