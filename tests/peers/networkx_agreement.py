#!/usr/bin/python3
"""Independent router check: NetworkX re-routes the Rutland sample job on the same network.

Runs `accessatlas network --export` (our edges with a cost per mode) and `accessatlas run`,
then rebuilds each mode's graph in NetworkX, splits edges at every origin's and facility's
snap point, adds the walking connectors, and runs NetworkX's multi_source_dijkstra from the
GP surgeries. Every origin's time must agree with ours within 1% (and 1 s).
Usage: networkx_agreement.py ACCESSATLAS JOB_TOML WORK_DIR
"""
import os
import subprocess
import sys
from collections import defaultdict

import networkx as nx
from osgeo import ogr

WALK_CONNECTOR_MS = 4.8 / 3.6


def layer_rows(path, name):
    ds = ogr.Open(path)
    layer = ds.GetLayerByName(name)
    rows = [f.items() for f in layer]
    return rows


def main(tool, job, work):
    os.makedirs(work, exist_ok=True)
    edges_path = os.path.join(work, "edges.gpkg")
    run_path = os.path.join(work, "run.gpkg")
    network = os.path.join(os.path.dirname(job), "osm", "rutland-2018-02-27.osm.pbf")
    subprocess.run([tool, "-q", "network", network, "--modes", "walk,drive", "--export", edges_path], check=True)
    subprocess.run([tool, "-q", "run", job, "--out", run_path], check=True)
    edges = {r["edge_id"]: r for r in layer_rows(edges_path, "network_edges")}
    origins = layer_rows(run_path, "origins_nearest")
    facilities = [r for r in layer_rows(run_path, "facilities") if r["service"] == "gp"]

    worst = 0.0
    checked = 0
    for mode in ("walk", "drive"):
        # Points on each edge: (offset, node name, connector seconds).
        on_edge = defaultdict(list)
        for i, o in enumerate(origins):
            if o[f"snap_{mode}_edge"] is not None:
                on_edge[o[f"snap_{mode}_edge"]].append((o[f"snap_{mode}_offset_m"], ("o", i), o[f"snap_{mode}_m"] / WALK_CONNECTOR_MS))
        sources = []
        for j, f in enumerate(facilities):
            if f[f"snap_{mode}_edge"] is not None:
                on_edge[f[f"snap_{mode}_edge"]].append((f[f"snap_{mode}_offset_m"], ("f", j), f[f"snap_{mode}_m"] / WALK_CONNECTOR_MS))
                sources.append(("f", j))
        g = nx.DiGraph()

        def link(a, b, cost):
            if cost is None:
                return
            if not g.has_edge(a, b) or g[a][b]["w"] > cost:
                g.add_edge(a, b, w=cost)

        for eid, e in edges.items():
            fwd, bwd = e[f"{mode}_cost_s"], e[f"{mode}_reverse_cost_s"]
            if fwd is None and bwd is None:
                continue
            length = e["length_m"]
            chain = [(0.0, ("n", e["source"]))]
            for off, name, conn in sorted(on_edge.get(eid, [])):
                point = ("p", name)
                chain.append((off, point))
                # origin -> its snap point; snap point -> facility (connectors walk)
                if name[0] == "o":
                    link(name, point, conn)
                else:
                    link(point, name, conn)
            chain.append((length, ("n", e["target"])))
            for (o1, a), (o2, b) in zip(chain, chain[1:]):
                share = (o2 - o1) / length
                link(a, b, None if fwd is None else fwd * share)
                link(b, a, None if bwd is None else bwd * share)
        # Time from every node to the nearest facility: search the reversed graph.
        dist = nx.multi_source_dijkstra_path_length(g.reverse(copy=False), sources, weight="w")
        for i, o in enumerate(origins):
            ours = o[f"gp_{mode}_time_min"]
            theirs = dist.get(("o", i))
            if ours is None or theirs is None:
                if (ours is None) != (theirs is None):
                    print(f"{mode} origin {i}: ours {ours}, networkx {theirs}")
                    return 1
                continue
            ours_s = ours * 60.0
            diff = abs(ours_s - theirs)
            if diff > max(1.0, 0.01 * theirs):
                print(f"{mode} origin {i}: ours {ours_s:.2f} s, networkx {theirs:.2f} s")
                return 1
            worst = max(worst, diff / max(theirs, 1e-9))
            checked += 1
    print(f"{checked} origin times agree with NetworkX; largest relative difference {worst:.2e}")
    return 0 if checked > 1000 else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
