#include "imageconvert.h"

#include <cstring>

namespace tincture::ui {

QImage toQImage(const Frame &frame)
{
    if (frame.isNull())
        return {};
    const bool grey = frame.channels() == 1;
    const bool alpha = frame.channels() == 4;
    const Frame eight = frame.converted(grey    ? PixelFormat::Gray8
                                        : alpha ? PixelFormat::Rgba8
                                                : PixelFormat::Rgb8);
    QImage image(eight.width(), eight.height(),
                 grey    ? QImage::Format_Grayscale8
                 : alpha ? QImage::Format_RGBA8888
                         : QImage::Format_RGB888);
    for (int y = 0; y < eight.height(); ++y)
        std::memcpy(image.scanLine(y), eight.constRow(y), eight.strideBytes());
    return image;
}

} // namespace tincture::ui
