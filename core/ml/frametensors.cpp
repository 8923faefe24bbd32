// LibTorch before any Qt header (see net.h).
#include "ml/internal/frametensors.h"

#include "colour/colourspace.h"

namespace tincture::ml {

// N frames of one size → N×1×H×W luma in [0, 1] (float), keeping each frame's bit depth.
torch::Tensor lumaTensor(const std::vector<const Frame *> &frames, std::vector<Frame> &lumas)
{
    const int w = frames[0]->width(), h = frames[0]->height();
    torch::Tensor out = torch::empty({int64_t(frames.size()), 1, h, w}, torch::kFloat32);
    float *dst = out.data_ptr<float>();
    for (size_t n = 0; n < frames.size(); ++n) {
        lumas.push_back(frames[n]->luma());
        const Frame &l = lumas.back();
        float *plane = dst + n * size_t(w) * h;
        for (int y = 0; y < h; ++y) {
            if (l.bitDepth() == 16) {
                const uint16_t *row = l.constRow16(y);
                for (int x = 0; x < w; ++x)
                    plane[size_t(y) * w + x] = row[x] / 65535.0f;
            } else {
                const uint8_t *row = l.constRow(y);
                for (int x = 0; x < w; ++x)
                    plane[size_t(y) * w + x] = row[x] / 255.0f;
            }
        }
    }
    return out;
}

std::vector<Frame> framesOfRgb(const torch::Tensor &rgb, const std::vector<Frame> &lumas,
                               const std::vector<const Frame *> &frames)
{
    const int w = lumas[0].width(), h = lumas[0].height();
    std::vector<Frame> out;
    const float *src = rgb.data_ptr<float>();
    for (size_t n = 0; n < frames.size(); ++n) {
        const Frame &l = lumas[n];
        const bool deep = l.bitDepth() == 16;
        Frame f(w, h, deep ? PixelFormat::Rgb16 : PixelFormat::Rgb8);
        const float *img = src + n * size_t(w) * h * 3;
        for (int y = 0; y < h; ++y) {
            const float *p = img + size_t(y) * w * 3;
            if (deep) {
                const uint16_t *ly = l.constRow16(y);
                uint16_t *o = f.row16(y);
                for (int x = 0; x < w; ++x)
                    colour::quantiseLumaExact16({p[3 * x], p[3 * x + 1], p[3 * x + 2]}, ly[x],
                                                o + 3 * x);
            } else {
                const uint8_t *ly = l.constRow(y);
                uint8_t *o = f.row(y);
                for (int x = 0; x < w; ++x)
                    colour::quantiseLumaExact8({p[3 * x], p[3 * x + 1], p[3 * x + 2]}, ly[x],
                                               o + 3 * x);
            }
        }
        f.index = frames[n]->index;
        f.pts = frames[n]->pts;
        f.timeBase = frames[n]->timeBase;
        out.push_back(std::move(f));
    }
    return out;
}

} // namespace tincture::ml
