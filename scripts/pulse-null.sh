#!/bin/sh
# pulse-null.sh: start a private PulseAudio server whose default sink is a
# null sink (paced in real time, recordable from nullsink.monitor), for oto
# tests without a sound card (the team's environment notes, §5.4).
#
# Usage: scripts/pulse-null.sh [RATE]
# Prints "PID SOCKET" once the server answers; clients use
# PULSE_SERVER=unix:SOCKET, and record with
#   parec -d nullsink.monitor --format=float32le --rate=RATE --channels=2 --raw
# Stop it with "kill PID". As root pulseaudio warns that it is not meant to
# run as root, and runs anyway.
#
# Needs: apt-get install --no-install-recommends pulseaudio pulseaudio-utils
set -eu

RATE=${1:-48000}

for cmd in pulseaudio pactl; do
	if ! command -v "$cmd" >/dev/null 2>&1; then
		echo "pulse-null: $cmd is not installed (apt-get install --no-install-recommends pulseaudio pulseaudio-utils)" >&2
		exit 2
	fi
done

DIR=$(mktemp -d "${TMPDIR:-/tmp}/pulse-null.XXXXXX")
mkdir -p "$DIR/run"
cat >"$DIR/null.pa" <<PA
load-module module-null-sink sink_name=nullsink rate=$RATE channels=2 format=float32le sink_properties=device.description=NullSink
load-module module-native-protocol-unix auth-anonymous=1 socket=$DIR/native
set-default-sink nullsink
PA
PULSE_RUNTIME_PATH=$DIR/run HOME=$DIR pulseaudio -n -F "$DIR/null.pa" --daemonize=no --exit-idle-time=-1 \
	--disallow-exit --use-pid-file=no --log-target=stderr >"$DIR/pulseaudio.log" 2>&1 </dev/null &
PID=$!

# Wait up to 20 s for the server to answer (a busy machine starts it slowly).
i=0
until PULSE_SERVER=unix:$DIR/native pactl info >/dev/null 2>&1; do
	i=$((i + 1))
	if [ "$i" -gt 200 ] || ! kill -0 "$PID" 2>/dev/null; then
		echo "pulse-null: pulseaudio did not start; its log:" >&2
		cat "$DIR/pulseaudio.log" >&2
		kill "$PID" 2>/dev/null || true
		exit 1
	fi
	sleep 0.1
done
echo "$PID $DIR/native"
