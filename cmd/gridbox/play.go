package main

import (
	"flag"
	"slices"
	"strings"

	"gridbox/show"
)

func cmdPlay(e *env, args []string) error {
	fs := newFlags(e, "play", "[SET.toml] [flags]",
		"Play runs a set live on an audio device. Launchpads and monome grids are picked up when they\nare plugged in (gridbox controllers lists them). With --events it also performs the script in\nreal time; without, it plays what the controllers launch. It stops at the script's \"end\", after --seconds, or on Ctrl-C (SIGINT) or SIGTERM;\nSIGHUP (a closed terminal) is ignored.\nWhen the set file or a sample it uses is saved, play reloads the set without stopping the music\n(a set with errors is reported, and the last good version plays on); \"gridbox reload\" (SIGUSR1)\nreloads it at once.\nA one-line status shows bar.beat, tempo, playing clips, DSP load and underruns on a terminal;\nelsewhere (systemd) it logs plain lines, tells systemd when audio runs and pings its watchdog\nwhile audio is healthy. Without SET.toml it plays the --config's set (\"last\": the set played last).\nIf the sound card stops or goes, the music keeps time silently while play reopens it; if the\naudio system hangs, play saves its state and exits with status 4 (systemd then restarts it).")
	events := fs.String("events", "", "performance script `PERF.txt` to play in real time")
	backend := fs.String("audio", show.DefaultBackend, "audio `backend`: "+strings.Join(show.Backends(), ", "))
	device := fs.String("device", "", "output device: a `NAME` substring or an index from \"gridbox devices\" (portaudio)")
	inputDevice := fs.String("input-device", "", "audio input audio tracks record from: a `NAME` substring or an index from \"gridbox devices\", or \"none\" (default: the output device's own inputs; portaudio)")
	rate := fs.Int("rate", defaultRate, "sample `rate` in Hz, 8000 to 384000")
	block := fs.Int("block", defaultLiveBlock, "block size in `frames`, 16 to 8192 (latency: one block is 2.67 ms at 128/48000)")
	lead := fs.Int("lead", 2, "`blocks` rendered ahead of the device, 1 to 64, absorbing Go scheduling stalls (portaudio, null)")
	var seconds secondsValue
	fs.Var(&seconds, "seconds", "stop after `N` seconds, at most 86400 (24 hours); 0: run until the script ends or a signal")
	noWatch := fs.Bool("no-watch", false, "do not reload the set when its files change (gridbox reload still does)")
	verbose := fs.Bool("verbose", false, "on an audio error, also print what ALSA, JACK or PulseAudio said")
	ctrlLogFile := fs.String("controller-log", "", controllerLogUsage)
	midiLogFile := fs.String("midi-log", "", midiLogUsage)
	httpAddr := fs.String("http", "", "serve the browser view (the grid, status and sets, in a browser) on `ADDR`, host:port, or \"off\" (default: the config's http.listen, else 127.0.0.1:8080, this machine only; another address needs http.token)")
	configFile := fs.String("config", "", "read the audio settings, the set (a path or \"last\"), controllers to ignore and pins from `config.toml` (default: ~/.config/gridbox/config.toml, if there is one); flags given override it")
	pos, err := parseRange(fs, args, 0, 1)
	if err != nil {
		return err
	}
	set := ""
	if len(pos) > 0 {
		if set = pos[0]; set == "" {
			return usageError(fs, "the set's file name is empty")
		}
	}
	// Flags given are checked before the config is read: their mistakes
	// are the command line's (exit status 2); the config checks its own.
	for _, c := range []struct {
		name      string
		v, lo, hi int
		unit      string
	}{
		{"rate", *rate, show.MinRate, show.MaxRate, " Hz"},
		{"block", *block, show.MinBlock, show.MaxBlock, " frames"},
		{"lead", *lead, show.MinLead, show.MaxLead, " blocks"},
	} {
		if err := checkRange(fs, c.name, c.v, c.lo, c.hi, c.unit); err != nil {
			return err
		}
	}
	if err := checkSeconds(fs, &seconds); err != nil {
		return err
	}
	switch {
	case !slices.Contains(show.Backends(), *backend):
		return usageError(fs, "--audio %q: choose one of %s", *backend, strings.Join(show.Backends(), ", "))
	case *inputDevice != "" && *backend != "portaudio" && !strings.EqualFold(*inputDevice, "none"):
		return usageError(fs, "--input-device picks a PortAudio input; --audio %s has none", *backend)
	case *httpAddr != "" && !strings.EqualFold(*httpAddr, "off") && show.CheckListen(*httpAddr) != "":
		return usageError(fs, "--http %q: %s", *httpAddr, show.CheckListen(*httpAddr))
	case *device != "" && *backend != "portaudio":
		return usageError(fs, "--device picks a PortAudio output; --audio %s plays on the system's default output", *backend)
	}
	// The config gives what the command line does not.
	c := show.PlayConfig{Set: set, ConfigFile: *configFile, Events: *events, Backend: *backend,
		Verbose: *verbose, NoWatch: *noWatch, Seconds: seconds.v, Limit: seconds.String(), CtrlLog: *ctrlLogFile, MIDILog: *midiLogFile, HTTP: *httpAddr}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "device":
			c.Device = *device
		case "input-device":
			c.InputDevice = *inputDevice
		case "rate":
			c.Rate = *rate
		case "block":
			c.Block = *block
		case "lead":
			c.Lead = *lead
		}
	})
	return show.Play(e.show(), c)
}
