#include "support/test_network.hpp"
#include <accessatlas/error.hpp>
#include <accessatlas/network/graph.hpp>
#include <accessatlas/network/network.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>

using namespace accessatlas;

namespace {
using test::NullReporter;
const std::string roads = std::string(ACCESSATLAS_TEST_DATA) + "/os_open_roads/os_open_roads_2020_road_link.gpkg";
}  // namespace

TEST(OgrReader, OsOpenRoads2020NodesMatchTheirIdentifiers) {
    NullReporter r;
    network::ReadStats stats;
    const auto n = network::read_ogr_network(roads, {}, r, &stats);
    EXPECT_EQ(stats.features_used, 1466u);
    EXPECT_EQ(n.edge_count(), 1466u);
    EXPECT_EQ(n.node_count(), 1217u);
    ASSERT_EQ(n.node_refs.size(), n.node_count());

    // Independently: the distinct startNode/endNode values, and each link's pair.
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpenEx(roads.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    ASSERT_TRUE(ds);
    OGRLayer* layer = ds->GetLayer(0);
    std::set<std::string> ids;
    std::map<std::int64_t, std::pair<std::string, std::string>> ends;
    for (auto& f : *layer) {
        ids.insert(f->GetFieldAsString("startNode"));
        ids.insert(f->GetFieldAsString("endNode"));
        ends[f->GetFID()] = {f->GetFieldAsString("startNode"), f->GetFieldAsString("endNode")};
    }
    EXPECT_EQ(std::set<std::string>(n.node_refs.begin(), n.node_refs.end()), ids);
    for (const auto& e : n.edges) {
        EXPECT_EQ(n.node_refs[e.from], ends[e.source_id].first);
        EXPECT_EQ(n.node_refs[e.to], ends[e.source_id].second);
    }
    // Coordinates are in EPSG:27700 metres (Southampton: about 440000, 113000).
    EXPECT_NEAR(n.nodes[0].x, 440000, 5000);
    EXPECT_NEAR(n.nodes[0].y, 113000, 5000);
}

TEST(OgrReader, OsOpenRoadsClassesMapToProfiles) {
    NullReporter r;
    const auto n = network::read_ogr_network(roads, {}, r);
    std::map<network::RoadClass, int> count;
    int dual = 0;
    for (const auto& e : n.edges) {
        ++count[e.road_class];
        dual += e.dual_carriageway;
    }
    // From the sample: function "A Road" 134 + 5 slip roads; "Restricted Local Access Road" and
    // "Secondary Access Road" are service roads.
    EXPECT_EQ(count[network::RoadClass::primary] + count[network::RoadClass::trunk], 134);
    EXPECT_EQ(count[network::RoadClass::primary_link] + count[network::RoadClass::trunk_link], 5);
    EXPECT_EQ(count[network::RoadClass::service], 31 + 15 + 10 + 2 + 1 + 107 + 2 + 61);
    EXPECT_EQ(dual, 41 + 2 + 5 + 4 + 1 + 4 + 1);
    // Every mode can route on it.
    const auto drive = network::build_mode_graph(n, network::default_profile(network::Mode::drive));
    EXPECT_GT(drive.largest_component_nodes, 1000u);
}

TEST(OgrReader, LayerWithoutCrsIsRefused) {
    // A CSV with WKT geometry has no CRS at all.
    const std::string csv = testing::TempDir() + "/no_crs.csv";
    {
        std::ofstream out(csv);
        out << "WKT,name\n\"LINESTRING (0 0,100 100)\",a\n";
    }
    NullReporter r;
    try {
        network::read_ogr_network(csv, {}, r);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("no coordinate reference system"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("no_crs.csv"), std::string::npos) << e.what();
    }
}

// The current OS Open Roads schema (snake_case in GeoPackage: road_function, form_of_way,
// start_node ...): the same links renamed must give the same graph.
TEST(OgrReader, OsOpenRoadsCurrentSchemaReadsTheSame) {
    GDALAllRegister();
    std::unique_ptr<GDALDataset> src(static_cast<GDALDataset*>(GDALOpenEx(roads.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    ASSERT_TRUE(src);
    const std::string path = testing::TempDir() + "/open_roads_current.gpkg";
    std::remove(path.c_str());
    GDALDriver* gpkg = GetGDALDriverManager()->GetDriverByName("GPKG");
    std::unique_ptr<GDALDataset> dst(gpkg->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_TRUE(dst);
    OGRLayer* in = src->GetLayer(0);
    OGRLayer* out = dst->CreateLayer("road_link", in->GetSpatialRef(), wkbLineString, nullptr);
    const std::vector<std::pair<const char*, const char*>> renames{{"class", "road_classification"}, {"function", "road_function"},
                                                                   {"formOfWay", "form_of_way"},     {"startNode", "start_node"},
                                                                   {"endNode", "end_node"},          {"trunkRoad", "trunk_road"}};
    for (const auto& [from, to] : renames) {
        (void)from;
        OGRFieldDefn f(to, OFTString);
        out->CreateField(&f);
    }
    dst->StartTransaction();
    for (auto& f : *in) {
        OGRFeature g(out->GetLayerDefn());
        for (const auto& [from, to] : renames) g.SetField(to, f->GetFieldAsString(from));
        g.SetGeometry(f->GetGeometryRef());
        ASSERT_EQ(out->CreateFeature(&g), OGRERR_NONE);
    }
    dst->CommitTransaction();
    dst.reset();

    NullReporter r;
    const auto current = network::read_ogr_network(path, {}, r);
    const auto old = network::read_ogr_network(roads, {}, r);
    EXPECT_EQ(current.node_count(), 1217u);
    EXPECT_EQ(current.edge_count(), 1466u);
    ASSERT_EQ(current.edge_count(), old.edge_count());
    for (std::size_t e = 0; e < old.edge_count(); ++e) {
        EXPECT_EQ(current.edges[e].road_class, old.edges[e].road_class) << e;
        EXPECT_EQ(current.edges[e].dual_carriageway, old.edges[e].dual_carriageway) << e;
        EXPECT_EQ(current.node_refs[current.edges[e].from], old.node_refs[old.edges[e].from]) << e;
    }
}
