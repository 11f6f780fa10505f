#!/bin/sh
# jackd-dummy.sh: start a JACK server on the dummy backend, a paced fake sound
# card for timing tests (the team's environment notes, §5.3). PortAudio then lists a
# JACK output device named "system".
#
# Usage: scripts/jackd-dummy.sh [NAME [RATE [PERIOD [INPUTS]]]]
#   NAME    JACK server name (default "default"); clients pick it with
#           JACK_DEFAULT_SERVER=NAME
#   RATE    sample rate (default 48000)
#   PERIOD  frames per period (default 128, i.e. 2.667 ms at 48 kHz)
#   INPUTS  capture ports, system:capture_1… (default 2); they carry silence,
#           and PortAudio's JACK device "system" has as many input channels
#
# Prints "PID LOGFILE" once the server answers, and leaves it running in the
# background; stop it with "kill PID". It runs without realtime priority
# (--no-realtime), so expect a few xruns on a shared VM (environment.md
# §5.6); JACKD_REALTIME=1 runs it with -R instead (needs root, CAP_SYS_NICE
# or an rtprio limit), which paces far more steadily on a loaded machine.
# jackd leaves jack-shm-registry and jack_db-* files in /dev/shm.
#
# Needs: apt-get install --no-install-recommends jackd2
set -eu

NAME=${1:-default}
RATE=${2:-48000}
PERIOD=${3:-128}
INPUTS=${4:-2}

if ! command -v jackd >/dev/null 2>&1; then
	echo "jackd-dummy: jackd is not installed (apt-get install --no-install-recommends jackd2)" >&2
	exit 2
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/jackd-dummy.XXXXXX")
LOG=$DIR/jackd.log
RT=--no-realtime
if [ "${JACKD_REALTIME:-0}" = 1 ]; then
	RT="-R -P 70"
fi
# shellcheck disable=SC2086 # $RT is one or two flags
JACK_NO_START_SERVER=1 jackd -n "$NAME" $RT -d dummy -r "$RATE" -p "$PERIOD" -C "$INPUTS" >"$LOG" 2>&1 </dev/null &
PID=$!

# Wait up to 20 s for the server to answer (a busy machine starts it slowly).
i=0
until JACK_NO_START_SERVER=1 jack_lsp -s "$NAME" >/dev/null 2>&1; do
	i=$((i + 1))
	if [ "$i" -gt 200 ] || ! kill -0 "$PID" 2>/dev/null; then
		echo "jackd-dummy: jackd -n $NAME did not start; its log:" >&2
		cat "$LOG" >&2
		kill "$PID" 2>/dev/null || true
		exit 1
	fi
	sleep 0.1
done
echo "$PID $LOG"
