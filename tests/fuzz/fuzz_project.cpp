// Fuzz target: a project file (.tincture) from outside — JSON, migrations, shots, keyframes,
// strokes — loaded as the studio loads it.

#include "fuzzsupport.h"
#include "project/project.h"
#include "project/projectfile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace tincture;
    const QString path = fuzz::inputFile(data, size, ".tincture");
    project::Project project;
    fuzz::report(project::loadProject(path, project));
    return 0;
}
