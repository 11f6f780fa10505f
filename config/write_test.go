package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gridbox/sets"
)

// TestSetLatencyOffset: the offset lands in [audio] wherever the file
// has it, or has [audio], or has neither, and every other line stays as
// it was.
func TestSetLatencyOffset(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		offset    time.Duration
		want      string
	}{
		{"replaces the value", "# rig\n[audio]\nrate = 44100\nlatency_offset = -12.5   # old\n[gpio]\nfootswitch = \"GPIO17\"\n", 3250 * time.Microsecond,
			"# rig\n[audio]\nrate = 44100\nlatency_offset = 3.25   # old\n[gpio]\nfootswitch = \"GPIO17\"\n"},
		{"replaces an integer", "[audio]\nlatency_offset=7", -time.Second,
			"[audio]\nlatency_offset=-1000"},
		{"under the header", "set = \"live.toml\"\n\n[audio]   # the Scarlett\ndevice = \"USB\"\n", 1500 * time.Microsecond,
			"set = \"live.toml\"\n\n[audio]   # the Scarlett\nlatency_offset = 1.5\ndevice = \"USB\"\n"},
		{"header on the last line", "[audio]", time.Millisecond,
			"[audio]\nlatency_offset = 1\n"},
		{"a new table", "set = \"live.toml\"", 0,
			"set = \"live.toml\"\n\n[audio]\nlatency_offset = 0\n"},
		{"a new table after one", "[gpio]\nfootswitch = \"GPIO4\"\n", 5 * time.Nanosecond,
			"[gpio]\nfootswitch = \"GPIO4\"\n\n[audio]\nlatency_offset = 0.000005\n"},
		{"an empty file", "", -2 * time.Millisecond,
			"[audio]\nlatency_offset = -2\n"},
		{"in an inline table, after non-ASCII text", "audio = { device = \"Händl Ü\", latency_offset = 1 }\n", 2 * time.Millisecond,
			"audio = { device = \"Händl Ü\", latency_offset = 2 }\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "config.toml")
			if err := os.WriteFile(file, []byte(tt.src), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := SetLatencyOffset(file, tt.offset); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("wrote\n%s\nwant\n%s", got, tt.want)
			}
			if c, err := Load(file); err != nil || c.Audio.LatencyOffset != tt.offset {
				t.Errorf("Load = %+v, %v; want latency_offset %v", c, err, tt.offset)
			}
			if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("the file's mode is %v, %v; want 0600 kept", fi.Mode(), err)
			}
		})
	}
}

// TestSetLatencyOffset_NewFile: a missing config file is created, its
// folder too.
func TestSetLatencyOffset_NewFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "gridbox", "config.toml")
	if err := SetLatencyOffset(file, -7250*time.Microsecond); err != nil {
		t.Fatal(err)
	}
	c, err := Load(file)
	if err != nil || c.Audio.LatencyOffset != -7250*time.Microsecond || c.Pos("audio.latency_offset") != (sets.Pos{Line: 2, Col: 18}) {
		t.Fatalf("Load = %+v, %v", c, err)
	}
}

// TestSetLatencyOffset_Refuses: a file that does not parse, an [audio]
// the writer cannot add to, and an offset out of range are errors, and
// the file is left alone.
func TestSetLatencyOffset_Refuses(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		offset    time.Duration
		err       string
	}{
		{"broken file", "[audio]\nrate = 4410\n", time.Millisecond, "config.toml:2:8: audio.rate 4410 is out of range"},
		{"inline table", "audio = { rate = 44100 }\n", time.Millisecond, "[audio] is written as an inline table or dotted keys: add latency_offset = 1 to it by hand"},
		{"dotted keys", "audio.rate = 44100\n", time.Millisecond, "add latency_offset = 1 to it by hand"},
		{"out of range", "", 1001 * time.Millisecond, "1.001s is out of range -1s..1s"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "config.toml")
			if err := os.WriteFile(file, []byte(tt.src), 0o644); err != nil {
				t.Fatal(err)
			}
			err := SetLatencyOffset(file, tt.offset)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("SetLatencyOffset = %v, want an error with %q", err, tt.err)
			}
			if tt.name == "broken file" {
				var es sets.Errors
				if !errors.As(err, &es) {
					t.Errorf("error %T is not sets.Errors", err)
				}
			}
			if got, _ := os.ReadFile(file); string(got) != tt.src {
				t.Errorf("the file changed to\n%s", got)
			}
		})
	}
}
