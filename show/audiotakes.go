package show

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"gridbox/audio"
	"gridbox/audio/codec"
	"gridbox/audio/wav"
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
	p   *Show
	dir string // the takes folder: the set's NAME.takes
	rel string // its name as a clip's sample names it: "NAME.takes"
	w   *takeWriter
	n   int // the last take file's number

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
	set := p.loaded.path
	base := strings.TrimSuffix(filepath.Base(set), filepath.Ext(set))
	r := &recorder{p: p, dir: filepath.Join(filepath.Dir(set), base+".takes"), rel: base + ".takes"}
	r.cuts = make(chan takeKey, 64)
	r.w = newTakeWriter(p.player.Capture(), func(k takeKey, msg string) {
		r.fail(e, msg)
		select {
		case r.cuts <- k:
		default:
		}
	}, sync)
	if !sync { // play: a take's start must not wait for its buffer
		r.spares = newSpares(p.loaded.Set, p.rate)
	}
	p.recorder = r
	p.session.SetTakeBuffers(r)
}

// fail reports a take cut short. Any goroutine.
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

// NewTakes makes a buffer per request, opens each one's file in the takes
// folder and stages a bank with the buffers added. Session goroutine.
func (r *recorder) NewTakes(reqs []sequencer.TakeRequest) ([]sequencer.TakeSample, error) {
	p, l := r.p, r.p.loaded
	if p.player.Staged() {
		return nil, errBusy
	}
	if err := takesFolder(r.dir); err != nil {
		return nil, err
	}
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
			closeJobs(jobs)
			return nil, err
		}
		file, name, err := r.create()
		if err != nil {
			closeJobs(jobs)
			return nil, err
		}
		var f TakeFile = file
		if wrap := r.p.env.TakeFile; wrap != nil {
			f = wrap(file)
		}
		j := takeJob{key: takeKey(q.Tag), f: f, ch: buf.Channels, rate: p.rate, name: name}
		if q.From >= 0 {
			j.initial = slices.Clone(buf.Data) // the writer's own copy: the engine writes buf
		}
		jobs = append(jobs, j)
		path := r.rel + "/" + filepath.Base(name)
		paths = append(paths, path)
		bank.Samples = append(bank.Samples, buf)
		if bank.Streams != nil {
			bank.Streams = append(bank.Streams, nil)
		}
		out = append(out, sequencer.TakeSample{Sample: int32(len(bank.Samples) - 1), Source: takeSource(path)})
	}
	if err := p.player.StageBank(bank); err != nil {
		closeJobs(jobs)
		return nil, err
	}
	l.bank = bank
	old := len(bank.Samples) - len(reqs)
	l.samples = append(slices.Clip(l.samples[:min(len(l.samples), old)]), make([]string, max(old-len(l.samples), 0))...)
	l.samples = append(l.samples, paths...)
	for i, path := range paths {
		if l.index != nil {
			l.index[path] = out[i].Sample
		}
	}
	for _, j := range jobs {
		r.w.open(j)
	}
	return out, nil
}

// takeSource is what a take's clips have as Source: its file as the set
// names it.
type takeSource string

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
	from := l.bank.Samples[q.From]
	n := l.bank.Frames(q.From)
	data := make([]float32, n*from.Channels)
	touch(data)
	if src := l.bank.Streams; int(q.From) < len(src) && src[q.From] != nil {
		if _, err := src[q.From].ReadFrames(data, 0); err != nil && !errors.Is(err, fs.ErrClosed) {
			return nil, fmt.Errorf("reading the clip to overdub: %w", err)
		}
	} else {
		copy(data, from.Floats())
	}
	return &audio.Buffer{Rate: r.p.rate, Channels: from.Channels, Data: data}, nil
}

// touch writes every page of d, so that the kernel maps them now.
func touch(d []float32) {
	for i := 0; i < len(d); i += 1024 {
		d[i] = 0
	}
}

// takesFolder makes the takes folder dir if it is not there; something
// there that is not a folder is an error.
func takesFolder(dir string) error {
	fi, err := os.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.Mkdir(dir, 0o755)
	case err != nil:
		return err
	case !fi.IsDir():
		return fmt.Errorf("%s is not a folder: the takes' recordings go there; move it away", dir)
	}
	return nil
}

// create creates the next take file in the folder, never replacing one.
func (r *recorder) create() (*os.File, string, error) {
	for range 10000 {
		r.n++
		name := filepath.Join(r.dir, fmt.Sprintf("take-%04d.wav", r.n))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, name, err
	}
	return nil, "", fmt.Errorf("%s holds 10000 takes: move some away", r.dir)
}

// closeJobs closes and removes the files of jobs not handed over.
func closeJobs(jobs []takeJob) {
	for _, j := range jobs {
		j.f.Close()
		os.Remove(j.name)
	}
}

// TakeEnded closes the take's file once the writer has written all of it.
// Session goroutine.
func (r *recorder) TakeEnded(tag int32, x int, _ engine.Frame, cause sequencer.TakeCause) {
	var why string
	switch cause {
	case sequencer.TakeFull:
		why = fmt.Sprintf("track %d's take reached the longest a take may be (max_take) and stopped there", x+1)
	case sequencer.TakeDropped:
		why = fmt.Sprintf("track %d's take stopped: the disk could not keep up; the take keeps what was written", x+1)
	}
	if why != "" {
		r.fail(r.p.env, why)
	}
	r.w.end(takeKey(tag))
}

// TakeFile is an audio take's file as the take writer uses it: an
// *os.File, or what Env.TakeFile makes of one.
type TakeFile interface {
	io.WriteSeeker
	io.WriterAt
	Sync() error
	Close() error
}

// takeJob is a take file handed to the writer.
type takeJob struct {
	key     takeKey
	f       TakeFile
	name    string
	ch      int
	rate    int
	initial []float32 // an overdub's buffer as it starts
}

// takeFile is a take file the writer writes.
type takeFile struct {
	takeJob
	w      *wav.Writer
	frames int64 // frames in the file
	dirty  bool  // written since the last sync
	broken bool  // a write failed: nothing more is written
}

// takeWriter drains the engine's capture ring into the takes' files.
type takeWriter struct {
	capture *engine.Capture
	report  func(takeKey, string)
	jobs    chan func()
	done    chan struct{}
	sync    bool // render: no goroutine, work happens in run

	files map[takeKey]*takeFile
	buf   []byte
	// opened counts the files handed over and not closed yet.
	opened atomic.Int32
}

func newTakeWriter(c *engine.Capture, report func(takeKey, string), sync bool) *takeWriter {
	w := &takeWriter{capture: c, report: report, jobs: make(chan func(), 64), done: make(chan struct{}), sync: sync, files: map[takeKey]*takeFile{}}
	if !sync {
		go w.loop()
	}
	return w
}

func (w *takeWriter) open(j takeJob) {
	w.opened.Add(1)
	w.do(func() { w.start(j) })
}

func (w *takeWriter) end(k takeKey) {
	w.do(func() {
		w.drain()
		if f := w.files[k]; f != nil {
			w.close(k, f)
		}
	})
}

// do runs job on the writer.
func (w *takeWriter) do(job func()) {
	if w.sync {
		job()
		return
	}
	w.jobs <- job
}

// loop is the writer goroutine.
func (w *takeWriter) loop() {
	defer close(w.done)
	drain := time.NewTicker(takeDrain)
	defer drain.Stop()
	sync := time.NewTicker(takeSync)
	defer sync.Stop()
	for {
		select {
		case job, ok := <-w.jobs:
			if !ok {
				w.drain()
				w.closeAll()
				return
			}
			job()
		case <-drain.C:
			w.drain()
		case <-sync.C:
			w.syncAll()
		}
	}
}

// run is render's writer: it drains after each block.
func (w *takeWriter) run() {
	if w.sync {
		w.drain()
	}
}

// finish writes what is left and closes every file.
func (w *takeWriter) finish() {
	if w.sync {
		w.drain()
		w.closeAll()
		return
	}
	close(w.jobs)
	<-w.done
}

// start begins writing take j: its header, and an overdub's buffer.
func (w *takeWriter) start(j takeJob) {
	f := &takeFile{takeJob: j}
	ww, err := wav.NewWriter(j.f, audio.Format{SampleRate: j.rate, Channels: j.ch}, wav.Float32)
	if err != nil {
		w.broken(f, err)
		j.f.Close()
		w.opened.Add(-1)
		return
	}
	f.w = ww
	w.files[j.key] = f
	if j.initial != nil {
		if err := ww.Write(j.initial); err != nil {
			w.broken(f, err)
		}
		f.frames = int64(len(j.initial) / j.ch)
		f.initial = nil
	}
}

// broken reports f's failure once and stops writing it.
func (w *takeWriter) broken(f *takeFile, err error) {
	if f.broken {
		return
	}
	f.broken = true
	w.report(f.key, fmt.Sprintf("writing the take %s failed (%v): its recording stops there, and the clip keeps what was written", f.name, err))
}

// drain writes what the engine captured.
func (w *takeWriter) drain() {
	w.capture.Drain(func(c engine.Chunk) {
		f := w.files[takeKey(c.Clip)]
		if f == nil {
			// Its job may wait in the queue: a take's first frames can
			// come before the writer took it.
			w.pending()
			if f = w.files[takeKey(c.Clip)]; f == nil {
				return
			}
		}
		w.write(f, c)
	})
}

// pending runs the jobs waiting, without blocking.
func (w *takeWriter) pending() {
	for {
		select {
		case job, ok := <-w.jobs:
			if !ok {
				return
			}
			job()
		default:
			return
		}
	}
}

// write writes chunk c at its position in f: appended past the end,
// written over what is there before it.
func (w *takeWriter) write(f *takeFile, c engine.Chunk) {
	if f.broken || c.Channels != f.ch {
		return
	}
	data, pos := c.Frames, c.Pos
	if pos < f.frames { // an overdub's pass: over what is there
		n := min(int64(len(data)/f.ch), f.frames-pos)
		if err := w.writeAt(f, data[:n*int64(f.ch)], pos); err != nil {
			w.broken(f, err)
			return
		}
		data, pos = data[n*int64(f.ch):], pos+n
	}
	if len(data) == 0 {
		return
	}
	for ; f.frames < pos; f.frames++ { // a gap: silence
		if err := f.w.Write(make([]float32, f.ch)); err != nil {
			w.broken(f, err)
			return
		}
	}
	if err := f.w.Write(data); err != nil {
		w.broken(f, err)
		return
	}
	f.frames += int64(len(data) / f.ch)
	f.dirty = true
}

// writeAt writes frames over f's data from frame pos.
func (w *takeWriter) writeAt(f *takeFile, frames []float32, pos int64) error {
	if cap(w.buf) < 4*len(frames) {
		w.buf = make([]byte, 4*len(frames))
	}
	b := w.buf[:4*len(frames)]
	for i, v := range frames {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	head := wav.Size(audio.Format{SampleRate: f.rate, Channels: f.ch}, wav.Float32, 0)
	_, err := f.f.WriteAt(b, head+pos*int64(4*f.ch))
	f.dirty = true
	return err
}

// syncAll syncs the files written since the last sync.
func (w *takeWriter) syncAll() {
	for _, f := range w.files {
		if f.dirty && !f.broken {
			f.dirty = false
			if err := f.f.Sync(); err != nil {
				w.broken(f, err)
			}
		}
	}
}

// close finishes take k's file: its sizes in the header, synced, closed.
func (w *takeWriter) close(k takeKey, f *takeFile) {
	delete(w.files, k)
	defer w.opened.Add(-1)
	err := f.w.Close()
	if err == nil {
		err = f.f.Sync()
	}
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		w.broken(f, err)
	}
}

// closeAll closes every file.
func (w *takeWriter) closeAll() {
	for k, f := range w.files {
		w.close(k, f)
	}
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
// written, at frame at. Session goroutine.
func (r *recorder) turn(at engine.Frame) {
	if r == nil {
		return
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
