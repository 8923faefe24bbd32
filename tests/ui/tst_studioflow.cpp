// The whole studio flow through its real widgets: open the sample, let shot detection and
// thumbnails run, colourise a keyframe, paint a stroke with mouse events, undo and redo it,
// accept, propagate the shot, export it, measure it, save the project and reload it in a new
// window. Runs offscreen and under Xvfb (xcb); grabs the window and checks it is not blank
// (and, with TINCTURE_SCREENSHOT set, saves it plus a labelled copy for docs/).

#include "jobs/jobmanager.h"
#include "media/imageio.h"
#include "media/videosource.h"
#include "ml/modelmanifest.h"
#include "ml/trainer.h"
#include "pipeline/filmops.h"
#include "pipeline/keyframeservice.h"
#include "pipeline/keyframesolver.h"
#include "project/strokeraster.h"
#include "paint/paintpanel.h"
#include "plots/plotspanel.h"
#include "project/project.h"
#include "project/resultcache.h"
#include "shell/documentcontroller.h"
#include "shell/keyframecontroller.h"
#include "shell/mainwindow.h"
#include "shell/projectbin.h"
#include "shell/rendercontroller.h"
#include "refinerfixture.h"
#include "testsupport.h"
#include "timeline/timelinewidget.h"
#include "viewer/viewerwidget.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QPainter>
#include <QPushButton>
#include <QScopeGuard>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "guitestsupport.h"
#include <QToolButton>
#include <qcustomplot.h>

using namespace tincture;
using namespace tincture::ui;
using tincture::test::distinctColours;

namespace {

// Mean of (R − G) over a small square of the image around p: > 0 reddish.
double rednessAround(const QImage &image, QPoint p, int r = 2)
{
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    double sum = 0;
    int n = 0;
    for (int y = p.y() - r; y <= p.y() + r; ++y)
        for (int x = p.x() - r; x <= p.x() + r; ++x) {
            const QRgb c = img.pixel(x, y);
            sum += qRed(c) - qGreen(c);
            ++n;
        }
    return sum / n;
}

// Share of pixels whose channels differ (i.e. that carry colour).
double colouredShare(const QImage &image)
{
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    int coloured = 0, total = 0;
    for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2) {
            const QRgb c = img.pixel(x, y);
            coloured += std::max({std::abs(qRed(c) - qGreen(c)), std::abs(qGreen(c) - qBlue(c)),
                                  std::abs(qRed(c) - qBlue(c))}) > 6;
            ++total;
        }
    return double(coloured) / total;
}

OutputSpec outputSpec(const QString &path, VideoCodec codec, FrameIndex first, FrameIndex last,
                      Existing existing = Existing::Refuse)
{
    OutputSpec spec;
    spec.path = path;
    spec.codec = codec;
    spec.first = first;
    spec.last = last;
    spec.withAudio = false;
    spec.existing = existing;
    return spec;
}

bool waitIdle(MainWindow &w, int ms = 240000)
{
    QTest::qWait(50);
    return w.jobManager()->waitForIdle(ms);
}

// Draws numbered labels over the main parts of the window (for docs/studio-labelled.png).
QImage labelled(MainWindow &w, const QImage &shot)
{
    QImage out = shot.convertToFormat(QImage::Format_RGB32);
    QPainter p(&out);
    p.setRenderHint(QPainter::Antialiasing);
    QFont f = p.font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() + 1);
    p.setFont(f);
    const qreal dpr = shot.devicePixelRatio();
    enum Anchor { Top, Centre, Bottom, Right };
    const struct
    {
        QWidget *widget;
        QString text;
        Anchor anchor;
    } parts[] = {
        {w.menuBar(), QStringLiteral("Menus"), Right},
        {w.viewer(), QStringLiteral("Viewer: split wipe, source | result"), Top},
        {w.findChild<QWidget *>(QStringLiteral("transport")), QStringLiteral("Transport, timecode"),
         Right},
        {w.timeline(), QStringLiteral("Timeline: thumbnails, shots, keyframes, playhead"), Top},
        {w.paintPanel(), QStringLiteral("Keyframe workflow and repaint tools"), Bottom},
        {w.plotsPanel(),
         QStringLiteral("Plots: flicker, PSNR vs reference, colourfulness, confidence"), Bottom},
        {w.projectBin(), QStringLiteral("Project bin"), Centre},
        {reinterpret_cast<QWidget *>(w.jobsPanel()), QStringLiteral("Jobs: progress, ETA, cancel"),
         Centre},
    };
    int n = 1;
    for (const auto &part : parts) {
        if (!part.widget || !part.widget->isVisible())
            continue;
        const QRect r(part.widget->mapTo(&w, QPoint(0, 0)) * dpr, part.widget->size() * dpr);
        p.setPen(QPen(QColor(255, 200, 0), 3));
        p.setBrush(Qt::NoBrush);
        p.drawRect(r.adjusted(2, 2, -2, -2));
        const QString text = QStringLiteral("%1  %2").arg(n++).arg(part.text);
        const QFontMetrics fm(f);
        QRect box(QPoint(), QSize(fm.horizontalAdvance(text) + 14, fm.height() + 6));
        switch (part.anchor) {
        case Top:
            box.moveTopLeft(r.topLeft() + QPoint(8, 28));
            break;
        case Centre:
            box.moveCenter(r.center());
            break;
        case Bottom:
            box.moveBottomLeft(r.bottomLeft() + QPoint(8, -10));
            break;
        case Right:
            box.moveTopRight(r.topRight() + QPoint(-8, (r.height() - box.height()) / 2));
            break;
        }
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(255, 200, 0));
        p.drawRoundedRect(box, 4, 4);
        p.setPen(Qt::black);
        p.drawText(box, Qt::AlignCenter, text);
    }
    return out;
}
} // namespace

class TestStudioFlow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("TINCTURE_NO_DIALOGS", "1");
    }

    void fullFlow()
    {
        QTemporaryDir dir;
        auto window = std::make_unique<MainWindow>();
        MainWindow &w = *window;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));

        // Open: one shot at first, then shot detection finds the sample's three.
        QSignalSpy opened(&w, &MainWindow::fileOpened);
        w.openFile(test::samplePath());
        QVERIFY(opened.wait(30000));
        QVERIFY(w.windowTitle().contains(QLatin1String("sample.mp4")));
        QVERIFY(w.windowTitle().contains(QLatin1String("Tincture")));
        QVERIFY(waitIdle(w));
        project::Project *p = w.project();
        QCOMPARE(p->shots().size(), 3);
        QCOMPARE(p->shots()[1].first, FrameIndex(60));
        QCOMPARE(p->shots()[2].first, FrameIndex(120));
        QCOMPARE(w.timeline()->shots().size(), 3);
        QVERIFY(w.timeline()->thumbnailCount() > 50);
        QTRY_COMPARE_WITH_TIMEOUT(w.displayedFrame(), qint64(0), 10000);

        // Colourise frame 0 as a keyframe (the model on a worker thread).
        auto *colourise = w.findChild<QPushButton *>(QStringLiteral("colouriseButton"));
        QVERIFY(colourise && colourise->isEnabled());
        QElapsedTimer clock;
        clock.start();
        QTest::mouseClick(colourise, Qt::LeftButton);
        QVERIFY(waitIdle(w));
        qInfo("colourise keyframe (model load + inference + solve): %lld ms", clock.elapsed());
        QVERIFY(p->keyframe(0));
        QCOMPARE(w.keyframes()->solvesFinished(), 1);
        QVERIFY(!w.viewer()->result().isNull());
        // The shipped model (models/colorizer.json) must load: the flow runs on the real model.
        const bool haveModel = w.keyframes()->modelDescription().contains(QLatin1String("iter"));
        qInfo("keyframe model: %s", qPrintable(w.keyframes()->modelDescription()));
        QVERIFY2(haveModel, qPrintable(w.keyframes()->modelDescription()));
        QVERIFY(colouredShare(w.viewer()->result()) > 0.3);
        const QImage modelResult = w.viewer()->result();

        // Paint a red stroke on the result with the mouse: one stroke, one undo step.
        w.viewer()->setMode(ViewerWidget::Mode::Result);
        QTest::mouseClick(w.findChild<QToolButton *>(QStringLiteral("toolBrush")), Qt::LeftButton);
        QCOMPARE(w.paintPanel()->tool(), PaintPanel::Tool::Brush);
        w.paintPanel()->setColour(qRgb(220, 30, 30));
        w.paintPanel()->setRadius(6);
        const int stepsBefore = p->undoStack()->count();
        const QPoint a(80, 300), b(160, 310), c(240, 320); // across the grey suit
        auto at = [&](QPoint ip) { return w.viewer()->imageToWidget(ip).toPoint(); };
        QTest::mousePress(w.viewer(), Qt::LeftButton, {}, at(a));
        for (int i = 1; i <= 8; ++i)
            QTest::mouseMove(w.viewer(), at(a + (b - a) * i / 8));
        for (int i = 1; i <= 8; ++i)
            QTest::mouseMove(w.viewer(), at(b + (c - b) * i / 8));
        QTest::mouseRelease(w.viewer(), Qt::LeftButton, {}, at(c));
        clock.restart();
        QCOMPARE(p->undoStack()->count(), stepsBefore + 1);
        QCOMPARE(p->keyframe(0)->strokes.size(), 1);
        QVERIFY(p->keyframe(0)->strokes.front().points.size() >= 10);
        QCOMPARE(p->keyframe(0)->strokes.front().colour, qRgb(220, 30, 30));
        QVERIFY(waitIdle(w));
        QCOMPARE(w.keyframes()->solvesFinished(), 2);
        qInfo("re-solve after a stroke (640x360): %lld ms", clock.elapsed());
        QTRY_VERIFY_WITH_TIMEOUT(rednessAround(w.viewer()->result(), b) > 25, 5000);
        QCOMPARE(w.paintPanel()->recentColours().front(), qRgb(220, 30, 30));

        // Undo and redo with the keyboard; the keyframe is re-solved each time.
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(p->keyframe(0)->strokes.size(), 0);
        QVERIFY(waitIdle(w));
        QTRY_VERIFY_WITH_TIMEOUT(
            std::abs(rednessAround(w.viewer()->result(), b) - rednessAround(modelResult, b)) < 3,
            5000);
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(p->keyframe(0)->strokes.size(), 1);
        QVERIFY(waitIdle(w));
        QTRY_VERIFY_WITH_TIMEOUT(rednessAround(w.viewer()->result(), b) > 25, 5000);

        // Accept and propagate shot 1 (frames 0–59) with per-frame progress.
        auto *accept = w.findChild<QPushButton *>(QStringLiteral("acceptButton"));
        QVERIFY(accept->isEnabled());
        QTest::mouseClick(accept, Qt::LeftButton);
        QVERIFY(p->keyframe(0)->accepted);
        auto *propagate = w.findChild<QPushButton *>(QStringLiteral("propagateButton"));
        QVERIFY(propagate->isEnabled());
        clock.restart();
        QTest::mouseClick(propagate, Qt::LeftButton);
        QVERIFY(w.jobManager()->activeCount() > 0);
        QVERIFY(waitIdle(w));
        qInfo("propagate shot 1 (60 frames, %s): %lld ms",
              qPrintable(p->parameters().propagationMethod), clock.elapsed());
        QVERIFY(p->isShotPropagated(0));
        QVERIFY(!p->isShotPropagated(1));
        QCOMPARE(w.timeline()->shots()[0].state, TimelineWidget::ShotState::Current);
        const project::ResultCache cache = w.document()->cache();
        for (FrameIndex f : {0, 30, 59})
            QVERIFY(cache.hasFrame(f));
        QVERIFY(!cache.hasFrame(60));
        QSignalSpy shown(&w, &MainWindow::resultDisplayed);
        w.seek(30);
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && shown.last().at(0).toLongLong() == 30, 10000);
        QVERIFY(!w.viewer()->result().isNull());
        if (haveModel)
            QVERIFY(colouredShare(w.viewer()->result()) > 0.3);
        checkConfidenceOverlay(w, cache);

        // A keyframe change makes the shot stale; undoing the change does too (conservative).
        w.seek(0);
        QTest::mousePress(w.viewer(), Qt::LeftButton, {}, at(QPoint(400, 100)));
        QTest::mouseRelease(w.viewer(), Qt::LeftButton, {}, at(QPoint(400, 100)));
        QVERIFY(p->isShotStale(0));
        QCOMPARE(w.timeline()->shots()[0].state, TimelineWidget::ShotState::Stale);
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(p->keyframe(0)->strokes.size(), 1);
        QVERIFY(waitIdle(w));
        QTest::mouseClick(propagate, Qt::LeftButton);
        QVERIFY(waitIdle(w));
        QVERIFY(p->isShotPropagated(0));

        // At a working height of 180 of the film's 360 rows: every shot goes stale, the
        // keyframe on screen is solved again at that height and shown at the film's size with
        // the stroke's colour where it was painted, and the shot propagated again records the
        // height and comes back at the film's size with the film's luma exactly.
        project::ProjectParameters half = p->parameters();
        half.workingHeight = 180;
        const int solvesBefore = w.keyframes()->solvesFinished();
        p->setParameters(half);
        QVERIFY(p->isShotStale(0));
        QVERIFY(waitIdle(w));
        QCOMPARE(w.keyframes()->solvesFinished(), solvesBefore + 1);
        QCOMPARE(w.viewer()->result().size(), QSize(640, 360));
        QTRY_VERIFY_WITH_TIMEOUT(rednessAround(w.viewer()->result(), b) > 25, 5000);
        QTest::mouseClick(propagate, Qt::LeftButton);
        QVERIFY(waitIdle(w));
        QVERIFY(p->isShotPropagated(0));
        QCOMPARE(p->shots()[0].provenance[QStringLiteral("working_height")].toInt(), 180);
        for (FrameIndex f : {0, 30}) {
            Result<Frame> coloured = readImage(cache.framePath(f));
            Result<Frame> grey = pipeline::readFrame(test::samplePath(), f);
            QVERIFY(coloured && grey);
            QCOMPARE(QSize(coloured->width(), coloured->height()), QSize(640, 360));
            const Frame lc = coloured->luma(), lg = grey->luma();
            QVERIFY(std::memcmp(lc.constData(), lg.constData(), lc.byteSize()) == 0);
        }

        // Export shot 1 (lossless) and check it holds the coloured frames.
        const QString out = dir.filePath(QStringLiteral("shot1.mkv"));
        QVERIFY(w.render()->exportFilm(outputSpec(out, VideoCodec::Ffv1, 0, 59)));
        QVERIFY(waitIdle(w));
        QVERIFY(QFileInfo::exists(out));
        QCOMPARE(w.render()->lastExport(), out);
        QVERIFY(w.projectBin()->paths(ProjectBin::Kind::Export).contains(out));
        auto exported = VideoSource::open(out);
        QVERIFY(exported);
        QCOMPARE((*exported)->frameCount(), int64_t(60));
        // Nothing is replaced that the user did not agree to: the same name again, or the
        // footage even with consent, is refused; the proposed name is a free one; shots 2 and 3
        // are named as not coloured.
        const QByteArray exportedBytes = test::fileBytes(out);
        QVERIFY(!w.render()->exportFilm(outputSpec(out, VideoCodec::Ffv1, 0, 59)));
        QVERIFY(!w.render()->exportFilm(
            outputSpec(test::samplePath(), VideoCodec::H264, 0, 59, Existing::Replace)));
        QCOMPARE(test::fileBytes(out), exportedBytes);
        const QString proposed = w.render()->proposedExportPath();
        QVERIFY2(!QFileInfo::exists(proposed), qPrintable(proposed));
        QVERIFY(QFileInfo::exists(test::sourceDir() +
                                  QStringLiteral("/resources/samples/sample_colour.mp4")));
        QVERIFY(QFileInfo(proposed).fileName().startsWith(QLatin1String("sample_colour-")));
        QVERIFY2(w.render()->uncolouredShots(0, 179).contains(QLatin1String("2, 3")),
                 qPrintable(w.render()->uncolouredShots(0, 179)));
        QVERIFY(w.render()->uncolouredShots(0, 59).isEmpty());
        // The export opens in a viewer window from the project bin.
        QListWidgetItem *exportItem = nullptr;
        for (int i = 0; i < w.projectBin()->list()->count(); ++i)
            if (w.projectBin()->list()->item(i)->toolTip() == out)
                exportItem = w.projectBin()->list()->item(i);
        QVERIFY(exportItem);
        emit w.projectBin()->list()->itemActivated(exportItem);
        MainWindow *viewerWindow = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (QWidget *top : QApplication::topLevelWidgets())
                    if (auto *m = qobject_cast<MainWindow *>(top);
                        m && m != &w && m->currentFile() == out && m->displayedFrame() == 0)
                        viewerWindow = m;
                return viewerWindow != nullptr;
            }(),
            20000);
        QCOMPARE(viewerWindow->frameCount(), qint64(60));
        viewerWindow->close(); // deletes itself

        // Measure shot 1 against the colour reference: the plots fill.
        w.document()->loadReference(test::sourceDir() +
                                    QStringLiteral("/resources/samples/sample_colour.mp4"));
        QTRY_VERIFY_WITH_TIMEOUT(!w.viewer()->reference().isNull(), 20000);
        QVERIFY(w.render()->measure(0, 59));
        QVERIFY(waitIdle(w));
        QCOMPARE(w.plotsPanel()->pointCount(), 60);
        // The confidence plot: the keyframe sure, every frame a share.
        QCPGraph *confidence = w.plotsPanel()->plot(3)->graph(0);
        QCOMPARE(confidence->dataCount(), 60);
        QCOMPARE(confidence->data()->at(0)->value, 1.0);
        for (int i = 0; i < 60; ++i) {
            const double share = confidence->data()->at(i)->value;
            QVERIFY2(share >= 0.0 && share <= 1.0, qPrintable(QString::number(share)));
        }
        QVERIFY(w.findChild<QLabel *>(QStringLiteral("plotSummary"))
                    ->text()
                    .contains(QLatin1String("confidence")));

        // Save, then reload in a new window.
        const QString projectPath = dir.filePath(QStringLiteral("flow.tincture"));
        QVERIFY(w.document()->saveAs(projectPath));
        QVERIFY(!p->isModified());
        QVERIFY(w.windowTitle().contains(QLatin1String("flow.tincture")));

        // The window as a user sees it: not blank; optionally saved for the docs.
        w.seek(30);
        w.viewer()->setMode(ViewerWidget::Mode::Split);
        w.paintPanel()->setTool(PaintPanel::Tool::Pan);
        QTest::qWait(300);
        const QImage shot = w.grab().toImage();
        QVERIFY(distinctColours(shot) > 500);
        const QString shotPath = qEnvironmentVariable("TINCTURE_SCREENSHOT");
        if (!shotPath.isEmpty()) {
            QVERIFY(shot.save(shotPath));
            QString labelledPath = shotPath;
            labelledPath.replace(QLatin1String(".png"), QLatin1String("-labelled.png"));
            QVERIFY(labelled(w, shot).save(labelledPath));
        }
        window.reset(); // closing cancels and waits for every job

        MainWindow w2;
        w2.show();
        QSignalSpy opened2(&w2, &MainWindow::fileOpened);
        w2.openFile(projectPath);
        QVERIFY(opened2.wait(30000));
        QVERIFY(w2.windowTitle().contains(QLatin1String("flow.tincture")));
        project::Project *q = w2.project();
        QCOMPARE(q->shots().size(), 3);
        QVERIFY(q->keyframe(0));
        QVERIFY(q->keyframe(0)->accepted);
        QCOMPARE(q->keyframe(0)->strokes.size(), 1);
        QVERIFY(q->isShotPropagated(0));
        QVERIFY(!q->referencePath().isEmpty());
        QSignalSpy shown2(&w2, &MainWindow::resultDisplayed);
        w2.seek(30);
        QTRY_VERIFY_WITH_TIMEOUT(!w2.viewer()->result().isNull(), 10000);
        QVERIFY(waitIdle(w2));
        QCOMPARE(w2.document()->cache().dir(), cache.dir()); // the project's own cache again
        w2.close();
        QVERIFY(QDir(cache.dir()).removeRecursively()); // tests leave no cache behind
    }

    // With a keyframe model that takes user points — random weights through
    // TINCTURE_MODEL_DIR, and the shipped model — the preview after a stroke is Levin's solve
    // over the model's proposal guided by the stroke: computed here on its own, it is the same
    // to one level, and the stroke's colour holds where it was painted.
    void strokesGuideAModelThatTakesPoints_data()
    {
        QTest::addColumn<bool>("shipped");
        QTest::newRow("random weights") << false;
        QTest::newRow("shipped model") << true;
    }
    void strokesGuideAModelThatTakesPoints()
    {
        QFETCH(bool, shipped);
        if (shipped) {
            const QString manifest = test::sourceDir() + QStringLiteral("/models/colorizer.json");
            pipeline::KeyframeService probe(pipeline::KeyframeModelOptions{manifest, 0, {}});
            QVERIFY2(probe.ensureModel(), qPrintable(manifest));
            QVERIFY2(probe.modelTakesHints(), "the shipped keyframe model takes no points");
            strokesGuide(manifest, false);
            return;
        }
        QTemporaryDir models;
        const QString manifest =
            test::writeRandomColorizerModel(models.path(), QStringLiteral("colorizer"), 3, 5);
        QVERIFY(!manifest.isEmpty());
        qputenv("TINCTURE_MODEL_DIR", QFile::encodeName(models.path()));
        const auto restore = qScopeGuard([] { qunsetenv("TINCTURE_MODEL_DIR"); });
        strokesGuide(manifest, true);
    }

private:
    // The default method's confidence comes with the shown frame; View ▸ Show Confidence tints
    // its least sure pixel magenta on screen, and leaves a sure one as it was.
    static void checkConfidenceOverlay(MainWindow &w, const project::ResultCache &cache)
    {
        const QImage confidence = w.viewer()->confidence();
        QVERIFY(!confidence.isNull());
        QCOMPARE(confidence.size(), w.viewer()->result().size());
        QVERIFY(QFile::exists(cache.confidencePath(30)));
        QPoint unsure, sure(-1, -1);
        int lowest = 256;
        const QImage grey = confidence.convertToFormat(QImage::Format_Grayscale8);
        for (int y = 8; y < grey.height() - 8; ++y)
            for (int x = 8; x < grey.width() - 8; ++x) {
                const int c = grey.constScanLine(y)[x];
                if (c < lowest) {
                    lowest = c;
                    unsure = QPoint(x, y);
                }
                if (c == 255 && sure.x() < 0)
                    sure = QPoint(x, y);
            }
        QVERIFY2(lowest < 128, qPrintable(QString::number(lowest)));
        QVERIFY(sure.x() >= 0);
        auto *action = w.findChild<QAction *>(QStringLiteral("showConfidenceAction"));
        QVERIFY(action);
        const ViewerWidget::Mode mode = w.viewer()->mode();
        w.viewer()->setMode(ViewerWidget::Mode::Result);
        const QImage before = w.viewer()->grab().toImage();
        action->trigger();
        QVERIFY(w.viewer()->showsConfidence());
        const QImage after = w.viewer()->grab().toImage();
        auto pixel = [&](const QImage &image, QPoint ip) {
            const qreal dpr = image.devicePixelRatio();
            return image.pixelColor((w.viewer()->imageToWidget(ip) * dpr).toPoint());
        };
        const QColor b = pixel(before, unsure), a = pixel(after, unsure);
        qInfo("least sure pixel (%d, %d) = %d: (%d, %d, %d) → (%d, %d, %d)", unsure.x(), unsure.y(),
              lowest, b.red(), b.green(), b.blue(), a.red(), a.green(), a.blue());
        QVERIFY((a.red() + a.blue()) / 2 - a.green() > (b.red() + b.blue()) / 2 - b.green() + 40);
        QCOMPARE(pixel(after, sure), pixel(before, sure));
        if (const QString shot = qEnvironmentVariable("TINCTURE_SCREENSHOT"); !shot.isEmpty())
            QVERIFY(after.save(
                QFileInfo(shot).dir().filePath(QStringLiteral("studio-confidence.png"))));
        action->trigger();
        QVERIFY(!w.viewer()->showsConfidence());
        w.viewer()->setMode(mode);
    }

    // The studio on the sample with `manifest` as its keyframe model (random: a test model of
    // 0 iterations): a stroke's preview is the solve over the guided proposal.
    void strokesGuide(const QString &manifest, bool random)
    {
        auto window = std::make_unique<MainWindow>();
        MainWindow &w = *window;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy opened(&w, &MainWindow::fileOpened);
        w.openFile(test::samplePath());
        QVERIFY(opened.wait(30000));
        QVERIFY(waitIdle(w));
        QTRY_COMPARE_WITH_TIMEOUT(w.displayedFrame(), qint64(0), 10000);
        QTest::mouseClick(w.findChild<QPushButton *>(QStringLiteral("colouriseButton")),
                          Qt::LeftButton);
        QVERIFY(waitIdle(w));
        if (random)
            QVERIFY2(w.keyframes()->modelDescription().contains(QLatin1String("0 iterations")),
                     qPrintable(w.keyframes()->modelDescription()));

        w.viewer()->setMode(ViewerWidget::Mode::Result);
        QTest::mouseClick(w.findChild<QToolButton *>(QStringLiteral("toolBrush")), Qt::LeftButton);
        w.paintPanel()->setColour(qRgb(220, 30, 30));
        w.paintPanel()->setRadius(6);
        auto at = [&](QPoint ip) { return w.viewer()->imageToWidget(ip).toPoint(); };
        const QPoint a(80, 300), b(160, 310);
        QTest::mousePress(w.viewer(), Qt::LeftButton, {}, at(a));
        for (int i = 1; i <= 8; ++i)
            QTest::mouseMove(w.viewer(), at(a + (b - a) * i / 8));
        QTest::mouseRelease(w.viewer(), Qt::LeftButton, {}, at(b));
        QVERIFY(waitIdle(w));
        QCOMPARE(w.keyframes()->solvesFinished(), 2);

        project::Project *p = w.project();
        const QVector<project::PaintStroke> strokes = p->keyframe(0)->strokes;
        QCOMPARE(strokes.size(), 1);
        Result<Frame> automatic = readImage(w.document()->cache().keyframeModelPath(0));
        Result<Frame> grey = pipeline::readFrame(test::samplePath(), 0);
        QVERIFY(automatic && grey);
        pipeline::KeyframeService service(pipeline::KeyframeModelOptions{manifest, 0, {}});
        const project::StrokeMasks masks = project::rasteriseStrokes(strokes, 640, 360);
        Result<Frame> guided = service.proposeGuided(
            *grey, pipeline::KeyframeService::networkHints(masks, *automatic));
        QVERIFY(guided);
        Feedback fb;
        Result<Frame> expected =
            pipeline::KeyframeSolver(*grey, *guided, p->parameters().priorWeight,
                                     p->parameters().workingHeight)
                .solve(masks, fb);
        QVERIFY(expected);
        QTRY_VERIFY_WITH_TIMEOUT(rednessAround(w.viewer()->result(), b - QPoint(8, 1)) > 25, 5000);
        const QImage shown = w.viewer()->result().convertToFormat(QImage::Format_RGB888);
        QCOMPARE(shown.size(), QSize(640, 360));
        int largest = 0;
        for (int y = 0; y < 360; ++y)
            for (int x = 0; x < 3 * 640; ++x)
                largest = std::max(largest, std::abs(int(shown.constScanLine(y)[x]) -
                                                     int(expected->constRow(y)[x])));
        QVERIFY2(largest <= 1, qPrintable(QStringLiteral("the preview is %1 levels from the solve "
                                                         "over the guided proposal")
                                              .arg(largest)));
        const QString cacheDir = w.document()->cache().dir();
        window.reset();                              // closing cancels and waits for every job
        QVERIFY(QDir(cacheDir).removeRecursively()); // tests leave no cache behind
    }
};

int main(int argc, char **argv)
{
    if (qgetenv("QT_QPA_PLATFORM") == "xcb" && qEnvironmentVariableIsEmpty("DISPLAY")) {
        fprintf(stderr, "tst_studioflow: QT_QPA_PLATFORM=xcb but no DISPLAY; run under xvfb-run\n");
        return tincture::test::kSkippedExitCode;
    }
    QApplication app(argc, argv);
    TestStudioFlow test;
    return tincture::test::execReportingSkips(&test, argc, argv);
}
#include "tst_studioflow.moc"
