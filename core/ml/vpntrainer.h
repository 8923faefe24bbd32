#pragma once
// Training the Video Propagation Network for colour (internal/vpnnet.h) end to end on packed
// clips, with an MSE loss on the chroma of every pixel of the target frame. Standard library
// only in this header (LibTorch inside the .cpp), like trainer.h.
//
// Packed clip file (written by lab's packVpnClips(), read here):
//   8 bytes  magic "TCVPNC01"
//   5 × u32  little-endian: count, frames, height, width, channels (5)
//   count × frames × height × width × 5 bytes, row-major, interleaved: the grey frame's
//   BT.601 Y, the input Cb and Cr (frame 0: the true chroma, the keyframe; later frames: the
//   first stage's propagated chroma), the true Cb and Cr (full-range BT.601, 128 = neutral).
//
// A training sample, as the authors' cascade trains its second stage: a clip and a target
// frame t ≥ 1; the input points are a random sample (maxInputPoints) of the pixels of the
// keyframe (frame 0) and of the previousFrames frames before t with their input chroma; the
// output is the chroma of all of frame t's pixels. Each sample is mirrored left to right with
// probability ½.
//
// Files in outDir: checkpoint.pt (net, optimiser, iteration, options; temporary name, then
// rename), vpn.safetensors (the net, written at every validation and at the end),
// validation.csv (chroma PSNR of the input chroma and of the net's output on every frame ≥ 1
// of the validation clips). Samples are seeded from the iteration number, so a resumed run
// continues exactly as an uninterrupted one. Runs on the calling thread; calls `progress`
// after every iteration (false: stop after writing a checkpoint).

#include <cstdint>
#include <functional>
#include <string>

namespace tincture::ml {

struct VpnTrainOptions
{
    std::string datasetPath; // packed training clips
    std::string valPath;     // packed validation clips (may be empty)
    std::string outDir;      // must exist
    std::string resumePath;  // a checkpoint.pt to continue from (its options win)
    std::string device = "cpu";
    int threads = 0;
    int iterations = 2000; // total, counting those before a resume
    int batch = 4;         // samples (clip, target frame) per iteration
    int bilateralChannels = 32;
    int spatialChannels = 32;
    int neighbourhood = 0;
    int previousFrames = 2;
    int maxInputPoints = 8192;
    double learningRate = 1e-3;
    int decayFrom = 0; // lr × 0.3 from this iteration on (0: never)
    int validateEvery = 250;
    int checkpointEvery = 50;
    uint64_t seed = 1;
};

struct VpnTrainProgress
{
    int iteration = 0;
    int total = 0;
    double loss = 0; // running mean over the last 50 iterations (MSE, chroma / 255)
    double secondsPerIteration = 0;
    bool validated = false;
    double valPsnrIn = 0, valPsnrOut = 0; // chroma PSNR (0–255) of the input and the output
};

struct VpnTrainOutcome
{
    bool ok = false;
    bool cancelled = false;
    std::string error;
    int iterations = 0;
    VpnTrainProgress last;
};

VpnTrainOutcome trainVpn(const VpnTrainOptions &options,
                         const std::function<bool(const VpnTrainProgress &)> &progress,
                         const std::function<void(const std::string &)> &log);

// A network with seeded random weights (scaled so that its output depends on its input), as
// safetensors: for tests. Returns an error message, empty on success.
std::string writeRandomVpn(const std::string &path, int channels, int neighbourhood, uint64_t seed);

} // namespace tincture::ml
