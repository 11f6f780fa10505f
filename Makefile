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

.PHONY: all build run setup test check fmt vet staticcheck deps rtcheck unit race fuzz bench clean

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

unit:
	go test -count=1 -tags $(TAGS) ./...

race:
	GORACE=halt_on_error=1 go test -race -count=1 -tags $(TAGS) ./...

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
	scripts/bench-sox.sh $(BIN)

clean:
	rm -rf bin demo.wav
