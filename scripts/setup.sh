#!/bin/sh
# setup.sh installs the Debian packages gridbox needs, only those missing.
#   scripts/setup.sh          build and run: PortAudio and ALSA headers, g++ (RtMidi),
#                             a General MIDI SoundFont
#   scripts/setup.sh --test   also what "make test" and "make bench" use
# Runs apt-get as root, or through sudo.
set -eu

pkgs="pkg-config g++ portaudio19-dev libasound2-dev"
# The General MIDI SoundFont "gridbox import" names by default (6 MB, in
# /usr/share/sounds/sf2), so that an imported song plays out of the box.
pkgs="$pkgs timgm6mb-soundfont"
if [ "${1:-}" = "--test" ]; then
	# systemd: systemd-analyze checks the unit gridbox install writes (a
	# bare container has none, and the test would skip).
	pkgs="$pkgs jackd2 sox alsa-utils pulseaudio pulseaudio-utils systemd"
	# make bench's side-by-side and the import test: FluidSynth, playing
	# timgm6mb-soundfont (above; not fluid-soundfont-gm's 145 MB).
	pkgs="$pkgs fluidsynth"
	# Real drum kits in WAV, FLAC and AIFF (TestHydrogenKits in audio/codec
	# decodes every file); hydrogen-drumkits and hydrogen-drumkits-effects
	# are some 140 MB to download each.
	pkgs="$pkgs hydrogen-data hydrogen-drumkits hydrogen-drumkits-effects"
	# The browser tests (issue 14, internal/browsertest): Debian's Chromium,
	# run headless. Without recommends it still brings a font (fontconfig
	# depends on fonts-dejavu-core), so the page's text shows in screenshots.
	pkgs="$pkgs chromium"
fi

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "setup: missing packages:$missing (no apt-get here: install them by hand)" >&2
	exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "setup: missing packages:$missing; run as root or install sudo" >&2
		exit 1
	fi
	sudo="sudo"
fi
echo "setup: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# jackd2 asks whether to enable realtime priority; answer no, non-interactively.
echo "jackd2 jackd/tweak_rt_limits boolean false" | $sudo debconf-set-selections 2>/dev/null || true
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
