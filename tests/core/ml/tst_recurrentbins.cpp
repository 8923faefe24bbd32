// The recurrent binned video colouriser (seed 004; ml/internal/binsnet.h, ml/binstrainer.h,
// ml/videocolorizer.h): bins and their decoding, the nets' shapes, the consistency net starting
// as the colour net, two-stage training that learns and resumes exactly, and the session: luma
// kept exactly, the temporal mechanism on and off, its use as a keyframe model, bad models.

// LibTorch before any Qt header: Qt's `slots` macro breaks <torch/torch.h>.
#include "ml/internal/binsnet.h"

#include "ml/binstrainer.h"
#include "ml/colorizer.h"
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

constexpr int kSide = 32, kFrames = 3;

} // namespace

class TestRecurrentBins : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_photos, m_clips;

    BinsTrainOptions tiny(const QString &out, int iterations, int colourIterations) const
    {
        BinsTrainOptions o;
        o.photosPath = QFile::encodeName(m_photos).toStdString();
        o.valPhotosPath = o.photosPath;
        o.clipsPath = QFile::encodeName(m_clips).toStdString();
        o.valClipsPath = o.clipsPath;
        o.outDir = QFile::encodeName(out).toStdString();
        o.iterations = iterations;
        o.colourIterations = colourIterations;
        o.batch = 4;
        o.cropSize = 24;
        o.width = 4;
        o.bins = 10;
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
        m_photos = m_dir.filePath(QStringLiteral("photos.tcds"));
        m_clips = m_dir.filePath(QStringLiteral("clips.tcvc"));
        QVERIFY(test::writeFileBytes(m_photos, test::lumaColouredPhotographs(6, kSide, 0.4, 0.3)));
        QVERIFY(test::writeFileBytes(m_clips,
                                     test::movingClips(4, kFrames, kSide, test::kOtherColours)));
    }

    void binsAreClassesOfChroma()
    {
        const int bins = 30;
        const torch::Tensor centres = (torch::arange(bins) + 0.5) * (256.0 / bins);
        const torch::Tensor chroma = torch::stack({centres, centres.flip(0)}).view({1, 2, bins, 1});
        const torch::Tensor index = chromaBins(chroma, bins);
        QCOMPARE(index.select(1, 0).flatten().equal(torch::arange(bins)), true);
        QCOMPARE(chromaBins(torch::tensor({0.0, 255.99}).view({1, 2, 1, 1}), bins)
                     .flatten()
                     .equal(torch::tensor({int64_t(0), int64_t(bins - 1)})),
                 true);
        // One-hot logits decode to the bins' centres, by argmax and (peaked) annealed mean.
        torch::Tensor logits = torch::full({1, 2 * bins, bins, 1}, -50.0);
        for (int i = 0; i < bins; ++i) {
            logits[0][i][i][0] = 50.0;
            logits[0][bins + bins - 1 - i][i][0] = 50.0;
        }
        QVERIFY(torch::allclose(argmaxChroma(logits, bins), chroma));
        QVERIFY(torch::allclose(annealedChroma(logits, bins), chroma, 1e-4, 1e-3));
        // Even logits: the annealed mean is the middle of the range.
        const torch::Tensor flat = annealedChroma(torch::zeros({1, 2 * bins, 1, 1}), bins);
        QVERIFY(torch::allclose(flat, torch::full({1, 2, 1, 1}, 128.0)));
        // The loss is lower for the right bins.
        const torch::Tensor wrong = binsLoss(logits, (index + 1) % bins, bins);
        QVERIFY(binsLoss(logits, chromaBins(chroma, bins), bins).item<double>() <
                wrong.item<double>());
        // BT.601 full range: white is neutral, pure red has Cr above 128 and Cb below.
        const torch::Tensor ycc =
            rgbToYcc(torch::tensor({1.0f, 1.0f, 1.0f, 1.0f, 0.0f, 0.0f}).view({2, 3, 1, 1}));
        QVERIFY(
            torch::allclose(ycc[0].flatten(), torch::tensor({255.0f, 128.0f, 128.0f}), 1e-3, 1e-3));
        QVERIFY(ycc[1][2].item<float>() > 250.0f && ycc[1][1].item<float>() < 90.0f);
    }

    void netsHaveTheirShapesAndConsistencyStartsAsTheColourNet()
    {
        torch::manual_seed(4);
        RecurrentBinsNet net(BinsArch{4, 12});
        net->eval();
        torch::NoGradGuard noGrad;
        for (auto [h, w] : {std::pair{24, 40}, std::pair{21, 30}}) {
            const torch::Tensor grey = torch::rand({2, 1, h, w}) - 0.5;
            const torch::Tensor logits = net->colour->forward(grey);
            QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{2, 24, h, w}));
            const torch::Tensor prev = torch::rand({2, 2, h, w}) - 0.5;
            const torch::Tensor again = net->consistency->forward(grey, logits, grey, prev);
            QCOMPARE(again.sizes().vec(), logits.sizes().vec());
            QVERIFY(torch::equal(again, logits)); // its last layer starts at zero
        }
    }

    // Stage 1 learns the bins of colour that follows luma; stage 2 runs on clips; a run stopped
    // in the second stage and resumed ends with the same weights as an uninterrupted one.
    void learnsAndResumesExactly()
    {
        const QString a = m_dir.filePath(QStringLiteral("run-a"));
        const QString b = m_dir.filePath(QStringLiteral("run-b"));
        QVERIFY(QDir().mkpath(a) && QDir().mkpath(b));
        const auto quietLog = [](const std::string &) {};
        double firstLoss = -1, lastStageOneLoss = -1;
        BinsTrainProgress last;
        const auto keep = [&](const BinsTrainProgress &p) {
            if (firstLoss < 0)
                firstLoss = p.loss;
            if (p.stage == 1)
                lastStageOneLoss = p.loss;
            last = p;
            return true;
        };
        BinsTrainOptions o = tiny(a, 50, 40);
        const BinsTrainOutcome full = trainRecurrentBins(o, keep, quietLog);
        QVERIFY2(full.ok, full.error.c_str());
        QVERIFY(last.validated);
        QCOMPARE(last.stage, 2);
        QVERIFY2(lastStageOneLoss < 0.6 * firstLoss,
                 qPrintable(QStringLiteral("stage 1 loss %1 at the end, %2 at the start")
                                .arg(lastStageOneLoss)
                                .arg(firstLoss)));
        QVERIFY2(
            last.photoPsnr > last.photoGreyPsnr + 3.0,
            qPrintable(
                QStringLiteral("%1 dB, grey %2 dB").arg(last.photoPsnr).arg(last.photoGreyPsnr)));
        QVERIFY(last.photoAccuracyU > 0.5 && last.photoAccuracyV > 0.5);
        for (double v : {last.clipPsnrColour, last.clipPsnrFull, last.clipChangeColour,
                         last.clipChangeFull, last.clipChangeTruth})
            QVERIFY(std::isfinite(v));
        QVERIFY(QFile::exists(a + QStringLiteral("/recurrent-bins.safetensors")));
        QCOMPARE(test::fileBytes(a + QStringLiteral("/validation.csv")).count('\n'), 2);

        o.outDir = QFile::encodeName(b).toStdString();
        const BinsTrainOutcome stopped = trainRecurrentBins(
            o, [](const BinsTrainProgress &p) { return p.iteration < 45; }, quietLog);
        QVERIFY(stopped.cancelled);
        QCOMPARE(stopped.iterations, 45);
        BinsTrainOptions resumed = o;
        resumed.resumePath = QFile::encodeName(b + QStringLiteral("/checkpoint.pt")).toStdString();
        resumed.colourIterations = 0; // the checkpoint's own win
        const BinsTrainOutcome rest = trainRecurrentBins(resumed, keep, quietLog);
        QVERIFY2(rest.ok, rest.error.c_str());
        QCOMPARE(test::fileBytes(b + QStringLiteral("/recurrent-bins.safetensors")),
                 test::fileBytes(a + QStringLiteral("/recurrent-bins.safetensors")));
    }

    void badDataIsReported()
    {
        const QString out = m_dir.filePath(QStringLiteral("run-bad"));
        QVERIFY(QDir().mkpath(out));
        const QString bad = m_dir.filePath(QStringLiteral("bad.tcvc"));
        QByteArray truncated = test::movingClips(2, kFrames, kSide, test::kOtherColours);
        truncated.chop(50);
        QVERIFY(test::writeFileBytes(bad, truncated));
        BinsTrainOptions o = tiny(out, 4, 2);
        o.clipsPath = QFile::encodeName(bad).toStdString();
        const BinsTrainOutcome r = trainRecurrentBins(
            o, [](const BinsTrainProgress &) { return true; }, [](const std::string &) {});
        QVERIFY(!r.ok);
        QVERIFY2(r.error.find("bad.tcvc") != std::string::npos &&
                     r.error.find("truncated") != std::string::npos,
                 r.error.c_str());
        o = tiny(out, 4, 6);
        QVERIFY(!trainRecurrentBins(
                     o, [](const BinsTrainProgress &) { return true; }, [](const std::string &) {})
                     .ok);
    }

    // The session keeps each frame's luma exactly; with the mechanism on, frame 0 is the colour
    // net's and later frames depend on their predecessor; off, every frame is coloured alone.
    void sessionKeepsLumaAndRecolours()
    {
        const QString manifest = test::writeRandomRecurrentBinsModel(m_dir.path(), "bins");
        QVERIFY(!manifest.isEmpty());
        ColorizerOptions options;
        options.device = QStringLiteral("cpu");
        auto loaded = VideoColorizer::load(manifest, options);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
        QCOMPARE((*loaded)->info().name, QStringLiteral("recurrent-bins"));
        const auto on = (*loaded)->start(true), off = (*loaded)->start(false);
        const Frame first = test::texturedGrey(97, 61, 0), second = test::texturedGrey(97, 61, 2);
        auto on0 = on->next(first), off0 = off->next(first);
        auto on1 = on->next(second), off1 = off->next(second);
        for (auto *r : {&on0, &off0, &on1, &off1})
            QVERIFY2(*r, qPrintable(*r ? QString() : r->error().message));
        QCOMPARE(on0->width(), 97);
        QCOMPARE(on0->height(), 61);
        QCOMPARE(on0->format(), PixelFormat::Rgb8);
        QVERIFY(test::samePixels(on1->luma(), second));
        QVERIFY(test::samePixels(on0->luma(), first));
        QVERIFY(test::samePixels(*on0, *off0));
        QVERIFY(!test::samePixels(*on1, *off1));
        // Off, a frame's colour does not depend on what came before.
        auto alone = (*loaded)->start(false)->next(second);
        QVERIFY(alone && test::samePixels(*alone, *off1));
        // A frame of another size starts the run afresh rather than failing.
        auto other = on->next(test::texturedGrey(40, 30, 0));
        QVERIFY(other && other->width() == 40);
    }

    void servesAsAKeyframeModelWithoutHints()
    {
        const QString manifest = test::writeRandomRecurrentBinsModel(m_dir.path(), "bins-key");
        auto model = Colorizer::load(manifest);
        QVERIFY2(model, qPrintable(model ? QString() : model.error().message));
        QVERIFY(!(*model)->takesHints());
        const Frame grey = test::texturedGrey(50, 40, 0);
        auto coloured = (*model)->colorize(grey);
        QVERIFY(coloured && test::samePixels(coloured->luma(), grey));
        auto direct = VideoColorizer::load(manifest);
        QVERIFY(direct);
        QVERIFY(test::samePixels(*coloured, *(*direct)->start(false)->next(grey)));
        const Frame hints(50, 40, PixelFormat::Rgba8);
        auto refused = (*model)->colorize(grey, hints);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::ModelMismatch);
    }

    void badModelsAreNamed()
    {
        // A keyframe model is not a video colouriser.
        const QString pix2pix = test::writeRandomColorizerModel(m_dir.path(), "pix", 0);
        auto wrong = VideoColorizer::load(pix2pix);
        QVERIFY(!wrong);
        QCOMPARE(wrong.error().code, ErrorCode::ModelMismatch);
        QVERIFY(wrong.error().message.contains(QStringLiteral("pix.json")));
        // Weights that do not match the manifest's width.
        const QString manifest = test::writeRandomRecurrentBinsModel(m_dir.path(), "bins-bad");
        auto m = readManifest(manifest);
        QVERIFY(m);
        m->baseWidth = 6;
        QVERIFY(writeManifest(manifest, *m));
        auto mismatched = VideoColorizer::load(manifest);
        QVERIFY(!mismatched);
        QVERIFY2(mismatched.error().message.contains(QStringLiteral("bins-bad")),
                 qPrintable(mismatched.error().message));
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestRecurrentBins)
#include "tst_recurrentbins.moc"
