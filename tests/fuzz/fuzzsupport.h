#pragma once
// What the fuzz targets share: the libFuzzer entry point they each define, and the bytes put
// into a file (every parser under test reads from a path). One file per process, rewritten
// for each input; a target runs in one thread.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>

#include "foundation/result.h"

#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <cstdio>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace tincture::fuzz {

// Writes the input to <tmp>/tincture-fuzz-<pid><suffix> and returns that path; the file is
// removed when the process exits normally.
inline QString inputFile(const uint8_t *data, size_t size, const char *suffix = "")
{
    static QString path;
    if (path.isEmpty()) {
        path = QStringLiteral("%1/tincture-fuzz-%2%3")
                   .arg(QDir::tempPath())
                   .arg(::getpid())
                   .arg(QLatin1String(suffix));
        std::atexit([] { QFile::remove(path); });
    }
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(reinterpret_cast<const char *>(data), qint64(size));
    return path;
}

// With TINCTURE_FUZZ_VERBOSE set (the replay tests, for curating a corpus): what the parser
// made of the input, on stdout.
template <typename T> void report(const Result<T> &result)
{
    static const bool verbose = qEnvironmentVariableIsSet("TINCTURE_FUZZ_VERBOSE");
    if (verbose)
        std::printf("  -> %s\n", result ? "accepted" : qPrintable(result.error().message));
}

} // namespace tincture::fuzz
