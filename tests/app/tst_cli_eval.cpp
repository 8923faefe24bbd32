// tincture-lab eval: the propagation protocol end to end on a tiny synthetic dataset, its table,
// JSON and exit codes (0 ok, 1 bad input, 2 usage); eval video on tiny lossless (FFV1) films
// with values worked out by hand, on a cut of the bundled sample, and its mismatch errors.

#include "media/videoencoder.h"
#include "ml/videocolorizer.h"
#include "lab/scoringio.h"
#include "framefixtures.h"
#include "refinerfixture.h"
#include "testsupport.h"
#include "testmain.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <vector>

using namespace tincture::lab;

using namespace tincture;
using tincture::test::runCli;
using tincture::test::runLab;

namespace {

Frame pattern(int w, int h, double shift)
{
    Frame f(w, h, PixelFormat::Rgb8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double a = std::sin((x - shift) * 0.3) * std::cos(y * 0.2);
            f.row(y)[x * 3] = uint8_t(std::lround(128 + 90 * a));
            f.row(y)[x * 3 + 1] = uint8_t(std::lround(128 + 40 * std::cos((x - shift) * 0.1)));
            f.row(y)[x * 3 + 2] = uint8_t(std::lround(128 - 80 * a));
        }
    return f;
}

// DIR/alpha (3 frames) and DIR/beta (4 frames), content moving 1 px per frame.
bool writeDataset(const QString &root)
{
    for (const auto &[name, n] :
         {std::pair{QStringLiteral("alpha"), 3}, std::pair{QStringLiteral("beta"), 4}}) {
        if (!QDir(root).mkpath(name))
            return false;
        for (int i = 0; i < n; ++i)
            if (!lab::writeScoringImage(
                     QStringLiteral("%1/%2/%3.png").arg(root, name).arg(i, 5, 10, QLatin1Char('0')),
                     pattern(36, 28, i))
                     .hasValue())
                return false;
    }
    return true;
}

// A lossless film (FFV1 keeps 8-bit RGB exactly), so the metrics can be checked by hand.
bool writeFilm(const QString &path, const std::vector<Frame> &frames)
{
    EncodeSettings settings;
    settings.codec = VideoCodec::Ffv1;
    auto enc =
        VideoEncoder::create(path, frames.front().width(), frames.front().height(), settings);
    if (!enc)
        return false;
    for (size_t i = 0; i < frames.size(); ++i) {
        Frame f = frames[i];
        f.pts = int64_t(i);
        if (!(*enc)->write(f).hasValue())
            return false;
    }
    return (*enc)->finish().hasValue();
}

QStringList csvLines(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

double psnrOfMse(double mse)
{
    return 20.0 * std::log10(255.0 / std::sqrt(mse));
}

} // namespace

class TestCliEval : public QObject
{
    Q_OBJECT

private slots:
    void propagationTableAndJson()
    {
        QTemporaryDir data, out;
        QVERIFY(writeDataset(data.path()));
        const QString json = out.filePath(QStringLiteral("scores.json"));
        const auto r =
            runLab({QStringLiteral("eval"), QStringLiteral("propagation"), QStringLiteral("--data"),
                    data.path(), QStringLiteral("--method"), QStringLiteral("flow"),
                    QStringLiteral("--json"), json, QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QStringLiteral("alpha")));
        QVERIFY(r.out.contains(QStringLiteral("beta")));
        const auto m =
            QRegularExpression(QStringLiteral("mean PSNR over 2 sequences.*: ([0-9.]+) dB"))
                .match(r.out);
        QVERIFY2(m.hasMatch(), qPrintable(r.out));

        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        const double mean = o.value(QStringLiteral("mean_psnr")).toDouble();
        QVERIFY(mean > 10 && mean < 100);
        QVERIFY(std::abs(mean - m.captured(1).toDouble()) < 0.0005); // the table rounds to 3
        const QJsonObject per = o.value(QStringLiteral("per_sequence")).toObject();
        QCOMPARE(per.size(), 2);
        QVERIFY(std::abs((per.value(QStringLiteral("alpha")).toDouble() +
                          per.value(QStringLiteral("beta")).toDouble()) /
                             2 -
                         mean) < 1e-9);
        QCOMPARE(o.value(QStringLiteral("frames_per_sequence"))
                     .toObject()
                     .value(QStringLiteral("beta"))
                     .toInt(),
                 4);
        QCOMPARE(o.value(QStringLiteral("method")).toString(), QStringLiteral("flow"));
    }

    // The low-confidence fill measured beside bnnflow: at threshold 0 nothing is filled and the
    // figures are the method's; at 1 every pixel the method is not sure of is the colouriser's,
    // and the main figures stay the method's. Bad choices are usage errors.
    void propagationWithLowConfidenceFill()
    {
        QTemporaryDir data, out;
        QVERIFY(writeDataset(data.path()));
        const QString model = test::writeRandomGlobalLocalModel(out.path(), QStringLiteral("gl"));
        QVERIFY(!model.isEmpty());
        const QString json = out.filePath(QStringLiteral("fill.json"));
        const QStringList common{QStringLiteral("eval"),     QStringLiteral("propagation"),
                                 QStringLiteral("--data"),   data.path(),
                                 QStringLiteral("--method"), QStringLiteral("bnnflow"),
                                 QStringLiteral("--quiet")};
        auto r = runLab(common + QStringList{QStringLiteral("--fill-from"), model,
                                             QStringLiteral("--fill-below"), QStringLiteral("0,1"),
                                             QStringLiteral("--json"), json});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("filled from global-local below confidence 1")),
                 qPrintable(r.out));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        const double own = o.value(QStringLiteral("mean_psnr")).toDouble();
        const QJsonObject fill = o.value(QStringLiteral("fill")).toObject();
        QCOMPARE(fill.value(QStringLiteral("from")).toString(), QStringLiteral("global-local"));
        const QJsonArray rows = fill.value(QStringLiteral("thresholds")).toArray();
        QCOMPARE(rows.size(), 2);
        const QJsonObject none = rows.at(0).toObject(), all = rows.at(1).toObject();
        QCOMPARE(none.value(QStringLiteral("filled_share")).toDouble(), 0.0);
        QVERIFY(std::abs(none.value(QStringLiteral("mean_psnr")).toDouble() - own) < 1e-9);
        const double share = all.value(QStringLiteral("filled_share")).toDouble();
        QVERIFY2(share > 0.0 && share < 1.0, qPrintable(QString::number(share)));
        QVERIFY(all.value(QStringLiteral("mean_psnr")).toDouble() != own);
        // The same run without a fill gives the same main figure.
        r = runLab(common);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("%1 dB").arg(own, 0, 'f', 3)), qPrintable(r.out));

        for (const QStringList &bad :
             {QStringList{QStringLiteral("--fill-below"), QStringLiteral("0.2")},
              QStringList{QStringLiteral("--fill-from"), QStringLiteral("nosuch")},
              QStringList{QStringLiteral("--fill-from"), model, QStringLiteral("--fill-below"),
                          QStringLiteral("0.2,2")}}) {
            r = runLab(common + bad);
            QVERIFY2(r.exitCode == 2, qPrintable(bad.join(' ') + QStringLiteral(": ") + r.err));
        }
    }

    // train refiner packs bnn's outputs, trains, writes a loadable manifest; eval runs vpn with
    // it; bad sequences and folders are refused with their names.
    void trainRefinerThenEvaluateVpn()
    {
        QTemporaryDir data, out;
        QVERIFY(writeDataset(data.path()));
        const QString run = out.filePath(QStringLiteral("run"));
        const QStringList common{QStringLiteral("train"),
                                 QStringLiteral("refiner"),
                                 QStringLiteral("--data"),
                                 data.path(),
                                 QStringLiteral("--out"),
                                 run,
                                 QStringLiteral("--patch"),
                                 QStringLiteral("16"),
                                 QStringLiteral("--patches-per-frame"),
                                 QStringLiteral("2"),
                                 QStringLiteral("--threads"),
                                 QStringLiteral("1"),
                                 QStringLiteral("--quiet")};
        auto r = runLab(common + QStringList{QStringLiteral("--val"), QStringLiteral("beta"),
                                             QStringLiteral("--iters"), QStringLiteral("4")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile f(QDir(run).filePath(QStringLiteral("refiner.json")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject manifest = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(manifest.value(QStringLiteral("name")).toString(), QStringLiteral("vpn-refiner"));
        QCOMPARE(manifest.value(QStringLiteral("training"))
                     .toObject()
                     .value(QStringLiteral("iterations"))
                     .toInt(),
                 4);
        QVERIFY(manifest.value(QStringLiteral("training"))
                    .toObject()
                    .value(QStringLiteral("data"))
                    .toString()
                    .contains(QStringLiteral("alpha")));
        QVERIFY(manifest.value(QStringLiteral("figures"))
                    .toObject()
                    .contains(QStringLiteral("validationChromaPsnrOutDb")));
        QVERIFY(manifest.value(QStringLiteral("training"))
                    .toObject()
                    .value(QStringLiteral("command"))
                    .toString()
                    .startsWith(QStringLiteral("tincture-lab train refiner ")));
        QVERIFY(!manifest.value(QStringLiteral("training"))
                     .toObject()
                     .value(QStringLiteral("date"))
                     .toString()
                     .isEmpty());

        r = runLab({QStringLiteral("eval"), QStringLiteral("propagation"), QStringLiteral("--data"),
                    data.path(), QStringLiteral("--method"), QStringLiteral("bnn-refined"),
                    QStringLiteral("--refiner"), f.fileName(), QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QStringLiteral("(all frames, bnn-refined)")));

        // A refiner that is not there: bad input, named.
        r = runLab({QStringLiteral("eval"), QStringLiteral("propagation"), QStringLiteral("--data"),
                    data.path(), QStringLiteral("--method"), QStringLiteral("bnn-refined"),
                    QStringLiteral("--refiner"), out.filePath(QStringLiteral("none.json")),
                    QStringLiteral("--quiet")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("none.json")), qPrintable(r.err));
        // A sequence in both sets is a usage error; an unknown one and a missing folder are bad
        // input, named.
        r = runLab(common + QStringList{QStringLiteral("--sequences"), QStringLiteral("alpha"),
                                        QStringLiteral("--val"), QStringLiteral("alpha")});
        QCOMPARE(r.exitCode, 2);
        r = runLab(common + QStringList{QStringLiteral("--sequences"), QStringLiteral("gamma")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("gamma")), qPrintable(r.err));
        QStringList missing = common;
        missing[3] = out.filePath(QStringLiteral("nowhere"));
        r = runLab(missing);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("nowhere")), qPrintable(r.err));

        // Synthetic sequences from photographs, validated on every real sequence.
        const QString photos = out.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(photos));
        for (int i = 0; i < 2; ++i)
            QVERIFY(lab::writeScoringImage(QStringLiteral("%1/p%2.png").arg(photos).arg(i),
                                           pattern(40, 40, 7.0 * i))
                        .hasValue());
        QStringList synthetic = common;
        synthetic[5] = out.filePath(QStringLiteral("synthetic"));
        synthetic << QStringLiteral("--photos") << photos << QStringLiteral("--synthetic")
                  << QStringLiteral("3") << QStringLiteral("--synthetic-frames")
                  << QStringLiteral("3") << QStringLiteral("--val") << QStringLiteral("alpha,beta")
                  << QStringLiteral("--iters") << QStringLiteral("2");
        r = runLab(synthetic);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile s(QDir(synthetic[5]).filePath(QStringLiteral("refiner.json")));
        QVERIFY(s.open(QIODevice::ReadOnly));
        const QString trainedOn = QJsonDocument::fromJson(s.readAll())
                                      .object()
                                      .value(QStringLiteral("training"))
                                      .toObject()
                                      .value(QStringLiteral("data"))
                                      .toString();
        QVERIFY2(trainedOn.startsWith(QStringLiteral("3 synthetic sequences")),
                 qPrintable(trainedOn));
        // --photos without --synthetic N, and an unknown method, are usage errors.
        r = runLab(common + QStringList{QStringLiteral("--photos"), photos});
        QCOMPARE(r.exitCode, 2);
        r = runLab(common + QStringList{QStringLiteral("--method"), QStringLiteral("nosuch")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("nosuch")), qPrintable(r.err));
    }

    // train vpn packs clips of bnn's outputs, trains the network, writes its manifest; a clip
    // longer than every sequence and a window larger than the frames are bad input, named.
    void trainVpnPacksClipsAndWritesAManifest()
    {
        QTemporaryDir data, out;
        QVERIFY(writeDataset(data.path()));
        const QString run = out.filePath(QStringLiteral("vpn"));
        const QStringList common{QStringLiteral("train"),         QStringLiteral("vpn"),
                                 QStringLiteral("--data"),        data.path(),
                                 QStringLiteral("--out"),         run,
                                 QStringLiteral("--clip-height"), QStringLiteral("16"),
                                 QStringLiteral("--width"),       QStringLiteral("8"),
                                 QStringLiteral("--batch"),       QStringLiteral("1"),
                                 QStringLiteral("--threads"),     QStringLiteral("1"),
                                 QStringLiteral("--quiet")};
        auto r = runLab(common + QStringList{QStringLiteral("--clip-frames"), QStringLiteral("3"),
                                             QStringLiteral("--clip-width"), QStringLiteral("24"),
                                             QStringLiteral("--val"), QStringLiteral("beta"),
                                             QStringLiteral("--iters"), QStringLiteral("3")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile f(QDir(run).filePath(QStringLiteral("vpn.json")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject manifest = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(manifest.value(QStringLiteral("name")).toString(), QStringLiteral("vpn"));
        const QJsonObject training = manifest.value(QStringLiteral("training")).toObject();
        QCOMPARE(training.value(QStringLiteral("iterations")).toInt(), 3);
        QVERIFY(
            training.value(QStringLiteral("data")).toString().contains(QStringLiteral("alpha")));
        QVERIFY(
            !training.value(QStringLiteral("data")).toString().contains(QStringLiteral("beta")));
        QVERIFY(training.value(QStringLiteral("command"))
                    .toString()
                    .startsWith(QStringLiteral("tincture-lab train vpn ")));
        QVERIFY(manifest.value(QStringLiteral("figures"))
                    .toObject()
                    .contains(QStringLiteral("validationChromaPsnrVpnDb")));
        QVERIFY(QFile::exists(QDir(run).filePath(QStringLiteral("vpn.safetensors"))));
        // The list of training pictures: alpha's 3 frames, none of beta's.
        QCOMPARE(training.value(QStringLiteral("dataList")).toString(),
                 QStringLiteral("vpn-data.csv"));
        const QStringList pictures = csvLines(QDir(run).filePath(QStringLiteral("vpn-data.csv")));
        QCOMPARE(pictures.filter(QStringLiteral("alpha/")).size(), 3);
        QVERIFY(pictures.filter(QStringLiteral("beta/")).isEmpty());

        QStringList again = common;
        again[5] = out.filePath(QStringLiteral("long"));
        r = runLab(again + QStringList{QStringLiteral("--clip-frames"), QStringLiteral("9")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("alpha")), qPrintable(r.err));
        again[5] = out.filePath(QStringLiteral("wide"));
        r = runLab(again + QStringList{QStringLiteral("--clip-frames"), QStringLiteral("3"),
                                       QStringLiteral("--clip-width"), QStringLiteral("40")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("alpha")) &&
                     r.err.contains(QStringLiteral("window")),
                 qPrintable(r.err));
        // The lattice neighbourhood is 0–2.
        r = runLab(common + QStringList{QStringLiteral("--depth"), QStringLiteral("3")});
        QCOMPARE(r.exitCode, 2);
    }

    // train cnn-lstm from photographs and sequences: a manifest with the gamut's bins, the list
    // of every picture seen (none of the validation sequence's), and its own usage errors.
    void trainCnnLstmWritesAModel()
    {
        QTemporaryDir data, out;
        QVERIFY(writeDataset(data.path()));
        const QString photos = out.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(photos));
        for (int i = 0; i < 4; ++i)
            QVERIFY(lab::writeScoringImage(QStringLiteral("%1/p%2.png").arg(photos).arg(i),
                                           pattern(40, 40, 3.0 * i))
                        .hasValue());
        const QString run = out.filePath(QStringLiteral("lstm"));
        const QStringList common{QStringLiteral("train"),         QStringLiteral("cnn-lstm"),
                                 QStringLiteral("--images"),      photos,
                                 QStringLiteral("--data"),        data.path(),
                                 QStringLiteral("--val"),         QStringLiteral("beta"),
                                 QStringLiteral("--out"),         run,
                                 QStringLiteral("--pack-side"),   QStringLiteral("32"),
                                 QStringLiteral("--size"),        QStringLiteral("16"),
                                 QStringLiteral("--clip-frames"), QStringLiteral("3"),
                                 QStringLiteral("--window"),      QStringLiteral("16"),
                                 QStringLiteral("--scale"),       QStringLiteral("1"),
                                 QStringLiteral("--width"),       QStringLiteral("2"),
                                 QStringLiteral("--batch"),       QStringLiteral("2"),
                                 QStringLiteral("--threads"),     QStringLiteral("1"),
                                 QStringLiteral("--quiet")};
        auto r = runLab(common + QStringList{QStringLiteral("--iters"), QStringLiteral("3"),
                                             QStringLiteral("--image-iters"), QStringLiteral("1"),
                                             QStringLiteral("--temperature"), QStringLiteral("0.5"),
                                             QStringLiteral("--prior-correction"),
                                             QStringLiteral("0.7")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile f(QDir(run).filePath(QStringLiteral("cnn-lstm.json")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject manifest = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(manifest.value(QStringLiteral("name")).toString(), QStringLiteral("cnn-lstm"));
        QCOMPARE(manifest.value(QStringLiteral("architecture"))
                     .toObject()
                     .value(QStringLiteral("depth"))
                     .toInt(),
                 261);
        QCOMPARE(manifest.value(QStringLiteral("architecture"))
                     .toObject()
                     .value(QStringLiteral("temperature"))
                     .toDouble(),
                 0.5);
        QCOMPARE(manifest.value(QStringLiteral("architecture"))
                     .toObject()
                     .value(QStringLiteral("priorCorrection"))
                     .toDouble(),
                 0.7);
        const QJsonObject training = manifest.value(QStringLiteral("training")).toObject();
        QCOMPARE(training.value(QStringLiteral("iterations")).toInt(), 3);
        QCOMPARE(training.value(QStringLiteral("imageIterations")).toInt(), 1);
        QVERIFY(training.value(QStringLiteral("command"))
                    .toString()
                    .startsWith(QStringLiteral("tincture-lab train cnn-lstm ")));
        QVERIFY(manifest.value(QStringLiteral("figures"))
                    .toObject()
                    .contains(QStringLiteral("validationClipChromaPsnrMemoryOnDb")));
        const QStringList pictures =
            csvLines(QDir(run).filePath(QStringLiteral("cnn-lstm-data.csv")));
        QVERIFY(!pictures.filter(QStringLiteral("alpha/")).isEmpty());
        QVERIFY(pictures.filter(QStringLiteral("beta/")).isEmpty());
        QCOMPARE(csvLines(QDir(run).filePath(QStringLiteral("class-weights.csv"))).size(), 262);
        // What it loads is a video colouriser.
        auto loaded = ml::VideoColorizer::load(QDir(run).filePath(QStringLiteral("cnn-lstm.json")));
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));

        // Its bins are the gamut's: no --depth; crops that are not multiples of 8.
        r = runLab(common + QStringList{QStringLiteral("--depth"), QStringLiteral("30")});
        QCOMPARE(r.exitCode, 2);
        r = runLab(common + QStringList{QStringLiteral("--size"), QStringLiteral("20")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("multiples of 8")), qPrintable(r.err));
        r = runLab(common + QStringList{QStringLiteral("--iters"), QStringLiteral("3"),
                                        QStringLiteral("--image-iters"), QStringLiteral("5")});
        QCOMPARE(r.exitCode, 2);
        r = runLab(common + QStringList{QStringLiteral("--temperature"), QStringLiteral("0")});
        QCOMPARE(r.exitCode, 2);
        r = runLab(common +
                   QStringList{QStringLiteral("--prior-correction"), QStringLiteral("1.5")});
        QCOMPARE(r.exitCode, 2);
    }

    // eval hints on two photographs: Levin's optimisation with 0 and 20 points, the table and
    // the JSON; more points give more colour back than none (grey) on a textured picture;
    // bad --points and --method are usage errors.
    void hintsProtocol()
    {
        QTemporaryDir data, out;
        // Four flat quadrants of different hues and lumas: points spread within each.
        auto quadrants = [](int w, int h) {
            Frame f(w, h, PixelFormat::Rgb8);
            const uint8_t colours[4][3] = {
                {200, 60, 50}, {60, 90, 200}, {70, 170, 80}, {230, 200, 90}};
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    std::copy(colours[2 * (y * 2 / h) + x * 2 / w],
                              colours[2 * (y * 2 / h) + x * 2 / w] + 3, f.row(y) + 3 * x);
            return f;
        };
        QVERIFY(lab::writeScoringImage(data.filePath(QStringLiteral("a.png")), quadrants(300, 280))
                    .hasValue());
        QVERIFY(lab::writeScoringImage(data.filePath(QStringLiteral("b.png")), quadrants(280, 300))
                    .hasValue());
        const QString json = out.filePath(QStringLiteral("h.json"));
        auto r = runLab({QStringLiteral("eval"), QStringLiteral("hints"), QStringLiteral("--data"),
                         data.path(), QStringLiteral("--points"), QStringLiteral("0,20"),
                         QStringLiteral("--method"), QStringLiteral("levin"),
                         QStringLiteral("--json"), json});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QLatin1String("2 photographs")));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        const QJsonArray rows = o[QStringLiteral("rows")].toArray();
        QCOMPARE(rows.size(), 2);
        const double none = rows[0].toObject()[QStringLiteral("levin")].toDouble();
        const double twenty = rows[1].toObject()[QStringLiteral("levin")].toDouble();
        QCOMPARE(none, o[QStringLiteral("grey")].toDouble());
        QVERIFY2(twenty > none + 3.0, qPrintable(QStringLiteral("%1 %2").arg(none).arg(twenty)));
        for (const QStringList &bad :
             {QStringList{QStringLiteral("--points"), QStringLiteral("x")},
              QStringList{QStringLiteral("--method"), QStringLiteral("guess")}}) {
            auto u = runLab(QStringList{QStringLiteral("eval"), QStringLiteral("hints"),
                                        QStringLiteral("--data"), data.path()} +
                            bad);
            QCOMPARE(u.exitCode, 2);
        }
    }

    void savedFramesRescoreIdentically()
    {
        QTemporaryDir data, saved, out;
        QVERIFY(writeDataset(data.path()));
        const QString a = out.filePath(QStringLiteral("a.json")),
                      b = out.filePath(QStringLiteral("b.json"));
        auto r =
            runLab({QStringLiteral("eval"), QStringLiteral("propagation"), QStringLiteral("--data"),
                    data.path(), QStringLiteral("--method"), QStringLiteral("copy0"),
                    QStringLiteral("--frames"), QStringLiteral("2"), QStringLiteral("--save"),
                    saved.path(), QStringLiteral("--json"), a, QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(saved.filePath(QStringLiteral("beta/00001.png"))));
        QVERIFY(!QFile::exists(saved.filePath(QStringLiteral("beta/00002.png")))); // --frames 2
        r = runLab({QStringLiteral("eval"), QStringLiteral("propagation"), QStringLiteral("--data"),
                    data.path(), QStringLiteral("--results"), saved.path(),
                    QStringLiteral("--frames"), QStringLiteral("2"), QStringLiteral("--json"), b,
                    QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile fa(a), fb(b);
        QVERIFY(fa.open(QIODevice::ReadOnly) && fb.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(fb.readAll())
                     .object()
                     .value(QStringLiteral("mean_psnr"))
                     .toDouble(),
                 QJsonDocument::fromJson(fa.readAll())
                     .object()
                     .value(QStringLiteral("mean_psnr"))
                     .toDouble());
        // All frames asked for, but only two saved: a missing result frame is bad input.
        r = runLab({QStringLiteral("eval"), QStringLiteral("propagation"), QStringLiteral("--data"),
                    data.path(), QStringLiteral("--results"), saved.path(),
                    QStringLiteral("--quiet")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QStringLiteral("missing result frame")));
    }

    // A video colouriser in per-frame mode, its temporal mechanism on and off: figures per
    // sequence and their means, as a table and as JSON; no colouriser named is a usage error.
    void perFrameColouriser()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid() && writeDataset(dir.filePath(QStringLiteral("data"))));
        const QString model =
            test::writeRandomRecurrentBinsModel(dir.path(), QStringLiteral("bins"));
        QVERIFY(!model.isEmpty());
        const QString json = dir.filePath(QStringLiteral("perframe.json"));
        auto r = runLab({QStringLiteral("eval"), QStringLiteral("video"), QStringLiteral("--data"),
                         dir.filePath(QStringLiteral("data")), QStringLiteral("--model"), model,
                         QStringLiteral("--json"), json, QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("E_t on")), qPrintable(r.out));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(doc.value(QStringLiteral("colorizer")).toString(),
                 QStringLiteral("recurrent-bins"));
        const QJsonArray sequences = doc.value(QStringLiteral("per_sequence")).toArray();
        QCOMPARE(sequences.size(), 2);
        QCOMPARE(sequences.at(1).toObject().value(QStringLiteral("frames")).toInt(), 4);
        for (const char *run : {"mean_temporal_on", "mean_temporal_off"}) {
            const QJsonObject m = doc.value(QLatin1String(run)).toObject();
            for (const char *key : {"chroma_psnr", "colourfulness", "warp_error", "cdc"}) {
                const QJsonValue v = m.value(QLatin1String(key));
                QVERIFY2(v.isDouble() && std::isfinite(v.toDouble()) && v.toDouble() >= 0,
                         qPrintable(
                             QStringLiteral("%1.%2").arg(QLatin1String(run), QLatin1String(key))));
            }
        }
        r = runLab({QStringLiteral("eval"), QStringLiteral("video"), QStringLiteral("--data"),
                    dir.filePath(QStringLiteral("data"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("--colorizer")), qPrintable(r.err));
        r = runLab({QStringLiteral("eval"), QStringLiteral("video"), QStringLiteral("--data"),
                    dir.filePath(QStringLiteral("data")), QStringLiteral("--colorizer"),
                    QStringLiteral("nosuch")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("pix2pix")), qPrintable(r.err));
    }

    void exitCodes_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<bool>("useData"); // --data the dataset (else a missing/empty folder)
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing dir")
            << QStringList{QStringLiteral("--data"), QStringLiteral("MISSING")} << false << 1
            << QStringLiteral("no such folder");
        QTest::newRow("empty dir") << QStringList{QStringLiteral("--data"), QStringLiteral("EMPTY")}
                                   << false << 1 << QStringLiteral("no sequences");
        QTest::newRow("bad method")
            << QStringList{QStringLiteral("--method"), QStringLiteral("magic")} << true << 2
            << QStringLiteral("unknown method 'magic'");
        QTest::newRow("bad frames") << QStringList{QStringLiteral("--frames"), QStringLiteral("0")}
                                    << true << 2 << QStringLiteral("--frames");
        QTest::newRow("no data") << QStringList{} << false << 2 << QStringLiteral("--data");
        QTest::newRow("results and method")
            << QStringList{QStringLiteral("--results"), QStringLiteral("x"),
                           QStringLiteral("--method"), QStringLiteral("flow")}
            << true << 2 << QStringLiteral("cannot be combined");
    }
    void exitCodes()
    {
        QFETCH(QStringList, extra);
        QFETCH(bool, useData);
        QFETCH(int, code);
        QFETCH(QString, message);
        QTemporaryDir data, empty;
        QVERIFY(writeDataset(data.path()));
        QStringList args = {QStringLiteral("eval"), QStringLiteral("propagation"),
                            QStringLiteral("--quiet")};
        if (useData)
            args << QStringLiteral("--data") << data.path();
        for (QString a : extra) {
            if (a == QLatin1String("MISSING"))
                a = data.filePath(QStringLiteral("not-there"));
            else if (a == QLatin1String("EMPTY"))
                a = empty.path();
            args << a;
        }
        const auto r = runLab(args);
        QCOMPARE(r.exitCode, code);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void targetsAndHelp()
    {
        auto r = runLab({QStringLiteral("eval"), QStringLiteral("colours")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("unknown target 'colours'")));
        // Options before the target belong to propagation; a misplaced target says so.
        r = runLab({QStringLiteral("eval"), QStringLiteral("--quiet"), QStringLiteral("video")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("target first")), qPrintable(r.err));
        const auto help = runLab({QStringLiteral("eval"), QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        for (const char *t : {"images", "propagation", "video"})
            QVERIFY(help.out.contains(QLatin1String(t)));
        const auto videoHelp =
            runLab({QStringLiteral("eval"), QStringLiteral("video"), QStringLiteral("--help")});
        QCOMPARE(videoHelp.exitCode, 0);
        QVERIFY(videoHelp.out.contains(QStringLiteral("--reference")));
    }

    void videoByHand()
    {
        // Result: grey, red, grey (flat, so the flow is zero); reference: (110, 100, 100).
        QTemporaryDir dir;
        const QString result = dir.filePath(QStringLiteral("result.mkv"));
        const QString truth = dir.filePath(QStringLiteral("truth.mkv"));
        const Frame grey = test::filled(32, 24, 100, 100, 100),
                    red = test::filled(32, 24, 151, 100, 100);
        const Frame ref = test::filled(32, 24, 110, 100, 100);
        QVERIFY(writeFilm(result, {grey, red, grey}));
        QVERIFY(writeFilm(truth, {ref, ref, ref}));
        const QString csv = dir.filePath(QStringLiteral("frames.csv"));
        const QString json = dir.filePath(QStringLiteral("summary.json"));
        const auto r =
            runLab({QStringLiteral("eval"), QStringLiteral("video"), QStringLiteral("--result"),
                    result, QStringLiteral("--reference"), truth, QStringLiteral("--csv"), csv,
                    QStringLiteral("--json"), json, QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QStringLiteral("mean flicker")));
        QVERIFY(r.out.contains(QStringLiteral("mean PSNR")));

        const QStringList lines = csvLines(csv);
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines[0], QStringLiteral("frame,flicker,colourfulness,psnr,ssim"));
        const double mRed = 0.3 * std::sqrt(51.0 * 51.0 + 25.5 * 25.5);
        const double expected[3][3] = {{0.04, 0.0, psnrOfMse(100.0 / 3)},
                                       {0.04, mRed, psnrOfMse(41.0 * 41.0 / 3)},
                                       {NAN, 0.0, psnrOfMse(100.0 / 3)}};
        for (int i = 0; i < 3; ++i) {
            const QStringList cells = lines[i + 1].split(QLatin1Char(','));
            QCOMPARE(cells.size(), 5);
            QCOMPARE(cells[0].toInt(), i);
            if (i == 2)
                QVERIFY(cells[1].isEmpty()); // no frame after the last
            else
                QVERIFY2(std::abs(cells[1].toDouble() - expected[i][0]) < 1e-6,
                         qPrintable(lines[i + 1]));
            QVERIFY2(std::abs(cells[2].toDouble() - expected[i][1]) < 1e-4,
                     qPrintable(lines[i + 1]));
            QVERIFY2(std::abs(cells[3].toDouble() - expected[i][2]) < 1e-4,
                     qPrintable(lines[i + 1]));
            const double ssim = cells[4].toDouble();
            QVERIFY(ssim > 0.9 && ssim < 1.0);
        }
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(o.value(QStringLiteral("frames")).toInt(), 3);
        QVERIFY(std::abs(o.value(QStringLiteral("mean_flicker")).toDouble() - 0.04) < 1e-6);
        QVERIFY(std::abs(o.value(QStringLiteral("mean_colourfulness")).toDouble() - mRed / 3) <
                1e-4);
        const double refM = 0.3 * std::sqrt(10.0 * 10.0 + 5.0 * 5.0); // (110, 100, 100)
        QVERIFY(std::abs(o.value(QStringLiteral("reference_mean_colourfulness")).toDouble() -
                         refM) < 1e-4);
        QVERIFY(std::abs(o.value(QStringLiteral("colourfulness_ratio")).toDouble() -
                         mRed / 3 / refM) < 1e-4);
        QVERIFY(std::abs(o.value(QStringLiteral("mean_psnr")).toDouble() -
                         (2 * psnrOfMse(100.0 / 3) + psnrOfMse(41.0 * 41.0 / 3)) / 3) < 1e-4);

        // Without a reference: PSNR and SSIM cells stay empty, the JSON has nulls.
        const auto r2 = runLab({QStringLiteral("eval"), QStringLiteral("video"),
                                QStringLiteral("--result"), result, QStringLiteral("--csv"), csv,
                                QStringLiteral("--json"), json, QStringLiteral("--quiet"),
                                QStringLiteral("-y")}); // replaces the first run's reports
        QVERIFY2(r2.exitCode == 0, qPrintable(r2.err));
        QVERIFY(!r2.out.contains(QStringLiteral("PSNR")));
        const QStringList plain = csvLines(csv);
        QCOMPARE(plain.size(), 4);
        QVERIFY(plain[1].endsWith(QStringLiteral(",,")));
        QFile f2(json);
        QVERIFY(f2.open(QIODevice::ReadOnly));
        QVERIFY(QJsonDocument::fromJson(f2.readAll())
                    .object()
                    .value(QStringLiteral("mean_psnr"))
                    .isNull());
    }

    void videoOnTheSample()
    {
        // Five frames of the bundled film (H.264) against its colour version.
        QTemporaryDir dir;
        const QString samples = tincture::test::sourceDir() + QStringLiteral("/resources/samples/");
        const QString grey = dir.filePath(QStringLiteral("grey.mp4"));
        const QString colour = dir.filePath(QStringLiteral("colour.mp4"));
        for (const auto &[in, out] :
             {std::pair{samples + QStringLiteral("sample.mp4"), grey},
              std::pair{samples + QStringLiteral("sample_colour.mp4"), colour}}) {
            const auto t =
                runCli({QStringLiteral("transcode"), in, QStringLiteral("-o"), out,
                        QStringLiteral("--first"), QStringLiteral("10"), QStringLiteral("--last"),
                        QStringLiteral("14"), QStringLiteral("--quiet")});
            QVERIFY2(t.exitCode == 0, qPrintable(t.err));
        }
        const QString csv = dir.filePath(QStringLiteral("f.csv"));
        const QString json = dir.filePath(QStringLiteral("s.json"));
        const auto r =
            runLab({QStringLiteral("eval"), QStringLiteral("video"), QStringLiteral("--result"),
                    colour, QStringLiteral("--reference"), colour, QStringLiteral("--csv"), csv,
                    QStringLiteral("--json"), json, QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        f.close();
        QCOMPARE(o.value(QStringLiteral("frames")).toInt(), 5);
        QCOMPARE(o.value(QStringLiteral("mean_psnr")).toString(), QStringLiteral("inf")); // itself
        QVERIFY(std::abs(o.value(QStringLiteral("colourfulness_ratio")).toDouble() - 1.0) < 1e-9);
        const double colourFlicker = o.value(QStringLiteral("mean_flicker")).toDouble();
        // A film within one shot flickers little: E_t well below a 10 % frame-wide jump (0.01).
        QVERIFY2(colourFlicker > 0 && colourFlicker < 0.005,
                 qPrintable(QString::number(colourFlicker)));

        // The grey film against the colour one: no colour, lower PSNR and SSIM.
        const auto r2 =
            runLab({QStringLiteral("eval"), QStringLiteral("video"), QStringLiteral("--result"),
                    grey, QStringLiteral("--reference"), colour, QStringLiteral("--csv"), csv,
                    QStringLiteral("--json"), json, QStringLiteral("--quiet"),
                    QStringLiteral("-y")}); // replaces the first run's reports
        QVERIFY2(r2.exitCode == 0, qPrintable(r2.err));
        QVERIFY(f.open(QIODevice::ReadOnly));
        o = QJsonDocument::fromJson(f.readAll()).object();
        QVERIFY(o.value(QStringLiteral("colourfulness_ratio")).toDouble() < 0.05);
        const double psnr = o.value(QStringLiteral("mean_psnr")).toDouble();
        QVERIFY2(psnr > 10 && psnr < 40, qPrintable(QString::number(psnr)));
        QVERIFY(o.value(QStringLiteral("mean_ssim")).toDouble() < 1.0);
    }

    void videoMismatches_data()
    {
        QTest::addColumn<int>("refFrames");
        QTest::addColumn<int>("refWidth");
        QTest::addColumn<QString>("message");
        QTest::newRow("frame count") << 2 << 32 << QStringLiteral("has 3 frames but the reference");
        QTest::newRow("size") << 3 << 30 << QStringLiteral("is 32×24 but the reference");
    }
    void videoMismatches()
    {
        QFETCH(int, refFrames);
        QFETCH(int, refWidth);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString result = dir.filePath(QStringLiteral("result.mkv"));
        const QString truth = dir.filePath(QStringLiteral("truth.mkv"));
        const Frame a = test::filled(32, 24, 50, 60, 70);
        QVERIFY(writeFilm(result, {a, a, a}));
        QVERIFY(writeFilm(
            truth, std::vector<Frame>(size_t(refFrames), test::filled(refWidth, 24, 1, 2, 3))));
        const QString csv = dir.filePath(QStringLiteral("f.csv"));
        const auto r = runLab({QStringLiteral("eval"), QStringLiteral("video"),
                               QStringLiteral("--result"), result, QStringLiteral("--reference"),
                               truth, QStringLiteral("--csv"), csv, QStringLiteral("--quiet")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(r.err.contains(result) && r.err.contains(truth)); // names both files
        QVERIFY(!QFile::exists(csv));
    }

    void videoUsageAndBadInput()
    {
        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("f.csv"));
        auto r =
            runLab({QStringLiteral("eval"), QStringLiteral("video"), QStringLiteral("--csv"), csv});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("--result")));
        r = runLab({QStringLiteral("eval"), QStringLiteral("video"), QStringLiteral("--result"),
                    tincture::test::samplePath()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("--csv")));
        const QString missing = dir.filePath(QStringLiteral("missing.mp4"));
        r = runLab({QStringLiteral("eval"), QStringLiteral("video"), QStringLiteral("--result"),
                    missing, QStringLiteral("--csv"), csv});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(missing));
        QVERIFY(!QFile::exists(csv));
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestCliEval)
#include "tst_cli_eval.moc"
