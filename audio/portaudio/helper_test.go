//go:build portaudio

package portaudio

// The tests that need PortAudio run it in a child process (this test binary
// re-executed with GRIDBOX_PA_HELPER set), because libasound reads
// ALSA_CONFIG_PATH when PortAudio initialises and PortAudio's library state is
// process-wide: each scenario gets its own ALSA configuration and JACK server.

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/audio/ring/ringtest"
)

const helperEnv = "GRIDBOX_PA_HELPER"

// A helperJob is what the child does.
type helperJob struct {
	Mode       string // "play", "open" or "list"
	Config     Config
	Signal     string  // play: "clicks", "clicktrain", "ramp" or "sine"
	Frames     int     // play: clicks and ramp stop after this many frames (silence follows)
	Period     int     // play: clicktrain clicks every Period frames, from frame 0, for ever
	StopFrames uint64  // play: stop once the callback has handed this many frames to PortAudio
	Seconds    float64 // play: or once this much time has passed
	// StopOnStall (play) stops once the callbacks have stopped for nine
	// periods, as supervise would, and then tries to Open again.
	StopOnStall bool
	// Capture (play) records the input into a sink that notes the frame
	// of every click on each channel (Result.Clicks); Mark prints
	// playingMarker once the stream calls back, as StopOnStall does.
	Capture, Mark bool
}

// A helperResult is what the child reports on stdout.
type helperResult struct {
	Err      string
	NoDevice bool // errors.Is(err, audio.ErrNoDevice)
	Infos    []Info
	Chosen   Info
	Stats    audio.DeviceStats
	Counters Counters
	Warnings []string
	Latency  time.Duration
	Played   time.Duration // from Start returning to Close
	Allocs   int64         // heap objects allocated in the steady-state window; -1 if the window was too short
	Threads  int           // OS threads the Go runtime created in the window
	Window   time.Duration
	// AllocStacks lists, when Allocs > 0, the allocation sites between just
	// before Start and just after Close (a MemProfileRate=1 profile),
	// innermost frames first, with counts.
	AllocStacks []string
	LogLines    int // lines captured from stderr (Log)
	// FirstCallback and LatestCallback are the CLOCK_MONOTONIC nanoseconds
	// of the first and the latest callback as the stream was closed, and
	// SpanCallbacks the callbacks made by then: the interval in which a
	// jackprobe on the same server counts the cycles the server ran.
	FirstCallback, LatestCallback int64
	SpanCallbacks                 uint64
	// The input (Capture): the device, its channels, Latency(), what the
	// sink got (frames, and each channel's click frames), InputStats.
	Input                 Info
	InputChannels         int
	LatencyIn, LatencyOut time.Duration
	SinkFrames            int64
	Clicks                [][]int64
	InputStats            audio.InputStats
	Restart               bool   // the error wraps audio.ErrRestart
	Reopen                string // StopOnStall: the error of the Open after Close
	ReopenRestart         bool   // that error wraps audio.ErrRestart
}

// playingMarker is printed on stdout once the first callback came (in a
// StopOnStall job), so a parent can act on a playing stream (kill its JACK
// server, say).
const playingMarker = "GRIDBOX-HELPER-PLAYING"

const resultPrefix = "GRIDBOX-HELPER-RESULT "

func TestMain(m *testing.M) {
	if job := os.Getenv(helperEnv); job != "" {
		runtime.MemProfileRate = 1 // record every allocation, to name any that happen
		os.Exit(helperMain(job))
	}
	os.Exit(m.Run())
}

func helperMain(spec string) int {
	var job helperJob
	if err := json.Unmarshal([]byte(spec), &job); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 2
	}
	res := runJob(job)
	res.LogLines = strings.Count(Log(), "\n")
	b, _ := json.Marshal(res)
	fmt.Printf("%s%s\n", resultPrefix, b)
	return 0
}

func fail(res helperResult, err error) helperResult {
	res.Err = err.Error()
	res.NoDevice = errors.Is(err, audio.ErrNoDevice)
	res.Restart = errors.Is(err, audio.ErrRestart)
	return res
}

func runJob(job helperJob) helperResult {
	res := helperResult{Allocs: -1}
	switch job.Mode {
	case "list":
		infos, err := List()
		res.Infos = infos
		if err != nil {
			return fail(res, err)
		}
		return res
	case "open":
		d, err := Open(job.Config)
		if err != nil {
			return fail(res, err)
		}
		res.Chosen = d.Info()
		return fail(res, errors.Join(errors.New("opened"), d.Close()))
	case "play":
	default:
		return fail(res, fmt.Errorf("unknown mode %q", job.Mode))
	}

	allocs() // the first read sets up runtime/metrics, which allocates
	d, err := Open(job.Config)
	if err != nil {
		return fail(res, err)
	}
	res.Chosen = d.Info()
	res.Latency = d.OutputDelay()
	res.Input, res.InputChannels = d.Input(), d.InputChannels()
	res.LatencyIn, res.LatencyOut = d.Latency()
	var sink *clickSink
	if job.Capture {
		sink = newClickSink(d.InputChannels(), 2*int(job.Seconds*float64(d.Format().SampleRate))/max(job.Period, 1)+64)
		d.Capture(sink)
	}
	// The allocation profile is snapshotted (with a forced GC) before Start
	// and after Close, so the profiling never stops the world mid-stream;
	// the count that decides is runtime/metrics over the steady-state window.
	rd := signal(job, d.Format())
	profStart := memProfile()
	if err := d.Start(rd); err != nil {
		d.Close()
		return fail(res, err)
	}
	start := time.Now()
	var before uint64
	var threads int
	var winStart time.Time
	playing := false
	for {
		time.Sleep(time.Millisecond)
		el := time.Since(start)
		// Counters allocates (a cgo argument): in the other jobs' window
		// only until the stream has called back.
		if job.StopOnStall || (job.Mark && !playing) {
			c := d.Counters()
			if !playing && c.Callbacks > 0 {
				fmt.Println(playingMarker)
				playing = true
			}
			if job.StopOnStall && playing && c.SinceCallback > 9*d.Format().Duration(int64(d.rcfg.Block)) {
				break
			}
		}
		if winStart.IsZero() && el > 200*time.Millisecond {
			before, threads, winStart = allocs(), pprof.Lookup("threadcreate").Count(), time.Now()
		}
		if job.StopFrames > 0 && d.Counters().Frames >= job.StopFrames {
			break
		}
		if job.Seconds > 0 && el.Seconds() >= job.Seconds {
			break
		}
	}
	if !winStart.IsZero() {
		res.Allocs = int64(allocs() - before)
		res.Threads = pprof.Lookup("threadcreate").Count() - threads
		res.Window = time.Since(winStart)
	}
	res.Played = time.Since(start)
	d.mu.Lock()
	res.FirstCallback, res.LatestCallback, res.SpanCallbacks = d.p.callbackTimes()
	d.mu.Unlock()
	err = d.Close()
	res.Stats = d.Stats()
	res.Counters = d.Counters()
	res.Warnings = d.Warnings()
	res.InputStats = d.InputStats()
	if sink != nil {
		res.SinkFrames, res.Clicks = sink.frames, sink.clicks
	}
	if res.Allocs > 0 {
		res.AllocStacks = allocSites(profStart, memProfile())
	}
	if job.StopOnStall {
		d2, rerr := Open(job.Config)
		if rerr == nil {
			d2.Close()
			rerr = errors.New("opened")
		}
		res.Reopen, res.ReopenRestart = rerr.Error(), errors.Is(rerr, audio.ErrRestart)
	}
	if err != nil {
		return fail(res, err)
	}
	return res
}

// memProfile runs a GC (so the profile is current) and returns the
// cumulative allocation count per stack.
func memProfile() map[[32]uintptr]int64 {
	runtime.GC()
	var recs []runtime.MemProfileRecord
	n, _ := runtime.MemProfile(nil, true)
	for {
		recs = make([]runtime.MemProfileRecord, n+50)
		var ok bool
		if n, ok = runtime.MemProfile(recs, true); ok {
			break
		}
	}
	out := make(map[[32]uintptr]int64, n)
	for _, r := range recs[:n] {
		out[r.Stack0] = r.AllocObjects
	}
	return out
}

// allocSites describes the stacks that allocated between two profiles,
// leaving out memProfile's own allocations.
func allocSites(before, after map[[32]uintptr]int64) []string {
	var out []string
	for stk, n := range after {
		d := n - before[stk]
		if d == 0 {
			continue
		}
		var names []string
		own := false
		frames := runtime.CallersFrames(stk[:])
		for {
			f, more := frames.Next()
			if f.Function != "" {
				names = append(names, f.Function)
				own = own || strings.HasSuffix(f.Function, ".memProfile")
			}
			if !more {
				break
			}
		}
		if !own {
			out = append(out, fmt.Sprintf("%d × %s", d, strings.Join(names, " < ")))
		}
	}
	return out
}

// allocSample is allocated once, so reading it in the window allocates nothing.
var allocSample = []metrics.Sample{{Name: "/gc/heap/allocs:objects"}}

func allocs() uint64 {
	metrics.Read(allocSample)
	return allocSample[0].Value.Uint64()
}

// Clicks are one-frame impulses every beat at 120 BPM.
const (
	beat      = 24000 // frames per beat at 120 BPM, 48 kHz
	clickLeft = 0.5
)

// signal returns the test Renderer for job. All of them are allocation-free.
func signal(job helperJob, f audio.Format) audio.Renderer {
	n := 0 // frames rendered so far; only the render goroutine touches it
	switch job.Signal {
	case "clicks":
		return audio.RendererFunc(func(out []float32) {
			clear(out)
			for i := 0; i < len(out); i += f.Channels {
				if n < job.Frames && n%beat == 0 {
					out[i], out[i+1] = clickLeft, -clickLeft
				}
				n++
			}
		})
	case "clicktrain":
		return audio.RendererFunc(func(out []float32) {
			clear(out)
			for i := 0; i < len(out); i += f.Channels {
				if n%job.Period == 0 {
					out[i], out[i+1] = clickLeft, -clickLeft
				}
				n++
			}
		})
	case "ramp":
		return audio.RendererFunc(func(out []float32) {
			clear(out)
			for i := 0; i < len(out); i += f.Channels {
				if n < job.Frames {
					v := float32(n+1) * ringtest.Step
					out[i], out[i+1] = v, -v
				}
				n++
			}
		})
	default: // 440 Hz sine at -12 dBFS
		return audio.RendererFunc(func(out []float32) {
			for i := 0; i < len(out); i += f.Channels {
				v := float32(0.25 * math.Sin(2*math.Pi*440*float64(n)/float64(f.SampleRate)))
				for c := range f.Channels {
					out[i+c] = v
				}
				n++
			}
		})
	}
}

// clickThreshold tells a click from silence in a capture.
const clickThreshold = 0.05

// A clickSink is the test's audio.InputSink: it counts the frames it is
// given and notes, per channel, the frames where a click is (a sample
// beyond clickThreshold), up to a capacity allocated beforehand, so that
// WriteInput does not allocate. It runs on the render goroutine; read it
// after Close.
type clickSink struct {
	ch     int
	frames int64
	clicks [][]int64
}

func newClickSink(channels, capacity int) *clickSink {
	s := &clickSink{ch: channels, clicks: make([][]int64, channels)}
	for c := range s.clicks {
		s.clicks[c] = make([]int64, 0, capacity)
	}
	return s
}

func (s *clickSink) WriteInput(p []float32) int {
	n := len(p) / s.ch
	for i := range n {
		for c := range s.ch {
			if v := p[i*s.ch+c]; (v > clickThreshold || v < -clickThreshold) && len(s.clicks[c]) < cap(s.clicks[c]) {
				s.clicks[c] = append(s.clicks[c], s.frames)
			}
		}
		s.frames++
	}
	return n
}

// runHelper runs job in a child process with the given extra environment
// (KEY=VALUE). By default the child sees no ALSA devices' noise beyond what
// the config brings, cannot start a JACK server, and looks for one under a
// name nobody uses, so a jackd left running elsewhere does not leak in.
func runHelper(t *testing.T, job helperJob, env ...string) (helperResult, string) {
	t.Helper()
	return runHelperThen(t, job, nil, env...)
}

// runHelperThen is runHelper that calls onPlaying (if not nil) once the
// child's stream has called back for the first time.
func runHelperThen(t *testing.T, job helperJob, onPlaying func(), env ...string) (helperResult, string) {
	t.Helper()
	spec, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(filterEnv(os.Environ(), "ALSA_CONFIG_PATH", "JACK_DEFAULT_SERVER", "JACK_NO_START_SERVER", helperEnv),
		helperEnv+"="+string(spec),
		"JACK_NO_START_SERVER=1",
		fmt.Sprintf("JACK_DEFAULT_SERVER=gridbox-test-absent-%d", os.Getpid()),
	)
	cmd.Env = append(cmd.Env, env...) // later entries win
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A child stuck in a PortAudio call (a hang is one of the faults under
	// test) is killed long after its job should have ended.
	limit := time.Minute + time.Duration(job.Seconds*float64(time.Second))
	var hung atomic.Bool
	watchdog := time.AfterFunc(limit, func() { hung.Store(true); cmd.Process.Kill() })
	defer watchdog.Stop()
	var res helperResult
	found := false
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if sc.Text() == playingMarker && onPlaying != nil {
			onPlaying()
		}
		if line, ok := strings.CutPrefix(sc.Text(), resultPrefix); ok {
			if err := json.Unmarshal([]byte(line), &res); err != nil {
				t.Fatalf("helper result: %v", err)
			}
			found = true
		}
	}
	if err := cmd.Wait(); err != nil || !found {
		if hung.Load() {
			err = fmt.Errorf("killed after %v: it hung", limit)
		}
		t.Fatalf("helper %s: %v (result found: %v); stderr:\n%s", job.Mode, err, found, stderr.String())
	}
	return res, stderr.String()
}

func filterEnv(env []string, drop ...string) []string {
	var out []string
next:
	for _, kv := range env {
		for _, d := range drop {
			if strings.HasPrefix(kv, d+"=") {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}

// checkQuiet fails if the child's stderr carries ALSA or JACK noise.
func checkQuiet(t *testing.T, stderr string) {
	t.Helper()
	for _, noise := range []string{"ALSA lib", "Cannot connect to server", "jack server", "JackShmReadWritePtr"} {
		if strings.Contains(stderr, noise) {
			t.Errorf("stderr carries %q noise:\n%s", noise, stderr)
			return
		}
	}
}
