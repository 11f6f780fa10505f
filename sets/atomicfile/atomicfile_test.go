package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
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
