package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRememberLast_RoundTrip: what RememberLast writes, Last reads back,
// absolute; a second call replaces the first; the folder is created.
func TestRememberLast_RoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "gridbox") // not there yet
	if err := RememberLast(dir, "/home/pi/sets/live.toml"); err != nil {
		t.Fatal(err)
	}
	if got, err := Last(dir); err != nil || got != "/home/pi/sets/live.toml" {
		t.Fatalf("Last = %q, %v", got, err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "last"))
	if err != nil || string(data) != "/home/pi/sets/live.toml\n" {
		t.Errorf("the file holds %q, %v; want the path and a newline", data, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "last")); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("the file's mode is %v, %v; want 0644", fi.Mode(), err)
	}

	// A relative path is made absolute; odd characters survive.
	rel := filepath.Join("sets", "my set (2).toml")
	if err := RememberLast(dir, rel); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(rel)
	if got, err := Last(dir); err != nil || got != abs {
		t.Errorf("Last = %q, %v; want %q", got, err, abs)
	}
	assertOnly(t, dir, "last")
}

// TestRememberLast_InterruptedWrite: a write that died before its rename
// (simulated by leaving temporary files behind, one of them half written)
// leaves the last-set file as it was; the next RememberLast works, and
// clears the stale temporary file but not a fresh one, which may be
// another writer's.
func TestRememberLast_InterruptedWrite(t *testing.T) {
	dir := t.TempDir()
	if err := RememberLast(dir, "/sets/old.toml"); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, ".last-123.tmp")
	fresh := filepath.Join(dir, ".last-456.tmp")
	for _, name := range []string{stale, fresh} {
		if err := os.WriteFile(name, []byte("/sets/ne"), 0o600); err != nil { // torn: no newline
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}

	if got, err := Last(dir); err != nil || got != "/sets/old.toml" {
		t.Fatalf("after an interrupted write, Last = %q, %v; want the old path", got, err)
	}
	if err := RememberLast(dir, "/sets/new.toml"); err != nil {
		t.Fatal(err)
	}
	if got, err := Last(dir); err != nil || got != "/sets/new.toml" {
		t.Fatalf("Last = %q, %v; want the new path", got, err)
	}
	assertOnly(t, dir, ".last-456.tmp", "last")
}

// TestLast_NothingYet: with no file, Last says so with ErrNoLast (and
// fs.ErrNotExist), not with a path.
func TestLast_NothingYet(t *testing.T) {
	got, err := Last(t.TempDir())
	if got != "" || !errors.Is(err, ErrNoLast) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Last = %q, %v; want \"\" and ErrNoLast", got, err)
	}
	if !strings.HasPrefix(err.Error(), "config: no set played yet: open ") {
		t.Errorf("error %q", err)
	}
}

// TestLast_Damaged: a file that isn't one absolute path and a newline is an
// error, never a wrong path.
func TestLast_Damaged(t *testing.T) {
	for _, content := range []string{
		"",
		"\n",
		"/sets/live.toml", // torn: no newline
		"/sets/a.toml\n/sets/b.toml\n",
		"sets/live.toml\n", // relative
		"/sets/a\x00b.toml\n",
		"/" + strings.Repeat("x", MaxPathLen+10) + "\n",
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "last"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := Last(dir)
		want := "config: last set: " + filepath.Join(dir, "last") + " is damaged (want one absolute path and a newline); playing a set rewrites it"
		if got != "" || err == nil || err.Error() != want {
			t.Errorf("Last with %.30q = %q, %v", content, got, err)
		}
	}
}

// TestRememberLast_Refuses: paths that could not be read back are refused
// before anything is written.
func TestRememberLast_Refuses(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"", "/sets/a\nb.toml", "/sets/a\x00.toml", "/" + strings.Repeat("x", MaxPathLen)} {
		if err := RememberLast(dir, p); err == nil {
			t.Errorf("RememberLast(%.30q) succeeded", p)
		}
	}
	if err := RememberLast("", "/sets/live.toml"); err == nil {
		t.Error("RememberLast with no folder succeeded")
	}
	assertOnly(t, dir)
}

// assertOnly checks that dir holds exactly the files names.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

// TestLast_WhileRemembering: a reader running alongside the writer sees
// the old path or the new one, whole, every time.
func TestLast_WhileRemembering(t *testing.T) {
	dir := t.TempDir()
	paths := []string{"/sets/a.toml", "/sets/" + strings.Repeat("b", 200) + ".toml"}
	if err := RememberLast(dir, paths[0]); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		for i := range 50 {
			if err := RememberLast(dir, paths[i%2]); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			return
		default:
		}
		got, err := Last(dir)
		if err != nil || got != paths[0] && got != paths[1] {
			t.Fatalf("Last during writes = %q, %v", got, err)
		}
	}
}
