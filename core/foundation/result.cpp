#include "foundation/result.h"

namespace tincture {

QString describe(const Error &error)
{
    if (error.detail.isEmpty())
        return error.message;
    return error.message + QStringLiteral(" (") + error.detail + QLatin1Char(')');
}

} // namespace tincture
