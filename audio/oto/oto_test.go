package oto

// oto allows one context per process and remembers a failed start, so each
// scenario runs in a child process (this test binary with GRIDBOX_OTO_HELPER
// set).

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gridbox/audio"
)

const helperEnv = "GRIDBOX_OTO_HELPER"

type helperResult struct {
	Err      string
	NoDevice bool
	Stats    audio.DeviceStats
	Warnings []string
	Played   time.Duration
}

func TestMain(m *testing.M) {
	if secs := os.Getenv(helperEnv); secs != "" {
		d, _ := strconv.ParseFloat(secs, 64)
		b, _ := json.Marshal(play(time.Duration(d * float64(time.Second))))
		fmt.Printf("RESULT %s\n", b)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// play opens oto and plays a 440 Hz sine at 0.25 for d.
func play(d time.Duration) helperResult {
	f := audio.Format{SampleRate: 48000, Channels: 2}
	dev, err := Open(f, 128)
	if err != nil {
		return helperResult{Err: err.Error(), NoDevice: errors.Is(err, audio.ErrNoDevice)}
	}
	n := 0
	err = dev.Start(audio.RendererFunc(func(out []float32) {
		for i := 0; i < len(out); i += 2 {
			v := float32(0.25 * math.Sin(2*math.Pi*440*float64(n)/48000))
			out[i], out[i+1] = v, v
			n++
		}
	}))
	if err != nil {
		return helperResult{Err: err.Error()}
	}
	start := time.Now()
	time.Sleep(d)
	res := helperResult{Played: time.Since(start)}
	if err := dev.Close(); err != nil {
		res.Err = err.Error()
	}
	res.Stats, res.Warnings = dev.Stats(), dev.Warnings()
	return res
}

func runHelper(t *testing.T, secs float64, env ...string) (helperResult, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%g", helperEnv, secs))
	cmd.Env = append(cmd.Env, env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, stderr.String())
	}
	var res helperResult
	for _, line := range strings.Split(string(out), "\n") {
		if js, ok := strings.CutPrefix(line, "RESULT "); ok {
			if err := json.Unmarshal([]byte(js), &res); err != nil {
				t.Fatal(err)
			}
			return res, stderr.String()
		}
	}
	t.Fatalf("helper printed no result:\n%s\n%s", out, stderr.String())
	return res, ""
}

// TestNoDevice: no PulseAudio server and no ALSA card.
func TestNoDevice(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "nocard.conf")
	os.WriteFile(conf, []byte("pcm.!default {\n    type hw\n    card 99\n}\n"), 0o644)
	res, stderr := runHelper(t, 0,
		"PULSE_SERVER=unix:"+filepath.Join(dir, "no-such-socket"),
		"ALSA_CONFIG_PATH="+conf)
	if res.Err != noDeviceText || !res.NoDevice {
		t.Errorf("Open error %q (ErrNoDevice %v), want %q wrapping ErrNoDevice", res.Err, res.NoDevice, noDeviceText)
	}
	if stderr != "" {
		t.Errorf("stderr not empty: %q", stderr)
	}
	t.Logf("error: %s; stderr: %q", res.Err, stderr)
}

// TestPulseNullSink plays 440 Hz for about 2 s through a PulseAudio null
// sink, records the sink's monitor with parec and checks the pitch and the
// length. The length is judged against what the same run measured, not
// against 2 s (a busy machine wakes the player late, and it then plays
// longer): the capture holds the frames the device reported played, to
// within the 0.15 s that oto and PulseAudio buffer, and those frames took
// the time the player measured, to within the same, since the null sink
// plays in real time. A machine that stops the player for longer than
// that (a full `make test` beside another build has stalled it 0.4 s) leaves
// a gap the device reports as its longest wake-up interval: the tolerance
// grows by that measured stall and by nothing else.
func TestPulseNullSink(t *testing.T) {
	for _, cmd := range []string{"pulseaudio", "parec"} {
		if _, err := exec.LookPath(cmd); err != nil {
			t.Skipf("%s not installed (apt-get install --no-install-recommends pulseaudio pulseaudio-utils)", cmd)
		}
	}
	if testing.Short() {
		t.Skip("real-time test: -short leaves it out")
	}
	var serr strings.Builder
	start := exec.Command("../../scripts/pulse-null.sh", "48000")
	start.Stderr = &serr
	out, err := start.Output()
	if err != nil {
		t.Fatalf("scripts/pulse-null.sh: %v\n%s", err, serr.String())
	}
	fields := strings.Fields(string(out))
	pid, err := strconv.Atoi(fields[0])
	if err != nil || len(fields) < 2 {
		t.Fatalf("scripts/pulse-null.sh printed %q", out)
	}
	socket := fields[1]
	pulse, err := os.FindProcess(pid) // a handle on this process, whatever gets its pid later
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pulse.Signal(syscall.SIGTERM) })

	raw := filepath.Join(t.TempDir(), "capture.raw")
	f, err := os.Create(raw)
	if err != nil {
		t.Fatal(err)
	}
	rec := exec.Command("parec", "-d", "nullsink.monitor", "--format=float32le", "--rate=48000", "--channels=2", "--raw", "--latency-msec=20")
	rec.Env = append(os.Environ(), "PULSE_SERVER=unix:"+socket)
	rec.Stdout = f
	if err := rec.Start(); err != nil {
		t.Fatal(err)
	}
	// The monitor streams silence once parec is connected: play only after
	// the capture has begun, and stop recording only once it holds 0.3 s
	// from after the player ended, whenever a busy machine lets parec run.
	const second = 48000 * 8 // bytes of stereo float32
	waitCapture(t, raw, second/10)
	res, _ := runHelper(t, 2, "PULSE_SERVER=unix:"+socket)
	waitCapture(t, raw, size(t, raw)+3*second/10)
	rec.Process.Signal(syscall.SIGINT)
	rec.Wait()
	f.Close()
	if res.Err != "" {
		t.Fatalf("helper: %s", res.Err)
	}

	b, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	left := make([]float64, len(b)/8)
	for i := range left {
		left[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[8*i:])))
	}
	first, last := -1, -1
	for i, v := range left {
		if math.Abs(v) > 1e-4 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		t.Fatalf("capture of %d frames is silent", len(left))
	}
	sound := left[first : last+1]
	secs := float64(len(sound)) / 48000
	hz := peakHz(sound, 48000)
	s := res.Stats
	t.Logf("captured %d frames; sound %d frames (%.3f s) from frame %d, peak at %.1f Hz; played %v; stats %+v; warnings %q",
		len(left), len(sound), secs, first, hz, res.Played, s, res.Warnings)
	if math.Abs(hz-440) > 2 {
		t.Errorf("pitch %.1f Hz, want 440", hz)
	}
	played := float64(s.Played) / 48000
	tol := 0.15 + s.MaxInterval.Seconds()
	if math.Abs(secs-played) > tol {
		t.Errorf("sound lasts %.3f s, want the %.3f s the device reported played ± %.3f", secs, played, tol)
	}
	if math.Abs(played-res.Played.Seconds()) > tol {
		t.Errorf("the device played %.3f s of frames in the %v the player measured, want the same ± %.3f s", played, res.Played, tol)
	}
	if blocks := res.Played.Seconds() * 48000 / 128; float64(s.Blocks) < 0.9*blocks || s.MaxLoad <= 0 {
		t.Errorf("stats %+v: want ≈ %.0f blocks rendered in %v and a load measured", s, blocks, res.Played)
	}
}

// waitCapture waits until the file at path holds at least n bytes.
func waitCapture(t *testing.T, path string, n int64) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); size(t, path) < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("parec wrote %d bytes of %d in 30 s: is it recording?", size(t, path), n)
		}
	}
}

func size(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// peakHz returns the strongest frequency in x by a DFT over the middle second,
// refined to 0.1 Hz around the coarse peak.
func peakHz(x []float64, rate int) float64 {
	if len(x) > rate {
		mid := len(x)/2 - rate/2
		x = x[mid : mid+rate]
	}
	power := func(hz float64) float64 {
		var s complex128
		for i, v := range x {
			s += complex(v, 0) * cmplx.Exp(complex(0, -2*math.Pi*hz*float64(i)/float64(rate)))
		}
		return cmplx.Abs(s)
	}
	best, bestP := 0.0, -1.0
	for hz := 50.0; hz <= 2000; hz += 5 {
		if p := power(hz); p > bestP {
			best, bestP = hz, p
		}
	}
	for hz := best - 5; hz <= best+5; hz += 0.1 {
		if p := power(hz); p > bestP {
			best, bestP = hz, p
		}
	}
	return best
}
