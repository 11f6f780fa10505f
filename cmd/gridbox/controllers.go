package main

import "gridbox/show"

// cmdControllers lists the controllers gridbox finds, and how it knows.
func cmdControllers(e *env, args []string) error {
	fs := newFlags(e, "controllers", "",
		"Controllers lists the Launchpads (by ALSA MIDI port name, confirmed by a device inquiry where\nthe model answers one) and monome grids (by serial port and USB serial) that gridbox play\nwould use, and says why it recognised each, or why it could not look.")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	return show.Controllers(e.show())
}
