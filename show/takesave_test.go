package show

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gridbox/engine"
	"gridbox/sequencer"
	"gridbox/sets"
	"gridbox/show/showtest"
)

// keysExtra adds to ClickSet a second scene and a track "Keys" whose note
// clips the instrument "kit" plays (the click, at every key).
const keysExtra = `
[[scene]]
name = "B"

[[track]]
name = "Keys"
instrument = "kit"
  [[track.clip]]
  scene = 0
  name = "Riff"
  length = "1 bar"
  gain = -6
  notes = [ { at = 0, key = 60 }, { at = 1.5, key = 62, len = 0.5, vel = 90 } ]
  [[track.clip]]
  scene = 1
  length = 2
  notes = [ { at = 0, key = 48 } ]

[[instrument]]
name = "kit"
kind = "sampler"
  [[instrument.zone]]
  low = 0
  high = 127
  root = 60
  sample = "samples/click.wav"
`

// keysTakes is a takes file for keysExtra's set: a take in the Click
// track's second scene, the Keys track's second slot emptied.
const keysTakes = `[[track]]
name = "Click"
  [[track.clip]]
  scene = 1
  sample = "samples/click.wav"
  length = 2

[[track]]
name = "Keys"
  [[track.clip]]
  scene = 1
  empty = true
`

// syncBuffer is a bytes.Buffer safe for concurrent writes, as Env's
// Stderr must be.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// takesShow prepares a show of set, its loaded version closed with it.
func takesShow(t *testing.T, e *Env, set string) *Show {
	t.Helper()
	_, p, err := prepare(e, set, "", 48000, e.memory())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// trackTakes is a take track in short: the scenes of its clips, and its
// cleared scenes.
type trackTakes struct {
	Name           string
	Clips, Cleared []int
}

func summary(tk *sets.Takes) []trackTakes {
	var got []trackTakes
	for _, tt := range tk.Tracks {
		s := trackTakes{Name: tt.Name, Cleared: tt.Cleared}
		for _, c := range tt.Clips {
			s.Clips = append(s.Clips, c.Scene)
		}
		got = append(got, s)
	}
	return got
}

// sameClip reports whether clips a and b of two loads play the same.
func sameClip(la, lb *loaded, a, b *sequencer.Clip) bool {
	if a == nil || b == nil {
		return a == b
	}
	x, y := *a, *b
	if !x.IsNotes() && !y.IsNotes() {
		if la.samples[x.Sample] != lb.samples[y.Sample] {
			return false
		}
		x.Sample, y.Sample = 0, 0
	}
	x.Source, y.Source = nil, nil
	return reflect.DeepEqual(x, y)
}

// The takes of a session are what differs from the set file: as loaded,
// the takes file's (kept, since the next save replaces the file); after
// edits, the edited and new clips (converted back with what the session
// does not know kept: the clip's name, a length in bars, the gain as
// written) and the emptied slots. Saved and loaded again, the set plays
// what the session held, clip for clip. Undone, the takes are the takes
// file's again.
func TestTakesOfSession(t *testing.T) {
	set := showtest.ClickSet(t, keysExtra)
	showtest.WriteFile(t, sets.TakesPath(set), keysTakes)
	e := &Env{Stdout: io.Discard, Stderr: io.Discard}
	p := takesShow(t, e, set)
	s, l := p.session, p.loaded

	asLoaded := []trackTakes{{Name: "Click", Clips: []int{1}}, {Name: "Keys", Cleared: []int{1}}}
	if got := summary(l.takesOf(s)); !reflect.DeepEqual(got, asLoaded) {
		t.Fatalf("as loaded: %+v, want %+v", got, asLoaded)
	}
	if got := summary(l.takesOf(nil)); !reflect.DeepEqual(got, asLoaded) {
		t.Fatalf("takesOf(nil): %+v, want %+v", got, asLoaded)
	}

	riff := *s.Clip(1, 0)
	riff.Notes = append(slices.Clone(riff.Notes), sequencer.Note{At: 3, Len: 0.25, Key: 64, Vel: 100})
	s.SetClip(1, 0, &riff, 0)
	s.Clear(0, 0, 0)        // the set's own clip: cleared
	s.SetClip(0, 1, nil, 0) // the takes file's: gone from the takes
	y := s.AddScene()
	s.SetClip(1, y, &sequencer.Clip{Sample: -1, Loop: true, Length: 4, Gain: 1, Launch: sequencer.Toggle,
		Notes: []sequencer.Note{{At: 0.125, Len: 1.0 / 64, Key: 36, Vel: 127}, {At: 2, Len: 8, Key: 38, Vel: 1}}}, 0)
	s.Duplicate(1, y, 0)

	tk := l.takesOf(s)
	want := []trackTakes{{Name: "Click", Cleared: []int{0}}, {Name: "Keys", Clips: []int{0, 2}, Cleared: []int{1}}}
	if got := summary(tk); !reflect.DeepEqual(got, want) {
		t.Fatalf("after edits: %+v, want %+v", got, want)
	}
	r := tk.Tracks[1].Clips[0]
	if r.Name != "Riff" || r.Length != (sets.Duration{N: 1, Unit: sets.Bars}) || r.Gain != -6 || len(r.Notes) != 3 {
		t.Errorf("the edited riff: %+v; want its name, length in bars, gain as written, and 3 notes", r)
	}

	data := sets.FormatTakes(tk)
	if _, err := sets.ParseTakes("x.takes.toml", data); err != nil {
		t.Fatalf("the takes do not parse: %v\n%s", err, data)
	}
	if err := sets.SaveTakes(l.Takes, data); err != nil {
		t.Fatal(err)
	}
	l2, err := loadSet(set, 48000, memory{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if len(l2.Problems)+len(l2.Warnings) > 0 {
		t.Errorf("loaded again: %q %q", l2.Problems, l2.Warnings)
	}
	if len(l2.song.Scenes) != s.Scenes() {
		t.Errorf("loaded again: %d scenes, the session had %d", len(l2.song.Scenes), s.Scenes())
	}
	for x := range s.Tracks() {
		for y := range s.Scenes() {
			if a, b := s.Clip(x, y), l2.song.Tracks[x].Clips[y]; !sameClip(l, l2, a, b) {
				t.Errorf("track %d scene %d: the session held %+v, loaded again %+v", x, y, a, b)
			}
		}
	}
	// The same takes once more: the converted clips are taken as they were.
	if again := sets.FormatTakes(l.takesOf(s)); !bytes.Equal(again, data) {
		t.Errorf("the takes of an unchanged session changed:\n%s\nthen\n%s", data, again)
	}

	for s.Undo(0) {
	}
	if got := summary(l.takesOf(s)); !reflect.DeepEqual(got, asLoaded) {
		t.Errorf("all undone: %+v, want %+v", got, asLoaded)
	}
}

// Takes of a track the set no longer has (renamed, say) are not laid over
// the set, but are kept in the takes file: nothing made on stage is lost
// by editing the set.
func TestTakesOfKeepsTracksTheSetLost(t *testing.T) {
	set := showtest.ClickSet(t, keysExtra)
	showtest.WriteFile(t, sets.TakesPath(set), keysTakes+`
[[track]]
name = "Gone"
  [[track.clip]]
  scene = 3
  length = 1
  notes = [ { at = 0.5, key = 40 } ]
`)
	p := takesShow(t, &Env{Stdout: io.Discard, Stderr: io.Discard}, set)
	p.session.Clear(1, 0, 0)
	tk := p.loaded.takesOf(p.session)
	want := []trackTakes{{Name: "Click", Clips: []int{1}}, {Name: "Keys", Cleared: []int{0, 1}}, {Name: "Gone", Clips: []int{3}}}
	if got := summary(tk); !reflect.DeepEqual(got, want) {
		t.Fatalf("%+v, want %+v", got, want)
	}
	if n := tk.Tracks[2].Clips[0].Notes; len(n) != 1 || n[0].Key != 40 {
		t.Errorf("the lost track's clip: %+v", tk.Tracks[2].Clips[0])
	}
}

// The saver hands the takes over once the session has stayed put for
// takesSettle after a change, or takesMaxWait after the first change
// when changes go on; a turn without a change hands nothing.
func TestTakesSaverDebounces(t *testing.T) {
	p := takesShow(t, &Env{Stdout: io.Discard, Stderr: io.Discard}, showtest.ClickSet(t, keysExtra))
	p.startTakes(p.env)
	defer p.takes.finish()
	s, ts := p.session, p.takes
	t0 := time.Now()
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	ms := time.Millisecond

	ts.turn(at(0))
	if ts.handed != 0 {
		t.Fatalf("handed version %d without a change", ts.handed)
	}
	s.Clear(0, 0, 0)
	ts.turn(at(10 * ms))
	ts.turn(at(10*ms + takesSettle - ms))
	if ts.handed != 0 {
		t.Fatalf("handed before the session stayed put for %v", takesSettle)
	}
	ts.turn(at(10*ms + takesSettle))
	if ts.handed != s.Version() {
		t.Fatalf("not handed after %v without a change", takesSettle)
	}
	// Edits every 100 ms, from 1 s on: handed at the first turn
	// takesMaxWait after the first.
	var handedAt time.Duration
	for d := time.Second; d < 3*time.Second; d += 10 * ms {
		if d%(100*ms) == 0 {
			s.Undo(0)
			s.Redo(0)
		}
		before := ts.handed
		for !ts.free() { // let the writer write the last
			time.Sleep(ms)
		}
		ts.turn(at(d))
		if ts.handed != before {
			handedAt = d
			break
		}
	}
	if handedAt != time.Second+takesMaxWait {
		t.Errorf("with edits going on, handed at %v; want %v", handedAt, time.Second+takesMaxWait)
	}
}

// A save that fails (here: a folder where the takes file goes) is
// reported once on stderr and once for the grid, the alert stays while
// saves fail, and the takes are written at the next change once the way
// is clear; nothing else is written meanwhile.
func TestTakesSaveFailure(t *testing.T) {
	set := showtest.ClickSet(t, keysExtra)
	takes := sets.TakesPath(set)
	var stderr syncBuffer
	e := &Env{Stdout: io.Discard, Stderr: &stderr}
	p := takesShow(t, e, set)
	if err := os.Mkdir(takes, 0o755); err != nil { // after loading: the set loads without takes
		t.Fatal(err)
	}
	s := p.session
	// The writer's side alone, on this goroutine: turn and hand are
	// TestTakesSaverDebounces's.
	ts := &takesSaver{e: e, p: p, written: map[string][]byte{}}
	save := func() { ts.save(takesJob{path: p.loaded.Takes, takes: p.loaded.takesOf(s)}) }
	s.Clear(0, 0, 0)
	save()
	if !ts.failed() {
		t.Fatalf("a save over a folder did not fail; stderr:\n%s", stderr.String())
	}
	msg, ok := ts.failure()
	if want := "takes not saved: click.takes.toml is a folder"; !ok || msg != want {
		t.Errorf("the grid is told %q, %v; want %q", msg, ok, want)
	}
	s.Clear(1, 0, 0)
	save()
	if _, ok := ts.failure(); ok || !ts.failed() {
		t.Errorf("a second failure in a row: told the grid again, or the alert went")
	}
	if n := strings.Count(stderr.String(), "the takes are not saved"); n != 1 {
		t.Errorf("reported %d times on stderr; want once:\n%s", n, stderr.String())
	}
	if err := os.Remove(takes); err != nil {
		t.Fatal(err)
	}
	s.Undo(0)
	save()
	if ts.failed() {
		t.Errorf("still failing with the way clear:\n%s", stderr.String())
	}
	tk, err := sets.LoadTakes(os.DirFS(filepath.Dir(set)), filepath.Base(takes))
	if err != nil {
		t.Fatalf("the takes saved at last: %v", err)
	}
	if got := summary(tk); !reflect.DeepEqual(got, []trackTakes{{Name: "Click", Cleared: []int{0}}}) {
		t.Errorf("saved %+v", got)
	}
	if !strings.Contains(stderr.String(), "gridbox: the takes are saved again, to "+takes) {
		t.Errorf("not told they are saved again:\n%s", stderr.String())
	}
	t.Logf("stderr:\n%s", stderr.String())
}

// A reload of the set lays the session's takes over the new version,
// saved or not: an edit made before it, and one made while it loaded,
// are in the session after the swap, with the set file's change.
func TestReloadKeepsUnsavedTakes(t *testing.T) {
	set := showtest.ClickSet(t, keysExtra)
	showtest.WriteFile(t, sets.TakesPath(set), keysTakes)
	var stderr syncBuffer
	e := &Env{Stdout: io.Discard, Stderr: &stderr}
	p := takesShow(t, e, set)
	s := p.session
	note := func(key uint8) *sequencer.Clip {
		return &sequencer.Clip{Sample: -1, Loop: true, Length: 4, Gain: 1, Notes: []sequencer.Note{{At: 1, Len: 1, Key: key, Vel: 100}}}
	}
	s.SetClip(1, 1, note(70), 0) // before the reload
	text, err := os.ReadFile(set)
	if err != nil {
		t.Fatal(err)
	}
	showtest.WriteFile(t, set, strings.Replace(string(text), "tempo = 120.0", "tempo = 100.0", 1))

	r := &liveReload{e: e, p: p, file: set, signals: make(chan os.Signal, 1), results: make(chan loadResult, 1)}
	r.request(time.Now())
	s.SetClip(1, 0, note(71), 0) // while it loads
	res := <-r.results
	r.take(&res)
	if p.loaded.Set.Tempo != 100 || r.ready != nil {
		t.Fatalf("the reload was not swapped in (tempo %v):\n%s", p.loaded.Set.Tempo, stderr.String())
	}
	for _, c := range []struct {
		x, y int
		key  uint8
	}{{1, 1, 70}, {1, 0, 71}} {
		if got := s.Clip(c.x, c.y); got == nil || len(got.Notes) != 1 || got.Notes[0].Key != c.key {
			t.Errorf("track %d scene %d after the reload: %+v; want the edit with key %d", c.x, c.y, got, c.key)
		}
	}
	if got := s.Clip(0, 1); got == nil || got.IsNotes() {
		t.Errorf("the takes file's take is gone: %+v", got)
	}
	// Nothing differs from the new version: its takes are the session's.
	want := []trackTakes{{Name: "Click", Clips: []int{1}}, {Name: "Keys", Clips: []int{0, 1}}}
	if got := summary(p.loaded.takesOf(s)); !reflect.DeepEqual(got, want) {
		t.Errorf("takes after the reload: %+v, want %+v", got, want)
	}
	if got := summary(p.loaded.takesOf(nil)); !reflect.DeepEqual(got, want) {
		t.Errorf("the new version's own takes: %+v, want %+v", got, want)
	}
}

// gridbox render saves the takes a render's edits make, by the time it
// returns; a second render of the set plays them: what the first render's
// session held is what the second plays, as if written in the set.
func TestRenderSavesTakes(t *testing.T) {
	set := showtest.ClickSet(t, keysExtra)
	dir := filepath.Dir(set)
	takes := sets.TakesPath(set)
	riff := &sequencer.Clip{Sample: -1, Loop: true, Length: 2, Gain: 1, Notes: []sequencer.Note{
		{At: 0, Len: 0.25, Key: 60, Vel: 127}, {At: 0.75, Len: 0.25, Key: 72, Vel: 64}}}
	edited := false
	var stderr syncBuffer
	e := &Env{Stdout: io.Discard, Stderr: &stderr, Hooks: Hooks{Turn: func(s *sequencer.Session, now engine.Frame) {
		if !edited && now >= 24000 { // half a second in: a new scene with a clip, the riff cleared
			edited = true
			y := s.AddScene()
			s.SetClip(1, y, riff, now)
			s.Clear(1, 0, now)
		}
	}}}
	out := filepath.Join(dir, "one.wav")
	if err := Render(e, RenderConfig{Set: set, Out: out, Rate: 48000, Seconds: 1}); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if !edited {
		t.Fatal("the hook made no edit")
	}
	tk, err := sets.LoadTakes(os.DirFS(dir), filepath.Base(takes))
	if err != nil {
		t.Fatalf("the first render's takes: %v\n%s", err, stderr.String())
	}
	if got, want := summary(tk), []trackTakes{{Name: "Click"}, {Name: "Keys", Clips: []int{2}, Cleared: []int{0}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("takes %+v, want %+v", got, want)
	}
	if !strings.Contains(stderr.String(), "gridbox render: the takes are saved in "+takes) {
		t.Errorf("render did not say where the takes are:\n%s", stderr.String())
	}

	// The second render presses the take's pad; a set with the same clip
	// written in it renders the same.
	script := filepath.Join(dir, "press.perf")
	showtest.WriteFile(t, script, "0b press 1 2\n8b end\n")
	e2 := &Env{Stdout: io.Discard, Stderr: &stderr}
	two := filepath.Join(dir, "two.wav")
	if err := Render(e2, RenderConfig{Set: set, Events: script, Out: two, Rate: 48000}); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	written := showtest.ClickSet(t, strings.Replace(keysExtra, `  [[track.clip]]
  scene = 0
  name = "Riff"
  length = "1 bar"
  gain = -6
  notes = [ { at = 0, key = 60 }, { at = 1.5, key = 62, len = 0.5, vel = 90 } ]
`, "", 1)+`
  [[track.clip]]
  scene = 2
  length = 2
  notes = [ { at = 0, key = 60, len = 0.25, vel = 127 }, { at = 0.75, key = 72, len = 0.25, vel = 64 } ]
[[scene]]
`)
	showtest.WriteFile(t, filepath.Join(filepath.Dir(written), "press.perf"), "0b press 1 2\n8b end\n")
	ref := filepath.Join(dir, "ref.wav")
	if err := Render(e2, RenderConfig{Set: written, Events: filepath.Join(filepath.Dir(written), "press.perf"), Out: ref, Rate: 48000}); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	a, b := showtest.ReadWAV(t, two), showtest.ReadWAV(t, ref)
	if !reflect.DeepEqual(a.Data, b.Data) || a.Frames() == 0 {
		t.Errorf("the second render (%d frames) differs from the set with the take written in it (%d frames)", a.Frames(), b.Frames())
	}
	loud := 0
	for _, v := range a.Data {
		if v != 0 {
			loud++
		}
	}
	if loud == 0 {
		t.Error("the second render is silent: the take did not play")
	}
	if _, err := os.Stat(sets.TakesPath(written)); err == nil {
		t.Error("a render without edits wrote a takes file")
	}
}

// A script's load line that swaps in another set hands the takes of the
// set before it over to be saved first, to that set's takes file; the
// other set's edits go to its own. Loading the set playing keeps the
// session's takes, saved or not.
func TestLoadLineSavesEachSetsTakes(t *testing.T) {
	set := showtest.ClickSet(t, keysExtra)
	dir := filepath.Dir(set)
	other := filepath.Join(dir, "other.toml")
	text, err := os.ReadFile(set)
	if err != nil {
		t.Fatal(err)
	}
	showtest.WriteFile(t, other, string(text))
	script := filepath.Join(dir, "load.perf")
	showtest.WriteFile(t, script, "0.5s load other.toml\n1s load other.toml\n2s end\n")
	var stderr syncBuffer
	step := 0
	e := &Env{Stdout: io.Discard, Stderr: &stderr, Hooks: Hooks{Turn: func(s *sequencer.Session, now engine.Frame) {
		switch {
		case step == 0 && now >= 12000: // 0.25 s: in the first set
			s.Clear(0, 0, now)
			step++
		case step == 1 && now >= 36000: // 0.75 s: in the other
			s.Clear(1, 0, now)
			step++
		case step == 2 && now >= 60000: // 1.25 s: after loading it again, undone
			s.Undo(now) // nothing to undo (a reload forgets): the edit stays
			s.Clear(1, 1, now)
			step++
		}
	}}}
	if err := Render(e, RenderConfig{Set: set, Events: script, Out: filepath.Join(dir, "x.wav"), Rate: 48000}); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	for _, c := range []struct {
		file string
		want []trackTakes
	}{
		{sets.TakesPath(set), []trackTakes{{Name: "Click", Cleared: []int{0}}}},
		{sets.TakesPath(other), []trackTakes{{Name: "Click"}, {Name: "Keys", Cleared: []int{0, 1}}}},
	} {
		tk, err := sets.LoadTakes(os.DirFS(dir), filepath.Base(c.file))
		if err != nil {
			t.Errorf("%v\n%s", err, stderr.String())
			continue
		}
		if got := summary(tk); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v, want %+v", filepath.Base(c.file), got, c.want)
		}
	}
}

// The round trip, played on the grid: a render's script selects
// an empty slot, goes to Step mode and presses two steps on two note rows
// (the virtual controller's pad lines; the bottom row is velocities); the takes file it leaves holds the new clip,
// and a second render of the set plays it exactly as the set with the
// takes merged in (what "gridbox takes merge" writes) plays it.
func TestRenderStepEditsRoundTrip(t *testing.T) {
	set := showtest.ClickSet(t, keysExtra+"\n[[scene]]\nname = \"C\"\n")
	dir := filepath.Dir(set)
	var stderr syncBuffer
	e := &Env{Stdout: io.Discard, Stderr: &stderr}
	steps := filepath.Join(dir, "steps.perf")
	showtest.WriteFile(t, steps, `0b pad 1 2
0b button step
1b pad 0 6
1b padup 0 6
1.5b pad 4 5
1.5b padup 4 5
4b end
`)
	if err := Render(e, RenderConfig{Set: set, Events: steps, Out: filepath.Join(dir, "one.wav"), Rate: 48000}); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	takes := sets.TakesPath(set)
	data, err := os.ReadFile(takes)
	if err != nil {
		t.Fatalf("no takes file: %v\n%s", err, stderr.String())
	}
	tk, err := sets.ParseTakes(takes, data)
	if err != nil {
		t.Fatalf("the takes file does not parse: %v\n%s", err, data)
	}
	if got, want := summary(tk), []trackTakes{{Name: "Click"}, {Name: "Keys", Clips: []int{2}}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("takes %+v, want %+v:\n%s", got, want, data)
	}
	c := tk.Tracks[1].Clips[0]
	if len(c.Notes) != 2 || c.Notes[0].At != 0 || c.Notes[1].At != 1 || c.Notes[0].Key == c.Notes[1].Key || c.Length.Beats(4) != 4 {
		t.Errorf("the stepped clip: %+v; want two notes of two keys, on steps 1 and 5 of a bar", c)
	}
	t.Logf("%s", data)

	play := filepath.Join(dir, "play.perf")
	showtest.WriteFile(t, play, "0b press 1 2\n8b end\n")
	if err := Render(e, RenderConfig{Set: set, Events: play, Out: filepath.Join(dir, "two.wav"), Rate: 48000}); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	s, err := sets.Load(os.DirFS(dir), filepath.Base(set))
	if err != nil {
		t.Fatal(err)
	}
	merged, warnings := sets.Merge(s, tk)
	if len(warnings) > 0 {
		t.Fatal(warnings)
	}
	mergedSet := filepath.Join(dir, "merged.toml")
	showtest.WriteFile(t, mergedSet, string(sets.Format(merged)))
	if err := Render(e, RenderConfig{Set: mergedSet, Events: play, Out: filepath.Join(dir, "ref.wav"), Rate: 48000}); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	a, b := showtest.ReadWAV(t, filepath.Join(dir, "two.wav")), showtest.ReadWAV(t, filepath.Join(dir, "ref.wav"))
	loud := slices.IndexFunc(a.Data, func(v float32) bool { return v != 0 })
	if !reflect.DeepEqual(a.Data, b.Data) || loud < 0 {
		t.Errorf("the second render (%d frames, first sound at %d) differs from the merged set's (%d frames), or is silent", a.Frames(), loud/2, b.Frames())
	}
}

// A save that failed is tried again at exit, though nothing changed
// since: an edit handed over while a folder stands where the takes file
// goes, the folder removed, then finish writes the file.
func TestTakesFinishRetriesFailedSave(t *testing.T) {
	set := showtest.ClickSet(t, keysExtra)
	takes := sets.TakesPath(set)
	var stderr syncBuffer
	e := &Env{Stdout: io.Discard, Stderr: &stderr}
	p := takesShow(t, e, set)
	if err := os.Mkdir(takes, 0o755); err != nil {
		t.Fatal(err)
	}
	p.startTakes(e)
	p.session.Clear(0, 0, 0)
	p.takes.flush()
	for !p.takes.failed() {
		time.Sleep(time.Millisecond)
	}
	if err := os.Remove(takes); err != nil {
		t.Fatal(err)
	}
	if saved := p.takes.finish(); saved != takes {
		t.Errorf("finish saved %q; want %q\n%s", saved, takes, stderr.String())
	}
	tk, err := sets.LoadTakes(os.DirFS(filepath.Dir(set)), filepath.Base(takes))
	if err != nil {
		t.Fatalf("the takes at exit: %v\n%s", err, stderr.String())
	}
	if got := summary(tk); !reflect.DeepEqual(got, []trackTakes{{Name: "Click", Cleared: []int{0}}}) {
		t.Errorf("saved %+v", got)
	}
}

// A disk that hangs does not keep gridbox from exiting: finish waits for
// the last write at most its limit, then says which takes are not saved.
func TestTakesFinishHungDisk(t *testing.T) {
	set := showtest.ClickSet(t, keysExtra)
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	var stderr syncBuffer
	e := &Env{Stdout: io.Discard, Stderr: &stderr, Hooks: Hooks{SaveTakes: func(string, []byte) error {
		<-hang
		return nil
	}}}
	p := takesShow(t, e, set)
	p.startTakes(e)
	p.takes.exit = 100 * time.Millisecond
	p.session.Clear(0, 0, 0)
	start := time.Now()
	done := make(chan string)
	go func() { done <- p.takes.finish() }()
	select {
	case saved := <-done:
		if saved != "" {
			t.Errorf("finish says the takes are saved in %q", saved)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("finish blocked on a hung disk")
	}
	t.Logf("finish returned after %v", time.Since(start))
	want := "gridbox: the takes are not saved: writing " + sets.TakesPath(set) + " did not end within 100ms\n"
	if got := stderr.String(); got != want {
		t.Errorf("stderr %q; want %q", got, want)
	}
}

// stuckTakes returns a show of set whose takes writer is stuck in its
// first write (slot 0 of track 0 cleared) until release is closed; writes
// counts the writes begun.
func stuckTakes(t *testing.T, set string) (p *Show, release chan struct{}, writes *atomic.Int32) {
	t.Helper()
	release = make(chan struct{})
	writes = new(atomic.Int32)
	e := &Env{Stdout: io.Discard, Stderr: io.Discard, Hooks: Hooks{SaveTakes: func(name string, data []byte) error {
		if writes.Add(1) == 1 {
			<-release
		}
		return sets.SaveTakes(name, data)
	}}}
	p = takesShow(t, e, set)
	p.startTakes(e)
	p.session.Clear(0, 0, 0)
	p.takes.flush()
	for writes.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	return p, release, writes
}

// Handing the takes over never waits for the disk: while the writer is
// stuck in a write, flush returns at once however often it is called,
// and the writer then writes only the newest takes.
func TestTakesHandOverDoesNotWait(t *testing.T) {
	set := showtest.ClickSet(t, keysExtra)
	p, release, writes := stuckTakes(t, set)
	defer p.takes.finish()
	s := p.session
	done := make(chan struct{})
	go func() {
		for _, y := range []int{0, 1} {
			s.Clear(1, y, 0)
			p.takes.flush()
		}
		if p.takes.free() {
			t.Error("the writer is free while stuck in a write")
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		close(release)
		t.Fatal("flush waited for the disk")
	}
	close(release)
	if saved := p.takes.finish(); saved == "" {
		t.Fatal("not saved")
	}
	if n := writes.Load(); n != 2 {
		t.Errorf("%d writes; want 2 (the stuck one, then the newest)", n)
	}
	tk, err := sets.LoadTakes(os.DirFS(filepath.Dir(set)), filepath.Base(sets.TakesPath(set)))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summary(tk), []trackTakes{{Name: "Click", Cleared: []int{0}}, {Name: "Keys", Cleared: []int{0, 1}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("saved %+v; want %+v", got, want)
	}
}

// Takes handed over for two takes files while the writer is stuck in a
// write are both written: handing over one file's takes replaces only
// that file's not yet written (a script's load line of another set).
func TestTakesHandOverKeepsEachFile(t *testing.T) {
	set := showtest.ClickSet(t, keysExtra)
	p, release, _ := stuckTakes(t, set)
	defer p.takes.finish()
	s := p.session
	s.Clear(1, 0, 0)
	p.takes.flush()
	first := p.loaded.Takes
	other := filepath.Join(filepath.Dir(set), "other.takes.toml")
	p.loaded.Takes = other
	s.Clear(1, 1, 0)
	p.takes.flush()
	close(release)
	p.takes.finish()
	for _, c := range []struct {
		file string
		want []trackTakes
	}{
		{first, []trackTakes{{Name: "Click", Cleared: []int{0}}, {Name: "Keys", Cleared: []int{0}}}},
		{other, []trackTakes{{Name: "Click", Cleared: []int{0}}, {Name: "Keys", Cleared: []int{0, 1}}}},
	} {
		tk, err := sets.LoadTakes(os.DirFS(filepath.Dir(c.file)), filepath.Base(c.file))
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if got := summary(tk); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v, want %+v", filepath.Base(c.file), got, c.want)
		}
	}
}

// A → B → A on a slow disk: a script's load lines go to another set and
// back while A's takes are still being written; A, loaded again, plays
// its takes as the session left them (not its takes file's older ones),
// and they are saved at the end.
func TestLoadBackSlowDisk(t *testing.T) {
	set := showtest.ClickSet(t, keysExtra)
	dir := filepath.Dir(set)
	other := filepath.Join(dir, "other.toml")
	text, err := os.ReadFile(set)
	if err != nil {
		t.Fatal(err)
	}
	showtest.WriteFile(t, other, string(text))
	script := filepath.Join(dir, "load.perf")
	showtest.WriteFile(t, script, "0.5s load other.toml\n1s load "+filepath.Base(set)+"\n2s end\n")
	var stderr syncBuffer
	step := 0
	e := &Env{Stdout: io.Discard, Stderr: &stderr, Hooks: Hooks{
		SaveTakes: func(name string, data []byte) error {
			time.Sleep(50 * time.Millisecond)
			return sets.SaveTakes(name, data)
		},
		Turn: func(s *sequencer.Session, now engine.Frame) {
			switch {
			case step == 0 && now >= 12000: // 0.25 s: in A
				s.Clear(0, 0, now)
				step++
			case step == 1 && now >= 60000: // 1.25 s: in A again
				if s.Clip(0, 0) != nil {
					t.Error("A loaded again without its take")
				}
				step++
			}
		}}}
	if err := Render(e, RenderConfig{Set: set, Events: script, Out: filepath.Join(dir, "x.wav"), Rate: 48000}); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	tk, err := sets.LoadTakes(os.DirFS(dir), filepath.Base(sets.TakesPath(set)))
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if got, want := summary(tk), []trackTakes{{Name: "Click", Cleared: []int{0}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("A's takes %+v, want %+v", got, want)
	}
}

// Takes gridbox could not load again (a clip past sets.MaxNotes) are not
// written: the save fails, and is reported as a failed save is.
func TestTakesSaveRefusesUnloadable(t *testing.T) {
	set := showtest.ClickSet(t, keysExtra)
	var stderr syncBuffer
	e := &Env{Stdout: io.Discard, Stderr: &stderr}
	p := takesShow(t, e, set)
	ts := &takesSaver{e: e, p: p, written: map[string][]byte{}}
	c := sets.Clip{Scene: 1, Length: sets.Duration{N: 4, Unit: sets.Beats}, Notes: make([]sets.Note, sets.MaxNotes+1)}
	for i := range c.Notes {
		c.Notes[i] = sets.Note{Len: 1, Key: 60, Vel: 100}
	}
	ts.save(takesJob{path: p.loaded.Takes, takes: &sets.Takes{Tracks: []sets.TakeTrack{{Name: "Keys", Clips: []sets.Clip{c}}}}})
	if !ts.failed() {
		t.Fatal("takes gridbox cannot load were saved")
	}
	if _, err := os.Stat(p.loaded.Takes); err == nil {
		t.Error("the takes file was written")
	}
	msg, _ := ts.failure()
	if want := "takes not saved: track Keys's clip in scene 1 has 100001 notes; a clip holds at most 100000"; msg != want {
		t.Errorf("the grid is told %q; want %q", msg, want)
	}
	if !strings.Contains(stderr.String(), "track Keys's clip in scene 1 has 100001 notes") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}

// A clip a takes file cannot hold (longer than sets.MaxBeats) is saved as
// an emptied slot, not left out (the set's clip there would come back),
// and said once on stderr, however often the takes are saved.
func TestTakesClipTooLong(t *testing.T) {
	set := showtest.ClickSet(t, keysExtra)
	var stderr syncBuffer
	e := &Env{Stdout: io.Discard, Stderr: &stderr}
	p := takesShow(t, e, set)
	p.startTakes(e)
	s := p.session
	s.SetClip(1, 0, &sequencer.Clip{Sample: -1, Length: sets.MaxBeats + 4, Gain: 1, Notes: []sequencer.Note{{Len: 1, Key: 60, Vel: 100}}}, 0)
	p.takes.flush()
	s.Clear(0, 0, 0)
	p.takes.flush()
	if p.takes.finish() == "" {
		t.Fatalf("not saved:\n%s", stderr.String())
	}
	tk, err := sets.LoadTakes(os.DirFS(filepath.Dir(set)), filepath.Base(sets.TakesPath(set)))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summary(tk), []trackTakes{{Name: "Click", Cleared: []int{0}}, {Name: "Keys", Cleared: []int{0}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("saved %+v; want %+v", got, want)
	}
	if n := strings.Count(stderr.String(), "track Keys's clip in scene 0 (a takes file cannot hold it"); n != 1 {
		t.Errorf("said %d times; want once:\n%s", n, stderr.String())
	}
}

// sweepTemps removes a save's temporary file a crash left (older than a
// minute), not one another gridbox is writing now.
func TestSweepTempsLeavesYoungOnes(t *testing.T) {
	dir := t.TempDir()
	takes := filepath.Join(dir, "set.takes.toml")
	old := filepath.Join(dir, ".set.takes.toml.123.tmp")
	young := filepath.Join(dir, ".set.takes.toml.456.tmp")
	showtest.WriteFile(t, old, "x")
	showtest.WriteFile(t, young, "x")
	then := time.Now().Add(-2 * time.Minute)
	if err := os.Chtimes(old, then, then); err != nil {
		t.Fatal(err)
	}
	sweepTemps(takes)
	if _, err := os.Stat(old); err == nil {
		t.Error("a crash's temporary file is left")
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("another save's temporary file is gone: %v", err)
	}
}
