package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gridbox/sets"
)

// TestPath: the system path is fixed; a user's follows XDG_CONFIG_HOME,
// then HOME.
func TestPath(t *testing.T) {
	if got := Path(true); got != "/etc/gridbox/config.toml" {
		t.Errorf("Path(true) = %q", got)
	}
	t.Setenv("HOME", "/home/pi")
	t.Setenv("XDG_CONFIG_HOME", "/srv/conf")
	if got := Path(false); got != "/srv/conf/gridbox/config.toml" {
		t.Errorf("Path(false) with XDG_CONFIG_HOME = %q", got)
	}
	for _, xdg := range []string{"", "relative/conf"} { // unset, or relative: ignored
		t.Setenv("XDG_CONFIG_HOME", xdg)
		if got := Path(false); got != "/home/pi/.config/gridbox/config.toml" {
			t.Errorf("Path(false) with XDG_CONFIG_HOME=%q = %q", xdg, got)
		}
	}
	t.Setenv("HOME", "")
	if got := Path(false); got != "" {
		t.Errorf("Path(false) with no home = %q, want \"\"", got)
	}
}

// TestLastDir: the last-set file's folder, system and user.
func TestLastDir(t *testing.T) {
	if got := LastDir(true); got != "/var/lib/gridbox" {
		t.Errorf("LastDir(true) = %q", got)
	}
	t.Setenv("HOME", "/home/pi")
	t.Setenv("XDG_STATE_HOME", "")
	if got := LastDir(false); got != "/home/pi/.local/state/gridbox" {
		t.Errorf("LastDir(false) = %q", got)
	}
	t.Setenv("XDG_STATE_HOME", "/srv/state")
	if got := LastDir(false); got != "/srv/state/gridbox" {
		t.Errorf("LastDir(false) with XDG_STATE_HOME = %q", got)
	}
}

// TestLoad_MissingDefaultFile: no file at the default path means the
// defaults; no file anywhere else is an error.
func TestLoad_MissingDefaultFile(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	c, err := Load(Path(false))
	if err != nil {
		t.Fatalf("Load(%s) with no file: %v", Path(false), err)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("Load with no file = %+v, want Default()", c)
	}
	if c, err := Load(""); err != nil || !reflect.DeepEqual(c, Default()) {
		t.Errorf("Load(\"\") = %+v, %v; want Default()", c, err)
	}

	other := filepath.Join(t.TempDir(), "config.toml")
	c, err = Load(other)
	if c != nil || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load(%s) = %v, %v; want an error satisfying fs.ErrNotExist", other, c, err)
	}
	if want := other + ": cannot open the config file: no such file or directory"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// TestLoad_File: Load reads the file at the default path (or any other)
// and reports its problems against its name.
func TestLoad_File(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	file := Path(false)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("set = \"live.toml\"\n[audio]\nrate = 44100\n")
	c, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if c.File != file || c.Audio.Rate != 44100 || c.Set != filepath.Join(filepath.Dir(file), "live.toml") {
		t.Errorf("Load = %+v", c)
	}

	write("[audio]\nrate = 1\n")
	_, err = Load(file)
	if want := file + ":2:8: audio.rate 1 is out of range 8000..384000"; err == nil || err.Error() != want {
		t.Errorf("Load: %v, want %s", err, want)
	}

	write(strings.Repeat("#", MaxFileSize+1))
	_, err = Load(file)
	if !errors.Is(err, sets.ErrTooLarge) || err.Error() != file+": file is 65537 bytes; a config file is limited to 64 KiB" {
		t.Errorf("Load of an oversized file: %v", err)
	}
}

// TestLoad_NotAFile: a folder at the config path is an error, even at the
// default path.
func TestLoad_NotAFile(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	file := Path(false)
	if err := os.MkdirAll(file, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Load(file)
	if err == nil || err.Error() != file+": is a folder, not a config file" {
		t.Errorf("Load(folder) = %v", err)
	}
}
