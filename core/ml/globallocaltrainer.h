#pragma once
// Training the global+local video colouriser (internal/globallocalnet.h, seed 001) as its paper
// does, in two stages within one run:
//   iterations [0, colourIterations): the ColorNet on photographs (packed as trainer.h
//     describes; random crops, flips): MSE on the chroma (Cb, Cr / 255) + classWeight ×
//     cross-entropy of the global branch against the photographs' scene classes (a text file,
//     one class number a line per packed photograph, −1 for none: those add no cross-entropy);
//   iterations [colourIterations, iterations): two copies of that ColorNet, "temporal" and
//     "plain", each with a fresh Adam, trained on the same batches: a photograph batch (MSE +
//     cross-entropy) plus clipBatch whole clips (vpntrainer.h's format; the grey and the true
//     chroma are read) with MSE on every frame; "temporal" adds temporalWeight × (the short-term
//     loss over each frame and its predecessor + the long-term loss over each frame t ≥ 2 and
//     frame 0), with the flows of the packed flow file (packedimages.h) and Lai et al.'s
//     visibility mask.
// Standard library only in this header (LibTorch inside the .cpp), like trainer.h.
//
// Files in outDir: checkpoint.pt (both nets, both optimisers, the iteration, the options;
// temporary name, then rename), global-local.safetensors (written at every validation and at
// the end; during the first stage both nets are the one trained), validation.csv: per
// validation pass, the chroma PSNR (Cb, Cr; 0–255) of both nets and of plain grey on the
// validation photographs, and on the validation clips each net's chroma PSNR, mean absolute
// chroma change between consecutive frames and masked warp error (the short-term loss's
// measure, 0–255, with the clips' flows), beside the truth's own. Batches are seeded from the
// iteration number, so a resumed run continues exactly as an uninterrupted one. Runs on the
// calling thread; calls `progress` after every iteration (false: stop after a checkpoint).

#include <cstdint>
#include <functional>
#include <string>

namespace tincture::ml {

struct GlobalLocalTrainOptions
{
    std::string photosPath;     // packed training photographs
    std::string labelsPath;     // their classes (may be empty: no cross-entropy)
    std::string valPhotosPath;  // packed validation photographs (may be empty)
    std::string clipsPath;      // packed training clips
    std::string flowsPath;      // their flows
    std::string valClipsPath;   // packed validation clips (may be empty)
    std::string valFlowsPath;   // their flows (with valClipsPath)
    std::string outDir;         // must exist
    std::string resumePath;     // a checkpoint.pt to continue from (its options win)
    std::string device = "cpu"; // "cpu" or "cuda"
    int threads = 0;
    int iterations = 3000;       // total, both stages, counting those before a resume
    int colourIterations = 2000; // of which the first stage
    int batch = 12;              // photographs per iteration
    int clipBatch = 2;           // whole clips per iteration of the second stage
    int cropSize = 112;
    int width = 16;
    int classes = 14;
    double learningRate = 1e-3;       // each stage's falls × 0.3 for its last third
    double classWeight = 1.0 / 300.0; // Iizuka et al.'s α
    double temporalWeight = 0.1;      // λ_st = λ_lt
    int validateEvery = 250;
    int checkpointEvery = 100;
    uint64_t seed = 1;
};

struct GlobalLocalTrainProgress
{
    int iteration = 0;
    int total = 0;
    int stage = 1;
    double loss = 0; // running mean over the last 50 iterations of the stage ("temporal" in 2)
    double secondsPerIteration = 0;
    bool validated = false;
    double photoPsnrPlain = 0, photoPsnrTemporal = 0, photoGreyPsnr = 0;
    double clipPsnrPlain = 0, clipPsnrTemporal = 0; // NaN without validation clips
    double clipChangePlain = 0, clipChangeTemporal = 0, clipChangeTruth = 0;
    double clipWarpPlain = 0, clipWarpTemporal = 0, clipWarpTruth = 0;
};

struct GlobalLocalTrainOutcome
{
    bool ok = false;
    bool cancelled = false;
    std::string error;
    int iterations = 0;
    GlobalLocalTrainProgress last;
};

GlobalLocalTrainOutcome
trainGlobalLocal(const GlobalLocalTrainOptions &options,
                 const std::function<bool(const GlobalLocalTrainProgress &)> &progress,
                 const std::function<void(const std::string &)> &log);

// A global-local model with seeded random weights, its two nets different, as safetensors: for
// tests. Returns an error message, empty on success.
std::string writeRandomGlobalLocal(const std::string &path, int width, int classes, uint64_t seed);

} // namespace tincture::ml
