// The one description of every algorithm: id, name, help and parameters with types,
// defaults and ranges. The CLI subcommands, the QGIS Processing algorithms and
// docs/algorithms.md are all generated from this table, so they cannot disagree.
#pragma once

#include <accessatlas/job/job.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace accessatlas::algorithms {

enum class ParamType {
    vector_file,       // a layer or file path (QGIS: vector layer / file)
    table_file,        // a table (CSV or any OGR table)
    network_file,      // .osm.pbf or an OGR line layer
    field,             // a field of another parameter's layer (`parent`)
    enumeration,       // one of `choices`
    enumeration_list,  // several of `choices`, comma separated
    number,
    number_list,  // comma separated numbers
    boolean,      // true or false
    text_list,    // comma separated text values
    file_list,    // several files (GTFS feeds), comma separated
    text,
    output_file,
    report_file,   // an HTML report to write (optional; QGIS shows it in the Results Viewer)
    project_file,  // a QGIS project to write (optional: the output as a designed map)
};

struct Param {
    std::string name;     // CLI --name and QGIS parameter name (upper-cased there)
    std::string job_key;  // dotted key in the job file, e.g. "analysis.max_snap_m"
    ParamType type;
    std::string description;    // a short label (one line of a dialog)
    std::string default_value;  // empty = none
    bool required = false;
    std::vector<std::string> choices;
    std::optional<double> minimum;
    std::optional<double> maximum;
    std::string parent;     // for fields: the layer parameter they belong to
    std::string only_with;  // applies (default included) only when this other parameter has a value
    std::string help;       // longer text for QGIS's help panel and tooltip and the CLI's --help
    std::string geometry;   // layers: "point", "line", "polygon" or "" (any); QGIS offers only such layers
};

struct Algorithm {
    std::string id;    // stable: CLI subcommand and QGIS id accessatlas:<id>
    std::string name;  // display name
    std::string group;
    std::string summary;  // one line
    std::string help;     // a paragraph
    std::vector<Param> params;
    std::vector<std::string> switches_on;  // boolean job keys the algorithm sets to true
};

const std::vector<Algorithm>& all();
const Algorithm* find(const std::string& id);

// Builds a job from parameter values given as text (lists comma separated), validated by
// the same code that reads job files. Missing values take their defaults.
// `layers` names the layer to read for file parameters of multi-layer files (a GeoPackage
// layer chosen in QGIS): by parameter name.
job::Job job_from_parameters(const Algorithm& algorithm, const std::map<std::string, std::string>& values,
                             const std::map<std::string, std::string>& layers = {});

// How a message names what the user set: the dialog's label in QGIS, the option on the command
// line.
enum class ParameterNaming { qgis_label, cli_option };
// A message from reading or running a job built from `algorithm`'s parameters, with each job key
// it names as the user set it: "key 'areas.code_field': missing" becomes "parameter \"Area code
// field (empty: guessed)\": missing" in QGIS and "option --area_code_field: missing" on the
// command line; "areas.code_field not given" becomes "\"Area code field (empty: guessed)\" left
// empty" or "--area_code_field not given". Keys the algorithm has no parameter for stay as they are.
std::string name_parameters(std::string message, const Algorithm& algorithm, ParameterNaming naming);

// The job key that holds the layer name for a file parameter's job key
// ("services.path" -> "services.layer", "greenspace.entrances" -> "greenspace.entrances_layer").
std::string layer_key_for(const std::string& job_key);

// Markdown reference of every algorithm (docs/algorithms.md is this text), and of one (its
// section; the QGIS dialog's Help button shows it rendered).
std::string markdown_reference();
std::string markdown_reference(const Algorithm& algorithm);

}  // namespace accessatlas::algorithms
