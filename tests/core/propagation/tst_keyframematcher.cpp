// Global matching to a keyframe (PatchMatch): content moved anywhere is found with its colour
// and a high confidence, content the keyframe does not hold gets a low one, and runs repeat.
#include "propagation/internal/keyframematcher.h"
#include "testmain.h"

#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <random>

using namespace tincture::propagation::detail;

namespace {

// A keyframe of textured grey with a chroma that varies smoothly across it.
void keyframe(cv::Mat &grey, cv::Mat &chroma)
{
    grey.create(96, 128, CV_8UC1);
    chroma.create(96, 128, CV_32FC2);
    std::mt19937 random(5);
    cv::Mat noise(24, 32, CV_8UC1);
    for (int y = 0; y < noise.rows; ++y)
        for (int x = 0; x < noise.cols; ++x)
            noise.at<uint8_t>(y, x) = uint8_t(random() % 256u);
    for (int y = 0; y < grey.rows; ++y)
        for (int x = 0; x < grey.cols; ++x) {
            grey.at<uint8_t>(y, x) = noise.at<uint8_t>(y / 4, x / 4);
            chroma.at<cv::Vec2f>(y, x) = cv::Vec2f(60.0f + float(x), 60.0f + float(y));
        }
}

// The frame with its left and right halves swapped.
cv::Mat swapped(const cv::Mat &m)
{
    cv::Mat out(m.size(), m.type());
    const int half = m.cols / 2;
    m.colRange(0, half).copyTo(out.colRange(m.cols - half, m.cols));
    m.colRange(half, m.cols).copyTo(out.colRange(0, m.cols - half));
    return out;
}

} // namespace

class TestKeyframeMatcher : public QObject
{
    Q_OBJECT
private slots:
    void findsMovedContent()
    {
        cv::Mat grey, chroma;
        keyframe(grey, chroma);
        KeyframeMatcher matcher;
        matcher.setKeyframe(grey, chroma);
        cv::Mat matched, confidence;
        matcher.match(swapped(grey), matched, confidence);
        QCOMPARE(matched.size(), cv::Size(32, 24));
        QCOMPARE(matcher.reducedSize(), cv::Size(32, 24));
        cv::Mat truth;
        cv::resize(swapped(chroma), truth, matched.size(), 0, 0, cv::INTER_AREA);
        int right = 0, interior = 0;
        double sure = 0.0;
        for (int y = 2; y < 22; ++y)
            for (int x = 2; x < 30; ++x) {
                if (x >= 14 && x <= 17) // the seam: patches there exist nowhere in the keyframe
                    continue;
                ++interior;
                const cv::Vec2f d = matched.at<cv::Vec2f>(y, x) - truth.at<cv::Vec2f>(y, x);
                right += std::abs(d[0]) < 1.0f && std::abs(d[1]) < 1.0f;
                sure += confidence.at<float>(y, x);
            }
        qInfo("%d of %d pixels matched exactly, mean confidence %.3f", right, interior,
              sure / interior);
        QVERIFY(right > interior * 9 / 10);
        QVERIFY(sure / interior > 0.9);

        // Noise the keyframe never held: little confidence.
        cv::Mat other(grey.size(), CV_8UC1);
        cv::randu(other, 0, 256);
        matcher.setKeyframe(grey, chroma);
        matcher.match(other, matched, confidence);
        QVERIFY(cv::mean(confidence)[0] < 0.2);
    }

    void repeats()
    {
        cv::Mat grey, chroma;
        keyframe(grey, chroma);
        cv::Mat a, ka, b, kb;
        KeyframeMatcher first, second;
        first.setKeyframe(grey, chroma);
        second.setKeyframe(grey, chroma);
        for (int i = 0; i < 2; ++i) {
            first.match(swapped(grey), a, ka);
            second.match(swapped(grey), b, kb);
            QCOMPARE(cv::norm(a, b, cv::NORM_INF), 0.0);
            QCOMPARE(cv::norm(ka, kb, cv::NORM_INF), 0.0);
        }
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestKeyframeMatcher)
#include "tst_keyframematcher.moc"
