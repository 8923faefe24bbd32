// LibTorch only (see net.h).
#include "ml/internal/packedimages.h"

#include <cstring>
#include <fstream>

namespace tincture::ml {

std::string loadPacked(const std::string &path, PackedSet &set)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return path + ": cannot open the packed dataset";
    char magic[8];
    uint32_t header[4];
    if (!in.read(magic, 8) || std::memcmp(magic, "TCDSET01", 8) != 0)
        return path + ": not a packed Tincture dataset (bad magic)";
    if (!in.read(reinterpret_cast<char *>(header), sizeof header))
        return path + ": truncated header";
    if (header[3] != 3 || header[0] == 0 || header[1] < 16 || header[2] < 16 || header[1] > 4096 ||
        header[2] > 4096)
        return path + ": implausible header";
    set.count = int(header[0]);
    set.height = int(header[1]);
    set.width = int(header[2]);
    const size_t bytes = size_t(set.count) * set.height * set.width * 3;
    set.pixels.resize(bytes);
    if (!in.read(reinterpret_cast<char *>(set.pixels.data()), std::streamsize(bytes)))
        return path + ": truncated (fewer pixels than the header announces)";
    return {};
}

torch::Tensor sampleBatch(const PackedSet &set, int batch, int crop, std::mt19937_64 &rng)
{
    return sampleBatch(set, batch, crop, rng, nullptr);
}

torch::Tensor sampleBatch(const PackedSet &set, int batch, int crop, std::mt19937_64 &rng,
                          std::vector<int> *picked)
{
    torch::Tensor out = torch::empty({batch, crop, crop, 3}, torch::kUInt8);
    uint8_t *dst = out.data_ptr<uint8_t>();
    std::uniform_int_distribution<int> pick(0, set.count - 1);
    std::uniform_int_distribution<int> offY(0, set.height - crop), offX(0, set.width - crop);
    std::bernoulli_distribution flip(0.5);
    for (int n = 0; n < batch; ++n) {
        const int which = pick(rng);
        if (picked)
            picked->push_back(which);
        const uint8_t *img = set.pixels.data() + size_t(which) * set.height * set.width * 3;
        const int y0 = offY(rng), x0 = offX(rng);
        const bool mirror = flip(rng);
        for (int y = 0; y < crop; ++y) {
            const uint8_t *row = img + (size_t(y0 + y) * set.width + x0) * 3;
            uint8_t *o = dst + (size_t(n) * crop + y) * crop * 3;
            if (!mirror) {
                std::memcpy(o, row, size_t(crop) * 3);
            } else {
                for (int x = 0; x < crop; ++x)
                    std::memcpy(o + x * 3, row + (crop - 1 - x) * 3, 3);
            }
        }
    }
    return out.permute({0, 3, 1, 2}).to(torch::kFloat32).div_(255.0);
}

std::string loadClips(const std::string &path, ClipSet &set)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return path + ": cannot open the packed clips";
    char magic[8];
    uint32_t header[5];
    if (!in.read(magic, 8) || std::memcmp(magic, "TCVPNC01", 8) != 0)
        return path + ": not a packed Tincture VPN clip file (bad magic)";
    if (!in.read(reinterpret_cast<char *>(header), sizeof header))
        return path + ": truncated header";
    if (header[0] == 0 || header[1] < 2 || header[1] > 1000 || header[2] < 8 || header[2] > 4096 ||
        header[3] < 8 || header[3] > 4096 || header[4] != 5)
        return path + ": implausible header";
    set.count = int(header[0]);
    set.frames = int(header[1]);
    set.height = int(header[2]);
    set.width = int(header[3]);
    set.bytes.resize(size_t(set.count) * size_t(set.frames) * set.frameBytes());
    if (!in.read(reinterpret_cast<char *>(set.bytes.data()), std::streamsize(set.bytes.size())))
        return path + ": truncated (fewer clips than the header announces)";
    return {};
}

std::string loadFlows(const std::string &path, FlowSet &set)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return path + ": cannot open the packed flows";
    char magic[8];
    uint32_t header[4];
    if (!in.read(magic, 8) || std::memcmp(magic, "TCFLOW01", 8) != 0)
        return path + ": not a packed Tincture flow file (bad magic)";
    if (!in.read(reinterpret_cast<char *>(header), sizeof header))
        return path + ": truncated header";
    if (header[0] == 0 || header[1] < 2 || header[1] > 1000 || header[2] < 8 || header[2] > 4096 ||
        header[3] < 8 || header[3] > 4096)
        return path + ": implausible header";
    set.count = int(header[0]);
    set.frames = int(header[1]);
    set.height = int(header[2]);
    set.width = int(header[3]);
    set.values.resize(size_t(set.count) * size_t(set.frames) * set.frameValues());
    if (!in.read(reinterpret_cast<char *>(set.values.data()),
                 std::streamsize(set.values.size() * sizeof(int16_t))))
        return path + ": truncated (fewer flows than the header announces)";
    return {};
}

torch::Tensor packedPictures(const PackedSet &set, int first, int count)
{
    const int h = set.height, w = set.width;
    const torch::Tensor raw = torch::from_blob(const_cast<uint8_t *>(set.pixels.data()) +
                                                   size_t(first) * size_t(h) * size_t(w) * 3,
                                               {count, h, w, 3}, torch::kUInt8);
    return raw.permute({0, 3, 1, 2}).to(torch::kFloat32) / 255.0;
}

ClipTensors clipTensors(const ClipSet &set, const FlowSet *flows, int clip, bool mirror)
{
    const int T = set.frames, h = set.height, w = set.width;
    torch::Tensor raw = torch::empty({T, h, w, 5}, torch::kUInt8);
    for (int t = 0; t < T; ++t)
        std::memcpy(raw.data_ptr<uint8_t>() + size_t(t) * set.frameBytes(), set.frame(clip, t),
                    set.frameBytes());
    torch::Tensor f = raw.permute({0, 3, 1, 2}).to(torch::kFloat32);
    ClipTensors c;
    if (flows) {
        torch::Tensor fl = torch::empty({T, 2, h, w, 2}, torch::kInt16);
        std::memcpy(fl.data_ptr<int16_t>(), flows->flow(clip, 0, 0),
                    size_t(T) * flows->frameValues() * sizeof(int16_t));
        fl = fl.permute({0, 1, 4, 2, 3}).to(torch::kFloat32) * kFlowUnit; // T×2×2×H×W
        if (mirror) {
            fl = fl.flip({4});
            fl.select(2, 0).neg_();
        }
        c.toPrev = fl.select(1, 0).contiguous();
        c.toFirst = fl.select(1, 1).contiguous();
    }
    if (mirror)
        f = f.flip({3});
    c.grey = f.slice(1, 0, 1).contiguous();
    c.chroma = f.slice(1, 3, 5).contiguous();
    return c;
}

} // namespace tincture::ml
