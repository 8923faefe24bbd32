#pragma once
// Typed settings entries: a key, its default and its type in one place. The application reads
// them (QSettings lives in app/ui); workers receive plain values in their parameters and never
// read settings themselves.

#include <QString>

#include <cstdint>

namespace tincture {

template <typename T> struct SettingEntry
{
    const char *key;
    T defaultValue;
};

namespace settings {
// Frame cache budget: decoded frames kept in memory, whatever the film's length.
inline constexpr SettingEntry<int64_t> kFrameCacheBytes{"media/frameCacheBytes", 1LL << 30};
// Largest frame accepted from a file (a header claiming more is refused, not allocated).
inline constexpr SettingEntry<int> kMaxFrameSide{"media/maxFrameSide", 8192};
inline constexpr SettingEntry<int64_t> kMaxFramePixels{"media/maxFramePixels", 8192LL * 4608};
} // namespace settings

} // namespace tincture
