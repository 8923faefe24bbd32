#pragma once
// What the train commands (train colorizer, refiner, vpn) share: the options every trainer
// takes, read and checked the same way, the sequence trainers' sources of sequences, and the
// manifest written beside the final weights.

#include "clicommon.h"

#include "foundation/result.h"

#include <QCommandLineOption>
#include <QList>
#include <QStringList>
#include <QTextStream>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tincture::ml {
struct ModelManifest;
}
namespace tincture::lab {
struct NamedFingerprint;
struct VpnClipOptions;
} // namespace tincture::lab

namespace tincture::cli {

// The values of the shared options (see TrainOptionSet), in the trainers' terms.
struct TrainCommonValues
{
    QString outDir;
    int iterations = 0, batch = 0, width = 0, depth = 0, threads = 0;
    uint64_t seed = 1;
    std::string device;     // "cpu" or "cuda"
    std::string resumePath; // empty: a new run
    bool quiet = false;
};

// --out, --iters, --batch, --width, --depth, --device, --threads, --resume, --seed, --quiet.
// The net-specific ones (--out's help, the iterations, width and depth defaults) are the
// command's.
class TrainOptionSet
{
public:
    struct Texts
    {
        const char *outHelp;
        const char *itersDefault;
        const char *widthHelp;
        const char *widthDefault;
        const char *depthHelp; // nullptr: the command has no --depth (TrainCommonValues 0)
        const char *depthDefault;
        int depthMin = 2; // --depth's range
        int depthMax = 10;
    };
    explicit TrainOptionSet(const Texts &texts);

    QList<QCommandLineOption> options() const;
    // Reads the values; a usage problem (--out missing, a number out of range, a bad --device)
    // comes back as its message. `ints` collects range errors with the command's own options.
    std::optional<QString> read(const QCommandLineParser &parser, IntOptions &ints,
                                TrainCommonValues &values) const;
    // After every usage check: creates --out and finds the --resume checkpoint (bad input).
    Result<void> prepare(const QCommandLineParser &parser, TrainCommonValues &values) const;

private:
    QCommandLineOption m_out, m_iters, m_batch, m_width, m_depth, m_device, m_threads, m_resume,
        m_seed, m_quiet;
    bool m_hasDepth;
    int m_depthMin, m_depthMax;
};

// Where the sequence trainers (train refiner, train vpn) take their sequences, and which of them
// validate: --data, --sequences, --val, --photos, --synthetic.
struct SequenceSources
{
    QString dataDir, photosDir;
    int syntheticSequences = 0;
    QStringList train, val; // sequences of dataDir
    // --val named every sequence of --data: only the synthetic ones train (`train` empty).
    bool onlySyntheticTrain = false;
};

class SequenceOptionSet
{
public:
    SequenceOptionSet();
    QList<QCommandLineOption> options() const;
    // Reads --synthetic into `ints` (the caller checks ints.ok()) and the rest; a usage problem
    // comes back as its message in `usage` (then the result holds nothing of use), a --data
    // folder that is not there as an error.
    Result<SequenceSources> read(const QCommandLineParser &parser, IntOptions &ints,
                                 QString &usage) const;

private:
    QCommandLineOption m_data, m_sequences, m_val, m_photos, m_synthetic;
};

QString duration(double seconds); // H:MM:SS

// Packs FOLDER into OUT/NAME.tcds (lab/dataset.h), leaving out the pictures on `exclude`, unless
// that file was already packed from the same folder, file list, side and exclusion list (a
// sidecar NAME.tcds.source records them; packing is deterministic). What was packed is listed in
// OUT/NAME.pictures.csv (file name, fingerprint).
Result<QString> packedPhotographs(const QString &folder, const QString &outDir, const QString &name,
                                  int side, const std::vector<lab::NamedFingerprint> &exclude,
                                  bool quiet);

// Packs OUT/NAME.tcvc (lab/vpndata.h) unless it was already packed with the same inputs (a
// sidecar records them; packing is deterministic).
Result<QString> packedVpnClips(const lab::VpnClipOptions &options, const QString &outDir,
                               const QString &name, bool quiet);

// What training never sees: the sample's photographs (resources/samples/sources.csv: the demo,
// the screenshots and the tests' colour checks run on the sample) and the fingerprint lists in
// `extraLists`; appended to keepOut, the lists' file names to listNames.
Result<void> readKeepOut(const QStringList &extraLists, std::vector<lab::NamedFingerprint> &keepOut,
                         QStringList &listNames);

// Completes and writes OUT/STEM.json for the weights OUT/STEM.safetensors: their size and
// sha256, the date, and the command line in `training`; then says "done" unless quiet. Returns
// the exit code.
int writeTrainedManifest(ml::ModelManifest manifest, const TrainCommonValues &values,
                         const QString &stem, const QString &command, const QStringList &args,
                         QTextStream &err);

} // namespace tincture::cli
