package sets

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"gridbox/internal/tomlpos/tomlpostest"
	mt "gridbox/midifile/midifiletest"
)

// FuzzParse: whatever the input, Parse and Load return (never panic, never
// hang), return either a Set or Errors, and every error is well formed. The
// seeds (T7 in docs/realtime-and-reliability.md) run in plain `go test`:
// valid sets, every malformed set from the table, a 200,000-deep array, a
// 30,000-part dotted key, a 2 MiB file and unterminated strings.
func FuzzParse(f *testing.F) {
	srcs := []string{
		`name = "abc`, `name = 'abc`, `name = """abc`, `name = '''abc`,
		"name = \"abc\ntempo = 120", `"name = 1`, `[["track`, `a = "\`,
		`a = """\"""`, `a = ''''''''`, `a = """"""""`, "a = [\"]\"", "a = {b = '}'",
		"x = [ # ]\n1]", "[[track]]\nclip = [{scene=0, sample=\"a.wav\"},]",
		"\uFEFF[[scene]]", "\x00", "a = 1\r\nb = 2\r\n", "[a]\n[a.b]\n[[a.c]]\n[[a.c]]",
		"'quoted key'.\"x\\u00e9\" = 1", "[[track]]\n[track.clip]\nscene = 0",
		"[[scene]]\n[[track]]\nclip = [ { scene = 0, sample = \"samples/link.wav\" } ]",
		"[[track]]\ninstrument = \"s\"\n[[instrument]]\nname = \"s\"\nkind = \"midi\"\nport = \"Micro Freak\"\nchannel = 16",
		"[midi]\nclock_out = [\"a\", \"a\", 1, \"\"]\nclock_in = \"b\"",
		"max_take = 4\n[[track]]\ninput = \"1-2\"\nmonitor = \"in\"\noverdub_level = 0.5\n[[track]]\ninput = 3\n[[track]]\ninput = \" None \"", "[midi]\nclock_out = \"a\"\n[midi.x]",
	}
	for _, tt := range malformed {
		srcs = append(srcs, tt.src)
	}
	srcs = append(srcs, midiSet(), midiSet("  track = 2", "  channel = 10"), midiSet(`  length = "2 bars"`, "  notes = []"),
		strings.Replace(midiSet(), "riff.mid", "bad.mid", 1))
	tomlpostest.Seed(f, MaxFileSize, []string{"testdata/good.toml", "testdata/bad.toml"}, srcs...)
	riff := mt.File(1, 96, mt.Track(mt.Tempo(0, 500000), mt.EOT(0)),
		mt.Track(mt.Ev(0, 0x90, 60, 1), mt.Ev(96, 60, 0), mt.Ev(0, 0x99, 36, 100), mt.EOT(500)))

	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := tomlpostest.Parse(t, data, MaxFileSize, MaxDepth, func(data []byte) (*Set, error) {
			return Parse("set.toml", data)
		})
		checkResult(t, data, set, err)

		fsys := fstest.MapFS{
			"set.toml":         {Data: data},
			"samples/a.wav":    {Data: []byte("RIFF")},
			"samples/link.wav": {Data: []byte("../../outside.wav"), Mode: fs.ModeSymlink},
			"riff.mid":         {Data: riff},
			"bad.mid":          {Data: riff[:30]},
		}
		lset, lerr := Load(fsys, "set.toml")
		if err != nil && (lset != nil || lerr == nil || !containsLines(lerr.Error(), err.Error())) {
			t.Errorf("Parse failed with\n%v\nbut Load returned %v,\n%v", err, lset != nil, lerr)
		}
		if err == nil && lset == nil {
			t.Errorf("Parse succeeded but Load failed: %v", lerr)
		}
		if err == nil {
			checkFormat(t, data)
		}
	})
}

// checkFormat checks that Format writes the set in data so that Parse
// reads back the same set.
func checkFormat(t *testing.T, data []byte) {
	t.Helper()
	set, _ := Parse("set.toml", data)
	out := Format(set)
	again, err := Parse("again.toml", out)
	if err != nil {
		t.Fatalf("Parse(Format(set)): %v\n%s", err, out)
	}
	stripSet(set)
	stripSet(again)
	if !reflect.DeepEqual(set, again) {
		t.Errorf("Format round trip:\n got %+v\nwant %+v\n%s", again, set, out)
	}
}

// checkResult checks the invariants of what Parse returned for data.
func checkResult(t *testing.T, data []byte, set *Set, err error) {
	t.Helper()
	if (set == nil) == (err == nil) {
		t.Fatalf("Parse returned set %v and error %v; want exactly one", set != nil, err)
	}
	if err != nil {
		var es Errors
		if !errors.As(err, &es) || len(es) == 0 {
			t.Fatalf("Parse error %v (%T) is not a non-empty Errors", err, err)
		}
		lines := 1 + strings.Count(string(data), "\n")
		for i, e := range es {
			if e.File != "set.toml" || e.Msg == "" || e.Pos.Line < 0 || e.Pos.Line > lines || e.Pos.Col < 0 {
				t.Errorf("malformed error %q at %+v (the file has %d lines)", e.Error(), e.Pos, lines)
			}
			if i > 0 && e.Pos.before(es[i-1].Pos) {
				t.Errorf("errors not sorted: %q before %q", es[i-1].Error(), e.Error())
			}
		}
		if len(es) > maxReported+1 {
			t.Errorf("%d errors; want at most %d", len(es), maxReported+1)
		}
		return
	}
	if !(set.Tempo >= MinTempo && set.Tempo <= MaxTempo) || set.BeatsPerBar() <= 0 {
		t.Errorf("bad tempo or time signature: %v %v", set.Tempo, set.TimeSignature)
	}
	for ti := range set.Tracks {
		tr := &set.Tracks[ti]
		if tr.Pos.Line < 1 {
			t.Errorf("track %d has no position", ti)
		}
		for ci := range tr.Clips {
			c := &tr.Clips[ci]
			if c.Scene < 0 || c.Scene >= len(set.Scenes) || tr.Clip(c.Scene) != c {
				t.Errorf("track %d clip %d: bad or duplicate scene %d", ti, ci, c.Scene)
			}
			if c.IsNotes() && set.Instrument(tr.Instrument) == nil {
				t.Errorf("track %d: note clip without an instrument", ti)
			}
			if c.IsNotes() && c.Length.IsZero() {
				t.Errorf("track %d clip %d: note clip without a length", ti, ci)
			}
			if !c.IsNotes() && (!filepath.IsLocal(c.Sample) || c.SamplePos.Line < 1) {
				t.Errorf("track %d clip %d: sample %q at %v", ti, ci, c.Sample, c.SamplePos)
			}
			for ni, n := range c.Notes {
				if ni > 0 && n.At < c.Notes[ni-1].At {
					t.Errorf("notes not sorted")
				}
				if n.Key < 0 || n.Key > 127 || n.Vel < 1 || n.Vel > 127 || n.Len <= 0 || n.At < 0 {
					t.Errorf("bad note %+v", n)
				}
			}
		}
	}
	for _, r := range set.Samples() {
		if r.Pos.Line < 1 || r.Owner == "" || !filepath.IsLocal(r.Path) {
			t.Errorf("bad sample reference %+v", r)
		}
	}
}

// FuzzParseTakes: whatever the input, ParseTakes returns takes or Errors,
// never both, never panics; the takes it returns keep its rules (scenes in
// range, one clip or cleared slot per scene and track, sound notes); and
// FormatTakes writes them so that ParseTakes reads back the same.
func FuzzParseTakes(f *testing.F) {
	srcs := []string{
		string(FormatTakes(sampleTakes())),
		"[[track]]\nclip = [ { scene = 1, empty = true }, { scene = 1, sample = \"a.wav\" } ]",
		"[[track]]\nclip = [ { scene = 0, empty = false, length = 2, notes = [ { at = 1.5, key = 60 } ] } ]",
		"[[track]]\nname = \"Keys\"\n[[track.clip]]\nscene = 3\nempty = true\nsample = \"a.wav\"",
		"tempo = 120\n[[track]]",
	}
	for _, tt := range malformed {
		srcs = append(srcs, tt.src)
	}
	tomlpostest.Seed(f, MaxFileSize, []string{"testdata/good.toml"}, srcs...)

	f.Fuzz(func(t *testing.T, data []byte) {
		tk, err := tomlpostest.Parse(t, data, MaxFileSize, MaxDepth, func(data []byte) (*Takes, error) {
			return ParseTakes("set.takes.toml", data)
		})
		if (tk == nil) == (err == nil) {
			t.Fatalf("ParseTakes returned takes %v and error %v; want exactly one", tk != nil, err)
		}
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %v (%T) is not a non-empty Errors", err, err)
			}
			for _, e := range es {
				if e.File != "set.takes.toml" || e.Msg == "" || e.Pos.Line < 0 || e.Pos.Col < 0 {
					t.Errorf("malformed error %q", e.Error())
				}
			}
			return
		}
		last := 0
		for i, tt := range tk.Tracks {
			seen := map[int]bool{}
			for _, sc := range tt.Cleared {
				seen[sc] = true
			}
			for _, c := range tt.Clips {
				if c.Scene < 0 || c.Scene >= MaxScenes || seen[c.Scene] || c.File != "set.takes.toml" || c.Pos.Line < 1 {
					t.Errorf("track %d: bad clip: scene %d, file %q, pos %v", i, c.Scene, c.File, c.Pos)
				}
				seen[c.Scene] = true
				for _, n := range c.Notes {
					if n.Key < 0 || n.Key > 127 || n.Vel < 1 || n.Vel > 127 || n.Len <= 0 || n.At < 0 {
						t.Errorf("bad note %+v", n)
					}
				}
			}
			if len(tt.Clips) > 0 || len(tt.Cleared) > 0 {
				last = i + 1
			}
		}
		out := FormatTakes(tk)
		again, err := ParseTakes("again.takes.toml", out)
		if err != nil {
			t.Fatalf("ParseTakes(FormatTakes(takes)): %v\n%s", err, out)
		}
		want := stripTakes(tk)
		want.Tracks = want.Tracks[:last]
		if last == 0 {
			want.Tracks = nil
		}
		for i := range want.Tracks {
			slices.Sort(want.Tracks[i].Cleared)
		}
		if got := stripTakes(again); !reflect.DeepEqual(got, want) {
			t.Errorf("round trip:\n got %+v\nwant %+v\n%s", got, want, out)
		}
	})
}
