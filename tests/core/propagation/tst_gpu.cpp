// The GPU paths against their CPU twins. Every function here needs a CUDA device that LibTorch
// sees and reports itself skipped without one (ctest then lists the class as skipped, under
// the gpu label); the CPU fallbacks are tested in tst_latticemethods and tst_latticefilter.

#include "ml/latticefilter.h"
#include "propagation/internal/latticemethods.h"
#include "propagationfixtures.h"
#include "refinerfixture.h"
#include "testmain.h"

#include <QTemporaryDir>
#include <QTest>

using namespace tincture::propagation;

using namespace tincture;
using test::CollectSink;
using test::Difference;
using test::difference;
using test::MemoryShot;
using test::movingShot;

class TestGpu : public QObject
{
    Q_OBJECT
private slots:
    // Where a GPU exists: bnn with its filter on CUDA against the C++ lattice. Atomic adds on
    // the GPU sum in another order, so a rounding tie may pick another simplex: a loose bound.
    void bnnOnGpu()
    {
        auto probe = ml::LatticeFilter::create(4, 3, QStringLiteral("auto"));
        QVERIFY(probe.hasValue());
        if (!(*probe)->onGpu())
            QSKIP("no GPU: the CUDA lattice is checked on machines that have one");
        MemoryShot shot(movingShot(6, 2.0));
        const std::vector<Keyframe> keys{Keyframe{0, shot.colour(0)}};
        CollectSink native, gpu;
        Feedback f1, f2;
        QVERIFY(makeBnnMethod()->propagate(shot, keys, native, f1).hasValue());
        auto onGpu = makeBnnMethodOn(QStringLiteral("cuda"));
        QVERIFY(onGpu.hasValue());
        QVERIFY((*onGpu)->propagate(shot, keys, gpu, f2).hasValue());
        const Difference d = difference(gpu, native);
        QVERIFY2(
            d.largest <= 8 && d.share <= 0.05,
            qPrintable(
                QStringLiteral("up to %1 levels, %2 of the bytes").arg(d.largest).arg(d.share)));
    }

    // Where a GPU exists: vpn with its network (random weights) on CUDA against the CPU.
    void vpnOnGpu()
    {
        auto probe = ml::LatticeFilter::create(4, 3, QStringLiteral("auto"));
        QVERIFY(probe.hasValue());
        if (!(*probe)->onGpu())
            QSKIP("no GPU: vpn on CUDA is checked on machines that have one");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        PropagationMethodOptions cpu;
        cpu.device = QStringLiteral("cpu");
        cpu.vpnPath = test::writeRandomVpnModel(dir.path(), QStringLiteral("v"));
        QVERIFY(!cpu.vpnPath.isEmpty());
        PropagationMethodOptions cuda = cpu;
        cuda.device = QStringLiteral("cuda");
        MemoryShot shot(movingShot(6, 2.0));
        const std::vector<Keyframe> keys{Keyframe{0, shot.colour(0)}};
        CollectSink onCpu, onGpu;
        Feedback f1, f2;
        auto a = createPropagationMethod(QStringLiteral("vpn"), cpu);
        auto b = createPropagationMethod(QStringLiteral("vpn"), cuda);
        QVERIFY(a.hasValue() && b.hasValue());
        QVERIFY((*a)->propagate(shot, keys, onCpu, f1).hasValue());
        QVERIFY((*b)->propagate(shot, keys, onGpu, f2).hasValue());
        const Difference d = difference(onGpu, onCpu);
        QVERIFY2(
            d.largest <= 8 && d.share <= 0.05,
            qPrintable(
                QStringLiteral("up to %1 levels, %2 of the bytes").arg(d.largest).arg(d.share)));
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestGpu)
#include "tst_gpu.moc"
