package main

import (
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"gridbox/cmd/gridbox/internal/safemode"
	"gridbox/config"
	"gridbox/engine"
	"gridbox/grid/hotplug"
)

// applyConfig reads the config file ("": the user's, config.Path(false),
// if there is one; else the defaults) and gives the audio flags its values
// where the command line did not set them.
func applyConfig(fs *flag.FlagSet, file string, device *string, rate, block, lead *int) (*config.Config, error) {
	cfg := config.Default()
	if file == "" {
		file = config.Path(false) // Load returns the defaults when it is missing
	}
	if file != "" {
		c, err := config.Load(file)
		if err != nil {
			return nil, err
		}
		cfg = c
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["device"] && cfg.Audio.Device != "" {
		*device = cfg.Audio.Device
	}
	if !set["rate"] {
		*rate = cfg.Audio.Rate
	}
	if !set["block"] {
		*block = cfg.Audio.Block
	}
	if !set["lead"] {
		*lead = cfg.Audio.Lead
	}
	return cfg, nil
}

// lastDir is where the last set played is remembered: the system's state
// directory for the system config, the user's otherwise.
func lastDir(cfg *config.Config) string {
	return config.LastDir(cfg.File == config.SystemPath)
}

// chooseSet returns the set to play: the command line's, else the
// config's, where "last" is the set played last.
func chooseSet(pos []string, cfg *config.Config) (string, error) {
	if len(pos) > 0 {
		return pos[0], nil
	}
	if cfg.Set != config.SetLast {
		return cfg.Set, nil
	}
	last, err := config.Last(lastDir(cfg))
	if errors.Is(err, config.ErrNoLast) {
		return "", fmt.Errorf("no set to play: give one (gridbox play SET.toml), or name it in the config's \"set\"")
	}
	return last, err
}

// rememberSet records file as the set played last; a failure is worth a
// warning, not a stop.
func rememberSet(e *env, cfg *config.Config, file string) {
	abs, err := filepath.Abs(file)
	if err == nil {
		err = config.RememberLast(lastDir(cfg), abs)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "gridbox: could not remember the set played last: %v\n", err)
	}
}

// ignoring drops the devices a config's controllers.ignore names: a model
// ("launchpad-mk2"), or a port or part of its name ("/dev/ttyUSB0").
func ignoring(ignore []string, scan hotplug.Scan) hotplug.Scan {
	if len(ignore) == 0 {
		return scan
	}
	return func() ([]hotplug.Device, error) {
		devs, err := scan()
		kept := devs[:0:0]
		for _, d := range devs {
			if !ignored(ignore, d) {
				kept = append(kept, d)
			}
		}
		return kept, err
	}
}

func ignored(ignore []string, d hotplug.Device) bool {
	for _, x := range ignore {
		if x == d.Model || strings.Contains(d.Port, x) {
			return true
		}
	}
	return false
}

// crashes is the crash record of the set being played (package safemode);
// nil when the set was named on the command line.
type crashes struct {
	e    *env
	dir  string
	done bool
}

// checkSafeMode records this start of the config's set (fromConfig: the set
// was not named on the command line, as under the service) and reports
// whether it crashed gridbox too often to be loaded now. A set named on
// the command line always loads.
func checkSafeMode(e *env, cfg *config.Config, file string, fromConfig bool) (*crashes, bool, error) {
	if !fromConfig {
		return nil, false, nil
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, false, err
	}
	c := &crashes{e: e, dir: lastDir(cfg)}
	safe, why, err := safemode.Begin(c.dir, abs, time.Now())
	if err != nil {
		fmt.Fprintf(e.stderr, "gridbox: could not record this start (safe mode): %v\n", err)
	}
	if safe {
		fmt.Fprintf(e.stderr, "gridbox: SAFE MODE: %s\n", why)
	}
	return c, safe, nil
}

// survive clears the crash record once the set has played a while (pos
// past after) or gridbox exits cleanly (after 0). Session goroutine.
func (c *crashes) survive(pos, after engine.Frame) {
	if c == nil || c.done || pos < after {
		return
	}
	c.done = true
	if err := safemode.Survived(c.dir); err != nil {
		fmt.Fprintf(c.e.stderr, "gridbox: %v\n", err)
	}
}
