package ring

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"gridbox/audio"
)

// Config describes a Filler.
type Config struct {
	Format audio.Format
	Block  int // frames per Render call
	Lead   int // blocks kept in the Ring ahead of the consumer (≥ 1)

	// Priority is the SCHED_FIFO priority (1–99) the Filler asks for on its
	// own OS thread only; 0 leaves the thread's scheduling alone. Refusal
	// (EPERM without CAP_SYS_NICE or an rtprio limit) is not an error: Start
	// returns it as a warning.
	Priority int

	// Sleep, if set, replaces the Filler's poll sleep. Leave it nil: the
	// default is nanosleep(2) on the Filler's own thread, so the wake-up
	// comes from the kernel to this (possibly SCHED_FIFO) thread with
	// ~0.1 ms precision. time.Sleep is woken by whichever runtime thread
	// polls timers, rounded up to whole milliseconds on Linux, and that
	// thread is not realtime: measured on the 2-vCPU VM under load, a
	// 1.333 ms time.Sleep overslept by 1.0 ms at p50 and 91 ms at p99 even on
	// a SCHED_FIFO thread, against 0.06 ms and 0.17 ms for nanosleep. Tests
	// set time.Sleep so that the Filler runs on a testing/synctest clock.
	Sleep func(time.Duration)
}

// Frames returns the Ring size a Filler with this Config needs: the lead plus
// one block of headroom, rounded up to a power of two.
func (c Config) Frames() int { return NextPow2((c.Lead + 1) * c.Block) }

// Stats are a Filler's counters since Start.
type Stats struct {
	Blocks       uint64        // blocks rendered
	Load         float64       // render time over block duration, smoothed
	MaxLoad      float64       // worst single block
	Wakes        uint64        // times the goroutine woke from its poll sleep
	LateWakes    uint64        // wakes more than one period after they were due
	MaxOversleep time.Duration // worst (actual − requested) sleep
}

// A Filler is a render goroutine: it keeps a Ring filled Lead blocks ahead of
// its consumer by calling Renderer.Render one block at a time.
//
// The goroutine is locked to its OS thread (so the thread's scheduling policy
// applies to it alone and nothing else ever runs there) and renders into one
// block allocated by NewFiller. After filling it sleeps until about half a
// block of room has been consumed below the lead, then checks again: the
// consumer never signals it, so the consumer (a C audio callback) never makes
// a syscall or touches Go.
type Filler struct {
	ring   *Ring
	cfg    Config
	period time.Duration // duration of one block
	target int           // frames to keep buffered: Lead*Block
	buf    []float32     // the block Render fills; owned by the goroutine
	sleep  func(time.Duration)
	ts     threadSleeper // state for the default sleep; owned by the goroutine

	r       audio.Renderer
	stop    atomic.Bool
	ready   chan struct{}
	done    chan struct{}
	warning string // written by the goroutine before ready is closed

	blocks       atomic.Uint64
	meter        LoadMeter
	wakes        atomic.Uint64
	lateWakes    atomic.Uint64
	maxOversleep atomic.Int64
}

// NewFiller returns a Filler for r. It allocates the render block; call it on
// the control side. It panics if the Config is invalid or r is smaller than
// cfg.Frames().
func NewFiller(r *Ring, cfg Config) *Filler {
	if cfg.Block <= 0 || cfg.Lead <= 0 || cfg.Format.SampleRate <= 0 || cfg.Format.Channels != r.Channels() {
		panic(fmt.Sprintf("ring: NewFiller: bad config %+v for a %d-channel ring", cfg, r.Channels()))
	}
	if r.Cap() < (cfg.Lead+1)*cfg.Block {
		panic(fmt.Sprintf("ring: NewFiller: ring of %d frames cannot hold lead %d × block %d plus one block", r.Cap(), cfg.Lead, cfg.Block))
	}
	f := &Filler{
		ring:   r,
		cfg:    cfg,
		period: cfg.Format.Duration(int64(cfg.Block)),
		target: cfg.Lead * cfg.Block,
		buf:    make([]float32, cfg.Block*cfg.Format.Channels),
		sleep:  cfg.Sleep,
		ready:  make(chan struct{}),
		done:   make(chan struct{}),
	}
	if f.sleep == nil {
		f.sleep = f.ts.sleep
	}
	return f
}

// Start launches the render goroutine for rd and returns once the Ring holds
// the full lead, so a consumer started afterwards finds audio waiting. The
// returned warning is empty unless the requested SCHED_FIFO priority was
// refused. Start must be called once, from the control side.
func (f *Filler) Start(rd audio.Renderer) (warning string) {
	f.r = rd
	go f.run()
	<-f.ready
	return f.warning
}

// Stop ends the render goroutine and waits for it; after Stop returns Render
// is no longer called. It takes at most about one period. Control side only;
// Stop on a Filler that was never started returns at once.
func (f *Filler) Stop() {
	if f.r == nil {
		return
	}
	f.stop.Store(true)
	<-f.done
}

// Stats returns the counters. Safe from any goroutine.
func (f *Filler) Stats() Stats {
	return Stats{
		Blocks:       f.blocks.Load(),
		Load:         f.meter.Load(),
		MaxLoad:      f.meter.Max(),
		Wakes:        f.wakes.Load(),
		LateWakes:    f.lateWakes.Load(),
		MaxOversleep: time.Duration(f.maxOversleep.Load()),
	}
}

// run is the render goroutine.
func (f *Filler) run() {
	defer close(f.done)
	// Never unlocked: when run returns the runtime ends this thread, so a
	// SCHED_FIFO thread is never handed back to ordinary goroutines.
	runtime.LockOSThread()
	if f.cfg.Priority > 0 {
		if err := setFIFO(f.cfg.Priority); err != nil {
			f.warning = fmt.Sprintf("render thread stays at normal priority: SCHED_FIFO %d refused (%v); grant CAP_SYS_NICE or an rtprio limit (LimitRTPRIO= in the systemd unit)", f.cfg.Priority, err)
		}
	}
	f.fill()
	close(f.ready)

	for !f.stop.Load() {
		d := f.pollDelay()
		t0 := time.Now()
		f.sleep(d)
		over := time.Since(t0) - d
		f.wakes.Add(1)
		if over > f.period {
			f.lateWakes.Add(1)
		}
		if int64(over) > f.maxOversleep.Load() {
			f.maxOversleep.Store(int64(over))
		}
		f.fill()
	}
}

// fill renders blocks until the Ring holds at least the lead, and returns how
// many it rendered. Render goroutine only; it does not allocate.
func (f *Filler) fill() int {
	n := 0
	for f.ring.Len() < f.target {
		t0 := time.Now()
		f.r.Render(f.buf)
		load := float64(time.Since(t0)) / float64(f.period)
		f.ring.Write(f.buf) // always whole: Len < target and Cap ≥ target+Block
		f.blocks.Add(1)
		f.meter.Add(load)
		n++
	}
	return n
}

// pollDelay is how long to sleep before the next fill: until the level should
// have fallen half a block below the lead, assuming the consumer drains in
// real time, bounded to [period/8, period].
func (f *Filler) pollDelay() time.Duration {
	frames := f.ring.Len() - f.target + f.cfg.Block/2
	d := f.cfg.Format.Duration(int64(max(frames, 0)))
	return min(max(d, f.period/8), f.period)
}
