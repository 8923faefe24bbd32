#pragma once
// Picture fingerprints: what a photograph shows, whatever its file name, size, encoding or crop
// to its centre square, so that the photographs the bundled sample film (and with it the demo,
// the screenshots and the tests' quality checks) is made from stay out of every training set:
// packDataset refuses a photograph whose fingerprint is near one on an exclusion list.
//
// A fingerprint is the 256-bit difference hash of the picture's centre square: its BT.601 luma
// reduced by area averaging to 17×16 and one bit per horizontally adjacent pair (set where the
// left one is brighter). Re-encoding and resizing flip a few bits, a different picture many:
// the sample's three source photographs are 1, 2 and 4 bits from their 160×160 JPEG copies in
// the training set (a quality-60 copy of a darker, flatter picture, in tst_datahygiene, 11),
// and no two different pictures of the training and validation sets came closer than 32
// (models/README.md, "Data hygiene"). Two fingerprints at most kSamePictureBits apart are
// taken for the same picture. A copy cropped differently (not to its centre square) is not
// recognised.
//
// Lists are CSV files: a header "name,fingerprint", then one row per picture (its name, and the
// fingerprint as 64 hexadecimal digits). Pure functions; any thread.

#include "foundation/result.h"
#include "image/frame.h"

#include <QString>

#include <array>
#include <cstdint>
#include <vector>

namespace tincture::lab {

struct Fingerprint
{
    std::array<uint64_t, 4> bits{};
    QString hex() const;
    bool operator==(const Fingerprint &) const = default;
};

inline constexpr int kSamePictureBits = 20;

// The number of bits in which two fingerprints differ (0–256).
int fingerprintDistance(const Fingerprint &a, const Fingerprint &b);

// Of a picture in memory (any format; its luma is used).
Fingerprint fingerprintOf(const Frame &picture);
// Of an 8-bit grey picture given by its rows (the caller's buffer).
Fingerprint fingerprintOfGrey(const uint8_t *grey, int width, int height, size_t stride);
// Of an image file; an error names the file when it cannot be read.
Result<Fingerprint> fingerprintFile(const QString &path);

struct NamedFingerprint
{
    QString name;
    Fingerprint fingerprint;
};

// The closest entry of `list` to `fingerprint` within kSamePictureBits, or null.
const NamedFingerprint *samePicture(const Fingerprint &fingerprint,
                                    const std::vector<NamedFingerprint> &list);

// Reads a list; an error names the file and the line of a malformed row.
Result<std::vector<NamedFingerprint>> readFingerprintList(const QString &path);
// Writes a list atomically (replacing `path`).
Result<void> writeFingerprintList(const QString &path, const std::vector<NamedFingerprint> &list);

} // namespace tincture::lab
