// The propagation refiner (VPN's spatial CNN as a per-pixel filter on the chroma): loading with
// its manifest and the errors for bad files, the filter property (every refined value lies
// within the range of its taps), odd sizes, and training: it learns to undo a known blur, and a
// run interrupted and resumed ends with the same weights as an uninterrupted one.

#include "ml/chromarefiner.h"
#include "ml/modelmanifest.h"
#include "ml/refinertrainer.h"
#include "refinerfixture.h"
#include "testsupport.h"
#include "testmain.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

using namespace tincture;
using namespace tincture::ml;

namespace {

// Patches whose true chroma has a sharp vertical edge and whose input chroma is that edge
// smeared over a few pixels (what a bilateral stage does at an edge the grey also shows).
QByteArray blurredEdgePatches(int count, int side, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    QByteArray bytes("TCRPAT01", 8);
    const uint32_t header[3] = {uint32_t(count), uint32_t(side), 5};
    bytes.append(reinterpret_cast<const char *>(header), sizeof header);
    for (int n = 0; n < count; ++n) {
        const int edge = side / 4 + int(rng() % uint64_t(side / 2));
        const int cbL = 60 + int(rng() % 60), cbR = 140 + int(rng() % 60);
        const int cr = 100 + int(rng() % 56);
        for (int y = 0; y < side; ++y)
            for (int x = 0; x < side; ++x) {
                const bool right = x >= edge;
                const double t = std::clamp((x - edge + 3.5) / 7.0, 0.0, 1.0); // smeared
                const char px[5] = {char(uint8_t(right ? 200 : 50)),
                                    char(uint8_t(std::lround(cbL + (cbR - cbL) * t))), char(cr),
                                    char(uint8_t(right ? cbR : cbL)), char(cr)};
                bytes.append(px, 5);
            }
    }
    return bytes;
}

} // namespace

class TestRefiner : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    RefinerTrainOptions tiny(const QString &out, int iterations) const
    {
        RefinerTrainOptions o;
        o.datasetPath =
            QFile::encodeName(m_dir.filePath(QStringLiteral("train.tcrp"))).toStdString();
        o.valPath = QFile::encodeName(m_dir.filePath(QStringLiteral("val.tcrp"))).toStdString();
        o.outDir = QFile::encodeName(out).toStdString();
        o.threads = 1;
        o.iterations = iterations;
        o.batch = 8;
        o.width = 8;
        o.depth = 3;
        o.tapSpacing = 2;
        o.learningRate = 3e-3;
        o.validateEvery = 100;
        o.checkpointEvery = 10;
        return o;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(test::writeFileBytes(m_dir.filePath(QStringLiteral("train.tcrp")),
                                     blurredEdgePatches(64, 24, 1)));
        QVERIFY(test::writeFileBytes(m_dir.filePath(QStringLiteral("val.tcrp")),
                                     blurredEdgePatches(16, 24, 2)));
        QVERIFY(!test::writeRandomRefinerModel(m_dir.path(), QStringLiteral("random")).isEmpty());
    }

    void refinedValuesStayWithinTheirTaps_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::newRow("64x48") << 64 << 48;
        QTest::newRow("odd 37x23") << 37 << 23;
        QTest::newRow("1x1") << 1 << 1;
    }

    void refinedValuesStayWithinTheirTaps()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        auto refiner = ChromaRefiner::load(m_dir.filePath(QStringLiteral("random.json")),
                                           QStringLiteral("cpu"));
        QVERIFY2(refiner.hasValue(), qPrintable(refiner ? QString() : refiner.error().message));
        QCOMPARE((*refiner)->info().tapSpacing, 2);
        std::mt19937 rng(3);
        std::vector<uint8_t> grey(size_t(width) * height);
        std::vector<float> chroma(size_t(width) * height * 2);
        for (auto &g : grey)
            g = uint8_t(rng() % 256);
        for (auto &c : chroma)
            c = float(40 + rng() % 176);
        std::vector<float> out = chroma;
        QVERIFY((*refiner)->refine(width, height, grey.data(), size_t(width), out.data(),
                                   size_t(width) * 2));
        bool changed = false;
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x)
                for (int c = 0; c < 2; ++c) {
                    float lo = 1e9f, hi = -1e9f;
                    for (int dy = -2; dy <= 2; dy += 2)
                        for (int dx = -2; dx <= 2; dx += 2) {
                            const int sx = std::clamp(x + dx, 0, width - 1);
                            const int sy = std::clamp(y + dy, 0, height - 1);
                            const float v = chroma[(size_t(sy) * width + sx) * 2 + c];
                            lo = std::min(lo, v);
                            hi = std::max(hi, v);
                        }
                    const float v = out[(size_t(y) * width + x) * 2 + c];
                    QVERIFY2(v >= lo - 1e-3f && v <= hi + 1e-3f,
                             qPrintable(QStringLiteral("(%1, %2): %3 outside [%4, %5]")
                                            .arg(x)
                                            .arg(y)
                                            .arg(v)
                                            .arg(lo)
                                            .arg(hi)));
                    changed =
                        changed || std::abs(v - chroma[(size_t(y) * width + x) * 2 + c]) > 0.5f;
                }
        if (width * height > 1)
            QVERIFY(changed); // random weights are not the identity
    }

    void badFilesAreRefusedWithTheirName()
    {
        const QString dir = m_dir.filePath(QStringLiteral("bad"));
        QVERIFY(QDir().mkpath(dir));
        const QString manifest = test::writeRandomRefinerModel(dir, QStringLiteral("r"));
        QVERIFY(ChromaRefiner::load(manifest).hasValue());

        // Truncated weights: the size check names the file.
        QFile f(dir + QStringLiteral("/r.safetensors"));
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.resize(f.size() / 2));
        f.close();
        auto truncated = ChromaRefiner::load(manifest);
        QVERIFY(!truncated);
        QVERIFY(truncated.error().message.contains(QStringLiteral("r.safetensors")));

        // A manifest whose architecture (width 8) does not match the weights (width 6).
        QVERIFY(!test::writeRandomRefinerModel(dir, QStringLiteral("r")).isEmpty());
        ModelManifest wrong = readManifest(manifest).value();
        wrong.baseWidth = 8;
        QVERIFY(writeManifest(manifest, wrong));
        auto mismatch = ChromaRefiner::load(manifest);
        QVERIFY(!mismatch);
        QCOMPARE(mismatch.error().code, ErrorCode::ModelMismatch);

        // Missing file, and no file at all.
        QVERIFY(!ChromaRefiner::load(dir + QStringLiteral("/none.json")));
        // A keyframe model's manifest is not a refiner.
        wrong.name = QStringLiteral("pix2pix-unet");
        QVERIFY(writeManifest(manifest, wrong));
        auto kind = ChromaRefiner::load(manifest);
        QVERIFY(!kind);
        QCOMPARE(kind.error().code, ErrorCode::ModelMismatch);
        auto none = ChromaRefiner::load(QString());
        QVERIFY(!none);
        QCOMPARE(none.error().code, ErrorCode::NoModel);
    }

    void learnsToUndoABlurAndResumesExactly()
    {
        const QString a = m_dir.filePath(QStringLiteral("run-a"));
        const QString b = m_dir.filePath(QStringLiteral("run-b"));
        QVERIFY(QDir().mkpath(a) && QDir().mkpath(b));
        const auto quietLog = [](const std::string &) {};
        RefinerTrainProgress last;
        const auto keep = [&](const RefinerTrainProgress &p) {
            last = p;
            return true;
        };
        const RefinerTrainOutcome full = trainRefiner(tiny(a, 200), keep, quietLog);
        QVERIFY2(full.ok, full.error.c_str());
        QVERIFY(last.validated);
        // The smeared edge is what the net must sharpen: the refined chroma is closer to the truth.
        QVERIFY2(last.valPsnrOut > last.valPsnrIn + 3.0,
                 qPrintable(QStringLiteral("%1 dB refined against %2 dB in")
                                .arg(last.valPsnrOut)
                                .arg(last.valPsnrIn)));

        // Interrupted at 70, resumed to 200: the same weights.
        const RefinerTrainOutcome stopped = trainRefiner(
            tiny(b, 200), [](const RefinerTrainProgress &p) { return p.iteration < 70; }, quietLog);
        QVERIFY(stopped.cancelled);
        QCOMPARE(stopped.iterations, 70);
        RefinerTrainOptions resumed = tiny(b, 200);
        resumed.resumePath = QFile::encodeName(b + QStringLiteral("/checkpoint.pt")).toStdString();
        const RefinerTrainOutcome rest = trainRefiner(resumed, keep, quietLog);
        QVERIFY2(rest.ok, rest.error.c_str());
        QCOMPARE(test::fileBytes(b + QStringLiteral("/refiner.safetensors")),
                 test::fileBytes(a + QStringLiteral("/refiner.safetensors")));
    }

    void badPatchFilesAreReported()
    {
        const QString out = m_dir.filePath(QStringLiteral("run-bad"));
        QVERIFY(QDir().mkpath(out));
        const QString bad = m_dir.filePath(QStringLiteral("bad.tcrp"));
        QByteArray truncated = blurredEdgePatches(4, 24, 5);
        truncated.chop(100);
        QVERIFY(test::writeFileBytes(bad, truncated));
        RefinerTrainOptions o = tiny(out, 5);
        o.datasetPath = QFile::encodeName(bad).toStdString();
        const RefinerTrainOutcome r = trainRefiner(
            o, [](const RefinerTrainProgress &) { return true; }, [](const std::string &) {});
        QVERIFY(!r.ok);
        QVERIFY2(r.error.find("truncated") != std::string::npos, r.error.c_str());
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestRefiner)
#include "tst_refiner.moc"
