package midiport_test

import (
	"slices"
	"testing"

	"gridbox/grid/midiport"
	"gridbox/grid/midiport/midiporttest"
)

// Names lists a driver's inputs and outputs by name, opening nothing.
func TestNames(t *testing.T) {
	d := midiporttest.New("Launchpad X LPX MIDI")
	ins, outs, err := midiport.Names(d.Driver())
	if err != nil || !slices.Equal(ins, []string{"Launchpad X LPX MIDI"}) || !slices.Equal(outs, ins) {
		t.Fatalf("Names = %q, %q, %v", ins, outs, err)
	}
	if d.Listening() {
		t.Error("Names opened the input")
	}
}
