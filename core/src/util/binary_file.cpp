#include "util/binary_file.hpp"

#include <accessatlas/error.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace accessatlas::detail {

namespace {
constexpr std::uint32_t endian_mark = 0x01020304u;

std::uint64_t mix(std::uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}
}  // namespace

std::uint64_t hash_bytes(const void* data, std::size_t size, std::uint64_t seed) {
    const auto* p = static_cast<const unsigned char*>(data);
    std::uint64_t h = seed ^ (size * 0xc2b2ae3d27d4eb4full);
    // Four lanes so the multiplies overlap; the lanes are folded at the end.
    std::uint64_t lane[4] = {h, h + 1, h + 2, h + 3};
    std::size_t i = 0;
    for (; i + 32 <= size; i += 32)
        for (int k = 0; k < 4; ++k) {
            std::uint64_t w;
            std::memcpy(&w, p + i + 8 * k, 8);
            lane[k] = (lane[k] ^ w) * 0x9E3779B97F4A7C15ull;
            lane[k] ^= lane[k] >> 29;
        }
    for (; i + 8 <= size; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        lane[0] = mix(lane[0] ^ w);
    }
    std::uint64_t tail = 0;
    if (i < size) std::memcpy(&tail, p + i, size - i);
    h = mix(lane[0] ^ tail);
    for (int k = 1; k < 4; ++k) h = mix(h ^ lane[k]);
    return h;
}

void BinaryReader::truncated() const {
    throw InputError("the file ends early or its lengths are damaged", {m_file, {}, {}, {}}, "delete it and create it again");
}

void BinaryReader::fail(const std::string& what) const {
    throw InputError(what, {m_file, {}, {}, {}}, "create the file again with this build (plan again for scale-out files)");
}

void BinaryReader::layout_differs() const {
    throw InputError("the file was written by a build with another record layout", {m_file, {}, {}, {}}, "create it again with this build");
}

MappedFile::MappedFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError(fmt::format("cannot open ({})", std::strerror(errno)), {path, {}, {}, {}}, "check the path");
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        throw InputError("cannot read the file size", {path, {}, {}, {}}, "");
    }
    m_size = static_cast<std::size_t>(st.st_size);
    if (m_size > 0) {
        void* p = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            ::close(fd);
            throw InputError(fmt::format("cannot map the file ({})", std::strerror(errno)), {path, {}, {}, {}}, "");
        }
        ::madvise(p, m_size, MADV_SEQUENTIAL);
        m_data = static_cast<const unsigned char*>(p);
    }
    ::close(fd);
}

MappedFile::~MappedFile() {
    if (m_data) ::munmap(const_cast<unsigned char*>(m_data), m_size);
}

void write_file_atomically(const std::string& path, std::initializer_list<std::string_view> parts) {
    const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw InputError("cannot create the file", {tmp, {}, {}, {}}, "check the folder exists and is writable");
        for (const auto part : parts) out.write(part.data(), static_cast<std::streamsize>(part.size()));
        out.flush();
        if (!out) {
            out.close();
            std::remove(tmp.c_str());
            throw InputError("cannot write the file (disk full?)", {tmp, {}, {}, {}}, "free some space and run again");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        throw InputError("cannot move the finished file into place: " + ec.message(), {path, {}, {}, {}}, "");
    }
}

std::uint64_t write_binary_file(const std::string& path, const char (&magic)[8], std::uint32_t version, std::uint64_t key,
                                const std::vector<unsigned char>& payload) {
    FileHeader h{};
    std::memcpy(h.magic, magic, 8);
    h.version = version;
    h.endian = endian_mark;
    h.payload_size = payload.size();
    h.payload_hash = hash_bytes(payload.data(), payload.size());
    h.key = key;
    write_file_atomically(path, {std::string_view(reinterpret_cast<const char*>(&h), sizeof h),
                                 std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size())});
    return h.payload_hash;
}

BinaryReader CheckedFile::payload() const { return BinaryReader(map->data() + sizeof(FileHeader), header.payload_size, path); }

CheckedFile open_binary_file(const std::string& path, const char (&magic)[8], std::uint32_t version, const std::string& what,
                             const std::string& remedy) {
    CheckedFile f;
    f.map = std::make_unique<MappedFile>(path);
    f.path = path;
    const ErrorContext where{path, {}, {}, {}};
    if (f.map->size() < sizeof(FileHeader) || std::memcmp(f.map->data(), magic, 8) != 0)
        throw InputError(fmt::format("not {} (wrong magic word)", what), where, remedy);
    std::memcpy(&f.header, f.map->data(), sizeof f.header);
    if (f.header.endian != endian_mark) throw InputError(fmt::format("{} written on a machine of another byte order", what), where, remedy);
    if (f.header.version != version)
        throw InputError(fmt::format("{} in format version {}, this build reads version {}", what, f.header.version, version), where,
                         remedy);
    if (f.map->size() - sizeof(FileHeader) != f.header.payload_size)
        throw InputError(fmt::format("{} is truncated or has extra bytes ({} bytes, header says {})", what,
                                     f.map->size() - sizeof(FileHeader), f.header.payload_size),
                         where, remedy);
    if (hash_bytes(f.map->data() + sizeof(FileHeader), f.header.payload_size) != f.header.payload_hash)
        throw InputError(fmt::format("{} is damaged (checksum mismatch)", what), where, remedy);
    return f;
}

}  // namespace accessatlas::detail
