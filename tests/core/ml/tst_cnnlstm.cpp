// The CNN-LSTM video colouriser (seed 003; ml/internal/cnnlstmnet.h, ml/cnnlstmtrainer.h,
// ml/videocolorizer.h): the in-gamut bins, Zhang et al.'s soft encoding, class rebalancing and
// annealed mean on hand-made cases, the net's shapes and memory, two-stage training that learns
// and resumes exactly, and the session: luma kept exactly, the memory on and off, bad models.

// LibTorch before any Qt header: Qt's `slots` macro breaks <torch/torch.h>.
#include "ml/internal/cnnlstmnet.h"
#include "ml/internal/net.h"
#include "ml/internal/safetensors.h"

#include "ml/cnnlstmtrainer.h"
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

// The index of the bin at (a, b), or −1.
int64_t binAt(const torch::Tensor &bins, double a, double b)
{
    for (int64_t q = 0; q < bins.size(0); ++q)
        if (bins[q][0].item<double>() == a && bins[q][1].item<double>() == b)
            return q;
    return -1;
}

} // namespace

class TestCnnLstm : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_photos, m_clips;

    CnnLstmTrainOptions tiny(const QString &out, int iterations, int imageIterations) const
    {
        CnnLstmTrainOptions o;
        o.photosPath = QFile::encodeName(m_photos).toStdString();
        o.valPhotosPath = o.photosPath;
        o.clipsPath = QFile::encodeName(m_clips).toStdString();
        o.valClipsPath = o.clipsPath;
        o.outDir = QFile::encodeName(out).toStdString();
        o.iterations = iterations;
        o.imageIterations = imageIterations;
        o.batch = 4;
        o.clipBatch = 2;
        o.cropSize = 24;
        o.width = 4;
        o.learningRate = 3e-3;
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
        QVERIFY(
            test::writeFileBytes(m_photos, test::lumaColouredPhotographs(6, kSide, 0.15, 0.12)));
        QVERIFY(test::writeFileBytes(
            m_clips, test::movingClips(4, kFrames, kSide, test::kPhotographColours)));
    }

    // The cells of the 10-unit a*b* grid that 8-bit sRGB reaches: grey, the primaries' cells,
    // and not the corners of the plane.
    void gamutBinsAreTheCellsSrgbReaches()
    {
        const torch::Tensor bins = gamutBins();
        QCOMPARE(bins.size(0), int64_t(261));
        QCOMPARE(bins.size(1), int64_t(2));
        QVERIFY(torch::equal(bins, (bins / 10.0).round() * 10.0));
        QVERIFY(binAt(bins, 0, 0) >= 0);
        // The primaries' a*b*, rounded to the grid, are bins; each colour's nearest bin is its own
        // cell.
        const torch::Tensor primaries =
            torch::tensor({1.0f, 0.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0.0f, 1.0f})
                .view({3, 3, 1, 1});
        const torch::Tensor ab = rgbToLab(primaries).slice(1, 1, 3);
        const torch::Tensor nearest = nearestBin(ab, bins);
        for (int i = 0; i < 3; ++i) {
            const double a = std::round(ab[i][0][0][0].item<double>() / 10) * 10;
            const double b = std::round(ab[i][1][0][0].item<double>() / 10) * 10;
            QCOMPARE(nearest[i][0][0].item<int64_t>(), binAt(bins, a, b));
        }
        QCOMPARE(binAt(bins, 100, -100), int64_t(-1));
        QCOMPARE(binAt(bins, -100, -100), int64_t(-1));
    }

    // A pixel on a bin centre: itself at weight 1 and its four neighbours at 10 units, each
    // exp(−100 / 50), normalised; a pixel halfway between two bins: those two equal and highest.
    void softEncodingOfKnownColours()
    {
        const torch::Tensor bins = gamutBins();
        const torch::Tensor ab = torch::tensor({0.0f, 5.0f, 0.0f, 0.0f}).view({1, 2, 1, 2});
        const torch::Tensor z = softEncode(ab, bins);
        QCOMPARE(z.sizes().vec(), (std::vector<int64_t>{1, bins.size(0), 1, 2}));
        QVERIFY(torch::allclose(z.sum(1), torch::ones({1, 1, 2})));
        const double e = std::exp(-2.0);
        const double self = 1.0 / (1.0 + 4.0 * e);
        QVERIFY(std::abs(z[0][binAt(bins, 0, 0)][0][0].item<double>() - self) < 1e-5);
        QVERIFY(std::abs(z[0][binAt(bins, 10, 0)][0][0].item<double>() - e * self) < 1e-5);
        QVERIFY(std::abs(z[0][binAt(bins, 0, -10)][0][0].item<double>() - e * self) < 1e-5);
        QCOMPARE(z.select(3, 0).gt(0).sum().item<int64_t>(), int64_t(5));
        const double at0 = z[0][binAt(bins, 0, 0)][0][1].item<double>();
        QVERIFY(std::abs(at0 - z[0][binAt(bins, 10, 0)][0][1].item<double>()) < 1e-6);
        QCOMPARE(z.select(3, 1).argmax(1).item<int64_t>() == binAt(bins, 0, 0) ||
                     z.select(3, 1).argmax(1).item<int64_t>() == binAt(bins, 10, 0),
                 true);
    }

    // λ = 1: every class weighs 1. λ = 0.5: a rare class weighs more than a common one, and the
    // weights' expectation under the (smoothed) distribution is 1.
    void rebalancingWeighsRareColoursMore()
    {
        const torch::Tensor bins = gamutBins();
        const int64_t q = bins.size(0);
        torch::Tensor counts = torch::ones({q});
        const int64_t grey = binAt(bins, 0, 0), green = binAt(bins, -60, 50);
        QVERIFY(grey >= 0 && green >= 0);
        counts[grey] = 10000;
        QVERIFY(torch::allclose(rebalancingWeights(counts, bins, 1.0), torch::ones({q})));
        const torch::Tensor w = rebalancingWeights(counts, bins, 0.5);
        QVERIFY(w[green].item<double>() > 1.5 * w[grey].item<double>());
        QVERIFY(w[grey].item<double>() < 1.0);
        // With no smoothing the expectation is under the counts themselves.
        const torch::Tensor plain = rebalancingWeights(counts, bins, 0.5, 1e-3);
        const double expectation = ((counts / counts.sum()) * plain).sum().item<double>();
        QVERIFY2(std::abs(expectation - 1.0) < 1e-4, qPrintable(QString::number(expectation)));
    }

    // Peaked logits decode to their bin's centre; two equal bins at T = 1 to their midpoint; the
    // loss is lowest for logits that match the soft-encoded truth.
    void annealedMeanAndLossOfKnownCases()
    {
        const torch::Tensor bins = gamutBins();
        const int64_t q = bins.size(0);
        const int64_t red = binAt(bins, 60, 40), grey = binAt(bins, 0, 0);
        torch::Tensor logits = torch::zeros({1, q, 1, 1});
        logits[0][red] = 100.0;
        torch::Tensor ab = annealedAb(logits, bins);
        QVERIFY(std::abs(ab[0][0][0][0].item<double>() - 60) < 1e-3);
        QVERIFY(std::abs(ab[0][1][0][0].item<double>() - 40) < 1e-3);
        logits = torch::full({1, q, 1, 1}, -1000.0);
        logits[0][red] = 0.0;
        logits[0][grey] = 0.0;
        ab = annealedAb(logits, bins, 1.0);
        QVERIFY(std::abs(ab[0][0][0][0].item<double>() - 30) < 1e-3);
        QVERIFY(std::abs(ab[0][1][0][0].item<double>() - 20) < 1e-3);
        // Grey logits on a grey level decode to neutral chroma.
        logits = torch::zeros({1, q, 2, 2});
        logits.select(1, grey).fill_(100.0);
        const torch::Tensor chroma = chromaOfLogits(logits, bins, torch::full({1, 1, 8, 8}, 90.0));
        QCOMPARE(chroma.sizes().vec(), (std::vector<int64_t>{1, 2, 8, 8}));
        QVERIFY((chroma - 128.0).abs().max().item<double>() < 0.5);
        // The loss.
        const torch::Tensor truth = torch::tensor({55.0f, 42.0f}).view({1, 2, 1, 1});
        const torch::Tensor weights = torch::ones({q});
        const torch::Tensor matching = torch::log(softEncode(truth, bins) + 1e-9);
        const double best = rebalancedLoss(matching, truth, bins, weights).item<double>();
        QVERIFY(best <
                rebalancedLoss(torch::zeros({1, q, 1, 1}), truth, bins, weights).item<double>());
        QVERIFY(best < rebalancedLoss(logits.slice(2, 0, 1).slice(3, 0, 1), truth, bins, weights)
                           .item<double>());
        // Doubling the nearest bin's weight doubles the loss.
        torch::Tensor heavier = weights.clone();
        heavier[nearestBin(truth, bins)[0][0][0].item<int64_t>()] = 2.0;
        QVERIFY(std::abs(rebalancedLoss(matching, truth, bins, heavier).item<double>() - 2 * best) <
                1e-5);
    }

    // The prior correction on a hand-made case: logits that are log(v·p) (a distribution p
    // tilted by weights v, as the rebalanced loss teaches) decode, with the whole correction at
    // T = 1, to the mean under p; with none, to the mean under the tilted distribution; half of
    // it lies between.
    void priorCorrectionUndoesTheTilt()
    {
        const torch::Tensor bins = gamutBins();
        const int64_t q = bins.size(0);
        const int64_t red = binAt(bins, 60, 40), grey = binAt(bins, 0, 0);
        torch::Tensor p = torch::zeros({q});
        p[red] = 0.25;
        p[grey] = 0.75;
        torch::Tensor v = torch::ones({q});
        v[red] = 3.0; // the rare colour weighs three times as much
        const torch::Tensor logits = (torch::log(v * p + 1e-30)).view({1, q, 1, 1});
        auto a = [&](double strength) {
            return annealedAb(logits, bins, 1.0, priorShift(v, strength))[0][0][0][0]
                .item<double>();
        };
        QVERIFY(std::abs(a(1.0) - 60 * 0.25) < 1e-3);                 // p: 15
        QVERIFY(std::abs(a(0.0) - 60 * 0.75 / (0.75 + 0.75)) < 1e-3); // v·p: 30
        QVERIFY(a(0.5) > a(1.0) + 1 && a(0.5) < a(0.0) - 1);
        QVERIFY(std::abs(annealedAb(logits, bins, 1.0)[0][0][0][0].item<double>() - a(0.0)) < 1e-6);
    }

    // Logits at a quarter of the frame; the memory has the hidden width at 1/8 and changes what
    // the next frame gets; without memory two runs agree.
    void netHasItsShapesAndMemory()
    {
        torch::manual_seed(4);
        const torch::Tensor bins = gamutBins();
        CnnLstmNet net(CnnLstmArch{4, int(bins.size(0))}, bins);
        net->eval();
        torch::NoGradGuard noGrad;
        const torch::Tensor grey = torch::rand({2, 1, 32, 48}) - 0.5;
        LstmState memory;
        const torch::Tensor first = net->forward(grey, memory);
        QCOMPARE(first.sizes().vec(), (std::vector<int64_t>{2, bins.size(0), 8, 12}));
        QCOMPARE(memory.h.sizes().vec(), (std::vector<int64_t>{2, 16, 4, 6}));
        QVERIFY(torch::equal(net->abBins, bins));
        const torch::Tensor other = torch::rand({2, 1, 32, 48}) - 0.5;
        LstmState none, none2;
        const torch::Tensor withMemory = net->forward(other, memory);
        const torch::Tensor alone = net->forward(other, none);
        QVERIFY(!torch::allclose(withMemory, alone));
        QVERIFY(torch::equal(alone, net->forward(other, none2)));
        // A clip at once is the same as its frames one by one.
        const torch::Tensor clip = torch::stack({grey, other}, 0);
        const torch::Tensor together = net->forwardClip(clip);
        LstmState again;
        const torch::Tensor f0 = net->forward(grey, again), f1 = net->forward(other, again);
        QCOMPARE(together.sizes().vec(), (std::vector<int64_t>{2, 2, bins.size(0), 8, 12}));
        QVERIFY(torch::allclose(together[0], f0, 1e-4, 1e-5));
        QVERIFY(torch::allclose(together[1], f1, 1e-4, 1e-5));
        // A memory of another size is no memory.
        LstmState small;
        net->forward(torch::rand({1, 1, 16, 16}), small);
        LstmState none3;
        QVERIFY(torch::equal(net->forward(other, small), net->forward(other, none3)));
    }

    // Stage 1 learns colour that follows luma; stage 2 runs clips through the memory; a run
    // stopped in stage 2 and resumed ends with the same weights as an uninterrupted one.
    void learnsAndResumesExactly()
    {
        const QString a = m_dir.filePath(QStringLiteral("run-a"));
        const QString b = m_dir.filePath(QStringLiteral("run-b"));
        QVERIFY(QDir().mkpath(a) && QDir().mkpath(b));
        const auto quietLog = [](const std::string &) {};
        double firstLoss = -1, lastStageOneLoss = -1;
        CnnLstmTrainProgress last;
        const auto keep = [&](const CnnLstmTrainProgress &p) {
            if (firstLoss < 0)
                firstLoss = p.loss;
            if (p.stage == 1)
                lastStageOneLoss = p.loss;
            last = p;
            return true;
        };
        CnnLstmTrainOptions o = tiny(a, 200, 170);
        const CnnLstmTrainOutcome full = trainCnnLstm(o, keep, quietLog);
        QVERIFY2(full.ok, full.error.c_str());
        QCOMPARE(full.bins, 261);
        QVERIFY(last.validated);
        QCOMPARE(last.stage, 2);
        // (Soft-encoded cross-entropy has the truth's entropy as its floor, about 1.1 here.)
        QVERIFY2(lastStageOneLoss < 0.8 * firstLoss,
                 qPrintable(QStringLiteral("stage 1 loss %1 at the end, %2 at the start")
                                .arg(lastStageOneLoss)
                                .arg(firstLoss)));
        QVERIFY2(
            last.photoPsnr > last.photoGreyPsnr + 1.0,
            qPrintable(
                QStringLiteral("%1 dB, grey %2 dB").arg(last.photoPsnr).arg(last.photoGreyPsnr)));
        for (double v : {last.clipPsnrOn, last.clipPsnrOff, last.clipChangeOn, last.clipChangeOff,
                         last.clipChangeTruth})
            QVERIFY(std::isfinite(v));
        QVERIFY(QFile::exists(a + QStringLiteral("/cnn-lstm.safetensors")));
        QCOMPARE(test::fileBytes(a + QStringLiteral("/validation.csv")).count('\n'), 2);
        QCOMPARE(test::fileBytes(a + QStringLiteral("/class-weights.csv")).count('\n'), 262);

        o.outDir = QFile::encodeName(b).toStdString();
        const CnnLstmTrainOutcome stopped = trainCnnLstm(
            o, [](const CnnLstmTrainProgress &p) { return p.iteration < 190; }, quietLog);
        QVERIFY(stopped.cancelled);
        QCOMPARE(stopped.iterations, 190);
        CnnLstmTrainOptions resumed = o;
        resumed.resumePath = QFile::encodeName(b + QStringLiteral("/checkpoint.pt")).toStdString();
        resumed.imageIterations = 0; // the checkpoint's own win
        resumed.clipBatch = 1;
        const CnnLstmTrainOutcome rest = trainCnnLstm(resumed, keep, quietLog);
        QVERIFY2(rest.ok, rest.error.c_str());
        QCOMPARE(test::fileBytes(b + QStringLiteral("/cnn-lstm.safetensors")),
                 test::fileBytes(a + QStringLiteral("/cnn-lstm.safetensors")));
    }

    void badDataIsReported()
    {
        const QString out = m_dir.filePath(QStringLiteral("run-bad"));
        QVERIFY(QDir().mkpath(out));
        const auto run = [](const CnnLstmTrainOptions &o) {
            return trainCnnLstm(
                o, [](const CnnLstmTrainProgress &) { return true; }, [](const std::string &) {});
        };
        CnnLstmTrainOptions o = tiny(out, 4, 2);
        o.cropSize = 20;
        CnnLstmTrainOutcome r = run(o);
        QVERIFY2(!r.ok && r.error.find("multiple of 8") != std::string::npos, r.error.c_str());
        QByteArray truncated = test::movingClips(4, kFrames, kSide, test::kPhotographColours);
        truncated.chop(10);
        const QString bad = m_dir.filePath(QStringLiteral("bad.tcvc"));
        QVERIFY(test::writeFileBytes(bad, truncated));
        o = tiny(out, 4, 2);
        o.clipsPath = QFile::encodeName(bad).toStdString();
        r = run(o);
        QVERIFY2(!r.ok && r.error.find("bad.tcvc") != std::string::npos, r.error.c_str());
    }

    // The session keeps each frame's luma exactly; on, the memory carries to the next frame; off,
    // every frame is coloured as a single image.
    void sessionKeepsLumaAndCarriesMemory()
    {
        const QString manifest = test::writeRandomCnnLstmModel(m_dir.path(), "lstm");
        QVERIFY(!manifest.isEmpty());
        ColorizerOptions options;
        options.device = QStringLiteral("cpu");
        auto loaded = VideoColorizer::load(manifest, options);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
        QCOMPARE((*loaded)->info().name, QStringLiteral("cnn-lstm"));
        QVERIFY(isVideoColorizerArchitecture(QStringLiteral("cnn-lstm")));
        const auto on = (*loaded)->start(true), off = (*loaded)->start(false);
        const Frame first = test::texturedGrey(97, 61, 0), second = test::texturedGrey(97, 61, 9);
        auto on0 = on->next(first), off0 = off->next(first);
        auto on1 = on->next(second), off1 = off->next(second);
        for (auto *r : {&on0, &off0, &on1, &off1})
            QVERIFY2(*r, qPrintable(*r ? QString() : r->error().message));
        QCOMPARE(on0->width(), 97);
        QCOMPARE(on0->height(), 61);
        QCOMPARE(on0->format(), PixelFormat::Rgb8);
        QVERIFY(test::samePixels(on0->luma(), first));
        QVERIFY(test::samePixels(on1->luma(), second));
        QVERIFY(test::samePixels(*on0, *off0)); // the first frame has no memory either way
        auto alone = (*loaded)->start(true)->next(second);
        QVERIFY(alone && test::samePixels(*alone, *off1));
        QVERIFY(!test::samePixels(*on1, *off1));
    }

    // The manifest's temperature is the annealed mean's: 0.38 by default, written and read back,
    // and used by the colouriser; out of range, the manifest is refused.
    void temperatureComesFromTheManifest()
    {
        const QString manifest = test::writeRandomCnnLstmModel(m_dir.path(), "lstm-t");
        QVERIFY(!manifest.isEmpty());
        auto m = readManifest(manifest);
        QVERIFY(m);
        QCOMPARE(m->temperature, 0.38); // written as the default
        const Frame grey = test::texturedGrey(64, 48, 0);
        auto vivid = VideoColorizer::load(manifest);
        QVERIFY(vivid);
        auto first = (*vivid)->start(false)->next(grey);
        QVERIFY(first);
        m->temperature = 5.0;
        QVERIFY(writeManifest(manifest, *m));
        auto reread = readManifest(manifest);
        QVERIFY(reread && reread->temperature == 5.0);
        auto mild = VideoColorizer::load(manifest);
        QVERIFY(mild);
        auto second = (*mild)->start(false)->next(grey);
        QVERIFY(second);
        QVERIFY(test::samePixels(second->luma(), grey));
        QVERIFY(!test::samePixels(*second, *first)); // another decoding of the same logits
        m->temperature = 20.0;
        QVERIFY(writeManifest(manifest, *m));
        QVERIFY(!VideoColorizer::load(manifest));
    }

    // The manifest's prior correction is read with the class weights the weights file carries
    // and changes the colour; a correction out of 0-1, or one asked of weights without class
    // weights, is refused with the file named.
    void priorCorrectionComesFromTheManifest()
    {
        const QString manifest = test::writeRandomCnnLstmModel(m_dir.path(), "lstm-p");
        QVERIFY(!manifest.isEmpty());
        auto m = readManifest(manifest);
        QVERIFY(m);
        QCOMPARE(m->priorCorrection, 0.0);
        const Frame grey = test::texturedGrey(64, 48, 0);
        auto plain = VideoColorizer::load(manifest);
        QVERIFY(plain);
        auto first = (*plain)->start(false)->next(grey);
        QVERIFY(first);
        m->priorCorrection = 0.7;
        QVERIFY(writeManifest(manifest, *m));
        auto reread = readManifest(manifest);
        QVERIFY(reread && reread->priorCorrection == 0.7);
        auto corrected = VideoColorizer::load(manifest);
        QVERIFY2(corrected, qPrintable(corrected ? QString() : corrected.error().message));
        auto second = (*corrected)->start(false)->next(grey);
        QVERIFY(second);
        QVERIFY(test::samePixels(second->luma(), grey));
        QVERIFY(!test::samePixels(*second, *first));
        m->priorCorrection = 1.5;
        QVERIFY(writeManifest(manifest, *m));
        QVERIFY(!VideoColorizer::load(manifest));

        // Weights without class weights (as written before they were exported): they load with
        // no correction, and are refused with one.
        const QString bare = QDir(m_dir.path()).filePath(QStringLiteral("bare.safetensors"));
        {
            CnnLstmNet net(CnnLstmArch{2, int(gamutBins().size(0))}, gamutBins());
            QVERIFY(writeSafetensorsFile(QFile::encodeName(bare).toStdString(), namedState(*net),
                                         cnnLstmMetadata(net->arch()))
                        .empty());
        }
        m->weightsFile = QStringLiteral("bare.safetensors");
        QVERIFY(describeWeights(*m, bare));
        m->priorCorrection = 0.0;
        QVERIFY(writeManifest(manifest, *m));
        QVERIFY(VideoColorizer::load(manifest));
        m->priorCorrection = 0.5;
        QVERIFY(writeManifest(manifest, *m));
        auto refused = VideoColorizer::load(manifest);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(QStringLiteral("bare.safetensors")) &&
                     refused.error().message.contains(QStringLiteral("class_weights")),
                 qPrintable(refused.error().message));
    }

    void badModelsAreNamed()
    {
        const QString manifest = test::writeRandomCnnLstmModel(m_dir.path(), "lstm-bad");
        auto m = readManifest(manifest);
        QVERIFY(m);
        m->baseWidth = 3;
        QVERIFY(writeManifest(manifest, *m));
        auto mismatched = VideoColorizer::load(manifest);
        QVERIFY(!mismatched);
        QVERIFY2(mismatched.error().message.contains(QStringLiteral("lstm-bad")),
                 qPrintable(mismatched.error().message));
        // Other bins than the weights hold.
        m->baseWidth = 2;
        m->depth = 313;
        QVERIFY(writeManifest(manifest, *m));
        auto bins = VideoColorizer::load(manifest);
        QVERIFY(!bins);
        QVERIFY2(bins.error().message.contains(QStringLiteral("lstm-bad")),
                 qPrintable(bins.error().message));
        // Global-local weights under a cnn-lstm manifest: a tensor-name mismatch.
        const QString gl = test::writeRandomGlobalLocalModel(m_dir.path(), "glw");
        auto gm = readManifest(gl);
        QVERIFY(gm);
        gm->name = QStringLiteral("cnn-lstm");
        gm->depth = 261;
        QVERIFY(writeManifest(gl, *gm));
        auto wrong = VideoColorizer::load(gl);
        QVERIFY(!wrong);
        QVERIFY2(wrong.error().message.contains(QStringLiteral("glw")),
                 qPrintable(wrong.error().message));
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestCnnLstm)
#include "tst_cnnlstm.moc"
