#!/bin/sh
# pi-env.sh prints, as shell "export" lines, the environment that makes the go
# command cross-build gridbox with cgo (PortAudio, ALSA, RtMidi) for a
# Raspberry Pi from an amd64 Debian machine set up by scripts/pi-setup.sh:
#   scripts/pi-env.sh [arm64|armhf]
#   env=$(scripts/pi-env.sh arm64) && eval "$env" && go build -tags portaudio,rtmidi ./cmd/gridbox
# It fails, saying what to run, when the cross compilers are missing.
#
#   CC, CXX      the Debian cross compilers. CXX matters: rtmididrv is C++, and
#                with the host g++ its objects are x86-64 and the link fails with
#                "Relocations in generic ELF (EM: 183)" (environment notes §8.1).
#   PKG_CONFIG_LIBDIR
#                only the target's .pc files (Debian multiarch puts them in
#                /usr/lib/TRIPLET/pkgconfig), replacing the host's search path
#                rather than adding to it as PKG_CONFIG_PATH would: a missing
#                portaudio19-dev:ARCH then fails loudly in pkg-config instead of
#                linking against the amd64 -L paths.
#   PKG_CONFIG_PATH
#                emptied, so nothing of the host's leaks in.
#   QEMU         the qemu-user emulator that runs the target's binaries here;
#                with Debian multiarch the target's libc and libraries are in
#                /lib/TRIPLET and /usr/lib/TRIPLET, where its dynamic loader
#                looks, so no -L sysroot is needed (scripts/pi-test.sh).
set -eu

arch=${1:-arm64}
case $arch in
arm64)
	triplet=aarch64-linux-gnu
	goarch="GOARCH=arm64"
	qemu="qemu-aarch64"
	;;
armhf)
	triplet=arm-linux-gnueabihf
	goarch="GOARCH=arm GOARM=7"
	qemu="qemu-arm"
	;;
*)
	echo "pi-env: unknown architecture $arch (want arm64 or armhf)" >&2
	exit 2
	;;
esac

for tool in "$triplet-gcc" "$triplet-g++"; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "pi-env: $tool is not installed: run scripts/pi-setup.sh $arch" >&2
		exit 1
	fi
done

echo "export CGO_ENABLED=1 GOOS=linux $goarch"
echo "export CC=$triplet-gcc CXX=$triplet-g++"
echo "export PKG_CONFIG=pkg-config PKG_CONFIG_LIBDIR=/usr/lib/$triplet/pkgconfig:/usr/share/pkgconfig PKG_CONFIG_PATH="
echo "export QEMU=$qemu"
