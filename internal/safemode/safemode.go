// Package safemode keeps a set that crashes gridbox from crashing it for
// ever: under systemd's Restart=always, a set that brings the process down
// within a minute of loading would otherwise be reloaded every second.
//
// Each start of a set is recorded in a small file before the set loads;
// the record is cleared once the set has played a minute (Survived) or
// gridbox exits cleanly. Records left behind are crashes. After Crashes of
// them for the same set, Begin says to start in safe mode: audio and
// controllers come up, nothing of that set plays, and the reason is shown.
// A clean exit, or another set, starts afresh.
//
// The file is rewritten atomically (temp file, fsync, rename, fsync of the
// folder), so a crash while writing it leaves the old or the new record.
package safemode

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gridbox/internal/atomicfile"
)

const (
	// Crashes is how many crashes in a row of one set start safe mode.
	Crashes = 3
	// Window is how long a set must play before its start no longer counts
	// as a crash.
	Window = 60 * time.Second
	// File is the record's name in the state directory.
	File = "starts"
)

// Begin records a start of set (an absolute path) at now in dir and
// reports whether to start in safe mode, and why. An unreadable record
// counts as none: safe mode must never be what stops the music.
func Begin(dir, set string, now time.Time) (safe bool, why string, err error) {
	starts := read(filepath.Join(dir, File), set)
	if len(starts) >= Crashes {
		why = fmt.Sprintf("%s stopped gridbox %d times in a row within %.0f s of loading (last at %s): starting without it; play it again with gridbox play, or fix it and restart",
			set, len(starts), Window.Seconds(), starts[len(starts)-1].Format(time.RFC3339))
		// Safe mode does not add a record: the next start tries the set again.
		return true, why, write(dir, nil, set)
	}
	return false, "", write(dir, append(starts, now), set)
}

// Survived clears the record: the set has played long enough, or gridbox
// is exiting cleanly.
func Survived(dir string) error {
	err := os.Remove(filepath.Join(dir, File))
	if os.IsNotExist(err) {
		return nil
	}
	return err
}

// read returns the recorded starts of set; those of another set are
// dropped (a different set starts afresh).
func read(file, set string) []time.Time {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var out []time.Time
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		sec, path, ok := strings.Cut(sc.Text(), " ")
		n, err := strconv.ParseInt(sec, 10, 64)
		if !ok || err != nil || path != set {
			continue
		}
		out = append(out, time.Unix(n, 0))
	}
	return out
}

func write(dir string, starts []time.Time, set string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var b bytes.Buffer
	for _, t := range starts {
		fmt.Fprintf(&b, "%d %s\n", t.Unix(), set)
	}
	return atomicfile.Write(filepath.Join(dir, File), atomicfile.Options{Perm: 0o600, Temp: File + ".tmp*"}, func(f *os.File) error {
		_, err := f.Write(b.Bytes())
		return err
	})
}
