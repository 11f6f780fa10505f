package main

import (
	"bytes"
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"gridbox/engine"
	"gridbox/grid/midiport/midiporttest"
	"gridbox/show/showtest"
)

// TestClockPlay plays a set that follows a clock on a fake drum machine's
// port (a midiporttest device behind gomidi's driver interface: gridbox's
// real path from there on) and sends its own clock back to it: gridbox
// finds the port by a part of its name, follows the ticks' tempo (125 BPM)
// while the machine is stopped and after its Start, passes its Start and
// Stop on, and sends 24 ticks a beat of its followed grid. In a synctest
// bubble, so the times are gridbox's own.
func TestClockPlay(t *testing.T) { synctest.Test(t, testClockPlay) }

func testClockPlay(t *testing.T) {
	set := showtest.ClickSet(t, "[midi]\nclock_in = \"mpc\"\nclock_out = [\"MPC\"]\n")
	dev := midiporttest.New("MPC Studio:MPC Studio MIDI 1 24:0")
	var stderr syncBuffer
	var bpm atomic.Uint64 // the follower's tempo estimate, as float64 bits
	e := &env{stdout: &bytes.Buffer{}, stderr: &stderr, hooks: fakeMIDI(dev)}
	e.hooks.ClockIn = func(_ engine.Frame, b float64) { bpm.Store(math.Float64bits(b)) }
	code := make(chan int, 1)
	go func() {
		code <- run([]string{"play", "--http", "off", set, "--audio", "null", "--seconds", "4", "--no-watch"}, e)
	}()
	for !dev.Listening() {
		time.Sleep(10 * time.Millisecond)
	}
	const tick = 20 * time.Millisecond // 125 BPM
	send := func(n int, first ...byte) {
		for i := range n {
			if i == 0 {
				for _, b := range first {
					dev.Send([]byte{b})
				}
			}
			dev.Send([]byte{0xF8})
			time.Sleep(tick)
		}
	}
	send(48)       // stopped: tempo only
	send(96, 0xFA) // Start, a bar
	send(24, 0xFC) // Stop, a beat of ticks while stopped
	if c := <-code; c != 0 {
		t.Fatalf("play exited %d:\n%s", c, stderr.String())
	}
	if got := math.Float64frombits(bpm.Load()); math.Abs(got-125) > 0.1 {
		t.Errorf("the follower's tempo is %.3f BPM, want 125 ± 0.1", got)
	}
	var fa, fc, early, between, ticks int
	for _, m := range dev.Messages() {
		switch {
		case len(m) == 1 && m[0] == 0xFA:
			fa++
		case len(m) == 1 && m[0] == 0xFC && fa == 0:
			early++ // the start's: a follower a crash left running stops
		case len(m) == 1 && m[0] == 0xFC:
			fc++
		case len(m) == 1 && m[0] == 0xF8:
			ticks++
			if fa == 1 && fc == 0 {
				between++
			}
		}
	}
	t.Logf("sent to the drum machine: %d ticks, %d of them between the Start and the Stop passed on; FA %d, FC %d", ticks, between, fa, fc)
	if fa != 1 || fc < 1 || early != 1 {
		t.Errorf("FA passed on %d times, FC %d after it and %d before: want 1, at least 1 and 1 (the start's)", fa, fc, early)
	}
	if between < 96-3 || between > 96+3 {
		t.Errorf("%d ticks sent between the Start and the Stop, want the source's 96 ± 3", between)
	}
	if said := stderr.String(); !strings.Contains(said, `MIDI in "mpc" connected on MPC Studio`) || !strings.Contains(said, `MIDI out "MPC" connected on MPC Studio`) {
		t.Errorf("play did not say it found the ports:\n%s", said)
	}
}
