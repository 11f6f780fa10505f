package midiport

import (
	"errors"
	"fmt"

	"gitlab.com/gomidi/midi/v2/drivers"
)

// ErrNoMIDI is returned, wrapped with the reason, by System when this build
// or this machine cannot reach MIDI devices. A caller can then run without a
// controller.
var ErrNoMIDI = errors.New("midiport: no system MIDI")

// A Port is a MIDI port pair of one device: the input and the output with
// the same name. List returns them unopened; Open opens them.
type Port struct {
	Name string // the driver's port name (ALSA: "Launchpad X:Launchpad X LPX MIDI 28:1" style)
	In   drivers.In
	Out  drivers.Out
}

// Names returns the names of drv's MIDI inputs and outputs, in the
// driver's order, for a person to read (gridbox devices). Like List it
// opens nothing and belongs to the goroutine that opens ports.
func Names(drv drivers.Driver) (ins, outs []string, err error) {
	in, out, err := ports(drv)
	for _, p := range in {
		ins = append(ins, p.String())
	}
	for _, p := range out {
		outs = append(outs, p.String())
	}
	return ins, outs, err
}

// ports returns drv's inputs and outputs.
func ports(drv drivers.Driver) ([]drivers.In, []drivers.Out, error) {
	ins, err := drv.Ins()
	if err != nil {
		return nil, nil, fmt.Errorf("midiport: %s: list inputs: %w", drv, err)
	}
	outs, err := drv.Outs()
	if err != nil {
		return nil, nil, fmt.Errorf("midiport: %s: list outputs: %w", drv, err)
	}
	return ins, outs, nil
}

// List returns drv's ports that exist both as an input and as an output,
// paired by name, in the order of drv's inputs. Ports with the same name
// (two identical devices on a driver that does not number them) pair in
// order: the first such input with the first such output. Unpaired inputs
// and outputs are left out. List opens nothing; call it from the goroutine
// that opens ports, since gomidi drivers are not safe for concurrent use.
func List(drv drivers.Driver) ([]Port, error) {
	ins, outs, err := ports(drv)
	if err != nil {
		return nil, err
	}
	used := make([]bool, len(outs))
	var ports []Port
	for _, in := range ins {
		name := in.String()
		for j, out := range outs {
			if !used[j] && out.String() == name {
				used[j] = true
				ports = append(ports, Port{Name: name, In: in, Out: out})
				break
			}
		}
	}
	return ports, nil
}
