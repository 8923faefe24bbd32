#pragma once
// Logging categories, one per core module as modules need them
// (enable with QT_LOGGING_RULES="tincture.*=true").

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcMedia)
Q_DECLARE_LOGGING_CATEGORY(lcPropagation)
