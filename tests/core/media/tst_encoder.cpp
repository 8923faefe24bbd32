// Encoding: every output format reads back with the right frames, lossless masters are
// lossless, audio is carried over, and an unfinished encode leaves nothing behind.

#include "fixtures.h"
#include "media/transcode.h"
#include "media/videoencoder.h"
#include "media/videosource.h"
#include "testmain.h"

#include <QTemporaryDir>
#include <QTest>

using namespace tincture;
using namespace tincture::test;

namespace {

// PSNR of the BT.601 luma: the channel that matters for black-and-white film, and the one a
// wrong colour matrix or range would spoil. (RGB PSNR on this busy pattern is limited by
// chroma subsampling, which is the codec's choice, not a defect.)
double psnr8(const Frame &a, const Frame &b)
{
    const Frame x = a.luma().converted(PixelFormat::Gray8),
                y = b.luma().converted(PixelFormat::Gray8);
    double se = 0;
    for (size_t i = 0; i < x.byteSize(); ++i) {
        const double d = double(x.constData()[i]) - double(y.constData()[i]);
        se += d * d;
    }
    const double mse = se / double(x.byteSize());
    return mse == 0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

QStringList entries(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
}

} // namespace

class TestEncoder : public QObject
{
    Q_OBJECT
private slots:
    void roundTrip_data()
    {
        QTest::addColumn<int>("codec");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<double>("minPsnr");
        QTest::newRow("h264") << int(VideoCodec::H264) << "out.mp4" << 320 << 240 << 38.0;
        QTest::newRow("h264-odd") << int(VideoCodec::H264) << "odd.mp4" << 321 << 241 << 38.0;
        QTest::newRow("ffv1") << int(VideoCodec::Ffv1) << "out.mkv" << 320 << 240 << 99.0;
        QTest::newRow("ffv1-odd") << int(VideoCodec::Ffv1) << "odd.mkv" << 321 << 241 << 99.0;
        QTest::newRow("prores") << int(VideoCodec::ProRes) << "out.mov" << 320 << 240 << 40.0;
        QTest::newRow("prores-odd") << int(VideoCodec::ProRes) << "odd.mov" << 321 << 241 << 40.0;
        QTest::newRow("prores4444")
            << int(VideoCodec::ProRes4444) << "out4444.mov" << 320 << 240 << 40.0;
        QTest::newRow("prores4444-odd")
            << int(VideoCodec::ProRes4444) << "odd4444.mov" << 321 << 241 << 40.0;
        QTest::newRow("png") << int(VideoCodec::PngSequence) << "png" << 321 << 241 << 99.0;
        QTest::newRow("tiff") << int(VideoCodec::TiffSequence) << "tiff" << 320 << 240 << 99.0;
    }
    void roundTrip()
    {
        QFETCH(int, codec);
        QFETCH(QString, name);
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(double, minPsnr);
        QTemporaryDir dir;
        const QString out = dir.filePath(name);
        EncodeSettings settings;
        settings.codec = VideoCodec(codec);
        settings.fps = {24000, 1001};
        settings.timeBase = {1001, 24000};
        const int n = 30;
        {
            Result<std::unique_ptr<VideoEncoder>> enc =
                VideoEncoder::create(out, width, height, settings);
            QVERIFY2(enc, enc ? "" : qPrintable(enc.error().message));
            for (int i = 0; i < n; ++i) {
                Frame f = codedFrame(i, width, height);
                f.pts = i;
                QVERIFY((*enc)->write(f));
                QVERIFY(!QFileInfo::exists(out)); // nothing under the name until finished
            }
            QVERIFY((*enc)->finish());
        }
        QCOMPARE(entries(dir.path()).size(), 1); // no temporary left over
        Result<std::unique_ptr<VideoSource>> src = VideoSource::open(out);
        QVERIFY2(src, src ? "" : qPrintable(src.error().message));
        const MediaInfo &info = (*src)->info();
        QCOMPARE(info.frames, int64_t(n));
        if (!isSequence(settings.codec)) {
            QCOMPARE(info.fps.toString(), QStringLiteral("24000/1001"));
        }
        for (int i = 0; i < n; ++i) {
            Result<Frame> f = (*src)->frame(i);
            QVERIFY(f);
            const Frame decoded = f->cropped(width, height); // 4:2:x codecs pad odd sizes
            QCOMPARE(readCode(decoded), i);
            QVERIFY2(psnr8(decoded, codedFrame(i, width, height)) >= minPsnr,
                     qPrintable(QStringLiteral("frame %1: %2 dB")
                                    .arg(i)
                                    .arg(psnr8(decoded, codedFrame(i, width, height)))));
        }
    }

    void flatColoursSurvive_data()
    {
        QTest::addColumn<int>("codec");
        QTest::addColumn<QString>("name");
        QTest::newRow("h264") << int(VideoCodec::H264) << "flat.mp4";
        QTest::newRow("prores") << int(VideoCodec::ProRes) << "flat.mov";
        QTest::newRow("prores4444") << int(VideoCodec::ProRes4444) << "flat4444.mov";
    }

    void proRes4444KeepsMoreThanEightBits()
    {
        // A grey ramp that climbs 40 codes of 16 bits per column: 8 bits would round it to
        // steps of 257, an error of up to 128; ProRes 4444's 10 bits keep it within ~40.
        QTemporaryDir dir;
        EncodeSettings settings;
        settings.codec = VideoCodec::ProRes4444;
        settings.bitDepth = 16;
        const QString out = dir.filePath(QStringLiteral("deep.mov"));
        Frame ramp(256, 64, PixelFormat::Rgb16);
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 256; ++x)
                for (int c = 0; c < 3; ++c)
                    ramp.row16(y)[3 * x + c] = uint16_t(20000 + 40 * x);
        {
            auto enc = VideoEncoder::create(out, 256, 64, settings);
            QVERIFY2(enc, enc ? "" : qPrintable(enc.error().message));
            Frame f = ramp;
            f.pts = 0;
            QVERIFY((*enc)->write(f));
            QVERIFY((*enc)->finish());
        }
        auto src = VideoSource::open(out);
        QVERIFY(src);
        auto f = (*src)->frame(0);
        QVERIFY(f);
        QCOMPARE(f->bitDepth(), 16);
        double worst = 0;
        for (int x = 8; x < 248; ++x) {
            const double got = f->constRow16(32)[3 * x + 1];
            worst = std::max(worst, std::abs(got - (20000 + 40 * x)));
        }
        qInfo("largest error on the ramp: %.0f of 65535", worst);
        QVERIFY2(worst < 100, qPrintable(QString::number(worst)));
    }
    void flatColoursSurvive()
    {
        // A wrong matrix (601 vs 709) or range (limited vs full) shifts flat colours by far
        // more than the ±3 codecs' rounding allows.
        QFETCH(int, codec);
        QFETCH(QString, name);
        const int colours[4][3] = {{200, 50, 100}, {20, 180, 60}, {16, 16, 235}, {128, 128, 128}};
        QTemporaryDir dir;
        EncodeSettings settings;
        settings.codec = VideoCodec(codec);
        const QString out = dir.filePath(name);
        Result<std::unique_ptr<VideoEncoder>> enc = VideoEncoder::create(out, 64, 64, settings);
        QVERIFY(enc);
        for (int i = 0; i < 4; ++i) {
            Frame f(64, 64, PixelFormat::Rgb8);
            for (int p = 0; p < 64 * 64; ++p)
                for (int c = 0; c < 3; ++c)
                    f.data()[p * 3 + c] = uint8_t(colours[i][c]);
            f.pts = i;
            QVERIFY((*enc)->write(f));
        }
        QVERIFY((*enc)->finish());
        Result<std::unique_ptr<VideoSource>> src = VideoSource::open(out);
        QVERIFY(src);
        for (int i = 0; i < 4; ++i) {
            Result<Frame> f = (*src)->frame(i);
            QVERIFY(f);
            const Frame rgb = f->converted(PixelFormat::Rgb8);
            for (int c = 0; c < 3; ++c)
                QVERIFY2(qAbs(int(rgb.constRow(32)[32 * 3 + c]) - colours[i][c]) <= 3,
                         qPrintable(QStringLiteral("colour %1 channel %2: %3")
                                        .arg(i)
                                        .arg(c)
                                        .arg(rgb.constRow(32)[32 * 3 + c])));
        }
    }

    void sixteenBitMasterIsLossless()
    {
        QTemporaryDir dir;
        Frame f(64, 48, PixelFormat::Rgb16);
        for (int y = 0; y < 48; ++y)
            for (int i = 0; i < 64 * 3; ++i)
                f.row16(y)[i] = uint16_t((y * 1031 + i * 337) & 0xffff);
        EncodeSettings settings;
        settings.codec = VideoCodec::Ffv1;
        const QString out = dir.filePath(QStringLiteral("deep.mkv"));
        Result<std::unique_ptr<VideoEncoder>> enc = VideoEncoder::create(out, 64, 48, settings);
        QVERIFY(enc);
        QVERIFY((*enc)->write(f));
        QVERIFY((*enc)->finish());
        Result<std::unique_ptr<VideoSource>> src = VideoSource::open(out);
        QVERIFY(src);
        Result<Frame> back = (*src)->frame(0);
        QVERIFY(back);
        QCOMPARE(back->format(), PixelFormat::Rgb16);
        QVERIFY(std::equal(f.constData(), f.constData() + f.byteSize(), back->constData()));
    }

    void abortLeavesNothing()
    {
        QTemporaryDir dir;
        for (VideoCodec c : {VideoCodec::H264, VideoCodec::PngSequence}) {
            const QString out = dir.filePath(c == VideoCodec::H264 ? QStringLiteral("a.mp4")
                                                                   : QStringLiteral("seq"));
            EncodeSettings settings;
            settings.codec = c;
            Result<std::unique_ptr<VideoEncoder>> enc = VideoEncoder::create(out, 64, 64, settings);
            QVERIFY(enc);
            QVERIFY((*enc)->write(codedFrame(0, 64, 64)));
            (*enc)->abort();
            QVERIFY(entries(dir.path()).isEmpty());
        }
        {
            // Destroyed without finish(): the same.
            EncodeSettings settings;
            Result<std::unique_ptr<VideoEncoder>> enc =
                VideoEncoder::create(dir.filePath(QStringLiteral("b.mp4")), 64, 64, settings);
            QVERIFY(enc);
            QVERIFY((*enc)->write(codedFrame(0, 64, 64)));
        }
        QVERIFY(entries(dir.path()).isEmpty());
    }

    void wrongFrameSizeIsRefused()
    {
        QTemporaryDir dir;
        EncodeSettings settings;
        Result<std::unique_ptr<VideoEncoder>> enc =
            VideoEncoder::create(dir.filePath(QStringLiteral("c.mp4")), 64, 64, settings);
        QVERIFY(enc);
        Result<void> r = (*enc)->write(codedFrame(0, 66, 64));
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::SizeMismatch);
    }

    void transcodeCarriesAudioAndRange()
    {
        QTemporaryDir dir;
        Feedback feedback;
        TranscodeRequest req;
        req.input = samplePath();
        req.output.path = dir.filePath(QStringLiteral("part.mkv"));
        req.output.first = 30;
        req.output.last = 89;
        Result<TranscodeReport> r = transcode(req, feedback);
        QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        QCOMPARE(r->frames, int64_t(60));
        QCOMPARE(r->audioStreams, 1);
        Result<std::unique_ptr<VideoSource>> src = VideoSource::open(req.output.path);
        QVERIFY(src);
        QCOMPARE((*src)->info().frames, int64_t(60));
        QCOMPARE((*src)->info().audioStreams, 1);
        QCOMPARE((*src)->info().audioCodec, QStringLiteral("aac")); // copied, not re-encoded
        QVERIFY(qAbs((*src)->info().durationSeconds - 60 * 1001.0 / 24000.0) < 0.01);
    }

    void cancelledTranscodeLeavesNothing()
    {
        QTemporaryDir dir;
        Feedback feedback([&](int64_t done, int64_t) {
            if (done == 10)
                feedback.cancel();
        });
        TranscodeRequest req;
        req.input = samplePath();
        req.output.path = dir.filePath(QStringLiteral("cancelled.mov"));
        Result<TranscodeReport> r = transcode(req, feedback);
        QVERIFY(!r);
        QVERIFY(r.error().isCancelled());
        QVERIFY(entries(dir.path()).isEmpty());
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestEncoder)
#include "tst_encoder.moc"
