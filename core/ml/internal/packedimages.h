#pragma once
// Private to core/ml (includes LibTorch): the packed files the trainers read — photographs
// (format in trainer.h, written by the lab's packDataset()) and clips of sequences (format in
// vpntrainer.h, written by the lab's packVpnClips()).

#include <torch/torch.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tincture::ml {

struct PackedSet
{
    int count = 0, height = 0, width = 0;
    std::vector<uint8_t> pixels;
};

// Reads the whole file; returns an error message naming it, empty on success.
std::string loadPacked(const std::string &path, PackedSet &set);

// A batch of random crops (with random horizontal flips) as N×3×S×S floats in [0, 1].
torch::Tensor sampleBatch(const PackedSet &set, int batch, int crop, std::mt19937_64 &rng);

// Pictures first … first + count − 1 of a set as N×3×H×W floats in [0, 1] (a copy).
torch::Tensor packedPictures(const PackedSet &set, int first, int count);

struct ClipSet
{
    int count = 0, frames = 0, height = 0, width = 0;
    std::vector<uint8_t> bytes;
    size_t frameBytes() const { return size_t(height) * size_t(width) * 5; }
    const uint8_t *frame(int clip, int t) const
    {
        return bytes.data() + (size_t(clip) * size_t(frames) + size_t(t)) * frameBytes();
    }
};

// Reads the whole file; returns an error message naming it, empty on success.
std::string loadClips(const std::string &path, ClipSet &set);

// Optical flows of packed clips (written by the lab's packClipFlows(), lab/clipflow.h):
//   8 bytes  magic "TCFLOW01"
//   4 × u32  little-endian: count, frames, height, width (those of the clip file)
//   count × frames × 2 × height × width × 2 int16, little-endian, in 1/16 px: for frame t of a
//   clip, the flow from t to t − 1, then the flow from t to frame 0 (each x, y interleaved per
//   pixel: pixel p of frame t shows what pixel p + flow shows in the other frame); frame 0's
//   are zero.
struct FlowSet
{
    int count = 0, frames = 0, height = 0, width = 0;
    std::vector<int16_t> values;
    size_t frameValues() const { return size_t(height) * size_t(width) * 4; }
    // pair 0: to the previous frame; 1: to frame 0.
    const int16_t *flow(int clip, int t, int pair) const
    {
        return values.data() + (size_t(clip) * size_t(frames) + size_t(t)) * frameValues() +
               size_t(pair) * size_t(height) * size_t(width) * 2;
    }
};
inline constexpr double kFlowUnit = 1.0 / 16.0; // pixels per stored unit

// Reads the whole file; returns an error message naming it, empty on success.
std::string loadFlows(const std::string &path, FlowSet &set);

// Index numbers of the photographs a batch drew, when `picked` is given (sampleBatch's order).
torch::Tensor sampleBatch(const PackedSet &set, int batch, int crop, std::mt19937_64 &rng,
                          std::vector<int> *picked);

// One clip: grey (T×1×H×W, 0–255), true chroma (T×2×H×W, 0–255) and, with `flows`, the flows
// to the previous frame and to frame 0 (T×2×H×W each, pixels), mirrored left to right when
// `mirror` (the flows' x negated).
struct ClipTensors
{
    torch::Tensor grey, chroma, toPrev, toFirst;
};
ClipTensors clipTensors(const ClipSet &set, const FlowSet *flows, int clip, bool mirror);

} // namespace tincture::ml
