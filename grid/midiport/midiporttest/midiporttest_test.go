package midiporttest_test

import (
	"testing"
	"time"

	"gridbox/grid"
	"gridbox/grid/launchpad"
	"gridbox/grid/launchpad/launchpadtest"
	"gridbox/grid/midiport"
	"gridbox/grid/midiport/midiporttest"
)

// TestLaunchpadOnFakePort drives the Launchpad driver through midiport's
// Stream on the fake port: the driver's LED output is taken by the device
// and never comes back as input; a press the device sends arrives on Pads;
// after Close the device's sends reach nobody.
func TestLaunchpadOnFakePort(t *testing.T) {
	const name = "Launchpad X:Launchpad X LPX MIDI 28:1"
	d := midiporttest.New(name)
	if d.Send([]byte{0x90, 0x0B, 0x40}) {
		t.Fatal("Send reached a host before it listened")
	}
	ports, err := midiport.List(d.Driver())
	if err != nil || len(ports) != 1 || ports[0].Name != name {
		t.Fatalf("List = %v, %v; want the one port %q", ports, err, name)
	}
	s, err := midiport.Open(ports[0])
	if err != nil {
		t.Fatal(err)
	}
	c, err := launchpad.Open(launchpad.LaunchpadX, s, name)
	if err != nil {
		t.Fatal(err)
	}
	c.Set(grid.Button{X: 0, Y: 7}, grid.Light{Color: grid.Color{R: 255}})
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if d.Written() == 0 {
		t.Fatal("the driver's mode switch and LED frame did not reach the device")
	}
	b := launchpad.Button{X: 0, Y: 7} // bottom left pad
	if !d.Send(launchpadtest.PressBytes(launchpad.LaunchpadX, b, 0x40)) {
		t.Fatal("the host was not listening")
	}
	select {
	case pad := <-c.Pads():
		if want := (grid.Pad{Button: grid.Button{X: 0, Y: 7}, Down: true, Velocity: 0x40}); pad != want {
			t.Fatalf("pad %+v, want %+v", pad, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no pad")
	}
	select {
	case pad := <-c.Pads():
		t.Fatalf("unexpected pad %+v: the driver's own output came back", pad)
	case <-time.After(20 * time.Millisecond):
	}
	done := make(chan error, 1)
	go func() { done <- c.Close() }()
	for range c.Pads() { // the held pad's release, then closed
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if d.Listening() || d.Send([]byte{0x90, 0x0B, 0x40}) {
		t.Fatal("the device still reaches the host after Close")
	}
}
