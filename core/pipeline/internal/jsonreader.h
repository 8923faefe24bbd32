#pragma once
// Reading the JSON of plans and part records (filmplan.cpp, shotparts.cpp).

#include "foundation/result.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <cmath>
#include <cstdint>

namespace tincture::pipeline::detail {

// Reads a plan's or a record's JSON: every field asked for, of the right type, or the first
// error, naming the field.
class JsonReader
{
public:
    explicit JsonReader(QString path) : m_path(std::move(path)) {}
    QString string(const QJsonObject &o, const char *key)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isString())
            fail(key, "a string");
        return v.toString();
    }
    // A whole number that JSON's doubles hold exactly (|n| ≤ 2^53); 0 and an error otherwise.
    int64_t integer(const QJsonObject &o, const char *key)
    {
        constexpr double kExact = 9007199254740992.0; // 2^53
        const QJsonValue v = o.value(QLatin1String(key));
        const double d = v.toDouble();
        if (!v.isDouble() || !(std::abs(d) <= kExact) || d != std::trunc(d)) {
            fail(key, "a whole number");
            return 0;
        }
        return int64_t(d);
    }
    double number(const QJsonObject &o, const char *key)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isDouble())
            fail(key, "a number");
        return v.toDouble();
    }
    bool boolean(const QJsonObject &o, const char *key)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isBool())
            fail(key, "true or false");
        return v.toBool();
    }
    QJsonObject object(const QJsonObject &o, const char *key)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isObject())
            fail(key, "an object");
        return v.toObject();
    }
    QJsonArray array(const QJsonObject &o, const char *key)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isArray())
            fail(key, "an array");
        return v.toArray();
    }
    void fail(const char *key, const char *what)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1: not a Tincture plan: \"%2\" is missing or not %3")
                          .arg(m_path, QLatin1String(key), QLatin1String(what));
    }
    void failWith(const QString &message)
    {
        if (m_error.isEmpty())
            m_error = m_path + QStringLiteral(": ") + message;
    }
    const QString &error() const { return m_error; }

private:
    QString m_path;
    QString m_error;
};

inline Result<QJsonObject> readJsonObject(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::FileUnreadable,
                         QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    QJsonParseError parse{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parse);
    if (!doc.isObject())
        return makeError(ErrorCode::CorruptData, QStringLiteral("%1: not a JSON object").arg(path));
    return doc.object();
}

} // namespace tincture::pipeline::detail
