#include "foundation/rational.h"
#include "foundation/result.h"
#include "testmain.h"

#include <QTest>

using namespace tincture;

class TestRational : public QObject
{
    Q_OBJECT
private slots:
    void parse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<qint64>("num");
        QTest::addColumn<qint64>("den");
        QTest::newRow("ntsc") << "24000/1001" << true << qint64(24000) << qint64(1001);
        QTest::newRow("reduced") << "50/2" << true << qint64(25) << qint64(1);
        QTest::newRow("integer") << "30" << true << qint64(30) << qint64(1);
        QTest::newRow("decimal") << "12.5" << true << qint64(25) << qint64(2);
        QTest::newRow("zero-den") << "24/0" << false << qint64(0) << qint64(0);
        QTest::newRow("negative") << "-24" << false << qint64(0) << qint64(0);
        QTest::newRow("junk") << "fast" << false << qint64(0) << qint64(0);
        QTest::newRow("three-parts") << "1/2/3" << false << qint64(0) << qint64(0);
    }
    void parse()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        const std::optional<Rational> r = Rational::fromString(text);
        QCOMPARE(r.has_value(), valid);
        QFETCH(qint64, num);
        QFETCH(qint64, den);
        if (valid) {
            QCOMPARE(r->num, num);
            QCOMPARE(r->den, den);
        }
    }
    void toStringReduces()
    {
        QCOMPARE(Rational({48000, 2002}).toString(), QStringLiteral("24000/1001"));
        QCOMPARE(Rational({25, 1}).toString(), QStringLiteral("25/1"));
        QVERIFY(qAbs(Rational({30000, 1001}).toDouble() - 29.97002997) < 1e-6);
        QVERIFY(Rational({2, 4}) == Rational({1, 2}));
    }
    void resultCarriesValueOrError()
    {
        Result<int> ok = 42;
        QVERIFY(ok.hasValue());
        QCOMPARE(*ok, 42);
        Result<int> bad = makeError(ErrorCode::FileNotFound, QStringLiteral("a.mp4: no such file"),
                                    QStringLiteral("ENOENT"));
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::FileNotFound);
        QCOMPARE(describe(bad.error()), QStringLiteral("a.mp4: no such file (ENOENT)"));
        QVERIFY(Error::cancelled().isCancelled());
        Result<void> v;
        QVERIFY(v.hasValue());
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestRational)
#include "tst_rational.moc"
