#pragma once
// ExportDialog: asks where and how to export the coloured film — H.264 MP4 (with its quality)
// with the source's audio, FFV1/MKV or ProRes/MOV masters, or a PNG sequence; the whole film,
// the current shot or the in/out range. It only gathers the choice, as the OutputSpec that the
// CLI's flags fill in too; the main window runs the export as a job.
// Before it closes with Export it refuses an output that is one of the protected paths (the
// footage, the project, the reference, the cache), asks before replacing an existing file (the
// dialog stays open on No), and asks before exporting a range with shots not coloured yet.
// GUI thread only.

#include "foundation/rational.h"
#include "media/outputspec.h"

#include <QDialog>

#include <functional>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QLineEdit;
class QRadioButton;
class QSpinBox;

namespace tincture::ui {

class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Range { Film, Shot, InOut };

    ExportDialog(qint64 frames, QPair<qint64, qint64> shot, QPair<qint64, qint64> inOut,
                 const QString &suggestedPath, QWidget *parent = nullptr);

    // What Export must not replace, and a description of the shots in [first, last] that have
    // no current colour (empty when every shot has), for the confirmations.
    void setProtectedPaths(const QStringList &paths) { m_protected = paths; }
    void setUncolouredCheck(std::function<QString(FrameIndex, FrameIndex)> check)
    {
        m_uncoloured = std::move(check);
    }
    void accept() override;

    // existing is Replace only when the user agreed to replace what is under the path.
    OutputSpec choice() const;
    void setCodec(VideoCodec codec);
    void setRange(Range range);
    void setOutput(const QString &path);

    static QString suffixFor(VideoCodec codec); // ".mp4", ".mkv", ".mov", "" (folder)

private:
    void browse();
    void syncSuffix();

    qint64 m_frames;
    QPair<qint64, qint64> m_shot;
    QPair<qint64, qint64> m_inOut;
    QComboBox *m_format;
    QLineEdit *m_output;
    QButtonGroup *m_range;
    QRadioButton *m_inOutButton;
    QCheckBox *m_audio;
    QSpinBox *m_quality; // H.264 CRF
    QStringList m_protected;
    std::function<QString(FrameIndex, FrameIndex)> m_uncoloured;
    bool m_replace = false; // the user agreed to replace the file now under the output name
};

} // namespace tincture::ui
