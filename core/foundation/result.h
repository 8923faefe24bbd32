#pragma once
// Result<T>: a value or an Error, the return type of every public core entry point.
// No exception crosses a core library boundary; third-party exceptions are caught where the
// library is called and turned into an Error. Any thread may use these types.

#include <QString>

#include <cassert>
#include <optional>
#include <utility>
#include <variant>

namespace tincture {

// Ranges per module: foundation 1xx, media 2xx, colour 3xx, ml 4xx, propagation 5xx,
// project 6xx, jobs 7xx.
enum class ErrorCode {
    Cancelled = 1, // the user asked to stop; not a failure
    InvalidArgument = 100,
    FileNotFound = 101,
    FileUnreadable = 102,
    FileEmpty = 103,
    WriteFailed = 104,
    LimitExceeded = 105,
    OutputExists = 106,  // the output name is taken and the user did not agree to replace it
    OutputIsInput = 107, // the output would replace one of the job's own inputs
    Internal = 199,
    UnsupportedFormat = 200,
    NoVideoStream = 201,
    CorruptData = 202,
    Truncated = 203,
    DecodeFailed = 204,
    EncodeFailed = 205,
    SequenceGap = 206,
    SizeMismatch = 207,
    OutOfRange = 208,
    ModelInvalid = 400,  // a model file is missing, truncated, corrupt or fails its manifest
    ModelMismatch = 401, // a model does not fit the architecture its manifest names
    TrainingFailed = 402,
    NoModel = 403,
};

struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString message; // for the user: names the file and what is wrong
    QString detail;  // for the log: library messages, codes

    bool isCancelled() const { return code == ErrorCode::Cancelled; }
    static Error cancelled() { return {ErrorCode::Cancelled, QStringLiteral("cancelled"), {}}; }
};

// Message plus detail in one line, for logs and the command line.
QString describe(const Error &error);

template <typename T> class [[nodiscard]] Result
{
public:
    Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_data(std::in_place_index<1>, std::move(error)) {}

    bool hasValue() const { return m_data.index() == 0; }
    explicit operator bool() const { return hasValue(); }

    T &value() &
    {
        assert(hasValue());
        return std::get<0>(m_data);
    }
    const T &value() const &
    {
        assert(hasValue());
        return std::get<0>(m_data);
    }
    T &&value() &&
    {
        assert(hasValue());
        return std::get<0>(std::move(m_data));
    }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const
    {
        assert(!hasValue());
        return std::get<1>(m_data);
    }

private:
    std::variant<T, Error> m_data;
};

template <> class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}

    bool hasValue() const { return !m_error.has_value(); }
    explicit operator bool() const { return hasValue(); }
    const Error &error() const
    {
        assert(m_error);
        return *m_error;
    }

private:
    std::optional<Error> m_error;
};

inline Error makeError(ErrorCode code, QString message, QString detail = {})
{
    return Error{code, std::move(message), std::move(detail)};
}

} // namespace tincture
