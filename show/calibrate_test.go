package show

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/config"
)

// loopback renders rec, an input at 48 kHz, with the clicks played at at
// coming back delay frames later at gain (delay < 0: not at all), over
// white noise of amplitude noise.
func loopback(at []int, total, delay int, gain, noise float64) []float32 {
	rec := make([]float32, total)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range rec {
		rec[i] = float32(noise * (2*r.Float64() - 1))
	}
	for _, a := range at {
		for j, v := range clickPulse {
			if delay >= 0 {
				rec[a+delay+j] += float32(gain) * v
			}
		}
	}
	return rec
}

// TestCalibrateMeasure: measure finds clicks at their delay exactly,
// however quiet (down to −40 dB) and whichever way up, skips one drowned in
// a noise burst, and refuses too few clicks, clicks at inconsistent delays
// and a delay longer than the gaps between clicks.
func TestCalibrateMeasure(t *testing.T) {
	at, total := clickFrames(48000)
	for _, tc := range []struct {
		name     string
		rec      func() []float32
		delay    float64
		heard    int
		inverted bool
		err      error
	}{
		{"digital", func() []float32 { return loopback(at, total, 256, 1, 0) }, 256, 12, false, nil},
		{"quiet and noisy", func() []float32 { return loopback(at, total, 1234, 0.05, 0.002) }, 1234, 12, false, nil},
		{"inverted", func() []float32 { return loopback(at, total, 77, -0.5, 0.001) }, 77, 12, true, nil},
		{"a noise burst", func() []float32 {
			rec := loopback(at, total, 500, 0.5, 0)
			rec[at[3]+9000] = 0.9 // louder than click 3, elsewhere in its window
			return rec
		}, 500, 11, false, nil},
		{"silence", func() []float32 { return loopback(at, total, -1, 0, 0) }, 0, 0, false, ErrNoClick},
		{"too quiet", func() []float32 { return loopback(at, total, 300, 0.005, 0) }, 0, 0, false, ErrNoClick},
		{"lost in noise", func() []float32 { return loopback(at, total, 300, 0.01, 0.05) }, 0, 0, false, ErrNoClick},
		{"half the clicks", func() []float32 {
			rec := loopback(at, total, 300, 1, 0)
			clear(rec[at[6]:])
			return rec
		}, 0, 0, false, ErrNoClick},
		{"two delays", func() []float32 {
			rec := loopback(at, total, 300, 1, 0)
			copy(rec[at[6]+300:], loopback(at, total, 900, 1, 0)[at[6]+300:])
			clear(rec[at[6] : at[6]+300+len(clickPulse)])
			return rec
		}, 0, 0, false, ErrInconsistent},
		{"longer than a gap", func() []float32 { return loopback(at, total+20000, 13000, 1, 0)[:total] }, 0, 0, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m Calibration
			err := measure(&m, tc.rec(), at, 48000, 2)
			t.Logf("%+v: %v", m, err)
			if tc.name == "longer than a gap" {
				if err == nil {
					t.Errorf("a delay of 13000 frames passed for %.0f", m.Delay)
				}
				return
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			if err != nil {
				if !strings.Contains(err.Error(), "input 2") {
					t.Errorf("the error does not name input 2: %v", err)
				}
				return
			}
			if m.Delay != tc.delay || m.Heard != tc.heard || m.Spread != 0 || m.Inverted != tc.inverted {
				t.Errorf("delay %v, heard %d, spread %d, inverted %v; want %v, %d, 0, %v", m.Delay, m.Heard, m.Spread, m.Inverted, tc.delay, tc.heard, tc.inverted)
			}
		})
	}
}

// fakeLoopback is an audio device with 2 input channels whose second
// hears its first output delay frames later; it renders as fast as it can.
type fakeLoopback struct {
	delay   int
	in, out time.Duration
	sink    audio.InputSink
	stop    chan struct{}
	wg      sync.WaitGroup
}

func (d *fakeLoopback) Format() audio.Format             { return audio.Format{SampleRate: 48000, Channels: 2} }
func (d *fakeLoopback) Stats() audio.DeviceStats         { return audio.DeviceStats{} }
func (d *fakeLoopback) InputChannels() int               { return 2 }
func (d *fakeLoopback) Capture(s audio.InputSink)        { d.sink = s }
func (d *fakeLoopback) Latency() (in, out time.Duration) { return d.in, d.out }
func (d *fakeLoopback) InputStats() audio.InputStats     { return audio.InputStats{} }
func (d *fakeLoopback) String() string                   { return "fake loopback" }
func (d *fakeLoopback) open() func() (audio.Device, error) {
	return func() (audio.Device, error) { return d, nil }
}
func (d *fakeLoopback) opener(audio.Format, int) Opener { return d.open() }
func (d *fakeLoopback) Close() error {
	if d.stop != nil {
		close(d.stop)
		d.wg.Wait()
		d.stop = nil
	}
	return nil
}

func (d *fakeLoopback) Start(r audio.Renderer) error {
	d.stop = make(chan struct{})
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		var played []float32 // the first output channel, from frame 0
		out, in := make([]float32, 128*2), make([]float32, 128*2)
		for k := 0; ; k += 128 {
			select {
			case <-d.stop:
				return
			default:
			}
			for i := range 128 {
				in[2*i], in[2*i+1] = 0, 0
				if j := k + i - d.delay; j >= 0 && j < len(played) {
					in[2*i+1] = played[j]
				}
			}
			d.sink.WriteInput(in)
			r.Render(out)
			for i := range 128 {
				played = append(played, out[2*i])
			}
		}
	}()
	return nil
}

// TestCalibrateWritesTheOffset runs Calibrate on a fake loopback (input 2
// hears output 1 300 frames later; the device reports 1 + 2 ms): the offset
// is 300 frames less 3 ms, written into the config with its other lines
// kept; --dry-run writes nothing, and input 1, which hears nothing, is the
// plain error.
func TestCalibrateWritesTheOffset(t *testing.T) {
	file := filepath.Join(t.TempDir(), "rig", "config.toml")
	dev := &fakeLoopback{delay: 300, in: time.Millisecond, out: 2 * time.Millisecond}
	e := &Env{Stdout: &strings.Builder{}, Stderr: &strings.Builder{}, Hooks: Hooks{OpenAudio: dev.opener}}
	want := 300*time.Second/48000 - 3*time.Millisecond // 3.25 ms

	m, err := Calibrate(e, CalibrateConfig{ConfigFile: file, Channel: 2, DryRun: true})
	if err != nil || m.Offset != want || m.Written {
		t.Fatalf("dry run: %+v, %v; want offset %v, not written", m, err, want)
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("--dry-run wrote %s: %v", file, err)
	}

	const before = "# mine\n[audio]\nrate = 48000 # as the card\n\n[samples]\npreload = 2\n"
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(before), 0o600); err != nil {
		t.Fatal(err)
	}
	if m, err = Calibrate(e, CalibrateConfig{ConfigFile: file, Channel: 2}); err != nil || !m.Written {
		t.Fatalf("%+v, %v", m, err)
	}
	t.Log(e.Stdout)
	cfg, err := config.Load(file)
	if err != nil || cfg.Audio.LatencyOffset != want || cfg.Samples.Preload != 2*time.Second {
		t.Fatalf("config %+v, %v; want latency_offset %v and preload 2", cfg, err, want)
	}
	text, _ := os.ReadFile(file)
	if !strings.HasPrefix(string(text), "# mine\n[audio]\n") || !strings.Contains(string(text), "\nlatency_offset = 3.25\n") || !strings.Contains(string(text), "rate = 48000 # as the card\n\n[samples]\npreload = 2\n") {
		t.Errorf("config:\n%s", text)
	}

	_, err = Calibrate(e, CalibrateConfig{ConfigFile: file, Channel: 1})
	if !errors.Is(err, ErrNoClick) || !strings.Contains(err.Error(), "connect the output to input 1 with a cable") {
		t.Errorf("silent input 1: %v", err)
	}
	if now, _ := os.ReadFile(file); string(now) != string(text) {
		t.Errorf("a failed calibration wrote the config:\n%s", now)
	}
	if _, err := Calibrate(e, CalibrateConfig{ConfigFile: file, Channel: 3}); err == nil || !strings.Contains(err.Error(), "no input 3") {
		t.Errorf("input 3 of 2: %v", err)
	}
}

// An input of "none" (the config's or the flag's) has nothing to listen on.
func TestCalibrateInputNone(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(file, []byte("[audio]\ninput = \"none\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := &Env{Stdout: &strings.Builder{}, Stderr: &strings.Builder{}}
	for _, c := range []CalibrateConfig{{ConfigFile: file}, {ConfigFile: filepath.Join(t.TempDir(), "new.toml"), Input: "none"}} {
		if _, err := Calibrate(e, c); err == nil || !strings.Contains(err.Error(), `no input to listen on: the input is "none"`) {
			t.Errorf("%+v: %v", c, err)
		}
	}
}
