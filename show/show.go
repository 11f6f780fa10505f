package show

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gridbox/engine"
	"gridbox/grid/launchpad"
	"gridbox/grid/monome"
	"gridbox/grid/virtual"
	"gridbox/internal/spell"
	"gridbox/perfscript"
	"gridbox/sequencer"
	"gridbox/sets"
	"gridbox/surface"
)

// A Show is a running set: its samples, engine and session, the session
// view on its controllers, and the performance script it plays, whose
// events it plays at their exact frames as it commits the session ahead
// of the engine (Advance). It is owned by one goroutine, the one that runs
// its loop (run): render's, or play's session goroutine.
type Show struct {
	loaded   *loaded
	rate     int
	player   *engine.Player
	session  *sequencer.Session
	events   []perfscript.Event // sorted by frame
	next     int                // first event not yet played
	end      engine.Frame       // the script's "end", or engine.Never
	scripted bool               // a script was given
	surface  *surface.Surface

	// Controllers the script plays (midi and serial lines), in the order
	// they first appear, and the log of their traffic.
	ctrls   []*scripted
	clog    *ctrlLog
	logAt   engine.Frame // the frame the log stamps on this goroutine's traffic
	ctrlErr error        // the first failure feeding a scripted controller
	// The virtual controller the script's pad and button lines press
	// (virtual.go); nil when it has none.
	virt *virtual.Controller
	// web is play's browser view (web.go), which presses virt; nil: none.
	web *webView

	// Hot reload (reload.go): how a new version of the set is loaded, what
	// old versions held until it is freed, the errors of the last version
	// that failed (nil once a good one is in).
	env       *Env
	mem       memory
	scriptDir string // a script's load lines are relative to it
	retire    []retired
	setErrors []error
	// drain takes in the commands sent so far on the engine's side, where
	// the show's goroutine also renders (render); nil in play.
	drain func()
	// pressed is told when a script's controller bytes press a pad, as a
	// real controller's press is (play stops a scrolling text); nil: no one.
	pressed func()
	// takes saves the session's takes (takesave.go); nil: not saved (safe
	// mode, and before startTakes).
	takes *takesSaver
	// midi is the MIDI port manager (midiports.go): the MIDI instruments'
	// and the clock's outputs, the inputs, the --midi-log.
	midi    *midiPorts
	midiMsg [3]byte // pumpMIDI's message
	// clock is the [midi] clock in and out (clocksync.go); nil until the
	// port manager is there.
	clock *clockSync
	// recorder makes and writes the audio takes (audiotakes.go); nil when
	// the engine has no input.
	recorder *recorder
}

func newShow(l *loaded, rate int, script *perfscript.Script, inputs, capture int) (*Show, error) {
	cfg := engine.DefaultConfig(rate, buses(len(l.song.Tracks)))
	cfg.Inputs = inputs
	// The capture ring (what takes record, on its way to the disk) holds
	// seconds of two stereo takes per input pair: an SD card's stall
	// must not cut a take.
	cfg.Capture = 8 * rate * max(inputs, 2)
	if capture > 0 {
		cfg.Capture = capture
	}
	cfg.StreamFrames = l.ring
	cfg.Streams = streamSlots(l.Streamed)
	player, err := engine.New(cfg, l.bank)
	if err != nil {
		return nil, err
	}
	p := &Show{loaded: l, rate: rate, player: player, end: engine.Never}
	p.midi = newMIDIPorts(nil, l.ports) // render and play give it a log, play its ports
	l.song.Buses = cfg.Tracks           // room for the tracks a reload brings
	p.session = sequencer.NewSession(l.song, player, rate)
	p.surface = surface.New(p.session, trackInfo(l.Set))
	if script != nil {
		p.scripted = true
		script.Sort(func(t perfscript.Time) int64 { return int64(p.frameOf(t)) })
		p.events = script.Events
	}
	return p, nil
}

// Open loads the set at set and the performance script at script ("" =
// none) for a show at rate that its caller drives block by block: it
// advances the show (Advance) ahead of each block and renders the Player,
// from one goroutine, and fills the player's Streamer before each block
// when the set has long samples; then it closes the show. The set's sample
// problems and warnings are reported on e.Stderr, and their clips are
// silent (render refuses such a set unless told to keep going).
func Open(e *Env, set, script string, rate int) (*Show, error) {
	mem := e.memory()
	_, p, err := prepare(e, set, script, rate, mem)
	return p, err
}

// Player returns the show's engine, to render it.
func (p *Show) Player() *engine.Player { return p.player }

// Close releases what the show holds open (the files long samples stream
// from), once its player is done.
func (p *Show) Close() {
	p.loaded.Close()
	for _, r := range p.retire {
		free(r)
	}
	p.retire = nil
}

// prepare reads the performance script at script ("" = none) and the set at
// set, reports the set's sample problems and warnings on stderr (the rest
// still plays), and returns a show of them at rate. The script's
// events must stay within the set (scriptBounds).
func prepare(e *Env, set, script string, rate int, mem memory) (*loaded, *Show, error) {
	var text []byte
	if script != "" {
		var err error
		if text, err = os.ReadFile(script); err != nil {
			return nil, nil, err
		}
	}
	l, err := loadSet(set, rate, mem, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range slices.Concat(l.Problems, l.Warnings) {
		fmt.Fprintln(e.Stderr, p)
	}
	var sc *perfscript.Script
	if script != "" {
		if sc, err = parseScript(script, text, l.Set); err != nil {
			l.Close()
			return nil, nil, err
		}
	}
	if mem.inputsAsSet {
		mem.inputs = max(mem.inputs, inputsOfSet(l.Set))
	}
	p, err := newShow(l, rate, sc, mem.inputs, mem.capture)
	if err != nil {
		l.Close()
		return nil, nil, err
	}
	p.env, p.mem, p.scriptDir = e, mem, filepath.Dir(script)
	return l, p, nil
}

// prepareEmpty returns a show for safe mode: no tracks, no scenes,
// the transport at 120 BPM; audio and controllers still run.
func prepareEmpty(rate int) (*loaded, *Show, error) {
	l := &loaded{
		File: "(safe mode)",
		Set:  &sets.Set{Name: "safe mode"},
		bank: &engine.Bank{},
		song: &sequencer.Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4},
	}
	p, err := newShow(l, rate, nil, 0, 0)
	return l, p, err
}

// scriptBounds is what a performance script's events must stay within:
// the set's tracks and scenes (a press's x and y count tracks and scene rows
// of the whole set, not of a controller's window), and the controller
// models gridbox has drivers for.
func scriptBounds(s *sets.Set) perfscript.Bounds {
	return perfscript.Bounds{Tracks: len(s.Tracks), Scenes: len(s.Scenes), Model: checkModel, Port: inputsOf(s)}
}

// inputsOf returns what a script's midi-in line may name in the sets
// given: a port name holding (case-insensitively) one of their MIDI
// inputs ([midi] clock_in).
func inputsOf(all ...*sets.Set) func(port string) string {
	var ins []string
	for _, s := range all {
		if in := s.MIDI.ClockIn; in != "" && !slices.Contains(ins, in) {
			ins = append(ins, in)
		}
	}
	return func(port string) string {
		for _, in := range ins {
			if strings.Contains(strings.ToLower(port), strings.ToLower(in)) {
				return ""
			}
		}
		if len(ins) == 0 {
			return "the set has no MIDI input: give it one with [midi] clock_in = \"…\""
		}
		return fmt.Sprintf("the set has no MIDI input of that name: its name must hold %s", spell.Quote(ins[0]))
	}
}

// parseScript parses the performance script file (its text) for set.
// Its events must stay within the set, or within the largest of the sets
// its load lines swap in (read as far as they read: a broken one is
// reported when it is loaded).
func parseScript(file string, text []byte, set *sets.Set) (*perfscript.Script, error) {
	b := scriptBounds(set)
	sc, err := perfscript.Parse(file, text)
	if err != nil {
		return perfscript.ParseFor(file, text, b) // its syntax errors and those outside the set, in line order
	}
	all := []*sets.Set{set}
	for _, e := range sc.Events {
		if e.Kind != perfscript.Load {
			continue
		}
		if s := tried(filepath.Join(filepath.Dir(file), e.Path)); s != nil {
			b.Tracks, b.Scenes = max(b.Tracks, len(s.Tracks)), max(b.Scenes, len(s.Scenes))
			all = append(all, s)
		}
	}
	b.Port = inputsOf(all...)
	if err := sc.Validate(b); err != nil {
		return nil, err
	}
	return sc, nil
}

// checkModel says what is wrong with the controller model of a script's
// midi or serial line k, or "" if gridbox can play it.
func checkModel(k perfscript.Kind, model string) string {
	var launchpads []string
	for _, m := range launchpad.Models {
		launchpads = append(launchpads, m.String())
	}
	monomes := []string{monome.Model64.String(), monome.Model128.String(), monome.Model256.String()}
	_, lpErr := launchpad.ParseModel(model)
	_, mnErr := monome.ParseModel(model)
	switch {
	case k == perfscript.MIDI && lpErr == nil, k == perfscript.Serial && mnErr == nil:
		return ""
	case k == perfscript.MIDI && mnErr == nil:
		return "a monome grid speaks serial: write \"serial " + model + " …\""
	case k == perfscript.Serial && lpErr == nil:
		return "a Launchpad speaks MIDI: write \"midi " + model + " …\""
	case k == perfscript.MIDI:
		return "no such Launchpad model" + spell.DidYouMean(model, launchpads, true)
	}
	return "no such monome model" + spell.DidYouMean(model, monomes, true)
}

// frameOf resolves a script time with the session's current tempo map.
func (p *Show) frameOf(t perfscript.Time) engine.Frame {
	if t.Unit == perfscript.Seconds {
		return engine.Frame(math.Round(t.Value * float64(p.rate)))
	}
	return p.session.Clock().Frame(sequencer.Beats(t.Value))
}

// Advance plays the script events that happen before frame to, then commits
// the session up to to. Before each event the session is committed up to the
// event's frame, so tempo changes before it are in force when beat times are
// resolved.
func (p *Show) Advance(to engine.Frame) {
	for p.next < len(p.events) {
		e := p.events[p.next]
		f := p.frameOf(e.At)
		if f >= to {
			break
		}
		p.session.Advance(f)
		if f = p.frameOf(e.At); f >= to {
			break
		}
		p.next++
		p.play(e, f)
	}
	if p.clock != nil {
		p.clock.steer()
	}
	p.session.Advance(to)
	if p.clock != nil {
		p.clock.flush()
	}
}

func (p *Show) play(e perfscript.Event, f engine.Frame) {
	s := p.session
	switch e.Kind {
	case perfscript.Press:
		s.Press(e.X, e.Y, f)
	case perfscript.Release:
		s.Release(e.X, e.Y, f)
	case perfscript.Scene:
		s.LaunchScene(e.Y, f)
	case perfscript.Stop:
		s.StopTrack(e.X, f)
	case perfscript.StopAll:
		s.StopAll(f)
	case perfscript.End:
		p.end = min(p.end, f)
	case perfscript.MIDI, perfscript.Serial:
		p.input(e, f)
	case perfscript.Load:
		p.load(filepath.Join(p.scriptDir, e.Path))
	case perfscript.Pad, perfscript.PadUp, perfscript.Button, perfscript.ButtonDown, perfscript.ButtonUp:
		p.pressVirtual(e, f)
	case perfscript.MIDIIn:
		p.scriptInput(e.Port, f, e.Bytes)
	}
}

// plugScripted opens the controllers the script's midi and serial lines
// play, and the virtual controller its pad and button lines press, logs
// their traffic to clog (may be nil), and attaches them to the surface as
// if plugged in at frame 0.
func (p *Show) plugScripted(clog *ctrlLog) error {
	p.clog = clog
	cs, err := openScripted(p.events, clog)
	if err != nil {
		return err
	}
	p.ctrls = cs
	for _, c := range cs {
		p.surface.Attach(c.id, c.c)
	}
	p.plugVirtual(clog)
	return nil
}

// input feeds a script's raw controller bytes through the controller's
// driver at frame f, and what they press to the surface.
func (p *Show) input(e perfscript.Event, f engine.Frame) {
	id := scriptedID(e)
	i := slices.IndexFunc(p.ctrls, func(c *scripted) bool { return c.id == id })
	if i < 0 {
		return
	}
	c := p.ctrls[i]
	p.logAt = f
	pads, gone, err := c.feed(e.Bytes)
	for _, pad := range pads {
		if pad.Down && p.pressed != nil {
			p.pressed()
		}
		p.surface.Handle(c.id, pad, f)
	}
	switch {
	case gone: // the driver judged the device gone (a phantom flood): unplugged
		p.surface.Detach(c.id)
		p.ctrls = slices.Delete(p.ctrls, i, i+1)
		c.c.Close()
	case err != nil && p.ctrlErr == nil:
		p.ctrlErr = fmt.Errorf("script line %d: %s: %w", e.Line, c.id, err)
	}
}

// unplugScripted closes the scripted controllers (each restores its normal
// mode, which the log shows) and the log.
func (p *Show) unplugScripted() error {
	for _, c := range p.ctrls {
		p.surface.Detach(c.id)
		c.c.Close()
	}
	p.ctrls = nil
	p.unplugVirtual()
	err := p.clog.Close()
	if p.ctrlErr != nil {
		err = p.ctrlErr
	}
	return err
}

// scriptDone reports whether every script event has been played.
func (p *Show) scriptDone() bool { return p.next >= len(p.events) }

// silent reports whether the script is done, nothing plays or is queued, and
// the engine has no voice left sounding and no command waiting (the session
// runs ahead of it).
func (p *Show) silent() bool {
	st := p.player.Stats()
	return p.scriptDone() && p.session.Idle() && st.Voices == 0 && st.Pending == 0
}

// playing counts the tracks with a clip playing.
func (p *Show) playing() int {
	n := 0
	for x := range p.session.Tracks() {
		if p.session.Playing(x) >= 0 {
			n++
		}
	}
	return n
}

// position formats frame f as bar.beat, e.g. "12.3".
func (p *Show) position(f engine.Frame) string {
	bar, beat := p.session.Clock().BarBeat(f)
	return fmt.Sprintf("%d.%d", bar, int(beat))
}
