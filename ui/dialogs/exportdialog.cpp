#include "dialogs/exportdialog.h"

#include "foundation/outputguard.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tincture::ui {

ExportDialog::ExportDialog(qint64 frames, QPair<qint64, qint64> shot, QPair<qint64, qint64> inOut,
                           const QString &suggestedPath, QWidget *parent)
    : QDialog(parent), m_frames(frames), m_shot(shot), m_inOut(inOut)
{
    setWindowTitle(tr("Export Coloured Film"));
    m_format = new QComboBox(this);
    m_format->setObjectName(QStringLiteral("exportFormat"));
    m_format->addItem(tr("MP4 (H.264) with the source's audio"), int(VideoCodec::H264));
    m_format->addItem(tr("MKV (FFV1, lossless master)"), int(VideoCodec::Ffv1));
    m_format->addItem(tr("MOV (ProRes 422 HQ)"), int(VideoCodec::ProRes));
    m_format->addItem(tr("MOV (ProRes 4444, 10-bit)"), int(VideoCodec::ProRes4444));
    m_format->addItem(tr("PNG image sequence (folder)"), int(VideoCodec::PngSequence));
    m_output = new QLineEdit(suggestedPath, this);
    m_output->setObjectName(QStringLiteral("exportPath"));
    auto *browseButton = new QPushButton(tr("Browse…"), this);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_output, 1);
    pathRow->addWidget(browseButton);

    m_range = new QButtonGroup(this);
    auto *film = new QRadioButton(tr("Whole film (%1 frames)").arg(frames), this);
    auto *shotButton =
        new QRadioButton(tr("Current shot (frames %1–%2)").arg(shot.first).arg(shot.second), this);
    m_inOutButton = new QRadioButton(this);
    const bool haveInOut = inOut.first >= 0 || inOut.second >= 0;
    m_inOutButton->setText(haveInOut ? tr("In/out range (frames %1–%2)")
                                           .arg(std::max<qint64>(0, inOut.first))
                                           .arg(inOut.second >= 0 ? inOut.second : frames - 1)
                                     : tr("In/out range (set with I and O)"));
    m_inOutButton->setEnabled(haveInOut);
    m_range->addButton(film, int(Range::Film));
    m_range->addButton(shotButton, int(Range::Shot));
    m_range->addButton(m_inOutButton, int(Range::InOut));
    film->setChecked(true);
    auto *rangeBox = new QVBoxLayout;
    rangeBox->addWidget(film);
    rangeBox->addWidget(shotButton);
    rangeBox->addWidget(m_inOutButton);
    m_audio = new QCheckBox(tr("Carry the source's audio over"), this);
    m_audio->setChecked(true);
    m_quality = new QSpinBox(this);
    m_quality->setObjectName(QStringLiteral("exportQuality"));
    m_quality->setRange(0, 51);
    m_quality->setValue(OutputSpec{}.h264Crf);
    m_quality->setToolTip(tr("H.264 constant rate factor: lower is better and larger; 16–18 "
                             "is visually lossless, 0 lossless."));

    auto *form = new QFormLayout;
    form->addRow(tr("Format"), m_format);
    form->addRow(tr("Quality (CRF)"), m_quality);
    form->addRow(tr("Output"), pathRow);
    form->addRow(tr("Range"), rangeBox);
    form->addRow(QString(), m_audio);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::syncSuffix);
    connect(m_output, &QLineEdit::textChanged, this, [this] { m_replace = false; });
    syncSuffix();
}

void ExportDialog::accept()
{
    const OutputSpec c = choice();
    if (c.path.isEmpty())
        return;
    Result<void> ok = checkOutput(c.path, m_protected, Existing::Refuse);
    // The export's provenance sidecar is part of it: one left under its name is replaced too.
    const QString sidecar = provenanceSidecarPath(c.path);
    if (ok && pathIsTaken(sidecar))
        ok = makeError(ErrorCode::OutputExists, sidecar);
    if (!ok && ok.error().code == ErrorCode::OutputExists) {
        const QString taken = pathIsTaken(c.path) ? c.path : sidecar;
        QMessageBox ask(QMessageBox::Warning, tr("Replace File?"),
                        tr("“%1” already exists.").arg(taken), QMessageBox::Yes | QMessageBox::No,
                        this);
        ask.setObjectName(QStringLiteral("confirmReplace"));
        ask.setInformativeText(tr("Replacing it loses what it holds now. Replace it?"));
        ask.setDefaultButton(QMessageBox::No);
        ask.button(QMessageBox::Yes)->setText(tr("Replace"));
        if (ask.exec() != QMessageBox::Yes)
            return;
        m_replace = true;
    } else if (!ok) {
        QMessageBox refuse(QMessageBox::Critical, tr("Cannot Export There"), ok.error().message,
                           QMessageBox::Ok, this);
        refuse.setObjectName(QStringLiteral("refuseOutput"));
        refuse.exec();
        return;
    }
    if (m_uncoloured) {
        const QString missing = m_uncoloured(c.first, c.last);
        if (!missing.isEmpty()) {
            QMessageBox ask(QMessageBox::Warning, tr("Export Uncoloured Shots?"), missing,
                            QMessageBox::Yes | QMessageBox::No, this);
            ask.setObjectName(QStringLiteral("confirmUncoloured"));
            ask.setInformativeText(tr("Those frames will go out as they are now. Export "
                                      "anyway?"));
            ask.setDefaultButton(QMessageBox::No);
            ask.button(QMessageBox::Yes)->setText(tr("Export Anyway"));
            if (ask.exec() != QMessageBox::Yes)
                return;
        }
    }
    QDialog::accept();
}

QString ExportDialog::suffixFor(VideoCodec codec)
{
    switch (codec) {
    case VideoCodec::H264:
        return QStringLiteral(".mp4");
    case VideoCodec::Ffv1:
        return QStringLiteral(".mkv");
    case VideoCodec::ProRes:
    case VideoCodec::ProRes4444:
        return QStringLiteral(".mov");
    case VideoCodec::PngSequence:
    case VideoCodec::TiffSequence:
        return {};
    }
    return {};
}

void ExportDialog::syncSuffix()
{
    // Keep the file name, change its extension to the format's.
    const VideoCodec codec = VideoCodec(m_format->currentData().toInt());
    m_audio->setEnabled(!isSequence(codec));
    m_quality->setEnabled(codec == VideoCodec::H264);
    QString path = m_output->text();
    if (path.isEmpty())
        return;
    const QFileInfo fi(path);
    const QString base =
        fi.suffix().isEmpty() ? path : path.left(path.size() - fi.suffix().size() - 1);
    m_output->setText(base + suffixFor(codec));
}

void ExportDialog::browse()
{
    const VideoCodec codec = VideoCodec(m_format->currentData().toInt());
    const QString path =
        isSequence(codec)
            ? QFileDialog::getExistingDirectory(this, tr("Export to Folder"), m_output->text())
            : QFileDialog::getSaveFileName(this, tr("Export"), m_output->text());
    if (path.isEmpty())
        return;
    m_output->setText(path);
    // The file dialog has already asked before choosing an existing file; a folder has not.
    m_replace = !isSequence(codec);
}

void ExportDialog::setCodec(VideoCodec codec)
{
    m_format->setCurrentIndex(m_format->findData(int(codec)));
}

void ExportDialog::setRange(Range range)
{
    if (QAbstractButton *b = m_range->button(int(range)); b && b->isEnabled())
        b->setChecked(true);
}

void ExportDialog::setOutput(const QString &path)
{
    m_output->setText(path);
}

OutputSpec ExportDialog::choice() const
{
    OutputSpec c;
    c.path = m_output->text();
    const VideoCodec codec = VideoCodec(m_format->currentData().toInt());
    c.codec = codec;
    c.h264Crf = m_quality->value();
    c.withAudio = m_audio->isChecked() && !isSequence(codec);
    c.existing = m_replace ? Existing::Replace : Existing::Refuse;
    switch (Range(m_range->checkedId())) {
    case Range::Film:
        c.first = 0;
        c.last = m_frames - 1;
        break;
    case Range::Shot:
        c.first = m_shot.first;
        c.last = m_shot.second;
        break;
    case Range::InOut:
        c.first = std::max<qint64>(0, m_inOut.first);
        c.last = m_inOut.second >= 0 ? m_inOut.second : m_frames - 1;
        break;
    }
    return c;
}

} // namespace tincture::ui
