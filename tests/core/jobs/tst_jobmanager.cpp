// JobManager: work runs off the calling thread, outcomes come back on it, progress and ETA are
// reported, cancel works, a twin with the same key replaces the stale job, failures stay
// listed, shutdown cancels and waits.

#include "jobs/jobmanager.h"
#include "testmain.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace tincture;
using namespace tincture::jobs;

namespace {
// A job that reports `steps` steps of `stepMs` each and polls cancellation between them.
std::function<Result<int>(Feedback &)> countingWork(int steps, int stepMs,
                                                    std::atomic<int> *ran = nullptr)
{
    return [=](Feedback &feedback) -> Result<int> {
        for (int i = 0; i < steps; ++i) {
            if (feedback.isCancelled())
                return Error::cancelled();
            QThread::msleep(stepMs);
            if (ran)
                ++*ran;
            feedback.reportProgress(i + 1, steps);
        }
        return steps;
    };
}
} // namespace

class TestJobManager : public QObject
{
    Q_OBJECT
private slots:
    void runsOffThreadAndDeliversOnCaller()
    {
        JobManager manager(2);
        Qt::HANDLE workerThread = nullptr;
        Qt::HANDLE doneThread = nullptr;
        int value = 0;
        Job *job = manager.submit<int>(
            {QStringLiteral("test"), QStringLiteral("answer")}, QStringLiteral("Answer"),
            [&](Feedback &) -> Result<int> {
                workerThread = QThread::currentThreadId();
                return 42;
            },
            [&](Result<int> r) {
                doneThread = QThread::currentThreadId();
                value = r ? *r : -1;
            });
        QVERIFY(job);
        QSignalSpy finished(job, &Job::finished);
        QVERIFY(finished.wait(5000));
        QCOMPARE(value, 42);
        QVERIFY(workerThread != QThread::currentThreadId());
        QCOMPARE(doneThread, QThread::currentThreadId());
        QCOMPARE(job->state(), JobState::Succeeded);
        QCOMPARE(job->fraction(), 1.0);
    }

    void reportsProgressAndEta()
    {
        JobManager manager(1);
        Job *job = manager.submit<int>({QStringLiteral("t"), QStringLiteral("p")},
                                       QStringLiteral("Progress"), countingWork(20, 50));
        QTRY_VERIFY_WITH_TIMEOUT(job->state() == JobState::Running && job->fraction() > 0.2, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(job->etaSeconds().has_value(), 5000);
        // 20 steps of 50 ms: whatever is left is under a second (and never negative).
        QVERIFY(*job->etaSeconds() >= 0.0);
        QVERIFY(*job->etaSeconds() < 2.0);
        QVERIFY(manager.waitForIdle(10000));
        QCOMPARE(job->state(), JobState::Succeeded);
    }

    void cancelStopsTheWork()
    {
        JobManager manager(1);
        std::atomic<int> ran{0};
        bool delivered = false;
        bool wasCancelled = false;
        Job *job =
            manager.submit<int>({QStringLiteral("t"), QStringLiteral("c")}, QStringLiteral("Long"),
                                countingWork(1000, 10, &ran), [&](Result<int> r) {
                                    delivered = true;
                                    wasCancelled = !r && r.error().isCancelled();
                                });
        QTRY_VERIFY_WITH_TIMEOUT(ran.load() > 2, 5000);
        job->cancel();
        QVERIFY(manager.waitForIdle(5000));
        QCOMPARE(job->state(), JobState::Cancelled);
        QVERIFY(ran.load() < 1000);
        QVERIFY(delivered);
        QVERIFY(wasCancelled);
    }

    void twinReplacesStaleJob()
    {
        JobManager manager(2);
        int firstDelivered = 0, secondDelivered = 0;
        const JobKey key{QStringLiteral("keyframe 0"), QStringLiteral("solve")};
        Job *first = manager.submit<int>(key, QStringLiteral("Solve 1"), countingWork(500, 10),
                                         [&](Result<int>) { ++firstDelivered; });
        QPointer<Job> firstPtr(first);
        Job *second = manager.submit<int>(key, QStringLiteral("Solve 2"), countingWork(3, 10),
                                          [&](Result<int> r) { secondDelivered = r ? *r : -1; });
        QVERIFY(first->isSuperseded());
        QCOMPARE(manager.find(key), second);
        QVERIFY(manager.waitForIdle(10000));
        QCOMPARE(secondDelivered, 3);
        QCOMPARE(firstDelivered, 0);                       // the stale outcome is dropped
        QTRY_VERIFY_WITH_TIMEOUT(firstPtr.isNull(), 2000); // and the stale job leaves the list
        QVERIFY(!manager.jobs().contains(firstPtr.data()));
    }

    void failureStaysListedWithItsError()
    {
        JobManager manager(1);
        manager.setLingerMs(10);
        Job *bad = manager.submit<int>({QStringLiteral("t"), QStringLiteral("bad")},
                                       QStringLiteral("Bad"), [](Feedback &) -> Result<int> {
                                           return makeError(ErrorCode::FileNotFound,
                                                            QStringLiteral("x.mp4 is missing"));
                                       });
        Job *good = manager.submit<int>({QStringLiteral("t"), QStringLiteral("good")},
                                        QStringLiteral("Good"), countingWork(1, 1));
        QPointer<Job> goodPtr(good);
        QVERIFY(manager.waitForIdle(5000));
        QCOMPARE(bad->state(), JobState::Failed);
        QCOMPARE(bad->error().message, QStringLiteral("x.mp4 is missing"));
        QTRY_VERIFY_WITH_TIMEOUT(goodPtr.isNull(), 2000); // succeeded jobs go after lingering
        QTest::qWait(50);
        QVERIFY(manager.jobs().contains(bad)); // failed ones stay
        manager.clearFinished();
        QVERIFY(manager.jobs().isEmpty());
    }

    void exceptionBecomesError()
    {
        JobManager manager(1);
        Job *job = manager.submit<int>(
            {QStringLiteral("t"), QStringLiteral("throw")}, QStringLiteral("Throws"),
            [](Feedback &) -> Result<int> { throw std::runtime_error("boom"); });
        QVERIFY(manager.waitForIdle(5000));
        QCOMPARE(job->state(), JobState::Failed);
        QVERIFY(job->error().detail.contains(QLatin1String("boom")));
    }

    void shutdownCancelsAndWaits()
    {
        std::atomic<int> ran{0};
        std::atomic<bool> returned{false};
        bool delivered = false;
        {
            JobManager manager(2);
            for (int i = 0; i < 3; ++i)
                manager.submit<int>(
                    {QStringLiteral("t"), QString::number(i)}, QStringLiteral("Long"),
                    [&](Feedback &fb) -> Result<int> {
                        auto r = countingWork(100000, 5, &ran)(fb);
                        returned = true;
                        return r;
                    },
                    [&](Result<int>) { delivered = true; });
            QTRY_VERIFY_WITH_TIMEOUT(ran.load() > 3, 5000);
            manager.shutdown();
            QVERIFY(returned.load()); // the workers have ended before shutdown returns
            QCOMPARE(manager.activeCount(), 0);
            QVERIFY(!manager.submit<int>({QStringLiteral("t"), QStringLiteral("late")},
                                         QStringLiteral("Late"), countingWork(1, 1)));
        }
        QVERIFY(!delivered); // nothing is delivered after shutdown
        QVERIFY(ran.load() < 100000);
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestJobManager)
#include "tst_jobmanager.moc"
