#include "foundation/processsetup.h"

#include <cstdlib>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace tincture {

void setUpProcess()
{
    setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
#ifdef __GLIBC__
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, int(kKeptFreeBytes));
#endif
}

} // namespace tincture
