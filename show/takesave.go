package show

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gridbox/engine"
	"gridbox/internal/atomicfile"
	"gridbox/sequencer"
	"gridbox/sets"
)

// Saving the takes (issue 11: nothing made on stage is lost, and it is
// TOML). What the session holds that the set file does not, the takes,
// is handed to a writer after each edit or recording ends: once the
// session's Version has stayed put for takesSettle, or takesMaxWait after
// the first change not handed over when edits go on, and the writer is
// done with the save before. The session goroutine notices changes and
// builds the takes (cheap: clips are compared by pointer); the writer, a
// goroutine of its own, formats and writes them atomically, so an SD
// card's fsync never holds up the music. A kill -9 or a power cut loses
// the recording in progress and what changed since the last save that
// reached the disk: the last second or so, plus the time a write or two
// take on the disk (an SD card's fsync: seconds); while saves fail, all
// since the last that worked. A save that fails is reported once
// (stderr, the grid's alert, a text scrolled), and the takes are written
// again at the next change, every takesRetry while saves fail, and at
// exit (finish waits at most takesExit); the music never stops for it.
//
// A reload of the set lays the session's takes, saved or not, over the new
// version (loadSet's cur) instead of reading the takes file; edits made
// while it loaded are laid over it again before it is swapped in (relay).
// A set played before and loaded again (a script's load lines, A → B → A)
// likewise gets the takes last handed over for it (takesSaver.of), which
// a slow disk may not have written yet.
const (
	takesSettle  = 250 * time.Millisecond
	takesMaxWait = 750 * time.Millisecond
	takesRetry   = 2 * time.Second // while saves fail
	takesExit    = 5 * time.Second // finish's limit on the last write (a hung disk)
	takesTempAge = time.Minute     // sweepTemps leaves younger temporary files
)

// takesOf returns the takes of session s, which plays l: every slot whose
// clip differs from the set file's own (l.own) — a clip of the takes file
// still there, a clip edited or recorded (converted back with takeClip),
// a slot emptied where the set has a clip (Cleared) — by track in l's
// order, named as sets.TakeTrack says, then the tracks of l's takes that
// the set no longer has, as they were (so that renaming a track does not
// lose its takes). A clip is unchanged when s holds the very pointer l's
// song has. A nil s stands for l's song as loaded: its takes are l's. The
// clips' File is l.Takes, as if read from there, so that laid over a set
// (a reload's) they are told apart from the set's own. Session goroutine;
// the result shares nothing that changes.
func (l *loaded) takesOf(s *sequencer.Session) *sets.Takes {
	tk := &sets.Takes{File: l.Takes}
	if l.own == nil || l.song == nil { // safe mode's empty set
		return tk
	}
	slots := l.clipSlots()
	conv := make(map[convKey]sets.Clip, len(l.conv))
	lost := map[convKey]bool{}
	tracks, scenes := len(l.song.Tracks), len(l.song.Scenes)
	if s != nil {
		tracks, scenes = s.Tracks(), s.Scenes()
	}
	for x := range min(tracks, len(l.Set.Tracks), len(l.song.Tracks)) {
		tt := sets.TakeTrack{Name: l.Set.Tracks[x].Name}
		loadedClips := l.song.Tracks[x].Clips
		for y := range min(scenes, sets.MaxScenes) {
			var base, cur *sequencer.Clip
			var was *sets.Clip
			if y < len(loadedClips) {
				base = loadedClips[y]
			}
			cur = base
			if s != nil {
				cur = s.Clip(x, y)
			}
			if y < len(slots.set[x]) {
				was = slots.set[x][y]
			}
			own := slots.own[x][y]
			switch {
			case cur == base && was != nil && was.File != "": // a take laid over the set, kept
				c := *was
				c.File, c.Pos, c.SamplePos = l.Takes, sets.Pos{}, sets.Pos{}
				tt.Clips = append(tt.Clips, c)
			case cur == nil && own:
				tt.Cleared = append(tt.Cleared, y)
			case cur == base || cur == nil: // the set's own clip, or no clip
			default:
				k := convKey{cur, y}
				c, ok := l.conv[k]
				if !ok {
					c, ok = l.takeClip(cur, y, was)
				}
				if ok {
					conv[k] = c
					tt.Clips = append(tt.Clips, c)
					break
				}
				// Dropped, the set's clip there would come back: the
				// slot is emptied instead, and the saver says so once.
				tt.Cleared = append(tt.Cleared, y)
				lost[k] = true
				if !l.lost[k] {
					l.untold = append(l.untold, fmt.Sprintf("track %s's clip in scene %d (a takes file cannot hold it: longer than %d beats, or its sample unknown) is saved as an empty slot", tt.Name, y, sets.MaxBeats))
				}
			}
		}
		tk.Tracks = append(tk.Tracks, tt)
	}
	l.conv, l.lost = conv, lost
	if l.takes != nil {
		have := map[string]int{}
		for _, t := range l.own.Tracks {
			have[t.Name]++
		}
		seen := map[string]int{}
		for _, tt := range l.takes.Tracks {
			k := seen[tt.Name]
			seen[tt.Name]++
			if k >= have[tt.Name] && (len(tt.Clips) > 0 || len(tt.Cleared) > 0) {
				tk.Tracks = append(tk.Tracks, sets.TakeTrack{Name: tt.Name, Clips: tt.Clips, Cleared: tt.Cleared})
			}
		}
	}
	return tk
}

// convKey is a converted clip: the session's clip in a scene.
type convKey struct {
	c     *sequencer.Clip
	scene int
}

// takeSlots is where l's clips are, for takesOf.
type takeSlots struct {
	set [][]*sets.Clip // l.Set's clip by track and scene (nil: none)
	own []map[int]bool // the scenes where l.own's track has a clip
}

// clipSlots returns (once) where l's clips are.
func (l *loaded) clipSlots() *takeSlots {
	if l.slots != nil {
		return l.slots
	}
	ts := &takeSlots{set: make([][]*sets.Clip, len(l.Set.Tracks)), own: make([]map[int]bool, len(l.Set.Tracks))}
	for x := range l.Set.Tracks {
		t := &l.Set.Tracks[x]
		ts.set[x] = make([]*sets.Clip, len(l.Set.Scenes))
		for i := range t.Clips {
			if c := &t.Clips[i]; c.Scene >= 0 && c.Scene < len(ts.set[x]) {
				ts.set[x][c.Scene] = c
			}
		}
		ts.own[x] = map[int]bool{}
		if x < len(l.own.Tracks) {
			for _, c := range l.own.Tracks[x].Clips {
				ts.own[x][c.Scene] = true
			}
		}
	}
	l.slots = ts
	return ts
}

// takeClip converts c, the session's clip in scene that l did not load
// there, back to the set's terms for a takes file. was is the clip l
// loaded in that slot (nil: none): what c does not know (its name, ram,
// a length or quantization written in bars, the gain and loop fade as
// written) is kept from it where c still agrees with it. Values a takes
// file cannot hold are left out (a note of no length, a note past the
// clip's end); ok is false for a clip it cannot hold at all (a note clip
// of no length, an audio clip whose sample is unknown).
func (l *loaded) takeClip(c *sequencer.Clip, scene int, was *sets.Clip) (tc sets.Clip, ok bool) {
	bpb := l.own.BeatsPerBar()
	beats := func(b sequencer.Beats, old *sets.Duration) sets.Duration {
		if old != nil && old.Beats(bpb) == float64(b) {
			return *old
		}
		return sets.Duration{N: float64(b), Unit: sets.Beats}
	}
	tc = sets.Clip{Scene: scene, Loop: c.Loop, Legato: c.Legato, Launch: keyOf(launchModes, c.Launch, sets.Trigger), Gain: gainDB(c.Gain), File: l.Takes}
	sample := "" // an audio clip's
	switch {
	case !c.IsNotes():
		if int(c.Sample) < len(l.samples) {
			sample = l.samples[c.Sample]
		}
		if sample == "" && was != nil && !was.IsNotes() {
			sample = was.Sample
		}
		if sample == "" {
			return sets.Clip{}, false
		}
	case c.Broken && len(c.Notes) == 0 && was != nil && !was.IsNotes():
		sample = was.Sample // an audio clip whose sample did not load looks like a note clip
	}
	audio := sample != ""
	same := was != nil && was.Sample == sample // the same kind of clip: notes, or this sample
	if same {
		tc.Name, tc.RAM = was.Name, was.RAM
		if engine.DBToGain(was.Gain) == c.Gain {
			tc.Gain = was.Gain
		}
	}
	var old *sets.Clip
	if same {
		old = was
	}
	if c.Length > 0 || !audio {
		if !(c.Length > 0) || float64(c.Length) > sets.MaxBeats {
			return sets.Clip{}, false
		}
		var ol *sets.Duration
		if old != nil {
			ol = &old.Length
		}
		tc.Length = beats(c.Length, ol)
	}
	if c.HasQuantize {
		var oq *sets.Duration
		if old != nil {
			oq = old.Quantize
		}
		q := beats(max(c.Quantize, 0), oq)
		tc.Quantize = &q
	}
	if f := c.Follow; f != nil && f.After > 0 {
		var oa *sets.Duration
		if old != nil && old.Follow != nil {
			oa = &old.Follow.After
		}
		tc.Follow = &sets.Follow{After: beats(f.After, oa), Action: keyOf(followActions, f.Action, sets.FollowNone), Other: keyOf(followActions, f.Other, sets.FollowNone), Chance: min(max(f.Chance, 0), 1)}
	}
	if audio {
		tc.Sample = sample
		tc.LoopFade = min(max(c.LoopFade*1000, 0), sets.MaxLoopFade)
		if old != nil && old.LoopFade/1000 == c.LoopFade {
			tc.LoopFade = old.LoopFade
		}
		return tc, true
	}
	end := tc.Length.Beats(bpb)
	tc.Notes = make([]sets.Note, 0, len(c.Notes))
	for _, n := range c.Notes {
		at, ln := float64(n.At), min(float64(n.Len), sets.MaxBeats)
		if !(at >= 0 && at < end && ln > 0) {
			continue
		}
		tc.Notes = append(tc.Notes, sets.Note{At: at, Len: ln, Key: int(min(n.Key, 127)), Vel: int(min(max(n.Vel, 1), 127))})
	}
	return tc, true
}

// gainDB converts a linear gain to dB as a set writes it: 0 is silence
// (-inf), and levels are kept within what a set file takes.
func gainDB(g float32) float64 {
	db := engine.GainToDB(g)
	if db < sets.MinGain {
		return math.Inf(-1)
	}
	return min(db, sets.MaxGain)
}

// keyOf returns the key m maps to v (the set's word for a sequencer
// value), or def.
func keyOf[K, V comparable](m map[K]V, v V, def K) K {
	for k, x := range m {
		if x == v {
			return k
		}
	}
	return def
}

// relay lays tk over l's set file anew, in place of the takes l was loaded
// with, and rebuilds its song on its bank: a reload's version, when the
// session changed while it loaded. A take's audio clip whose sample l's
// bank lacks is silent (it plays again after the next start). Session
// goroutine, before l is swapped in.
func (l *loaded) relay(tk *sets.Takes) {
	l.takes = tk
	l.Set, _ = layTakes(l.own, tk, l.Takes)
	l.slots, l.conv, l.lost = nil, nil, nil
	// buildSong appends the set's instruments to the bank, which has them
	// (the takes bring none) and the metronome's click after them.
	ins := l.bank.Instruments
	l.bank.Instruments = nil
	song := buildSong(l.Set, l.bank, l.sampleOf, l.fonts, l.ports.number)
	l.bank.Instruments = ins
	song.Metronome.Instrument = l.song.Metronome.Instrument
	l.song = song
}

// samePath reports whether a and b name the same set file.
func samePath(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == ab
}

// takesSaver saves a show's takes: turn (the session goroutine) notices
// changes and hands the takes over, a goroutine of its own writes them,
// and finish writes the last ones and stops it, as the state's saver does.
type takesSaver struct {
	e    *Env
	p    *Show
	wake chan struct{} // (1) next or closed changed
	done chan struct{}

	// Handing over: a slot per takes file that the session goroutine
	// fills (replacing takes the writer has not taken yet, so it always
	// writes the newest) and the writer empties, in the order handed
	// over; neither waits for the other but for mu.
	mu     sync.Mutex
	next   []*takesJob // the newest takes not taken yet, one per path
	busy   bool        // the writer is writing
	closed bool        // finish: write next, if any, and stop

	// The session goroutine's.
	handed      uint64    // the session's Version the takes last handed over are of
	seen        uint64    // the Version the last turn saw
	first, last time.Time // when the first change not handed over, and the latest change, were seen
	shown       int64     // failures shown on the grid
	finished    bool
	exit        time.Duration          // finish's wait for the writer (takesExit)
	latest      map[string]*sets.Takes // by set file (absolute): the takes last handed over

	// The writer's.
	written map[string][]byte // what each takes file holds, as far as the writer knows
	failing bool

	// Shared: the writer's results.
	bad    atomic.Bool            // the last save failed
	fails  atomic.Int64           // runs of failed saves so far
	reason atomic.Pointer[string] // the last run's failure, for the grid
	saved  atomic.Pointer[string] // the takes file written last
}

// A takesJob is takes to write to path.
type takesJob struct {
	path  string
	takes *sets.Takes
}

// startTakes starts saving p's takes. Call it on the goroutine that owns
// p, before its loop; finishTakes (finish) ends it.
func (p *Show) startTakes(e *Env) {
	// A new session is at Version 0: what changed since (a script's first
	// events, played before the loop starts) is saved at the first turns.
	// The takes file holds the takes as loaded already (or there is none):
	// it is not written again until they differ.
	t := &takesSaver{e: e, p: p, wake: make(chan struct{}, 1), done: make(chan struct{}), written: map[string][]byte{}, exit: takesExit, latest: map[string]*sets.Takes{}}
	t.written[p.loaded.Takes] = sets.FormatTakes(p.loaded.takesOf(nil))
	p.takes = t
	go t.run(p.loaded.Takes)
}

// turn hands the takes over to be written when the session changed and
// has since stayed put for takesSettle, or takesMaxWait after the first
// change not handed over; when the writer is busy, at a later turn (the
// takes are not even built meanwhile). now
// is the wall clock (render's too: a render makes its edits faster than
// real time, and needs no more saves for that). Session goroutine.
func (t *takesSaver) turn(now time.Time) {
	if t == nil || t.finished {
		return
	}
	v := t.p.session.Version()
	if v == t.handed {
		return
	}
	if v != t.seen {
		t.seen, t.last = v, now
		if t.first.IsZero() {
			t.first = now
		}
	}
	if now.Sub(t.last) < takesSettle && now.Sub(t.first) < takesMaxWait || !t.free() {
		return
	}
	t.hand()
}

// free reports whether the writer is idle with nothing handed over left
// to write. Session goroutine.
func (t *takesSaver) free() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.busy && len(t.next) == 0
}

// hand hands the session's takes over to the writer, in place of any it
// has not taken yet; it never waits for a write. Session goroutine.
func (t *takesSaver) hand() {
	v := t.p.session.Version()
	job := &takesJob{path: t.p.loaded.Takes, takes: t.p.loaded.takesOf(t.p.session)}
	for _, m := range t.p.loaded.untold {
		fmt.Fprintf(t.e.Stderr, "gridbox: %s\n", m)
	}
	t.p.loaded.untold = nil
	t.mu.Lock()
	i := slices.IndexFunc(t.next, func(j *takesJob) bool { return j.path == job.path })
	if i >= 0 {
		t.next[i] = job
	} else {
		t.next = append(t.next, job)
	}
	t.mu.Unlock()
	if abs, err := filepath.Abs(t.p.loaded.path); err == nil {
		t.latest[abs] = job.takes
	}
	t.poke()
	t.handed, t.seen, t.first = v, v, time.Time{}
}

// of returns the takes last handed over for the set file file, saved or
// not (nil: none): loading that set again, they are laid over it rather
// than read from its takes file, which a slow disk may not have written
// yet. Session goroutine.
func (t *takesSaver) of(file string) *sets.Takes {
	if t == nil {
		return nil
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil
	}
	return t.latest[abs]
}

// poke wakes the writer. Any goroutine.
func (t *takesSaver) poke() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// flush hands the takes over now if they changed, without waiting for
// any write: before the version they belong to is replaced by another
// set's. Session goroutine.
func (t *takesSaver) flush() {
	if t == nil || t.finished || t.p.session.Version() == t.handed {
		return
	}
	t.hand()
}

// finish writes the takes as they are now, after whatever was being
// written, and stops the writer; it returns the takes file written last,
// "" if none was or the last save failed. It waits for the writer at
// most t.exit: a disk that hangs must not keep gridbox from exiting;
// then it says on stderr which takes file is not saved, and the writer
// is left to the process's end. Calls after the first do nothing.
// Session goroutine.
func (t *takesSaver) finish() string {
	if t == nil || t.finished {
		return ""
	}
	t.flush()
	t.finished = true
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
	t.poke()
	wait := time.NewTimer(t.exit)
	defer wait.Stop()
	select {
	case <-t.done:
	case <-wait.C:
		fmt.Fprintf(t.e.Stderr, "gridbox: the takes are not saved: writing %s did not end within %v\n", t.p.loaded.Takes, t.exit)
		return ""
	}
	if s := t.saved.Load(); s != nil && !t.bad.Load() {
		return *s
	}
	return ""
}

// failed reports whether the last save failed (the grid's alert).
// Session goroutine.
func (t *takesSaver) failed() bool { return t != nil && t.bad.Load() }

// failure returns the words to show on the grid for a save that failed,
// once per run of failures. Session goroutine.
func (t *takesSaver) failure() (string, bool) {
	if t == nil {
		return "", false
	}
	n := t.fails.Load()
	if n == t.shown {
		return "", false
	}
	t.shown = n
	return *t.reason.Load(), true
}

// run is the writer: it removes what a crash left of an earlier save of
// path (temporary files), then writes the takes handed over, the newest
// each time (takes replaced before it took them are never written).
// While saves fail it writes the last job again every takesRetry, and
// once more when the work is closed (finish), so that takes a save failed
// to write are not given up while the session holds no newer ones.
func (t *takesSaver) run(path string) {
	defer close(t.done)
	sweepTemps(path)
	retry := time.NewTicker(takesRetry)
	defer retry.Stop()
	var last *takesJob
	for {
		again := false
		select {
		case <-t.wake:
		case <-retry.C:
			again = t.failing
		}
		for {
			t.mu.Lock()
			var j *takesJob
			if len(t.next) > 0 {
				j, t.next = t.next[0], t.next[1:]
			}
			closed := t.closed
			if j == nil && again {
				j, again = last, false
			}
			t.busy = j != nil
			t.mu.Unlock()
			if j == nil {
				if closed {
					if t.failing {
						t.save(*last)
					}
					return
				}
				break
			}
			last = j
			t.save(*j)
			t.mu.Lock()
			t.busy = false
			t.mu.Unlock()
		}
	}
}

// save writes j's takes, unless the file holds them already, or they are
// empty and there is no file.
func (t *takesSaver) save(j takesJob) {
	data := sets.FormatTakes(j.takes)
	old, known := t.written[j.path]
	if known && bytes.Equal(old, data) {
		return
	}
	if !known && empty(j.takes) {
		if _, err := os.Lstat(j.path); errors.Is(err, fs.ErrNotExist) {
			return
		}
	}
	save := sets.SaveTakes
	if t.e.Hooks.SaveTakes != nil {
		save = t.e.Hooks.SaveTakes
	}
	err := loadable(j.takes, data)
	if err == nil {
		err = save(j.path, data)
	}
	if err != nil {
		// What is there now is not known (something made the save fail):
		// the next save writes whatever the takes are then.
		delete(t.written, j.path)
		t.bad.Store(true)
		if !t.failing {
			t.failing = true
			why := err.Error()
			if !errors.Is(err, sets.ErrNotRegular) {
				why = j.path + ": " + why
			}
			fmt.Fprintf(t.e.Stderr, "gridbox: the takes are not saved: %s; gridbox keeps them and tries again every %v\n", why, takesRetry)
			short := why[strings.LastIndex(why, ": ")+1:] // the reason alone
			var nr *atomicfile.NotRegularError
			if errors.As(err, &nr) {
				short = filepath.Base(nr.Path) + " is " + atomicfile.Describe(nr.Mode)
			}
			msg := "takes not saved: " + strings.TrimSpace(short)
			t.reason.Store(&msg)
			t.fails.Add(1)
		}
		return
	}
	if t.failing {
		t.failing = false
		fmt.Fprintf(t.e.Stderr, "gridbox: the takes are saved again, to %s\n", j.path)
	}
	t.bad.Store(false)
	t.written[j.path] = data
	t.saved.Store(&j.path)
}

// loadable returns why gridbox could not load data, tk formatted, as a
// takes file (too big, a clip of too many notes), or nil.
func loadable(tk *sets.Takes, data []byte) error {
	if len(data) > sets.MaxTakesSize {
		return fmt.Errorf("the takes take %.1f MiB; a takes file holds at most %d MiB", float64(len(data))/(1<<20), sets.MaxTakesSize>>20)
	}
	for _, tt := range tk.Tracks {
		for _, c := range tt.Clips {
			if len(c.Notes) > sets.MaxNotes {
				return fmt.Errorf("track %s's clip in scene %d has %d notes; a clip holds at most %d", tt.Name, c.Scene, len(c.Notes), sets.MaxNotes)
			}
		}
	}
	return nil
}

// empty reports whether tk holds no take.
func empty(tk *sets.Takes) bool {
	for _, tt := range tk.Tracks {
		if len(tt.Clips) > 0 || len(tt.Cleared) > 0 {
			return false
		}
	}
	return true
}

// sweepTemps removes the temporary files that a save of the takes file
// path left when the process was killed during it (atomicfile's
// ".NAME.*.tmp" beside the file its links lead to), if older than
// takesTempAge: a younger one may be another gridbox's save under way
// (one playing the same set, or a render of it).
func sweepTemps(path string) {
	target, err := atomicfile.Resolve(path)
	if err != nil {
		return
	}
	dir, base := filepath.Dir(target), filepath.Base(target)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		n := e.Name()
		if !strings.HasPrefix(n, "."+base+".") || !strings.HasSuffix(n, ".tmp") || !e.Type().IsRegular() {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > takesTempAge {
			os.Remove(filepath.Join(dir, n))
		}
	}
}
