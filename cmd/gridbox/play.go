package main

import (
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"gridbox/audio"
	"gridbox/audio/null"
	"gridbox/audio/oto"
	"gridbox/engine"
)

const (
	sessionTick  = 2 * time.Millisecond // how often the session goroutine wakes
	statusPeriod = 100 * time.Millisecond
	logPeriod    = 10 * time.Second // plain status lines when stderr is not a terminal
)

func cmdPlay(e *env, args []string) error {
	fs := newFlags(e, "play", "SET.toml [flags]",
		"Play runs a set live on an audio device. With --events it performs the script in real time;\nit stops at the script's \"end\", after --seconds, or on Ctrl-C (SIGINT) or SIGTERM.\nA one-line status shows bar.beat, tempo, playing clips, DSP load and underruns on a terminal;\nelsewhere (systemd) it logs plain lines.")
	events := fs.String("events", "", "performance script `PERF.txt` to play in real time")
	backend := fs.String("audio", defaultAudio, "audio `backend`: "+strings.Join(audioBackends, ", "))
	device := fs.String("device", "", "output device: a `NAME` substring or an index from \"gridbox devices\" (portaudio)")
	rate := fs.Int("rate", defaultRate, "sample `rate` in Hz")
	block := fs.Int("block", defaultLiveBlock, "block size in `frames` (latency: one block is 2.67 ms at 128/48000)")
	lead := fs.Int("lead", 2, "`blocks` rendered ahead of the device, absorbing Go scheduling stalls")
	seconds := fs.Float64("seconds", 0, "stop after `N` seconds (0: run until the script ends or a signal)")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	switch {
	case *rate < 8000 || *rate > 384000:
		return fmt.Errorf("--rate %d is out of range 8000..384000", *rate)
	case *block < 16 || *block > 8192:
		return fmt.Errorf("--block %d is out of range 16..8192", *block)
	case *lead < 1 || *lead > 64:
		return fmt.Errorf("--lead %d is out of range 1..64", *lead)
	case !slices.Contains(audioBackends, *backend):
		return fmt.Errorf("--audio %q: choose one of %s", *backend, strings.Join(audioBackends, ", "))
	}
	script, err := readScript(*events)
	if err != nil {
		return err
	}
	l, err := loadSet(pos[0], *rate)
	if err != nil {
		return err
	}
	for _, p := range l.problems {
		fmt.Fprintln(e.stderr, p)
	}
	p, err := newPerformer(l, *rate, script)
	if err != nil {
		return err
	}
	f := audio.Format{SampleRate: *rate, Channels: 2}
	dev, err := openDevice(*backend, *device, f, *block, *lead)
	if err != nil {
		return err
	}
	// Commit the session far enough ahead that the render goroutine (up to
	// lead blocks ahead of the device) never reaches uncommitted frames.
	lookahead := engine.Frame(2*f.Frames(sessionTick) + int64((*lead+1)**block))
	p.advance(lookahead)
	if err := dev.Start(p.player); err != nil {
		dev.Close()
		return err
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(stop)

	limit := engine.Never
	if *seconds > 0 {
		limit = engine.Frame(*seconds * float64(*rate))
	}
	fmt.Fprintf(e.stderr, "gridbox: playing %q (%s) on %s at %d Hz, %d-frame blocks\n", l.set.Name, l.file, *backend, *rate, *block)
	st := newStatus(e, p, dev)
	tick := time.NewTicker(sessionTick)
	defer tick.Stop()
	reason := ""
	for reason == "" {
		select {
		case sig := <-stop:
			reason = "got " + sig.String()
		case <-tick.C:
		}
		now := p.player.Position()
		p.advance(now + lookahead)
		st.update(now)
		switch {
		case now >= p.end:
			reason = "the script ended"
		case now >= limit:
			reason = fmt.Sprintf("%g s played", *seconds)
		case script != nil && p.end == engine.Never && limit == engine.Never && p.silent():
			reason = "nothing plays any more"
		}
	}
	st.finish()
	err = dev.Close()
	ds, es := dev.Stats(), p.player.Stats()
	fmt.Fprintf(e.stderr, "gridbox: stopped (%s) at %s: %d blocks, %d underruns, max DSP load %.0f%%, peak voices %d, late commands %d\n",
		reason, p.position(p.player.Position()), ds.Blocks, ds.Underruns, 100*ds.MaxLoad, es.PeakVoices, es.Late)
	return err
}

var audioBackends = append(backendsWithPortAudio, "oto", "null")

// openDevice opens the named audio backend.
func openDevice(backend, device string, f audio.Format, block, lead int) (audio.Device, error) {
	switch backend {
	case "portaudio":
		return openPortAudio(device, f, block, lead)
	case "oto":
		return oto.Open(f, block)
	case "null":
		return null.New(f, block), nil
	}
	return nil, fmt.Errorf("--audio %q: choose one of %s", backend, strings.Join(audioBackends, ", "))
}

// status shows what plays: a one-line status redrawn on a terminal, or a
// plain log line every logPeriod (and on new underruns) elsewhere.
type status struct {
	e         *env
	p         *performer
	dev       audio.Device
	last      time.Time
	underruns uint64
}

func newStatus(e *env, p *performer, dev audio.Device) *status {
	return &status{e: e, p: p, dev: dev, last: time.Now()}
}

func (s *status) line(now engine.Frame) string {
	ds := s.dev.Stats()
	return fmt.Sprintf("%-7s %s  playing %d  voices %d  DSP %.0f%%  underruns %d",
		s.p.position(now), formatTempo(s.p.session.Clock().Tempo(now)), s.p.playing(),
		s.p.player.Stats().Voices, 100*ds.Load, ds.Underruns)
}

func (s *status) update(now engine.Frame) {
	if s.e.stderrTTY {
		if time.Since(s.last) >= statusPeriod {
			s.last = time.Now()
			fmt.Fprintf(s.e.stderr, "\r\x1b[K%s", s.line(now))
		}
		return
	}
	u := s.dev.Stats().Underruns
	if time.Since(s.last) >= logPeriod || u > s.underruns {
		s.last, s.underruns = time.Now(), u
		fmt.Fprintf(s.e.stderr, "gridbox: %s\n", s.line(now))
	}
}

func (s *status) finish() {
	if s.e.stderrTTY {
		fmt.Fprint(s.e.stderr, "\r\x1b[K")
	}
}
