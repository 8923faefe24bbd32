#include "videotraindata.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

namespace tincture::cli {

using namespace tincture::lab;

VideoTrainDataOptions::VideoTrainDataOptions(const char *imagesHelp)
    : m_images(valueOption("images", imagesHelp, "DIR", "")),
      m_valImages(valueOption("val-images", "Folder of validation photographs (never trained on).",
                              "DIR", "")),
      m_size(valueOption("size", "Photograph crop side in px (default 128).", "px", "128")),
      m_packSide(valueOption("pack-side",
                             "Side the photographs are packed at, and the model's working short "
                             "side (default 160).",
                             "px", "160")),
      m_frames(valueOption("clip-frames", "Frames per clip (default 8).", "N", "8")),
      m_window(valueOption("window", "Clip window side in px (default 128).", "px", "128")),
      m_windows(
          valueOption("windows", "Windows per clip of a real sequence (default 2).", "N", "2")),
      m_scale(valueOption("scale",
                          "Real sequences are resized by this factor before windows are cut "
                          "(default 0.333: 480 px frames to the photographs' 160).",
                          "F", "0.333333")),
      m_every(
          valueOption("validate-every", "Validate every N iterations (default 250).", "N", "250")),
      m_checkpointEvery(valueOption("checkpoint-every",
                                    "Checkpoint every N iterations (default 100).", "N", "100")),
      m_exclude(QStringLiteral("exclude"),
                QStringLiteral("A fingerprint list of pictures never to train on, by content "
                               "(repeatable). The bundled sample's photographs are always left "
                               "out."),
                QStringLiteral("LIST.csv"))
{
}

QList<QCommandLineOption> VideoTrainDataOptions::options() const
{
    return m_sequences.options() +
           QList<QCommandLineOption>{m_images, m_valImages,       m_size,    m_packSide,
                                     m_frames, m_window,          m_windows, m_scale,
                                     m_every,  m_checkpointEvery, m_exclude};
}

QStringList VideoTrainDataOptions::excludeLists(const QCommandLineParser &parser) const
{
    return parser.values(m_exclude);
}

Result<void> VideoTrainDataOptions::read(const QCommandLineParser &parser, IntOptions &ints,
                                         uint64_t seed, VideoTrainData &data, QString &usage) const
{
    data.imagesDir = parser.value(m_images);
    data.valImagesDir = parser.value(m_valImages);
    if (data.imagesDir.isEmpty()) {
        usage = QStringLiteral("--images is required");
        return {};
    }
    const Result<SequenceSources> split = m_sequences.read(parser, ints, usage);
    lab::VpnClipOptions &d = data.clips;
    data.cropSize = ints.read(m_size, 16, 1024);
    data.packSide = ints.read(m_packSide, 16, 2048);
    d.clipFrames = ints.read(m_frames, 2, 1000);
    d.clipHeight = d.clipWidth = ints.read(m_window, 8, 4096);
    d.windowsPerClip = ints.read(m_windows, 1, 1000);
    data.validateEvery = ints.read(m_every, 1, 100000000);
    data.checkpointEvery = ints.read(m_checkpointEvery, 1, 100000000);
    bool scaleOk = false;
    d.realScale = parser.value(m_scale).toDouble(&scaleOk);
    if (!scaleOk || !(d.realScale > 0.0 && d.realScale <= 1.0)) {
        usage = QStringLiteral("--scale must be in (0, 1]");
        return {};
    }
    if (!usage.isEmpty())
        return {};
    if (data.cropSize > data.packSide) {
        usage = QStringLiteral("--size must not exceed --pack-side");
        return {};
    }
    if (!split)
        return split.error();
    d.method = QStringLiteral("copy0"); // the packer's first stage; only the truth is read
    d.seed = seed;
    d.dataDir = split->dataDir;
    d.photosDir = split->photosDir;
    d.syntheticSequences = split->syntheticSequences;
    data.valClips = d;
    data.valClips.sequences = split->val;
    data.valClips.syntheticSequences = 0;
    data.valClips.photosDir.clear();
    data.valClips.windowsPerClip = 1;
    d.sequences = split->train;
    if (split->onlySyntheticTrain)
        d.dataDir.clear();
    data.valNames = split->val;
    return {};
}

Result<void> packVideoTrainData(const QStringList &excludeLists, const QString &outDir, bool quiet,
                                VideoTrainData &data)
{
    if (auto read = readKeepOut(excludeLists, data.keepOut, data.keepOutLists); !read)
        return read.error();
    auto photos = packedPhotographs(data.imagesDir, outDir, QStringLiteral("photos"), data.packSide,
                                    data.keepOut, quiet);
    if (!photos)
        return photos.error();
    data.photos = *photos;
    if (!data.valImagesDir.isEmpty()) {
        auto valSet = packedPhotographs(data.valImagesDir, outDir, QStringLiteral("val-photos"),
                                        data.packSide, data.keepOut, quiet);
        if (!valSet)
            return valSet.error();
        data.valPhotos = *valSet;
    }
    auto clips = packedVpnClips(data.clips, outDir, QStringLiteral("clips"), quiet);
    if (!clips)
        return clips.error();
    data.clipFile = *clips;
    if (!data.valNames.isEmpty()) {
        auto valSet = packedVpnClips(data.valClips, outDir, QStringLiteral("val-clips"), quiet);
        if (!valSet)
            return valSet.error();
        data.valClipFile = *valSet;
    }
    return {};
}

Result<QString> writeVideoTrainDataList(const VideoTrainData &data, const QString &outDir,
                                        const QString &file)
{
    const QString dataList = QDir(outDir).filePath(file);
    auto seen = readFingerprintList(QDir(outDir).filePath(QStringLiteral("photos.pictures.csv")));
    if (!seen)
        return seen.error();
    Feedback listing;
    listing.linkCancelFlag(&interruptFlag());
    auto clipPictures = vpnClipPictures(data.clips, listing);
    if (!clipPictures)
        return clipPictures.error();
    seen->insert(seen->end(), clipPictures->begin(), clipPictures->end());
    if (Result<void> ok = writeFingerprintList(dataList, *seen); !ok)
        return ok.error();
    return dataList;
}

std::optional<QString> firstStageIterations(int &first, int total, const QString &option)
{
    if (first < 0)
        first = total * 2 / 3;
    if (first > total)
        return QStringLiteral("%1 must not exceed --iters").arg(option);
    return std::nullopt;
}

QJsonObject videoTrainManifestFields(const VideoTrainData &data, int batch, double learningRate,
                                     uint64_t seed, const QString &dataList)
{
    return QJsonObject{
        {QStringLiteral("cropSize"), data.cropSize},
        {QStringLiteral("inferenceShortSide"), data.packSide},
        {QStringLiteral("clipFrames"), data.clips.clipFrames},
        {QStringLiteral("window"), data.clips.clipWidth},
        {QStringLiteral("windowsPerClip"), data.clips.windowsPerClip},
        {QStringLiteral("realScale"), data.clips.realScale},
        {QStringLiteral("syntheticSequences"), data.clips.syntheticSequences},
        {QStringLiteral("batch"), batch},
        {QStringLiteral("learningRate"), learningRate},
        {QStringLiteral("seed"), double(seed)},
        {QStringLiteral("dataList"), QFileInfo(dataList).fileName()},
        {QStringLiteral("keptOut"), data.keepOutLists.join(QStringLiteral(", "))},
        {QStringLiteral("validationSequences"), QJsonArray::fromStringList(data.valNames)}};
}

QString videoTrainSources(const VideoTrainData &data)
{
    const lab::VpnClipOptions &t = data.clips;
    QStringList sources{
        QStringLiteral("photographs: %1 (packed at %2 px)").arg(data.imagesDir).arg(data.packSide)};
    if (!t.dataDir.isEmpty())
        sources << QStringLiteral("sequences: %1: %2 (resized by %3)")
                       .arg(t.dataDir, t.sequences.isEmpty()
                                           ? QStringLiteral("all")
                                           : t.sequences.join(QStringLiteral(", ")))
                       .arg(t.realScale, 0, 'g', 4);
    if (t.syntheticSequences > 0)
        sources << QStringLiteral("%1 synthetic sequences from the photographs in %2")
                       .arg(t.syntheticSequences)
                       .arg(t.photosDir);
    return sources.join(QStringLiteral("; "));
}

} // namespace tincture::cli
