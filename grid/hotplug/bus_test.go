package hotplug_test

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"gridbox/grid"
	"gridbox/grid/gridtest"
	"gridbox/grid/hotplug"
)

// bus is a fake USB bus: tests plug and unplug devices, and its scan lists
// what is plugged now. Every open returns a fresh fake controller, as a
// real replug gives a new port. It is safe for concurrent use.
type bus struct {
	mu      sync.Mutex
	plugged []*device
	scanErr error
}

// device is one plugging-in of a controller.
type device struct {
	b       *bus
	id      string
	model   string
	unknown bool          // the scan lists Model "" (known once open)
	delay   time.Duration // how long Open takes
	fail    error         // Open fails with it while set
	slow    time.Duration // how long its controllers' Close takes
	dies    bool          // its controllers go away as soon as they open
	opens   []time.Time
	ctls    []*fakeCtl
}

// fakeCtl is a gridtest fake that counts its Close calls and can be slow
// to close, like a driver writing its exit messages to a half-gone device.
type fakeCtl struct {
	*gridtest.Controller
	slow   time.Duration
	closes atomic.Int32
}

func (c *fakeCtl) Close() error {
	c.closes.Add(1)
	time.Sleep(c.slow)
	return c.Controller.Close()
}

// plug adds a device at the end of the scan's list.
func (b *bus) plug(id, model string) *device {
	b.mu.Lock()
	defer b.mu.Unlock()
	d := &device{b: b, id: id, model: model}
	b.plugged = append(b.plugged, d)
	return d
}

// remove takes id off the scan's list, leaving its controller as it is.
func (b *bus) remove(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.plugged = slices.DeleteFunc(b.plugged, func(d *device) bool { return d.id == id })
}

func (b *bus) setScanErr(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.scanErr = err
}

// scan is the bus's hotplug.Scan.
func (b *bus) scan() ([]hotplug.Device, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.scanErr != nil {
		return nil, b.scanErr
	}
	var ds []hotplug.Device
	for _, d := range b.plugged {
		model := d.model
		if d.unknown {
			model = ""
		}
		ds = append(ds, hotplug.Device{ID: d.id, Model: model, Port: "usb " + d.id, Why: "fake bus", Open: d.open})
	}
	return ds, nil
}

func (d *device) open() (grid.Controller, error) {
	d.b.mu.Lock()
	delay := d.delay
	d.b.mu.Unlock()
	time.Sleep(delay)
	d.b.mu.Lock()
	defer d.b.mu.Unlock()
	d.opens = append(d.opens, time.Now())
	if d.fail != nil {
		return nil, d.fail
	}
	c := &fakeCtl{Controller: gridtest.New(grid.Info{Model: d.model, Port: d.id, Cols: 8, Rows: 8}), slow: d.slow}
	d.ctls = append(d.ctls, c)
	if d.dies {
		c.Unplug()
	}
	return c, nil
}

func (d *device) setFail(err error) {
	d.b.mu.Lock()
	defer d.b.mu.Unlock()
	d.fail = err
}

func (d *device) setDelay(delay time.Duration) {
	d.b.mu.Lock()
	defer d.b.mu.Unlock()
	d.delay = delay
}

// last returns the controller the latest open returned, or nil.
func (d *device) last() *fakeCtl {
	d.b.mu.Lock()
	defer d.b.mu.Unlock()
	if len(d.ctls) == 0 {
		return nil
	}
	return d.ctls[len(d.ctls)-1]
}

func (d *device) controllers() []*fakeCtl {
	d.b.mu.Lock()
	defer d.b.mu.Unlock()
	return slices.Clone(d.ctls)
}

func (d *device) openTimes() []time.Time {
	d.b.mu.Lock()
	defer d.b.mu.Unlock()
	return slices.Clone(d.opens)
}

// logs collects what a watcher logs.
type logs struct {
	mu    sync.Mutex
	lines []string
}

func (l *logs) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

// count returns how many lines contain s.
func (l *logs) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}

func (l *logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// watch starts a watcher that is closed, and its events drained, when the
// test ends, so a failing test does not also leave goroutines behind.
func watch(t *testing.T, cfg hotplug.Config, scans ...hotplug.Scan) *hotplug.Watcher {
	w := hotplug.Watch(cfg, scans...)
	t.Cleanup(func() {
		w.Close()
		for range w.Events() {
		}
	})
	return w
}

// next returns the next event, failing after 10 s of (virtual) time.
func next(t *testing.T, w *hotplug.Watcher) hotplug.Event {
	t.Helper()
	select {
	case ev, ok := <-w.Events():
		if !ok {
			t.Fatal("Events closed")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	return hotplug.Event{}
}

// expect returns the next event and checks its kind and ID.
func expect(t *testing.T, w *hotplug.Watcher, k hotplug.Kind, id string) hotplug.Event {
	t.Helper()
	ev := next(t, w)
	if ev.Kind != k || ev.ID != id {
		t.Fatalf("got %v %q (pad %+v, err %v), want %v %q", ev.Kind, ev.ID, ev.Pad, ev.Err, k, id)
	}
	return ev
}

// quiet checks that no event arrives for d.
func quiet(t *testing.T, w *hotplug.Watcher, d time.Duration) {
	t.Helper()
	select {
	case ev := <-w.Events():
		t.Fatalf("unexpected %v %q (pad %+v, err %v)", ev.Kind, ev.ID, ev.Pad, ev.Err)
	case <-time.After(d):
	}
}

func pad(x, y int, down bool) grid.Pad {
	p := grid.Pad{Button: grid.Button{X: x, Y: y}, Down: down}
	if down {
		p.Velocity = 127
	}
	return p
}

// goroutines waits for the bubble to settle and returns how many
// goroutines it has. It counts from a stack dump rather than with
// runtime.NumGoroutine, which also counts goroutines outside the bubble
// that come and go (the finalizer goroutine counts while it runs a
// finalizer); a leaked goroutine is blocked in the bubble, so it is
// counted.
func goroutines() int {
	synctest.Wait()
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for _, line := range strings.Split(string(buf), "\n") {
		if strings.HasPrefix(line, "goroutine ") && strings.Contains(line, "synctest bubble") {
			count++
		}
	}
	return count
}
