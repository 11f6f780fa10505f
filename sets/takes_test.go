package sets

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
)

func TestTakesPath(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"live.toml", "live.takes.toml"},
		{"sets/live.toml", "sets/live.takes.toml"},
		{"/home/me/my.set.toml", "/home/me/my.set.takes.toml"},
		{"noext", "noext.takes.toml"},
	} {
		if got := TakesPath(tt.in); got != tt.want {
			t.Errorf("TakesPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// sampleTakes has a bit of everything a takes file holds: named, unnamed
// and same-named tracks, a track without takes before others, notes at
// beats that only an exact float survives, an audio clip with every key,
// and cleared slots.
func sampleTakes() *Takes {
	q := Duration{}
	return &Takes{Tracks: []TakeTrack{
		{Name: "Keys", Clips: []Clip{{
			Scene: 3, Loop: true, Length: Duration{N: 6, Unit: Beats},
			Notes: []Note{
				{At: 0, Len: 0.25, Key: 60, Vel: 100},
				{At: 0.1, Len: 1.0 / 3, Key: 0, Vel: 1},
				{At: 0.30000000000000004, Len: 1e-7, Key: 127, Vel: 127},
				{At: 5.999999999999999, Len: 40000, Key: 64, Vel: 64},
			},
		}}},
		{Name: "Keys"},
		{Name: "Keys", Clips: []Clip{{Scene: 0, Loop: true, Length: Duration{N: 2, Unit: Bars}, Notes: []Note{}}}, Cleared: []int{5, 1}},
		{Clips: []Clip{{
			Scene: 1023, Name: `a "take"\ é ` + "\x01\n", Sample: "samples/loop one.wav", Loop: true,
			Length: Duration{N: 3, Unit: Bars}, Gain: math.Inf(-1), Launch: Repeat, Quantize: &q, Legato: true,
			LoopFade: 0, RAM: true, Follow: &Follow{After: Duration{N: 2.5, Unit: Beats}, Action: Other, Other: Again, Chance: 0.125},
		}}},
		{Name: "Empty at the end"},
	}}
}

// stripTakes clears what FormatTakes does not write: positions and files.
func stripTakes(tk *Takes) *Takes {
	out := &Takes{}
	for _, tt := range tk.Tracks {
		tt.Pos = Pos{}
		clips := make([]Clip, len(tt.Clips))
		for i, c := range tt.Clips {
			c.Pos, c.SamplePos, c.File = Pos{}, Pos{}, ""
			clips[i] = c
		}
		if len(clips) == 0 {
			clips = nil
		}
		tt.Clips = clips
		out.Tracks = append(out.Tracks, tt)
	}
	return out
}

// TestTakes_RoundTrip: what FormatTakes writes, ParseTakes reads back to
// the same tracks and clips, notes at exactly the same beats; tracks
// after the last with takes are left out, cleared slots come back sorted.
func TestTakes_RoundTrip(t *testing.T) {
	in := sampleTakes()
	data := FormatTakes(in)
	got, err := ParseTakes("live.takes.toml", data)
	if err != nil {
		t.Fatalf("ParseTakes(FormatTakes(…)): %v\n%s", err, data)
	}
	want := stripTakes(in)
	want.Tracks = want.Tracks[:4]        // the last has no takes
	want.Tracks[2].Cleared = []int{1, 5} // written in scene order
	want.Tracks[3].Clips[0].Name = `a "take"\ é ` + "\x01\n"
	if g := stripTakes(got); !reflect.DeepEqual(g, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v\n%s", g, want, data)
	}
	for _, tt := range got.Tracks {
		for _, c := range tt.Clips {
			if c.File != "live.takes.toml" || c.Pos.Line == 0 {
				t.Errorf("clip in scene %d: File %q, Pos %v; want the takes file and a position", c.Scene, c.File, c.Pos)
			}
		}
	}
	if again := FormatTakes(got); string(again) != string(data) {
		t.Errorf("FormatTakes is not canonical:\n%s\nthen\n%s", data, again)
	}
}

// TestFormatTakes_Text: the file is readable: one note per line as an
// inline table, lengths in beats, empty slots as empty = true.
func TestFormatTakes_Text(t *testing.T) {
	got := string(FormatTakes(&Takes{Tracks: []TakeTrack{
		{},
		{Name: "Bass", Clips: []Clip{{Scene: 2, Loop: true, Length: Duration{N: 4, Unit: Beats}, Notes: []Note{{At: 1.5, Key: 60, Len: 0.25, Vel: 100}}}}, Cleared: []int{0}},
	}}))
	want := `
[[track]]

[[track]]
name = "Bass"

  [[track.clip]]
  scene = 0
  empty = true

  [[track.clip]]
  scene = 2
  length = 4
  notes = [
    { at = 1.5, key = 60, len = 0.25, vel = 100 },
  ]
`
	if _, body, _ := strings.Cut(got, "\n\n"); "\n"+body != want {
		t.Errorf("FormatTakes =\n%s\nwant (after the header comment)\n%s", got, want)
	}
}

func TestParseTakes_Malformed(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		want      []string
	}{
		{"set key", "tempo = 120\n[[track]]",
			[]string{`1:1: unknown key "tempo" in a takes file; a takes file holds only [[track]] tables (name, and [[track.clip]] tables): tempo belongs in the set file`}},
		{"track key", "[[track]]\nname = \"a\"\ninstrument = \"kit\"",
			[]string{`3:1: unknown key "instrument" in a takes file's [[track]]; a takes file holds only`}},
		{"audio track key", "[[track]]\nname = \"Guitar\"\ninput = \"1-2\"\nmonitor = \"in\"",
			[]string{`3:1: unknown key "input" in a takes file's [[track]]; a takes file holds only [[track]] tables (name, and [[track.clip]] tables): input belongs in the set file`,
				`4:1: unknown key "monitor" in a takes file's [[track]]; a takes file holds only`}},
		{"max_take", "max_take = 8\n[[track]]",
			[]string{`1:1: unknown key "max_take" in a takes file; a takes file holds only [[track]] tables (name, and [[track.clip]] tables): max_take belongs in the set file`}},
		{"empty slot with more", "[[track]]\nclip = [ { scene = 1, empty = true, notes = [] } ]",
			[]string{`2:37: unknown key "notes" in an empty slot; an empty slot has only scene and empty = true`}},
		{"empty slot without scene", "[[track]]\nclip = [ { empty = true } ]",
			[]string{`2:10: an empty slot needs a scene`}},
		{"empty type", "[[track]]\nclip = [ { scene = 1, empty = 1, sample = \"a.wav\" } ]",
			[]string{`2:31: empty: expected true or false, got number 1`}},
		{"same slot twice", "[[track]]\nclip = [ { scene = 1, empty = true }, { scene = 1, sample = \"a.wav\" } ]",
			[]string{`2:49: scene 1 already has a clip in this track, at line 2`}},
		{"scene range", "[[track]]\nclip = [ { scene = 1024, sample = \"a.wav\" } ]",
			[]string{`2:20: scene 1024 is out of range 0..1023`}},
		{"note past a length in beats", "[[track]]\nclip = [ { scene = 0, length = 2, notes = [ { at = 2, key = 1 } ] } ]",
			[]string{`2:52: note at 2 starts at or after the end of the clip (length 1/2 = 2 beats)`}},
		{"typo", "[[track]]\nclip = [ { scene = 0, sampel = \"a.wav\" } ]",
			[]string{`2:10: clip needs either sample`, `2:23: unknown key "sampel" in [[track.clip]]; did you mean "sample"?`}},
		{"syntax", "[[track]\n",
			[]string{`1:8: syntax error`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tk, err := ParseTakes("t.takes.toml", []byte(tt.src))
			if tk != nil || err == nil {
				t.Fatalf("ParseTakes = %v, %v; want only errors", tk, err)
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error %T is not Errors", err)
			}
			if len(es) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(es), len(tt.want), err)
			}
			for i, e := range es {
				if got := e.Error(); !strings.HasPrefix(got, "t.takes.toml:"+tt.want[i]) {
					t.Errorf("problem %d:\n got %s\nwant t.takes.toml:%s…", i, got, tt.want[i])
				}
			}
		})
	}
}

// TestLoadTakes_Samples: a take's missing sample is reported at its
// place in the takes file, next to the takes (as Load does for a set); a
// missing takes file is fs.ErrNotExist.
func TestLoadTakes_Samples(t *testing.T) {
	fsys := fstest.MapFS{
		"sets/live.takes.toml": {Data: []byte("[[track]]\nclip = [ { scene = 0, sample = \"a.wav\" }, { scene = 1, sample = \"gone.wav\" } ]\n")},
		"sets/a.wav":           {Data: []byte("RIFF")},
	}
	tk, err := LoadTakes(fsys, "sets/live.takes.toml")
	if tk == nil || err == nil || err.Error() != `sets/live.takes.toml:2:65: sample "gone.wav": file not found` || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("LoadTakes = %v, %v", tk, err)
	}
	if _, err := LoadTakes(fsys, "sets/none.takes.toml"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadTakes of a missing file: %v, want fs.ErrNotExist", err)
	}
}

const mergeSet = `
[[scene]]
name = "A"
[[scene]]
name = "B"
[[scene]]
name = "C"

[[track]]
name = "Drums"
instrument = "kit"
clip = [ { scene = 0, length = 4, notes = [ { at = 0, key = 36 } ] }, { scene = 1, sample = "beat.wav" } ]

[[track]]
name = "Keys"
instrument = "kit"

[[track]]
name = "Keys"
instrument = "kit"
clip = [ { scene = 2, sample = "pad.wav" } ]

[[track]]
name = "Audio"

[[instrument]]
name = "kit"
kind = "sampler"
zone = [ { key = 36, sample = "kick.wav" } ]
`

// TestMerge: takes replace clips in their slot, fill empty ones, add
// scenes, empty cleared slots, match the k-th track of a name to the k-th;
// what no longer fits the set is a warning, and the set itself is left as
// it was.
func TestMerge(t *testing.T) {
	set, err := Parse("live.toml", []byte(mergeSet))
	if err != nil {
		t.Fatal(err)
	}
	orig := string(Format(set))
	tk, err := ParseTakes("live.takes.toml", []byte(`
[[track]]
name = "Drums"
clip = [ { scene = 0, empty = true }, { scene = 1, length = "1 bar", notes = [ { at = 3.5, key = 36 }, { at = 4, key = 36 } ] } ]

[[track]]
name = "Keys"

[[track]]
name = "Keys"
clip = [ { scene = 2, length = 2, notes = [ { at = 1, key = 60 } ] }, { scene = 4, sample = "new.wav" } ]

[[track]]
name = "Keys"
clip = [ { scene = 0, sample = "x.wav" } ]

[[track]]
name = "Audio"
clip = [ { scene = 0, length = 4, notes = [] } ]

[[track]]
name = "Gone"
`))
	if err != nil {
		t.Fatal(err)
	}
	m, warnings := Merge(set, tk)
	if got := string(Format(set)); got != orig {
		t.Errorf("Merge changed the set:\n%s", got)
	}
	var ws []string
	for _, w := range warnings {
		ws = append(ws, w.Error())
	}
	wantW := []string{
		`live.takes.toml:4:39: warning: 1 note at or past the end of the clip (1 bar = 4 beats) not loaded`,
		`live.takes.toml:13:1: warning: the set has no track "Keys" any more: its takes are not loaded`,
		`live.takes.toml:19:10: warning: track "Audio" has no instrument: its note clip in scene 0 is silent until it has one`,
	}
	if !reflect.DeepEqual(ws, wantW) {
		t.Errorf("warnings:\n%s\nwant\n%s", strings.Join(ws, "\n"), strings.Join(wantW, "\n"))
	}
	if len(m.Scenes) != 5 || m.Scenes[3] != (Scene{}) || m.Scenes[4] != (Scene{}) || m.Scenes[2].Name != "C" {
		t.Errorf("scenes %+v; want A, B, C and two new ones", m.Scenes)
	}
	type slot struct {
		scene  int
		sample string
		notes  int
		file   string
	}
	slots := func(tr Track) (out []slot) {
		for _, c := range tr.Clips {
			out = append(out, slot{c.Scene, c.Sample, len(c.Notes), c.File})
		}
		return out
	}
	want := [][]slot{
		{{1, "", 1, "live.takes.toml"}},
		nil,
		{{2, "", 1, "live.takes.toml"}, {4, "new.wav", 0, "live.takes.toml"}},
		{{0, "", 0, "live.takes.toml"}},
	}
	for i := range want {
		if got := slots(m.Tracks[i]); !reflect.DeepEqual(got, want[i]) {
			t.Errorf("track %d: %+v, want %+v", i, got, want[i])
		}
	}
	refs := m.Samples()
	if len(refs) != 2 || refs[0].File != "live.toml" || refs[1].File != "live.takes.toml" || refs[1].Sample != "new.wav" || refs[1].Pos != (Pos{11, 93}) {
		t.Errorf("Samples = %+v; want kick.wav in the set, then new.wav in the takes", refs)
	}
	if m2, w := Merge(set, nil); m2 != set || w != nil {
		t.Errorf("Merge(set, nil) = %p, %v; want the set itself", m2, w)
	}
}

// stripSet clears what Format does not write: positions and files.
func stripSet(s *Set) {
	s.File = ""
	s.MIDI.Pos, s.MIDI.ClockInPos, s.MIDI.ClockOutPos = Pos{}, Pos{}, nil
	for i := range s.Scenes {
		s.Scenes[i].Pos = Pos{}
	}
	for i := range s.Tracks {
		tr := &s.Tracks[i]
		tr.Pos = Pos{}
		for j := range tr.Clips {
			c := &tr.Clips[j]
			c.Pos, c.SamplePos, c.File = Pos{}, Pos{}, ""
			if c.MIDI != nil {
				m := *c.MIDI
				m.Pos, m.TrackPos = Pos{}, Pos{}
				c.MIDI = &m
			}
		}
	}
	for i := range s.Instruments {
		in := &s.Instruments[i]
		in.Pos = Pos{}
		for j := range in.Zones {
			in.Zones[j].SamplePos = Pos{}
		}
	}
}

// TestFormat_RoundTrip: Parse(Format(set)) is the set, for the complete
// set, the demo and a merged set.
func TestFormat_RoundTrip(t *testing.T) {
	for _, file := range []string{"testdata/good.toml", "demo/demo.toml"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		set, err := Parse(file, data)
		if err != nil {
			t.Fatal(err)
		}
		out := Format(set)
		again, err := Parse("merged.toml", out)
		if err != nil {
			t.Fatalf("%s: Parse(Format(set)): %v\n%s", file, err, out)
		}
		stripSet(set)
		stripSet(again)
		if !reflect.DeepEqual(set, again) {
			t.Errorf("%s: round trip:\n got %+v\nwant %+v\n%s", file, again, set, out)
		}
	}
}

// TestSaveTakes writes atomically over a regular file, and replaces
// nothing else.
func TestSaveTakes(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "live.takes.toml")
	for _, data := range []string{"[[track]]\n", "[[track]]\nname = \"x\"\n"} {
		if err := SaveTakes(name, []byte(data)); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(name); string(got) != data {
			t.Errorf("file holds %q, want %q", got, data)
		}
	}
	fifo := filepath.Join(dir, "fifo.takes.toml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	folder := filepath.Join(dir, "folder.takes.toml")
	os.Mkdir(folder, 0o755)
	for _, n := range []string{fifo, folder} {
		if err := SaveTakes(n, []byte("x")); !errors.Is(err, ErrNotRegular) {
			t.Errorf("SaveTakes(%s) = %v, want ErrNotRegular", filepath.Base(n), err)
		}
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", fi, err)
	}
}

// A takes file may be bigger than a set file (a stage's recordings):
// one of 2 MiB loads; a set of that size does not; past MaxTakesSize,
// a takes file is refused too.
func TestTakesSizeLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("[[track]]\nname = \"Keys\"\n  [[track.clip]]\n  scene = 0\n  length = 4\n  notes = [\n")
	for b.Len() < 2<<20 {
		b.WriteString("    { at = 0, key = 60 },\n")
	}
	b.WriteString("  ]\n")
	fsys := fstest.MapFS{"set.takes.toml": {Data: []byte(b.String())}, "set.toml": {Data: []byte(b.String())}}
	tk, err := LoadTakes(fsys, "set.takes.toml")
	if err != nil {
		t.Fatalf("a 2 MiB takes file: %v", err)
	}
	if n := len(tk.Tracks[0].Clips[0].Notes); n < 50000 {
		t.Errorf("%d notes", n)
	}
	if _, err := Load(fsys, "set.toml"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a 2 MiB set: %v; want ErrTooLarge", err)
	}
	big := fstest.MapFS{"big.takes.toml": {Data: make([]byte, MaxTakesSize+1)}}
	_, err = LoadTakes(big, "big.takes.toml")
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "takes files are limited to 16 MiB") {
		t.Errorf("a takes file past the limit: %v", err)
	}
}
