#pragma once
// What the video colourisers' train commands (train recurrent-bins, train global-local) share:
// photographs for the per-frame net (packed, the sample's pictures and --exclude lists left
// out), clips of real and synthetic sequences for the temporal part, their validation sets,
// the schedule options, the list of every picture training saw and the manifest's description
// of the data.

#include "clicommon.h"
#include "traincommon.h"

#include "foundation/result.h"
#include "lab/fingerprint.h"
#include "lab/vpndata.h"

#include <QCommandLineOption>
#include <QJsonObject>
#include <QList>
#include <QStringList>

#include <optional>
#include <vector>

namespace tincture::cli {

struct VideoTrainData
{
    QString imagesDir, valImagesDir;
    int cropSize = 128, packSide = 160, validateEvery = 250, checkpointEvery = 100;
    lab::VpnClipOptions clips;    // the training clips (packer options)
    lab::VpnClipOptions valClips; // the validation sequences' clips (empty sequences: none)
    QStringList valNames;
    std::vector<lab::NamedFingerprint> keepOut;
    QStringList keepOutLists;
    // Packed files (after pack()); empty where there is none.
    QString photos, valPhotos, clipFile, valClipFile;
};

// --images, --val-images, --size, --pack-side, --clip-frames, --window, --windows, --scale,
// --validate-every, --checkpoint-every, --exclude and the sequence options (SequenceOptionSet).
class VideoTrainDataOptions
{
public:
    explicit VideoTrainDataOptions(const char *imagesHelp);
    QList<QCommandLineOption> options() const;
    // After parsing: a usage problem comes back in `usage` (ints collects range errors; the
    // caller checks ints.ok()), a missing --data folder as an error.
    Result<void> read(const QCommandLineParser &parser, IntOptions &ints, uint64_t seed,
                      VideoTrainData &data, QString &usage) const;
    QStringList excludeLists(const QCommandLineParser &parser) const;

private:
    SequenceOptionSet m_sequences;
    QCommandLineOption m_images, m_valImages, m_size, m_packSide, m_frames, m_window, m_windows,
        m_scale, m_every, m_checkpointEvery, m_exclude;
};

// A first stage's iterations (--colour-iters, --image-iters; `option` names it): −1 gives two
// thirds of the total; more than the total is a usage problem (its message).
std::optional<QString> firstStageIterations(int &first, int total, const QString &option);

// The fields every video trainer's options share, from the common and the data options: crop,
// schedule, batch, width, threads, seed and device.
template <class Options>
void setVideoTrainOptions(Options &o, const TrainCommonValues &c, const VideoTrainData &data)
{
    o.iterations = c.iterations;
    o.cropSize = data.cropSize;
    o.validateEvery = data.validateEvery;
    o.checkpointEvery = data.checkpointEvery;
    o.batch = c.batch;
    o.width = c.width;
    o.threads = c.threads;
    o.seed = c.seed;
    o.device = c.device;
}

// Reads the keep-out lists and packs the photographs and clips into outDir (reusing what was
// packed from the same inputs).
Result<void> packVideoTrainData(const QStringList &excludeLists, const QString &outDir, bool quiet,
                                VideoTrainData &data);

// OUT/FILE: every picture training saw — the photographs, then the clips' frames.
Result<QString> writeVideoTrainDataList(const VideoTrainData &data, const QString &outDir,
                                        const QString &file);

// The manifest's training fields that describe the data and the common schedule: crop,
// working side, clips, batch, learning rate, seed, the data list's file name, what was kept
// out and the validation sequences.
QJsonObject videoTrainManifestFields(const VideoTrainData &data, int batch, double learningRate,
                                     uint64_t seed, const QString &dataList);

// The manifest's "data" line.
QString videoTrainSources(const VideoTrainData &data);

} // namespace tincture::cli
