#pragma once
// Training the propagation refiner (refinernet.h) with an MSE loss on a packed patch file.
// Standard library only in this header (LibTorch inside the .cpp), like trainer.h.
//
// Packed patch file (written by propagation's packRefinerData(), read here):
//   8 bytes  magic "TCRPAT01"
//   3 × u32  little-endian: count, side, channels (5)
//   count × side × side × 5 bytes, row-major, interleaved: the grey frame's BT.601 Y, the
//   propagated Cb and Cr, the true Cb and Cr (full-range BT.601, 128 = neutral).
//
// Files in outDir: checkpoint.pt (net, optimiser, iteration, options; temporary name, then
// rename), refiner.safetensors (the net, written at every validation and at the end),
// validation.csv. Batches and flips are seeded from the iteration number, so a resumed run
// continues exactly as an uninterrupted one. Runs on the calling thread; calls `progress`
// after every iteration (false: stop after writing a checkpoint).

#include <cstdint>
#include <functional>
#include <string>

namespace tincture::ml {

struct RefinerTrainOptions
{
    std::string datasetPath; // packed training patches
    std::string valPath;     // packed validation patches (may be empty)
    std::string outDir;      // must exist
    std::string resumePath;  // a checkpoint.pt to continue from (its options win)
    std::string device = "cpu";
    int threads = 0;
    int iterations = 3000; // total, counting those before a resume
    int batch = 16;
    int width = 16;
    int depth = 3;
    int tapSpacing = 2;
    double learningRate = 1e-3;
    int decayFrom = 0; // lr × 0.3 from this iteration on (0: never)
    int validateEvery = 500;
    int checkpointEvery = 250;
    uint64_t seed = 1;
};

struct RefinerTrainProgress
{
    int iteration = 0;
    int total = 0;
    double loss = 0; // running mean over the last 50 iterations (MSE, chroma / 128)
    double secondsPerIteration = 0;
    bool validated = false;
    double valPsnrIn = 0, valPsnrOut = 0; // chroma PSNR (0–255) of the input and the output
};

struct RefinerTrainOutcome
{
    bool ok = false;
    bool cancelled = false;
    std::string error;
    int iterations = 0;
    RefinerTrainProgress last;
};

RefinerTrainOutcome trainRefiner(const RefinerTrainOptions &options,
                                 const std::function<bool(const RefinerTrainProgress &)> &progress,
                                 const std::function<void(const std::string &)> &log);

// A refiner with seeded random weights (its last layer too, so it is not the identity), as
// safetensors: for tests. Returns an error message, empty on success.
std::string writeRandomRefiner(const std::string &path, int width, int depth, int tapSpacing,
                               uint64_t seed);

} // namespace tincture::ml
