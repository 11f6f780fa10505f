// Package watch tells when files change, for play's reload of the set it
// plays. It watches the files' folders rather than the files: editors save
// by writing a new file and renaming it over the old one (vim, VS Code,
// gedit) or by writing in place, often in several writes, and a watch on
// the file itself would lose the renamed one. A change is reported once the
// changed files have been quiet for the settle time, so that a save is one
// change, not a change per write.
package watch

import (
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// A Watcher reports changes to a set of files. Set and Close are called
// from one goroutine; Changes is read from any.
type Watcher struct {
	fs      *fsnotify.Watcher
	settle  *settler
	mu      sync.Mutex
	files   map[string]bool // clean paths watched
	dirs    map[string]int  // folders watched, by how many files in them
	done    chan struct{}
	stopped chan struct{}
}

// New returns a Watcher that reports a change once the files that changed
// have been quiet for settle (some 150 ms: longer than the gaps between an
// editor's writes of one save).
func New(settle time.Duration) (*Watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &Watcher{
		fs:      fw,
		settle:  newSettler(settle),
		files:   map[string]bool{},
		dirs:    map[string]int{},
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	go w.run()
	return w, nil
}

// Changes delivers, for each settled change, the watched files that
// changed (written, created, renamed over or removed), sorted. Changes that
// come while the last one has not been taken are added to it. When the
// system's watch fails (its queue overflowed: changes may have been lost),
// every watched file is reported changed. Close closes it.
func (w *Watcher) Changes() <-chan []string { return w.settle.out }

// Set makes the watcher watch files, and only them, from now on. A file
// that does not exist yet is watched for its creation; a folder that does
// not exist is an error.
func (w *Watcher) Set(files []string) error {
	want := map[string]bool{}
	dirs := map[string]int{}
	for _, f := range files {
		f = filepath.Clean(f)
		if !want[f] {
			want[f] = true
			dirs[filepath.Dir(f)]++
		}
	}
	w.mu.Lock()
	old := w.dirs
	w.mu.Unlock()
	for d := range dirs {
		if old[d] == 0 {
			if err := w.fs.Add(d); err != nil {
				return err
			}
		}
	}
	for d := range old {
		if dirs[d] == 0 {
			w.fs.Remove(d) // gone already: nothing to undo
		}
	}
	w.mu.Lock()
	w.files, w.dirs = want, dirs
	w.mu.Unlock()
	return nil
}

// Close stops watching; Changes is closed.
func (w *Watcher) Close() error {
	close(w.done)
	err := w.fs.Close()
	<-w.stopped
	return err
}

func (w *Watcher) run() {
	defer close(w.stopped)
	defer w.settle.close()
	for {
		select {
		case <-w.done:
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			name := filepath.Clean(ev.Name)
			w.mu.Lock()
			watched := w.files[name]
			w.mu.Unlock()
			if watched && ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename|fsnotify.Remove) != 0 {
				w.settle.add(name)
			}
		case _, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			// Events may have been lost: every file may have changed.
			w.mu.Lock()
			all := make([]string, 0, len(w.files))
			for f := range w.files {
				all = append(all, f)
			}
			w.mu.Unlock()
			for _, f := range all {
				w.settle.add(f)
			}
		}
	}
}

// A settler gathers changed names and hands them over once none has come
// for its quiet time.
type settler struct {
	quiet   time.Duration
	in      chan string
	out     chan []string
	stopped chan struct{}
}

func newSettler(quiet time.Duration) *settler {
	s := &settler{quiet: quiet, in: make(chan string, 64), out: make(chan []string), stopped: make(chan struct{})}
	go s.run()
	return s
}

// add notes that name changed, now.
func (s *settler) add(name string) { s.in <- name }

// close hands over nothing more and closes out.
func (s *settler) close() {
	close(s.in)
	<-s.stopped
}

func (s *settler) run() {
	defer close(s.stopped)
	defer close(s.out)
	var pending []string // changed, not yet settled
	var ready []string   // settled, not yet taken
	var timer *time.Timer
	var fire <-chan time.Time
	for {
		var out chan []string
		if len(ready) > 0 {
			out = s.out
		}
		select {
		case name, ok := <-s.in:
			if !ok {
				if timer != nil {
					timer.Stop()
				}
				return
			}
			if !slices.Contains(pending, name) {
				pending = append(pending, name)
			}
			if timer == nil {
				timer = time.NewTimer(s.quiet)
			} else {
				timer.Reset(s.quiet)
			}
			fire = timer.C
		case <-fire:
			fire = nil
			for _, n := range pending {
				if !slices.Contains(ready, n) {
					ready = append(ready, n)
				}
			}
			pending = pending[:0]
			slices.Sort(ready)
		case out <- ready:
			ready = nil
		}
	}
}
