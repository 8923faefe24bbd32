#pragma once
// Training the recurrent binned colouriser (internal/binsnet.h, seed 004) as its paper does, in
// two stages within one run:
//   iterations [0, colourIterations): the colour net on photographs (packed as trainer.h
//     describes; random crops, flips), cross-entropy over U's and V's bins;
//   iterations [colourIterations, iterations): the consistency net on pairs of consecutive
//     frames of packed clips (vpntrainer.h's format; only the grey and the true chroma are
//     read), the colour net frozen. The predecessor's binned colouring is, per sample and with
//     equal odds, its true bins (the paper's "accurate binned coloring of its predecessor") or
//     the colour net's argmax bins for it (what the first recoloured frame of a shot sees).
// Standard library only in this header (LibTorch inside the .cpp), like trainer.h.
//
// Files in outDir: checkpoint.pt (both nets, both optimisers, the iteration, the options;
// temporary name, then rename), recurrent-bins.safetensors (written at every validation and at
// the end), validation.csv: per validation pass, on the validation photographs the chroma PSNR
// (Cb, Cr; 0–255) of the annealed-mean colour and of plain grey and the bins' accuracy, and on
// the validation clips, run as the product runs them (frame 0 by the colour net, each later
// frame recoloured from the previous output), the chroma PSNR and the mean absolute chroma
// change between consecutive frames, of the colour net alone and of the full model, beside the
// truth's own change. Batches are seeded from the iteration number, so a resumed run continues
// exactly as an uninterrupted one. Runs on the calling thread; calls `progress` after every
// iteration (false: stop after writing a checkpoint).

#include <cstdint>
#include <functional>
#include <string>

namespace tincture::ml {

struct BinsTrainOptions
{
    std::string photosPath;     // packed training photographs
    std::string valPhotosPath;  // packed validation photographs (may be empty)
    std::string clipsPath;      // packed training clips
    std::string valClipsPath;   // packed validation clips (may be empty)
    std::string outDir;         // must exist
    std::string resumePath;     // a checkpoint.pt to continue from (its options win)
    std::string device = "cpu"; // "cpu" or "cuda"
    int threads = 0;
    int iterations = 3000;       // total, both stages, counting those before a resume
    int colourIterations = 2000; // of which the first stage
    int batch = 16;
    int cropSize = 128; // photographs
    int width = 16;
    int bins = 30;
    double learningRate = 1e-3;
    // Each stage's learning rate falls × 0.3 for its last third.
    int validateEvery = 250;
    int checkpointEvery = 100;
    uint64_t seed = 1;
};

struct BinsTrainProgress
{
    int iteration = 0;
    int total = 0;
    int stage = 1;   // 1: colour net, 2: consistency net
    double loss = 0; // running mean over the last 50 iterations of the stage (cross-entropy)
    double secondsPerIteration = 0;
    bool validated = false;
    double photoPsnr = 0, photoGreyPsnr = 0, photoAccuracyU = 0, photoAccuracyV = 0;
    double clipPsnrColour = 0, clipPsnrFull = 0; // NaN without validation clips
    double clipChangeColour = 0, clipChangeFull = 0, clipChangeTruth = 0;
};

struct BinsTrainOutcome
{
    bool ok = false;
    bool cancelled = false;
    std::string error;
    int iterations = 0;
    BinsTrainProgress last;
};

BinsTrainOutcome trainRecurrentBins(const BinsTrainOptions &options,
                                    const std::function<bool(const BinsTrainProgress &)> &progress,
                                    const std::function<void(const std::string &)> &log);

// A recurrent-bins model with seeded random weights (the consistency net's last layer too), as
// safetensors: for tests. Returns an error message, empty on success.
std::string writeRandomRecurrentBins(const std::string &path, int width, int bins, uint64_t seed);

} // namespace tincture::ml
