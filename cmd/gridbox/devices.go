package main

import "gridbox/show"

func cmdDevices(e *env, args []string) error {
	fs := newFlags(e, "devices", "", show.DevicesAbout)
	// A build without PortAudio takes the same flags, so that the same
	// command line gets its answer rather than a usage error.
	verbose := fs.Bool("verbose", false, "also print what ALSA and JACK said while PortAudio looked for devices")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	return show.Devices(e.show(), *verbose)
}
