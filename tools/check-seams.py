#!/usr/bin/env python3
"""Checks the seams of docs/architecture.md on a build's object files:

- no circle between the C files of signaling/ and of minutes/: A -> B when
  A's object uses a symbol that B's object defines (nm), and no file may reach
  itself again;
- in minutes/, only the SQLite backend (minutes/src/sqlite/) uses sqlite3_*;
- media/'s forwarding core (media/src/, not media/sources/) uses no GStreamer.

Usage: check-seams.py BUILD_DIR [SOURCE_ROOT]   (exit 1 on any finding)"""
import json
import os
import subprocess
import sys


def objects(build, root):
    """Source path relative to @root -> object file, for every C file built."""
    out = {}
    with open(os.path.join(build, 'compile_commands.json'), encoding='utf-8') as f:
        for entry in json.load(f):
            src = os.path.realpath(os.path.join(entry['directory'], entry['file']))
            rel = os.path.relpath(src, root)
            if rel.endswith('.c'):
                out[rel] = os.path.join(entry['directory'], entry['output'])
    return out


def symbols(obj):
    """(defined, used) global symbols of one object file."""
    defined, used = set(), set()
    lines = subprocess.run(['nm', obj], capture_output=True, text=True, check=True).stdout
    for line in lines.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'TDBRG':
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == 'U':
            used.add(parts[1])
    return defined, used


def circles(files, syms):
    """Strongly connected components of more than one file."""
    owner = {s: f for f in files for s in syms[f][0]}
    edges = {f: sorted({owner[s] for s in syms[f][1] if s in owner and owner[s] != f}) for f in files}
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        # Iterative Tarjan: (node, next edge position) frames.
        work = [(v, 0)]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        while work:
            node, i = work[-1]
            if i < len(edges[node]):
                work[-1] = (node, i + 1)
                w = edges[node][i]
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, 0))
                elif w in on_stack:
                    low[node] = min(low[node], index[w])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))

    for f in sorted(files):
        if f not in index:
            visit(f)
    return found


def main():
    build = sys.argv[1]
    root = os.path.realpath(sys.argv[2] if len(sys.argv) > 2 else os.getcwd())
    objs = objects(build, root)
    syms = {src: symbols(obj) for src, obj in objs.items() if os.path.exists(obj)}
    problems = []

    for folder in ('signaling/', 'minutes/'):
        files = [f for f in syms if f.startswith(folder)]
        if not files:
            problems.append(f'{folder}: no object files found in {build}')
        for comp in circles(files, syms):
            problems.append(f'circle in {folder}: ' + ', '.join(comp))

    for f, (_, used) in sorted(syms.items()):
        if f.startswith('minutes/') and not f.startswith('minutes/src/sqlite/'):
            sql = sorted(s for s in used if s.startswith('sqlite3_'))
            if sql:
                problems.append(f'{f} uses SQLite outside the backend folder: {", ".join(sql[:5])}')
        if f.startswith('media/src/'):
            gst = sorted(s for s in used if s.startswith(('gst_', '_gst_')))
            if gst:
                problems.append(f'{f} in the forwarding core uses GStreamer: {", ".join(gst[:5])}')

    for p in problems:
        print(p)
    print(f'{len(syms)} object files checked, {len(problems)} findings')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
