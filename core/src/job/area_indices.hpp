// Private: the area-level stages of a job (indices, composite, clustering), which work on
// per-area fields: the ones the routing and green-space stages computed, and tables.
#pragma once

#include "job/common.hpp"

#include <accessatlas/indices/indices.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/job/job.hpp>
#include <accessatlas/styles/styles.hpp>

#include <string>
#include <utility>
#include <vector>

namespace accessatlas::job::detail {

struct AreaSet {
    const std::vector<std::string>& code;
    const std::vector<std::string>& name;
    const std::vector<double>& population;
    const std::vector<std::vector<unsigned char>>& wkb;
};

struct IndexOutcome {
    const IndexSpec* spec = nullptr;
    std::vector<std::vector<double>> raw;  // [indicator][area]
    indices::IndexResult result;
    std::vector<int> band, quintile, decile;
};

struct CompositeOutcome {
    std::vector<std::vector<double>> raw;  // [domain][area]
    indices::IndexResult result;
    std::vector<int> rank, decile;
    std::vector<int> imd_decile;  // 0 = unknown
    // Sensitivity to the domain weights (each domain left out in turn, and random weightings):
    // per area the rank's range, its 5th and 95th percentiles over the random weightings, and
    // the % of them that put the area in the highest-need fifth. Empty with one domain.
    std::vector<int> rank_min, rank_max, rank_p05, rank_p95;
    std::vector<double> top_fifth_pct;
    std::size_t weightings = 0;
};

struct ClusterOutcome {
    std::vector<std::uint32_t> neighbour_count;
    std::vector<indices::MoranGlobal> global;  // per field
    std::vector<indices::Lisa> local;
};

struct AreaIndicesOutcome {
    std::vector<IndexOutcome> indices;
    CompositeOutcome composite;
    ClusterOutcome clusters;
    std::vector<std::string> inputs;       // files read, for metadata and reports
    std::vector<std::string> conversions;  // LSOA year conversions done, for metadata
};

// The area fields a job will compute, in order, so that composite domains and clustering
// fields are checked before the long work starts. Throws InputError for an unknown name.
void check_area_field_names(const Job& job);

// The styles of the index layers, the default first per layer: embedded in the GeoPackage
// and written to styles/ (one description, so the two cannot differ).
struct LayerStyle {
    std::string layer;
    styles::Style style;
    bool is_default = false;
};
std::vector<LayerStyle> index_layer_styles(const Job& job);

AreaIndicesOutcome compute_area_indices(const Job& job, const AreaSet& areas, FieldStore& store, Reporter& reporter);
void write_area_indices(io::GpkgWriter& out, const Job& job, const AreaSet& areas, const AreaIndicesOutcome& outcome,
                        const FieldStore& store);

}  // namespace accessatlas::job::detail
