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

} // namespace tincture::ml
