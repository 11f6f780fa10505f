// Package supervise keeps audio playing through the faults sound cards have
// on stage: a USB card pulled out, callbacks that stop silently after hours
// (PortAudio#930, #1074), a backend call that never returns (#535, #1037).
//
// A Device wraps the devices an opener returns and is itself an
// audio.Device. It watches the current device's heartbeat
// (DeviceStats.Played) from outside the audio path; when it has not moved
// for Config.Stall periods (or bursts, for a device that calls back in
// bursts) the device counts as lost, and then:
//
//   - a fallback clock goroutine renders in its place and throws the audio
//     away, so the engine's position, and with it every quantized launch,
//     goes on as if the device had played;
//   - the lost device is closed, and the opener is called again after 0,
//     then 50 ms, doubling up to Config.MaxBackoff (1 s) between tries,
//     until a device opens and starts; it takes over from the fallback
//     clock at the musical position wall-clock time has reached;
//   - a backend call (Open, Start, Close) that runs longer than Config.Hung
//     (2 s) makes the Device hung: Health says so, and the caller (gridbox
//     play) stops pinging systemd's watchdog and exits, so a fresh process
//     resumes from the saved state. A hung call's goroutine is abandoned.
//     An opener error wrapping audio.ErrRestart (oto after its sound
//     server died) makes it Failed, which asks for the same.
//
// # Threading
//
// Start and Close are called from the control side. One supervisor
// goroutine, started by Start, makes every backend call and is the only one
// to change which device plays. Stats and Health are safe from any
// goroutine and never call into a device that is being closed.
//
// The Renderer has exactly one caller at a time: each device (and the
// fallback clock) renders through its own gate, and only the gate of the
// current owner calls it. Changing owners waits until no Render is in
// flight. A gate's Render adds a few atomic operations around the
// Renderer's: no allocation, lock or syscall is added to the render path. A gate that is
// no longer the owner renders silence (a device being closed may still call
// back once).
package supervise

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"gridbox/audio"
)

// ErrHung is wrapped, with audio.ErrRestart (only a new process can play
// again), by the error of Start or Close when a backend call never
// returned.
var ErrHung = errors.New("audio backend hung")

// hungError says which call hung.
type hungError string

func (e hungError) Error() string   { return "supervise: audio backend hung: " + string(e) }
func (e hungError) Unwrap() []error { return []error{ErrHung, audio.ErrRestart} }

// Config describes what a Device supervises.
type Config struct {
	Format audio.Format
	// Block is the frames per period of the devices Open returns: the
	// heartbeat is expected every period, or, for a device that calls
	// back in bursts (PortAudio on a JACK server whose period is several
	// blocks), every burst, as measured by the smallest step it moves in.
	Block int

	// Open opens a fresh device for Format; the supervisor goroutine calls
	// it, and it should look the device up again each time (a replugged USB
	// card may come back with another index or name).
	Open func() (audio.Device, error)

	Stall      int           // periods without a heartbeat that mean the device is lost; 10
	FirstBeat  time.Duration // how long a started device may take to call back the first time; 2 s
	MinBackoff time.Duration // the wait after the second failed try, doubling; 50 ms
	MaxBackoff time.Duration // the longest wait between tries; 1 s
	Hung       time.Duration // a backend call running longer is hung; 2 s
}

func (c Config) withDefaults() Config {
	if c.Stall == 0 {
		c.Stall = 10
	}
	if c.FirstBeat == 0 {
		c.FirstBeat = 2 * time.Second
	}
	if c.MinBackoff == 0 {
		c.MinBackoff = 50 * time.Millisecond
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = time.Second
	}
	if c.Hung == 0 {
		c.Hung = 2 * time.Second
	}
	return c
}

// State is what the audio is doing.
type State uint8

const (
	Playing State = iota // a device plays
	Lost                 // no device: the fallback clock keeps time while reopening
	Hung                 // a backend call never returned
	Failed               // the opener said only a new process can play (audio.ErrRestart)
)

func (s State) String() string {
	return [...]string{"playing", "lost", "hung", "failed"}[s]
}

// Health is a snapshot of the supervisor's view.
type Health struct {
	State   State
	Device  string        // the device playing (its String, or its type), "" when lost
	Losses  int           // times a device was lost
	Tries   int           // failed tries to reopen since the last loss
	Err     error         // why the device was lost
	TryErr  error         // why the latest try to reopen it failed
	LostFor time.Duration // how long since the heartbeat stopped, while Lost or Hung
	Call    string        // the backend call running (with how long), while Hung
	Outage  time.Duration // the latest loss: heartbeat stop to a device playing again
}

// Device is an audio.Device that survives the loss of the devices under it.
type Device struct {
	cfg    Config
	period time.Duration
	r      audio.Renderer

	// The render gates' shared state.
	owner    atomic.Uint32 // the generation allowed to render
	busy     atomic.Bool   // a Render is in flight
	rendered atomic.Uint64 // frames rendered through the gates

	callName  atomic.Pointer[string] // the backend call in flight, nil when none
	callStart atomic.Int64           // when it began (UnixNano)

	quit chan struct{}
	done chan struct{}

	mu      sync.Mutex // guards the fields below against Stats and Health
	cur     audio.Device
	gen     uint32 // the current owner's generation; supervisor goroutine writes
	past    audio.DeviceStats
	health  Health
	lostAt  time.Time // when the heartbeat stopped (the anchor of the fallback clock)
	closed  bool
	running bool // Start succeeded: the supervisor goroutine runs

	// Input (input.go): the sink and its channels (Capture), silence to
	// pad it with, the frames written to it so far (by the owner's
	// render goroutine), the input counters of the devices before cur.
	sink       audio.InputSink
	inChannels int
	zeros      []float32
	inWritten  atomic.Uint64
	pastIn     audio.InputStats
	inGen      atomic.Uint32 // the generation whose device captures (0: none)
}

var _ audio.Device = (*Device)(nil)

// New returns a Device; nothing is opened until Start.
func New(cfg Config) (*Device, error) {
	cfg = cfg.withDefaults()
	if cfg.Block <= 0 || cfg.Format.SampleRate <= 0 || cfg.Format.Channels <= 0 || cfg.Open == nil {
		return nil, fmt.Errorf("supervise: bad config (format %+v, block %d)", cfg.Format, cfg.Block)
	}
	return &Device{
		cfg:    cfg,
		period: cfg.Format.Duration(int64(cfg.Block)),
		quit:   make(chan struct{}),
		done:   make(chan struct{}),
	}, nil
}

// Format returns the format every device plays.
func (s *Device) Format() audio.Format { return s.cfg.Format }

// Start opens and starts the first device, returning its error if that
// fails (a missing card at start is the user's to fix, not to wait out),
// and then supervises it. Control side, once.
func (s *Device) Start(r audio.Renderer) error {
	if r == nil {
		return errors.New("supervise: nil Renderer")
	}
	if s.r != nil {
		return errors.New("supervise: already started")
	}
	s.r = r
	var dev audio.Device
	var err error
	if !s.call("Open", func() { dev, err = s.cfg.Open() }) {
		return hungError(fmt.Sprintf("Open blocked for %v", s.cfg.Hung))
	}
	if err != nil {
		return err
	}
	s.gen = 1
	s.owner.Store(1)
	s.capture(dev, 1, 0)
	if !s.call("Start", func() { err = dev.Start(gate{s, 1}) }) {
		s.owner.Store(0)
		return hungError(fmt.Sprintf("Start blocked for %v", s.cfg.Hung))
	}
	if err != nil {
		s.call("Close", func() { dev.Close() })
		return err
	}
	s.mu.Lock()
	s.cur = dev
	s.health.Device = describe(dev)
	s.running = true
	s.mu.Unlock()
	go s.run(dev)
	return nil
}

// Stats adds the current device's counters to those of the devices before
// it (after Close: every device's, the last one's final). Blocks counts
// blocks rendered, the fallback clock's included.
func (s *Device) Stats() audio.DeviceStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.past
	if s.cur != nil {
		st = add(st, s.cur.Stats())
	}
	st.Blocks = s.rendered.Load() / uint64(s.cfg.Block)
	return st
}

// Health returns the supervisor's view. Safe from any goroutine.
func (s *Device) Health() Health {
	s.mu.Lock()
	h := s.health
	lostAt := s.lostAt
	s.mu.Unlock()
	if h.State != Playing {
		h.LostFor = time.Since(lostAt)
	}
	if name := s.callName.Load(); name != nil {
		if d := time.Since(time.Unix(0, s.callStart.Load())); d > s.cfg.Hung {
			h.State = Hung
			h.Call = fmt.Sprintf("%s blocked for %.1f s", *name, d.Seconds())
		}
	}
	return h
}

// Close stops supervising and closes the device playing, within about
// Config.Hung. If a backend call hung it returns an error wrapping ErrHung,
// and then a device may still call back (its gate renders silence);
// otherwise Render is not called after Close returns. Control side.
func (s *Device) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	running := s.running
	s.mu.Unlock()
	if !running {
		return nil // Start failed or never ran
	}
	close(s.quit)
	<-s.done // within about Config.Hung: every call the goroutine waits on is bounded by it
	if h := s.Health(); h.State == Hung {
		s.owner.Store(0) // whatever still runs renders silence
		return hungError(h.Call)
	}
	s.mu.Lock()
	dev := s.cur
	s.cur = nil
	s.mu.Unlock()
	if dev == nil {
		return nil
	}
	var err error
	if !s.call("Close", func() { err = dev.Close() }) {
		return hungError(fmt.Sprintf("Close blocked for %v", s.cfg.Hung))
	}
	// Its counters stay in Stats and InputStats, final now: play reports
	// them after the stream is closed.
	s.mu.Lock()
	s.past = add(s.past, dev.Stats())
	s.retireInput(dev)
	s.mu.Unlock()
	return err
}

// gate is what one device (or the fallback clock) renders through: only
// the owner's gate reaches the Renderer. It runs on that device's render
// thread.
type gate struct {
	s   *Device
	gen uint32
}

func (g gate) Render(out []float32) {
	s := g.s
	if s.owner.Load() == g.gen && s.busy.CompareAndSwap(false, true) {
		// Re-check: the owner may have changed between the load and the
		// swap, and handOver has then already seen busy false.
		if s.owner.Load() == g.gen {
			s.silence(g.gen, len(out)/s.cfg.Format.Channels)
			s.r.Render(out)
			s.rendered.Add(uint64(len(out) / s.cfg.Format.Channels))
			s.busy.Store(false)
			return
		}
		s.busy.Store(false)
	}
	clear(out)
}

// handOver makes gen the only gate that renders, waiting for a Render in
// flight to finish. Supervisor goroutine.
func (s *Device) handOver(gen uint32) {
	s.owner.Store(gen)
	for s.busy.Load() {
		time.Sleep(s.period / 8)
	}
}

// call runs a backend call on its own goroutine and waits for it up to
// Config.Hung, reporting whether it returned; while it runs, Health can see
// it. A call that never returns is left behind.
func (s *Device) call(name string, f func()) bool {
	s.callStart.Store(time.Now().UnixNano())
	s.callName.Store(&name)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
		s.callName.Store(nil)
		return true
	case <-time.After(s.cfg.Hung):
		return false // callName stays: Health reports Hung from now on
	}
}

// run is the supervisor goroutine: it watches dev's heartbeat and replaces
// it when it stops.
func (s *Device) run(dev audio.Device) {
	defer close(s.done)
	tick := time.NewTicker(s.period)
	defer tick.Stop()
	var (
		beat      = dev.Stats().Played
		beatAt    = time.Now()
		firstBeat = true // the device has not called back yet
		step      uint64 // the smallest heartbeat step seen, in frames
		played    uint64 // frames played by the devices before dev
	)
	for {
		select {
		case <-s.quit:
			return
		case <-tick.C:
		}
		now := time.Now()
		if p := dev.Stats().Played; p != beat {
			if d := p - beat; step == 0 || d < step {
				step = d
			}
			beat, beatAt, firstBeat = p, now, false
			continue
		}
		// A device that calls back in bursts (PortAudio on a JACK server
		// whose period is several blocks) moves in steps of a burst; a
		// late tick only makes steps longer, so the smallest is the burst.
		every := max(s.period, s.cfg.Format.Duration(int64(step)))
		limit := time.Duration(s.cfg.Stall-1) * every // the next tick would pass Stall of them
		if firstBeat {
			limit = s.cfg.FirstBeat
		}
		if now.Sub(beatAt) < limit {
			continue
		}
		// Lost: the fallback clock takes over from the last heartbeat, and
		// counts from the frames the device had played then.
		played += beat
		why := fmt.Errorf("no audio callback for %.0f ms", float64(now.Sub(beatAt))/1e6)
		if firstBeat {
			why = fmt.Errorf("the device never called back in %v", s.cfg.FirstBeat)
		}
		s.mu.Lock()
		s.past = add(s.past, dev.Stats())
		s.retireInput(dev)
		s.cur = nil
		s.lostAt = beatAt
		s.health = Health{State: Lost, Losses: s.health.Losses + 1, Err: why}
		s.mu.Unlock()
		fb := s.startFallback(beatAt, played)
		if !s.call("Close", func() { dev.Close() }) {
			s.park(fb)
			return
		}
		dev, played = s.reopen(fb, beatAt, played)
		if dev == nil {
			return
		}
		beat, beatAt, firstBeat, step = dev.Stats().Played, time.Now(), true, 0
	}
}

// reopen tries the opener with backoff until a device starts, then hands
// the Renderer from the fallback clock to it. It returns the device and the
// frames counted as played when it took over (those of the devices before
// it and of the fallback clock), or nil when the Device is closing or a
// call hung. Supervisor goroutine.
func (s *Device) reopen(fb *fallback, anchor time.Time, played uint64) (audio.Device, uint64) {
	wait := time.Duration(0)
	for tries := 0; ; tries++ {
		if tries > 0 {
			wait = min(max(2*wait, s.cfg.MinBackoff), s.cfg.MaxBackoff)
		}
		select {
		case <-s.quit:
			fb.stop()
			return nil, 0
		case <-time.After(wait):
		}
		var dev audio.Device
		var err error
		if !s.call("Open", func() { dev, err = s.cfg.Open() }) {
			s.park(fb)
			return nil, 0
		}
		if err == nil {
			fb.stop() // after a last catch-up to the wall clock
			gen := s.gen + 1
			s.handOver(gen)
			base := s.rendered.Load()
			s.capture(dev, gen, base)
			if !s.call("Start", func() { err = dev.Start(gate{s, gen}) }) {
				s.gen = gen
				s.park(s.startFallback(anchor, played))
				return nil, 0
			}
			s.gen = gen
			if err == nil {
				s.mu.Lock()
				s.cur = dev
				s.health = Health{State: Playing, Device: describe(dev), Losses: s.health.Losses, Outage: time.Since(anchor)}
				s.mu.Unlock()
				return dev, base
			}
			fb = s.startFallback(anchor, played)
			if !s.call("Close", func() { dev.Close() }) {
				s.park(fb)
				return nil, 0
			}
		}
		s.mu.Lock()
		s.health.Tries = tries + 1
		s.health.TryErr = err
		if errors.Is(err, audio.ErrRestart) {
			s.health.State = Failed // the fallback clock keeps time until the process restarts
		}
		s.mu.Unlock()
		if errors.Is(err, audio.ErrRestart) {
			s.park(fb)
			return nil, 0
		}
	}
}

// park lets the fallback clock keep time until the Device is closed (the
// process restarts after a hung call or ErrRestart): the supervisor makes
// no more backend calls, so Health goes on reporting the one that hung.
// Supervisor goroutine.
func (s *Device) park(fb *fallback) {
	<-s.quit
	fb.stop()
}

// A fallback is the clock that renders while no device plays: it keeps the
// frames rendered at played + the frames wall-clock time has brought since
// anchor, throwing the audio away.
type fallback struct {
	quit, done chan struct{}
}

// startFallback makes a new fallback clock the owner and starts it.
// Supervisor goroutine.
func (s *Device) startFallback(anchor time.Time, played uint64) *fallback {
	s.gen++
	s.handOver(s.gen)
	fb := &fallback{quit: make(chan struct{}), done: make(chan struct{})}
	g := gate{s, s.gen}
	buf := make([]float32, s.cfg.Block*s.cfg.Format.Channels)
	go func() {
		defer close(fb.done)
		tick := time.NewTicker(s.period)
		defer tick.Stop()
		for {
			// Render up to the wall clock (at most a block past it), also
			// once more when told to stop, so a device taking over starts
			// where time has got to.
			target := played + uint64(s.cfg.Format.Frames(time.Since(anchor)))
			for s.rendered.Load() < target {
				before := s.rendered.Load()
				g.Render(buf)
				if s.rendered.Load() == before {
					break // refused: no longer the owner
				}
			}
			select {
			case <-fb.quit:
				return
			default:
			}
			select {
			case <-fb.quit:
			case <-tick.C:
			}
		}
	}()
	return fb
}

// stop ends the fallback clock and waits for it.
func (fb *fallback) stop() {
	close(fb.quit)
	<-fb.done
}

// add sums two devices' counters.
func add(a, b audio.DeviceStats) audio.DeviceStats {
	a.Played += b.Played
	a.Underruns += b.Underruns
	a.LateWakes += b.LateWakes
	a.MaxInterval = max(a.MaxInterval, b.MaxInterval)
	a.Load = b.Load
	a.MaxLoad = max(a.MaxLoad, b.MaxLoad)
	return a
}

// describe names a device for Health.
func describe(d audio.Device) string {
	if st, ok := d.(fmt.Stringer); ok {
		return st.String()
	}
	return fmt.Sprintf("%T", d)
}
