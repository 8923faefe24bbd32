// Fuzz target: a model manifest (JSON) from outside, read as every model session reads it
// before it trusts the weights beside it.

#include "fuzzsupport.h"
#include "ml/modelmanifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace tincture;
    const QString path = fuzz::inputFile(data, size, ".json");
    fuzz::report(ml::readManifest(path));
    return 0;
}
