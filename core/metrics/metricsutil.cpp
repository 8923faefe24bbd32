#include "metrics/internal/metricsutil.h"

namespace tincture::metrics {

Result<void> checkFrame(const Frame &a, const char *what)
{
    if (a.isNull() || a.width() <= 0 || a.height() <= 0)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("%1: empty frame").arg(QLatin1String(what)));
    return {};
}

Result<void> checkPair(const Frame &a, const Frame &b, const char *what)
{
    if (auto r = checkFrame(a, what); !r)
        return r;
    if (auto r = checkFrame(b, what); !r)
        return r;
    if (a.width() != b.width() || a.height() != b.height())
        return makeError(ErrorCode::SizeMismatch,
                         QStringLiteral("%1: frame sizes differ (%2×%3 vs %4×%5)")
                             .arg(QLatin1String(what))
                             .arg(a.width())
                             .arg(a.height())
                             .arg(b.width())
                             .arg(b.height()));
    return {};
}

Frame toRgb8(const Frame &frame)
{
    return frame.converted(PixelFormat::Rgb8);
}

} // namespace tincture::metrics
