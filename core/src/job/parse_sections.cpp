// Private: the area-level sections of a job file (green space, geography, indices, composite,
// clustering, inequality) and its scenarios, read into the job. job_parse.cpp calls them in
// the order the checks need (services and modes first).
#include "job/job_reader.hpp"

#include "crs/to_bng.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

namespace accessatlas::job::detail {

void check_table_geography(const Reader& r, const Job& job, const IndicatorSource& src, const std::string& key) {
    if (src.geography.empty() || src.geography == job.geography.areas) return;
    if (job.geography.areas.empty())
        r.fail(key + ".geography", "the table is in " + src.geography + " but the areas' geography is not given", nullptr,
               "add geography = \"lsoa11\" or \"lsoa21\" to [areas]");
    if (job.geography.lookup.empty())
        r.fail(key + ".geography", "converting " + src.geography + " to " + job.geography.areas + " needs the ONS lookup", nullptr,
               "add [geography] lookup = \"...\" (LSOA11CD, LSOA21CD, CHGIND)");
}

IndexSpec parse_index(const Reader& r, const std::string& name, const toml::table& t, const Job& job) {
    const std::string prefix = "indices." + name + ".";
    r.check_keys(t, "index", prefix);
    if (!is_field_name(name))
        r.fail("indices." + name, "the index name must be lower-case letters, digits or _", &t, "it starts field names, e.g. deri_score");
    IndexSpec spec;
    const std::string preset = r.text(t, prefix, "preset", name == "deri" ? "deri" : "");
    if (!preset.empty() && preset != "deri") r.fail(prefix + "preset", "'" + preset + "' is not a preset", t.get("preset"), "use \"deri\"");
    auto& def = spec.def;
    if (preset == "deri") def = indices::deri_preset();
    def.name = name;
    def.title = r.text(t, prefix, "title", def.title.empty() ? name : def.title);
    spec.layer = r.text(t, prefix, "layer", preset == "deri" ? "lsoa_digital_exclusion" : "lsoa_" + name);
    def.basis = r.choice(t, prefix, "basis", indices::Basis::area,
                         {{"area", indices::Basis::area},
                          {"group", indices::Basis::group},
                          {"district", indices::Basis::group},
                          {"reference", indices::Basis::reference},
                          {"nation", indices::Basis::reference}});
    spec.group_field = r.text(t, prefix, "group_field", "");
    if (def.basis == indices::Basis::group && spec.group_field.empty())
        r.fail(prefix + "group_field", "basis group needs a group field", t.get("basis"),
               "name the field of the areas layer that holds the district (e.g. lad_code), or use basis = \"area\"");
    def.normalisation = r.choice(t, prefix, "normalisation", def.normalisation,
                                 {{"minmax", indices::Normalisation::minmax},
                                  {"rank", indices::Normalisation::rank},
                                  {"normal", indices::Normalisation::normal},
                                  {"zscore", indices::Normalisation::zscore},
                                  {"exponential", indices::Normalisation::exponential}});
    def.missing = r.choice(t, prefix, "missing", def.missing,
                           {{"renormalise", indices::MissingRule::renormalise}, {"zero", indices::MissingRule::zero}});

    if (const auto* comps = r.table(t, "components", false)) {
        for (const auto& [k, v] : *comps) {
            const std::string id(k.str());
            const std::string cp = prefix + "components." + id + ".";
            if (!v.is_table()) r.fail(cp.substr(0, cp.size() - 1), "must be a section", &v, "");
            const auto& ct = *v.as_table();
            r.check_keys(ct, "component", cp);
            auto it = std::find_if(def.components.begin(), def.components.end(), [&](const auto& c) { return c.id == id; });
            if (it == def.components.end()) {
                if (preset == "deri") {
                    std::vector<std::string> ids;
                    for (const auto& c : def.components) ids.push_back(c.id);
                    r.fail(cp.substr(0, cp.size() - 1), "DERI has no component '" + id + "'", &v,
                           "did you mean '" + nearest_word(id, ids) + "'?");
                }
                if (!is_field_name(id))
                    r.fail(cp.substr(0, cp.size() - 1), "component names must be lower-case letters, digits or _", &v, "");
                def.components.push_back({id, id, 1});
                it = def.components.end() - 1;
            }
            it->title = r.text(ct, cp, "title", it->title);
            it->weight = r.number(ct, cp, "weight", it->weight, 0, 1e9);
        }
    }

    // Sources: per-indicator sections, or one table with a field per indicator.
    std::map<std::string, IndicatorSource> sources, references;
    const std::string table = r.path(t, prefix, "table", false);
    const std::string table_code_field =
        table.empty() ? job.area_code_field
                      : r.code_field(t, prefix, "table_code_field", table, r.text(t, prefix, "table_layer", ""), job.area_code_field);
    if (const auto* fields = r.table(t, "fields", false)) {
        for (const auto& [k, v] : *fields) {
            IndicatorSource src;
            src.path = table;
            src.layer = r.text(t, prefix, "table_layer", "");
            src.code_field = table_code_field;
            src.numerator = {r.text(*fields, prefix + "fields.", std::string(k.str()), "", true)};
            if (src.numerator.front().empty()) continue;  // left blank in a dialog: missing
            sources[std::string(k.str())] = src;
        }
    }
    const auto* inds = r.table(t, "indicators", false);
    if (inds) {
        for (const auto& [k, v] : *inds) {
            const std::string id(k.str());
            const std::string ip = prefix + "indicators." + id + ".";
            if (!v.is_table()) r.fail(ip.substr(0, ip.size() - 1), "must be a section", &v, "");
            const auto& it = *v.as_table();
            r.check_keys(it, "indicator", ip);
            auto found = std::find_if(def.indicators.begin(), def.indicators.end(), [&](const auto& d) { return d.id == id; });
            if (found == def.indicators.end()) {
                if (preset == "deri") {
                    std::vector<std::string> ids;
                    for (const auto& d : def.indicators) ids.push_back(d.id);
                    r.fail(ip.substr(0, ip.size() - 1), "DERI has no indicator '" + id + "'", &v,
                           "did you mean '" + nearest_word(id, ids) + "'?");
                }
                if (!is_field_name(id))
                    r.fail(ip.substr(0, ip.size() - 1), "indicator names must be lower-case letters, digits or _", &v, "");
                def.indicators.push_back({id, id, "", 1, indices::Direction::higher_is_worse});
                found = def.indicators.end() - 1;
            }
            found->title = r.text(it, ip, "title", found->title);
            found->component = r.text(it, ip, "component", found->component);
            found->weight = r.number(it, ip, "weight", found->weight, 0, 1e9);
            found->direction = parse_direction(r, it, ip, found->direction);
            IndicatorSource src = parse_source(r, it, ip, table_code_field);
            if (src.path.empty() && src.given() && !table.empty()) src.path = table;
            if (src.given()) sources[id] = src;
            if (const auto* ref = r.table(it, "reference", false)) {
                r.check_keys(*ref, "source", ip + "reference.");
                references[id] = parse_source(r, *ref, ip + "reference.", src.code_field);
                if (!references[id].given()) r.fail(ip + "reference.field", "missing", ref, "name the reference table's value field");
            }
        }
    }
    if (def.indicators.empty())
        r.fail(prefix + "indicators", "the index has no indicators", &t, "add [" + prefix + "indicators.<name>] sections");
    if (def.components.empty()) def.components.push_back({"all", "All indicators", 1});
    for (auto& d : def.indicators) {
        if (d.component.empty()) {
            if (def.components.size() == 1)
                d.component = def.components.front().id;
            else
                r.fail(prefix + "indicators." + d.id + ".component", "missing", nullptr, "name the component the indicator belongs to");
        }
        if (std::none_of(def.components.begin(), def.components.end(), [&](const auto& c) { return c.id == d.component; }))
            r.fail(prefix + "indicators." + d.id + ".component", "'" + d.component + "' is not a component of the index", nullptr,
                   "add [" + prefix + "components." + d.component + "]");
    }
    for (const auto& entry : sources) {
        const std::string& id = entry.first;  // a structured binding cannot be captured in C++17 (clang refuses)
        if (std::none_of(def.indicators.begin(), def.indicators.end(), [&](const auto& d) { return d.id == id; })) {
            std::vector<std::string> ids;
            for (const auto& d : def.indicators) ids.push_back(d.id);
            r.fail(prefix + "fields." + id, "'" + id + "' is not an indicator of the index", nullptr,
                   "did you mean '" + nearest_word(id, ids) + "'?");
        }
    }
    for (const auto& d : def.indicators) {
        spec.sources.push_back(sources.count(d.id) ? sources[d.id] : IndicatorSource{});
        spec.references.push_back(references.count(d.id) ? references[d.id] : IndicatorSource{});
    }
    return spec;
}

void parse_scenarios(const Reader& r, const toml::table& root, Job& job) {
    const toml::node* list = root.get("scenarios");
    if (!list) return;
    if (!list->is_array_of_tables()) r.fail("scenarios", "must be a list of [[scenarios]] sections", list, "");
    if (job.services.empty()) r.fail("scenarios", "scenarios change services, and the job has none", list, "add [[services]]");
    std::set<std::string> names;
    for (const auto& node : *list->as_array()) {
        const auto& t = *node.as_table();
        r.check_keys(t, "scenario", "scenarios.");
        ScenarioSpec sc;
        sc.name = r.text(t, "scenarios.", "name", "", true);
        const std::string prefix = "scenarios." + sc.name + ".";
        if (!is_name(sc.name) || sc.name == "baseline")
            r.fail("scenarios.name", "'" + sc.name + "' must be lower-case letters, digits or _, and not 'baseline'", t.get("name"),
                   "it prefixes the scenario's layers, e.g. " + (is_name(sc.name) ? sc.name : std::string("closure")) + "_lsoa_access");
        if (!names.insert(sc.name).second) r.fail("scenarios.name", "'" + sc.name + "' appears twice", t.get("name"), "");
        sc.title = r.text(t, prefix, "title", sc.name);
        sc.profiles = job.profiles;
        if (const toml::node* svs = t.get("services")) {
            if (!svs->is_array_of_tables()) r.fail(prefix + "services", "must be a list of [[scenarios.services]] sections", svs, "");
            for (const auto& sn : *svs->as_array()) {
                const auto& st = *sn.as_table();
                r.check_keys(st, "scenario_service", prefix + "services.");
                FacilityChanges fc;
                // With one service the service may go unsaid.
                const bool one = job.services.size() == 1;
                fc.service = r.text(st, prefix + "services.", "service", one ? job.services.front().name : "", !one);
                std::vector<std::string> known;
                for (const auto& s : job.services) known.push_back(s.name);
                if (std::find(known.begin(), known.end(), fc.service) == known.end())
                    r.fail(prefix + "services.service", "'" + fc.service + "' is not a service of this job", st.get("service"),
                           "did you mean '" + nearest_word(fc.service, known) + "'?");
                fc.remove = r.texts(st, prefix + "services.", "remove", {});
                fc.add_layer.path = r.path(st, prefix + "services.", "add_from", false);
                fc.add_layer.layer = r.text(st, prefix + "services.", "add_from_layer", "");
                if (const toml::node* add = st.get("add")) {
                    if (!add->is_array())
                        r.fail(prefix + "services.add", "must be a list of points", add,
                               "write add = [{ id = \"NEW1\", x = 486000, y = 308000, supply = 4 }]");
                    for (const auto& an : *add->as_array()) {
                        if (!an.is_table()) r.fail(prefix + "services.add", "must be a list of { id = ..., x = ..., y = ... }", &an, "");
                        const auto& at = *an.as_table();
                        const std::string ap = prefix + "services.add.";
                        r.check_keys(at, "new_facility", ap);
                        NewFacility f;
                        f.id = r.text(at, ap, "id", "", true);
                        f.name = r.text(at, ap, "name", "");
                        f.supply = r.number(at, ap, "supply", 1, 0, 1e9);
                        const bool xy = at.contains("x") || at.contains("y");
                        const bool ll = at.contains("lon") || at.contains("lat");
                        if (xy == ll)
                            r.fail(ap + "x", "give x and y (EPSG:27700 metres) or lon and lat (WGS84)", &an,
                                   "e.g. { id = \"NEW1\", x = 486000, y = 308000 }");
                        if (xy) {
                            f.location = {r.number(at, ap, "x", std::nan(""), 0, 800000), r.number(at, ap, "y", std::nan(""), 0, 1400000)};
                            if (!(std::isfinite(f.location.x) && std::isfinite(f.location.y)))
                                r.fail(ap + "x", "needs both x and y", &an, "");
                        } else {
                            const double lon = r.number(at, ap, "lon", std::nan(""), -180, 180);
                            const double lat = r.number(at, ap, "lat", std::nan(""), -90, 90);
                            if (!(std::isfinite(lon) && std::isfinite(lat))) r.fail(ap + "lon", "needs both lon and lat", &an, "");
                            f.location = crs::ToBng::from_wgs84().transform(Point{lon, lat});
                        }
                        fc.add.push_back(std::move(f));
                    }
                }
                // A table { "id" = 6.5 } or, as the command line and QGIS write it, a list of
                // "id=value" texts.
                if (const toml::node* supply = st.get("supply"); supply && supply->is_array()) {
                    for (const std::string& entry : r.texts(st, prefix + "services.", "supply", {})) {
                        const auto eq = entry.find('=');
                        const std::string id = eq == std::string::npos ? std::string() : trim(entry.substr(0, eq));
                        const std::string value = eq == std::string::npos ? std::string() : trim(entry.substr(eq + 1));
                        char* end = nullptr;
                        const double v = value.empty() ? std::nan("") : std::strtod(value.c_str(), &end);
                        if (id.empty() || !(end && *end == '\0') || !(v >= 0 && v <= 1e9))
                            r.fail(prefix + "services.supply", fmt::format("'{}' is not id=value with a value from 0 to 1e9", entry),
                                   supply, "write supply = [\"G1=4\", \"G2=2.5\"] (facility id, then its new supply)");
                        fc.supply[id] = v;
                    }
                } else if (const auto* sup = r.table(st, "supply", false)) {
                    for (const auto& [k, v] : *sup)
                        fc.supply[std::string(k.str())] = r.number(*sup, prefix + "services.supply.", std::string(k.str()), 0, 0, 1e9);
                }
                sc.services.push_back(std::move(fc));
            }
        }
        if (const auto* roads = r.table(t, "roads", false)) {
            r.check_keys(*roads, "roads", prefix + "roads.");
            if (roads->contains("close_ways"))
                for (double id : r.numbers(*roads, prefix + "roads.", "close_ways", {}, -9e15, 9e15))
                    sc.close_ways.push_back(static_cast<std::int64_t>(id));
            sc.close_area.path = r.path(*roads, prefix + "roads.", "close_area", false);
            sc.close_area.layer = r.text(*roads, prefix + "roads.", "close_area_layer", "");
        }
        if (const auto* tr = r.table(t, "transit", false)) {
            const std::string tp = prefix + "transit.";
            r.check_keys(*tr, "scenario_transit", tp);
            if (!job.transit.given())
                r.fail(tp, "the job has no [transit] section", tr, "add [transit] feeds and \"transit\" to analysis.modes");
            auto& ch = sc.transit;
            ch.remove_routes = r.texts(*tr, tp, "remove_routes", {});
            ch.remove_stops = r.texts(*tr, tp, "remove_stops", {});
            if (const auto* freq = r.table(*tr, "route_frequency", false))
                for (const auto& [rk, rv] : *freq)
                    ch.route_frequency[std::string(rk.str())] = r.number(*freq, tp + "route_frequency.", std::string(rk.str()), 1, 0, 20);
            if (tr->contains("date")) {
                ch.date = r.text(*tr, tp, "date", "");
                try {
                    (void)transit::parse_date(ch.date, tp + "date");
                } catch (const InputError&) {
                    r.fail(tp + "date", "'" + ch.date + "' is not a date", tr->get("date"), "write dates as YYYY-MM-DD, e.g. 2024-03-05");
                }
            }
            ch.window_start_s = tr->contains("window_start") ? r.clock(*tr, tp, "window_start", 0) : -1;
            ch.window_end_s = tr->contains("window_end") ? r.clock(*tr, tp, "window_end", 0) : -1;
        }
        if (const auto* speeds = r.table(t, "speeds", false)) {
            for (const auto& [mk, mv] : *speeds) {
                const std::string mode_name(mk.str());
                const auto mode = network::mode_from_string(mode_name);
                const std::string sp = prefix + "speeds." + mode_name + ".";
                if (!mode || !sc.profiles.count(*mode))
                    r.fail(prefix + "speeds." + mode_name, "not a mode of this job", &mv, "use one of analysis.modes");
                if (!mv.is_table()) r.fail(sp, "must be a section of class = km/h (and factor = ...)", &mv, "");
                auto& profile = sc.profiles[*mode];
                const auto& mt = *mv.as_table();
                // The factor first (congestion, a slower fleet), then speeds given by class.
                const double factor = r.number(mt, sp, "factor", 1, 0.01, 10);
                for (auto& v : profile.speed_kmh) v *= factor;
                profile.dual_carriageway_kmh *= factor;
                for (const auto& [ck, cv] : mt) {
                    const std::string cls(ck.str());
                    if (cls == "factor") continue;
                    const auto c = network::road_class_from_string(cls);
                    if (!c) r.fail(sp + cls, "not a road class", &cv, "did you mean '" + nearest_word(cls, class_names()) + "'?");
                    profile.speed_kmh[static_cast<std::size_t>(*c)] = r.number(mt, sp, cls, 0, 0, 200);
                }
            }
        }
        job.scenarios.push_back(std::move(sc));
    }
}

void parse_greenspace(const Reader& r, const toml::table& root, Job& job) {
    if (const auto* g = r.table(root, "greenspace", false)) {
        r.check_keys(*g, "greenspace", "greenspace.");
        auto& spec = job.greenspace;
        spec.enabled = r.boolean(*g, "greenspace.", "enabled", true);
        spec.sites.path = r.path(*g, "greenspace.", "path", true);
        spec.sites.layer = r.text(*g, "greenspace.", "layer", "");
        spec.site_options.name_field = r.text(*g, "greenspace.", "name_field", "");
        spec.site_options.include = r.texts(*g, "greenspace.", "include", {});
        spec.site_options.woodland = r.texts(*g, "greenspace.", "woodland", {});
        for (const auto* list : {&spec.site_options.include, &spec.site_options.woodland})
            for (const auto& f : *list)
                if (f.find('=') == std::string::npos || f.front() == '=')
                    r.fail("greenspace.include", "'" + f + "' is not field=value", g->get("include"),
                           "write e.g. \"leisure=park\" or \"natural=*\"");
        spec.entrances.path = r.path(*g, "greenspace.", "entrances", false);
        spec.entrances.layer = r.text(*g, "greenspace.", "entrances_layer", "");
        spec.site_options.entrance_max_m = r.number(*g, "greenspace.", "entrance_max_m");
        spec.site_options.fallback_spacing_m = r.number(*g, "greenspace.", "fallback_spacing_m");
        const std::string mode = r.text(*g, "greenspace.", "mode", "network");
        if (mode != "network" && mode != "straight")
            r.fail("greenspace.mode", "'" + mode + "' is not a mode", g->get("mode"), "use \"network\" or \"straight\" (straight line)");
        spec.network_mode = mode == "network";
        if (const toml::node* tiers = g->get("tiers")) {
            if (!tiers->is_array_of_tables()) r.fail("greenspace.tiers", "must be a list of [[greenspace.tiers]] sections", tiers, "");
            spec.tiers.clear();
            for (const auto& t : *tiers->as_array()) {
                const auto& tt = *t.as_table();
                r.check_keys(tt, "tier", "greenspace.tiers.");
                greenspace::Tier tier;
                tier.name = r.text(tt, "greenspace.tiers.", "name", "", true);
                tier.min_ha = r.number(tt, "greenspace.tiers.", "min_ha", 0, 0, 1e6);
                tier.max_distance_m = r.number(tt, "greenspace.tiers.", "distance_m", 0, 1, 1e6);
                tier.woodland = r.boolean(tt, "greenspace.tiers.", "woodland", false);
                spec.tiers.push_back(tier);
            }
        }
        const double ten = r.number(*g, "greenspace.", "ten_minute_walk_m");
        for (auto& t : spec.tiers)
            if (t.name == "fit_10min") t.max_distance_m = ten;
        spec.neighbourhood_m = r.number(*g, "greenspace.", "neighbourhood_m");
        spec.capacity_ha_per_1000 = r.number(*g, "greenspace.", "capacity_ha_per_1000");
    }
}

void parse_geography(const Reader& r, const toml::table& root, Job& job) {
    if (const auto* g = r.table(root, "geography", false)) {
        r.check_keys(*g, "geography", "geography.");
        job.geography.lookup = r.path(*g, "geography.", "lookup", false);
        for (const auto& [key, target] : {std::pair{"population_lsoa11", &job.geography.population_lsoa11},
                                          std::pair{"population_lsoa21", &job.geography.population_lsoa21}}) {
            if (const auto* pt = r.table(*g, key, false)) {
                const std::string pp = std::string("geography.") + key + ".";
                r.check_keys(*pt, "source", pp);
                *target = parse_source(r, *pt, pp, "");
                if (!target->given()) r.fail(pp + "field", "missing", pt, "name the population field");
            }
        }
    }
}

void parse_indices(const Reader& r, const toml::table& root, Job& job) {
    if (const auto* ix = r.table(root, "indices", false)) {
        for (const auto& [k, v] : *ix) {
            if (!v.is_table()) r.fail("indices." + std::string(k.str()), "must be a section", &v, "write [indices.deri]");
            job.indices.push_back(parse_index(r, std::string(k.str()), *v.as_table(), job));
        }
    }
}

void parse_composite(const Reader& r, const toml::table& root, Job& job) {
    if (const auto* c = r.table(root, "composite", false)) {
        r.check_keys(*c, "composite", "composite.");
        auto& spec = job.composite;
        spec.enabled = r.boolean(*c, "composite.", "enabled", true);
        spec.layer = r.text(*c, "composite.", "layer", spec.layer);
        spec.method = r.choice(*c, "composite.", "method", spec.method,
                               {{"mean", indices::Normalisation::minmax}, {"exponential", indices::Normalisation::exponential}});
        const auto* domains = r.table(*c, "domains", true);
        for (const auto& [k, v] : *domains) {
            const std::string name(k.str());
            const std::string dp = "composite.domains." + name + ".";
            if (!v.is_table()) r.fail(dp.substr(0, dp.size() - 1), "must be a section", &v, "");
            if (!is_field_name(name)) r.fail(dp.substr(0, dp.size() - 1), "domain names must be lower-case letters, digits or _", &v, "");
            const auto& dt = *v.as_table();
            r.check_keys(dt, "domain", dp);
            CompositeDomain d;
            d.name = name;
            d.title = r.text(dt, dp, "title", name);
            d.field = r.text(dt, dp, "field", "");
            d.direction = parse_direction(r, dt, dp, d.direction);
            d.weight = r.number(dt, dp, "weight", 1, 0, 1e9);
            if (d.field.empty() || dt.contains("path")) {
                toml::table copy = dt;
                for (const char* key : {"title", "direction", "weight"}) copy.erase(key);
                d.source = parse_source(r, copy, dp, job.area_code_field);
                d.field.clear();
                if (!d.source.given())
                    r.fail(dp + "field", "missing", &v, "name a field this job computes (e.g. gp_walk_time_min) or a table");
            }
            spec.domains.push_back(std::move(d));
        }
        if (spec.domains.empty()) r.fail("composite.domains", "no domains", domains, "add [composite.domains.<name>] sections");
        for (const auto& d : spec.domains) check_table_geography(r, job, d.source, "composite.domains." + d.name);
        if (const auto* core20 = r.table(*c, "core20", false)) {
            r.check_keys(*core20, "source", "composite.core20.");
            spec.imd_decile = parse_source(r, *core20, "composite.core20.", job.area_code_field);
            if (!spec.imd_decile.given()) r.fail("composite.core20.field", "missing", core20, "name the IMD decile field, e.g. IMD_decile");
        }
    }
}

void parse_clustering(const Reader& r, const toml::table& root, Job& job) {
    if (const auto* c = r.table(root, "clustering", false)) {
        r.check_keys(*c, "clustering", "clustering.");
        auto& spec = job.clustering;
        spec.enabled = r.boolean(*c, "clustering.", "enabled", true);
        spec.fields = r.text_or_list(*c, "clustering.", "fields");
        if (spec.fields.empty()) r.fail("clustering.fields", "missing", c, "name the output fields to test, e.g. [\"deri_score\"]");
        spec.contiguity = r.choice(*c, "clustering.", "contiguity", spec.contiguity,
                                   {{"queen", indices::Contiguity::queen}, {"rook", indices::Contiguity::rook}});
        spec.tolerance_m = r.number(*c, "clustering.", "tolerance_m", spec.tolerance_m);
        spec.permutations = static_cast<std::size_t>(r.number(*c, "clustering.", "permutations"));
        spec.seed = static_cast<std::uint64_t>(r.number(*c, "clustering.", "seed", static_cast<double>(spec.seed)));
        spec.significance = r.number(*c, "clustering.", "significance", spec.significance);
        spec.layer = r.text(*c, "clustering.", "layer", spec.layer);
    }
}

void parse_inequality(const Reader& r, const toml::table& root, Job& job) {
    if (const auto* q = r.table(root, "inequality", false)) {
        r.check_keys(*q, "inequality", "inequality.");
        auto& spec = job.inequality;
        spec.enabled = r.boolean(*q, "inequality.", "enabled", true);
        spec.deprivation_name = r.text(*q, "inequality.", "deprivation_name", spec.deprivation_name);
        const auto* dep = r.table(*q, "deprivation", true);
        r.check_keys(*dep, "source", "inequality.deprivation.");
        spec.deprivation = parse_source(r, *dep, "inequality.deprivation.", job.area_code_field);
        if (!spec.deprivation.given())
            r.fail("inequality.deprivation.field", "missing", dep, "name the decile field (1 = most deprived), e.g. IMD_decile");
        if (const auto* sc = r.table(*q, "deprivation_score", false)) {
            r.check_keys(*sc, "source", "inequality.deprivation_score.");
            spec.deprivation_score = parse_source(r, *sc, "inequality.deprivation_score.", job.area_code_field);
        }
        spec.indicators = r.texts(*q, "inequality.", "indicators", {});
        if (const toml::node* gs = q->get("groups")) {
            if (!gs->is_array_of_tables()) r.fail("inequality.groups", "must be a list of [[inequality.groups]] sections", gs, "");
            for (const auto& gn : *gs->as_array()) {
                const auto& gt = *gn.as_table();
                r.check_keys(gt, "inequality_group", "inequality.groups.");
                InequalityGroup g;
                g.name = r.text(gt, "inequality.groups.", "name", "", true);
                if (!is_name(g.name))
                    r.fail("inequality.groups.name", "'" + g.name + "' must be lower-case letters, digits or _", gt.get("name"),
                           "e.g. no_car");
                g.title = r.text(gt, "inequality.groups.", "title", g.name);
                toml::table copy = gt;
                copy.erase("name");
                copy.erase("title");
                g.counts = parse_source(r, copy, "inequality.groups." + g.name + ".", job.area_code_field);
                if (!g.counts.given() || g.counts.denominator.empty())
                    r.fail("inequality.groups." + g.name, "needs numerator (the group's count) and denominator (everyone counted)", &gn,
                           "e.g. numerator = \"no_car\", denominator = \"households\"");
                spec.groups.push_back(std::move(g));
            }
        }
        if (const auto* c = r.table(*q, "classes", false)) {
            r.check_keys(*c, "inequality_classes", "inequality.classes.");
            spec.classes.path = r.path(*c, "inequality.classes.", "path", true);
            spec.classes.layer = r.text(*c, "inequality.classes.", "layer", "");
            spec.class_code_field =
                r.code_field(*c, "inequality.classes.", "code_field", spec.classes.path, spec.classes.layer, job.area_code_field);
            spec.class_field = r.text(*c, "inequality.classes.", "field", "", true);
        }
        spec.no_car_group = r.text(*q, "inequality.", "no_car_group", "");
        if (!spec.no_car_group.empty() &&
            std::none_of(spec.groups.begin(), spec.groups.end(), [&](const InequalityGroup& g) { return g.name == spec.no_car_group; }))
            r.fail("inequality.no_car_group", "'" + spec.no_car_group + "' is not one of the [[inequality.groups]]", q->get("no_car_group"),
                   "");
        spec.min_areas_per_decile = static_cast<std::size_t>(r.number(*q, "inequality.", "min_areas_per_decile"));
    }
}

}  // namespace accessatlas::job::detail
