#pragma once
// Logging categories, one per core module (enable with QT_LOGGING_RULES="tincture.*=true").

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcMedia)
Q_DECLARE_LOGGING_CATEGORY(lcColour)
Q_DECLARE_LOGGING_CATEGORY(lcMl)
Q_DECLARE_LOGGING_CATEGORY(lcPropagation)
Q_DECLARE_LOGGING_CATEGORY(lcJobs)
