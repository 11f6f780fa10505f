package main

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"

	"gridbox/show/install"
)

// cmdInstall installs gridbox as a system service that plays at boot.
func cmdInstall(e *env, args []string) error {
	fs := newFlags(e, "install", "[--user NAME] [--set PATH] [--dry-run]",
		"Install makes this machine an instrument: a systemd service that starts gridbox play at boot\n(restarting it whatever happens), udev rules that give the Launchpads and monome grids to\nthe service's user, and /etc/gridbox/config.toml (only when there is none). Run it with sudo.\n--dry-run prints every file and command instead, and needs no root.")
	name := fs.String("user", defaultUser(), "the unprivileged `NAME` the service runs as")
	set := fs.String("set", "", "the set to play at boot: a `PATH`, or \"last\" for the set played last (default: the config's)")
	dry := fs.Bool("dry-run", false, "print what would be written and run; change nothing")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	opts, err := installOptions(*name, *set)
	if err != nil {
		return err
	}
	if *dry {
		return install.DryRun(opts, e.stdout)
	}
	if err := install.Install(opts, install.ExecRunner{Output: e.stderr}); err != nil {
		return installError(err)
	}
	fmt.Fprintf(e.stdout, "gridbox: installed and started the gridbox service as %s; follow it with: journalctl -fu gridbox\n", opts.User)
	return nil
}

// cmdUninstall removes the service and the udev rules, keeping the config,
// the state and the sets.
func cmdUninstall(e *env, args []string) error {
	fs := newFlags(e, "uninstall", "", "Uninstall stops and removes the gridbox service and its udev rules. The config\n(/etc/gridbox/config.toml), the saved state and the sets stay.")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if err := install.Uninstall(install.Options{}, install.ExecRunner{Output: e.stderr}); err != nil {
		return installError(err)
	}
	fmt.Fprintln(e.stdout, "gridbox: uninstalled the service; the config, the state and the sets are kept")
	return nil
}

func installOptions(name, set string) (install.Options, error) {
	bin, err := os.Executable()
	if err == nil {
		bin, err = filepath.EvalSymlinks(bin)
	}
	if err != nil {
		return install.Options{}, fmt.Errorf("cannot tell where this gridbox binary is: %w", err)
	}
	if set != "" && set != install.SetLast {
		if set, err = filepath.Abs(set); err != nil {
			return install.Options{}, err
		}
	}
	return install.Options{User: name, Set: set, Binary: bin}, nil
}

// defaultUser is who ran sudo, else the current user.
func defaultUser() string {
	if u := os.Getenv("SUDO_USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

func installError(err error) error {
	if errors.Is(err, install.ErrNotRoot) {
		return fmt.Errorf("%w (run it with sudo, or try --dry-run)", err)
	}
	return err
}
