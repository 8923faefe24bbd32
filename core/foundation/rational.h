#pragma once
// Rational numbers for frame rates, time bases and sample aspect ratios (24000/1001 stays exact).

#include <QString>

#include <cstdint>
#include <optional>

namespace tincture {

struct Rational
{
    int64_t num = 0;
    int64_t den = 1;

    bool isValid() const { return den != 0 && num > 0; }
    double toDouble() const { return den != 0 ? double(num) / double(den) : 0.0; }
    Rational reduced() const;
    Rational inverted() const { return {den, num}; }
    QString toString() const; // "24000/1001", "25/1"
    static std::optional<Rational> fromString(const QString &text);
    friend bool operator==(const Rational &a, const Rational &b)
    {
        return a.num * b.den == b.num * a.den;
    }
};

// Frame position within a source, 0-based, in presentation order.
using FrameIndex = int64_t;

} // namespace tincture
