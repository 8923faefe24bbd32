#pragma once
// ExportDialog: asks where and how to export the coloured film — H.264 MP4 with the source's
// audio, FFV1/MKV or ProRes/MOV masters, or a PNG sequence; the whole film, the current shot
// or the in/out range. It only gathers the choice; the main window runs the export as a job.
// GUI thread only.

#include "foundation/rational.h"
#include "media/videoencoder.h"

#include <QDialog>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QLineEdit;
class QRadioButton;

namespace tincture::ui {

struct ExportChoice
{
    QString output;
    VideoCodec codec = VideoCodec::H264;
    FrameIndex first = 0;
    FrameIndex last = -1;
    bool withAudio = true;
};

class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Range { Film, Shot, InOut };

    ExportDialog(qint64 frames, QPair<qint64, qint64> shot, QPair<qint64, qint64> inOut,
                 const QString &suggestedPath, QWidget *parent = nullptr);

    ExportChoice choice() const;
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
};

} // namespace tincture::ui
