package show

import (
	"fmt"
	"math"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"gridbox/audio"
	"gridbox/audio/supervise"
	"gridbox/config"
	"gridbox/engine"
	"gridbox/internal/safemode"
	"gridbox/internal/spell"
)

// sessionTick is how often play's session goroutine wakes.
const sessionTick = 2 * time.Millisecond

// A PlayConfig is what "gridbox play" asks for, its flags checked. Its
// zero fields are the config's (and the config's defaults): the command
// line's values override the config's.
type PlayConfig struct {
	Set        string // the set file; "": the config's
	ConfigFile string // "": the user's config, if there is one
	Events     string // the performance script, "" = none

	Backend string // the audio backend (Backends); "": DefaultBackend
	Device  string // the PortAudio output: a name substring or an index; "": the config's, else the default
	// InputDevice is the PortAudio input audio tracks record from, as
	// Device, or "none"; "": the config's, else the output device's own.
	InputDevice string
	Verbose     bool    // print what the audio libraries said when audio fails to start
	Rate        int     // frames per second
	Block       int     // frames per block
	Lead        int     // blocks rendered ahead of the device
	Seconds     float64 // stop after this long; 0: no limit
	Limit       string  // Seconds as the user wrote it, for the last line ("": Seconds)
	CtrlLog     string  // --controller-log, "" = none
	MIDILog     string  // --midi-log, "" = none
	NoWatch     bool    // do not reload the set when its files change (ReloadSignal still does)
	// HTTP is where the browser view serves ("host:port"), or "off";
	// "": the config's ([http] listen).
	HTTP string
}

// Play plays a set live until its script ends, c.Seconds pass, a script
// without an end has nothing left to play, SIGINT or SIGTERM comes (it
// catches them while it plays; it ignores SIGHUP for good, so that a
// closed SSH session does not end the show), or the audio backend can only
// play again in a new process (ErrRestart). It reads the config first (the
// set to play, audio settings c leaves zero, controllers to ignore, pins),
// and reports on e.Stderr as it goes. It runs the session on the calling
// goroutine.
func Play(e *Env, c PlayConfig) (err error) {
	cfg, err := applyConfig(&c)
	if err != nil {
		return err
	}
	fromConfig := c.Set == "" // as under the service: safe mode applies
	if c.Set, err = chooseSet(c.Set, cfg); err != nil {
		return err
	}
	if c.Backend == "" {
		c.Backend = DefaultBackend
	}
	if c.Device != "" && c.Backend != "portaudio" { // the config's device
		return fmt.Errorf("%s: audio.device picks a PortAudio output; --audio %s plays on the system's default output", cfg.File, c.Backend)
	}
	f := audio.Format{SampleRate: c.Rate, Channels: 2}
	// The input: as many channels as the set's audio tracks use (or the
	// config asks for), known once the set is loaded.
	in := &inputSpec{Device: cfg.Audio.Input}
	open, err := opener(c.Backend, c.Device, in, f, c.Block, c.Lead)
	if err != nil {
		return err
	}
	without, _ := opener(c.Backend, c.Device, nil, f, c.Block, c.Lead)
	open = orWithoutInput(e.Stderr, in, open, without)
	if c.Backend != "portaudio" && cfg.Audio.Input != "" && !strings.EqualFold(cfg.Audio.Input, config.InputNone) {
		return fmt.Errorf("%s: audio.input picks a PortAudio input; --audio %s has none (null: silence)", cfg.File, c.Backend)
	}
	if e.OpenAudio != nil {
		open = e.OpenAudio(f, c.Block)
	}
	if e.Opened != nil {
		inner := open
		open = func() (audio.Device, error) {
			d, err := inner()
			if err == nil {
				e.Opened(d)
			}
			return d, err
		}
	}
	// MIDI out is written when its frame is heard: after the device's
	// latency (PortAudio says it; other backends: the blocks rendered
	// ahead).
	mclock := newOutClock(c.Rate, f.Duration(int64(c.Lead*c.Block)))
	inner := open
	open = func() (audio.Device, error) {
		d, err := inner()
		if l, ok := d.(interface{ OutputDelay() time.Duration }); ok && err == nil {
			mclock.setLatency(l.OutputDelay())
		}
		return d, err
	}
	crash, safe, err := checkSafeMode(e, cfg, c.Set, fromConfig)
	if err != nil {
		return err
	}
	var l *loaded
	var p *Show
	ports := &portNames{}
	if safe {
		l, p, err = prepareEmpty(c.Rate)
	} else {
		mem := e.memory()
		mem.preload, mem.ram, mem.ports = cfg.Samples.Preload, cfg.Samples.RAM, ports
		if !strings.EqualFold(cfg.Audio.Input, config.InputNone) && c.Backend != "oto" {
			mem.inputs, mem.inputsAsSet = cfg.Audio.InputChannels, true
		}
		l, p, err = prepare(e, c.Set, c.Events, c.Rate, mem)
	}
	if err != nil {
		return err
	}
	if pin := p.player.Input(); pin != nil {
		in.Channels = pin.Channels()
	} else if n := inputsOfSet(l.Set); n > 0 {
		fmt.Fprintf(e.Stderr, "gridbox: the set's audio tracks record from input channels 1-%d, but %s: they will not record\n", n,
			map[bool]string{true: "the config's audio.input is \"none\"", false: "--audio " + c.Backend + " has no input"}[c.Backend != "oto"])
	}

	defer p.Close()
	mlog, err := openMIDILog(c.MIDILog, c.Set, c.Events, c.CtrlLog)
	if err != nil {
		return err
	}
	defer mlog.abort() // after Close it does nothing
	p.midi = startMIDIPorts(mlog, ports, e.midiDriver, mclock, e.MIDIPeriod, func(format string, args ...any) {
		fmt.Fprintf(e.Stderr, "gridbox: "+format+"\n", args...)
	})
	defer p.midi.Close(0) // on a failure to start; done already after a show
	p.nameMIDI()
	if safe {
		p.silenceMIDI(c.Set)
	}
	p.midi.start()
	// From here on a failure is not the set's doing (no sound card yet at
	// boot, a missing pin): it must not count towards safe mode.
	defer func() {
		if err != nil {
			crash.survive(0, 0)
		}
	}()
	var sv *saver
	if !safe {
		rememberSet(e, cfg, c.Set)
		sv = openState(e, c.Set, cfg.State.Dir, p)
		defer sv.finish(p.session) // on a failure to start; done already after a show
		p.startTakes(e)
		defer p.takes.finish() // likewise
		p.startRecorder(e, false)
		defer p.recorder.finish() // likewise
		if p.recorder != nil {
			p.recorder.offset = cfg.Audio.LatencyOffset
		}
	}
	dev, err := supervise.New(supervise.Config{Format: f, Block: c.Block, Open: open, Hung: e.Hung})
	if err != nil {
		return err
	}
	// Commit the session far enough ahead that the render goroutine (up to
	// lead blocks ahead of the device) never reaches uncommitted frames,
	// with a margin for the session goroutine waking late; oto reads its
	// ring in bursts of tens of milliseconds. Stops are due a fade ahead of
	// their frame.
	margin := 10 * time.Millisecond
	if c.Backend == "oto" {
		margin = 60 * time.Millisecond
	}
	lookahead := engine.Frame(f.Frames(2*sessionTick+margin+engine.FadeTime) + int64((c.Lead+1)*c.Block))
	p.Advance(lookahead)
	// A gridbox that crashed (or was killed) may have left notes on. The
	// clock's first sample: frame 0 is heard a latency from now.
	p.midi.clock.sample(time.Now(), 0)
	p.silenceAll(0)
	// A panic on this goroutine still ends the notes on (then goes on
	// panicking): a synthesizer must not drone on after a crash.
	defer func() {
		if r := recover(); r != nil {
			p.endMIDI(p.player.Position() + lookahead)
			p.midi.Close(time.Second)
			panic(r)
		}
	}()
	// The streamer reads long samples from disk ahead of their voices, on
	// goroutines of its own: the audio thread never waits for the disk. It
	// runs at the process's priority, not below: background work (a build
	// beside, a set decoding) must not starve it.
	streaming := make(chan struct{})
	streamed := make(chan struct{})
	go func() {
		defer close(streamed)
		p.player.Streamer().Run(streaming, streamPeriod)
	}()
	defer func() {
		close(streaming)
		<-streamed
	}()
	if pin := p.player.Input(); pin != nil {
		dev.Capture(pin, pin.Channels())
	}
	if err := dev.Start(p.player); err != nil {
		if c.Verbose {
			printAudioLog(e, c.Backend)
		}
		return err
	}
	listen := cfg.HTTP.Listen
	if c.HTTP != "" {
		listen = c.HTTP
	}
	p.web = startWeb(e, p, cfg, listen, c.Backend, c.Set, safe)
	defer p.web.close()
	clog, err := openCtrlLog(c.CtrlLog, p.player.Position, true)
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
		p.unplugScripted() // and the log
		return err
	}
	defer pn.close()
	ctl := startControllers(e, p, clog, cfg.Controllers.Ignore)
	p.pressed = ctl.leds.StopText // the musician wants the session
	ctl.announce(l.Set.Name, p.web)
	stop := make(chan os.Signal, 1)
	notify := signal.Notify
	if e.Notify != nil {
		notify = e.Notify
	}
	notify(stop, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(stop)
	signal.Ignore(syscall.SIGHUP) // losing the SSH session must not end the show

	limit := engine.Never
	if c.Seconds > 0 {
		limit = engine.Frame(math.Round(c.Seconds * float64(c.Rate)))
	}
	fmt.Fprintf(e.Stderr, "gridbox: playing %q (%s) on %s at %d Hz, %d-frame blocks\n", l.Set.Name, l.File, c.Backend, c.Rate, c.Block)
	var rl *liveReload
	if !safe {
		rl = startReload(e, p, c.Set, !c.NoWatch, func(text string) {
			ctl.leds.Announce(text, errorRed, time.Now().Add(5*time.Second))
		})
		defer rl.stop()
	}
	st := newStatus(e, p, dev)
	st.web = p.web
	st.publish(p.player.Position())
	done := make(chan struct{})
	go st.run(done)
	tick := time.NewTicker(sessionTick)
	defer tick.Stop()
	lc := &liveClock{
		e: e, p: p, ctl: ctl, pins: pn, status: st, saver: sv, crash: crash, safe: safe,
		audio: &audioWatch{e: e, dev: dev}, watchdog: newWatchdog(e, l.Set.Name),
		tick: tick.C, signals: stop, lookahead: lookahead, reload: rl,
		survive: engine.Frame(c.Rate) * engine.Frame(safemode.Window/time.Second),
	}
	if rl != nil {
		// A set switched to from the browser view is remembered as the
		// last by a goroutine of its own: the write syncs, and the session
		// goroutine must not wait for a disk.
		remember := make(chan string, 1)
		remembered := make(chan struct{})
		go func() {
			defer close(remembered)
			for file := range remember {
				rememberSet(e, cfg, file)
			}
		}()
		defer func() { close(remember); <-remembered }()
		rl.switched = func(file string) {
			for { // the latest wins
				select {
				case remember <- file:
					lc.saver.follow(file)
					return
				case <-remember:
				}
			}
		}
	}
	limitText := c.Limit
	if limitText == "" {
		limitText = strconv.FormatFloat(c.Seconds, 'g', -1, 64)
	}
	reason, runErr := p.run(lc, limit, limitText+" s played")
	lc.watchdog.stopping()
	sv.finish(p.session) // what plays now is what a restart resumes
	crash.survive(0, 0)  // a clean exit is no crash
	// End without a click: stop everything now (5 ms fades), keep the
	// session going until the fades have been rendered, then give the
	// device time to play them before closing the stream.
	p.session.StopNow(p.player.Position())
	for deadline := time.Now().Add(time.Second); p.player.Stats().Voices > 0 && time.Now().Before(deadline); {
		<-tick.C
		p.Advance(p.player.Position() + lookahead)
	}
	// The takes after StopNow: a recording it ended is kept.
	p.recorder.finish()
	if saved := p.takes.finish(); saved != "" {
		fmt.Fprintf(e.Stderr, "gridbox: this session's takes are saved in %s\n", saved)
	}
	// The notes still on end, and All Notes Off, as the fades end.
	p.endMIDI(p.player.Position() + lookahead)
	time.Sleep(f.Duration(int64((c.Lead+2)*c.Block)) + 20*time.Millisecond)
	midiErr := p.midi.Close(time.Second)
	ms := p.midi.stats()
	ms.Engine = p.player.Stats().MIDILost
	if line := ms.String(); line != "" {
		fmt.Fprintf(e.Stderr, "gridbox: MIDI: %s\n", line)
	}
	close(done)
	<-st.stopped
	ctl.stop() // controllers back in their normal mode
	err = dev.Close()
	for _, e := range []error{lc.failed, runErr, midiErr} {
		if err == nil {
			err = e
		}
	}
	if cerr := p.unplugScripted(); err == nil {
		err = cerr
	}
	ds, es := dev.Stats(), p.player.Stats()
	fmt.Fprintf(e.Stderr, "gridbox: stopped (%s) at %s: %s, %s, %s, max DSP load %.0f%%, peak voices %d, late commands %d%s\n",
		reason, p.position(p.player.Position()), spell.Count(ds.Blocks, "block"), spell.Count(ds.Underruns, "underrun"),
		spell.Count(ds.LateWakes, "late device wake"), 100*ds.MaxLoad, es.PeakVoices, es.Late, streamReport(p.player))
	if pin := p.player.Input(); pin != nil {
		// Input frames lost on the way to the takes: the device's (a full
		// ring, or kept in step over an underrun) and the engine's (its
		// input ring full); a full capture ring cuts the take and says so.
		is := dev.InputStats()
		fmt.Fprintf(e.Stderr, "gridbox: input: %s, %s captured, %d dropped by the device, %d by the engine, %s\n",
			spell.Count(pin.Channels(), "channel"), spell.Count(is.Captured, "frame"), is.Dropped, pin.Dropped(), spell.Count(is.Overruns, "overrun"))
	}
	return err
}

// liveClock is play's clock: the supervised audio device's position, read
// at every session tick and after every input. The session goroutine owns
// it.
type liveClock struct {
	e         *Env
	p         *Show
	ctl       *live
	pins      *pins
	status    *status
	saver     *saver
	crash     *crashes
	safe      bool // safe mode: the status LED and the grid show an alert
	audio     *audioWatch
	watchdog  *watchdog
	reload    *liveReload // nil in safe mode
	tick      <-chan time.Time
	signals   <-chan os.Signal
	lookahead engine.Frame
	survive   engine.Frame // how long a set plays before it is taken not to crash gridbox

	health supervise.Health // as of the last turn
	signal string           // the signal that came ("got SIGTERM"), or ""
	failed error            // why the audio backend can only play again in a new process
}

func (c *liveClock) next() (engine.Frame, error) {
	select {
	case sig := <-c.signals:
		c.signal = "got " + sig.String()
	case <-c.tick:
	case ev := <-c.ctl.watcher.Events():
		c.ctl.handle(ev)
	case ev := <-c.pins.fs.Events():
		c.pins.footswitch(c.e, c.p, ev, c.p.player.Position())
	case <-c.reload.changes():
		c.reload.request(time.Now())
	case <-c.reload.signaled():
		c.reload.request(time.Now())
	case res := <-c.reload.loaded():
		c.reload.take(&res)
	case pad, ok := <-c.p.web.padsOf():
		if !ok {
			c.p.web.pads = nil // closed: the show ends
			break
		}
		c.p.web.press(c.p, c.ctl, pad)
	case file := <-c.p.web.switchesOf():
		fmt.Fprintf(c.e.Stderr, "gridbox: the browser view asks for %s\n", file)
		c.reload.switchTo(file)
	}
	c.health = c.audio.check()
	c.ctl.drain()
	return c.p.player.Position(), nil
}

func (c *liveClock) commit(now engine.Frame) { c.p.Advance(now + c.lookahead) }

func (c *liveClock) turn(now engine.Frame) (engine.Frame, string, error) {
	// The audio clock for MIDI out: the time first, then the position.
	t := time.Now()
	c.p.midi.clock.sample(t, c.p.player.Position())
	c.p.pumpMIDI()
	c.p.midi.receive()
	c.ctl.publish(now)
	c.status.publish(now)
	c.watchdog.check(now, c.health.State != supervise.Hung && c.health.State != supervise.Failed)
	c.reload.take(nil) // a version waiting for the engine to take the one before
	c.p.collect()
	if h := c.e.Turn; h != nil {
		h(c.p.session, now)
	}
	c.p.takes.turn(time.Now())
	c.p.recorder.follow(c.audio.dev.Latency())
	c.p.recorder.turn(now)
	for _, f := range []func() (string, bool){c.p.takes.failure, c.p.recorder.failure} {
		if msg, ok := f(); ok {
			c.ctl.leds.Announce(msg, errorRed, time.Now().Add(5*time.Second))
		}
	}
	alert := c.safe || c.health.State != supervise.Playing || len(c.p.setErrors) > 0 || c.p.takes.failed() || c.p.recorder.failed()
	c.p.surface.Alert(alert)
	c.pins.beat(float64(c.p.session.Clock().Beat(now)), alert)
	c.saver.snapshot(c.p.session)
	c.crash.survive(now, c.survive)
	switch c.health.State {
	case supervise.Hung:
		return now, "the audio backend hung", nil
	case supervise.Failed:
		c.failed = c.health.TryErr
		return now, "the audio backend needs a new process", nil
	}
	return now, c.signal, nil
}
