package midiclock

import "math"

// A Grid is the transport's beat grid: a tempo map from frames to beats
// (quarter notes) and back. Frame rounds to the nearest frame, as the
// sequencer's Clock does; both must be non-decreasing.
// *sequencer.Clock satisfies Grid[engine.Frame, sequencer.Beats].
type Grid[F ~int64, B ~float64] interface {
	Beat(f F) B
	Frame(b B) F
}

// Tempo is a Grid in plain numbers, what Out uses.
type Tempo = Grid[int64, float64]

// GridOf adapts a grid in the caller's own units to a Tempo.
func GridOf[F ~int64, B ~float64](g Grid[F, B]) Tempo { return gridOf[F, B]{g} }

type gridOf[F ~int64, B ~float64] struct{ g Grid[F, B] }

func (a gridOf[F, B]) Beat(f int64) float64  { return float64(a.g.Beat(F(f))) }
func (a gridOf[F, B]) Frame(b float64) int64 { return int64(a.g.Frame(B(b))) }

// A Message is one MIDI message due at a frame: Data[:Len].
type Message struct {
	Frame int64
	Len   int
	Data  [3]byte
}

// Bytes returns the message's bytes.
func (m Message) Bytes() []byte { return m.Data[:m.Len] }

// Out produces the clock a master sends: F8 on every 24th of a beat of the
// grid from beat 0 on, at the frame the grid gives that beat (ticks follow tempo changes
// because they are beats of the grid, not a period), whether the transport
// runs or not (followers measure tempo while stopped), and the transport
// messages asked for by Start, Stop and Continue, each before the F8 of the
// same frame.
//
// Out belongs to one goroutine (the session's), which asks for consecutive
// frame ranges with Due.
type Out struct {
	grid      Tempo
	last      int64 // index of the last tick sent (beat = last/24)
	started   bool  // last is valid
	sent      bool  // a tick was sent, at lastFrame
	lastFrame int64
	pending   []Message
	running   bool
}

// NewOut returns an Out following g.
func NewOut(g Tempo) *Out { return &Out{grid: g} }

// tick returns the frame of tick k.
func (o *Out) tick(k int64) int64 { return o.grid.Frame(float64(k) / TicksPerBeat) }

// onTick returns the tick nearest beat b.
func onTick(b float64) int64 { return int64(math.Round(b * TicksPerBeat)) }

// Running reports whether the transport runs (after Start or Continue,
// before Stop), as far as messages asked for so far say.
func (o *Out) Running() bool { return o.running }

// Start asks for FA before the tick at beat (rounded to the nearest 24th):
// the transport starts there, at song position 0.
func (o *Out) Start(beat float64) {
	o.running = true
	o.queue(Message{Frame: o.tick(onTick(beat)), Len: 1, Data: [3]byte{Start}})
}

// Stop asks for FC at frame at.
func (o *Out) Stop(at int64) {
	o.running = false
	o.queue(Message{Frame: at, Len: 1, Data: [3]byte{Stop}})
}

// Continue asks for a Song Position Pointer and FB before the tick at beat
// (rounded to the nearest 24th): the transport goes on from song position
// pos (quarter notes, rounded down to a sixteenth, at most 16383
// sixteenths, the pointer's range) at that tick.
func (o *Out) Continue(beat, pos float64) {
	o.running = true
	f := o.tick(onTick(beat))
	o.queue(SPP(f, pos))
	o.queue(Message{Frame: f, Len: 1, Data: [3]byte{Continue}})
}

// SPP returns the Song Position Pointer for song position pos (quarter
// notes) at frame f: F2 lsb msb, in sixteenth notes, pos rounded down and
// kept to 0..16383 sixteenths.
func SPP(f int64, pos float64) Message {
	n := math.Floor(pos*4 + 1e-9) // a position computed as k/4 may fall a hair short
	n = math.Max(0, math.Min(n, 0x3FFF))
	v := int(n)
	return Message{Frame: f, Len: 3, Data: [3]byte{SongPos, byte(v & 0x7F), byte(v >> 7)}}
}

// queue keeps m in frame order, after messages already queued for the
// same frame.
func (o *Out) queue(m Message) {
	i := len(o.pending)
	for i > 0 && o.pending[i-1].Frame > m.Frame {
		i--
	}
	o.pending = append(o.pending, Message{})
	copy(o.pending[i+1:], o.pending[i:])
	o.pending[i] = m
}

// Due appends to dst the messages due in frames [from, to), in frame
// order, transport messages before the tick of the same frame, and returns
// it. Calls cover consecutive ranges: a tick is sent once, never a tick
// before one already sent (a tempo change that moves ticks already sent
// sends none twice); ticks that fall before from (the first call, a jump)
// are not sent, and transport messages asked for frames before from are
// sent at from.
func (o *Out) Due(from, to int64, dst []Message) []Message {
	if to <= from {
		return dst
	}
	k := o.last + 1
	if !o.started || o.tick(k) < from {
		k = max(onTick(o.grid.Beat(from))-1, 0)
		if o.started {
			k = max(k, o.last+1)
		}
	}
	// A valid grid gives each tick its own frame, so the loop ends within
	// to-from ticks; the bound keeps a grid that stalls from hanging it.
	for n := to - from + 2*TicksPerBeat; n > 0; n-- {
		f := o.tick(k)
		if f >= to {
			break
		}
		if f >= from && (!o.sent || f > o.lastFrame) {
			dst = o.flush(f, from, dst)
			dst = append(dst, Message{Frame: f, Len: 1, Data: [3]byte{Clock}})
			o.sent, o.lastFrame = true, f
		}
		o.last, o.started = k, true // a tick before from is lost, not late
		k++
	}
	return o.flush(to-1, from, dst)
}

// flush appends the pending messages due at or before frame f (those due
// before from at from).
func (o *Out) flush(f, from int64, dst []Message) []Message {
	n := 0
	for n < len(o.pending) && o.pending[n].Frame <= f {
		m := o.pending[n]
		m.Frame = max(m.Frame, from)
		dst = append(dst, m)
		n++
	}
	o.pending = append(o.pending[:0], o.pending[n:]...)
	return dst
}
