#!/usr/bin/env bash
# The Debian package as a user gets it: cpack builds the .deb from BUILD_DIR; its contents, the
# desktop file and the AppStream metadata are checked; apt installs it, resolving its
# dependencies, into a clean Debian 12 root (debootstrap, minbase); there the installed
# tincture-cli colourises the installed sample film with the installed models, and the
# installed studio starts under Xvfb and stays up with the sample open.
# Exit 0 passed, 1 failed, 77 skipped (ctest's SKIP_RETURN_CODE): not root, or a tool that
# makes the root is missing. The base root is cached (TINCTURE_ROOT_CACHE, default
# ~/.cache/tincture-fresh-root, the same as ../shared/tools/fresh_root.sh); each run installs
# into a fresh copy of it.
# usage: packaging/test-package.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: test-package.sh BUILD_DIR}" && pwd)

skip() { echo "test-package: skipped: $*"; exit 77; }
fail() { echo "test-package: FAILED: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap, chroot, bind mounts)"
for tool in debootstrap chroot mountpoint cpack dpkg-deb dpkg-shlibdeps file desktop-file-validate \
            appstreamcli; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done

work=$(mktemp -d /var/tmp/tincture-package.XXXXXX)
root=$work/root
cleanup() {
  for m in var/cache/apt/archives dev/pts dev sys proc; do
    mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# 1. The package and what it holds.
(cd "$build" && cpack -G DEB -B "$work/deb") >"$work/cpack.log" 2>&1 \
  || { tail -30 "$work/cpack.log"; fail "cpack could not build the package"; }
deb=$(ls "$work"/deb/tincture_*.deb)
echo "test-package: built $(basename "$deb") ($(du -h "$deb" | cut -f1))"
dpkg-deb -f "$deb" Package Version Architecture Depends
dpkg-deb -c "$deb" | awk '{print $NF}' > "$work/contents"
for f in usr/bin/tincture usr/bin/tincture-cli \
         usr/share/tincture/models/colorizer.json usr/share/tincture/models/colorizer.safetensors \
         usr/share/tincture/models/refiner.json usr/share/tincture/models/refiner.safetensors \
         usr/share/tincture/models/vpn.json usr/share/tincture/models/vpn.safetensors \
         usr/share/tincture/models/recurrent-bins.json \
         usr/share/tincture/models/recurrent-bins.safetensors \
         usr/share/tincture/models/global-local.json \
         usr/share/tincture/models/global-local.safetensors \
         usr/share/tincture/models/cnn-lstm.json \
         usr/share/tincture/models/cnn-lstm.safetensors \
         usr/share/tincture/samples/sample.mp4 usr/share/doc/tincture/copyright \
         usr/share/applications/org.tincture.Tincture.desktop \
         usr/share/metainfo/org.tincture.Tincture.metainfo.xml \
         usr/share/mime/packages/tincture-project.xml \
         usr/share/icons/hicolor/scalable/apps/org.tincture.Tincture.svg; do
  grep -qx "./$f" "$work/contents" || fail "the package lacks /$f"
done
for size in 16 24 32 48 64 128 256 512; do
  grep -qx "./usr/share/icons/hicolor/${size}x${size}/apps/org.tincture.Tincture.png" \
    "$work/contents" || fail "the package lacks the ${size}x${size} icon"
done
dpkg-deb -x "$deb" "$work/extracted"
desktop-file-validate "$work/extracted/usr/share/applications/org.tincture.Tincture.desktop" \
  || fail "desktop-file-validate"
appstreamcli validate --no-net \
  "$work/extracted/usr/share/metainfo/org.tincture.Tincture.metainfo.xml" || fail "appstreamcli"

# 2. A clean Debian 12 root, with the host's downloaded packages to save the network.
cache=${TINCTURE_ROOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tincture-fresh-root}
if [ ! -x "$cache/bin/bash" ]; then
  echo "test-package: making the base root in $cache (debootstrap, minutes)"
  rm -rf "$cache"; mkdir -p "$cache"
  debootstrap --variant=minbase bookworm "$cache" http://deb.debian.org/debian \
    >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; rm -rf "$cache"; fail "debootstrap"; }
fi
cp -a "$cache" "$root"
cp /etc/resolv.conf "$root/etc/"
for m in proc sys dev dev/pts; do mount --bind "/$m" "$root/$m"; done
mkdir -p /var/cache/apt/archives/partial
mount --bind /var/cache/apt/archives "$root/var/cache/apt/archives"
cp "$deb" "$root/tmp/"

# 3. Install with apt and run what was installed.
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  DEBIAN_FRONTEND=noninteractive OMP_WAIT_POLICY=PASSIVE /bin/bash -euo pipefail -c '
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends /tmp/tincture_*.deb xvfb xauth \
    >/tmp/apt.log 2>&1 || { tail -30 /tmp/apt.log; echo "apt could not install the package"; exit 1; }
  echo "test-package: installed; $(dpkg-query -W -f="\${Package} \${Version}" tincture)"
  cd /tmp
  # The models come from the installed location: nothing else holds them in this root.
  tincture-cli colorize /usr/share/tincture/samples/sample.mp4 -o /tmp/out.mp4 2>/tmp/colorize.log \
    || { cat /tmp/colorize.log; exit 1; }
  grep -q "3 model keyframes" /tmp/colorize.log || { cat /tmp/colorize.log; echo "the keyframe model did not run"; exit 1; }
  tincture-cli info /tmp/out.mp4 > /tmp/info.json
  grep -q "\"frames\": 180" /tmp/info.json || { cat /tmp/info.json; echo "the output is not the whole film"; exit 1; }
  echo "test-package: the installed tincture-cli coloured the installed sample"
  # A second run into the same name is refused; the output stays.
  if tincture-cli colorize /usr/share/tincture/samples/sample.mp4 -o /tmp/out.mp4 --quiet 2>/tmp/err; then
    echo "colorize replaced an existing output without -y"; exit 1
  fi
  # The studio: starts under Xvfb with the sample open and is still up after 20 s.
  rc=0
  xvfb-run -a -s "-screen 0 1280x800x24" timeout 20 tincture /usr/share/tincture/samples/sample.mp4 \
    >/tmp/studio.log 2>&1 || rc=$?
  if [ "$rc" -ne 124 ]; then cat /tmp/studio.log; echo "the studio exited with $rc within 20 s"; exit 1; fi
  echo "test-package: the installed studio ran for 20 s under Xvfb; it said:"
  sed "s/^/  | /" /tmp/studio.log
' || fail "the installed package did not run (see above)"
echo "test-package: passed"
