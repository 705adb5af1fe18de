// Private: a mode profile in our binary files (the .aamode graph and the scale-out inputs),
// field by field so no padding reaches the file.
#pragma once

#include "util/binary_file.hpp"

#include <accessatlas/network/network.hpp>

namespace accessatlas::network {

void put_profile(detail::BinaryWriter& w, const Profile& p);
Profile get_profile(detail::BinaryReader& r);

}  // namespace accessatlas::network
