package show

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"gridbox/audio"
	"gridbox/audio/codec"
	"gridbox/engine"
	"gridbox/sequencer"
)

// Audio takes on disk (issue 13). The session records an audio take into
// a buffer the recorder makes (NewTakes: a new bank sample, staged for the
// engine) and names a WAV file in NAME.takes/ beside the set, which the
// clip in the takes file plays from then on. The engine hands every frame
// it records to the capture ring as well; the recorder's writer, a
// goroutine of its own (render: the show's, after each block), drains it
// into the take's file as it comes (32-bit float at the engine's rate)
// and syncs each file to the disk every takeSync, so that a kill -9 or a
// power cut loses at most the last second of a take: the file's header
// says "size unknown" until the take ends, and readers (gridbox's, sox,
// ffmpeg) then read to the end of what is there. An overdub's file starts
// as a copy of the clip it overdubs and the writer writes each pass over
// it. A write that fails (a full disk) ends that take's recording where
// the file ends: the journal and the grid say so; the music goes on.

// takeSync is how often the writer syncs the takes' files to the disk.
const takeSync = time.Second

// takeDrain is how often the writer drains the capture ring in play (its
// ring holds seconds).
const takeDrain = 20 * time.Millisecond

// recorder is the show's sequencer.TakeBuffers.
type recorder struct {
	p *Show
	e *Env
	w *takeWriter
	// numbers holds, per takes folder, the last take file's number.
	numbers map[string]int

	bad    atomic.Bool // the last take ended for a reason other than its end
	reason atomic.Pointer[string]
	fails  atomic.Uint64 // takes cut short so far
	shown  uint64        // of those, how many the grid has scrolled

	// The input latency (play): the rig's calibrated offset, and the
	// frames the engine was told last (follow).
	offset time.Duration
	lf     int64
	// cuts are the takes whose files could not be written: their
	// recording stops (turn).
	cuts chan takeKey
	done bool // finished
	// spares are zeroed buffers made ahead (play; nil in render).
	spares *spares
}

// takeKey names a take as the engine's capture ring does: by its tag
// (sequencer.TakeRequest.Tag, unique in a session).
type takeKey int32

// startRecorder makes the session record audio tracks, when the engine has
// an input. Call it on the goroutine that owns p.
func (p *Show) startRecorder(e *Env, sync bool) {
	if p.player.Input() == nil {
		return
	}
	r := &recorder{p: p, e: e, numbers: map[string]int{}}
	r.cuts = make(chan takeKey, 64)
	r.w = newTakeWriter(p.player.Capture(), func(k takeKey, msg string) {
		r.fail(e, msg)
		select {
		case r.cuts <- k:
		default:
		}
	}, sync)
	if !sync { // play: a take's start must not wait for its buffer
		r.spares = newSpares(p.loaded.Set, p.rate, func() bool { return r.w.opened.Load() > 0 })
	}
	p.recorder = r
	p.session.SetTakeBuffers(r)
}

// fail reports a take cut short, or one that could not start: on stderr,
// scrolled on the grid and, until a take ends as planned, the grid's
// alert. Any goroutine.
func (r *recorder) fail(e *Env, msg string) {
	fmt.Fprintf(e.Stderr, "gridbox: %s\n", msg)
	r.reason.Store(&msg)
	r.bad.Store(true)
	r.fails.Add(1)
}

// failure returns the words to show on the grid for a take cut short,
// once each. Session goroutine.
func (r *recorder) failure() (string, bool) {
	if r == nil {
		return "", false
	}
	n := r.fails.Load()
	if n == r.shown {
		return "", false
	}
	r.shown = n
	return *r.reason.Load(), true
}

// failed reports whether the last take was cut short (the grid's alert).
func (r *recorder) failed() bool { return r != nil && r.bad.Load() }

// NewTakes makes a buffer per request, names each one's file in the
// takes folder of the set playing (the writer creates it) and stages a
// bank with the buffers added. Session goroutine.
func (r *recorder) NewTakes(reqs []sequencer.TakeRequest) ([]sequencer.TakeSample, error) {
	p, l := r.p, r.p.loaded
	if p.player.Staged() {
		return nil, errBusy
	}
	set := l.path
	base := strings.TrimSuffix(filepath.Base(set), filepath.Ext(set))
	dir, rel := filepath.Join(filepath.Dir(set), base+".takes"), base+".takes"
	bank := &engine.Bank{Samples: slices.Clone(l.bank.Samples), Instruments: l.bank.Instruments}
	if len(l.bank.Streams) > 0 {
		bank.Streams = slices.Clone(l.bank.Streams)
	}
	var out []sequencer.TakeSample
	var jobs []takeJob
	var paths []string
	for _, q := range reqs {
		buf, err := r.buffer(q)
		if err != nil {
			return nil, err
		}
		name := r.name(dir)
		j := takeJob{key: takeKey(q.Tag), name: name, ch: buf.Channels, rate: p.rate, wrap: r.e.TakeFile}
		if q.From >= 0 {
			j.initial = slices.Clone(buf.Data) // the writer's own copy: the engine writes buf
		}
		jobs = append(jobs, j)
		path := rel + "/" + filepath.Base(name)
		paths = append(paths, path)
		bank.Samples = append(bank.Samples, buf)
		if bank.Streams != nil {
			bank.Streams = append(bank.Streams, nil)
		}
		out = append(out, sequencer.TakeSample{Sample: int32(len(bank.Samples) - 1), Source: takeSource(path)})
	}
	if err := p.player.StageBank(bank); err != nil {
		return nil, err
	}
	// A new version of what plays, not a change to the one a reload may
	// be reading (its loader has it as prev).
	n := *l
	n.bank = bank
	old := len(bank.Samples) - len(reqs)
	n.samples = append(slices.Clip(l.samples[:min(len(l.samples), old)]), make([]string, max(old-len(l.samples), 0))...)
	n.samples = append(n.samples, paths...)
	if l.index != nil {
		n.index = maps.Clone(l.index)
		for i, path := range paths {
			n.index[path] = out[i].Sample
		}
	}
	p.loaded = &n
	for _, j := range jobs {
		r.w.open(j)
	}
	return out, nil
}

// takeSource is what a take's clips have as Source: its file as the set
// names it.
type takeSource string

// name returns the next take file's name in the takes folder dir: the
// number after the highest there (looked for once per folder) and after
// those named since.
func (r *recorder) name(dir string) string {
	n, ok := r.numbers[dir]
	if !ok {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			var k int
			if _, err := fmt.Sscanf(e.Name(), "take-%d.wav", &k); err == nil {
				n = max(n, k)
			}
		}
	}
	n++
	r.numbers[dir] = n
	return filepath.Join(dir, fmt.Sprintf("take-%04d.wav", n))
}

// Overdubbable reports whether a take may start as a copy of sample s:
// one held in memory, not streamed from disk. Session goroutine.
func (r *recorder) Overdubbable(s int32) bool {
	b := r.p.loaded.bank
	return s >= 0 && int(s) < len(b.Samples) && (int(s) >= len(b.Streams) || b.Streams[s] == nil)
}

// buffer makes the buffer of take q: silence, or a copy of the sample it
// overdubs, in the Go heap (a reload's retired buffers are freed; the
// engine may still record into this one), its pages touched here rather
// than on the render thread.
func (r *recorder) buffer(q sequencer.TakeRequest) (*audio.Buffer, error) {
	l := r.p.loaded
	if q.From < 0 {
		data := r.spares.take(q.Frames, q.Channels)
		if data == nil {
			data = make([]float32, q.Frames*q.Channels)
			touch(data)
		}
		return &audio.Buffer{Rate: r.p.rate, Channels: q.Channels, Data: data}, nil
	}
	if int(q.From) >= len(l.bank.Samples) {
		return nil, fmt.Errorf("the clip to overdub has no sample")
	}
	if !r.Overdubbable(q.From) {
		return nil, fmt.Errorf("the clip to overdub streams from disk")
	}
	from := l.bank.Samples[q.From]
	data := make([]float32, max(q.Frames, from.Frames())*from.Channels)
	touch(data)
	copy(data, from.Floats())
	return &audio.Buffer{Rate: r.p.rate, Channels: from.Channels, Data: data}, nil
}

// touch writes every page of d, so that the kernel maps them now.
func touch(d []float32) {
	for i := 0; i < len(d); i += 1024 {
		d[i] = 0
	}
}

// TakeEnded closes the take's file once the writer has written all of it.
// Session goroutine.
func (r *recorder) TakeEnded(tag int32, x int, _ engine.Frame, cause sequencer.TakeCause) {
	switch cause {
	case sequencer.TakeDone:
		r.bad.Store(false)
	case sequencer.TakeFull:
		fmt.Fprintf(r.e.Stderr, "gridbox: track %d's take filled its buffer (max_take, or the tempo fell) and stopped there\n", x+1)
	case sequencer.TakeDropped:
		r.fail(r.e, fmt.Sprintf("track %d's take stopped: the disk could not keep up (or no input reached it); the take keeps what was written", x+1))
	}
	r.w.end(takeKey(tag))
}

// drain is render's writer turn: it writes what the block captured.
func (r *recorder) drain() {
	if r != nil {
		r.w.run()
	}
}

// busy reports whether an audio take records, or its file is not
// complete yet. Session goroutine.
func (r *recorder) busy() bool {
	return r != nil && (r.p.session.RecordingAudio() || r.w.opened.Load() > 0)
}

// turn stops the recording of the takes whose files could not be
// written, at frame at, and reports a take that could not start.
// Session goroutine.
func (r *recorder) turn(at engine.Frame) {
	if r == nil {
		return
	}
	if err := r.p.session.TakeError(); err != nil {
		r.fail(r.e, fmt.Sprintf("the audio take could not start (%v): nothing is recorded; press Record again", err))
	}
	for {
		select {
		case k := <-r.cuts:
			r.p.session.StopTake(int32(k), at)
		default:
			return
		}
	}
}

// finish writes what is left of the takes and closes their files.
func (r *recorder) finish() {
	if r != nil && !r.done {
		r.done = true
		r.w.finish()
		r.spares.close()
	}
}

// openInput opens the sound file render plays into the input, at rate.
// The caller closes f.
func openInput(name string, rate int) (src audio.Source, f io.Closer, err error) {
	file, err := os.Open(name)
	if err != nil {
		return nil, nil, fmt.Errorf("--input: %w", err)
	}
	st, err := file.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = errors.New("not a regular file")
	}
	if err != nil {
		file.Close()
		return nil, nil, fmt.Errorf("--input %s: %w", name, err)
	}
	pf, err := codec.OpenPCM(file, st.Size(), name)
	if err != nil {
		file.Close()
		return nil, nil, fmt.Errorf("--input %s: %w (give a WAV or AIFF file)", name, err)
	}
	return audio.NewResampler(pf, pf.Rate(), rate), file, nil
}

// follow tells the engine the input's latency, from the device's input
// and output latencies (in, out) and the rig's offset: a recording then
// takes the frame the musician played with what they heard (see
// audio.InputSink). Session goroutine, every turn (a replaced device may
// report others).
func (r *recorder) follow(in, out time.Duration) {
	if r == nil {
		return
	}
	lf := max(0, int64(math.Round((in+out+r.offset).Seconds()*float64(r.p.rate))))
	if lf != r.lf {
		r.lf = lf
		r.p.player.SetInputLatency(lf)
	}
}

// silence is an input of ch channels that never ends and holds nothing:
// render's input when it is given none, so that audio tracks record (as
// play's --audio null has them do).
type silence int

func (s silence) Channels() int { return int(s) }
func (s silence) Frames() int64 { return math.MaxInt64 }
func (s silence) ReadFrames(dst []float32, _ int64) (int, error) {
	clear(dst)
	return len(dst) / int(s), nil
}
