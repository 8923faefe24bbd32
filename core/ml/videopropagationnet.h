#pragma once
// The Video Propagation Network for colour (internal/vpnnet.h has the network: two learned
// bilateral convolutions and a spatial CNN), as a loaded model session: load it once (manifest,
// sha256, shapes checked) and share it; predict() may be called from any thread, concurrently
// (each call has its own tensors and lattices; the weights are read-only). LibTorch is private
// to core/ml.

#include "foundation/result.h"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace tincture::ml {

struct VideoPropagationNetInfo
{
    QString path;   // the manifest that was loaded
    QString name;   // "vpn"
    QString sha256; // of the weights file (lower-case hex), checked when loaded
    int channels = 0, neighbourhood = 0;
    int iterations = 0;
    QString trainedOn;
    bool gpu = false;
    // The lattice features the net was trained with: (x · xyScale, y · xyScale, Y · lumaScale,
    // t · timeScale) for a pixel at (x, y) of luma Y (0–255) in frame t (the keyframe's is 0).
    float xyScale = 0, lumaScale = 0, timeScale = 0;
    int previousFrames = 2; // previous outputs it was trained to take besides the keyframe
};

class VideoPropagationNet
{
public:
    static constexpr int kFeatureDims = 4; // (x, y, Y, t)

    virtual ~VideoPropagationNet() = default;

    // models/vpn.json as Colorizer::defaultModelPath() finds models; empty if none.
    static QString defaultModelPath();

    // Loads the net from its manifest (.json) or the weights file next to it. device: "auto"
    // (CUDA when LibTorch sees one), "cpu" or "cuda". Errors name the file.
    static Result<std::shared_ptr<const VideoPropagationNet>>
    load(const QString &path, const QString &device = QStringLiteral("auto"));

    virtual const VideoPropagationNetInfo &info() const = 0;

    // One frame's chroma from input points: inCount points with features (inCount × 4, scaled
    // as info() says) and chroma (inCount × 2, Cb and Cr 0–255); the frame's width × height
    // pixels, row-major, with their features (width · height × 4) → outChroma (width · height ×
    // 2, 0–255). Errors: empty input, features too large for the lattice, a device failure.
    virtual Result<void> predict(const float *inFeatures, const float *inChroma, size_t inCount,
                                 const float *outFeatures, int width, int height,
                                 float *outChroma) const = 0;

    // The same from a lattice already built over the input points' and the pixels' features
    // (the C++ permutohedral lattice: propagation's PermutohedralLattice): each point's 5
    // vertex indices (0 … vertexCount − 1) and barycentric weights, inCount × 5 for the input
    // points, width · height × 5 for the pixels. Only for a net of neighbourhood 0 (each vertex
    // alone, so no lattice coordinates are needed); other nets return an error.
    virtual Result<void> predictOnLattice(const int32_t *inVertices, const float *inWeights,
                                          const float *inChroma, size_t inCount,
                                          const int32_t *outVertices, const float *outWeights,
                                          size_t vertexCount, int width, int height,
                                          float *outChroma) const = 0;
};

} // namespace tincture::ml
