// The studio's widgets one by one, driven through real events: viewer modes and the split
// divider, painting and the eyedropper, the timeline, the jobs panel, the paint panel, the
// export dialog, J/K/L playback, settings that persist, a project whose media is missing.

#include "dialogs/exportdialog.h"
#include "jobs/jobmanager.h"
#include "paint/paintpanel.h"
#include "pipeline/filmops.h"
#include "plots/plotspanel.h"
#include "project/commands.h"
#include "project/projectfile.h"
#include "shell/documentcontroller.h"
#include "shell/jobspanel.h"
#include "shell/mainwindow.h"
#include "testsupport.h"
#include "timeline/timelinewidget.h"
#include "viewer/viewerwidget.h"
#include "testmain.h"

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QSpinBox>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <qcustomplot.h>

using namespace tincture;
using namespace tincture::ui;

namespace {
// Answers the next message box with `button` once it is shown (modal, so from a timer) and
// records its object name in `seen`; a box without that button is closed, so that a wrong box
// fails the test instead of hanging it.
void answerMessageBox(QMessageBox::StandardButton button, QString *seen)
{
    seen->clear();
    auto *poll = new QTimer;
    poll->setInterval(20);
    QObject::connect(poll, &QTimer::timeout, [poll, button, seen] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        *seen = box->objectName();
        poll->stop();
        poll->deleteLater();
        if (QAbstractButton *b = box->button(button))
            b->click();
        else
            box->reject();
    });
    poll->start();
}

QImage filled(QColor c, int w = 160, int h = 90)
{
    QImage img(w, h, QImage::Format_RGB32);
    img.fill(c);
    return img;
}

QColor pixelAt(QWidget &w, QPointF p)
{
    return w.grab().toImage().pixelColor(p.toPoint());
}

bool near(QColor a, QColor b)
{
    return std::abs(a.red() - b.red()) < 12 && std::abs(a.green() - b.green()) < 12 &&
           std::abs(a.blue() - b.blue()) < 12;
}
} // namespace

class TestStudioWidgets : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("TINCTURE_NO_DIALOGS", "1");
    }

    void viewerModes()
    {
        const QColor grey(128, 128, 128), red(200, 40, 40), blue(40, 60, 200);
        ViewerWidget v;
        v.resize(400, 300);
        v.setImage(filled(grey));
        v.setResult(filled(red));
        v.setReference(filled(blue));
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        // Points at a quarter and three quarters of the picture's width, mid height.
        auto quarter = [&](double fx) { return v.imageToWidget(QPointF(160 * fx, 45)); };

        v.setMode(ViewerWidget::Mode::Source);
        QVERIFY(near(pixelAt(v, quarter(0.75)), grey));
        v.setMode(ViewerWidget::Mode::Result);
        QVERIFY(near(pixelAt(v, quarter(0.25)), red));
        v.setMode(ViewerWidget::Mode::Split);
        v.setSplitPosition(0.5);
        QVERIFY(near(pixelAt(v, quarter(0.25)), grey));
        QVERIFY(near(pixelAt(v, quarter(0.75)), red));
        // Drag the divider to a fifth of the width: a third of the way is now the result.
        QTest::mousePress(&v, Qt::LeftButton, {}, quarter(0.5).toPoint());
        QTest::mouseMove(&v, quarter(0.2).toPoint());
        QTest::mouseRelease(&v, Qt::LeftButton, {}, quarter(0.2).toPoint());
        QVERIFY(std::abs(v.splitPosition() - 0.2) < 0.03);
        QVERIFY(near(pixelAt(v, quarter(0.33)), red));
        v.setMode(ViewerWidget::Mode::AB);
        v.setSplitPosition(0.5);
        QVERIFY(near(pixelAt(v, quarter(0.25)), red));
        QVERIFY(near(pixelAt(v, quarter(0.75)), blue));
        v.setMode(ViewerWidget::Mode::SideBySide);
        // The result pane is the right half; the source is drawn in the left half.
        QVERIFY(near(pixelAt(v, quarter(0.5)), red));
        QVERIFY(near(pixelAt(v, quarter(0.5) - QPointF(200, 0)), grey));
    }

    void viewerPaintAndEyedropper()
    {
        ViewerWidget v;
        v.resize(400, 300);
        v.setImage(filled(QColor(100, 100, 100)));
        v.setResult(filled(QColor(10, 150, 90)));
        v.setMode(ViewerWidget::Mode::Result);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        QSignalSpy started(&v, &ViewerWidget::strokeStarted);
        QSignalSpy moved(&v, &ViewerWidget::strokeMoved);
        QSignalSpy finished(&v, &ViewerWidget::strokeFinished);
        // Panning never paints.
        QTest::mousePress(&v, Qt::LeftButton, {}, v.imageToWidget({20, 20}).toPoint());
        QTest::mouseRelease(&v, Qt::LeftButton, {}, v.imageToWidget({20, 20}).toPoint());
        QCOMPARE(started.count(), 0);
        v.setInteraction(ViewerWidget::Interaction::Paint);
        QTest::mousePress(&v, Qt::LeftButton, {}, v.imageToWidget({20, 20}).toPoint());
        QTest::mouseMove(&v, v.imageToWidget({60, 30}).toPoint());
        QTest::mouseMove(&v, v.imageToWidget({100, 40}).toPoint());
        QTest::mouseRelease(&v, Qt::LeftButton, {}, v.imageToWidget({100, 40}).toPoint());
        QCOMPARE(started.count(), 1);
        QCOMPARE(moved.count(), 2);
        QCOMPARE(finished.count(), 1);
        const QPointF first = started.front().front().toPointF();
        const QPointF last = moved.back().front().toPointF();
        QVERIFY(QLineF(first, QPointF(20, 20)).length() < 2.0); // image coordinates
        QVERIFY(QLineF(last, QPointF(100, 40)).length() < 2.0);
        v.setInteraction(ViewerWidget::Interaction::Eyedropper);
        QSignalSpy picked(&v, &ViewerWidget::colourPicked);
        QTest::mouseClick(&v, Qt::LeftButton, {}, v.imageToWidget({50, 50}).toPoint());
        QCOMPARE(picked.count(), 1);
        QCOMPARE(QColor::fromRgb(picked.front().front().value<QRgb>()), QColor(10, 150, 90));
    }

    void timelineSeeksAndZooms()
    {
        TimelineWidget t;
        t.resize(600, 120);
        t.setFilm(180, {24, 1});
        TimelineWidget::ShotView a{0, 59, TimelineWidget::ShotState::Current, {10}, {true}};
        TimelineWidget::ShotView b{60, 179, TimelineWidget::ShotState::Stale, {}, {}};
        t.setShots({a, b});
        t.show();
        QVERIFY(QTest::qWaitForWindowExposed(&t));
        QSignalSpy seek(&t, &TimelineWidget::positionRequested);
        QTest::mouseClick(&t, Qt::LeftButton, {}, QPoint(int(t.frameToX(90) + 1), 40));
        QCOMPARE(seek.count(), 1);
        QCOMPARE(seek.front().front().toLongLong(), qint64(90));
        t.setPixelsPerFrame(10.0);
        QCOMPARE(t.pixelsPerFrame(), 10.0);
        t.setPosition(150); // scrolls the playhead into view
        QVERIFY(t.frameToX(150) > 0 && t.frameToX(150) < t.width());
        QCOMPARE(t.xToFrame(t.frameToX(150) + 1), qint64(150));
        t.setPixelsPerFrame(0); // fit again
        QVERIFY(t.frameToX(179) < t.width());
        const QImage shot = t.grab().toImage();
        // The stale shot's band is orange-ish somewhere in the second half.
        bool orange = false;
        for (int y = 0; y < shot.height() && !orange; ++y) {
            const QColor c = shot.pixelColor(int(t.frameToX(150)), y);
            orange = c.red() > 140 && c.green() > 80 && c.blue() < 80;
        }
        QVERIFY(orange);
    }

    void jobsPanelShowsProgressAndErrors()
    {
        jobs::JobManager manager(2);
        JobsPanel panel(&manager);
        panel.show();
        manager.submit<int>({QStringLiteral("t"), QStringLiteral("fail")}, QStringLiteral("Fails"),
                            [](Feedback &) -> Result<int> {
                                return makeError(ErrorCode::FileNotFound,
                                                 QStringLiteral("missing.mp4 does not exist"));
                            });
        jobs::Job *slow = manager.submit<int>(
            {QStringLiteral("t"), QStringLiteral("slow")}, QStringLiteral("Slow"),
            [&](Feedback &fb) -> Result<int> {
                for (int i = 0; i < 1000 && !fb.isCancelled(); ++i) {
                    fb.reportProgress(i, 1000);
                    QThread::msleep(2);
                }
                return fb.isCancelled() ? Result<int>(Error::cancelled()) : Result<int>(1);
            });
        QCOMPARE(panel.tree()->topLevelItemCount(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(
            panel.tree()->topLevelItem(0)->text(2).contains(QLatin1String("missing.mp4")), 5000);
        // Cancel through the row's button.
        auto *cancel = qobject_cast<QAbstractButton *>(
            panel.tree()->itemWidget(panel.tree()->topLevelItem(1), 3));
        QVERIFY(cancel);
        QTRY_VERIFY_WITH_TIMEOUT(slow->state() == jobs::JobState::Running, 5000);
        QTest::mouseClick(cancel, Qt::LeftButton);
        QVERIFY(manager.waitForIdle(5000));
        QCOMPARE(slow->state(), jobs::JobState::Cancelled);
        QTRY_VERIFY(panel.tree()->topLevelItem(1)->text(2).contains(QLatin1String("cancelled")));
        QCOMPARE(JobsPanel::formatEta(75), QStringLiteral("1:15 left"));
        QCOMPARE(JobsPanel::formatEta(4.2), QStringLiteral("5 s left"));
    }

    void paintPanelPaletteAndTools()
    {
        PaintPanel panel;
        for (int i = 0; i < 10; ++i)
            panel.setColour(qRgb(i * 20, 10, 10));
        QCOMPARE(panel.recentColours().size(), 8);
        QCOMPARE(panel.recentColours().front(), qRgb(180, 10, 10));
        panel.setColour(qRgb(100, 10, 10)); // already there: moves to the front, no duplicate
        QCOMPARE(panel.recentColours().size(), 8);
        QCOMPARE(panel.recentColours().front(), qRgb(100, 10, 10));
        QCOMPARE(panel.recentColours().count(qRgb(100, 10, 10)), 1);
        panel.setTool(PaintPanel::Tool::Eraser);
        QCOMPARE(panel.strokeTemplate().tool, project::BrushTool::Erase);
        panel.setTool(PaintPanel::Tool::KeepModel);
        QCOMPARE(panel.strokeTemplate().tool, project::BrushTool::KeepModel);
        panel.setRadius(12);
        QCOMPARE(panel.strokeTemplate().radius, 12.0);
    }

    void exportDialogChoices()
    {
        ExportDialog d(180, {60, 119}, {10, 20}, QStringLiteral("/tmp/x/film_colour.mp4"));
        OutputSpec c = d.choice();
        QCOMPARE(c.codec, VideoCodec::H264);
        QCOMPARE(c.h264Crf, 16);
        auto *quality = d.findChild<QSpinBox *>(QStringLiteral("exportQuality"));
        QVERIFY(quality);
        quality->setValue(20);
        QCOMPARE(d.choice().h264Crf, 20);
        QCOMPARE(c.first, FrameIndex(0));
        QCOMPARE(c.last, FrameIndex(179));
        QVERIFY(c.withAudio);
        d.setCodec(VideoCodec::Ffv1);
        d.setRange(ExportDialog::Range::Shot);
        c = d.choice();
        QCOMPARE(c.path, QStringLiteral("/tmp/x/film_colour.mkv"));
        QVERIFY(!quality->isEnabled()); // FFV1 is lossless
        QCOMPARE(c.first, FrameIndex(60));
        QCOMPARE(c.last, FrameIndex(119));
        d.setCodec(VideoCodec::PngSequence);
        d.setRange(ExportDialog::Range::InOut);
        c = d.choice();
        QCOMPARE(c.path, QStringLiteral("/tmp/x/film_colour"));
        QVERIFY(!c.withAudio);
        QCOMPARE(c.first, FrameIndex(10));
        QCOMPARE(c.last, FrameIndex(20));
    }

    // Export replaces an existing file only after the user said so by name, and stays open
    // on No so that another name can be chosen.
    void exportDialogAsksBeforeReplacing()
    {
        QTemporaryDir dir;
        const QString media = dir.filePath(QStringLiteral("film.mp4"));
        const QString earlier = dir.filePath(QStringLiteral("film_colour.mp4"));
        QVERIFY(test::writeFileBytes(media, "footage"));
        QVERIFY(test::writeFileBytes(earlier, "an earlier export"));
        ExportDialog d(180, {60, 119}, {-1, -1}, earlier);
        d.setProtectedPaths({media});
        QString seen;
        answerMessageBox(QMessageBox::No, &seen);
        d.accept();
        QCOMPARE(seen, QStringLiteral("confirmReplace"));
        QCOMPARE(d.result(), int(QDialog::Rejected));
        QCOMPARE(d.choice().existing, Existing::Refuse);
        answerMessageBox(QMessageBox::Yes, &seen);
        d.accept();
        QCOMPARE(seen, QStringLiteral("confirmReplace"));
        QCOMPARE(d.result(), int(QDialog::Accepted));
        QCOMPARE(d.choice().existing, Existing::Replace);
        // Another name withdraws the consent.
        d.setOutput(dir.filePath(QStringLiteral("other.mp4")));
        QCOMPARE(d.choice().existing, Existing::Refuse);
        QCOMPARE(test::fileBytes(earlier), QByteArray("an earlier export"));
        // A provenance sidecar left under the new name is asked about like the film.
        QVERIFY(
            test::writeFileBytes(dir.filePath(QStringLiteral("other.mp4.provenance.json")), "{}"));
        seen.clear();
        answerMessageBox(QMessageBox::No, &seen);
        d.accept();
        QCOMPARE(seen, QStringLiteral("confirmReplace"));
        QCOMPARE(d.choice().existing, Existing::Refuse);
    }

    void exportDialogRefusesTheFootage()
    {
        QTemporaryDir dir;
        const QString media = dir.filePath(QStringLiteral("film.mp4"));
        QVERIFY(test::writeFileBytes(media, "footage"));
        ExportDialog d(180, {0, 179}, {-1, -1}, media);
        d.setProtectedPaths({media});
        QString seen;
        answerMessageBox(QMessageBox::Ok, &seen);
        d.accept();
        QCOMPARE(seen, QStringLiteral("refuseOutput"));
        QCOMPARE(d.result(), int(QDialog::Rejected));
    }

    void exportDialogWarnsOfUncolouredShots()
    {
        QTemporaryDir dir;
        ExportDialog d(180, {60, 119}, {-1, -1}, dir.filePath(QStringLiteral("out.mp4")));
        QVector<QPair<FrameIndex, FrameIndex>> asked;
        d.setUncolouredCheck([&asked](FrameIndex first, FrameIndex last) {
            asked << qMakePair(first, last);
            return first <= 60 ? QStringLiteral("1 shot(s) not coloured yet: 2 (frames 60–119).")
                               : QString();
        });
        QString seen;
        answerMessageBox(QMessageBox::No, &seen);
        d.accept();
        QCOMPARE(seen, QStringLiteral("confirmUncoloured"));
        QCOMPARE(d.result(), int(QDialog::Rejected));
        QCOMPARE(asked.last(), qMakePair(FrameIndex(0), FrameIndex(179)));
        answerMessageBox(QMessageBox::Yes, &seen);
        d.accept();
        QCOMPARE(seen, QStringLiteral("confirmUncoloured"));
        QCOMPARE(d.result(), int(QDialog::Accepted));
    }

    void playbackKeysAndSettings()
    {
        {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            w.activateWindow();
            QVERIFY(QTest::qWaitForWindowActive(&w));
            QSignalSpy opened(&w, &MainWindow::fileOpened);
            w.openFile(test::samplePath());
            QVERIFY(opened.wait(30000));
            w.seek(90);
            QTest::keyClick(&w, Qt::Key_L);
            QVERIFY(w.isPlaying());
            QCOMPARE(w.playDirection(), 1);
            QTRY_VERIFY_WITH_TIMEOUT(w.currentFrame() > 92, 5000);
            QTest::keyClick(&w, Qt::Key_J);
            QCOMPARE(w.playDirection(), -1);
            const qint64 at = w.currentFrame();
            QTRY_VERIFY_WITH_TIMEOUT(w.currentFrame() < at, 5000);
            QTest::keyClick(&w, Qt::Key_K);
            QVERIFY(!w.isPlaying());
            QTest::keyClick(&w, Qt::Key_I);
            QTest::keyClick(&w, Qt::Key_End);
            QTest::keyClick(&w, Qt::Key_O);
            QCOMPARE(w.inOut().second, qint64(179));
            QVERIFY(w.inOut().first > 80 && w.inOut().first < 100);
            QTest::keyClick(&w, Qt::Key_4); // side by side, remembered below
            QCOMPARE(w.viewer()->mode(), ViewerWidget::Mode::SideBySide);
            QVERIFY(w.jobManager()->waitForIdle(60000));
            w.close();
        }
        MainWindow again;
        QCOMPARE(again.viewer()->mode(), ViewerWidget::Mode::SideBySide);
        QVERIFY(DocumentController::recentFiles().front().endsWith(QLatin1String("sample.mp4")));
    }

    // Closing the window while jobs run cancels them and waits for the workers.
    void closingCancelsRunningJobs()
    {
        MainWindow w;
        w.show();
        QSignalSpy opened(&w, &MainWindow::fileOpened);
        w.openFile(test::samplePath());
        QVERIFY(opened.wait(30000));
        QVERIFY(w.jobManager()->activeCount() > 0); // shot detection and thumbnails
        const QList<jobs::Job *> running = w.jobManager()->jobs();
        QElapsedTimer clock;
        clock.start();
        QVERIFY(w.close());
        QCOMPARE(w.jobManager()->activeCount(), 0);
        QVERIFY(clock.elapsed() < 10000);
        bool anyCancelled = false;
        for (jobs::Job *job : running)
            anyCancelled |= job->state() == jobs::JobState::Cancelled;
        QVERIFY(anyCancelled);
    }

    void plotsShowMetricsAndSeek()
    {
        PlotsPanel plots;
        plots.resize(400, 400);
        std::vector<metrics::FrameMetrics> frames;
        for (int i = 0; i < 20; ++i) {
            metrics::FrameMetrics m;
            m.index = 100 + i;
            m.flicker = 0.001 * i;
            m.colourfulness = 20 + i;
            m.psnr = 30 - 0.1 * i;
            frames.push_back(m);
        }
        plots.setMetrics(frames);
        plots.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plots));
        QCOMPARE(plots.pointCount(), 20);
        QCOMPARE(plots.plot(2)->graph(0)->dataCount(), 20);
        plots.setCurrentFrame(105);
        QSignalSpy seek(&plots, &PlotsPanel::seekRequested);
        QCustomPlot *plot = plots.plot(1);
        const QPoint click(int(plot->xAxis->coordToPixel(112)), plot->height() / 2);
        QTest::mouseClick(plot, Qt::LeftButton, {}, click);
        QCOMPARE(seek.count(), 1);
        QCOMPARE(seek.front().front().toLongLong(), qint64(112));
    }

    // A project saved, changed, autosaved and left (as by a crash) comes back on request.
    void recoversAutosave()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("r.tincture"));
        {
            project::Project p;
            p.reset(dir.filePath(QStringLiteral("gone.mp4")), {100, 64, 48, 10});
            p.setFilePath(path);
            QVERIFY(project::saveProject(p, path));
            p.undoStack()->push(new project::AddKeyframeCommand(&p, 42));
            QTest::qWait(20);
            QVERIFY(project::writeAutosave(p));
        }
        MainWindow ignored;
        QVERIFY(ignored.document()->openProject(path, DocumentController::Recovery::Ignore));
        QVERIFY(!ignored.project()->keyframe(42));
        MainWindow w;
        QVERIFY(w.document()->openProject(path, DocumentController::Recovery::Recover));
        QVERIFY(w.project()->keyframe(42));
        QCOMPARE(w.project()->filePath(), path); // belongs to the original file
        QVERIFY(w.project()->isModified());      // and is not saved yet
        QVERIFY(w.document()->save());
        QVERIFY(!project::hasNewerAutosave(path));
    }

    // Parameters edited in the panel are undoable commands on the project, and the panel
    // follows the project (undo included).
    void parametersAreUndoable()
    {
        MainWindow w;
        w.project()->reset(QStringLiteral("/x/film.mp4"), {100, 64, 48, -1},
                           pipeline::defaultPropagationMethod());
        auto *method = w.findChild<QComboBox *>(QStringLiteral("propagationMethod"));
        auto *lambda = w.findChild<QDoubleSpinBox *>(QStringLiteral("priorWeight"));
        QVERIFY(method && lambda);
        QCOMPARE(method->currentData().toString(), w.project()->parameters().propagationMethod);
        const int copy0 = method->findData(QStringLiteral("copy0"));
        QVERIFY(copy0 >= 0);
        method->setCurrentIndex(copy0);
        emit method->activated(copy0);
        QCOMPARE(w.project()->parameters().propagationMethod, QStringLiteral("copy0"));
        lambda->setValue(0.05);
        emit lambda->editingFinished();
        QCOMPARE(w.project()->parameters().priorWeight, 0.05);
        auto *height = w.findChild<QComboBox *>(QStringLiteral("workingHeight"));
        QVERIFY(height);
        QCOMPARE(height->currentData().toInt(), 480); // a new project's
        const int full = height->findData(0);
        QVERIFY(full >= 0);
        height->setCurrentIndex(full);
        emit height->activated(full);
        QCOMPARE(w.project()->parameters().workingHeight, 0);
        QCOMPARE(w.project()->undoStack()->count(), 3);
        w.project()->undoStack()->undo();
        QCOMPARE(height->currentData().toInt(), 480);
        w.project()->undoStack()->undo();
        w.project()->undoStack()->undo();
        QCOMPARE(lambda->value(), 0.01);
        QVERIFY(method->currentData().toString() != QStringLiteral("copy0"));
        // A height not in the list (a project file's) is shown as it is.
        project::ProjectParameters custom = w.project()->parameters();
        custom.workingHeight = 600;
        w.project()->setParameters(custom);
        QCOMPARE(height->currentData().toInt(), 600);
        QVERIFY(height->currentText().contains(QLatin1String("600")));
    }

    void missingMediaIsReported()
    {
        QTemporaryDir dir;
        project::Project p;
        p.reset(dir.filePath(QStringLiteral("gone.mp4")), {100, 64, 48, 10});
        p.undoStack()->push(new project::SplitShotCommand(&p, 50));
        const QString path = dir.filePath(QStringLiteral("p.tincture"));
        QVERIFY(project::saveProject(p, path));
        MainWindow w;
        w.show();
        QSignalSpy opened(&w, &MainWindow::fileOpened);
        w.openFile(test::samplePath()); // a film is open when the project is opened
        QVERIFY(opened.wait(30000));
        w.openFile(path);
        QCOMPARE(w.project()->shots().size(), 2);
        QCOMPARE(w.timeline()->shots().size(), 2);
        QVERIFY(w.viewer()->image().isNull());
        QVERIFY(w.document()->lastWarnings().join(QString()).contains(QLatin1String("gone.mp4")));
        QVERIFY(w.windowTitle().contains(QLatin1String("p.tincture")));
        QCOMPARE(w.frameCount(), qint64(0));
    }
};

TINCTURE_TEST_MAIN(TestStudioWidgets)
#include "tst_studiowidgets.moc"
