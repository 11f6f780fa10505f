#!/bin/sh
# pi-setup.sh installs what cross-building gridbox for the Raspberry Pi needs
# on a Debian (amd64) machine, only what is missing (issue 4).
#   scripts/pi-setup.sh [arm64|armhf]          C and C++ cross compilers, and the
#                                             target's PortAudio and ALSA headers
#                                             and libraries through Debian multiarch
#   scripts/pi-setup.sh [arm64|armhf] --test   also qemu-user, to run the binaries
# arm64 is 64-bit Raspberry Pi OS (Pi 3, 4, 5, Zero 2); armhf is the 32-bit one.
# armhf caveat: the mirror's bookworm-security armhf index has failed its size
# check every time it was tried (three times in 30 min for the environment
# notes §8.3, and again for issue 4): "File has unexpected size (334084 !=
# 349884). Mirror sync in progress?". So once armhf is enabled every
# "apt-get update" on the machine exits 100 (which stops scripts/setup.sh when
# it has something to install); the install itself works from the main
# index. To undo it:
#   apt-get purge --allow-remove-essential $(dpkg-query -W -f='${binary:Package}\n' | grep -E ':armhf$|armhf-cross|gnueabihf')
#   dpkg --remove-architecture armhf
# Runs dpkg and apt-get as root, or through sudo. Like scripts/setup.sh it does
# nothing, not even "apt-get update", when everything is installed already.
#
# RtMidi needs no package of its own: gomidi's rtmididrv bundles its C++
# source, which needs the cross g++ and libasound2-dev:ARCH.
set -eu

arch=${1:-arm64}
case $arch in
arm64) triplet=aarch64-linux-gnu ;;
armhf) triplet=arm-linux-gnueabihf ;;
*)
	echo "pi-setup: unknown architecture $arch (want arm64 or armhf)" >&2
	exit 2
	;;
esac

# The cross compilers are amd64 packages; the libraries are the target's own
# Debian packages (Multi-Arch: same), so they must match the amd64 versions,
# which apt takes care of. pkgconf:ARCH brings ${triplet}-pkg-config.
pkgs="pkg-config gcc-$triplet g++-$triplet libasound2-dev:$arch portaudio19-dev:$arch"
if [ "${2:-}" = "--test" ]; then
	pkgs="$pkgs qemu-user"
fi

sudo=""
if [ "$(id -u)" != 0 ]; then
	sudo="sudo"
fi
need_root() {
	if [ -n "$sudo" ] && ! command -v sudo >/dev/null 2>&1; then
		echo "pi-setup: $1; run as root or install sudo" >&2
		exit 1
	fi
}

if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
	need_root "the $arch architecture is not enabled in dpkg"
	echo "setup: dpkg --add-architecture $arch" >&2
	$sudo dpkg --add-architecture "$arch"
fi

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "pi-setup: missing packages:$missing (no apt-get here: install them by hand)" >&2
	exit 1
fi
need_root "missing packages:$missing"
echo "setup: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# An index that fails to download (the armhf security index did, for half an
# hour, in the team's environment notes §8.3) makes apt-get update exit 100
# although every other index is fresh: say so and let the install decide (it
# fails, naming the package, if apt knows no candidate for one).
if ! $sudo apt-get update -qq; then
	echo "pi-setup: apt-get update reported errors (above); installing from the indexes apt has" >&2
fi
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
