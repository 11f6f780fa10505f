package show

import (
	"fmt"
	"time"

	"gridbox/engine"
	"gridbox/grid/hotplug"
	"gridbox/surface"
)

// live runs play's controllers: a hot-plug watcher finds and opens them,
// the session goroutine (handle, drain, publish) routes their pads to the
// session view and paints it, and the LED goroutine does their I/O.
type live struct {
	e       *Env
	p       *Show
	watcher *hotplug.Watcher
	leds    *surface.LEDs
	done    chan struct{}
	stopped chan struct{}
	dirty   bool      // input since the last publish
	last    time.Time // the last publish
}

// startControllers starts watching for controllers, except those ignore
// names, and the LED goroutine. Scripted controllers already attached to
// p's surface are painted too.
func startControllers(e *Env, p *Show, clog *ctrlLog, ignore []string) *live {
	scans, notes := e.controllerScans(clog.wrap())
	for i := range scans {
		scans[i] = ignoring(ignore, scans[i])
	}
	for _, n := range notes {
		fmt.Fprintf(e.Stderr, "gridbox: %s\n", n)
	}
	l := &live{
		e: e, p: p,
		watcher: hotplug.Watch(hotplug.Config{Logf: func(format string, args ...any) {
			fmt.Fprintf(e.Stderr, "gridbox: "+format+"\n", args...)
		}}, scans...),
		leds:    surface.NewLEDs(nil), // a gone device's errors end in its Detached
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
		dirty:   true,
	}
	go func() { l.leds.Run(l.done); close(l.stopped) }()
	return l
}

// handle applies one watcher event. Session goroutine.
func (l *live) handle(ev hotplug.Event) {
	now := l.p.player.Position()
	switch ev.Kind {
	case hotplug.Attached:
		l.p.surface.Attach(ev.ID, ev.C)
		in := ev.C.Info()
		l.p.web.attached(ev.ID, in)
		fmt.Fprintf(l.e.Stderr, "gridbox: %s connected on %s\n", in.Model, in.Port)
	case hotplug.Input:
		if ev.Pad.Down {
			l.leds.StopText() // the musician wants the session
		}
		l.p.surface.Handle(ev.ID, ev.Pad, now)
	case hotplug.Detached:
		l.p.surface.Detach(ev.ID)
		l.p.web.detached(ev.ID)
		fmt.Fprintf(l.e.Stderr, "gridbox: %s disconnected (%v)\n", ev.ID, ev.Err)
	}
	l.dirty = true
}

// drain applies every event already waiting. Session goroutine.
func (l *live) drain() {
	for {
		select {
		case ev := <-l.watcher.Events():
			l.handle(ev)
		default:
			return
		}
	}
}

// publish paints the lights as of frame now, once per LED frame, and at
// once after input. Session goroutine.
func (l *live) publish(now engine.Frame) {
	if !l.dirty && time.Since(l.last) < time.Second/surface.FrameRate {
		return
	}
	l.dirty, l.last = false, time.Now()
	c := l.p.session.Clock()
	l.leds.Publish(l.p.surface, now, float64(c.Beat(now)), c.Tempo(now)/60)
	l.p.web.publish(l.p)
}

// stop ends the LED goroutine and closes every controller, which puts each
// back in its normal mode.
func (l *live) stop() {
	close(l.done)
	<-l.stopped
	l.watcher.Close()
	for range l.watcher.Events() { // the releases and Detached that follow Close
	}
}
