// tincture-lab data: picture fingerprints (lab/fingerprint.h) for keeping the sample's, the
// demo's and the tests' pictures out of training data.
//   data fingerprint PATH... -o LIST.csv   fingerprints of images and folders of images
//   data match LIST --against LIST2        for each picture of LIST, the nearest of LIST2 and
//                                          the distance; then the distances' distribution

#include "clicommon.h"
#include "labcommands.h"

#include "lab/fingerprint.h"

#include <QDir>
#include <QFileInfo>
#include <QTextStream>

#include <algorithm>

using namespace tincture::lab;

namespace tincture::cli {
namespace {

const QStringList kImageFilters{
    QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"), QStringLiteral("*.png"),
    QStringLiteral("*.JPG"), QStringLiteral("*.JPEG"), QStringLiteral("*.PNG"),
    QStringLiteral("*.tif"), QStringLiteral("*.tiff"), QStringLiteral("*.bmp")};

int fingerprint(const QStringList &args)
{
    const QString command = QStringLiteral("data fingerprint");
    QCommandLineParser parser;
    const QCommandLineOption output(QStringList{QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The list to write (CSV)."),
                                    QStringLiteral("LIST.csv"));
    parser.addOptions({output, overwriteOption()});
    if (int rc = parseArgs(parser, command,
                           QStringLiteral("Fingerprint images (files, or every image in a "
                                          "folder, by name) into a list: name, 256-bit "
                                          "difference hash of the centre square."),
                           args, 1, -1, QStringLiteral("PATH..."));
        rc != kExitOk)
        return rc;
    const QString out = parser.value(output);
    if (out.isEmpty())
        return usageError(command, QStringLiteral("-o LIST.csv is required"));
    QStringList files;
    for (const QString &path : parser.positionalArguments()) {
        const QFileInfo info(path);
        if (info.isDir()) {
            const QDir dir(path);
            for (const QString &f : dir.entryList(kImageFilters, QDir::Files, QDir::Name))
                files << dir.filePath(f);
        } else if (info.isFile()) {
            files << path;
        } else {
            return reportError(
                makeError(ErrorCode::FileNotFound, QStringLiteral("%1: no such file").arg(path)));
        }
    }
    if (int rc = checkOutputArg(parser, out, files); rc != kExitOk)
        return rc;
    std::vector<NamedFingerprint> list;
    for (const QString &f : files) {
        if (interruptFlag().load())
            return reportError(Error::cancelled());
        Result<Fingerprint> fp = fingerprintFile(f);
        if (!fp)
            return reportError(fp.error());
        list.push_back(NamedFingerprint{QFileInfo(f).fileName(), *fp});
    }
    if (Result<void> ok = writeFingerprintList(out, list); !ok)
        return reportError(ok.error());
    QTextStream(stdout) << QStringLiteral("%1: %2 pictures\n").arg(out).arg(list.size());
    return kExitOk;
}

int match(const QStringList &args)
{
    const QString command = QStringLiteral("data match");
    QCommandLineParser parser;
    const QCommandLineOption against(QStringLiteral("against"),
                                     QStringLiteral("The list to search (CSV)."),
                                     QStringLiteral("LIST2.csv"));
    parser.addOption(against);
    if (int rc = parseArgs(parser, command,
                           QStringLiteral("For each picture of LIST, the nearest picture of "
                                          "LIST2 and how many of the 256 fingerprint bits "
                                          "differ; then how those distances are spread."),
                           args, 1, 1, QStringLiteral("LIST.csv"));
        rc != kExitOk)
        return rc;
    if (parser.value(against).isEmpty())
        return usageError(command, QStringLiteral("--against LIST2.csv is required"));
    auto a = readFingerprintList(parser.positionalArguments().front());
    if (!a)
        return reportError(a.error());
    auto b = readFingerprintList(parser.value(against));
    if (!b)
        return reportError(b.error());
    QTextStream out(stdout);
    std::vector<int> nearest;
    int same = 0;
    for (const NamedFingerprint &entry : *a) {
        int best = 257;
        QString name;
        for (const NamedFingerprint &other : *b) {
            const int d = fingerprintDistance(entry.fingerprint, other.fingerprint);
            if (d < best) {
                best = d;
                name = other.name;
            }
        }
        if (b->empty())
            continue;
        nearest.push_back(best);
        same += best <= kSamePictureBits;
        out << QStringLiteral("%1  %2  %3%4\n")
                   .arg(entry.name, name)
                   .arg(best)
                   .arg(best <= kSamePictureBits ? QStringLiteral("  same picture") : QString());
    }
    std::sort(nearest.begin(), nearest.end());
    if (!nearest.empty()) {
        auto at = [&](double q) { return nearest[size_t(q * double(nearest.size() - 1))]; };
        out << QStringLiteral("%1 pictures; nearest distance: min %2, 1 % %3, 5 % %4, median "
                              "%5, max %6; %7 within %8 bits (the same picture)\n")
                   .arg(nearest.size())
                   .arg(nearest.front())
                   .arg(at(0.01))
                   .arg(at(0.05))
                   .arg(at(0.5))
                   .arg(nearest.back())
                   .arg(same)
                   .arg(kSamePictureBits);
    }
    return kExitOk;
}

} // namespace

int runData(const QStringList &args)
{
    if (!args.isEmpty() && args.first() == QLatin1String("fingerprint"))
        return fingerprint(args.mid(1));
    if (!args.isEmpty() && args.first() == QLatin1String("match"))
        return match(args.mid(1));
    if (!args.isEmpty() &&
        (args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h"))) {
        QTextStream(stdout) << "Usage: tincture-lab data fingerprint PATH... -o LIST.csv\n"
                               "       tincture-lab data match LIST.csv --against LIST2.csv\n";
        return -1;
    }
    return usageError(QStringLiteral("data"),
                      QStringLiteral("name the action: 'data fingerprint' or 'data match'"));
}

} // namespace tincture::cli
