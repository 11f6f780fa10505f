package show

import (
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"gridbox/audio/supervise"
	"gridbox/engine"
	"gridbox/internal/spell"
)

const (
	statusPeriod = 100 * time.Millisecond
	logPeriod    = 10 * time.Second // plain status lines when stderr is not a terminal
)

// streamPeriod is how often the live streamer tops up the streams: a
// fraction of the time a full ring lasts, often enough that a clip
// launched past its preload waits little.
const streamPeriod = 2 * time.Millisecond

// streamReport tells, for play's and render's last line, how streaming
// went, when anything streamed.
func streamReport(pl *engine.Player) string {
	es := pl.Stats()
	if pl.Streamer() == nil || es.StreamMemory == 0 && es.StreamsFull == 0 {
		return ""
	}
	msg := fmt.Sprintf(", disk streaming late %d times", es.StreamUnderruns+es.StreamsFull)
	if n, err := pl.Streamer().Failures(); err != nil {
		msg += fmt.Sprintf(" (%s failed: %v)", spell.Count(n, "read"), err)
	}
	return msg
}

// status shows what plays: a one-line status redrawn on a terminal, or a
// plain log line every logPeriod (and on new underruns) elsewhere. It prints
// from its own goroutine, so a blocked terminal or a slow journal never
// stalls the session goroutine, which only publishes a snapshot.
type status struct {
	e       *Env
	p       *Show
	dev     *supervise.Device
	web     *webView // nil: no browser view
	stopped chan struct{}

	// The session goroutine's snapshot (the clock and the session are
	// owned by it).
	pos, bar, beat, playing atomic.Int64
	tempo                   atomic.Uint64 // float64 bits
	beats                   atomic.Uint64 // float64 bits: the position in beats
	mem                     atomic.Int64  // bytes the set's samples take in memory (besides stream rings)
	errors                  atomic.Int64  // the edited set's errors, while the last good version plays
	unsaved                 atomic.Bool   // the takes could not be saved
}

func newStatus(e *Env, p *Show, dev *supervise.Device) *status {
	return &status{e: e, p: p, dev: dev, stopped: make(chan struct{})}
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
	s.beats.Store(math.Float64bits(float64(s.p.session.Clock().Beat(now))))
	s.mem.Store(s.p.loaded.Bytes)
	s.errors.Store(int64(len(s.p.setErrors)))
	s.unsaved.Store(s.p.takes.failed())
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
	set := ""
	if n := int(s.errors.Load()); n > 0 {
		set = "set: " + spell.Count(n, "error") + " (playing the last good version)  "
	}
	if s.unsaved.Load() {
		set += "TAKES NOT SAVED  "
	}
	return set + fmt.Sprintf("%-7s %s  playing %d  voices %d  DSP %.0f%%  underruns %d  late %d  mem %s%s%s",
		fmt.Sprintf("%d.%d", s.bar.Load(), s.beat.Load()), formatTempo(math.Float64frombits(s.tempo.Load())),
		s.playing.Load(), es.Voices, 100*ds.Load, ds.Underruns, es.Late, megabytes(s.mem.Load()+es.StreamMemory), disk, warn)
}

// run prints until done is closed, and hands the browser view (if any)
// the status every statusPeriod.
func (s *status) run(done <-chan struct{}) {
	defer close(s.stopped)
	tick := time.NewTicker(statusPeriod)
	defer tick.Stop()
	last, underruns, ticks := time.Now(), uint64(0), 0
	for {
		select {
		case <-done:
			if s.e.TTY {
				fmt.Fprint(s.e.Stderr, "\r\x1b[K")
			}
			return
		case <-tick.C:
		}
		if s.web != nil {
			s.web.srv.Status(s.web.status(s))
		}
		if s.e.TTY {
			fmt.Fprintf(s.e.Stderr, "\r\x1b[K%s", s.line())
			continue
		}
		// Elsewhere: check for new underruns every second; print every
		// logPeriod.
		if ticks++; ticks%int(time.Second/statusPeriod) != 0 {
			continue
		}
		es := s.p.player.Stats()
		if u := s.dev.Stats().Underruns + es.StreamUnderruns + es.StreamsFull; time.Since(last) >= logPeriod || u > underruns {
			last, underruns = time.Now(), u
			fmt.Fprintf(s.e.Stderr, "gridbox: %s\n", s.line())
		}
	}
}
