package gpio

import (
	"errors"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

func TestOpen_NothingConfiguredOpensNothing(t *testing.T) {
	find := func(name string) (gpio.PinIO, error) {
		t.Errorf("looked up pin %q with no pins configured", name)
		return nil, errors.New("unexpected lookup")
	}
	fs, led, err := open(Config{Footswitch: " ", Debounce: time.Second}, find)
	if fs != nil || led != nil || err != nil {
		t.Fatalf("open(no pins) = %v, %v, %v; want nil, nil, nil", fs, led, err)
	}
	// What comes back is safe to use as it is.
	if fs.Events() != nil || fs.Dropped() != 0 || fs.Close() != nil {
		t.Error("a nil Footswitch is not inert")
	}
	for _, f := range []func() error{func() error { return led.Beat(0) }, led.On, led.Off, func() error { return led.Error(true) }, led.Update, led.Close} {
		if err := f(); err != nil {
			t.Errorf("a nil LED returned %v", err)
		}
	}
}

// On this x86 VM (and CI) there is no GPIO17; on a Pi the test has nothing
// to check and skips.
func TestOpen_NoSuchPinOnThisMachine(t *testing.T) {
	if err := initHost(); err != nil {
		t.Fatalf("host.Init: %v", err)
	}
	if p := gpioreg.ByName("GPIO17"); p != nil {
		t.Skipf("this machine has GPIO17 (%s): a Raspberry Pi?", p)
	}
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Footswitch: "GPIO17"}, "gpio: pin GPIO17: no such pin on this machine (not a Raspberry Pi?)"},
		{Config{LED: "GPIO27"}, "gpio: pin GPIO27: no such pin on this machine (not a Raspberry Pi?)"},
	} {
		fs, led, err := Open(c.cfg)
		if fs != nil || led != nil || err == nil {
			t.Fatalf("Open(%+v) = %v, %v, %v; want an error", c.cfg, fs, led, err)
		}
		if !errors.Is(err, ErrNoSuchPin) || err.Error() != c.want {
			t.Errorf("Open(%+v): %q, want %q wrapping ErrNoSuchPin", c.cfg, err, c.want)
		}
	}
}

// A name no machine has fails the same way everywhere, a Pi included.
func TestOpen_UnknownPinName(t *testing.T) {
	_, _, err := Open(Config{Footswitch: "GPIO_NO_SUCH_PIN"})
	if !errors.Is(err, ErrNoSuchPin) || !strings.HasPrefix(err.Error(), "gpio: pin GPIO_NO_SUCH_PIN: ") {
		t.Fatalf("Open(GPIO_NO_SUCH_PIN): %v, want ErrNoSuchPin wrapped with the pin's name", err)
	}
}

func TestOpen_SamePinTwice(t *testing.T) {
	find := func(name string) (gpio.PinIO, error) {
		t.Errorf("looked up %q for a config that uses it twice", name)
		return nil, errors.New("unexpected lookup")
	}
	_, _, err := open(Config{Footswitch: "GPIO17", LED: "GPIO17"}, find)
	if err == nil || err.Error() != "gpio: footswitch and LED both on pin GPIO17" {
		t.Fatalf("open(same pin twice): %v", err)
	}
}

func TestOpen_FailedLEDClosesFootswitch(t *testing.T) {
	fsPin := &haltPin{Pin: &gpiotest.Pin{N: "GPIO17", Num: 17, EdgesChan: make(chan gpio.Level)}}
	find := func(name string) (gpio.PinIO, error) {
		if name == "GPIO17" {
			return fsPin, nil
		}
		return nil, errors.New("gpio: pin " + name + ": " + ErrNoSuchPin.Error())
	}
	fs, led, err := open(Config{Footswitch: "GPIO17", LED: "GPIO27", Clock: newFakeClock()}, find)
	if fs != nil || led != nil || err == nil {
		t.Fatalf("open = %v, %v, %v; want an error", fs, led, err)
	}
	if fsPin.halts != 1 {
		t.Errorf("footswitch pin halted %d times, want 1 (closed)", fsPin.halts)
	}
}

// Pins found through periph's registry, as on the Pi: here gpiotest pins
// registered under made-up names.
func TestOpen_RegisteredPins(t *testing.T) {
	fsPin := &gpiotest.Pin{N: "GRIDBOX_TEST_FS", Num: 9001, EdgesChan: make(chan gpio.Level)}
	ledPin := &gpiotest.Pin{N: "GRIDBOX_TEST_LED", Num: 9002}
	for _, p := range []*gpiotest.Pin{fsPin, ledPin} {
		if err := gpioreg.Register(p); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { gpioreg.Unregister(p.N) })
	}
	clk := newFakeClock()
	fs, led, err := Open(Config{Footswitch: "GRIDBOX_TEST_FS", LED: "GRIDBOX_TEST_LED", Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	defer led.Close()
	if fs.String() != "GRIDBOX_TEST_FS" {
		t.Errorf("footswitch on %q, want GRIDBOX_TEST_FS", fs)
	}

	fsPin.EdgesChan <- gpio.Low
	clk.waitArmed(t)
	clk.Advance(DefaultDebounce) // Debounce 0 in the Config: the default
	select {
	case ev := <-fs.Events():
		if !ev.Down || !ev.Time.Equal(t0) {
			t.Errorf("got %+v, want a press at t0", ev)
		}
	default:
		t.Fatal("no press after the default window")
	}

	if err := led.On(); err != nil {
		t.Fatal(err)
	}
	if ledPin.Read() != gpio.High {
		t.Error("LED.On left the pin Low")
	}
}
