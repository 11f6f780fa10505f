package supervise_test

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"gridbox/audio"
	"gridbox/audio/audiotest"
	"gridbox/audio/supervise"
)

var (
	format = audio.Format{SampleRate: 48000, Channels: 2}
	period = format.Duration(block)
)

const block = 128

// engine stands in for the engine: its position is the frames rendered,
// and it notices two callers at once.
type engine struct {
	t0      time.Time // when it started: the wall-clock model's zero
	frames  atomic.Int64
	inside  atomic.Int32
	overlap atomic.Int32
}

func (e *engine) Render(out []float32) {
	if e.inside.Add(1) != 1 {
		e.overlap.Add(1)
	}
	e.frames.Add(int64(len(out) / format.Channels))
	e.inside.Add(-1)
}

// start plays a fresh engine through a supervised device on a fake
// backend with a card called card plugged in.
func start(t *testing.T, card string) (*audiotest.Backend, *engine, *supervise.Device) {
	t.Helper()
	be := audiotest.NewBackend(format, block, card)
	s, err := supervise.New(supervise.Config{Format: format, Block: block, Open: be.Open})
	if err != nil {
		t.Fatal(err)
	}
	e := &engine{t0: time.Now()}
	if err := s.Start(e); err != nil {
		t.Fatal(err)
	}
	return be, e, s
}

// waitFor polls cond every quarter period (virtual time) for up to limit
// and returns how long it took.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) time.Duration {
	t.Helper()
	t0 := time.Now()
	for !cond() {
		if time.Since(t0) > limit {
			t.Fatalf("%s: not after %v", what, limit)
		}
		time.Sleep(period / 4)
	}
	return time.Since(t0)
}

// checkPosition compares the engine's position with the wall-clock model,
// the frames in the time since it started. An uninterrupted fake device renders
// each block as its period begins, so it leads the model by 0 to 1 block;
// after a recovery the position must be within a block of that: −1 to +2
// blocks.
func checkPosition(t *testing.T, e *engine, when string) {
	t.Helper()
	model := format.Frames(time.Since(e.t0))
	got := e.frames.Load()
	t.Logf("%s: position %d frames, wall clock %d: %+d", when, got, model, got-model)
	if d := got - model; d < -block || d > 2*block {
		t.Errorf("%s: position %d frames is %+d frames from the wall-clock model %d, want −1 to +2 blocks (%d frames each)", when, got, d, model, block)
	}
}

func TestStalledCallbacksAreDetectedAndTheDeviceReopened(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		be, e, s := start(t, "card A")
		for i := range 5 {
			time.Sleep(time.Second + time.Duration(i)*period/5) // stall at different phases
			checkPosition(t, e, "before the stall")
			be.Current().Stall()
			detect := waitFor(t, "loss detected", time.Second, func() bool { return s.Health().Losses == i+1 })
			t.Logf("stall %d detected after %v (%.1f periods)", i+1, detect, float64(detect)/float64(period))
			if detect > 10*period {
				t.Errorf("stall %d detected after %v, want ≤ 10 periods (%v)", i+1, detect, 10*period)
			}
			waitFor(t, "reopened", time.Second, func() bool { return s.Health().State == supervise.Playing })
			time.Sleep(time.Second)
			checkPosition(t, e, "a second after the reopen")
		}
		h := s.Health()
		if h.Device != "card A" || h.Losses != 5 {
			t.Errorf("health %+v, want card A playing after 5 losses", h)
		}
		if len(be.Opens()) != 6 {
			t.Errorf("%d opens, want 6 (one per loss, each first try succeeding)", len(be.Opens()))
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if n := e.overlap.Load(); n != 0 {
			t.Errorf("Render was entered by two callers at once %d times", n)
		}
	})
}

func TestUnpluggedCardIsRetriedWithBackoffAndFoundUnderANewName(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		be, e, s := start(t, "USB Audio (hw:1,0)")
		time.Sleep(time.Second)
		be.Unplug()
		waitFor(t, "loss detected", time.Second, func() bool { return s.Health().Losses == 1 })
		lost := time.Now()

		// Gone for 6 s: time goes on, and the tries back off.
		for range 6 {
			time.Sleep(time.Second)
			checkPosition(t, e, "while unplugged")
			if h := s.Health(); h.State != supervise.Lost || !errors.Is(h.TryErr, audio.ErrNoDevice) {
				t.Errorf("health while unplugged: %+v, want lost with the opener's error", h)
			}
		}
		opens := be.Opens()[1:] // the tries after the loss
		if d := opens[0].Sub(lost); d > period {
			t.Errorf("first try %v after the loss was detected, want at once", d)
		}
		var gaps []time.Duration
		for i := 1; i < len(opens); i++ {
			gaps = append(gaps, opens[i].Sub(opens[i-1]))
		}
		t.Logf("gaps between tries: %v", gaps)
		want := []time.Duration{50, 100, 200, 400, 800, 1000, 1000, 1000}
		if len(gaps) < len(want) {
			t.Errorf("%d tries in 6 s, want %d", len(gaps)+1, len(want)+1)
		}
		for i, g := range gaps {
			w := time.Second
			if i < len(want) {
				w = want[i] * time.Millisecond
			}
			if g < w || g > w+period {
				t.Errorf("try %d came %v after the one before, want %v (+ up to a period)", i+2, g, w)
			}
		}

		be.Plug("USB Audio (hw:2,0)")
		back := waitFor(t, "reopened", 2*time.Second, func() bool { return s.Health().State == supervise.Playing })
		t.Logf("playing again %v after the card came back", back)
		if back > time.Second+period {
			t.Errorf("playing again %v after the card came back, want ≤ 1 s (the backoff cap)", back)
		}
		h := s.Health()
		if h.Device != "USB Audio (hw:2,0)" {
			t.Errorf("playing on %q, want the card under its new name", h.Device)
		}
		// The outage runs from the last heartbeat, before the loss was
		// detected (Stall periods), to the device playing again.
		if out, min := h.Outage, time.Since(lost); out < min || out > min+11*period {
			t.Errorf("outage %v, want the %v since the loss was detected plus up to Stall periods", out, min)
		}
		time.Sleep(time.Second)
		checkPosition(t, e, "a second after the replug")
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
}

func TestHungBackendCallIsReported(t *testing.T) {
	for _, tc := range []struct {
		name string
		hang func(*audiotest.Backend)
	}{
		{"Close", (*audiotest.Backend).HangClose},
		{"Open", (*audiotest.Backend).HangOpen},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				be, e, s := start(t, "card")
				time.Sleep(time.Second)
				tc.hang(be)
				be.Unplug()
				waitFor(t, "loss detected", time.Second, func() bool { return s.Health().Losses == 1 })
				hung := waitFor(t, "hung", 3*time.Second, func() bool { return s.Health().State == supervise.Hung })
				h := s.Health()
				t.Logf("hung %v after the loss: %s", hung, h.Call)
				if hung < 2*time.Second || hung > 2*time.Second+2*period {
					t.Errorf("hung reported %v after the loss, want 2 s (+ up to two periods)", hung)
				}
				if !strings.HasPrefix(h.Call, tc.name+" blocked for 2.") {
					t.Errorf("hung call %q, want %s blocked for 2.x s", h.Call, tc.name)
				}
				checkPosition(t, e, "while hung") // the fallback clock keeps time
				err := s.Close()
				if !errors.Is(err, supervise.ErrHung) || !errors.Is(err, audio.ErrRestart) {
					t.Errorf("Close: %v, want ErrHung and audio.ErrRestart", err)
				}
				be.Release() // let the abandoned call end, as the bubble requires
			})
		})
	}
}

func TestFirstOpenErrorIsReturned(t *testing.T) {
	be := audiotest.NewBackend(format, block, "")
	s, err := supervise.New(supervise.Config{Format: format, Block: block, Open: be.Open})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(&engine{}); !errors.Is(err, audio.ErrNoDevice) {
		t.Fatalf("Start with no card: %v, want ErrNoDevice", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestGateAllocatesNothing(t *testing.T) {
	e := &engine{}
	s := supervise.GateDevice(format, block, e)
	out := make([]float32, block*format.Channels)
	for _, gen := range []uint32{1, 7} { // the owner's gate renders; another's refuses
		before := e.frames.Load()
		if n := testing.AllocsPerRun(1000, func() { supervise.GateRender(s, gen, out) }); n != 0 {
			t.Errorf("gate %d: %.1f allocations per Render, want 0", gen, n)
		}
		want := int64(0)
		if gen == 1 {
			want = 1001 * block // AllocsPerRun's warm-up run and its 1000
		}
		if got := e.frames.Load() - before; got != want {
			t.Errorf("gate %d rendered %d frames, want %d", gen, got, want)
		}
	}
}

func TestHundredLossesNeverRenderTwiceAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		be, e, s := start(t, "card")
		for i := range 100 {
			time.Sleep(50*time.Millisecond + time.Duration(i%7)*period/3)
			be.Current().Stall()
			waitFor(t, "reopened", time.Second, func() bool {
				h := s.Health()
				return h.Losses == i+1 && h.State == supervise.Playing
			})
		}
		time.Sleep(100 * time.Millisecond)
		checkPosition(t, e, "after 100 losses")
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if n := e.overlap.Load(); n != 0 {
			t.Errorf("Render was entered by two callers at once %d times", n)
		}
	})
}

// A device declared lost that calls back again while it is being closed
// must not reach the Renderer: the fallback clock owns it by then.
func TestLateDeviceRendersSilence(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		be, e, s := start(t, "card")
		time.Sleep(time.Second)
		old := be.Current()
		be.HangClose()
		old.Stall()
		waitFor(t, "loss detected", time.Second, func() bool { return s.Health().Losses == 1 })
		old.Resume() // its Close is still hanging: it calls back for a second
		time.Sleep(time.Second)
		checkPosition(t, e, "while the lost device calls back")
		if n := old.Stats().Blocks; n < 300 {
			t.Fatalf("the lost device called back %d times, want a second's worth (375)", n)
		}
		be.Release()
		waitFor(t, "reopened", 2*time.Second, func() bool { return s.Health().State == supervise.Playing })
		time.Sleep(time.Second)
		checkPosition(t, e, "after the reopen")
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if n := e.overlap.Load(); n != 0 {
			t.Errorf("Render was entered by two callers at once %d times", n)
		}
	})
}

// An opener that says only a new process can play again (oto once its
// sound server died) makes the supervisor Failed at the first try; the
// fallback clock keeps time until the caller restarts.
func TestOpenerAskingForARestartFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		be, e, s := start(t, "card")
		time.Sleep(time.Second)
		be.Gone()
		be.Unplug()
		waitFor(t, "failed", time.Second, func() bool { return s.Health().State == supervise.Failed })
		h := s.Health()
		if !errors.Is(h.TryErr, audio.ErrRestart) || h.Tries != 1 || h.Losses != 1 {
			t.Errorf("health %+v, want one loss, one try failing with ErrRestart", h)
		}
		time.Sleep(5 * time.Second)
		checkPosition(t, e, "5 s later")
		if n := len(be.Opens()); n != 2 {
			t.Errorf("%d opens, want 2: no retry of a backend that needs a new process", n)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
}

// A device that calls back in bursts of 16 blocks every 16 periods (JACK
// with a period of 2048 frames under a 128-frame block) is not lost
// between bursts; when it stalls, the loss is noticed within 10 bursts.
func TestBurstyDeviceIsNotTakenForLost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		be := audiotest.NewBackend(format, block, "jack")
		be.Burst(16)
		s, err := supervise.New(supervise.Config{Format: format, Block: block, Open: be.Open})
		if err != nil {
			t.Fatal(err)
		}
		e := &engine{t0: time.Now()}
		if err := s.Start(e); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Second)
		if h := s.Health(); h.Losses != 0 {
			t.Fatalf("a bursty device was taken for lost: %+v", h)
		}
		be.Current().Stall()
		detect := waitFor(t, "loss detected", 2*time.Second, func() bool { return s.Health().Losses == 1 })
		burst := 16 * period
		t.Logf("stall of a bursty device detected after %v (%.1f bursts)", detect, float64(detect)/float64(burst))
		if detect > 11*burst { // the stall takes effect at the next period, up to a burst before its callback was due
			t.Errorf("detected after %v, want within 10 bursts (+1 for the stall's phase) of %v", detect, burst)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
}
