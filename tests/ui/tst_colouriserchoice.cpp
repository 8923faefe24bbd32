// The colouriser chosen in the parameters panel and per-frame shots, in the studio on the sample
// with test models (random weights through TINCTURE_MODEL_DIR: a keyframe model named colorizer
// and a recurrent-bins video colouriser): the panel lists both; choosing recurrent-bins is an
// undoable parameter, saved in the project, and proposes the next keyframe while one proposed
// before keeps its model; a shot set to per-frame (panel check box, shot list menu) is coloured
// by "per-frame" without a keyframe, its frames over the film's luma; Colourise Film gives it
// none either. A colouriser that is not installed falls back to pix2pix; without any video
// colouriser per-frame mode is disabled.

#include "jobs/jobmanager.h"
#include "media/imageio.h"
#include "paint/paintpanel.h"
#include "pipeline/filmops.h"
#include "pipeline/keyframeservice.h"
#include "pipeline/provenance.h"
#include "project/project.h"
#include "project/resultcache.h"
#include "refinerfixture.h"
#include "shell/documentcontroller.h"
#include "shell/keyframecontroller.h"
#include "shell/mainwindow.h"
#include "shell/rendercontroller.h"
#include "shell/shotlist.h"
#include "testsupport.h"
#include "testmain.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMenu>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <memory>

using namespace tincture;
using namespace tincture::ui;

namespace {

bool waitIdle(MainWindow &w, int ms = 300000)
{
    QTest::qWait(50);
    const bool idle = w.jobManager()->waitForIdle(ms);
    QTest::qWait(50); // the queued per-shot records
    return idle;
}

// Opens the sample and waits for shot detection (three shots: 0–59, 60–119, 120–179).
bool openSample(MainWindow &w)
{
    w.resize(1400, 900);
    w.show();
    QSignalSpy opened(&w, &MainWindow::fileOpened);
    w.openFile(test::samplePath());
    return opened.wait(30000) && waitIdle(w) && w.project()->shots().size() == 3;
}

void choose(QComboBox *combo, const QString &data)
{
    const int i = combo->findData(data);
    QVERIFY2(i >= 0, qPrintable(data));
    combo->setCurrentIndex(i);
    emit combo->activated(i);
}

// The model that proposed a keyframe's prior, as the cache records it.
QString priorModel(MainWindow &w, FrameIndex frame)
{
    return pipeline::KeyframeService::describeStudioKeyframe(
               frame, {}, w.project()->parameters().priorWeight, w.document()->cache())
        .model.name;
}

pipeline::ShotProvenance provenance(MainWindow &w, int shot)
{
    Result<pipeline::ShotProvenance> p =
        pipeline::ShotProvenance::fromJson(w.project()->shots()[shot].provenance);
    return p ? *p : pipeline::ShotProvenance{};
}

// Every frame of [first, last] is cached and its luma is the film's exactly.
void checkFramesOverFilmLuma(MainWindow &w, FrameIndex first, FrameIndex last)
{
    const project::ResultCache cache = w.document()->cache();
    for (FrameIndex f = first; f <= last; ++f)
        QVERIFY2(cache.hasFrame(f), qPrintable(QString::number(f)));
    for (FrameIndex f : {first, (first + last) / 2, last}) {
        Result<Frame> coloured = readImage(cache.framePath(f));
        Result<Frame> grey = pipeline::readFrame(test::samplePath(), f);
        QVERIFY(coloured && grey);
        QCOMPARE(QSize(coloured->width(), coloured->height()), QSize(640, 360));
        const Frame lc = coloured->luma(), lg = grey->luma();
        QVERIFY(std::memcmp(lc.constData(), lg.constData(), lc.byteSize()) == 0);
    }
}

} // namespace

class TestColouriserChoice : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("TINCTURE_NO_DIALOGS", "1");
    }

    void chosenColouriserAndPerFrameShots()
    {
        QTemporaryDir models, dir;
        QVERIFY(!test::writeRandomColorizerModel(models.path(), QStringLiteral("colorizer"), 0)
                     .isEmpty());
        QVERIFY(
            !test::writeRandomRecurrentBinsModel(models.path(), QStringLiteral("recurrent-bins"))
                 .isEmpty());
        QVERIFY(!test::writeRandomGlobalLocalModel(models.path(), QStringLiteral("global-local"))
                     .isEmpty());
        QVERIFY(
            !test::writeRandomCnnLstmModel(models.path(), QStringLiteral("cnn-lstm")).isEmpty());
        qputenv("TINCTURE_MODEL_DIR", QFile::encodeName(models.path()));
        const auto restore = qScopeGuard([] { qunsetenv("TINCTURE_MODEL_DIR"); });

        auto window = std::make_unique<MainWindow>();
        MainWindow &w = *window;
        QVERIFY(openSample(w));
        project::Project *p = w.project();
        QCOMPARE(p->parameters().model, QStringLiteral("pix2pix"));
        project::ProjectParameters fast = p->parameters(); // a quick propagation for shot 1
        fast.propagationMethod = QStringLiteral("copy0");
        p->setParameters(fast);

        // The panel lists the keyframe model and the video colourisers, each with a tooltip.
        auto *colouriser = w.findChild<QComboBox *>(QStringLiteral("keyframeModel"));
        QVERIFY(colouriser);
        QCOMPARE(colouriser->count(), 4);
        QCOMPARE(colouriser->itemData(0).toString(), QStringLiteral("pix2pix"));
        QCOMPARE(colouriser->itemData(1).toString(), QStringLiteral("recurrent-bins"));
        QCOMPARE(colouriser->itemData(2).toString(), QStringLiteral("global-local"));
        QCOMPARE(colouriser->itemData(3).toString(), QStringLiteral("cnn-lstm"));
        for (int i = 0; i < 4; ++i)
            QVERIFY(!colouriser->itemData(i, Qt::ToolTipRole).toString().isEmpty());
        QCOMPARE(colouriser->currentData().toString(), QStringLiteral("pix2pix"));

        // A keyframe proposed by pix2pix, then recurrent-bins chosen (one undo step): the next
        // keyframe is its proposal, the first keeps pix2pix's.
        auto *colourise = w.findChild<QPushButton *>(QStringLiteral("colouriseButton"));
        QTRY_COMPARE_WITH_TIMEOUT(w.displayedFrame(), qint64(0), 10000);
        QTest::mouseClick(colourise, Qt::LeftButton);
        QVERIFY(waitIdle(w));
        QCOMPARE(priorModel(w, 0), QStringLiteral("pix2pix-unet"));
        const int steps = p->undoStack()->count();
        choose(colouriser, QStringLiteral("recurrent-bins"));
        QCOMPARE(p->parameters().model, QStringLiteral("recurrent-bins"));
        QCOMPARE(p->undoStack()->count(), steps + 1);
        QCOMPARE(w.keyframes()->colorizer(), QStringLiteral("recurrent-bins"));
        p->undoStack()->undo();
        QCOMPARE(p->parameters().model, QStringLiteral("pix2pix"));
        QCOMPARE(colouriser->currentData().toString(), QStringLiteral("pix2pix"));
        QCOMPARE(w.keyframes()->colorizer(), QStringLiteral("pix2pix"));
        p->undoStack()->redo();
        QCOMPARE(colouriser->currentData().toString(), QStringLiteral("recurrent-bins"));
        QVERIFY(waitIdle(w));
        w.seek(30);
        QTRY_COMPARE_WITH_TIMEOUT(w.displayedFrame(), qint64(30), 10000);
        QTest::mouseClick(colourise, Qt::LeftButton);
        QVERIFY(waitIdle(w));
        QVERIFY(p->keyframe(30));
        QCOMPARE(priorModel(w, 30), QStringLiteral("recurrent-bins"));
        QVERIFY2(w.keyframes()->modelDescription().startsWith(QLatin1String("recurrent-bins")),
                 qPrintable(w.keyframes()->modelDescription()));
        QCOMPARE(priorModel(w, 0), QStringLiteral("pix2pix-unet"));

        // Shot 2 per frame, from the panel's check box at its first frame (one undo step): it
        // needs no keyframe to be coloured, and gets none.
        w.seek(60);
        QTRY_COMPARE_WITH_TIMEOUT(w.displayedFrame(), qint64(60), 10000);
        auto *perFrame = w.findChild<QCheckBox *>(QStringLiteral("perFrameShot"));
        auto *propagate = w.findChild<QPushButton *>(QStringLiteral("propagateButton"));
        QVERIFY(perFrame && propagate);
        QVERIFY(perFrame->isEnabled());
        QVERIFY(!perFrame->isChecked());
        QVERIFY(!propagate->isEnabled()); // no accepted keyframe
        QTest::mouseClick(perFrame, Qt::LeftButton);
        QVERIFY(p->shots()[1].perFrame);
        QVERIFY(!p->shots()[0].perFrame && !p->shots()[2].perFrame);
        QVERIFY(perFrame->isChecked());
        QVERIFY(propagate->isEnabled());
        p->undoStack()->undo();
        QVERIFY(!p->shots()[1].perFrame);
        QVERIFY(!perFrame->isChecked());
        p->undoStack()->redo();
        QVERIFY(p->shots()[1].perFrame);
        QTest::mouseClick(propagate, Qt::LeftButton);
        QVERIFY(waitIdle(w));
        QVERIFY(p->isShotPropagated(1));
        QVERIFY(p->shots()[1].keyframes.isEmpty());
        QVERIFY(!QFile::exists(w.document()->cache().keyframeModelPath(60)));
        pipeline::ShotProvenance shot2 = provenance(w, 1);
        QCOMPARE(shot2.method, QStringLiteral("per-frame"));
        QCOMPARE(shot2.methodParameters.value(QStringLiteral("colorizer")).toString(),
                 QStringLiteral("recurrent-bins"));
        QVERIFY(shot2.keyframes.empty());
        QVERIFY(w.render()->provenanceSummary(1).contains(QLatin1String("recurrent-bins")));
        checkFramesOverFilmLuma(w, 60, 119);

        // Shot 3 per frame from the shot list's menu; Colourise Film proposes a keyframe for
        // shot 1 only (by the chosen colouriser) and colours shot 3 per frame.
        {
            std::unique_ptr<QMenu> menu(w.shotList()->makeContextMenu(2, nullptr));
            auto *action = menu->findChild<QAction *>(QStringLiteral("perFrameAction"));
            QVERIFY(action && action->isEnabled() && !action->isChecked());
            action->trigger();
        }
        QVERIFY(p->shots()[2].perFrame);
        QVERIFY(w.render()->colouriseFilm());
        QVERIFY(waitIdle(w));
        for (int i = 0; i < 3; ++i)
            QVERIFY2(p->isShotPropagated(i), qPrintable(QString::number(i)));
        QVERIFY(p->shots()[2].keyframes.isEmpty());
        QVERIFY(p->keyframe(29) && p->keyframe(29)->accepted);
        QCOMPARE(provenance(w, 0).method, QStringLiteral("copy0"));
        QCOMPARE(provenance(w, 0).keyframes.front().model.name, QStringLiteral("recurrent-bins"));
        QCOMPARE(provenance(w, 2).method, QStringLiteral("per-frame"));
        checkFramesOverFilmLuma(w, 120, 179);

        // Saved in the project file and read back.
        const QString path = dir.filePath(QStringLiteral("choice.tincture"));
        QVERIFY(w.document()->saveAs(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(root[QLatin1String("model")].toObject()[QLatin1String("name")].toString(),
                 QStringLiteral("recurrent-bins"));
        const QJsonArray shots = root[QLatin1String("shots")].toArray();
        QCOMPARE(shots.size(), 3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(shots[i].toObject()[QLatin1String("perFrame")].toBool(), i > 0);
        const QString cacheDir = w.document()->cache().dir();
        window.reset(); // closing cancels and waits for every job

        MainWindow w2;
        w2.show();
        QSignalSpy opened(&w2, &MainWindow::fileOpened);
        w2.openFile(path);
        QVERIFY(opened.wait(30000));
        QVERIFY(waitIdle(w2));
        QCOMPARE(w2.project()->parameters().model, QStringLiteral("recurrent-bins"));
        QCOMPARE(w2.keyframes()->colorizer(), QStringLiteral("recurrent-bins"));
        QCOMPARE(w2.findChild<QComboBox *>(QStringLiteral("keyframeModel"))->currentData(),
                 QVariant(QStringLiteral("recurrent-bins")));
        QVERIFY(w2.project()->shots()[1].perFrame && w2.project()->shots()[2].perFrame);
        QVERIFY(w2.project()->isShotPropagated(1));
        w2.seek(90);
        QTRY_VERIFY_WITH_TIMEOUT(
            w2.findChild<QCheckBox *>(QStringLiteral("perFrameShot"))->isChecked(), 10000);
        w2.close();
        QVERIFY(QDir(cacheDir).removeRecursively()); // tests leave no cache behind
    }

    // A project naming a colouriser that is not installed keeps the name (the panel shows it as
    // not installed) and proposes keyframes with pix2pix, saying so.
    void missingColouriserFallsBackToPix2pix()
    {
        MainWindow w;
        QSignalSpy said(w.keyframes(), &KeyframeController::statusMessage);
        w.project()->reset(QStringLiteral("/x/film.mp4"), {100, 64, 48, -1});
        project::ProjectParameters params = w.project()->parameters();
        params.model = QStringLiteral("someone-elses-model");
        w.project()->setParameters(params);
        QCOMPARE(w.project()->parameters().model, QStringLiteral("someone-elses-model"));
        QCOMPARE(w.keyframes()->colorizer(), QStringLiteral("pix2pix"));
        QVERIFY(!said.isEmpty());
        QVERIFY2(said.last().at(0).toString().contains(QLatin1String("someone-elses-model")),
                 qPrintable(said.last().at(0).toString()));
        auto *colouriser = w.findChild<QComboBox *>(QStringLiteral("keyframeModel"));
        QCOMPARE(colouriser->currentData().toString(), QStringLiteral("someone-elses-model"));
        QVERIFY(colouriser->currentText().contains(QLatin1String("not installed")));
    }

    // Without a video colouriser, per-frame mode is disabled and says why.
    void perFrameNeedsAVideoColouriser()
    {
        QTemporaryDir models;
        QVERIFY(!test::writeRandomColorizerModel(models.path(), QStringLiteral("colorizer"), 0)
                     .isEmpty());
        qputenv("TINCTURE_MODEL_DIR", QFile::encodeName(models.path()));
        const auto restore = qScopeGuard([] { qunsetenv("TINCTURE_MODEL_DIR"); });
        if (pipeline::hasVideoColorizer())
            QSKIP("a video colouriser is installed beside the build (models/): per-frame mode "
                  "cannot be shown unavailable");
        MainWindow w;
        QVERIFY(openSample(w));
        QCOMPARE(w.findChild<QComboBox *>(QStringLiteral("keyframeModel"))->count(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(w.displayedFrame(), qint64(0), 10000);
        auto *perFrame = w.findChild<QCheckBox *>(QStringLiteral("perFrameShot"));
        QVERIFY(!perFrame->isEnabled());
        QVERIFY(perFrame->toolTip().contains(QLatin1String("none is installed")));
        std::unique_ptr<QMenu> menu(w.shotList()->makeContextMenu(0, nullptr));
        QVERIFY(!menu->findChild<QAction *>(QStringLiteral("perFrameAction"))->isEnabled());
        const QString cacheDir = w.document()->cache().dir();
        w.close();
        QDir(cacheDir).removeRecursively();
    }
};

TINCTURE_TEST_MAIN(TestColouriserChoice)
#include "tst_colouriserchoice.moc"
