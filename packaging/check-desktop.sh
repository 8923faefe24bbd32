#!/bin/sh
# The desktop integration as it ships: the desktop file and the AppStream metadata validate,
# and the icon the desktop file names exists in every hicolor size, each PNG of its folder's
# size. Exit 77 (ctest: skipped) without desktop-file-validate or appstreamcli.
# usage: packaging/check-desktop.sh
set -eu
here=$(cd "$(dirname "$0")/linux" && pwd)
for tool in desktop-file-validate appstreamcli; do
  command -v "$tool" >/dev/null || { echo "check-desktop: skipped: $tool is not installed"; exit 77; }
done
desktop-file-validate "$here/org.tincture.Tincture.desktop"
appstreamcli validate --no-net "$here/org.tincture.Tincture.metainfo.xml"
icon=$(sed -n 's/^Icon=//p' "$here/org.tincture.Tincture.desktop")
[ -f "$here/icons/hicolor/scalable/apps/$icon.svg" ] || { echo "no scalable $icon.svg"; exit 1; }
for size in 16 24 32 48 64 128 256 512; do
  png="$here/icons/hicolor/${size}x${size}/apps/$icon.png"
  [ -f "$png" ] || { echo "no ${size}x${size} $icon.png"; exit 1; }
  # PNG: width and height are the big-endian words at bytes 16 and 20.
  set -- $(od -An -tu1 -j16 -N8 "$png")
  w=$(( ($1 << 24) | ($2 << 16) | ($3 << 8) | $4 )); h=$(( ($5 << 24) | ($6 << 16) | ($7 << 8) | $8 ))
  [ "$w" -eq "$size" ] && [ "$h" -eq "$size" ] || { echo "$png is ${w}x${h}"; exit 1; }
done
echo "check-desktop: the desktop file, the metadata and $icon in 8 sizes and SVG are valid"
