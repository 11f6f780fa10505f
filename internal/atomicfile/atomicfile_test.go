package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestWriteFailsCleanly(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "x.conf")
	if err := os.Mkdir(name, 0o755); err != nil { // rename onto a folder fails
		t.Fatal(err)
	}
	if err := Write(name, Options{}, func(f *os.File) error { _, err := f.WriteString("x"); return err }); err == nil {
		t.Fatal("Write over a folder succeeded")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("%d entries left, want only the folder", len(ents))
	}
}

// A fill that fails leaves the old file as it was and no temporary file.
func TestFailedFillKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "x.conf")
	if err := os.WriteFile(name, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(name, Options{Temp: "x.*.part"}, func(f *os.File) error {
		f.WriteString("half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write: %v, want the fill's error", err)
	}
	if b, _ := os.ReadFile(name); string(b) != "old\n" {
		t.Errorf("the file holds %q after a failed write, want the old content", b)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "x.*.part")); len(m) != 0 {
		t.Errorf("temporary files left: %q", m)
	}
}

func TestRemove(t *testing.T) {
	name := filepath.Join(t.TempDir(), "x")
	if err := os.WriteFile(name, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Remove(name); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(name); err == nil {
		t.Error("file still there")
	}
	if err := Remove(name); err != nil {
		t.Errorf("removing a missing file: %v", err)
	}
}

func writeString(s string) func(f *os.File) error {
	return func(f *os.File) error { _, err := f.WriteString(s); return err }
}

func readString(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// entries returns the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// A symbolic link is written through: the file it leads to gets the new
// content (replaced beside itself) and the link stays a link; the same for
// a chain of two links in different folders, and a relative link.
func TestWriteThroughSymlinks(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	target := filepath.Join(other, "real.wav")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link1 := filepath.Join(dir, "link1")
	link2 := filepath.Join(dir, "link2")
	if err := os.Symlink(target, link1); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("link1", link2); err != nil { // relative, to another link
		t.Fatal(err)
	}
	for i, name := range []string{link1, link2} {
		want := fmt.Sprint("new", i)
		if err := Write(name, Options{}, writeString(want)); err != nil {
			t.Fatalf("Write(%s): %v", filepath.Base(name), err)
		}
		if got := readString(t, target); got != want {
			t.Errorf("through %s: the target holds %q, want %q", filepath.Base(name), got, want)
		}
		for _, l := range []string{link1, link2} {
			if fi, err := os.Lstat(l); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
				t.Errorf("%s is no longer a symbolic link (%v)", filepath.Base(l), err)
			}
		}
		if got := entries(t, other); len(got) != 1 {
			t.Errorf("the target's folder holds %q, want only real.wav", got)
		}
	}
	if got, err := Resolve(link2); err != nil || got != target {
		t.Errorf("Resolve(link2) = %q, %v; want %q", got, err, target)
	}
}

// A dangling link is written through too: its target is created.
func TestWriteThroughDanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "sub", "new.wav")
	if err := os.Mkdir(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink("sub/new.wav", link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, Options{}, writeString("x")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, target); got != "x" {
		t.Errorf("target holds %q", got)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced (%v)", err)
	}
}

func TestSymlinkLoop(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.Symlink("b", a); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a", b); err != nil {
		t.Fatal(err)
	}
	err := Write(a, Options{}, writeString("x"))
	if !errors.Is(err, syscall.ELOOP) {
		t.Fatalf("Write through a loop: %v, want ELOOP", err)
	}
	if got := entries(t, dir); len(got) != 2 {
		t.Errorf("folder holds %q", got)
	}
}

// Nothing that is not a regular file is replaced: a folder, a FIFO, a
// socket, and each of them behind a symbolic link.
func TestNeverReplacesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, c := range []struct {
		name string
		mode fs.FileMode
		desc string
	}{
		{fifo, fs.ModeNamedPipe, "a FIFO (named pipe)"},
		{folder, fs.ModeDir, "a folder"},
		{sock, fs.ModeSocket, "a socket"},
	} {
		link := c.name + ".link"
		if err := os.Symlink(filepath.Base(c.name), link); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{c.name, link} {
			err := Write(name, Options{}, writeString("x"))
			var nr *NotRegularError
			if !errors.Is(err, ErrNotRegular) || !errors.As(err, &nr) || nr.Path != c.name || !strings.Contains(err.Error(), c.desc) {
				t.Errorf("Write(%s): %v, want a NotRegularError naming %s", filepath.Base(name), err, c.desc)
			}
			if fi, err := os.Lstat(c.name); err != nil || fi.Mode().Type() != c.mode {
				t.Errorf("%s changed: %v %v", filepath.Base(c.name), fi.Mode(), err)
			}
		}
	}
	if got := entries(t, dir); len(got) != 6 {
		t.Errorf("folder holds %q, want the three files and their links only", got)
	}
}

// What appears at the name between Create and Commit and is not a regular
// file is not replaced either; the temporary file goes.
func TestCommitChecksAgain(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.wav")
	f, err := Create(name, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if err := syscall.Mkfifo(name, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("Commit over a FIFO that appeared: %v", err)
	}
	if fi, err := os.Lstat(name); err != nil || fi.Mode().Type() != fs.ModeNamedPipe {
		t.Errorf("the FIFO was replaced: %v %v", fi.Mode(), err)
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("folder holds %q, want only the FIFO", got)
	}
}

func TestAbortRemovesTheTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.wav")
	f, err := Create(name, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("half"); err != nil {
		t.Fatal(err)
	}
	f.Abort()
	f.Abort()
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("folder holds %q after Abort", got)
	}
	if err := f.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
}

func TestKeepLeavesAnExistingFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "x.conf")
	if err := Write(name, Options{Keep: true}, writeString("first")); err != nil {
		t.Fatal(err)
	}
	if err := Write(name, Options{Keep: true}, writeString("second")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, name); got != "first" {
		t.Errorf("Keep replaced the file: %q", got)
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("folder holds %q", got)
	}
}

func TestPermIgnoresTheUmask(t *testing.T) {
	name := filepath.Join(t.TempDir(), "x")
	if err := Write(name, Options{Perm: 0o640}, writeString("x")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(name); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v (%v), want 0640", fi.Mode(), err)
	}
}
