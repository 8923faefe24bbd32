// The studio shell driven through its real widgets: open the sample, step and seek with the
// keyboard, check the picture, grab the window. Runs offscreen and, in CI, under Xvfb (xcb).

#include "shell/mainwindow.h"
#include "testsupport.h"
#include "timeline/transportbar.h"
#include "viewer/viewerwidget.h"

#include <QApplication>
#include <QLabel>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include "guitestsupport.h"

using namespace tincture;
using namespace tincture::ui;
using tincture::test::distinctColours;

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        qputenv("TINCTURE_NO_DIALOGS", "1");
    }

    void opensSampleAndNavigates()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window)); // shortcuts need the active window
        QSignalSpy opened(&window, &MainWindow::fileOpened);
        window.openFile(test::samplePath());
        QVERIFY(opened.wait(20000));
        QVERIFY(window.windowTitle().contains(QLatin1String("sample.mp4")));
        QVERIFY(window.windowTitle().contains(QLatin1String("Tincture")));
        QCOMPARE(window.frameCount(), qint64(180));
        QTRY_COMPARE_WITH_TIMEOUT(window.displayedFrame(), qint64(0), 10000);
        QVERIFY(!window.viewer()->image().isNull());
        QCOMPARE(window.viewer()->image().width(), 640);

        QTest::keyClick(&window, Qt::Key_Right);
        QTRY_COMPARE_WITH_TIMEOUT(window.displayedFrame(), qint64(1), 10000);
        QTest::keyClick(&window, Qt::Key_End);
        QTRY_COMPARE_WITH_TIMEOUT(window.displayedFrame(), qint64(179), 10000);
        QTest::keyClick(&window, Qt::Key_Left);
        QTRY_COMPARE_WITH_TIMEOUT(window.displayedFrame(), qint64(178), 10000);
        QTest::keyClick(&window, Qt::Key_Home);
        QTRY_COMPARE_WITH_TIMEOUT(window.displayedFrame(), qint64(0), 10000);
        auto *timecode = window.findChild<QLabel *>(QStringLiteral("timecode"));
        QVERIFY(timecode);
        QVERIFY(timecode->text().startsWith(QLatin1String("00:00:00:00")));

        // Scrubbing fast: many requests, the last one wins and is what is shown.
        for (int i = 10; i <= 100; i += 3)
            window.seek(i);
        QTRY_COMPARE_WITH_TIMEOUT(window.displayedFrame(), qint64(100), 10000);

        // Playback advances and stops again.
        QTest::keyClick(&window, Qt::Key_Space);
        QVERIFY(window.isPlaying());
        QTRY_VERIFY_WITH_TIMEOUT(window.displayedFrame() > 102, 10000);
        QTest::keyClick(&window, Qt::Key_Space);
        QVERIFY(!window.isPlaying());

        // The window as a user sees it is not blank.
        QTest::keyClick(&window, Qt::Key_F);
        QTest::qWait(100);
        const QImage shot = window.grab().toImage();
        QVERIFY(distinctColours(shot) > 50);
        const QString out = qEnvironmentVariable("TINCTURE_SCREENSHOT");
        if (!out.isEmpty())
            shot.save(out);
    }

    void badFileIsReportedNotCrashed()
    {
        MainWindow window;
        window.show();
        QTemporaryDir dir;
        const QString junk = dir.filePath(QStringLiteral("junk.mp4"));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(5000, 'x'));
        f.close();
        window.openFile(junk);
        QTRY_VERIFY_WITH_TIMEOUT(!window.viewer()->image().isNull() ||
                                     window.statusBar()->currentMessage().contains(junk),
                                 10000);
        QVERIFY(window.currentFile().isEmpty());
        QCOMPARE(window.frameCount(), qint64(0));
    }

    void timecodeFormat()
    {
        QCOMPARE(TransportBar::timecode(0, {24000, 1001}), QStringLiteral("00:00:00:00"));
        QCOMPARE(TransportBar::timecode(25, {25, 1}), QStringLiteral("00:00:01:00"));
        QCOMPARE(TransportBar::timecode(25 * 3661 + 7, {25, 1}), QStringLiteral("01:01:01:07"));
    }
};

int main(int argc, char **argv)
{
    // Under the xcb platform a display is needed; the suite's command provides one (xvfb-run).
    if (qgetenv("QT_QPA_PLATFORM") == "xcb" && qEnvironmentVariableIsEmpty("DISPLAY")) {
        fprintf(stderr, "tst_mainwindow: QT_QPA_PLATFORM=xcb but no DISPLAY; run under xvfb-run\n");
        return tincture::test::kSkippedExitCode;
    }
    QApplication app(argc, argv);
    TestMainWindow test;
    return tincture::test::execReportingSkips(&test, argc, argv);
}
#include "tst_mainwindow.moc"
