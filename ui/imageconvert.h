#pragma once
// Frame (core) → QImage (display), 8 bits per channel. GUI or worker threads alike.

#include "image/frame.h"

#include <QImage>

namespace tincture::ui {

QImage toQImage(const Frame &frame);

} // namespace tincture::ui
