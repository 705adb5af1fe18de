// Backward profile connection scan over every stop at once (see profile_search.hpp).
#include <accessatlas/transit/profile_search.hpp>

#include <algorithm>

namespace accessatlas::transit {

std::vector<Connection> scan_order_connections(const Timetable& tt, double from_s, double until_s) {
    std::vector<Connection> out;
    out.reserve(tt.connection_count());
    for (std::uint32_t t = 0; t < tt.trips.size(); ++t) {
        const auto& trip = tt.trips[t];
        for (std::uint32_t i = 0; i + 1 < trip.event_count; ++i) {
            const auto& a = tt.events[trip.first_event + i];
            const auto& b = tt.events[trip.first_event + i + 1];
            if (a.departure < from_s || b.arrival > until_s) continue;
            out.push_back({a.stop, b.stop, a.departure, b.arrival, t, a.pickup, b.drop_off});
        }
    }
    // Within a trip, connections are pushed in order: a stable sort keeps later ones later,
    // and the reverse below puts them first among equal times.
    std::stable_sort(out.begin(), out.end(),
                     [](const Connection& x, const Connection& y) { return x.dep != y.dep ? x.dep < y.dep : x.arr < y.arr; });
    std::reverse(out.begin(), out.end());
    return out;
}

const ProfileEntry* Profiles::at(std::uint32_t stop, double t) const {
    const ProfileEntry* b = entries.data() + first[stop];
    const ProfileEntry* e = entries.data() + first[stop + 1];
    const ProfileEntry* p = std::partition_point(b, e, [t](const ProfileEntry& x) { return x.departure < t; });
    return p == e ? nullptr : p;
}

namespace {

// A stop's labels while scanning: departure descending (new labels mostly go at the end).
using Labels = std::vector<ProfileEntry>;

// The label for someone at the stop at time t: the last one departing at or after t.
const ProfileEntry* best_from(const Labels& l, double t) {
    // Labels are in descending departure: find the first with departure < t; the one before.
    auto p = std::partition_point(l.begin(), l.end(), [t](const ProfileEntry& x) { return x.departure >= t; });
    return p == l.begin() ? nullptr : &*(p - 1);
}

// Inserts (departure, arrival) unless a label leaving no earlier arrives no later; removes the
// labels it makes useless (leaving no later and arriving no earlier).
void insert(Labels& l, const ProfileEntry& e) {
    // p: first label with departure <= e.departure.
    std::size_t p = l.size();
    while (p > 0 && l[p - 1].departure <= e.departure) --p;
    if (p > 0 && l[p - 1].arrival <= e.arrival) return;  // leaves later, arrives no later
    if (p < l.size() && l[p].departure == e.departure && l[p].arrival <= e.arrival) return;
    std::size_t q = p;
    while (q < l.size() && l[q].arrival >= e.arrival) ++q;  // dominated by the new label
    if (q == p) {
        l.insert(l.begin() + static_cast<std::ptrdiff_t>(p), e);
    } else {
        l[p] = e;
        l.erase(l.begin() + static_cast<std::ptrdiff_t>(p + 1), l.begin() + static_cast<std::ptrdiff_t>(q));
    }
}

}  // namespace

Profiles profile_search(const ProfileInput& in, const CheckCancel& check) {
    const auto& connections = *in.connections;
    const auto& egress = *in.egress_s;
    const auto& egress_target = *in.egress_target;
    std::vector<Labels> labels(in.stop_count);
    struct TripLabel {
        double arrival = never;
        std::uint32_t target = no_index;
    };
    std::vector<TripLabel> trip(in.trip_count);

    std::size_t n = 0;
    for (const auto& c : connections) {
        if (check && (++n & 0x3FFF) == 0) check();
        // Arrival at a target by this connection: stay on, walk from where it arrives, or change.
        TripLabel best = trip[c.trip];
        if (c.drop_off) {
            const double walk = egress[c.arr_stop];
            if (c.arr + walk < best.arrival) best = {c.arr + walk, egress_target[c.arr_stop]};
            const double ready = c.arr + (in.change_s ? (*in.change_s)[c.arr_stop] : 0.0);
            if (const auto* next = best_from(labels[c.arr_stop], ready); next && next->arrival < best.arrival)
                best = {next->arrival, next->target};
        }
        if (best.arrival == never) continue;
        trip[c.trip] = best;
        if (!c.pickup) continue;
        insert(labels[c.dep_stop], {double(c.dep), best.arrival, best.target});
        if (in.footpaths) {
            const auto& fp = *in.footpaths;
            for (std::uint32_t i = fp.first[c.dep_stop]; i < fp.first[c.dep_stop + 1]; ++i)
                insert(labels[fp.from[i]], {c.dep - fp.time_s[i], best.arrival, best.target});
        }
    }

    Profiles out;
    out.first.assign(in.stop_count + 1, 0);
    for (std::uint32_t s = 0; s < in.stop_count; ++s) out.first[s + 1] = out.first[s] + labels[s].size();
    out.entries.reserve(out.first.back());
    for (auto& l : labels) {
        out.entries.insert(out.entries.end(), l.rbegin(), l.rend());
        Labels().swap(l);
    }
    return out;
}

}  // namespace accessatlas::transit
