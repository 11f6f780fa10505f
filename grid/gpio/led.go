package gpio

import (
	"fmt"
	"math"
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"
)

// BeatOn is the share of each beat the LED is lit for, from the beat on: a
// quarter of a beat, 125 ms at 120 BPM.
const BeatOn = 0.25

// ErrorBlink is the period of the error blink: 8 Hz, lit for the first half
// of each period, starting lit when Error(true) is called.
const ErrorBlink = 125 * time.Millisecond

// An LED is a status light on a GPIO output (pin → resistor → LED → ground:
// High lights it). Its caller drives it: Beat while the transport runs, On
// or Off otherwise, and Error to blink it at 8 Hz over either. It writes
// the pin only when the light changes. Its methods are safe from any
// goroutine; after Close they do nothing.
type LED struct {
	pin   gpio.PinOut
	clock Clock

	mu      sync.Mutex // guards the fields below
	s       ledState
	lit     bool // what the pin shows, when written
	written bool // false until the pin has been written, or after a failed write
	closed  bool
}

// ledState is what the LED has been told; ledState.lit turns it into light.
type ledState struct {
	beat     bool    // follow pos; otherwise steady
	pos      float64 // transport position in beats
	on       bool    // the steady state, when !beat
	err      bool    // blinking for an error, over everything else
	errSince time.Time
}

// lit reports whether the LED is lit in state s at time now.
func (s ledState) lit(now time.Time) bool {
	switch {
	case s.err:
		since := now.Sub(s.errSince)
		if since < 0 {
			since = 0
		}
		return since%ErrorBlink < ErrorBlink/2
	case s.beat:
		phase := s.pos - math.Floor(s.pos) // the phase in [0, 1), also for negative positions (a count-in)
		return phase < BeatOn              // false for NaN and ±Inf
	default:
		return s.on
	}
}

// NewLED sets p up as an output and turns the LED off. clk times the error
// blink; nil means the real clock.
func NewLED(p gpio.PinOut, clk Clock) (*LED, error) {
	l := &LED{pin: p, clock: clockOr(clk)}
	if err := l.show(); err != nil {
		return nil, err
	}
	return l, nil
}

// Beat shows the beat: the LED is lit for the first BeatOn of every beat of
// pos, the transport's position in beats (as grid.Follower's Beat gets it;
// only its fractional part matters). Call it on every tick while the
// transport runs.
func (l *LED) Beat(pos float64) error {
	return l.set(func(s *ledState) { s.beat, s.pos = true, pos })
}

// On lights the LED steadily (for example while recording is armed).
func (l *LED) On() error { return l.set(func(s *ledState) { s.beat, s.on = false, true }) }

// Off turns the LED off steadily (for example while the transport is
// stopped).
func (l *LED) Off() error { return l.set(func(s *ledState) { s.beat, s.on = false, false }) }

// Error(true) blinks the LED at 8 Hz, starting lit, over whatever Beat, On
// or Off say; calling it again while on does not restart the blink.
// Error(false) goes back to what they say. The blink is timed by the
// clock, so while it is on call Update (or Beat, On, Off) at least every
// 20 ms.
func (l *LED) Error(on bool) error {
	return l.set(func(s *ledState) {
		if on && !s.err {
			s.errSince = l.clock.Now()
		}
		s.err = on
	})
}

// Update rewrites the LED for the clock's time; it matters only while Error
// is on.
func (l *LED) Update() error { return l.set(func(*ledState) {}) }

// Close turns the LED off. Further calls do nothing and return nil.
func (l *LED) Close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	if err := l.pin.Out(gpio.Low); err != nil {
		return fmt.Errorf("gpio: led %s: %w", l.pin.Name(), err)
	}
	l.lit = false
	return nil
}

// set changes the state with change and shows the result.
func (l *LED) set(change func(*ledState)) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	change(&l.s)
	return l.showLocked()
}

func (l *LED) show() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.showLocked()
}

// showLocked writes the pin if the light has changed (or was never written,
// or its last write failed).
func (l *LED) showLocked() error {
	lit := l.s.lit(l.clock.Now())
	if l.written && lit == l.lit {
		return nil
	}
	level := gpio.Low
	if lit {
		level = gpio.High
	}
	if err := l.pin.Out(level); err != nil {
		l.written = false
		return fmt.Errorf("gpio: led %s: %w", l.pin.Name(), err)
	}
	l.lit, l.written = lit, true
	return nil
}
