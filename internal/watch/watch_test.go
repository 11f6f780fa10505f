package watch

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

// An editor's save in several writes is one change, reported once the
// writes have been quiet for the settle time, and changes not yet taken
// add up.
func TestSettle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSettler(150 * time.Millisecond)
		defer s.close()
		start := time.Now()
		for _, name := range []string{"b", "a", "b"} {
			s.add(name)
			time.Sleep(50 * time.Millisecond)
		}
		got := <-s.out
		if at := time.Since(start); !slices.Equal(got, []string{"a", "b"}) || at != 250*time.Millisecond {
			t.Errorf("got %q after %v, want [a b] 150 ms after the last write (250 ms)", got, at)
		}
		s.add("c")
		time.Sleep(time.Second) // settled, not taken
		s.add("a")
		time.Sleep(time.Second)
		if got := <-s.out; !slices.Equal(got, []string{"a", "c"}) {
			t.Errorf("two changes not taken between: %q, want [a c]", got)
		}
		select {
		case got := <-s.out:
			t.Errorf("a change without a write: %q", got)
		default:
		}
	})
}

// The ways editors save, on real files through inotify: each is reported
// as a change of that file (TestSettle shows, on virtual time, that a
// save is one change; a loaded machine may split one here); a file beside
// them that is not watched is never reported.
func TestEditorsSaves(t *testing.T) {
	dir := t.TempDir()
	set := filepath.Join(dir, "set.toml")
	sample := filepath.Join(dir, "samples", "kick.wav")
	later := filepath.Join(dir, "include.toml") // not there yet
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Dir(sample), 0o755)
	write(set, "a")
	write(sample, "RIFF")
	w, err := New(150 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Set([]string{set, sample, later, set}); err != nil {
		t.Fatal(err)
	}
	expect := func(what string, want ...string) {
		t.Helper()
		var seen []string
		for !slices.Equal(seen, want) {
			select {
			case got := <-w.Changes():
				for _, n := range got {
					if !slices.Contains(want, n) {
						t.Fatalf("%s: changed %q, want only %q", what, got, want)
					}
					if !slices.Contains(seen, n) {
						seen = append(seen, n)
					}
				}
				slices.Sort(seen)
			case <-time.After(10 * time.Second):
				t.Fatalf("%s: %q reported in 10 s, want %q", what, seen, want)
			}
		}
	}
	// vim, VS Code: a new file renamed over the old one.
	write(set+".tmp", "b")
	if err := os.Rename(set+".tmp", set); err != nil {
		t.Fatal(err)
	}
	expect("rename over", set)
	// nano, echo >: in place, in several writes.
	f, err := os.OpenFile(set, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{"name = ", `"x"`, "\n"} {
		f.WriteString(part)
		time.Sleep(20 * time.Millisecond)
	}
	f.Close()
	expect("in place", set)
	// A sample replaced and a file the set will include created: one change.
	write(sample, "RIFF2")
	write(later, "b")
	expect("sample and new file", later, sample)
	// Not watched: nothing.
	write(filepath.Join(dir, "notes.txt"), "x")
	select {
	case got := <-w.Changes():
		t.Errorf("an unwatched file reported: %q", got)
	case <-time.After(500 * time.Millisecond):
	}
	// Set replaces what is watched: the old set file no longer counts.
	if err := w.Set([]string{sample}); err != nil {
		t.Fatal(err)
	}
	write(set, "c")
	write(sample, "RIFF3")
	expect("after Set", sample)
}

// A folder that does not exist cannot be watched: Set says so.
func TestSetMissingFolder(t *testing.T) {
	w, err := New(time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Set([]string{filepath.Join(t.TempDir(), "no", "set.toml")}); err == nil {
		t.Error("Set of a file in a missing folder: no error")
	}
}
