package install

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// checkOptions checks every option that ends up in a generated file, so
// that none can add a line or a directive to the unit or the config: a
// newline in User would otherwise start a directive of its own
// ("pi\nExecStartPre=..."), a blank would split a path in two, and % and $
// are systemd's specifier and variable expansion. It reports every problem
// at once.
func checkOptions(opts Options) error {
	var errs []error
	if err := checkUser(opts.User); err != nil {
		errs = append(errs, err)
	}
	if err := checkUnitPath("binary", opts.Binary); err != nil {
		errs = append(errs, fmt.Errorf("%w: systemd runs ExecStart= with no working directory to be relative to", err))
	}
	if opts.Set != "" {
		if err := checkSet(opts.Set); err != nil {
			errs = append(errs, err)
		}
	}
	if err := checkRoot(opts.Root); err != nil {
		errs = append(errs, err)
	}
	if opts.MemLimit != 0 && opts.MemLimit < minMemLimit {
		errs = append(errs, fmt.Errorf("%w: memory limit %d bytes: want 0 (from the machine's memory) or at least %d MiB", ErrOption, opts.MemLimit, minMemLimit>>20))
	}
	return errors.Join(errs...)
}

// checkUser accepts the login names Debian's adduser and systemd both
// accept: a letter or '_' first, then letters, digits, '_', '-' and '.', at
// most 32 bytes. root is refused: the unit's hardening and limits are for
// an ordinary user, and a root service could do anything.
func checkUser(name string) error {
	if name == "" {
		return fmt.Errorf("%w: no user: name the login that runs the service, such as pi", ErrOption)
	}
	ok := len(name) <= 32
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.'):
		default:
			ok = false
		}
	}
	if !ok {
		return fmt.Errorf("%w: user %q: want a login name such as pi (letters, digits, '_', '-', '.'; a letter first)", ErrOption, name)
	}
	if name == "root" {
		return fmt.Errorf("%w: user root: the service runs as an ordinary user, with realtime limits instead of root's powers", ErrOption)
	}
	return nil
}

// checkUnitPath checks p for a place in the unit: an absolute, clean path
// of letters, digits and / . _ - + @ , ~ only. Anything else would need
// quoting or escaping in systemd's syntax, which is not worth the risk for
// paths that rarely need it.
func checkUnitPath(what, p string) error {
	if p == "" {
		return fmt.Errorf("%w: no %s path", ErrOption, what)
	}
	if !strings.HasPrefix(p, "/") {
		return fmt.Errorf("%w: %s %q is not an absolute path", ErrOption, what, p)
	}
	if path.Clean(p) != p || p == "/" {
		return fmt.Errorf("%w: %s %q: want a clean path to a file (no //, ., .. or trailing /)", ErrOption, what, p)
	}
	for _, r := range p {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("/._+@,~-", r):
		default:
			return fmt.Errorf("%w: %s %q contains %q: keep to letters, digits and / . _ - + @ , ~ (systemd would split or expand it)", ErrOption, what, p, r)
		}
	}
	return nil
}

// systemDirs are trees the set's folder may not be in: the service may
// write in that folder, and these belong to the system (or, for /tmp, are
// replaced by a private one for the service: PrivateTmp=).
var systemDirs = []string{"/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/run", "/sbin", "/sys", "/tmp", "/usr", "/var/tmp"}

// broadDirs are folders too broad to make writable for the set in them.
var broadDirs = []string{"/home", "/media", "/mnt", "/opt", "/root", "/srv", "/var", "/var/lib"}

// SetLast is the set that means "the set played last" (package
// gridbox/config), kept in /var/lib/gridbox/last.
const SetLast = "last"

// checkSet checks the set's path: SetLast, or a path the unit can hold, in
// a folder of its own that the service may be allowed to write in.
func checkSet(set string) error {
	if set == SetLast {
		return nil
	}
	if err := checkUnitPath("set", set); err != nil {
		return err
	}
	dir := path.Dir(set)
	for _, s := range systemDirs {
		if dir == s || strings.HasPrefix(dir, s+"/") {
			if s == "/tmp" || s == "/var/tmp" {
				return fmt.Errorf("%w: set %s: the service gets a private %s (PrivateTmp=) and would not see it", ErrOption, set, s)
			}
			return fmt.Errorf("%w: set %s: %s belongs to the system; put sets in a folder of their own, such as /home/USER/sets or %s/sets", ErrOption, set, s, StateDir)
		}
	}
	if dir == "/" || slices.Contains(broadDirs, dir) {
		return fmt.Errorf("%w: set %s: the service may write in the set's folder, and %s is too broad; put the set in a folder of its own", ErrOption, set, dir)
	}
	return nil
}

// checkRoot accepts "" (the running system) or an absolute directory.
func checkRoot(root string) error {
	if root != "" && !filepath.IsAbs(root) {
		return fmt.Errorf("%w: root %q is not an absolute path", ErrOption, root)
	}
	return nil
}

// lookupUser checks that the login exists on the target system and is not
// uid 0: through the system's user database on the running system, and by
// reading etc/passwd below any other root.
func lookupUser(opts Options, name string) error {
	uid := ""
	if opts.live() {
		u, err := user.Lookup(name)
		if err != nil {
			return fmt.Errorf("install: user %s: %w (create it with: sudo adduser %s)", name, err, name)
		}
		uid = u.Uid
	} else {
		f, err := dbEntry(opts.onRoot("/etc/passwd"), name)
		if err != nil {
			return fmt.Errorf("install: user %s: %w", name, err)
		}
		if len(f) > 2 {
			uid = f[2]
		}
	}
	if uid == "0" {
		return fmt.Errorf("install: user %s has uid 0: the service runs as an ordinary user", name)
	}
	return nil
}

// lookupGroup checks that a group exists on the target system, as
// lookupUser does for users. The unit names audio and dialout; systemd
// refuses to start a service whose groups do not exist.
func lookupGroup(opts Options, name string) error {
	if opts.live() {
		if _, err := user.LookupGroup(name); err != nil {
			return fmt.Errorf("install: group %s: %w", name, err)
		}
		return nil
	}
	if _, err := dbEntry(opts.onRoot("/etc/group"), name); err != nil {
		return fmt.Errorf("install: group %s: %w", name, err)
	}
	return nil
}

// errNoEntry reports a name missing from a passwd or group file.
var errNoEntry = errors.New("not found")

// dbEntry returns the ':'-separated fields of name's line in a passwd or
// group file.
func dbEntry(file, name string) ([]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w in %s (no such file)", errNoEntry, file)
		}
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		if len(f) > 0 && f[0] == name {
			return f, nil
		}
	}
	return nil, fmt.Errorf("%w in %s", errNoEntry, file)
}
