#pragma once
// The checks a job makes on its output name before it starts, so that it fails at once instead
// of after its work: an output never replaces one of the job's own inputs (the same file under
// another path, through a symbolic or a hard link, a frame of an input image sequence, or a
// folder that holds an input), and replaces nothing else unless the user agreed
// (Existing::Replace). AtomicOutput enforces the second again at its final rename, so a file
// that appears meanwhile is not replaced either. Any thread.

#include "foundation/atomicoutput.h"
#include "foundation/result.h"

#include <QString>
#include <QStringList>

namespace tincture {

// `inputs` are what the job reads: files, folders of frames, or sequence patterns such as
// scans/reel1_%06d.dpx; empty entries and inputs that do not exist are ignored (the job reports
// those itself). Errors: OutputIsInput, OutputExists.
Result<void> checkOutput(const QString &output, const QStringList &inputs, Existing existing);

// `wanted` when nothing is under that name, else the first free "name-2.ext", "name-3.ext", …
// in the same folder: what the studio proposes, so that pressing Export replaces nothing.
QString freeOutputName(const QString &wanted);

// Whether two paths name the same file or folder (after links); false if either is missing.
bool sameFile(const QString &a, const QString &b);

} // namespace tincture
