package main

import (
	"bytes"
	"os"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"gridbox/grid"
	"gridbox/grid/hotplug"
	"gridbox/grid/launchpad"
	"gridbox/grid/launchpad/launchpadtest"
	"gridbox/grid/monome"
	"gridbox/grid/monome/monometest"
	"gridbox/grid/scan"
	"gridbox/show"
	"gridbox/show/showtest"
)

// bench is a USB bus for tests: simulated devices plugged in and out of
// gridbox's controller scans.
type bench struct {
	mu   sync.Mutex
	devs []hotplug.Device
}

func (b *bench) scan() ([]hotplug.Device, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]hotplug.Device(nil), b.devs...), nil
}

func (b *bench) plug(d hotplug.Device) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.devs = append(b.devs, d)
}

func (b *bench) unplug(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, d := range b.devs {
		if d.ID == id {
			b.devs = append(b.devs[:i], b.devs[i+1:]...)
			return
		}
	}
}

func launchpadOn(d *launchpadtest.Device, port string) hotplug.Device {
	m := d.Model()
	return hotplug.Device{ID: "midi " + port, Model: m.String(), Port: port, Why: "port name",
		Open: func() (grid.Controller, error) { return launchpad.Open(m, d, port) }}
}

func gridOn(g *monometest.Grid, port string) hotplug.Device {
	return hotplug.Device{ID: "serial " + port, Port: port, Why: "test",
		Open: func() (grid.Controller, error) { return monome.Open(g, port, monome.Config{}) }}
}

// waitUntil polls cond every millisecond for up to limit and returns how
// long it took; it fails the test after limit. In a synctest bubble the
// time is the bubble's.
func waitUntil(t *testing.T, what string, limit time.Duration, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not after %v", what, limit)
		}
		time.Sleep(time.Millisecond)
	}
	return time.Since(start)
}

// TestHotPlugDuringPlay runs gridbox play with no controller, then plugs,
// plays, unplugs and replugs simulated devices speaking the real bytes:
// a Launchpad X is picked up within 1 s; a gate pad held at unplug is
// released (its clip stops); the replugged device (renumbered port) gets
// its mode and whole LED frame back within 500 ms of appearing; a monome
// grid's phantom-key flood on unplug launches nothing; audio plays on
// throughout without an underrun or a loss. It runs in a synctest bubble,
// the null audio device included, so these times are the ones gridbox's
// own timers make (the hot-plug scan period, the model inquiry, the LED
// frames), exactly, and a busy machine neither makes them late nor makes
// the null device look lost.
func TestHotPlugDuringPlay(t *testing.T) { synctest.Test(t, testHotPlugDuringPlay) }

func testHotPlugDuringPlay(t *testing.T) {
	set := showtest.ClickSet(t, `[[track]]
name = "Gate"
  [[track.clip]]
  scene = 0
  sample = "samples/click.wav"
  loop = true
  length = "1/4"
  launch = "gate"
  quantize = "none"
  [[track.clip]]
  scene = 1
  sample = "samples/click.wav"
  loop = true
  length = "1/4"
  quantize = "none"
[[scene]]
name = "B"
`)
	var bus bench
	var stderr syncBuffer
	e := &env{stdout: &bytes.Buffer{}, stderr: &stderr,
		hooks: show.Hooks{Scans: func(scan.Wrap) []hotplug.Scan { return []hotplug.Scan{bus.scan} },
			Notify: func(chan<- os.Signal, ...os.Signal) {}}}
	code := make(chan int, 1)
	// --no-watch, --http off: a watcher's inotify read and the browser view's
	// Accept would block outside the bubble.
	go func() {
		code <- run([]string{"play", "--http", "off", set, "--audio", "null", "--seconds", "6", "--no-watch"}, e)
	}()

	// Plug in: picked up within a second, mode entered, frame painted.
	time.Sleep(300 * time.Millisecond)
	d1 := launchpadtest.New(launchpad.LaunchpadX)
	bus.plug(launchpadOn(d1, "Launchpad X:Launchpad X LPX MIDI 20:1"))
	gate, click := launchpad.Button{X: 1, Y: 0}, launchpad.Button{X: 0, Y: 0}
	dimmed := func(d *launchpadtest.Device, b launchpad.Button) bool {
		l := d.Light(b)
		return l.Mode == launchpad.Static && l.Color != (launchpad.Color{})
	}
	// The first Launchpad scrolls the address and the set's name; a press
	// (Session, which changes nothing here) stops it and shows the session.
	took := waitUntil(t, "Launchpad X picked up and scrolling text", time.Second, func() bool { _, ok := d1.Text(); return ok })
	text, _ := d1.Text()
	t.Logf("plugged in: scrolling %q after %v", text.Text, took)
	if want := show.Announcement("Click"); text.Text != want || text.Loop {
		t.Errorf("the Launchpad scrolled %+v, want %q once", text, want)
	}
	session := launchpad.Button{X: 4, Y: -1}
	d1.Press(session)
	d1.Release(session)
	took = waitUntil(t, "Launchpad X painted", time.Second, func() bool { return dimmed(d1, gate) && dimmed(d1, click) })
	t.Logf("text stopped by a press: painted after %v", took)

	// Hold the gate pad: its clip plays (unquantized), the pad pulses.
	d1.Press(gate)
	waitUntil(t, "gate clip playing", time.Second, func() bool { return d1.Light(gate).Mode == launchpad.Pulse })

	// Unplug while held, replug on another port number.
	d1.Unplug()
	bus.unplug("midi Launchpad X:Launchpad X LPX MIDI 20:1")
	time.Sleep(400 * time.Millisecond)
	d2 := launchpadtest.New(launchpad.LaunchpadX)
	bus.plug(launchpadOn(d2, "Launchpad X:Launchpad X LPX MIDI 24:1"))
	took = waitUntil(t, "replugged Launchpad restored", 500*time.Millisecond, func() bool {
		return dimmed(d2, gate) && dimmed(d2, click) && d2.Light(launchpad.Button{X: 8, Y: 0}).Color != (launchpad.Color{})
	})
	t.Logf("replugged: mode and whole frame back after %v; gate pad shows %+v (released at unplug)", took, d2.Light(gate))
	if err := d2.Err(); err != nil {
		t.Errorf("the replugged device did not understand gridbox: %v", err)
	}

	// A monome grid alone: its key (1,1) is track 1's second clip. A
	// phantom flood of (1,1) presses on unplug must launch nothing, which
	// the Launchpad plugged in afterwards shows.
	d2.Unplug()
	bus.unplug("midi Launchpad X:Launchpad X LPX MIDI 24:1")
	g := monometest.NewModel(monome.Model128)
	bus.plug(gridOn(g, "/dev/ttyACM0"))
	waitUntil(t, "monome picked up and painted", time.Second, func() bool { return g.Level(1, 1) > 0 })
	g.Flood(500)
	g.Unplug()
	bus.unplug("serial /dev/ttyACM0")
	d3 := launchpadtest.New(launchpad.LaunchpadX)
	bus.plug(launchpadOn(d3, "Launchpad X:Launchpad X LPX MIDI 28:1"))
	target := launchpad.Button{X: 1, Y: 1}
	took = waitUntil(t, "third Launchpad restored", 500*time.Millisecond, func() bool { return dimmed(d3, target) && dimmed(d3, click) })
	time.Sleep(200 * time.Millisecond) // a launch would have shown by now (unquantized)
	if !dimmed(d3, target) {
		t.Errorf("after the phantom flood track 1's second clip shows %+v: it launched", d3.Light(target))
	}
	t.Logf("after the phantom flood: restored in %v, the flooded clip shows %+v", took, d3.Light(target))

	if c := <-code; c != 0 {
		t.Fatalf("play exited %d:\n%s", c, stderr.String())
	}
	out := stderr.String()
	t.Log(out)
	m := regexp.MustCompile(`(\d+) underruns`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no final status line:\n%s", out)
	}
	if n, _ := strconv.Atoi(m[1]); n != 0 {
		t.Errorf("%d underruns while controllers came and went", n)
	}
	if m := regexp.MustCompile(`(\d+) late device wakes`).FindStringSubmatch(out); m == nil || m[1] != "0" || bytes.Contains([]byte(out), []byte("audio device lost")) {
		t.Errorf("the null device woke late or was lost while controllers came and went (in virtual time it never should)")
	}
	for _, want := range []string{"launchpad-x connected on Launchpad X:Launchpad X LPX MIDI 20:1", "launchpad-x connected on Launchpad X:Launchpad X LPX MIDI 24:1",
		"monome-128 connected on /dev/ttyACM0", "serial /dev/ttyACM0 disconnected", "launchpad-x connected on Launchpad X:Launchpad X LPX MIDI 28:1"} {
		if !bytes.Contains([]byte(out), []byte(want)) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	// Close put the Launchpad back in its normal mode and closed its port.
	if !d3.Closed() {
		t.Error("the Launchpad's port was not closed at the end")
	}
}

// gridbox controllers lists what the scans find and why, without opening
// anything.
func TestControllersListsWhatIsFound(t *testing.T) {
	var bus bench
	opened := false
	d := launchpadOn(launchpadtest.New(launchpad.LaunchpadMiniMK3), "Launchpad Mini MK3:Launchpad Mini MK3 LPMiniMK3 MI 20:1")
	d.Open = func() (grid.Controller, error) { opened = true; return nil, nil }
	bus.plug(d)
	bus.plug(hotplug.Device{ID: "serial /dev/serial/by-id/usb-monome_grid_m1000285-if00", Port: "/dev/serial/by-id/usb-monome_grid_m1000285-if00", Why: "usb serial m1000285"})
	var out bytes.Buffer
	e := &env{stdout: &out, stderr: &out, hooks: show.Hooks{Scans: func(scan.Wrap) []hotplug.Scan { return []hotplug.Scan{bus.scan} }}}
	if c := run([]string{"controllers"}, e); c != 0 {
		t.Fatalf("exit %d: %s", c, out.String())
	}
	want := `launchpad-mini-mk3   Launchpad Mini MK3:Launchpad Mini MK3 LPMiniMK3 MI 20:1
  found by port name
monome (size asked at connect) /dev/serial/by-id/usb-monome_grid_m1000285-if00
  found by usb serial m1000285
`
	if out.String() != want || opened {
		t.Errorf("gridbox controllers printed:\n%s\nwant:\n%s(opened: %v)", out.String(), want, opened)
	}
	out.Reset()
	e.hooks.Scans = func(scan.Wrap) []hotplug.Scan { return nil }
	run([]string{"controllers"}, e)
	if out.String() != "no controllers found\n" {
		t.Errorf("with nothing plugged in: %q", out.String())
	}
}
