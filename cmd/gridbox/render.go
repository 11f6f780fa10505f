package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"syscall"
	"time"

	"gridbox/audio"
	"gridbox/audio/offline"
	"gridbox/audio/wav"
	"gridbox/config"
	"gridbox/engine"
	"gridbox/grid"
	"gridbox/internal/spell"
	"gridbox/perfscript"
	"gridbox/surface"
)

const (
	// renderRing is a stream's ring in a render: the streamer fills it
	// before every block and never waits for a disk, so a small one does.
	renderRing       = 8192
	renderBlock      = 128
	defaultNoScript  = 30 * time.Second // render length without --events or --seconds
	renderSilenceCap = 10 * time.Minute // a script whose loops never stop
	defaultRate      = 48000
	defaultLiveBlock = 128
	progressPeriod   = 100 * time.Millisecond
	renderAboutText  = "Render runs the same engine as play on a virtual clock, faster than real time, and writes a WAV file.\n" +
		"Without --events it launches scene 0 at time 0 and renders 30 s (or --seconds).\n" +
		"With --events it ends at the script's \"end\", else after --seconds, else when nothing plays any more.\n" +
		"A file is replaced only once the render is complete; a FIFO, a character device or standard output\n" +
		"(-o -) gets the WAV as it is rendered, its sizes left unknown (0xFFFFFFFF) where it cannot seek back.\n" +
		"A set with problems (a missing or undecodable sample) is an error unless --keep-going.\n" +
		"SIGINT or SIGTERM stops the render, leaving no partial file (exit status 130 or 143)."
	renderFormatUsage  = "sample format of the WAV: f32 (32-bit float), s24 or s16 (PCM)"
	controllerLogUsage = "write every controller message to `LOG.txt`, one per line: <frame> <model> <in|out> <hex bytes>"
)

func cmdRender(e *env, args []string) error {
	fs := newFlags(e, "render", "SET.toml -o OUT.wav [flags]", renderAboutText)
	events := fs.String("events", "", "performance script `PERF.txt` to play")
	out := fs.String("o", "", "output `WAV`: a file (replaced atomically; a symbolic link is written through), a FIFO or character device (streamed to), or - for standard output")
	rate := fs.Int("rate", defaultRate, "sample `rate` in Hz, 8000 to 384000")
	var seconds secondsValue
	fs.Var(&seconds, "seconds", "render `N` seconds, at most 86400 (24 hours); 0: until the script's end or silence")
	format := fs.String("format", "f32", renderFormatUsage)
	keepGoing := fs.Bool("keep-going", false, "render even when the set has problems (a missing or undecodable sample: its clips stay silent)")
	cpuprofile := fs.String("cpuprofile", "", "write a Go CPU profile of the whole render to `FILE` (for performance work)")
	ctrlLogFile := fs.String("controller-log", "", controllerLogUsage)
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(e.stderr, "gridbox render: -o OUT.wav is required")
		fs.Usage()
		return errUsage
	}
	sf, err := wav.ParseSampleFormat(*format)
	if err != nil {
		return usageError(fs, "--format %q: choose f32, s24 or s16", *format)
	}
	if err := checkRange(fs, "rate", *rate, config.MinRate, config.MaxRate, " Hz"); err != nil {
		return err
	}
	if err := checkSeconds(fs, &seconds); err != nil {
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
	in := watchInterrupts()
	defer in.stop()
	err = renderTo(e, in, renderJob{set: pos[0], events: *events, out: *out, rate: *rate, seconds: seconds.v,
		sf: sf, keepGoing: *keepGoing, ctrlLog: *ctrlLogFile})
	var x *interrupted
	if errors.As(err, &x) {
		if x.what == "" {
			x.what = "nothing was written"
		}
		fmt.Fprintf(e.stderr, "gridbox render: %v; %s\n", x, x.what)
		return exitError{x.code()}
	}
	return err
}

// A renderJob is what the command line asks render for.
type renderJob struct {
	set, events, out string
	rate             int
	seconds          float64 // 0: no limit
	sf               wav.SampleFormat
	keepGoing        bool
	ctrlLog          string
}

// renderTo runs job, writing to its output only what is complete: on any
// error or signal (in) a file output is left as it was and no temporary
// file remains.
func renderTo(e *env, in *interrupt, job renderJob) (err error) {
	if out, err := os.Stat(job.out); err == nil {
		for _, own := range []string{job.set, job.events} {
			if fi, err := os.Stat(own); err == nil && own != "" && os.SameFile(out, fi) {
				return fmt.Errorf("-o %s is %s itself: give the WAV another name", job.out, own)
			}
		}
	}
	o, err := openOutput(e, job.out, in)
	if err != nil {
		return err
	}
	defer func() {
		o.abort() // after commit it does nothing; on any error or a panic it cleans up
		var x *interrupted
		if errors.As(err, &x) {
			x.what = interruptedWhat(o)
		}
	}()
	l, p, err := prepare(e, job.set, job.events, job.rate, memory{ring: renderRing})
	if err != nil {
		return err
	}
	defer l.close()
	if len(l.problems) > 0 && !job.keepGoing {
		return fmt.Errorf("%s has %s (listed above); fix them, or render the rest with --keep-going", l.file, spell.Count(len(l.problems), "problem"))
	}
	if err := in.err(); err != nil {
		return err
	}
	limit := engine.Never
	if job.seconds > 0 {
		limit = engine.Frame(math.Round(job.seconds * float64(job.rate)))
	}
	if !p.scripted {
		p.session.LaunchScene(0, 0)
		if limit == engine.Never {
			limit = engine.Frame(defaultNoScript.Seconds() * float64(job.rate))
		}
	}
	f := audio.Format{SampleRate: job.rate, Channels: 2}
	if least, exact := p.leastFrames(l, limit); least >= 0 {
		if err := o.checkSize(f, job.sf, int64(least), exact); err != nil {
			return err
		}
	}
	ww, err := o.writer(f, job.sf)
	if err != nil {
		return writeError(o, err)
	}
	clog, err := openCtrlLog(job.ctrlLog, func() engine.Frame { return p.logAt }, false)
	if err != nil {
		return err
	}
	if err := p.plugScripted(clog); err != nil {
		clog.Close()
		return err
	}
	st, err := render(e, in, p, f, limit, ww)
	p.logAt = engine.Frame(st.frames)
	if cerr := p.unplugScripted(); err == nil {
		err = cerr
	}
	if err == nil {
		err = o.commit()
	}
	if err != nil {
		if in.err() != nil { // a stream closed by the signal fails to write
			return in.err()
		}
		return writeError(o, err)
	}
	if st.capped {
		fmt.Fprintf(e.stderr, "gridbox render: clips were still playing after %.0f minutes; stopped there (add \"end\" to the script or use --seconds)\n", renderSilenceCap.Minutes())
	}
	es := p.player.Stats()
	fmt.Fprintf(e.stderr, "rendered %s: %.2f s (%s) at %d Hz %s in %.2f s (%.0fx real time); peak voices %d, steals %d, late %d%s\n",
		o, float64(st.frames)/float64(job.rate), spell.Count(st.frames, "frame"), job.rate, job.sf, st.wall.Seconds(),
		float64(st.frames)/float64(job.rate)/max(st.wall.Seconds(), 1e-9), es.PeakVoices, es.Steals, es.Late, streamReport(p.player))
	return nil
}

// writeError says in plain words why writing o failed.
func writeError(o *output, err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC) && o.file != nil:
		return fmt.Errorf("%s: no space left on %s; nothing was written", o, mountPoint(filepath.Dir(o.file.Target())))
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("%s: no space left on the device", o)
	case errors.Is(err, syscall.EPIPE):
		return fmt.Errorf("%s: the program reading it stopped before the end", o)
	}
	if o.file != nil {
		return fmt.Errorf("%s: %w; nothing was written", o, err)
	}
	return fmt.Errorf("%s: %w", o, err)
}

// interruptedWhat says what an interrupted render left of o.
func interruptedWhat(o *output) string {
	if o.file != nil {
		return fmt.Sprintf("%s was not written", o)
	}
	return fmt.Sprintf("the WAV sent to %s stops where the render did", o)
}

// checkSize refuses a render into o that cannot fit: more than a WAV
// file's 4 GiB, or more than the space free where it goes. least is the
// fewest frames the render will write; exact says it is also the most.
func (o *output) checkSize(f audio.Format, sf wav.SampleFormat, least int64, exact bool) error {
	size := wav.Size(f, sf, least)
	atLeast := ""
	if !exact {
		atLeast = "at least "
	}
	if max := wav.MaxFrames(f, sf); o.seekable() && least > max {
		return fmt.Errorf("%s would be %s%s, more than a WAV file holds (4 GiB: %.1f hours of stereo %s at %d Hz): render less, or use --format s16",
			o, atLeast, byteSize(size), float64(max)/float64(f.SampleRate)/3600, sf, f.SampleRate)
	}
	if free, where, ok := o.space(); ok && size > free {
		return fmt.Errorf("%s needs %s%s, %s free on %s", o, atLeast, byteSize(size), byteSize(free), where)
	}
	return nil
}

type renderStats struct {
	frames int64
	wall   time.Duration
	capped bool
}

// render pulls blocks from an offline device running the performer's engine
// and writes them to ww, until the script's end, the limit, silence or a
// signal (in).
func render(e *env, in *interrupt, p *performer, f audio.Format, limit engine.Frame, ww *wav.Writer) (renderStats, error) {
	start := time.Now()
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
		if err := in.err(); err != nil {
			bar.finish()
			return st, err
		}
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
		// Long samples stream from disk: take in what the block starts,
		// then read their streams ahead, before rendering it.
		p.player.Prepare()
		p.player.Streamer().Fill(0)
		buf := dev.Pull(renderBlock)
		stop := min(p.end, limit)
		n := engine.Frame(renderBlock)
		done := false
		if stop <= end {
			n, done = max(stop-pos, 0), true
		}
		if err := ww.Write(buf[:2*n]); err != nil {
			bar.finish()
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

// leastFrames returns the fewest frames the render will write, when that
// is known before it starts: limit (--seconds, or the 30 s of a render
// without a script) or the script's end, whichever comes first; exact says
// it is also the most. An end in beats is exact unless the set changes
// tempo, when the fastest tempo gives the least. It returns -1 for a
// render that goes on until silence.
func (p *performer) leastFrames(l *loaded, limit engine.Frame) (least engine.Frame, exact bool) {
	i := slices.IndexFunc(p.events, func(e perfscript.Event) bool { return e.Kind == perfscript.End })
	if i < 0 {
		if limit == engine.Never {
			return -1, false
		}
		return limit, true
	}
	end, exact := p.frameOf(p.events[i].At), true
	if at := p.events[i].At; at.Unit == perfscript.Beats {
		fastest := l.song.Tempo
		for _, sc := range l.song.Scenes {
			if sc.Tempo != l.song.Tempo && sc.Tempo > 0 {
				exact = false
				fastest = max(fastest, sc.Tempo)
			}
		}
		if !exact {
			end = engine.Frame(at.Value * 60 / fastest * float64(p.rate))
		}
	}
	if limit < end {
		return limit, true
	}
	return end, exact
}
