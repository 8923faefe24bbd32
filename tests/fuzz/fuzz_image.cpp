// Fuzz target: a still image from outside (PNG, TIFF, JPEG, DPX, BMP, …: keyframes, hints,
// sequence frames), read as the CLI and the studio read them, then converted as they use it.

#include "fuzzsupport.h"
#include "media/imageio.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace tincture;
    const QString path = fuzz::inputFile(data, size);
    Result<Frame> image = readImage(path, ImageReadLimits{1024, 1 << 20});
    fuzz::report(image);
    if (image) {
        (void)image->luma();
        (void)image->converted(PixelFormat::Rgb8);
    }
    return 0;
}
