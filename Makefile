# gridbox: two commands matter.
#   make run    installs what is missing, builds, plays the demo performance
#               (renders it to demo.wav when there is no audio device)
#   make test   everything CI checks
MOD     := $(shell go list -m)
BIN     := bin/gridbox
TAGS    := portaudio,rtmidi
TOOLS   := $(CURDIR)/bin/tools
STATICCHECK := $(TOOLS)/staticcheck
GOFILES := $(shell find . -name '*.go' -not -path './bin/*')
DEMO    := sets/demo/demo.toml
PERF    := sets/demo/demo.perf

.PHONY: all build run setup test check fmt vet staticcheck deps rtcheck unit race fuzz bench clean pi pi-test pi32

all: build

setup:
	@scripts/setup.sh

build: setup $(BIN)

$(BIN): $(GOFILES) go.mod go.sum
	go build -tags $(TAGS) -o $@ ./cmd/gridbox

# Plays the demo on the default audio device; with none (exit status 3),
# renders it to demo.wav instead.
run: build
	@$(BIN) play $(DEMO) --events $(PERF); rc=$$?; \
	if [ $$rc -eq 3 ]; then \
		echo "No audio device here: rendering the demo to demo.wav instead."; \
		$(BIN) render $(DEMO) --events $(PERF) -o demo.wav && echo "Wrote demo.wav: listen to it on any machine."; \
	else exit $$rc; fi

test: setup check unit race

check: fmt vet staticcheck deps rtcheck

fmt:
	@out=$$(gofmt -l $$(find . -name '*.go' -not -path './bin/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	go vet ./...
	go vet -tags $(TAGS) ./...

$(STATICCHECK):
	GOBIN=$(TOOLS) go install honnef.co/go/tools/cmd/staticcheck@v0.8.2

staticcheck: $(STATICCHECK)
	$(STATICCHECK) ./...
	$(STATICCHECK) -tags $(TAGS) ./...

# Imports point one way: cmd/gridbox -> show -> sets, surface -> grid,
# sequencer -> engine -> audio. show (the running set and its loop) may import
# every layer and no layer imports it; cmd/gridbox imports show and its
# packages (show/install, show/starter) only. sets, perfscript (performance scripts),
# music (scales, keys, note layouts; sets reads a set's scale with it), midifile (Standard MIDI Files into notes in beats; sets
# reads a note clip's midi file with it), soundfont (SoundFont 2 files parsed and resolved; the players read it),
# midiclock (MIDI beat clock sent and followed, as pure logic over frames),
# config (config.toml, the last-set record) and state (what survives a kill -9)
# import nothing that plays; internal/ holds helpers any package may use, so
# it imports none of the layers.
deps:
	@fail=0; \
	check() { pkgs=$$1; shift; bad=$$(go list -deps $$pkgs | grep -E "^$(MOD)/($$1)(/|$$)" || true); \
		if [ -n "$$bad" ]; then echo "deps: $$pkgs must not import: $$bad"; fail=1; fi; }; \
	check ./audio/...     'engine|sequencer|grid|surface|sets|config|state|perfscript|cmd|show'; \
	check ./engine/...    'sequencer|grid|surface|sets|config|state|perfscript|cmd|show'; \
	check ./sequencer/... 'grid|surface|sets|config|state|cmd|show'; \
	check ./grid/...      'audio|engine|sequencer|surface|sets|config|state|perfscript|cmd|show'; \
	check ./surface/...   'sets|config|state|cmd|show'; \
	check ./sets/...      'audio|engine|sequencer|grid|surface|config|state|perfscript|cmd|show'; \
	check ./config/...    'audio|engine|sequencer|grid|surface|cmd|show'; \
	check ./state/...     'audio|engine|sequencer|grid|surface|cmd|show'; \
	check ./perfscript/... 'audio|engine|sequencer|grid|surface|sets|config|state|cmd|show'; \
	check ./music/...     'audio|engine|sequencer|grid|surface|sets|config|state|perfscript|cmd|show'; \
	check ./midifile/...  'audio|engine|sequencer|grid|surface|sets|config|state|perfscript|music|internal|cmd|show'; \
	check ./soundfont/... 'audio|engine|sequencer|grid|surface|sets|config|state|perfscript|music|cmd|show'; \
	check ./midiclock/... 'audio|engine|sequencer|grid|surface|sets|config|state|perfscript|music|midifile|soundfont|cmd|show'; \
	check ./internal/...  'audio|engine|sequencer|grid|surface|sets|config|state|perfscript|music|soundfont|midiclock|cmd|show'; \
	check ./web/...       'audio|engine|sequencer|surface|sets|config|state|perfscript|music|soundfont|midiclock|midifile|cmd|show'; \
	check ./show/...      'cmd'; \
	for tags in '' $(TAGS); do \
		bad=$$(go list -tags "$$tags" -f '{{join .Imports "\n"}}' ./cmd/gridbox | grep "^$(MOD)/" | grep -vE "^$(MOD)/show(/.*)?$$" || true); \
		if [ -n "$$bad" ]; then echo "deps: cmd/gridbox imports only show and its packages, not: $$bad"; fail=1; fi; \
	done; \
	exit $$fail

# The realtime gates: render paths allocate nothing and *_rt.go files import
# only math and sync/atomic. Run alone (AllocsPerRun counts process-wide).
rtcheck:
	go test -count=1 -run 'NotAllocate|RTImports' ./engine/... ./sequencer/...

# unit and race print what "go test" prints, then every skipped test with
# its reason (scripts/testsummary), so that a skip is never silent.
SUMMARY := $(TOOLS)/testsummary

$(SUMMARY): $(wildcard scripts/testsummary/*.go)
	go build -o $@ ./scripts/testsummary

unit: $(SUMMARY)
	$(SUMMARY) go test -json -count=1 -tags $(TAGS) ./...

race: $(SUMMARY)
	GORACE=halt_on_error=1 $(SUMMARY) go test -json -race -count=1 -tags $(TAGS) ./...

# Longer fuzzing than the seed runs in "make test": FUZZTIME per target.
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$(go list ./...); do \
		for f in $$(go test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$f"; go test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

# What gridbox costs beside the reference tools, outputs compared before times
# (scripts/bench; sox and fluidsynth come with scripts/setup.sh --test):
#   - gridbox render and "sox -m" mix the same 64 stereo 16-bit 48 kHz WAV files
#     of 20 s, then the same files declaring 5 minutes (20 s of signal, then a
#     sparse tail), both rendering 20 s. Each run's render, scaled by 1/64 as
#     sox -m scales its inputs, must equal sox's mix within 1e-6 sample by
#     sample, or make bench fails; the inputs peak at 0.0125 so that neither
#     tool clips (gridbox's limiter never acts). It prints CPU time (user+sys),
#     wall time and peak RSS of both, best of 3, and their ratios.
#   - the render core's ns per voice-frame (go test -bench VoiceFrame ./engine,
#     each case checking its output first) for plain, pitched (+-7 semitones)
#     and fading voices at 64 and 256 voices, beside FluidSynth's -F render of
#     as many held notes (skipped, saying so, without fluidsynth).
#   - a dense General MIDI song (9 channels, 1536 notes, 16 bars) rendered
#     by fluidsynth -F and by gridbox render of the set gridbox import makes
#     of it, on TimGM6mb (issue 12): the renders checked alike (length,
#     first sound, 10 ms envelopes on the same frames), then both CPU times,
#     their ratio (target <= 0.5) and both CPU ns per voice-frame at the
#     song's peak voices.
#   - targets, each printed PASS or FAIL: gridbox's peak RSS <= 96 MiB on the
#     20 s files and at most 32 MiB more on the 5-minute ones; its CPU time and
#     wall time each <= 0.35x sox -m's. A missed one fails make bench
#     (BENCH_TARGETS=report only prints them: on a machine busy with other
#     work, wall times say little).
#   - gridbox play --audio null of 64 streaming loops for 60 s, three times:
#     from the page cache, with the page cache dropped first, and through a
#     test hook as slow as an SD card; no stream may run dry.
#   - pad-to-sound latency (issue 11): gridbox play through PortAudio on
#     jackd's dummy backend at 128 frames / 48 kHz, a Launchpad X (a fake
#     MIDI port: no ALSA sequencer here) in Note mode, the note pad pressed
#     200 times at random phases of the block clock; the distribution (ms and
#     blocks) from the note-on entering the MIDI driver to the first non-zero
#     frame handed to PortAudio, and the device's buffer after that. Target:
#     p99 <= 2 blocks + the device's own buffer (its 2-block lead, the part
#     inside the interval); a miss fails make bench with the numbers.
# First, the engine's per-block benchmarks (go test -bench Render ./engine).
BENCH_TARGETS ?= gate
bench: build
	go test -run '^$$' -bench Render -benchmem ./engine
	go run ./scripts/bench -gridbox $(BIN) -targets $(BENCH_TARGETS)
	go test -count=1 -v -run '^TestPlayStreamsInTime$$' ./cmd/gridbox -args -play-seconds 60
	go test -tags $(TAGS) -count=1 -v -run '^TestPadToSound$$' ./cmd/gridbox -args -pad-to-sound-target=$(if $(filter report,$(BENCH_TARGETS)),false,true)
	go test -run '^$$' -bench LoadNewestValidOfTen -benchtime 5x ./state

clean:
	rm -rf bin dist demo.wav

# Raspberry Pi (issue 4), cross-built on an amd64 Debian machine with cgo
# (PortAudio, ALSA, RtMidi) through Debian multiarch; scripts/pi-setup.sh
# installs the cross compilers and the target's libraries, only what is
# missing, and scripts/pi-env.sh sets GOARCH, CC, CXX and pkg-config for them.
#   make pi        dist/gridbox-linux-arm64, for 64-bit Raspberry Pi OS
#   make pi-test   the arm64 unit tests and a demo render under qemu-aarch64,
#                  the render compared with the amd64 one (scripts/pi-test.sh)
#   make pi32      dist/gridbox-linux-armv7, for 32-bit Raspberry Pi OS; not in
#                  CI: enabling armhf breaks "apt-get update" here (pi-setup.sh)
PI_BIN   := dist/gridbox-linux-arm64
PI32_BIN := dist/gridbox-linux-armv7

pi:
	@scripts/pi-setup.sh arm64
	env=$$(scripts/pi-env.sh arm64) && eval "$$env" && go build -tags $(TAGS) -o $(PI_BIN) ./cmd/gridbox

# One install pass: the amd64 packages for the reference render, then the
# cross toolchain and qemu-user, then "make pi".
pi-test:
	@scripts/setup.sh
	@scripts/pi-setup.sh arm64 --test
	@$(MAKE) --no-print-directory pi
	scripts/pi-test.sh $(PI_BIN)

pi32:
	@scripts/pi-setup.sh armhf
	env=$$(scripts/pi-env.sh armhf) && eval "$$env" && go build -tags $(TAGS) -o $(PI32_BIN) ./cmd/gridbox
