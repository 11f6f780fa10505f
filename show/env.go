package show

import (
	"io"
	"os"
	"time"

	"gridbox/audio"
	"gridbox/engine"
	"gridbox/grid/hotplug"
	"gridbox/grid/midiport"
	"gridbox/grid/scan"
	"gridbox/sequencer"
)

// Env is what a show runs with: where it reports, and the hooks through
// which tests replace parts of the system. Stdout and Stderr must not be
// nil and must take concurrent writes, as os.Stdout and os.Stderr do:
// play's status line, the hot-plug watcher, the state saver and the show
// all write from goroutines of their own.
type Env struct {
	Stdout, Stderr io.Writer
	TTY            bool // Stderr is a terminal: draw progress and status lines
	Hooks
}

// Hooks replace parts of the system in tests; the zero Hooks are the
// system's.
type Hooks struct {
	// Scans, when set, replace the system's controller scans (tests plug
	// simulated devices in and out through them).
	Scans func(wrap scan.Wrap) []hotplug.Scan
	// OpenAudio, when set, replaces play's audio backend (tests play on a
	// faulty fake), and calibrate's (a fake loopback: its device must be
	// an audio.Capturer).
	OpenAudio func(f audio.Format, block int) Opener
	// Opened, when set, is told of every audio device play opens, at its
	// start and after a loss, on the goroutine that opened it and before
	// the device is started: tests reach a device's own probes through it
	// (the pad-to-sound latency test arms portaudio's onset probe; the
	// calibrate test connects a JACK loopback to calibrate's device).
	Opened func(audio.Device)
	// Notify, when set, replaces signal.Notify for play's SIGINT and
	// SIGTERM: a test in a testing/synctest bubble must not start
	// os/signal's goroutine inside it.
	Notify func(c chan<- os.Signal, sig ...os.Signal)
	// Hung, when set, replaces supervise's 2 s limit on an audio backend
	// call: tests on real servers whose subject is not that limit (a race
	// build on a busy machine takes seconds in PortAudio's Open).
	Hung time.Duration
	// SampleBudget, when set, replaces the memory a set's decoded samples
	// may take (half the machine's RAM).
	SampleBudget int64
	// WrapStream, when set, wraps every streamed sample's source (to make
	// it as slow as an SD card).
	WrapStream func(audio.Source) audio.Source
	// Turn, when set, is called on the session goroutine at every turn
	// of play's and render's loop, with the frame the sound has reached:
	// tests edit and record through the session's own API with it.
	Turn func(s *sequencer.Session, now engine.Frame)
	// CaptureWords, when set, replaces the size of the engine's capture
	// ring (engine.Config.Capture): tests fill it sooner.
	CaptureWords int
	// TakeFile, when set, wraps each audio take's file as the take
	// writer opens it (tests fill the disk). Writer goroutine.
	TakeFile func(f *os.File) TakeFile
	// SaveTakes, when set, replaces sets.SaveTakes for the takes saver's
	// writes (tests make the disk slow, or hang it). Writer goroutine.
	SaveTakes func(name string, data []byte) error
	// MIDI, when set, replaces the system's MIDI driver for play's MIDI
	// ports (midiports.go; tests plug a midiporttest device), and
	// MIDIPeriod how often its ports are looked for (0: 250 ms).
	MIDI       func() (midiport.Driver, error)
	MIDIPeriod time.Duration
	// ClockIn, when set, is told the follower's tempo estimate (BPM)
	// every time a clock_in source's tempo steers the grid, with the
	// frame it steers from: tests measure the following against the
	// source. Session goroutine.
	ClockIn func(at engine.Frame, bpm float64)
	// RenderBlock, when set, replaces the frames render renders at a time
	// (RenderBlock): tests check that nothing depends on it.
	RenderBlock int
}

// midiDriver returns the MIDI driver play's ports are found on: the
// system's, or a test's.
func (e *Env) midiDriver() (midiport.Driver, error) {
	if e.MIDI != nil {
		return e.MIDI()
	}
	return midiport.System()
}

// controllerScans returns the scans play and "gridbox controllers" use:
// the system's, or a test's; wrap (may be nil) wraps each port opened.
func (e *Env) controllerScans(wrap scan.Wrap) ([]hotplug.Scan, []string) {
	if e.Scans != nil {
		return e.Scans(wrap), nil
	}
	return scan.System(wrap)
}
