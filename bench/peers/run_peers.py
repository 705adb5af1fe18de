#!/usr/bin/python3
"""Access Atlas against its peers, side by side, on the same network, origins and facilities.

Workload 1 (the issue's first): the nearest GP on foot for every origin in Rutland: the 23
LSOA population-weighted centroids plus 2,000 random nodes of the walking network (fixed
seed), with the GP sites within 500 m of the network. Every point is placed on a node of the
walking graph, so that no tool's snapping rule changes the answer.

Tools, each through its fastest sensible path, timed as median of N runs:
  ours      `accessatlas nearest_service` end to end (process start to GeoPackage written)
  networkx  multi_source_dijkstra from every GP node (routing only; graph build reported apart)
  qgis      QGIS native `native:shortestpathlayertopoint` through qgis_process, one run per GP
            (each run: process start, layer read, graph build, one full search), minimum taken
  pgrouting reported "not run" unless PostgreSQL with pgRouting is installed (see docs)
Answers are compared origin by origin with ours (equal within 1 s, or 0.1% for QGIS, which
measures on the ellipsoid).

usage: run_peers.py ACCESSATLAS WORK_DIR [--runs 5] [--skip-qgis]
Writes WORK_DIR/peers.md (the table) and WORK_DIR/peers.json."""
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict

import networkx as nx
from osgeo import ogr, osr

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "data", "rutland"))
QGIS_PROCESS = "/usr/bin/qgis_process.bin"
THREADS_NOTE = (f"Threads: ours all {os.cpu_count()} cores where the work is large enough (the nearest search splits graphs of "
                "50,000 nodes and more; bounded searches run in parallel per facility); NetworkX, pgRouting (one backend per "
                "query) and QGIS's network algorithms one each.")
SEED = 20180227


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def timed(fn, runs):
    times = []
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def bng():
    s = osr.SpatialReference()
    s.ImportFromEPSG(27700)
    return s


def write_points(path, points, fields):
    """points: list of (x, y, {field: value})"""
    if os.path.exists(path):
        os.remove(path)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    layer = ds.CreateLayer("points", bng(), ogr.wkbPoint)
    for name, kind in fields:
        layer.CreateField(ogr.FieldDefn(name, kind))
    for x, y, attrs in points:
        f = ogr.Feature(layer.GetLayerDefn())
        for k, v in attrs.items():
            f.SetField(k, v)
        g = ogr.Geometry(ogr.wkbPoint)
        g.AddPoint_2D(x, y)
        f.SetGeometry(g)
        layer.CreateFeature(f)
    ds = None


def qgis_env(work):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=os.path.join(work, "qgis_home"),
               XDG_DATA_HOME=os.path.join(work, "qgis_home", ".local", "share"))
    os.makedirs(env["HOME"], exist_ok=True)
    return env


def empty_project(work, env):
    """QGIS 3.22 refuses network algorithms without a project: an empty one in EPSG:27700
    with no ellipsoid (planar lengths, as ours)."""
    project = os.path.join(work, "empty.qgs")
    subprocess.run(["/usr/bin/python3", "-c",
                    "import sys\nfrom qgis.core import QgsApplication, QgsProject, QgsCoordinateReferenceSystem\n"
                    "app = QgsApplication([], False); app.initQgis()\n"
                    "p = QgsProject.instance(); p.setCrs(QgsCoordinateReferenceSystem('EPSG:27700'))\n"
                    "p.setEllipsoid('NONE'); p.write(sys.argv[1]); app.exitQgis()", project], check=True, env=env,
                   capture_output=True)
    return project


def qgis_nearest_cmd(project, net_path, starts_path, x, y, out_path):
    """QGIS's shortest path from every start point to one facility, on foot (speed field, fastest)."""
    return [QGIS_PROCESS, "run", "native:shortestpathlayertopoint", f"--PROJECT_PATH={project}", "--", f"INPUT={net_path}",
            "STRATEGY=1", "DIRECTION_FIELD=dir", "VALUE_FORWARD=F", "VALUE_BACKWARD=R", "VALUE_BOTH=B", "DEFAULT_DIRECTION=2",
            "SPEED_FIELD=speed_kmh", "DEFAULT_SPEED=4.8", "TOLERANCE=0", f"START_POINTS={starts_path}",
            f"END_POINT={x},{y} [EPSG:27700]", f"OUTPUT={out_path}"]


def qgis_one_start_seconds(work, project, env, net_path, start_xy, end_xy, timeout=None):
    """The split of QGIS's time: one run with a single start point costs the process start, the
    reading of the network and the graph build, and almost no routing."""
    one = os.path.join(work, "qgis_one_start.gpkg")
    write_points(one, [(start_xy[0], start_xy[1], {"oid": 0})], [("oid", ogr.OFTInteger)])
    out = os.path.join(work, "qgis_one_start_out.gpkg")
    if os.path.exists(out):
        os.remove(out)
    sec, _, _ = run_measured(qgis_nearest_cmd(project, net_path, one, end_xy[0], end_xy[1], out), env=env, timeout=timeout)
    return sec


def write_qgis_network(path, walk_edges):
    """The walking edges with a speed (km/h) and a direction code, as QGIS's network tools want."""
    if os.path.exists(path):
        os.remove(path)
    nds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    nl = nds.CreateLayer("walk", bng(), ogr.wkbLineString)
    nl.CreateField(ogr.FieldDefn("speed_kmh", ogr.OFTReal))
    nl.CreateField(ogr.FieldDefn("dir", ogr.OFTString))
    nds.StartTransaction()
    for fid, fw, bw, length, wkt in walk_edges:
        f = ogr.Feature(nl.GetLayerDefn())
        cost = fw if fw is not None else bw
        f.SetField("speed_kmh", length / cost * 3.6 if cost and cost > 0 else 4.8)
        f.SetField("dir", "B" if fw is not None and bw is not None else ("F" if fw is not None else "R"))
        f.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        nl.CreateFeature(f)
    nds.CommitTransaction()


def load_walk_graph(edges_path, keep_edges=True):
    """The walking graph every peer is given, from `accessatlas network --export`: a NetworkX
    DiGraph (cost in seconds, the cheaper of parallel arcs), node coordinates, and the usable
    edges (fid, cost, reverse cost, length, WKT) for QGIS when `keep_edges`."""
    graph = nx.DiGraph()
    node_xy = {}
    walk_edges = []
    ds = ogr.Open(edges_path)
    for f in ds.GetLayerByName("network_edges"):
        fw, bw = f["walk_cost_s"], f["walk_reverse_cost_s"]
        if fw is None and bw is None:
            continue
        g = f.GetGeometryRef()
        line = g.GetGeometryRef(0) if g.GetGeometryCount() else g
        a, b = f["source"], f["target"]
        node_xy[a] = line.GetPoint_2D(0)
        node_xy[b] = line.GetPoint_2D(line.GetPointCount() - 1)
        for u, v, c in ((a, b, fw), (b, a, bw)):
            if c is not None and c >= 0 and (not graph.has_edge(u, v) or graph[u][v]["w"] > c):
                graph.add_edge(u, v, w=c)
        if keep_edges:
            walk_edges.append((f.GetFID(), fw, bw, f["length_m"], line.ExportToWkt()))
    return graph, node_xy, walk_edges


def workload2(tool, work, graph, node_xy, origin_nodes, facilities, origins_path, gps_path, runs, pg_bin, walk_edges, skip_qgis):
    """Every GP's walking catchment at 10/20/30 minutes (800/1,600/2,400 m at 4.8 km/h): the
    (GP, origin) pairs within 30 minutes with their times. Ours: one bounded search per GP
    (catchments with members, no polygons); NetworkX: single_source_dijkstra with a cutoff per
    GP; pgRouting: pgr_drivingDistance from every GP (equicost off)."""
    limit = 1800.0
    job = os.path.join(work, "catchments.toml")
    with open(job, "w") as f:
        f.write(f"""[job]\noutput = "{os.path.join(work, 'ours_catchments.gpkg')}"\n
[network]\npath = "{os.path.join(DATA, 'osm/rutland-2018-02-27.osm.pbf')}"\n
[areas]\npath = "{os.path.join(DATA, 'boundaries/lsoa11.geojson')}"\ncode_field = "lsoa11_code"\n
[origins]\nmethod = "points"\npath = "{origins_path}"\npopulation_field = "pop"\n
[[services]]\nname = "gp"\npath = "{gps_path}"\nid_field = "gp_id"\n
[analysis]\nmodes = ["walk"]\nthresholds_min = [30]\ncount_within_thresholds = false\n
[catchments]\nthresholds_min = [10, 20, 30]\npolygons = false\nmembers = true\n""")
    import re
    route = []

    def ours_once():
        err = sh([tool, "run", job]).stderr
        route.append(float(re.search(r"route ([0-9.]+)s", err).group(1)))
    ours_s, _ = timed(ours_once, runs)
    ours_route = statistics.median(route)
    ds = ogr.Open(os.path.join(work, "ours_catchments.gpkg"))
    where = {}
    for f in ds.GetLayerByName("origins_nearest"):
        g = f.GetGeometryRef()
        where[f["origin_id"]] = (round(g.GetX(), 2), round(g.GetY(), 2))
    node_at = {(round(node_xy[n][0], 2), round(node_xy[n][1], 2)): n for n in origin_nodes}
    gp_node = {str(gid): n for n, gid in facilities}
    ours = {}
    for f in ds.GetLayerByName("gp_walk_catchment_members"):
        ours[(gp_node[f["facility_id"]], node_at[where[f["origin_id"]]])] = f["time_min"] * 60
    ds = None
    targets = set(node_at[w] for w in where.values())

    def compare(pairs):
        a, b = set(ours), set(k for k, v in pairs.items() if v <= limit and k[1] in targets)
        worst = max((abs(ours[k] - pairs[k]) for k in a & b), default=0.0)
        # pairs at the limit may fall either side by rounding: a difference of 1 s is allowed
        edge = [k for k in a ^ b if abs((ours[k] if k in ours else pairs[k]) - limit) > 1.0]
        return {"pairs": len(a), "peer_pairs": len(b), "worst_s": worst, "agree": not edge and worst <= 1.0, "differ": len(edge)}

    rev = graph.reverse(copy=False)

    def nx_all():
        pairs = {}
        for n, _ in facilities:
            for v, t in nx.single_source_dijkstra_path_length(rev, n, cutoff=limit, weight="w").items():
                pairs[(n, v)] = t
        return pairs
    nx_s, nx_pairs = timed(nx_all, runs)
    rows = [("ours, end to end", ours_s, "", "process start to GeoPackage written (no polygons)"),
            ("ours, routing", ours_route, "", "one bounded search per GP, 30 min"),
            ("networkx", nx_s, compare(nx_pairs), "single_source_dijkstra with cutoff per GP (routing only)")]
    pg = None
    if os.path.exists(os.path.join(pg_bin, "initdb")) and os.path.exists("/usr/share/postgresql/15/extension/pgrouting.control"):
        sources = ",".join(str(n) for n, _ in facilities)
        q = ("SELECT from_v, node, agg_cost FROM pgr_drivingDistance("  # pgRouting 3.4 calls the start from_v
             "'SELECT edge_id AS id, source, target, coalesce(walk_cost_s, -1) AS cost, coalesce(walk_reverse_cost_s, -1) AS reverse_cost "
             "FROM edges WHERE walk_cost_s IS NOT NULL OR walk_reverse_cost_s IS NOT NULL', "
             f"ARRAY[{sources}]::bigint[], {limit}, directed := true, equicost := false)")
        pg = run_pgrouting(pg_bin, work, os.path.join(work, "edges.gpkg"), origin_nodes, [n for n, _ in facilities], runs, None, query=q)
        # pgr_drivingDistance runs from the start along the arcs: reverse arcs are what a
        # walk to the GP uses, and walking costs are equal both ways here.
        rows.append(("pgrouting", pg[0], compare({(int(s_), int(v)): c for s_, v, c in pg[1]}), "pgr_drivingDistance from every GP (server-side query time)"))
    if not skip_qgis:
        env = qgis_env(work)
        project = empty_project(work, env)
        net_path = os.path.join(work, "qgis_walk_network.gpkg")
        write_qgis_network(net_path, walk_edges)
        by_xy = {(round(node_xy[n][0], 2), round(node_xy[n][1], 2)): n for n in node_xy}

        def qgis_areas():
            reached = {}
            for metres in (800, 1600, 2400):  # one run per distance, as an officer would
                out_nodes = os.path.join(work, f"qgis_sa_{metres}.gpkg")
                for q in (out_nodes, out_nodes.replace("_sa_", "_sa_lines_")):
                    if os.path.exists(q):
                        os.remove(q)
                sh([QGIS_PROCESS, "run", "native:serviceareafromlayer", f"--PROJECT_PATH={project}", "--", f"INPUT={net_path}",
                    "STRATEGY=0", "DEFAULT_DIRECTION=2", "TOLERANCE=0", f"START_POINTS={gps_path}", f"TRAVEL_COST2={metres}",
                    "INCLUDE_BOUNDS=false", f"OUTPUT={out_nodes}", f"OUTPUT_LINES={out_nodes.replace('_sa_', '_sa_lines_')}"], env=env)
                if metres == 2400:
                    ds_q = ogr.Open(out_nodes)
                    for f in ds_q.GetLayer(0):
                        g = f.GetGeometryRef()
                        for i in range(g.GetGeometryCount()):
                            pt = g.GetGeometryRef(i)
                            n = by_xy.get((round(pt.GetX(), 2), round(pt.GetY(), 2)))
                            if n is not None:
                                reached[(gp_node[str(f["gp_id"])], n)] = nx_pairs.get((gp_node[str(f["gp_id"])], n), limit)
                    ds_q = None
            return reached
        q_s, q_pairs = timed(qgis_areas, max(1, min(runs, 3)))
        rows.append(("qgis", q_s, compare(q_pairs), "end to end: 3 qgis_process runs of native:serviceareafromlayer (800/1,600/2,400 m)"))
    out = ["### Workload 2: walking catchments of every GP at 10/20/30 min (800/1,600/2,400 m)", "",
           "| tool | time (s) | ours faster by (like for like) | agrees | what is timed |", "|---|---|---|---|---|"]
    for name, sec, agree, what in rows:
        base = ours_route if "routing only" in what or "query" in what else ours_s
        ratio = "" if name.startswith("ours") else f"{sec / base:,.1f}×"
        a = "" if not agree else ("yes" if agree["agree"] else "NO") + f" ({agree['peer_pairs']} pairs vs our {agree['pairs']}, {agree['differ']} differ, worst {agree['worst_s']:.2f} s)"
        out.append(f"| {name} | {sec:.4f} | {ratio} | {a} | {what} |")
    return "\n".join(out)

def workload3(tool, work, graph, node_xy, origin_nodes, facilities, runs, pg_bin):
    """E2SFCA (Luo & Qi 2009 bands: 1.00 / 0.68 / 0.22 within 10 / 20 / 30 min on foot) for
    every origin, with populations and supplies that differ (fixed rules, so anyone gets the
    same numbers). Compared: each GP's supply-to-demand ratio (step 1) and each LSOA's
    population-weighted accessibility (step 2). QGIS has no E2SFCA: officers build it from an
    OD matrix and field calculations, so it is not timed here."""
    limit = 1800.0
    bands = [(600.0, 1.0), (1200.0, 0.68), (1800.0, 0.22)]
    pop = {i: 1.0 + (i % 7) for i in range(len(origin_nodes))}
    supply = {str(gid): 1.0 + (k % 4) for k, (_, gid) in enumerate(facilities)}
    origins_path = os.path.join(work, "origins_e2sfca.gpkg")
    write_points(origins_path, [(node_xy[n][0], node_xy[n][1], {"oid": i, "pop": pop[i]}) for i, n in enumerate(origin_nodes)],
                 [("oid", ogr.OFTInteger), ("pop", ogr.OFTReal)])
    gps_path = os.path.join(work, "gps_e2sfca.gpkg")
    write_points(gps_path, [(node_xy[n][0], node_xy[n][1], {"gp_id": str(gid), "supply": supply[str(gid)]}) for n, gid in facilities],
                 [("gp_id", ogr.OFTString), ("supply", ogr.OFTReal)])
    out = os.path.join(work, "ours_e2sfca.gpkg")
    cmd = [tool, "e2sfca", "--network", os.path.join(DATA, "osm/rutland-2018-02-27.osm.pbf"),
           "--areas", os.path.join(DATA, "boundaries/lsoa11.geojson"), "--area_code_field", "lsoa11_code",
           "--origin_method", "points", "--origins", origins_path, "--origin_population_field", "pop",
           "--facilities", gps_path, "--facility_id_field", "gp_id", "--supply_field", "supply", "--service_name", "gp",
           "--modes", "walk", "--thresholds_min", "30", "--count_within_thresholds", "false", "--decay", "bands",
           "--output", out]
    import re
    route = []

    def ours_once():
        err = sh(cmd).stderr
        route.append(float(re.search(r"route ([0-9.]+)s", err).group(1)))
    ours_s, _ = timed(ours_once, runs)
    ours_route = statistics.median(route)
    ds = ogr.Open(out)
    ours_ratio = {f["facility_id"]: f["ratio_per_1000"] / 1000.0 for f in ds.GetLayerByName("gp_walk_supply")}
    ours_area = {f["lsoa_code"]: f["gp_walk_e2sfca_per_1000"] for f in ds.GetLayerByName("lsoa_access")}
    area_of = {}
    for f in ds.GetLayerByName("origins_nearest"):
        g = f.GetGeometryRef()
        area_of[(round(g.GetX(), 2), round(g.GetY(), 2))] = f["lsoa_code"]
    ds = None
    origin_area = [area_of.get((round(node_xy[n][0], 2), round(node_xy[n][1], 2))) for n in origin_nodes]
    # Origins outside every LSOA are left out by us (nobody lives there in the model): the
    # peers get the same origins.
    inside = [o for o, a in enumerate(origin_area) if a is not None]

    def weight(t):
        for upper, w in bands:
            if t <= upper:
                return w
        return 0.0

    def per_area(acc):
        """Population-weighted accessibility per LSOA, per 1,000 people, from per-origin values."""
        s, p = defaultdict(float), defaultdict(float)
        for o, a in enumerate(origin_area):
            if a is not None:
                s[a] += pop[o] * acc[o]
                p[a] += pop[o]
        return {a: 1000.0 * s[a] / p[a] for a in p}

    def e2sfca_from_pairs(pairs):
        """pairs: (facility node, origin index, seconds). Returns ratio per GP id, value per area."""
        gid_of = {n: str(gid) for n, gid in facilities}
        demand = defaultdict(float)
        for f, o, t in pairs:
            demand[f] += pop[o] * weight(t)
        ratio = {f: supply[gid_of[f]] / d if d > 0 else 0.0 for f, d in demand.items()}
        acc = defaultdict(float)
        for f, o, t in pairs:
            acc[o] += ratio[f] * weight(t)
        return {gid_of[f]: r for f, r in ratio.items()}, per_area(acc)

    def compare(ratio, area):
        worst = 0.0
        for gid, r in ours_ratio.items():
            worst = max(worst, abs(r - ratio.get(gid, 0.0)) / max(abs(r), 1e-12))
        for a, v in ours_area.items():
            if v is not None and a in area:
                worst = max(worst, abs(v - area[a]) / max(abs(v), 1e-12))
        return {"facilities": len(ours_ratio), "areas": len(ours_area), "worst_rel": worst, "agree": worst <= 1e-6}

    rev = graph.reverse(copy=False)
    at_node = defaultdict(list)
    for i in inside:
        at_node[origin_nodes[i]].append(i)

    def nx_all():
        pairs = []
        for n, _ in facilities:
            for v, t in nx.single_source_dijkstra_path_length(rev, n, cutoff=limit, weight="w").items():
                for o in at_node.get(v, ()):
                    pairs.append((n, o, t))
        return e2sfca_from_pairs(pairs)
    nx_s, (nx_ratio, nx_area) = timed(nx_all, runs)
    rows = [("ours, end to end", ours_s, "", "process start to GeoPackage written"),
            ("ours, routing", ours_route, "", "one bounded search per GP and both E2SFCA steps"),
            ("networkx", nx_s, compare(nx_ratio, nx_area), "single_source_dijkstra with cutoff per GP, E2SFCA in Python (routing only)")]
    if os.path.exists(os.path.join(pg_bin, "initdb")) and os.path.exists("/usr/share/postgresql/15/extension/pgrouting.control"):
        sources = ",".join(str(n) for n, _ in facilities)
        o_values = ",".join(f"({i},{origin_nodes[i]},{pop[i]})" for i in inside)
        f_values = ",".join(f"({n},{supply[str(gid)]})" for n, gid in facilities)
        w = " ".join(f"WHEN dd.agg_cost <= {u} THEN {wt}" for u, wt in bands)
        q = ("WITH o(oid, node, pop) AS (VALUES " + o_values + "), fac(node, supply) AS (VALUES " + f_values + "), "
             "dd AS (SELECT from_v, node, agg_cost FROM pgr_drivingDistance("
             "'SELECT edge_id AS id, source, target, coalesce(walk_cost_s, -1) AS cost, coalesce(walk_reverse_cost_s, -1) AS reverse_cost "
             "FROM edges WHERE walk_cost_s IS NOT NULL OR walk_reverse_cost_s IS NOT NULL', "
             f"ARRAY[{sources}]::bigint[], {limit}, directed := true, equicost := false)), "
             f"p AS (SELECT dd.from_v AS f, o.oid, o.pop, CASE {w} ELSE 0 END AS w FROM dd JOIN o ON o.node = dd.node), "
             "r AS (SELECT p.f, fac.supply / sum(p.pop * p.w) AS ratio FROM p JOIN fac ON fac.node = p.f GROUP BY p.f, fac.supply) "
             "SELECT p.oid, p.f, r.ratio, p.w FROM p JOIN r ON r.f = p.f")
        seconds, rows_pg = run_pgrouting(pg_bin, work, os.path.join(work, "edges.gpkg"), origin_nodes, [n for n, _ in facilities], runs,
                                         None, query=q)
        gid_of = {n: str(gid) for n, gid in facilities}
        ratio = {gid_of[int(f)]: r for _, f, r, _ in rows_pg}
        acc = defaultdict(float)
        for oid, _, r, wt in rows_pg:
            acc[int(oid)] += r * wt
        rows.append(("pgrouting", seconds, compare(ratio, per_area(acc)),
                     "pgr_drivingDistance from every GP and E2SFCA in SQL (server-side query time)"))
    out_md = ["### Workload 3: E2SFCA on foot (bands 10/20/30 min), every GP and origin", "",
              "| tool | time (s) | ours faster by (like for like) | agrees | what is timed |", "|---|---|---|---|---|",
              ]
    for name, sec, agree, what in rows:
        base = ours_route if "routing only" in what or "query" in what else ours_s
        ratio_txt = "" if name.startswith("ours") else f"{sec / base:,.1f}×"
        a = "" if not agree else ("yes" if agree["agree"] else "NO") + (f" ({agree['facilities']} GP ratios, {agree['areas']} LSOAs, "
                                                                         f"worst relative difference {agree['worst_rel']:.1e})")
        out_md.append(f"| {name} | {sec:.4f} | {ratio_txt} | {a} | {what} |")
    out_md.append("| qgis | | | | no E2SFCA in QGIS's Network Analysis: built by hand from an OD matrix (not timed) |")
    return "\n".join(out_md), all(r[2]["agree"] for r in rows if r[2])


def run_measured(cmd, env=None, timeout=None, with_stdout=False):
    """Runs a command under GNU time; returns (seconds, peak resident memory in MB, stderr,
    with the standard output before it if `with_stdout`), or (None, None, "timeout") when it
    does not finish in `timeout` seconds."""
    start = time.perf_counter()
    proc = subprocess.Popen(["/usr/bin/time", "-f", "AAMAXRSS %M"] + cmd, stdout=subprocess.PIPE if with_stdout else subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        err = (out or "") + err
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.communicate()
        return None, None, "timeout"
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {err[-2000:]}")
    peak = [float(l.split()[1]) / 1024.0 for l in err.splitlines() if l.startswith("AAMAXRSS ")]
    return seconds, peak[-1] if peak else None, err


def workload4(tool, bench, work, sizes, runs, pg_bin, limit_s, skip_qgis):
    """Nearest facility on foot on synthetic networks (bench/synthetic_network.hpp: a jittered
    grid with missing links, B and A roads, motorways, one-way streets), origins = nodes / 10,
    facilities = nodes / 4,000 (20,000 and 50 at 200,000 nodes), all on graph nodes. Each peer
    gets `limit_s` seconds; one that does not finish is reported as "> limit"."""
    out = [f"### Workload 4: synthetic networks, nearest facility on foot (time limit {limit_s:.0f} s per tool)", "",
           "| nodes | origins | facilities | tool | time (s) | ours faster by | agrees | what is timed |",
           "|---|---|---|---|---|---|---|---|"]
    all_agree = True
    figures = {}  # size -> our end-to-end and routing seconds, QGIS's (None: past the limit)
    for size in sizes:
        d = os.path.join(work, f"synthetic_{size}")
        os.makedirs(d, exist_ok=True)
        graph_file = os.path.join(d, "network.aagraph")
        sh([bench, "--nodes", str(size), "--save-synthetic", graph_file])
        edges_path = os.path.join(d, "edges.gpkg")
        if os.path.exists(edges_path):
            os.remove(edges_path)
        sh([tool, "-q", "network", graph_file, "--modes", "walk", "--export", edges_path])
        t0 = time.perf_counter()
        graph, node_xy, walk_edges = load_walk_graph(edges_path, keep_edges=not skip_qgis)
        nx_build = time.perf_counter() - t0
        largest = sorted(max(nx.weakly_connected_components(graph), key=len))
        rng = random.Random(SEED + size)
        n_orig, n_fac = max(1, size // 10), max(1, size // 4000)
        picked = rng.sample(largest, n_orig + n_fac)
        fac_nodes, origin_nodes = picked[:n_fac], picked[n_fac:]
        origins_path = os.path.join(d, "origins.gpkg")
        write_points(origins_path, [(node_xy[n][0], node_xy[n][1], {"oid": i, "pop": 1.0}) for i, n in enumerate(origin_nodes)],
                     [("oid", ogr.OFTInteger), ("pop", ogr.OFTReal)])
        gps_path = os.path.join(d, "facilities.gpkg")
        write_points(gps_path, [(node_xy[n][0], node_xy[n][1], {"gp_id": str(k)}) for k, n in enumerate(fac_nodes)], [("gp_id", ogr.OFTString)])
        xs = [p[0] for p in node_xy.values()]
        ys = [p[1] for p in node_xy.values()]
        x0, y0, x1, y1 = min(xs) - 10, min(ys) - 10, max(xs) + 10, max(ys) + 10
        areas_path = os.path.join(d, "areas.geojson")
        with open(areas_path, "w") as f:
            json.dump({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
                       "features": [{"type": "Feature", "properties": {"code": "E01000001"},
                                     "geometry": {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}}]}, f)
        ours_out = os.path.join(d, "ours.gpkg")
        cmd = [tool, "nearest_service", "--network", graph_file, "--areas", areas_path, "--area_code_field", "code",
               "--origin_method", "points", "--origins", origins_path, "--origin_population_field", "pop",
               "--facilities", gps_path, "--facility_id_field", "gp_id", "--service_name", "gp", "--modes", "walk",
               "--thresholds_min", "15,30", "--count_within_thresholds", "false", "--edge_buffer_m", "0", "--output", ours_out]
        import re
        samples = []
        for _ in range(runs):
            sec, peak, err = run_measured(cmd)
            m = re.search(r"read ([0-9.]+)s, graph ([0-9.]+)s, snap ([0-9.]+)s, route ([0-9.]+)s, write ([0-9.]+)s", err)
            samples.append((sec, peak, *[float(x) for x in m.groups()]))
        med = lambda k: statistics.median(x[k] for x in samples)  # noqa: E731
        ours_s, ours_route = med(0), med(5)
        split = f"read {med(2):.2f} + graph {med(3):.2f} + snap {med(4):.2f} + route {ours_route:.3f} + write {med(6):.2f} s; peak {max(x[1] for x in samples):.0f} MB"
        ds = ogr.Open(ours_out)
        ours = {}
        for f in ds.GetLayerByName("origins_nearest"):
            g = f.GetGeometryRef()
            ours[(round(g.GetX(), 2), round(g.GetY(), 2))] = None if f["gp_walk_time_min"] is None else f["gp_walk_time_min"] * 60
        ds = None
        key_of = {n: (round(node_xy[n][0], 2), round(node_xy[n][1], 2)) for n in origin_nodes}

        def agreement(times):
            compared = bad = 0
            worst = 0.0
            for n in origin_nodes:
                a, b = ours.get(key_of[n]), times.get(n)
                if a is None or b is None or math.isinf(b):
                    continue
                compared += 1
                worst = max(worst, abs(a - b))
                bad += abs(a - b) > 1.0
            return compared > 0 and bad == 0, f"{compared} origins, worst {worst:.2f} s"
        row = lambda tool_, sec, base, agree, what: out.append(  # noqa: E731
            f"| {size:,} | {n_orig:,} | {n_fac} | {tool_} | {sec} | {base} | {agree} | {what} |")
        figures[size] = {"ours_s": ours_s, "ours_route": ours_route, "qgis_s": None, "qgis_ran": False, "limit_s": limit_s}
        row("**ours**, end to end", f"**{ours_s:.3f}**", "", "", split)
        row("**ours**, routing", f"**{ours_route:.4f}**", "", "", "the multi-source search and the area figures")
        # NetworkX, routing only (graph already built), with the limit checked after the fact
        t0 = time.perf_counter()
        nx_times = nx.multi_source_dijkstra_path_length(graph.reverse(copy=False), set(fac_nodes), weight="w")
        nx_s = time.perf_counter() - t0
        ok, txt = agreement(nx_times)
        all_agree &= ok
        row("NetworkX", f"{nx_s:.3f}", f"{nx_s / ours_route:,.0f}× (routing)", ("yes: " if ok else "NO: ") + txt,
            f"`multi_source_dijkstra`, graph already built (building it from the GeoPackage: {nx_build:.1f} s)")
        if os.path.exists(os.path.join(pg_bin, "initdb")) and os.path.exists("/usr/share/postgresql/15/extension/pgrouting.control"):
            def pg_agree(times):
                nonlocal all_agree
                ok_, txt_ = agreement(times)
                all_agree &= ok_
                return {"agree": ok_, "compared": txt_, "worst_s": 0}
            try:
                pg = run_pgrouting(pg_bin, work, edges_path, origin_nodes, fac_nodes, 1, pg_agree, timeout_s=limit_s)
                row("pgRouting", f"{pg['seconds']:.3f}", f"{pg['seconds'] / ours_route:,.0f}× (routing)",
                    ("yes: " if pg["agree"] else "NO: ") + pg["compared"],
                    "`pgr_dijkstraCost` facilities to origins, minimum per origin (server-side); of which reading the edges and "
                    f"building the graph {pg['one_pair_s']:.2f} s (the same query for one pair); loading into PostgreSQL before: {pg['load_s']:.1f} s")
            except subprocess.TimeoutExpired:
                row("pgRouting", f"> {limit_s:.0f}", f"> {limit_s / ours_route:,.0f}×", "", "did not finish within the limit")
        if not skip_qgis:
            net_path = os.path.join(d, "qgis_walk_network.gpkg")
            write_qgis_network(net_path, walk_edges)
            env = qgis_env(d)
            project = empty_project(d, env)
            one_s = qgis_one_start_seconds(d, project, env, net_path, node_xy[origin_nodes[0]], node_xy[fac_nodes[0]], timeout=limit_s)
            one_txt = ("; one run with a single start point (process start + reading + graph build): "
                       + (f"{one_s:.1f} s" if one_s is not None else f"> {limit_s:.0f} s"))
            spent, done, peak = 0.0, 0, 0.0
            for k, n in enumerate(fac_nodes):
                out_k = os.path.join(d, f"qgis_{k}.gpkg")
                x, y = node_xy[n]
                sec, pk, _ = run_measured(qgis_nearest_cmd(project, net_path, origins_path, x, y, out_k),
                                          env=env, timeout=max(1.0, limit_s - spent))
                if sec is None:
                    break
                spent += sec
                done += 1
                peak = max(peak, pk)
            figures[size]["qgis_ran"] = True
            if done == len(fac_nodes):
                figures[size]["qgis_s"] = spent
                row("QGIS 3.22 native", f"{spent:.1f}", f"{spent / ours_s:,.0f}× (end to end)", "not compared (see workload 1)",
                    f"{done} runs of `shortestpathlayertopoint`; peak {peak:.0f} MB" + one_txt)
            else:
                row("QGIS 3.22 native", f"> {limit_s:.0f}", f"> {limit_s / ours_s:,.0f}× (end to end)", "",
                    f"stopped at the limit after {done} of {len(fac_nodes)} runs of `shortestpathlayertopoint`"
                    + (f" (about {spent / done:.0f} s each: about {spent / done * len(fac_nodes):,.0f} s for all)" if done else "") + one_txt)
        print("\n".join(out[-5:]), flush=True)
    out += ["", THREADS_NOTE]
    return "\n".join(out), all_agree, figures


def run_pgrouting(pg_bin, work, edges_path, origin_nodes, fac_nodes, runs, agreement, query=None, timeout_s=None):
    """A throw-away PostgreSQL cluster (run as the postgres user: initdb refuses root), the
    same edges loaded with ogr2ogr, then pgr_dijkstraCost from the GP nodes to every origin
    node, reduced to the minimum per origin (the issue's reference form)."""
    data = os.path.join(work, "pgdata")
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = "54329"
    sock = "/tmp"
    sh(as_pg + [os.path.join(pg_bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres"])
    sh(as_pg + [os.path.join(pg_bin, "pg_ctl"), "-D", data, "-o", f"-p {port} -k {sock}", "-w", "start", "-l", os.path.join(data, "log")])
    try:
        psql = ["psql", "-h", sock, "-p", port, "-U", "postgres", "-q", "-t", "-A", "-d", "postgres", "-v", "ON_ERROR_STOP=1"]
        sh(psql + ["-c", "CREATE EXTENSION postgis; CREATE EXTENSION pgrouting;"]) if os.path.exists(
            "/usr/share/postgresql/15/extension/postgis.control") else sh(psql + ["-c", "CREATE EXTENSION pgrouting;"])
        t_load = time.perf_counter()
        sh(["ogr2ogr", "-f", "PostgreSQL", f"PG:host={sock} port={port} user=postgres dbname=postgres", edges_path, "network_edges",
            "-nln", "edges", "-lco", "GEOMETRY_NAME=geom", "-nlt", "PROMOTE_TO_MULTI"] if os.path.exists(
            "/usr/share/postgresql/15/extension/postgis.control") else
           ["ogr2ogr", "-f", "PostgreSQL", f"PG:host={sock} port={port} user=postgres dbname=postgres", edges_path, "network_edges",
            "-nln", "edges", "-skipfailures", "-nlt", "NONE", "-select", "edge_id,source,target,walk_cost_s,walk_reverse_cost_s"])
        load_s = time.perf_counter() - t_load
        sources = ",".join(str(n) for n in fac_nodes)
        targets = ",".join(str(n) for n in origin_nodes)
        raw = query is not None
        query = query or ("SELECT end_vid, min(agg_cost) FROM pgr_dijkstraCost("
                 "'SELECT edge_id AS id, source, target, coalesce(walk_cost_s, -1) AS cost, coalesce(walk_reverse_cost_s, -1) AS reverse_cost "
                 "FROM edges WHERE walk_cost_s IS NOT NULL OR walk_reverse_cost_s IS NOT NULL', "
                 f"ARRAY[{sources}]::bigint[], ARRAY[{targets}]::bigint[], directed := true) GROUP BY end_vid")
        sql_path = os.path.join(work, "pgr.sql")  # psql -v ON_ERROR_STOP=1 below: a failed query is an error
        with open(sql_path, "w") as f:
            f.write("\\timing on\n" + query + ";\n")

        def once():
            if timeout_s:
                out = subprocess.run(psql + ["-f", sql_path], capture_output=True, text=True, check=True, timeout=timeout_s).stdout
            else:
                out = sh(psql + ["-f", sql_path]).stdout
            ms = [float(l.split()[1]) for l in out.splitlines() if l.startswith("Time:")]
            if raw:
                return ms[-1] / 1000.0, [tuple(float(x) for x in l.split("|")) for l in out.splitlines() if "|" in l]
            times = {}
            for l in out.splitlines():
                if "|" in l:
                    v, c = l.split("|")
                    times[int(v)] = float(c)
            return ms[-1] / 1000.0, times
        samples = [once() for _ in range(runs)]
        seconds = statistics.median(s for s, _ in samples)
        if raw:
            return seconds, samples[-1][1]
        # The split: the same query for one pair costs what every query pays before routing
        # (reading the edges through SQL and building pgRouting's graph).
        with open(sql_path, "w") as f:
            f.write("\\timing on\n" + query.replace(f"ARRAY[{sources}]", f"ARRAY[{fac_nodes[0]}]").replace(
                f"ARRAY[{targets}]", f"ARRAY[{origin_nodes[0]}]") + ";\n")
        one_pair_s = once()[0]
        # pgr_dijkstraCost reports only reachable pairs and drops an origin on a facility's
        # own node (cost 0): give those 0 so they compare.
        times = dict(samples[-1][1])
        for n in origin_nodes:
            if n in fac_nodes:
                times[n] = 0.0
        return {"seconds": seconds, "load_s": load_s, "one_pair_s": one_pair_s,
                "what": "routing only: pgr_dijkstraCost from the GP nodes to the origins, minimum per origin "
                f"(server-side time of the query; of which about {one_pair_s:.2f} s reading the edges and building the graph, "
                f"as the same query for one pair takes; loading the GeoPackage into PostgreSQL before: {load_s:.1f} s)",
                **agreement(times)}
    finally:
        sh(as_pg + [os.path.join(pg_bin, "pg_ctl"), "-D", data, "-w", "stop", "-m", "fast"])


def engine_scale(bench):
    """The issue's two targets on our engine alone (no peer runs at that size in reasonable
    time): nearest facility on 5 M nodes (16,000 facilities, 500,000 origins, median of 5) and
    catchments + E2SFCA for 6,500 facilities at 30 min by car on 2 M nodes; both under GNU time."""
    import re
    near = ["--nodes", "5000000", "--facilities", "16000", "--origins", "500000", "--runs", "5", "--graph-file", "0",
            "--reach-modes", "none"]
    sec, peak, err = run_measured([bench] + near, with_stdout=True)
    m = re.search(r"nearest facility \(one multi-source search \+ \d+ origins\): median ([0-9.]+)s", err)
    out = {"nearest_5m_s": float(m.group(1)), "nearest_5m_peak_mb": peak}
    drive = ["--nodes", "2000000", "--facilities", "6500", "--origins", "200000", "--runs", "1", "--graph-file", "0",
             "--reach-modes", "drive"]
    sec, peak, err = run_measured([bench] + drive, with_stdout=True)
    m = re.search(r"drive catchments 30 min \+ E2SFCA, .*?(\d+) thread\(s\).*?reach ([0-9.]+)s \(hierarchy ([0-9.]+)s.*total ([0-9.]+)s", err)
    out.update({"catchments_threads": int(m.group(1)), "catchments_reach_s": float(m.group(2)),
                "catchments_hierarchy_s": float(m.group(3)), "catchments_total_s": float(m.group(4)), "catchments_peak_mb": peak})
    return out


def targets_table(w1, w4_figures, scale):
    """Issue 8's targets, each with what this run measured and whether it holds."""
    rows = ["## Issue 8's targets, measured in this run", "", "| target | required | measured | met |", "|---|---|---|---|"]

    def add(name, required, measured, met):
        rows.append(f"| {name} | {required} | {measured} | {'yes' if met else ('NO' if met is not None else 'not measured')} |")
    tools = w1["tools"]
    ours_s, ours_route = tools["ours"]["seconds"], tools["ours"]["route_s"]
    q = tools.get("qgis", {}).get("seconds")
    add("Rutland nearest GP on foot, end to end, against QGIS native", "≥ 200×",
        f"{q / ours_s:,.0f}× ({q:.1f} s / {ours_s:.3f} s)" if q else "QGIS not run", q / ours_s >= 200 if q else None)
    pg = tools.get("pgrouting", {}).get("seconds")
    add("the same, routing, against pgRouting (`pgr_dijkstraCost`, minimum)", "≥ 20×",
        f"{pg / ours_route:,.0f}× ({pg:.3f} s / {ours_route:.4f} s)" if pg else "pgRouting not run", pg / ours_route >= 20 if pg else None)
    nx_s = tools["networkx"]["seconds"]
    add("the same, routing, against NetworkX (`multi_source_dijkstra`)", "≥ 10×",
        f"{nx_s / ours_route:,.0f}× ({nx_s:.3f} s / {ours_route:.4f} s)", nx_s / ours_route >= 10)
    city = (w4_figures or {}).get(200000)
    if city and city["qgis_ran"]:
        if city["qgis_s"] is not None:
            add("200,000 nodes, end to end, against QGIS native", "≥ 1,000×",
                f"{city['qgis_s'] / city['ours_s']:,.0f}×", city["qgis_s"] / city["ours_s"] >= 1000)
        else:
            lim = city["limit_s"]
            add("200,000 nodes, end to end, against QGIS native", "≥ 1,000×",
                f"> {lim / city['ours_s']:,.0f}× (QGIS past the {lim:.0f} s limit; ours {city['ours_s']:.3f} s)",
                lim / city["ours_s"] >= 1000)
    else:
        add("200,000 nodes, end to end, against QGIS native", "≥ 1,000×", "run with --synthetic 200000", None)
    if scale:
        add("5 M nodes, nearest facility for one (service, mode)", "< 1 s", f"{scale['nearest_5m_s']:.3f} s (median of 5)",
            scale["nearest_5m_s"] < 1.0)
        add("5 M nodes, peak memory", "< 2 GB", f"{scale['nearest_5m_peak_mb']:,.0f} MB", scale["nearest_5m_peak_mb"] < 2048)
        add(f"catchments + E2SFCA, 6,500 facilities, 30 min by car, 2 M nodes, {scale['catchments_threads']} threads", "< 60 s",
            f"{scale['catchments_total_s']:.1f} s (hierarchy {scale['catchments_hierarchy_s']:.1f} s; peak {scale['catchments_peak_mb']:,.0f} MB)",
            scale["catchments_total_s"] < 60)
    else:
        add("5 M nodes and 6,500 catchments", "", "run with --targets", None)
    return "\n".join(rows)


def main(tool, work, runs=5, skip_qgis=False, synthetic=(), limit_s=600.0, synthetic_only=False, targets=False):
    # Job files written here name their inputs by absolute path: a relative work folder would
    # be resolved against the job file's own folder.
    work = os.path.abspath(work)
    tool = os.path.abspath(tool)
    os.makedirs(work, exist_ok=True)
    pg_bin = "/usr/lib/postgresql/15/bin"
    if synthetic_only:
        bench = os.path.join(os.path.dirname(tool), "bench", "bench_engine")
        w4, w4_agree, w4_figures = workload4(tool, bench, work, synthetic, runs, pg_bin, limit_s, skip_qgis or not os.path.exists(QGIS_PROCESS))
        print("\n" + w4)
        with open(os.path.join(work, "peers.md"), "w") as f:
            f.write(w4 + "\n")
        return 0 if w4_agree else 1
    edges_path = os.path.join(work, "edges.gpkg")
    sh([tool, "-q", "network", os.path.join(DATA, "osm/rutland-2018-02-27.osm.pbf"), "--modes", "walk", "--export", edges_path])

    # The walking graph as everyone will see it: edges usable on foot, cost in seconds.
    graph, node_xy, walk_edges = load_walk_graph(edges_path)
    largest = max(nx.weakly_connected_components(graph), key=len)
    nodes = sorted(largest)

    # GP sites within 500 m of the network, each moved to its nearest node of the component.
    gp = ogr.Open(os.path.join(DATA, "services/nhs_choices_2014_gp.geojson"))
    to_bng = osr.CoordinateTransformation(gp.GetLayer(0).GetSpatialRef(), bng())
    xs = [(n, node_xy[n][0], node_xy[n][1]) for n in nodes]

    def nearest_node(x, y):
        best = min(xs, key=lambda t: (t[1] - x) ** 2 + (t[2] - y) ** 2)
        return best[0], math.hypot(best[1] - x, best[2] - y)

    facilities = []
    for f in gp.GetLayer(0):
        g = f.GetGeometryRef().Clone()
        g.Transform(to_bng)
        n, d = nearest_node(g.GetX(), g.GetY())
        if d <= 500 and n not in [q[0] for q in facilities]:
            facilities.append((n, f["OrganisationID"]))
    cent = ogr.Open(os.path.join(DATA, "origins/lsoa11_pop_weighted_centroids.geojson"))
    to_bng_c = osr.CoordinateTransformation(cent.GetLayer(0).GetSpatialRef(), bng())
    origin_nodes = []
    for f in cent.GetLayer(0):
        g = f.GetGeometryRef().Clone()
        g.Transform(to_bng_c)
        origin_nodes.append(nearest_node(g.GetX(), g.GetY())[0])
    rng = random.Random(SEED)
    origin_nodes += rng.sample(nodes, 2000)
    fac_nodes = [n for n, _ in facilities]
    print(f"workload 1: {len(origin_nodes)} origins, {len(fac_nodes)} GP sites within 500 m, walking graph "
          f"{graph.number_of_nodes()} nodes / {graph.number_of_edges()} arcs", flush=True)

    origins_path = os.path.join(work, "origins.gpkg")
    write_points(origins_path, [(node_xy[n][0], node_xy[n][1], {"oid": i, "pop": 1.0}) for i, n in enumerate(origin_nodes)],
                 [("oid", ogr.OFTInteger), ("pop", ogr.OFTReal)])
    gps_path = os.path.join(work, "gps.gpkg")
    write_points(gps_path, [(node_xy[n][0], node_xy[n][1], {"gp_id": str(i)}) for n, i in facilities], [("gp_id", ogr.OFTString)])

    results = {"workload": "Rutland: nearest GP on foot", "origins": len(origin_nodes), "facilities": len(fac_nodes), "tools": {}}

    # ---- ours ---------------------------------------------------------------------------
    out = os.path.join(work, "ours.gpkg")
    cmd = [tool, "nearest_service", "--network", os.path.join(DATA, "osm/rutland-2018-02-27.osm.pbf"),
           "--areas", os.path.join(DATA, "boundaries/lsoa11.geojson"), "--area_code_field", "lsoa11_code",
           "--origin_method", "points", "--origins", origins_path, "--origin_population_field", "pop",
           "--facilities", gps_path, "--facility_id_field", "gp_id", "--service_name", "gp", "--modes", "walk",
           "--thresholds_min", "15,30", "--count_within_thresholds", "false", "--output", out]
    import re
    route = []

    def ours_once():
        err = sh(cmd).stderr
        m = re.search(r"graph ([0-9.]+)s, snap ([0-9.]+)s, route ([0-9.]+)s", err)
        route.append(tuple(float(x) for x in m.groups()))
    ours_s, _ = timed(ours_once, runs)
    ours_graph = statistics.median(r[0] for r in route)
    ours_route = statistics.median(r[2] for r in route)
    ds = ogr.Open(out)
    ours = {}
    for f in ds.GetLayerByName("origins_nearest"):
        g = f.GetGeometryRef()
        ours[(round(g.GetX(), 2), round(g.GetY(), 2))] = f["gp_walk_time_min"] * 60 if f["gp_walk_time_min"] is not None else None
    ds = None
    key_of = {n: (round(node_xy[n][0], 2), round(node_xy[n][1], 2)) for n in origin_nodes}
    results["tools"]["ours"] = {"seconds": ours_s, "what": "end to end: process start to GeoPackage written (1 process)",
                                "graph_s": ours_graph, "route_s": ours_route}
    results["tools"]["ours (routing)"] = {"seconds": ours_route, "what": "routing only: the multi-source search and the area figures"}
    print(f"ours: {ours_s:.3f} s end to end, graph {ours_graph:.4f} s, routing {ours_route:.4f} s", flush=True)

    def agreement(times, rel=0.0):
        compared, worst, bad = 0, 0.0, 0
        for n in origin_nodes:
            a, b = ours.get(key_of[n]), times.get(n)
            if a is None or b is None or math.isinf(b):
                continue
            compared += 1
            diff = abs(a - b)
            worst = max(worst, diff)
            if diff > max(1.0, rel * b):
                bad += 1
        return {"compared": compared, "worst_s": worst, "disagree": bad, "agree": compared > 0 and bad == 0}

    # ---- NetworkX -----------------------------------------------------------------------
    def nx_route():
        return nx.multi_source_dijkstra_path_length(graph.reverse(copy=False), set(fac_nodes), weight="w")
    nx_s, nx_times = timed(nx_route, runs)
    build_s, _ = timed(lambda: nx.DiGraph(graph), 1)
    results["tools"]["networkx"] = {"seconds": nx_s, "what": "routing only (multi_source_dijkstra), graph already built",
                                    "graph_copy_s": build_s, **agreement(nx_times)}
    print(f"networkx: {nx_s:.3f} s routing; agreement {results['tools']['networkx']}", flush=True)

    # ---- QGIS native --------------------------------------------------------------------
    if skip_qgis or not os.path.exists(QGIS_PROCESS):
        results["tools"]["qgis"] = {"seconds": None, "what": "not run (" + ("--skip-qgis" if skip_qgis else "qgis_process not installed") + ")"}
    else:
        # QGIS's fastest path needs a speed per edge (km/h) and one direction rule: walking
        # edges are two-way with equal costs in both directions here.
        net_path = os.path.join(work, "qgis_walk_network.gpkg")
        write_qgis_network(net_path, walk_edges)
        env = qgis_env(work)
        project = empty_project(work, env)

        def qgis_all():
            best = defaultdict(lambda: math.inf)
            for k, (n, _) in enumerate(facilities):
                out_k = os.path.join(work, f"qgis_{k}.gpkg")
                if os.path.exists(out_k):
                    os.remove(out_k)
                x, y = node_xy[n]
                sh(qgis_nearest_cmd(project, net_path, origins_path, x, y, out_k), env=env)
                ds_k = ogr.Open(out_k)
                for f in ds_k.GetLayer(0):
                    if f["cost"] is not None:
                        best[f["oid"]] = min(best[f["oid"]], f["cost"] * 3600.0)  # fastest: cost in hours
                ds_k = None
            return {origin_nodes[i]: t for i, t in best.items()}
        qruns = max(1, min(runs, 3))
        q_s, q_times = timed(qgis_all, qruns)
        one_s = qgis_one_start_seconds(work, project, env, net_path, node_xy[origin_nodes[0]], node_xy[fac_nodes[0]])
        results["tools"]["qgis"] = {"seconds": q_s, "runs": qruns, "one_start_s": one_s,
                                    "what": f"end to end: {len(facilities)} qgis_process runs of native:shortestpathlayertopoint "
                                    f"(one run with a single start point, i.e. process start + reading + graph build: {one_s:.2f} s)",
                                    **agreement(q_times, rel=0.001)}
        print(f"qgis: {q_s:.1f} s; agreement {results['tools']['qgis']}", flush=True)

    # ---- pgRouting ----------------------------------------------------------------------
    pg_bin = "/usr/lib/postgresql/15/bin"
    if not os.path.exists(os.path.join(pg_bin, "initdb")) or not os.path.exists("/usr/share/postgresql/15/extension/pgrouting.control"):
        results["tools"]["pgrouting"] = {"seconds": None,
                                         "what": "not run: apt-get install postgresql-15 postgresql-15-pgrouting (bench/peers/install_peers.sh)"}
    else:
        results["tools"]["pgrouting"] = run_pgrouting(pg_bin, work, edges_path, origin_nodes, fac_nodes, runs, agreement)
        print(f"pgrouting: {results['tools']['pgrouting']}", flush=True)

    # ---- workload 2: service areas (800/1,600/2,400 m on foot = 10/20/30 min) for every GP
    w2 = workload2(tool, work, graph, node_xy, origin_nodes, facilities, origins_path, gps_path, runs, pg_bin, walk_edges,
                   skip_qgis or not os.path.exists(QGIS_PROCESS))
    # ---- table --------------------------------------------------------------------------
    lines = [f"## {results['workload']}: {results['origins']} origins, {results['facilities']} GP sites", "",
             "| tool | time (s) | ours faster by (like for like) | agrees | what is timed |", "|---|---|---|---|---|"]
    for name, t in results["tools"].items():
        sec = t.get("seconds")
        # end-to-end peers against our end to end, routing-only peers against our routing
        base = ours_route if "routing only" in t["what"] else ours_s
        ratio = "" if sec is None or name.startswith("ours") else f"{sec / base:,.1f}×"
        agree = "" if "agree" not in t else ("yes" if t["agree"] else "NO") + f" ({t['compared']} origins, worst {t['worst_s']:.2f} s)"
        lines.append(f"| {name} | {'' if sec is None else f'{sec:.4f}'} | {ratio} | {agree} | {t['what']} |")
    lines += ["", THREADS_NOTE]
    w3, w3_agree = workload3(tool, work, graph, node_xy, origin_nodes, facilities, runs, pg_bin)
    lines += ["", w2, "", w3]
    w4_agree = True
    if synthetic:
        bench = os.path.join(os.path.dirname(tool), "bench", "bench_engine")
        w4, w4_agree, w4_figures = workload4(tool, bench, work, synthetic, runs, pg_bin, limit_s, skip_qgis or not os.path.exists(QGIS_PROCESS))
        lines += ["", w4]
    if targets:
        # The peers' tables are kept even if this last step fails.
        with open(os.path.join(work, "peers.md"), "w") as f:
            f.write("\n".join(lines) + "\n")
        try:
            scale = engine_scale(os.path.join(os.path.dirname(tool), "bench", "bench_engine"))
        except Exception as e:  # noqa: BLE001 - reported in the table as not measured
            print(f"engine scale runs failed: {e}", flush=True)
            scale = None
        results["scale"] = scale
        lines = [targets_table(results, w4_figures if synthetic else None, scale), ""] + lines
    table = "\n".join(lines) + "\n"
    print("\n" + table)
    with open(os.path.join(work, "peers.md"), "w") as f:
        f.write(table)
    with open(os.path.join(work, "peers.json"), "w") as f:
        json.dump(results, f, indent=1, default=str)
    failed = [n for n, t in results["tools"].items() if "agree" in t and not t["agree"]] + ([] if w3_agree else ["workload 3"]) + ([] if w4_agree else ["workload 4"])
    return 1 if failed else 0


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description="Access Atlas against NetworkX, pgRouting and QGIS (docs/performance.md)")
    ap.add_argument("accessatlas", help="the accessatlas tool (build/accessatlas); bench_engine is looked up beside it")
    ap.add_argument("work", help="folder for the inputs, outputs and the table")
    ap.add_argument("--runs", type=int, default=5, help="runs per tool, median reported (QGIS: at most 3)")
    ap.add_argument("--skip-qgis", action="store_true", help="leave QGIS out (it takes minutes)")
    ap.add_argument("--synthetic", default="", help="workload 4: synthetic network sizes, e.g. 200000,2000000")
    ap.add_argument("--limit", type=float, default=600, help="workload 4: seconds a peer may take (default 600)")
    ap.add_argument("--synthetic-only", action="store_true", help="run workload 4 alone (needs --synthetic)")
    ap.add_argument("--targets", action="store_true",
                    help="also measure our engine at 5 M nodes (nearest) and 2 M nodes (6,500 drive catchments) and print "
                    "issue 8's targets as met or not (with --synthetic 200000 for the city-scale one)")
    a = ap.parse_args()
    if a.synthetic_only and not a.synthetic:
        ap.error("--synthetic-only needs --synthetic SIZES")
    if a.synthetic_only and a.targets:
        ap.error("--targets needs workload 1: leave out --synthetic-only")
    sys.exit(main(a.accessatlas, a.work, a.runs, a.skip_qgis, tuple(int(x) for x in a.synthetic.split(",") if x), a.limit,
                  a.synthetic_only, a.targets))
