//go:build portaudio

package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/audio/portaudio"
	"gridbox/engine"
	"gridbox/internal/jackprobe"
	"gridbox/sequencer"
	"gridbox/sets"
	"gridbox/show/showtest"
)

// The live looper test (issue 13), through "gridbox play" on
// PortAudio's JACK host API on jackd's dummy backend: a JACK client
// (jackprobe.Clicker) is the cable from gridbox's output back into its
// input, and plays click trains into the other inputs.

// looperSeconds is how long TestLooperFourInputsOnJACK records: a few
// seconds in make test; the run is -looper-seconds 60.
var looperSeconds = flag.Float64("looper-seconds", 4, "`seconds` TestLooperFourInputsOnJACK records 4 inputs for (the issue's figure: 60)")

// looperChildEnv makes the child run "gridbox ARGS" with a looperScript:
// its value is "PLAN|SECONDS|ARG|ARG…"; looperReadyEnv names the file the
// parent creates once the JACK ports are connected.
const (
	looperChildEnv = "GRIDBOX_LOOPER_CHILD"
	looperReadyEnv = "GRIDBOX_LOOPER_READY"
)

func init() { children = append(children, childMain{looperChildEnv, looperChild}) }

func looperChild(spec string) int {
	f := strings.Split(spec, "|")
	secs, err := strconv.ParseFloat(f[1], 64)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", looperChildEnv, err)
		return 2
	}
	e := processEnv()
	e.hooks.Hung = 10 * time.Second // PortAudio's Open on a busy machine; not this test's subject
	l := &looperScript{w: e.stderr, plan: f[0], ready: os.Getenv(looperReadyEnv), length: engine.Frame(secs * looperRate)}
	e.hooks.Opened = func(d audio.Device) {
		l.mu.Lock()
		l.dev = d
		l.mu.Unlock()
	}
	e.hooks.Turn = l.turn
	code := run(f[2:], e)
	l.mu.Lock()
	defer l.mu.Unlock()
	if d, ok := l.dev.(*portaudio.Device); ok {
		c := d.Counters()
		fmt.Fprintf(e.stderr, "gridbox-test: counters %d %d %d %d %d %d %d\n",
			c.Callbacks, c.RingUnderruns, c.Underflows, c.Input.Frames, c.Input.Lost, c.Input.Skipped, c.Input.Overflows)
	}
	return code
}

const looperRate = 48000

// looperScript plays the musician, through the session's API (what the
// grid's Record button calls), once the parent says the cables are in:
//
//   - plan "align": Record on track 0 (the set's count-in and fixed length
//     of 1 bar, metronome on); once that loop plays, the metronome off, no
//     count-in, Record on track 1, which records the loop played back.
//   - plan "four": every track armed, Record (free length, no count-in);
//     Record again once it has recorded length frames.
//
// It says "gridbox-test: latency IN OUT" (ns, as the device reports them)
// as it starts and "gridbox-test: done" once the last take is a clip.
// Session goroutine; Opened sets dev from the goroutine that opens it.
type looperScript struct {
	w      io.Writer
	plan   string
	ready  string
	length engine.Frame

	mu  sync.Mutex
	dev audio.Device

	phase  int
	start  engine.Frame       // plan four: where recording started
	before portaudio.Counters // as Record was first pressed
}

// counters returns the PortAudio device's counters (zero for another).
func (l *looperScript) counters() portaudio.Counters {
	l.mu.Lock()
	defer l.mu.Unlock()
	if d, ok := l.dev.(*portaudio.Device); ok {
		return d.Counters()
	}
	return portaudio.Counters{}
}

// done says the takes are in, and what PortAudio counted since Record
// was first pressed: the underruns and input frames lost while recording.
func (l *looperScript) done() {
	a, b := l.before, l.counters()
	fmt.Fprintf(l.w, "gridbox-test: while recording %d %d %d %d %d %d %d\n", b.Callbacks-a.Callbacks, b.RingUnderruns-a.RingUnderruns,
		b.Underflows-a.Underflows, b.Input.Frames-a.Input.Frames, b.Input.Lost-a.Input.Lost, b.Input.Skipped-a.Input.Skipped, b.Input.Overflows-a.Input.Overflows)
	fmt.Fprintln(l.w, "gridbox-test: done")
	l.phase = 4
}

func (l *looperScript) turn(s *sequencer.Session, now engine.Frame) {
	switch l.phase {
	case 0:
		if _, err := os.Stat(l.ready); err != nil {
			return
		}
		l.mu.Lock()
		c, ok := l.dev.(audio.Capturer)
		l.mu.Unlock()
		if ok {
			in, out := c.Latency()
			fmt.Fprintf(l.w, "gridbox-test: latency %d %d\n", in, out)
		}
		l.before = l.counters()
		if l.plan == "four" {
			for x := 1; x < s.Tracks(); x++ {
				m := s.Mix(x)
				m.Arm = true
				s.SetMix(x, m, now)
			}
		}
		s.Record(0, 0, now)
		l.phase = 1
	case 1:
		if l.plan == "four" {
			if s.RecordState(now) != sequencer.RecRecording {
				return
			}
			if l.start == 0 {
				l.start = now
			}
			if now >= l.start+l.length {
				s.Record(0, 0, now) // ends at the next bar line
				l.phase = 3
			}
			return
		}
		if s.RecordState(now) != sequencer.RecIdle || s.Clip(0, 0) == nil {
			return
		}
		s.SetMetronome(false)
		r := s.RecordSettings()
		r.CountIn = 0
		s.SetRecordSettings(r)
		s.Record(1, 0, now)
		l.phase = 2
	case 2:
		if s.RecordState(now) == sequencer.RecIdle && s.Clip(1, 0) != nil {
			l.done()
		}
	case 3:
		if s.RecordState(now) != sequencer.RecIdle {
			return
		}
		for x := range s.Tracks() {
			if s.Clip(x, 0) == nil {
				return
			}
		}
		l.done()
	}
}

// looperRun is a "gridbox play" child with a looperScript, on the JACK
// server it was given.
type looperRun struct {
	cmd   *exec.Cmd
	ready string
	mu    sync.Mutex
	out   strings.Builder
	done  chan struct{} // closed once the child exited and its output is read
	exit  int
}

func startLooper(t *testing.T, server, plan string, seconds float64, args ...string) *looperRun {
	t.Helper()
	isolate(t)
	r := &looperRun{ready: filepath.Join(t.TempDir(), "ready"), done: make(chan struct{})}
	r.cmd = exec.Command(os.Args[0], "-test.run=^$")
	r.cmd.Env = append(os.Environ(),
		looperChildEnv+"="+plan+"|"+strconv.FormatFloat(seconds, 'g', -1, 64)+"|"+strings.Join(args, "|"),
		looperReadyEnv+"="+r.ready, "JACK_DEFAULT_SERVER="+server, "JACK_NO_START_SERVER=1")
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.cmd.Stderr, r.cmd.Stdout = pw, pw
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	go func() {
		defer close(r.done)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			r.mu.Lock()
			r.out.WriteString(sc.Text() + "\n")
			r.mu.Unlock()
		}
		r.cmd.Wait()
		r.exit = r.cmd.ProcessState.ExitCode()
	}()
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			r.cmd.Process.Kill()
			<-r.done
		}
	})
	return r
}

func (r *looperRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

// wait waits up to timeout for a line holding s; false if the child
// ended or the time ran out first.
func (r *looperRun) wait(s string, timeout time.Duration) bool {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if strings.Contains(r.output(), s) {
			return true
		}
		select {
		case <-r.done:
			return strings.Contains(r.output(), s)
		default:
		}
	}
	return false
}

// stop ends the child with SIGTERM (play's clean stop) and returns its
// output.
func (r *looperRun) stop(t *testing.T) string {
	t.Helper()
	r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(20 * time.Second):
		r.cmd.Process.Kill()
		<-r.done
		t.Fatalf("gridbox play did not stop on SIGTERM:\n%s", r.output())
	}
	if r.exit != 0 {
		t.Fatalf("gridbox play exited %d:\n%s", r.exit, r.output())
	}
	return r.output()
}

// cable connects the clicker once gridbox's PortAudio ports exist: its
// loopback from PortAudio:out_0 back into PortAudio:in_0, and its click
// outputs 1..clicks into PortAudio:in_1…; then tells the child.
func (r *looperRun) cable(t *testing.T, clk *jackprobe.Clicker, clicks int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := clk.Connect("PortAudio:out_0", clk.Input())
		if err == nil {
			break
		}
		select {
		case <-r.done:
			t.Fatalf("gridbox play ended before its ports appeared:\n%s", r.output())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no PortAudio ports after 30 s: %v\n%s", err, r.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
	var errs []error
	for c := range clicks + 1 {
		errs = append(errs, clk.Connect(clk.Output(c), fmt.Sprintf("PortAudio:in_%d", c)))
	}
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("connecting the clicker: %v\n%s", err, r.output())
	}
	if err := os.WriteFile(r.ready, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

// looperStats are what play says when it stops, the latencies the
// child saw, and PortAudio's counters, over the whole run and while
// recording (from the first Record to the last take in).
type looperStats struct {
	blocks, underruns, wakes, load, voices, late int
	captured, devDropped, engDropped, overruns   int
	in, out                                      time.Duration
	stopped, input                               string // the lines
	all, rec                                     paCounts
}

// paCounts are PortAudio's counters: callbacks, those that found
// gridbox's ring short (gridbox's own underruns: the render goroutine
// late by the whole lead) and those PortAudio flagged as an output
// underflow (with JACK: after each server xrun); input frames captured,
// lost to a full input ring, skipped over ring underruns (to keep the
// input in step), and input overflow flags (JACK: server xruns).
type paCounts struct {
	callbacks, ringUnderruns, underflows     int
	inFrames, inLost, inSkipped, inOverflows int
}

func (c paCounts) String() string {
	return fmt.Sprintf("%d callbacks, %d ring underruns, %d output underflows flagged; input %d frames, %d lost, %d skipped, %d overflows flagged",
		c.callbacks, c.ringUnderruns, c.underflows, c.inFrames, c.inLost, c.inSkipped, c.inOverflows)
}

var (
	stoppedRE = regexp.MustCompile(`gridbox: stopped \([^)]*\) at \S+ (\d+) blocks?, (\d+) underruns?, (\d+) late device wakes?, max DSP load (\d+)%, peak voices (\d+), late commands (\d+)`)
	inputRE   = regexp.MustCompile(`gridbox: input: \d+ channels?, (\d+) frames? captured, (\d+) dropped by the device, (\d+) by the engine, (\d+) overruns?`)
	latencyRE = regexp.MustCompile(`gridbox-test: latency (\d+) (\d+)`)
	allRE     = regexp.MustCompile(`gridbox-test: counters (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)`)
	recRE     = regexp.MustCompile(`gridbox-test: while recording (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)`)
)

func parseLooper(t *testing.T, out string) looperStats {
	t.Helper()
	var st looperStats
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	m := stoppedRE.FindStringSubmatch(out)
	n := inputRE.FindStringSubmatch(out)
	l := latencyRE.FindStringSubmatch(out)
	a, r := allRE.FindStringSubmatch(out), recRE.FindStringSubmatch(out)
	if m == nil || n == nil || l == nil || a == nil || r == nil {
		t.Fatalf("no stop line, input line, latency line or PortAudio's counters:\n%s", out)
	}
	st.stopped, st.input = m[0], n[0]
	st.blocks, st.underruns, st.wakes, st.load, st.voices, st.late = atoi(m[1]), atoi(m[2]), atoi(m[3]), atoi(m[4]), atoi(m[5]), atoi(m[6])
	st.captured, st.devDropped, st.engDropped, st.overruns = atoi(n[1]), atoi(n[2]), atoi(n[3]), atoi(n[4])
	st.in, st.out = time.Duration(atoi(l[1])), time.Duration(atoi(l[2]))
	counts := func(m []string) paCounts {
		return paCounts{atoi(m[1]), atoi(m[2]), atoi(m[3]), atoi(m[4]), atoi(m[5]), atoi(m[6]), atoi(m[7])}
	}
	st.all, st.rec = counts(a), counts(r)
	return st
}

// log reports the figures.
func (st looperStats) log(t *testing.T, xruns uint64, load0 string) {
	t.Helper()
	t.Logf("%s", st.stopped)
	t.Logf("%s", st.input)
	t.Logf("PortAudio, the whole run: %v", st.all)
	t.Logf("PortAudio, while recording: %v", st.rec)
	t.Logf("server xruns %d; load average %s at the start, %s at the end (2 cores)", xruns, load0, loadavg())
}

// check fails t for what gridbox lost while recording: an underrun of its
// own (the ring short), an input frame dropped on the way to a take (by
// the device, the engine's input ring, or the capture ring: a take cut
// short), a command late. The server's xruns are jackd's: on the dummy backend each is a
// cycle the server skipped (it ran late on the machine), which PortAudio
// flags to gridbox as an output underflow and an input overflow; they are
// allowed as such, one flag of each per xrun. On this machine a burst of
// the server's xruns (the whole VM stalled) may also leave gridbox's ring
// short: such an underrun is judged against the server's baseline in the
// same run, allowed only while the server itself had at least as many
// xruns, and then it must skip exactly its block of input (the input kept
// in step: the take's frames after it stay on the grid). An underrun
// without the server's xruns is gridbox's own, and fails. Underruns
// before the first Record (play starting up) are reported, not failed:
// they drop no recorded frame.
func (st looperStats) check(t *testing.T, out string, xruns int) {
	t.Helper()
	const block = 128
	r := st.rec
	if r.ringUnderruns > xruns || r.inSkipped != block*r.ringUnderruns || r.inLost != 0 || r.underflows > xruns || r.inOverflows > xruns {
		t.Errorf("while recording: %v, with %d server xruns; want no ring underrun but within the server's xruns (each skipping its block of input), no input frame lost, and no underflow or overflow but the server's", r, xruns)
	}
	if r.ringUnderruns > 0 {
		t.Logf("while recording: %d ring underruns within the server's %d xruns (%d input frames skipped, in step)", r.ringUnderruns, xruns, r.inSkipped)
	}
	if st.late != 0 {
		t.Errorf("%d commands reached the engine after their frame (the session goroutine held up: at a take's start, making its buffers)", st.late)
	}
	if st.engDropped != 0 || st.all.inLost != 0 {
		t.Errorf("input frames dropped: %d by the engine's input ring, %d lost by the device's; want none", st.engDropped, st.all.inLost)
	}
	if strings.Contains(out, "take stopped") {
		t.Errorf("a take was cut short:\n%s", out)
	}
}

// serverRetries runs try 0, 1, 2… of a live looper run until one
// returns true, at most three: a try returns false only when the dummy
// server stalled so long that gridbox gave its device up (serverGaveUp).
func serverRetries(t *testing.T, try func(int) bool) {
	t.Helper()
	for k := range 3 {
		if try(k) {
			return
		}
	}
	t.Fatal("the JACK server stalled in three tries: gridbox could not play a run through")
}

// serverGaveUp handles a run that did not finish: when the JACK server
// stopped calling back for longer than gridbox's supervisor waits (10
// blocks; on this VM the dummy server stalls with the whole machine, and
// a JACK stream cannot be opened again in the same process), it says so
// and the run is tried again (false); any other failure fails t.
func serverGaveUp(t *testing.T, try int, r *looperRun, what string) bool {
	t.Helper()
	out := r.stop(t)
	if !strings.Contains(out, "the audio backend can play again only in a new process") {
		t.Fatalf("%s:\n%s", what, out)
	}
	t.Logf("try %d: the JACK server stopped calling back and gridbox gave its device up (as on stage: systemd would start it again); trying again:\n%s", try+1, out)
	return false
}

// loadavg returns the machine's load averages (1, 5, 15 minutes).
func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// looperPrereqs skips the live looper tests where they cannot run.
func looperPrereqs(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("jackd"); err != nil {
		t.Skip("jackd not installed (scripts/setup.sh --test installs jackd2)")
	}
	if testing.Short() {
		t.Skip("real-time test: -short leaves it out")
	}
	if raceEnabled {
		// Its render goroutine, race-built, is several times slower: 0
		// underruns is not what it can show.
		t.Skip("a race-built gridbox cannot be held to 0 underruns; the plain build runs the live looper tests")
	}
}

// looperSet is a set at 120 BPM (a beat is 24000 frames, a bar 96000)
// with the metronome on and audio tracks on the given inputs, none
// monitored (the loopback would feed back), and the given top-level keys.
func looperSet(t *testing.T, keys string, inputs ...int) string {
	text := "name = \"Looper\"\ntempo = 120\nquantize = \"1 bar\"\nmetronome = true\n" + keys + "\n[[scene]]\nname = \"A\"\n"
	for i, in := range inputs {
		text += fmt.Sprintf("[[track]]\nname = \"T%d\"\ninput = \"%d\"\nmonitor = \"off\"\n", i+1, in)
	}
	set := filepath.Join(t.TempDir(), "set.toml")
	showtest.WriteFile(t, set, text)
	return set
}

// TestLooperAlignsOnJACK is the compensation test, live: gridbox
// play on PortAudio's JACK device, the clicker cabling gridbox's output 1
// back into its input 1 (JACK hands it back two periods later, PortAudio
// reports that as the output's latency), a track recording input 1 with
// a 1-bar count-in and a fixed length of 1 bar, the metronome on. What
// the musician heard were the metronome's clicks on the beats: the take
// must hold them at the beats of its bar (frames 0, 1, 2 and 3 beats),
// within 1 ms, by compensating the latencies PortAudio reports (the
// config's latency_offset is 0). Then the loop plays, the metronome off,
// and a second track records it back for a bar: its clicks must be on the
// beats too, within 1 ms (the loop plays on the grid).
//
// Each click is found by matching the metronome's own click sound (taken
// from an offline render of the same set) against the take around its
// beat, ±25 ms: the shift with the best normalized correlation is the
// click's alignment error. The loopback is digital, so the match is exact
// (correlation 1) but where the loop's restart crossfades.
func TestLooperAlignsOnJACK(t *testing.T) {
	looperPrereqs(t)
	const beat, bar = 24000, 96000
	set := looperSet(t, "count_in = \"1 bar\"\nfixed_length = \"1 bar\"", 1, 1)
	dir := filepath.Dir(set)

	// The metronome's accent and beat clicks, rendered: the count-in's
	// first bar (beats 4 to 8) of a Record pressed at beat 1 (with an
	// input of silence: without an input, Record does not record).
	script, silence := filepath.Join(dir, "ref.perf"), filepath.Join(dir, "silence.wav")
	showtest.WriteFile(t, script, "0b pad 0 0\n0.1b padup 0 0\n1b button record\n7b end\n")
	showtest.WriteWAV(t, silence, looperRate, make([]float32, 8*beat))
	ref := filepath.Join(dir, "ref.wav")
	if code, _, stderr := gridbox(t, "render", set, "--events", script, "--input", silence, "-o", ref); code != 0 {
		t.Fatal(stderr)
	}
	rw := showtest.ReadWAV(t, ref)
	const clickFrames = 2400 // the click lasts 40 ms
	left := func(from, n int) []float32 {
		r := make([]float32, n)
		for i := range r {
			r[i] = rw.Data[2*(from+i)]
		}
		return r
	}
	accent, tick := left(4*beat, clickFrames), left(5*beat, clickFrames)
	if power(accent) == 0 || power(tick) == 0 || power(left(0, 4*beat)) != 0 {
		t.Fatalf("the offline render has no metronome clicks at beats 4 and 5, or sound before them")
	}

	var out string
	var xruns uint64
	var load0 string
	serverRetries(t, func(try int) bool {
		set = looperSet(t, "count_in = \"1 bar\"\nfixed_length = \"1 bar\"", 1, 1) // no takes of a try before
		name := fmt.Sprintf("gbx-loop-%d-%d", os.Getpid(), try)
		jackd := startJackdInputs(t, name, 2)
		defer stopJackd(jackd)
		clk, err := jackprobe.OpenClicker(name, jackprobe.ClickerConfig{Name: "gbx-cable", Period: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer clk.Close()
		load0 = loadavg()
		r := startLooper(t, name, "align", 0, "play", set, "--audio", "portaudio", "--device", "system", "--seconds", "60", "--no-watch")
		r.cable(t, clk, 0)
		if !r.wait("gridbox-test: done", 30*time.Second) {
			return serverGaveUp(t, try, r, "the two takes were not recorded within 30 s")
		}
		out, xruns = r.stop(t), clk.Xruns()
		return true
	})
	st := parseLooper(t, out)
	lf := math.Round((st.in + st.out).Seconds() * looperRate)
	t.Logf("PortAudio's latencies: in %v, out %v: the input is taken %.0f frames late (latency_offset 0)", st.in, st.out, lf)
	st.log(t, xruns, load0)

	for i, what := range []string{"take 1 (the metronome, looped back)", "take 2 (the loop played back)"} {
		tk := takeOf(t, set, i)
		if tk.Channels != 1 || tk.Frames() < bar {
			t.Fatalf("%s: %d channels, %d frames; want 1 channel, %d frames", what, tk.Channels, tk.Frames(), bar)
		}
		// A click the output played late (a ring underrun delays what
		// follows it) or the dummy server moved (an xrun) is not where
		// the grid put it: with either in the run, one click of the four
		// may be off; the others show the compensation.
		off := 0
		for k := range 4 {
			want := k * beat
			click := tick
			if k == 0 {
				click = accent
			}
			e, c := matchClick(tk.Data[:bar], want, click, 1200)
			t.Logf("%s: click %d at frame %d: error %+d frames (%+.3f ms), correlation %.4f", what, k+1, want+e, e, float64(e)/looperRate*1000, c)
			if e < -48 || e > 48 || c < 0.9 {
				off++
				if off > 1 || st.rec.ringUnderruns == 0 && xruns == 0 {
					t.Errorf("%s: click %d is %+d frames (%+.3f ms) from beat %d (correlation %.4f); want within 48 frames (1 ms)", what, k+1, e, float64(e)/looperRate*1000, k, c)
				}
			}
		}
	}
	st.check(t, out, int(xruns))
}

// matchClick finds click in x near frame at (±span): the shift e whose
// window x[at+e…] correlates best with click (normalized over the frames
// both have, which must hold most of the click's energy), and that
// correlation.
func matchClick(x []float32, at int, click []float32, span int) (e int, corr float64) {
	total := power(click)
	corr = math.Inf(-1)
	for d := -span; d <= span; d++ {
		var xy, xx, yy float64
		for n, c := range click {
			i := at + d + n
			if i < 0 || i >= len(x) {
				continue
			}
			xy += float64(x[i]) * float64(c)
			xx += float64(x[i]) * float64(x[i])
			yy += float64(c) * float64(c)
		}
		if yy < total/2 || xx == 0 {
			continue
		}
		if c := xy / math.Sqrt(xx*yy); c > corr {
			e, corr = d, c
		}
	}
	return e, corr
}

// takeOf reads the WAV of track x's clip in scene 0 as the set's takes
// file names it.
func takeOf(t *testing.T, set string, x int) *audio.Buffer {
	t.Helper()
	name := sets.TakesPath(set)
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	tk, err := sets.ParseTakes(name, data)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("T%d", x+1)
	for _, tt := range tk.Tracks {
		for _, c := range tt.Clips {
			if tt.Name == want && c.Scene == 0 && c.Sample != "" {
				return showtest.ReadWAV(t, filepath.Join(filepath.Dir(set), filepath.FromSlash(c.Sample)))
			}
		}
	}
	t.Fatalf("the takes file has no take for track %s in scene 0:\n%s", want, data)
	return nil
}

// power is the sum of x's squares.
func power(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return s
}

// TestLooperFourInputsOnJACK records 4 inputs at once through gridbox play
// on PortAudio's JACK device (jackd dummy, 128 frames at 48 kHz, 4 capture
// ports) for -looper-seconds (4 by default; the run is 60): four
// armed tracks, one free-length take each, the metronome on. The clicker
// loops output 1 back into input 1 and plays a click every 4800 frames of
// the server's clock into inputs 2 to 4, 16 frames apart. While recording
// there must be no underrun and no input frame dropped (by the device, the
// engine's input ring, or the capture ring the takes' writer drains: a
// take cut short), and the takes must show it: on inputs 2 to 4 a click
// in the take's first 4800 frames (its start was recorded), the clicks
// 4800 frames apart to the last, each input's 16 frames after the one
// before (no frame lost, repeated or moved between channels). jackd's own
// xruns (looperStats.check) may each break the spacing once.
func TestLooperFourInputsOnJACK(t *testing.T) {
	looperPrereqs(t)
	const inputs, period, shift = 4, 4800, 16
	secs := *looperSeconds
	bars := int(math.Ceil(secs/2)) + 4 // a bar is 2 s; the take ends at the bar line after secs
	set := looperSet(t, fmt.Sprintf("count_in = \"none\"\nfixed_length = \"none\"\nmax_take = %d", bars), 1, 2, 3, 4)

	var out, load0 string
	var xruns uint64
	var took time.Duration
	serverRetries(t, func(try int) bool {
		set = looperSet(t, fmt.Sprintf("count_in = \"none\"\nfixed_length = \"none\"\nmax_take = %d", bars), 1, 2, 3, 4)
		name := fmt.Sprintf("gbx-loop4-%d-%d", os.Getpid(), try)
		jackd := startJackdInputs(t, name, inputs)
		defer stopJackd(jackd)
		clk, err := jackprobe.OpenClicker(name, jackprobe.ClickerConfig{Name: "gbx-clicks", Clicks: inputs - 1, Period: period, Shift: shift, Level: 0.5})
		if err != nil {
			t.Fatal(err)
		}
		defer clk.Close()
		load0 = loadavg()
		r := startLooper(t, name, "four", secs, "play", set, "--audio", "portaudio", "--device", "system", "--seconds", strconv.Itoa(int(secs)+60), "--no-watch")
		r.cable(t, clk, inputs-1)
		began := time.Now()
		if !r.wait("gridbox-test: done", time.Duration(secs*float64(time.Second))+30*time.Second) {
			return serverGaveUp(t, try, r, "the takes were not recorded in time")
		}
		took = time.Since(began)
		out, xruns = r.stop(t), clk.Xruns()
		return true
	})
	st := parseLooper(t, out)
	t.Logf("%d inputs recording for %.0f s (%v wall clock from the cables to the last take)", inputs, secs, took.Round(time.Millisecond))
	st.log(t, xruns, load0)

	var firsts [inputs]int
	for x := range inputs {
		tk := takeOf(t, set, x)
		if tk.Channels != 1 || float64(tk.Frames()) < secs*looperRate {
			t.Fatalf("input %d's take: %d channels, %d frames; want 1 channel, ≥ %.0f frames", x+1, tk.Channels, tk.Frames(), secs*looperRate)
		}
		if x == 0 {
			if power(tk.Data) == 0 {
				t.Errorf("input 1's take (the metronome, looped back) is silent")
			}
			continue
		}
		var ks []int
		for k, v := range tk.Data {
			if v != 0 {
				ks = append(ks, k)
			}
		}
		breaks := 0
		for i := 1; i < len(ks); i++ {
			if ks[i]-ks[i-1] != period {
				breaks++
				if breaks <= 5 {
					t.Logf("input %d: clicks %d and %d of its take are %d frames apart, not %d (frames %d, %d)", x+1, i-1, i, ks[i]-ks[i-1], period, ks[i-1], ks[i])
				}
			}
		}
		if breaks > int(xruns) {
			t.Errorf("input %d: %d breaks in the clicks' spacing with %d server xruns: input frames dropped or repeated", x+1, breaks, xruns)
		}
		if want := tk.Frames()/period - 1 - int(xruns); len(ks) < want { // an xrun may skip a click
			t.Errorf("input %d: %d clicks in %d frames (server xruns %d), want ≥ %d", x+1, len(ks), tk.Frames(), xruns, want)
		}
		if len(ks) > 0 {
			firsts[x] = ks[0]
		}
		// The clicks come every period frames: the take's first period
		// frames hold one, unless its start was not recorded (the take's
		// RecordAudio reached the engine after its first input frames).
		if len(ks) == 0 || ks[0] >= period {
			t.Errorf("input %d: the take's first click is at frame %d, want < %d: its start was not recorded", x+1, firsts[x], period)
		}
		t.Logf("input %d: take of %d frames (%.2f s), %d clicks, %d breaks in their spacing, first at frame %d", x+1, tk.Frames(), float64(tk.Frames())/looperRate, len(ks), breaks, firsts[x])
	}
	for x := 2; x < inputs; x++ {
		if d := (firsts[x] - firsts[x-1] + period) % period; d != shift {
			t.Errorf("input %d's clicks are %d frames after input %d's, want %d: the channels are out of step", x+1, d, x, shift)
		}
	}
	st.check(t, out, int(xruns))
}
