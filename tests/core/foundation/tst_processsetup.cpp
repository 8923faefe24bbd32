// setUpProcess(): OpenMP's wait policy (the user's own wins) and glibc's allocator keeping
// freed memory for reuse.

#include "foundation/processsetup.h"
#include "testmain.h"

#include <QTest>

#include <cstdlib>
#include <vector>

#ifdef __GLIBC__
#include <malloc.h>
#endif

class TestProcessSetup : public QObject
{
    Q_OBJECT

private slots:
    void waitPolicyIsPassiveUnlessSet()
    {
        unsetenv("OMP_WAIT_POLICY");
        tincture::setUpProcess();
        QCOMPARE(qgetenv("OMP_WAIT_POLICY"), QByteArray("PASSIVE"));
        setenv("OMP_WAIT_POLICY", "ACTIVE", 1);
        tincture::setUpProcess();
        QCOMPARE(qgetenv("OMP_WAIT_POLICY"), QByteArray("ACTIVE"));
    }

    void largeBlocksComeFromTheHeapAndStay()
    {
#if !defined(__GLIBC__)
        QSKIP("the allocator settings are glibc's");
#elif defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
        QSKIP("a sanitizer's allocator replaces glibc's");
#else
        tincture::setUpProcess();
        constexpr size_t kBlock = 64u << 20; // twice glibc's largest default mmap threshold
        const struct mallinfo2 before = mallinfo2();
        std::vector<char> *block = new std::vector<char>(kBlock, 1);
        const struct mallinfo2 held = mallinfo2();
        // Not a mapping of its own: the heap (arena) grew instead.
        QCOMPARE(held.hblks, before.hblks);
        QVERIFY(held.arena >= before.arena + kBlock);
        delete block;
        const struct mallinfo2 after = mallinfo2();
        // Freed, and kept: the heap did not shrink back.
        QCOMPARE(after.arena, held.arena);
        QVERIFY(after.fordblks >= kBlock);
#endif
    }
};

TINCTURE_TEST_GUILESS_MAIN(TestProcessSetup)
#include "tst_processsetup.moc"
