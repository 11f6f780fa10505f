//go:build portaudio

package show

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/config"
	"gridbox/internal/jackprobe"
	"gridbox/internal/testlock"
)

// The JACK calibrate tests run Calibrate in a child process (this test
// binary again, running TestCalibrateChild), which picks its JACK server
// and ALSA configuration from its environment: libasound reads
// ALSA_CONFIG_PATH once per process, and a JACK server that stalls leaves
// PortAudio unusable in the process.
const calibChildEnv = "GRIDBOX_SHOW_CALIB_CHILD"

// calibJob is the child's work: calibrate on JACK server Server with the
// config file Config, through a loopback cable or none, and write a
// calibResult as JSON into Out.
type calibJob struct {
	Server, Config, Out string
	Loopback, DryRun    bool
}

type calibResult struct {
	M              *Calibration
	Err            string
	Stdout, Stderr string
	Xruns          uint64 // server xruns the cable client saw
}

// TestCalibrateChild is the child's body (the JACK calibrate tests run
// it in a process of its own, the job in calibChildEnv); run by itself
// it is not a test and does nothing.
func TestCalibrateChild(t *testing.T) {
	spec := os.Getenv(calibChildEnv)
	if spec == "" {
		return
	}
	var job calibJob
	if err := json.Unmarshal([]byte(spec), &job); err != nil {
		t.Fatal(err)
	}
	// The cable: a JACK client copying PortAudio's first output into its
	// first input in the same cycle, connected once PortAudio's ports
	// exist (Open registers them) and before the stream starts.
	clk, err := jackprobe.OpenClicker(job.Server, jackprobe.ClickerConfig{Name: "gbx-cable", Period: 48000})
	if err != nil {
		t.Fatal(err)
	}
	defer clk.Close()
	var res calibResult
	var stdout, stderr bytes.Buffer
	e := &Env{Stdout: &stdout, Stderr: &stderr}
	e.Opened = func(audio.Device) {
		if job.Loopback {
			if err := errors.Join(clk.Connect("PortAudio:out_0", clk.Input()), clk.Connect(clk.Output(0), "PortAudio:in_0")); err != nil {
				res.Err = fmt.Sprintf("connecting the cable: %v; ", err)
			}
		}
	}
	m, err := Calibrate(e, CalibrateConfig{ConfigFile: job.Config, Device: "system", Channel: 1, DryRun: job.DryRun})
	if err != nil {
		res.Err += err.Error()
	}
	res.M, res.Stdout, res.Stderr, res.Xruns = m, stdout.String(), stderr.String(), clk.Xruns()
	b, _ := json.Marshal(res)
	if err := os.WriteFile(job.Out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// calibrateOnJACK runs job in a child on a new JACK dummy server (48 kHz,
// 128-frame periods, 2 silent capture ports) and returns its result.
func calibrateOnJACK(t *testing.T, job calibJob, name string) calibResult {
	t.Helper()
	testlock.Exclusive(t) // no browser starting beside a real-time server
	start := exec.Command("../scripts/jackd-dummy.sh", name, "48000", "128", "2")
	if os.Geteuid() == 0 {
		start.Env = append(os.Environ(), "JACKD_REALTIME=1") // paces steadily on a loaded machine
	}
	var serr strings.Builder
	start.Stderr = &serr
	out, err := start.Output()
	if err != nil {
		t.Fatalf("scripts/jackd-dummy.sh: %v\n%s", err, serr.String())
	}
	pid, err := strconv.Atoi(strings.Fields(string(out))[0])
	if err != nil {
		t.Fatalf("scripts/jackd-dummy.sh printed %q", out)
	}
	jackd, err := os.FindProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		// SIGTERM lets jackd remove its shared memory; SIGKILL after 3 s.
		if jackd.Signal(syscall.SIGTERM) == nil {
			for i := 0; i < 30 && jackd.Signal(syscall.Signal(0)) == nil; i++ {
				time.Sleep(100 * time.Millisecond)
			}
			jackd.Kill()
		}
	}()
	job.Server, job.Out = name, filepath.Join(t.TempDir(), "result.json")
	spec, _ := json.Marshal(job)
	alsa, err := filepath.Abs("../audio/portaudio/testdata/nocard.conf")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCalibrateChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), calibChildEnv+"="+string(spec), "JACK_DEFAULT_SERVER="+name, "JACK_NO_START_SERVER=1", "ALSA_CONFIG_PATH="+alsa)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, b)
	}
	b, err := os.ReadFile(job.Out)
	if err != nil {
		t.Fatal(err)
	}
	var res calibResult
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func skipWithoutJACK(t *testing.T) {
	if _, err := exec.LookPath("jackd"); err != nil {
		t.Skip("jackd not installed (scripts/setup.sh --test installs jackd2)")
	}
	if testing.Short() {
		t.Skip("real-time test: -short leaves it out")
	}
}

// calibConfig is a config file with comments and other settings, which
// calibrate must keep.
const calibConfig = `# the rig on stage
set = "last"

[audio]
device = "system"   # JACK
block = 128
latency_offset = 12.5 # a guess

[controllers]
ignore = ["launchpad-mk2"]
`

// TestCalibrateJACKLoopback calibrates through PortAudio on jackd's dummy
// backend with a loopback cable (a JACK client copying gridbox's first
// output into its first input): every click must be heard at one delay
// (spread ≤ 1 frame), the offset written must make the reported latencies
// plus it equal that delay within a frame, and the config file must then
// say latency_offset = that offset and keep its other lines. A run whose
// server had xruns (a loaded machine) may fail and is tried again, twice.
func TestCalibrateJACKLoopback(t *testing.T) {
	skipWithoutJACK(t)
	for attempt := 1; ; attempt++ {
		file := filepath.Join(t.TempDir(), "config.toml")
		if err := os.WriteFile(file, []byte(calibConfig), 0o644); err != nil {
			t.Fatal(err)
		}
		res := calibrateOnJACK(t, calibJob{Config: file, Loopback: true}, fmt.Sprintf("gbx-cal-%d-%d", os.Getpid(), attempt))
		t.Logf("run %d (server xruns %d):\n%s%s%s", attempt, res.Xruns, res.Stdout, res.Stderr, res.Err)
		if res.Err != "" && res.Xruns > 0 && attempt < 3 {
			continue
		}
		if res.Err != "" {
			t.Fatal(res.Err)
		}
		m := res.M
		if m.Heard != m.Played || m.Played != calibClicks || m.Spread > 1 {
			t.Errorf("heard %d of %d clicks (%v), spread %d frames; want all %d, spread ≤ 1", m.Heard, m.Played, m.Lags, m.Spread, calibClicks)
		}
		sum := (m.In + m.Out + m.Offset).Seconds() * float64(m.Rate)
		if math.Abs(sum-m.Delay) > 1 {
			t.Errorf("(in %v + out %v + offset %v) × %d = %.2f frames, measured %.2f", m.In, m.Out, m.Offset, m.Rate, sum, m.Delay)
		}
		cfg, err := config.Load(file)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Audio.LatencyOffset != m.Offset || !m.Written || m.Previous != 12500*time.Microsecond {
			t.Errorf("the config says latency_offset %v (written %v, was %v), want %v", cfg.Audio.LatencyOffset, m.Written, m.Previous, m.Offset)
		}
		text, _ := os.ReadFile(file)
		for _, line := range strings.Split(calibConfig, "\n") {
			if !strings.Contains(line, "latency_offset") && !strings.Contains(string(text), line) {
				t.Errorf("the config lost the line %q:\n%s", line, text)
			}
		}
		return
	}
}

// TestCalibrateJACKSilence calibrates with no cable: the input (the dummy
// backend's capture port) is silent, so calibrate must say no click was
// heard and how to connect one, and leave the config file as it was.
func TestCalibrateJACKSilence(t *testing.T) {
	skipWithoutJACK(t)
	file := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(file, []byte(calibConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	res := calibrateOnJACK(t, calibJob{Config: file}, fmt.Sprintf("gbx-cal-%d-0", os.Getpid()))
	t.Logf("%s%s%s", res.Stdout, res.Stderr, res.Err)
	if !strings.Contains(res.Err, "no click heard on input 1") || !strings.Contains(res.Err, "connect the output to input 1 with a cable, turn the input gain up") {
		t.Errorf("error %q, want no click heard, and how to connect the cable", res.Err)
	}
	if text, _ := os.ReadFile(file); string(text) != calibConfig || (res.M != nil && res.M.Written) {
		t.Errorf("the config was written:\n%s", text)
	}
}
