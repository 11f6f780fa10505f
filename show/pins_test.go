package show

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"gridbox/config"
	"gridbox/engine"
	"gridbox/grid/gpio"
	"gridbox/show/showtest"
)

// A footswitch set to tap tempo changes the tempo from the second tap on:
// four taps 0.5 s apart make 120 BPM of the Click set's 120 → first 100.
func TestFootswitchTapsTheTempo(t *testing.T) {
	var stderr bytes.Buffer
	e := &Env{Stdout: &bytes.Buffer{}, Stderr: &stderr}
	_, p, err := prepare(e, showtest.ClickSet(t, ""), "", 48000, memory{})
	if err != nil {
		t.Fatal(err)
	}
	pn := &pins{action: config.Tap}
	t0 := time.Now()
	for i, gap := range []time.Duration{0, 600, 1100, 1600, 2100} { // 600 ms (100 BPM), then 500 ms
		now := engine.Frame(48000 * gap / 1000)
		pn.footswitch(e, p, gpio.Event{Down: true, Time: t0.Add(gap * time.Millisecond)}, now)
		pn.footswitch(e, p, gpio.Event{Down: false, Time: t0.Add(gap*time.Millisecond + 50*time.Millisecond)}, now)
		p.Advance(now + 4800)
		bpm := p.session.Clock().Tempo(now + 4800)
		switch {
		case i == 0 && bpm != 120:
			t.Errorf("one tap changed the tempo to %v", bpm)
		case i == 1 && math.Abs(bpm-100) > 1e-9:
			t.Errorf("two taps 600 ms apart: %v BPM, want 100", bpm)
		}
	}
	if got := p.session.Clock().Tempo(48000 * 3); math.Abs(got-60/((0.6+0.5*3)/4)) > 1e-9 {
		t.Errorf("after five taps: %v BPM, want the average of the last four intervals", got)
	}
	if !strings.Contains(stderr.String(), "gridbox: tapped 100 BPM") {
		t.Errorf("taps not logged: %q", stderr.String())
	}
}
