#pragma once
// Strokes (vectors) → the scribble solver's per-pixel inputs: an RGBA hint image (alpha > 0
// marks a colour constraint) and a keep mask (non-zero: keep the model's colour). Strokes
// apply in order, so a later eraser or keep stroke clears earlier paint under it.
//
// Hardness: the hard-constrained core of a stroke has radius × hardness (at least half a
// pixel); the soft rim around it is left to the solver, whose affinities then decide how the
// colour fades there — a soft brush means "about here", a hard one "exactly here".
// Pure function; any thread may call it (painting on QImage needs no GUI thread).

#include "image/frame.h"
#include "project/project.h"

#include <QImage>

namespace tincture::project {

struct StrokeMasks
{
    Frame hints; // Rgba8, width × height
    Frame keep;  // Gray8, width × height
    int hintPixels = 0;
    int keepPixels = 0;
};

StrokeMasks rasteriseStrokes(const QVector<PaintStroke> &strokes, int width, int height);

// The strokes drawn for display (paint in its colour, keep strokes hatched, erasers clear),
// full radius, half transparent; ARGB32 premultiplied, width × height.
QImage strokeOverlay(const QVector<PaintStroke> &strokes, int width, int height);

} // namespace tincture::project
