// tincture-cli propagate: colour every frame of a shot from one or more colour keyframes and
// write one PNG per frame. The input is treated as one shot (`colorize` splits a film into
// shots first); --method picks a registry method (default: the project's best).

#include "clicommon.h"
#include "commands.h"

#include "propagation/videoshotsource.h"

#include "foundation/atomicoutput.h"
#include "media/imageio.h"
#include "media/videosource.h"
#include "propagation/propagationmethod.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTextStream>

#include <algorithm>
#include <map>

using namespace tincture::propagation;

namespace tincture::cli {

namespace {

const QString kCommand = QStringLiteral("propagate");

QString sizeText(int w, int h)
{
    return QStringLiteral("%1×%2").arg(w).arg(h);
}

// Writes each frame as DIR/<name>.png inside the atomic output's temporary folder.
class PngSink final : public FrameSink
{
public:
    PngSink(QString dir, QStringList names) : m_dir(std::move(dir)), m_names(std::move(names)) {}
    Result<void> put(int index, const Frame &colour) override
    {
        return writeImage(QDir(m_dir).filePath(m_names[index] + QStringLiteral(".png")), colour);
    }

private:
    QString m_dir;
    QStringList m_names;
};

// Output names: a folder keeps its images' stems (in the source's frame order: numbered files
// sorted by number); anything else is numbered 00000, 00001, …
QStringList outputNames(const QString &input, int frames)
{
    QStringList names;
    if (QFileInfo(input).isDir()) {
        static const QRegularExpression numbered(QStringLiteral("^(.*?)(\\d+)\\.([A-Za-z]+)$"));
        static const QStringList images = {"png", "tif", "tiff", "jpg", "jpeg", "dpx", "bmp"};
        std::multimap<qint64, QString> byNumber;
        const QStringList entries = QDir(input).entryList(QDir::Files | QDir::Readable, QDir::Name);
        for (const QString &entry : entries) {
            const QRegularExpressionMatch m = numbered.match(entry);
            if (m.hasMatch() && images.contains(m.captured(3).toLower()))
                byNumber.emplace(m.captured(2).toLongLong(), QFileInfo(entry).completeBaseName());
        }
        for (const auto &[number, stem] : byNumber)
            names << stem;
        if (names.size() == frames)
            return names;
        names.clear(); // not what the source read: fall back to numbers
    }
    for (int i = 0; i < frames; ++i)
        names << QStringLiteral("%1").arg(i, 5, 10, QLatin1Char('0'));
    return names;
}

struct KeyframeArg
{
    int index = 0;
    QString path;
};

} // namespace

int runPropagate(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption frames(QStringLiteral("frames"),
                                    QStringLiteral("The grey shot: a video file or a folder of "
                                                   "numbered images (colour input is reduced to "
                                                   "its BT.601 luma)."),
                                    QStringLiteral("DIR_OR_VIDEO"));
    const QCommandLineOption keyframe(QStringLiteral("keyframe"),
                                      QStringLiteral("A colour keyframe: frame index N (0-based) "
                                                     "and an image of the frames' size. Repeat "
                                                     "for several keyframes."),
                                      QStringLiteral("N=IMAGE"));
    const QCommandLineOption output(QStringList{QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("Output folder (created atomically): one PNG "
                                                   "per frame, named as the input images, or "
                                                   "00000.png, 00001.png, … for a video."),
                                    QStringLiteral("OUTDIR"));
    const QCommandLineOption method(QStringLiteral("method"),
                                    QStringLiteral("Propagation method: %1 (default %2).")
                                        .arg(propagationMethodNames().join(QStringLiteral(", ")),
                                             defaultPropagationMethodName()),
                                    QStringLiteral("NAME"), defaultPropagationMethodName());
    const QCommandLineOption refiner = refinerOption();
    const QCommandLineOption vpn = vpnModelOption();
    const QCommandLineOption device = propagationDeviceOption();
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("No progress bar."));
    parser.addOptions(
        {frames, keyframe, output, method, refiner, vpn, device, quiet, overwriteOption()});
    if (int rc = parseArgs(parser, kCommand,
                           QStringLiteral("Carry keyframe colour through a shot. Every output "
                                          "frame keeps its input frame's luminance exactly."),
                           args, 0, 0, QString());
        rc != kExitOk)
        return rc;
    for (const QCommandLineOption *required : {&frames, &keyframe, &output})
        if (!parser.isSet(*required))
            return usageError(
                kCommand, QStringLiteral("--%1 is required").arg(required->names().constLast()));
    std::vector<KeyframeArg> keyArgs;
    for (const QString &value : parser.values(keyframe)) {
        const qsizetype eq = value.indexOf(QLatin1Char('='));
        bool ok = false;
        const int index = eq > 0 ? value.left(eq).toInt(&ok) : -1;
        if (!ok || index < 0 || eq + 1 >= value.size())
            return usageError(
                kCommand,
                QStringLiteral("invalid --keyframe '%1' (expected N=IMAGE, N ≥ 0)").arg(value));
        keyArgs.push_back({index, value.mid(eq + 1)});
    }
    if (!isDeviceName(parser.value(device)))
        return usageError(kCommand, QStringLiteral("--device must be auto, cpu or cuda"));
    QStringList inputs{parser.value(frames), parser.value(refiner), parser.value(vpn)};
    for (const KeyframeArg &k : keyArgs)
        inputs << k.path;
    if (int rc = checkOutputArg(parser, parser.value(output), inputs); rc != kExitOk)
        return rc;
    PropagationMethodOptions methodOptions;
    methodOptions.refinerPath = parser.value(refiner);
    methodOptions.vpnPath = parser.value(vpn);
    methodOptions.device = parser.value(device);
    auto created = createPropagationMethod(parser.value(method), methodOptions);
    if (!created) // an unknown name is a usage error; a model that does not load is bad input
        return created.error().code == ErrorCode::InvalidArgument
                   ? usageError(kCommand, created.error().message)
                   : reportError(created.error());
    std::unique_ptr<PropagationMethod> propagation = std::move(created).value();

    const QString input = parser.value(frames);
    auto source = VideoSource::open(input);
    if (!source)
        return reportError(source.error());
    const int frameCount = int((*source)->frameCount());
    const int width = (*source)->info().width, height = (*source)->info().height;
    if (frameCount < 2)
        return reportError(makeError(ErrorCode::InvalidArgument,
                                     QStringLiteral("%1: a shot of %2 frame(s): nothing to "
                                                    "propagate a keyframe to")
                                         .arg(input)
                                         .arg(frameCount)));
    std::vector<Keyframe> keys;
    for (const KeyframeArg &k : keyArgs) {
        if (k.index >= frameCount)
            return reportError(makeError(ErrorCode::OutOfRange,
                                         QStringLiteral("%1: keyframe %2 is past the last frame "
                                                        "of %3 (%4 frames)")
                                             .arg(k.path)
                                             .arg(k.index)
                                             .arg(input)
                                             .arg(frameCount)));
        Result<Frame> image = readImage(k.path);
        if (!image)
            return reportError(image.error());
        if (image->width() != width || image->height() != height)
            return reportError(makeError(ErrorCode::SizeMismatch,
                                         QStringLiteral("%1: the keyframe is %2 but the frames "
                                                        "of %3 are %4")
                                             .arg(k.path, sizeText(image->width(), image->height()),
                                                  input, sizeText(width, height))));
        keys.push_back({k.index, std::move(image).value()});
    }

    auto out = AtomicOutput::begin(parser.value(output), AtomicOutput::Kind::Folder,
                                   existingPolicy(parser));
    if (!out)
        return reportError(out.error());
    ProgressBar bar(QStringLiteral("propagate"), parser.isSet(quiet));
    Feedback feedback(bar.callback());
    feedback.linkCancelFlag(&interruptFlag());
    VideoShotSource shot(**source);
    PngSink sink(out->tempPath(), outputNames(input, frameCount));
    Result<void> done = propagation->propagate(shot, keys, sink, feedback);
    bar.finish();
    printWarnings(feedback);
    if (!done)
        return reportError(done.error()); // the temporary folder goes with `out`
    if (Result<void> committed = out->commit(); !committed)
        return reportError(committed.error());
    if (!parser.isSet(quiet))
        QTextStream(stderr) << "wrote " << frameCount << " frames to " << parser.value(output)
                            << " (" << propagation->name() << ")\n";
    return kExitOk;
}

} // namespace tincture::cli
