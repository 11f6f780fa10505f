package surface

import (
	"sync"
	"time"

	"gridbox/engine"
	"gridbox/grid"
)

// LEDs carries lights from the session goroutine, which paints, to the LED
// goroutine, which does the controllers' I/O, so a slow USB write never
// delays the session. Publish hands over the latest lights; Run sets them,
// keeps Followers in tempo and flushes what changed at once, and every LED
// frame besides so that lights animated in software keep moving.
type LEDs struct {
	mu      sync.Mutex
	latest  map[grid.Controller]*lights // guarded by mu
	beat    float64                     // the beat at published, guarded by mu
	bps     float64                     // beats per second then
	stamp   time.Time
	wake    chan struct{}
	onError func(grid.Controller, error)
}

type lights struct {
	buttons []grid.Button
	lights  []grid.Light
	fresh   bool // not yet Set on the controller
}

// FrameRate is how often lights are painted and flushed: an LED frame is
// 25 ms, so a light shows a change within 33 ms of the sound even with the
// LED goroutine's wake-up on top.
const FrameRate = 40

// tickEvery is how often the LED goroutine wakes to send MIDI clock, so
// ticks are at most this late.
const tickEvery = 5 * time.Millisecond

// NewLEDs returns an LED carrier; onError (may be nil) hears Flush errors
// other than a closed controller.
func NewLEDs(onError func(grid.Controller, error)) *LEDs {
	return &LEDs{latest: map[grid.Controller]*lights{}, wake: make(chan struct{}, 1), onError: onError}
}

// Publish paints u at frame now and hands the lights over, with the music's
// position (beat) and tempo (beats per second) for Followers. The session
// goroutine calls it, once per LED frame or after input.
func (l *LEDs) Publish(u *Surface, now engine.Frame, beat, bps float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.beat, l.bps, l.stamp = beat, bps, time.Now()
	seen := make(map[grid.Controller]bool, len(l.latest))
	u.Paint(now, func(c grid.Controller, bs []grid.Button, ls []grid.Light) {
		seen[c] = true
		x := l.latest[c]
		if x == nil {
			x = &lights{buttons: append([]grid.Button(nil), bs...)}
			l.latest[c] = x
		}
		x.lights = append(x.lights[:0], ls...)
		x.fresh = true
	})
	for c := range l.latest {
		if !seen[c] {
			delete(l.latest, c) // detached
		}
	}
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// Run is the LED goroutine: until done is closed it applies published
// lights, sends Followers the beat (extrapolated from the last Publish),
// and flushes every controller once per LED frame.
func (l *LEDs) Run(done <-chan struct{}) {
	tick := time.NewTicker(tickEvery)
	defer tick.Stop()
	var last time.Time
	var lastBeat float64
	type job struct {
		c  grid.Controller
		ls *lights // nil: nothing new to set
	}
	var jobs []job
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		case <-l.wake:
		}
		now := time.Now()
		l.mu.Lock()
		// The estimate must not go back when a publish corrects it: a
		// Launchpad would be sent its clock ticks again.
		beat := max(l.beat+now.Sub(l.stamp).Seconds()*l.bps, lastBeat)
		lastBeat = beat
		follow := !l.stamp.IsZero()
		fresh := false
		jobs = jobs[:0]
		for c, x := range l.latest {
			var j job
			j.c = c
			if x.fresh {
				x.fresh, fresh = false, true
				j.ls = &lights{buttons: x.buttons, lights: append([]grid.Light(nil), x.lights...)}
			}
			jobs = append(jobs, j)
		}
		l.mu.Unlock()
		flush := fresh || now.Sub(last) >= time.Second/FrameRate
		for _, j := range jobs {
			var bs []grid.Button
			var ls []grid.Light
			if j.ls != nil {
				bs, ls = j.ls.buttons, j.ls.lights
			}
			if err := Show(j.c, bs, ls, beat, follow, flush); err != nil && l.onError != nil {
				l.onError(j.c, err)
			}
		}
		if flush {
			last = now
		}
	}
}

// Show sets buttons to lights on c, gives a Follower the beat (when follow)
// and flushes (when flush): one LED frame of one controller. Call it from
// the goroutine that owns c's lights (grid's rule 3).
func Show(c grid.Controller, buttons []grid.Button, lights []grid.Light, beat float64, follow, flush bool) error {
	for i, b := range buttons {
		c.Set(b, lights[i])
	}
	var err error
	if f, ok := c.(grid.Follower); ok && follow {
		err = f.Beat(beat)
	}
	if flush {
		if ferr := c.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}
