package midiport_test

import (
	"errors"
	"testing"

	"gitlab.com/gomidi/midi/v2/drivers"

	"gridbox/grid/midiport"
)

// TestListPairsByName: inputs and outputs pair by name, in the inputs'
// order, same names in order, unpaired ones left out.
func TestListPairsByName(t *testing.T) {
	lxIn1, lxOut1 := loop("Launchpad X:Launchpad X LPX MIDI 28:1")
	lxIn2, lxOut2 := loop("Launchpad X:Launchpad X LPX MIDI 28:1") // a second, identical device
	bIn, bOut := loop("B")
	aIn, _ := loop("A only in")
	_, cOut := loop("C only out")
	drv := fakeDriver{
		ins:  []drivers.In{aIn, lxIn1, bIn, lxIn2},
		outs: []drivers.Out{lxOut1, cOut, bOut, lxOut2},
	}
	got, err := midiport.List(drv)
	if err != nil {
		t.Fatal(err)
	}
	want := []midiport.Port{
		{Name: lxIn1.name, In: lxIn1, Out: lxOut1},
		{Name: bIn.name, In: bIn, Out: bOut},
		{Name: lxIn2.name, In: lxIn2, Out: lxOut2},
	}
	if len(got) != len(want) {
		t.Fatalf("List returned %d ports %v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("port %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestListError: a driver's error comes back wrapped.
func TestListError(t *testing.T) {
	boom := errors.New("boom")
	ports, err := midiport.List(fakeDriver{err: boom})
	if !errors.Is(err, boom) || ports != nil {
		t.Fatalf("List = %v, %v; want nil, an error wrapping %v", ports, err, boom)
	}
}
