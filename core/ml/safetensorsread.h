#pragma once
// Private to core/ml (includes LibTorch, then Qt): what the model sessions share. Reading a
// safetensors file (F32 tensors) into a module, checking every name and shape against the
// module's parameters and buffers; choosing the inference device.

#include <torch/torch.h>

#include "foundation/result.h"

#include <QByteArray>
#include <QString>

#include <map>
#include <string>

namespace tincture::ml {

// `bytes` is the whole file at `path` (named in errors). Errors: truncated or corrupt file,
// a missing, extra or misshapen tensor (ModelMismatch), NaN or infinite values. `optional`:
// tensors the file may hold besides the module's, by name; each one present is read (float32,
// on the CPU, its shape the file's) into its entry, which stays undefined otherwise.
Result<void> loadSafetensors(const QString &path, const QByteArray &bytes,
                             torch::nn::Module &module,
                             std::map<std::string, torch::Tensor> *optional = nullptr);

// "auto" (CUDA when LibTorch sees a GPU), "cpu" or "cuda" (an error when there is none).
Result<torch::Device> inferenceDevice(const QString &device);

} // namespace tincture::ml
