#pragma once
// Training the CNN-LSTM video colouriser (internal/cnnlstmnet.h, seed 003) in two stages within
// one run:
//   iterations [0, imageIterations): photographs alone (packed as trainer.h describes; random
//     crops, flips), each with no memory — the paper's single-image mode;
//   iterations [imageIterations, iterations): a photograph batch as before plus clipBatch whole
//     clips (vpntrainer.h's format; the grey and the true chroma are read), each run frame by
//     frame through the LSTM from no memory, the loss summed over the frames and
//     back-propagated through them all.
// The loss is Zhang et al.'s: cross-entropy against the soft-encoded true a*b* (5 nearest bins,
// σ = 5) at 1/4 of the frame, each pixel weighted by its nearest bin's rebalancing weight,
// computed once from the training photographs (λ = 0.5, σ = 5) and kept in the checkpoint.
// Standard library only in this header (LibTorch inside the .cpp), like trainer.h.
//
// Files in outDir: checkpoint.pt (the net, the optimiser, the rebalancing weights, the
// iteration, the options; temporary name, then rename), cnn-lstm.safetensors (written at every
// validation and at the end), class-weights.csv (each bin's a*, b*, share of the training
// pixels and weight), validation.csv: per validation pass, on the validation photographs the
// chroma PSNR (Cb, Cr; 0–255) of the colour and of plain grey, and on the validation clips,
// run as the product runs them, the chroma PSNR and the mean absolute chroma change between
// consecutive frames with the memory carried from frame to frame ("on") and reset at every
// frame ("off"), beside the truth's own change. Batches are seeded from the iteration number,
// so a resumed run continues exactly as an uninterrupted one. Runs on the calling thread;
// calls `progress` after every iteration (false: stop after writing a checkpoint).

#include <cstdint>
#include <functional>
#include <string>

namespace tincture::ml {

struct CnnLstmTrainOptions
{
    std::string photosPath;     // packed training photographs
    std::string valPhotosPath;  // packed validation photographs (may be empty)
    std::string clipsPath;      // packed training clips
    std::string valClipsPath;   // packed validation clips (may be empty)
    std::string outDir;         // must exist
    std::string resumePath;     // a checkpoint.pt to continue from (its options win)
    std::string device = "cpu"; // "cpu" or "cuda"
    int threads = 0;
    int iterations = 3000;      // total, both stages, counting those before a resume
    int imageIterations = 2000; // of which the first stage
    int batch = 12;             // photographs per iteration
    int clipBatch = 2;          // whole clips per iteration of the second stage
    int cropSize = 112;         // a multiple of 8
    int width = 16;
    double learningRate = 1e-3; // each stage's falls × 0.3 for its last third
    int validateEvery = 250;
    int checkpointEvery = 100;
    uint64_t seed = 1;
};

struct CnnLstmTrainProgress
{
    int iteration = 0;
    int total = 0;
    int stage = 1;
    double loss = 0; // running mean over the last 50 iterations of the stage
    double secondsPerIteration = 0;
    bool validated = false;
    double photoPsnr = 0, photoGreyPsnr = 0;
    double clipPsnrOn = 0, clipPsnrOff = 0; // NaN without validation clips
    double clipChangeOn = 0, clipChangeOff = 0, clipChangeTruth = 0;
};

struct CnnLstmTrainOutcome
{
    bool ok = false;
    bool cancelled = false;
    std::string error;
    int iterations = 0;
    int bins = 0; // Q, for the manifest
    CnnLstmTrainProgress last;
};

CnnLstmTrainOutcome trainCnnLstm(const CnnLstmTrainOptions &options,
                                 const std::function<bool(const CnnLstmTrainProgress &)> &progress,
                                 const std::function<void(const std::string &)> &log);

// A cnn-lstm model with seeded random weights and the gamut's bins, as safetensors: for tests.
// Returns an error message, empty on success; `bins` gets Q.
std::string writeRandomCnnLstm(const std::string &path, int width, uint64_t seed, int &bins);

} // namespace tincture::ml
