// Our own binary files (graph, prepared routing inputs, task results): a fixed header with a
// magic word, a format version and a checksum of the payload, then arrays with their lengths.
// Written to a temporary file and renamed, read through a memory map.
#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace accessatlas::detail {

// 64-bit hash over 8-byte words (a multiply-xorshift mix): several GB/s, enough to catch a
// truncated or damaged file. Not cryptographic.
std::uint64_t hash_bytes(const void* data, std::size_t size, std::uint64_t seed = 0x9E3779B97F4A7C15ull);

class BinaryWriter {
public:
    template <typename T>
    void put(const T& v) {
        static_assert(std::is_arithmetic_v<T>);
        append(&v, sizeof v);
    }
    template <typename T, typename A>
    void put_array(const std::vector<T, A>& v) {
        static_assert(std::is_arithmetic_v<T>, "write records field by field: padding would make files differ");
        put<std::uint64_t>(v.size());
        align();
        append(v.data(), v.size() * sizeof(T));
        align();
    }
    // Records written as memory images: the caller guarantees no padding byte is left
    // uninitialised (zero-filled records), so equal data gives equal files.
    template <typename T, typename A>
    void put_records(const std::vector<T, A>& v) {
        static_assert(std::is_trivially_copyable_v<T>);
        put<std::uint64_t>(v.size());
        put<std::uint64_t>(sizeof(T));
        align();
        append(v.data(), v.size() * sizeof(T));
        align();
    }
    void put_string(const std::string& s) {
        put<std::uint64_t>(s.size());
        append(s.data(), s.size());
        align();
    }
    void put_strings(const std::vector<std::string>& v) {
        put<std::uint64_t>(v.size());
        for (const auto& s : v) put_string(s);
    }
    const std::vector<unsigned char>& bytes() const { return m_bytes; }

private:
    void append(const void* p, std::size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        m_bytes.insert(m_bytes.end(), b, b + n);
    }
    void align() { m_bytes.resize((m_bytes.size() + 7) / 8 * 8, 0); }
    std::vector<unsigned char> m_bytes;
};

class BinaryReader {
public:
    BinaryReader(const unsigned char* data, std::size_t size, std::string file) : m_p(data), m_end(data + size), m_file(std::move(file)) {}
    template <typename T>
    T get() {
        T v;
        take(&v, sizeof v);
        return v;
    }
    template <typename T, typename A = std::allocator<T>>
    std::vector<T, A> get_array() {
        return take_vector<T, A>(get<std::uint64_t>());
    }
    // Steps over an array written by put_array without copying it.
    template <typename T>
    void skip_array() {
        take_span<T>(get<std::uint64_t>());
        skip_align();
    }
    template <typename T, typename A = std::allocator<T>>
    std::vector<T, A> get_records() {
        static_assert(std::is_trivially_copyable_v<T>);
        const auto n = get<std::uint64_t>();
        if (get<std::uint64_t>() != sizeof(T)) layout_differs();
        return take_vector<T, A>(n);
    }
    std::string get_string() {
        const auto n = get<std::uint64_t>();
        if (n > static_cast<std::uint64_t>(m_end - m_p)) truncated();
        std::string s(reinterpret_cast<const char*>(m_p), n);
        m_p += n;
        skip_align();
        return s;
    }
    std::vector<std::string> get_strings() {
        const auto n = get<std::uint64_t>();
        if (n > static_cast<std::uint64_t>(m_end - m_p)) truncated();
        std::vector<std::string> v;
        v.reserve(n);
        for (std::uint64_t i = 0; i < n; ++i) v.push_back(get_string());
        return v;
    }

    // Refuses the file (InputError naming it) for a reason found by the caller.
    [[noreturn]] void fail(const std::string& what) const;

private:
    // n elements after the alignment padding, checked against what is left of the file.
    template <typename T, typename A = std::allocator<T>>
    std::vector<T, A> take_vector(std::uint64_t n) {
        const unsigned char* at = take_span<T>(n);
        std::vector<T, A> v(n);
        if (n) std::memcpy(v.data(), at, n * sizeof(T));
        skip_align();
        return v;
    }
    // Where n elements start (after the alignment padding); the reader moves past them.
    template <typename T>
    const unsigned char* take_span(std::uint64_t n) {
        skip_align();
        if (n > static_cast<std::uint64_t>(m_end - m_p) / sizeof(T)) truncated();
        const unsigned char* at = m_p;
        m_p += n * sizeof(T);
        return at;
    }
    void take(void* out, std::size_t n) {
        if (n > static_cast<std::size_t>(m_end - m_p)) truncated();
        if (n) std::memcpy(out, m_p, n);
        m_p += n;
    }
    void skip_align() {
        const std::size_t used = reinterpret_cast<std::uintptr_t>(m_p) % 8;
        if (used) m_p += std::min<std::size_t>(8 - used, static_cast<std::size_t>(m_end - m_p));
    }
    [[noreturn]] void truncated() const;
    [[noreturn]] void layout_differs() const;
    const unsigned char* m_p;
    const unsigned char* m_end;
    std::string m_file;
};

// A read-only memory map of a whole file (empty files map to nothing).
class MappedFile {
public:
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    const unsigned char* data() const { return m_data; }
    std::size_t size() const { return m_size; }

private:
    const unsigned char* m_data = nullptr;
    std::size_t m_size = 0;
};

// The header every file of ours starts with.
struct FileHeader {
    char magic[8];          // e.g. "AAGRAPH\0"
    std::uint32_t version;  // format version of that kind of file
    std::uint32_t endian;   // 0x01020304 as written: a file from another byte order is refused
    std::uint64_t payload_size;
    std::uint64_t payload_hash;
    std::uint64_t key;  // what the file belongs to (e.g. the manifest's hash); 0 = none
};
static_assert(sizeof(FileHeader) == 40);

// Writes `parts` one after the other to `path` through `path.tmp.<pid>` and a rename, so a
// reader never sees a half-written file (our binary files and the scale-out manifest).
void write_file_atomically(const std::string& path, std::initializer_list<std::string_view> parts);

// Writes header + payload atomically. Returns the payload's checksum.
std::uint64_t write_binary_file(const std::string& path, const char (&magic)[8], std::uint32_t version, std::uint64_t key,
                                const std::vector<unsigned char>& payload);

// Maps `path` and checks magic, byte order, version, size and checksum; throws InputError
// naming the file and saying what to do (`what` names the kind, `remedy` how to rebuild it).
struct CheckedFile {
    std::unique_ptr<MappedFile> map;
    FileHeader header{};
    std::string path;
    BinaryReader payload() const;
};
CheckedFile open_binary_file(const std::string& path, const char (&magic)[8], std::uint32_t version, const std::string& what,
                             const std::string& remedy);

}  // namespace accessatlas::detail
