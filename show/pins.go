package show

import (
	"fmt"

	"gridbox/config"
	"gridbox/engine"
	"gridbox/grid/gpio"
)

// pins are the config's optional footswitch and status LED. The session
// goroutine owns them.
type pins struct {
	fs     *gpio.Footswitch // nil: none (its Events is then a nil channel)
	led    *gpio.LED        // nil: none (its methods do nothing)
	action config.FootswitchAction
	tap    gpio.Tapper
}

// openPins opens the pins the config names; a pin this machine does not
// have is an error naming the config line.
func openPins(cfg *config.Config) (*pins, error) {
	fs, led, err := gpio.Open(gpio.Config{Footswitch: cfg.GPIO.Footswitch, LED: cfg.GPIO.StatusLED})
	if err != nil {
		if cfg.File != "" {
			pos := cfg.Pos("gpio.footswitch")
			if cfg.GPIO.Footswitch == "" {
				pos = cfg.Pos("gpio.status_led")
			}
			return nil, fmt.Errorf("%s:%s: %w", cfg.File, pos, err)
		}
		return nil, err
	}
	return &pins{fs: fs, led: led, action: cfg.GPIO.FootswitchAction}, nil
}

// footswitch acts on a press: start/stop (stop everything at the next bar
// when something plays, else launch the first scene), or tap tempo: from
// the second tap of a series on, the tempo changes at once to the taps'
// (see Session.SetTempo for what follows it).
func (p *pins) footswitch(e *Env, s *Show, ev gpio.Event, now engine.Frame) {
	if !ev.Down {
		return
	}
	switch p.action {
	case config.Tap:
		if bpm, ok := p.tap.Tap(ev.Time); ok {
			s.session.SetTempo(bpm, now)
			fmt.Fprintf(e.Stderr, "gridbox: tapped %s\n", formatTempo(bpm))
		}
	default:
		if s.playing() > 0 {
			s.session.StopAll(now)
		} else {
			s.session.LaunchScene(0, now)
		}
	}
}

// beat shows the music's position on the status LED; err makes it blink
// fast instead.
func (p *pins) beat(pos float64, err bool) {
	p.led.Error(err)
	p.led.Beat(pos)
}

func (p *pins) close() {
	p.fs.Close()
	p.led.Close()
}
