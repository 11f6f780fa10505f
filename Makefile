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

# Imports point one way: cmd -> sets, surface -> grid, sequencer -> engine -> audio.
deps:
	@fail=0; \
	check() { pkgs=$$1; shift; bad=$$(go list -deps $$pkgs | grep -E "^$(MOD)/($$1)(/|$$)" || true); \
		if [ -n "$$bad" ]; then echo "deps: $$pkgs must not import: $$bad"; fail=1; fi; }; \
	check ./audio/...     'engine|sequencer|grid|surface|sets|cmd'; \
	check ./engine/...    'sequencer|grid|surface|sets|cmd'; \
	check ./sequencer/... 'grid|surface|sets|cmd'; \
	check ./grid/...      'audio|engine|sequencer|surface|sets|cmd'; \
	check ./surface/...   'sets|cmd'; \
	check ./sets/...      'audio|engine|sequencer|grid|surface|cmd'; \
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

bench: build
	go test -run '^$$' -bench Render -benchmem ./engine
	go test -run '^$$' -bench LoadNewestValidOfTen -benchtime 5x ./sets/state
	scripts/bench-sox.sh $(BIN)

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
