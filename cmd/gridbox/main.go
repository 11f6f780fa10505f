// Command gridbox is a live clip-launching instrument: an Ableton-Live-style
// Session View that runs headless, plays a TOML set through a realtime
// engine, and renders it offline to WAV.
//
// Usage:
//
//	gridbox play SET.toml [--events PERF.txt] [--audio portaudio|oto|null] [--device NAME] [--rate 48000] [--block 128] [--seconds N]
//	gridbox render SET.toml [--events PERF.txt] -o OUT.wav|- [--rate 48000] [--seconds N] [--format f32|s24|s16] [--keep-going]
//	gridbox check SET.toml
//	gridbox takes merge SET.toml
//	gridbox reload
//	gridbox devices
//	gridbox calibrate [--device NAME] [--input-device NAME] [--channel N] [--dry-run] [--config FILE]
//	gridbox new DIR
//	gridbox import SONG.mid -o DIR [--font FILE.sf2] [--force]
//
// Run "gridbox CMD --help" for each command's flags.
//
// Exit status: 0 on success, 1 on an error (for check: a problem in the set),
// 2 on a command-line mistake (a flag value out of range included), 3 when
// no audio output device is usable, 4 when play stopped because only a new
// process can play again (a call into the audio backend blocked for 2 s, oto
// lost its sound server, or PortAudio's JACK server died), 130 or 143 when
// render was stopped by SIGINT or SIGTERM.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"gridbox/show"
)

// A command is one of gridbox's subcommands.
type command struct {
	name, args, summary string
	run                 func(e *env, args []string) error
}

// env is what a command runs with: its output streams, and the show's
// hooks (tests swap them).
type env struct {
	stdout, stderr io.Writer
	stderrTTY      bool // stderr is a terminal: draw progress and status lines
	hooks          show.Hooks
}

// show returns the show's Env of e.
func (e *env) show() *show.Env {
	return &show.Env{Stdout: e.stdout, Stderr: e.stderr, TTY: e.stderrTTY, Hooks: e.hooks}
}

// errUsage reports a command-line mistake; the usage has been printed.
var errUsage = errors.New("usage")

// exitError makes run exit with code without printing anything more.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

var commands []command

func init() {
	commands = []command{
		{"play", "SET.toml [flags]", "play a set live on an audio device", cmdPlay},
		{"render", "SET.toml -o OUT.wav [flags]", "render a set offline to a WAV file", cmdRender},
		{"check", "SET.toml", "check a set file and its samples, reporting every problem", cmdCheck},
		{"takes", "merge SET.toml", "fold the takes recorded on stage into SET.merged.toml", cmdTakes},
		{"reload", "", "make the gridbox playing reload its set now", cmdReload},
		{"devices", "", "list audio output devices and MIDI ports", cmdDevices},
		{"calibrate", "[--channel N] [--dry-run]", "measure the input latency through a loopback cable; write it to the config", cmdCalibrate},
		{"controllers", "", "list the Launchpads and monome grids gridbox finds, and why", cmdControllers},
		{"new", "DIR", "write a starter set with its samples into DIR", cmdNew},
		{"import", "SONG.mid -o DIR", "write a set that plays a MIDI file into DIR", cmdImport},
		{"install", "[--user NAME] [--set PATH]", "make this machine an instrument: a service that plays at boot", cmdInstall},
		{"uninstall", "", "remove the service (keeps config, state and sets)", cmdUninstall},
	}
}

func main() {
	os.Exit(run(os.Args[1:], processEnv()))
}

func run(args []string, e *env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			return run([]string{args[1], "--help"}, e)
		}
		usage(e.stdout)
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(e, args[1:])
			var x exitError
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			case errors.As(err, &x):
				return x.code
			case errors.Is(err, show.ErrRestart):
				// Distinct, for systemd's journal and for tests: the
				// service restarts and resumes the saved state.
				fmt.Fprintf(e.stderr, "gridbox %s: %v\n", c.name, err)
				return 4
			case errors.Is(err, show.ErrNoDevice):
				// One plain sentence naming the fix; exit 3 lets scripts
				// (make run) fall back to rendering.
				fmt.Fprintf(e.stderr, "gridbox %s: %v\n", c.name, err)
				return 3
			}
			fmt.Fprintf(e.stderr, "gridbox %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(e.stderr, "gridbox: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "gridbox is a live clip launcher: it plays a TOML set through a sample-accurate engine.\n\nUsage:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  gridbox %-11s %-28s %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintf(w, "\nRun \"gridbox COMMAND --help\" for a command's flags.\n")
}

// newFlags returns a flag set for command name that prints its usage to
// e.stderr.
func newFlags(e *env, name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: gridbox %s %s\n\n%s\n", name, args, about)
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintf(w, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parse parses flags that may come before, between or after the positional
// arguments, and checks that exactly want positional arguments were given.
func parse(fs *flag.FlagSet, args []string, want int) ([]string, error) {
	return parseRange(fs, args, want, want)
}

// parseRange is parse for least..most positional arguments.
func parseRange(fs *flag.FlagSet, args []string, least, most int) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) < least || len(pos) > most {
		if len(pos) < least {
			fmt.Fprintf(fs.Output(), "gridbox %s: missing argument\n", fs.Name())
		} else {
			fmt.Fprintf(fs.Output(), "gridbox %s: unexpected argument %q\n", fs.Name(), pos[most])
		}
		fs.Usage()
		return nil, errUsage
	}
	return pos, nil
}
