package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"gridbox/audio"
	"gridbox/audio/offline"
	"gridbox/audio/wav"
	"gridbox/engine"
	"gridbox/grid"
	"gridbox/surface"

	"gridbox/sets/atomicfile"
)

const (
	renderBlock        = 128
	defaultNoScript    = 30 * time.Second // render length without --events or --seconds
	renderSilenceCap   = 10 * time.Minute // a script whose loops never stop
	defaultRate        = 48000
	defaultLiveBlock   = 128
	progressPeriod     = 100 * time.Millisecond
	renderAboutText    = "Render runs the same engine as play on a virtual clock, faster than real time, and writes a WAV file.\nWithout --events it launches scene 0 at time 0 and renders 30 s (or --seconds).\nWith --events it ends at the script's \"end\", else after --seconds, else when nothing plays any more."
	renderFormatUsage  = "sample format of the WAV: f32 (32-bit float), s24 or s16 (PCM)"
	controllerLogUsage = "write every controller message to `LOG.txt`, one per line: <frame> <model> <in|out> <hex bytes>"
)

func cmdRender(e *env, args []string) error {
	fs := newFlags(e, "render", "SET.toml -o OUT.wav [flags]", renderAboutText)
	events := fs.String("events", "", "performance script `PERF.txt` to play")
	out := fs.String("o", "", "output `WAV` file (written atomically)")
	rate := fs.Int("rate", defaultRate, "sample `rate` in Hz")
	seconds := fs.Float64("seconds", 0, "render `N` seconds (0: until the script's end or silence)")
	format := fs.String("format", "f32", renderFormatUsage)
	cpuprofile := fs.String("cpuprofile", "", "write a Go CPU profile of the whole render to `FILE` (for performance work)")
	ctrlLogFile := fs.String("controller-log", "", controllerLogUsage)
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *out == "" {
		fmt.Fprintln(e.stderr, "gridbox render: -o OUT.wav is required")
		fs.Usage()
		return errUsage
	}
	sf, err := wav.ParseSampleFormat(*format)
	if err != nil {
		return err
	}
	if *rate < 8000 || *rate > 384000 {
		return fmt.Errorf("--rate %d is out of range 8000..384000", *rate)
	}
	if *seconds < 0 {
		return fmt.Errorf("--seconds %v is negative", *seconds)
	}
	_, p, err := prepare(e, pos[0], *events, *rate)
	if err != nil {
		return err
	}
	limit := engine.Never
	if *seconds > 0 {
		limit = engine.Frame(*seconds * float64(*rate))
	}
	if !p.scripted {
		p.session.LaunchScene(0, 0)
		if limit == engine.Never {
			limit = engine.Frame(defaultNoScript.Seconds() * float64(*rate))
		}
	}
	clog, err := openCtrlLog(*ctrlLogFile, func() engine.Frame { return p.logAt }, false)
	if err != nil {
		return err
	}
	if err := p.plugScripted(clog); err != nil {
		clog.Close()
		return err
	}
	f := audio.Format{SampleRate: *rate, Channels: 2}
	var st renderStats
	err = atomicfile.Write(*out, atomicfile.Options{}, func(file *os.File) (err error) {
		st, err = render(e, p, f, sf, limit, file)
		return err
	})
	p.logAt = engine.Frame(st.frames)
	if cerr := p.unplugScripted(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if st.capped {
		fmt.Fprintf(e.stderr, "gridbox render: clips were still playing after %v; stopped there (add \"end\" to the script or use --seconds)\n", renderSilenceCap)
	}
	es := p.player.Stats()
	fmt.Fprintf(e.stderr, "rendered %s: %.2f s (%d frames) at %d Hz %s in %.2f s (%.0fx real time); peak voices %d, steals %d, late %d\n",
		*out, float64(st.frames)/float64(*rate), st.frames, *rate, sf, st.wall.Seconds(),
		float64(st.frames)/float64(*rate)/max(st.wall.Seconds(), 1e-9), es.PeakVoices, es.Steals, es.Late)
	return nil
}

type renderStats struct {
	frames int64
	wall   time.Duration
	capped bool
}

// render pulls blocks from an offline device running the performer's engine
// and writes them to w, until the script's end, the limit, or silence.
func render(e *env, p *performer, f audio.Format, sf wav.SampleFormat, limit engine.Frame, w io.WriteSeeker) (renderStats, error) {
	start := time.Now()
	ww, err := wav.NewWriter(w, f, sf)
	if err != nil {
		return renderStats{}, err
	}
	dev := offline.New(f, renderBlock)
	if err := dev.Start(p.player); err != nil {
		return renderStats{}, err
	}
	defer dev.Close()
	capFrames := engine.Frame(renderSilenceCap.Seconds() * float64(f.SampleRate))
	bar := newProgress(e, f.SampleRate)
	var pos engine.Frame
	var st renderStats
	paints := int64(0) // LED frames painted
	for {
		end := pos + renderBlock
		// The session, the script and the lights run a stop's fade ahead
		// of the audio, as play's session goroutine does, so that stops
		// reach the engine before their fades begin. Lights are painted
		// every LED frame, exactly on its frame, as the LED goroutine would
		// in real time, and none after the render's end.
		ahead := end + p.player.StopLead()
		for {
			at := engine.Frame(paints * int64(f.SampleRate) / surface.FrameRate)
			if at >= min(ahead, p.end, limit) {
				break
			}
			p.advance(at)
			p.paint(at)
			paints++
		}
		p.advance(ahead)
		buf := dev.Pull(renderBlock)
		stop := min(p.end, limit)
		n := engine.Frame(renderBlock)
		done := false
		if stop <= end {
			n, done = max(stop-pos, 0), true
		}
		if err := ww.Write(buf[:2*n]); err != nil {
			return st, err
		}
		pos += n
		if !done && limit == engine.Never && p.end == engine.Never {
			switch {
			case p.silent():
				done = true
			case pos >= capFrames:
				done, st.capped = true, true
			}
		}
		bar.update(pos, stop)
		if done {
			break
		}
	}
	bar.finish()
	if err := ww.Close(); err != nil {
		return st, err
	}
	st.frames, st.wall = int64(pos), time.Since(start)
	return st, nil
}

// paint sets every controller's lights as of frame at, keeps Followers in
// tempo and flushes: the render's LED frame.
func (p *performer) paint(at engine.Frame) {
	p.logAt = at
	beat := float64(p.session.Clock().Beat(at))
	p.surface.Paint(at, func(c grid.Controller, bs []grid.Button, ls []grid.Light) {
		if err := surface.Show(c, bs, ls, beat, true, true); err != nil && p.ctrlErr == nil {
			p.ctrlErr = fmt.Errorf("%s: %w", c.Info().Model, err)
		}
	})
}

// progress draws a one-line progress bar on a terminal.
type progress struct {
	e    *env
	rate int
	last time.Time
	on   bool
}

func newProgress(e *env, rate int) *progress { return &progress{e: e, rate: rate, on: e.stderrTTY} }

func (b *progress) update(pos, total engine.Frame) {
	if !b.on || time.Since(b.last) < progressPeriod {
		return
	}
	b.last = time.Now()
	secs := float64(pos) / float64(b.rate)
	if total == engine.Never || total <= 0 {
		fmt.Fprintf(b.e.stderr, "\r\x1b[Krendering %7.1f s", secs)
		return
	}
	const width = 30
	frac := min(1, float64(pos)/float64(total))
	n := int(frac * width)
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = '-'
		if i < n {
			bar[i] = '#'
		}
	}
	fmt.Fprintf(b.e.stderr, "\r\x1b[Krendering [%s] %3.0f%% %6.1f/%.1f s", bar, 100*frac, secs, float64(total)/float64(b.rate))
}

func (b *progress) finish() {
	if b.on && !b.last.IsZero() {
		fmt.Fprint(b.e.stderr, "\r\x1b[K")
	}
}
