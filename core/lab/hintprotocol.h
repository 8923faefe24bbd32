#pragma once
// The protocol that scores colourisation from user points (issue 23, docs/EVALUATION.md "User
// points"): each photograph is centre-cropped square and resized (area) to 256×256; N points
// are drawn uniformly at random with a fixed seed per photograph and N, each revealing a 5×5
// patch (wholly inside the picture) filled with the patch's mean true colour. A method sees
// the BT.601 grey and the points; the score is PROTOCOLS §2's chroma-under-true-luma PSNR.
// Pure functions; any thread.

#include "image/frame.h"

#include <QString>

#include <cstdint>

namespace tincture::lab {

inline constexpr int kHintProtocolSide = 256;
inline constexpr int kHintProtocolPatch = 5;

// The photograph's centre square at side × side (Rgb8).
Frame protocolSquare(const Frame &photo, int side = kHintProtocolSide);

// The seed of a photograph's points: FNV-1a of its file name and N.
uint64_t protocolSeed(const QString &name, int points);

// N points of `truth` (Rgb8) as an RGBA image of its size: each a patch × patch square at a
// uniformly random place, in the square's mean colour, alpha 255; transparent elsewhere.
// Points may overlap (a later one wins).
Frame protocolHints(const Frame &truth, int points, uint64_t seed, int patch = kHintProtocolPatch);

} // namespace tincture::lab
