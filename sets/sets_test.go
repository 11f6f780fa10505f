package sets

import (
	"errors"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"gridbox/internal/tomlpos"
	"gridbox/music"
)

func TestParse_CompleteSet(t *testing.T) {
	data, err := os.ReadFile("testdata/good.toml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse("testdata/good.toml", data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := &Set{
		File:          "testdata/good.toml",
		Name:          "Demo",
		Tempo:         120,
		TimeSignature: TimeSignature{4, 4},
		Quantize:      Duration{1, Bars},
		Key:           mustKey(t, "D dorian"),
		Record:        Record{CountIn: Duration{2, Bars}, Quantize: Duration{0.5, Beats}, MetronomeVolume: -12, MaxTake: 16},
		MIDI: MIDI{ClockOut: []string{"TR-8", "Launchpad"}, ClockIn: "MPC", Pos: Pos{89, 1},
			ClockOutPos: []Pos{{90, 14}, {90, 22}}, ClockInPos: Pos{91, 12}},
		Scenes: []Scene{
			{Name: "Intro", Tempo: 124, Pos: Pos{14, 1}},
			{Name: "Verse", Pos: Pos{18, 1}},
		},
		Tracks: []Track{
			{
				Name:         "Drums",
				Color:        Color{0xff, 0x40, 0x00},
				Instrument:   "kit",
				Key:          mustKey(t, "D dorian"),
				OverdubLevel: 1,
				Pos:          Pos{21, 1},
				Clips: []Clip{
					{
						Scene:     0,
						Name:      "Beat A",
						Sample:    "samples/beat.wav",
						SamplePos: Pos{31, 12},
						Loop:      true,
						Length:    Duration{1, Bars},
						Launch:    Trigger,
						Quantize:  &Duration{1, Beats},
						LoopFade:  DefaultLoopFade,
						Follow:    &Follow{After: Duration{4, Bars}, Action: Next, Other: Stop, Chance: 1},
						Pos:       Pos{28, 3},
					},
					{
						Scene:  1,
						Loop:   true,
						Length: Duration{1, Bars},
						Notes: []Note{
							{At: 0, Len: 0.25, Key: 36, Vel: 100},
							{At: 1, Len: 0.25, Key: 38, Vel: 90},
						},
						Pos: Pos{40, 3},
					},
				},
			},
			{
				Name:         "Bass",
				Color:        DefaultColor(1),
				Volume:       math.Inf(-1),
				Pan:          -0.5,
				Key:          mustKey(t, "A minor pentatonic"),
				OverdubLevel: 1,
				Pos:          Pos{46, 1},
				Clips: []Clip{{
					Scene:     1,
					Sample:    "samples/bass.wav",
					SamplePos: Pos{54, 12},
					Length:    Duration{6, Beats},
					Gain:      -3,
					Launch:    Toggle,
					Quantize:  &Duration{},
					Legato:    true,
					LoopFade:  DefaultLoopFade,
					Follow:    &Follow{After: Duration{2.5, Beats}, Action: Other, Other: FollowNone, Chance: 0.25},
					Pos:       Pos{52, 3},
				}},
			},
			{
				Name:         "Guitar",
				Color:        DefaultColor(2),
				Key:          mustKey(t, "D dorian"),
				Input:        Input{First: 2, Channels: 2},
				Monitor:      MonitorIn,
				OverdubLevel: 0.5,
				Pos:          Pos{66, 1},
			},
		},
		Instruments: []Instrument{{
			Name: "kit",
			Kind: "sampler",
			Pos:  Pos{72, 1},
			Zones: []Zone{
				{Key: 36, Low: 36, High: 36, Root: 36, Sample: "samples/kick.wav", SamplePos: Pos{78, 12}},
				{Key: 54, Low: 48, High: 60, Root: 54, Sample: "samples/tom.wav", SamplePos: Pos{85, 12}, Gain: -6.5, Gate: true},
			},
		}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse(good.toml) =\n%+v\nwant\n%+v", got, want)
		for i := range min(len(got.Tracks), len(want.Tracks)) {
			if !reflect.DeepEqual(got.Tracks[i], want.Tracks[i]) {
				t.Errorf("track %d:\n got %+v\nwant %+v", i, got.Tracks[i], want.Tracks[i])
			}
		}
	}

	if got.BeatsPerBar() != 4 {
		t.Errorf("BeatsPerBar = %v, want 4", got.BeatsPerBar())
	}
	if in := got.Instrument("kit"); in == nil || in.Name != "kit" {
		t.Errorf(`Instrument("kit") = %v`, in)
	}
	if in := got.Instrument("nope"); in != nil {
		t.Errorf(`Instrument("nope") = %v, want nil`, in)
	}
	if c := got.Tracks[0].Clip(1); c == nil || !c.IsNotes() {
		t.Errorf("Tracks[0].Clip(1) = %v, want the note clip", c)
	}
	if c := got.Tracks[0].Clip(0); c == nil || c.IsNotes() {
		t.Errorf("Tracks[0].Clip(0) = %v, want the audio clip", c)
	}
	if c := got.Tracks[1].Clip(0); c != nil {
		t.Errorf("Tracks[1].Clip(0) = %v, want nil (empty slot)", c)
	}
}

// mustKey returns the key s.
func mustKey(t *testing.T, s string) music.Key {
	t.Helper()
	k, err := music.ParseKey(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestParse_PlayDefaults: a set without the keys of playing and recording
// on the grid gets their documented defaults, and a track without a scale
// has the set's.
func TestParse_PlayDefaults(t *testing.T) {
	s, err := Parse("s.toml", []byte("[[track]]\n[[track]]\nscale = \"f# Harmonic  Minor\""))
	if err != nil {
		t.Fatal(err)
	}
	want := Record{CountIn: Duration{1, Bars}, Quantize: Duration{0.25, Beats}, Length: Duration{1, Bars}, Metronome: true, MetronomeVolume: -6, MaxTake: 32}
	if s.Record != want || s.Record != DefaultRecord() {
		t.Errorf("Record = %+v, want %+v", s.Record, want)
	}
	if !reflect.DeepEqual(s.Key, mustKey(t, "C major")) || s.Key.String() != "C major" {
		t.Errorf("Key = %v, want C major", s.Key)
	}
	if got := s.Tracks[0].Key.String(); got != "C major" {
		t.Errorf("track 0 key = %v, want the set's, C major", got)
	}
	if got := s.Tracks[1].Key.String(); got != "F# harmonic minor" {
		t.Errorf("track 1 key = %v, want F# harmonic minor", got)
	}

	s, err = Parse("s.toml", []byte("scale = \"Eb\"\ncount_in = \"None\"\nrecord_quantize = \"none\"\nfixed_length = \"16 bars\"\nmetronome_volume = \"-inf\"\nmax_take = 8.0\n[[track]]"))
	if err != nil {
		t.Fatal(err)
	}
	want = Record{Length: Duration{16, Bars}, Metronome: true, MetronomeVolume: math.Inf(-1), MaxTake: 8}
	if s.Record != want {
		t.Errorf("Record = %+v, want %+v", s.Record, want)
	}
	if got := s.Tracks[0].Key.String(); got != "D# major" {
		t.Errorf("track 0 key = %v, want the set's, D# major", got)
	}
}

func TestSet_Samples(t *testing.T) {
	data, err := os.ReadFile("testdata/good.toml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("sets/good.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	want := []SampleRef{
		{Path: "sets/samples/beat.wav", Pos: Pos{31, 12}, Owner: `track "Drums" clip "Beat A"`, Sample: "samples/beat.wav", File: "sets/good.toml"},
		{Path: "sets/samples/bass.wav", Pos: Pos{54, 12}, Owner: `track "Bass" clip in scene 1`, Sample: "samples/bass.wav", File: "sets/good.toml"},
		{Path: "sets/samples/kick.wav", Pos: Pos{78, 12}, Owner: `instrument "kit" zone 36`, Sample: "samples/kick.wav", File: "sets/good.toml"},
		{Path: "sets/samples/tom.wav", Pos: Pos{85, 12}, Owner: `instrument "kit" zone 48..60`, Sample: "samples/tom.wav", File: "sets/good.toml"},
	}
	if got := s.Samples(); !reflect.DeepEqual(got, want) {
		t.Errorf("Samples() =\n%+v\nwant\n%+v", got, want)
	}
}

// TestSamples_FileOrder: instruments written before tracks come first.
func TestSamples_FileOrder(t *testing.T) {
	src := `
[[instrument]]
name = "k"
kind = "sampler"
zone = [ { key = 1, sample = "z.wav" } ]
[[scene]]
[[track]]
clip = [ { scene = 0, sample = "./a/../c.wav" } ]
`
	s, err := Parse("set.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range s.Samples() {
		got = append(got, r.Pos.String()+" "+r.Path+" "+r.Owner)
	}
	want := []string{`5:30 z.wav instrument "k" zone 1`, `8:32 c.wav track 1 clip in scene 0`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Samples() = %q, want %q", got, want)
	}
}

func TestParse_Defaults(t *testing.T) {
	src := `
[[scene]]
[[scene]]
[[track]]
instrument = "keys"
  [[track.clip]]
  scene = 0
  sample = "a.wav"
  follow = { after = 4, action = "again" }
  [[track.clip]]
  scene = 1
  length = 4
  notes = [ { at = 0, key = 60 } ]
[[track]]
[[instrument]]
name = "keys"
kind = "Sampler"
  [[instrument.zone]]
  key = 60
  sample = "c4.wav"
`
	s, err := Parse("sets/My Set.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("Name", s.Name, "My Set")
	check("Tempo", s.Tempo, 120.0)
	check("TimeSignature", s.TimeSignature, TimeSignature{4, 4})
	check("Quantize", s.Quantize, Duration{1, Bars})
	check("Scenes[0]", s.Scenes[0], Scene{Pos: Pos{2, 1}})
	tr := s.Tracks[0]
	check("Color[0]", tr.Color, DefaultColor(0))
	check("Color[1]", s.Tracks[1].Color, DefaultColor(1))
	check("Volume", tr.Volume, 0.0)
	check("Pan", tr.Pan, 0.0)
	audio, notes := tr.Clips[0], tr.Clips[1]
	check("audio Loop", audio.Loop, false)
	check("note Loop", notes.Loop, true)
	check("audio Length", audio.Length.IsZero(), true)
	check("Launch", audio.Launch, Trigger)
	check("Quantize", audio.Quantize, (*Duration)(nil))
	check("Legato", audio.Legato, false)
	check("Gain", audio.Gain, 0.0)
	check("Follow", *audio.Follow, Follow{After: Duration{4, Beats}, Action: Again, Other: FollowNone, Chance: 1})
	check("note Follow", notes.Follow, (*Follow)(nil))
	check("Note", notes.Notes, []Note{{At: 0, Len: DefaultNoteLen, Key: 60, Vel: DefaultNoteVel}})
	check("Kind", s.Instruments[0].Kind, "sampler")
	check("Zone", s.Instruments[0].Zones[0], Zone{Key: 60, Low: 60, High: 60, Root: 60, Sample: "c4.wav", SamplePos: Pos{20, 12}})
}

func TestParse_EmptySet(t *testing.T) {
	for _, src := range []string{"", "# nothing\n", "\uFEFFname = \"bom\"\n"} {
		s, err := Parse("empty.toml", []byte(src))
		if err != nil {
			t.Errorf("Parse(%q): %v", src, err)
			continue
		}
		if len(s.Scenes)+len(s.Tracks)+len(s.Instruments) != 0 {
			t.Errorf("Parse(%q) = %+v, want an empty set", src, s)
		}
	}
}

func TestParse_TimeSignatureAndBars(t *testing.T) {
	src := `
time_signature = [7, 8]
quantize = "2 bars"
[[scene]]
[[track]]
instrument = "i"
clip = [ { scene = 0, length = "1 bar", notes = [ { at = 3.25, key = 1 } ] } ]
[[instrument]]
name = "i"
kind = "sampler"
`
	s, err := Parse("s.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.BeatsPerBar(); got != 3.5 {
		t.Errorf("BeatsPerBar = %v, want 3.5", got)
	}
	if got := s.Quantize.Beats(s.BeatsPerBar()); got != 7 {
		t.Errorf("Quantize.Beats = %v, want 7", got)
	}
	// 3.5 is the end of a 7/8 bar, so a note there is out.
	_, err = Parse("s.toml", []byte(strings.Replace(src, "3.25", "3.5", 1)))
	if err == nil || !strings.Contains(err.Error(), "7:58: note at 3.5 starts at or after the end of the clip (length 1 bar = 3.5 beats)") {
		t.Errorf("note at 3.5 in a 7/8 bar: got %v", err)
	}
}

func TestParse_OverlappingZonesLayer(t *testing.T) {
	src := `
[[instrument]]
name = "i"
kind = "sampler"
zone = [
  { low = 0, high = 127, root = 60, sample = "pad.wav" },
  { key = 36, sample = "kick.wav" },
  { key = 36, sample = "click.wav", gate = true },
]
`
	s, err := Parse("s.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	in := s.Instrument("i")
	var got []string
	for _, z := range in.ZonesFor(36) {
		got = append(got, z.Sample)
	}
	if want := []string{"pad.wav", "kick.wav", "click.wav"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ZonesFor(36) = %q, want %q", got, want)
	}
	if zs := in.ZonesFor(61); len(zs) != 1 || zs[0].Sample != "pad.wav" || zs[0].Root != 60 || zs[0].Key != 60 {
		t.Errorf("ZonesFor(61) = %+v, want the pad zone", zs)
	}
}

func TestParseDuration(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Duration
		ok   bool
	}{
		{"none", Duration{}, true},
		{"None", Duration{}, true},
		{"1/32", Duration{0.125, Beats}, true},
		{"1/16", Duration{0.25, Beats}, true},
		{"1/8", Duration{0.5, Beats}, true},
		{"1/4", Duration{1, Beats}, true},
		{"1/2", Duration{2, Beats}, true},
		{"1/1", Duration{4, Beats}, true},
		{"1 bar", Duration{1, Bars}, true},
		{"1 bars", Duration{1, Bars}, true},
		{" 2  Bars ", Duration{2, Bars}, true},
		{"16 bars", Duration{16, Bars}, true},
		{"4bars", Duration{4, Bars}, true},
		{"10000 bars", Duration{10000, Bars}, true},
		{"10001 bars", Duration{}, false},
		{"0 bars", Duration{}, false},
		{"-1 bars", Duration{}, false},
		{"1.5 bars", Duration{}, false},
		{"1/3", Duration{}, false},
		{"1/2 bar", Duration{}, false},
		{"2", Duration{}, false},
		{"bars", Duration{}, false},
		{"", Duration{}, false},
	} {
		got, err := ParseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestDuration(t *testing.T) {
	for _, tt := range []struct {
		d     Duration
		bpb   float64
		beats float64
		str   string
	}{
		{Duration{}, 4, 0, "none"},
		{Duration{0.25, Beats}, 3, 0.25, "1/16"},
		{Duration{4, Beats}, 3, 4, "1/1"},
		{Duration{2.5, Beats}, 4, 2.5, "2.5 beats"},
		{Duration{3, Beats}, 4, 3, "3 beats"},
		{Duration{1, Bars}, 3.5, 3.5, "1 bar"},
		{Duration{4, Bars}, 3, 12, "4 bars"},
	} {
		if got := tt.d.Beats(tt.bpb); got != tt.beats {
			t.Errorf("%v.Beats(%v) = %v, want %v", tt.d, tt.bpb, got, tt.beats)
		}
		if got := tt.d.String(); got != tt.str {
			t.Errorf("String() = %q, want %q", got, tt.str)
		}
		if tt.d.IsZero() != (tt.str == "none") {
			t.Errorf("%v.IsZero() = %v", tt.d, tt.d.IsZero())
		}
	}
}

func TestError_Format(t *testing.T) {
	for _, tt := range []struct {
		e    Error
		want string
	}{
		{Error{File: "s.toml", Pos: Pos{3, 7}, Msg: "m"}, "s.toml:3:7: m"},
		{Error{File: "s.toml", Pos: Pos{3, 0}, Msg: "m"}, "s.toml:3: m"},
		{Error{File: "s.toml", Msg: "m"}, "s.toml: m"},
		{Error{Pos: Pos{3, 7}, Msg: "m"}, "3:7: m"},
	} {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	es := Errors{{File: "f", Pos: Pos{1, 2}, Msg: "a"}, {File: "f", Pos: Pos{2, 0}, Msg: "b", Err: os.ErrNotExist}}
	if got, want := es.Error(), "f:1:2: a\nf:2: b"; got != want {
		t.Errorf("Errors.Error() = %q, want %q", got, want)
	}
	var err error = es
	if !errors.Is(err, os.ErrNotExist) {
		t.Error("errors.Is(Errors, os.ErrNotExist) = false, want true")
	}
	var e *Error
	if !errors.As(err, &e) || e.Msg != "a" {
		t.Errorf("errors.As(Errors, *Error) = %v", e)
	}
}

func TestSortErrors_CapsAndSorts(t *testing.T) {
	var es Errors
	for i := maxReported + 10; i > 0; i-- {
		es = append(es, &Error{File: "f", Pos: Pos{i, 1}, Msg: "x"})
	}
	es = append(es, &Error{File: "f", Pos: Pos{5, 1}, Msg: "x"}) // a duplicate
	es = sortErrors(es)
	if len(es) != maxReported+1 {
		t.Fatalf("len = %d, want %d", len(es), maxReported+1)
	}
	for i := 1; i < maxReported; i++ {
		if !es[i-1].Pos.before(es[i].Pos) {
			t.Fatalf("not sorted at %d: %v, %v", i, es[i-1], es[i])
		}
	}
	if got, want := es[maxReported].Error(), "f:201:1: too many problems; 10 more not shown"; got != want {
		t.Errorf("last = %q, want %q", got, want)
	}
}

func TestSuggest(t *testing.T) {
	keys := []string{"name", "tempo", "time_signature", "quantize", "scene", "track", "instrument"}
	for in, want := range map[string]string{
		"tempp":                  "tempo",
		"Tempo":                  "tempo",
		"tmepo":                  "tempo",
		"scenes":                 "scene",
		"instrumnet":             "instrument",
		"time_sig":               "time_signature",
		"timesignature":          "time_signature",
		"bpm":                    "",
		"x":                      "",
		"quantise":               "quantize",
		"trakc":                  "track",
		"colour":                 "",
		strings.Repeat("a", 100): "",
	} {
		if got := suggest(in, keys); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
	if got := suggest("velocity", []string{"at", "key", "len", "vel"}); got != "vel" {
		t.Errorf(`suggest("velocity") = %q, want "vel"`, got)
	}
}

// TestDocExample: the complete set in the package documentation (which the
// README copies) parses.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(doc), "Here is a complete set:\n//\n")
	if !ok {
		t.Fatal("doc.go: no complete set")
	}
	var src strings.Builder
	for _, line := range strings.Split(after, "\n") {
		if line != "//" && !strings.HasPrefix(line, "//\t") {
			break
		}
		src.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "//"), "\t") + "\n")
	}
	s, err := Parse("doc.toml", []byte(src.String()))
	if err != nil {
		t.Fatalf("the documented set does not parse:\n%v\n%s", err, src.String())
	}
	if len(s.Tracks) != 2 || len(s.Tracks[0].Clips) != 2 || s.Tracks[1].Input != (Input{0, 2}) || len(s.Instruments[0].Zones) != 2 {
		t.Errorf("the documented set parsed as %+v", s)
	}
}

// TestDecode_NoteLimit: 100,001 notes don't fit in a 1 MiB file, so the cap
// is tested on decoded values.
func TestDecode_NoteLimit(t *testing.T) {
	notes := make([]any, MaxNotes+1)
	for i := range notes {
		notes[i] = map[string]any{"at": int64(0), "key": int64(36)}
	}
	raw := map[string]any{
		"scene": []map[string]any{{}},
		"track": []map[string]any{{
			"instrument": "i",
			"clip":       []map[string]any{{"scene": int64(0), "length": int64(4), "notes": notes}},
		}},
		"instrument": []map[string]any{{"name": "i", "kind": "sampler"}},
	}
	d := &decoder{}
	s := d.decodeSet("s.toml", raw)
	if ps := d.probs.Resolve(tomlpos.NewIndex(false), maxReported); len(ps) != 1 || ps[0].Msg != "too many notes in one clip: 100001; the limit is 100000" {
		t.Errorf("errors = %+v", ps)
	}
	if n := len(s.Tracks[0].Clips[0].Notes); n != MaxNotes {
		t.Errorf("kept %d notes, want %d", n, MaxNotes)
	}
}

func TestDefaultColor(t *testing.T) {
	if DefaultColor(8) != DefaultColor(0) || DefaultColor(-1) != DefaultColor(7) || DefaultColor(math.MinInt) == (Color{}) {
		t.Error("DefaultColor does not cycle through the palette")
	}
	if got := DefaultColor(0).String(); got != "#e8453c" {
		t.Errorf("DefaultColor(0) = %s", got)
	}
}

// A midi instrument names its port by a substring, as written, and its
// channel (1 when not given); Format writes both back.
func TestParse_MIDIInstrument(t *testing.T) {
	src := "[[instrument]]\nname = \"synth\"\nkind = \"midi\"\nport = \"MicroFreak\"\nchannel = 10\n" +
		"[[instrument]]\nname = \"bass\"\nkind = \"midi\"\nport = \"USB MIDI\"\n"
	s, err := Parse("s.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a, b := s.Instruments[0], s.Instruments[1]
	if a.Kind != "midi" || a.Port != "MicroFreak" || a.Channel != 10 || b.Port != "USB MIDI" || b.Channel != 1 {
		t.Errorf("got %+v and %+v", a, b)
	}
	again, err := Parse("s.toml", Format(s))
	if err != nil {
		t.Fatalf("%v\n%s", err, Format(s))
	}
	if x, y := again.Instruments[0], again.Instruments[1]; x.Port != a.Port || x.Channel != a.Channel || y.Port != b.Port || y.Channel != b.Channel {
		t.Errorf("Format: read back %+v and %+v\n%s", x, y, Format(s))
	}
}

func TestParse_SoundFontInstrument(t *testing.T) {
	s, err := Parse("s.toml", []byte("[[instrument]]\nname = \"piano\"\nkind = \"soundfont\"\nfile = \"fonts/gm.sf2\"\nprogram = \"rock organ\"\n"+
		"[[instrument]]\nname = \"drums\"\nkind = \"soundfont\"\nfile = \"gm.sf2\"\nbank = 128\npreset = 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, d := s.Instruments[0], s.Instruments[1]
	if p.Kind != "soundfont" || p.File != "fonts/gm.sf2" || p.Bank != 0 || p.Preset != 18 || p.FilePos != (Pos{4, 8}) || p.PresetPos != (Pos{5, 11}) {
		t.Errorf("piano: %+v", p)
	}
	if d.Bank != 128 || d.Preset != 0 || d.PresetPos != (Pos{11, 10}) {
		t.Errorf("drums: %+v", d)
	}
}
