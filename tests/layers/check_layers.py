#!/usr/bin/python3
"""Checks that liqnet's areas keep to the walls of src/CMakeLists.txt.

The table of areas (liq_add_area: SOURCES, OFFERS, API, SEES, USES) is read
from src/CMakeLists.txt and the external libraries' headers from
cmake/LiqnetLayers.cmake, so the build and this check share one declaration.
Checked, each failure named FILE:LINE with the include and the wall:

  - every #include of every file in src/<area>/: its own folder, a header
    OFFERED by an area it SEES, the public API (include/liqnet/) of itself or
    of an area it SEES, or an external library it USES;
  - every public header's includes, against the SEES of the area whose API
    it is, and that every public header belongs to one area's API;
  - that every .c file of src/ is built (named in src/CMakeLists.txt);
  - with --objects LIST (lines "AREA OBJECT", written by the build): every
    call from one area's objects into another's, against the same SEES, so
    a wall cannot be walked around by declaring a function by hand.

Usage: check_layers.py SOURCE_DIR [--objects LIST --nm NM]
"""

import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def strip_comments(text):
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def read_areas(cmakelists):
    """The liq_add_area calls: {area: {keyword: [values]}}, in order."""
    text = strip_comments(open(cmakelists).read())
    areas = {}
    for m in re.finditer(r"liq_add_area\(([^)]*)\)", text):
        words = m.group(1).split()
        name, entry, key = words[0], {}, None
        for w in words[1:]:
            if w in ("TARGET", "SOURCES", "OFFERS", "API", "SEES", "USES"):
                key = w
                entry.setdefault(key, [])
            elif key is None:
                raise SystemExit(f"{cmakelists}: liq_add_area({name}): '{w}' before a keyword")
            else:
                entry[key].append(w)
        areas[name] = entry
    if not areas:
        raise SystemExit(f"{cmakelists}: no liq_add_area calls found")
    return areas


def read_dep_headers(layers_cmake):
    """{header: dependency} from set(LIQ_DEP_<dep>_HEADERS ...)."""
    text = strip_comments(open(layers_cmake).read())
    out = {}
    for m in re.finditer(r"set\(LIQ_DEP_(\w+)_HEADERS([^)]*)\)", text):
        for h in m.group(2).split():
            out[h] = m.group(1)
    if not out:
        raise SystemExit(f"{layers_cmake}: no LIQ_DEP_*_HEADERS found")
    return out


def includes(path):
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m:
                yield lineno, m.group(1), m.group(2)


def main(argv):
    args = argv[1:]
    if not args:
        raise SystemExit(__doc__)
    root = args[0]
    objects = nm = None
    if "--objects" in args:
        objects = args[args.index("--objects") + 1]
    nm = args[args.index("--nm") + 1] if "--nm" in args else "nm"

    cmakelists = os.path.join(root, "src", "CMakeLists.txt")
    areas = read_areas(cmakelists)
    dep_headers = read_dep_headers(os.path.join(root, "cmake", "LiqnetLayers.cmake"))
    sees = {a: set(e.get("SEES", [])) for a, e in areas.items()}
    offers = {a: set(e.get("OFFERS", [])) for a, e in areas.items()}
    uses = {a: set(e.get("USES", [])) for a, e in areas.items()}
    api_owner = {}
    for a, e in areas.items():
        for h in e.get("API", []):
            api_owner[h] = a
    errors = []

    def may_see(area, other):
        return other == area or other in sees[area]

    def check_include(where, area, kind, name, folder):
        if ".." in name.split("/"):
            return f'#include {kind}{name}: no relative paths out of a folder'
        parts = name.split("/")
        if kind == '"' and len(parts) == 1:
            if not os.path.exists(os.path.join(folder, name)):
                return f'#include "{name}": not in {os.path.relpath(folder, root)}/'
            return None
        if kind == '"' and parts[0] == "liqnet" and len(parts) == 2:
            owner = api_owner.get(parts[1])
            if owner is None:
                return f'#include "{name}": in no area\'s API (liq_add_area ... API)'
            if not may_see(area, owner):
                return f'#include "{name}": the API of {owner}, which {area} does not see'
            return None
        if kind == '"' and parts[0] in areas and len(parts) == 2:
            other = parts[0]
            if other == area:
                return None
            if other not in sees[area]:
                return f'#include "{name}": {area} does not see {other}'
            if parts[1] not in offers[other]:
                return f'#include "{name}": private to {other} (not in its OFFERS)'
            return None
        if kind == '"':
            return f'#include "{name}": expected "AREA/FILE.h", "liqnet/FILE.h" or a file of the same folder'
        dep = dep_headers.get(name)
        if dep is not None and dep not in uses[area]:
            if not (dep == "mpi" and "hdf5" in uses[area]):
                return f"#include <{name}>: {area} may not use {dep} (not in its USES)"
        return None

    # Every file of every area's folder.
    src = os.path.join(root, "src")
    built = open(cmakelists).read()
    for area in areas:
        folder = os.path.join(src, area)
        for fname in sorted(os.listdir(folder)):
            if not fname.endswith((".c", ".h")):
                continue
            path = os.path.join(folder, fname)
            rel = os.path.relpath(path, root)
            if fname.endswith(".c") and f"{area}/{fname}" not in built:
                errors.append(f"{rel}: not built (name it in SOURCES of liq_add_area({area}))")
            for lineno, kind, name in includes(path):
                why = check_include(rel, area, kind, name, folder)
                if why:
                    errors.append(f"{rel}:{lineno}: {why}")
    for folder in sorted(os.listdir(src)):
        if os.path.isdir(os.path.join(src, folder)) and folder not in areas:
            errors.append(f"src/{folder}/: a folder that is no area (liq_add_area)")

    # The public headers: each in one area's API, including only what it sees.
    inc = os.path.join(root, "include", "liqnet")
    for fname in sorted(os.listdir(inc)):
        header = fname[:-3] if fname.endswith(".h.in") else fname
        if not header.endswith(".h"):
            continue
        rel = os.path.relpath(os.path.join(inc, fname), root)
        owner = api_owner.get(header)
        if owner is None:
            errors.append(f"{rel}: in no area's API (liq_add_area ... API)")
            continue
        for lineno, kind, name in includes(os.path.join(inc, fname)):
            why = check_include(rel, owner, kind, name, inc)
            if why:
                errors.append(f"{rel}:{lineno}: (API of {owner}) {why}")

    # Calls between areas, from the objects.
    if objects:
        defined, wanted, area_of = {}, [], {}
        for line in open(objects):
            if line.strip():
                area, obj = line.split(None, 1)
                area_of[obj.strip()] = area
        # One nm for all: lines "OBJECT: [VALUE] TYPE SYMBOL".
        out = subprocess.run([nm, "-g", "-A"] + sorted(area_of), capture_output=True, text=True,
                             check=True).stdout
        for sym in out.splitlines():
            cut = sym.find(".o:") + 2
            obj, rest = sym[:cut], sym[cut + 1:]
            area, p = area_of.get(obj), rest.split()
            if area is None:
                continue
            if len(p) == 3 and p[1] in "TDBRCVW":
                defined[p[2]] = area
            elif len(p) == 2 and p[0] == "U":
                wanted.append((area, obj, p[1]))
        if not defined:
            errors.append(f"{objects}: no symbols found in the objects")
        for area, obj, sym in wanted:
            other = defined.get(sym)
            if other is not None and not may_see(area, other):
                errors.append(f"{os.path.basename(obj)} ({area}) calls {sym} of {other}, "
                              f"which {area} does not see")

    for e in errors:
        print(e)
    if errors:
        print(f"check_layers: {len(errors)} crossings of the walls of src/CMakeLists.txt")
        return 1
    n = sum(len(e.get("SOURCES", [])) for e in areas.values())
    print(f"check_layers: {len(areas)} areas, {n} sources: every include"
          f"{' and every call' if objects else ''} keeps to the walls")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
