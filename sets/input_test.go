package sets

import (
	"strings"
	"testing"
)

func TestParseInput(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Input
		err  string // a part of the error; "" for none
	}{
		{"none", Input{}, ""},
		{" NONE ", Input{}, ""},
		{"1", Input{First: 0, Channels: 1}, ""},
		{"2", Input{First: 1, Channels: 1}, ""},
		{"1-2", Input{First: 0, Channels: 2}, ""},
		{"3-4", Input{First: 2, Channels: 2}, ""},
		{"2-3", Input{First: 1, Channels: 2}, ""},
		{" 7 - 8 ", Input{First: 6, Channels: 2}, ""},
		{"064", Input{First: 63, Channels: 1}, ""},
		{"63-64", Input{First: 62, Channels: 2}, ""},
		{"1-3", Input{}, "3 channels; a track takes at most 2"},
		{"1-8", Input{}, "8 channels; a track takes at most 2"},
		{"2-1", Input{}, `write the lower channel first: "1-2"`},
		{"5-5", Input{}, `one channel is written "5"`},
		{"0", Input{}, "channels count from 1"},
		{"65", Input{}, "channel 65 is out of range 1..64"},
		{"99999999999999999999", Input{}, "channel 99999999999999999999 is out of range 1..64"},
		{"", Input{}, `expected "none", a channel such as "1"`},
		{"-1", Input{}, `expected "none"`},
		{"1-", Input{}, `expected "none"`},
		{"1-2-3", Input{}, `expected "none"`},
		{"+1", Input{}, `expected "none"`},
		{"1,2", Input{}, `expected "none"`},
		{"L", Input{}, `expected "none"`},
	} {
		got, err := ParseInput(tt.in)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("ParseInput(%q): %v", tt.in, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseInput(%q) = %v, %v; want an error with %q", tt.in, got, err, tt.err)
		case got != tt.want:
			t.Errorf("ParseInput(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		if err == nil && got.Channels > 0 {
			if again, err := ParseInput(got.String()); err != nil || again != got {
				t.Errorf("ParseInput(%q) = %+v, %v; want %+v", got.String(), again, err, got)
			}
		}
	}
}

func TestInput_String(t *testing.T) {
	for in, want := range map[Input]string{
		{}:                      "none",
		{First: 0, Channels: 1}: "1",
		{First: 2, Channels: 2}: "3-4",
	} {
		if got := in.String(); got != want {
			t.Errorf("%+v.String() = %q, want %q", in, got, want)
		}
	}
	if MonitorAuto.String() != "auto" || MonitorIn.String() != "in" || MonitorOff.String() != "off" || Monitor(7).String() != "Monitor(7)" {
		t.Error("Monitor.String spells them wrong")
	}
}

// TestParse_AudioTracks: a track's input, monitor and overdub_level come
// out as written, with their defaults when left out (and on an
// instrument track), and Format writes them back.
func TestParse_AudioTracks(t *testing.T) {
	src := `max_take = 64
[[scene]]
[[track]]
name = "Guitar"
input = "1"
[[track]]
name = "Synth"
input = "3-4"
monitor = "Off"
overdub_level = 0
[[track]]
name = "Mic"
input = 2
monitor = "in"
overdub_level = 0.75
  [[track.clip]]
  scene = 0
  sample = "takes/mic.wav"
[[track]]
name = "Keys"
input = "none"
instrument = "keys"
[[instrument]]
name = "keys"
kind = "sampler"
`
	s, err := Parse("live.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if s.Record.MaxTake != 64 {
		t.Errorf("MaxTake = %d, want 64", s.Record.MaxTake)
	}
	type audio struct {
		in  Input
		mon Monitor
		lvl float64
	}
	want := []audio{
		{Input{0, 1}, MonitorAuto, 1},
		{Input{2, 2}, MonitorOff, 0},
		{Input{1, 1}, MonitorIn, 0.75},
		{Input{}, MonitorAuto, 1},
	}
	for i, w := range want {
		tr := s.Tracks[i]
		if got := (audio{tr.Input, tr.Monitor, tr.OverdubLevel}); got != w {
			t.Errorf("track %s: input, monitor, overdub_level = %+v, want %+v", tr.Name, got, w)
		}
	}
	checkFormat(t, []byte(src))
	out := string(Format(s))
	for _, line := range []string{"max_take = 64\n", "input = \"3-4\"\nmonitor = \"off\"\noverdub_level = 0\n", "input = \"2\"\nmonitor = \"in\"\noverdub_level = 0.75\n"} {
		if !strings.Contains(out, line) {
			t.Errorf("Format wrote no %q:\n%s", line, out)
		}
	}
	if strings.Contains(out, `input = "none"`) {
		t.Errorf("Format wrote the default input:\n%s", out)
	}

	// A takes file's clips merge into an audio track and leave its input
	// alone.
	tk, err := ParseTakes("live.takes.toml", []byte("[[track]]\nname = \"Guitar\"\nclip = [ { scene = 0, sample = \"live.takes/take-1.wav\", loop = true, length = \"1 bar\" } ]\n"))
	if err != nil {
		t.Fatal(err)
	}
	m, warnings := Merge(s, tk)
	if len(warnings) > 0 {
		t.Fatalf("Merge: %v", warnings)
	}
	if g := m.Tracks[0]; g.Input != (Input{0, 1}) || g.OverdubLevel != 1 || len(g.Clips) != 1 || g.Clips[0].Sample != "live.takes/take-1.wav" {
		t.Errorf("merged track = %+v", g)
	}
}
