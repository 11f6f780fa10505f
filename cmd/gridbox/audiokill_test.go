package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gridbox/audio/codec"
	"gridbox/engine"
	"gridbox/sequencer"
	"gridbox/sets"
	"gridbox/show/showtest"
)

var audioKillRecordings = flag.Int("audio-kill-recordings", 12, "how many audio takes TestKill9DuringAudioRecordings records (the issue's figure: 100)")

// audioKillChildEnv makes the child (startChild's, its arguments in
// helperPlayEnv) play with an audioRecorder.
const audioKillChildEnv = "GRIDBOX_AUDIO_KILL_CHILD"

func init() {
	// Before helperPlay, which would take the child otherwise.
	children = append([]childMain{{audioKillChildEnv, audioKillChild}}, children...)
}

func audioKillChild(string) int {
	e := processEnv()
	r := &audioRecorder{w: os.Stderr, rng: rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(time.Now().UnixNano())))}
	e.hooks.Turn = r.turn
	return run(strings.Fields(os.Getenv(helperPlayEnv)), e)
}

// The looper set of TestKill9DuringAudioRecordings: 240 BPM, one beat to
// the bar (a bar is 12000 frames at 48 kHz, 250 ms), no count-in, free
// length, and a track "Gtr" that records input 1, not monitored.
const (
	audioKillSet = `name = "Looper"
tempo = 240
time_signature = [1, 4]
quantize = "none"
count_in = "none"
fixed_length = "none"
metronome = false

[[scene]]

[[track]]
name = "Gtr"
input = "1"
monitor = "off"
`
	audioKillBar  = recordRate / 4
	audioKillFade = recordRate * 5 / 1000 // recorded past a take's end (the loop's crossfade)
)

// audioRecorder records audio take after take on track 0 through the
// session's API (what the Record button calls): it stops the loop the
// last take left playing (Record would overdub it), presses Record, and
// once the take records says "gridbox-test: take started SLOT FILE UNIX_NS"
// (its slot, its WAV as the set names it, the wall clock; if the take
// could not start, why: a line the test fails on); it presses
// Record again after 0.3 to 2 s (the take ends at the next bar line),
// and once the take's clip is final says "gridbox-test: take ended SLOT
// FRAMES" (the frames its WAV holds: its bars plus the crossfade's);
// then it waits up to 80 ms. Session goroutine.
type audioRecorder struct {
	w     io.Writer
	rng   *rand.Rand
	phase int
	next  engine.Frame // when to record next (phase 0), or to press Record again (phase 2)
	slot  int
}

func (r *audioRecorder) turn(s *sequencer.Session, now engine.Frame) {
	const x = 0
	switch r.phase {
	case 0:
		if now < r.next {
			return
		}
		if s.Playing(x) >= 0 {
			s.StopTrack(x, now)
			return
		}
		s.Record(x, 0, now)
		r.phase = 1
	case 1:
		switch s.RecordState(now) {
		case sequencer.RecIdle: // its buffers could not be made: the take was cancelled
			fmt.Fprintf(r.w, "gridbox-test: the take did not start: %v\n", s.TakeError())
			r.phase = 0
			return
		case sequencer.RecCountIn:
			return
		}
		slot, ok := s.Recording(x)
		c := s.Clip(x, slot)
		if !ok || c == nil {
			return // a late turn: the take's start is not committed yet
		}
		r.slot = slot
		fmt.Fprintf(r.w, "gridbox-test: take started %d %v %d\n", slot, c.Source, time.Now().UnixNano())
		r.next = now + engine.Frame(recordRate*3/10+r.rng.IntN(recordRate*17/10))
		r.phase = 2
	case 2:
		if now >= r.next {
			s.Record(x, 0, now)
			r.phase = 3
		}
	case 3:
		if c := s.Clip(x, r.slot); s.RecordState(now) == sequencer.RecIdle && c != nil && c.Length > 0 {
			frames := int(c.Length)*audioKillBar + audioKillFade
			fmt.Fprintf(r.w, "gridbox-test: take ended %d %d\n", r.slot, frames)
			r.next = now + engine.Frame(r.rng.IntN(recordRate*8/100))
			r.phase = 0
		}
	}
}

// audioTake is a take as the child's lines tell it.
type audioTake struct {
	slot   int
	file   string    // as the set names it: "looper.takes/take-0001.wav"
	start  time.Time // when it started recording
	frames int       // its whole length, once it ended (0 before)
	ended  time.Time // when the test read that it ended
}

// The kill -9 test for audio takes: gridbox play --audio null
// (an input of silence, in real time) records audio take after take (an
// audioRecorder through the session's API) while the test kills it with
// SIGKILL at random moments, often mid-take, and starts it again, until
// -audio-kill-recordings takes were started (12, 6 in the race build;
// the issue says 100). The race build fails on a race the child reports.
// After every kill the takes file parses; it names every take that
// started more than a second before the kill, each WAV it names decodes,
// and the set loads as gridbox check loads it, without a problem; the
// take in progress holds all it recorded but at most its last second;
// a take that ended a second before the kill holds exactly its bars and
// the crossfade's 5 ms.
func TestKill9DuringAudioRecordings(t *testing.T) {
	if testing.Short() {
		t.Skip("records audio takes in gridbox processes killed at random: some 30 s")
	}
	recordings := *audioKillRecordings
	if raceEnabled && !flagSet("audio-kill-recordings") {
		recordings = 6 // a race-built child keeps up, but is slower to start: 20 takes take some 30 s
	}
	dir := t.TempDir()
	set := filepath.Join(dir, "looper.toml")
	showtest.WriteFile(t, set, audioKillSet)
	takesPath := sets.TakesPath(set)
	state := t.TempDir()
	rng := rand.New(rand.NewPCG(13, uint64(time.Now().UnixNano())))
	const rate = recordRate
	var (
		recorded, kills, inProgress, whole, decoded int
		mostLost                                    time.Duration // the most a take in progress had not on disk at a kill
		oldestUnnamed                               time.Duration // the longest a take not yet in the takes file had recorded at a kill
	)
	fsys := os.DirFS(dir)
	for recorded < recordings {
		c := startChild(t, state, "play "+set+" --audio null --rate 48000 --no-watch", audioKillChildEnv+"=1")
		time.Sleep(300*time.Millisecond + time.Duration(rng.Int64N(int64(3700*time.Millisecond))))
		kill := time.Now()
		c.cmd.Process.Signal(syscall.SIGKILL)
		<-c.done
		kills++

		var takes []*audioTake
		for i, l := range c.lines {
			var (
				slot, frames int
				file         string
				ns           int64
			)
			if _, err := fmt.Sscanf(l, "gridbox-test: take started %d %s %d", &slot, &file, &ns); err == nil {
				takes = append(takes, &audioTake{slot: slot, file: file, start: time.Unix(0, ns)})
				recorded++
				continue
			}
			if _, err := fmt.Sscanf(l, "gridbox-test: take ended %d %d", &slot, &frames); err == nil {
				if len(takes) == 0 || takes[len(takes)-1].slot != slot {
					t.Fatalf("run %d: %q without its start:\n%s", kills, l, c.out.String())
				}
				last := takes[len(takes)-1]
				last.frames, last.ended = frames, c.at[i]
				continue
			}
			if strings.HasPrefix(l, "gridbox-test:") || strings.Contains(l, "DATA RACE") {
				t.Errorf("run %d: %s", kills, l)
			}
		}

		data, err := os.ReadFile(takesPath)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		tk, err := sets.ParseTakes(takesPath, data)
		if err != nil {
			t.Fatalf("after kill %d the takes file does not parse: %v\n%s", kills, err, data)
		}
		named := map[int]string{} // slot: the WAV the takes file names there
		for _, tt := range tk.Tracks {
			for _, cl := range tt.Clips {
				named[cl.Scene] = cl.Sample
			}
		}
		for _, cl := range named {
			if cl == "" {
				t.Errorf("after kill %d the takes file has a clip without a sample:\n%s", kills, data)
				continue
			}
			if _, problems, err := codec.DecodeFile(fsys, cl); err != nil || len(problems) > 0 {
				t.Errorf("after kill %d the take %s does not load: %v %v", kills, cl, err, problems)
			} else {
				decoded++
			}
		}
		for _, tk := range takes {
			recordedFor := kill.Sub(tk.start)
			if named[tk.slot] != tk.file {
				oldestUnnamed = max(oldestUnnamed, recordedFor)
				if recordedFor > time.Second {
					t.Errorf("kill %d: take %s (slot %d) had recorded %v and the takes file does not name it (it names %q there)", kills, tk.file, tk.slot, recordedFor, named[tk.slot])
				}
			}
			b, _, err := codec.DecodeFile(fsys, tk.file)
			frames := 0
			if err == nil {
				frames = b.Frames()
			} else if recordedFor > time.Second {
				t.Errorf("kill %d: take %s had recorded %v: %v", kills, tk.file, recordedFor, err)
			}
			want := int(recordedFor.Seconds() * rate)
			if tk.frames > 0 {
				want = min(want, tk.frames)
				if frames > tk.frames || kill.Sub(tk.ended) > time.Second && frames != tk.frames {
					t.Errorf("kill %d: take %s ended %v before the kill and holds %d frames, want %d", kills, tk.file, kill.Sub(tk.ended), frames, tk.frames)
				}
				if frames == tk.frames {
					whole++
				}
			} else {
				inProgress++
				mostLost = max(mostLost, time.Duration(want-frames)*time.Second/rate)
			}
			if frames < want-rate {
				t.Errorf("kill %d: take %s recorded for %v (%d frames) holds %d frames: it lost %.3f s", kills, tk.file, recordedFor, want, frames, float64(want-frames)/rate)
			}
		}

		// The set loads as gridbox loads it: every take it names decodes.
		var out bytes.Buffer
		if code := run([]string{"check", set}, &env{stdout: &out, stderr: &out}); code != 0 {
			t.Errorf("after kill %d gridbox check %s exited %d:\n%s", kills, filepath.Base(set), code, out.String())
		}
		if t.Failed() {
			t.Fatalf("after kill %d; the child said:\n%s\nthe takes file:\n%s", kills, c.out.String(), data)
		}
	}
	t.Logf("%d audio takes started in %d runs killed with SIGKILL; %d in progress at a kill, %d ended (%d of them whole on disk)", recorded, kills, inProgress, recorded-inProgress, whole)
	t.Logf("%d WAVs named by the takes file decoded after the kills, 0 failed; gridbox check passed %d times", decoded, kills)
	t.Logf("the most a take in progress lost: %.3f s; the longest a take had recorded and was not yet in the takes file: %v", mostLost.Seconds(), oldestUnnamed)
}

// flagSet reports whether the test flag name was given.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
