#!/bin/sh
# Regenerates the codec test fixtures. Every sound here is synthesised by sox;
# nothing is downloaded. Needs the Debian packages sox, libsox-fmt-all, flac,
# lame and vorbis-tools. Run from this directory: sh make.sh (or, for the
# files sox makes on its own, which need sox and libsox-fmt-all only:
# sh make.sh sox)
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

# AIFF and AIFF-C, written by sox directly: 0.1 s stereo 44.1 kHz 16-bit
# (left 1 kHz, right 1.5 kHz), 0.05 s mono 48 kHz 32-bit float, 0.1 s mono
# 22.05 kHz 24-bit; amplitude 0.5.
sox -n -r 44100 -c 2 -b 16 -D sine_stereo_44k_s16.aiff synth 0.1 sine 1000 sine 1500 vol 0.5
sox -n -r 48000 -c 1 -e floating-point -b 32 -D sine1k_mono_48k_f32.aifc synth 0.05 sine 1000 vol 0.5
sox -n -r 22050 -c 1 -b 24 -D sine1k_mono_22k_s24.aifc synth 0.1 sine 1000 vol 0.5
# 1 s of stereo pink noise (-R: the same noise every run) in Ogg Vorbis: it
# spans several pages, for the tests of streams cut short.
sox -R -n -r 44100 -c 2 -C 0 noise_stereo_44k.ogg synth 1 pinknoise vol 0.3
[ "${1:-}" = sox ] && exit 0

# 0.2 s, 1 kHz sine at amplitude 0.5, mono 44.1 kHz 16-bit.
sox -n -r 44100 -c 1 -b 16 -D "$t/mono.wav" synth 0.2 sine 1000 vol 0.5
# 0.2 s stereo 48 kHz: left 1 kHz, right 1.5 kHz, amplitude 0.5.
sox -n -r 48000 -c 2 -b 16 -D "$t/stereo.wav" synth 0.2 sine 1000 sine 1500 vol 0.5
# 0.1 s 24-bit stereo 96 kHz: left 1 kHz, right 1.5 kHz.
sox -n -r 96000 -c 2 -b 24 -D "$t/stereo24.wav" synth 0.1 sine 1000 sine 1500 vol 0.5
# 0.1 s 8-bit mono 22.05 kHz.
sox -n -r 22050 -c 1 -b 8 -e unsigned-integer -D "$t/mono8.wav" synth 0.1 sine 1000 vol 0.5

flac --silent --no-warnings-as-errors --best --no-padding -f -o sine1k_mono_44k_s16.flac "$t/mono.wav"
flac --silent --no-warnings-as-errors --best --no-padding -f -o sine_stereo_96k_s24.flac "$t/stereo24.wav"
flac --silent --no-warnings-as-errors --best --no-padding -f -o sine1k_mono_22k_s8.flac "$t/mono8.wav"
lame --quiet -b 128 "$t/mono.wav" sine1k_mono_44k.mp3
lame --quiet -b 160 --tt gridbox --id3v2-only "$t/stereo.wav" sine_stereo_48k_id3.mp3
oggenc --quiet -q 4 -o sine_stereo_48k.ogg "$t/stereo.wav"
oggenc --quiet -q 2 -o sine1k_mono_44k.ogg "$t/mono.wav"
