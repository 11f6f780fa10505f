package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/pprof"

	"gridbox/show"
)

const (
	defaultRate      = 48000
	defaultLiveBlock = 128
	renderAboutText  = "Render runs the same engine as play on a virtual clock, faster than real time, and writes a WAV file.\n" +
		"Without --events it launches scene 0 at time 0 and renders 30 s (or --seconds).\n" +
		"With --events it ends at the script's \"end\", else after --seconds, else when nothing plays any more.\n" +
		"A file is replaced only once the render is complete; a FIFO, a character device or standard output\n" +
		"(-o -) gets the WAV as it is rendered, its sizes left unknown (0xFFFFFFFF) where it cannot seek back.\n" +
		"A set with problems (a missing or undecodable sample) is an error unless --keep-going.\n" +
		"SIGINT or SIGTERM stops the render, leaving no partial file (exit status 130 or 143)."
	renderFormatUsage  = "sample format of the WAV: f32 (32-bit float), s24 or s16 (PCM)"
	controllerLogUsage = "write every controller message to `LOG.txt`, one per line: <frame> <model> <in|out> <hex bytes>"
	midiLogUsage       = "write every message sent to or received from a MIDI port to `LOG.txt`, one per line: <frame> <port> <in|out> <hex bytes> (frame: where it takes effect; port: the name as the set gives it)"
)

func cmdRender(e *env, args []string) error {
	fs := newFlags(e, "render", "SET.toml -o OUT.wav [flags]", renderAboutText)
	events := fs.String("events", "", "performance script `PERF.txt` to play")
	out := fs.String("o", "", "output `WAV`: a file (replaced atomically; a symbolic link is written through), a FIFO or character device (streamed to), or - for standard output")
	rate := fs.Int("rate", defaultRate, "sample `rate` in Hz, 8000 to 384000")
	var seconds secondsValue
	fs.Var(&seconds, "seconds", "render `N` seconds, at most 86400 (24 hours); 0: until the script's end or silence")
	format := fs.String("format", "f32", renderFormatUsage)
	keepGoing := fs.Bool("keep-going", false, "render even when the set has problems (a missing or undecodable sample: its clips stay silent)")
	cpuprofile := fs.String("cpuprofile", "", "write a Go CPU profile of the whole render to `FILE` (for performance work)")
	ctrlLogFile := fs.String("controller-log", "", controllerLogUsage)
	midiLogFile := fs.String("midi-log", "", midiLogUsage)
	input := fs.String("input", "", "play `IN.wav` into the audio input, from frame 0 (its channel 1 is input 1): audio tracks record it as they would a sound card's")
	inputLatency := fs.Int("input-latency", 0, "the input's latency in `FRAMES` (0..96000): a recording takes frame F+FRAMES of --input for the frame F heard, as play compensates a sound card's")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(e.stderr, "gridbox render: -o OUT.wav is required")
		fs.Usage()
		return errUsage
	}
	sf, err := show.ParseSampleFormat(*format)
	if err != nil {
		return usageError(fs, "--format %q: choose f32, s24 or s16", *format)
	}
	if err := checkRange(fs, "rate", *rate, show.MinRate, show.MaxRate, " Hz"); err != nil {
		return err
	}
	if err := checkSeconds(fs, &seconds); err != nil {
		return err
	}
	if err := checkRange(fs, "input-latency", *inputLatency, 0, 96000, " frames"); err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	err = show.Render(e.show(), show.RenderConfig{Set: pos[0], Events: *events, Out: *out, Rate: *rate, Seconds: seconds.v,
		Format: sf, KeepGoing: *keepGoing, CtrlLog: *ctrlLogFile, MIDILog: *midiLogFile, Input: *input, InputLatency: *inputLatency})
	var x *show.Interrupted
	if errors.As(err, &x) {
		fmt.Fprintf(e.stderr, "gridbox render: %v; %s\n", x, x.What)
		return exitError{x.Code()}
	}
	return err
}
