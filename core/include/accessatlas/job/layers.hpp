// Every output layer a job writes, as its writer creates it (one description per layer,
// core/src/job/layer_schema.cpp): name, family, geometry and each field with its type, units and
// meaning. `accessatlas layers JOB --markdown` prints it (docs/layers.md); tests compare every
// sample's GeoPackage with it.
#pragma once

#include <accessatlas/job/job.hpp>

#include <string>
#include <vector>

namespace accessatlas::job {

struct OutputField {
    std::string name;
    std::string type;  // text, real, integer
    std::string units;
    std::string description;
};

struct OutputLayer {
    std::string name;
    std::string family;    // access, catchments, green space, scenarios, indices, inequality, warnings
    std::string geometry;  // polygon, point, line or none (a table)
    std::string description;
    bool conditional = false;  // written only when the data call for it
    std::vector<OutputField> fields;
};

// In the order written. With no [inequality] indicators named, the <field>_by_decile tables of
// the fields the run computes follow the by-decile layout and are not listed one by one.
std::vector<OutputLayer> output_layers(const Job& job);

// A Markdown section per job: each layer and its fields.
std::string output_layers_markdown(const Job& job, const std::string& heading);

}  // namespace accessatlas::job
