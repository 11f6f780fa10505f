package show

import (
	"fmt"

	"gridbox/grid/hotplug"
	"gridbox/grid/launchpad"
	"gridbox/grid/scan"
)

// Controllers lists on e.Stdout the controllers play would use, how each
// was recognised and, for a Launchpad that answers one, its reply to a
// device inquiry; or why it could not look.
func Controllers(e *Env) error {
	scans, notes := e.controllerScans(nil)
	devs, err := hotplug.List(scans...)
	for _, d := range devs {
		model := d.Model
		if model == "" {
			model = "monome (size asked at connect)"
		}
		fmt.Fprintf(e.Stdout, "%-20s %s\n  found by %s", model, d.Port, d.Why)
		if m, perr := launchpad.ParseModel(d.Model); perr == nil && launchpad.AnswersInquiry(m) && e.Scans == nil {
			fmt.Fprintf(e.Stdout, "; %s", scan.Inquiry(d))
		}
		fmt.Fprintln(e.Stdout)
	}
	if len(devs) == 0 {
		fmt.Fprintln(e.Stdout, "no controllers found")
	}
	for _, n := range notes {
		fmt.Fprintf(e.Stdout, "note: %s\n", n)
	}
	if err != nil {
		fmt.Fprintf(e.Stdout, "note: %v\n", err)
	}
	return nil
}
