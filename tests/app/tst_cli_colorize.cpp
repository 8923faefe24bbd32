// The keyframe model and the automatic pipeline through tincture-cli: colorize-image on odd
// sizes with the shipped model, broken model files, a tiny training run with resume and its
// manifest, eval images, and `colorize` turning the bundled sample into an MP4 with its audio,
// the luminance kept, and bad input refused with nothing written.

#include "media/imageio.h"
#include "media/videosource.h"
#include "refinerfixture.h"
#include "testsupport.h"
#include "testmain.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

using namespace tincture;
using tincture::test::runCli;
using tincture::test::runLab;

namespace {

Frame texture(int w, int h, bool colour)
{
    Frame f(w, h, colour ? PixelFormat::Rgb8 : PixelFormat::Gray8);
    std::mt19937 rng(9);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const int v = (x + 2 * y + int(rng() % 30)) % 256;
            if (colour) {
                uint8_t *p = f.row(y) + 3 * x;
                p[0] = uint8_t(y < h / 2 ? 90 : v), p[1] = uint8_t(y < h / 2 ? 150 : v / 2);
                p[2] = uint8_t(y < h / 2 ? 235 : 40);
            } else {
                f.row(y)[x] = uint8_t(v);
            }
        }
    return f;
}

double lumaPsnr(const Frame &a, const Frame &b)
{
    const Frame la = a.luma(), lb = b.luma();
    double se = 0;
    for (int y = 0; y < la.height(); ++y)
        for (int x = 0; x < la.width(); ++x) {
            const double d = double(la.constRow(y)[x]) - double(lb.constRow(y)[x]);
            se += d * d;
        }
    const double mse = se / (double(la.width()) * la.height());
    return mse == 0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

} // namespace

class TestCliColorize : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void colorizeImageOddSize()
    {
        const QString in = m_dir.filePath(QStringLiteral("odd.png"));
        const Frame grey = texture(853, 479, false);
        QVERIFY(writeImage(in, grey));
        const QString out = m_dir.filePath(QStringLiteral("odd_out.png"));
        const auto r = runCli({QStringLiteral("colorize-image"), in, QStringLiteral("-o"), out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto result = readImage(out);
        QVERIFY(result);
        QCOMPARE(result->width(), 853);
        QCOMPARE(result->height(), 479);
        QCOMPARE(result->format(), PixelFormat::Rgb8);
        QCOMPARE(lumaPsnr(*result, grey), 99.0); // the luminance is the input's, exactly
    }

    // --hints: the points keep their colour exactly where they are (hard constraints), the
    // luma is the input's; the shipped model takes the points (no note), a model without point
    // inputs solves them over its automatic proposal and a note says so. Hints of another size
    // or without alpha: exit 1 naming the file, nothing written.
    void colorizeImageWithHints()
    {
        const QString in = m_dir.filePath(QStringLiteral("hinted.png"));
        const Frame grey = texture(160, 120, false);
        QVERIFY(writeImage(in, grey));
        Frame hints(160, 120, PixelFormat::Rgba8);
        for (int y = 50; y < 60; ++y)
            for (int x = 70; x < 80; ++x) {
                uint8_t *p = hints.row(y) + 4 * x;
                p[0] = 40;
                p[1] = 80;
                p[2] = 220;
                p[3] = 255;
            }
        const QString hintPath = m_dir.filePath(QStringLiteral("points.png"));
        QVERIFY(writeImage(hintPath, hints));
        const QString out = m_dir.filePath(QStringLiteral("hinted_out.png"));
        auto r = runCli({QStringLiteral("colorize-image"), in, QStringLiteral("-o"), out,
                         QStringLiteral("--hints"), hintPath});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(!r.err.contains(QLatin1String("takes no points")), qPrintable(r.err));
        auto result = readImage(out);
        QVERIFY(result);
        QCOMPARE(lumaPsnr(*result, grey), 99.0);
        const uint8_t *p = result->constRow(55) + 3 * 75;
        QVERIFY2(int(p[2]) - int(p[0]) > 60,
                 qPrintable(QStringLiteral("%1 %2 %3").arg(p[0]).arg(p[1]).arg(p[2])));
        // A model without point inputs (random weights, the shipped model's architecture
        // before it took points).
        const QString manifest =
            test::writeRandomColorizerModel(m_dir.path(), QStringLiteral("nopoints"), 0, 9);
        QVERIFY(!manifest.isEmpty());
        const QString out2 = m_dir.filePath(QStringLiteral("hinted_nopoints.png"));
        r = runCli({QStringLiteral("colorize-image"), in, QStringLiteral("-o"), out2,
                    QStringLiteral("--hints"), hintPath, QStringLiteral("--model"), manifest});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.err.contains(QLatin1String("takes no points")));
        auto result2 = readImage(out2);
        QVERIFY(result2);
        QCOMPARE(lumaPsnr(*result2, grey), 99.0);
        const uint8_t *q = result2->constRow(55) + 3 * 75;
        QVERIFY(int(q[2]) - int(q[0]) > 60);

        const QString never = m_dir.filePath(QStringLiteral("never_hinted.png"));
        const QString small = m_dir.filePath(QStringLiteral("small_points.png"));
        QVERIFY(writeImage(small, Frame(80, 60, PixelFormat::Rgba8)));
        const QString opaque = m_dir.filePath(QStringLiteral("opaque_points.png"));
        QVERIFY(writeImage(opaque, Frame(160, 120, PixelFormat::Rgb8)));
        for (const QString &bad : {small, opaque}) {
            r = runCli({QStringLiteral("colorize-image"), in, QStringLiteral("-o"), never,
                        QStringLiteral("--hints"), bad});
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains(QFileInfo(bad).fileName()), qPrintable(r.err));
            QVERIFY(!QFileInfo::exists(never));
        }
    }

    void colorizeImageBadInput()
    {
        const QString out = m_dir.filePath(QStringLiteral("never.png"));
        auto r = runCli({QStringLiteral("colorize-image"),
                         m_dir.filePath(QStringLiteral("nosuch.png")), QStringLiteral("-o"), out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QStringLiteral("nosuch.png")));
        // A corrupt model: a manifest that is not JSON.
        const QString in = m_dir.filePath(QStringLiteral("small.png"));
        QVERIFY(writeImage(in, texture(64, 48, false)));
        const QString bad = m_dir.filePath(QStringLiteral("bad.json"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{]");
        f.close();
        r = runCli({QStringLiteral("colorize-image"), in, QStringLiteral("-o"), out,
                    QStringLiteral("--model"), bad});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("bad.json")), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(out));
        r = runCli({QStringLiteral("colorize-image"), in});
        QCOMPARE(r.exitCode, 2);
    }

    void trainResumeAndEvaluate()
    {
        const QString photos = m_dir.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(photos));
        for (int i = 0; i < 4; ++i)
            QVERIFY(writeImage(QStringLiteral("%1/%2.png").arg(photos).arg(i),
                               texture(40 + i, 40, true)));
        const QString out = m_dir.filePath(QStringLiteral("run"));
        const QStringList common{QStringLiteral("train"),
                                 QStringLiteral("colorizer"),
                                 QStringLiteral("--images"),
                                 photos,
                                 QStringLiteral("--val"),
                                 photos,
                                 QStringLiteral("--out"),
                                 out,
                                 QStringLiteral("--size"),
                                 QStringLiteral("32"),
                                 QStringLiteral("--pack-side"),
                                 QStringLiteral("32"),
                                 QStringLiteral("--width"),
                                 QStringLiteral("4"),
                                 QStringLiteral("--depth"),
                                 QStringLiteral("3"),
                                 QStringLiteral("--batch"),
                                 QStringLiteral("2"),
                                 QStringLiteral("--threads"),
                                 QStringLiteral("1"),
                                 QStringLiteral("--validate-every"),
                                 QStringLiteral("2"),
                                 QStringLiteral("--quiet")};
        auto r = runLab(common + QStringList{QStringLiteral("--iters"), QStringLiteral("2")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runLab(common + QStringList{QStringLiteral("--iters"), QStringLiteral("3"),
                                        QStringLiteral("--resume"),
                                        out + QStringLiteral("/checkpoint.pt")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile manifestFile(out + QStringLiteral("/colorizer.json"));
        QVERIFY(manifestFile.open(QIODevice::ReadOnly));
        const QJsonObject manifest = QJsonDocument::fromJson(manifestFile.readAll()).object();
        QCOMPARE(manifest.value(QStringLiteral("training"))
                     .toObject()
                     .value(QStringLiteral("iterations"))
                     .toInt(),
                 3);
        QCOMPARE(manifest.value(QStringLiteral("sha256")).toString().size(), 64);
        QVERIFY(manifest.value(QStringLiteral("training"))
                    .toObject()
                    .value(QStringLiteral("command"))
                    .toString()
                    .startsWith(QStringLiteral("tincture-lab train colorizer --images")));
        QVERIFY(!manifest.value(QStringLiteral("training"))
                     .toObject()
                     .value(QStringLiteral("date"))
                     .toString()
                     .isEmpty());

        const QString json = m_dir.filePath(QStringLiteral("eval.json"));
        r = runLab({QStringLiteral("eval"), QStringLiteral("images"), QStringLiteral("--data"),
                    photos, QStringLiteral("--model"), out + QStringLiteral("/colorizer.json"),
                    QStringLiteral("--json"), json, QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile jf(json);
        QVERIFY(jf.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(jf.readAll()).object();
        QCOMPARE(o.value(QStringLiteral("images")).toInt(), 4);
        QVERIFY(o.value(QStringLiteral("grey_psnr")).toDouble() > 5.0);
        QVERIFY(o.value(QStringLiteral("mean_psnr")).toDouble() > 5.0);
        QVERIFY(o.contains(QStringLiteral("colourfulness_ratio")));

        r = runLab({QStringLiteral("train"), QStringLiteral("colorizer"),
                    QStringLiteral("--images"), m_dir.filePath(QStringLiteral("nothing-here")),
                    QStringLiteral("--out"), out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QStringLiteral("nothing-here")));
    }

    void colorizeSampleFilm()
    {
        const QString out = m_dir.filePath(QStringLiteral("sample_colour.mp4"));
        const auto r = runCli({QStringLiteral("colorize"), test::samplePath(), QStringLiteral("-o"),
                               out, QStringLiteral("--quiet")},
                              900000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto result = VideoSource::open(out);
        QVERIFY(result);
        auto source = VideoSource::open(test::samplePath());
        QVERIFY(source);
        QCOMPARE((*result)->frameCount(), (*source)->frameCount());
        QCOMPARE((*result)->info().audioStreams, 1);
        for (FrameIndex i : {FrameIndex(0), FrameIndex(59), FrameIndex(60), FrameIndex(179)}) {
            auto a = (*result)->frame(i);
            auto b = (*source)->frame(i);
            QVERIFY(a && b);
            // H.264 at CRF 16 of the same luminance: the luma survives nearly intact.
            QVERIFY2(lumaPsnr(*a, *b) > 38.0, qPrintable(QString::number(lumaPsnr(*a, *b))));
        }

        // Provenance: `info` prints it back from the container, and the sidecar says the same:
        // one model keyframe per shot, by the shipped model (its manifest's sha256).
        const auto info = runCli({QStringLiteral("info"), out});
        QCOMPARE(info.exitCode, 0);
        const QJsonObject provenance = QJsonDocument::fromJson(info.out.toUtf8())
                                           .object()[QStringLiteral("provenance")]
                                           .toObject();
        const QString modelSha = test::shippedModelSha256(QStringLiteral("colorizer"));
        QVERIFY(!modelSha.isEmpty());
        const QJsonArray shots = provenance[QStringLiteral("shots")].toArray();
        QCOMPARE(shots.size(), 3);
        QCOMPARE(provenance[QStringLiteral("source")].toString(), QStringLiteral("sample.mp4"));
        QCOMPARE(provenance[QStringLiteral("last")].toInt(), 179);
        for (const QJsonValue &shot : shots) {
            const QJsonArray keys = shot[QStringLiteral("keyframes")].toArray();
            QCOMPARE(keys.size(), 1);
            QCOMPARE(keys[0][QStringLiteral("source")].toString(), QStringLiteral("model"));
            QCOMPARE(keys[0][QStringLiteral("model")][QStringLiteral("sha256")].toString(),
                     modelSha);
            QCOMPARE(keys[0][QStringLiteral("colour_sha256")].toString().size(), 64);
        }
        QFile sidecar(out + QStringLiteral(".provenance.json"));
        QVERIFY(sidecar.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(sidecar.readAll()).object(), provenance);
    }

    // --first/--last colour a range: the shots across its ends are propagated whole, the
    // output holds the range only. A sidecar left under the output's name is not replaced
    // without -y.
    void colorizeRange()
    {
        const QString out = m_dir.filePath(QStringLiteral("range.mkv"));
        QVERIFY(test::writeFileBytes(out + QStringLiteral(".provenance.json"), "someone's notes"));
        const QStringList args{QStringLiteral("colorize"), test::samplePath(),
                               QStringLiteral("-o"),       out,
                               QStringLiteral("--first"),  QStringLiteral("50"),
                               QStringLiteral("--last"),   QStringLiteral("70"),
                               QStringLiteral("--quiet")};
        auto r = runCli(args, 900000);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("range.mkv.provenance.json")), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(out));
        QCOMPARE(test::fileBytes(out + QStringLiteral(".provenance.json")),
                 QByteArray("someone's notes"));
        r = runCli(args + QStringList{QStringLiteral("-y")}, 900000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto result = VideoSource::open(out);
        QVERIFY(result);
        QCOMPARE((*result)->frameCount(), int64_t(21));
        const QJsonObject provenance =
            QJsonDocument::fromJson((*result)->info().provenance).object();
        QCOMPARE(provenance[QStringLiteral("first")].toInt(), 50);
        QCOMPARE(provenance[QStringLiteral("shots")].toArray().size(), 2);

        // A film without provenance does not inherit the sidecar of the film it replaces, and
        // is refused while that sidecar is there without -y.
        const QString sidecar = out + QStringLiteral(".provenance.json");
        QVERIFY(QFile::remove(out));
        r = runCli({QStringLiteral("transcode"), test::samplePath(), QStringLiteral("-o"), out,
                    QStringLiteral("--last"), QStringLiteral("9"), QStringLiteral("--quiet")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(sidecar), qPrintable(r.err));
        r = runCli({QStringLiteral("transcode"), test::samplePath(), QStringLiteral("-o"), out,
                    QStringLiteral("--last"), QStringLiteral("9"), QStringLiteral("--quiet"),
                    QStringLiteral("-y")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFileInfo::exists(out));
        QVERIFY(!QFileInfo::exists(sidecar));
    }

    void workingHeightDeliversFullSizeAtTheSourcesDepth()
    {
        // A 16-bit grey scan with detail below 8 bits, coloured at 64 rows of its 192.
        const QDir scans(m_dir.filePath(QStringLiteral("scan16")));
        QVERIFY(QDir().mkpath(scans.path()));
        std::vector<Frame> source;
        for (int i = 0; i < 6; ++i) {
            Frame f(256, 192, PixelFormat::Gray16);
            for (int y = 0; y < 192; ++y)
                for (int x = 0; x < 256; ++x)
                    f.row16(y)[x] = uint16_t(9000 + 170 * x + 90 * y + 37 * i + (x * y) % 61);
            QVERIFY(writeImage(
                scans.filePath(QStringLiteral("f%1.tif").arg(i, 3, 10, QLatin1Char('0'))), f));
            source.push_back(f);
        }
        const QString pattern = scans.filePath(QStringLiteral("f%03d.tif"));
        const QString out = m_dir.filePath(QStringLiteral("scan16.mkv"));
        auto r = runCli({QStringLiteral("colorize"), pattern, QStringLiteral("-o"), out,
                         QStringLiteral("--working-height"), QStringLiteral("64"),
                         QStringLiteral("--quiet")},
                        600000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto film = VideoSource::open(out);
        QVERIFY2(film, film ? "" : qPrintable(film.error().message));
        QCOMPARE((*film)->frameCount(), int64_t(6));
        for (int i = 0; i < 6; ++i) {
            auto f = (*film)->frame(i);
            QVERIFY(f);
            QCOMPARE(f->width(), 256);
            QCOMPARE(f->height(), 192);
            QCOMPARE(f->bitDepth(), 16);
            const Frame luma = f->luma();
            QVERIFY2(
                std::memcmp(luma.constData(), source[size_t(i)].constData(), luma.byteSize()) == 0,
                qPrintable(QStringLiteral("frame %1's 16-bit luma is not the scan's").arg(i)));
        }
        QFile sidecar(out + QStringLiteral(".provenance.json"));
        QVERIFY(sidecar.open(QIODevice::ReadOnly));
        const QJsonObject provenance = QJsonDocument::fromJson(sidecar.readAll()).object();
        const QJsonObject shot =
            provenance.value(QStringLiteral("shots")).toArray().at(0).toObject();
        QCOMPARE(shot.value(QStringLiteral("working_height")).toInt(), 64);

        // Above the film's height: coloured at its size, and said so.
        const QString out2 = m_dir.filePath(QStringLiteral("scan16-full.mkv"));
        r = runCli({QStringLiteral("colorize"), pattern, QStringLiteral("-o"), out2,
                    QStringLiteral("--working-height"), QStringLiteral("1000"),
                    QStringLiteral("--quiet")},
                   600000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("above the film's 192 rows")), qPrintable(r.err));

        // H.264 cannot hold the depth: said so.
        const QString delivery = m_dir.filePath(QStringLiteral("scan16.mp4"));
        r = runCli({QStringLiteral("colorize"), pattern, QStringLiteral("-o"), delivery,
                    QStringLiteral("--quiet")},
                   600000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("rounded to 8 bits")), qPrintable(r.err));

        for (const char *bad : {"0", "10", "half", "-480"}) {
            const QString never = m_dir.filePath(QStringLiteral("never-wh.mkv"));
            r = runCli({QStringLiteral("colorize"), pattern, QStringLiteral("-o"), never,
                        QStringLiteral("--working-height"), QLatin1String(bad)});
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(QStringLiteral("--working-height")), qPrintable(r.err));
            QVERIFY(!QFileInfo::exists(never));
        }
    }

    // --colorizer picks the model by name (a video colouriser proposes keyframes too); --mode
    // per-frame colours every frame with a video colouriser and propagates nothing; bad choices
    // are usage errors that name what there is.
    void colouriserChoiceAndPerFrameMode()
    {
        const QString models = m_dir.filePath(QStringLiteral("video-models"));
        QVERIFY(QDir().mkpath(models));
        QVERIFY(!test::writeRandomRecurrentBinsModel(models, QStringLiteral("recurrent-bins"))
                     .isEmpty());
        QVERIFY(
            !test::writeRandomGlobalLocalModel(models, QStringLiteral("global-local")).isEmpty());
        QVERIFY(!test::writeRandomCnnLstmModel(models, QStringLiteral("cnn-lstm")).isEmpty());
        const QByteArray saved = qgetenv("TINCTURE_MODEL_DIR");
        qputenv("TINCTURE_MODEL_DIR", QFile::encodeName(models));
        const auto restore = qScopeGuard([&] {
            if (saved.isEmpty())
                qunsetenv("TINCTURE_MODEL_DIR");
            else
                qputenv("TINCTURE_MODEL_DIR", saved);
        });
        const QDir frames(m_dir.filePath(QStringLiteral("perframe")));
        QVERIFY(QDir().mkpath(frames.path()));
        std::vector<Frame> source;
        for (int i = 0; i < 5; ++i) {
            Frame f(72, 48, PixelFormat::Gray8);
            for (int y = 0; y < 48; ++y)
                for (int x = 0; x < 72; ++x)
                    f.row(y)[x] =
                        uint8_t(128 + 90 * std::sin((x - 2 * i) * 0.25) * std::cos(y * 0.2));
            QVERIFY(writeImage(
                frames.filePath(QStringLiteral("f%1.png").arg(i, 3, 10, QLatin1Char('0'))), f));
            source.push_back(f);
        }
        const QString pattern = frames.filePath(QStringLiteral("f%03d.png"));

        const QString still = m_dir.filePath(QStringLiteral("perframe-still.png"));
        auto r = runCli({QStringLiteral("colorize-image"),
                         frames.filePath(QStringLiteral("f000.png")), QStringLiteral("-o"), still,
                         QStringLiteral("--colorizer"), QStringLiteral("recurrent-bins")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto stillImage = readImage(still);
        QVERIFY(stillImage);
        QCOMPARE(lumaPsnr(*stillImage, source[0]), 99.0);

        const QString out = m_dir.filePath(QStringLiteral("perframe.mkv"));
        r = runCli({QStringLiteral("colorize"), pattern, QStringLiteral("-o"), out,
                    QStringLiteral("--mode"), QStringLiteral("per-frame"),
                    QStringLiteral("--colorizer"), QStringLiteral("recurrent-bins"),
                    QStringLiteral("--quiet")},
                   600000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto film = VideoSource::open(out);
        QVERIFY(film);
        QCOMPARE((*film)->frameCount(), int64_t(5));
        for (int i = 0; i < 5; ++i) {
            auto f = (*film)->frame(i);
            QVERIFY(f);
            QCOMPARE(lumaPsnr(*f, source[size_t(i)]), 99.0);
        }
        QFile sidecar(out + QStringLiteral(".provenance.json"));
        QVERIFY(sidecar.open(QIODevice::ReadOnly));
        const QJsonObject shot = QJsonDocument::fromJson(sidecar.readAll())
                                     .object()
                                     .value(QStringLiteral("shots"))
                                     .toArray()
                                     .at(0)
                                     .toObject();
        QCOMPARE(shot.value(QStringLiteral("method")).toString(), QStringLiteral("per-frame"));

        // The global+local colouriser, chosen by name, per frame.
        const QString globalLocal = m_dir.filePath(QStringLiteral("perframe-gl.mkv"));
        r = runCli({QStringLiteral("colorize"), pattern, QStringLiteral("-o"), globalLocal,
                    QStringLiteral("--mode"), QStringLiteral("per-frame"),
                    QStringLiteral("--colorizer"), QStringLiteral("global-local"),
                    QStringLiteral("--quiet")},
                   600000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto glFilm = VideoSource::open(globalLocal);
        QVERIFY(glFilm);
        QCOMPARE((*glFilm)->frameCount(), int64_t(5));
        auto glFrame = (*glFilm)->frame(3);
        QVERIFY(glFrame);
        QCOMPARE(lumaPsnr(*glFrame, source[3]), 99.0);
        auto binsFrame = (*film)->frame(3);
        QVERIFY(binsFrame && lumaPsnr(*glFrame, *binsFrame) == 99.0);
        QVERIFY(!std::equal(glFrame->constData(), glFrame->constData() + glFrame->byteSize(),
                            binsFrame->constData())); // another model's colour

        // The CNN-LSTM colouriser, per frame, and for a still.
        const QString lstm = m_dir.filePath(QStringLiteral("perframe-lstm.mkv"));
        r = runCli({QStringLiteral("colorize"), pattern, QStringLiteral("-o"), lstm,
                    QStringLiteral("--mode"), QStringLiteral("per-frame"),
                    QStringLiteral("--colorizer"), QStringLiteral("cnn-lstm"),
                    QStringLiteral("--quiet")},
                   600000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto lstmFilm = VideoSource::open(lstm);
        QVERIFY(lstmFilm);
        QCOMPARE((*lstmFilm)->frameCount(), int64_t(5));
        auto lstmFrame = (*lstmFilm)->frame(3);
        QVERIFY(lstmFrame);
        QCOMPARE(lumaPsnr(*lstmFrame, source[3]), 99.0);
        QVERIFY(!std::equal(lstmFrame->constData(), lstmFrame->constData() + lstmFrame->byteSize(),
                            glFrame->constData()));
        const QString lstmStill = m_dir.filePath(QStringLiteral("perframe-lstm-still.png"));
        r = runCli({QStringLiteral("colorize-image"), frames.filePath(QStringLiteral("f000.png")),
                    QStringLiteral("-o"), lstmStill, QStringLiteral("--colorizer"),
                    QStringLiteral("cnn-lstm")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto lstmStillImage = readImage(lstmStill);
        QVERIFY(lstmStillImage);
        QCOMPARE(lumaPsnr(*lstmStillImage, source[0]), 99.0);

        const QString never = m_dir.filePath(QStringLiteral("never-perframe.mkv"));
        const QList<std::pair<QStringList, QString>> refused = {
            {{QStringLiteral("--colorizer"), QStringLiteral("nosuch")},
             QStringLiteral("recurrent-bins, global-local, cnn-lstm")},
            {{QStringLiteral("--colorizer"), QStringLiteral("recurrent-bins"),
              QStringLiteral("--model"), models + QStringLiteral("/recurrent-bins.json")},
             QStringLiteral("not both")},
            {{QStringLiteral("--mode"), QStringLiteral("per-frame"), QStringLiteral("--colorizer"),
              QStringLiteral("pix2pix")},
             QStringLiteral("video colouriser")},
            {{QStringLiteral("--mode"), QStringLiteral("per-frame"), QStringLiteral("--keyframe"),
              QStringLiteral("0=") + still},
             QStringLiteral("no keyframes")},
            {{QStringLiteral("--mode"), QStringLiteral("per-frame"), QStringLiteral("--method"),
              QStringLiteral("flow")},
             QStringLiteral("--method")},
            {{QStringLiteral("--mode"), QStringLiteral("sideways")}, QStringLiteral("--mode")},
        };
        for (const auto &[extra, says] : refused) {
            r = runCli(
                QStringList{QStringLiteral("colorize"), pattern, QStringLiteral("-o"), never} +
                extra);
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(says), qPrintable(r.err));
            QVERIFY(!QFileInfo::exists(never));
        }
    }

    void colorizeBadInputLeavesNothing()
    {
        const QString out = m_dir.filePath(QStringLiteral("never.mp4"));
        const QString small = m_dir.filePath(QStringLiteral("wrongsize.png"));
        QVERIFY(writeImage(small, texture(32, 32, true)));
        auto r = runCli({QStringLiteral("colorize"), test::samplePath(), QStringLiteral("-o"), out,
                         QStringLiteral("--keyframe"), QStringLiteral("10=") + small,
                         QStringLiteral("--quiet")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("wrongsize.png")), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(out));
        r = runCli({QStringLiteral("colorize"), test::samplePath(), QStringLiteral("-o"), out,
                    QStringLiteral("--keyframe"), QStringLiteral("1000=") + small,
                    QStringLiteral("--quiet")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QStringLiteral("1000")));
        r = runCli({QStringLiteral("colorize"), test::samplePath(), QStringLiteral("-o"), out,
                    QStringLiteral("--keyframe"), QStringLiteral("nonsense")});
        QCOMPARE(r.exitCode, 2);
        const QString damaged = m_dir.filePath(QStringLiteral("damaged.mp4"));
        QFile d(damaged);
        QVERIFY(d.open(QIODevice::WriteOnly));
        d.write(QByteArray(5000, 'x'));
        d.close();
        r = runCli({QStringLiteral("colorize"), damaged, QStringLiteral("-o"), out,
                    QStringLiteral("--quiet")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QStringLiteral("damaged.mp4")));
        QVERIFY(!QFileInfo::exists(out));
        QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral("never*")}).size(), 0);
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestCliColorize)
#include "tst_cli_colorize.moc"
