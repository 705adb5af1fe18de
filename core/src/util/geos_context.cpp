#include "util/geos_context.hpp"

#include <accessatlas/error.hpp>

namespace accessatlas::detail {

namespace {
void quiet(const char*, void*) {}
struct Context {
    GEOSContextHandle_t h = GEOS_init_r();
    Context() {
        GEOSContext_setNoticeMessageHandler_r(h, quiet, nullptr);
        GEOSContext_setErrorMessageHandler_r(h, quiet, nullptr);
    }
    ~Context() { GEOS_finish_r(h); }
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
};
}  // namespace

GEOSContextHandle_t geos() {
    thread_local Context context;
    return context.h;
}

GEOSGeometry* from_wkb(const std::vector<unsigned char>& wkb) {
    auto h = geos();
    GEOSWKBReader* r = GEOSWKBReader_create_r(h);
    GEOSGeometry* g = GEOSWKBReader_read_r(h, r, wkb.data(), wkb.size());
    GEOSWKBReader_destroy_r(h, r);
    if (!g) throw InternalError("GEOS could not read a geometry");
    return g;
}

std::vector<unsigned char> to_wkb(const GEOSGeometry* g) {
    auto h = geos();
    GEOSWKBWriter* w = GEOSWKBWriter_create_r(h);
    GEOSWKBWriter_setByteOrder_r(h, w, GEOS_WKB_NDR);
    std::size_t size = 0;
    unsigned char* bytes = GEOSWKBWriter_write_r(h, w, g, &size);
    GEOSWKBWriter_destroy_r(h, w);
    if (!bytes) throw InternalError("GEOS could not write a geometry");
    std::vector<unsigned char> out(bytes, bytes + size);
    GEOSFree_r(h, bytes);
    return out;
}

GEOSGeometry* make_lines(const std::vector<std::vector<Point>>& lines) {
    auto h = geos();
    std::vector<GEOSGeometry*> parts;
    parts.reserve(lines.size());
    for (const auto& line : lines) {
        if (line.size() < 2) continue;
        GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, static_cast<unsigned>(line.size()), 2);
        for (unsigned i = 0; i < line.size(); ++i) GEOSCoordSeq_setXY_r(h, seq, i, line[i].x, line[i].y);
        parts.push_back(GEOSGeom_createLineString_r(h, seq));
    }
    return GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, parts.data(), static_cast<unsigned>(parts.size()));
}

}  // namespace accessatlas::detail
