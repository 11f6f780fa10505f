package show

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"gridbox/audio"
	"gridbox/audio/offline"
	"gridbox/audio/wav"
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
	RenderBlock      = 128              // frames render renders at a time
	defaultNoScript  = 30 * time.Second // render length without a script or Seconds
	renderSilenceCap = 10 * time.Minute // a script whose loops never stop
	progressPeriod   = 100 * time.Millisecond
)

// A SampleFormat is the sample format of a rendered WAV file.
type SampleFormat = wav.SampleFormat

// ParseSampleFormat parses render's --format: f32, s24 or s16.
func ParseSampleFormat(s string) (SampleFormat, error) { return wav.ParseSampleFormat(s) }

// A RenderConfig is what "gridbox render" asks for, its flags checked.
type RenderConfig struct {
	Set, Events string       // the set file; the performance script, "" = none
	Out         string       // -o: a file, a FIFO, a character device, or - for e.Stdout
	Rate        int          // frames per second
	Seconds     float64      // 0: the script's end, else silence; without a script, 30 s
	Format      SampleFormat // of the WAV written
	KeepGoing   bool         // render a set with problems, their clips silent
	CtrlLog     string       // --controller-log, "" = none
	MIDILog     string       // --midi-log, "" = none
	// Input is a sound file played into the audio input from frame 0
	// (--input, "" = no input), InputLatency the frames a recording takes
	// it late by (--input-latency), as play compensates a sound card's.
	Input        string
	InputLatency int
}

// Render renders a set offline, on a virtual clock, to the WAV output
// c.Out, writing only what is complete: on any error, or a SIGINT or
// SIGTERM (it catches them while it renders; the error is then an
// *Interrupted), a file output is left as it was and no temporary file
// remains.
func Render(e *Env, c RenderConfig) error {
	in := watchInterrupts()
	defer in.stop()
	err := renderTo(e, in, c)
	var x *Interrupted
	if errors.As(err, &x) && x.What == "" {
		x.What = "nothing was written"
	}
	return err
}

// renderTo runs job, writing to its output only what is complete: on any
// error or signal (in) a file output is left as it was and no temporary
// file remains.
func renderTo(e *Env, in *interrupt, job RenderConfig) (err error) {
	if out, err := os.Stat(job.Out); err == nil {
		for _, own := range []string{job.Set, job.Events} {
			if fi, err := os.Stat(own); err == nil && own != "" && os.SameFile(out, fi) {
				return fmt.Errorf("-o %s is %s itself: give the WAV another name", job.Out, own)
			}
		}
	}
	o, err := openOutput(e, job.Out, in)
	if err != nil {
		return err
	}
	defer func() {
		o.abort() // after commit it does nothing; on any error or a panic it cleans up
		var x *Interrupted
		if errors.As(err, &x) {
			x.What = interruptedWhat(o)
		}
	}()
	mem := e.memory()
	mem.ring = renderRing
	mem.ports = &portNames{}
	var input audio.Source
	if job.Input != "" {
		src, f, err := openInput(job.Input, job.Rate)
		if err != nil {
			return err
		}
		defer f.Close()
		input, mem.inputs = src, src.Channels()
	} else {
		mem.inputsAsSet = true // the set's audio tracks record silence
	}
	l, p, err := prepare(e, job.Set, job.Events, job.Rate, mem)
	if err != nil {
		return err
	}
	defer p.Close()
	p.player.SetInputLatency(int64(job.InputLatency))
	p.drain = p.player.Prepare // the show's goroutine renders: it may take commands in
	if len(l.Problems) > 0 && !job.KeepGoing {
		return fmt.Errorf("%s has %s (listed above); fix them, or render the rest with --keep-going", l.File, spell.Count(len(l.Problems), "problem"))
	}
	if err := in.err(); err != nil {
		return err
	}
	limit := engine.Never
	if job.Seconds > 0 {
		limit = engine.Frame(math.Round(job.Seconds * float64(job.Rate)))
	}
	if !p.scripted {
		p.session.LaunchScene(0, 0)
		if limit == engine.Never {
			limit = engine.Frame(defaultNoScript.Seconds() * float64(job.Rate))
		}
	}
	f := audio.Format{SampleRate: job.Rate, Channels: 2}
	if least, exact := p.leastFrames(l, limit); least >= 0 {
		if err := o.checkSize(f, job.Format, int64(least), exact); err != nil {
			return err
		}
	}
	ww, err := o.writer(f, job.Format)
	if err != nil {
		return writeError(o, err)
	}
	mlog, err := openMIDILog(job.MIDILog, job.Set, job.Events, job.Out, job.CtrlLog)
	if err != nil {
		return err
	}
	p.midi.log = mlog
	defer mlog.abort() // after Close it does nothing
	p.startMIDI(0)
	clog, err := openCtrlLog(job.CtrlLog, func() engine.Frame { return p.logAt }, false)
	if err != nil {
		return err
	}
	if err := p.plugScripted(clog); err != nil {
		clog.Close()
		return err
	}
	p.startTakes(e)
	defer p.takes.finish() // on a panic; done already otherwise
	p.startRecorder(e, true)
	defer p.recorder.finish() // likewise
	start := time.Now()
	rc, err := newRenderClock(e, in, p, f, limit, ww)
	if pin := p.player.Input(); err == nil && pin != nil {
		if input == nil {
			input = silence(pin.Channels())
		}
		rc.dev.Feed(input, pin)
	}
	if err == nil {
		_, err = p.run(rc, limit, "")
		rc.bar.finish()
		rc.dev.Close()
		if err == nil {
			err = ww.Close()
		}
		// The controllers' closing messages are logged where the render
		// stopped.
		p.logAt = rc.pos
		// The notes still on end where the render stopped; a failed
		// render leaves no log (the deferred abort).
		p.endMIDI(rc.pos)
		if err == nil {
			err = p.midi.Close(0)
		}
	}
	// The render's edits are on disk when it returns, whatever became of
	// the WAV: they are the musician's work too.
	p.recorder.finish()
	saved := p.takes.finish()
	wall := time.Since(start)
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
	if rc.capped {
		fmt.Fprintf(e.Stderr, "gridbox render: clips were still playing after %.0f minutes; stopped there (add \"end\" to the script or use --seconds)\n", renderSilenceCap.Minutes())
	}
	if saved != "" {
		fmt.Fprintf(e.Stderr, "gridbox render: the takes are saved in %s\n", saved)
	}
	es := p.player.Stats()
	frames := int64(rc.pos)
	fmt.Fprintf(e.Stderr, "rendered %s: %.2f s (%s) at %d Hz %s in %.2f s (%.0fx real time); peak voices %d, steals %d, late %d%s\n",
		o, float64(frames)/float64(job.Rate), spell.Count(frames, "frame"), job.Rate, job.Format, wall.Seconds(),
		float64(frames)/float64(job.Rate)/max(wall.Seconds(), 1e-9), es.PeakVoices, es.Steals, es.Late, streamReport(p.player))
	return nil
}

// renderClock is render's clock: virtual, the frames rendered and written
// so far. Each turn renders one block on an offline device running the
// show's engine and writes it; the block that reaches the script's end or
// the limit is cut there.
type renderClock struct {
	e      *Env
	in     *interrupt
	p      *Show
	dev    *offline.Device
	ww     *wav.Writer
	bar    *progress
	rate   int
	block  int // frames rendered at a time
	limit  engine.Frame
	cap    engine.Frame // a script without an end stops here, still playing
	pos    engine.Frame // frames written
	paints int64        // LED frames painted
	capped bool
}

func newRenderClock(e *Env, in *interrupt, p *Show, f audio.Format, limit engine.Frame, ww *wav.Writer) (*renderClock, error) {
	block := RenderBlock
	if e.RenderBlock > 0 {
		block = e.RenderBlock
	}
	dev := offline.New(f, block)
	if err := dev.Start(p.player); err != nil {
		return nil, err
	}
	return &renderClock{e: e, in: in, p: p, dev: dev, ww: ww, bar: newProgress(e, f.SampleRate), rate: f.SampleRate, block: block,
		limit: limit, cap: engine.Frame(renderSilenceCap.Seconds() * float64(f.SampleRate))}, nil
}

func (c *renderClock) next() (engine.Frame, error) { return c.pos, c.in.err() }

// commit runs the session, the script and the lights a stop's fade ahead
// of the block, as play's session goroutine does, so that stops reach the
// engine before their fades begin. Lights are painted every LED frame,
// exactly on its frame, as the LED goroutine would in real time, and none
// after the render's end.
func (c *renderClock) commit(now engine.Frame) {
	p := c.p
	ahead := now + engine.Frame(c.block) + p.player.StopLead()
	for {
		at := engine.Frame(c.paints * int64(c.rate) / surface.FrameRate)
		if at >= min(ahead, p.end, c.limit) {
			break
		}
		p.Advance(at)
		p.paint(at)
		c.paints++
	}
	p.Advance(ahead)
}

func (c *renderClock) turn(now engine.Frame) (engine.Frame, string, error) {
	p := c.p
	// Long samples stream from disk: take in what the block starts, then
	// read their streams ahead, before rendering it.
	p.player.Prepare()
	p.collect()
	p.pumpMIDI()
	p.midi.receive()
	if h := c.e.Turn; h != nil {
		h(p.session, now)
	}
	p.takes.turn(time.Now())
	p.player.Streamer().Fill(0)
	buf := c.dev.Pull(c.block)
	p.recorder.drain()
	p.recorder.turn(p.session.Committed())
	stop := min(p.end, c.limit)
	n := min(engine.Frame(c.block), max(stop-now, 0))
	if err := c.ww.Write(buf[:2*n]); err != nil {
		return now, "", err
	}
	c.pos = now + n
	c.bar.update(c.pos, stop)
	if c.limit == engine.Never && p.end == engine.Never && c.pos >= c.cap && !p.silent() {
		c.capped = true
		return c.pos, "still playing", nil
	}
	return c.pos, "", nil
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

// paint sets every controller's lights as of frame at, keeps Followers in
// tempo and flushes: the render's LED frame.
func (p *Show) paint(at engine.Frame) {
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
	e    *Env
	rate int
	last time.Time
	on   bool
}

func newProgress(e *Env, rate int) *progress { return &progress{e: e, rate: rate, on: e.TTY} }

func (b *progress) update(pos, total engine.Frame) {
	if !b.on || time.Since(b.last) < progressPeriod {
		return
	}
	b.last = time.Now()
	secs := float64(pos) / float64(b.rate)
	if total == engine.Never || total <= 0 {
		fmt.Fprintf(b.e.Stderr, "\r\x1b[Krendering %7.1f s", secs)
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
	fmt.Fprintf(b.e.Stderr, "\r\x1b[Krendering [%s] %3.0f%% %6.1f/%.1f s", bar, 100*frac, secs, float64(total)/float64(b.rate))
}

func (b *progress) finish() {
	if b.on && !b.last.IsZero() {
		fmt.Fprint(b.e.Stderr, "\r\x1b[K")
	}
}

// leastFrames returns the fewest frames the render will write, when that
// is known before it starts: limit (--seconds, or the 30 s of a render
// without a script) or the script's end, whichever comes first; exact says
// it is also the most. An end in beats is exact unless the set changes
// tempo, when the fastest tempo gives the least. It returns -1 for a
// render that goes on until silence.
func (p *Show) leastFrames(l *loaded, limit engine.Frame) (least engine.Frame, exact bool) {
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
