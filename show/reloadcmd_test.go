package show

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// gridbox reload finds the gridbox play processes by their command lines.
func TestPlayingFindsGridboxPlay(t *testing.T) {
	proc := t.TempDir()
	for pid, cmdline := range map[string]string{
		"101":  "gridbox\x00play\x00set.toml\x00",
		"102":  "/usr/local/bin/gridbox\x00play\x00--config\x00/etc/gridbox/config.toml\x00",
		"103":  "gridbox\x00render\x00set.toml\x00-o\x00x.wav\x00",
		"104":  "vim\x00gridbox\x00play\x00",
		"105":  "",
		"self": "gridbox\x00play\x00",
	} {
		os.MkdirAll(filepath.Join(proc, pid), 0o755)
		os.WriteFile(filepath.Join(proc, pid, "cmdline"), []byte(cmdline), 0o644)
	}
	os.MkdirAll(filepath.Join(proc, "106"), 0o755) // gone, or not ours to read
	pids, err := playing(proc)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(pids)
	if !slices.Equal(pids, []int{101, 102}) {
		t.Errorf("found %v, want [101 102]", pids)
	}
}
