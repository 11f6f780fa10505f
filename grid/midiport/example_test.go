package midiport_test

import (
	"fmt"

	"gridbox/grid/launchpad"
	"gridbox/grid/midiport"
)

// Drive the first Launchpad among the system's MIDI ports. Without -tags
// rtmidi, or without an ALSA sequencer, System says why there is no MIDI.
func Example() {
	drv, err := midiport.System()
	if err != nil {
		fmt.Println(err) // errors.Is(err, midiport.ErrNoMIDI): run without a controller
		return
	}
	ports, err := midiport.List(drv)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range ports {
		m, ok := launchpad.Detect(p.Name)
		if !ok || !launchpad.IsControlPort(m, p.Name) {
			continue
		}
		s, err := midiport.Open(p) // soon after List: rtmidi opens ports by index
		if err != nil {
			fmt.Println(err)
			return
		}
		c, err := launchpad.Open(m, s, p.Name) // c owns s from here on
		if err != nil {
			fmt.Println(err)
			return
		}
		defer c.Close()
		for pad := range c.Pads() { // ends when the device goes (s.Gone, from a hot-plug watcher) or on Close
			fmt.Println(pad)
		}
		return
	}
}
