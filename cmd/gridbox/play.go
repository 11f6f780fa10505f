package main

import (
	"fmt"
	"math"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"gridbox/audio"
	"gridbox/audio/oto"
	"gridbox/audio/supervise"
	"gridbox/cmd/gridbox/internal/safemode"
	"gridbox/config"
	"gridbox/engine"
	"gridbox/internal/spell"
)

const (
	sessionTick  = 2 * time.Millisecond // how often the session goroutine wakes
	statusPeriod = 100 * time.Millisecond
	logPeriod    = 10 * time.Second // plain status lines when stderr is not a terminal
)

func cmdPlay(e *env, args []string) (err error) {
	fs := newFlags(e, "play", "[SET.toml] [flags]",
		"Play runs a set live on an audio device. Launchpads and monome grids are picked up when they\nare plugged in (gridbox controllers lists them). With --events it also performs the script in\nreal time; without, it plays what the controllers launch. It stops at the script's \"end\", after --seconds, or on Ctrl-C (SIGINT) or SIGTERM;\nSIGHUP (a closed terminal) is ignored.\nA one-line status shows bar.beat, tempo, playing clips, DSP load and underruns on a terminal;\nelsewhere (systemd) it logs plain lines, tells systemd when audio runs and pings its watchdog\nwhile audio is healthy. Without SET.toml it plays the --config's set (\"last\": the set played last).\nIf the sound card stops or goes, the music keeps time silently while play reopens it; if the\naudio system hangs, play saves its state and exits with status 4 (systemd then restarts it).")
	events := fs.String("events", "", "performance script `PERF.txt` to play in real time")
	backend := fs.String("audio", defaultAudio, "audio `backend`: "+strings.Join(audioBackends, ", "))
	device := fs.String("device", "", "output device: a `NAME` substring or an index from \"gridbox devices\" (portaudio)")
	rate := fs.Int("rate", defaultRate, "sample `rate` in Hz, 8000 to 384000")
	block := fs.Int("block", defaultLiveBlock, "block size in `frames`, 16 to 8192 (latency: one block is 2.67 ms at 128/48000)")
	lead := fs.Int("lead", 2, "`blocks` rendered ahead of the device, 1 to 64, absorbing Go scheduling stalls (portaudio, null)")
	var seconds secondsValue
	fs.Var(&seconds, "seconds", "stop after `N` seconds, at most 86400 (24 hours); 0: run until the script ends or a signal")
	verbose := fs.Bool("verbose", false, "on an audio error, also print what ALSA, JACK or PulseAudio said")
	ctrlLogFile := fs.String("controller-log", "", controllerLogUsage)
	configFile := fs.String("config", "", "read the audio settings, the set (a path or \"last\"), controllers to ignore and pins from `config.toml` (default: ~/.config/gridbox/config.toml, if there is one); flags given override it")
	pos, err := parseRange(fs, args, 0, 1)
	if err != nil {
		return err
	}
	// Flags given are checked before the config is read: their mistakes
	// are the command line's (exit status 2); the config checks its own.
	for _, c := range []struct {
		name      string
		v, lo, hi int
		unit      string
	}{
		{"rate", *rate, config.MinRate, config.MaxRate, " Hz"},
		{"block", *block, config.MinBlock, config.MaxBlock, " frames"},
		{"lead", *lead, config.MinLead, config.MaxLead, " blocks"},
	} {
		if err := checkRange(fs, c.name, c.v, c.lo, c.hi, c.unit); err != nil {
			return err
		}
	}
	if err := checkSeconds(fs, &seconds); err != nil {
		return err
	}
	switch {
	case !slices.Contains(audioBackends, *backend):
		return usageError(fs, "--audio %q: choose one of %s", *backend, strings.Join(audioBackends, ", "))
	case *device != "" && *backend != "portaudio":
		return usageError(fs, "--device picks a PortAudio output; --audio %s plays on the system's default output", *backend)
	}
	cfg, err := applyConfig(fs, *configFile, device, rate, block, lead)
	if err != nil {
		return err
	}
	setFile, err := chooseSet(pos, cfg)
	if err != nil {
		return err
	}
	if *device != "" && *backend != "portaudio" { // the config's device
		return fmt.Errorf("%s: audio.device picks a PortAudio output; --audio %s plays on the system's default output", cfg.File, *backend)
	}
	crash, safe, err := checkSafeMode(e, cfg, setFile, len(pos) == 0)
	if err != nil {
		return err
	}
	var l *loaded
	var p *performer
	if safe {
		l, p, err = prepareEmpty(*rate)
	} else {
		l, p, err = prepare(e, setFile, *events, *rate, memory{preload: cfg.Samples.Preload, ram: cfg.Samples.RAM})
	}
	if err != nil {
		return err
	}
	defer l.close()
	// From here on a failure is not the set's doing (no sound card yet at
	// boot, a missing pin): it must not count towards safe mode.
	defer func() {
		if err != nil {
			crash.survive(0, 0)
		}
	}()
	var sv *saver
	if !safe {
		rememberSet(e, cfg, setFile)
		sv = openState(e, setFile, cfg.State.Dir, p)
	}
	f := audio.Format{SampleRate: *rate, Channels: 2}
	open, err := audioOpener(*backend, *device, f, *block, *lead)
	if err != nil {
		return err
	}
	if e.openAudio != nil {
		open = e.openAudio(f, *block)
	}
	dev, err := supervise.New(supervise.Config{Format: f, Block: *block, Open: open, Hung: e.hung})
	if err != nil {
		return err
	}
	// Commit the session far enough ahead that the render goroutine (up to
	// lead blocks ahead of the device) never reaches uncommitted frames,
	// with a margin for the session goroutine waking late; oto reads its
	// ring in bursts of tens of milliseconds.
	margin := 10 * time.Millisecond
	if *backend == "oto" {
		margin = 60 * time.Millisecond
	}
	// Stops are due a fade ahead of their frame.
	lookahead := engine.Frame(f.Frames(2*sessionTick+margin+engine.FadeTime) + int64((*lead+1)**block))
	p.advance(lookahead)
	// The streamer reads long samples from disk ahead of their voices, on
	// a goroutine of its own: the audio thread never waits for the disk.
	streaming := make(chan struct{})
	streamed := make(chan struct{})
	go func() {
		defer close(streamed)
		backgroundThread()
		p.player.Streamer().Run(streaming, streamPeriod)
	}()
	defer func() {
		close(streaming)
		<-streamed
	}()
	if err := dev.Start(p.player); err != nil {
		if *verbose {
			printAudioLog(e, *backend)
		}
		return err
	}
	aw := &audioWatch{e: e, dev: dev}
	clog, err := openCtrlLog(*ctrlLogFile, p.player.Position, true)
	if err != nil {
		dev.Close()
		return err
	}
	if err := p.plugScripted(clog); err != nil {
		dev.Close()
		clog.Close()
		return err
	}
	pn, err := openPins(cfg)
	if err != nil {
		dev.Close()
		clog.Close()
		return err
	}
	defer pn.close()
	ctl := startControllers(e, p, clog, cfg.Controllers.Ignore)
	ctl.announce(l.set.Name)
	stop := make(chan os.Signal, 1)
	notify := signal.Notify
	if e.notify != nil {
		notify = e.notify
	}
	notify(stop, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(stop)
	signal.Ignore(syscall.SIGHUP) // losing the SSH session must not end the show

	limit := engine.Never
	if seconds.v > 0 {
		limit = engine.Frame(math.Round(seconds.v * float64(*rate)))
	}
	fmt.Fprintf(e.stderr, "gridbox: playing %q (%s) on %s at %d Hz, %d-frame blocks\n", l.set.Name, l.file, *backend, *rate, *block)
	st := newStatus(e, p, dev, l)
	st.publish(p.player.Position())
	wd := newWatchdog(e, l.set.Name)
	done := make(chan struct{})
	go st.run(done)
	tick := time.NewTicker(sessionTick)
	defer tick.Stop()
	reason := ""
	var failed error // why the audio backend can only play again in a new process
	for reason == "" {
		select {
		case sig := <-stop:
			reason = "got " + sig.String()
		case <-tick.C:
		case ev := <-ctl.watcher.Events():
			ctl.handle(ev)
		case ev := <-pn.fs.Events():
			pn.footswitch(e, p, ev, p.player.Position())
		}
		now := p.player.Position()
		ah := aw.check()
		ctl.drain()
		p.advance(now + lookahead)
		ctl.publish(now)
		st.publish(now)
		wd.check(now, ah.State != supervise.Hung && ah.State != supervise.Failed)
		alert := safe || ah.State != supervise.Playing
		p.surface.Alert(alert)
		pn.beat(float64(p.session.Clock().Beat(now)), alert)
		sv.snapshot(p.session)
		crash.survive(now, engine.Frame(*rate)*engine.Frame(safemode.Window/time.Second))
		switch {
		case ah.State == supervise.Hung:
			reason = "the audio backend hung"
		case ah.State == supervise.Failed:
			reason = "the audio backend needs a new process"
			failed = ah.TryErr
		case now >= p.end:
			reason = "the script ended"
		case now >= limit:
			reason = fmt.Sprintf("%s s played", &seconds)
		case p.scripted && p.end == engine.Never && limit == engine.Never && p.silent():
			reason = "nothing plays any more"
		}
	}
	wd.stopping()
	sv.finish(p.session) // what plays now is what a restart resumes
	crash.survive(0, 0)  // a clean exit is no crash
	// End without a click: stop everything now (5 ms fades), keep the
	// session going until the fades have been rendered, then give the
	// device time to play them before closing the stream.
	p.session.StopNow(p.player.Position())
	for deadline := time.Now().Add(time.Second); p.player.Stats().Voices > 0 && time.Now().Before(deadline); {
		<-tick.C
		p.advance(p.player.Position() + lookahead)
	}
	time.Sleep(f.Duration(int64((*lead+2)**block)) + 20*time.Millisecond)
	close(done)
	<-st.stopped
	ctl.stop() // controllers back in their normal mode
	err = dev.Close()
	if err == nil && failed != nil {
		err = failed
	}
	if cerr := p.unplugScripted(); err == nil {
		err = cerr
	}
	ds, es := dev.Stats(), p.player.Stats()
	fmt.Fprintf(e.stderr, "gridbox: stopped (%s) at %s: %s, %s, %s, max DSP load %.0f%%, peak voices %d, late commands %d%s\n",
		reason, p.position(p.player.Position()), spell.Count(ds.Blocks, "block"), spell.Count(ds.Underruns, "underrun"),
		spell.Count(ds.LateWakes, "late device wake"), 100*ds.MaxLoad, es.PeakVoices, es.Late, streamReport(p.player))
	return err
}

// streamPeriod is how often the live streamer tops up the streams: a
// fraction of the time a full ring lasts, often enough that a clip
// launched past its preload waits little.
const streamPeriod = 2 * time.Millisecond

// streamReport tells, for play's and render's last line, how streaming
// went, when the set streams anything.
func streamReport(pl *engine.Player) string {
	if pl.Streamer() == nil {
		return ""
	}
	es := pl.Stats()
	msg := fmt.Sprintf(", disk streaming late %d times", es.StreamUnderruns+es.StreamsFull)
	if n, err := pl.Streamer().Failures(); err != nil {
		msg += fmt.Sprintf(" (%s failed: %v)", spell.Count(n, "read"), err)
	}
	return msg
}

// printAudioLog prints what the backend's libraries said (normally hidden).
func printAudioLog(e *env, backend string) {
	log := oto.Log()
	if backend == "portaudio" {
		log = portAudioLog()
	}
	if log == "" {
		log = "(nothing)\n"
	}
	fmt.Fprintf(e.stderr, "gridbox: what the audio libraries said:\n%s", log)
}

// status shows what plays: a one-line status redrawn on a terminal, or a
// plain log line every logPeriod (and on new underruns) elsewhere. It prints
// from its own goroutine, so a blocked terminal or a slow journal never
// stalls the session goroutine, which only publishes a snapshot.
type status struct {
	e       *env
	p       *performer
	dev     *supervise.Device
	mem     int64 // bytes the set's samples take in memory (besides stream rings)
	stopped chan struct{}

	// The session goroutine's snapshot (the clock and the session are
	// owned by it).
	pos, bar, beat, playing atomic.Int64
	tempo                   atomic.Uint64 // float64 bits
}

func newStatus(e *env, p *performer, dev *supervise.Device, l *loaded) *status {
	return &status{e: e, p: p, dev: dev, mem: l.bytes, stopped: make(chan struct{})}
}

// publish records the session's state at frame now; the session goroutine
// calls it.
func (s *status) publish(now engine.Frame) {
	bar, beat := s.p.session.Clock().BarBeat(now)
	s.pos.Store(int64(now))
	s.bar.Store(int64(bar))
	s.beat.Store(int64(beat))
	s.playing.Store(int64(s.p.playing()))
	s.tempo.Store(math.Float64bits(s.p.session.Clock().Tempo(now)))
}

func (s *status) line() string {
	ds, es := s.dev.Stats(), s.p.player.Stats()
	warn := ""
	if h := s.dev.Health(); h.State != supervise.Playing {
		warn = "  NO AUDIO (" + h.State.String() + ")"
	}
	disk := ""
	if es.StreamUnderruns > 0 || es.StreamsFull > 0 {
		// The disk could not keep up (or too many long clips at once).
		disk = fmt.Sprintf("  disk late %d", es.StreamUnderruns+es.StreamsFull)
	}
	return fmt.Sprintf("%-7s %s  playing %d  voices %d  DSP %.0f%%  underruns %d  late %d  mem %s%s%s",
		fmt.Sprintf("%d.%d", s.bar.Load(), s.beat.Load()), formatTempo(math.Float64frombits(s.tempo.Load())),
		s.playing.Load(), es.Voices, 100*ds.Load, ds.Underruns, es.Late, megabytes(s.mem+es.StreamMemory), disk, warn)
}

// run prints until done is closed.
func (s *status) run(done <-chan struct{}) {
	defer close(s.stopped)
	period := statusPeriod
	if !s.e.stderrTTY {
		period = time.Second // check for new underruns; print every logPeriod
	}
	tick := time.NewTicker(period)
	defer tick.Stop()
	last, underruns := time.Now(), uint64(0)
	for {
		select {
		case <-done:
			if s.e.stderrTTY {
				fmt.Fprint(s.e.stderr, "\r\x1b[K")
			}
			return
		case <-tick.C:
		}
		if s.e.stderrTTY {
			fmt.Fprintf(s.e.stderr, "\r\x1b[K%s", s.line())
			continue
		}
		es := s.p.player.Stats()
		if u := s.dev.Stats().Underruns + es.StreamUnderruns + es.StreamsFull; time.Since(last) >= logPeriod || u > underruns {
			last, underruns = time.Now(), u
			fmt.Fprintf(s.e.stderr, "gridbox: %s\n", s.line())
		}
	}
}
