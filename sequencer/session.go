package sequencer

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"gridbox/engine"
)

// Engine is the realtime side as the session sees it; *engine.Player
// implements it.
type Engine interface {
	Send(engine.Command) bool
	PollEvent() (engine.Event, bool)
}

// Session plays a Song: it turns pad presses, scene launches and stops into
// engine commands on the quantization grid, runs launch modes, legato and
// follow actions, and schedules note clips' notes.
//
// A Session is owned by one goroutine. Inputs carry the frame they happened
// at; the session decides when they take effect. Advance(to) commits
// everything that happens before frame to by sending it to the engine, so
// the caller advances at least a block ahead of what the engine renders.
// Nothing sent is ever taken back, so inputs earlier than Committed() are
// treated as happening at Committed().
type Session struct {
	song      *Song
	eng       Engine
	clock     *Clock
	committed engine.Frame
	agenda    []action // sorted by (at, prio), stable
	tracks    []trackState
	rng       *rand.Rand
	nextTag   int32
	// Audio takes (audiotake.go): who makes their buffers, the error of
	// the last that could not have them, the takes the engine records,
	// and which tracks' inputs are monitored.
	buffers   TakeBuffers
	takeErr   error
	recTags   []recTag
	monitored []engine.Command // per engine bus: the Monitor it was sent last (Vel 0: off)
	filled    []int            // scratch for follow actions
	backlog   []engine.Command // commands the engine's ring had no room for yet
	refused   uint64           // commands that waited in the backlog
	mix       []Mix            // per track
	soloed    int              // tracks with Solo on
	bus       []int16          // per track: the engine track bus it plays on
	// Per engine bus: whether a track ever played on it, and when no
	// track owns it, the frame from which nothing of the last one's
	// sounds there (Replace hands buses to new tracks).
	busUsed []bool
	busFree []engine.Frame
	ramp    ramp // the tempo ramp in progress (Replace), if any
	// The edit model (edit.go): owned is whether song is the session's own
	// copy yet (copy on write), undo and redo the edits to take back and
	// to do again, version what Version reports.
	owned      bool
	undo, redo []edit
	version    uint64
	live       []liveTrack // per track: the live notes held (live.go)
	// Recording (record.go): the take in progress, the last one (late
	// notes), the metronome's engine bus (-1: none) and switch.
	rec, last *take
	metroBus  int16
	metroOn   bool
	record    RecordSettings // Song.Record, as the grid changed it (SetRecordSettings)
}

// A reload's tempo change ramps: from the frame of the reload, the tempo
// goes from the tempo there to the new one in rampSteps equal steps, one
// every rampBeats/rampSteps beats, the last one (the new tempo itself)
// rampBeats after the reload. Each step is an actTempo action and changes
// the tempo as SetTempo does when it is committed (the clock stays
// piecewise constant).
const rampBeats Beats = 1

// rampSteps is how many steps a reload's tempo ramp takes (see rampBeats).
const rampSteps = 16

// ramp is a tempo ramp in progress: step k (1…rampSteps, in its
// actTempo action's slot) sets from + (to−from)·k/rampSteps. to is 0
// when there is none.
type ramp struct {
	from, to float64
	// last is the frame of the ramp's last tempo change: its start, then
	// each step's. A change in between that is not the ramp's (a queued
	// scene's tempo) ends it.
	last engine.Frame
}

type actionKind uint8

// Kinds in the order they apply at the same frame: a tempo step first, so
// that what happens at its frame uses its tempo.
const (
	actTempo actionKind = iota // a step of a tempo ramp (Replace); track -1
	actEnd
	actDrop // a clip gone from a reloaded set stops (Replace)
	actStop
	actCut    // an audio loop ends at its own restart, off the grid after a tempo change (cut)
	actRetime // an audio loop takes the tempo's loop length at its restart
	actFollow
	actSwitch // a clip a reload changed hands over to its new version (Replace)
	actLaunch
	actRepeat
	// A take's start, end and metronome clicks (Record); track -1.
	actRecStart
	actRecEnd
	actClick
)

type action struct {
	at    engine.Frame
	beat  Beats // its musical time: exact, where at is rounded to a frame
	kind  actionKind
	track int
	slot  int
	tag   int32 // the launch this action belongs to (end, follow, repeat)
	// now marks an action not known ahead (no quantization): what it stops
	// fades out from its frame instead of up to it.
	now bool
	// edit marks the stop of a playing slot an edit emptied (put): the
	// slot getting a clip back before it calls it off.
	edit bool
	// resume marks a launch at a jump of the grid (Locate): a loop plays
	// from where the new grid puts it, as if launched at beat 0.
	resume bool
}

// next returns when the first boundary of q beats at or after frame at
// falls; with q ≤ 0, at itself, not known ahead.
func (s *Session) next(at engine.Frame, q Beats) action {
	if q <= 0 {
		return action{at: at, beat: s.clock.Beat(at), now: true}
	}
	return s.onBeat(s.clock.NextBeat(at, q))
}

// onBeat returns when beat b falls.
func (s *Session) onBeat(b Beats) action { return action{at: s.clock.Frame(b), beat: b} }

// on returns a copy of w for kind on track x, slot y.
func (w action) on(kind actionKind, x, y int) action {
	w.kind, w.track, w.slot = kind, x, y
	return w
}

// of returns a copy of w tagged with launch tag.
func (w action) of(tag int32) action {
	w.tag = tag
	return w
}

type trackState struct {
	// clip is the clip playing (nil = none), and slot its slot (-1 =
	// none). They go together, but across a reload (Replace) clip may be
	// the old song's clip still heard until it switches or stops, and
	// slot -1 while a clip removed from the set plays out.
	clip *Clip
	slot int
	// stale marks a clip a reload changed or removed: its Sample indexes
	// the bank before the reload, so it is never sent again (no retime).
	stale  bool
	tag    int32        // the playing launch's tag
	start  engine.Frame // frame it started
	origin Beats        // beat of the clip's position 0 (earlier than start with legato)
	// Audio loops: the voice playing started at frame vat at phase vph
	// and loops every loop frames (both 32.32, as the engine has them;
	// loop 0: none, or a cut ended it). See restart.
	vat       engine.Frame
	vph, loop uint64
	quiet     engine.Frame // once stopped: the frame from which its clip voices are silent
	held      int          // slot whose pad is held down (gate, repeat), -1 = none
	// The last committed change of slot: before frame changed, slot was
	// (-1 = none) still sounds. SlotAt shows what is heard, not what is
	// committed ahead of the audio.
	was     int
	changed engine.Frame
	// Note clips: the next note to schedule is iteration iter, index ni;
	// fresh are notes an overdub merged, not heard before a later pass.
	iter, ni int
	fresh    []fresh
	off      [128]engine.Frame // pending note-off frame per key; 0 = none
	sounding int               // keys with a pending note-off
	offMin   engine.Frame      // no pending note-off falls before it (0: not known)
	// The clip the last release ended and its origin: what is heard
	// before frame changed when was is its slot (Sounding, ClipPosition).
	prevClip   *Clip
	prevOrigin Beats
	// paused is the slot an external clock's Stop (Pause) stopped, which
	// the next Locate starts again, when hasPaused.
	paused    int
	hasPaused bool
}

// NewSession returns a session for song that sends to eng, which renders at
// rate. It queues each track's mixer settings at frame 0. Track x plays on
// engine bus x; eng has song.Buses of them (0: one per track). If there are
// more buses than tracks, the last one is the metronome's (at
// song.Metronome.Gain, maybe 0: a reload may turn it up), which no track
// gets, even in a reload; otherwise the metronome is silent for good. It
// panics if song has more tracks than buses.
func NewSession(song *Song, eng Engine, rate int) *Session {
	buses := song.Buses
	if buses == 0 {
		buses = len(song.Tracks)
	}
	if buses < len(song.Tracks) || buses > math.MaxInt16 {
		panic(fmt.Sprintf("sequencer: %d tracks on %d engine buses", len(song.Tracks), buses))
	}
	s := &Session{
		song:    song,
		eng:     eng,
		clock:   NewClock(rate, song.Tempo, song.BeatsPerBar),
		agenda:  make([]action, 0, 256),
		tracks:  make([]trackState, len(song.Tracks)),
		filled:  make([]int, 0, len(song.Scenes)),
		backlog: make([]engine.Command, 0, 1024),
		rng:     rand.New(rand.NewPCG(song.Seed, 0x9e3779b97f4a7c15)),
		mix:     make([]Mix, len(song.Tracks)),
		live:    make([]liveTrack, len(song.Tracks)),
		bus:     make([]int16, len(song.Tracks)),
		busUsed: make([]bool, buses),
		busFree: make([]engine.Frame, buses),
	}
	for i := range s.tracks {
		s.busUsed[i] = true
		s.tracks[i] = trackState{slot: -1, held: -1, was: -1}
		s.bus[i] = int16(i)
		s.mix[i].Volume = 1
		s.sendMix(i, 0)
	}
	s.metroBus, s.metroOn, s.record = -1, song.Metronome.On, song.Record
	if buses > len(song.Tracks) {
		s.metroBus = int16(buses - 1)
		s.post(engine.Command{Op: engine.SetTrack, Track: s.metroBus, Gain: song.Metronome.Gain})
	}
	return s
}

// Clock returns the session's tempo map.
func (s *Session) Clock() *Clock { return s.clock }

// Committed returns the frame up to which commands have been sent.
func (s *Session) Committed() engine.Frame { return s.committed }

// Refused returns how many commands had to wait because the engine's ring
// was full.
func (s *Session) Refused() uint64 { return s.refused }

// send queues c, addressed to a session track (c.Track), for the engine:
// the track becomes its engine bus here, the one place that maps them, so
// that tracks can move (Replace) while their sound stays on its bus.
func (s *Session) send(c engine.Command) {
	if c.Op != engine.SwapBank {
		c.Track = s.bus[c.Track]
	}
	s.post(c)
}

// post queues c, addressed to an engine bus, for the engine. When the
// engine's ring is full, c waits in the backlog (in order) and goes out on
// the next Advance: a Stop or NoteOff is never lost, at worst late (the
// engine counts late commands).
func (s *Session) post(c engine.Command) {
	if len(s.backlog) == 0 && s.eng.Send(c) {
		return
	}
	s.refused++
	s.backlog = append(s.backlog, c)
}

// flush sends what waits in the backlog, in order, as far as the ring takes it.
func (s *Session) flush() {
	n := 0
	for n < len(s.backlog) && s.eng.Send(s.backlog[n]) {
		n++
	}
	s.backlog = s.backlog[:copy(s.backlog, s.backlog[n:])]
}

func (s *Session) clip(track, slot int) *Clip {
	if track < 0 || track >= len(s.song.Tracks) || slot < 0 || slot >= len(s.song.Tracks[track].Clips) {
		return nil
	}
	return s.song.Tracks[track].Clips[slot]
}

func (s *Session) quantum(c *Clip) Beats {
	if c != nil && c.HasQuantize {
		return c.Quantize
	}
	return s.song.Quantize
}

func (s *Session) clamp(at engine.Frame) engine.Frame { return max(at, s.committed) }

// Press handles a clip pad going down at frame at: x is the track, y the
// scene row. An empty slot stops the track.
func (s *Session) Press(x, y int, at engine.Frame) {
	if x < 0 || x >= len(s.tracks) || y < 0 || y >= len(s.song.Scenes) {
		return
	}
	at = s.clamp(at)
	c := s.clip(x, y)
	if c == nil {
		s.StopTrack(x, at)
		return
	}
	if c.Broken {
		return
	}
	ts := &s.tracks[x]
	q := s.quantum(c)
	b := s.next(at, q)
	switch c.Launch {
	case Toggle:
		if s.queued(x, actLaunch, y) {
			s.unqueue(x)
			return
		}
		if ts.slot == y && !s.queued(x, actStop, -1) {
			s.unqueue(x)
			s.schedule(b.on(actStop, x, -1))
			return
		}
	case Gate, Repeat:
		ts.held = y
	}
	s.unqueue(x)
	s.schedule(b.on(actLaunch, x, y))
	if c.Launch == Repeat && q > 0 {
		s.schedule(s.onBeat(b.beat+q).on(actRepeat, x, y))
	}
}

// Launch starts track x's clip y at the clip's next quantization boundary
// after at, whatever its launch mode: how a saved state resumes what was
// playing. An empty or broken slot does nothing.
func (s *Session) Launch(x, y int, at engine.Frame) {
	c := s.clip(x, y)
	if c == nil || c.Broken {
		return
	}
	at = s.clamp(at)
	s.unqueue(x)
	s.schedule(s.next(at, s.quantum(c)).on(actLaunch, x, y))
}

// Release handles a clip pad going up at frame at. It matters for gate and
// repeat clips: the clip stops at the next quantization boundary, but plays
// at least one quantum if it had not started yet.
func (s *Session) Release(x, y int, at engine.Frame) {
	if x < 0 || x >= len(s.tracks) || s.tracks[x].held != y {
		return
	}
	ts := &s.tracks[x]
	ts.held = -1
	c := s.clip(x, y)
	if c == nil || (c.Launch != Gate && c.Launch != Repeat) {
		return
	}
	at = s.clamp(at)
	q := s.quantum(c)
	stop := s.next(at, q)
	s.remove(x, actRepeat)
	if l, ok := s.find(x, actLaunch, y); ok {
		if end := s.onBeat(l.beat + q); end.at > stop.at {
			stop = end
		}
	} else if ts.slot != y {
		return
	}
	s.schedule(stop.on(actStop, x, -1))
}

// StopTrack handles a track's stop button: queued launches are cancelled and
// the track stops at the next global quantization boundary.
func (s *Session) StopTrack(x int, at engine.Frame) {
	if x < 0 || x >= len(s.tracks) {
		return
	}
	at = s.clamp(at)
	s.unqueue(x)
	s.tracks[x].held = -1
	s.tracks[x].hasPaused = false
	if s.tracks[x].clip != nil {
		s.schedule(s.next(at, s.song.Quantize).on(actStop, x, -1))
	}
}

// StopAll stops every track at the next global quantization boundary. A
// recording ends at the next bar line, kept but not launched; a count-in
// is cancelled (Record).
func (s *Session) StopAll(at engine.Frame) {
	s.clock.Unplan(s.clamp(at)) // a queued scene's tempo goes with it
	s.stopTake(s.clamp(at), false)
	for x := range s.tracks {
		s.StopTrack(x, at)
	}
}

// StopNow stops every track at frame at, without waiting for a boundary,
// and cancels everything queued: clips fade out, every sounding note gets its
// note-off, and so does every live note (NoteOn); a recording ends there,
// kept but not launched (Record). It is the panic button,
// and how play ends. A tempo ramp in progress (Replace) goes on.
func (s *Session) StopNow(at engine.Frame) {
	at = s.clamp(at)
	s.stopTake(at, true)
	s.filter(func(a *action) bool { return a.kind == actTempo })
	s.clock.Unplan(at)
	for x := range s.tracks {
		s.notes(x, at)
		s.stop(x, at, true)
		s.tracks[x].held = -1
		s.tracks[x].hasPaused = false
		s.liveOff(x, at)
		// Whatever a pad still sounds, should its note-off have gone
		// missing (a controller lost mid-reload), ends too; a MIDI
		// instrument's port and channel get All Notes Off.
		s.send(engine.Command{Op: engine.Stop, At: at, Track: int16(x), Clip: -1, Now: true, Live: true, Instrument: s.song.Tracks[x].Instrument})
	}
}

// LaunchScene launches row y at the next global quantization boundary:
// every track's clip in the row starts, tracks with an empty slot stop, and
// the scene's tempo (if any) takes effect at the same frame.
func (s *Session) LaunchScene(y int, at engine.Frame) {
	if y < 0 || y >= len(s.song.Scenes) {
		return
	}
	at = s.clamp(at)
	b := s.next(at, s.song.Quantize)
	// A queued scene's tempo is planned in the clock at once, so boundaries
	// computed before it takes effect (presses, releases, follow actions)
	// already use it; a later scene launch or stop-all replans.
	s.clock.Unplan(s.committed)
	if bpm := s.song.Scenes[y].Tempo; bpm > 0 {
		s.clock.SetTempo(b.at, bpm)
	}
	for x := range s.tracks {
		s.unqueue(x)
		s.tracks[x].held = -1
		if s.clip(x, y) != nil {
			s.schedule(b.on(actLaunch, x, y))
		} else if s.tracks[x].clip != nil {
			s.schedule(b.on(actStop, x, -1))
		}
	}
}

// Advance commits everything that happens before frame to: queued actions,
// follow actions and notes are sent to the engine.
func (s *Session) Advance(to engine.Frame) {
	s.flush()
	for len(s.agenda) > 0 && s.agenda[0].at < to {
		a := s.agenda[0]
		copy(s.agenda, s.agenda[1:])
		s.agenda = s.agenda[:len(s.agenda)-1]
		if a.track >= 0 {
			s.notes(a.track, a.at)
		}
		s.do(a)
	}
	for x := range s.tracks {
		s.notes(x, to)
	}
	s.committed = max(s.committed, to)
	for {
		e, ok := s.eng.PollEvent()
		if !ok {
			break
		}
		s.event(e)
	}
}

// Idle reports whether nothing plays and nothing is queued (but the
// steps of a tempo ramp).
func (s *Session) Idle() bool {
	for _, a := range s.agenda {
		if a.kind != actTempo {
			return false
		}
	}
	for i := range s.tracks {
		if s.tracks[i].clip != nil {
			return false
		}
	}
	return true
}

// Tracks returns the number of tracks.
func (s *Session) Tracks() int { return len(s.tracks) }

// Scenes returns the number of scenes.
func (s *Session) Scenes() int { return len(s.song.Scenes) }

// Playing returns the slot playing on track x, or -1.
func (s *Session) Playing(x int) int { return s.tracks[x].slot }

// SlotState is what a clip slot is doing, as its pad light shows it.
type SlotState int

const (
	SlotEmpty    SlotState = iota
	SlotStopped            // has a clip, not playing
	SlotQueued             // will start at the next boundary
	SlotPlaying            // playing
	SlotStopping           // playing, will stop at the next boundary
	SlotBroken             // its sample could not be loaded
)

// SlotAt returns the state of track x's slot y as heard at frame now (the
// engine's position, behind Committed): a launch committed for a frame
// after now is still queued, and the clip it replaces still playing and
// stopping. Lights show SlotAt, so they change when the sound does.
func (s *Session) SlotAt(x, y int, now engine.Frame) SlotState {
	st := s.Slot(x, y)
	if x < 0 || x >= len(s.tracks) || s.tracks[x].changed <= now {
		return st
	}
	ts := &s.tracks[x]
	switch {
	case st == SlotEmpty || st == SlotBroken:
		return st
	case ts.slot == y && ts.was != y:
		return SlotQueued // committed, not heard yet
	case ts.was == y && ts.slot != y:
		return SlotStopping // heard until changed
	}
	return st
}

// Slot returns the state of track x's slot y as committed: what will play
// once the engine reaches Committed().
func (s *Session) Slot(x, y int) SlotState {
	switch c := s.clip(x, y); {
	case c == nil:
		return SlotEmpty
	case c.Broken:
		return SlotBroken
	}
	if s.queued(x, actLaunch, y) {
		return SlotQueued
	}
	if s.tracks[x].slot == y {
		if _, ok := s.find(x, actStop, -1); ok {
			return SlotStopping
		}
		if s.queued(x, actLaunch, -1) { // another clip replaces it
			return SlotStopping
		}
		return SlotPlaying
	}
	return SlotStopped
}

func (s *Session) do(a action) {
	switch a.kind {
	case actTempo:
		s.rampStep(a)
	case actCut:
		ts := &s.tracks[a.track]
		if w, ok := s.awaited(a.track); ok && ts.tag == a.tag && ts.clip != nil && ts.loop != 0 && w.at > a.at {
			s.send(engine.Command{Op: engine.Stop, At: a.at, Track: int16(a.track), Clip: ts.tag})
			ts.loop = 0
		}
	case actLaunch:
		s.launch(a)
	case actStop:
		s.stop(a.track, a.at, a.now)
	case actEnd, actDrop:
		if s.tracks[a.track].tag == a.tag {
			s.stop(a.track, a.at, a.now)
		}
	case actFollow:
		if s.tracks[a.track].tag == a.tag && s.tracks[a.track].clip != nil {
			s.follow(a)
		}
	case actRetime:
		ts := &s.tracks[a.track]
		if ts.tag == a.tag && ts.clip != nil && !ts.stale {
			s.retime(a.track, a.at, a.beat)
		}
	case actSwitch:
		ts := &s.tracks[a.track]
		if ts.tag == a.tag && ts.clip != nil && ts.slot == a.slot {
			s.launch(a) // from the top of the new version: its slot relaunched
		}
	case actRecStart:
		if s.rec != nil {
			s.recStart(a)
		}
	case actRecEnd:
		if s.rec != nil {
			s.recEnd(a)
		}
	case actClick:
		s.click(a)
	case actRepeat:
		ts := &s.tracks[a.track]
		if ts.held == a.slot {
			s.launch(a)
			// A reload may have taken the quantum away (Replace).
			if q := s.quantum(s.clip(a.track, a.slot)); q > 0 {
				s.schedule(s.onBeat(a.beat+q).on(actRepeat, a.track, a.slot))
			}
		}
	}
}

// SetTempo changes the tempo to bpm from frame at (no earlier than
// Committed) on, as tap tempo does. What is planned in beats keeps its
// beat: queued launches, stops and repeats, follow actions, note clips and
// their ends, and the tempos of queued scenes. Audio plays at its natural
// speed: a playing audio loop is restarted from the top at its next
// restart on the beat grid (its old voice fades out), and loops at the new
// tempo's length from there, so it stays on the bars; a one-shot audio
// clip keeps its end. If the tempo slowed so much that the loop would
// restart on its own before that restart on the grid, it ends at its own
// restart instead (fading out as it does at a restart on the grid) and is
// silent up to the grid: it never restarts off the grid. A tempo ramp in
// progress (Replace) ends: the tapped tempo wins.
func (s *Session) SetTempo(bpm float64, at engine.Frame) {
	if !(bpm > 0) {
		return
	}
	s.endRamp()
	s.setTempo(bpm, at, 0)
}

// setTempo is SetTempo without ending a ramp: what a ramp's step does.
// drift > 0 (Steer) leaves audio loops close enough to the grid alone
// (regrid).
func (s *Session) setTempo(bpm float64, at engine.Frame, drift engine.Frame) {
	at = s.clamp(at)
	s.clock.Change(at, bpm)
	for i := range s.agenda {
		switch a := &s.agenda[i]; {
		case a.at <= at:
		case s.keepsFrame(a):
			a.beat = s.clock.Beat(a.at)
		default:
			a.at = s.clock.Frame(a.beat)
		}
	}
	slices.SortStableFunc(s.agenda, func(a, b action) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.kind, b.kind))
	})
	for x := range s.tracks {
		s.regrid(x, at, drift)
	}
}

// regrid plans the restart on the grid of track x's audio loop after a
// tempo change at frame at (SetTempo's retime, and its cut). With drift >
// 0 (Steer) it plans none while the loop's own restarts, from half a loop
// ahead on, are within drift frames of the grid's and none is planned
// already: the loop goes on by itself.
func (s *Session) regrid(x int, at, drift engine.Frame) {
	ts := &s.tracks[x]
	c := ts.clip
	if c == nil || c.IsNotes() || !c.Loop {
		return
	}
	if !ts.stale && c.Length > 0 {
		ahead := at + engine.Frame(ts.loop>>33) // half a loop
		if drift <= 0 || ts.loop == 0 || s.queued(x, actRetime, -1) || abs(ts.offGrid(s.gridStart(ts, ahead).at, ahead)) > drift {
			s.remove(x, actRetime)
			s.schedule(s.gridStart(ts, at).on(actRetime, x, -1).of(ts.tag))
		}
	}
	s.cut(x, at)
}

// offGrid returns how many frames after the nearest of its own restarts
// (from at on, t.loop > 0) the restart on the grid at frame w comes:
// within half a loop either way.
func (t *trackState) offGrid(w, at engine.Frame) engine.Frame {
	l := engine.Frame(t.loop >> 32)
	d := w - t.restart(at)
	switch {
	case d > l/2:
		d -= l
	case d < -l/2:
		d += l
	}
	return d
}

func abs(f engine.Frame) engine.Frame { return max(f, -f) }

// gridStart returns the first start of track state t's loop (of Length
// beats from its origin) whose frame is at or after at.
func (s *Session) gridStart(t *trackState, at engine.Frame) action {
	l := t.clip.Length
	k := Beats(math.Ceil(float64((s.clock.Beat(at) - t.origin) / l)))
	for s.clock.Frame(t.origin+(k-1)*l) >= at { // its beat is just before at's, rounded to at
		k--
	}
	for s.clock.Frame(t.origin+k*l) < at {
		k++
	}
	return s.onBeat(t.origin + k*l)
}

// cut plans the end of track x's audio loop voice at its next restart of
// its own at or after frame at, if that comes before the restart on the
// grid it waits for (a retime or a switch), which then starts it again:
// after a tempo change that slowed the tempo, a loop never restarts off
// the grid. The cut is decided again at every tempo change, and checked
// when it is committed.
func (s *Session) cut(x int, at engine.Frame) {
	s.remove(x, actCut)
	ts := &s.tracks[x]
	if ts.loop == 0 {
		return
	}
	if w, ok := s.awaited(x); ok {
		if r := ts.restart(at); r < w.at {
			s.schedule(action{at: r, beat: s.clock.Beat(r)}.on(actCut, x, -1).of(ts.tag))
		}
	}
}

// awaited returns the next restart on the grid planned for track x's
// playing audio loop: its retime or its switch (Replace).
func (s *Session) awaited(x int) (action, bool) {
	tag := s.tracks[x].tag
	for _, a := range s.agenda {
		if a.track == x && a.tag == tag && (a.kind == actRetime || a.kind == actSwitch) {
			return a, true
		}
	}
	return action{}, false
}

// restart returns the first frame at or after at where t's audio loop
// voice restarts on its own (t.loop > 0): its position at frame f is
// vph + (f−vat)·2³² (mod loop), and it restarts at the frame where that
// reaches k·loop, k ≥ 1, that is vat + ⌈(k·loop − vph)/2³²⌉.
func (t *trackState) restart(at engine.Frame) engine.Frame {
	k := uint64(1)
	if d := at - t.vat; d > 0 {
		k = max(1, (t.vph+uint64(d-1)<<32)/t.loop+1)
	}
	return t.vat + engine.Frame((k*t.loop-t.vph+1<<32-1)>>32)
}

// looping notes that track state t's clip plays a voice from frame at, at
// position start (32.32 frames), looping every loop (as engine.Command
// has them): it starts at phase start + ½ frame (mod loop), as the engine
// starts it.
func (t *trackState) looping(at engine.Frame, start int64, loop uint64) {
	loop = max(loop, 1<<32)
	t.vat, t.vph, t.loop = at, uint64(max(start+1<<31, 0))%loop, loop
}

// rampTempo starts a tempo ramp to bpm at frame at (Replace), ending the
// one in progress. It goes from the tempo at at, and plans its steps on
// their beats.
func (s *Session) rampTempo(bpm float64, at engine.Frame) {
	s.endRamp()
	from := s.clock.Tempo(at)
	if !(bpm > 0) || from == bpm {
		return
	}
	s.ramp = ramp{from: from, to: bpm, last: at}
	b := s.clock.Beat(at)
	for k := 1; k <= rampSteps; k++ {
		s.schedule(s.onBeat(b+Beats(k)*rampBeats/rampSteps).on(actTempo, -1, k))
	}
}

// rampStep performs a, a step of the ramp in progress, as SetTempo does,
// unless another tempo change (a queued scene's) took effect since the
// ramp's last one: that ends the ramp.
func (s *Session) rampStep(a action) {
	r := &s.ramp
	if !s.ramping(a.at) {
		s.endRamp()
		return
	}
	bpm := r.to
	if a.slot < rampSteps {
		bpm = r.from + (r.to-r.from)*float64(a.slot)/rampSteps
		r.last = a.at
	} else {
		s.ramp = ramp{}
	}
	s.setTempo(bpm, a.at, 0)
}

// ramping reports whether the tempo at frame at is a ramp's that goes on.
func (s *Session) ramping(at engine.Frame) bool {
	return s.ramp.to > 0 && s.clock.seg(float64(at)).frame <= float64(s.ramp.last)
}

// endRamp drops the steps of the ramp in progress.
func (s *Session) endRamp() {
	if s.ramp.to > 0 {
		s.filter(func(a *action) bool { return a.kind != actTempo })
		s.ramp = ramp{}
	}
}

// loopFrames returns the loop length in frames of an audio loop of d
// beats that starts or restarts at frame at: d beats at the tempo there,
// or during a ramp at the slower of that and the ramp's last tempo, so
// that the loop does not restart on its own before its next restart on
// the grid (a retime then starts it again there: no cut).
func (s *Session) loopFrames(at engine.Frame, d Beats) float64 {
	bpm := s.clock.Tempo(at)
	if s.ramping(at) {
		bpm = min(bpm, s.ramp.to)
	}
	return d.frames(bpm, s.clock.rate)
}

// keepsFrame reports whether a stays on its frame across a tempo change:
// the end of a playing one-shot audio clip, where the clip's length in
// frames put it, the switch (Replace) of an audio loop of its sample's
// own length, at one of its restarts, or a cut, at one.
func (s *Session) keepsFrame(a *action) bool {
	if a.track < 0 {
		return false
	}
	ts := &s.tracks[a.track]
	if a.tag != ts.tag || ts.clip == nil || ts.clip.IsNotes() {
		return false
	}
	return a.kind == actEnd || a.kind == actCut || (a.kind == actSwitch && ts.clip.Length <= 0)
}

// retime restarts track x's audio loop from the top at frame at, the
// frame of its grid's beat, with the loop length of the tempo there
// (loopFrames): the voice playing ends at at (its pass ends there) and a
// new one starts (same launch, same tag). It starts within half a frame
// of the top, where beat falls between frames, as launch does, so that it
// restarts where the clock puts the beats that follow.
func (s *Session) retime(x int, at engine.Frame, beat Beats) {
	ts := &s.tracks[x]
	c := ts.clip
	loop := engine.LoopFrames(s.loopFrames(at, c.Length))
	start := engine.Position(s.clock.Frames(at, s.clock.Beat(at)-beat))
	s.send(engine.Command{Op: engine.Stop, At: at, Track: int16(x), Clip: ts.tag})
	s.send(engine.Command{
		Op: engine.PlayClip, At: at, Track: int16(x), Clip: ts.tag, Sample: c.Sample, Gain: c.Gain,
		Loop: true, LoopLen: loop, LoopFade: s.loopFade(c), Start: start,
	})
	ts.looping(at, start, loop)
	s.remove(x, actCut) // it was the old voice's
}

// loopFade returns clip c's crossfade at a loop restart, in frames.
func (s *Session) loopFade(c *Clip) int32 {
	return int32(math.Round(c.LoopFade * s.clock.rate))
}

// launch starts the clip of launch action a, replacing what plays on its
// track.
func (s *Session) launch(a action) {
	x, y, at, beat := a.track, a.slot, a.at, a.beat
	c := s.clip(x, y)
	if c == nil || c.Broken {
		s.stop(x, at, a.now)
		return
	}
	ts := &s.tracks[x]
	// How far into the clip to start: legato picks up the previous clip's
	// position in beats, its phase on the musical grid, so that across a
	// tempo change the new clip is where the old one was in the bar and
	// restarts on the bar lines. Relaunching itself starts from the top.
	var elapsed Beats
	legato := c.Legato && ts.clip != nil && ts.slot != y
	if legato {
		elapsed = beat - ts.origin
	}
	if a.resume {
		legato, elapsed = false, 0
		if c.Loop && c.Length > 0 {
			elapsed = beat // the song's loops all started at beat 0
		}
	}
	if legato && !c.IsNotes() {
		s.release(x, at) // the engine crossfades the old clip into the new one
	} else {
		s.stop(x, at, a.now)
	}
	was := ts.was
	if ts.changed < at { // not replacing a clip that stopped at this very frame
		was = -1
	}
	s.nextTag++
	*ts = trackState{clip: c, slot: y, tag: s.nextTag, start: at, origin: beat - elapsed, held: ts.held, was: was, changed: at,
		prevClip: ts.prevClip, prevOrigin: ts.prevOrigin}
	if c.IsNotes() {
		if c.Loop && c.Length > 0 {
			k := int(elapsed / c.Length)
			ts.iter = k
		}
		if !c.Loop {
			s.schedule(s.onBeat(ts.origin+c.Length).on(actEnd, x, -1).of(ts.tag))
		}
	} else {
		length := float64(c.SampleFrames)
		if c.Length > 0 {
			length = s.clock.Frames(at, c.Length)
		}
		// The clip's position at frame at, in frames at the tempo there:
		// where the old clip was for legato, else within half a frame of
		// 0 (the frame is the beat's, rounded), so that loops restart
		// exactly where the clock puts their beats.
		offset := s.clock.Frames(at, s.clock.Beat(at)-ts.origin)
		if c.Loop && length > 0 {
			offset = math.Mod(offset, length)
		}
		start, loop := engine.Position(offset), engine.LoopFrames(length)
		if c.Loop && c.Length > 0 {
			loop = engine.LoopFrames(s.loopFrames(at, c.Length))
		}
		s.send(engine.Command{
			Op: engine.PlayClip, At: at, Track: int16(x), Clip: ts.tag, Sample: c.Sample, Gain: c.Gain,
			Loop: c.Loop, LoopLen: loop, LoopFade: s.loopFade(c),
			Start: start, Legato: legato,
		})
		if c.Loop && loop > 0 {
			ts.looping(at, start, loop)
		}
		if !c.Loop {
			end := at + engine.Frame(math.Round(max(length-offset, 0)))
			s.schedule(action{at: end, beat: s.clock.Beat(end)}.on(actEnd, x, -1).of(ts.tag))
		}
	}
	if f := c.Follow; f != nil && f.After > 0 {
		s.schedule(s.onBeat(beat+f.After).on(actFollow, x, -1).of(ts.tag))
	}
}

// stop ends what plays on track x at frame at: audio clip voices and gated
// notes fall silent at at (fade out from at if now), and every sounding
// note gets its note-off.
func (s *Session) stop(x int, at engine.Frame, now bool) {
	if s.tracks[x].clip == nil {
		return
	}
	s.send(engine.Command{Op: engine.Stop, At: at, Track: int16(x), Clip: -1, Now: now})
	s.release(x, at)
	if now {
		s.tracks[x].quiet = at + s.fade()
	}
}

// fade returns how long a stop's fade lasts (engine.FadeTime), in frames.
func (s *Session) fade() engine.Frame {
	return engine.Frame(max(1, int64(s.clock.rate)*int64(engine.FadeTime)/int64(time.Second)))
}

// release ends track x's playing launch at frame at without stopping its
// audio voices: every sounding note gets its note-off, its pending actions
// go, and the slot is free.
func (s *Session) release(x int, at engine.Frame) {
	ts := &s.tracks[x]
	if ts.clip == nil {
		return
	}
	for k, f := range ts.off {
		if ts.sounding == 0 {
			break
		}
		if f != 0 {
			s.send(engine.Command{Op: engine.NoteOff, At: min(f, at), Track: int16(x), Key: uint8(k)})
			ts.off[k] = 0
			ts.sounding--
		}
	}
	s.removeTag(x, ts.tag)
	if ts.changed < at { // a second change at one frame keeps what is heard before it
		ts.was = ts.slot
		ts.prevClip, ts.prevOrigin = ts.clip, ts.origin
	}
	ts.changed, ts.quiet = at, at
	ts.clip, ts.slot, ts.stale = nil, -1, false
}

// follow performs follow action a of its track's playing clip.
func (s *Session) follow(a action) {
	x, at := a.track, a.at
	ts := &s.tracks[x]
	c := ts.clip
	act := c.Follow.Action
	if s.rng.Float64() >= c.Follow.Chance {
		act = c.Follow.Other
	}
	// The track's filled slots, top to bottom; empty slots are skipped.
	clips := s.song.Tracks[x].Clips
	filled := s.filled[:0]
	cur := 0
	for y, c := range clips {
		if c != nil {
			if y == ts.slot {
				cur = len(filled)
			}
			filled = append(filled, y)
		}
	}
	s.filled = filled
	n := len(filled)
	next := cur
	switch act {
	case FollowNone:
		return
	case Stop:
		s.stop(x, at, false)
		return
	case Next:
		next = (cur + 1) % n
	case Previous:
		next = (cur + n - 1) % n
	case First:
		next = 0
	case Last:
		next = n - 1
	case Any:
		next = s.rng.IntN(n)
	case Other:
		if n > 1 {
			if next = s.rng.IntN(n - 1); next >= cur {
				next++
			}
		}
	}
	s.launch(a.on(actLaunch, x, filled[next]))
}

// notes sends track x's note-ons and note-offs that fall before frame to.
func (s *Session) notes(x int, to engine.Frame) {
	ts := &s.tracks[x]
	if c := ts.clip; c != nil {
		if c.IsNotes() && len(c.Notes) > 0 && c.Length > 0 {
			instr := s.song.Tracks[x].Instrument
			for {
				n, base, f, ok := s.nextNote(ts, to)
				if !ok {
					break
				}
				if f < ts.start || (!c.Loop && ts.iter > 0) {
					continue // before a legato start
				}
				if len(ts.fresh) > 0 && ts.skips(n, ts.iter) {
					continue
				}
				if off := ts.off[n.Key]; off != 0 {
					// The key still sounds (or its note-off is due now): end it first.
					s.send(engine.Command{Op: engine.NoteOff, At: min(off, f), Track: int16(x), Key: n.Key})
				} else {
					ts.sounding++
				}
				s.send(engine.Command{Op: engine.NoteOn, At: f, Track: int16(x), Instrument: instr, Key: n.Key, Vel: n.Vel})
				end := s.clock.Frame(base + min(n.At+n.Len, c.Length))
				ts.off[n.Key] = max(end, f+1)
				ts.offMin = min(ts.offMin, ts.off[n.Key])
			}
		}
	}
	if ts.sounding == 0 || to <= ts.offMin {
		return // most calls: no note-off due (a scan of 128 keys was 3% of a render)
	}
	next := engine.Never
	for k, f := range ts.off {
		if f != 0 && f < to {
			s.send(engine.Command{Op: engine.NoteOff, At: f, Track: int16(x), Key: uint8(k)})
			ts.off[k] = 0
			ts.sounding--
		} else if f != 0 {
			next = min(next, f)
		}
	}
	ts.offMin = next
}

// nextNote moves track state t's note cursor (iteration iter, index ni
// of its note clip, which has notes and a length) past its next note and
// returns it, the beat its pass starts on and its frame; ok is false,
// and the cursor stays, when that note is at or after frame to, or a
// one-shot clip has no more.
func (s *Session) nextNote(t *trackState, to engine.Frame) (n Note, base Beats, f engine.Frame, ok bool) {
	c := t.clip
	if t.ni >= len(c.Notes) {
		if !c.Loop {
			return Note{}, 0, 0, false
		}
		t.iter++
		t.ni = 0
		if len(t.fresh) > 0 {
			s.prune(t)
		}
	}
	n = c.Notes[t.ni]
	base = t.origin + Beats(t.iter)*c.Length
	if f = s.clock.Frame(base + n.At); f >= to {
		return Note{}, 0, 0, false
	}
	t.ni++
	return n, base, f, true
}

// schedule adds a to the agenda, after everything at the same frame with the
// same or an earlier kind.
func (s *Session) schedule(a action) {
	i := len(s.agenda)
	s.agenda = append(s.agenda, a)
	for i > 0 && (s.agenda[i-1].at > a.at || (s.agenda[i-1].at == a.at && s.agenda[i-1].kind > a.kind)) {
		s.agenda[i] = s.agenda[i-1]
		i--
	}
	s.agenda[i] = a
}

// filter keeps the agenda entries for which keep returns true.
func (s *Session) filter(keep func(a *action) bool) {
	j := 0
	for i := range s.agenda {
		if keep(&s.agenda[i]) {
			s.agenda[j] = s.agenda[i]
			j++
		}
	}
	s.agenda = s.agenda[:j]
}

// unqueue cancels track x's queued launches, stops and repeats.
func (s *Session) unqueue(x int) {
	s.filter(func(a *action) bool {
		return a.track != x || (a.kind != actLaunch && a.kind != actStop && a.kind != actRepeat)
	})
}

func (s *Session) remove(x int, k actionKind) {
	s.filter(func(a *action) bool { return a.track != x || a.kind != k })
}

func (s *Session) removeTag(x int, tag int32) {
	s.filter(func(a *action) bool {
		return a.track != x || a.tag != tag || (a.kind != actEnd && a.kind != actDrop && a.kind != actFollow && a.kind != actRetime && a.kind != actSwitch && a.kind != actCut)
	})
}

// find returns track x's queued action of kind k for slot y (y < 0: any
// slot).
func (s *Session) find(x int, k actionKind, y int) (action, bool) {
	for _, a := range s.agenda {
		if a.track == x && a.kind == k && (y < 0 || a.slot == y) {
			return a, true
		}
	}
	return action{}, false
}

func (s *Session) queued(x int, k actionKind, y int) bool {
	_, ok := s.find(x, k, y)
	return ok
}
