#include <accessatlas/util/huge_pages.hpp>

#include <sys/mman.h>

#include <algorithm>
#include <new>

namespace accessatlas {

void* allocate_huge(std::size_t bytes) {
    constexpr std::size_t huge = std::size_t{2} << 20;
    if (bytes < 2 * huge) {
        void* p = std::malloc(std::max<std::size_t>(bytes, 1));
        if (!p) throw std::bad_alloc();
        return p;
    }
    void* p = std::aligned_alloc(huge, (bytes + huge - 1) / huge * huge);
    if (!p) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    madvise(p, (bytes + huge - 1) / huge * huge, MADV_HUGEPAGE);  // a hint: nothing to do if refused
#endif
    return p;
}

}  // namespace accessatlas
