// Fuzz target: safetensors weights from outside — the header's length and JSON, tensor names,
// dtypes, shapes and offsets, and the values — loaded into a small module with one parameter
// and one buffer, as the model sessions load theirs (after the manifest's sha256, which a
// hostile file can match by being the file the manifest was written for).

#include <torch/torch.h>

#include "fuzzsupport.h"
#include "ml/safetensorsread.h"

namespace {

// conv.weight [2, 3] (a parameter) and norm.running_mean [4] (a buffer), as the real nets
// name theirs.
struct Conv : torch::nn::Module
{
    Conv() { weight = register_parameter("weight", torch::zeros({2, 3})); }
    torch::Tensor weight;
};
struct Norm : torch::nn::Module
{
    Norm() { mean = register_buffer("running_mean", torch::zeros({4})); }
    torch::Tensor mean;
};
struct Tiny : torch::nn::Module
{
    Tiny()
    {
        register_module("conv", std::make_shared<Conv>());
        register_module("norm", std::make_shared<Norm>());
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Tiny module;
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    tincture::fuzz::report(
        tincture::ml::loadSafetensors(QStringLiteral("fuzz.safetensors"), bytes, module));
    return 0;
}
