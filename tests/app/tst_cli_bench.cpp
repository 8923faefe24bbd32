// tincture-lab bench: behaviour only, never timings. Each target runs once on tiny synthetic
// input and writes JSON with the figures and the machine (PROTOCOLS §7); usage errors exit 2.

#include "testsupport.h"
#include "testmain.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using tincture::test::runLab;

namespace {

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object()
                                       : QJsonObject();
}

// The fields every bench result carries.
void checkMachine(const QJsonObject &o)
{
    QVERIFY(o.value(QStringLiteral("cores")).toInt() >= 1);
    QVERIFY(!o.value(QStringLiteral("cpu_model")).toString().isEmpty());
    QVERIFY(o.contains(QStringLiteral("threads")));
    QVERIFY(o.contains(QStringLiteral("peak_rss_mb")));
    QCOMPARE(o.value(QStringLiteral("gpu_used")).toBool(true), false);
    QCOMPARE(o.value(QStringLiteral("runs")).toInt(), 1);
    QVERIFY(!o.value(QStringLiteral("date")).toString().isEmpty());
}

} // namespace

class TestCliBench : public QObject
{
    Q_OBJECT

private slots:
    void decode()
    {
        QTemporaryDir dir;
        const QString json = dir.filePath(QStringLiteral("decode.json"));
        const auto r =
            runLab({QStringLiteral("bench"), QStringLiteral("decode"), QStringLiteral("--runs"),
                    QStringLiteral("1"), QStringLiteral("--size"), QStringLiteral("160x96"),
                    QStringLiteral("--frames"), QStringLiteral("12"), QStringLiteral("--sample"),
                    tincture::test::samplePath(), QStringLiteral("--json"), json});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QStringLiteral("decode fps")));
        const QJsonObject o = readJson(json);
        QCOMPARE(o.value(QStringLiteral("target")).toString(), QStringLiteral("decode"));
        checkMachine(o);
        const QJsonArray clips = o.value(QStringLiteral("clips")).toArray();
        QCOMPARE(clips.size(), 2); // the sample and one generated clip
        const QJsonObject sample = clips[0].toObject(), synthetic = clips[1].toObject();
        QCOMPARE(sample.value(QStringLiteral("frames")).toInt(), 180);
        QCOMPARE(sample.value(QStringLiteral("width")).toInt(), 640);
        QVERIFY(sample.value(QStringLiteral("encode_fps_median")).isNull());
        QCOMPARE(synthetic.value(QStringLiteral("frames")).toInt(), 12);
        QCOMPARE(synthetic.value(QStringLiteral("width")).toInt(), 160);
        QVERIFY(synthetic.value(QStringLiteral("encode_fps_median")).toDouble() > 0);
        const bool ffmpeg = tincture::test::haveProgram(QStringLiteral("ffmpeg"));
        for (const auto &c : clips) {
            const QJsonObject clip = c.toObject();
            QVERIFY(clip.value(QStringLiteral("decode_fps_median")).toDouble() > 0);
            QCOMPARE(clip.value(QStringLiteral("ffmpeg_fps_median")).toDouble() > 0, ffmpeg);
            QCOMPARE(clip.value(QStringLiteral("ffmpeg_rgb24_fps_median")).toDouble() > 0, ffmpeg);
            QCOMPARE(clip.value(QStringLiteral("ffmpeg_rgb24_same_flags_fps_median")).toDouble() >
                         0,
                     ffmpeg);
        }
    }

    void propagationTimesTheBaselineToo()
    {
        QTemporaryDir dir;
        const QString json = dir.filePath(QStringLiteral("p.json"));
        const auto r = runLab(
            {QStringLiteral("bench"), QStringLiteral("propagation"), QStringLiteral("--runs"),
             QStringLiteral("1"), QStringLiteral("--size"), QStringLiteral("96x64"),
             QStringLiteral("--frames"), QStringLiteral("4"), QStringLiteral("--method"),
             QStringLiteral("copy0"), QStringLiteral("--json"), json});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = readJson(json);
        checkMachine(o);
        const QJsonArray methods = o.value(QStringLiteral("methods")).toArray();
        QCOMPARE(methods.size(), 2);
        QCOMPARE(methods[0].toObject().value(QStringLiteral("method")).toString(),
                 QStringLiteral("copy0"));
        QCOMPARE(methods[1].toObject().value(QStringLiteral("method")).toString(),
                 QStringLiteral("flow"));
        QVERIFY(methods[1].toObject().value(QStringLiteral("baseline")).toBool());
        for (const auto &m : methods) {
            QVERIFY(m.toObject().value(QStringLiteral("fps_median")).toDouble() > 0);
            QCOMPARE(m.toObject().value(QStringLiteral("frames")).toInt(), 4);
            // The warm-up's score shows the method really coloured the frames.
            QVERIFY(m.toObject().value(QStringLiteral("warmup_mean_chroma_psnr")).toDouble() > 20);
        }
    }

    // bench scribble --convergence: the accuracy after full multigrid and each V-cycle on six
    // scenes and one photograph (--image); on a flat frame with strokes the cycle converges
    // fast, every cycle adding dB.
    void scribbleConvergence()
    {
        QTemporaryDir dir;
        const QString json = dir.filePath(QStringLiteral("c.json"));
        const QString photo =
            tincture::test::sourceDir() + QStringLiteral("/tests/core/colour/data/coffee.ppm");
        const auto r = runLab({QStringLiteral("bench"), QStringLiteral("scribble"),
                               QStringLiteral("--convergence"), QStringLiteral("--size"),
                               QStringLiteral("160x96"), QStringLiteral("--image"), photo,
                               QStringLiteral("--json"), json});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QStringLiteral("one flat sharp-edged shape")));
        QVERIFY(r.out.contains(QStringLiteral("coffee.ppm (128×96)")));
        const QJsonObject o = readJson(json);
        const QJsonObject study = o.value(QStringLiteral("convergence")).toObject();
        QCOMPARE(study.value(QStringLiteral("width")).toInt(), 160);
        const QJsonArray scenes = study.value(QStringLiteral("convergence")).toArray();
        QCOMPARE(scenes.size(), 7);
        // The photograph is studied at its own size.
        QCOMPARE(scenes[6].toObject().value(QStringLiteral("width")).toInt(), 128);
        QCOMPARE(scenes[6].toObject().value(QStringLiteral("height")).toInt(), 96);
        for (const auto &s : scenes) {
            const QJsonArray db =
                s.toObject().value(QStringLiteral("psnr_db_after_fmg_then_cycles")).toArray();
            QCOMPARE(db.size(), 5);
            for (const auto &v : db)
                QVERIFY(v.toDouble() > 10.0);
        }
        // Flat strokes only, and one flat shape with a sharp edge and no scribble inside: the
        // interpolation must not leak across the edge, or the shape's colour crawls in at a
        // dB or two a cycle.
        for (int scene : {1, 4}) {
            const QJsonArray db = scenes[scene]
                                      .toObject()
                                      .value(QStringLiteral("psnr_db_after_fmg_then_cycles"))
                                      .toArray();
            for (int i = 1; i < db.size(); ++i)
                QVERIFY2(db[i].toDouble() > db[i - 1].toDouble() + 3.0,
                         qPrintable(QStringLiteral("scene %1, cycle %2: %3 dB")
                                        .arg(scene)
                                        .arg(i)
                                        .arg(db[i].toDouble())));
        }
    }

    // bench scribble: a small synthetic frame and the colour sample's frame 60 (a photograph),
    // each solved to within 45 dB of a converged reference, cold and warm.
    void scribbleTimings()
    {
        QTemporaryDir dir;
        const QString json = dir.filePath(QStringLiteral("s.json"));
        const auto r =
            runLab({QStringLiteral("bench"), QStringLiteral("scribble"), QStringLiteral("--runs"),
                    QStringLiteral("1"), QStringLiteral("--size"), QStringLiteral("160x96"),
                    QStringLiteral("--sample"), tincture::test::samplePath(),
                    QStringLiteral("--json"), json});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = readJson(json);
        checkMachine(o);
        const QJsonArray rows = o.value(QStringLiteral("sizes")).toArray();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[1].toObject().value(QStringLiteral("frame")).toString(),
                 QStringLiteral("sample_colour.mp4 frame 60"));
        QCOMPARE(rows[1].toObject().value(QStringLiteral("width")).toInt(), 640);
        for (const auto &row : rows) {
            const QJsonObject x = row.toObject();
            QVERIFY(x.value(QStringLiteral("cold_ms_median")).toDouble() > 0);
            // The cold solve's phases are timed too, each within the whole.
            for (const char *phase :
                 {"cold_luma_ms_median", "cold_hierarchy_ms_median", "cold_solve_ms_median"}) {
                const double ms = x.value(QLatin1String(phase)).toDouble(-1.0);
                QVERIFY2(ms > 0.0, phase);
                QVERIFY2(ms <= x.value(QStringLiteral("cold_ms_median")).toDouble() * 1.5 + 1.0,
                         phase);
            }
            QVERIFY2(x.value(QStringLiteral("cold_psnr_vs_reference_db")).toDouble() >= 45.0,
                     qPrintable(x.value(QStringLiteral("frame")).toString()));
            QVERIFY(x.value(QStringLiteral("warm_psnr_vs_reference_db")).toDouble() >= 45.0);
            QVERIFY(x.value(QStringLiteral("relative_residual_max")).toDouble() < 1e-4);
        }
        // --exact: the accuracy against exact sparse solves; a missing --image is refused.
        const auto e =
            runLab({QStringLiteral("bench"), QStringLiteral("scribble"), QStringLiteral("--runs"),
                    QStringLiteral("1"), QStringLiteral("--size"), QStringLiteral("120x80"),
                    QStringLiteral("--sample"), dir.filePath(QStringLiteral("none.mp4")),
                    QStringLiteral("--exact"), QStringLiteral("--json"), json});
        QCOMPARE(e.exitCode, 1); // that --sample does not exist
        const auto x =
            runLab({QStringLiteral("bench"), QStringLiteral("scribble"), QStringLiteral("--runs"),
                    QStringLiteral("1"), QStringLiteral("--size"), QStringLiteral("120x80"),
                    QStringLiteral("--exact"), QStringLiteral("--image"),
                    dir.filePath(QStringLiteral("missing.png"))});
        QCOMPARE(x.exitCode, 1);
        QVERIFY2(x.err.contains(QStringLiteral("missing.png")), qPrintable(x.err));
    }

    // bench scribble --exact on a small synthetic frame: measured against the exact solve.
    void scribbleExact()
    {
        QTemporaryDir dir;
        const QString json = dir.filePath(QStringLiteral("x.json"));
        const auto r =
            runLab({QStringLiteral("bench"), QStringLiteral("scribble"), QStringLiteral("--runs"),
                    QStringLiteral("1"), QStringLiteral("--size"), QStringLiteral("120x80"),
                    QStringLiteral("--exact"), QStringLiteral("--json"), json});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QStringLiteral("vs exact solve")));
        const QJsonArray rows = readJson(json).value(QStringLiteral("sizes")).toArray();
        QVERIFY(!rows.isEmpty());
        const QJsonObject row = rows[0].toObject();
        QCOMPARE(row.value(QStringLiteral("reference")).toString(), QStringLiteral("exact"));
        QVERIFY(row.value(QStringLiteral("cold_psnr_vs_reference_db")).toDouble() >= 45.0);
    }

    void exportFormats()
    {
        QTemporaryDir dir;
        const QString json = dir.filePath(QStringLiteral("e.json"));
        const auto r =
            runLab({QStringLiteral("bench"), QStringLiteral("export"), QStringLiteral("--runs"),
                    QStringLiteral("1"), QStringLiteral("--size"), QStringLiteral("96x64"),
                    QStringLiteral("--frames"), QStringLiteral("6"), QStringLiteral("--sample"),
                    tincture::test::samplePath(), QStringLiteral("--json"), json});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = readJson(json);
        checkMachine(o);
        const QJsonArray formats = o.value(QStringLiteral("formats")).toArray();
        QCOMPARE(formats.size(), 3);
        QStringList codecs;
        for (const auto &f : formats) {
            codecs << f.toObject().value(QStringLiteral("codec")).toString();
            QVERIFY(f.toObject().value(QStringLiteral("encode_fps_median")).toDouble() > 0);
        }
        QCOMPARE(codecs, (QStringList{QStringLiteral("h264"), QStringLiteral("ffv1"),
                                      QStringLiteral("prores")}));
        // The H.264 delivery file carries the sample's audio.
        QCOMPARE(formats[0].toObject().value(QStringLiteral("audio_streams")).toInt(), 1);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("size") << QStringList{QStringLiteral("decode"), QStringLiteral("--size"),
                                             QStringLiteral("big")}
                              << QStringLiteral("--size");
        QTest::newRow("method") << QStringList{QStringLiteral("propagation"),
                                               QStringLiteral("--method"), QStringLiteral("magic")}
                                << QStringLiteral("unknown method 'magic'");
        QTest::newRow("frames") << QStringList{QStringLiteral("export"), QStringLiteral("--frames"),
                                               QStringLiteral("1")}
                                << QStringLiteral("--frames");
        QTest::newRow("target") << QStringList{QStringLiteral("everything")}
                                << QStringLiteral("unknown target 'everything'");
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const auto r = runLab(QStringList{QStringLiteral("bench")} + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestCliBench)
#include "tst_cli_bench.moc"
