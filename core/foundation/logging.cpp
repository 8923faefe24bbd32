#include "foundation/logging.h"

Q_LOGGING_CATEGORY(lcMedia, "tincture.media", QtWarningMsg)
