#pragma once
// main() for the test classes: QTEST_MAIN's set-up, and a skipped test function reported to
// ctest as a skip. Qt Test counts a QSKIP as a pass, so a class whose tool, data or GPU is
// missing would read "Passed" in ctest's summary; these mains exit with kSkippedExitCode
// instead when a function skipped and none failed, and tincture_add_test sets it as the test's
// SKIP_RETURN_CODE.

#include "testsupport.h"

#include <QCoreApplication>
#include <QTest>

#define TINCTURE_TEST_MAIN_WITH(AppClass, TestClass)                                               \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        AppClass app(argc, argv);                                                                  \
        app.setAttribute(Qt::AA_Use96Dpi, true);                                                   \
        TestClass test;                                                                            \
        QTEST_SET_MAIN_SOURCE_PATH                                                                 \
        return tincture::test::execReportingSkips(&test, argc, argv);                              \
    }

// As QTEST_MAIN: the richest application the test links.
#if defined(QT_WIDGETS_LIB)
#include <QApplication>
#define TINCTURE_TEST_MAIN(TestClass) TINCTURE_TEST_MAIN_WITH(QApplication, TestClass)
#elif defined(QT_GUI_LIB)
#include <QGuiApplication>
#define TINCTURE_TEST_MAIN(TestClass) TINCTURE_TEST_MAIN_WITH(QGuiApplication, TestClass)
#else
#define TINCTURE_TEST_MAIN(TestClass) TINCTURE_TEST_MAIN_WITH(QCoreApplication, TestClass)
#endif
#define TINCTURE_TEST_GUILESS_MAIN(TestClass) TINCTURE_TEST_MAIN_WITH(QCoreApplication, TestClass)
