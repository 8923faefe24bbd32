#pragma once
// The propagation refiner: VPN's spatial CNN stage (refinernet.h has the network), applied to
// every propagated frame. A ChromaRefiner is a loaded model session: load it once (manifest,
// sha256, shapes checked) and share it; refine() may be called from any thread, concurrently
// (each call has its own tensors; the weights are read-only). LibTorch is private to core/ml.

#include "foundation/result.h"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace tincture::ml {

struct ChromaRefinerInfo
{
    QString path;   // the manifest that was loaded
    QString name;   // e.g. "vpn-refiner"
    QString sha256; // of the weights file (lower-case hex), checked when loaded
    int width = 0, depth = 0, tapSpacing = 0;
    int iterations = 0;
    QString trainedOn;
    bool gpu = false;
};

class ChromaRefiner
{
public:
    virtual ~ChromaRefiner() = default;

    // models/refiner.json as Colorizer::defaultModelPath() finds models; empty if none.
    static QString defaultModelPath();

    // Loads a refiner from its manifest (.json) or the weights file next to it. device: "auto"
    // (CUDA when LibTorch sees one), "cpu" or "cuda". Errors name the file.
    static Result<std::shared_ptr<const ChromaRefiner>>
    load(const QString &path, const QString &device = QStringLiteral("auto"));

    virtual const ChromaRefinerInfo &info() const = 0;

    // Refines one frame's chroma in place. grey: width × height bytes, rows greyStride apart
    // (BT.601 Y); chroma: width × height interleaved float (Cb, Cr) pairs, rows
    // chromaStride floats apart, full-range BT.601 with 128 neutral (0–255 units).
    virtual Result<void> refine(int width, int height, const uint8_t *grey, size_t greyStride,
                                float *chroma, size_t chromaStride) const = 0;
};

} // namespace tincture::ml
