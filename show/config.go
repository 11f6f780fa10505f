package show

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"gridbox/config"
	"gridbox/engine"
	"gridbox/grid/hotplug"
	"gridbox/internal/safemode"
)

// The audio settings' limits, the same for flags and the config.
const (
	MinRate, MaxRate   = config.MinRate, config.MaxRate
	MinBlock, MaxBlock = config.MinBlock, config.MaxBlock
	MinLead, MaxLead   = config.MinLead, config.MaxLead
)

// applyConfig reads c's config file ("": the user's, config.Path(false),
// if there is one; else the defaults) and gives c's audio settings its
// values where c leaves them zero.
func applyConfig(c *PlayConfig) (*config.Config, error) {
	cfg := config.Default()
	file := c.ConfigFile
	if file == "" {
		file = config.Path(false) // Load returns the defaults when it is missing
	}
	if file != "" {
		loaded, err := config.Load(file)
		if err != nil {
			return nil, err
		}
		cfg = loaded
	}
	if c.Device == "" {
		c.Device = cfg.Audio.Device
	}
	if c.Rate == 0 {
		c.Rate = cfg.Audio.Rate
	}
	if c.InputDevice != "" {
		cfg.Audio.Input = c.InputDevice
	}
	if c.Block == 0 {
		c.Block = cfg.Audio.Block
	}
	if c.Lead == 0 {
		c.Lead = cfg.Audio.Lead
	}
	return cfg, nil
}

// chooseSet returns the set to play: the command line's, else the
// config's, where "last" is the set played last.
func chooseSet(set string, cfg *config.Config) (string, error) {
	if set != "" {
		return set, nil
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

// lastDir is where the last set played is remembered: the system's state
// directory for the system config, the user's otherwise.
func lastDir(cfg *config.Config) string {
	return config.LastDir(cfg.File == config.SystemPath)
}

// rememberSet records file as the set played last; a failure is worth a
// warning, not a stop.
func rememberSet(e *Env, cfg *config.Config, file string) {
	abs, err := filepath.Abs(file)
	if err == nil {
		err = config.RememberLast(lastDir(cfg), abs)
	}
	if err != nil {
		fmt.Fprintf(e.Stderr, "gridbox: could not remember the set played last: %v\n", err)
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
	e    *Env
	dir  string
	done bool
}

// checkSafeMode records this start of the config's set (fromConfig: the set
// was not named on the command line, as under the service) and reports
// whether it crashed gridbox too often to be loaded now. A set named on
// the command line always loads.
func checkSafeMode(e *Env, cfg *config.Config, file string, fromConfig bool) (*crashes, bool, error) {
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
		fmt.Fprintf(e.Stderr, "gridbox: could not record this start (safe mode): %v\n", err)
	}
	if safe {
		fmt.Fprintf(e.Stderr, "gridbox: SAFE MODE: %s\n", why)
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
		fmt.Fprintf(c.e.Stderr, "gridbox: %v\n", err)
	}
}
