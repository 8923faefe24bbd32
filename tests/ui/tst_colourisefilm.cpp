// Colourise Film in the studio and `tincture-cli colorize` on the bundled sample give the same
// frames and the same provenance: one film engine behind both. The studio's action gives every
// shot a model keyframe at its middle frame (one undo step) and colours every shot; the export
// of its result (FFV1, lossless) is compared frame by frame with the CLI's FFV1 output.

#include "jobs/jobmanager.h"
#include "media/videosource.h"
#include "pipeline/provenance.h"
#include "project/project.h"
#include "shell/mainwindow.h"
#include "shell/rendercontroller.h"
#include "shell/shotlist.h"
#include "testsupport.h"
#include "testmain.h"

#include <QAction>
#include <QDockWidget>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

using namespace tincture;
using namespace tincture::ui;

class TestColouriseFilm : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("TINCTURE_NO_DIALOGS", "1");
    }

    void studioMatchesCli()
    {
        QTemporaryDir dir;
        MainWindow w;
        w.resize(1200, 800);
        w.show();
        QSignalSpy opened(&w, &MainWindow::fileOpened);
        w.openFile(test::samplePath());
        QVERIFY(opened.wait(30000));
        QTest::qWait(50);
        QVERIFY(w.jobManager()->waitForIdle(120000));
        project::Project *p = w.project();
        QCOMPARE(p->shots().size(), 3);

        auto *action = w.findChild<QAction *>(QStringLiteral("colouriseFilmAction"));
        QVERIFY(action && action->isEnabled());
        action->trigger();
        QTest::qWait(50);
        QVERIFY(w.jobManager()->waitForIdle(600000));
        QTest::qWait(50); // the queued per-shot records
        for (int i = 0; i < p->shots().size(); ++i) {
            const project::ShotEntry &s = p->shots()[i];
            QVERIFY2(p->isShotPropagated(i), qPrintable(QString::number(i)));
            const FrameIndex middle = (s.first + s.last) / 2;
            QVERIFY(p->keyframe(middle) && p->keyframe(middle)->accepted);
            QVERIFY(!s.provenance.isEmpty());
            QVERIFY(!w.render()->provenanceSummary(i).isEmpty());
        }
        QVERIFY(w.render()->colouriseFilm() == nullptr); // nothing left to do
        // The keyframe panel says how the current shot got its colour.
        auto *status = w.findChild<QLabel *>(QStringLiteral("keyframeStatus"));
        QVERIFY(status);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QLatin1String("Coloured by")), 5000);
        QVERIFY2(status->text().contains(QLatin1String("pix2pix")), qPrintable(status->text()));
        // The Shots dock lists every shot as coloured, with its keyframe's thumbnail; a row
        // takes the viewer to the shot's keyframe.
        ShotList *shots = w.shotList();
        QCOMPARE(shots->count(), 3);
        for (int i = 0; i < 3; ++i) {
            QVERIFY2(shots->item(i)->text().contains(QLatin1String("coloured")),
                     qPrintable(shots->item(i)->text()));
            QVERIFY(!shots->item(i)->icon().isNull());
        }
        emit shots->itemActivated(shots->item(2));
        QTRY_COMPARE_WITH_TIMEOUT(w.displayedFrame(), qint64((120 + 179) / 2), 10000);
        // With TINCTURE_SCREENSHOT set: the window, the Shots dock in front, saved there.
        if (const QString shotPath = qEnvironmentVariable("TINCTURE_SCREENSHOT");
            !shotPath.isEmpty()) {
            w.findChild<QDockWidget *>(QStringLiteral("shotsDock"))->raise();
            QTest::qWait(500);
            QVERIFY(w.grab().save(shotPath));
        }

        OutputSpec spec;
        spec.path = dir.filePath(QStringLiteral("studio.mkv"));
        spec.codec = VideoCodec::Ffv1;
        QVERIFY(w.render()->exportFilm(spec));
        QTest::qWait(50);
        QVERIFY(w.jobManager()->waitForIdle(300000));

        const QString cliOut = dir.filePath(QStringLiteral("cli.mkv"));
        const auto r = test::runCli({QStringLiteral("colorize"), test::samplePath(),
                                     QStringLiteral("-o"), cliOut, QStringLiteral("--quiet")},
                                    900000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        auto studio = VideoSource::open(spec.path);
        auto cli = VideoSource::open(cliOut);
        QVERIFY(studio && cli);
        QCOMPARE((*studio)->frameCount(), int64_t(180));
        QCOMPARE((*cli)->frameCount(), int64_t(180));
        int differing = 0;
        for (FrameIndex f = 0; f < 180; ++f) {
            auto a = (*studio)->frame(f);
            auto b = (*cli)->frame(f);
            QVERIFY(a && b);
            QCOMPARE(a->byteSize(), b->byteSize());
            differing += std::memcmp(a->constData(), b->constData(), a->byteSize()) != 0;
        }
        QCOMPARE(differing, 0);

        // The same keyframes (pixels, model, frames) and method in both provenance records.
        auto studioProvenance = pipeline::Provenance::fromJson(
            QJsonDocument::fromJson((*studio)->info().provenance).object());
        auto cliProvenance = pipeline::Provenance::fromJson(
            QJsonDocument::fromJson((*cli)->info().provenance).object());
        QVERIFY(studioProvenance && cliProvenance);
        QCOMPARE(studioProvenance->shots.size(), size_t(3));
        QVERIFY(studioProvenance->shots == cliProvenance->shots);

        // `tincture-cli info` reads the studio export's provenance back, and it is what the
        // project keeps for each shot.
        const auto info = test::runCli({QStringLiteral("info"), spec.path});
        QCOMPARE(info.exitCode, 0);
        auto fromInfo = pipeline::Provenance::fromJson(QJsonDocument::fromJson(info.out.toUtf8())
                                                           .object()[QStringLiteral("provenance")]
                                                           .toObject());
        QVERIFY(fromInfo);
        QCOMPARE(fromInfo->shots.size(), size_t(3));
        for (int i = 0; i < 3; ++i) {
            auto kept = pipeline::ShotProvenance::fromJson(p->shots()[i].provenance);
            QVERIFY(kept);
            QVERIFY(*kept == fromInfo->shots[size_t(i)]);
        }
    }
};

TINCTURE_TEST_MAIN(TestColouriseFilm)
#include "tst_colourisefilm.moc"
