// A QGIS project (.qgs, or .qgz zipped) beside a GeoPackage the engine wrote, so that the run
// opens again as the same designed map: one group named after the run, the facilities and the
// headline area layer on top and visible, scenario differences next, every other layer in a
// collapsed, unticked "Supporting layers" sub-group; each layer with its default style from
// the GeoPackage and named after what it shows. Written from the GeoPackage itself (its layers
// and layer_styles), so the CLI and the QGIS plugin make the same project; QGIS is not needed.
#pragma once

#include <string>
#include <vector>

namespace accessatlas::io {

// Where a layer goes in a run's map (shared with the QGIS plugin's loader).
enum class MapPlace { facilities = 0, headline = 1, main = 2, supporting = 3 };
MapPlace map_place(const std::string& layer, const std::vector<std::string>& all_layers);

// Writes `project_path` (.qgs, or .qgz) for the GeoPackage `gpkg_path`; the layers are referred
// to by a path relative to the project. Throws InputError when it cannot be written.
void write_qgis_project(const std::string& project_path, const std::string& gpkg_path, const std::string& title);

}  // namespace accessatlas::io
