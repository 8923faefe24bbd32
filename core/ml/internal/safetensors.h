#pragma once
// Private to core/ml (includes LibTorch): writing named tensors as a safetensors file
// (little-endian F32, a JSON header with optional string metadata), the format the shipped
// models use. Standard library and LibTorch only, so the trainers build without Qt.

#include <torch/torch.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tincture::ml {

// Writes `tensors` (BatchNorm's num_batches_tracked counters left out) to path + ".part" and
// renames it over `path`. Returns an error message, empty on success.
std::string writeSafetensorsFile(const std::string &path,
                                 const std::vector<std::pair<std::string, torch::Tensor>> &tensors,
                                 const std::map<std::string, std::string> &metadata);

} // namespace tincture::ml
