#include "foundation/rational.h"

#include <QStringList>

#include <numeric>

namespace tincture {

Rational Rational::reduced() const
{
    if (den == 0)
        return *this;
    const int64_t g = std::gcd(num, den);
    Rational r{g ? num / g : num, g ? den / g : den};
    if (r.den < 0) {
        r.num = -r.num;
        r.den = -r.den;
    }
    return r;
}

QString Rational::toString() const
{
    const Rational r = reduced();
    return QStringLiteral("%1/%2").arg(r.num).arg(r.den);
}

std::optional<Rational> Rational::fromString(const QString &text)
{
    const QStringList parts = text.trimmed().split(QLatin1Char('/'));
    bool okNum = false;
    bool okDen = true;
    Rational r;
    if (parts.size() == 1) {
        // Decimal rates like "23.976" are approximated as x/1000.
        const double value = parts[0].toDouble(&okNum);
        if (!okNum || value <= 0)
            return std::nullopt;
        if (value == double(int64_t(value)))
            r = {int64_t(value), 1};
        else
            r = Rational{int64_t(value * 1000.0 + 0.5), 1000}.reduced();
    } else if (parts.size() == 2) {
        r.num = parts[0].toLongLong(&okNum);
        r.den = parts[1].toLongLong(&okDen);
    } else {
        return std::nullopt;
    }
    if (!okNum || !okDen || !r.isValid())
        return std::nullopt;
    return r.reduced();
}

} // namespace tincture
