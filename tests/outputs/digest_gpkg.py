#!/usr/bin/env python3
"""A GeoPackage's content as one line per layer: its name, feature count and a hash of its
fields, values and geometries (numbers to 10 significant digits, coordinates to 0.1 mm, so
that a hash names a result, not a last bit), the embedded styles included and run metadata
(dates, versions) left out.

usage: digest_gpkg.py OUT.gpkg DIGEST [--write] [--root DIR]
Compares OUT.gpkg's digest with the file DIGEST and names every layer that differs; with
--write, writes DIGEST instead (when a change of results is meant: say so in the commit).
--root DIR: the checkout the inputs were read from; where a text names a file under it
(run_warnings), it counts as <root>, so that the digest is the same in every checkout."""
import hashlib
import os
import re
import sys

from osgeo import ogr

from same_gpkg import content  # the one reader of a GeoPackage's layers, values and geometries

NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")
ROOT = None  # --root


def value_text(v):
    if isinstance(v, str) and ROOT:
        return repr(v.replace(ROOT, "<root>"))
    if isinstance(v, float):
        return format(v, ".10g")
    if isinstance(v, list):
        return "[" + ",".join(value_text(x) for x in v) + "]"
    return repr(v)


def geometry_text(wkb):
    if wkb is None:
        return "-"
    return NUMBER.sub(lambda m: format(float(m.group()), ".4f"), ogr.CreateGeometryFromWkb(wkb).ExportToIsoWkt())


def digest(path):
    order, layers = content(path)
    lines = []
    for name in order:
        fields, rows = layers[name]
        h = hashlib.sha256()
        h.update(repr(fields).encode())
        for values, wkb in rows:
            h.update("|".join(value_text(v) for v in values).encode())
            h.update(geometry_text(wkb).encode())
        lines.append(f"{name}\t{len(rows)}\t{h.hexdigest()[:20]}")
    return lines


def main():
    global ROOT
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    if "--root" in sys.argv:
        ROOT = os.path.abspath(sys.argv[sys.argv.index("--root") + 1]).rstrip("/")
    out, digest_file = sys.argv[1], sys.argv[2]
    now = digest(out)
    if "--write" in sys.argv[3:]:
        with open(digest_file, "w") as f:
            f.write("# layer, features, hash of fields, values and geometries (tests/outputs/digest_gpkg.py)\n")
            f.write("\n".join(now) + "\n")
        print(f"wrote {digest_file}: {len(now)} layers")
        return
    with open(digest_file) as f:
        then = [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]
    if now == then:
        print(f"{out}: {len(now)} layers as {digest_file}")
        return
    was = {line.split("\t")[0]: line for line in then}
    is_ = {line.split("\t")[0]: line for line in now}
    for name in sorted(set(was) | set(is_)):
        if was.get(name) != is_.get(name):
            print(f"  {name}: was {was.get(name, 'absent')!r}, now {is_.get(name, 'absent')!r}")
    if [l.split("\t")[0] for l in now] != [l.split("\t")[0] for l in then]:
        print("  the layer order differs")
    sys.exit(f"FAIL: {out} differs from {digest_file}. If the change of results is meant, write the digest again "
             f"(tests/outputs/digest_gpkg.py {out} {digest_file} --write --root SOURCE_DIR) and say why in the commit")


main()
