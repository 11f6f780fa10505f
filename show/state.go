package show

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"path/filepath"
	"time"

	"gridbox/sequencer"
	"gridbox/state"
)

// saveEvery is the least time between two saves of a changing state.
const saveEvery = 2 * time.Second

// liveState is what gridbox saves beside a set while it plays, so that a
// restart (a crash, a power cut, systemd) resumes where the music was: the
// mixer strips and the clip each track was playing. The set file itself is
// never written.
type liveState struct {
	Version int          `json:"version"`
	Set     string       `json:"set"` // the set's absolute path
	Tracks  []trackState `json:"tracks"`
}

type trackState struct {
	Volume  float32 `json:"volume"`
	Mute    bool    `json:"mute,omitempty"`
	Solo    bool    `json:"solo,omitempty"`
	Arm     bool    `json:"arm,omitempty"`
	Playing int     `json:"playing"` // slot, -1 = none
}

// saver keeps a set's live state: snapshot (session goroutine) notices
// changes, a goroutine of its own writes them (an SD card's fsync must not
// hold up the session), and finish writes the last one synchronously.
type saver struct {
	e        *Env
	store    *state.Store // the writer's (after start)
	stateDir string       // the config's [state] dir
	set      string
	last     []byte // the last snapshot handed over
	when     time.Time
	work     chan saveJob
	done     chan struct{}
	errors   int
	finished bool
	reopen   string // a set switched to, whose store the next job opens (follow)
}

// A saveJob is a state to save, in the store of set reopen first when that
// is not "" (follow).
type saveJob struct {
	b      []byte
	reopen string
}

// storeOf returns where the state of the set at absolute path abs is
// kept: beside it, or in stateDir when that is not "" (one folder for the
// states of every set played: the set's path tells apart sets of the same
// file name).
func storeOf(abs, stateDir string) (dir, name string) {
	dir, name = state.ForSet(abs)
	if stateDir != "" {
		h := fnv.New32a()
		h.Write([]byte(abs))
		dir, name = stateDir, fmt.Sprintf("%s-%08x", name, h.Sum32())
	}
	return dir, name
}

// openState opens set file's state store (in stateDir, the config's
// [state] dir, or beside the set when that is "") and applies its newest
// valid generation to p's session (mixer strips now, clips from the first
// bar). Problems are reported, never fatal: a set plays without its state.
func openState(e *Env, file, stateDir string, p *Show) *saver {
	abs, err := filepath.Abs(file)
	if err != nil {
		fmt.Fprintf(e.Stderr, "gridbox: state: %v\n", err)
		return nil
	}
	dir, name := storeOf(abs, stateDir)
	st, err := state.Open(dir, name, state.Options{})
	if err != nil {
		fmt.Fprintf(e.Stderr, "gridbox: state not saved: %v\n", err)
		return nil
	}
	data, gen, problems, err := st.Load()
	for _, pr := range problems {
		fmt.Fprintf(e.Stderr, "gridbox: %v\n", pr)
	}
	if err != nil {
		fmt.Fprintf(e.Stderr, "gridbox: state: %v\n", err)
	}
	if data != nil {
		var ls liveState
		if err := json.Unmarshal(data, &ls); err != nil || ls.Version != 1 || ls.Set != abs {
			fmt.Fprintf(e.Stderr, "gridbox: state generation %d is not this set's; starting fresh\n", gen)
		} else {
			resume(p.session, ls)
			fmt.Fprintf(e.Stderr, "gridbox: resumed the state saved in generation %d\n", gen)
		}
	}
	s := &saver{e: e, store: st, stateDir: stateDir, set: abs, work: make(chan saveJob, 1), done: make(chan struct{})}
	s.last = s.encode(p.session)
	go s.run()
	return s
}

// resume applies a saved state at frame 0.
func resume(s *sequencer.Session, ls liveState) {
	for x, t := range ls.Tracks {
		if x >= s.Tracks() {
			break
		}
		s.SetMix(x, sequencer.Mix{Volume: t.Volume, Mute: t.Mute, Solo: t.Solo, Arm: t.Arm}, 0)
		if t.Playing >= 0 {
			s.Launch(x, t.Playing, 0)
		}
	}
}

func (s *saver) encode(sess *sequencer.Session) []byte {
	ls := liveState{Version: 1, Set: s.set, Tracks: make([]trackState, sess.Tracks())}
	for x := range ls.Tracks {
		m := sess.Mix(x)
		ls.Tracks[x] = trackState{Volume: m.Volume, Mute: m.Mute, Solo: m.Solo, Arm: m.Arm, Playing: sess.Playing(x)}
	}
	b, _ := json.Marshal(ls) // plain data: cannot fail
	return b
}

// snapshot hands the state over for saving when it changed and saveEvery
// has passed. Session goroutine.
func (s *saver) snapshot(sess *sequencer.Session) {
	if s == nil || time.Since(s.when) < saveEvery {
		return
	}
	b := s.encode(sess)
	if string(b) == string(s.last) && s.reopen == "" {
		return
	}
	select {
	case s.work <- saveJob{b, s.reopen}:
		s.last, s.when, s.reopen = b, time.Now(), ""
	default: // the writer is still busy: try again next time
	}
}

// follow keeps the state of the set at file from now on: the session
// switched to it (from the browser view). It is not resumed (it already
// plays); the set before keeps its last state. Session goroutine.
func (s *saver) follow(file string) {
	abs, err := filepath.Abs(file)
	if s == nil || err != nil || s.finished {
		return
	}
	s.set, s.reopen, s.when = abs, abs, time.Time{}
}

func (s *saver) run() {
	defer close(s.done)
	for j := range s.work {
		s.do(j)
	}
}

// do opens the store of the set j switches to, if any, then saves j's
// state. The writer's, or finish's once the writer has stopped.
func (s *saver) do(j saveJob) {
	if j.reopen != "" {
		dir, name := storeOf(j.reopen, s.stateDir)
		st, err := state.Open(dir, name, state.Options{})
		if err != nil {
			fmt.Fprintf(s.e.Stderr, "gridbox: the state of %s is not saved: %v\n", j.reopen, err)
		}
		s.store, s.errors = st, 0
	}
	if j.b != nil {
		s.save(j.b)
	}
}

func (s *saver) save(b []byte) {
	if s.store == nil {
		return
	}
	if err := s.store.Save(b); err != nil {
		s.errors++
		if s.errors == 1 {
			fmt.Fprintf(s.e.Stderr, "gridbox: saving the state: %v\n", err)
		}
	}
}

// finish saves the state as it is now, after whatever was being written:
// SIGTERM's save, within the unit's stop timeout. It stops the writer;
// calls after the first do nothing. Session goroutine.
func (s *saver) finish(sess *sequencer.Session) {
	if s == nil || s.finished {
		return
	}
	s.finished = true
	close(s.work)
	<-s.done
	if s.reopen != "" { // a switch not yet handed over
		s.do(saveJob{reopen: s.reopen})
		s.last = nil
	}
	if b := s.encode(sess); string(b) != string(s.last) {
		s.save(b)
	}
}
