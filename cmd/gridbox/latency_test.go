//go:build portaudio

package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/audio/portaudio"
	"gridbox/grid/hotplug"
	"gridbox/grid/launchpad"
	"gridbox/grid/launchpad/launchpadtest"
	"gridbox/grid/midiport/midiporttest"
	"gridbox/grid/scan"
	"gridbox/internal/jackprobe"
	"gridbox/show/showtest"
)

// Pad-to-sound latency (issue 11): a Launchpad's note pad pressed in Note
// mode, to the first non-zero frame of the note handed to the audio device,
// measured on "gridbox play" itself through PortAudio on jackd's dummy
// backend at 128 frames and 48 kHz.
//
// The two ends, on one clock (CLOCK_MONOTONIC, portaudio.Monotonic):
//   - in: the moment the note-on's bytes reach gridbox's MIDI driver. This
//     machine has no ALSA sequencer (no /dev/snd, and no kernel module can
//     be loaded), so no rtmidi port, virtual or real, exists here: the
//     Launchpad is a midiporttest device behind gomidi's driver interface,
//     whose Send runs midiport's listener synchronously, as rtmidi's ALSA
//     input thread does when the bytes arrive. The stamp is taken just
//     before that Send. Everything from midiport's listener on is the
//     real path: Stream, the Launchpad X driver, the hot-plug watcher, the
//     session goroutine, the surface's Note mode, Session.NoteOn,
//     engine.Command{Now}, the render goroutine, the C ring, the callback.
//   - out: the PortAudio callback that hands the device the block holding
//     the note's first non-zero frame, plus that frame's offset in the
//     block at 48 kHz (portaudio.Onset.At: the onset probe the callback
//     runs while armed).
//
// What follows the callback is the device's and is printed beside the
// distribution: JACK's playback latency (the dummy backend's period and the
// one more its asynchronous mode adds), PortAudio's output latency for the
// stream, and PortAudio's DAC time for the block that held the onset.
//
// gridbox play runs in a child process (this test binary re-executed), as
// in the other PortAudio tests: PortAudio's state is process-wide, and the
// child's JACK server is chosen by its environment.

var (
	padPresses = flag.Int("pad-presses", 200, "how many times TestPadToSound presses the note pad")
	padLead    = flag.Int("pad-lead", 2, "the --lead TestPadToSound plays with (play's default is 2)")
	padTarget  = flag.Bool("pad-to-sound-target", false, "TestPadToSound fails unless the pad-to-sound latency meets the issue's target (make bench)")
)

// latencyChildEnv makes the child run "gridbox play" with a fake Launchpad
// X and play it (latencyJob, as JSON); it writes a latencyResult to
// Job.Out.
const latencyChildEnv = "GRIDBOX_CMD_LATENCY"

func init() {
	children = append(children, childMain{latencyChildEnv, latencyChild})
}

type latencyJob struct {
	Set     string
	Presses int
	Lead    int // play's --lead
	Seed    uint64
	Out     string // where the child writes its latencyResult
}

// A press is one note pad press, CLOCK_MONOTONIC nanoseconds.
type press struct {
	Sent  int64 // just before the device sent the note-on (into midiport's listener)
	Read  int64 // the Launchpad driver's Read returned the note-on's bytes
	Phase int64 // Sent minus the latest callback's start: where in the block clock it fell
	Onset portaudio.Onset
}

type latencyResult struct {
	Err      string
	Device   string
	Block    int
	Lead     int
	Latency  time.Duration // Device.OutputDelay(): PortAudio's output latency and the ring's lead
	Presses  []press
	Retries  int // waits for silence that found sound still playing
	Counters portaudio.Counters
	Said     string // what gridbox play printed
}

// Launchpad X in Programmer mode, as its driver reads it: the top row is
// Y = −1 (Session is its 5th button, Mixer its 6th on an unlabelled
// Launchpad), the bottom-left pad X 0, Y 7.
var (
	lpx        = launchpad.LaunchpadX
	lpxName    = "Launchpad X:Launchpad X LPX MIDI 28:1"
	sessionBtn = launchpad.Button{X: 4, Y: -1}
	mixerBtn   = launchpad.Button{X: 5, Y: -1}
	notePad    = launchpad.Button{X: 0, Y: 7}
)

// stampedPort stamps when the driver's Read returns the note pad's press.
type stampedPort struct {
	io.ReadWriteCloser
	press []byte
	read  *atomic.Int64
}

func (p stampedPort) Read(b []byte) (int, error) {
	n, err := p.ReadWriteCloser.Read(b)
	if n > 0 && strings.Contains(string(b[:n]), string(p.press)) {
		p.read.Store(portaudio.Monotonic())
	}
	return n, err
}

// lineWatch is a writer that passes everything on and closes seen when a
// line containing want has gone by.
type lineWatch struct {
	w    io.Writer
	want string
	mu   sync.Mutex
	buf  strings.Builder
	seen chan struct{}
	once sync.Once
}

func (l *lineWatch) Write(b []byte) (int, error) {
	l.mu.Lock()
	l.buf.Write(b)
	if strings.Contains(l.buf.String(), l.want) {
		l.once.Do(func() { close(l.seen) })
	}
	l.mu.Unlock()
	return l.w.Write(b)
}

func (l *lineWatch) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func latencyChild(spec string) int {
	var job latencyJob
	if err := json.Unmarshal([]byte(spec), &job); err != nil {
		fmt.Fprintln(os.Stderr, "latency child:", err)
		return 2
	}
	res := latencyResult{Block: 128, Lead: job.Lead}
	write := func() int {
		b, _ := json.Marshal(res)
		if err := os.WriteFile(job.Out, b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "latency child:", err)
			return 2
		}
		return 0
	}

	dev := midiporttest.New(lpxName)
	var read atomic.Int64
	noteOn := launchpadtest.PressBytes(lpx, notePad, 100)
	noteOff := launchpadtest.PressBytes(lpx, notePad, 0)

	e := processEnv()
	said := &lineWatch{w: e.stderr, want: "connected on " + lpxName, seen: make(chan struct{})}
	e.stderr = said
	e.hooks.Hung = 10 * time.Second
	e.hooks.Scans = func(wrap scan.Wrap) []hotplug.Scan {
		stamp := func(port io.ReadWriteCloser, model string) io.ReadWriteCloser {
			if wrap != nil {
				port = wrap(port, model)
			}
			return stampedPort{port, noteOn, &read}
		}
		return []hotplug.Scan{scan.Launchpads(dev.Driver(), stamp)}
	}
	opened := make(chan *portaudio.Device, 1)
	e.hooks.Opened = func(d audio.Device) {
		if pd, ok := d.(*portaudio.Device); ok {
			select {
			case opened <- pd:
			default:
			}
		}
	}
	// play's SIGINT and SIGTERM (the reloader asks for SIGUSR1 as well).
	stop := make(chan chan<- os.Signal, 1)
	e.hooks.Notify = func(c chan<- os.Signal, sig ...os.Signal) {
		if slices.Contains(sig, os.Interrupt) {
			stop <- c
		}
	}

	played := make(chan int, 1)
	go func() {
		played <- run([]string{"play", job.Set, "--audio", "portaudio", "--block", "128", "--lead", fmt.Sprint(job.Lead), "--seconds", "600"}, e)
	}()

	var err error
	select {
	case code := <-played:
		res.Err, res.Said = fmt.Sprintf("gridbox play exited %d before the Launchpad was connected", code), said.String()
		return write()
	case <-said.seen:
	case <-time.After(60 * time.Second):
		err = errors.New("the Launchpad was not connected within 60 s")
	}
	var pd *portaudio.Device
	if err == nil {
		pd = <-opened
		res.Device, res.Latency = pd.String(), pd.OutputDelay()
		res.Presses, res.Retries, err = playPad(pd, dev, &read, job, noteOn, noteOff)
		res.Counters = pd.Counters()
	}
	if err != nil {
		res.Err = err.Error()
	}
	(<-stop) <- os.Interrupt
	select {
	case code := <-played:
		if code != 0 && res.Err == "" {
			res.Err = fmt.Sprintf("gridbox play exited %d", code)
		}
	case <-time.After(30 * time.Second):
		if res.Err == "" {
			res.Err = "gridbox play did not stop within 30 s of SIGINT"
		}
	}
	res.Said = said.String()
	return write()
}

// playPad puts the Launchpad in Note mode and presses the note pad
// job.Presses times, each at a random phase of the block clock once the
// previous note has ended.
func playPad(pd *portaudio.Device, dev *midiporttest.Device, read *atomic.Int64, job latencyJob, noteOn, noteOff []byte) ([]press, int, error) {
	for deadline := time.Now().Add(10 * time.Second); pd.Counters().Callbacks < 10; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			return nil, 0, errors.New("the PortAudio callback did not run")
		}
	}
	// Note mode on an unlabelled Launchpad: hold Session, press Mixer.
	for _, m := range [][]byte{
		launchpadtest.PressBytes(lpx, sessionBtn, 127), launchpadtest.PressBytes(lpx, mixerBtn, 127),
		launchpadtest.PressBytes(lpx, mixerBtn, 0), launchpadtest.PressBytes(lpx, sessionBtn, 0),
	} {
		if !dev.Send(m) {
			return nil, 0, errors.New("gridbox does not listen to the Launchpad")
		}
	}
	period := int64(time.Second) * 128 / 48000
	rng := rand.New(rand.NewPCG(job.Seed, 11))
	var out []press
	retries := 0
	for len(out) < job.Presses {
		// Silence first: the probe armed over a random wait (20 ms and up
		// to one more block) must find nothing.
		pd.ArmOnset()
		time.Sleep(20*time.Millisecond + time.Duration(rng.Int64N(period)))
		if _, ok := pd.Onset(); ok {
			retries++
			if retries > job.Presses {
				return out, retries, errors.New("the output never fell silent between notes")
			}
			continue
		}
		c := pd.Counters()
		read.Store(0)
		p := press{Sent: portaudio.Monotonic()}
		if c.SinceCallback >= 0 {
			p.Phase = int64(c.SinceCallback)
		}
		if !dev.Send(noteOn) {
			return out, retries, errors.New("gridbox stopped listening to the Launchpad")
		}
		found := false
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Microsecond) {
			if p.Onset, found = pd.Onset(); found {
				break
			}
		}
		p.Read = read.Load()
		dev.Send(noteOff)
		if !found {
			return out, retries, fmt.Errorf("press %d of the bottom-left pad in Note mode (Session held + Mixer) made no sound within 2 s", len(out)+1)
		}
		out = append(out, p)
		// The click (5 ms) and the blocks behind it are still on their way
		// to the device: let them pass before listening for silence.
		time.Sleep(15 * time.Millisecond)
	}
	return out, retries, nil
}

// latencyStats are the quantiles of a sample, in the sample's unit.
type latencyStats struct{ Min, Median, P90, P99, Max float64 }

func quantiles(v []float64) latencyStats {
	s := slices.Clone(v)
	slices.Sort(s)
	q := func(p float64) float64 { return s[min(len(s)-1, max(0, int(math.Ceil(p*float64(len(s))))-1))] }
	return latencyStats{s[0], q(0.5), q(0.9), q(0.99), s[len(s)-1]}
}

// jackPlaybackLatency returns the playback latency JACK server name
// reports for its system:playback_1 port, in frames (-1: it could not
// tell, or its minimum and maximum differ).
func jackPlaybackLatency(name string) int {
	cmd := exec.Command("jack_lsp", "-s", name, "-l", "system:playback_1")
	cmd.Env = append(os.Environ(), "JACK_NO_START_SERVER=1")
	out, _ := cmd.Output()
	const field = "port playback latency = [ " // then min and max, in frames
	var lo, hi int
	if i := strings.Index(string(out), field); i < 0 {
		return -1
	} else if _, err := fmt.Sscanf(string(out[i+len(field):]), "%d %d", &lo, &hi); err != nil || lo != hi {
		return -1
	}
	return lo
}

// TestPadToSound measures pad-to-sound latency (see the top of this file)
// over -pad-presses presses and logs its distribution. It only checks that
// every press sounded, none before it was pressed, and nine in ten within
// 20 blocks: on a shared 2-core machine the JACK server has xrun storms
// (hundreds in a run) that delay single presses by tens of milliseconds,
// and anything tighter would be flaky.
//
// With -pad-to-sound-target (make bench) it also checks the issue's
// target, "≤ 2 blocks + the device's own buffer", and prints the numbers
// either way. The device's own buffer is what audio/portaudio's
// Device.OutputDelay counts: the ring's lead (blocks rendered ahead of the
// callback, inside the interval measured here) and PortAudio's output
// latency (after the callback, outside it). So the check is p99 ≤ 2 + lead
// blocks on the interval measured; the report also gives the interval
// against 2 blocks alone, and estimates pad-to-converter by adding the JACK
// server's playback latency.
func TestPadToSound(t *testing.T) {
	if _, err := exec.LookPath("jackd"); err != nil {
		t.Skip("jackd not installed (scripts/setup.sh --test installs jackd2)")
	}
	if testing.Short() {
		t.Skip("real-time test: -short leaves it out")
	}
	presses := *padPresses
	if raceEnabled && !*padTarget {
		presses = min(presses, 50) // the race detector slows everything; 50 still show the path works
	}
	isolate(t)

	// A click: 5 ms falling from 0.5, the instrument of the one track,
	// played at its own pitch by C3 (48), the bottom-left pad in Note mode.
	dir := t.TempDir()
	click := make([]float32, 240)
	for i := range click {
		click[i] = 0.5 * float32(len(click)-i) / float32(len(click))
	}
	showtest.WriteWAV(t, filepath.Join(dir, "samples/click.wav"), 48000, click)
	set := filepath.Join(dir, "latency.toml")
	showtest.WriteFile(t, set, `name = "Latency"
tempo = 120.0
[[instrument]]
name = "click"
kind = "sampler"
  [[instrument.zone]]
  low = 0
  high = 127
  root = 48
  sample = "samples/click.wav"
[[scene]]
[[track]]
name = "Keys"
instrument = "click"
`)
	job := latencyJob{Set: set, Presses: presses, Lead: *padLead, Seed: uint64(time.Now().UnixNano()), Out: filepath.Join(dir, "result.json")}
	// A JACK server that stops calling back for 9 periods (its dummy
	// driver or gridbox's client starved on a loaded machine) makes play
	// take the device for lost and ask for a new process: that run says
	// nothing about latency, so it is run again on a new server, twice at
	// most.
	var res latencyResult
	var xruns uint64
	var jackFrames int
	for attempt := 1; ; attempt++ {
		var childOut []byte
		res, childOut, xruns, jackFrames = padToSoundRun(t, job, fmt.Sprintf("gbx-lat-%d-%d", os.Getpid(), attempt))
		if res.Err == "" {
			break
		}
		if !strings.Contains(res.Said, "gridbox: audio device lost") || attempt == 3 {
			t.Fatalf("%s\ngridbox play said:\n%s\nthe child's output:\n%s", res.Err, res.Said, childOut)
		}
		t.Logf("run %d: the JACK server stopped calling back (%d xruns on it), gridbox play lost its device:\n%s\nagain, on a new server", attempt, xruns, res.Said)
	}
	if len(res.Presses) != presses {
		t.Fatalf("%d presses measured, want %d", len(res.Presses), presses)
	}

	block := float64(res.Block) / 48 // ms at 48 kHz
	var lat, midi, phase []float64
	offsets := map[int]int{}
	dacs := map[time.Duration]int{}
	for _, p := range res.Presses {
		lat = append(lat, float64(p.Onset.At-p.Sent)/1e6)
		if p.Read != 0 {
			midi = append(midi, float64(p.Read-p.Sent)/1e6)
		}
		phase = append(phase, float64(p.Phase)/1e6/block)
		offsets[p.Onset.Frame]++
		dacs[p.Onset.DAC.Round(10*time.Microsecond)]++
	}
	s := quantiles(lat)
	paLatency := res.Latency - time.Duration(res.Lead*res.Block)*time.Second/48000
	var r strings.Builder
	fmt.Fprintf(&r, "pad-to-sound, %d presses of the bottom-left pad in Note mode: the note-on into gridbox's MIDI driver → the first non-zero frame handed to PortAudio (JACK dummy, %d-frame blocks of %.3f ms at 48 kHz, --lead %d, %s):\n",
		len(lat), res.Block, block, res.Lead, res.Device)
	fmt.Fprintf(&r, "  %-7s %7s %7s %7s %7s %7s\n", "", "min", "median", "p90", "p99", "max")
	fmt.Fprintf(&r, "  %-7s %7.2f %7.2f %7.2f %7.2f %7.2f\n", "ms", s.Min, s.Median, s.P90, s.P99, s.Max)
	fmt.Fprintf(&r, "  %-7s %7.2f %7.2f %7.2f %7.2f %7.2f\n", "blocks", s.Min/block, s.Median/block, s.P90/block, s.P99/block, s.Max/block)
	fmt.Fprintf(&r, "  the onset's frame in its block (frame: presses): %v\n", offsets)
	if len(midi) > 0 {
		m := quantiles(midi)
		fmt.Fprintf(&r, "  of it, note-on to the Launchpad driver's Read: median %.3f ms, p99 %.3f, max %.3f\n", m.Median, m.P99, m.Max)
	}
	ph := quantiles(phase)
	fmt.Fprintf(&r, "  presses fell %.2f to %.2f blocks after the latest callback (median %.2f)\n", ph.Min, ph.Max, ph.Median)
	fmt.Fprintf(&r, "  the device after the callback: JACK's system:playback latency %d frames (%.2f ms), PortAudio's output latency %.2f ms, PortAudio's DAC time for the onset's block (ms: presses) %v\n",
		jackFrames, float64(jackFrames)/48, float64(paLatency)/1e6, dacs)
	if jackFrames > 0 {
		j := float64(jackFrames) / 48
		fmt.Fprintf(&r, "  so pad to converter ≈ %.2f ms median, %.2f p99, %.2f max (adding JACK's %d frames)\n", s.Median+j, s.P99+j, s.Max+j, jackFrames)
	}
	fmt.Fprintf(&r, "  run: %d callbacks, %d ring underruns, %d PortAudio underflows, %d late callbacks, %d xruns on the server, %d waits for silence that heard sound\n",
		res.Counters.Callbacks, res.Counters.RingUnderruns, res.Counters.Underflows, res.Counters.LateCallbacks, xruns, res.Retries)
	target := float64(2+res.Lead) * block
	fmt.Fprintf(&r, "  target, 2 blocks + the device's own buffer (its %d-block lead inside this interval, PortAudio's after it): p99 %.2f ≤ %.2f ms? %v; max %v; against 2 blocks alone: p99 %v, median %v\n",
		res.Lead, s.P99, target, s.P99 <= target, s.Max <= target, s.P99 <= 2*block, s.Median <= 2*block)
	t.Log(r.String())

	if s.Min < 0 {
		t.Errorf("a note sounded %.2f ms before its pad was pressed", -s.Min)
	}
	if s.P90 >= 20*block {
		t.Errorf("pad-to-sound p90 %.2f ms, want under 20 blocks (%.1f ms) even on a busy machine\n%s", s.P90, 20*block, r.String())
	}
	if *padTarget {
		if s.P99 > target {
			t.Errorf("TARGET MISSED: p99 pad-to-sound %.2f ms (%.2f blocks) > 2 blocks + the device's %d-block lead = %.2f ms (the server had %d xruns: on a machine this busy, BENCH_TARGETS=report)\n%s", s.P99, s.P99/block, res.Lead, target, xruns, r.String())
		} else {
			fmt.Printf("TARGET MET: p99 pad-to-sound %.2f ms (%.2f blocks) ≤ 2 blocks + the device's %d-block lead = %.2f ms (max %.2f ms, %.2f blocks)\n", s.P99, s.P99/block, res.Lead, target, s.Max, s.Max/block)
		}
	}
}

// padToSoundRun runs job's child on a new JACK server called name and
// returns its result and output, the xruns the server reported and its
// playback latency in frames; the server is stopped when it returns.
func padToSoundRun(t *testing.T, job latencyJob, name string) (res latencyResult, out []byte, xruns uint64, jackFrames int) {
	t.Helper()
	jackd := startJackd(t, name)
	defer func() {
		stopJackd(jackd)
		// The semaphores of a client a stalled server dropped.
		junk, _ := filepath.Glob("/dev/shm/jack_sem.*_" + name + "*")
		for _, f := range junk {
			os.Remove(f)
		}
	}()
	probe, err := jackprobe.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	spec, _ := json.Marshal(job)
	os.Remove(job.Out)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), latencyChildEnv+"="+string(spec), "JACK_DEFAULT_SERVER="+name, "JACK_NO_START_SERVER=1")
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	b, err := os.ReadFile(job.Out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	return res, out, probe.Xruns(), jackPlaybackLatency(name)
}
