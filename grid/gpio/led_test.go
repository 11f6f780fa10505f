package gpio

import (
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

// outPin is a gpiotest pin that counts writes and can be made to fail them.
type outPin struct {
	*gpiotest.Pin
	mu   sync.Mutex
	outs int
	fail error
}

func (p *outPin) Out(l gpio.Level) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return p.fail
	}
	p.outs++
	return p.Pin.Out(l)
}

func (p *outPin) writes() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.outs
}

// lit reads the fake pin's level.
func (p *outPin) lit() bool {
	p.Pin.Lock()
	defer p.Pin.Unlock()
	return p.L == gpio.High
}

func newLEDRig(t *testing.T) (*LED, *outPin, *fakeClock) {
	t.Helper()
	// Start the fake pin High, so NewLED has something to turn off.
	pin := &outPin{Pin: &gpiotest.Pin{N: "GPIO27", Num: 27, L: gpio.High}}
	clk := newFakeClock()
	l, err := NewLED(pin, clk)
	if err != nil {
		t.Fatal(err)
	}
	if pin.lit() || pin.writes() != 1 {
		t.Fatalf("after NewLED: lit %t after %d writes, want off after 1", pin.lit(), pin.writes())
	}
	return l, pin, clk
}

func TestLED_Beat(t *testing.T) {
	l, pin, _ := newLEDRig(t)
	for _, step := range []struct {
		pos    float64
		lit    bool
		writes int // total so far: the pin is written only on a change
	}{
		{0, true, 2},
		{0.1, true, 2},
		{0.2499, true, 2},
		{0.25, false, 3},
		{0.5, false, 3},
		{0.999, false, 3},
		{1, true, 4},
		{1.3, false, 5},
		{7.01, true, 6},
		{-0.9, true, 6},  // a count-in: phase 0.1
		{-0.5, false, 7}, // phase 0.5
		{math.NaN(), false, 7},
		{math.Inf(1), false, 7},
	} {
		if err := l.Beat(step.pos); err != nil {
			t.Fatalf("Beat(%v): %v", step.pos, err)
		}
		if pin.lit() != step.lit || pin.writes() != step.writes {
			t.Fatalf("Beat(%v): lit %t after %d writes, want %t after %d", step.pos, pin.lit(), pin.writes(), step.lit, step.writes)
		}
	}
}

func TestLED_OnOff(t *testing.T) {
	l, pin, _ := newLEDRig(t)
	steps := []struct {
		name string
		do   func() error
		lit  bool
	}{
		{"On", l.On, true},
		{"Beat(0.5)", func() error { return l.Beat(0.5) }, false},
		{"On", l.On, true},
		{"Update", l.Update, true},
		{"Off", l.Off, false},
		{"Update", l.Update, false},
	}
	for i, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("step %d %s: %v", i, s.name, err)
		}
		if pin.lit() != s.lit {
			t.Fatalf("step %d %s: lit %t, want %t", i, s.name, pin.lit(), s.lit)
		}
	}
}

// The error blink is 8 Hz: lit for 62.5 ms of every 125 ms, starting lit.
func TestLED_ErrorBlinks8Hz(t *testing.T) {
	l, pin, clk := newLEDRig(t)
	if err := l.Beat(0); err != nil { // lit by the beat
		t.Fatal(err)
	}
	clk.Advance(100 * ms)
	if err := l.Beat(0.5); err != nil { // dark by the beat: the blink must light it
		t.Fatal(err)
	}
	if err := l.Error(true); err != nil {
		t.Fatal(err)
	}
	var got []bool
	rises := 0
	for i := range 200 { // one second in 5 ms ticks
		if i > 0 {
			clk.Advance(5 * ms)
			if err := l.Update(); err != nil {
				t.Fatal(err)
			}
		}
		lit := pin.lit()
		if lit && (i == 0 || !got[i-1]) {
			rises++
		}
		got = append(got, lit)
		if want := time.Duration(i)*5*ms%ErrorBlink < ErrorBlink/2; lit != want {
			t.Fatalf("t=%v after Error(true): lit %t, want %t", time.Duration(i)*5*ms, lit, want)
		}
		if i == 110 { // a second Error(true) does not restart the blink (550 ms in: lit, dark from 562.5 ms)
			if err := l.Error(true); err != nil {
				t.Fatal(err)
			}
		}
	}
	if rises != 8 {
		t.Errorf("%d flashes in a second, want 8", rises)
	}
	// Beat still drives the state underneath; Error(false) shows it again.
	clk.Advance(30 * ms) // 1.025 s into the error: blink lit
	if err := l.Beat(0.7); err != nil {
		t.Fatal(err)
	}
	if !pin.lit() {
		t.Fatal("Beat overrode the error blink")
	}
	if err := l.Error(false); err != nil {
		t.Fatal(err)
	}
	if pin.lit() {
		t.Fatal("after Error(false) at beat phase 0.7: lit, want dark")
	}
	if err := l.Beat(2); err != nil {
		t.Fatal(err)
	}
	if !pin.lit() {
		t.Fatal("after Error(false), Beat(2): dark, want lit")
	}
}

func TestLED_FailedWriteIsWrappedAndRetried(t *testing.T) {
	l, pin, _ := newLEDRig(t)
	boom := errors.New("boom")
	pin.mu.Lock()
	pin.fail = boom
	pin.mu.Unlock()
	err := l.On()
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "gpio: led GPIO27: ") {
		t.Fatalf("On on a failing pin = %v, want boom wrapped as gpio: led GPIO27: …", err)
	}
	pin.mu.Lock()
	pin.fail = nil
	pin.mu.Unlock()
	if err := l.Update(); err != nil || !pin.lit() {
		t.Fatalf("Update once the pin works: err %v, lit %t; want the LED lit", err, pin.lit())
	}

	// After a failed write the pin's state is unknown, so the next call
	// writes it even if the light it wants is the one last written.
	pin.mu.Lock()
	pin.fail = boom
	pin.mu.Unlock()
	if err := l.Off(); !errors.Is(err, boom) {
		t.Fatalf("Off on a failing pin = %v, want boom", err)
	}
	pin.mu.Lock()
	pin.fail = nil
	pin.mu.Unlock()
	before := pin.writes()
	if err := l.On(); err != nil || pin.writes() != before+1 || !pin.lit() {
		t.Fatalf("On after a failed Off: err %v, %d writes, lit %t; want one write, lit", err, pin.writes()-before, pin.lit())
	}
}

func TestLED_CloseTurnsItOffForGood(t *testing.T) {
	l, pin, _ := newLEDRig(t)
	if err := l.On(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if pin.lit() {
		t.Fatal("lit after Close")
	}
	for _, f := range []func() error{l.On, func() error { return l.Beat(0) }, func() error { return l.Error(true) }, l.Update, l.Close} {
		if err := f(); err != nil || pin.lit() {
			t.Fatalf("a call after Close: err %v, lit %t; want nil and dark", err, pin.lit())
		}
	}
}
