// The studio's film operations on the bundled sample: propagate a shot into the result cache
// from a true-colour keyframe, export it (with the cache's colour), measure it against the
// colour reference, detect the shots.

#include "media/imageio.h"
#include "metrics/imagemetrics.h"
#include "ml/modelmanifest.h"
#include "ml/trainer.h"
#include "pipeline/filmengine.h"
#include "pipeline/filmops.h"
#include "pipeline/keyframesolver.h"
#include "project/strokeraster.h"
#include "propagation/workingresolution.h"
#include "refinerfixture.h"
#include "testsupport.h"
#include "testmain.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <optional>

using namespace tincture::propagation;

using namespace tincture;
using namespace tincture::project;
using namespace tincture::pipeline;

namespace {
QString referencePath()
{
    return test::sourceDir() + QStringLiteral("/resources/samples/sample_colour.mp4");
}

// A job colouring frames first–last of the sample, one shot, from frame first's true colour
// (written to dir as key.png); nullopt if that frame cannot be read or written.
std::optional<FilmJob> trueKeyframeJob(const QTemporaryDir &dir, FrameIndex first, FrameIndex last,
                                       const QString &method)
{
    Result<Frame> truth = readFrame(referencePath(), first);
    const QString keyPath = dir.filePath(QStringLiteral("key.png"));
    if (!truth || !writeImage(keyPath, *truth))
        return std::nullopt;
    FilmJob job;
    job.input = test::samplePath();
    job.shots = {Shot{first, last}};
    job.keyframes = {KeyframeSpec{first, keyPath, {}, {}}};
    job.proposeMissing = false;
    job.method = method;
    return job;
}
} // namespace

class TestFilmOps : public QObject
{
    Q_OBJECT
private slots:
    void propagateExportMeasure()
    {
        QTemporaryDir dir;
        const ResultCache cache(dir.filePath(QStringLiteral("cache")));
        // Shot 2 starts at frame 60; colour its first 16 frames from frame 60's true colour.
        const FrameIndex first = 60, last = 75;
        std::optional<FilmJob> job = trueKeyframeJob(dir, first, last, defaultMethod());
        QVERIFY(job);
        FilmJob &req = *job;
        Result<Frame> truth = readFrame(referencePath(), first);
        QVERIFY(truth);
        int64_t reports = 0;
        std::vector<ShotProvenance> finished;
        req.shotFinished = [&](const ShotProvenance &p) { finished.push_back(p); };
        Feedback fb([&](int64_t, int64_t) { ++reports; });
        KeyframeService noModel(KeyframeModelOptions{QStringLiteral("/nonexistent.json"), 0, {}});
        Result<FilmReport> ok = colorizeIntoCache(req, cache, noModel, fb);
        QVERIFY2(ok, ok ? "" : qPrintable(describe(ok.error())));
        QCOMPARE(ok->frames, int64_t(last - first + 1));
        QCOMPARE(int(finished.size()), 1);
        QCOMPARE(finished.front().keyframes.size(), size_t(1));
        QCOMPARE(finished.front().keyframes.front().source, QStringLiteral("image"));
        QCOMPARE(finished.front().keyframes.front().colourSha256,
                 pixelSha256(truth->converted(PixelFormat::Rgb8)));
        QVERIFY(reports >= last - first + 1); // per-frame progress
        for (FrameIndex f = first; f <= last; ++f)
            QVERIFY(cache.hasFrame(f));
        QVERIFY(!cache.hasFrame(first - 1));
        QVERIFY(!cache.hasFrame(last + 1));

        // Propagated colour beats grey against the truth, a few frames on.
        Result<Frame> propagated = readImage(cache.framePath(first + 8));
        Result<Frame> truth8 = readFrame(referencePath(), first + 8);
        Result<Frame> grey8 = readFrame(test::samplePath(), first + 8);
        QVERIFY(propagated && truth8 && grey8);
        const double pColour = *metrics::chromaPsnr(*propagated, *truth8);
        const double pGrey = *metrics::chromaPsnr(grey8->converted(PixelFormat::Rgb8), *truth8);
        qInfo("frame %d: propagated %.2f dB, grey %.2f dB", int(first + 8), pColour, pGrey);
        QVERIFY(pColour > pGrey + 1.0);

        // Export the range losslessly and check the frames are the cached colour.
        const QString out = dir.filePath(QStringLiteral("out.mkv"));
        CacheExport ex;
        ex.mediaPath = test::samplePath();
        ex.output.path = out;
        ex.output.first = first;
        ex.output.last = last + 2; // two frames not coloured: they go out grey, with a warning
        ex.cache = cache;
        ex.provenance.version = tinctureVersion();
        ex.provenance.shots = finished;
        Feedback efb;
        Result<TranscodeReport> report = exportFromCache(ex, efb);
        QVERIFY2(report, report ? "" : qPrintable(describe(report.error())));
        QCOMPARE(report->frames, int64_t(last + 2 - first + 1));
        QCOMPARE(efb.warnings().size(), 1);
        QVERIFY(efb.warnings().front().startsWith(QLatin1String("2 of 18")));
        Result<Frame> back = readFrame(out, 8);
        QVERIFY(back);
        QVERIFY(*metrics::psnr(*back, *propagated) > 40.0); // FFV1 in YUV: near lossless

        // The provenance comes back from the container and from the sidecar.
        Result<std::unique_ptr<VideoSource>> exported = VideoSource::open(out);
        QVERIFY(exported);
        const QJsonObject tag = QJsonDocument::fromJson((*exported)->info().provenance).object();
        Result<Provenance> fromTag = Provenance::fromJson(tag);
        QVERIFY(fromTag);
        QCOMPARE(fromTag->shots, ex.provenance.shots);
        QCOMPARE(fromTag->source, QStringLiteral("sample.mp4"));
        QCOMPARE(fromTag->first, first);
        QCOMPARE(fromTag->last, last + 2);
        QFile sidecar(provenanceSidecarPath(out));
        QVERIFY(sidecar.open(QIODevice::ReadOnly));
        Result<Provenance> fromSidecar =
            Provenance::fromJson(QJsonDocument::fromJson(sidecar.readAll()).object());
        QVERIFY(fromSidecar);
        QCOMPARE(*fromSidecar, *fromTag);

        // Metrics over the cached run, against the reference.
        Feedback mfb;
        auto m = measureFilm(test::samplePath(), first, last + 5, cache, referencePath(), mfb);
        QVERIFY2(m, m ? "" : qPrintable(describe(m.error())));
        QCOMPARE(int(m->size()), int(last - first + 1)); // stops at the first uncached frame
        QCOMPARE(m->front().index, int64_t(first));
        QVERIFY(std::isfinite(m->at(3).psnr));
        QVERIFY(m->at(3).psnr > 20.0);
        QVERIFY(std::isfinite(m->at(3).flicker));
        QVERIFY(m->at(3).colourfulness > 0.0);
        Feedback nfb;
        QVERIFY(!measureFilm(test::samplePath(), 0, 10, cache, {}, nfb));
    }

    // A method that measures its confidence (bnnflow) leaves a map beside each cached frame,
    // full at the keyframe, and the measurements carry its mean; colouring the frames again
    // with one that does not (flow) takes the maps away with the old colour.
    void confidenceIsCachedBesideTheColour()
    {
        QTemporaryDir dir;
        const ResultCache cache(dir.filePath(QStringLiteral("cache")));
        const FrameIndex first = 60, last = 68;
        KeyframeService noModel(KeyframeModelOptions{QStringLiteral("/nonexistent.json"), 0, {}});
        std::optional<FilmJob> job = trueKeyframeJob(dir, first, last, QStringLiteral("bnnflow"));
        QVERIFY(job);
        Feedback fb;
        Result<FilmReport> ok = colorizeIntoCache(*job, cache, noModel, fb);
        QVERIFY2(ok, ok ? "" : qPrintable(describe(ok.error())));
        for (FrameIndex f = first; f <= last; ++f) {
            Result<Frame> map = readImage(cache.confidencePath(f));
            QVERIFY2(map, qPrintable(cache.confidencePath(f)));
            QCOMPARE(map->format(), PixelFormat::Gray8);
        }
        Feedback mfb;
        auto m = measureFilm(test::samplePath(), first, last, cache, {}, mfb);
        QVERIFY(m);
        QCOMPARE(m->front().confidence, 1.0); // the keyframe
        for (const metrics::FrameMetrics &f : *m)
            QVERIFY2(f.confidence >= 0.0 && f.confidence <= 1.0,
                     qPrintable(QString::number(f.confidence)));
        QVERIFY(m->back().confidence < 1.0);

        job->method = QStringLiteral("flow");
        Feedback fb2;
        QVERIFY(colorizeIntoCache(*job, cache, noModel, fb2));
        for (FrameIndex f = first; f <= last; ++f) {
            QVERIFY(cache.hasFrame(f));
            QVERIFY(!QFile::exists(cache.confidencePath(f)));
        }
        Feedback nfb;
        auto again = measureFilm(test::samplePath(), first, last, cache, {}, nfb);
        QVERIFY(again);
        QVERIFY(std::isnan(again->back().confidence));
        cache.removeFrames(first, last);
        QVERIFY(!cache.hasFrame(first));
    }

    // The studio at a working height: the colour is computed at 180 of the sample's 360 rows
    // and every cached frame is at the film's size with the film's luma exactly; a model
    // keyframe is cached at the film's size, as the studio's own keyframes are; the provenance
    // names the height; and the colour is still the keyframe's, a few frames on.
    void cacheAtAWorkingHeight()
    {
        QVERIFY(project::ProjectParameters{}.workingHeight == kDefaultWorkingHeight);
        QVERIFY(project::kProjectMinWorkingHeight == kMinWorkingHeight);
        QTemporaryDir dir;
        const ResultCache cache(dir.filePath(QStringLiteral("cache")));
        std::optional<FilmJob> job = trueKeyframeJob(dir, 60, 68, defaultMethod());
        QVERIFY(job);
        job->shots.push_back(Shot{120, 123}); // no keyframe: the model proposes frame 121
        job->proposeMissing = true;
        job->first = 60;
        job->last = 123;
        job->workingHeight = 180;
        Feedback fb;
        KeyframeService service;
        Result<FilmReport> r = colorizeIntoCache(*job, cache, service, fb);
        QVERIFY2(r, r ? "" : qPrintable(describe(r.error())));
        QCOMPARE(r->modelKeyframes, std::vector<FrameIndex>{121});
        for (const ShotProvenance &shot : r->provenance.shots)
            QCOMPARE(shot.workingHeight, 180);
        std::vector<FrameIndex> frames{121};
        for (FrameIndex f = 60; f <= 68; ++f)
            frames.push_back(f);
        for (FrameIndex f : frames) {
            Result<Frame> colour = readImage(cache.framePath(f));
            Result<Frame> grey = readFrame(test::samplePath(), f);
            QVERIFY(colour && grey);
            QCOMPARE(colour->width(), 640);
            QCOMPARE(colour->height(), 360);
            const Frame a = colour->luma(), b = grey->luma();
            QVERIFY2(std::memcmp(a.constData(), b.constData(), a.byteSize()) == 0,
                     qPrintable(QStringLiteral("frame %1's luma is not the film's").arg(f)));
        }
        for (const QString &path : {cache.keyframeModelPath(121), cache.keyframeResultPath(121)}) {
            Result<Frame> key = readImage(path);
            QVERIFY(key);
            QCOMPARE(key->width(), 640);
            QCOMPARE(key->height(), 360);
        }
        Result<Frame> propagated = readImage(cache.framePath(68));
        Result<Frame> truth = readFrame(referencePath(), 68);
        Result<Frame> grey = readFrame(test::samplePath(), 68);
        QVERIFY(propagated && truth && grey);
        const double pColour = *metrics::chromaPsnr(*propagated, *truth);
        const double pGrey = *metrics::chromaPsnr(grey->converted(PixelFormat::Rgb8), *truth);
        qInfo("frame 68 at 180 rows: propagated %.2f dB, grey %.2f dB", pColour, pGrey);
        QVERIFY(pColour > pGrey + 1.0);
    }

    // The studio's keyframe repaint at a working height: full-size colour with the frame's
    // luma, the stroke's colour where it was painted, cached at the film's size.
    void keyframeRepaintAtAWorkingHeight()
    {
        QTemporaryDir dir;
        const ResultCache cache(dir.filePath(QStringLiteral("cache")));
        KeyframeService noModel(KeyframeModelOptions{QStringLiteral("/nonexistent.json"), 0, {}});
        project::PaintStroke stroke;
        stroke.colour = qRgb(40, 90, 220);
        stroke.radius = 3;
        stroke.points = {QPointF(100, 300), QPointF(180, 300)};
        Feedback fb;
        Result<PaintedKeyframe> painted =
            noModel.colourise(test::samplePath(), 30, {stroke}, 0.01, 120, cache, fb);
        QVERIFY2(painted, painted ? "" : qPrintable(describe(painted.error())));
        QCOMPARE(painted->solver->workingSize(), QSize(212, 120));
        QCOMPARE(painted->colour.width(), 640);
        QCOMPARE(painted->colour.height(), 360);
        Result<Frame> grey = readFrame(test::samplePath(), 30);
        QVERIFY(grey);
        const Frame a = painted->colour.luma(), b = grey->luma();
        QVERIFY(std::memcmp(a.constData(), b.constData(), a.byteSize()) == 0);
        const uint8_t *p = painted->colour.constRow(300) + 3 * 140;
        QVERIFY2(int(p[2]) - int(p[0]) > 40,
                 qPrintable(QStringLiteral("%1 %2 %3").arg(p[0]).arg(p[1]).arg(p[2])));
        Result<Frame> cached = readImage(cache.keyframeResultPath(30));
        QVERIFY(cached);
        QCOMPARE(cached->width(), 640);
        // A warm re-solve with one more stroke keeps the first.
        project::PaintStroke red = stroke;
        red.colour = qRgb(220, 50, 40);
        red.points = {QPointF(400, 60)};
        Result<PaintedKeyframe> again = noModel.repaint(test::samplePath(), 30, {stroke, red},
                                                        painted->solver, 0.01, 120, cache, fb);
        QVERIFY(again);
        const uint8_t *q = again->colour.constRow(60) + 3 * 400;
        QVERIFY(int(q[0]) - int(q[2]) > 40);
        QVERIFY(int(again->colour.constRow(300)[3 * 140 + 2]) -
                    int(again->colour.constRow(300)[3 * 140]) >
                40);
    }

    // With a model that takes user points, the studio's strokes guide its proposal and the
    // solve pins them over the guided proposal: far from the stroke the keyframe follows the
    // guided proposal, not the automatic one; a repaint guides it again.
    void strokesGuideAHintModel()
    {
        QTemporaryDir dir;
        const QString manifest =
            test::writeRandomColorizerModel(dir.path(), QStringLiteral("hint"), 3, 21);
        QVERIFY(!manifest.isEmpty());
        KeyframeService service(KeyframeModelOptions{manifest, 0, {}});
        QVERIFY(service.modelTakesHints());

        const ResultCache cache(dir.filePath(QStringLiteral("cache")));
        project::PaintStroke stroke;
        stroke.colour = qRgb(220, 40, 40);
        stroke.radius = 4;
        stroke.points = {QPointF(100, 300), QPointF(180, 300)};
        Feedback fb;
        Result<PaintedKeyframe> painted =
            service.colourise(test::samplePath(), 30, {stroke}, 0.01, 0, cache, fb);
        QVERIFY2(painted, painted ? "" : qPrintable(describe(painted.error())));
        Result<Frame> automatic = readImage(cache.keyframeModelPath(30));
        Result<Frame> grey = readFrame(test::samplePath(), 30);
        QVERIFY(automatic && grey);
        const project::StrokeMasks masks = project::rasteriseStrokes({stroke}, 640, 360);
        Result<Frame> guided =
            service.proposeGuided(*grey, KeyframeService::networkHints(masks, *automatic));
        QVERIFY(guided);
        // The keyframe is the solve over the guided proposal (up to the solver's threads'
        // summation order), not over the automatic one.
        auto difference = [](const Frame &a, const Frame &b) { // largest and mean |Δ|
            int largest = 0;
            double sum = 0;
            for (int y = 0; y < a.height(); ++y)
                for (int x = 0; x < 3 * a.width(); ++x) {
                    const int d = std::abs(int(a.constRow(y)[x]) - int(b.constRow(y)[x]));
                    largest = std::max(largest, d);
                    sum += d;
                }
            return std::make_pair(largest, sum / (3.0 * a.width() * a.height()));
        };
        Feedback sfb;
        Result<Frame> overGuided = KeyframeSolver(*grey, *guided, 0.01).solve(masks, sfb);
        Result<Frame> overAutomatic = KeyframeSolver(*grey, *automatic, 0.01).solve(masks, sfb);
        QVERIFY(overGuided && overAutomatic);
        const auto [toGuided, meanToGuided] = difference(painted->colour, *overGuided);
        const auto [toAutomatic, meanToAutomatic] = difference(painted->colour, *overAutomatic);
        qInfo("the keyframe against the solve over the guided proposal: largest %d, mean %.3f; "
              "over the automatic one: largest %d, mean %.3f",
              toGuided, meanToGuided, toAutomatic, meanToAutomatic);
        QVERIFY(toGuided <= 1);
        QVERIFY(meanToAutomatic > 10 * meanToGuided + 0.01);
        const uint8_t *p = painted->colour.constRow(300) + 3 * 140;
        QVERIFY(int(p[0]) - int(p[1]) > 40); // the stroke's colour holds on it

        project::PaintStroke blue = stroke;
        blue.colour = qRgb(40, 60, 220);
        blue.points = {QPointF(500, 250)};
        Result<PaintedKeyframe> again = service.repaint(test::samplePath(), 30, {stroke, blue},
                                                        painted->solver, 0.01, 0, cache, fb);
        QVERIFY(again);
        const project::StrokeMasks both = project::rasteriseStrokes({stroke, blue}, 640, 360);
        Result<Frame> guided2 =
            service.proposeGuided(*grey, KeyframeService::networkHints(both, *automatic));
        QVERIFY(guided2);
        Result<Frame> expected = KeyframeSolver(*grey, *guided2, 0.01).solve(both, sfb);
        QVERIFY(expected);
        QVERIFY(difference(again->colour, *expected).first <= 1);
    }

    // A method built on a trained model records that model in the provenance: bnn-refined's
    // refiner,
    // by the sha256 of its shipped manifest.
    void provenanceNamesTheRefiner()
    {
        QTemporaryDir dir;
        std::optional<FilmJob> job = trueKeyframeJob(dir, 60, 63, QStringLiteral("bnn-refined"));
        QVERIFY(job);
        Feedback fb;
        KeyframeService service;
        Result<FilmReport> r =
            colorizeIntoCache(*job, ResultCache(dir.filePath(QStringLiteral("c"))), service, fb);
        QVERIFY2(r, r ? "" : qPrintable(describe(r.error())));
        const QString sha = test::shippedModelSha256(QStringLiteral("refiner"));
        QVERIFY(!sha.isEmpty());
        QCOMPARE(r->provenance.shots.size(), size_t(1));
        const QJsonObject refiner =
            r->provenance.shots.front().methodParameters[QStringLiteral("refiner")].toObject();
        QCOMPARE(refiner[QStringLiteral("sha256")].toString(), sha);
        QVERIFY(!refiner[QStringLiteral("name")].toString().isEmpty());
        // Round trip through JSON.
        auto back = ShotProvenance::fromJson(r->provenance.shots.front().toJson());
        QVERIFY(back);
        QCOMPARE(*back, r->provenance.shots.front());
    }

    // A studio keyframe's provenance names the model that made its prior, as the cache recorded
    // it when the prior was made: the shipped model, none (grey), or not recorded.
    void studioKeyframesRecordTheirModel()
    {
        QTemporaryDir dir;
        const ResultCache cache(dir.filePath(QStringLiteral("cache")));
        const FrameIndex frame = 30;
        QCOMPARE(KeyframeService::describeStudioKeyframe(frame, {}, 0.01, cache).source,
                 QStringLiteral("unrecorded"));

        KeyframeService noModel(KeyframeModelOptions{QStringLiteral("/nonexistent.json"), 0, {}});
        Feedback fb;
        QVERIFY(noModel.colourise(test::samplePath(), frame, {}, 0.01, 0, cache, fb));
        QCOMPARE(KeyframeService::describeStudioKeyframe(frame, {}, 0.01, cache).source,
                 QStringLiteral("grey"));

        KeyframeService shipped;
        Feedback fb2;
        QVERIFY(shipped.colourise(test::samplePath(), frame, {}, 0.01, 0, cache, fb2));
        const KeyframeProvenance model =
            KeyframeService::describeStudioKeyframe(frame, {}, 0.01, cache);
        QCOMPARE(model.source, QStringLiteral("model"));
        QCOMPARE(model.model, shipped.modelIdentity());
        QCOMPARE(model.model.sha256.size(), 64);

        project::PaintStroke stroke;
        stroke.points = {QPointF(10, 10), QPointF(40, 20)};
        const KeyframeProvenance painted =
            KeyframeService::describeStudioKeyframe(frame, {stroke}, 0.01, cache);
        QCOMPARE(painted.source, QStringLiteral("strokes"));
        QCOMPARE(painted.model, shipped.modelIdentity());
        QCOMPARE(painted.strokesSha256, KeyframeService::strokesSha256({stroke}));
        QCOMPARE(painted.priorWeight, 0.01);
    }

    void propagateNeedsAKeyframe()
    {
        QTemporaryDir dir;
        FilmJob req;
        req.input = test::samplePath();
        req.shots = {Shot{0, 10}};
        req.proposeMissing = false;
        Feedback fb;
        KeyframeService service;
        Result<FilmReport> r = colorizeIntoCache(req, ResultCache(dir.path()), service, fb);
        QVERIFY(!r);
        QVERIFY(r.error().message.contains(QLatin1String("keyframe")));
    }

    // The colourisers a project may choose (test models through TINCTURE_MODEL_DIR): which is a
    // video colouriser, what per-frame mode loads for each, and per-frame shots coloured into
    // the cache with no keyframe given or proposed, over the film's luma.
    void perFrameShotsNeedNoKeyframe()
    {
        QTemporaryDir models, dir;
        const QString bins =
            test::writeRandomRecurrentBinsModel(models.path(), QStringLiteral("recurrent-bins"));
        QVERIFY(!bins.isEmpty());
        QVERIFY(!test::writeRandomColorizerModel(models.path(), QStringLiteral("colorizer"), 0)
                     .isEmpty());
        const QString globalLocal =
            test::writeRandomGlobalLocalModel(models.path(), QStringLiteral("global-local"));
        QVERIFY(!globalLocal.isEmpty());
        const QString cnnLstm =
            test::writeRandomCnnLstmModel(models.path(), QStringLiteral("cnn-lstm"));
        QVERIFY(!cnnLstm.isEmpty());
        qputenv("TINCTURE_MODEL_DIR", QFile::encodeName(models.path()));
        const auto restore = qScopeGuard([] { qunsetenv("TINCTURE_MODEL_DIR"); });
        QCOMPARE(colorizers(),
                 (QStringList{QStringLiteral("pix2pix"), QStringLiteral("recurrent-bins"),
                              QStringLiteral("global-local"), QStringLiteral("cnn-lstm")}));
        QVERIFY(hasVideoColorizer());
        QVERIFY(isVideoColorizer(QStringLiteral("recurrent-bins")));
        QVERIFY(isVideoColorizer(QStringLiteral("global-local")));
        QCOMPARE(perFrameMethodOptions(QStringLiteral("global-local")).colorizerPath, globalLocal);
        QVERIFY(isVideoColorizer(QStringLiteral("cnn-lstm")));
        QCOMPARE(perFrameMethodOptions(QStringLiteral("cnn-lstm")).colorizerPath, cnnLstm);
        QVERIFY(!isVideoColorizer(QStringLiteral("pix2pix")));
        QVERIFY(!isVideoColorizer(QStringLiteral("no-such-model")));
        QVERIFY(!colorizerManifest(QStringLiteral("no-such-model")));
        QCOMPARE(perFrameMethodOptions(QStringLiteral("recurrent-bins")).colorizerPath, bins);
        QVERIFY(perFrameMethodOptions(QStringLiteral("pix2pix")).colorizerPath.isEmpty());

        FilmJob job;
        job.input = test::samplePath();
        job.shots = {Shot{60, 79}, Shot{120, 129}};
        job.first = 60;
        job.last = 129;
        job.workingHeight = 180;
        job.keyframes = {KeyframeSpec{70, {}, {}, {}}}; // replaced: nothing is proposed
        const ResultCache cache(dir.filePath(QStringLiteral("cache")));
        KeyframeService service;
        Feedback fb;
        Result<FilmReport> r = colorizePerFrameIntoCache(job, cache, service, fb);
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
        QCOMPARE(r->method, QStringLiteral("per-frame"));
        QVERIFY(r->modelKeyframes.empty());
        QVERIFY(service.modelIdentity().name.isEmpty()); // the keyframe model never loaded
        QCOMPARE(int(r->provenance.shots.size()), 2);
        for (const ShotProvenance &shot : r->provenance.shots) {
            QCOMPARE(shot.methodParameters.value(QStringLiteral("colorizer")).toString(),
                     QStringLiteral("recurrent-bins"));
            QVERIFY(shot.keyframes.empty());
        }
        QVERIFY(!QFile::exists(cache.keyframeModelPath(70)));
        for (FrameIndex f : {60, 79, 120, 129}) {
            QVERIFY(cache.hasFrame(f));
            Result<Frame> coloured = readImage(cache.framePath(f));
            Result<Frame> grey = readFrame(test::samplePath(), f);
            QVERIFY(coloured && grey);
            const Frame lc = coloured->luma(), lg = grey->luma();
            QCOMPARE(lc.byteSize(), lg.byteSize());
            QVERIFY(std::memcmp(lc.constData(), lg.constData(), lc.byteSize()) == 0);
        }
        QVERIFY(!cache.hasFrame(80) && !cache.hasFrame(119));
    }

    void detectsTheSampleShots()
    {
        Feedback fb;
        auto spans = detectShotSpans(test::samplePath(), fb);
        QVERIFY(spans);
        QCOMPARE(spans->size(), 3);
        QCOMPARE(spans->at(1).first, FrameIndex(60));
        QCOMPARE(spans->at(2).first, FrameIndex(120));
        QCOMPARE(spans->at(2).second, FrameIndex(179));
    }

    void thumbnailsVisitEveryNthFrame()
    {
        QVector<FrameIndex> seen;
        Feedback fb;
        QVERIFY(forEachNthFrame(
            test::samplePath(), 45,
            [&](FrameIndex f, const Frame &frame) {
                QCOMPARE(frame.width(), 640);
                seen.append(f);
            },
            fb));
        QCOMPARE(seen, (QVector<FrameIndex>{0, 45, 90, 135}));
    }

private:
    static QString defaultMethod() { return QStringLiteral("flow"); }
};

TINCTURE_TEST_MAIN(TestFilmOps)
#include "tst_filmops.moc"
