// The lattice-based propagation methods (bnn, bnnflow) on small synthetic shots: exact output
// luminance, motion handled better than copying the keyframe, several keyframes, cancel.

#include "metrics/imagemetrics.h"
#include "ml/chromarefiner.h"
#include "ml/latticefilter.h"
#include "ml/videopropagationnet.h"
#include "propagation/internal/refinedmethod.h"
#include "lab/evaluation.h"
#include "propagation/internal/latticemethods.h"
#include "propagation/propagationmethod.h"
#include "propagationfixtures.h"
#include "refinerfixture.h"
#include "testmain.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <map>
#include <atomic>
#include <chrono>
#include <random>
#include <thread>

using namespace tincture::propagation;
using namespace tincture::lab;

using namespace tincture;

namespace {

using test::blobs;
using test::CollectSink;
using test::Difference;
using test::difference;
using test::MemoryShot;
using test::movingShot;

// A red, striped disc on a textured blue background; in frames 1–4 a grey occluder hides
// everything left of x = 80, and behind it the disc moves from x = 40 to x = 60.
Frame occlusionFrame(int t)
{
    const int w = 96, h = 64;
    Frame f(w, h, PixelFormat::Rgb8);
    std::mt19937 texture(7);       // the same background every frame
    std::mt19937 occluder(11 + t); // the occluder's own texture, changing
    const int discX = t == 0 ? 40 : 60;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const int n = int(texture() % 40u);
            uint8_t rgb[3] = {uint8_t(40 + n / 2), uint8_t(70 + n), uint8_t(150 + n)};
            if ((x - discX) * (x - discX) + (y - 32) * (y - 32) < 12 * 12) {
                const int l = ((x + y) / 3) % 2 ? 230 : 170;
                rgb[0] = uint8_t(l);
                rgb[1] = uint8_t(l * 35 / 100);
                rgb[2] = uint8_t(l * 30 / 100);
            }
            if (t >= 1 && t <= 4 && x < 80)
                rgb[0] = rgb[1] = rgb[2] = uint8_t(60 + occluder() % 120u);
            std::copy(rgb, rgb + 3, f.row(y) + x * 3);
        }
    return f;
}

// Chroma PSNR of a frame against the truth inside the disc at x = 60.
double discPsnr(const Frame &out, const Frame &truth)
{
    double se = 0.0;
    int n = 0;
    for (int y = 22; y < 43; ++y)
        for (int x = 50; x < 71; ++x) {
            if ((x - 60) * (x - 60) + (y - 32) * (y - 32) >= 10 * 10)
                continue;
            const uint8_t *a = out.constRow(y) + x * 3, *b = truth.constRow(y) + x * 3;
            for (int c = 0; c < 3; ++c)
                se += double(a[c] - b[c]) * double(a[c] - b[c]);
            n += 3;
        }
    return 10.0 * std::log10(255.0 * 255.0 / std::max(1e-9, se / n));
}

double meanChromaPsnr(const CollectSink &sink, const MemoryShot &shot)
{
    double sum = 0.0;
    for (const auto &[i, f] : sink.frames)
        sum += *metrics::chromaPsnr(f, shot.colour(i));
    return sum / double(sink.frames.size());
}

// A device filter that always fails (a lost GPU): bnn must carry on with the C++ lattice.
class FailingFilter final : public ml::LatticeFilter
{
public:
    bool onGpu() const override { return true; }
    QString deviceName() const override { return QStringLiteral("cuda:0"); }
    Result<void> filter(const std::vector<ml::LatticePointSet> &, const float *, size_t,
                        float *) const override
    {
        ++calls;
        return makeError(ErrorCode::Internal, QStringLiteral("CUDA error: device lost"));
    }
    mutable std::atomic<int> calls{0};
};

// A refiner "on the GPU" that always fails (a lost GPU); its info names a real model file, which
// the fallback loads on the CPU.
class FailingGpuRefiner final : public ml::ChromaRefiner
{
public:
    explicit FailingGpuRefiner(const QString &path)
    {
        m_info.path = path;
        m_info.gpu = true;
    }
    const ml::ChromaRefinerInfo &info() const override { return m_info; }
    Result<void> refine(int, int, const uint8_t *, size_t, float *chroma, size_t) const override
    {
        ++calls;
        chroma[0] = -1000.0f; // a half-written frame must not leak into the retry
        return makeError(ErrorCode::Internal, QStringLiteral("CUDA error: device lost"));
    }
    mutable std::atomic<int> calls{0};

private:
    ml::ChromaRefinerInfo m_info;
};

// Options for bnn-refined with a random refiner written into `dir`, on the CPU (empty path on
// failure).
PropagationMethodOptions randomRefinerOnCpu(const QTemporaryDir &dir)
{
    PropagationMethodOptions options;
    if (dir.isValid())
        options.refinerPath = test::writeRandomRefinerModel(dir.path(), QStringLiteral("r"));
    options.device = QStringLiteral("cpu");
    return options;
}

std::unique_ptr<PropagationMethod> create(const QString &name)
{
    auto m = createPropagationMethod(name);
    return m ? std::move(m).value() : nullptr;
}

} // namespace

class TestLatticeMethods : public QObject
{
    Q_OBJECT

private slots:
    void registered()
    {
        QVERIFY(propagationMethodNames().contains(QStringLiteral("bnn")));
        QVERIFY(propagationMethodNames().contains(QStringLiteral("bnnflow")));
        QVERIFY(propagationMethodNames().contains(defaultPropagationMethodName()));
    }

    void lumaIsExact_data()
    {
        QTest::addColumn<QString>("method");
        for (const QString &name :
             {QStringLiteral("bnn"), QStringLiteral("bnnflow"), QStringLiteral("bnn-refined")})
            QTest::newRow(qPrintable(name)) << name;
    }
    void lumaIsExact()
    {
        QFETCH(QString, method);
        MemoryShot shot(movingShot(6, 2.0));
        CollectSink sink;
        Feedback feedback;
        QVERIFY(create(method)
                    ->propagate(shot, {Keyframe{0, shot.colour(0)}}, sink, feedback)
                    .hasValue());
        QCOMPARE(int(sink.frames.size()), 6);
        for (const auto &[i, out] : sink.frames) {
            const Frame want = *shot.greyFrame(i);
            const Frame got = out.luma();
            for (int y = 0; y < want.height(); ++y)
                QVERIFY2(std::memcmp(got.constRow(y), want.constRow(y), size_t(want.width())) == 0,
                         qPrintable(QStringLiteral("frame %1 row %2").arg(i).arg(y)));
        }
    }

    // bnn-refined = bnn's frames through the refiner: keyframes untouched, every other frame
    // re-filtered (a random refiner changes them), luma still exact; a refiner that does not load
    // is an error that names it.
    void bnnRefinedRefinesBnnsFrames()
    {
        QTemporaryDir dir;
        PropagationMethodOptions options = randomRefinerOnCpu(dir);
        QVERIFY(!options.refinerPath.isEmpty());
        MemoryShot shot(movingShot(6, 2.0));
        const std::vector<Keyframe> keys{Keyframe{0, shot.colour(0)}, Keyframe{4, shot.colour(4)}};
        CollectSink bnnOut, vpnOut;
        Feedback f1, f2;
        QVERIFY(create(QStringLiteral("bnn"))->propagate(shot, keys, bnnOut, f1).hasValue());
        auto vpn = createPropagationMethod(QStringLiteral("bnn-refined"), options);
        QVERIFY2(vpn.hasValue(), vpn ? "" : qPrintable(vpn.error().message));
        QCOMPARE((*vpn)->name(), QStringLiteral("bnn-refined"));
        QVERIFY((*vpn)->propagate(shot, keys, vpnOut, f2).hasValue());
        QCOMPARE(f2.fraction(), 1.0);
        QCOMPARE(int(vpnOut.frames.size()), 6);
        for (const auto &[i, out] : vpnOut.frames) {
            const Frame &plain = bnnOut.frames.at(i);
            bool same = true;
            for (int y = 0; y < out.height(); ++y)
                same = same && std::memcmp(out.constRow(y), plain.constRow(y),
                                           size_t(out.width()) * 3) == 0;
            QCOMPARE(same, i == 0 || i == 4);
            const Frame want = *shot.greyFrame(i);
            const Frame got = out.luma();
            for (int y = 0; y < want.height(); ++y)
                QVERIFY(std::memcmp(got.constRow(y), want.constRow(y), size_t(want.width())) == 0);
        }
        options.refinerPath = dir.filePath(QStringLiteral("missing.json"));
        auto missing = createPropagationMethod(QStringLiteral("bnn-refined"), options);
        QVERIFY(!missing);
        QVERIFY(missing.error().message.contains(QStringLiteral("missing.json")));
    }

    // bnn's GPU path is the LibTorch lattice (ml::LatticeFilter): run on the CPU device it gives
    // the C++ lattice's frames up to float rounding; a filter that fails mid-run (a lost GPU)
    // leaves the C++ lattice to finish with the same frames; "cuda" without a GPU is an error.
    void bnnOnLibTorchLattice()
    {
        MemoryShot shot(movingShot(6, 2.0));
        const std::vector<Keyframe> keys{Keyframe{0, shot.colour(0)}, Keyframe{5, shot.colour(5)}};
        CollectSink native, torchCpu, fallback;
        Feedback f1, f2, f3;
        QVERIFY(makeBnnMethod()->propagate(shot, keys, native, f1).hasValue());
        auto filter = ml::LatticeFilter::create(4, 3, QStringLiteral("cpu"));
        QVERIFY(filter.hasValue());
        QVERIFY(makeBnnMethod({}, *filter)->propagate(shot, keys, torchCpu, f2).hasValue());
        QCOMPARE(torchCpu.frames.size(), native.frames.size());
        // The same arithmetic in the same order: identical here; rounding may differ elsewhere.
        const Difference agreement = difference(torchCpu, native);
        QVERIFY2(agreement.largest <= 2 && agreement.share <= 0.01,
                 qPrintable(QStringLiteral("up to %1 levels, %2 of the bytes")
                                .arg(agreement.largest)
                                .arg(agreement.share)));

        auto failing = std::make_shared<FailingFilter>();
        QVERIFY(makeBnnMethod({}, failing)->propagate(shot, keys, fallback, f3).hasValue());
        QVERIFY(failing->calls >= 1);
        QCOMPARE(difference(fallback, native).largest, 0);

        auto cpu = makeBnnMethodOn(QStringLiteral("cpu"));
        QVERIFY(cpu.hasValue());
        auto probe = ml::LatticeFilter::create(4, 3, QStringLiteral("auto"));
        QVERIFY(probe.hasValue());
        if (!(*probe)->onGpu()) {
            auto cuda = makeBnnMethodOn(QStringLiteral("cuda"));
            QVERIFY(!cuda.hasValue());
            QVERIFY(cuda.error().message.contains(QStringLiteral("CUDA")));
        }
    }

    // bnn-refined's refiner failing on the GPU: the same model is loaded on the CPU once and the
    // run finishes with the frames the CPU refiner gives.
    void refinerFallsBackToCpu()
    {
        QTemporaryDir dir;
        const PropagationMethodOptions options = randomRefinerOnCpu(dir);
        QVERIFY(!options.refinerPath.isEmpty());
        MemoryShot shot(movingShot(5, 2.0));
        const std::vector<Keyframe> keys{Keyframe{0, shot.colour(0)}};
        CollectSink onCpu, fellBack;
        Feedback f1, f2;
        auto cpu = createPropagationMethod(QStringLiteral("bnn-refined"), options);
        QVERIFY(cpu.hasValue());
        QVERIFY((*cpu)->propagate(shot, keys, onCpu, f1).hasValue());
        auto failing = std::make_shared<FailingGpuRefiner>(options.refinerPath);
        auto method =
            detail::makeRefinedMethod(QStringLiteral("bnn-refined"), makeBnnMethod(), failing);
        QVERIFY(method->propagate(shot, keys, fellBack, f2).hasValue());
        QCOMPARE(failing->calls.load(), 1); // once: then the CPU refiner serves every frame
        QCOMPARE(difference(fellBack, onCpu).largest, 0);
    }

    // vpn with a network of random weights: every frame comes back with its luma exact and the
    // keyframe's own chroma; the others are the network's (another network, other chroma); the
    // method names its network for provenance; a network that is not there is named.
    void vpnPropagatesWithItsNetwork()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        PropagationMethodOptions options;
        options.device = QStringLiteral("cpu");
        options.vpnPath = test::writeRandomVpnModel(dir.path(), QStringLiteral("a"), 4, 7);
        PropagationMethodOptions other = options;
        other.vpnPath = test::writeRandomVpnModel(dir.path(), QStringLiteral("b"), 4, 8);
        QVERIFY(!options.vpnPath.isEmpty() && !other.vpnPath.isEmpty());
        MemoryShot shot(movingShot(5, 2.0));
        const std::vector<Keyframe> keys{Keyframe{0, shot.colour(0)}};
        CollectSink a, b;
        Feedback f1, f2;
        auto vpn = createPropagationMethod(QStringLiteral("vpn"), options);
        QVERIFY2(vpn.hasValue(), vpn ? "" : qPrintable(vpn.error().message));
        QCOMPARE((*vpn)->name(), QStringLiteral("vpn"));
        QVERIFY((*vpn)->propagate(shot, keys, a, f1).hasValue());
        auto vpnB = createPropagationMethod(QStringLiteral("vpn"), other);
        QVERIFY(vpnB.hasValue());
        QVERIFY((*vpnB)->propagate(shot, keys, b, f2).hasValue());
        QCOMPARE(int(a.frames.size()), 5);
        for (const auto &[i, out] : a.frames) {
            const Frame want = *shot.greyFrame(i);
            const Frame got = out.luma();
            for (int y = 0; y < want.height(); ++y)
                QVERIFY(std::memcmp(got.constRow(y), want.constRow(y), size_t(want.width())) == 0);
        }
        QCOMPARE(difference(a, b).largest > 0, true);
        const QJsonObject model = (*vpn)->parameters()[QStringLiteral("vpn")].toObject();
        QCOMPARE(model[QStringLiteral("name")].toString(), QStringLiteral("vpn"));
        QCOMPARE(model[QStringLiteral("sha256")].toString().size(), 64);

        options.vpnPath = dir.filePath(QStringLiteral("missing.json"));
        auto missing = createPropagationMethod(QStringLiteral("vpn"), options);
        QVERIFY(!missing);
        QVERIFY(missing.error().message.contains(QStringLiteral("missing.json")));
        // A refiner where a network belongs: refused, named.
        options.vpnPath = test::writeRandomRefinerModel(dir.path(), QStringLiteral("r"));
        auto wrong = createPropagationMethod(QStringLiteral("vpn"), options);
        QVERIFY(!wrong);
        QVERIFY(wrong.error().message.contains(QStringLiteral("r.json")));
    }

    // vpn's lattice built by the C++ PermutohedralLattice (the CPU's default) and by LibTorch's
    // tensors: the same vertices and weights, so the same frames up to float rounding (at most
    // one level, on few pixels). With the shipped network: a random one's output barely depends
    // on where its input points fall.
    void vpnOnTheCppLatticeIsVpnOnLibTorchs()
    {
        const QString shipped = test::sourceDir() + QStringLiteral("/models/vpn.json");
        if (!QFileInfo::exists(shipped))
            QSKIP("models/vpn.json is not in the source tree");
        auto net = ml::VideoPropagationNet::load(shipped, QStringLiteral("cpu"));
        QVERIFY2(net.hasValue(), net ? "" : qPrintable(net.error().message));
        MemoryShot shot(movingShot(5, 2.0));
        const std::vector<Keyframe> keys{Keyframe{0, shot.colour(0)}};
        CollectSink cpp, torch;
        Feedback f1, f2;
        VpnParams params;
        QVERIFY(makeVpnMethod(*net, params)->propagate(shot, keys, cpp, f1).hasValue());
        params.cppLattice = false;
        QVERIFY(makeVpnMethod(*net, params)->propagate(shot, keys, torch, f2).hasValue());
        QCOMPARE(int(cpp.frames.size()), 5);
        const Difference d = difference(cpp, torch);

        QVERIFY2(d.largest <= 1 && d.share < 0.01,
                 qPrintable(QStringLiteral("largest %1, share %2").arg(d.largest).arg(d.share)));
    }

    // A pattern translating by 2.5 pixels a frame: following the motion beats copying.
    void motionBeatsCopy()
    {
        MemoryShot shot(movingShot(12, 2.5));
        std::map<QString, double> score;
        for (const QString &name : {QStringLiteral("copy0"), QStringLiteral("bnnflow")}) {
            CollectSink sink;
            Feedback feedback;
            QVERIFY(create(name)
                        ->propagate(shot, {Keyframe{0, shot.colour(0)}}, sink, feedback)
                        .hasValue());
            score[name] = meanChromaPsnr(sink, shot);
        }
        qInfo("mean chroma PSNR: copy0 %.2f dB, bnnflow %.2f dB", score["copy0"], score["bnnflow"]);
        QVERIFY2(score["bnnflow"] > score["copy0"] + 3.0,
                 qPrintable(QString::number(score["bnnflow"])));
    }

    // bnnflow says how sure it is of each frame, just before it: full at the keyframes; where
    // the moving blobs uncover the background, less. Methods with no measure of it say nothing.
    void confidenceComesWithEachFrame_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("reports");
        QTest::newRow("bnnflow") << QStringLiteral("bnnflow") << true;
        QTest::newRow("bnn") << QStringLiteral("bnn") << false;
        QTest::newRow("flow") << QStringLiteral("flow") << false;
        QTest::newRow("copy0") << QStringLiteral("copy0") << false;
    }
    void confidenceComesWithEachFrame()
    {
        QFETCH(QString, name);
        QFETCH(bool, reports);
        MemoryShot shot(movingShot(10, 2.5));
        CollectSink sink;
        Feedback feedback;
        QVERIFY(create(name)
                    ->propagate(shot, {Keyframe{0, shot.colour(0)}, Keyframe{6, shot.colour(6)}},
                                sink, feedback)
                    .hasValue());
        QCOMPARE(int(sink.frames.size()), 10);
        if (!reports) {
            QVERIFY(sink.confidence.empty());
            return;
        }
        QCOMPARE(int(sink.confidence.size()), 10);
        int minimum = 255;
        for (const auto &[index, map] : sink.confidence) {
            QCOMPARE(sink.confidenceBefore[index], index);
            QCOMPARE(map.format(), PixelFormat::Gray8);
            QCOMPARE(map.width(), 96);
            QCOMPARE(map.height(), 64);
            int low = 255, high = 0;
            for (int y = 0; y < map.height(); ++y)
                for (int x = 0; x < map.width(); ++x) {
                    low = std::min<int>(low, map.constRow(y)[x]);
                    high = std::max<int>(high, map.constRow(y)[x]);
                }
            if (index == 0 || index == 6)
                QCOMPARE(low, 255);
            else
                minimum = std::min(minimum, low);
            QVERIFY(high > 0);
        }
        QVERIFY2(minimum < 200, qPrintable(QString::number(minimum)));
    }

    // Something seen in the keyframe, hidden, and come back elsewhere: frame-to-frame flow has
    // nothing to carry and the keyframe at the same place is background, but matching the frame
    // to the keyframe finds the disc's red again.
    void globalMatchingBringsColourBack()
    {
        std::vector<Frame> frames;
        for (int t = 0; t < 8; ++t)
            frames.push_back(occlusionFrame(t));
        MemoryShot shot(frames);
        double psnr[2] = {}; // without, with (the default) global matching
        for (int with = 0; with < 2; ++with) {
            PropagationMethodOptions options;
            if (!with)
                options.tuning = QJsonObject{{QStringLiteral("globalWeight"), 0.0}};
            auto method = createPropagationMethod(QStringLiteral("bnnflow"), options);
            QVERIFY(method);
            CollectSink sink;
            Feedback feedback;
            QVERIFY((*method)->propagate(shot, {Keyframe{0, shot.colour(0)}}, sink, feedback));
            psnr[with] = discPsnr(sink.frames[7], shot.colour(7));
        }
        qInfo("the disc after the occlusion: %.2f dB without global matching, %.2f dB with",
              psnr[0], psnr[1]);
        QVERIFY2(psnr[1] > psnr[0] + 3.0, qPrintable(QString::number(psnr[1])));
    }

    void tuningIsChecked()
    {
        PropagationMethodOptions options;
        options.tuning = QJsonObject{{QStringLiteral("globalWait"), 1.0}};
        auto unknown = createPropagationMethod(QStringLiteral("bnnflow"), options);
        QVERIFY(!unknown);
        QVERIFY(unknown.error().message.contains(QLatin1String("globalWait")));
        options.tuning = QJsonObject{{QStringLiteral("globalWeight"), QStringLiteral("x")}};
        QVERIFY(!createPropagationMethod(QStringLiteral("bnnflow"), options));
        options.tuning = QJsonObject{{QStringLiteral("globalWeight"), 1.0}};
        QVERIFY(!createPropagationMethod(QStringLiteral("bnn"), options));
    }

    // Keyframes at 2 and 6 of a still shot, coloured differently: frames before 2 take 2's
    // colour, after 6 take 6's, between move from one to the other; keyframes are kept.
    void severalKeyframes()
    {
        std::vector<Frame> frames(9, blobs(64, 48, 0.0));
        MemoryShot shot(frames);
        const Frame keyA = blobs(64, 48, 0.0, 3, 0);
        const Frame keyB = blobs(64, 48, 0.0, 3, 1); // same grey layout, other hues
        CollectSink sink;
        Feedback feedback;
        QVERIFY(create(QStringLiteral("bnnflow"))
                    ->propagate(shot, {Keyframe{6, keyB}, Keyframe{2, keyA}}, sink, feedback)
                    .hasValue());
        QCOMPARE(int(sink.frames.size()), 9);
        auto psnr = [&](int i, const Frame &key) {
            return *metrics::chromaPsnr(sink.frames[i], key);
        };
        for (int i : {0, 1, 2})
            QVERIFY2(psnr(i, keyA) > 40.0, qPrintable(QString::number(psnr(i, keyA))));
        for (int i : {6, 7, 8})
            QVERIFY2(psnr(i, keyB) > 40.0, qPrintable(QString::number(psnr(i, keyB))));
        QVERIFY(psnr(3, keyA) > psnr(3, keyB));
        QVERIFY(psnr(5, keyB) > psnr(5, keyA));
    }

    void sizeMismatchIsAnError()
    {
        MemoryShot shot(movingShot(3, 1.0));
        CollectSink sink;
        Feedback feedback;
        auto r = create(QStringLiteral("bnnflow"))
                     ->propagate(shot, {Keyframe{0, blobs(32, 32, 0)}}, sink, feedback);
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, ErrorCode::SizeMismatch);
        QVERIFY(sink.frames.empty());
    }

    // Cancel from another thread (as a UI does) at an arbitrary moment of a run: the method
    // stops within 200 ms and reports Cancelled.
    void cancelStopsQuickly_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<int>("delayMs");
        for (const QString &name : {QStringLiteral("bnn"), QStringLiteral("bnnflow")})
            for (int delay : {30, 170})
                QTest::newRow(qPrintable(QStringLiteral("%1 at %2 ms").arg(name).arg(delay)))
                    << name << delay;
    }
    void cancelStopsQuickly()
    {
        QFETCH(QString, method);
        QFETCH(int, delayMs);
        MemoryShot shot(movingShot(60, 1.5, 320, 180));
        CollectSink sink;
        Feedback feedback;
        QElapsedTimer sinceCancel;
        std::atomic<bool> cancelled{false};
        std::thread canceller([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
            sinceCancel.start();
            cancelled = true;
            feedback.cancel();
        });
        auto r = create(method)->propagate(shot, {Keyframe{0, shot.colour(0)}}, sink, feedback);
        const qint64 stopMs = cancelled ? sinceCancel.elapsed() : -1;
        canceller.join();
        QVERIFY2(!r.hasValue(), "finished before the cancel");
        QVERIFY(r.error().isCancelled());
        qInfo("stopped %lld ms after cancel, %d frames out", stopMs, int(sink.frames.size()));
        QVERIFY(stopMs >= 0 && stopMs < 200);
        QVERIFY(int(sink.frames.size()) < shot.frameCount());
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestLatticeMethods)
#include "tst_latticemethods.moc"
