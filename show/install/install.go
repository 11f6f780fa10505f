package install

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gridbox/web"
)

// The files Install writes, as paths on the target system (below Root).
const (
	UnitPath   = "/etc/systemd/system/gridbox.service"
	RulesPath  = "/etc/udev/rules.d/70-gridbox.rules"
	ConfigPath = "/etc/gridbox/config.toml"
	// StateDir is the service's own writable directory (StateDirectory=);
	// Uninstall keeps it.
	StateDir = "/var/lib/gridbox"
)

const unitName = "gridbox.service"

var (
	// ErrNotRoot reports that Install or Uninstall was asked to change the
	// running system without root privileges.
	ErrNotRoot = errors.New("install: must run as root")
	// ErrOption reports an unusable Options field; the error names it.
	ErrOption = errors.New("install: bad option")
)

// Options says what to install and where.
type Options struct {
	// User is the login that runs the service, such as "pi". Not root.
	User string
	// Set is the absolute path of the set the service plays, written into
	// the config, or SetLast for the set played last. The service may
	// write in the set's folder (the set's state and recordings go beside
	// it). When the config already exists, "" means the set it names;
	// another set than the config's is refused, because the config is
	// never overwritten and the unit would let the service write in the
	// wrong folder.
	Set string
	// Binary is the absolute path of the gridbox binary the service runs.
	Binary string
	// Root is where the system lives: "" or "/" is the running system.
	// Any other absolute directory (a test's temporary directory, or an SD
	// card mounted elsewhere) receives the files below it, needs no root
	// privileges of its own, and gets the offline forms of the commands.
	Root string
	// MemLimit is the GOMEMLIMIT of the service in bytes, rounded down to
	// MiB; 0 means 3/4 of the physical memory of the machine running Plan
	// (MemTotal in /proc/meminfo). Set it when preparing a card for a Pi
	// with a different amount of memory. See memLimit in unit.go.
	MemLimit int64

	euid  func() int    // tests: the effective user id; nil means os.Geteuid
	token func() string // tests: the browser view's token for a new config; nil means web.NewToken
}

// A File is one file Install writes.
type File struct {
	Path    string      // on the target system, e.g. UnitPath
	Mode    fs.FileMode // permission bits
	Content []byte
	// Keep marks a file that is the user's once written (the config):
	// it is written only when absent and never replaced, even by a copy
	// that appears while Install runs.
	Keep bool
}

// A Command is one system command Install or Uninstall runs.
type Command struct {
	Name string
	Args []string
}

// String is the command as a shell would read it. Every argument is one of
// ours or an option checked to hold no blanks or quotes.
func (c Command) String() string {
	return strings.Join(append([]string{c.Name}, c.Args...), " ")
}

// A Runner runs a system command to completion. Run returns an error when
// the command cannot be started or exits with a non-zero status; the error
// should carry what the command printed. ExecRunner is the real one; tests
// record the commands instead.
type Runner interface {
	Run(name string, args ...string) error
}

// live reports whether opts target the running system.
func (o Options) live() bool { return o.Root == "" || o.Root == "/" }

// onRoot returns the host path of p, a path on the target system.
func (o Options) onRoot(p string) string {
	if o.live() {
		return p
	}
	return filepath.Join(o.Root, filepath.FromSlash(p))
}

func (o Options) geteuid() int {
	if o.euid != nil {
		return o.euid()
	}
	return os.Geteuid()
}

// plan is what Install would do; installCommands derives the commands.
type plan struct {
	files     []File
	kept      []string // files left as they are (the existing config)
	set       string   // the set played: opts.Set or the existing config's
	groups    []string // the service's supplementary groups
	reinstall bool     // the unit exists already
}

// Plan returns the files Install would write, in the order it writes them.
// It reads the target system only to leave out an existing config (and take
// its set when Options.Set is ""), and /proc/meminfo when MemLimit is 0.
// It changes nothing.
func Plan(opts Options) ([]File, error) {
	p, err := makePlan(opts)
	if err != nil {
		return nil, err
	}
	return p.files, nil
}

func makePlan(opts Options) (*plan, error) {
	if err := checkOptions(opts); err != nil {
		return nil, err
	}
	p := &plan{set: opts.Set}
	cfg, err := os.ReadFile(opts.onRoot(ConfigPath))
	switch {
	case err == nil:
		p.kept = append(p.kept, ConfigPath)
		cs, ok := configuredSet(cfg)
		if ok && cs != SetLast && !path.IsAbs(cs) {
			cs = path.Join(path.Dir(ConfigPath), cs) // as config reads it
		}
		switch {
		case !ok && opts.Set == "":
			return nil, fmt.Errorf("%w: no set given, and %s names none: pass the set, or add a line set = \"/path/to/set.toml\" to it", ErrOption, ConfigPath)
		case !ok:
			// A config edited beyond what configuredSet reads: trust
			// the caller's set for the unit.
		case opts.Set == "":
			if err := checkSet(cs); err != nil {
				return nil, fmt.Errorf("%w (the set in %s)", err, ConfigPath)
			}
			p.set = cs
		case cs != opts.Set:
			return nil, fmt.Errorf("%w: set %s, but %s (kept: it is yours) plays %s: edit its set line, or pass that set", ErrOption, opts.Set, ConfigPath, cs)
		}
	case errors.Is(err, fs.ErrNotExist):
		if opts.Set == "" {
			return nil, fmt.Errorf("%w: no set: name the set the service plays (an absolute path)", ErrOption)
		}
	default:
		return nil, fmt.Errorf("install: %w", err)
	}
	p.groups = []string{"audio", "dialout"}
	if lookupGroup(opts, "gpio") == nil {
		// Raspberry Pi OS gives /dev/gpiomem and /dev/gpiochip* to group
		// gpio: the footswitch and status LED (grid/gpio). Named only where
		// it exists: systemd refuses to start a service with a group
		// that does not.
		p.groups = append(p.groups, "gpio")
	}
	limit := opts.MemLimit
	if limit == 0 {
		limit = defaultMemLimit()
	}
	unit, err := unitText(opts.User, opts.Binary, p.set, p.groups, limit)
	if err != nil {
		return nil, err
	}
	p.files = []File{
		{Path: UnitPath, Mode: 0o644, Content: unit},
		{Path: RulesPath, Mode: 0o644, Content: []byte(rulesText)},
	}
	if len(p.kept) == 0 {
		p.files = append(p.files, File{Path: ConfigPath, Mode: 0o644, Content: configText(p.set, opts.newToken()), Keep: true})
	}
	if _, err := os.Stat(opts.onRoot(UnitPath)); err == nil {
		p.reinstall = true
	}
	return p, nil
}

// newToken makes the browser view's token for a new config.
func (o Options) newToken() string {
	if o.token != nil {
		return o.token()
	}
	return web.NewToken()
}

// installCommands are the commands Install runs after writing the files.
func installCommands(opts Options, groups []string, reinstall bool) []Command {
	g := strings.Join(groups, ",")
	if !opts.live() {
		return []Command{
			{"usermod", []string{"--root", opts.Root, "-aG", g, opts.User}},
			{"systemctl", []string{"--root=" + opts.Root, "enable", unitName}},
		}
	}
	cmds := []Command{
		{"udevadm", []string{"control", "--reload"}},
		{"udevadm", []string{"trigger", "--subsystem-match=usb", "--subsystem-match=sound", "--subsystem-match=tty"}},
		{"usermod", []string{"-aG", g, opts.User}},
		{"systemctl", []string{"daemon-reload"}},
		{"systemctl", []string{"enable", "--now", unitName}},
	}
	if reinstall {
		// enable --now leaves a running service alone: restart it so it
		// runs the new unit and binary.
		cmds = append(cmds, Command{"systemctl", []string{"try-restart", unitName}})
	}
	return cmds
}

// uninstallCommands are the commands Uninstall runs before (stop) and
// after (after) removing the files. stop is empty when the unit is gone.
func uninstallCommands(opts Options, unitExists bool) (stop, after []Command) {
	if !opts.live() {
		if unitExists {
			stop = []Command{{"systemctl", []string{"--root=" + opts.Root, "disable", unitName}}}
		}
		return stop, nil
	}
	if unitExists {
		stop = []Command{{"systemctl", []string{"disable", "--now", unitName}}}
	}
	return stop, []Command{
		{"systemctl", []string{"daemon-reload"}},
		{"udevadm", []string{"control", "--reload"}},
	}
}

// Install writes the files of Plan atomically (a crash leaves the old file
// or the new one) and runs the commands that take them into use, in the
// order the package documentation shows. It refuses to touch the running
// system without root privileges (ErrNotRoot), and checks before writing
// anything that the binary, the set, the user and the groups audio and
// dialout exist. An existing config is kept as it is. Running it again is
// safe: it brings a changed binary or unit into service.
func Install(opts Options, r Runner) error {
	if err := checkPrivileges(opts, "install"); err != nil {
		return err
	}
	p, err := makePlan(opts)
	if err != nil {
		return err
	}
	if err := preflight(opts, p.set); err != nil {
		return err
	}
	for _, f := range p.files {
		if err := writeFile(opts.onRoot(f.Path), f.Content, f.Mode, f.Keep); err != nil {
			return fmt.Errorf("install: %w", err)
		}
	}
	for _, c := range installCommands(opts, p.groups, p.reinstall) {
		if err := r.Run(c.Name, c.Args...); err != nil {
			return fmt.Errorf("install: %s: %w", c, err)
		}
	}
	return nil
}

// Uninstall stops and disables the service and removes the unit and the
// udev rules. It keeps what is the user's: the config, the state directory,
// the sets, and the user's membership of audio and dialout (which may
// predate gridbox). Uninstalling twice is not an error.
func Uninstall(opts Options, r Runner) error {
	if err := checkPrivileges(opts, "uninstall"); err != nil {
		return err
	}
	if err := checkRoot(opts.Root); err != nil {
		return err
	}
	_, err := os.Stat(opts.onRoot(UnitPath))
	stop, after := uninstallCommands(opts, err == nil)
	for _, c := range stop {
		if err := r.Run(c.Name, c.Args...); err != nil {
			return fmt.Errorf("uninstall: %s: %w", c, err)
		}
	}
	for _, p := range []string{UnitPath, RulesPath} {
		if err := removeFile(opts.onRoot(p)); err != nil {
			return fmt.Errorf("uninstall: %w", err)
		}
	}
	for _, c := range after {
		if err := r.Run(c.Name, c.Args...); err != nil {
			return fmt.Errorf("uninstall: %s: %w", c, err)
		}
	}
	return nil
}

// DryRun prints what Install would do, writing and running nothing: every
// file with its path, mode and content, the files it would keep, and the
// commands in order. When Install would refuse (a missing binary, set, user
// or group) it says so last and returns that error. It needs no root
// privileges.
func DryRun(opts Options, w io.Writer) error {
	p, err := makePlan(opts)
	if err != nil {
		return err
	}
	bw := &errWriter{w: w}
	where := "this system"
	if !opts.live() {
		where = opts.Root
	}
	bw.printf("# gridbox install, dry run on %s: nothing is written or run.\n", where)
	for _, f := range p.files {
		how := "write"
		if f.Keep {
			how = "write (only while absent; never replaced)"
		}
		bw.printf("\n# %s %s, mode %04o:\n", how, f.Path, f.Mode.Perm())
		bw.write(f.Content)
	}
	for _, k := range p.kept {
		bw.printf("\n# keep %s as it is (it exists and is yours)\n", k)
	}
	bw.printf("\n# then run:\n")
	for _, c := range installCommands(opts, p.groups, p.reinstall) {
		bw.printf("%s\n", c)
	}
	perr := preflight(opts, p.set)
	if perr != nil {
		bw.printf("\n# install would refuse: %v\n", perr)
	}
	if bw.err != nil {
		return bw.err
	}
	return perr
}

// checkPrivileges refuses to change the running system as another user
// than root.
func checkPrivileges(opts Options, verb string) error {
	if opts.live() && opts.geteuid() != 0 {
		return fmt.Errorf("%w: %s writes in /etc and runs systemctl, udevadm and usermod; try: sudo gridbox %s", ErrNotRoot, verb, verb)
	}
	return nil
}

// preflight checks, on the target system, what the service needs and the
// unit cannot check: that the binary and the set are there and the user
// and the groups exist. It catches a service that would only fail to start,
// again every second.
func preflight(opts Options, set string) error {
	var errs []error
	if fi, err := os.Stat(opts.onRoot(opts.Binary)); err != nil {
		errs = append(errs, fmt.Errorf("install: binary %s: %w", opts.Binary, err))
	} else if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		errs = append(errs, fmt.Errorf("install: binary %s is not an executable file", opts.Binary))
	}
	// SetLast is whatever was played last; gridbox reports it if it is gone.
	if set != SetLast {
		if fi, err := os.Stat(opts.onRoot(set)); err != nil {
			errs = append(errs, fmt.Errorf("install: set %s: %w (write one with: gridbox new DIR)", set, err))
		} else if fi.IsDir() {
			errs = append(errs, fmt.Errorf("install: set %s is a directory: name the set's .toml file", set))
		}
	}
	if err := lookupUser(opts, opts.User); err != nil {
		errs = append(errs, err)
	}
	for _, g := range []string{"audio", "dialout"} {
		if err := lookupGroup(opts, g); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// errWriter keeps the first write error so DryRun can print without
// checking each line.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func (e *errWriter) write(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}
