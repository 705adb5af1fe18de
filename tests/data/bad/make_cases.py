#!/usr/bin/python3
"""Writes the bad-input corpus: one folder per case under cases/, each with a job.toml, the
bad files it needs, and expect.txt (exit code and a message fragment the tool must print).
Run from this folder to regenerate; the cases are committed. Sample data is referenced from
data/rutland/ of the repository."""
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "cases")
R = "../../../../../data/rutland"  # from a case folder to the sample data

BASE = {
    "network": f'path = "{R}/osm/rutland-2018-02-27.osm.pbf"',
    "areas": f'path = "{R}/boundaries/lsoa11.geojson"\ncode_field = "lsoa11_code"\nname_field = "lsoa11_name"',
    "population": f'path = "{R}/tables/population_mid2020_lsoa11_single_year_age.csv"\ncode_field = "lsoa11_code"\nfield = "total_population"',
    "origins": f'method = "centroids"\npath = "{R}/origins/lsoa11_pop_weighted_centroids.geojson"\ncode_field = "lsoa11cd"',
    "services": f'name = "gp"\npath = "{R}/services/nhs_choices_2014_gp.geojson"\nid_field = "OrganisationID"',
    "analysis": 'modes = ["walk"]\nthresholds_min = [15, 30]\ncount_within_thresholds = false',
}

LSOA_POLY = [[-0.75, 52.65], [-0.70, 52.65], [-0.70, 52.68], [-0.75, 52.68], [-0.75, 52.65]]


def job(**changes):
    parts = dict(BASE)
    extra = changes.pop("_extra", "")
    parts.update(changes)
    text = ""
    for section, body in parts.items():
        if body is None:
            continue
        header = "[[services]]" if section == "services" else f"[{section}]"
        text += f"{header}\n{body}\n\n"
    return text + extra


def geojson(features, crs=True):
    doc = {"type": "FeatureCollection", "features": features}
    if not crs:
        doc["crs"] = None
    return json.dumps(doc)


def poly_feature(code, ring=LSOA_POLY, name="x"):
    return {"type": "Feature", "properties": {"lsoa11_code": code, "lsoa11_name": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def point_feature(props, lon, lat):
    return {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def population_csv(rows, header='"lsoa11_code","total_population"\n'):
    return header + "".join(f"{c},{v}\n" for c, v in rows)


RUTLAND_CODES = [f"E010137{n}" for n in range(87, 100)] + [f"E010138{n:02d}" for n in range(0, 10)]

CASES = []


def case(name, exit_code, message, job_text, files=None, binary=None):
    CASES.append((name, exit_code, message, job_text, files or {}, binary or {}))


# ---- job file ----------------------------------------------------------------------------
case("unknown-key", 1, "did you mean 'analysis.max_snap_m'", job(_extra="[analysis2]\n") .replace("[analysis2]\n", "") .replace("count_within_thresholds = false", "count_within_thresholds = false\nmax_snap = 500"))
case("unknown-section", 1, "did you mean 'analysis'", job(_extra="[analysys]\nmodes = [\"walk\"]\n"))
case("wrong-type-number", 1, "must be a number", job(analysis='modes = ["walk"]\nmax_snap_m = "far"'))
case("negative-threshold", 1, "out of range", job(analysis='modes = ["walk"]\nthresholds_min = [-5]'))
case("unknown-mode", 1, "'bus' is not a mode", job(analysis='modes = ["bus"]'))
case("missing-network-section", 1, "missing section", job(network=None))
case("toml-syntax", 1, "not a valid TOML", "[network\npath = 1\n")
case("missing-network-file", 1, "file not found", job(network='path = "no_such.osm.pbf"'))
case("missing-areas-file", 1, "file not found", job(areas='path = "nowhere.geojson"\ncode_field = "lsoa11_code"'))
case("service-name-upper-case", 1, "must be lower-case", job(services=BASE["services"].replace('name = "gp"', 'name = "GP"')))
case("duplicate-service", 1, "appears twice", job(_extra="[[services]]\n" + BASE["services"] + "\n"))
case("band-weight-count", 1, "needs one weight per band", job(_extra="[e2sfca]\nband_upper_min = [10, 20]\nband_weights = [1.0]\n"))
case("unknown-decay", 1, "is not a decay", job(_extra='[e2sfca]\ndecay = "cubic"\n'))
case("unknown-origin-method", 1, "is not a method", job(origins='method = "grid"'))
case("catchment-unknown-service", 1, "is not a service of this job", job(_extra='[catchments]\nservices = ["dentist"]\n'))
case("street-class-typo", 1, "did you mean 'residential'", job(origins='method = "street_points"\nstreet_classes = ["residental"]'))
case("profile-class-typo", 1, "did you mean 'motorway'", job(_extra="[profiles.walk.speed_kmh]\nmotorwey = 3\n"))
case("wrong-type-list", 1, "must be a list of numbers", job(analysis='modes = ["walk"]\nthresholds_min = 15'))
case("wrong-type-bool", 1, "must be true or false", job(analysis='modes = ["walk"]\ncount_within_thresholds = "yes"'))
case("output-is-an-input", 1, "the output is also an input", job(_extra=""), files={"_out": f"{R}/boundaries/lsoa11.geojson"})
case("output-not-gpkg", 1, "must be a GeoPackage", job(), files={"_out": "result.shp"})
case("output-folder-unwritable", 1, "cannot create the output folder", job(), files={"_out": "/proc/accessatlas/out.gpkg"})

# ---- areas ---------------------------------------------------------------------------------
case("areas-no-crs", 1, "no coordinate reference system",
     job(areas='path = "areas.csv"\ncode_field = "lsoa11_code"'),
     {"areas.csv": 'WKT,lsoa11_code\n"POLYGON ((480000 300000,481000 300000,481000 301000,480000 300000))",E01013787\n'})
case("areas-are-points", 1, "expected polygons",
     job(areas=f'path = "{R}/origins/lsoa11_pop_weighted_centroids.geojson"\ncode_field = "lsoa11cd"'))
case("areas-empty-layer", 1, "no features with geometry", job(areas='path = "areas.geojson"\ncode_field = "lsoa11_code"'),
     {"areas.geojson": geojson([])})
case("areas-null-geometries", 1, "no features with geometry", job(areas='path = "areas.geojson"\ncode_field = "lsoa11_code"'),
     {"areas.geojson": json.dumps({"type": "FeatureCollection", "features": [
         {"type": "Feature", "properties": {"lsoa11_code": "E01013787"}, "geometry": None}]})})
case("areas-duplicate-codes", 1, "duplicate area code E01013787", job(areas='path = "areas.geojson"\ncode_field = "lsoa11_code"'),
     {"areas.geojson": geojson([poly_feature("E01013787"), poly_feature("E01013787")])})
case("areas-missing-code-field", 1, "field 'lsoa_code'", job(areas=f'path = "{R}/boundaries/lsoa11.geojson"\ncode_field = "lsoa_code"'))
case("areas-empty-code", 1, "empty area code", job(areas='path = "areas.geojson"\ncode_field = "lsoa11_code"'),
     {"areas.geojson": geojson([poly_feature("")])})
case("areas-self-intersecting-repaired", 0, "invalid area polygons",
     job(areas='path = "areas.geojson"\ncode_field = "lsoa11_code"'),
     {"areas.geojson": geojson([poly_feature("E01013787", [[-0.75, 52.65], [-0.70, 52.68], [-0.70, 52.65], [-0.75, 52.68], [-0.75, 52.65]])])})
case("areas-codes-lower-case-normalised", 0, "were normalised",
     job(areas='path = "areas.geojson"\ncode_field = "lsoa11_code"'),
     {"areas.geojson": geojson([poly_feature(" e01013801 ")])})

# ---- population table ----------------------------------------------------------------------
def pop_job():
    return job(population='path = "population.csv"\ncode_field = "lsoa11_code"\nfield = "total_population"')


case("population-not-a-number", 1, "'many' is not a number", pop_job(), {"population.csv": population_csv([("E01013787", "many")])})
case("population-thousands-separator", 1, "thousands separator", pop_job(), {"population.csv": population_csv([("E01013787", '"1,355"')])})
case("population-negative", 1, "negative population", pop_job(),
     {"population.csv": population_csv([(c, "-5" if c == "E01013787" else "100") for c in RUTLAND_CODES])})
case("population-nan", 1, "not a finite number", pop_job(), {"population.csv": population_csv([("E01013787", "nan")])})
case("population-infinite", 1, "not a finite number", pop_job(), {"population.csv": population_csv([("E01013787", "inf")])})
case("population-duplicate-code", 1, "duplicate area code E01013787", pop_job(),
     {"population.csv": population_csv([("E01013787", "10"), ("E01013787", "12")])})
case("population-wrong-lsoa-year", 1, "LSOA 2011 to 2021 lookup", pop_job(),
     {"population.csv": population_csv([("E01035000", "1500"), ("E01035001", "1600")])})
case("population-missing-field", 1, "field 'total_population'", pop_job(), {"population.csv": '"lsoa11_code","people"\nE01013787,5\n'})
case("population-bom-csv", 0, "wrote", pop_job(),
     {"population.csv": "\ufeff" + population_csv([(c, "1000") for c in RUTLAND_CODES])})
case("population-latin1-csv", 0, "wrote", job(population='path = "population.csv"\ncode_field = "lsoa11_code"\nfield = "total_population"'),
     {}, {"population.csv": ('"lsoa11_code","name","total_population"\n' + "".join(f'{c},"Caf\xe9 {c}",1000\n' for c in RUTLAND_CODES)).encode("latin-1")})
case("population-codes-with-spaces", 0, "were normalised", pop_job(),
     {"population.csv": population_csv([(" " + c.lower() + " ", "1000") for c in RUTLAND_CODES])})

# ---- facilities ----------------------------------------------------------------------------
case("facilities-all-off-network", 1, "no gp facility lies within 500 m", job(services='name = "gp"\npath = "gp.geojson"'),
     {"gp.geojson": geojson([point_feature({"id": 1}, -1.30, 52.88), point_feature({"id": 2}, -1.10, 52.60)])})
case("facilities-are-polygons", 1, "expected points", job(services=f'name = "gp"\npath = "{R}/boundaries/lsoa11.geojson"'))
case("facilities-missing-id-field", 1, "field 'GPCode'", job(services=f'name = "gp"\npath = "{R}/services/nhs_choices_2014_gp.geojson"\nid_field = "GPCode"'))
case("supply-not-a-number", 1, "is not a number", job(services='name = "gp"\npath = "gp.geojson"\nsupply_field = "fte"', _extra="[e2sfca]\n"),
     {"gp.geojson": geojson([point_feature({"fte": "two"}, -0.7311, 52.6692)])})
case("supply-negative", 1, "negative supply", job(services='name = "gp"\npath = "gp.geojson"\nsupply_field = "fte"', _extra="[e2sfca]\n"),
     {"gp.geojson": geojson([point_feature({"fte": -1}, -0.7311, 52.6692)])})

# ---- network -------------------------------------------------------------------------------
case("network-truncated-pbf", 1, "truncated or corrupt", job(network='path = "truncated.osm.pbf"'), {}, {"truncated.osm.pbf": "TRUNCATE"})
case("network-corrupt-pbf", 1, "truncated or corrupt", job(network='path = "corrupt.osm.pbf"'), {}, {"corrupt.osm.pbf": bytes(range(256)) * 64})
case("network-no-roads", 1, "no routable ways", job(network='path = "empty.osm"'),
     {"empty.osm": '<?xml version="1.0"?>\n<osm version="0.6"><node id="1" lat="52.6" lon="-0.7" version="1"/></osm>\n'})
case("network-polygons", 1, "expected lines", job(network=f'path = "{R}/boundaries/lsoa11.geojson"'))
case("network-no-crs", 1, "no coordinate reference system", job(network='path = "roads.csv"'),
     {"roads.csv": 'WKT,highway\n"LINESTRING (480000 300000,481000 300000)",residential\n'})

# ---- area indices ----------------------------------------------------------------------------
L = "../../../../../data/leicester"


def index_job(indicator, extra=""):
    return (f'[areas]\npath = "{L}/boundaries/lsoa11.geojson"\ncode_field = "lsoa11_code"\ngeography = "lsoa11"\n\n'
            f'[indices.deri]\n\n[indices.deri.indicators.pct_65_plus]\n{indicator}\n' + extra)


case("index-duplicate-codes", 1, "duplicate area code E01013600",
     index_job('path = "t.csv"\ncode_field = "code"\nfield = "v"'), {"t.csv": "code,v\nE01013600,1\nE01013600,2\n"})
case("index-not-a-number", 1, "line 2", index_job('path = "t.csv"\ncode_field = "code"\nfield = "v"'), {"t.csv": "code,v\nE01013600,12%\n"})
case("index-no-code-matches", 1, "another LSOA year", index_job('path = "t.csv"\ncode_field = "code"\nfield = "v"'),
     {"t.csv": "code,v\nE01999999,1\n"})
case("index-header-not-found", 1, "no line names the code field", index_job('path = "t.csv"\ncode_field = "lsoa"\nfield = "v"'),
     {"t.csv": "code,v\nE01013600,1\n"})
case("index-other-year-without-lookup", 1, "needs the ONS lookup",
     index_job(f'path = "{L}/tables/disability_census2021_lsoa21.csv"\ncode_field = "lsoa21_code"\nfilter = "disability=Disabled under the Equality Act"\n'
               'numerator = "n"\ndenominator = "total_residents"\ngeography = "lsoa21"'))
case("index-unknown-indicator", 1, "did you mean 'pct_75_plus'",
     index_job('path = "t.csv"\ncode_field = "code"\nfield = "v"', '[indices.deri.indicators.pct_75plus]\nfield = "v"\n'), {"t.csv": "code,v\n"})
case("index-negative-weight", 1, "out of range", index_job('path = "t.csv"\ncode_field = "code"\nfield = "v"\nweight = -1'), {"t.csv": "code,v\n"})
case("index-group-without-field", 1, "basis group needs a group field",
     index_job('path = "t.csv"\ncode_field = "code"\nfield = "v"').replace("[indices.deri]\n", '[indices.deri]\nbasis = "district"\n'), {"t.csv": "code,v\n"})
case("index-filter-matches-nothing", 1, "no row has disability = disabled",
     index_job(f'path = "{L}/tables/disability_census2021_lsoa21.csv"\ncode_field = "lsoa21_code"\nfilter = "disability=disabled"\nfield = "n"'))
case("composite-unknown-field", 1, "did you mean 'deri_score'",
     index_job('path = "t.csv"\ncode_field = "code"\nfield = "v"', '[composite.domains.x]\nfield = "deri_scor"\n'), {"t.csv": "code,v\nE01013600,1\n"})


# ---- public transport (GTFS) ---------------------------------------------------------------
N = "../../../../../data/newport"


def transit_job(feed="feed", extra="", date="2024-03-05", transit=True):
    section = f'[transit]\nfeeds = ["{feed}"]\ndate = "{date}"\n{extra}\n' if transit else ""
    return (f'[network]\npath = "{N}/osm/newport-2023-06-13.osm.pbf"\ncoverage = "{N}/osm/extract_box.geojson"\n\n'
            f'[areas]\npath = "{N}/boundaries/lsoa11.geojson"\ncode_field = "LSOA11CD"\n\n'
            f'[population]\npath = "{N}/tables/population_mid2020_lsoa11.csv"\ncode_field = "lsoa11_code"\nfield = "total_population"\n\n'
            f'[origins]\nmethod = "centroids"\npath = "{N}/origins/lsoa11_pop_weighted_centroids.geojson"\ncode_field = "lsoa11cd"\n\n'
            f'[[services]]\nname = "gp"\npath = "{N}/services/gp_practices_ods_2019.geojson"\nid_field = "practice_code"\n\n'
            f'[analysis]\nmodes = ["walk", "transit"]\ncount_within_thresholds = false\n\n' + section)


def feed(stops=None, trips=None, stop_times=None, drop=()):
    files = {
        "feed/stops.txt": stops or "stop_id,stop_name,stop_lat,stop_lon\nA,Stop A,51.5880,-2.9970\nB,Stop B,51.5880,-2.9850\n",
        "feed/routes.txt": "route_id,route_short_name,route_type\nR1,1,3\n",
        "feed/calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
                             "WK,1,1,1,1,1,0,0,20240101,20241231\n",
        "feed/trips.txt": trips or "route_id,service_id,trip_id\nR1,WK,T1\nR1,WK,T2\n",
        "feed/stop_times.txt": stop_times or "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                                             "T1,07:10:00,07:10:00,A,1\nT1,07:20:00,07:20:00,B,2\n"
                                             "T2,08:10:00,08:10:00,A,1\nT2,08:20:00,08:20:00,B,2\n",
    }
    for d in drop:
        files.pop("feed/" + d)
    return files


case("gtfs-missing-stop-times", 1, "the required file stop_times.txt is missing", transit_job(), feed(drop=("stop_times.txt",)))
case("gtfs-missing-column", 1, "the required column 'service_id' is missing", transit_job(),
     feed(trips="route_id,trip_id\nR1,T1\n"))
case("gtfs-date-without-service", 1, "feed runs 2024-01-01 to 2024-12-31", transit_job(date="2030-01-01"), feed())
case("gtfs-not-a-zip", 1, "not a readable zip file", transit_job(feed="feed.zip"), {"feed.zip": "this is not a zip\n"})
case("gtfs-not-a-date", 1, "'5/3/2024' is not a date", transit_job(date="5/3/2024"), feed())
case("gtfs-times-backwards", 0, "trip T2's times go backwards", transit_job(),
     feed(stop_times="trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                     "T1,07:10:00,07:10:00,A,1\nT1,07:20:00,07:20:00,B,2\nT2,08:10:00,08:10:00,A,1\nT2,08:05:00,08:05:00,B,2\n"))
case("gtfs-stop-at-false-origin", 0, "stop Z lies at the British National Grid's false origin", transit_job(),
     feed(stops="stop_id,stop_name,stop_lat,stop_lon\nA,Stop A,51.5880,-2.9970\nB,Stop B,51.5880,-2.9850\nZ,Nowhere,49.766807,-7.557160\n"))
case("gtfs-lat-lon-swapped", 0, "stop B at lat -2.985, lon 51.588 lies outside Great Britain", transit_job(),
     feed(stops="stop_id,stop_name,stop_lat,stop_lon\nA,Stop A,51.5880,-2.9970\nB,Stop B,-2.9850,51.5880\n"))
case("gtfs-duplicate-trip", 0, "trip T1 appears twice", transit_job(),
     feed(trips="route_id,service_id,trip_id\nR1,WK,T1\nR1,WK,T1\nR1,WK,T2\n"))
case("transit-without-timetable", 1, "the transit mode needs timetables", transit_job(transit=False))
case("transit-window-backwards", 1, "must be after window_start", transit_job(extra='window_start = "10:00"\nwindow_end = "07:00"'), feed())


# ---- places that are not where their CRS says (issue 19) ----------------------------------------
def crs_geojson(features, epsg):
    return json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}},
                       "features": features})


GP = 'name = "gp"\npath = "gp.geojson"\nid_field = "id"'
case("facilities-bng-declared-as-degrees", 1, "look like British National Grid metres: EPSG:27700", job(services=GP),
     {"gp.geojson": crs_geojson([point_feature({"id": "a"}, 486000, 308000), point_feature({"id": "b"}, 493000, 299000)], 4326)})
case("facilities-degrees-declared-as-bng", 1, "look like longitude and latitude in degrees: EPSG:4326", job(services=GP),
     {"gp.geojson": crs_geojson([point_feature({"id": "a"}, -0.7311, 52.6692), point_feature({"id": "b"}, -0.60, 52.58)], 27700)})
case("facilities-axes-swapped", 1, "axes swapped", job(services=GP),
     {"gp.geojson": crs_geojson([point_feature({"id": "a"}, 52.6692, -0.7311), point_feature({"id": "b"}, 52.58, -0.60)], 27700)})
case("facilities-web-mercator-declared-as-bng", 1, "Web Mercator metres: EPSG:3857", job(services=GP),
     {"gp.geojson": crs_geojson([point_feature({"id": "a"}, -81380, 6908000), point_feature({"id": "b"}, -66800, 6893000)], 27700)})
case("facilities-one-at-false-origin", 0, "lie exactly at the grid's false origin (0, 0)", job(services=GP),
     {"gp.geojson": crs_geojson([point_feature({"id": "a"}, 486000, 308000), point_feature({"id": "b"}, 487000, 307000),
                                 point_feature({"id": "c"}, 0, 0)], 27700)})
case("facilities-multipoint", 1, "a MultiPoint of 2 points", job(services=GP),
     {"gp.geojson": json.dumps({"type": "FeatureCollection", "features": [
         {"type": "Feature", "properties": {"id": "a"}, "geometry": {"type": "MultiPoint", "coordinates": [[-0.73, 52.67], [-0.60, 52.58]]}}]})})
case("areas-bng-declared-as-degrees", 1, "look like British National Grid metres",
     job(areas='path = "areas.geojson"\ncode_field = "lsoa11_code"'),
     {"areas.geojson": crs_geojson([poly_feature("E01013787", [[486000, 308000], [487000, 308000], [487000, 309000], [486000, 308000]])], 4326)})
case("network-and-areas-apart", 1, "the network and the areas do not overlap",
     job(areas='path = "areas.geojson"\ncode_field = "lsoa11_code"'),
     {"areas.geojson": geojson([poly_feature("E01013787", [[-2.60, 51.45], [-2.58, 51.45], [-2.58, 51.47], [-2.60, 51.45]])])})

# ---- files that are not what their name says ------------------------------------------------
case("population-is-a-spreadsheet", 1, "looks like a zip archive", pop_job(), {}, {"population.csv": b"PK\x03\x04" + bytes(200)})
case("population-is-a-web-page", 1, "looks like an HTML web page", pop_job(),
     {"population.csv": "<!DOCTYPE html><html><body>Sign in to download</body></html>\n"})
case("population-is-empty", 1, "the table is empty", pop_job(), {"population.csv": "\n"})
case("population-latin1-named", 0, "not UTF-8 at byte", pop_job(),
     {}, {"population.csv": b'"lsoa11_code","name","total_population"\n' + b"".join(
         f'{c},"Caf\xe9",1000\n'.encode("latin-1") for c in RUTLAND_CODES)})
case("network-is-a-web-page", 1, "looks like an HTML web page", job(network='path = "roads.osm.pbf"'),
     {"roads.osm.pbf": "<html><head><title>404 Not Found</title></head></html>\n"})
case("network-is-json", 1, "looks like JSON", job(network='path = "roads.osm.pbf"'), {"roads.osm.pbf": '{"type": "FeatureCollection"}\n'})


# ---- values and codes (issue 19) ----------------------------------------------------------------
case("population-implausible", 1, "more than 100,000 people, implausible for an LSOA: E01013787 (1500000)", pop_job(),
     {"population.csv": population_csv([(c, 1500000 if c == "E01013787" else 1500) for c in RUTLAND_CODES])})
case("population-fractional", 0, "have a fractional population (estimates or rates?): E01013788 (1500.5)", pop_job(),
     {"population.csv": population_csv([(c, "1500.5" if c == "E01013788" else 1500) for c in RUTLAND_CODES])})
case("population-zero", 0, "have a population of 0 and weigh nothing in the results: E01013789", pop_job(),
     {"population.csv": population_csv([(c, 0 if c == "E01013789" else 1500) for c in RUTLAND_CODES])})
case("population-missing-row", 0, "population: 1 of 23 areas have no row in", pop_job(),
     {"population.csv": population_csv([(c, 1500) for c in RUTLAND_CODES[1:]])})
case("population-codes-unicode-spaces", 0, "codes had spaces or lower case and were normalised", pop_job(),
     {"population.csv": population_csv([(c[:3] + "\u00a0" + c[3:] + "\u200b", 1500) for c in RUTLAND_CODES])})

# Codes that do not join, named in both directions with what they look like (issue 19)
case("population-some-lsoa21-codes", 0, "the table looks like LSOA 2021 and the areas like LSOA 2011", pop_job(),
     {"population.csv": population_csv([(c, 1500) for c in RUTLAND_CODES[2:]] + [("E01035101", 800), ("E01035102", 700)])})
case("population-both-directions-named", 0, "the table's codes that match no area: E01035101, E01035102", pop_job(),
     {"population.csv": population_csv([(c, 1500) for c in RUTLAND_CODES[2:]] + [("E01035101", 800), ("E01035102", 700)])})
case("population-msoa-codes", 1, "mostly MSOA codes", pop_job(),
     {"population.csv": population_csv([("E020%05d" % (5000 + i), 7000) for i in range(8)])})

# Tables: every problem at once, exact copies dropped, ragged rows, padding (issue 19)
case("table-all-problems-at-once", 1, "4 problems in the table: line 2, field 'total_population': 'many' is not a number; "
     "line 4, field 'total_population': 'lots' is not a number; line 6, field 'total_population': empty value", pop_job(),
     {"population.csv": population_csv([("E01013787", "many"), ("E01013788", "1500"), ("E01013789", "lots"), ("E01013790", "1400"),
                                        ("E01013791", ""), ("E01013788", "1700")])})
case("table-conflicting-duplicate-names-both-lines", 1, "line 7, field 'lsoa11_code': duplicate area code E01013788 with other values than line 3",
     pop_job(), {"population.csv": population_csv([("E01013787", "many"), ("E01013788", "1500"), ("E01013789", "lots"), ("E01013790", "1400"),
                                                   ("E01013791", ""), ("E01013788", "1700")])})
case("table-exact-copy-dropped", 0, "1 rows are exact copies of an earlier row and were dropped: E01013790 (line 25)", pop_job(),
     {"population.csv": population_csv([(c, 1500) for c in RUTLAND_CODES] + [("E01013790", 1500)])})
case("table-ragged-rows", 1, "2 problems in the table: line 3: 3 cells where the header (line 1) has 2; line 5: 1 cells", pop_job(),
     {"population.csv": population_csv([(c, 1500) for c in RUTLAND_CODES]).replace("E01013788,1500", "E01013788,1,500")
                                                                         .replace("E01013790,1500", "E01013790")})
case("table-padding-and-signs-trimmed", 0, "2 numbers had spaces or a '+' sign around them, trimmed: line 2 (total_population), "
     "line 3 (total_population)", pop_job(),
     {"population.csv": population_csv([("E01013787", "  1500 "), ("E01013788", "+1500")] + [(c, 1500) for c in RUTLAND_CODES[2:]])})
case("table-population-nomis-layout", 0, "wrote", pop_job(),
     {"population.csv": 'Mid-2020 population estimates,,\nONS Crown Copyright Reserved [from Nomis],,\n,,\n'
                        + population_csv([(c, 1500) for c in RUTLAND_CODES], header='"lsoa11_code","total_population",\n').replace("\n", ",\n").replace(",,\n", ",\n")
                        + ',,\n,"Notes: figures are estimates",\n'})
case("table-indicator-all-problems-at-once", 1, "3 problems in the table: line 2, field 'v': '12%' is not a number; line 3, field 'v': 'n/k'",
     index_job('path = "t.csv"\ncode_field = "code"\nfield = "v"'), {"t.csv": "code,v\nE01013600,12%\nE01013601,n/k\nE01013602,1\nE01013602,2\n"})

# A network no edge of which a mode may use: named for that mode (issue 19)
_motorways = geojson([{"type": "Feature", "properties": {"highway": "motorway"},
                       "geometry": {"type": "LineString", "coordinates": [[-0.75 + 0.005 * i, 52.66], [-0.745 + 0.005 * i, 52.66]]}}
                      for i in range(10)])
case("network-no-edge-for-the-mode", 1, "no road of the network can be used by the walk mode",
     job(network='path = "motorways.geojson"\nclass_field = "highway"'), {"motorways.geojson": _motorways})

# One area under two spellings of its code (issue 19 review): counted once, or refused when the values differ
case("population-code-spelled-twice-same-value", 0, "1 rows repeat an area under another spelling of its code, with the same value",
     pop_job(), {"population.csv": population_csv([(c, 1500) for c in RUTLAND_CODES] + [("e01013790", 1500)])})
case("population-code-spelled-twice-other-value", 1, "are the same area code E01013790 with different populations", pop_job(),
     {"population.csv": population_csv([(c, 1500) for c in RUTLAND_CODES] + [("e01013790", 900)])})

# A semicolon-separated table whose title line mentions the code field: the header line decides
case("table-semicolons-title-mentions-code-field", 0, "wrote", pop_job(),
     {"population.csv": "Population by lsoa11_code, mid-2020, persons\nlsoa11_code;total_population\n"
                        + "".join(f"{c};1500\n" for c in RUTLAND_CODES)})


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    sample_pbf = os.path.join(HERE, "../../../data/rutland/osm/rutland-2018-02-27.osm.pbf")
    for i, (name, code, message, text, files, binary) in enumerate(CASES, 1):
        folder = os.path.join(OUT, f"{i:02d}-{name}")
        os.makedirs(folder)
        output = files.pop("_out", "")
        with open(os.path.join(folder, "job.toml"), "w") as f:
            f.write(f"# Bad-input case {i}: {name}\n" + text)
        for fname, content in files.items():
            os.makedirs(os.path.dirname(os.path.join(folder, fname)), exist_ok=True)  # a GTFS feed is a folder
            with open(os.path.join(folder, fname), "w", encoding="utf-8") as f:
                f.write(content)
        for fname, content in binary.items():
            if content == "TRUNCATE":
                content = open(sample_pbf, "rb").read()[:50000]
            with open(os.path.join(folder, fname), "wb") as f:
                f.write(content)
        with open(os.path.join(folder, "expect.txt"), "w") as f:
            f.write(f"exit={code}\nmessage={message}\n" + (f"output={output}\n" if output else ""))
    print(f"wrote {len(CASES)} cases to {OUT}")


if __name__ == "__main__":
    main()
