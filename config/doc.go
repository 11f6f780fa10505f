// Package config reads gridbox's own configuration file (issue 4): which set
// to play at start-up, the audio output, the controllers to leave alone, the
// footswitch and status light on the Pi's GPIO header, and where state files
// go. It also keeps the one-line "last" file that remembers the set played
// last. Like package sets it turns hand-written TOML into plain structs and
// reports every problem at once; nothing else in gridbox reads this file.
//
//	/etc/gridbox/config.toml ─────┐
//	~/.config/gridbox/config.toml ┴─Load(Path(system))──> *Config ──> cmd/gridbox
//	/var/lib/gridbox/last ──Last(dir)──> set path    (when set = "last")
//	RememberLast(dir, set) <── cmd/gridbox, once a set is playing
//
// # Threads
//
// Everything here runs on the control side, at start-up (SetLatencyOffset:
// when calibrating): Parse and Load allocate, and Load, Last, RememberLast
// and SetLatencyOffset do file I/O. A *Config is immutable once returned;
// share it freely. Parse never panics, whatever
// the input. RememberLast expects one writer per folder at a time (one
// gridbox); readers may run alongside it and see either the old path or the
// new one, never a mixture.
//
// # Where the files are
//
// A system service (gridbox.service, running as its own user) reads
// /etc/gridbox/config.toml, Path(true), and keeps the last set in
// /var/lib/gridbox/last, LastDir(true) (systemd's StateDirectory=gridbox
// creates that folder). A user run reads $XDG_CONFIG_HOME/gridbox/config.toml,
// or ~/.config/gridbox/config.toml when XDG_CONFIG_HOME is unset, Path(false),
// and keeps the last set in $XDG_STATE_HOME/gridbox/last, or
// ~/.local/state/gridbox/last, LastDir(false).
//
// The file is optional: when there is no file at the default path, Load
// returns Default(), and every key below is optional too. A path given on
// the command line must exist.
//
// # Errors
//
// Parse and Load return a sets.Errors, the same type as for set files, so
// `gridbox check` prints both alike: one problem per line, sorted by
// position, "FILE:LINE:COL: message" ("FILE: message" for the whole file).
// Lines and columns count from 1; columns count characters. Messages point
// at the offending value, or at the key for unknown keys:
//
//	config.toml:3:8: audio.rate 4410 is out of range 8000..384000
//	config.toml:9:1: unknown key "footswich" in [gpio]; did you mean "footswitch"?
//	config.toml:10:21: gpio.footswitch_action "stop": expected one of startstop, tap
//
// A syntax error, a file over 64 KiB, nesting deeper than sets.MaxDepth or
// text that is not UTF-8 stops Parse at the first problem; their errors wrap
// sets.ErrSyntax, sets.ErrTooLarge and sets.ErrTooDeep. Otherwise every
// problem is reported, up to 200.
//
// Pin names are checked for form only: whether GPIO17 exists, and is free,
// is found out when gridbox opens it. Use Config.Pos to point at the key
// then.
//
// # Config file reference
//
// A config file is TOML (https://toml.io), UTF-8, at most 64 KiB. Keys are
// lower case and spelt exactly as below; an unknown key is an error, with a
// suggestion, so a typo never passes silently. Word values such as "tap" may
// be written in any case. Here is every key, with its default:
//
//	set = "last"
//
//	[audio]
//	device = ""
//	rate = 48000
//	block = 128
//	lead = 2
//	input = ""
//	input_channels = 0
//	latency_offset = 0.0
//
//	[samples]
//	preload = 1.0
//	ram = false
//
//	[controllers]
//	ignore = []
//
//	[gpio]
//	footswitch = ""
//	footswitch_action = "startstop"
//	status_led = ""
//
//	[state]
//	dir = ""
//
//	[http]
//	listen = "127.0.0.1:8080"
//	token = ""
//	sets = ""
//
// Tables may come in any order, and may also be written as dotted keys
// (audio.rate = 44100) or inline (audio = { rate = 44100 }). A relative path
// is relative to the config file's folder. "~" is not expanded: write the
// whole path.
//
// # Top level
//
//	set  string  the set to play at start-up: a set file's path, or "last"
//	             for the set played last (see Last; a set file named "last"
//	             is written "./last"). Default "last". A set given on the
//	             command line wins.
//
// # [audio]: the sound output and input
//
//	device  string   which PortAudio output to use, as `gridbox devices`
//	                 lists them: its index, written as a number (2) or as
//	                 digits ("2"), or its name or part of it, ignoring case
//	                 ("USB", "hifiberry"; an exact name wins, otherwise the
//	                 lowest index that matches). Default "": the system's
//	                 default output.
//	rate    number   sample rate in Hz, 8000..384000. Default 48000.
//	block   number   frames per audio callback, 16..8192. Smaller is less
//	                 latency and more risk of dropouts: 128 frames at 48 kHz
//	                 is 2.67 ms. Default 128.
//	lead    number   how many blocks gridbox renders ahead of the device,
//	                 absorbing Go scheduling stalls, 1..64. Each block adds
//	                 its length to the latency. Default 2.
//	input   string   which PortAudio input to record from (a track's
//	                 input key in the set picks its channels), named as
//	                 device is: an index or (part of) a name. "none" for
//	                 no input. Default "": the output device's own inputs,
//	                 if it has any.
//	input_channels  number  how many of the input's channels to open,
//	                 from its first, 1..64. Default 0: all it has.
//	latency_offset  number  milliseconds added to the input and output
//	                 latencies the device reports, to line a recording up
//	                 with what the player heard: -1000..1000, may be
//	                 negative. `gridbox calibrate` measures it with a
//	                 loopback cable and writes it here (SetLatencyOffset:
//	                 the rest of the file is kept as it is). Default 0.
//
// # [samples]: how samples are held in memory
//
// A long sample that only audio clips play streams from disk as it plays:
// its first seconds (the preload) stay in memory, so that a clip starts at
// once, and the rest is read just ahead of where it plays. A set of
// full-length tracks then fits a small computer. Short samples, and those
// an instrument plays, are held whole.
//
//	preload  number  seconds of a streamed sample held in memory,
//	                 0.25..60; a sample longer than twice this streams.
//	                 More is safer on a slow SD card and costs memory.
//	                 Default 1.
//	ram      bool    hold every sample whole in memory: nothing streams (a
//	                 clip's own ram = true in the set does that for one
//	                 sample). Default false.
//
// # [controllers]: grids gridbox must leave alone
//
//	ignore  list     controllers gridbox must not open, as strings: a model
//	                 as `gridbox controllers` names it ("launchpad-mk2"), a
//	                 port ("/dev/ttyUSB0") or part of a port's name. At most
//	                 256, none empty. Default: none ([]): every controller
//	                 found is used.
//
// # [gpio]: the Pi's header
//
// Pins are named by their Broadcom GPIO number, "GPIO0".."GPIO27" (GPIO17 is
// header pin 11, GPIO27 is header pin 13), not by header pin number. The two
// keys must not name the same pin.
//
//	footswitch         string  the pin a footswitch is wired to; its
//	                           other side goes to ground (gridbox turns on
//	                           the pin's pull-up). Default "": no
//	                           footswitch.
//	footswitch_action  string  what a press of the footswitch does.
//	                           Default "startstop".
//	                             startstop  start the transport, or stop
//	                                        it if it is running
//	                             tap        tap the tempo
//	status_led         string  the pin a status LED is wired to, through
//	                           its resistor to ground. Default "": no
//	                           LED.
//
// # [state]: where state is kept
//
//	dir  string  the folder for the state files of the set being played
//	             (a read-only set folder needs this); each set's are named
//	             after its file name and a hash of its path, so sets of one
//	             name do not mix. Default "": beside the set file, where
//	             package state keeps it (the folder .gridbox-state in
//	             the set's folder). The "last" file is not a set's state:
//	             it lives in LastDir.
//
// # [http]: the browser view
//
//	listen  string  where "gridbox play" serves the browser view, as
//	                host:port: "127.0.0.1:8080" (the default) for this
//	                machine only, "0.0.0.0:8080" for every network it is
//	                on (a phone on the stage network); "off" for none.
//	token   string  what a browser must give first (the page asks for it
//	                once, and keeps it in a cookie), 8 to 128 printable
//	                characters without spaces. "gridbox install" writes a
//	                random one. Default "": none, which only a loopback
//	                listen allows; play makes one for the run otherwise,
//	                and shows it in the journal and on the grid.
//	sets    string  the folder whose sets the page lists and can switch
//	                to. Default "": the folder of the set playing.
//
// # The last-set file
//
// RememberLast writes the absolute path of the set now playing, followed by
// a newline, to the file "last" in the folder it is given, LastDir(system):
// /var/lib/gridbox/last for the system service, ~/.local/state/gridbox/last
// for a user run. It writes a temporary file beside it, syncs it, renames it
// over "last" and syncs the folder, so a power cut leaves either the old
// path or the new one. Last reads it back.
package config
