// Every layer of a written GeoPackage is as job::output_layers() describes it: the same fields,
// named and typed, in the same order; and every layer described as always written is there. What
// keeps the writers, the docs (docs/layers.md) and the field checks naming a field once.
#pragma once

#include <accessatlas/job/layers.hpp>

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace accessatlas::test {

inline void expect_layers_as_described(GDALDataset* ds, const job::Job& job) {
    ASSERT_NE(ds, nullptr);
    std::map<std::string, job::OutputLayer> described;
    for (auto& l : job::output_layers(job)) described[l.name] = l;
    const auto type_of = [](const OGRFieldDefn* f) -> std::string {
        switch (f->GetType()) {
        case OFTString: return "text";
        case OFTInteger:
        case OFTInteger64: return "integer";
        case OFTReal: return "real";
        default: return "other";
        }
    };
    std::set<std::string> written;
    for (int i = 0; i < ds->GetLayerCount(); ++i) {
        OGRLayer* layer = ds->GetLayer(i);
        const std::string name = layer->GetName();
        if (name == "layer_styles") continue;
        written.insert(name);
        auto it = described.find(name);
        std::vector<std::string> expected;
        if (it != described.end()) {
            for (const auto& f : it->second.fields) expected.push_back(f.name + ":" + f.type);
        } else if (name.size() > 10 && name.compare(name.size() - 10, 10, "_by_decile") == 0) {
            // The by-decile table of a field the run chose to summarise.
            expected = {"grouping:text", "group:integer", "areas:integer", "population:real", "mean:real", "sii_fitted:real"};
        } else {
            ADD_FAILURE() << "layer " << name << " is written but no layer description names it";
            continue;
        }
        std::vector<std::string> actual;
        auto* defn = layer->GetLayerDefn();
        for (int k = 0; k < defn->GetFieldCount(); ++k)
            actual.push_back(std::string(defn->GetFieldDefn(k)->GetNameRef()) + ":" + type_of(defn->GetFieldDefn(k)));
        EXPECT_EQ(actual, expected) << "layer " << name;
    }
    for (const auto& [name, l] : described) {
        if (!l.conditional) {
            EXPECT_TRUE(written.count(name)) << "layer " << name << " is described but not written";
        }
    }
}

}  // namespace accessatlas::test
