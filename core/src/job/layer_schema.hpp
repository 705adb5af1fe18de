// Private: one description per output layer, so that a layer and its fields are named once. Each
// function gives, from the job (and what a writer cannot know beforehand, passed in), a layer's
// name, geometry, fields (name, type, units, description) and description. The writers create
// their layers from it and add values in its field order; output_schemas() lists every layer a
// job writes, in the order written, for `accessatlas layers` (docs/layers.md) and for the test
// that compares every sample's GeoPackage with it.
#pragma once

#include <accessatlas/io/layers.hpp>
#include <accessatlas/job/job.hpp>

#include <string>
#include <vector>

namespace accessatlas::job::detail {

struct SchemaField {
    std::string name;
    io::FieldType type = io::FieldType::real;
    std::string units;  // "" = none (codes, names, classes)
    std::string description;
};

struct LayerSchema {
    std::string name;
    std::string family;  // access, catchments, green space, scenarios, indices, inequality, warnings
    io::GeometryKind geometry = io::GeometryKind::none;
    std::string description;
    std::vector<SchemaField> fields;
    // Written only when the data call for it (e.g. run_warnings when a warning names an item).
    bool conditional = false;

    std::vector<io::FieldDef> field_defs() const;
    io::LayerWriter& create(io::GpkgWriter& out) const;
};

// Access: `prefix` is "" for the baseline, "<scenario>_" for a scenario.
LayerSchema lsoa_access_schema(const Job& job, const std::string& prefix);
LayerSchema origins_nearest_schema(const Job& job, const std::string& prefix);
LayerSchema facilities_schema(const Job& job, const std::string& prefix);
// Catchments of one (service, mode): `prefix` + "<service>_<mode>_" + catchments, coverage ...
LayerSchema catchments_schema(const std::string& prefix, const std::string& service, network::Mode mode);
LayerSchema coverage_schema(const std::string& prefix, const std::string& service, network::Mode mode);
LayerSchema catchment_members_schema(const std::string& prefix, const std::string& service, network::Mode mode);
LayerSchema supply_schema(const std::string& prefix, const std::string& service, network::Mode mode);
// Green space.
LayerSchema lsoa_greenspace_schema(const Job& job);
LayerSchema greenspace_sites_schema();
LayerSchema greenspace_entrances_schema();
// Scenarios.
LayerSchema lsoa_delta_schema(const Job& job, const ScenarioSpec& scenario);
LayerSchema scenario_summary_schema(const Job& job);
// Indices, the composite index, clusters.
LayerSchema index_schema(const IndexSpec& spec);
// `sensitivity`: the composite's re-weighting fields (written when the index has two or more
// domains to re-weight).
LayerSchema composite_schema(const Job& job, bool sensitivity);
LayerSchema clusters_schema(const Job& job);
LayerSchema moran_global_schema();
LayerSchema index_summary_schema();
// Inequality: `realistic_fields` are the services' <service>_realistic_time_min fields computed.
LayerSchema inequality_summary_schema();
LayerSchema by_decile_schema(const std::string& indicator, const std::string& deprivation_name);
LayerSchema realistic_access_schema(const std::vector<std::string>& realistic_fields);
// Warnings.
LayerSchema run_warnings_schema();

// Every layer the job writes, in the order written.
std::vector<LayerSchema> output_schemas(const Job& job);

}  // namespace accessatlas::job::detail
