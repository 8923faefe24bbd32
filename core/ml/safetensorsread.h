#pragma once
// Private to core/ml (includes LibTorch, then Qt): reading a safetensors file (F32 tensors)
// into a module, checking every name and shape against the module's parameters and buffers.

#include <torch/torch.h>

#include "foundation/result.h"

#include <QByteArray>
#include <QString>

namespace tincture::ml {

// `bytes` is the whole file at `path` (named in errors). Errors: truncated or corrupt file,
// a missing, extra or misshapen tensor (ModelMismatch), NaN or infinite values.
Result<void> loadSafetensors(const QString &path, const QByteArray &bytes,
                             torch::nn::Module &module);

} // namespace tincture::ml
