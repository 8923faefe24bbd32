#pragma once
// Training the keyframe model (Pix2Pix: U-Net generator + 70×70 PatchGAN, least-squares
// adversarial loss + λ·L1, Adam) on a packed dataset. This header and trainer.cpp use only the
// standard library (and LibTorch inside the .cpp), so the trainer builds on a GPU machine that
// has PyTorch's C++ libraries but neither Qt nor OpenCV.
//
// Packed dataset file (written by packDataset() in dataset.h, read here):
//   8 bytes  magic "TCDSET01"
//   4 × u32  little-endian: count, height, width, channels (3)
//   count × height × width × 3 bytes: sRGB, row-major, interleaved.
//
// Files in outDir: checkpoint.pt (LibTorch archive: both nets, the generator's moving average,
// both optimisers, the iteration and the options; written to a temporary name and renamed),
// generator.safetensors (the generator in inference form, written at every validation and at the
// end), validation.csv (one row per validation pass). The batch order and dropout masks are seeded
// from the iteration number, so a run resumed from a checkpoint continues exactly as an
// uninterrupted run would (on the same device and thread count).
//
// Threading: trainColorizer runs on the calling thread and blocks; it calls `progress` after
// every iteration on that thread.

#include <cstdint>
#include <functional>
#include <string>

namespace tincture::ml {

struct TrainOptions
{
    std::string datasetPath;    // packed training set
    std::string valPath;        // packed validation set (may be empty: no validation)
    std::string outDir;         // must exist
    std::string resumePath;     // a checkpoint.pt to continue from (its options win)
    std::string device = "cpu"; // "cpu" or "cuda"
    int threads = 0;            // CPU threads; 0: leave LibTorch's default
    int cropSize = 128;
    int iterations = 1000; // total, counting those done before a resume
    int batch = 16;
    int baseWidth = 64;
    int depth = 7;
    int discWidth = 64;
    // User points as inputs (Zhang et al. 2017): 3 (a, b and a mask beside the grey), or 0.
    // Training reveals, per photograph, a geometrically distributed number of points (p = 1/8:
    // none one time in eight, seven on average), each a square patch of side 1–9 px at a
    // uniformly random place, filled with the patch's mean true chroma; so one net is both the
    // automatic proposal (no points) and the guided one.
    int hintChannels = 0;
    double learningRate = 2e-4;
    double beta1 = 0.5;
    double lambdaL1 = 100.0;
    // Pix2Pix's schedule: the learning rate stays constant until this iteration, then falls
    // linearly to zero at the last one (0: no decay).
    int decayFrom = 0;
    // The generator that is validated and exported is an exponential moving average of the
    // trained one's weights and BatchNorm statistics (decay d per iteration, warmed up as
    // min(d, (1+i)/(10+i))); it averages away the iteration-to-iteration noise that the
    // adversarial loss adds. 0: export the trained generator itself.
    double emaDecay = 0.999;
    int validateEvery = 500;   // iterations
    int checkpointEvery = 200; // iterations (also on cancel and at the end)
    uint64_t seed = 1;
};

struct TrainProgress
{
    int iteration = 0; // iterations done
    int total = 0;
    double lossD = 0, lossGan = 0, lossL1 = 0; // running means over the last 50 iterations
    double secondsPerIteration = 0;
    // Set on the iteration that ran a validation pass:
    bool validated = false;
    double valPsnr = 0, valGreyPsnr = 0, valColourfulness = 0, valColourfulnessRatio = 0;
    // A hint-conditioned net's PSNR with 10 random 5×5 points per photograph (seeded); NaN
    // for a net without hints.
    double valPsnr10Points = 0;
};

struct TrainOutcome
{
    bool ok = false;
    bool cancelled = false;
    std::string error; // set when !ok && !cancelled
    int iterations = 0;
    TrainProgress last;
};

// `progress` returns false to stop (a checkpoint is written first). `log` receives notes.
TrainOutcome trainColorizer(const TrainOptions &options,
                            const std::function<bool(const TrainProgress &)> &progress,
                            const std::function<void(const std::string &)> &log);

} // namespace tincture::ml

namespace tincture::ml {

// Writes a generator with freshly initialised (seeded) weights as safetensors: for tests and
// for checking a pipeline without a trained model. Returns an error message, empty on success.
std::string writeRandomGenerator(const std::string &path, int baseWidth, int depth, uint64_t seed,
                                 int hintChannels = 0);

} // namespace tincture::ml
