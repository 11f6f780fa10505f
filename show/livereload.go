package show

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"gridbox/grid"
	"gridbox/internal/watch"
	"gridbox/sets"
)

// settleTime is how long a set's files must be quiet before a change is
// taken as saved: longer than the gaps between an editor's writes of one
// save, short enough to feel immediate.
const settleTime = 150 * time.Millisecond

// ReloadSignal is the signal that makes a playing gridbox reload its set
// ("gridbox reload" sends it; so does "systemctl reload gridbox").
const ReloadSignal = syscall.SIGUSR1

// errorRed is the colour a set's first error scrolls in.
var errorRed = grid.Color{R: 255}

// liveReload loads new versions of play's set, off the session goroutine:
// when its file or a sample it uses changes (unless play was told not to
// watch), or when ReloadSignal comes. The session goroutine starts loads
// (request) and swaps their results in (take); one load runs at a time,
// from the version playing, and a change during it loads again after.
type liveReload struct {
	e       *Env
	p       *Show
	file    string // the set file playing, as play (or a switch) was given it
	target  string // a set file switched to, until it plays or fails to load; "": none
	w       *watch.Watcher
	signals chan os.Signal
	results chan loadResult
	scroll  func(text string) // shows a set's first error on the grid
	// switched hears of another set file swapped in (switchTo), on the
	// session goroutine; nil: no one.
	switched func(file string)

	scrolled string // the error scrolled last, until a good version is in: saving the same mistake again does not scroll it again

	busy  bool        // a load is running
	again bool        // a change came while it ran, or while ready waited
	ready *loadResult // a good version waiting for the engine to take the one before
}

// A loadResult is a version of the set, or why it cannot play and the
// set file as far as it reads then (for the grid and the watch).
type loadResult struct {
	file   string // the set file loaded
	l      *loaded
	err    error
	edited *sets.Set
	seen   time.Time // when the change that asked for it was seen
	// The session's takes are laid over l (cur): as they were when the
	// session was at version, playing base. Otherwise l has its takes
	// file's.
	cur     bool
	base    *loaded
	version uint64
	// partial: an audio take recorded while it loaded or waited (take).
	partial bool
}

// startReload starts reloading p's set file as it changes (watch) and on
// ReloadSignal. Problems watching are reported; the show plays on.
func startReload(e *Env, p *Show, file string, watchFiles bool, scroll func(string)) *liveReload {
	r := &liveReload{e: e, p: p, file: file, signals: make(chan os.Signal, 1), results: make(chan loadResult, 1), scroll: scroll}
	notify := signal.Notify
	if e.Notify != nil {
		notify = e.Notify
	}
	notify(r.signals, ReloadSignal)
	if watchFiles {
		w, err := watch.New(settleTime)
		if err != nil {
			fmt.Fprintf(e.Stderr, "gridbox: not watching the set for changes: %v\n", err)
		} else {
			r.w = w
			r.watch(p.loaded.Set)
		}
	}
	return r
}

// changes delivers the watched files that changed; signaled, the
// ReloadSignals; loaded, the loads' results. All are nil channels (never
// ready) when r is nil (safe mode) or, for changes, not watching.
func (r *liveReload) changes() <-chan []string {
	if r == nil || r.w == nil {
		return nil
	}
	return r.w.Changes()
}

func (r *liveReload) signaled() <-chan os.Signal {
	if r == nil {
		return nil
	}
	return r.signals
}

func (r *liveReload) loaded() <-chan loadResult {
	if r == nil {
		return nil
	}
	return r.results
}

// watch watches the set file and the samples and MIDI files of set (the
// version playing) and of the last version tried, so that a sample added
// to fix it is seen.
func (r *liveReload) watch(sets ...*sets.Set) {
	if r.w == nil {
		return
	}
	files := []string{r.file}
	dir := filepath.Dir(r.file)
	for _, s := range sets {
		if s == nil {
			continue
		}
		for _, ref := range s.Samples() {
			files = append(files, filepath.Join(dir, filepath.FromSlash(ref.Path)))
		}
		for _, p := range s.MIDIFiles() {
			files = append(files, filepath.Join(dir, filepath.FromSlash(p)))
		}
	}
	if err := r.w.Set(files); err != nil {
		fmt.Fprintf(r.e.Stderr, "gridbox: watching the set's files: %v\n", err)
	}
}

// request starts loading the set file anew, or asks for it once the load
// running (or waiting) is done. Session goroutine.
func (r *liveReload) request(seen time.Time) {
	if r.busy || r.ready != nil {
		r.again = true
		return
	}
	r.busy = true
	prev, rate, mem, file := r.p.loaded, r.p.rate, r.p.mem, r.wanted()
	res := loadResult{file: file, seen: seen, base: prev, version: r.p.session.Version(), partial: r.p.recorder.busy()}
	// The session's takes, saved or not, go with the new version: they
	// are laid over it rather than read from the takes file, which may
	// not hold the latest yet (or be a spare one, never read back).
	var cur *sets.Takes
	if samePath(file, prev.path) {
		cur, res.cur = prev.takesOf(r.p.session), true
	} else {
		r.p.takes.flush() // another set plays (a script's load line): its own are saved
		cur = r.p.takes.of(file)
	}
	go func() {
		if res.l, res.err = loadSet(file, rate, mem, prev, cur); res.err != nil {
			res.edited = tried(file) // read here, not on the session goroutine
		}
		r.results <- res
	}()
}

// switchTo plays the set file file from now on: it is loaded as a
// reload is (the music plays on meanwhile), and watched instead once it
// plays. A set with errors is reported, and the one playing plays on and
// is still watched. Session goroutine.
func (r *liveReload) switchTo(file string) {
	if r == nil {
		return // safe mode: the page was told
	}
	r.target = file
	r.request(time.Now())
}

// wanted is the set file the next load reads: a set switched to, else
// the one playing.
func (r *liveReload) wanted() string {
	if r.target != "" {
		return r.target
	}
	return r.file
}

// take handles a load's result (nil: try the one waiting again) on the
// session goroutine: a good version is swapped in, unless the engine has
// not taken the one before yet (then it waits for the next turn); one
// with errors is shown.
func (r *liveReload) take(res *loadResult) {
	if r == nil {
		return
	}
	if res != nil {
		r.busy = false
		r.ready = res
	}
	res = r.ready
	if res == nil {
		return
	}
	// Another set was switched to while this one loaded: load that.
	if !samePath(res.file, r.wanted()) {
		unload(res.l, r.p.loaded)
		r.ready, r.again = nil, false
		r.request(res.seen)
		return
	}
	// An audio take recording, or its file not complete yet: a version
	// loaded meanwhile may have read part of it, and the take's clip is
	// the session's until it ends. The version waits, and is loaded
	// again once the take is on disk.
	if res.err == nil && r.p.recorder.busy() {
		res.partial = true
		return
	}
	if res.err == nil && res.partial {
		unload(res.l, r.p.loaded)
		r.ready, r.again = nil, false
		r.request(res.seen)
		return
	}
	var err error
	if res.err == nil && !r.current(res) {
		return // loaded again
	}
	was := r.p.loaded.path
	if res.err == nil {
		if !samePath(res.file, was) {
			r.p.takes.flush() // what the set before recorded since the last hand-over
		}
		err = r.p.swapLoaded(res.l)
		if errors.Is(err, errBusy) {
			return // the next turn tries again
		}
	} else {
		err = res.err
	}
	r.ready = nil
	switched := samePath(res.file, r.target)
	r.target = "" // played, or failed: the set playing is watched
	if err != nil {
		unload(res.l, r.p.loaded)
		r.p.failed(r.e, res.file, err, res.edited, func(text string) {
			if text != r.scrolled && r.scroll != nil {
				r.scrolled = text
				r.scroll(text)
			}
		})
		if switched {
			r.watch(r.p.loaded.Set) // the samples the broken one names are in another folder, perhaps
		} else {
			r.watch(r.p.loaded.Set, res.edited)
		}
	} else {
		r.scrolled = ""
		if switched {
			r.file = res.file
		}
		fmt.Fprintln(r.e.Stderr, reloadReport(res.l, time.Since(res.seen)))
		r.watch(r.p.loaded.Set)
		if !samePath(was, res.l.path) && r.switched != nil {
			r.switched(res.l.path)
		}
	}
	if r.again {
		r.again = false
		r.request(time.Now())
	}
}

// current makes the good version res carry the session's takes as they
// are now: when the session changed while it loaded, they are laid over it
// again (relay), so that no edit is lost in the swap (Replace forgets the
// session's clips). When another version was swapped in meanwhile (a
// script's load line) it is dropped and the set loaded again, and current
// returns false. Session goroutine.
func (r *liveReload) current(res *loadResult) bool {
	if !res.cur {
		return true
	}
	if r.p.loaded != res.base {
		unload(res.l, r.p.loaded)
		r.ready, r.again = nil, false
		r.request(res.seen)
		return false
	}
	if v := r.p.session.Version(); v != res.version {
		res.l.relay(r.p.loaded.takesOf(r.p.session))
		res.version = v
	}
	return true
}

// tried returns the set file as far as it reads (for the samples it
// names), or nil.
func tried(file string) *sets.Set {
	root, err := os.OpenRoot(filepath.Dir(file))
	if err != nil {
		return nil
	}
	defer root.Close()
	s, _ := sets.Check(root.FS(), filepath.Base(file))
	return s
}

// stop stops watching and listening for ReloadSignal, and waits for a load
// running to end (its result is discarded).
func (r *liveReload) stop() {
	signal.Stop(r.signals)
	if r.w != nil {
		r.w.Close()
	}
	if r.busy {
		res := <-r.results
		unload(res.l, r.p.loaded)
	}
	if r.ready != nil {
		unload(r.ready.l, r.p.loaded)
	}
}
