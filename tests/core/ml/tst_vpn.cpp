// The Video Propagation Network for colour (ml/internal/vpnnet.h) and its trainer
// (ml/vpntrainer.h): the net's output shape and its dependence on the input points, training
// that learns a mapping on tiny hand-made clips, a run interrupted and resumed that ends with
// the same weights as an uninterrupted one, and bad clip files reported by name.

// LibTorch before any Qt header: Qt's `slots` macro breaks <torch/torch.h>.
#include "ml/internal/vpnnet.h"

#include "ml/vpntrainer.h"
#include "testmain.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>

using namespace tincture;
using namespace tincture::ml;

namespace {

constexpr int kFrames = 4, kHeight = 16, kWidth = 20;

// `count` clips: a textured grey pattern moving 1 px a frame to the right, its chroma a function
// of the pattern (so luma tells colour), the first stage's chroma lagging one frame behind. With
// `swapped`, every input chroma (the keyframe's too) has Cb and Cr swapped: a mapping the net
// does not start with and must learn.
QByteArray movingClips(int count, bool swapped = false)
{
    QByteArray bytes("TCVPNC01", 8);
    const uint32_t header[5] = {uint32_t(count), kFrames, kHeight, kWidth, 5};
    bytes.append(reinterpret_cast<const char *>(header), sizeof header);
    auto at = [](int clip, int x, int y, int t) {
        const double u = std::sin((x - t + clip) * 0.5) * std::cos(y * 0.4 + clip);
        return u; // −1 … 1
    };
    for (int c = 0; c < count; ++c)
        for (int t = 0; t < kFrames; ++t)
            for (int y = 0; y < kHeight; ++y)
                for (int x = 0; x < kWidth; ++x) {
                    const double now = at(c, x, y, t), before = at(c, x, y, std::max(0, t - 1));
                    const auto cb = uint8_t(std::lround(128 + 60 * before));
                    const auto cr = uint8_t(std::lround(128 - 50 * before));
                    const char px[5] = {char(uint8_t(std::lround(128 + 100 * now))),
                                        char(swapped ? cr : cb), char(swapped ? cb : cr),
                                        char(uint8_t(std::lround(128 + 60 * now))),
                                        char(uint8_t(std::lround(128 - 50 * now)))};
                    bytes.append(px, 5);
                }
    return bytes;
}

} // namespace

class TestVpn : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_train, m_val, m_swappedTrain, m_swappedVal;

    VpnTrainOptions tiny(const QString &out, int iterations) const
    {
        VpnTrainOptions o;
        o.datasetPath = QFile::encodeName(m_train).toStdString();
        o.valPath = QFile::encodeName(m_val).toStdString();
        o.outDir = QFile::encodeName(out).toStdString();
        o.iterations = iterations;
        o.batch = 2;
        o.bilateralChannels = 8;
        o.spatialChannels = 8;
        o.maxInputPoints = 300;
        o.learningRate = 1e-2;
        o.validateEvery = 1000;
        o.checkpointEvery = 1000;
        o.threads = 1;
        return o;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_train = m_dir.filePath(QStringLiteral("train.tcvc"));
        m_val = m_dir.filePath(QStringLiteral("val.tcvc"));
        QVERIFY(test::writeFileBytes(m_train, movingClips(6)));
        QVERIFY(test::writeFileBytes(m_val, movingClips(2)));
        m_swappedTrain = m_dir.filePath(QStringLiteral("swapped-train.tcvc"));
        m_swappedVal = m_dir.filePath(QStringLiteral("swapped-val.tcvc"));
        QVERIFY(test::writeFileBytes(m_swappedTrain, movingClips(6, true)));
        QVERIFY(test::writeFileBytes(m_swappedVal, movingClips(2, true)));
    }

    void outputIsTheFramesChromaAndFollowsTheInput()
    {
        torch::manual_seed(3);
        VpnNet net(VpnArch{8, 8, 0});
        torch::NoGradGuard noGrad;
        for (auto &p : net->parameters()) // larger weights, so the output depends on the input
            p.uniform_(-0.5, 0.5);
        const int64_t h = 6, w = 9;
        const torch::Tensor inF = torch::rand({50, kVpnFeatureDims}) * 2.0;
        const torch::Tensor outF = torch::rand({h * w, kVpnFeatureDims}) * 2.0;
        const auto toFrame = bilateralGeometry(inF, outF, 0);
        const auto within = bilateralGeometry(outF, outF, 0);
        QVERIFY(toFrame && within);
        const torch::Tensor chroma = torch::rand({50, 2});
        const torch::Tensor a = net->forward(chroma, *toFrame, *within, h, w);
        QCOMPARE(a.sizes().vec(), (std::vector<int64_t>{1, 2, h, w}));
        QVERIFY(torch::isfinite(a).all().item<bool>());
        const torch::Tensor b = net->forward(1.0 - chroma, *toFrame, *within, h, w);
        QVERIFY((a - b).abs().max().item<float>() > 1e-4);
    }

    // The net starts as the lattice's interpolation of its input: on clips whose input chroma
    // has Cb and Cr swapped it must learn the swap, and the loss falls; a run interrupted and
    // resumed ends with the same weights.
    void learnsAMappingAndResumesExactly()
    {
        const QString a = m_dir.filePath(QStringLiteral("run-a"));
        const QString b = m_dir.filePath(QStringLiteral("run-b"));
        QVERIFY(QDir().mkpath(a) && QDir().mkpath(b));
        const auto quietLog = [](const std::string &) {};
        double firstLoss = -1;
        VpnTrainProgress last;
        const auto keep = [&](const VpnTrainProgress &p) {
            if (firstLoss < 0)
                firstLoss = p.loss;
            last = p;
            return true;
        };
        VpnTrainOptions swapped = tiny(a, 60);
        swapped.datasetPath = QFile::encodeName(m_swappedTrain).toStdString();
        swapped.valPath = QFile::encodeName(m_swappedVal).toStdString();
        const VpnTrainOutcome full = trainVpn(swapped, keep, quietLog);
        QVERIFY2(full.ok, full.error.c_str());
        QVERIFY(last.validated);
        QVERIFY(std::isfinite(last.valPsnrOut) && last.valPsnrOut > 0);
        QVERIFY2(
            last.valPsnrOut > last.valPsnrIn + 3.0,
            qPrintable(
                QStringLiteral("%1 dB out, %2 dB in").arg(last.valPsnrOut).arg(last.valPsnrIn)));
        QVERIFY2(last.loss < 0.5 * firstLoss,
                 qPrintable(QStringLiteral("loss %1 at the end, %2 at the start")
                                .arg(last.loss)
                                .arg(firstLoss)));
        QVERIFY(QFile::exists(a + QStringLiteral("/vpn.safetensors")));

        // Interrupted at 25, resumed to 60: the same weights.
        swapped.outDir = QFile::encodeName(b).toStdString();
        const VpnTrainOutcome stopped = trainVpn(
            swapped, [](const VpnTrainProgress &p) { return p.iteration < 25; }, quietLog);
        QVERIFY(stopped.cancelled);
        QCOMPARE(stopped.iterations, 25);
        VpnTrainOptions resumed = swapped;
        resumed.resumePath = QFile::encodeName(b + QStringLiteral("/checkpoint.pt")).toStdString();
        const VpnTrainOutcome rest = trainVpn(resumed, keep, quietLog);
        QVERIFY2(rest.ok, rest.error.c_str());
        QCOMPARE(test::fileBytes(b + QStringLiteral("/vpn.safetensors")),
                 test::fileBytes(a + QStringLiteral("/vpn.safetensors")));
    }

    void badClipFilesAreReported_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("says");
        QByteArray truncated = movingClips(2);
        truncated.chop(100);
        QByteArray badMagic = movingClips(1);
        badMagic[0] = 'X';
        QTest::newRow("truncated") << truncated << QStringLiteral("truncated");
        QTest::newRow("bad magic") << badMagic << QStringLiteral("bad magic");
    }
    void badClipFilesAreReported()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, says);
        const QString out = m_dir.filePath(QStringLiteral("run-bad"));
        QVERIFY(QDir().mkpath(out));
        const QString bad = m_dir.filePath(QStringLiteral("bad.tcvc"));
        QVERIFY(test::writeFileBytes(bad, bytes));
        VpnTrainOptions o = tiny(out, 5);
        o.datasetPath = QFile::encodeName(bad).toStdString();
        const VpnTrainOutcome r = trainVpn(
            o, [](const VpnTrainProgress &) { return true; }, [](const std::string &) {});
        QVERIFY(!r.ok);
        QVERIFY2(r.error.find(says.toStdString()) != std::string::npos, r.error.c_str());
        QVERIFY2(r.error.find("bad.tcvc") != std::string::npos, r.error.c_str());
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestVpn)
#include "tst_vpn.moc"
