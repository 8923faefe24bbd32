// tincture: the studio. `tincture [FILE]` opens the window with FILE (footage or a project).

#include "foundation/processsetup.h"
#include "shell/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

int main(int argc, char **argv)
{
    tincture::setUpProcess();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Tincture"));
    QApplication::setOrganizationName(QStringLiteral("Tincture"));
    QApplication::setApplicationVersion(QStringLiteral(TINCTURE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.tincture.Tincture"));
    QApplication::setWindowIcon(
        QIcon::fromTheme(QStringLiteral("org.tincture.Tincture"),
                         QIcon(QStringLiteral(":/icons/org.tincture.Tincture.png"))));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Tincture: colourise black-and-white film."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("file"),
        QStringLiteral("Footage (a film or image folder) or a project (.tincture) to open."),
        QStringLiteral("[FILE]"));
    parser.process(app);

    tincture::ui::MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openFile(parser.positionalArguments().front());
    return app.exec();
}
