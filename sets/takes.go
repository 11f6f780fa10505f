package sets

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"gridbox/internal/atomicfile"
	"gridbox/internal/spell"
	"gridbox/internal/tomlpos"
)

// Takes is a takes file: the clips recorded and edited on stage, kept
// beside the set file (TakesPath) because gridbox never writes the set
// file itself. It has the set's schema, but only tracks and their clips;
// Merge lays them over the set. A *Takes from ParseTakes or LoadTakes is
// never modified afterwards.
type Takes struct {
	// File is the name the takes file was parsed or loaded as; it
	// becomes Clip.File of its clips.
	File   string
	Tracks []TakeTrack // in file order
}

// A TakeTrack is a [[track]] of a takes file. It stands for a track of
// the set by name: the k-th take track called N is the set's k-th track
// called N (unnamed ones count as called ""), as a reload matches tracks.
// So a writer keeps every track before the last with takes, even those
// without any.
type TakeTrack struct {
	Name string
	// Clips replace the set's clip in their slot, or fill an empty one;
	// a scene past the set's last adds rows. In file order, at most one
	// per scene (Cleared included).
	Clips []Clip
	// Cleared are the scenes whose slot the musician emptied on stage:
	// Merge removes the set's clip there. A takes file writes each as a
	// clip { scene = N, empty = true }.
	Cleared []int
	Pos     Pos // the [[track]] header
}

// TakesPath returns the takes file of the set file setFile: NAME.takes.toml
// beside NAME.toml. It works on slash and OS paths alike.
func TakesPath(setFile string) string {
	return strings.TrimSuffix(setFile, filepath.Ext(setFile)) + ".takes.toml"
}

// ParseTakes parses and checks the takes file text data, as Parse does a
// set file: file names it in errors, every problem is reported at once as
// an Errors with FILE:LINE:COL, and a nil *Takes comes with any. What
// depends on the set (which tracks exist, their instruments, the length
// of a bar) is left to Merge. It never panics, whatever data holds.
func ParseTakes(file string, data []byte) (*Takes, error) {
	tk, err := decodeFile(file, data, MaxTakesSize, (*decoder).decodeTakes)
	if err != nil {
		return nil, err
	}
	return tk, nil
}

// LoadTakes reads the takes file name from fsys and parses it with
// ParseTakes, then checks the samples its audio clips name as Load does
// (name's folder is the set's). As with Load, when the only problems are
// sample files, the *Takes comes with the Errors: merged, those clips are
// silent. A missing file's error satisfies errors.Is(err, fs.ErrNotExist).
// It runs on the control side.
func LoadTakes(fsys fs.FS, name string) (*Takes, error) {
	data, err := readLimited(fsys, name, MaxTakesSize)
	if err != nil {
		return nil, err
	}
	tk, err := ParseTakes(name, data)
	if err != nil {
		return nil, err
	}
	var errs Errors
	for _, t := range tk.Tracks {
		for _, c := range t.Clips {
			if c.Sample == "" {
				continue
			}
			if err := checkSample(fsys, path.Dir(name), c.Sample); err != nil {
				errs = append(errs, &Error{File: name, Pos: c.SamplePos, Msg: fmt.Sprintf("sample %s: %s", spell.Quote(c.Sample), sampleProblem(err)), Err: err, sample: true})
			}
		}
	}
	if len(errs) > 0 {
		return tk, sortErrors(errs)
	}
	return tk, nil
}

// takesOnly is the advice for a set's key in a takes file.
func takesOnly(k string) string {
	return "; a takes file holds only [[track]] tables (name, and [[track.clip]] tables): " + k + " belongs in the set file"
}

func (d *decoder) decodeTakes(file string, raw map[string]any) *Takes {
	tk := &Takes{File: file}
	sd := &setDecoder{decoder: d, set: &Set{File: file}, takes: true}
	root := d.table(raw, nil, "in a takes file", "")
	root.Unknown([]string{"track"}, takesOnly)
	tracks := root.tables("track", "[[track]]", "tracks", MaxTracks)
	if len(tracks) > 0 {
		tk.Tracks = make([]TakeTrack, len(tracks))
	}
	for i, t := range tracks {
		sd.takeTrack(t, file, &tk.Tracks[i])
	}
	return tk
}

func (sd *setDecoder) takeTrack(t table, file string, tr *TakeTrack) {
	t.Where = "in a takes file's [[track]]"
	t.Unknown([]string{"name", "clip"}, takesOnly)
	sd.posOf(t.N, false, &tr.Pos)
	tr.Name, _ = t.str("name", MaxNameLen)
	clips := t.tables("clip", "[[track.clip]]", "clips in one track", MaxScenes)
	slots := make(map[int]*tomlpos.Node, len(clips)) // scene → first clip there
	// posOf keeps pointers into Clips: it must never grow past this.
	tr.Clips = make([]Clip, 0, len(clips))
	for _, ct := range clips {
		scene := -1
		if empty, _ := ct.Bool("empty"); empty {
			ct.Where = "in an empty slot"
			ct.Unknown([]string{"scene", "empty"}, func(string) string {
				return "; an empty slot has only scene and empty = true"
			})
			if ct.Require("scene", "an empty slot needs a scene: the row it sits in, from 0 (top)") {
				if v, ok := ct.Int("scene", 0, MaxScenes-1); ok {
					scene = v
					tr.Cleared = append(tr.Cleared, v)
				}
			}
		} else {
			tr.Clips = append(tr.Clips, Clip{})
			c := &tr.Clips[len(tr.Clips)-1]
			sd.clip(ct, c)
			c.File = file
			scene = c.Scene
		}
		if scene < 0 {
			continue
		}
		if first, dup := slots[scene]; dup {
			sd.probs.AddLater(ct.Child("scene"), true, func(ix *tomlpos.Index) string {
				return fmt.Sprintf("scene %d already has a clip in this track, at line %d", scene, ix.Key(first).Line)
			})
		} else {
			slots[scene] = ct.N
		}
	}
	if len(tr.Clips) == 0 {
		tr.Clips = nil
	}
}

// Merge returns the set s with the takes t laid over it: each take
// track's clips replace the clip in the same slot of its track (matched
// as TakeTrack says) or fill an empty one, a scene past the set's last
// adds rows without names, and Cleared slots are emptied. s is not
// modified. t may be nil.
//
// What cannot be merged is a warning, not an error, since the set may
// have been edited since the takes were saved: a take track the set no
// longer has is skipped, a note clip on a track without an instrument is
// kept but silent, and notes at or past the end of a clip measured in
// bars are dropped. Warnings are *Error values naming t.File, their
// messages starting "warning: ".
func Merge(s *Set, t *Takes) (*Set, []error) {
	if t == nil || len(t.Tracks) == 0 {
		return s, nil
	}
	m := *s
	m.Scenes = slices.Clone(s.Scenes)
	m.Tracks = slices.Clone(s.Tracks)
	var warnings []error
	warn := func(p Pos, format string, a ...any) {
		warnings = append(warnings, &Error{File: t.File, Pos: p, Msg: "warning: " + fmt.Sprintf(format, a...)})
	}
	byName := map[string][]int{}
	for i := range m.Tracks {
		byName[m.Tracks[i].Name] = append(byName[m.Tracks[i].Name], i)
	}
	seen := map[string]int{}
	bpb := s.BeatsPerBar()
	for _, tt := range t.Tracks {
		k := seen[tt.Name]
		seen[tt.Name]++
		if len(tt.Clips) == 0 && len(tt.Cleared) == 0 {
			continue
		}
		if k >= len(byName[tt.Name]) {
			label := "track " + spell.Quote(tt.Name)
			if tt.Name == "" {
				label = fmt.Sprintf("unnamed track %d", k+1)
			}
			warn(tt.Pos, "the set has no %s any more: its takes are not loaded", label)
			continue
		}
		ti := byName[tt.Name][k]
		tr := &m.Tracks[ti]
		clips := slices.Clone(tr.Clips)
		for _, sc := range tt.Cleared {
			clips = slices.DeleteFunc(clips, func(c Clip) bool { return c.Scene == sc })
		}
		for _, c := range tt.Clips {
			if c.IsNotes() && s.Instrument(tr.Instrument) == nil {
				warn(c.Pos, "%s has no instrument: its note clip in scene %d is silent until it has one", tr.label(ti), c.Scene)
			}
			if c.IsNotes() && c.Length.Unit == Bars && bpb > 0 {
				end := c.Length.Beats(bpb)
				n := len(c.Notes)
				c.Notes = slices.DeleteFunc(slices.Clone(c.Notes), func(n Note) bool { return n.At >= end })
				if d := n - len(c.Notes); d > 0 {
					warn(c.Pos, "%s at or past the end of the clip (%s = %s beats) not loaded", spell.Count(d, "note"), c.Length, spell.Number(end))
				}
			}
			if i := slices.IndexFunc(clips, func(x Clip) bool { return x.Scene == c.Scene }); i >= 0 {
				clips[i] = c
			} else {
				clips = append(clips, c)
			}
			for len(m.Scenes) <= c.Scene {
				m.Scenes = append(m.Scenes, Scene{})
			}
		}
		slices.SortStableFunc(clips, func(a, b Clip) int { return a.Scene - b.Scene })
		if len(clips) == 0 {
			clips = nil
		}
		tr.Clips = clips
	}
	return &m, warnings
}

// FormatTakes writes t as a takes file: canonical TOML that ParseTakes
// reads back to the same tracks and clips (notes at exactly the same
// beats), readable by a musician. Tracks after the last one with clips or
// cleared slots are left out; the ones before are kept, since tracks are
// matched by their place among those of the same name. Positions and
// Clip.File are not written. Build t from the session's clips: a length
// in beats is Duration{N: beats, Unit: Beats}.
func FormatTakes(t *Takes) []byte {
	var w writer
	w.line("# Clips recorded and edited on stage, laid over the set beside this file")
	w.line("# when it loads (gridbox rewrites this file; \"gridbox takes merge\" folds")
	w.line("# it into a copy of the set to edit by hand).")
	last := -1
	for i, tt := range t.Tracks {
		if len(tt.Clips) > 0 || len(tt.Cleared) > 0 {
			last = i
		}
	}
	for _, tt := range t.Tracks[:last+1] {
		w.line("")
		w.line("[[track]]")
		if tt.Name != "" {
			w.kv("", "name", tomlString(tt.Name))
		}
		type slot struct {
			scene int
			clip  *Clip
		}
		var slots []slot
		for i := range tt.Clips {
			slots = append(slots, slot{tt.Clips[i].Scene, &tt.Clips[i]})
		}
		for _, sc := range tt.Cleared {
			slots = append(slots, slot{scene: sc})
		}
		slices.SortStableFunc(slots, func(a, b slot) int { return a.scene - b.scene })
		for _, s := range slots {
			w.line("")
			w.line("  [[track.clip]]")
			if s.clip == nil {
				w.kv("  ", "scene", fmt.Sprint(s.scene))
				w.kv("  ", "empty", "true")
				continue
			}
			w.clip(s.clip)
		}
	}
	return w.b
}

// SaveTakes writes data (FormatTakes) to the takes file name atomically
// (internal/atomicfile): a crash or power cut leaves the old file or the
// new one, never part of one. Only a regular file is replaced; anything
// else at name (a folder, a FIFO, a device) is an error wrapping
// atomicfile.ErrNotRegular and nothing is written. A symbolic link is
// written through. It runs on the control side and blocks on the disk.
func SaveTakes(name string, data []byte) error {
	return atomicfile.Write(name, atomicfile.Options{}, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// ErrNotRegular is what SaveTakes's (and a merged set's writer's) error
// wraps when the name is something other than a regular file.
var ErrNotRegular = atomicfile.ErrNotRegular
