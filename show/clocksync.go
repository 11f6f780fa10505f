package show

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gridbox/engine"
	"gridbox/midiclock"
	"gridbox/sequencer"
)

// clockSync is the show's MIDI beat clock (issue 12), the set's [midi]
// clock_out and clock_in, between the session and the port manager
// (midiports.go). The session goroutine owns it.
//
// Clock in: every byte from the clock_in port (or a script's midi-in line
// naming it) goes to the Follower with the frame it arrived at. The
// source's Start and Continue make the session's grid jump (Locate) to
// its song position, at the tick's frame, or at the commit horizon when
// the tick arrived behind it (play: the frame heard at arrival); its
// Stop pauses the session (Pause: clips stop at once and come back at the
// next Start or Continue); at every Advance the grid's tempo is steered
// from the commit horizon on (Session.Steer with Follower.Steer), so that
// the grid meets the source's beats. When the source goes quiet (500 ms
// without a tick) the grid runs on at the last tempo, free.
//
// Clock out: after every Advance, the ticks of the frames just committed
// (24 a beat of the grid, from midiclock.Out) go to each clock_out port
// with their frames (midiPorts.send): in play they are written when those
// frames are heard. gridbox has no play button, its grid always runs, so
// its transport is the clips: as a master, FA goes out when the first clip
// starts from silence (at its frame: song position 0 is that tick), FC when
// the last one stops (stop-all, a track's stop, a one-shot's end, exit),
// and when clips start again, a Song Position Pointer (the beats since the
// FA, on the same bars) and FB. As a slave (clock_in set) it passes the
// source's transport on: FA at the source's Start, SPP and FB at its
// Continue, FC at its Stop, and FC at exit if the source still runs.
// Either way every clock_out port gets FC at the start: a follower that a
// crashed gridbox left running must not run on with the new ticks.
type clockSync struct {
	p    *Show
	outs []string // clock_out ports, as the set names them
	in   string   // clock_in port, "" = none
	// out makes the ticks; a new one replaces it at each jump of the grid
	// (its ticks count again from there). nil: no clock_out.
	out  *midiclock.Out
	msgs []midiclock.Message // scratch for Due
	sent engine.Frame        // Due has covered the frames before it
	// follow follows the clock_in port; nil: none.
	follow *midiclock.Follower
	// handled is the port manager whose handlers include the input's
	// (render and play replace the show's first one).
	handled *midiPorts
	// ports maps a script's midi-in port names to the set's input names
	// (scriptInput), once worked out.
	ports map[string]string
	// The master's transport: whether clips played at the last look,
	// whether an FA went out, and the grid beat of that FA's tick.
	playing, started bool
	startBeat        float64
}

// nameClock reads the set's [midi] table (at start and after a reload):
// the ports are named to the port manager, a clock_in port that changed
// gets a new follower, and clock_out's ticks go on uninterrupted across a
// reload (a port dropped from it gets FC while the transport runs).
// Session goroutine.
func (p *Show) nameClock() {
	if p.midi == nil {
		return
	}
	c := p.clock
	if c == nil {
		c = &clockSync{p: p}
		p.clock = c
	}
	m := p.loaded.Set.MIDI
	if c.out != nil && c.out.Running() && !slices.Equal(c.outs, m.ClockOut) {
		// A port the reloaded set no longer names gets FC after its last
		// tick: a follower left running would wait for ticks that never
		// come (and start mid-song at the next clock anyone sends it).
		c.flush()
		for _, o := range c.outs {
			if !slices.Contains(m.ClockOut, o) {
				p.midi.send(o, c.sent, []byte{midiclock.Stop})
			}
		}
	}
	c.outs = slices.Clone(m.ClockOut)
	for _, o := range c.outs {
		p.midi.output(o)
	}
	if len(c.outs) == 0 {
		c.out = nil
	} else if c.out == nil {
		c.out = midiclock.NewOut(midiclock.GridOf(p.session.Clock()))
		c.sent = p.session.Committed()
	}
	if m.ClockIn != c.in {
		c.in, c.follow, c.ports = m.ClockIn, nil, nil
		if c.in != "" {
			c.follow = midiclock.NewFollower(p.rate)
			p.midi.listen(c.in)
		}
	}
	if c.handled != p.midi {
		c.handled = p.midi
		p.midi.onInput(c.input)
	}
}

// scriptInput hands a script's midi-in bytes to the port manager as if
// the port had received them at frame f. The line's port is the set's
// input whose name it holds (case-insensitively, as ports are found), or
// else its own name (logged, and heard by no one).
func (p *Show) scriptInput(port string, f engine.Frame, msg []byte) {
	if p.midi == nil {
		return
	}
	if c := p.clock; c != nil && c.in != "" {
		to, ok := c.ports[port]
		if !ok {
			to = port
			if strings.Contains(strings.ToLower(port), strings.ToLower(c.in)) {
				to = c.in
			}
			if c.ports == nil {
				c.ports = map[string]string{}
			}
			c.ports[port] = to
		}
		port = to
	}
	p.midi.input(port, f, msg)
}

// input takes a message an input port received at frame at. Session
// goroutine (the port manager's handlers).
func (c *clockSync) input(port string, at engine.Frame, msg []byte) {
	if c.follow == nil || port != c.in {
		return
	}
	for _, b := range msg {
		if e, ok := c.follow.Feed(int64(at), b); ok {
			c.event(e)
		}
	}
}

// event acts on what the source's transport did.
func (c *clockSync) event(e midiclock.Event) {
	p := c.p
	s := p.session
	at := max(engine.Frame(e.At), s.Committed())
	beat := e.Beat
	if at != engine.Frame(e.At) {
		beat = c.follow.Beat(int64(at)) // where the source is at the horizon
	}
	switch e.Kind {
	case midiclock.Started, midiclock.Continued:
		if at > s.Committed() {
			s.Advance(at)
		}
		c.flush() // the ticks before the jump, on the grid before it
		s.Locate(at, sequencer.Beats(beat), c.follow.Tempo())
		if c.out != nil {
			c.out = midiclock.NewOut(midiclock.GridOf(s.Clock()))
			if e.Kind == midiclock.Started {
				c.out.Start(beat)
			} else {
				c.out.Continue(beat, beat)
			}
		}
	case midiclock.Stopped:
		s.Pause(at)
		if c.out != nil && c.out.Running() {
			c.out.Stop(int64(at))
		}
	case midiclock.Lost:
		p.clockNote("MIDI clock from %q lost at %s: going on at %.1f BPM", c.in, p.position(at), c.follow.Tempo())
	case midiclock.Found:
		p.clockNote("MIDI clock from %q found again at %s", c.in, p.position(at))
	}
}

// clockNote says something about the clock on stderr.
func (p *Show) clockNote(format string, args ...any) {
	if p.env != nil && p.env.Stderr != nil {
		fmt.Fprintf(p.env.Stderr, "gridbox: "+format+"\n", args...)
	}
}

// steer runs before the session commits ahead (Advance): a clock loss is
// noticed, and while the source's clock is followed the grid's tempo from
// the commit horizon on is the follower's.
func (c *clockSync) steer() {
	f := c.follow
	if f == nil {
		return
	}
	s := c.p.session
	at := s.Committed()
	if e, ok := f.Poll(int64(at)); ok {
		c.event(e)
	}
	if f.Lost() || !(f.Running() || f.Locked()) {
		return
	}
	s.Steer(f.Steer(int64(at), float64(s.Clock().Beat(at))), at)
	if e := c.p.env; e != nil && e.ClockIn != nil {
		e.ClockIn(at, f.Tempo())
	}
}

// flush sends the clock messages of the frames committed since the last
// call, after the master's transport has been looked at.
func (c *clockSync) flush() {
	if c.out == nil {
		return
	}
	s := c.p.session
	to := s.Committed()
	if c.in == "" {
		c.transport()
	}
	if to <= c.sent {
		return
	}
	c.msgs = c.out.Due(int64(c.sent), int64(to), c.msgs[:0])
	c.sent = to
	c.send()
}

// send hands the messages in c.msgs to every clock_out port.
func (c *clockSync) send() {
	for i := range c.msgs {
		m := &c.msgs[i] // its bytes in place: nothing escapes per message
		for _, port := range c.outs {
			c.p.midi.send(port, engine.Frame(m.Frame), m.Data[:m.Len])
		}
	}
}

// transport follows the clips as the master's transport: FA when the
// first clip starts from silence, FC when the last one stops, SPP and FB
// when clips start again (song position: the grid's beats since the FA,
// so the follower's bars stay on gridbox's).
func (c *clockSync) transport() {
	s := c.p.session
	playing, since := s.Active()
	if playing == c.playing {
		return
	}
	c.playing = playing
	switch b := float64(s.Clock().Beat(since)); {
	case !playing:
		c.out.Stop(int64(since))
	case !c.started:
		c.started = true
		c.startBeat = onTick(b)
		c.out.Start(b)
	default:
		c.out.Continue(b, songPos(onTick(b)-c.startBeat, float64(s.Clock().BeatsPerBar())))
	}
}

// maxSongPos is the furthest a Song Position Pointer reaches, in beats:
// 16383 sixteenths, 34 minutes at 120 BPM.
const maxSongPos = float64(0x3FFF) / 4

// songPos returns the song position the master sends for pos beats since
// its FA, with bpb beats a bar: pos itself while the pointer holds it,
// else pos less a whole number of periods of a power of two of bars (the
// longest that fits), so that a follower's patterns stay on gridbox's
// bars. Kept to the pointer's 16383, a set playing over 34 minutes sent
// 4095.75 at every restart, and a drum machine started three sixteenths
// off the bar.
func songPos(pos, bpb float64) float64 {
	if pos <= maxSongPos || !(bpb > 0) || bpb > maxSongPos {
		return pos
	}
	period := bpb
	for 2*period <= maxSongPos {
		period *= 2
	}
	return math.Mod(pos, period)
}

// onTick rounds beat b to the nearest clock tick, as Out does.
func onTick(b float64) float64 {
	return float64(int64(b*midiclock.TicksPerBeat+0.5)) / midiclock.TicksPerBeat
}

// end ends the clock at frame at (the show's end): the ticks committed
// go out, then FC if the transport still runs, at at or, when ticks
// already went out for later frames (the clock runs as far ahead as the
// session commits), at the frame the last of them covered: FC is the last
// message a follower gets.
func (c *clockSync) end(at engine.Frame) {
	if c == nil || c.out == nil {
		return
	}
	c.flush()
	if c.out.Running() {
		from := max(c.sent, at)
		c.out.Stop(int64(from))
		c.msgs = c.out.Due(int64(from), int64(from)+1, c.msgs[:0])
		c.send()
	}
}
