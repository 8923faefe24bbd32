#pragma once
// Test films whose frames carry their own index: bits of the index drawn as black/white 32×32
// blocks along the top (robust to lossy codecs), over a moving gradient.

#include "image/frame.h"
#include "media/imageio.h"
#include "testsupport.h"

#include <QDir>
#include <QTest>

namespace tincture::test {

constexpr int kCodeBits = 8;
constexpr int kBlock = 32;

inline Frame codedFrame(int index, int width, int height)
{
    Frame f(width, height, PixelFormat::Rgb8);
    for (int y = 0; y < height; ++y) {
        uint8_t *row = f.row(y);
        for (int x = 0; x < width; ++x) {
            uint8_t *p = row + 3 * x;
            const bool codeArea = y < kBlock && x < kCodeBits * kBlock;
            if (codeArea) {
                const bool bit = (index >> (x / kBlock)) & 1;
                p[0] = p[1] = p[2] = bit ? 235 : 20;
            } else {
                p[0] = uint8_t((x * 2 + index * 3) % 200 + 30);
                p[1] = uint8_t((y * 3) % 200 + 30);
                p[2] = uint8_t((x + y + index * 5) % 200 + 30);
            }
        }
    }
    return f;
}

// Reads the index back from a decoded frame (any layout, any depth); -1 if unreadable.
inline int readCode(const Frame &frame)
{
    const Frame y = frame.luma().converted(PixelFormat::Gray8);
    if (y.width() < kCodeBits * kBlock || y.height() < kBlock)
        return -1;
    int code = 0;
    for (int b = 0; b < kCodeBits; ++b) {
        int sum = 0;
        for (int yy = 8; yy < 24; ++yy)
            for (int xx = b * kBlock + 8; xx < b * kBlock + 24; ++xx)
                sum += y.constRow(yy)[xx];
        const int mean = sum / 256;
        if (mean > 170)
            code |= 1 << b;
        else if (mean > 80)
            return -1; // neither black nor white: a wrong or damaged frame
    }
    return code;
}

// Writes count coded frames as dir/f_00000.png ...
inline bool writeCodedSequence(const QString &dir, int count, int width, int height)
{
    QDir().mkpath(dir);
    for (int i = 0; i < count; ++i)
        if (!writeImage(QStringLiteral("%1/f_%2.png").arg(dir).arg(i, 5, 10, QLatin1Char('0')),
                        codedFrame(i, width, height)))
            return false;
    return true;
}

// Runs ffmpeg (quietly, overwriting); returns its stderr on failure.
inline QString ffmpeg(const QStringList &args)
{
    QStringList all{QStringLiteral("-hide_banner"), QStringLiteral("-loglevel"),
                    QStringLiteral("error"), QStringLiteral("-y")};
    all += args;
    const ProcessResult r = runProcess(QStringLiteral("ffmpeg"), all, 300000);
    return r.exitCode == 0 && !r.crashed
               ? QString()
               : r.err + QStringLiteral(" [exit ") + QString::number(r.exitCode) + ']';
}

} // namespace tincture::test
