#include "foundation/logging.h"

Q_LOGGING_CATEGORY(lcMedia, "tincture.media", QtWarningMsg)
Q_LOGGING_CATEGORY(lcColour, "tincture.colour", QtWarningMsg)
Q_LOGGING_CATEGORY(lcMl, "tincture.ml", QtWarningMsg)
Q_LOGGING_CATEGORY(lcPropagation, "tincture.propagation", QtWarningMsg)
Q_LOGGING_CATEGORY(lcJobs, "tincture.jobs", QtWarningMsg)
