// tincture-cli info/transcode as a user runs them: the bundled sample, and every kind of bad
// input the foundation issue lists. Each bad case: a clear message naming the file, exit code
// 1, no crash, no hang, nothing left under the output name.

#include "media/imageio.h"
#include "testsupport.h"
#include "testmain.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <unistd.h>

using namespace tincture;
using namespace tincture::test;

namespace {

QStringList leftovers(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
}

void writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes), bytes.size());
}

QString probe(const QString &file, const QString &entries, const QString &select = QString())
{
    QStringList args{QStringLiteral("-v"), QStringLiteral("error")};
    if (!select.isEmpty())
        args << QStringLiteral("-select_streams") << select;
    args << QStringLiteral("-count_frames") << QStringLiteral("-show_entries") << entries
         << QStringLiteral("-of") << QStringLiteral("csv=p=0") << file;
    return runProcess(QStringLiteral("ffprobe"), args).out.trimmed();
}

void writeGreyPng(const QString &path, int w, int h)
{
    Frame f(w, h, PixelFormat::Gray8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            f.row(y)[x] = uint8_t((x + y) & 255);
    QVERIFY(writeImage(path, f));
}

} // namespace

class TestCliMedia : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    // Runs a command that must fail on bad input: exit 1, a message naming `mention`.
    void expectBadInput(const QStringList &args, const QString &mention, const QString &reason)
    {
        const ProcessResult r = runCli(args, 60000);
        QVERIFY2(!r.timedOut, "hung");
        QVERIFY2(!r.crashed, qPrintable(r.err));
        QVERIFY2(r.exitCode == 1,
                 qPrintable(QStringLiteral("exit %1: %2").arg(r.exitCode).arg(r.err)));
        QVERIFY2(r.err.contains(mention), qPrintable(r.err));
        QVERIFY2(r.err.contains(reason, Qt::CaseInsensitive), qPrintable(r.err));
        QVERIFY2(!r.err.contains(QLatin1String("QObject")), qPrintable(r.err));
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(cliPath()), qPrintable(cliPath()));
        QVERIFY(QFile::exists(samplePath()));
    }

    void infoOnSample()
    {
        const ProcessResult r = runCli({QStringLiteral("info"), samplePath()});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("frames")).toInt(), 180);
        QCOMPARE(o.value(QStringLiteral("fps")).toString(), QStringLiteral("24000/1001"));
        QCOMPARE(o.value(QStringLiteral("width")).toInt(), 640);
        QCOMPARE(o.value(QStringLiteral("height")).toInt(), 360);
        QCOMPARE(o.value(QStringLiteral("codec")).toString(), QStringLiteral("h264"));
        QCOMPARE(o.value(QStringLiteral("audio_streams")).toInt(), 1);
        QVERIFY(qAbs(o.value(QStringLiteral("duration_s")).toDouble() - 7.5075) < 0.001);
    }

    void transcodeKeepsFramesAndAudio_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("codec");
        QTest::addColumn<QString>("expectVideo");
        QTest::newRow("mp4") << "out.mp4"
                             << ""
                             << "h264";
        QTest::newRow("ffv1") << "master.mkv"
                              << "ffv1"
                              << "ffv1";
        QTest::newRow("prores") << "master.mov"
                                << "prores"
                                << "prores";
    }
    void transcodeKeepsFramesAndAudio()
    {
        if (!haveProgram(QStringLiteral("ffprobe")))
            QSKIP("ffprobe missing");
        QFETCH(QString, name);
        QFETCH(QString, codec);
        QFETCH(QString, expectVideo);
        QTemporaryDir dir;
        const QString out = dir.filePath(name);
        QStringList args{QStringLiteral("transcode"), samplePath(), QStringLiteral("-o"), out};
        if (!codec.isEmpty())
            args << QStringLiteral("--codec") << codec;
        const ProcessResult r = runCli(args);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.err.contains(QLatin1String("100.0%"))); // the progress bar
        QCOMPARE(
            probe(out, QStringLiteral("stream=codec_name,nb_read_frames"), QStringLiteral("v")),
            expectVideo + QStringLiteral(",180"));
        QCOMPARE(probe(out, QStringLiteral("stream=codec_name"), QStringLiteral("a")),
                 QStringLiteral("aac"));
        QCOMPARE(leftovers(dir.path()), QStringList{name});
    }

    void audioReencodedWhereCopyIsImpossible()
    {
        // PCM audio cannot go into MP4: it is re-encoded to AAC, keeping its length.
        if (!haveProgram(QStringLiteral("ffmpeg")) || !haveProgram(QStringLiteral("ffprobe")))
            QSKIP("ffmpeg missing");
        QTemporaryDir dir;
        const QString in = dir.filePath(QStringLiteral("pcm.mov"));
        const ProcessResult made = runProcess(
            QStringLiteral("ffmpeg"),
            {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-y"),
             QStringLiteral("-i"), samplePath(), QStringLiteral("-c:v"), QStringLiteral("copy"),
             QStringLiteral("-c:a"), QStringLiteral("pcm_s16le"), in});
        QVERIFY2(made.exitCode == 0, qPrintable(made.err));
        const QString out = dir.filePath(QStringLiteral("aac.mp4"));
        const ProcessResult r = runCli(
            {QStringLiteral("transcode"), in, QStringLiteral("-o"), out, QStringLiteral("-q")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(probe(out, QStringLiteral("stream=codec_name"), QStringLiteral("a")),
                 QStringLiteral("aac"));
        const double seconds =
            probe(out, QStringLiteral("stream=duration"), QStringLiteral("a")).toDouble();
        QVERIFY2(qAbs(seconds - 7.5) < 0.1, qPrintable(QString::number(seconds)));
        // A .mov master keeps the PCM as it is.
        const QString mov = dir.filePath(QStringLiteral("master.mov"));
        QCOMPARE(runCli({QStringLiteral("transcode"), in, QStringLiteral("-o"), mov,
                         QStringLiteral("-q")})
                     .exitCode,
                 0);
        QCOMPARE(probe(mov, QStringLiteral("stream=codec_name"), QStringLiteral("a")),
                 QStringLiteral("pcm_s16le"));
    }

    void imageSequenceOutput()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("frames"));
        const ProcessResult r =
            runCli({QStringLiteral("transcode"), samplePath(), QStringLiteral("-o"), out,
                    QStringLiteral("--codec"), QStringLiteral("tiff"), QStringLiteral("--last"),
                    QStringLiteral("11"), QStringLiteral("-q")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(QDir(out).entryList(QDir::Files).size(), 12);
        Result<Frame> f = readImage(out + QStringLiteral("/00011.tif"));
        QVERIFY(f);
        QCOMPARE(f->bitDepth(), 16);
    }

    // The same frames give the same H.264 film whatever the heap held before (MALLOC_PERTURB_
    // fills it with other bytes): x264's AVX-512 code, which reads memory it never
    // initialised at widths such as 854, is not used. (Frames of the sample scaled to 854×480
    // made different films before; on a CPU without AVX-512 this cannot fail.)
    void h264IsReproducible()
    {
        if (!haveProgram(QStringLiteral("ffmpeg")))
            QSKIP("ffmpeg is not installed");
        const QString frames = m_dir.filePath(QStringLiteral("w854"));
        QVERIFY(QDir().mkpath(frames));
        const ProcessResult scaled = runProcess(
            QStringLiteral("ffmpeg"),
            {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-i"), samplePath(),
             QStringLiteral("-frames:v"), QStringLiteral("12"), QStringLiteral("-vf"),
             QStringLiteral("scale=854:480"), frames + QStringLiteral("/f%03d.png")});
        QVERIFY2(scaled.exitCode == 0, qPrintable(scaled.err));
        QByteArray first;
        for (const char *perturb : {"0", "165", "33"}) {
            const QString out =
                m_dir.filePath(QStringLiteral("w854-%1.mp4").arg(QLatin1String(perturb)));
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("MALLOC_PERTURB_"), QLatin1String(perturb));
            p.setProcessEnvironment(env);
            p.start(cliPath(), {QStringLiteral("transcode"), frames, QStringLiteral("-o"), out,
                                QStringLiteral("-q")});
            QVERIFY(p.waitForFinished(120000));
            QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
            if (first.isEmpty())
                first = fileBytes(out);
            else
                QVERIFY2(fileBytes(out) == first, perturb);
        }
    }

    void missingFile()
    {
        const QString missing = m_dir.filePath(QStringLiteral("nothing-here.mp4"));
        expectBadInput({QStringLiteral("info"), missing}, missing, QStringLiteral("no such file"));
    }

    void zeroByteFile()
    {
        const QString empty = m_dir.filePath(QStringLiteral("empty.mp4"));
        writeBytes(empty, {});
        expectBadInput({QStringLiteral("info"), empty}, empty, QStringLiteral("empty"));
        const QString out = m_dir.filePath(QStringLiteral("from-empty.mp4"));
        expectBadInput({QStringLiteral("transcode"), empty, QStringLiteral("-o"), out}, empty,
                       QStringLiteral("empty"));
        QVERIFY(!QFile::exists(out));
    }

    void truncatedMp4()
    {
        // The sample is "faststart": its index comes first, so cutting the file in the middle
        // of its media data leaves an index that promises more than the file holds.
        QFile sample(samplePath());
        QVERIFY(sample.open(QIODevice::ReadOnly));
        const QByteArray all = sample.readAll();
        const QString cut = m_dir.filePath(QStringLiteral("cut.mp4"));
        writeBytes(cut, all.left(all.size() * 55 / 100));
        expectBadInput({QStringLiteral("info"), cut}, cut, QStringLiteral("truncated"));
        const QString out = m_dir.filePath(QStringLiteral("from-cut.mp4"));
        expectBadInput({QStringLiteral("transcode"), cut, QStringLiteral("-o"), out}, cut,
                       QStringLiteral("truncated"));
        QVERIFY(!QFile::exists(out));
        // An archivist can still rescue what is there.
        const ProcessResult r = runCli({QStringLiteral("transcode"), cut, QStringLiteral("-o"), out,
                                        QStringLiteral("--salvage"), QStringLiteral("-q")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const ProcessResult info = runCli({QStringLiteral("info"), out});
        const int frames = QJsonDocument::fromJson(info.out.toUtf8())
                               .object()
                               .value(QStringLiteral("frames"))
                               .toInt();
        QVERIFY2(frames > 30 && frames < 180, qPrintable(info.out));
        // Cut without a moov atom at all (the index is gone): unreadable.
        const QString headless = m_dir.filePath(QStringLiteral("headless.mp4"));
        writeBytes(headless, all.mid(all.size() / 2));
        expectBadInput({QStringLiteral("info"), headless}, headless,
                       QStringLiteral("not a media file"));
    }

    void randomBytes()
    {
        QByteArray junk(200000, '\0');
        quint32 x = 12345;
        for (char &c : junk) {
            x = x * 1664525u + 1013904223u;
            c = char(x >> 24);
        }
        const QString path = m_dir.filePath(QStringLiteral("random.mp4"));
        writeBytes(path, junk);
        expectBadInput({QStringLiteral("info"), path}, path, QStringLiteral("not a media file"));
        const QString out = m_dir.filePath(QStringLiteral("from-random.mkv"));
        expectBadInput({QStringLiteral("transcode"), path, QStringLiteral("-o"), out}, path,
                       QStringLiteral("not a media file"));
        QVERIFY(!QFile::exists(out));
    }

    void audioOnly()
    {
        if (!haveProgram(QStringLiteral("ffmpeg")))
            QSKIP("ffmpeg missing");
        const QString path = m_dir.filePath(QStringLiteral("voice.m4a"));
        QCOMPARE(runProcess(QStringLiteral("ffmpeg"),
                            {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-y"),
                             QStringLiteral("-f"), QStringLiteral("lavfi"), QStringLiteral("-i"),
                             QStringLiteral("sine=d=1"), path})
                     .exitCode,
                 0);
        expectBadInput({QStringLiteral("info"), path}, path, QStringLiteral("no video stream"));
    }

    void sequenceWithGap()
    {
        const QString dir = m_dir.filePath(QStringLiteral("gap"));
        QDir().mkpath(dir);
        for (int n : {1, 2, 3, 5, 6})
            writeGreyPng(QStringLiteral("%1/scan_%2.png").arg(dir).arg(n, 4, 10, QLatin1Char('0')),
                         32, 24);
        expectBadInput({QStringLiteral("info"), dir}, QStringLiteral("scan_0003.png"),
                       QStringLiteral("frame 4 is missing"));
        const QString out = m_dir.filePath(QStringLiteral("gap.mp4"));
        expectBadInput({QStringLiteral("transcode"), dir, QStringLiteral("-o"), out}, dir,
                       QStringLiteral("gap"));
        QVERIFY(!QFile::exists(out));
    }

    void sequenceWithOddFrameSize()
    {
        const QString dir = m_dir.filePath(QStringLiteral("sizes"));
        QDir().mkpath(dir);
        for (int n = 0; n < 6; ++n)
            writeGreyPng(QStringLiteral("%1/f%2.png").arg(dir).arg(n), n == 4 ? 40 : 32, 24);
        const QString out = m_dir.filePath(QStringLiteral("sizes.mkv"));
        expectBadInput({QStringLiteral("transcode"), dir, QStringLiteral("-o"), out},
                       QStringLiteral("f4.png"), QStringLiteral("40×24"));
        QVERIFY(!QFile::exists(out));
        QVERIFY(!leftovers(m_dir.path()).join(' ').contains(QLatin1String("tincture-tmp")));
    }

    void oddSizes()
    {
        const QString dir = m_dir.filePath(QStringLiteral("odd"));
        QDir().mkpath(dir);
        for (int n = 0; n < 3; ++n)
            writeGreyPng(QStringLiteral("%1/o_%2.png").arg(dir).arg(n), 853, 479);
        const QString mp4 = m_dir.filePath(QStringLiteral("odd.mp4"));
        ProcessResult r = runCli({QStringLiteral("transcode"), dir, QStringLiteral("-o"), mp4});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("853×479")), qPrintable(r.err)); // padding reported
        const QString mkv = m_dir.filePath(QStringLiteral("odd.mkv"));
        r = runCli(
            {QStringLiteral("transcode"), dir, QStringLiteral("-o"), mkv, QStringLiteral("-q")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runCli({QStringLiteral("info"), mkv});
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("width")).toInt(), 853); // lossless master: exact size
        QCOMPARE(o.value(QStringLiteral("height")).toInt(), 479);
        QCOMPARE(o.value(QStringLiteral("frames")).toInt(), 3);
    }

    void hugeHeader()
    {
        // A YUV4MPEG header claiming 16384×16384 followed by a few bytes of "frame".
        const QString path = m_dir.filePath(QStringLiteral("huge.y4m"));
        writeBytes(path, QByteArray("YUV4MPEG2 W16384 H16384 F25:1 Ip A1:1 C420jpeg\nFRAME\n") +
                             QByteArray(4096, '\x80'));
        expectBadInput({QStringLiteral("info"), path}, path, QStringLiteral("16384"));
        const QString out = m_dir.filePath(QStringLiteral("huge.mp4"));
        expectBadInput({QStringLiteral("transcode"), path, QStringLiteral("-o"), out}, path,
                       QStringLiteral("16384"));
        QVERIFY(!QFile::exists(out));
        // The same claim in a PNG header.
        const QString png = m_dir.filePath(QStringLiteral("huge.png"));
        QByteArray ihdr("IHDR");
        for (quint32 v : {16384u, 16384u})
            for (int shift = 24; shift >= 0; shift -= 8)
                ihdr.append(char((v >> shift) & 0xff));
        ihdr.append(QByteArray::fromHex("0800000000"));
        QByteArray bytes = QByteArray::fromHex("89504e470d0a1a0a0000000d") + ihdr +
                           QByteArray(4, '\0') + QByteArray(64, '\0');
        writeBytes(png, bytes);
        expectBadInput({QStringLiteral("info"), png}, png, QStringLiteral("frame size"));
    }

    void spacesAndNonAscii()
    {
        const QString dir = m_dir.filePath(QStringLiteral("Archiv Ölfilm – 1926"));
        QVERIFY(QDir().mkpath(dir));
        const QString in = dir + QStringLiteral("/Straße der Zukunft 電影.mp4");
        QVERIFY(QFile::copy(samplePath(), in));
        ProcessResult r = runCli({QStringLiteral("info"), in});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString out = dir + QStringLiteral("/Ausgabe ß.mkv");
        r = runCli({QStringLiteral("transcode"), in, QStringLiteral("-o"), out,
                    QStringLiteral("-q"), QStringLiteral("--last"), QStringLiteral("23")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(out));
    }

    void readOnlyOutputFolder()
    {
        QString folder;
        QTemporaryDir ro;
        if (geteuid() == 0) {
            folder = QStringLiteral("/proc"); // root ignores permission bits; /proc refuses files
        } else {
            folder = ro.path();
            QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        }
        const QString out = folder + QStringLiteral("/tincture-out.mp4");
        expectBadInput({QStringLiteral("transcode"), samplePath(), QStringLiteral("-o"), out}, out,
                       QStringLiteral("cannot write"));
        QVERIFY(!QFile::exists(out));
        QFile::setPermissions(ro.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                             QFileDevice::ExeOwner);
    }

    void usageErrors()
    {
        QCOMPARE(runCli({}).exitCode, 2);
        QCOMPARE(runCli({QStringLiteral("frobnicate")}).exitCode, 2);
        QCOMPARE(runCli({QStringLiteral("info")}).exitCode, 2);
        QCOMPARE(runCli({QStringLiteral("transcode"), samplePath()}).exitCode, 2); // no -o
        QCOMPARE(runCli({QStringLiteral("transcode"), samplePath(), QStringLiteral("-o"),
                         QStringLiteral("x.mp4"), QStringLiteral("--codec"), QStringLiteral("vp9")})
                     .exitCode,
                 2);
        for (const char *cmd : {"info", "transcode"}) {
            const ProcessResult r = runCli({QString::fromLatin1(cmd), QStringLiteral("--help")});
            QCOMPARE(r.exitCode, 0);
            QVERIFY(r.out.contains(QLatin1String("Usage")));
        }
        QCOMPARE(runCli({QStringLiteral("--help")}).exitCode, 0);
    }

    void interruptRemovesPartialOutput()
    {
        // A long enough job (the sample as a 16-bit TIFF sequence, several times over would be
        // slow to make; a ProRes master of the whole sample takes a few seconds here).
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("master.mov"));
        QProcess p;
        p.start(cliPath(), {QStringLiteral("transcode"), samplePath(), QStringLiteral("-o"), out,
                            QStringLiteral("--codec"), QStringLiteral("tiff")});
        QVERIFY(p.waitForStarted());
        // Wait until the temporary output exists: the job is under way.
        for (int i = 0; i < 200 && leftovers(dir.path()).isEmpty(); ++i)
            QTest::qWait(10);
        QTest::qWait(200);
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(10000));
        if (p.exitCode() == 0)
            QSKIP("the job finished before the interrupt arrived");
        QCOMPARE(p.exitCode(), 3);
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(QLatin1String("cancelled")));
        QVERIFY2(leftovers(dir.path()).isEmpty(), qPrintable(leftovers(dir.path()).join(' ')));
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestCliMedia)
#include "tst_cli_media.moc"
