// Decoding: every container/codec family archivists meet, frame-accurate random access on
// long-GOP streams, variable frame rate, rotation and aspect metadata, image sequences.

#include "fixtures.h"
#include "media/videoencoder.h"
#include "media/videosource.h"
#include "testmain.h"

#include <QTemporaryDir>
#include <QTest>

using namespace tincture;
using namespace tincture::test;

namespace {
constexpr int kFrames = 120;
constexpr int kWidth = 320;
constexpr int kHeight = 240;
} // namespace

class TestVideoSource : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_frames; // PNG sequence, 8-bit

    QString path(const QString &name) const { return m_dir.filePath(name); }

    void checkRandomAccess(VideoSource &source, int frames)
    {
        QList<int> order{0,           frames - 1,
                         frames / 2,  frames / 2 + 1,
                         3,           frames - 20,
                         frames - 21, frames / 2 - 1,
                         1,           frames - 2,
                         37,          36,
                         38,          0};
        for (int i = 0; i < frames; i += 7)
            order << i; // forward reads with small skips
        for (int i : order) {
            Result<Frame> f = source.frame(i);
            QVERIFY2(
                f,
                qPrintable(
                    QStringLiteral("frame %1: %2").arg(i).arg(f ? QString() : f.error().message)));
            QCOMPARE(f->index, FrameIndex(i));
            QCOMPARE(readCode(*f), i);
        }
    }

private slots:
    void initTestCase()
    {
        if (!haveProgram(QStringLiteral("ffmpeg")))
            QSKIP("ffmpeg is needed to make the test films");
        m_frames = path(QStringLiteral("frames"));
        QVERIFY(writeCodedSequence(m_frames, kFrames, kWidth, kHeight));
    }

    void formats_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("encode");
        QTest::addColumn<QString>("codec");
        QTest::addColumn<int>("bitDepth");
        const QString in = QStringLiteral("-framerate 25 -i %1/f_%05d.png ");
        auto args = [&](const QString &rest) { return (in + rest).split(QLatin1Char(' ')); };
        QTest::newRow("h264-longgop-mp4")
            << "h264.mp4" << args("-c:v libx264 -pix_fmt yuv420p -g 60 -bf 3 -crf 16") << "h264"
            << 8;
        QTest::newRow("h264-10bit-mkv")
            << "h264-10.mkv" << args("-c:v libx264 -pix_fmt yuv420p10le -g 40 -bf 2 -crf 16")
            << "h264" << 10;
        QTest::newRow("hevc-mkv")
            << "hevc.mkv"
            << args("-c:v libx265 -x265-params log-level=error:keyint=50:bframes=4 -crf 18")
            << "hevc" << 8;
        QTest::newRow("prores-mov")
            << "prores.mov" << args("-c:v prores_ks -profile:v 3") << "prores" << 10;
        QTest::newRow("ffv1-mkv") << "ffv1.mkv" << args("-c:v ffv1") << "ffv1" << 8;
        QTest::newRow("mjpeg-avi") << "mjpeg.avi" << args("-c:v mjpeg -q:v 2") << "mjpeg" << 8;
        QTest::newRow("mpeg2-ps") << "mpeg2.mpg" << args("-c:v mpeg2video -q:v 2 -g 15 -bf 2")
                                  << "mpeg2video" << 8;
        QTest::newRow("dv-pal") << "pal.dv" << args("-vf pad=720:576 -c:v dvvideo -pix_fmt yuv420p")
                                << "dvvideo" << 8;
    }
    void formats()
    {
        QFETCH(QString, file);
        QFETCH(QStringList, encode);
        QFETCH(QString, codec);
        QFETCH(int, bitDepth);
        for (QString &a : encode)
            a.replace(QLatin1String("%1"), m_frames);
        encode << path(file);
        const QString err = ffmpeg(encode);
        if (!err.isEmpty())
            QSKIP(qPrintable(QStringLiteral("this FFmpeg cannot make %1: %2").arg(file, err)));
        Result<std::unique_ptr<VideoSource>> src = VideoSource::open(path(file));
        QVERIFY2(src, src ? "" : qPrintable(src.error().message));
        const MediaInfo &info = (*src)->info();
        QCOMPARE(info.frames, int64_t(kFrames));
        QCOMPARE(info.fps.toString(), QStringLiteral("25/1"));
        QCOMPARE(info.codec, codec);
        QCOMPARE(info.bitDepth, bitDepth);
        QVERIFY(qAbs(info.durationSeconds - kFrames / 25.0) < 0.05);
        checkRandomAccess(**src, kFrames);
        if (bitDepth > 8) {
            Result<Frame> f = (*src)->frame(5);
            QCOMPARE(f->format(), PixelFormat::Rgb16);
        }
    }

    void imageSequences_data()
    {
        QTest::addColumn<QString>("pixFmt");
        QTest::addColumn<QString>("ext");
        QTest::addColumn<int>("bitDepth");
        QTest::newRow("png16") << "rgb48be"
                               << "png" << 16;
        QTest::newRow("tiff16") << "rgb48le"
                                << "tif" << 16;
        QTest::newRow("tiff8") << "rgb24"
                               << "tiff" << 8;
        QTest::newRow("jpeg") << "yuvj444p"
                              << "jpg" << 8;
        QTest::newRow("dpx10") << "gbrp10le"
                               << "dpx" << 10;
    }
    void imageSequences()
    {
        QFETCH(QString, pixFmt);
        QFETCH(QString, ext);
        QFETCH(int, bitDepth);
        const QString dir = path(QStringLiteral("seq-") + ext + pixFmt);
        QDir().mkpath(dir);
        const QString err = ffmpeg(
            {QStringLiteral("-i"), m_frames + QStringLiteral("/f_%05d.png"),
             QStringLiteral("-frames:v"), QStringLiteral("40"), QStringLiteral("-pix_fmt"), pixFmt,
             QStringLiteral("-q:v"), QStringLiteral("2"), QStringLiteral("-start_number"),
             QStringLiteral("1001"), dir + QStringLiteral("/scan_%06d.") + ext});
        if (!err.isEmpty())
            QSKIP(qPrintable(err));
        for (const QString &p : {dir, dir + QStringLiteral("/scan_%06d.") + ext}) {
            Result<std::unique_ptr<VideoSource>> src = VideoSource::open(p);
            QVERIFY2(src, src ? "" : qPrintable(src.error().message));
            QCOMPARE((*src)->info().frames, int64_t(40));
            QVERIFY((*src)->info().bitDepth >= qMin(bitDepth, 16));
            checkRandomAccess(**src, 40);
        }
    }

    void variableFrameRate()
    {
        // Frames 30.. are shifted by 1.2 s: a pause in the timestamps, not extra frames. Made
        // with our own encoder, which keeps the timestamps it is given.
        const QString file = path(QStringLiteral("vfr.mp4"));
        EncodeSettings settings;
        settings.fps = {25, 1};
        settings.timeBase = {1, 1000};
        {
            Result<std::unique_ptr<VideoEncoder>> enc =
                VideoEncoder::create(file, kWidth, kHeight, settings);
            QVERIFY(enc);
            for (int i = 0; i < kFrames; ++i) {
                Frame f = codedFrame(i, kWidth, kHeight);
                f.pts = i * 40 + (i >= 30 ? 1200 : 0);
                QVERIFY((*enc)->write(f));
            }
            QVERIFY((*enc)->finish());
        }
        Result<std::unique_ptr<VideoSource>> src = VideoSource::open(file);
        QVERIFY(src);
        QCOMPARE((*src)->info().frames, int64_t(kFrames));
        QVERIFY((*src)->info().variableFrameRate);
        QVERIFY(qAbs((*src)->frameTimeSeconds(29) - 29 / 25.0) < 0.002);
        QVERIFY(qAbs((*src)->frameTimeSeconds(30) - 60 / 25.0) < 0.002);
        checkRandomAccess(**src, kFrames);
    }

    void rotationAndAspect()
    {
        const QString plain = path(QStringLiteral("plain.mp4"));
        QVERIFY(ffmpeg({QStringLiteral("-framerate"), QStringLiteral("25"), QStringLiteral("-i"),
                        m_frames + QStringLiteral("/f_%05d.png"), QStringLiteral("-frames:v"),
                        QStringLiteral("30"), QStringLiteral("-vf"), QStringLiteral("setsar=16/15"),
                        QStringLiteral("-c:v"), QStringLiteral("libx264"), plain})
                    .isEmpty());
        const QString rotated = path(QStringLiteral("rotated.mp4"));
        QVERIFY(ffmpeg({QStringLiteral("-i"), plain, QStringLiteral("-c"), QStringLiteral("copy"),
                        QStringLiteral("-metadata:s:v:0"), QStringLiteral("rotate=90"), rotated})
                    .isEmpty());
        Result<std::unique_ptr<VideoSource>> a = VideoSource::open(plain);
        Result<std::unique_ptr<VideoSource>> b = VideoSource::open(rotated);
        QVERIFY(a && b);
        QCOMPARE((*a)->info().sampleAspect.toString(), QStringLiteral("16/15"));
        QCOMPARE((*a)->info().width, kWidth);
        // FFmpeg 5.1 writes rotate=90 as a display matrix meaning "turn 90° counter-clockwise";
        // what matters is that we show what FFmpeg's own autorotation shows (checked below).
        QCOMPARE((*b)->info().rotationDegrees, 270);
        QCOMPARE((*b)->info().width, kHeight);
        QCOMPARE((*b)->info().height, kWidth);
        QCOMPARE((*b)->info().sampleAspect.toString(), QStringLiteral("15/16"));
        Result<Frame> fa = (*a)->frame(12);
        Result<Frame> fb = (*b)->frame(12);
        QVERIFY(fa && fb);
        QCOMPARE(fb->width(), kHeight);
        QCOMPARE(readCode(fb->rotated(90)), 12);
        const Frame expected = fa->rotated(270);
        QVERIFY(std::equal(expected.constData(), expected.constData() + expected.byteSize(),
                           fb->constData()));
        const QString reference = path(QStringLiteral("rotated-by-ffmpeg.png"));
        QVERIFY(ffmpeg({QStringLiteral("-i"), rotated, QStringLiteral("-vf"),
                        QStringLiteral("select=eq(n\\,12)"), QStringLiteral("-frames:v"),
                        QStringLiteral("1"), QStringLiteral("-pix_fmt"), QStringLiteral("rgb24"),
                        reference})
                    .isEmpty());
        Result<Frame> ref = readImage(reference);
        QVERIFY(ref);
        QCOMPARE(ref->width(), fb->width());
        QCOMPARE(readCode(ref->rotated(90)), 12);
    }

    void cacheBudgetIsHonoured()
    {
        SourceOptions options;
        options.cacheBytes = 3 * kWidth * kHeight * 3; // three frames
        Result<std::unique_ptr<VideoSource>> src = VideoSource::open(m_frames, options);
        QVERIFY(src);
        for (int i = 0; i < kFrames; ++i)
            QVERIFY((*src)->frame(i));
        // The cache is internal; what matters is that reading everything still works and
        // re-reading an evicted frame decodes it again correctly.
        Result<Frame> f = (*src)->frame(0);
        QVERIFY(f);
        QCOMPARE(readCode(*f), 0);
    }

    void outOfRange()
    {
        Result<std::unique_ptr<VideoSource>> src = VideoSource::open(m_frames);
        QVERIFY(src);
        QVERIFY(!(*src)->frame(-1));
        Result<Frame> f = (*src)->frame(kFrames);
        QVERIFY(!f);
        QCOMPARE(f.error().code, ErrorCode::OutOfRange);
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestVideoSource)
#include "tst_videosource.moc"
