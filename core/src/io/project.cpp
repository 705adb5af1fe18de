#include <accessatlas/io/project.hpp>

#include "io/xml_escape.hpp"

#include <accessatlas/error.hpp>

#include <cpl_vsi.h>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <memory>

namespace accessatlas::io {

namespace {

using detail::xml_escape;
namespace fs = std::filesystem;

struct MapLayer {
    std::string name;
    std::string title;     // the default style's description
    std::string renderer;  // <renderer-v2 ...>...</renderer-v2> of the default style's QML
    std::string geometry;  // Point, Line, Polygon or No geometry (QGIS's words)
    MapPlace place = MapPlace::supporting;
};

std::string geometry_word(OGRwkbGeometryType type) {
    switch (wkbFlatten(type)) {
    case wkbPoint:
    case wkbMultiPoint: return "Point";
    case wkbLineString:
    case wkbMultiLineString: return "Line";
    case wkbPolygon:
    case wkbMultiPolygon: return "Polygon";
    default: return "No geometry";
    }
}

std::vector<MapLayer> read_layers(const std::string& gpkg) {
    std::unique_ptr<GDALDataset> ds(
        static_cast<GDALDataset*>(GDALOpenEx(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!ds) throw InputError("cannot open the GeoPackage for the QGIS project", {gpkg, {}, {}, {}}, "run the job first");
    std::vector<MapLayer> out;
    std::vector<std::string> names;
    for (int i = 0; i < ds->GetLayerCount(); ++i) {
        OGRLayer* l = ds->GetLayer(i);
        if (std::string(l->GetName()) == "layer_styles") continue;
        out.push_back({l->GetName(), {}, {}, geometry_word(l->GetGeomType()), MapPlace::supporting});
        names.push_back(l->GetName());
    }
    for (auto& m : out) m.place = map_place(m.name, names);
    if (OGRLayer* styles = ds->GetLayerByName("layer_styles")) {
        for (auto& f : *styles) {
            if (f->GetFieldAsInteger("useAsDefault") != 1) continue;
            const std::string table = f->GetFieldAsString("f_table_name");
            const std::string qml = f->GetFieldAsString("styleQML");
            for (auto& m : out)
                if (m.name == table) {
                    m.title = f->GetFieldAsString("description");
                    const auto b = qml.find("<renderer-v2");
                    const auto e = qml.find("</renderer-v2>");
                    if (b != std::string::npos && e != std::string::npos) m.renderer = qml.substr(b, e + 14 - b);
                }
        }
    }
    // Facilities on top, then the headline, the main layers and the supporting ones, each in
    // the GeoPackage's order.
    std::stable_sort(out.begin(), out.end(), [](const MapLayer& a, const MapLayer& b) { return a.place < b.place; });
    return out;
}

std::string spatial_ref_xml() {
    OGRSpatialReference srs;
    srs.importFromEPSG(27700);
    char* wkt = nullptr;
    const char* options[] = {"FORMAT=WKT2_2019", nullptr};
    srs.exportToWkt(&wkt, options);
    char* proj4 = nullptr;
    srs.exportToProj4(&proj4);
    const std::string xml =
        fmt::format("<spatialrefsys><wkt>{}</wkt><proj4>{}</proj4><srsid>2437</srsid><srid>27700</srid><authid>EPSG:27700</authid>"
                    "<description>OSGB36 / British National Grid</description><projectionacronym>tmerc</projectionacronym>"
                    "<ellipsoidacronym>EPSG:7001</ellipsoidacronym><geographicflag>false</geographicflag></spatialrefsys>",
                    xml_escape(wkt ? wkt : ""), xml_escape(proj4 ? proj4 : ""));
    CPLFree(wkt);
    CPLFree(proj4);
    return xml;
}

std::string layer_id(const std::string& name) { return "accessatlas_" + name; }

}  // namespace

MapPlace map_place(const std::string& layer, const std::vector<std::string>& all) {
    static const char* const headlines[] = {"lsoa_access",           "lsoa_atlas",   "lsoa_digital_exclusion", "lsoa_greenspace",
                                            "lsoa_realistic_access", "lsoa_clusters"};
    for (const char* h : headlines)
        if (std::find(all.begin(), all.end(), h) != all.end()) {
            if (layer == h) return MapPlace::headline;
            break;
        }
    if (layer == "facilities") return MapPlace::facilities;
    const std::string delta = "_lsoa_delta";
    if (layer.size() > delta.size() && layer.compare(layer.size() - delta.size(), delta.size(), delta) == 0) return MapPlace::main;
    return MapPlace::supporting;
}

void write_qgis_project(const std::string& project_path, const std::string& gpkg_path, const std::string& title) {
    const auto layers = read_layers(gpkg_path);
    std::error_code error;
    const fs::path project_dir = fs::absolute(fs::path(project_path)).parent_path();
    fs::path relative = fs::relative(fs::absolute(gpkg_path), project_dir, error);
    // On another drive or unresolvable: the absolute path (the project then only opens here).
    const std::string source = error || relative.empty() ? fs::absolute(gpkg_path).generic_string() : "./" + relative.generic_string();
    const std::string srs = spatial_ref_xml();
    const std::string group = "Access Atlas: " + title;

    std::string tree, supporting, maplayers;
    for (const auto& m : layers) {
        const std::string name = m.title.empty() ? m.name : m.name + ": " + m.title;
        const bool visible = m.place == MapPlace::facilities || m.place == MapPlace::headline;
        const std::string node = fmt::format(
            R"(<layer-tree-layer id="{}" name="{}" source="{}|layername={}" providerKey="ogr" checked="{}" expanded="{}"><customproperties/></layer-tree-layer>)",
            layer_id(m.name), xml_escape(name), xml_escape(source), xml_escape(m.name), visible ? "Qt::Checked" : "Qt::Unchecked",
            m.place == MapPlace::supporting ? 0 : 1);
        (m.place == MapPlace::supporting ? supporting : tree) += node + "\n";
        maplayers += fmt::format(
            "<maplayer type=\"vector\" geometry=\"{}\" autoRefreshEnabled=\"0\" readOnly=\"0\" hasScaleBasedVisibilityFlag=\"0\">\n"
            "<id>{}</id><datasource>{}|layername={}</datasource><layername>{}</layername>\n<srs>{}</srs>\n"
            "<provider encoding=\"UTF-8\">ogr</provider>\n{}\n</maplayer>\n",
            m.geometry, layer_id(m.name), xml_escape(source), xml_escape(m.name), xml_escape(name), srs, m.renderer);
    }
    if (!supporting.empty())
        tree += "<layer-tree-group name=\"Supporting layers\" checked=\"Qt::Unchecked\" expanded=\"0\"><customproperties/>\n" + supporting +
                "</layer-tree-group>\n";
    const std::string qgs = fmt::format(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        "<qgis projectname=\"{0}\" version=\"3.22.16-Białowieża\">\n<homePath path=\"\"/>\n<title>{0}</title>\n"
        "<projectCrs>{1}</projectCrs>\n"
        "<layer-tree-group><customproperties/>\n<layer-tree-group name=\"{2}\" checked=\"Qt::Checked\" expanded=\"1\"><customproperties/>\n"
        "{3}</layer-tree-group>\n</layer-tree-group>\n"
        "<projectlayers>\n{4}</projectlayers>\n"
        "<properties><Paths><Absolute type=\"bool\">false</Absolute></Paths><SpatialRefSys><ProjectionsEnabled "
        "type=\"int\">1</ProjectionsEnabled>"
        "</SpatialRefSys></properties>\n</qgis>\n",
        xml_escape(title), srs, xml_escape(group), tree, maplayers);

    // Written beside and renamed over, like the GeoPackage: never half a project.
    std::string extension = fs::path(project_path).extension().string();
    for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool zipped = extension == ".qgz";
    // (GDAL writes a zip only under a name it knows as one: the temporary name ends in .zip.)
    const std::string temp = project_path + (zipped ? ".tmp.zip" : ".tmp");
    fs::remove(temp);
    const std::string target = zipped ? "/vsizip/" + temp + "/" + fs::path(project_path).stem().string() + ".qgs" : temp;
    VSILFILE* f = VSIFOpenL(target.c_str(), "wb");
    bool ok = f && VSIFWriteL(qgs.data(), 1, qgs.size(), f) == qgs.size();
    if (f) ok = VSIFCloseL(f) == 0 && ok;  // closing finishes the zip
    error.clear();
    if (ok) fs::rename(temp, project_path, error);
    if (!ok || error) {
        fs::remove(temp, error);
        throw InputError("cannot write the QGIS project", {project_path, {}, {}, {}}, "check the folder exists and may be written");
    }
}

}  // namespace accessatlas::io
