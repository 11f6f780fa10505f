package surface

import (
	"sync"
	"sync/atomic"
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

	// A text to scroll once on each controller first shown before
	// textUntil (guarded by mu), and a request to stop the texts.
	text      string
	textColor grid.Color
	textUntil time.Time
	stopText  atomic.Bool
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

// NewLEDs returns an LED carrier; onError (may be nil) hears the errors of
// the controllers' Flush, Beat, ScrollText and StopText, on the LED
// goroutine.
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

// Announce scrolls text once, in colour c: on the controllers that can
// scroll text (grid.TextScroller) when the first of them is shown, if that
// is before until. The Launchpad plugged in at boot says where gridbox is
// on the network; one plugged in later, or replugged, is not interrupted.
// The pads show the session again when the text ends or StopText is
// called. Any goroutine.
func (l *LEDs) Announce(text string, c grid.Color, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.text, l.textColor, l.textUntil = text, c, until
}

// StopText ends the texts scrolling now (a pad was pressed: the musician
// wants the session). Any goroutine.
func (l *LEDs) StopText() {
	l.stopText.Store(true)
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

	var jobs []job
	scrolling := map[grid.TextScroller]<-chan struct{}{} // texts not yet ended
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
		text, textColor := "", grid.Color{}
		if now.Before(l.textUntil) {
			text, textColor = l.text, l.textColor
		}
		for c, x := range l.latest {
			var j job
			j.c = c
			if text != "" && canScroll(c) {
				j.text = text
				l.text = "" // once: a replug later does not interrupt the show
			}
			if x.fresh {
				x.fresh, fresh = false, true
				j.ls = &lights{buttons: x.buttons, lights: append([]grid.Light(nil), x.lights...)}
			}
			jobs = append(jobs, j)
		}
		l.mu.Unlock()
		l.texts(jobs, textColor, scrolling)
		flush := fresh || now.Sub(last) >= time.Second/FrameRate
		for _, j := range jobs {
			var bs []grid.Button
			var ls []grid.Light
			if j.ls != nil {
				bs, ls = j.ls.buttons, j.ls.lights
			}
			if err := Show(j.c, bs, ls, beat, follow, flush); err != nil {
				l.report(j.c, err)
			}
		}
		if flush {
			last = now
		}
	}
}

// A job is one controller's work in one pass of the LED goroutine.
type job struct {
	c    grid.Controller
	ls   *lights // nil: nothing new to set
	text string  // a text to scroll first ("" none)
}

// texts starts the jobs' texts, stops every text when StopText asked, and
// forgets the texts that ended. LED goroutine.
func (l *LEDs) texts(jobs []job, c grid.Color, scrolling map[grid.TextScroller]<-chan struct{}) {
	for _, j := range jobs {
		if j.text == "" {
			continue
		}
		ts := j.c.(grid.TextScroller)
		if done, err := ts.ScrollText(j.text, c); err != nil {
			l.report(j.c, err)
		} else {
			scrolling[ts] = done
		}
	}
	stop := l.stopText.Swap(false)
	for ts, done := range scrolling {
		select {
		case <-done:
			delete(scrolling, ts)
			continue
		default:
		}
		if stop {
			if err := ts.StopText(); err != nil {
				l.report(ts, err)
			}
			delete(scrolling, ts)
		}
	}
}

func canScroll(c grid.Controller) bool {
	ts, ok := c.(grid.TextScroller)
	return ok && ts.CanScrollText()
}

func (l *LEDs) report(c grid.Controller, err error) {
	if l.onError != nil {
		l.onError(c, err)
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
