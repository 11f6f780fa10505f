//go:build unix

package install

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "a", "b.conf")
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	for _, content := range []string{"one\n", "two\n"} {
		if err := writeFile(name, []byte(content), 0o644, false); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(name)
		if err != nil || string(b) != content {
			t.Errorf("read %q, %v; want %q", b, err, content)
		}
		if fi, _ := os.Stat(name); fi.Mode().Perm() != 0o644 {
			t.Errorf("mode %v under umask 077, want 0644", fi.Mode())
		}
	}
	if err := writeFile(name, []byte("three\n"), 0o644, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(name); string(b) != "two\n" {
		t.Errorf("keep replaced the file with %q", b)
	}
	kept := filepath.Join(dir, "a", "new.conf")
	if err := writeFile(kept, []byte("new\n"), 0o600, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(kept); string(b) != "new\n" {
		t.Errorf("keep did not create an absent file: %q", b)
	}
	ents, err := os.ReadDir(filepath.Join(dir, "a"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 2 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %q, want b.conf and new.conf only (no temporary files)", names)
	}
}

func TestExecRunner(t *testing.T) {
	var out bytes.Buffer
	r := ExecRunner{Output: &out}
	if err := r.Run("sh", "-c", "echo fine"); err != nil || out.String() != "fine\n" {
		t.Errorf("Run: %v, output %q", err, out.String())
	}
	err := ExecRunner{}.Run("sh", "-c", "echo said; echo complained >&2; exit 3")
	if err == nil || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "said") || !strings.Contains(err.Error(), "complained") {
		t.Errorf("Run of a failing command: %v, want its status and output", err)
	}
	if err := (ExecRunner{}).Run("/nonexistent/gridbox-install-test"); err == nil {
		t.Error("Run of a missing command succeeded")
	}
}
