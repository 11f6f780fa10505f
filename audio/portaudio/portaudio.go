//go:build portaudio

package portaudio

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	pa "github.com/gordonklaus/portaudio"

	"gridbox/audio"
	"gridbox/audio/internal/quiet"
	"gridbox/audio/ring"
)

// Config selects and shapes a PortAudio stream: an output, and an input in
// the same (duplex) stream. Zero fields take the defaults shown.
type Config struct {
	// Device is "" for PortAudio's default output, a decimal device index,
	// or a case-insensitive substring of a device name (an exact name wins
	// over a substring; otherwise the lowest index that matches).
	Device string

	// Input selects the input (issue 13): "" is the output device when it
	// has input channels (and no input when it has none, or when PortAudio
	// refuses that duplex stream: a warning says so), "none" is no input,
	// and anything else names an input device as Device names an output.
	// A separate input device must be on the output's host API: PortAudio
	// runs one stream, with one callback, for both.
	Input string
	// InputChannels is how many input channels to capture, from the
	// device's first; 0 is all the device has, at most 8.
	InputChannels int

	Rate     int // frames per second; 48000
	Block    int // frames per Render call and per PortAudio callback; 128
	Lead     int // blocks the render goroutine keeps ahead of the callback; 2
	Channels int // 2

	// Latency is the suggested device latency; 0 uses the device's default
	// low latency.
	Latency time.Duration

	// Priority is the SCHED_FIFO priority asked for the render goroutine's
	// OS thread (only that thread); 0 means 1, which already puts it ahead
	// of every ordinary thread, and equals the priority PortAudio gives its
	// own ALSA callback thread; negative leaves the thread alone.
	Priority int
}

func (c Config) withDefaults() Config {
	if c.Rate == 0 {
		c.Rate = 48000
	}
	if c.Block == 0 {
		c.Block = 128
	}
	if c.Lead == 0 {
		c.Lead = 2
	}
	if c.Channels == 0 {
		c.Channels = 2
	}
	if c.Priority == 0 {
		c.Priority = 1
	}
	return c
}

// Info describes one device as PortAudio lists it: an output, an input or
// both.
type Info struct {
	Index             int    // PortAudio device index (stable until devices change)
	Name              string // e.g. "default", "hw:CARD=Device,DEV=0", "system"
	HostAPI           string // e.g. "ALSA", "JACK Audio Connection Kit"
	MaxOutputChannels int    // 0: an input only
	MaxInputChannels  int    // 0: an output only
	DefaultRate       float64
	Default           bool          // PortAudio's default output device
	DefaultInput      bool          // PortAudio's default input device
	Latency           time.Duration // the device's default low output latency
	InputLatency      time.Duration // the device's default low input latency
}

func (i Info) String() string { return fmt.Sprintf("%d %q (%s)", i.Index, i.Name, i.HostAPI) }

// Counters are a Device's detailed counters; Stats folds them into
// audio.DeviceStats.
type Counters struct {
	Callbacks     uint64        // PortAudio callbacks so far
	Frames        uint64        // frames handed to PortAudio
	RingUnderruns uint64        // callbacks that found the ring short and played silence
	Underflows    uint64        // callbacks PortAudio flagged paOutputUnderflow
	LateCallbacks uint64        // gaps between callbacks over two periods
	MaxInterval   time.Duration // longest gap between callbacks
	MeanInterval  time.Duration // first to latest callback over the gaps between them
	SinceCallback time.Duration // age of the latest callback, a heartbeat for a watchdog; -1 before the first
	Fill          ring.Stats    // the render goroutine
	Input         InputCounters // zero without input
}

// InputCounters are the input's detailed counters; InputStats folds them
// into audio.InputStats.
type InputCounters struct {
	Frames uint64 // frames PortAudio captured (handed to the callback)
	// Lost counts frames the callback found no room for in the input ring:
	// recorded audio lost, each later written as silence so that the
	// frames after it keep their place. It is a safeguard: the callback
	// keeps only frames matched by output frames taken from the output
	// ring, and the render goroutine empties the input ring before it
	// renders each block for that ring, so between two drains the input
	// ring gets at most what the output ring held, a quarter of its size.
	Lost uint64
	// Skipped counts frames captured while the output played underrun
	// silence (the ring was short), dropped to keep input frame k in step
	// with output frame k. They are not recorded audio lost as such: what
	// was played over them was not the engine's (its frames are late by as
	// much), so no take lines up with them anyway; but the input has a gap
	// there.
	Skipped   uint64
	Overflows uint64 // callbacks PortAudio flagged paInputOverflow (input lost before it reached us)
	Delivered uint64 // frames handed to the sink (or discarded, with no sink) by the render goroutine
}

// noDeviceError is audio.ErrNoDevice with a sentence the user can act on.
type noDeviceError struct{ msg string }

func (e *noDeviceError) Error() string { return e.msg }
func (e *noDeviceError) Unwrap() error { return audio.ErrNoDevice }

// ErrNoDevice text when PortAudio finds no output at all.
const noDeviceText = "no audio output device found; use --audio null to run without sound, or --device NAME to pick one (gridbox devices lists them)"

var (
	// mu serialises PortAudio initialisation, enumeration, stream set-up and
	// tear-down, and guards lastLog and jackLost. PortAudio's library state
	// is process-wide.
	mu      sync.Mutex
	lastLog string
	// jackLost is set once Close has left a JACK stream whose callbacks had
	// stopped: PortAudio's JACK client is dead or dropped, and only a new
	// process can initialise PortAudio again (see errJACKLost).
	jackLost bool
)

// errJACKLost is what Close, and every later Open and List, return once a
// JACK stream stopped calling back. PortAudio 19.6's JACK layer cannot let
// go of such a stream in-process: when the server has died (or dropped the
// client), Pa_AbortStream waits for a process cycle that never comes, and if
// the server's shutdown notice arrives meanwhile, Pa_CloseStream and
// Pa_Terminate abort the whole process (assertions on jack_port_unregister
// and jack_deactivate in pa_jack.c, which Debian builds with assertions
// on). So Close leaves the stream as it is and asks for a new process.
var errJACKLost = fmt.Errorf("the JACK server stopped calling back (it died or dropped gridbox's client) and PortAudio cannot release its client; %w", audio.ErrRestart)

// Log returns what ALSA, JACK and PortAudio printed to stderr during the
// latest List, Open, Start or Close; normally it is captured and hidden, and
// this is for a --verbose diagnostic.
func Log() string {
	mu.Lock()
	defer mu.Unlock()
	return lastLog
}

// initialize calls Pa_Initialize with stderr captured. Callers hold mu.
func initialize() error {
	// libjack would otherwise try to launch a JACK server when none runs.
	if os.Getenv("JACK_NO_START_SERVER") == "" {
		os.Setenv("JACK_NO_START_SERVER", "1")
	}
	var cards, plugins int
	var safe bool
	lastLog = quiet.Stderr("GRIDBOX_PORTAUDIO_STDERR", func() { cards, plugins, safe = alsaPreflight() })
	if !safe {
		lastLog += fmt.Sprintf("gridbox: PortAudio not initialised: the ALSA configuration (ALSA_CONFIG_PATH=%q) names no \"default\" or \"dmix\" PCM (%d cards, %d plugin PCMs), and PortAudio's ALSA scan aborts the process on such a configuration (assertion devIdx < numDeviceNames in pa_linux_alsa.c)\n",
			os.Getenv("ALSA_CONFIG_PATH"), cards, plugins)
		if cards+plugins == 0 {
			return &noDeviceError{noDeviceText}
		}
		return &noDeviceError{"the ALSA configuration has no \"default\" PCM, which PortAudio needs (check ALSA_CONFIG_PATH and /usr/share/alsa/alsa.conf); use --audio null to run without sound"}
	}
	var err error
	lastLog += quiet.Stderr("GRIDBOX_PORTAUDIO_STDERR", func() { err = pa.Initialize() })
	if err != nil {
		return fmt.Errorf("portaudio: initialise: %w", err)
	}
	return nil
}

// terminate balances one initialize. Callers hold mu.
func terminate() {
	lastLog += quiet.Stderr("GRIDBOX_PORTAUDIO_STDERR", func() { pa.Terminate() })
}

// List returns the devices with outputs or inputs (MaxOutputChannels and
// MaxInputChannels say which). Control side.
func List() ([]Info, error) {
	mu.Lock()
	defer mu.Unlock()
	if jackLost {
		return nil, fmt.Errorf("portaudio: %w", errJACKLost)
	}
	if err := initialize(); err != nil {
		return nil, err
	}
	defer terminate()
	return devices()
}

// devices lists the devices with output or input channels. Callers hold mu
// between initialize and terminate.
func devices() ([]Info, error) {
	devs, err := pa.Devices()
	if err != nil {
		return nil, fmt.Errorf("portaudio: list devices: %w", err)
	}
	def, defIn := -1, -1
	if d, err := pa.DefaultOutputDevice(); err == nil {
		def = d.Index
	}
	if d, err := pa.DefaultInputDevice(); err == nil {
		defIn = d.Index
	}
	var out []Info
	for _, d := range devs {
		if d.MaxOutputChannels <= 0 && d.MaxInputChannels <= 0 {
			continue
		}
		api := ""
		if d.HostApi != nil {
			api = d.HostApi.Name
		}
		out = append(out, Info{
			Index:             d.Index,
			Name:              d.Name,
			HostAPI:           api,
			MaxOutputChannels: max(d.MaxOutputChannels, 0),
			MaxInputChannels:  max(d.MaxInputChannels, 0),
			DefaultRate:       d.DefaultSampleRate,
			Default:           d.Index == def,
			DefaultInput:      d.Index == defIn,
			Latency:           d.DefaultLowOutputLatency,
			InputLatency:      d.DefaultLowInputLatency,
		})
	}
	return out, nil
}

// outputsOf returns the devices of all that have outputs.
func outputsOf(all []Info) []Info {
	var out []Info
	for _, d := range all {
		if d.MaxOutputChannels > 0 {
			out = append(out, d)
		}
	}
	return out
}

// choose picks the output device spec names (see Config.Device) among outs.
func choose(outs []Info, spec string) (Info, error) {
	spec = strings.TrimSpace(spec)
	if len(outs) == 0 {
		return Info{}, &noDeviceError{noDeviceText}
	}
	if spec == "" {
		for _, d := range outs {
			if d.Default {
				return d, nil
			}
		}
		return outs[0], nil // PortAudio named no default, but outputs exist
	}
	if d, ok := match(outs, spec); ok {
		return d, nil
	}
	names := make([]string, len(outs))
	for i, d := range outs {
		names[i] = d.String()
	}
	return Info{}, &noDeviceError{fmt.Sprintf(
		"no audio output device matches %q; the outputs are %s; use --device with one of these numbers or names, or --audio null to run without sound",
		spec, strings.Join(names, ", "))}
}

// chooseInput picks the input Config.Input and InputChannels name among the
// devices all, for a stream whose output is out. ok is false for no input.
func chooseInput(all []Info, out Info, spec string, channels int) (in Info, n int, ok bool, err error) {
	spec = strings.TrimSpace(spec)
	switch {
	case strings.EqualFold(spec, "none"):
		return Info{}, 0, false, nil
	case spec == "":
		if out.MaxInputChannels <= 0 {
			return Info{}, 0, false, nil
		}
		in = out
	default:
		var ins []Info
		for _, d := range all {
			if d.MaxInputChannels > 0 {
				ins = append(ins, d)
			}
		}
		if in, ok = match(ins, spec); !ok {
			if len(ins) == 0 {
				return Info{}, 0, false, &noDeviceError{fmt.Sprintf("no audio input device found (looking for %q); use --input-device none to play without one", spec)}
			}
			names := make([]string, len(ins))
			for i, d := range ins {
				names[i] = fmt.Sprintf("%s %d ch", d, d.MaxInputChannels)
			}
			return Info{}, 0, false, &noDeviceError{fmt.Sprintf(
				"no audio input device matches %q; the inputs are %s; use --input-device with one of these numbers or names, or none",
				spec, strings.Join(names, ", "))}
		}
		if in.HostAPI != out.HostAPI {
			return Info{}, 0, false, fmt.Errorf("portaudio: input %s and output %s are on different host APIs; PortAudio runs one stream on one host API: pick an input on %s", in, out, out.HostAPI)
		}
	}
	n = channels
	switch {
	case n == 0:
		n = min(in.MaxInputChannels, maxInputChannels)
	case n < 0 || n > in.MaxInputChannels:
		return Info{}, 0, false, fmt.Errorf("portaudio: input %s has %d channels, not %d", in, in.MaxInputChannels, n)
	}
	return in, n, true, nil
}

// maxInputChannels caps the input channels taken by default.
const maxInputChannels = 8

// match finds the device spec names among devs, as choose does.
func match(devs []Info, spec string) (Info, bool) {
	if n, err := strconv.Atoi(spec); err == nil {
		for _, d := range devs {
			if d.Index == n {
				return d, true
			}
		}
		return Info{}, false
	}
	for _, d := range devs {
		if strings.EqualFold(d.Name, spec) {
			return d, true
		}
	}
	lower := strings.ToLower(spec)
	for _, d := range devs {
		if strings.Contains(strings.ToLower(d.Name), lower) {
			return d, true
		}
	}
	return Info{}, false
}

// Device is a PortAudio output stream fed by a render goroutine through a
// C ring, and with an input, a duplex stream whose captured frames reach the
// render goroutine through a second C ring. It implements audio.Device and
// audio.Capturer.
type Device struct {
	format      audio.Format
	info        Info
	input       Info // the input device, when inChannels > 0
	inChannels  int
	rcfg        ring.Config
	inLatency   time.Duration // PortAudio's input latency for the stream
	outLatency  time.Duration // PortAudio's output latency for the stream
	outputDelay time.Duration // outLatency plus the ring's lead
	rtSched     bool          // PortAudio was asked to make its ALSA callback thread SCHED_FIFO

	mu       sync.Mutex // guards everything below against Stats during Close
	p        *pipe
	filler   *ring.Filler
	drain    *drain // the Renderer wrapper that empties the input ring; nil without input
	sink     audio.InputSink
	warnings []string
	started  bool
	closed   bool
	final    Counters // the counters at Close
	onsets   uint64   // onsets the probe had found at the latest ArmOnset
}

var (
	_ audio.Device   = (*Device)(nil)
	_ audio.Capturer = (*Device)(nil)
)

// Open opens (but does not start) a stream on the output device cfg
// selects, duplex with the input cfg selects (see Config.Input). When there
// is no output device, or none matches cfg.Device, or no input matches a
// named cfg.Input, the error wraps audio.ErrNoDevice and its text is one
// sentence saying what to do. Control side.
func Open(cfg Config) (*Device, error) {
	cfg = cfg.withDefaults()
	if cfg.Rate < 0 || cfg.Block < 0 || cfg.Lead < 0 || cfg.Channels < 0 || cfg.InputChannels < 0 || (cfg.Lead+1)*cfg.Block > 1<<24 {
		return nil, fmt.Errorf("portaudio: bad config %+v", cfg)
	}
	mu.Lock()
	defer mu.Unlock()
	if jackLost {
		return nil, fmt.Errorf("portaudio: %w", errJACKLost)
	}
	if err := initialize(); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			terminate()
		}
	}()

	all, err := devices()
	if err != nil {
		return nil, err
	}
	info, err := choose(outputsOf(all), cfg.Device)
	if err != nil {
		return nil, err
	}
	if cfg.Channels > info.MaxOutputChannels {
		return nil, fmt.Errorf("portaudio: device %s has %d output channels, not %d", info, info.MaxOutputChannels, cfg.Channels)
	}
	in, inCh, _, err := chooseInput(all, info, cfg.Input, cfg.InputChannels)
	if err != nil {
		return nil, err
	}
	format := audio.Format{SampleRate: cfg.Rate, Channels: cfg.Channels}
	prio := max(cfg.Priority, 0)
	rcfg := ring.Config{Format: format, Block: cfg.Block, Lead: cfg.Lead, Priority: prio}
	latency := cfg.Latency
	if latency == 0 {
		latency = info.Latency
	}
	inLatency := cfg.Latency
	if inLatency == 0 {
		inLatency = in.InputLatency
	}
	var warnings []string
	p, rtSched, err := openPipe(rcfg, info, in, inCh, latency, inLatency)
	if err != nil && inCh > 0 && strings.TrimSpace(cfg.Input) == "" {
		// The input was only taken because the output device has one: play
		// without it rather than not at all.
		warnings = append(warnings, fmt.Sprintf("playing without input: PortAudio refused %s's %d input channels in a duplex stream (%v); --input-device none says so quietly", in, inCh, err))
		inCh = 0
		p, rtSched, err = openPipe(rcfg, info, Info{}, 0, latency, 0)
	}
	if err != nil {
		what := fmt.Sprintf("%s for %d channels", info, cfg.Channels)
		if inCh > 0 {
			what += fmt.Sprintf(" with %d input channels of %s", inCh, in)
		}
		return nil, fmt.Errorf("portaudio: open %s at %d Hz: %w", what, cfg.Rate, err)
	}
	ok = true
	inLat, outLat := p.latency()
	d := &Device{
		format:      format,
		info:        info,
		rcfg:        rcfg,
		rtSched:     rtSched,
		outLatency:  outLat,
		outputDelay: outLat + format.Duration(int64(cfg.Lead*cfg.Block)),
		p:           p,
		warnings:    warnings,
	}
	if inCh > 0 {
		d.input, d.inChannels, d.inLatency = in, inCh, inLat
	}
	return d, nil
}

// openPipe allocates a pipe (with an input ring when inCh > 0) and opens
// its stream. Callers hold mu between initialize and terminate.
func openPipe(rcfg ring.Config, out, in Info, inCh int, latency, inLatency time.Duration) (p *pipe, rtSched bool, err error) {
	p, err = newPipe(rcfg, inputFrames(rcfg), inCh)
	if err != nil {
		return nil, false, err
	}
	lastLog += quiet.Stderr("GRIDBOX_PORTAUDIO_STDERR", func() {
		rtSched, err = p.open(out.Index, in.Index, rcfg.Format, rcfg.Block, latency, inLatency)
	})
	if err != nil {
		p.free()
		return nil, false, err
	}
	return p, rtSched, nil
}

// Format returns the stream's format.
func (d *Device) Format() audio.Format { return d.format }

// Info returns the device the stream plays on.
func (d *Device) Info() Info { return d.info }

// String names the device the stream plays on.
func (d *Device) String() string { return d.info.String() }

// OutputDelay returns how long after Render returns a block its first frame
// reaches the converter: PortAudio's output latency for the stream plus the
// ring's lead.
func (d *Device) OutputDelay() time.Duration { return d.outputDelay }

// Latency returns PortAudio's input and output latency for the stream
// (Pa_GetStreamInfo; in is 0 without input). Neither counts the ring's lead:
// input frame k and output frame k pass through the callback together, so
// the musician's frame m is at input frame m + (in+out)×rate (plus the rig's
// cable and converters). Known from Open on.
func (d *Device) Latency() (in, out time.Duration) { return d.inLatency, d.outLatency }

// Start launches the render goroutine, waits until it has filled the ring
// Lead blocks deep, then starts the PortAudio stream. r.Render is then called
// on the render goroutine until Close; with an input, each Render is
// preceded by handing the sink (Capture) every frame captured so far.
// Control side.
func (d *Device) Start(r audio.Renderer) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.closed:
		return errors.New("portaudio: Start after Close")
	case d.started:
		return errors.New("portaudio: already started")
	case r == nil:
		return errors.New("portaudio: nil Renderer")
	}
	d.filler = ring.NewFiller(d.p.ring, d.rcfg)
	if d.p.in != nil {
		d.drain = newDrain(d.p.in, d.rcfg.Block, d.sink, r)
		r = d.drain
	}
	if w := d.filler.Start(r); w != "" {
		if d.rtSched {
			// PortAudio falls back quietly when it is refused too.
			w += "; PortAudio's ALSA callback thread is refused SCHED_FIFO likewise"
		}
		d.warnings = append(d.warnings, w)
	}
	var err error
	mu.Lock()
	lastLog += quiet.Stderr("GRIDBOX_PORTAUDIO_STDERR", func() { err = d.p.start() })
	mu.Unlock()
	if err != nil {
		d.filler.Stop()
		return fmt.Errorf("portaudio: start %s: %w", d.info, err)
	}
	d.started = true
	return nil
}

// Warnings returns notes about things that work but not as well as they
// could, such as a refused SCHED_FIFO priority. Each is reported once.
func (d *Device) Warnings() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.warnings...)
}

// Counters returns the detailed counters. Safe from any goroutine (it takes
// the Device's control-side lock, never the audio path's).
func (d *Device) Counters() Counters {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.countersLocked()
}

func (d *Device) countersLocked() Counters {
	if d.p == nil {
		return d.final
	}
	c := d.p.counters()
	if d.filler != nil {
		c.Fill = d.filler.Stats()
	}
	if d.drain != nil {
		c.Input.Delivered = d.drain.delivered.Load()
	}
	return c
}

// jackHostAPI is the name PortAudio gives its JACK host API.
const jackHostAPI = "JACK Audio Connection Kit"

// stalledLocked reports whether the callbacks have stopped: none for more
// than eight periods (supervise takes a device for lost after nine) and
// twice the longest gap between two so far (a host that calls back in
// bursts has long gaps). It waits, up to a second, while the silence is
// longer than eight periods but not yet twice the longest gap, for one or
// the other to decide. Callers hold d.mu.
func (d *Device) stalledLocked() bool {
	period := d.format.Duration(int64(d.rcfg.Block))
	for deadline := time.Now().Add(time.Second); ; time.Sleep(period) {
		c := d.p.counters()
		switch {
		case c.SinceCallback <= 8*period: // calling back (or never did)
			return false
		case c.SinceCallback > 2*c.MaxInterval || time.Now().After(deadline):
			return true
		}
	}
}

// Stats returns the health counters: Underruns adds the callbacks that found
// the ring short to those PortAudio flagged as output underflows; LateWakes
// and MaxInterval are measured on the callback thread; Load and MaxLoad on
// the render goroutine. Safe from any goroutine.
func (d *Device) Stats() audio.DeviceStats {
	c := d.Counters()
	return audio.DeviceStats{
		Blocks:      c.Fill.Blocks,
		Played:      c.Frames,
		Underruns:   c.RingUnderruns + c.Underflows,
		LateWakes:   c.LateCallbacks,
		MaxInterval: c.MaxInterval,
		Load:        c.Fill.Load,
		MaxLoad:     c.Fill.MaxLoad,
	}
}

// An Onset is when the callback handed PortAudio the first non-zero frame
// after ArmOnset: the latency probe's end point. Times are CLOCK_MONOTONIC
// nanoseconds (Monotonic).
type Onset struct {
	Callback int64 // the start of the callback whose block held the frame
	Frame    int   // the frame's index in that block
	Frames   int   // the block's length
	// At is Callback plus Frame frames at the stream's rate: when the frame
	// itself went to the device, counting the block as played from the
	// callback on in real time.
	At int64
	// DAC is PortAudio's estimate of how long after the callback the
	// block's first frame reaches the converter (outputBufferDacTime −
	// currentTime), or 0 if the host API gave none.
	DAC time.Duration
}

func makeOnset(ns int64, frame, frames int, dac int64, rate int) Onset {
	return Onset{
		Callback: ns, Frame: frame, Frames: frames,
		At:  ns + int64(frame)*int64(time.Second)/int64(rate),
		DAC: time.Duration(dac),
	}
}

// ArmOnset arms the onset probe, a test seam for measuring latency: from
// the next callback on, the callback looks through the audio it hands
// PortAudio for the first non-zero sample, records it (Onset) and disarms.
// Unarmed, it costs the callback one atomic load; armed, a scan of the
// block's samples, without a syscall or a lock. It returns false when the
// stream is closed. Control side; one goroutine at a time arms and reads
// (ArmOnset, Onset) the probe.
func (d *Device) ArmOnset() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.p == nil {
		return false
	}
	d.onsets = d.p.onsetArm()
	return true
}

// Onset returns the onset the probe found since the latest ArmOnset, if it
// has found one. Control side.
func (d *Device) Onset() (Onset, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.p == nil {
		return Onset{}, false
	}
	o, seq := d.p.onsetRead(d.format.SampleRate)
	return o, seq > d.onsets
}

// Close stops the stream at once (what the host still buffers is dropped),
// stops the render goroutine, and releases the stream and PortAudio. Render
// is not called after Close returns. Control side.
//
// A JACK stream whose callbacks have stopped (for more than eight periods
// and twice the longest gap seen) is not stopped or released: PortAudio would
// hang or abort the process on it (errJACKLost, which Close returns). Its
// render goroutine is stopped and its C memory left allocated, in case the
// callback was only late and runs again.
func (d *Device) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	mu.Lock()
	defer mu.Unlock()
	if d.started && d.info.HostAPI == jackHostAPI && d.stalledLocked() {
		d.filler.Stop()
		d.final = d.countersLocked()
		d.p = nil // leaked with the stream: see errJACKLost
		jackLost = true
		return fmt.Errorf("portaudio: close %s: %w", d.info, errJACKLost)
	}
	var errs []error
	if d.started {
		var err error
		lastLog += quiet.Stderr("GRIDBOX_PORTAUDIO_STDERR", func() { err = d.p.abort() })
		errs = append(errs, err)
		d.filler.Stop() // after abort: the callback no longer reads the ring
	}
	var err error
	lastLog += quiet.Stderr("GRIDBOX_PORTAUDIO_STDERR", func() { err = d.p.close() })
	errs = append(errs, err)
	d.final = d.countersLocked()
	d.p.free()
	d.p = nil
	terminate()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("portaudio: close %s: %w", d.info, err)
	}
	return nil
}
