// Shot detection on real footage that has no cuts: the dev set's sequences (camera motion,
// occlusion, lighting changes) must each come out as one shot. The data is not in the tree:
// TINCTURE_DEV_VIDEO names its folder, and without it the test reports itself skipped.

#include "media/imageio.h"
#include "propagation/shotdetection.h"
#include "propagationfixtures.h"
#include "testmain.h"

#include <QDir>
#include <QTest>

using namespace tincture::propagation;

using namespace tincture;
using test::describeShots;

namespace {

} // namespace

class TestShotDetectionDev : public QObject
{
    Q_OBJECT
private slots:
    // Real footage without cuts (camera motion, occlusion, lighting): no cut may be found.
    void devSequencesHaveNoCuts()
    {
        const QString path = qEnvironmentVariable("TINCTURE_DEV_VIDEO");
        if (path.isEmpty())
            QSKIP("TINCTURE_DEV_VIDEO is not set (the dev set: one folder of JPEG frames per "
                  "sequence)");
        const QDir dev(path);
        QVERIFY2(dev.exists(), qPrintable(path + QStringLiteral(": no such folder")));
        QVERIFY2(!dev.entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty(),
                 qPrintable(path + QStringLiteral(": no sequences")));
        for (const QString &name : dev.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
            const QDir seq(dev.filePath(name));
            ShotDetector detector;
            for (const QString &file :
                 seq.entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name)) {
                auto frame = readImage(seq.filePath(file));
                QVERIFY(frame.hasValue());
                detector.add(frame->luma());
            }
            const auto shots = detector.finish();
            QVERIFY2(shots.size() == 1,
                     qPrintable(name + QStringLiteral(": ") + describeShots(shots)));
        }
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestShotDetectionDev)
#include "tst_shotdetection_dev.moc"
