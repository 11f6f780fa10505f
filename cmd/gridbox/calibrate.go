package main

import "gridbox/show"

// cmdCalibrate measures the rig's latency_offset through a loopback cable
// and writes it into the config.
func cmdCalibrate(e *env, args []string) error {
	fs := newFlags(e, "calibrate", "[flags]", show.CalibrateAbout)
	device := fs.String("device", "", "output device: a `NAME` substring or an index from \"gridbox devices\" (default: the config's)")
	input := fs.String("input-device", "", "input device: a `NAME` substring or an index from \"gridbox devices\" (default: the config's, else the output device's)")
	channel := fs.Int("channel", 1, "the input channel `N` the cable from the output goes into, from 1")
	dry := fs.Bool("dry-run", false, "measure and print; do not write the config")
	configFile := fs.String("config", "", "the config `file` to read the audio settings from and write latency_offset into (default: ~/.config/gridbox/config.toml, created if missing)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if err := checkRange(fs, "channel", *channel, 1, show.MaxInputChannel, ""); err != nil {
		return err
	}
	_, err := show.Calibrate(e.show(), show.CalibrateConfig{ConfigFile: *configFile, Device: *device, Input: *input, Channel: *channel, DryRun: *dry})
	return err
}
