// Fuzz target: a film plan (tincture-cli plan's JSON) from outside, read as render-shot,
// status and assemble read it. A plan that loads must write itself back to bytes that load to
// the same plan (what a task hashes to find its parts folder).

#include "fuzzsupport.h"
#include "pipeline/filmplan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace tincture;
    const QString path = fuzz::inputFile(data, size, ".json");
    Result<pipeline::LoadedPlan> plan = pipeline::loadPlan(path);
    fuzz::report(plan);
    if (plan) {
        const QByteArray bytes = plan->plan.toBytes();
        Result<pipeline::FilmPlan> again = pipeline::FilmPlan::fromBytes(bytes, path);
        if (!again || again->toBytes() != bytes) {
            std::fprintf(stderr, "fuzz_plan: a loaded plan does not load back the same: %s\n",
                         again ? "other bytes" : qPrintable(again.error().message));
            std::abort();
        }
    }
    return 0;
}
