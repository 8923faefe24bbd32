#!/usr/bin/env bash
# Rebuilds the bundled sample films from public-domain / CC0 photographs shipped by Debian's
# python3-skimage package (see README.md here), and their fingerprints. Needs: ffmpeg,
# python3-skimage, and a built tincture-lab ($TINCTURE_LAB, default ../../build/bin).
#   sample.mp4         black-and-white, 640×360, 24000/1001 fps, 180 frames, AAC soundtrack
#   sample_colour.mp4  the same motion in colour: the ground truth for A/B and evaluation
set -euo pipefail
cd "$(dirname "$0")"
DATA=/usr/lib/python3/dist-packages/skimage/data
[ -f "$DATA/astronaut.png" ] || { echo "install python3-skimage first" >&2; exit 1; }
RATE=24000/1001
N=60 # frames per shot (2.5 s)

# Each shot: a slow move over a still, upscaled first so the move is smooth, then cropped to
# 16:9 at 640×360. zoompan's x/y/zoom are evaluated per output frame ("on").
shot() { # input, zoompan expression, output
  ffmpeg -hide_banner -loglevel error -y -loop 1 -i "$1" -vf \
    "scale=iw*4:ih*4:flags=lanczos,zoompan=$2:d=$N:s=640x360:fps=$RATE,format=yuv444p" \
    -frames:v $N -c:v ffv1 "$3"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Astronaut: tilt down from the helmet's top to the badge while easing out.
shot "$DATA/astronaut.png" "z='1.6-0.004*on':x='iw/2-iw/zoom/2':y='ih*0.05+on*ih*0.0025'" "$tmp/a.mkv"
# Coffee: push in on the cup.
shot "$DATA/coffee.png" "z='1.0+0.006*on':x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2'" "$tmp/b.mkv"
# Chelsea the cat: pan right to left.
shot "$DATA/chelsea.png" "z='1.25':x='iw*0.18-on*iw*0.0025':y='ih/2-ih/zoom/2'" "$tmp/c.mkv"

# Soundtrack: a chord per shot with a soft attack, over faint projector hiss (synthesised here,
# CC0). 7.5075 s = 180 frames at 24000/1001.
DUR=7.5075
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "aevalsrc='0.12*(lt(t,2.5025)*(sin(2*PI*261.6*t)+sin(2*PI*329.6*t)+sin(2*PI*392*t))+between(t,2.5025,5.005)*(sin(2*PI*220*t)+sin(2*PI*277.2*t)+sin(2*PI*329.6*t))+gte(t,5.005)*(sin(2*PI*196*t)+sin(2*PI*246.9*t)+sin(2*PI*293.7*t)))*(1-exp(-8*mod(t,2.5025)))':s=48000:d=$DUR" \
  -f lavfi -i "anoisesrc=color=pink:amplitude=0.015:d=$DUR:r=48000" \
  -filter_complex "[0][1]amix=inputs=2:normalize=0,pan=stereo|c0=c0|c1=c0,afade=t=out:st=7.0:d=0.5" \
  -c:a pcm_s16le "$tmp/sound.wav"

concat() { # extra video filter, output
  ffmpeg -hide_banner -loglevel error -y -i "$tmp/a.mkv" -i "$tmp/b.mkv" -i "$tmp/c.mkv" \
    -i "$tmp/sound.wav" -filter_complex "[0:v][1:v][2:v]concat=n=3:v=1:a=0,$1[v]" \
    -map "[v]" -map 3:a -c:v libx264 -preset slow -crf 20 -g 48 -bf 3 -pix_fmt yuv420p \
    -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv \
    -c:a aac -b:a 128k -movflags +faststart -metadata title="Tincture sample" "$2"
}
concat "format=gray,format=yuv420p" sample.mp4
concat "format=yuv420p" sample_colour.mp4
# The photographs' fingerprints: `tincture-lab train colorizer` never trains on them, and
# tst_datahygiene checks the shipped models' training lists against them.
LAB=${TINCTURE_LAB:-../../build/bin/tincture-lab}
"$LAB" data fingerprint "$DATA/astronaut.png" "$DATA/coffee.png" "$DATA/chelsea.png" \
  -o sources.csv -y
ls -l sample.mp4 sample_colour.mp4 sources.csv
