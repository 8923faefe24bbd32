// The document: every undo command's undo/redo round trip, staleness, the file format's
// load → save → load, backups, autosave and warnings for missing or changed media.

#include "project/commands.h"
#include "project/projectfile.h"
#include "testmain.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace tincture;
using namespace tincture::project;

namespace {
MediaFingerprint film180()
{
    return MediaFingerprint{180, 640, 360, 1000};
}

PaintStroke stroke(QRgb colour, std::initializer_list<QPointF> points, quint64 serial = 0)
{
    PaintStroke s;
    s.colour = colour;
    s.radius = 6;
    s.hardness = 0.5;
    s.points = points;
    s.serial = serial;
    return s;
}

// A project with three shots (0–59, 60–119, 120–179) and a painted keyframe in the first.
void fill(Project &p, const QString &media)
{
    p.reset(media, film180());
    p.undoStack()->push(new SetShotsCommand(&p, {{0, 59}, {60, 119}, {120, 179}}));
    p.undoStack()->push(new AddKeyframeCommand(&p, 10));
    p.undoStack()->push(new StrokeCommand(&p, 10, stroke(qRgb(200, 40, 30), {{5, 5}, {50, 40}})));
    PaintStroke keep = stroke(qRgb(0, 0, 0), {{100, 100}});
    keep.tool = BrushTool::KeepModel;
    p.undoStack()->push(new StrokeCommand(&p, 10, keep));
    p.undoStack()->push(new SetKeyframeAcceptedCommand(&p, 10, true));
    p.undoStack()->push(new AddKeyframeCommand(&p, 130));
}

struct Snapshot
{
    QVector<QPair<FrameIndex, FrameIndex>> spans;
    QVector<KeyframeEntry> keys;
    QVector<bool> perFrame;
    ProjectParameters params;
    bool operator==(const Snapshot &) const = default;
};

Snapshot snap(const Project &p)
{
    Snapshot s;
    for (const ShotEntry &shot : p.shots()) {
        s.spans.append({shot.first, shot.last});
        s.keys += shot.keyframes;
        s.perFrame.append(shot.perFrame);
    }
    s.params = p.parameters();
    return s;
}
} // namespace

class TestProject : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void undoRedoRoundTrip_data()
    {
        QTest::addColumn<int>("which");
        QTest::newRow("split") << 0;
        QTest::newRow("merge") << 1;
        QTest::newRow("set shots") << 2;
        QTest::newRow("add keyframe") << 3;
        QTest::newRow("remove keyframe") << 4;
        QTest::newRow("accept keyframe") << 5;
        QTest::newRow("stroke") << 6;
        QTest::newRow("parameters") << 7;
        QTest::newRow("per-frame shot") << 8;
        QTest::newRow("colouriser") << 9;
    }

    // Every command: redo changes the document, undo restores it exactly, redo again gives
    // the same result as the first time.
    void undoRedoRoundTrip()
    {
        QFETCH(int, which);
        Project p;
        fill(p, QStringLiteral("/nonexistent/film.mp4"));
        const Snapshot before = snap(p);
        QUndoCommand *cmd = nullptr;
        ProjectParameters params;
        params.priorWeight = 0.5;
        params.propagationMethod = QStringLiteral("copy0");
        switch (which) {
        case 0:
            cmd = new SplitShotCommand(&p, 30);
            break;
        case 1:
            cmd = new MergeShotsCommand(&p, 0);
            break;
        case 2:
            cmd = new SetShotsCommand(&p, {{0, 99}, {100, 179}});
            break;
        case 3:
            cmd = new AddKeyframeCommand(&p, 70);
            break;
        case 4:
            cmd = new RemoveKeyframeCommand(&p, 10);
            break;
        case 5:
            cmd = new SetKeyframeAcceptedCommand(&p, 130, true);
            break;
        case 6:
            cmd = new StrokeCommand(&p, 130, stroke(qRgb(0, 0, 255), {{1, 1}}));
            break;
        case 7:
            cmd = new SetParametersCommand(&p, params);
            break;
        case 8:
            cmd = new SetShotPerFrameCommand(&p, 1, true);
            break;
        case 9:
            params = p.parameters();
            params.model = QStringLiteral("recurrent-bins");
            cmd = new SetParametersCommand(&p, params);
            break;
        }
        p.undoStack()->push(cmd);
        const Snapshot after = snap(p);
        QVERIFY(!(after == before));
        p.undoStack()->undo();
        QVERIFY(snap(p) == before);
        p.undoStack()->redo();
        QVERIFY(snap(p) == after);
    }

    void splitAndMergeMoveKeyframes()
    {
        Project p;
        fill(p, QStringLiteral("/x/film.mp4"));
        p.undoStack()->push(new SplitShotCommand(&p, 5));
        QCOMPARE(p.shots().size(), 4);
        QCOMPARE(p.shots()[1].first, FrameIndex(5));
        QCOMPARE(p.shots()[1].keyframes.size(), 1); // keyframe 10 went with its frame
        QCOMPARE(p.shots()[0].keyframes.size(), 0);
        p.undoStack()->push(new MergeShotsCommand(&p, 1));
        QCOMPARE(p.shots().size(), 3);
        QCOMPARE(p.shots()[1].first, FrameIndex(5));
        QCOMPARE(p.shots()[1].last, FrameIndex(119));
        QCOMPARE(p.shotIndexAt(130), 2);
        QVERIFY(p.keyframe(10));
        QVERIFY(p.keyframe(130));
    }

    // Drawing one stroke pushes many commands; they merge into one undo step.
    void strokeMergesWhileDrawing()
    {
        Project p;
        fill(p, QStringLiteral("/x/film.mp4"));
        const int steps = p.undoStack()->count();
        const Snapshot before = snap(p);
        PaintStroke s = stroke(qRgb(10, 200, 10), {{0, 0}}, 77);
        p.undoStack()->push(new StrokeCommand(&p, 130, s));
        for (int i = 1; i < 10; ++i) {
            s.points.append(QPointF(i, i));
            p.undoStack()->push(new StrokeCommand(&p, 130, s));
        }
        QCOMPARE(p.undoStack()->count(), steps + 1);
        QCOMPARE(p.keyframe(130)->strokes.size(), 1);
        QCOMPARE(p.keyframe(130)->strokes.front().points.size(), 10);
        p.undoStack()->undo();
        QVERIFY(snap(p) == before);
        p.undoStack()->redo();
        QCOMPARE(p.keyframe(130)->strokes.front().points.size(), 10);
        // A new stroke (another serial) is a new step.
        p.undoStack()->push(new StrokeCommand(&p, 130, stroke(qRgb(1, 2, 3), {{3, 3}}, 78)));
        QCOMPARE(p.undoStack()->count(), steps + 2);
        QCOMPARE(p.keyframe(130)->strokes.size(), 2);
    }

    void keyframeChangeMarksShotStale()
    {
        Project p;
        fill(p, QStringLiteral("/x/film.mp4"));
        QVERIFY(!p.isShotPropagated(0));
        p.markPropagated(0, p.shots()[0].revision);
        QVERIFY(p.isShotPropagated(0));
        QVERIFY(!p.isShotStale(0));
        p.undoStack()->push(new StrokeCommand(&p, 10, stroke(qRgb(9, 9, 9), {{7, 7}})));
        QVERIFY(p.isShotStale(0));
        QVERIFY(!p.isShotStale(1)); // other shots are untouched
        // A propagation that started before the change does not make the shot current.
        const int old = p.shots()[0].propagatedRevision;
        p.markPropagated(0, old);
        QVERIFY(p.isShotStale(0));
    }

    // Per-frame mode is a shot's: setting it makes that shot stale and no other, undoing it
    // does too (conservative); a split shot's halves keep it, and shots from detection take it
    // from the shot that held their first frame.
    void perFrameModeIsPerShot()
    {
        Project p;
        fill(p, QStringLiteral("/x/film.mp4"));
        for (int i = 0; i < 3; ++i) {
            QVERIFY(!p.shots()[i].perFrame); // a new shot is propagated
            p.markPropagated(i, p.shots()[i].revision);
        }
        p.undoStack()->push(new SetShotPerFrameCommand(&p, 1, true));
        QVERIFY(p.shots()[1].perFrame);
        QVERIFY(p.isShotStale(1));
        QVERIFY(p.isShotPropagated(0) && p.isShotPropagated(2));
        QCOMPARE(p.shots()[1].keyframes, QVector<KeyframeEntry>{}); // keyframes untouched
        QCOMPARE(p.undoStack()->undoText(), QStringLiteral("Colour shot 2 per frame"));
        p.markPropagated(1, p.shots()[1].revision);
        p.undoStack()->undo();
        QVERIFY(!p.shots()[1].perFrame);
        QVERIFY(p.isShotStale(1));
        QVERIFY(p.isShotPropagated(0) && p.isShotPropagated(2));
        p.undoStack()->redo();
        p.undoStack()->push(new SplitShotCommand(&p, 90));
        QCOMPARE(p.shots().size(), 4);
        QVERIFY(p.shots()[1].perFrame && p.shots()[2].perFrame);
        QVERIFY(!p.shots()[0].perFrame && !p.shots()[3].perFrame);
        p.undoStack()->push(new SetShotsCommand(&p, {{0, 69}, {70, 99}, {100, 179}}));
        QCOMPARE(p.shots()[0].perFrame, false);
        QCOMPARE(p.shots()[1].perFrame, true);
        QCOMPARE(p.shots()[2].perFrame, true);
    }

    // Another colouriser colours the keyframes it proposes from now on and the per-frame shots:
    // only those go stale; any other parameter makes every shot stale.
    void colouriserChangeMakesPerFrameShotsStale()
    {
        Project p;
        fill(p, QStringLiteral("/x/film.mp4"));
        QCOMPARE(p.parameters().model, QStringLiteral("pix2pix"));
        p.undoStack()->push(new SetShotPerFrameCommand(&p, 2, true));
        for (int i = 0; i < 3; ++i)
            p.markPropagated(i, p.shots()[i].revision);
        ProjectParameters params = p.parameters();
        params.model = QStringLiteral("recurrent-bins");
        p.undoStack()->push(new SetParametersCommand(&p, params));
        QCOMPARE(p.parameters().model, QStringLiteral("recurrent-bins"));
        QVERIFY(p.isShotPropagated(0) && p.isShotPropagated(1));
        QVERIFY(p.isShotStale(2));
        p.undoStack()->undo();
        QCOMPARE(p.parameters().model, QStringLiteral("pix2pix"));
        QVERIFY(p.isShotPropagated(0) && p.isShotPropagated(1));
        params = p.parameters();
        params.priorWeight = 0.2;
        p.undoStack()->push(new SetParametersCommand(&p, params));
        QVERIFY(p.isShotStale(0) && p.isShotStale(1) && p.isShotStale(2));
    }

    // The colouriser's name and each shot's mode go through the file; a name that is not
    // installed anywhere is kept as it is (the studio says so when it needs the model).
    void colouriserAndPerFrameRoundTrip_data()
    {
        QTest::addColumn<QString>("colouriser");
        QTest::newRow("video colouriser") << QStringLiteral("recurrent-bins");
        QTest::newRow("not installed") << QStringLiteral("someone-elses-model");
    }
    void colouriserAndPerFrameRoundTrip()
    {
        QFETCH(QString, colouriser);
        QTemporaryDir dir;
        Project p;
        fill(p, dir.filePath(QStringLiteral("film.mp4")));
        ProjectParameters params = p.parameters();
        params.model = colouriser;
        p.setParameters(params);
        p.undoStack()->push(new SetShotPerFrameCommand(&p, 1, true));
        const QString path = dir.filePath(QStringLiteral("a.tincture"));
        QVERIFY(saveProject(p, path));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(root[QLatin1String("model")].toObject()[QLatin1String("name")].toString(),
                 colouriser);
        const QJsonArray shots = root[QLatin1String("shots")].toArray();
        QCOMPARE(shots.size(), 3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(shots[i].toObject()[QLatin1String("perFrame")].toBool(), i == 1);

        Project q;
        Result<LoadReport> loaded = loadProject(path, q);
        QVERIFY(loaded);
        QCOMPARE(q.parameters().model, colouriser);
        QVERIFY(!q.shots()[0].perFrame && q.shots()[1].perFrame && !q.shots()[2].perFrame);
        Snapshot expected = snap(p);
        for (KeyframeEntry &k : expected.keys)
            for (PaintStroke &st : k.strokes)
                st.serial = 0;
        QVERIFY(snap(q) == expected);
        const QString path2 = dir.filePath(QStringLiteral("b.tincture"));
        QVERIFY(saveProject(q, path2));
        Project r;
        QVERIFY(loadProject(path2, r));
        QVERIFY(snap(r) == snap(q));
        QCOMPARE(toJson(r, path2), toJson(q, path2));
    }

    // Older files name the keyframe model by its architecture, "pix2pix-unet": it reads as the
    // colouriser "pix2pix"; their shots have no mode and read as propagated. A version-1 file
    // (the fuzz corpus's reel) and a version-3 one, each loaded, saved and loaded again.
    void olderFilesReadAsPix2pixAndPropagated_data()
    {
        QTest::addColumn<int>("version");
        QTest::newRow("version 1") << 1;
        QTest::newRow("version 3") << 3;
    }
    void olderFilesReadAsPix2pixAndPropagated()
    {
        QFETCH(int, version);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.tincture"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"formatVersion\": " + QByteArray::number(version) +
                ", \"media\": {\"path\": \"film.mp4\", \"frames\": 100}, "
                "\"model\": {\"name\": \"pix2pix-unet\"}, "
                "\"parameters\": {\"priorWeight\": 0.02, \"workingHeight\": 0}, "
                "\"shots\": [{\"first\": 0, \"last\": 49}, {\"first\": 50, \"last\": 99}]}");
        f.close();
        Project p;
        Result<LoadReport> loaded = loadProject(path, p);
        QVERIFY(loaded);
        QCOMPARE(loaded->migratedFrom, version);
        QCOMPARE(p.parameters().model, QStringLiteral("pix2pix"));
        QCOMPARE(p.shots().size(), 2);
        QVERIFY(!p.shots()[0].perFrame && !p.shots()[1].perFrame);
        const QString path2 = dir.filePath(QStringLiteral("new.tincture"));
        QVERIFY(saveProject(p, path2));
        Project q;
        Result<LoadReport> again = loadProject(path2, q);
        QVERIFY(again);
        QCOMPARE(again->migratedFrom, kFormatVersion);
        QVERIFY(snap(q) == snap(p));
        QCOMPARE(toJson(q, path2), toJson(p, path2));
    }

    // The current formatVersion: load → save → load gives the same document (the shots'
    // provenance included), and the saved text is stable (the second save equals the first).
    void fileRoundTrip()
    {
        QTemporaryDir dir;
        const QString media = dir.filePath(QStringLiteral("film.mp4"));
        QFile m(media);
        QVERIFY(m.open(QIODevice::WriteOnly));
        m.write(QByteArray(1000, 'x'));
        m.close();
        Project p;
        fill(p, media);
        p.setReferencePath(dir.filePath(QStringLiteral("ref.mp4")));
        const QJsonObject provenance{{QStringLiteral("method"), QStringLiteral("flow")},
                                     {QStringLiteral("first"), 60}};
        p.markPropagated(1, p.shots()[1].revision, provenance);
        const QString path = dir.filePath(QStringLiteral("a.tincture"));
        QVERIFY(saveProject(p, path));

        Project q;
        Result<LoadReport> loaded = loadProject(path, q);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
        QCOMPARE(loaded->migratedFrom, kFormatVersion);
        QCOMPARE(q.mediaPath(), media);
        QCOMPARE(q.id(), p.id());
        QCOMPARE(q.media(), p.media());
        QVERIFY(snap(q) == snap(p) || [&] {
            // Strokes' serials are not saved; compare without them.
            Snapshot a = snap(p);
            for (KeyframeEntry &k : a.keys)
                for (PaintStroke &s : k.strokes)
                    s.serial = 0;
            return snap(q) == a;
        }());
        QCOMPARE(q.shots()[0].revision, p.shots()[0].revision);
        QVERIFY(q.isShotPropagated(1));
        QCOMPARE(q.shots()[1].provenance, provenance);
        QVERIFY(q.shots()[0].provenance.isEmpty());
        QVERIFY(!q.isModified());
        QCOMPARE(q.undoStack()->count(), 0);
        // Only the missing reference clip is reported.
        QCOMPARE(loaded->warnings.size(), 1);
        QVERIFY(loaded->warnings.front().contains(QLatin1String("ref.mp4")));

        // The media path is stored relative to the project file.
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(root[QLatin1String("media")].toObject()[QLatin1String("path")].toString(),
                 QStringLiteral("film.mp4"));
        QCOMPARE(root[QLatin1String("formatVersion")].toInt(), kFormatVersion);

        const QString path2 = dir.filePath(QStringLiteral("b.tincture"));
        QVERIFY(saveProject(q, path2));
        Project r;
        QVERIFY(loadProject(path2, r));
        QVERIFY(snap(r) == snap(q));
        QCOMPARE(toJson(r, path2), toJson(q, path2));
    }

    void saveKeepsBackup()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("a.tincture"));
        Project p;
        fill(p, dir.filePath(QStringLiteral("film.mp4")));
        QVERIFY(saveProject(p, path));
        QVERIFY(!QFile::exists(path + QStringLiteral(".bak")));
        p.undoStack()->push(new AddKeyframeCommand(&p, 100));
        QVERIFY(saveProject(p, path));
        QVERIFY(QFile::exists(path + QStringLiteral(".bak")));
        Project old, now;
        QVERIFY(loadProject(path + QStringLiteral(".bak"), old));
        QVERIFY(loadProject(path, now));
        QVERIFY(!old.keyframe(100));
        QVERIFY(now.keyframe(100));
    }

    void missingAndChangedMediaAreWarnings()
    {
        QTemporaryDir dir;
        const QString media = dir.filePath(QStringLiteral("film.mp4"));
        QFile m(media);
        QVERIFY(m.open(QIODevice::WriteOnly));
        m.write(QByteArray(1000, 'x'));
        m.close();
        Project p;
        fill(p, media);
        const QString path = dir.filePath(QStringLiteral("a.tincture"));
        QVERIFY(saveProject(p, path));

        QVERIFY(m.open(QIODevice::Append));
        m.write("more");
        m.close();
        Project q;
        Result<LoadReport> changed = loadProject(path, q);
        QVERIFY(changed);
        QVERIFY(!changed->mediaMissing);
        QCOMPARE(changed->warnings.size(), 1);
        QVERIFY(changed->warnings.front().contains(QLatin1String("changed")));

        QVERIFY(QFile::remove(media));
        Result<LoadReport> missing = loadProject(path, q);
        QVERIFY(missing);
        QVERIFY(missing->mediaMissing);
        QVERIFY(missing->warnings.front().contains(media));
        QCOMPARE(q.shots().size(), 3); // the document itself is intact

        QCOMPARE(compareMedia(film180(), film180(), media).size(), 0);
        QCOMPARE(compareMedia(film180(), MediaFingerprint{100, 640, 360, 1000}, media).size(), 1);
    }

    void badFilesAreErrors_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("code");
        QTest::newRow("not json") << QByteArray("{ nope") << int(ErrorCode::CorruptData);
        QTest::newRow("no version") << QByteArray("{\"shots\": []}") << int(ErrorCode::CorruptData);
        QTest::newRow("newer") << QByteArray("{\"formatVersion\": 99}")
                               << int(ErrorCode::UnsupportedFormat);
    }

    void badFilesAreErrors()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, code);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.tincture"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        Project p;
        Result<LoadReport> r = loadProject(path, p);
        QVERIFY(!r);
        QCOMPARE(int(r.error().code), code);
        QVERIFY(r.error().message.contains(path));
    }

    // The working height: a new project gets 480 rows, a saved one keeps its own, a
    // version-2 file (coloured at the film's size) reads as 0, a bad value as 0 with a warning.
    void workingHeightIsSavedAndMigrated()
    {
        QTemporaryDir dir;
        Project p;
        fill(p, dir.filePath(QStringLiteral("film.mp4")));
        QCOMPARE(p.parameters().workingHeight, kProjectWorkingHeight);
        ProjectParameters params = p.parameters();
        params.workingHeight = 360;
        p.setParameters(params);
        const QString path = dir.filePath(QStringLiteral("a.tincture"));
        QVERIFY(saveProject(p, path));
        Project q;
        QVERIFY(loadProject(path, q));
        QCOMPARE(q.parameters().workingHeight, 360);

        auto load = [&](const QByteArray &parameters, int version) {
            const QString file = dir.filePath(QStringLiteral("v.tincture"));
            QFile f(file);
            if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
                return std::make_pair(-1, QStringList{});
            f.write("{\"formatVersion\": " + QByteArray::number(version) +
                    ", \"media\": {\"path\": \"film.mp4\", \"frames\": 10}, "
                    "\"parameters\": " +
                    parameters + ", \"shots\": [{\"first\": 0, \"last\": 9}]}");
            f.close();
            Project r;
            Result<LoadReport> loaded = loadProject(file, r);
            if (!loaded)
                return std::make_pair(-2, QStringList{});
            QStringList warnings = loaded->warnings;
            warnings.removeIf([](const QString &w) { return w.contains(QLatin1String("media")); });
            return std::make_pair(r.parameters().workingHeight, warnings);
        };
        QCOMPARE(load("{\"priorWeight\": 0.01}", 2), std::make_pair(0, QStringList{}));
        QCOMPARE(load("{\"workingHeight\": 720}", 2), std::make_pair(0, QStringList{}));
        QCOMPARE(load("{\"workingHeight\": 720}", 3), std::make_pair(720, QStringList{}));
        QCOMPARE(load("{\"workingHeight\": 0}", 3), std::make_pair(0, QStringList{}));
        for (const char *bad :
             {"{\"workingHeight\": 12}", "{\"workingHeight\": -5}", "{\"workingHeight\": 480.5}",
              "{\"workingHeight\": \"480\"}", "{\"workingHeight\": 1e12}", "{}"}) {
            const auto [height, warnings] = load(bad, 3);
            QCOMPARE(height, 0);
            QCOMPARE(warnings.size(), 1);
            QVERIFY2(warnings.front().contains(QLatin1String("working height")), bad);
        }
    }

    void malformedPartsAreSkippedWithWarnings()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.tincture"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"formatVersion\": 1, \"media\": {\"path\": \"x.mp4\", \"frames\": 100}, "
                "\"shots\": [{\"first\": 0, \"last\": 49, \"keyframes\": [ "
                "{\"frame\": 3, \"strokes\": [{\"tool\": \"paint\", \"colour\": \"#ff0000\", "
                "\"radius\": 4, "
                "\"points\": [1, 2, 3, 4]}, "
                "{\"tool\": \"laser\", \"radius\": 4, \"points\": [1, 2]}]}, "
                "{\"frame\": 77}]}]} ");
        f.close();
        Project p;
        Result<LoadReport> r = loadProject(path, p);
        QVERIFY(r);
        QCOMPARE(r->migratedFrom, 1); // a version-1 file, migrated
        // missing media, unknown tool, keyframe outside its shot, shots not reaching the end
        QCOMPARE(r->warnings.size(), 4);
        QCOMPARE(p.shots().size(), 2);
        QCOMPARE(p.keyframe(3)->strokes.size(), 1);
        QCOMPARE(p.keyframe(3)->strokes.front().points.size(), 2);
    }

    void autosaveAndRecovery()
    {
        QTemporaryDir dir;
        Project p;
        fill(p, dir.filePath(QStringLiteral("film.mp4")));
        // Never saved: the autosave goes to the data location and is offered as an orphan.
        QVERIFY(writeAutosave(p));
        QVERIFY(orphanAutosaves().contains(autosavePath(p)));
        Project recovered;
        QVERIFY(loadProject(autosavePath(p), recovered));
        QCOMPARE(recovered.keyframeFrames(), p.keyframeFrames());
        removeAutosave(p);
        QVERIFY(!orphanAutosaves().contains(autosavePath(p)));

        // Saved: beside the file, newer than it.
        const QString path = dir.filePath(QStringLiteral("a.tincture"));
        QVERIFY(saveProject(p, path));
        p.setFilePath(path);
        QVERIFY(!hasNewerAutosave(path));
        p.undoStack()->push(new AddKeyframeCommand(&p, 150));
        QTest::qWait(20);
        QVERIFY(writeAutosave(p));
        QVERIFY(hasNewerAutosave(path));
        Project r;
        QVERIFY(loadProject(path + QStringLiteral(".autosave"), r));
        QVERIFY(r.keyframe(150));
        QCOMPARE(r.mediaPath(), p.mediaPath());
        removeAutosave(p);
        QVERIFY(!hasNewerAutosave(path));
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestProject)
#include "tst_project.moc"
