#pragma once
// Helpers shared by the GUI tests.

#include <QImage>
#include <QSet>

namespace tincture::test {

// A picture is "not blank" when it holds many distinct colours (sampled every 3 pixels).
inline int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < img.height(); y += 3)
        for (int x = 0; x < img.width(); x += 3)
            colours.insert(img.pixel(x, y));
    return int(colours.size());
}

} // namespace tincture::test
