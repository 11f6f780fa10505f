package hotplug_test

import (
	"errors"
	"fmt"
	"maps"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"gridbox/grid"
	"gridbox/grid/hotplug"
)

const period = 250 * time.Millisecond // the default Period

// (1) A device present at start is attached by the first scan, at once; one
// plugged in later within a period.
func TestAttachWithinOnePeriod(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := &bus{}
		b.plug("lp-1", "launchpad-x")
		start := time.Now()
		w := watch(t, hotplug.Config{}, b.scan)
		ev := expect(t, w, hotplug.Attached, "lp-1")
		if d := time.Since(start); d != 0 {
			t.Errorf("present at start: attached after %v, want at once", d)
		}
		if ev.C == nil || ev.C.Info().Model != "launchpad-x" {
			t.Fatalf("Attached carries controller %v", ev.C)
		}

		time.Sleep(100 * time.Millisecond)
		plugged := time.Now()
		b.plug("m-1", "monome-128")
		expect(t, w, hotplug.Attached, "m-1")
		d := time.Since(plugged)
		t.Logf("plugged in → attached: %v (virtual)", d)
		if d > period || d > time.Second {
			t.Errorf("attached %v after plugging in, want ≤ %v", d, period)
		}
		st := w.Devices()
		if len(st) != 2 || st[0].ID != "lp-1" || st[1].ID != "m-1" || st[0].State != hotplug.Opened || st[1].State != hotplug.Opened {
			t.Fatalf("Devices = %+v, want lp-1 and m-1 open, in scan order", st)
		}
	})
}

// (2) Presses and releases arrive as Input, in order, with their
// controller.
func TestPressesArriveInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := &bus{}
		d := b.plug("lp-1", "launchpad-x")
		w := watch(t, hotplug.Config{}, b.scan)
		att := expect(t, w, hotplug.Attached, "lp-1")
		c := d.last()
		var want []grid.Pad
		for i := range 64 {
			x, y := i%8, (i*5)%8
			c.Press(x, y)
			want = append(want, pad(x, y, true))
			if i%3 != 0 {
				c.Release(x, y)
				want = append(want, pad(x, y, false))
			}
		}
		for i, wp := range want {
			ev := expect(t, w, hotplug.Input, "lp-1")
			if ev.Pad != wp || ev.C != att.C {
				t.Fatalf("input %d: %+v on %p, want %+v on %p", i, ev.Pad, ev.C, wp, att.C)
			}
		}
		quiet(t, w, time.Second)
	})
}

// (3) An unplug releases the held pad, then detaches; the device coming
// back, under its ID or a renumbered one, is attached again within a
// period.
func TestUnplugThenReplug(t *testing.T) {
	held := func(t *testing.T, w *hotplug.Watcher, c *fakeCtl) {
		t.Helper()
		c.Press(0, 0)
		c.Press(1, 1)
		c.Release(1, 1)
		for _, p := range []grid.Pad{pad(0, 0, true), pad(1, 1, true), pad(1, 1, false)} {
			if ev := expect(t, w, hotplug.Input, "lp-1"); ev.Pad != p {
				t.Fatalf("input %+v, want %+v", ev.Pad, p)
			}
		}
	}
	unplugged := func(t *testing.T, w *hotplug.Watcher, old hotplug.Event) {
		t.Helper()
		ev := expect(t, w, hotplug.Input, "lp-1")
		if ev.Pad != pad(0, 0, false) || ev.C != old.C {
			t.Fatalf("after unplug: %+v, want the release of the held (0,0)", ev.Pad)
		}
		ev = expect(t, w, hotplug.Detached, "lp-1")
		if !errors.Is(ev.Err, hotplug.ErrGone) || ev.C != old.C {
			t.Fatalf("Detached err %v, want ErrGone", ev.Err)
		}
	}
	replugged := func(t *testing.T, w *hotplug.Watcher, id string, old hotplug.Event, since time.Time) {
		t.Helper()
		ev := expect(t, w, hotplug.Attached, id)
		d := time.Since(since)
		t.Logf("back → attached: %v (virtual)", d)
		if d > period || d > time.Second {
			t.Errorf("attached again %v after coming back, want ≤ %v", d, period)
		}
		if ev.C == old.C {
			t.Error("replug attached the old controller")
		}
	}

	t.Run("same ID", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			b := &bus{}
			d := b.plug("lp-1", "launchpad-x")
			w := watch(t, hotplug.Config{}, b.scan)
			att := expect(t, w, hotplug.Attached, "lp-1")
			held(t, w, d.last())
			d.last().Unplug()
			b.remove("lp-1")
			unplugged(t, w, att)
			quiet(t, w, 3*time.Second)
			back := time.Now()
			b.plug("lp-1", "launchpad-x")
			replugged(t, w, "lp-1", att, back)
		})
	})
	t.Run("same ID between two scans", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			b := &bus{}
			d := b.plug("lp-1", "launchpad-x")
			w := watch(t, hotplug.Config{}, b.scan)
			att := expect(t, w, hotplug.Attached, "lp-1")
			time.Sleep(2 * time.Second)
			held(t, w, d.last())
			back := time.Now()
			d.last().Unplug() // and back in at once: the scan never misses it
			unplugged(t, w, att)
			replugged(t, w, "lp-1", att, back)
		})
	})
	t.Run("renumbered port", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			b := &bus{}
			d := b.plug("lp-1", "launchpad-x")
			w := watch(t, hotplug.Config{}, b.scan)
			att := expect(t, w, hotplug.Attached, "lp-1")
			held(t, w, d.last())
			d.last().Unplug()
			b.remove("lp-1")
			back := time.Now()
			b.plug("lp-2", "launchpad-x")
			unplugged(t, w, att)
			replugged(t, w, "lp-2", att, back)
		})
	})
}

// (4) A device its scan no longer lists is closed (which restores its
// normal mode and releases its held pads) and detached.
func TestVanishedDeviceIsClosed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := &bus{}
		d := b.plug("m-1", "monome-128")
		w := watch(t, hotplug.Config{}, b.scan)
		att := expect(t, w, hotplug.Attached, "m-1")
		c := d.last()
		c.Press(2, 3)
		expect(t, w, hotplug.Input, "m-1")
		time.Sleep(100 * time.Millisecond)
		gone := time.Now()
		b.remove("m-1")
		if ev := expect(t, w, hotplug.Input, "m-1"); ev.Pad != pad(2, 3, false) {
			t.Fatalf("after vanishing: %+v, want the release of the held (2,3)", ev.Pad)
		}
		ev := expect(t, w, hotplug.Detached, "m-1")
		if !errors.Is(ev.Err, hotplug.ErrVanished) || ev.C != att.C {
			t.Fatalf("Detached err %v, want ErrVanished", ev.Err)
		}
		if d := time.Since(gone); d > period {
			t.Errorf("detached %v after vanishing, want ≤ %v", d, period)
		}
		if n := c.closes.Load(); n != 1 {
			t.Errorf("controller closed %d times, want 1", n)
		}
		if err := c.Flush(); !errors.Is(err, grid.ErrClosed) {
			t.Errorf("Flush after vanishing: %v, want ErrClosed (Close restores the device)", err)
		}
		if st := w.Devices(); len(st) != 0 {
			t.Errorf("Devices = %+v, want none", st)
		}
	})
}

// A device back in its scan while its old controller is still closing
// (slowly: exit messages to a half-gone device) is opened at the first scan
// after that Close, not only after Retry.
func TestReplugWhileClosing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := &bus{}
		d := b.plug("lp-1", "launchpad-x")
		d.slow = 400 * time.Millisecond
		start := time.Now()
		w := watch(t, hotplug.Config{}, b.scan)
		expect(t, w, hotplug.Attached, "lp-1")
		time.Sleep(100 * time.Millisecond)
		b.remove("lp-1") // the scan at 250 ms closes it, until 650 ms
		time.Sleep(200 * time.Millisecond)
		b.plug("lp-1", "launchpad-x") // listed again at 500 ms, still closing
		ev := expect(t, w, hotplug.Detached, "lp-1")
		if at := time.Since(start); at != 650*time.Millisecond || !errors.Is(ev.Err, hotplug.ErrVanished) {
			t.Fatalf("detached at %v (%v), want at 650ms, vanished", at, ev.Err)
		}
		expect(t, w, hotplug.Attached, "lp-1")
		if at := time.Since(start); at != 750*time.Millisecond {
			t.Errorf("attached again at %v, want at the next scan, 750ms", at)
		}
	})
}

// A device whose controllers go away as soon as they open, while it stays
// listed, is reopened once per Retry, not every period.
func TestFlappingDeviceReopenedOncePerRetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := &bus{}
		d := b.plug("lp-1", "launchpad-x")
		d.dies = true
		w := watch(t, hotplug.Config{}, b.scan)
		var attached int
		timeout := time.After(5*time.Second + 100*time.Millisecond)
	loop:
		for {
			select {
			case ev := <-w.Events():
				if ev.Kind == hotplug.Attached {
					attached++
				}
			case <-timeout:
				break loop
			}
		}
		opens := d.openTimes()
		if len(opens) != 6 || attached != 6 {
			t.Errorf("%d opens and %d attached in 5.1 s, want 6: once per Retry", len(opens), attached)
		}
	})
}

// A device that leaves its scan while its open is under way is closed as
// soon as the open returns, and never announced.
func TestVanishedWhileOpening(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := &bus{}
		d := b.plug("m-1", "monome-128")
		d.setDelay(800 * time.Millisecond)
		w := watch(t, hotplug.Config{}, b.scan)
		time.Sleep(300 * time.Millisecond)
		b.remove("m-1")
		quiet(t, w, 600*time.Millisecond)
		synctest.Wait()
		cs := d.controllers()
		if len(cs) != 1 || cs[0].closes.Load() != 1 {
			t.Fatalf("%d controllers opened, want 1 closed once as its open returned", len(cs))
		}
		quiet(t, w, 2*time.Second)
		if st := w.Devices(); len(st) != 0 {
			t.Errorf("Devices = %+v, want none", st)
		}
	})
}

// (5) A failing open is retried once per Retry and each distinct error is
// logged once; the device is attached once it opens.
func TestOpenFailureRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const retry = time.Second
		b := &bus{}
		d := b.plug("m-1", "monome-128")
		errA := errors.New("monome: m-1: handshake: no reply")
		d.setFail(errA)
		var l logs
		w := watch(t, hotplug.Config{Retry: retry, Logf: l.logf}, b.scan)
		quiet(t, w, 5*time.Second+100*time.Millisecond)
		opens := d.openTimes()
		if len(opens) != 6 {
			t.Errorf("%d opens in 5.1 s, want 6 (at once, then once per %v)", len(opens), retry)
		}
		for i := 1; i < len(opens); i++ {
			if gap := opens[i].Sub(opens[i-1]); gap < retry || gap > retry+period {
				t.Errorf("open %d came %v after the one before, want %v…%v", i, gap, retry, retry+period)
			}
		}
		if n := l.count(errA.Error()); n != 1 {
			t.Errorf("the error was logged %d times, want once; log:\n%v", n, &l)
		}
		if st := w.Devices(); len(st) != 1 || st[0].State != hotplug.Failed || !errors.Is(st[0].Err, errA) {
			t.Errorf("Devices = %+v, want m-1 failed with %v", st, errA)
		}

		errB := errors.New("monome: m-1: handshake: unknown device")
		d.setFail(errB)
		quiet(t, w, 2*time.Second)
		if n, m := l.count(errA.Error()), l.count(errB.Error()); n != 1 || m != 1 {
			t.Errorf("logged the first error %d times and the second %d times, want once each; log:\n%v", n, m, &l)
		}

		fixed := time.Now()
		d.setFail(nil)
		expect(t, w, hotplug.Attached, "m-1")
		if dt := time.Since(fixed); dt > retry+period {
			t.Errorf("attached %v after the device started working, want ≤ %v", dt, retry+period)
		}
	})
}

// A scan that fails keeps its previous list: its devices stay attached, the
// error is logged once, and what changed shows once it works again.
func TestScanErrorKeepsDevices(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := &bus{}
		b.plug("lp-1", "launchpad-x")
		var l logs
		w := watch(t, hotplug.Config{Logf: l.logf}, b.scan)
		expect(t, w, hotplug.Attached, "lp-1")
		b.setScanErr(errors.New("alsa: sequencer busy"))
		quiet(t, w, 2*time.Second)
		b.remove("lp-1")
		quiet(t, w, time.Second)
		if n := l.count("sequencer busy"); n != 1 {
			t.Errorf("the scan error was logged %d times, want once; log:\n%v", n, &l)
		}
		if st := w.Devices(); len(st) != 1 || st[0].State != hotplug.Opened {
			t.Errorf("Devices = %+v while the scan fails, want lp-1 still open", st)
		}
		b.setScanErr(nil)
		ev := expect(t, w, hotplug.Detached, "lp-1")
		if !errors.Is(ev.Err, hotplug.ErrVanished) {
			t.Errorf("Detached err %v, want ErrVanished", ev.Err)
		}
		if l.count("works again") != 1 {
			t.Errorf("recovery not logged once; log:\n%v", &l)
		}
	})
}

// Opens run concurrently: a slow handshake holds up only the devices listed
// after it in the same scan (which still attach in scan order), not a
// device plugged in later.
func TestAttachedInScanOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := &bus{}
		b.plug("m-1", "monome-128").setDelay(800 * time.Millisecond)
		b.plug("lp-1", "launchpad-x")
		b.plug("lp-2", "launchpad-x")
		start := time.Now()
		w := watch(t, hotplug.Config{}, b.scan)
		time.Sleep(300 * time.Millisecond)
		b.plug("mini-1", "launchpad-mini-mk3")
		want := []struct {
			id string
			at time.Duration
		}{{"mini-1", 500 * time.Millisecond}, {"m-1", 800 * time.Millisecond}, {"lp-1", 800 * time.Millisecond}, {"lp-2", 800 * time.Millisecond}}
		for _, wt := range want {
			expect(t, w, hotplug.Attached, wt.id)
			if at := time.Since(start); at != wt.at {
				t.Errorf("%s attached at %v, want %v", wt.id, at, wt.at)
			}
		}
	})
}

// Devices reports each device found, in scan order, and where it stands.
func TestDevicesReportsStates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := &bus{}
		b.plug("lp-1", "launchpad-x")
		m := b.plug("m-1", "monome-128")
		m.unknown = true
		m.setDelay(800 * time.Millisecond)
		errBad := errors.New("not a grid")
		b.plug("tty-9", "").setFail(errBad)
		w := watch(t, hotplug.Config{}, b.scan)
		time.Sleep(time.Millisecond)
		st := w.Devices()
		want := []struct {
			id, model string
			state     hotplug.State
			err       error
		}{{"lp-1", "launchpad-x", hotplug.Opened, nil}, {"m-1", "", hotplug.Opening, nil}, {"tty-9", "", hotplug.Failed, errBad}}
		if len(st) != len(want) {
			t.Fatalf("Devices = %+v, want %d devices", st, len(want))
		}
		for i, s := range st {
			if s.ID != want[i].id || s.Model != want[i].model || s.State != want[i].state || !errors.Is(s.Err, want[i].err) || s.Why != "fake bus" {
				t.Errorf("Devices[%d] = %+v (%v), want %s %q %v %v", i, s, s.State, want[i].id, want[i].model, want[i].state, want[i].err)
			}
		}
		time.Sleep(time.Second)
		if s := w.Devices()[1]; s.State != hotplug.Opened || s.Model != "monome-128" {
			t.Errorf("once open: %+v (%v), want open with the model the controller reports", s, s.State)
		}
	})
}

// (6) Close closes every controller (and one whose open was under way),
// releases what was held, closes Events after the last Detached, and
// leaves no goroutine behind. Several Closes at once are fine.
func TestCloseClosesEverything(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		base := goroutines()
		b := &bus{}
		lp := b.plug("lp-1", "launchpad-x")
		m := b.plug("m-1", "monome-128")
		w := watch(t, hotplug.Config{}, b.scan)
		expect(t, w, hotplug.Attached, "lp-1")
		expect(t, w, hotplug.Attached, "m-1")
		lp.last().Press(0, 0)
		m.last().Press(3, 3)
		if a, b := next(t, w), next(t, w); a.Kind != hotplug.Input || b.Kind != hotplug.Input || a.ID == b.ID {
			t.Fatalf("got %v %s and %v %s, want a press from each", a.Kind, a.ID, b.Kind, b.ID)
		}
		slow := b.plug("m-2", "monome-256")
		slow.setDelay(800 * time.Millisecond)
		time.Sleep(300 * time.Millisecond) // m-2's open is under way

		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i := range errs {
			wg.Go(func() { errs[i] = w.Close() })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("Close %d: %v", i, err)
			}
		}
		for _, d := range []*device{lp, m, slow} {
			cs := d.controllers()
			if len(cs) != 1 || cs[0].closes.Load() != 1 {
				t.Fatalf("%s: %d controllers, want 1 closed once", d.id, len(cs))
			}
		}

		got := map[string]string{} // ID → its events; the two close concurrently
		for ev := range w.Events() {
			s := ev.Kind.String()
			if ev.Kind == hotplug.Input && !ev.Pad.Down {
				s += " release"
			}
			if ev.Err != nil {
				s += " " + ev.Err.Error()
			}
			got[ev.ID] += s + ", "
		}
		want := map[string]string{"lp-1": "input release, detached, ", "m-1": "input release, detached, "}
		if !maps.Equal(got, want) {
			t.Errorf("after Close: %q\nwant %q", got, want)
		}
		if err := w.Close(); err != nil {
			t.Errorf("another Close: %v", err)
		}
		if st := w.Devices(); len(st) != 0 {
			t.Errorf("Devices after Close = %+v", st)
		}
		if n := goroutines(); n != base {
			t.Errorf("%d goroutines after Close, want %d as before Watch", n, base)
		}
	})
}

// Close called by the consumer while Events is full returns; the releases
// still all arrive.
func TestCloseDoesNotWaitForConsumer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := &bus{}
		d := b.plug("lp-1", "launchpad-x")
		w := watch(t, hotplug.Config{EventBuffer: 2}, b.scan)
		synctest.Wait()
		for x := range 8 {
			d.last().Press(x, 7)
		}
		synctest.Wait() // Events is full and the forwarder is stuck
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		held := map[int]bool{}
		var last hotplug.Kind
		for ev := range w.Events() {
			if ev.Kind == hotplug.Input {
				if held[ev.Pad.X] == ev.Pad.Down {
					t.Fatalf("pad %+v out of turn", ev.Pad)
				}
				held[ev.Pad.X] = ev.Pad.Down
			}
			last = ev.Kind
		}
		if len(held) != 8 {
			t.Fatalf("%d pads seen, want 8", len(held))
		}
		for x, down := range held {
			if down {
				t.Fatalf("pad (%d,7) not released", x)
			}
		}
		if last != hotplug.Detached {
			t.Fatalf("last event %v, want detached", last)
		}
	})
}

func TestList(t *testing.T) {
	opened := false
	open := func() (grid.Controller, error) { opened = true; return nil, errors.New("no") }
	errSerial := errors.New("/dev/serial/by-id: permission denied")
	midi := func() ([]hotplug.Device, error) {
		return []hotplug.Device{{ID: "a", Open: open}, {ID: "b", Open: open}}, nil
	}
	serial := func() ([]hotplug.Device, error) { return nil, errSerial }
	other := func() ([]hotplug.Device, error) {
		return []hotplug.Device{{ID: "b", Why: "second"}, {ID: "c", Open: open}}, nil
	}
	ds, err := hotplug.List(midi, serial, other)
	var ids []string
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	if strings.Join(ids, " ") != "a b c" || ds[1].Why != "" {
		t.Errorf("List found %v, want a b c, the first b winning", ids)
	}
	if !errors.Is(err, errSerial) || !strings.Contains(err.Error(), "scan 2") {
		t.Errorf("List error %v, want scan 2's", err)
	}
	if opened {
		t.Error("List opened a device")
	}
}

func TestKindAndStateNames(t *testing.T) {
	for v, want := range map[interface{ String() string }]string{
		hotplug.Attached: "attached", hotplug.Input: "input", hotplug.Detached: "detached", hotplug.Kind(0): "Kind(0)",
		hotplug.Found: "found", hotplug.Opening: "opening", hotplug.Opened: "open", hotplug.Failed: "failed",
	} {
		if v.String() != want {
			t.Errorf("%#v.String() = %q, want %q", v, v.String(), want)
		}
	}
}

// The same on the real clock, counted with runtime.NumGoroutine: devices
// come and go under real tickers, and after Close and the last event the
// process is back to the goroutines it had before Watch.
func TestNoGoroutinesLeftRealClock(t *testing.T) {
	base := runtime.NumGoroutine()
	b := &bus{}
	w := hotplug.Watch(hotplug.Config{Period: 2 * time.Millisecond, Retry: 5 * time.Millisecond}, b.scan)
	events := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range w.Events() {
			events++
		}
	}()
	for i := range 20 {
		d := b.plug(fmt.Sprintf("lp-%d", i%3), "launchpad-x")
		if i%4 == 0 {
			d.setDelay(3 * time.Millisecond)
		}
		time.Sleep(5 * time.Millisecond)
		if c := d.last(); c != nil {
			c.Press(1, 1)
			if i%2 == 0 {
				c.Unplug()
			}
		}
		if i%3 != 0 {
			b.remove(d.id)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	<-done
	if events == 0 {
		t.Fatal("no events at all")
	}
	deadline := time.Now().Add(5 * time.Second)
	n := runtime.NumGoroutine()
	for n > base && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
		n = runtime.NumGoroutine()
	}
	if n > base {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines after Close, %d before Watch:\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}
