#!/bin/sh
# bench-sox.sh GRIDBOX: mix the same 64 stereo 48 kHz WAV files with
# "sox -m" and with "gridbox render" (a 64-track set, one clip per track,
# launched together), and print both times and their ratio (target: gridbox
# takes at most half of sox's time). Needs sox (scripts/setup.sh --test).
set -eu
gridbox=${1:?usage: bench-sox.sh path/to/gridbox}
n=64
secs=20
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

command -v sox >/dev/null || { echo "bench-sox: sox is not installed (scripts/setup.sh --test)" >&2; exit 1; }

# Distinct 20 s stereo 16-bit files: tones and noise at low level so the mix
# does not clip in either tool.
mkdir -p "$dir/samples"
i=0
while [ $i -lt $n ]; do
	f=$((110 + i * 37))
	sox -q -n -r 48000 -c 2 -b 16 "$dir/samples/s$i.wav" synth $secs sine $f sine $((f + 3)) vol 0.01
	i=$((i + 1))
done

{
	echo 'name = "bench"'
	echo 'tempo = 120.0'
	echo 'quantize = "none"'
	echo '[[scene]]'
	i=0
	while [ $i -lt $n ]; do
		printf '[[track]]\nname = "t%d"\n  [[track.clip]]\n  scene = 0\n  sample = "samples/s%d.wav"\n' $i $i
		i=$((i + 1))
	done
} > "$dir/bench.toml"

inputs=$(i=0; while [ $i -lt $n ]; do printf '%s ' "$dir/samples/s$i.wav"; i=$((i + 1)); done)

now() { date +%s.%N; }
best() { # best of 3 wall times of "$@"
	b=""
	for _ in 1 2 3; do
		t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
		t=$(awk "BEGIN { print $t1 - $t0 }")
		if [ -z "$b" ] || awk "BEGIN { exit !($t < $b) }"; then b=$t; fi
	done
	echo "$b"
}
# shellcheck disable=SC2086
tsox=$(best sox -m $inputs -b 32 -e floating-point "$dir/sox.wav")
tgb=$(best "$gridbox" render "$dir/bench.toml" --seconds $secs -o "$dir/gridbox.wav")
ratio=$(awk "BEGIN { print $tgb / $tsox }")
printf 'mix %d stereo files of %d s at 48 kHz to a 32-bit float WAV (best of 3, wall time):\n' $n $secs
printf '  sox -m          %6.3f s\n' "$tsox"
printf '  gridbox render  %6.3f s\n' "$tgb"
printf '  ratio gridbox/sox = %.3f (target <= 0.5)\n' "$ratio"
