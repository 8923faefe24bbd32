#include "foundation/logging.h"

Q_LOGGING_CATEGORY(lcMedia, "tincture.media", QtWarningMsg)
Q_LOGGING_CATEGORY(lcPropagation, "tincture.propagation", QtWarningMsg)
