package gpio

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/host/v3"
)

// ErrNoSuchPin is returned (wrapped with the pin's name) when a configured
// pin does not exist on this machine, as on any machine that is not a
// Raspberry Pi.
var ErrNoSuchPin = errors.New("no such pin on this machine (not a Raspberry Pi?)")

// Config names the pins, as periph names them ("GPIO17"). An empty name
// means that part is not fitted.
type Config struct {
	Footswitch string // input, pull-up, switch to ground
	LED        string // output, High lights the LED

	// Debounce is how long the footswitch must be stable before a change
	// counts; zero means DefaultDebounce.
	Debounce time.Duration

	// Clock times the debounce window and the LED's error blink; nil means
	// the real clock. Tests pass a fake.
	Clock Clock
}

// A Clock tells the time and runs functions later; the real one is the time
// package. The footswitch uses both methods, the LED only Now.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f on its own goroutine once d has passed, unless the
	// returned Timer is stopped first (time.AfterFunc).
	AfterFunc(d time.Duration, f func()) Timer
}

// A Timer is a pending AfterFunc call; *time.Timer is one.
type Timer interface {
	// Stop prevents the call if it has not started; it reports whether it
	// did. A call that has started is not waited for.
	Stop() bool
}

type realClock struct{}

func (realClock) Now() time.Time                            { return time.Now() }
func (realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

func clockOr(c Clock) Clock {
	if c == nil {
		return realClock{}
	}
	return c
}

// Open opens the footswitch and the LED that cfg names. A part whose pin is
// not named is not opened and comes back nil (a nil *Footswitch or *LED
// does nothing, so callers need not check). With no pin named, Open does
// not touch the host at all. If any named pin cannot be opened, Open
// returns an error and leaves nothing open.
//
// The first Open that names a pin runs periph's host.Init (once per
// process). On a machine without GPIO the error wraps ErrNoSuchPin:
// "gpio: pin GPIO17: no such pin on this machine (not a Raspberry Pi?)".
func Open(cfg Config) (*Footswitch, *LED, error) {
	return open(cfg, lookup)
}

// open is Open with the pin lookup injected, so tests can see that an empty
// Config looks nothing up.
func open(cfg Config, find func(name string) (gpio.PinIO, error)) (*Footswitch, *LED, error) {
	fsName, ledName := strings.TrimSpace(cfg.Footswitch), strings.TrimSpace(cfg.LED)
	if fsName != "" && fsName == ledName {
		return nil, nil, fmt.Errorf("gpio: footswitch and LED both on pin %s", fsName)
	}
	var fs *Footswitch
	if fsName != "" {
		p, err := find(fsName)
		if err != nil {
			return nil, nil, err
		}
		if fs, err = NewFootswitch(p, cfg.Debounce, cfg.Clock); err != nil {
			return nil, nil, err
		}
	}
	var led *LED
	if ledName != "" {
		p, err := find(ledName)
		if err == nil {
			led, err = NewLED(p, cfg.Clock)
		}
		if err != nil {
			fs.Close()
			return nil, nil, err
		}
	}
	return fs, led, nil
}

// initHost runs periph's host.Init once per process: it loads every host
// driver (on a Pi, the GPIO chips register GPIO0…GPIO27). On a machine
// without GPIO it loads nothing and still returns nil.
var initHost = sync.OnceValue(func() error {
	if _, err := host.Init(); err != nil {
		return fmt.Errorf("gpio: periph host init: %w", err)
	}
	return nil
})

// lookup finds a pin by name in periph's registry, after host.Init.
func lookup(name string) (gpio.PinIO, error) {
	if err := initHost(); err != nil {
		return nil, err
	}
	p := gpioreg.ByName(name)
	if p == nil {
		return nil, fmt.Errorf("gpio: pin %s: %w", name, ErrNoSuchPin)
	}
	return p, nil
}
