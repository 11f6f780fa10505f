package engine

import (
	"cmp"
	"fmt"
	"math"
	"sync/atomic"
)

// pending is a command waiting for the frame it is due, which is earlier
// than its At for a Stop known ahead.
type pending struct {
	Command
	bank   *Bank // the bank it plays: the current one when it was taken in
	due    Frame
	seq    uint64 // send order
	stream int32  // a streamed PlayClip's stream slot; -1 if none
}

// Config sizes a Player. Everything is allocated in New; nothing grows later.
type Config struct {
	Rate     int // frames per second
	MaxBlock int // largest block Render is given, in frames (larger blocks are split)
	Voices   int // voice pool; at least 256 is recommended
	Tracks   int // track buses
	Commands int // command ring capacity (rounded up to a power of two)
	Events   int // event ring capacity (rounded up to a power of two)
	Pending  int // commands waiting for their frame
	// MIDI is the MIDI message ring's capacity (rounded up to a power of
	// two; 0: 4096), MIDINotes how many MIDI notes may be on at once (0:
	// 1024).
	MIDI, MIDINotes int
	// Streams is how many voices can play streamed samples at once (0: a
	// default from the bank: twice its streamed samples, and 8 more; none
	// when it streams nothing, so a player that may be reloaded with a
	// bank that streams is given Streams > 0), and
	// StreamFrames each one's ring (rounded up to a power of two; 0: 131072
	// frames, 2.7 s at 48 kHz): how far the streamer reads ahead, which
	// must outlast the disk's slowest moments and a loaded machine's late
	// wake-ups (1.4 s ran dry with two builds beside play).
	Streams      int
	StreamFrames int
	// Inputs is how many channels the audio input has (0: none, and
	// nothing of it is allocated); InputFrames its ring's length in frames
	// (rounded up to a power of two; 0: 65536), which only needs to hold
	// the frames written between two Renders; Capture the capture ring's
	// length in float32 words (rounded up to a power of two; 0: 2 s of
	// every input channel), which must outlast the take writer's slowest
	// moments.
	Inputs, InputFrames, Capture int
}

// DefaultConfig returns the configuration gridbox plays with at rate.
func DefaultConfig(rate, tracks int) Config {
	return Config{Rate: rate, MaxBlock: 1024, Voices: 256, Tracks: tracks, Commands: 1024, Events: 4096, Pending: 1024}
}

// Stats are the Player's counters. Read them with Player.Stats from any
// goroutine.
type Stats struct {
	Position   Frame  // frames rendered
	Voices     int    // sounding now
	Pending    int    // commands received and waiting for their frame
	PeakVoices int    // most ever sounding at once
	Steals     uint64 // voices taken from the oldest playing one
	Late       uint64 // commands applied after their frame
	Dropped    uint64 // commands lost because the pending array was full
	SendFull   uint64 // Send calls refused because the command ring was full
	EventsLost uint64 // events lost because the event ring was full
	MIDILost   uint64 // MIDI messages lost: the ring was full, or too many notes were on
	Limited    uint64 // frames the master limiter turned down
	// Disk streaming: blocks in which a voice found its stream had not
	// got there yet and played silence (an underrun), and streamed voices
	// that found no free stream (they play their preload only).
	StreamUnderruns uint64
	StreamsFull     uint64
	// StreamMemory is the memory the stream rings in use so far take:
	// rings are touched (made resident) only as voices need them, the
	// lowest free one first.
	StreamMemory int64
}

// Player is the realtime half of the engine. Render runs on the audio thread;
// Send and PollEvent have one caller, the session goroutine; Position and
// Stats are safe anywhere.
type Player struct {
	rate, maxBlock int
	// bank is what commands taken in now play (render side: New's, then
	// each one a SwapBank takes from staged, which StageBank fills).
	bank   *Bank
	staged atomic.Pointer[Bank]
	banks  atomic.Pointer[[]*Bank] // those that may still play, for Uses (StageBank writes)

	cmds   ring[Command]
	events ring[Event]
	midi   ring[MIDIEvent]

	midiNotes []midiNote // MIDI notes on, in the order sent; fixed capacity
	midiQuiet []midiNote // ports and channels a stop may leave silent; fixed capacity
	midiLost  atomic.Uint64

	pending    []pending // sorted by due, stable; live part is pending[ph:pn]
	ph, pn     int
	voices     []voice // pool, then steal tails
	pool       int
	free       []int32 // free pool slots (stack)
	tailFree   []int32 // free tail slots (stack)
	act        []int32 // active voice slots
	tracks     []track
	ctl        []controllers // each track's, as a MIDI channel's
	bus        []float32     // Tracks × MaxBlock stereo frames
	lit        []int32       // the tracks mix looks at, ascending: those with voices or a ramp (see light)
	nextID     uint64
	seq        uint64 // commands drained
	now        Frame
	limGain    float32
	limCoef    float32
	fadeFrames int32
	stealFrms  int32
	xfadeFrms  int32
	rampFrames int32

	pos        atomic.Int64
	nVoices    atomic.Int64
	nPending   atomic.Int64
	peak       atomic.Int64
	steals     atomic.Uint64
	late       atomic.Uint64
	dropped    atomic.Uint64
	sendFull   atomic.Uint64
	eventsLost atomic.Uint64
	limited    atomic.Uint64

	streams     []stream
	streamer    *Streamer
	underruns   atomic.Uint64
	streamsFull atomic.Uint64
	streamsUsed atomic.Int64 // the highest stream slot ever claimed, plus one

	// The audio input (issue 13; nil without one): the ring, and the
	// render side's view of it.
	in      *Input
	inTail  uint64 // the frames written as this Render found them
	inRead  uint64 // the frames every take has taken
	inHead  uint64 // the frames handed back to WriteInput
	monOff  Frame  // the monitor plays input frame f+monOff at frame f
	inLat   atomic.Int64
	takes   []take // open takes, in the order taken in; fixed capacity
	capture *Capture
}

// ringBytes returns the size of one stream ring.
func (p *Player) ringBytes() int64 {
	if len(p.streams) == 0 {
		return 0
	}
	return 4 * int64(len(p.streams[0].buf))
}

// New allocates a Player that plays bank (nil: an empty one) until a
// reload swaps in another (see StageBank). bank must not change afterwards.
func New(cfg Config, bank *Bank) (*Player, error) {
	if cfg.Rate <= 0 || cfg.MaxBlock <= 0 || cfg.Voices <= 0 || cfg.Tracks <= 0 || cfg.Tracks > math.MaxInt16 || cfg.Inputs < 0 || cfg.Inputs > math.MaxUint8 {
		return nil, fmt.Errorf("engine: bad config %+v", cfg)
	}
	if bank == nil {
		bank = &Bank{}
	}
	if err := bank.check(cfg.Rate); err != nil {
		return nil, err
	}
	refsOf(bank).held.Add(1)
	// A stolen voice fades out in a tail slot; every voice may need one at
	// once (a scene of loops all stealing).
	tails := max(16, cfg.Voices)
	p := &Player{
		rate: cfg.Rate, maxBlock: cfg.MaxBlock, bank: bank,
		pending:    make([]pending, max(cfg.Pending, 16)),
		voices:     make([]voice, cfg.Voices+tails),
		pool:       cfg.Voices,
		free:       make([]int32, 0, cfg.Voices),
		tailFree:   make([]int32, 0, tails),
		act:        make([]int32, 0, cfg.Voices+tails),
		tracks:     make([]track, cfg.Tracks),
		ctl:        make([]controllers, cfg.Tracks),
		bus:        make([]float32, cfg.Tracks*cfg.MaxBlock*2),
		lit:        make([]int32, 0, cfg.Tracks),
		limGain:    1,
		limCoef:    float32(math.Exp(-1 / (limitRel.Seconds() * float64(cfg.Rate)))),
		fadeFrames: framesOf(cfg.Rate, FadeTime),
		stealFrms:  framesOf(cfg.Rate, StealTime),
		xfadeFrms:  framesOf(cfg.Rate, LegatoTime),
		rampFrames: framesOf(cfg.Rate, RampTime),
	}
	p.banks.Store(&[]*Bank{bank})
	p.cmds.init(max(cfg.Commands, 16))
	p.events.init(max(cfg.Events, 16))
	p.midi.init(cmp.Or(cfg.MIDI, 4096))
	p.midiNotes = make([]midiNote, 0, cmp.Or(cfg.MIDINotes, 1024))
	p.midiQuiet = make([]midiNote, 0, cap(p.midiNotes)+2)
	for i := cfg.Voices - 1; i >= 0; i-- {
		p.free = append(p.free, int32(i))
	}
	for i := len(p.voices) - 1; i >= cfg.Voices; i-- {
		p.tailFree = append(p.tailFree, int32(i))
	}
	for i := range p.tracks {
		p.tracks[i].setTarget(1, 0, false, 1)
		p.ctl[i] = resetControllers()
	}
	p.newStreams(cfg)
	p.newInput(cfg)
	return p, nil
}

func (r *ring[T]) init(n int) {
	size := 1
	for size < n {
		size <<= 1
	}
	r.buf = make([]T, size)
	r.mask = uint64(size - 1)
}

// Send queues c for the realtime side. It never blocks: it returns false
// (and counts it in Stats.SendFull) when the ring is full. Only the session
// goroutine calls Send.
func (p *Player) Send(c Command) bool {
	if !p.cmds.push(c) {
		p.sendFull.Add(1)
		return false
	}
	return true
}

// PollEvent returns the next event from the realtime side, if any. Only the
// session goroutine calls PollEvent.
func (p *Player) PollEvent() (Event, bool) { return p.events.pop() }

// Position returns the number of frames rendered so far.
func (p *Player) Position() Frame { return Frame(p.pos.Load()) }

// StopLead returns how far ahead of its frame a Stop must be sent for its
// fade to end there: FadeTime in frames. The session is committed at least
// this far ahead of what is rendered.
func (p *Player) StopLead() Frame { return Frame(p.fadeFrames) }

// Rate returns the player's frame rate.
func (p *Player) Rate() int { return p.rate }

// Tracks returns the number of track buses.
func (p *Player) Tracks() int { return len(p.tracks) }

// Stats returns the player's counters.
func (p *Player) Stats() Stats {
	return Stats{
		Position:   p.Position(),
		Voices:     int(p.nVoices.Load()),
		Pending:    int(p.nPending.Load()),
		PeakVoices: int(p.peak.Load()),
		Steals:     p.steals.Load(),
		Late:       p.late.Load(),
		Dropped:    p.dropped.Load(),
		SendFull:   p.sendFull.Load(),
		EventsLost: p.eventsLost.Load(),
		MIDILost:   p.midiLost.Load(),
		Limited:    p.limited.Load(),

		StreamUnderruns: p.underruns.Load(),
		StreamsFull:     p.streamsFull.Load(),
		StreamMemory:    p.streamsUsed.Load() * p.ringBytes(),
	}
}

// DBToGain converts decibels to a linear gain (-Inf dB is 0).
func DBToGain(db float64) float32 {
	if math.IsInf(db, -1) {
		return 0
	}
	return float32(math.Pow(10, db/20))
}

// GainToDB converts a linear gain to decibels (0, or less, is -Inf dB).
func GainToDB(g float32) float64 {
	if !(g > 0) {
		return math.Inf(-1)
	}
	return 20 * math.Log10(float64(g))
}
