package show

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"gridbox/audio"
	"gridbox/config"
)

// CalibrateAbout is what "gridbox calibrate --help" says it does.
const CalibrateAbout = `Calibrate measures this rig's audio latency_offset. It plays 12 clicks on the output and
listens for them on an input that a cable connects to that output (a loopback), then writes the
delay it measured less the latencies the device reports into the config's [audio]
latency_offset: recordings are aligned by those latencies plus the offset. It uses the config's
devices, rate and block size, as play does, and takes about 5 seconds: turn the speakers down.
The system service reads /etc/gridbox/config.toml: calibrate it with
"sudo gridbox calibrate --config /etc/gridbox/config.toml". --dry-run measures and prints only.`

// MaxInputChannel is the highest input channel calibrate listens on.
const MaxInputChannel = config.MaxInputChannels

// CalibrateConfig is what "gridbox calibrate" was asked to do.
type CalibrateConfig struct {
	ConfigFile string // "": the user's (config.Path(false)), as play
	Device     string // PortAudio output; "": the config's
	Input      string // PortAudio input; "": the config's (whose "" is the output device's)
	Channel    int    // the input channel the loopback cable is on, from 1
	DryRun     bool   // measure and print; write nothing
}

// A Calibration is what calibrate measured.
type Calibration struct {
	Rate     int
	Played   int     // clicks played
	Lags     []int   // each click's delay in frames, input frame − output frame; -1: not heard
	Heard    int     // clicks heard at the common delay
	Delay    float64 // frames: the mean delay of the clicks heard at the common delay
	Spread   int     // frames between the earliest and the latest of those
	Level    float64 // the clicks' level on the input (1: as played)
	Noise    float64 // the input's noise before the clicks, on the same scale
	Inverted bool    // the input hears the clicks upside down
	In, Out  time.Duration
	Offset   time.Duration // Delay/Rate − (In + Out), to the microsecond
	File     string        // the config file
	Previous time.Duration // its latency_offset before
	Written  bool
}

// The click track. Clicks are a few frames long, so a loopback shows them
// at one frame; they are spaced unevenly (clickGap plus a varying part), so
// a delay longer than a gap cannot pass for a shorter one: it would match
// each click with a different earlier one, at inconsistent delays.
const (
	calibClicks  = 12
	calibPreroll = 500 * time.Millisecond // silence first: the input's noise floor
	clickGap     = 250 * time.Millisecond // the shortest gap between clicks
	maxLoopback  = 240 * time.Millisecond // the longest delay looked for
	pulseLevel   = 0.5
	// minLevel is the quietest click counted as heard (−40 dB), however
	// quiet the input is; a click must also be 4 times the loudest noise.
	minLevel, overNoise = 0.01, 4
	// A click is at the common delay within 0.5 ms, and 3 in 4 must be.
	agreeWithin = 500 * time.Microsecond
)

// clickPulse is one click: a short raised-cosine pulse, wide band and
// symmetric, so its correlation peaks exactly at its delay.
var clickPulse = []float32{0.25 * pulseLevel, 0.75 * pulseLevel, pulseLevel, 0.75 * pulseLevel, 0.25 * pulseLevel}

// clickFrames returns the output frames where the clicks start at rate,
// and the frames the calibration records.
func clickFrames(rate int) (at []int, total int) {
	f := audio.Format{SampleRate: rate}
	p := int(f.Frames(calibPreroll))
	for i := range calibClicks {
		at = append(at, p)
		p += int(f.Frames(clickGap + time.Duration((i*37)%60)*time.Millisecond))
	}
	return at, at[len(at)-1] + int(f.Frames(maxLoopback+100*time.Millisecond))
}

// A calibTrack plays the clicks and keeps one input channel. Render and
// WriteInput run on the device's render goroutine and do not allocate; the
// control side reads got at any time, and rec once got has reached
// len(rec) (nothing is written to rec after that).
type calibTrack struct {
	at       []int // click starts, ascending
	channels int   // output channels
	out      int   // frames rendered
	next     int   // the first click not wholly rendered

	rec  []float32 // the input channel, frame k at rec[k]
	inCh int       // input channels per frame
	ch   int       // the channel kept, from 0
	got  atomic.Int64
}

func (t *calibTrack) Render(out []float32) {
	clear(out)
	n := len(out) / t.channels
	start, end := t.out, t.out+n
	for t.next < len(t.at) && t.at[t.next]+len(clickPulse) <= start {
		t.next++
	}
	for _, at := range t.at[t.next:] {
		if at >= end {
			break
		}
		for j, v := range clickPulse {
			if f := at + j - start; f >= 0 && f < n {
				for c := range t.channels {
					out[f*t.channels+c] = v
				}
			}
		}
	}
	t.out = end
}

func (t *calibTrack) WriteInput(frames []float32) int {
	n := len(frames) / t.inCh
	k := int(t.got.Load())
	for i := 0; i < n && k+i < len(t.rec); i++ {
		t.rec[k+i] = frames[i*t.inCh+t.ch]
	}
	t.got.Add(int64(n))
	return n
}

// correlate returns the lag in [0, lags) at which the pulse best matches
// rec from frame from on, and the match's gain there (1: the pulse as
// played; negative: inverted).
func correlate(rec []float32, from, lags int) (lag int, gain float64) {
	var energy float64
	for _, v := range clickPulse {
		energy += float64(v) * float64(v)
	}
	for l := range lags {
		i := from + l
		if i < 0 || i+len(clickPulse) > len(rec) {
			continue
		}
		var s float64
		for j, v := range clickPulse {
			s += float64(v) * float64(rec[i+j])
		}
		if g := s / energy; math.Abs(g) > math.Abs(gain) {
			lag, gain = l, g
		}
	}
	return lag, gain
}

// Errors calibrate returns; the text says what to do.
var (
	ErrNoClick      = errors.New("no click heard")
	ErrInconsistent = errors.New("clicks heard at inconsistent delays")
)

// measure finds the clicks played at at in rec, the input at rate, and
// fills in m's Lags, Heard, Delay, Spread, Level, Noise and Inverted; the
// error says why the loopback cannot be trusted. channel names the input
// in messages.
func measure(m *Calibration, rec []float32, at []int, rate, channel int) error {
	f := audio.Format{SampleRate: rate}
	_, m.Noise = correlate(rec, at[0]/4, at[0]-at[0]/4-len(clickPulse))
	m.Noise = math.Abs(m.Noise)
	threshold := max(minLevel, overNoise*m.Noise)
	lags := int(f.Frames(maxLoopback))
	m.Played, m.Lags = len(at), make([]int, len(at))
	var heard []int
	var gains []float64
	for i, a := range at {
		lag, g := correlate(rec, a, lags)
		if math.Abs(g) < threshold {
			m.Lags[i] = -1
			continue
		}
		m.Lags[i] = lag
		heard = append(heard, lag)
		gains = append(gains, g)
	}
	need := (3*len(at) + 3) / 4
	cable := fmt.Sprintf("connect the output to input %d with a cable, turn the input gain up, and mute any microphone", channel)
	if len(heard) == 0 {
		return fmt.Errorf("%w on input %d (%d clicks played, none as loud as %s): %s", ErrNoClick, channel, len(at), dB(threshold), cable)
	}
	sorted := slices.Sorted(slices.Values(heard))
	median := sorted[len(sorted)/2]
	within := max(1, int(f.Frames(agreeWithin)))
	var sum float64
	lo, hi, inverted := math.MaxInt, math.MinInt, 0
	var levels []float64
	for i, lag := range heard {
		if lag < median-within || lag > median+within {
			continue
		}
		m.Heard++
		sum += float64(lag)
		lo, hi = min(lo, lag), max(hi, lag)
		levels = append(levels, math.Abs(gains[i]))
		if gains[i] < 0 {
			inverted++
		}
	}
	m.Delay, m.Spread = sum/float64(m.Heard), hi-lo
	slices.Sort(levels)
	m.Level, m.Inverted = levels[len(levels)/2], 2*inverted > m.Heard
	switch {
	case len(heard) < need:
		return fmt.Errorf("%w well enough on input %d: heard %d of %d clicks (delays %s): %s", ErrNoClick, channel, len(heard), len(at), lagList(m.Lags, rate), cable)
	case m.Heard < need:
		return fmt.Errorf("%w on input %d (%s): the loopback is unreliable; check that only the cable from the output reaches input %d, and that nothing else plays (a delay over 240 ms is not measured)", ErrInconsistent, channel, lagList(m.Lags, rate), channel)
	}
	return nil
}

// lagList lists delays in ms, "-" for a click not heard.
func lagList(lags []int, rate int) string {
	s := make([]string, len(lags))
	for i, l := range lags {
		s[i] = "-"
		if l >= 0 {
			s[i] = fmt.Sprintf("%.2f", float64(l)*1000/float64(rate))
		}
	}
	return strings.Join(s, " ") + " ms"
}

// dB formats a gain in decibels.
func dB(g float64) string {
	if g <= 0 {
		return "silence"
	}
	return fmt.Sprintf("%.1f dB", 20*math.Log10(g))
}

// A calibrationDevice is an audio output with an input.
type calibrationDevice interface {
	audio.Device
	audio.Capturer
}

// Calibrate measures the delay from the output to the input channel
// c.Channel through a loopback cable, prints it on e.Stdout with the
// latencies the device reports and the latency_offset that makes them add
// up, and writes that offset into the config file (unless c.DryRun). It
// runs on the control side; the device renders the clicks on its own
// goroutine. The device is PortAudio's (e.OpenAudio replaces it in tests;
// e.Opened is told of it before it starts).
func Calibrate(e *Env, c CalibrateConfig) (*Calibration, error) {
	file := c.ConfigFile
	if file == "" {
		if file = config.Path(false); file == "" {
			return nil, errors.New("no config file to write: there is no home folder; give --config FILE")
		}
	}
	cfg, err := config.Load(file)
	if errors.Is(err, fs.ErrNotExist) && c.ConfigFile != "" {
		cfg, err = config.Default(), nil // written anew below
	}
	if err != nil {
		return nil, err
	}
	device, input := cfg.Audio.Device, cfg.Audio.Input
	if c.Device != "" {
		device = c.Device
	}
	if c.Input != "" {
		input = c.Input
	}
	if strings.EqualFold(strings.TrimSpace(input), config.InputNone) {
		return nil, fmt.Errorf("no input to listen on: the input is %q (--input-device, or the config's [audio] input); give --input-device NAME (gridbox devices lists the inputs)", input)
	}
	if c.Channel < 1 {
		c.Channel = 1
	}
	f := audio.Format{SampleRate: cfg.Audio.Rate, Channels: 2}
	var dev calibrationDevice
	var about string
	if e.OpenAudio != nil {
		d, err := e.OpenAudio(f, cfg.Audio.Block)()
		if err != nil {
			return nil, err
		}
		var ok bool
		if dev, ok = d.(calibrationDevice); !ok {
			d.Close()
			return nil, fmt.Errorf("the audio device %v has no input", d)
		}
		about = fmt.Sprint(d)
	} else if dev, about, err = openCalibration(device, input, c.Channel, f, cfg.Audio.Block, cfg.Audio.Lead); err != nil {
		return nil, err
	}
	if dev.InputChannels() < c.Channel {
		dev.Close()
		if dev.InputChannels() == 0 {
			return nil, fmt.Errorf("no input to listen on: %s has no input; give --input-device NAME (gridbox devices lists the inputs)", about)
		}
		return nil, fmt.Errorf("no input %d: %s has %d input channels", c.Channel, about, dev.InputChannels())
	}
	if e.Opened != nil {
		e.Opened(dev)
	}
	at, total := clickFrames(f.SampleRate)
	track := &calibTrack{at: at, channels: f.Channels, rec: make([]float32, total), inCh: dev.InputChannels(), ch: c.Channel - 1}
	fmt.Fprintf(e.Stdout, "calibrate: %s, input channel %d, %d Hz, %d-frame blocks: %d clicks\n", about, c.Channel, f.SampleRate, cfg.Audio.Block, len(at))
	dev.Capture(track)
	if err := dev.Start(track); err != nil {
		dev.Close()
		return nil, err
	}
	wait := f.Duration(int64(total)) + 10*time.Second
	limit := time.Now().Add(wait)
	for track.got.Load() < int64(total) && time.Now().Before(limit) {
		time.Sleep(20 * time.Millisecond)
	}
	stats, in := dev.Stats(), dev.InputStats()
	m := &Calibration{Rate: f.SampleRate, File: file, Previous: cfg.Audio.LatencyOffset}
	m.In, m.Out = dev.Latency()
	got := track.got.Load()
	if err := dev.Close(); err != nil {
		return nil, err
	}
	if got < int64(total) {
		return nil, fmt.Errorf("the input gave %d of the %d frames wanted in %v: the device stalled", got, total, wait)
	}
	if err := measure(m, track.rec, at, f.SampleRate, c.Channel); err != nil {
		// Glitches keep input and output in step, but may cost clicks
		// (and a JACK xrun, a cycle): clicks that all agree are
		// measured right whatever happened, so only a failure says so.
		if stats.Underruns > 0 || in.Dropped > 0 || in.Overruns > 0 {
			err = fmt.Errorf("%w; the audio glitched while it measured (%d output underruns, %d input frames dropped, %d input overruns): close other audio programs and run it again", err, stats.Underruns, in.Dropped, in.Overruns)
		}
		return m, err
	}
	reported := m.In + m.Out
	delay := time.Duration(m.Delay / float64(f.SampleRate) * float64(time.Second))
	m.Offset = (delay - reported).Round(time.Microsecond)
	polarity := ""
	if m.Inverted {
		polarity = ", inverted"
	}
	fmt.Fprintf(e.Stdout, "calibrate: %d of %d clicks heard %.1f frames (%s) after they were played, spread %d frames (%s); their level %s%s, the noise before them %s (0 dB: as played)\n",
		m.Heard, m.Played, m.Delay, ms(delay), m.Spread, ms(f.Duration(int64(m.Spread))), dB(m.Level), polarity, dB(m.Noise))
	fmt.Fprintf(e.Stdout, "calibrate: the device reports input latency %s + output latency %s = %s\n", ms(m.In), ms(m.Out), ms(reported))
	fmt.Fprintf(e.Stdout, "calibrate: latency_offset = %s (was %s)\n", ms(m.Offset), ms(m.Previous))
	if c.DryRun {
		fmt.Fprintf(e.Stdout, "calibrate: --dry-run: %s not written\n", file)
		return m, nil
	}
	if err := config.SetLatencyOffset(file, m.Offset); err != nil {
		return m, err
	}
	m.Written = true
	fmt.Fprintf(e.Stdout, "calibrate: wrote latency_offset = %s to %s\n", ms(m.Offset), file)
	return m, nil
}

// ms formats d in milliseconds, to the microsecond.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond))
}
