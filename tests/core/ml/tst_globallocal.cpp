// The global+local video colouriser (seed 001; ml/internal/globallocalnet.h,
// ml/globallocaltrainer.h, ml/videocolorizer.h): the ColorNet's shapes, the temporal losses on
// hand-made cases (a known warp, a known occlusion), two-stage training that learns and resumes
// exactly, with the temporal copy flickering less than the plain one on moving clips, and the
// session: luma kept exactly, the temporal mechanism on and off, bad models.

// LibTorch before any Qt header: Qt's `slots` macro breaks <torch/torch.h>.
#include "ml/internal/globallocalnet.h"

#include "ml/colorizer.h"
#include "ml/globallocaltrainer.h"
#include "ml/modelmanifest.h"
#include "ml/videocolorizer.h"
#include "colouriserdata.h"
#include "refinerfixture.h"
#include "testmain.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace tincture;
using namespace tincture::ml;

namespace {

constexpr int kSide = 32, kFrames = 4;

// The exact flows of test::movingClips: frame t shows at x what frame t − 1 shows at x − 1
// (flow to the previous frame −1, to frame 0 −t, in x).
QByteArray flows(int count)
{
    QByteArray bytes("TCFLOW01", 8);
    const uint32_t header[4] = {uint32_t(count), kFrames, kSide, kSide};
    bytes.append(reinterpret_cast<const char *>(header), sizeof header);
    for (int c = 0; c < count; ++c)
        for (int t = 0; t < kFrames; ++t)
            for (int pair = 0; pair < 2; ++pair)
                for (int p = 0; p < kSide * kSide; ++p) {
                    const int16_t dx = int16_t(-16 * (t == 0 ? 0 : pair == 0 ? 1 : t)), dy = 0;
                    bytes.append(reinterpret_cast<const char *>(&dx), 2);
                    bytes.append(reinterpret_cast<const char *>(&dy), 2);
                }
    return bytes;
}

// A flow of constant (dx, dy) over N×2×H×W.
torch::Tensor constantFlow(int n, int h, int w, double dx, double dy)
{
    return torch::stack({torch::full({n, h, w}, dx), torch::full({n, h, w}, dy)}, 1);
}

} // namespace

class TestGlobalLocal : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_photos, m_labels, m_clips, m_flows;

    GlobalLocalTrainOptions tiny(const QString &out, int iterations, int colourIterations) const
    {
        GlobalLocalTrainOptions o;
        o.photosPath = QFile::encodeName(m_photos).toStdString();
        o.labelsPath = QFile::encodeName(m_labels).toStdString();
        o.valPhotosPath = o.photosPath;
        o.clipsPath = QFile::encodeName(m_clips).toStdString();
        o.flowsPath = QFile::encodeName(m_flows).toStdString();
        o.valClipsPath = o.clipsPath;
        o.valFlowsPath = o.flowsPath;
        o.outDir = QFile::encodeName(out).toStdString();
        o.iterations = iterations;
        o.colourIterations = colourIterations;
        o.batch = 4;
        o.clipBatch = 2;
        o.cropSize = 24;
        o.width = 8;
        o.classes = 3;
        o.learningRate = 3e-3;
        o.temporalWeight = 1.0;
        o.validateEvery = 1000;
        o.checkpointEvery = 1000;
        o.threads = 1;
        return o;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_photos = m_dir.filePath(QStringLiteral("photos.tcds"));
        m_labels = m_dir.filePath(QStringLiteral("photos.classes"));
        m_clips = m_dir.filePath(QStringLiteral("clips.tcvc"));
        m_flows = m_dir.filePath(QStringLiteral("clips.tcvf"));
        QVERIFY(
            test::writeFileBytes(m_photos, test::lumaColouredPhotographs(6, kSide, 0.15, 0.12)));
        QVERIFY(test::writeFileBytes(m_labels, "0\n1\n-1\n2\n0\n1\n"));
        QVERIFY(test::writeFileBytes(m_clips,
                                     test::movingClips(4, kFrames, kSide, test::kOtherColours)));
        QVERIFY(test::writeFileBytes(m_flows, flows(4)));
    }

    void colorNetHasItsShapes()
    {
        torch::manual_seed(4);
        GlobalLocalNet net(GlobalLocalArch{4, 5});
        net->eval();
        torch::NoGradGuard noGrad;
        for (auto [h, w] : {std::pair{24, 40}, std::pair{128, 128}, std::pair{200, 96}}) {
            const torch::Tensor grey = torch::rand({2, 1, h, w}) - 0.5;
            torch::Tensor logits;
            const torch::Tensor chroma = net->temporal->forward(grey, &logits);
            QCOMPARE(chroma.sizes().vec(), (std::vector<int64_t>{2, 2, h, w}));
            QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{2, 5}));
            QVERIFY(chroma.min().item<float>() >= 0.0f && chroma.max().item<float>() <= 1.0f);
        }
        // The two nets are separate modules: their outputs differ from different weights.
        const torch::Tensor grey = torch::rand({1, 1, 32, 32}) - 0.5;
        QVERIFY(!torch::equal(net->temporal->forward(grey), net->plain->forward(grey)));
    }

    // A known warp: frame t is the other frame moved 1 px right, so the flow from t to the
    // other frame is −1 in x; everything but column 0 (whose source is outside) is seen.
    void temporalLossOfAKnownWarp()
    {
        torch::manual_seed(1);
        const int h = 6, w = 7;
        const torch::Tensor other = torch::rand({1, 2, h, w});
        torch::Tensor moved = torch::rand({1, 2, h, w}); // column 0: unrelated
        moved.slice(3, 1, w).copy_(other.slice(3, 0, w - 1));
        const torch::Tensor flow = constantFlow(1, h, w, -1.0, 0.0);
        const torch::Tensor inside = insideMask(flow);
        QCOMPARE(inside.slice(3, 0, 1).sum().item<double>(), 0.0);
        QCOMPARE(inside.slice(3, 1, w).min().item<double>(), 1.0);
        QVERIFY(torch::allclose(warpByFlow(other, flow).slice(3, 1, w), moved.slice(3, 1, w), 1e-6,
                                1e-6));
        QVERIFY(temporalLoss(moved, other, flow, inside).item<double>() < 1e-6);
        // An output 0.1 off on both channels: 0.2 per seen pixel, (w − 1)/w of them.
        const double expected = 0.2 * (w - 1) / w;
        QVERIFY(std::abs(temporalLoss(moved + 0.1, other, flow, inside).item<double>() - expected) <
                1e-6);
        // A vertical flow, half a pixel: bilinear between rows.
        const torch::Tensor half = constantFlow(1, h, w, 0.0, 0.5);
        const torch::Tensor between = warpByFlow(other, half);
        QVERIFY(torch::allclose(between.slice(2, 0, h - 1),
                                0.5 * (other.slice(2, 0, h - 1) + other.slice(2, 1, h)), 1e-6,
                                1e-6));
    }

    // A known occlusion: where the grey warped from the other frame differs from frame t's own
    // by d, the mask is exp(−50 d²); where it agrees, 1.
    void visibilityMaskOfAKnownOcclusion()
    {
        const int h = 5, w = 5;
        torch::Tensor greyOther = torch::full({1, 1, h, w}, 0.5);
        torch::Tensor greyT = greyOther.clone();
        greyT[0][0][2][3] = 0.8; // something new appears here in frame t
        const torch::Tensor mask = visibilityMask(greyT, greyOther, constantFlow(1, h, w, 0, 0));
        QVERIFY(std::abs(mask[0][0][2][3].item<double>() - std::exp(-50.0 * 0.09)) < 1e-6);
        QCOMPARE((mask.sum() - mask[0][0][2][3]).item<double>(), double(h * w - 1));
        // Occluded pixels do not count: a colour change there costs nothing.
        torch::Tensor out = torch::zeros({1, 2, h, w});
        const torch::Tensor outOther = out.clone();
        out[0][0][2][3] = 1.0;
        const double seen =
            temporalLoss(out, outOther, constantFlow(1, h, w, 0, 0), torch::ones({1, 1, h, w}))
                .item<double>();
        const double masked =
            temporalLoss(out, outOther, constantFlow(1, h, w, 0, 0), mask).item<double>();
        QVERIFY(std::abs(seen - 1.0 / (h * w)) < 1e-6);
        QVERIFY(std::abs(masked - std::exp(-4.5) / (h * w)) < 1e-6);
    }

    // Stage 1 learns colour that follows luma; stage 2 trains both copies on moving clips, the
    // temporal one with the losses; a run stopped in stage 2 and resumed ends with the same
    // weights as an uninterrupted one.
    void learnsAndResumesExactly()
    {
        const QString a = m_dir.filePath(QStringLiteral("run-a"));
        const QString b = m_dir.filePath(QStringLiteral("run-b"));
        QVERIFY(QDir().mkpath(a) && QDir().mkpath(b));
        const auto quietLog = [](const std::string &) {};
        double firstLoss = -1, lastStageOneLoss = -1;
        GlobalLocalTrainProgress last;
        const auto keep = [&](const GlobalLocalTrainProgress &p) {
            if (firstLoss < 0)
                firstLoss = p.loss;
            if (p.stage == 1)
                lastStageOneLoss = p.loss;
            last = p;
            return true;
        };
        GlobalLocalTrainOptions o = tiny(a, 100, 80);
        const GlobalLocalTrainOutcome full = trainGlobalLocal(o, keep, quietLog);
        QVERIFY2(full.ok, full.error.c_str());
        QVERIFY(last.validated);
        QCOMPARE(last.stage, 2);
        QVERIFY2(lastStageOneLoss < 0.6 * firstLoss,
                 qPrintable(QStringLiteral("stage 1 loss %1 at the end, %2 at the start")
                                .arg(lastStageOneLoss)
                                .arg(firstLoss)));
        QVERIFY2(last.photoPsnrPlain > last.photoGreyPsnr + 1.0,
                 qPrintable(QStringLiteral("%1 dB, grey %2 dB")
                                .arg(last.photoPsnrPlain)
                                .arg(last.photoGreyPsnr)));
        for (double v : {last.clipPsnrPlain, last.clipPsnrTemporal, last.clipChangeTruth,
                         last.clipWarpPlain, last.clipWarpTemporal})
            QVERIFY(std::isfinite(v));
        // The truth moves exactly with the flows: its warp error is zero but for rounding.
        QVERIFY2(last.clipWarpTruth < 1e-3, qPrintable(QString::number(last.clipWarpTruth)));
        QVERIFY2(last.clipWarpTemporal < last.clipWarpPlain,
                 qPrintable(QStringLiteral("warp error temporal %1, plain %2")
                                .arg(last.clipWarpTemporal)
                                .arg(last.clipWarpPlain)));
        QVERIFY(QFile::exists(a + QStringLiteral("/global-local.safetensors")));
        QCOMPARE(test::fileBytes(a + QStringLiteral("/validation.csv")).count('\n'), 2);

        o.outDir = QFile::encodeName(b).toStdString();
        const GlobalLocalTrainOutcome stopped = trainGlobalLocal(
            o, [](const GlobalLocalTrainProgress &p) { return p.iteration < 90; }, quietLog);
        QVERIFY(stopped.cancelled);
        QCOMPARE(stopped.iterations, 90);
        GlobalLocalTrainOptions resumed = o;
        resumed.resumePath = QFile::encodeName(b + QStringLiteral("/checkpoint.pt")).toStdString();
        resumed.colourIterations = 0; // the checkpoint's own win
        resumed.temporalWeight = 0;
        const GlobalLocalTrainOutcome rest = trainGlobalLocal(resumed, keep, quietLog);
        QVERIFY2(rest.ok, rest.error.c_str());
        QCOMPARE(test::fileBytes(b + QStringLiteral("/global-local.safetensors")),
                 test::fileBytes(a + QStringLiteral("/global-local.safetensors")));
    }

    void badDataIsReported()
    {
        const QString out = m_dir.filePath(QStringLiteral("run-bad"));
        QVERIFY(QDir().mkpath(out));
        const auto run = [](const GlobalLocalTrainOptions &o) {
            return trainGlobalLocal(
                o, [](const GlobalLocalTrainProgress &) { return true; },
                [](const std::string &) {});
        };
        // Flows of other clips.
        const QString otherFlows = m_dir.filePath(QStringLiteral("other.tcvf"));
        QVERIFY(test::writeFileBytes(otherFlows, flows(3)));
        GlobalLocalTrainOptions o = tiny(out, 4, 2);
        o.flowsPath = QFile::encodeName(otherFlows).toStdString();
        GlobalLocalTrainOutcome r = run(o);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.find("other.tcvf") != std::string::npos &&
                     r.error.find("do not match") != std::string::npos,
                 r.error.c_str());
        // A truncated flow file.
        QByteArray truncated = flows(4);
        truncated.chop(10);
        QVERIFY(test::writeFileBytes(otherFlows, truncated));
        r = run(o);
        QVERIFY2(!r.ok && r.error.find("truncated") != std::string::npos, r.error.c_str());
        // A class outside the range, and a class file of the wrong length.
        const QString labels = m_dir.filePath(QStringLiteral("bad.classes"));
        QVERIFY(test::writeFileBytes(labels, "0\n1\n7\n2\n0\n1\n"));
        o = tiny(out, 4, 2);
        o.labelsPath = QFile::encodeName(labels).toStdString();
        r = run(o);
        QVERIFY2(!r.ok && r.error.find("bad.classes") != std::string::npos, r.error.c_str());
        QVERIFY(test::writeFileBytes(labels, "0\n1\n"));
        r = run(o);
        QVERIFY2(!r.ok && r.error.find("2 classes for 6") != std::string::npos, r.error.c_str());
    }

    // The session keeps each frame's luma exactly; on, the temporal net colours; off, the plain
    // one; either way a frame's colour does not depend on the frames before it.
    void sessionKeepsLumaAndSwitchesNets()
    {
        const QString manifest = test::writeRandomGlobalLocalModel(m_dir.path(), "gl");
        QVERIFY(!manifest.isEmpty());
        ColorizerOptions options;
        options.device = QStringLiteral("cpu");
        auto loaded = VideoColorizer::load(manifest, options);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
        QCOMPARE((*loaded)->info().name, QStringLiteral("global-local"));
        QVERIFY(isVideoColorizerArchitecture(QStringLiteral("global-local")));
        const auto on = (*loaded)->start(true), off = (*loaded)->start(false);
        const Frame first = test::texturedGrey(97, 61, 0), second = test::texturedGrey(97, 61, 2);
        auto on0 = on->next(first), off0 = off->next(first);
        auto on1 = on->next(second);
        for (auto *r : {&on0, &off0, &on1})
            QVERIFY2(*r, qPrintable(*r ? QString() : r->error().message));
        QCOMPARE(on0->width(), 97);
        QCOMPARE(on0->height(), 61);
        QCOMPARE(on0->format(), PixelFormat::Rgb8);
        QVERIFY(test::samePixels(on0->luma(), first));
        QVERIFY(test::samePixels(on1->luma(), second));
        QVERIFY(!test::samePixels(*on0, *off0)); // two nets
        auto alone = (*loaded)->start(true)->next(second);
        QVERIFY(alone && test::samePixels(*alone, *on1));
        // As a keyframe model: the shipped (temporal) net's colour of the frame.
        auto keyframe = Colorizer::load(manifest);
        QVERIFY2(keyframe, qPrintable(keyframe ? QString() : keyframe.error().message));
        auto proposed = (*keyframe)->colorize(first);
        QVERIFY(proposed && test::samePixels(*proposed, *on0));
    }

    void badModelsAreNamed()
    {
        // Weights that do not match the manifest's width.
        const QString manifest = test::writeRandomGlobalLocalModel(m_dir.path(), "gl-bad");
        auto m = readManifest(manifest);
        QVERIFY(m);
        m->baseWidth = 3;
        QVERIFY(writeManifest(manifest, *m));
        auto mismatched = VideoColorizer::load(manifest);
        QVERIFY(!mismatched);
        QVERIFY2(mismatched.error().message.contains(QStringLiteral("gl-bad")),
                 qPrintable(mismatched.error().message));
        // Recurrent-bins weights under a global-local manifest: a tensor-name mismatch.
        const QString bins = test::writeRandomRecurrentBinsModel(m_dir.path(), "binsw");
        auto bm = readManifest(bins);
        QVERIFY(bm);
        bm->name = QStringLiteral("global-local");
        bm->depth = 3;
        QVERIFY(writeManifest(bins, *bm));
        auto wrong = VideoColorizer::load(bins);
        QVERIFY(!wrong);
        QVERIFY2(wrong.error().message.contains(QStringLiteral("binsw")),
                 qPrintable(wrong.error().message));
        // A manifest with no classes.
        m->baseWidth = 2;
        m->depth = 0;
        QVERIFY(writeManifest(manifest, *m));
        auto none = VideoColorizer::load(manifest);
        QVERIFY(!none);
        QCOMPARE(none.error().code, ErrorCode::ModelInvalid);
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestGlobalLocal)
#include "tst_globallocal.moc"
