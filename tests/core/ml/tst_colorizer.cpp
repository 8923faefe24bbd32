// The keyframe model session: loading (manifest, sha256, shapes), every way a model file can
// be broken, inference at odd sizes with the luminance kept exactly, CPU determinism.

#include "ml/colorizer.h"
#include "ml/modelmanifest.h"
#include "ml/trainer.h"
#include "testmain.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <random>

using namespace tincture;
using namespace tincture::ml;

class TestColorizer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // A random-weight model: width 4, depth 4 (tiny), manifest beside it. Returns the manifest.
    QString writeModel(const QString &name, int width = 4, int depth = 4, uint64_t seed = 7,
                       int declaredDepth = -1, int hintChannels = 0)
    {
        const QString weights = m_dir.filePath(name + QStringLiteral(".safetensors"));
        const std::string error = writeRandomGenerator(QFile::encodeName(weights).toStdString(),
                                                       width, depth, seed, hintChannels);
        if (!error.empty())
            qFatal("%s", error.c_str());
        ModelManifest m;
        if (!describeWeights(m, weights))
            qFatal("weights");
        m.baseWidth = width;
        m.depth = declaredDepth > 0 ? declaredDepth : depth;
        m.hintChannels = hintChannels;
        m.iterations = 0;
        m.trainedOn = QStringLiteral("nothing (random weights for a test)");
        m.training.insert(QStringLiteral("inferenceShortSide"), 64);
        const QString manifest = m_dir.filePath(name + QStringLiteral(".json"));
        if (!writeManifest(manifest, m))
            qFatal("manifest");
        return manifest;
    }

    static Frame texturedGrey(int w, int h, PixelFormat format, uint32_t seed)
    {
        Frame f(w, h, format);
        std::mt19937 rng(seed);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const int v = (x * 255 / w + (y / 7 % 2) * 60 + int(rng() % 40)) % 256;
                if (format == PixelFormat::Gray16)
                    f.row16(y)[x] = uint16_t(v * 257 + int(rng() % 200));
                else if (format == PixelFormat::Rgb8) {
                    f.row(y)[3 * x] = uint8_t(v);
                    f.row(y)[3 * x + 1] = uint8_t((v * 3) % 256);
                    f.row(y)[3 * x + 2] = uint8_t(255 - v);
                } else
                    f.row(y)[x] = uint8_t(v);
            }
        return f;
    }

    static void expectLumaKept(const Frame &in, const Frame &out)
    {
        QCOMPARE(out.width(), in.width());
        QCOMPARE(out.height(), in.height());
        const Frame a = in.luma(), b = out.luma();
        QCOMPARE(b.format(), a.format());
        QVERIFY(std::memcmp(a.constData(), b.constData(), a.byteSize()) == 0);
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void loadsAndReportsArchitecture()
    {
        auto c = Colorizer::load(writeModel(QStringLiteral("ok")));
        QVERIFY2(c, c ? "" : qPrintable(c.error().message));
        QCOMPARE((*c)->info().baseWidth, 4);
        QCOMPARE((*c)->info().depth, 4);
        QCOMPARE((*c)->info().gpu, false);
        // The weights path works as well as the manifest's.
        auto viaWeights = Colorizer::load(m_dir.filePath(QStringLiteral("ok.safetensors")));
        QVERIFY(viaWeights);
    }

    void oddSizesKeepLuminance_data()
    {
        QTest::addColumn<int>("w");
        QTest::addColumn<int>("h");
        QTest::addColumn<int>("format");
        QTest::newRow("853x479 grey") << 853 << 479 << int(PixelFormat::Gray8);
        QTest::newRow("853x479 rgb") << 853 << 479 << int(PixelFormat::Rgb8);
        QTest::newRow("1x1") << 1 << 1 << int(PixelFormat::Gray8);
        QTest::newRow("37x5 (below the net's unit)") << 37 << 5 << int(PixelFormat::Gray8);
        QTest::newRow("16-bit 101x67") << 101 << 67 << int(PixelFormat::Gray16);
    }

    void oddSizesKeepLuminance()
    {
        QFETCH(int, w);
        QFETCH(int, h);
        QFETCH(int, format);
        auto c = Colorizer::load(writeModel(QStringLiteral("sizes")));
        QVERIFY(c);
        const Frame in = texturedGrey(w, h, PixelFormat(format), 3);
        auto out = (*c)->colorize(in);
        QVERIFY2(out, out ? "" : qPrintable(out.error().message));
        QCOMPARE(out->format(), PixelFormat(format) == PixelFormat::Gray16 ? PixelFormat::Rgb16
                                                                           : PixelFormat::Rgb8);
        expectLumaKept(in, *out);
    }

    // A hint-conditioned net: without points (or with an empty hint image) it is the
    // automatic proposal; points change the proposal, and the luma stays exact; hints of
    // another size are refused, and a net without hint inputs refuses points.
    void hintsGuideAHintModel()
    {
        auto c = Colorizer::load(writeModel(QStringLiteral("hints"), 8, 4, 13, -1, 3));
        QVERIFY2(c, c ? "" : qPrintable(c.error().message));
        QVERIFY((*c)->takesHints());
        const Frame grey = texturedGrey(96, 64, PixelFormat::Gray8, 5);
        auto plain = (*c)->colorize(grey);
        QVERIFY(plain);
        Frame hints(96, 64, PixelFormat::Rgba8);
        auto none = (*c)->colorize(grey, hints);
        QVERIFY(none);
        QVERIFY(std::memcmp(none->constData(), plain->constData(), plain->byteSize()) == 0);
        for (int y = 20; y < 40; ++y)
            for (int x = 30; x < 60; ++x) {
                uint8_t *p = hints.row(y) + 4 * x;
                p[0] = 230;
                p[1] = 40;
                p[2] = 40;
                p[3] = 255;
            }
        auto guided = (*c)->colorize(grey, hints);
        QVERIFY(guided);
        expectLumaKept(grey, *guided);
        QVERIFY(std::memcmp(guided->constData(), plain->constData(), plain->byteSize()) != 0);
        auto wrong = (*c)->colorize(grey, Frame(95, 64, PixelFormat::Rgba8));
        QVERIFY(!wrong);
        QCOMPARE(wrong.error().code, ErrorCode::SizeMismatch);

        auto old = Colorizer::load(writeModel(QStringLiteral("nohints")));
        QVERIFY(old);
        QVERIFY(!(*old)->takesHints());
        auto refused = (*old)->colorize(grey, hints);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::ModelMismatch);
    }

    void producesColour()
    {
        // Random weights still predict some chroma: the output is not grey everywhere.
        auto c = Colorizer::load(writeModel(QStringLiteral("colour"), 8, 4, 11));
        QVERIFY(c);
        auto out = (*c)->colorize(texturedGrey(96, 64, PixelFormat::Gray8, 5));
        QVERIFY(out);
        int coloured = 0;
        for (int y = 0; y < out->height(); ++y)
            for (int x = 0; x < out->width(); ++x) {
                const uint8_t *p = out->constRow(y) + 3 * x;
                coloured += p[0] != p[1] || p[1] != p[2];
            }
        QVERIFY(coloured > out->width() * out->height() / 2);
    }

    void deterministicOnCpuAndInBatches()
    {
        auto c = Colorizer::load(writeModel(QStringLiteral("det")));
        QVERIFY(c);
        const Frame a = texturedGrey(120, 90, PixelFormat::Gray8, 1);
        const Frame b = texturedGrey(120, 90, PixelFormat::Gray8, 2);
        const Frame odd = texturedGrey(70, 50, PixelFormat::Gray8, 3);
        auto one = (*c)->colorize(a);
        auto two = (*c)->colorize(a);
        QVERIFY(one && two);
        QVERIFY(std::memcmp(one->constData(), two->constData(), one->byteSize()) == 0);
        Feedback feedback;
        auto batch = (*c)->colorize(std::vector<Frame>{a, b, odd, a}, feedback);
        QVERIFY(batch);
        QCOMPARE(batch->size(), size_t(4));
        QCOMPARE((*batch)[2].width(), 70);
        // Batched inference agrees with single frames (BatchNorm is in inference mode).
        int maxDiff = 0;
        for (size_t i = 0; i < one->byteSize(); ++i)
            maxDiff = std::max(
                maxDiff, std::abs(int(one->constData()[i]) - int((*batch)[3].constData()[i])));
        QVERIFY2(maxDiff <= 1, qPrintable(QString::number(maxDiff)));
    }

    void brokenFiles_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("missing manifest")
            << "no-manifest" << int(ErrorCode::FileNotFound) << "nosuch.json";
        QTest::newRow("manifest not JSON")
            << "garbage-manifest" << int(ErrorCode::ModelInvalid) << ".json";
        QTest::newRow("weights missing")
            << "no-weights" << int(ErrorCode::FileNotFound) << ".safetensors";
        QTest::newRow("weights truncated")
            << "truncate" << int(ErrorCode::ModelInvalid) << "truncated";
        QTest::newRow("one byte flipped") << "flip" << int(ErrorCode::ModelInvalid) << "sha256";
        QTest::newRow("depth mismatch")
            << "depth" << int(ErrorCode::ModelMismatch) << "architecture";
        QTest::newRow("bad header, right sha")
            << "header" << int(ErrorCode::ModelInvalid) << "safetensors";
    }

    void brokenFiles()
    {
        QFETCH(QString, damage);
        QFETCH(int, code);
        QFETCH(QString, mentions);
        QString manifest = writeModel(damage, 4, 4, 7, damage == QLatin1String("depth") ? 5 : -1);
        const QString weights = m_dir.filePath(damage + QStringLiteral(".safetensors"));
        QFile w(weights);
        if (damage == QLatin1String("no-manifest")) {
            manifest = m_dir.filePath(QStringLiteral("nosuch.json"));
        } else if (damage == QLatin1String("garbage-manifest")) {
            QFile m(manifest);
            QVERIFY(m.open(QIODevice::WriteOnly));
            m.write("{ not json");
        } else if (damage == QLatin1String("no-weights")) {
            QVERIFY(w.remove());
        } else if (damage == QLatin1String("truncate")) {
            QVERIFY(w.resize(w.size() / 2));
        } else if (damage == QLatin1String("flip")) {
            QVERIFY(w.open(QIODevice::ReadWrite));
            w.seek(w.size() - 10);
            const char c = w.peek(1)[0];
            w.write(QByteArray(1, char(c ^ 0x55)));
            w.close();
        } else if (damage == QLatin1String("header")) {
            // A header length pointing past the end, with a manifest that matches the bytes:
            // the safetensors parser itself must refuse it.
            QVERIFY(w.open(QIODevice::ReadWrite));
            const uint64_t huge = uint64_t(1) << 40;
            w.write(reinterpret_cast<const char *>(&huge), 8);
            w.close();
            auto m = readManifest(manifest);
            QVERIFY(m);
            ModelManifest fixed = *m;
            fixed.sha256 = sha256OfFile(weights).value();
            QVERIFY(writeManifest(manifest, fixed));
        }
        auto c = Colorizer::load(manifest);
        QVERIFY(!c);
        QCOMPARE(int(c.error().code), code);
        QVERIFY2(c.error().message.contains(mentions), qPrintable(c.error().message));
    }

    void noModelIsAClearError()
    {
        auto c = Colorizer::load(QString());
        QVERIFY(!c);
        QCOMPARE(c.error().code, ErrorCode::NoModel);
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestColorizer)
#include "tst_colorizer.moc"
