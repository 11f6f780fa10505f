package show

import (
	"fmt"

	"gridbox/grid/scan"
)

// printMIDIPorts lists this machine's MIDI inputs and outputs on
// e.Stdout, after the audio devices (gridbox devices), or says why there
// are none.
func printMIDIPorts(e *Env) {
	ins, outs, err := scan.MIDIPorts()
	switch {
	case err != nil:
		fmt.Fprintf(e.Stdout, "no MIDI ports: %v\n", err)
		return
	case len(ins) == 0 && len(outs) == 0:
		fmt.Fprintln(e.Stdout, "no MIDI ports")
		return
	}
	fmt.Fprintln(e.Stdout, "MIDI ports:")
	for _, n := range ins {
		fmt.Fprintf(e.Stdout, "  in   %s\n", n)
	}
	for _, n := range outs {
		fmt.Fprintf(e.Stdout, "  out  %s\n", n)
	}
}
