// LibTorch first (see net.h); no Qt here.
#include "ml/internal/safetensors.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tincture::ml {

namespace fs = std::filesystem;

std::string writeSafetensorsFile(const std::string &path,
                                 const std::vector<std::pair<std::string, torch::Tensor>> &tensors,
                                 const std::map<std::string, std::string> &metadata)
{
    std::ostringstream header;
    header << "{\"__metadata__\":{";
    bool first = true;
    for (const auto &[k, v] : metadata) {
        header << (first ? "" : ",") << '"' << k << "\":\"" << v << '"';
        first = false;
    }
    header << '}';
    std::vector<torch::Tensor> data;
    size_t offset = 0;
    for (const auto &[name, t] : tensors) {
        if (name.find("num_batches_tracked") != std::string::npos)
            continue;
        const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
        const size_t bytes = size_t(c.numel()) * sizeof(float);
        header << ",\"" << name << "\":{\"dtype\":\"F32\",\"shape\":[";
        for (int64_t d = 0; d < c.dim(); ++d)
            header << (d ? "," : "") << c.size(d);
        header << "],\"data_offsets\":[" << offset << ',' << offset + bytes << "]}";
        offset += bytes;
        data.push_back(c);
    }
    header << '}';
    std::string h = header.str();
    while (h.size() % 8 != 0)
        h.push_back(' ');
    const std::string tmp = path + ".part";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        const uint64_t n = h.size(); // little-endian on every platform we build for
        out.write(reinterpret_cast<const char *>(&n), 8);
        out.write(h.data(), std::streamsize(h.size()));
        for (const torch::Tensor &c : data)
            out.write(static_cast<const char *>(c.data_ptr()),
                      std::streamsize(c.numel() * sizeof(float)));
        out.flush();
        if (!out)
            return tmp + ": write failed";
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec)
        return path + ": " + ec.message();
    return {};
}

} // namespace tincture::ml
