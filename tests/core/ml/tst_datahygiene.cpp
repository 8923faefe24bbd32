// Data hygiene: picture fingerprints recognise a photograph however it was renamed, resized or
// re-encoded; packing training data leaves out what the exclusion list names; and no shipped
// model lists, among the pictures it was trained on, one of the sample film's photographs.

#include "lab/dataset.h"
#include "lab/fingerprint.h"
#include "media/imageio.h"
#include "media/videosource.h"
#include "ml/modelmanifest.h"
#include "testsupport.h"
#include "testmain.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace tincture;
using namespace tincture::lab;

namespace {

QString colourSample()
{
    return test::sourceDir() + QStringLiteral("/resources/samples/sample_colour.mp4");
}

Frame sampleFrame(FrameIndex index)
{
    auto source = VideoSource::open(colourSample());
    if (!source)
        return {};
    Result<Frame> frame = (*source)->frame(index);
    return frame ? frame->converted(PixelFormat::Rgb8) : Frame();
}

QImage toImage(const Frame &rgb)
{
    QImage image(rgb.width(), rgb.height(), QImage::Format_RGB888);
    for (int y = 0; y < rgb.height(); ++y)
        std::memcpy(image.scanLine(y), rgb.constRow(y), size_t(rgb.width()) * 3);
    return image;
}

// What a training set makes of a photograph: its centre square at 160×160, as a JPEG.
QByteArray trainingCopy(const Frame &rgb, int quality = 75)
{
    const QImage image = toImage(rgb);
    const int side = std::min(image.width(), image.height());
    const QImage square =
        image.copy((image.width() - side) / 2, (image.height() - side) / 2, side, side)
            .scaled(160, 160, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    square.save(&buffer, "JPEG", quality);
    return bytes;
}

} // namespace

class TestDataHygiene : public QObject
{
    Q_OBJECT
private slots:
    // The same picture is a few bits away after a 160×160 JPEG copy or halving; the three
    // shots of the sample (different pictures) are far apart.
    void fingerprintsRecogniseCopies()
    {
        const Frame a = sampleFrame(0), b = sampleFrame(60), c = sampleFrame(120);
        QVERIFY(!a.isNull() && !b.isNull() && !c.isNull());
        const Fingerprint fa = fingerprintOf(a);
        QTemporaryDir dir;
        const QString copy = dir.filePath(QStringLiteral("copy.jpg"));
        QFile f(copy);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(trainingCopy(a, 60));
        f.close();
        Result<Fingerprint> fromFile = fingerprintFile(copy);
        QVERIFY(fromFile);
        const QImage half =
            toImage(a).scaled(320, 180, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        Frame halfFrame(320, 180, PixelFormat::Rgb8);
        for (int y = 0; y < 180; ++y)
            std::memcpy(halfFrame.row(y), half.constScanLine(y), 320 * 3);
        qInfo("same picture: JPEG copy %d bits, half size %d bits; other shots %d and %d bits",
              fingerprintDistance(fa, *fromFile), fingerprintDistance(fa, fingerprintOf(halfFrame)),
              fingerprintDistance(fa, fingerprintOf(b)), fingerprintDistance(fa, fingerprintOf(c)));
        QVERIFY(fingerprintDistance(fa, *fromFile) <= kSamePictureBits);
        QVERIFY(fingerprintDistance(fa, fingerprintOf(halfFrame)) <= kSamePictureBits);
        QVERIFY(fingerprintDistance(fa, fingerprintOf(b)) > 2 * kSamePictureBits);
        QVERIFY(fingerprintDistance(fa, fingerprintOf(c)) > 2 * kSamePictureBits);
        QVERIFY(fingerprintDistance(fingerprintOf(b), fingerprintOf(c)) > 2 * kSamePictureBits);
    }

    // A list survives writing and reading; a malformed one is refused, naming file and line.
    void listsRoundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("l.csv"));
        const std::vector<NamedFingerprint> list{
            {QStringLiteral("a, b.png"), fingerprintOf(sampleFrame(0))},
            {QStringLiteral("c.jpg"), fingerprintOf(sampleFrame(60))}};
        QVERIFY(writeFingerprintList(path, list));
        auto back = readFingerprintList(path);
        QVERIFY(back);
        QCOMPARE(back->size(), size_t(2));
        QCOMPARE(back->at(0).name, list[0].name);
        QVERIFY(back->at(0).fingerprint == list[0].fingerprint);
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        f.write("d.png,12345\n");
        f.close();
        auto bad = readFingerprintList(path);
        QVERIFY(!bad);
        QVERIFY(bad.error().message.contains(path));
        QVERIFY(bad.error().message.contains(QLatin1String("line 4")));
    }

    // Packing leaves out a photograph that is on the exclusion list by content: renamed,
    // smaller and re-encoded; the warning names both; the packed list has the others.
    void packingLeavesOutExcludedPictures()
    {
        QTemporaryDir dir;
        const QString photos = dir.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(photos));
        const Frame key = sampleFrame(60);
        QFile f(photos + QStringLiteral("/holiday.jpg"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(trainingCopy(key));
        f.close();
        QVERIFY(writeImage(photos + QStringLiteral("/a.png"), sampleFrame(0)));
        QVERIFY(writeImage(photos + QStringLiteral("/c.png"), sampleFrame(120)));
        const std::vector<NamedFingerprint> exclude{
            {QStringLiteral("coffee.png"), fingerprintOf(key)}};
        Feedback feedback;
        auto report =
            packDataset(photos, dir.filePath(QStringLiteral("t.tcds")), 32, feedback, exclude);
        QVERIFY2(report, report ? "" : qPrintable(report.error().message));
        QCOMPARE(report->packed, 2);
        QCOMPARE(report->excluded, 1);
        QCOMPARE(report->pictures.size(), size_t(2));
        QCOMPARE(report->pictures[0].name, QStringLiteral("a.png"));
        QCOMPARE(report->pictures[1].name, QStringLiteral("c.png"));
        QCOMPARE(feedback.warnings().size(), qsizetype(1));
        QVERIFY(feedback.warnings().front().contains(QLatin1String("holiday.jpg")));
        QVERIFY(feedback.warnings().front().contains(QLatin1String("coffee.png")));
        // Without the list it is packed.
        Feedback all;
        auto plain = packDataset(photos, dir.filePath(QStringLiteral("u.tcds")), 32, all);
        QVERIFY(plain);
        QCOMPARE(plain->packed, 3);
    }

    // Every shipped model that lists the pictures it was trained on lists none of the
    // sample's photographs. A model without a list is reported as not checked (skipped).
    void shippedModelsWereNotTrainedOnTheSample()
    {
        auto sources = readFingerprintList(test::sourceDir() +
                                           QStringLiteral("/resources/samples/sources.csv"));
        QVERIFY2(sources, sources ? "" : qPrintable(sources.error().message));
        QCOMPARE(sources->size(), size_t(3));
        const QDir models(test::sourceDir() + QStringLiteral("/models"));
        QStringList unchecked;
        int checked = 0;
        for (const QString &name : models.entryList({QStringLiteral("*.json")}, QDir::Files)) {
            QFile file(models.filePath(name));
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QJsonObject manifest = QJsonDocument::fromJson(file.readAll()).object();
            if (manifest.value(QStringLiteral("format")) != QLatin1String("tincture-model"))
                continue; // figures beside a model, not a model
            const QJsonObject training = manifest.value(QStringLiteral("training")).toObject();
            const QString list = training.value(QStringLiteral("dataList")).toString();
            if (list.isEmpty()) {
                unchecked << name;
                continue;
            }
            auto pictures = readFingerprintList(models.filePath(list));
            QVERIFY2(pictures, pictures ? "" : qPrintable(pictures.error().message));
            QVERIFY(!pictures->empty());
            for (const NamedFingerprint &p : *pictures) {
                const NamedFingerprint *same = samePicture(p.fingerprint, *sources);
                QVERIFY2(!same, qPrintable(QStringLiteral("%1 was trained on %2, the sample's %3")
                                               .arg(name, p.name, same ? same->name : QString())));
            }
            ++checked;
        }
        if (!unchecked.isEmpty())
            QSKIP(qPrintable(QStringLiteral("%1 checked; %2 list no training pictures (trained "
                                            "before the lists were kept, on photographs that "
                                            "include the sample's: models/README.md)")
                                 .arg(checked)
                                 .arg(unchecked.join(QStringLiteral(", ")))));
    }
};

TINCTURE_TEST_MAIN(TestDataHygiene)
#include "tst_datahygiene.moc"
