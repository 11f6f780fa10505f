package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"gridbox/engine"
	"gridbox/grid/hotplug"
	"gridbox/grid/launchpad"
	"gridbox/grid/launchpad/launchpadtest"
	"gridbox/grid/scan"
	"gridbox/sequencer"
	"gridbox/sets"
	"gridbox/show"
	"gridbox/show/showtest"
)

// TestPlaySavesTakes plays with --audio null in a synctest bubble, so that
// the times measured are the ones gridbox's own timers make, and edits
// through the session's API (show.Hooks.Turn) at set times of the sound:
// the takes file appears within a second of an edit; edits that go on
// every 100 ms are saved within a second of the first; a save over a
// folder fails, is reported once on stderr and scrolled on the grid, the
// music plays on, and the takes are saved at the next change once the
// folder is gone.
func TestPlaySavesTakes(t *testing.T) { isolate(t); synctest.Test(t, testPlaySavesTakes) }

func testPlaySavesTakes(t *testing.T) {
	set := showtest.ClickSet(t, "")
	takes := sets.TakesPath(set)
	const rate = 48000
	var mu sync.Mutex
	edits := map[string]time.Time{} // when each step of the plan was done
	when := func(step string) (time.Time, bool) {
		mu.Lock()
		defer mu.Unlock()
		at, ok := edits[step]
		return at, ok
	}
	// The plan, by the sound's time: the click cleared at 1 s; from 2 s to
	// 2.9 s, every 100 ms, the click put back 2, 3… 11 beats long; undone
	// at 3.5 s (10 beats), when a folder is where the takes file goes (the
	// test puts it there at 3.2 s); redone at 4.2 s (11 beats), the folder
	// gone since 4 s.
	type step struct {
		at   float64
		name string
		do   func(s *sequencer.Session, now engine.Frame)
	}
	var click *sequencer.Clip
	plan := []step{{1, "clear", func(s *sequencer.Session, now engine.Frame) { click = s.Clip(0, 0); s.Clear(0, 0, now) }}}
	for i := range 10 {
		plan = append(plan, step{2 + float64(i)/10, fmt.Sprintf("burst %d", i), func(s *sequencer.Session, now engine.Frame) {
			c := *click
			c.Length = sequencer.Beats(2 + i)
			s.SetClip(0, 0, &c, now)
		}})
	}
	plan = append(plan, step{3.5, "undo into a folder", func(s *sequencer.Session, now engine.Frame) { s.Undo(now) }},
		step{4.2, "redo", func(s *sequencer.Session, now engine.Frame) { s.Redo(now) }})
	next := 0
	turn := func(s *sequencer.Session, now engine.Frame) {
		for next < len(plan) && float64(now)/rate >= plan[next].at {
			plan[next].do(s, now)
			mu.Lock()
			edits[plan[next].name] = time.Now()
			mu.Unlock()
			next++
		}
	}
	// A Launchpad X, to see the failure scrolled on the grid.
	var bus bench
	lp := launchpadtest.New(launchpad.LaunchpadX)
	lp.SetTextDuration(time.Second)
	bus.plug(launchpadOn(lp, "Launchpad X:Launchpad X LPX MIDI 20:1"))
	var stderr syncBuffer
	e := &env{stdout: io.Discard, stderr: &stderr, hooks: show.Hooks{
		Scans:  func(scan.Wrap) []hotplug.Scan { return []hotplug.Scan{bus.scan} },
		Notify: func(chan<- os.Signal, ...os.Signal) {},
		Turn:   turn,
	}}
	code := make(chan int, 1)
	// --no-watch, --http off: a watcher's inotify read and the browser view's
	// Accept would block outside the bubble.
	go func() {
		code <- run([]string{"play", "--http", "off", set, "--audio", "null", "--rate", "48000", "--seconds", "5", "--no-watch"}, e)
	}()

	read := func() string {
		b, _ := os.ReadFile(takes)
		return string(b)
	}
	cleared := "  [[track.clip]]\n  scene = 0\n  empty = true\n"
	waitFor := func(what string, cond func() bool) time.Time {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not after 10 s:\n%s", what, stderr.String())
			}
		}
		return time.Now()
	}

	done := func(step string) bool { _, ok := when(step); return ok }
	waitFor("the first edit", func() bool { return done("clear") })
	at := waitFor("the takes file", func() bool { return strings.Contains(read(), cleared) })
	start, _ := when("clear")
	took := at.Sub(start)
	t.Logf("the takes file appeared %v after the edit", took)
	if took > time.Second {
		t.Errorf("the takes file appeared %v after the edit; want within 1 s", took)
	}
	if _, err := sets.ParseTakes(takes, []byte(read())); err != nil {
		t.Errorf("the takes file does not parse: %v", err)
	}

	waitFor("the burst", func() bool { return done("burst 0") })
	at = waitFor("a save during the burst", func() bool { return !strings.Contains(read(), cleared) })
	first, _ := when("burst 0")
	took = at.Sub(first)
	t.Logf("with an edit every 100 ms, saved %v after the first", took)
	if last, ok := when("burst 9"); took > time.Second || ok && !at.Before(last) {
		t.Errorf("with an edit every 100 ms, saved %v after the first (the last at %v); want within 1 s, before the edits end", took, last.Sub(first))
	}
	waitFor("the burst's last edit saved", func() bool { return strings.Contains(read(), "length = 11\n") })

	time.Sleep(time.Until(start.Add(2200 * time.Millisecond))) // 3.2 s
	if err := os.Remove(takes); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(takes, 0o755); err != nil {
		t.Fatal(err)
	}
	waitFor("the failing save", func() bool { return strings.Contains(stderr.String(), "the takes are not saved") })
	want := "takes not saved: click.takes.toml is a folder"
	waitFor("the failure scrolled on the grid", func() bool { text, _ := lp.Text(); return text.Text == want })
	time.Sleep(time.Until(start.Add(3 * time.Second))) // 4 s
	if err := os.Remove(takes); err != nil {
		t.Fatal(err)
	}
	waitFor("the save after the folder went", func() bool { return strings.Contains(read(), "length = 11\n") })
	if c := <-code; c != 0 {
		t.Fatalf("play exited %d:\n%s", c, stderr.String())
	}
	out := stderr.String()
	t.Log(out)
	for _, want := range []string{
		"gridbox: the takes are not saved: " + takes + " is a folder, not a regular file; gridbox keeps them and tries again every 2s\n",
		"gridbox: the takes are saved again, to " + takes + "\n",
		"gridbox: this session's takes are saved in " + takes + "\n",
	} {
		if n := strings.Count(out, want); n != 1 {
			t.Errorf("said %d times: %q", n, want)
		}
	}
	if !strings.Contains(out, "0 underruns") {
		t.Errorf("the music did not play on through the failed save")
	}
}

// recordChildEnv makes the child (startChild's, its arguments in
// helperPlayEnv) play with a recorder: see recorder.
const recordChildEnv = "GRIDBOX_RECORD_CHILD"

func init() {
	// Before helperPlay, which would take the child otherwise.
	children = append([]childMain{{recordChildEnv, recordChild}}, children...)
}

func recordChild(string) int {
	e := processEnv()
	r := &recorder{w: os.Stderr, rng: rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(time.Now().UnixNano())))}
	e.hooks.Turn = r.turn
	return run(strings.Fields(os.Getenv(helperPlayEnv)), e)
}

// recordSet is a set for recording fast: 999 BPM, one beat to the bar
// (60 ms), no count-in, a track "Keys" with an instrument and no clip.
// Takes are of free length, so that each lasts until the recorder has
// played its note and pressed Record again: with a fixed bar, a session
// goroutine held up for 60 ms on a loaded machine made an empty take.
func recordSet(t *testing.T) string {
	set := showtest.ClickSet(t, "")
	text := `name = "Record"
tempo = 999
time_signature = [1, 4]
quantize = "none"
count_in = "none"
record_quantize = "none"
fixed_length = "none"
metronome = false

[[scene]]

[[track]]
name = "Keys"
instrument = "kit"

[[instrument]]
name = "kit"
kind = "sampler"
  [[instrument.zone]]
  low = 0
  high = 127
  root = 60
  sample = "samples/click.wav"
`
	showtest.WriteFile(t, set, text)
	return set
}

// recorder records take after take on track 0 through the session's API
// (what the surface's Record button calls, without a controller): it stops what
// plays, presses Record, plays one note from the recording's start, whose
// key tells the slot the take goes to (takeKey), presses Record again (the
// take ends at the next bar line), and once the new clip is in its slot
// says "gridbox-test: take N" (N: the slot) and waits up to 80 ms. It
// says "gridbox-test: loaded N takes" first. Session goroutine.
type recorder struct {
	w       io.Writer
	rng     *rand.Rand
	started bool
	phase   int
	next    engine.Frame // when to record next
	slot    int
	key     uint8
	on      engine.Frame
}

const recordRate = 48000

func takeKey(slot int) uint8 { return uint8(36 + slot%64) }

func (r *recorder) turn(s *sequencer.Session, now engine.Frame) {
	const x = 0
	if !r.started {
		r.started = true
		n := 0
		for n < s.Scenes() && s.Clip(x, n) != nil {
			n++
		}
		fmt.Fprintf(r.w, "gridbox-test: loaded %d takes\n", n)
	}
	switch r.phase {
	case 0:
		if now < r.next {
			return
		}
		if s.Playing(x) >= 0 { // a playing note clip would be overdubbed
			s.StopTrack(x, now)
			return
		}
		for r.slot = 0; r.slot < s.Scenes() && s.Clip(x, r.slot) != nil; r.slot++ {
		}
		r.key = takeKey(r.slot)
		s.Record(x, 0, now)
		r.phase = 1
	case 1:
		if s.RecordState(now) == sequencer.RecRecording {
			s.NoteOn(x, r.key, 100, now)
			r.on, r.phase = now, 2
		}
	case 2:
		if now >= r.on+recordRate/50 {
			s.NoteOff(x, r.key, now)
			s.Record(x, 0, now)
			r.phase = 3
		}
	case 3:
		if s.RecordState(now) == sequencer.RecIdle && s.Clip(x, r.slot) != nil {
			fmt.Fprintf(r.w, "gridbox-test: take %d\n", r.slot)
			r.next = now + engine.Frame(r.rng.IntN(recordRate*8/100))
			r.phase = 0
		}
	}
}

// checkTakes parses the takes file data and checks that it holds takes
// 0 to n-1 of recorder, each in its slot with its key, and nothing else;
// it returns n.
func checkTakes(data []byte) (int, error) {
	tk, err := sets.ParseTakes("record.takes.toml", data)
	if err != nil {
		return 0, err
	}
	if len(tk.Tracks) == 0 {
		return 0, nil
	}
	tt := tk.Tracks[0]
	if len(tk.Tracks) != 1 || tt.Name != "Keys" || len(tt.Cleared) > 0 {
		return 0, fmt.Errorf("takes of other tracks, or cleared slots: %+v", tk.Tracks)
	}
	for i, c := range tt.Clips {
		if c.Scene != i || len(c.Notes) != 1 || c.Notes[0].Key != int(takeKey(i)) {
			return 0, fmt.Errorf("take %d: %+v", i, c)
		}
	}
	return len(tt.Clips), nil
}

// The kill -9 test: gridbox play records take after take (a
// recorder through the session's API) while the test kills it with
// SIGKILL at random moments, and starts it again, until 200 takes were
// recorded. The takes file, read every 10 ms meanwhile and after every
// kill, always parses and holds takes 0 to n-1 exactly (an old version or
// a new one, never part of one); a take is missing after a kill only if
// it ended less than a second before it (the recording in progress, and
// with takes this short, those of its last second). The next start
// removes what a kill left of a save; none is left at the end.
func TestKill9DuringRecordings(t *testing.T) {
	if testing.Short() {
		t.Skip("records 200 takes in gridbox processes killed at random: some 30 s")
	}
	if raceEnabled {
		t.Skip("a race-built child records ten times slower; the race build runs the show's takes tests")
	}
	set := recordSet(t)
	takes := sets.TakesPath(set)
	state := t.TempDir()
	rng := rand.New(rand.NewPCG(11, uint64(time.Now().UnixNano())))
	recorded, kills := 0, 0
	var lost []int                // takes missing after each kill
	var oldestLost time.Duration  // the longest a missing take had ended before its kill
	var latencies []time.Duration // from a take's line to the file holding it
	inFile := 0                   // takes in the file
	for recorded < 200 {
		c := startChild(t, state, "play "+set+" --audio null --rate 48000 --no-watch", recordChildEnv+"=1")
		life := 300*time.Millisecond + time.Duration(rng.Int64N(int64(2700*time.Millisecond)))
		deadline := time.Now().Add(life)
		seen := map[int]time.Time{} // when the file first held take N
		for time.Now().Before(deadline) {
			if data, err := os.ReadFile(takes); err == nil {
				n, err := checkTakes(data)
				if err == nil && n < inFile {
					err = fmt.Errorf("%d takes, %d when gridbox started", n, inFile)
				}
				if err != nil {
					c.cmd.Process.Kill()
					<-c.done
					t.Fatalf("the takes file while gridbox records: %v\n%s", err, data)
				}
				for k := range n {
					if _, ok := seen[k]; !ok {
						seen[k] = time.Now()
					}
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		kill := time.Now()
		c.cmd.Process.Signal(syscall.SIGKILL)
		<-c.done
		kills++
		data, err := os.ReadFile(takes)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		n, err := checkTakes(data)
		if err != nil {
			t.Fatalf("after kill %d the takes file: %v\n%s", kills, err, data)
		}
		missing := 0
		loaded := -1
		for i, l := range c.lines {
			var k int
			if _, err := fmt.Sscanf(l, "gridbox-test: loaded %d takes", &k); err == nil {
				loaded = k
			}
			if _, err := fmt.Sscanf(l, "gridbox-test: take %d", &k); err != nil {
				continue
			}
			recorded++
			if at, ok := seen[k]; ok && at.After(c.at[i]) {
				latencies = append(latencies, at.Sub(c.at[i]))
			}
			if k >= n {
				missing++
				age := kill.Sub(c.at[i])
				oldestLost = max(oldestLost, age)
				if age > time.Second {
					t.Errorf("kill %d: take %d ended %v before the kill and is not in the takes file", kills, k, age)
				}
			}
		}
		if loaded != inFile {
			t.Errorf("run %d loaded %d takes; the file held %d", kills, loaded, inFile)
		}
		if n < inFile {
			t.Fatalf("after kill %d the file holds %d takes, %d before", kills, n, inFile)
		}
		inFile = n
		lost = append(lost, missing)
	}
	// A clean stop: the next start removed what a kill left of a save
	// (aged here: a save's temporary file younger than a minute may be
	// another gridbox's, and is left), and no spare takes file was ever
	// needed.
	ents, _ := os.ReadDir(filepath.Dir(set))
	aged := time.Now().Add(-2 * time.Minute)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			os.Chtimes(filepath.Join(filepath.Dir(set), e.Name()), aged, aged)
		}
	}
	c := startChild(t, state, "play "+set+" --audio null --rate 48000 --no-watch", recordChildEnv+"=1")
	time.Sleep(300 * time.Millisecond)
	out := c.stop(syscall.SIGTERM)
	ents, _ = os.ReadDir(filepath.Dir(set))
	for _, e := range ents {
		if n := e.Name(); strings.HasSuffix(n, ".tmp") || strings.HasPrefix(n, "click.takes.") && n != "click.takes.toml" {
			t.Errorf("left in the set's folder: %s", n)
		}
	}
	data, _ := os.ReadFile(takes)
	if n, err := checkTakes(data); err != nil || n < inFile {
		t.Errorf("after a clean stop: %d takes, %v; %d before\n%s", n, err, inFile, out)
	}
	slices.Sort(latencies)
	hist := map[int]int{}
	for _, m := range lost {
		hist[m]++
	}
	if len(latencies) > 0 {
		t.Logf("%d takes recorded in %d runs killed with SIGKILL; %d in the file; every read of it parsed and held whole takes", recorded, kills, inFile)
		t.Logf("takes missing after a kill (count: kills): %v; the oldest had ended %v before its kill", hist, oldestLost)
		t.Logf("a take's line to the file holding it: median %v, 90th percentile %v, max %v (%d measured, polled every 10 ms)",
			latencies[len(latencies)/2], latencies[len(latencies)*9/10], latencies[len(latencies)-1], len(latencies))
	}
}
