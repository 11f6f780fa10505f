//go:build portaudio

package portaudio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/audio/ring"
	"gridbox/audio/ring/ringtest"
	"gridbox/internal/jackprobe"
	"gridbox/internal/testlock"
)

// writeFileConf writes testdata/file-standalone.conf.in with the capture
// path filled in and returns the config path and the capture path.
func writeFileConf(t *testing.T) (conf, raw string) {
	t.Helper()
	dir := t.TempDir()
	in, err := os.ReadFile("testdata/file-standalone.conf.in")
	if err != nil {
		t.Fatal(err)
	}
	raw = filepath.Join(dir, "gridbox-out.raw")
	conf = filepath.Join(dir, "file-standalone.conf")
	if err := os.WriteFile(conf, []byte(strings.ReplaceAll(string(in), "@OUTFILE@", raw)), 0o644); err != nil {
		t.Fatal(err)
	}
	return conf, raw
}

func testdataPath(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// readRaw reads a raw capture of interleaved stereo float32 little-endian.
func readRaw(t *testing.T, path string) []float32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b)%8 != 0 {
		t.Fatalf("capture is %d bytes, not whole stereo float32 frames", len(b))
	}
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// playThroughFile plays a signal of frames frames through PortAudio's ALSA
// backend into the ALSA file plugin and returns the capture and the result.
// The file plugin is not paced, so the callback runs flat out: the lead is
// made long enough for the whole signal, so the render goroutine has rendered
// all of it into the ring before the stream starts, and the child stops once
// the callback has passed another second of (silent) frames to PortAudio.
// The stream has no input: the file plugin writes what a capture stream
// reads into the same file. The render thread stays at normal priority
// (Priority −1): against a device that never waits, a SCHED_FIFO render
// thread and PortAudio's SCHED_FIFO callback thread would leave the child's
// main goroutine, which decides when to stop, almost no CPU on a 2-core
// machine, and the capture would grow by hundreds of megabytes.
func playThroughFile(t *testing.T, sig string, frames int) ([]float32, helperResult) {
	conf, raw := writeFileConf(t)
	const block = 128
	res, stderr := runHelper(t, helperJob{
		Mode:       "play",
		Config:     Config{Device: "default", Input: "none", Block: block, Lead: frames/block + 2, Priority: -1},
		Signal:     sig,
		Frames:     frames,
		StopFrames: uint64(frames + 48000),
		Seconds:    30, // a safety net; the run takes well under a second
	}, "ALSA_CONFIG_PATH="+conf)
	if res.Err != "" {
		t.Fatalf("helper: %s", res.Err)
	}
	checkQuiet(t, stderr)
	return readRaw(t, raw), res
}

func firstNonSilent(s []float32) int {
	for i, v := range s {
		if v != 0 {
			return i / 2
		}
	}
	return -1
}

// TestClickTrackThroughALSAFile (a): a click every beat at 120 BPM for 3 s,
// through ring → C callback → PortAudio ALSA → file plugin, must arrive
// exactly 24000 frames apart.
func TestClickTrackThroughALSAFile(t *testing.T) {
	const frames = 6 * beat // 3 s: clicks at 0, 24000, …, 120000
	s, res := playThroughFile(t, "clicks", frames)
	first := firstNonSilent(s)
	if first < 0 {
		t.Fatalf("capture of %d frames is silent", len(s)/2)
	}
	var clicks []int
	for i := 0; i < len(s); i += 2 {
		if s[i] != 0 || s[i+1] != 0 {
			if s[i] != clickLeft || s[i+1] != -clickLeft {
				t.Fatalf("frame %d = %v,%v, want a click %v,%v or silence", i/2, s[i], s[i+1], clickLeft, -clickLeft)
			}
			clicks = append(clicks, i/2)
		}
	}
	if len(clicks) != 6 {
		t.Fatalf("%d clicks at %v, want 6", len(clicks), clicks)
	}
	for k, c := range clicks {
		if c != first+k*beat {
			t.Errorf("click %d at frame %d, want %d (%d after the first)", k, c, first+k*beat, k*beat)
		}
	}
	if span := clicks[5] - clicks[0]; span != 5*beat {
		t.Errorf("first to last click: %d frames, want %d", span, 5*beat)
	}
	t.Logf("capture %d frames; leading silence (PortAudio priming) %d frames; clicks at %v; first→last %d frames; %d callbacks, %d ring underruns (after the signal), lead %d blocks; warnings %q",
		len(s)/2, first, clicks, clicks[5]-clicks[0], res.Counters.Callbacks, res.Counters.RingUnderruns, frames/128+2, res.Warnings)
}

// TestRampThroughALSAFile (a): a sample counter must arrive with every frame
// exactly one step after the previous, none missing, none repeated.
func TestRampThroughALSAFile(t *testing.T) {
	const frames = 144000
	s, res := playThroughFile(t, "ramp", frames)
	first := firstNonSilent(s)
	if first < 0 {
		t.Fatal("capture is silent")
	}
	if len(s)/2 < first+frames {
		t.Fatalf("capture has %d frames after the first non-silent one, want ≥ %d", len(s)/2-first, frames)
	}
	for n := range frames {
		want := float32(n+1) * ringtest.Step
		l, r := s[2*(first+n)], s[2*(first+n)+1]
		if l != want || r != -want {
			t.Fatalf("frame %d of the ramp (capture frame %d) = %v,%v, want %v,%v: discontinuity", n, first+n, l, r, want, -want)
		}
	}
	for i := 2 * (first + frames); i < len(s); i++ {
		if s[i] != 0 {
			t.Fatalf("capture frame %d = %v after the ramp ended, want silence", i/2, s[i])
		}
	}
	t.Logf("ramp of %d frames continuous from capture frame %d; %d frames captured; callbacks %d, frames handed over %d",
		frames, first, len(s)/2, res.Counters.Callbacks, res.Counters.Frames)
}

// TestDeviceSelection (c): by index, by name, by case-insensitive substring;
// an unknown name or index lists what exists.
func TestDeviceSelection(t *testing.T) {
	conf, _ := writeFileConf(t)
	env := "ALSA_CONFIG_PATH=" + conf

	res, stderr := runHelper(t, helperJob{Mode: "list"}, env)
	checkQuiet(t, stderr)
	if res.Err != "" || len(res.Infos) != 1 {
		t.Fatalf("List = %+v, %q; want the one ALSA device \"default\"", res.Infos, res.Err)
	}
	def := res.Infos[0]
	if def.Name != "default" || def.HostAPI != "ALSA" || !def.Default || def.MaxOutputChannels < 2 {
		t.Fatalf("List = %+v, want ALSA \"default\", the default output", def)
	}
	t.Logf("List: %+v", res.Infos)

	for _, spec := range []string{"", strconv.Itoa(def.Index), "default", "DEFAULT", "efau"} {
		res, _ := runHelper(t, helperJob{Mode: "open", Config: Config{Device: spec}}, env)
		if res.Err != "opened" || res.Chosen.Index != def.Index {
			t.Errorf("Open(%q) chose %+v, err %q; want device %d", spec, res.Chosen, res.Err, def.Index)
		}
	}
	for _, spec := range []string{"nomatch", "7"} {
		res, stderr := runHelper(t, helperJob{Mode: "open", Config: Config{Device: spec}}, env)
		checkQuiet(t, stderr)
		want := fmt.Sprintf("no audio output device matches %q; the outputs are %d \"default\" (ALSA); use --device with one of these numbers or names, or --audio null to run without sound", spec, def.Index)
		if res.Err != want || !res.NoDevice {
			t.Errorf("Open(%q) error %q (ErrNoDevice: %v), want %q wrapping ErrNoDevice", spec, res.Err, res.NoDevice, want)
		}
	}
	res, _ = runHelper(t, helperJob{Mode: "open", Config: Config{Channels: 200}}, env)
	if !strings.Contains(res.Err, "output channels, not 200") {
		t.Errorf("Open with 200 channels: error %q", res.Err)
	}
}

// TestNoDevice (c): no usable ALSA PCM and no JACK server: one plain
// sentence wrapping audio.ErrNoDevice, and nothing on stderr. nocard.conf
// goes through PortAudio's scan (which finds nothing it can open);
// empty.conf defines no PCM at all and is refused before Pa_Initialize,
// which would abort the process on it.
func TestNoDevice(t *testing.T) {
	for _, conf := range []string{"nocard.conf", "empty.conf"} {
		t.Run(conf, func(t *testing.T) {
			env := "ALSA_CONFIG_PATH=" + testdataPath(t, conf)
			res, stderr := runHelper(t, helperJob{Mode: "open"}, env)
			if res.Err != noDeviceText || !res.NoDevice {
				t.Errorf("Open error %q (ErrNoDevice: %v), want %q wrapping ErrNoDevice", res.Err, res.NoDevice, noDeviceText)
			}
			if stderr != "" {
				t.Errorf("stderr not empty:\n%s", stderr)
			}
			t.Logf("error: %s (%d lines captured for Log)", res.Err, res.LogLines)

			res, _ = runHelper(t, helperJob{Mode: "list"}, env)
			if len(res.Infos) != 0 || (res.Err != "" && !res.NoDevice) {
				t.Errorf("List = %+v, %q; want no devices, and no error or ErrNoDevice", res.Infos, res.Err)
			}
		})
	}
}

// TestNoiseIsCaptured: the system ALSA config on a machine without a sound
// card makes libasound print dozens of lines during Pa_Initialize; none may
// reach stderr, and Log keeps them.
func TestNoiseIsCaptured(t *testing.T) {
	if _, err := os.Stat("/usr/share/alsa/alsa.conf"); err != nil {
		t.Skip("no system ALSA config (/usr/share/alsa/alsa.conf, from libasound2-data)")
	}
	env := "ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:" + testdataPath(t, "null.conf")
	res, stderr := runHelper(t, helperJob{Mode: "list"}, env)
	checkQuiet(t, stderr)
	if res.Err != "" {
		t.Fatal(res.Err)
	}
	t.Logf("%d devices; %d lines captured into Log, %d bytes on stderr", len(res.Infos), res.LogLines, len(stderr))
}

// TestJACKDummyCadence (b): through PortAudio's JACK host API on jackd's
// dummy backend (real-time pacing, 128 frames at 48 kHz) for 2 s. The
// cadence is judged against a baseline taken on the same server in the
// same run, not against the wall clock: jackd on a busy machine runs its
// cycles late or slow (means of 3.2–3.6 ms were seen with the load average
// at 6 on 2 vCPUs without realtime priority), and that is not gridbox's
// doing. A trivial JACK client (jackprobe) stamps every cycle the server
// runs; between gridbox's first and latest callback gridbox must have had
// one callback for each cycle the probe saw, none missed, none doubled.
// Every callback took a rendered block unless the ring was short, and the
// ring (gridbox's render goroutine) was short in at most a quarter of them;
// the xruns jackd reports to every client are the server's, reported and
// not failed. jackd runs with realtime priority as root or with
// JACKD_REALTIME=1 (scripts/jackd-dummy.sh), which keeps it near real time.
func TestJACKDummyCadence(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time test: -short leaves it out")
	}
	name := fmt.Sprintf("gridbox-test-%d", os.Getpid())
	_, jackLog, realtime := startJackd(t, name)
	probe, err := jackprobe.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()

	res, stderr := runHelper(t, helperJob{
		Mode:    "play",
		Config:  Config{Device: "system"},
		Signal:  "sine",
		Seconds: 2,
	}, "JACK_DEFAULT_SERVER="+name, "ALSA_CONFIG_PATH="+testdataPath(t, "nocard.conf"))
	if res.Err != "" {
		t.Fatalf("helper: %s", res.Err)
	}
	checkQuiet(t, stderr)
	c, s := res.Counters, res.Stats
	// Both clients are woken at the start of each cycle: the probe's stamp
	// of the cycle of gridbox's first and latest callback lies within half
	// a period of gridbox's, earlier or later.
	ideal := audio.Format{SampleRate: 48000}.Duration(128)
	cycles, complete := probe.Cycles(res.FirstCallback-int64(ideal/2), res.LatestCallback+int64(ideal/2))
	span := time.Duration(res.LatestCallback - res.FirstCallback)
	t.Logf("device %v, latency %v; played %v: %d callbacks, and the probe saw %d cycles, in the %v from the first callback to the latest (%d cycles at 2.667 ms), mean interval %v, max %v, late %d; ring underruns %d, xruns flagged %d (the probe heard of %d); render blocks %d, load %.4f, max load %.4f; render wakes %d, late %d, max oversleep %v; allocs %d in %v; warnings %q",
		res.Chosen, res.Latency, res.Played, res.SpanCallbacks, cycles, span, span/ideal, c.MeanInterval, c.MaxInterval, c.LateCallbacks,
		c.RingUnderruns, c.Underflows, probe.Xruns(), s.Blocks, s.Load, s.MaxLoad, c.Fill.Wakes, c.Fill.LateWakes, c.Fill.MaxOversleep,
		res.Allocs, res.Window, res.Warnings)

	if res.Chosen.HostAPI != "JACK Audio Connection Kit" || res.Chosen.Name != "system" {
		t.Errorf("played on %+v, want JACK \"system\"", res.Chosen)
	}
	if log, _ := os.ReadFile(jackLog); strings.Contains(string(log), "Cannot use real-time scheduling") {
		realtime = false // jackd was refused it and runs without
	}
	// A client woken late in a cycle may still put a stamp outside the
	// interval at either end: two cycles either way. More callbacks than
	// cycles means the probe was late for some (each xrun it heard of may
	// have cost it one); fewer means gridbox's client missed cycles the
	// probe had, which with realtime priority (the server's and both
	// clients' process threads run when due) is gridbox's or PortAudio's
	// doing. Without realtime priority, on a busy machine, jackd runs
	// cycles late, reports xruns to every client, and either client's
	// thread may sleep through cycles the other had: then each xrun may
	// cost gridbox a cycle too.
	below, above, why := 2, 2+int(probe.Xruns()), "with realtime priority"
	if !realtime {
		if cycles < 100 {
			t.Skipf("jackd without realtime priority (not root, or JACKD_REALTIME=0) ran %d cycles in 2 s on this busy machine: too few to judge gridbox's cadence; run as root or with JACKD_REALTIME=1", cycles)
		}
		below, why = above, "without realtime priority, allowing a cycle per xrun"
	}
	if res.SpanCallbacks < 100 || !complete {
		t.Fatalf("%d callbacks in %v (the probe's stamps complete: %v): jackd hardly ran", res.SpanCallbacks, res.Played, complete)
	}
	if d := int(res.SpanCallbacks) - cycles; d < -below || d > above {
		t.Errorf("%d callbacks while a trivial client saw the server run %d cycles (%+d, want −%d…+%d; jackd %s): gridbox's client missed cycles, or had more than the server ran", res.SpanCallbacks, cycles, d, below, above, why)
	}
	// Every callback that did not underrun took one rendered block; the
	// ring holds at most lead + 1 more.
	if s.Blocks < c.Callbacks-c.RingUnderruns || s.Blocks > c.Callbacks+3 {
		t.Errorf("rendered %d blocks for %d callbacks (%d of them short), want between %d and %d", s.Blocks, c.Callbacks, c.RingUnderruns, c.Callbacks-c.RingUnderruns, c.Callbacks+3)
	}
	if c.Frames != c.Callbacks*128 {
		t.Errorf("%d frames for %d callbacks of 128", c.Frames, c.Callbacks)
	}
	if s.Underruns != c.RingUnderruns+c.Underflows || s.LateWakes != c.LateCallbacks {
		t.Errorf("Stats %+v disagree with Counters %+v", s, c)
	}
	// The meter's units are proven in virtual time (ring's
	// TestFillerMeasuresLoad); here a preempted render can measure any load.
	if s.MaxLoad <= 0 {
		t.Errorf("MaxLoad %v, want a load measured", s.MaxLoad)
	}
	// The ring runs short only if the render goroutine, SCHED_FIFO, was
	// late by the whole lead; jackd's own xruns, which it flags to every
	// client (environment.md §5.6), are the server's. A render thread that
	// was refused SCHED_FIFO (not root) is at the mercy of a busy machine:
	// then its underruns are reported only.
	fifo := !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, "SCHED_FIFO") })
	if u := c.RingUnderruns; u > c.Callbacks/4 && fifo {
		t.Errorf("the ring was short in %d of %d callbacks", u, c.Callbacks)
	}
	checkAllocs(t, res)
}

// TestJACKServerDeath: the JACK server dies under a playing stream. Its
// callbacks stop; Close must then neither hang (PortAudio 19.6's
// Pa_AbortStream waits for a cycle that never comes) nor abort the process
// (its Pa_CloseStream asserts once the server's shutdown notice has come),
// whichever came first, but return an error asking for a new process
// (audio.ErrRestart), and so must the next Open in that process. The
// child closes as soon as the callbacks have stopped for nine periods, as
// supervise does; three rounds, as the notice may come before or after.
func TestJACKServerDeath(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time test: -short leaves it out")
	}
	for i := range 3 {
		name := fmt.Sprintf("gbx-death-%d-%d", os.Getpid(), i) // JACK takes short names only
		jackd, _, _ := startJackd(t, name)
		t.Cleanup(func() {
			// The dead client's semaphores.
			junk, _ := filepath.Glob("/dev/shm/jack_sem.*_" + name + "*")
			for _, f := range junk {
				os.Remove(f)
			}
		})
		killed := time.Time{}
		res, stderr := runHelperThen(t, helperJob{
			Mode:        "play",
			Config:      Config{Device: "system"},
			Signal:      "sine",
			Seconds:     30, // a safety net: the stall ends it
			StopOnStall: true,
		}, func() {
			time.Sleep(300 * time.Millisecond)
			killed = time.Now()
			stopJackd(t, jackd)
		}, "JACK_DEFAULT_SERVER="+name, "ALSA_CONFIG_PATH="+testdataPath(t, "nocard.conf"))
		t.Logf("round %d: Close: %q (restart: %v); the next Open: %q (restart: %v); %d callbacks, the child ended %v after jackd was told to stop",
			i+1, res.Err, res.Restart, res.Reopen, res.ReopenRestart, res.Counters.Callbacks, time.Since(killed).Round(time.Millisecond))
		if killed.IsZero() {
			t.Fatalf("round %d: the stream never called back; stderr:\n%s", i+1, stderr)
		}
		if !res.Restart || !strings.Contains(res.Err, "JACK server stopped calling back") {
			t.Errorf("round %d: Close after the server died: %q, want the JACK client lost, wrapping audio.ErrRestart", i+1, res.Err)
		}
		if !res.ReopenRestart {
			t.Errorf("round %d: Open after that: %q, want an error wrapping audio.ErrRestart", i+1, res.Reopen)
		}
	}
}

// startJackd starts a JACK server called name on the dummy backend
// (scripts/jackd-dummy.sh: 48 kHz, 128-frame periods), stopped when the test
// ends, and returns the process (a handle on that very process, which
// cannot signal another that is given its pid later), its log file and
// whether it was asked for realtime priority. As root (CI containers) it asks for it unless JACKD_REALTIME
// says otherwise: without it, on a loaded shared VM (and go test runs
// packages in parallel) the dummy driver itself falls behind, e.g. 192
// cycles in 2 s.
func startJackd(t *testing.T, name string) (jackd *os.Process, log string, realtime bool) {
	t.Helper()
	return startJackdInputs(t, name, 2)
}

// startJackdInputs is startJackd with inputs capture ports (system:capture_1…,
// silent), so that PortAudio's JACK device "system" has inputs input
// channels.
func startJackdInputs(t *testing.T, name string, inputs int) (jackd *os.Process, log string, realtime bool) {
	t.Helper()
	if _, err := exec.LookPath("jackd"); err != nil {
		t.Skip("jackd not installed (scripts/setup.sh --test installs jackd2)")
	}
	testlock.Exclusive(t) // no browser starting beside a real-time server
	var serr strings.Builder
	cmd := exec.Command("../../scripts/jackd-dummy.sh", name, "48000", "128", strconv.Itoa(inputs))
	cmd.Stderr = &serr
	realtime = os.Getenv("JACKD_REALTIME") == "1"
	if _, set := os.LookupEnv("JACKD_REALTIME"); !set && os.Geteuid() == 0 {
		cmd.Env = append(os.Environ(), "JACKD_REALTIME=1")
		realtime = true
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("scripts/jackd-dummy.sh: %v\n%s", err, serr.String())
	}
	fields := strings.Fields(string(out))
	pid, err := strconv.Atoi(fields[0])
	if err != nil || len(fields) < 2 {
		t.Fatalf("scripts/jackd-dummy.sh printed %q", out)
	}
	if jackd, err = os.FindProcess(pid); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopJackd(t, jackd) })
	return jackd, fields[1], realtime
}

// stopJackd ends the jackd we started: SIGTERM lets it remove its shared
// memory (a SIGKILLed jackd leaves its entry in /dev/shm/jack-shm-registry,
// and enough of those make later servers fail with "Too many servers already
// active"); SIGKILL after 3 s. Stopping it again does nothing: p is a
// handle on that process (a pidfd), never on another given its pid since,
// which on a busy machine can be any process, make's included.
func stopJackd(t *testing.T, p *os.Process) {
	if p.Signal(syscall.SIGTERM) != nil {
		return // already gone
	}
	for range 30 {
		if p.Signal(syscall.Signal(0)) != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("jackd %d ignored SIGTERM; killing it", p.Pid)
	p.Kill()
}

// pipeConsumer drives the C callback's copy routine from a test goroutine.
type pipeConsumer struct{ p *pipe }

func (c pipeConsumer) Consume(out []float32) { c.p.consume(out) }
func (c pipeConsumer) Underruns() uint64     { return c.p.counters().RingUnderruns }

// TestRampThroughCRing is T5 on the real C ring: the Go render goroutine
// writes the C-allocated ring with Go atomics and gbx_consume (the callback's
// copy routine, the same C code) reads it, under injected render stalls, in
// virtual time.
func TestRampThroughCRing(t *testing.T) {
	cfg := ring.Config{Format: audio.Format{SampleRate: 48000, Channels: 2}, Block: 128, Lead: 4, Sleep: time.Sleep}
	ringtest.RampTest(t, cfg, func(t *testing.T, cfg ring.Config) (*ring.Ring, ringtest.Consumer) {
		p, err := newPipe(cfg, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.free)
		return p.ring, pipeConsumer{p}
	})
}

func TestChoose(t *testing.T) {
	outs := []Info{
		{Index: 0, Name: "hw:CARD=Headphones,DEV=0", HostAPI: "ALSA"},
		{Index: 2, Name: "USB Audio CODEC: Audio (hw:2,0)", HostAPI: "ALSA"},
		{Index: 3, Name: "default", HostAPI: "ALSA", Default: true},
		{Index: 5, Name: "usb", HostAPI: "ALSA"},
	}
	for _, tc := range []struct {
		spec string
		want int
	}{
		{"", 3},
		{"  ", 3},
		{"2", 2},
		{"usb", 5},       // exact name beats the earlier substring match
		{"USB AUDIO", 2}, // case-insensitive substring
		{"headphones", 0},
	} {
		got, err := choose(outs, tc.spec)
		if err != nil || got.Index != tc.want {
			t.Errorf("choose(%q) = %d, %v; want %d", tc.spec, got.Index, err, tc.want)
		}
	}
	for _, spec := range []string{"1", "hdmi"} {
		_, err := choose(outs, spec)
		if !errors.Is(err, audio.ErrNoDevice) || !strings.Contains(err.Error(), `5 "usb" (ALSA)`) {
			t.Errorf("choose(%q) error %v, want ErrNoDevice listing the outputs", spec, err)
		}
	}
	if _, err := choose(nil, ""); !errors.Is(err, audio.ErrNoDevice) || err.Error() != noDeviceText {
		t.Errorf("choose with no outputs: %v", err)
	}
	noDefault := []Info{{Index: 4, Name: "system", HostAPI: "JACK Audio Connection Kit"}}
	if got, err := choose(noDefault, ""); err != nil || got.Index != 4 {
		t.Errorf("choose without a default = %+v, %v; want the first output", got, err)
	}
}

// checkAllocs checks the allocation measurements of a play run. The
// whole-process count over the steady-state window (runtime/metrics
// /gc/heap/allocs:objects) must stay tiny: an allocation per block or per
// wake would be hundreds. And no allocation may come from the render path
// (the Filler's loop, the ring, the Renderer): the stacks come from a
// MemProfileRate=1 profile taken from before Start to after Close. What
// remains is the runtime's own bookkeeping, reported but not failed: when the
// locked render thread blocks in nanosleep or is preempted, the runtime may
// start another OS thread and allocates its M once (runtime.allocm), and a
// P's timer heap may grow (runtime.(*timers).addHeap).
func checkAllocs(t *testing.T, res helperResult) {
	t.Helper()
	if res.Allocs < 0 {
		t.Errorf("no steady-state window measured")
		return
	}
	// A new OS thread (the runtime's sysmon starts one when a thread sits
	// in a syscall on a loaded machine) costs the runtime about 8 objects
	// of its own; allow 10 for each created in the window.
	if limit := 16 + 10*int64(res.Threads); res.Allocs > limit {
		t.Errorf("%d heap objects allocated in %v of steady state (%d new OS threads), want (almost) none: at most %d", res.Allocs, res.Window, res.Threads, limit)
	}
	if res.Allocs == 0 {
		return
	}
	renderPath := []string{"ring.(*Filler).run", "ring.(*Filler).fill", "ring.(*Ring).", "portaudio.signal.func", "(*pipe).consume"}
	for _, s := range res.AllocStacks {
		for _, f := range renderPath {
			if strings.Contains(s, f) {
				t.Errorf("the render path allocated: %s", s)
				break
			}
		}
	}
	t.Logf("%d heap objects allocated in %v of steady state, %d new OS threads; allocation sites from Start to Close, none on the render path: %q", res.Allocs, res.Window, res.Threads, res.AllocStacks)
}

// TestOnsetProbe drives the onset probe's C half (gbx_onset_scan, what the
// callback runs) on a pipe without a stream: unarmed it records nothing;
// armed, a silent block records nothing and the first non-zero sample
// (here the right channel of frame 37) is recorded with its callback time,
// its frame and the time that frame went out at the stream's rate, once:
// the probe disarms itself until armed again.
func TestOnsetProbe(t *testing.T) {
	f := audio.Format{SampleRate: 48000, Channels: 2}
	p, err := newPipe(ring.Config{Format: f, Block: 128, Lead: 2}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer p.free()
	block := make([]float32, 128*2)
	sound := make([]float32, 128*2)
	sound[2*37+1] = 0.25
	sound[2*90] = 1

	p.onsetScan(sound, 1000, 0)
	if _, seq := p.onsetRead(f.SampleRate); seq != 0 {
		t.Fatalf("unarmed probe found %d onsets", seq)
	}
	base := p.onsetArm()
	p.onsetScan(block, 2000, 0)
	if _, seq := p.onsetRead(f.SampleRate); seq != base {
		t.Fatalf("a silent block made an onset")
	}
	p.onsetScan(sound, 3_000_000, 5_333_333)
	o, seq := p.onsetRead(f.SampleRate)
	want := Onset{Callback: 3_000_000, Frame: 37, Frames: 128, At: 3_000_000 + 37*1_000_000_000/48000, DAC: 5_333_333}
	if seq != base+1 || o != want {
		t.Fatalf("onset %+v (seq %d), want %+v (seq %d)", o, seq, want, base+1)
	}
	sound[2*37+1] = 0
	p.onsetScan(sound, 4_000_000, 0) // disarmed: frame 90 is not looked at
	if o2, seq := p.onsetRead(f.SampleRate); seq != base+1 || o2 != want {
		t.Fatalf("after the onset the probe recorded %+v (seq %d)", o2, seq)
	}
	base = p.onsetArm()
	p.onsetScan(sound, 5_000_000, 0)
	if o, seq := p.onsetRead(f.SampleRate); seq != base+1 || o.Frame != 90 || o.Callback != 5_000_000 {
		t.Fatalf("re-armed: onset %+v (seq %d), want frame 90 at 5000000", o, seq)
	}
	if now := Monotonic(); now <= 0 {
		t.Fatalf("Monotonic() = %d", now)
	}
}
