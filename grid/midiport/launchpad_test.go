package midiport_test

import (
	"testing"
	"time"

	"gitlab.com/gomidi/midi/v2/drivers"

	"gridbox/grid"
	"gridbox/grid/launchpad"
	"gridbox/grid/midiport"
)

// TestLaunchpadOverLoopback drives the whole Launchpad driver over a Stream
// on a testdrv loopback named like a Launchpad X's control port. The
// loopback plays the device: the driver's own output (SysEx mode switches
// and LED frames) comes back as input, which its parser sets aside, and a
// note-on 90 51 7F written by the test arrives as the device's press of
// note 81, the top left pad (0, 0) in Programmer mode. Close must end the
// driver's reader through the Stream, which releases the held pad and
// closes Pads.
func TestLaunchpadOverLoopback(t *testing.T) {
	const name = "Launchpad X:Launchpad X LPX MIDI 28:1"
	in, out := loop(name)
	ports, err := midiport.List(fakeDriver{ins: []drivers.In{in}, outs: []drivers.Out{out}})
	if err != nil || len(ports) != 1 {
		t.Fatalf("List = %v, %v", ports, err)
	}
	p := ports[0]
	m, ok := launchpad.Detect(p.Name)
	if !ok || m != launchpad.LaunchpadX || !launchpad.IsControlPort(m, p.Name) {
		t.Fatalf("Detect(%q) = %v, %v; want the Launchpad X's control port", p.Name, m, ok)
	}
	s, err := midiport.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	c, err := launchpad.Open(m, s, p.Name)
	if err != nil {
		t.Fatal(err) // Open closed s
	}
	closed := false
	defer func() {
		if !closed {
			c.Close()
		}
	}()

	c.Set(grid.Button{X: 3, Y: 3}, grid.Light{Color: grid.Color{G: 255}})
	if err := c.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	write(t, s, []byte{0x90, 0x51, 0x7F}) // as if the device sent it

	next := func() (grid.Pad, bool) {
		t.Helper()
		select {
		case pad, ok := <-c.Pads():
			return pad, ok
		case <-time.After(5 * time.Second):
			t.Fatal("timed out waiting on Pads")
			return grid.Pad{}, false
		}
	}
	press := grid.Pad{Button: grid.Button{X: 0, Y: 0}, Down: true, Velocity: 0x7F}
	if pad, ok := next(); !ok || pad != press {
		t.Fatalf("first pad = %+v (open %v), want %+v", pad, ok, press)
	}

	// Close waits for the driver's reader, which waits for Read to end:
	// run it aside, so that a Read that never ends fails the test instead
	// of hanging it.
	closed = true
	closeErr := make(chan error, 1)
	go func() { closeErr <- c.Close() }()
	release := grid.Pad{Button: grid.Button{X: 0, Y: 0}}
	if pad, ok := next(); !ok || pad != release {
		t.Fatalf("pad after Close = %+v (open %v), want the held pad's release %+v", pad, ok, release)
	}
	if pad, ok := next(); ok {
		t.Fatalf("Pads delivered %+v after the release, want it closed", pad)
	}
	select {
	case err := <-closeErr:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	st := c.Stats().Parser
	t.Logf("parser stats: %+v; stream stats: %+v", st, s.Stats())
	if st.Events != 1 || st.SysEx+st.SysExIgnored == 0 {
		t.Errorf("parser stats %+v: want the one press, and the SysEx echoes set aside", st)
	}
	if _, err := s.Write([]byte{0x90, 0x51, 0x7F}); err == nil {
		t.Error("the stream still accepts writes after the Controller's Close")
	}
}
