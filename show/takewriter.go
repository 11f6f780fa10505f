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
	"sync"
	"sync/atomic"
	"time"

	"gridbox/audio"
	"gridbox/audio/wav"
	"gridbox/engine"
)

// The take writer. In play it is a goroutine of its own that every
// takeDrain drains the engine's capture ring into the takes' files; in
// render the show's goroutine drains it after each block (run), so that
// the ring never fills however fast the render runs. A second goroutine
// syncs the open files to the disk every takeSync (an SD card's fsync
// can take a second: the writer goes on draining meanwhile). The session
// hands it work through a queue that never blocks (do): a hung disk
// stops the writer, never the session.

// TakeFile is an audio take's file as the take writer uses it: an
// *os.File, or what Env.TakeFile makes of one.
type TakeFile interface {
	io.WriteSeeker
	io.WriterAt
	Sync() error
	Close() error
}

// takeJob is a take whose file the writer creates and writes.
type takeJob struct {
	key     takeKey
	name    string // the file to create (it must not exist)
	ch      int
	rate    int
	initial []float32 // an overdub's buffer as it starts
	wrap    func(*os.File) TakeFile
}

// takeFile is a take file the writer writes.
type takeFile struct {
	takeJob
	f      TakeFile
	w      *wav.Writer
	frames int64 // frames in the file
	broken bool  // a write failed: nothing more is written
	ending bool  // the take ended: closed once drained
}

// takeWriter drains the engine's capture ring into the takes' files.
type takeWriter struct {
	capture *engine.Capture
	report  func(takeKey, string) // a take's file failed; any goroutine
	sync    bool                  // render: no goroutines, the caller runs it

	mu    sync.Mutex // guards queue, quit and syncing
	queue []func()
	quit  bool
	wake  chan struct{} // (1) queue or quit changed
	done  chan struct{}
	// syncing are the open files, for the syncer.
	syncing map[takeKey]TakeFile

	files  map[takeKey]*takeFile // the writer's
	buf    []byte
	opened atomic.Int32 // files handed over and not closed yet
}

func newTakeWriter(c *engine.Capture, report func(takeKey, string), sync bool) *takeWriter {
	w := &takeWriter{capture: c, report: report, sync: sync, wake: make(chan struct{}, 1), done: make(chan struct{}),
		syncing: map[takeKey]TakeFile{}, files: map[takeKey]*takeFile{}}
	if !sync {
		go w.loop()
		go w.syncer()
	}
	return w
}

// open hands take j over: its file is created and written from now on.
// Session goroutine.
func (w *takeWriter) open(j takeJob) {
	w.opened.Add(1)
	w.do(func() { w.start(j) })
}

// end says that take k has ended: every frame of it is in the capture
// ring, and its file is closed once they are written. Session goroutine.
func (w *takeWriter) end(k takeKey) {
	w.do(func() {
		if f := w.files[k]; f != nil {
			f.ending = true
		}
	})
}

// do has job run on the writer, in order, without waiting for it.
func (w *takeWriter) do(job func()) {
	if w.sync {
		job()
		w.drain()
		w.closeEnded()
		return
	}
	w.mu.Lock()
	w.queue = append(w.queue, job)
	w.mu.Unlock()
	w.poke()
}

func (w *takeWriter) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// loop is the writer goroutine.
func (w *takeWriter) loop() {
	defer close(w.done)
	tick := time.NewTicker(takeDrain)
	defer tick.Stop()
	for {
		select {
		case <-w.wake:
		case <-tick.C:
		}
		quit := w.pending()
		w.drain()
		w.closeEnded()
		if quit {
			w.closeAll()
			return
		}
	}
}

// pending runs the jobs waiting, and reports whether finish was asked.
func (w *takeWriter) pending() bool {
	w.mu.Lock()
	q, quit := w.queue, w.quit
	w.queue = nil
	w.mu.Unlock()
	for _, job := range q {
		job()
	}
	return quit
}

// syncer syncs the open files every takeSync until the writer is done.
func (w *takeWriter) syncer() {
	tick := time.NewTicker(takeSync)
	defer tick.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-tick.C:
		}
		w.mu.Lock()
		files := make(map[takeKey]TakeFile, len(w.syncing))
		for k, f := range w.syncing {
			files[k] = f
		}
		w.mu.Unlock()
		for k, f := range files {
			if err := f.Sync(); err != nil && !errors.Is(err, os.ErrClosed) {
				w.do(func() {
					if tf := w.files[k]; tf != nil {
						w.broken(tf, err)
					}
				})
			}
		}
	}
}

// run is render's writer turn, after each block.
func (w *takeWriter) run() {
	if w.sync {
		w.drain()
		w.closeEnded()
	}
}

// finish writes what is left, closes every file and stops the writer.
func (w *takeWriter) finish() {
	if w.sync {
		w.drain()
		w.closeAll()
		return
	}
	w.mu.Lock()
	w.quit = true
	w.mu.Unlock()
	w.poke()
	<-w.done
}

// start creates take j's file and writes its header, and an overdub's
// buffer.
func (w *takeWriter) start(j takeJob) {
	f := &takeFile{takeJob: j}
	file, err := createTake(j.name)
	if err != nil {
		w.opened.Add(-1)
		w.report(j.key, fmt.Sprintf("the take %s could not be created (%v): it is not recorded", j.name, err))
		return
	}
	f.f = file
	if j.wrap != nil {
		f.f = j.wrap(file)
	}
	w.files[j.key] = f
	w.mu.Lock()
	w.syncing[j.key] = f.f
	w.mu.Unlock()
	if f.w, err = wav.NewWriter(f.f, audio.Format{SampleRate: j.rate, Channels: j.ch}, wav.Float32); err != nil {
		w.broken(f, err)
		return
	}
	// On the disk with its header before the takes file names it (a
	// quarter of a second on): a power cut then leaves a file that reads.
	if err := f.f.Sync(); err != nil {
		w.broken(f, err)
		return
	}
	if j.initial != nil {
		if err := f.w.Write(j.initial); err != nil {
			w.broken(f, err)
		}
		f.frames = int64(len(j.initial) / j.ch)
		f.initial = nil
	}
}

// createTake creates a take's file, and its folder if it is not there,
// and syncs the folder, so that a crash leaves the file there.
func createTake(name string) (*os.File, error) {
	dir := filepath.Dir(name)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		err = os.Mkdir(dir, 0o755)
	case err == nil && !fi.IsDir():
		err = fmt.Errorf("%s is not a folder: the takes' recordings go there; move it away", dir)
	}
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return f, nil
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
		if f == nil && !w.sync {
			// Its job may wait in the queue: a take's first frames can
			// come before the writer took it.
			w.pending()
			f = w.files[takeKey(c.Clip)]
		}
		if f != nil {
			w.write(f, c)
		}
	})
}

// write writes chunk c at its position in f: appended past the end,
// written over what is there before it.
func (w *takeWriter) write(f *takeFile, c engine.Chunk) {
	if f.broken || f.w == nil || c.Channels != f.ch {
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
	if gap := pos - f.frames; gap > 0 { // silence
		if err := f.w.Write(make([]float32, gap*int64(f.ch))); err != nil {
			w.broken(f, err)
			return
		}
		f.frames = pos
	}
	if err := f.w.Write(data); err != nil {
		w.broken(f, err)
		return
	}
	f.frames += int64(len(data) / f.ch)
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
	return err
}

// closeEnded closes the files of the takes that ended.
func (w *takeWriter) closeEnded() {
	for k, f := range w.files {
		if f.ending {
			w.close(k, f)
		}
	}
}

// close finishes take k's file: its sizes in the header, synced, closed.
func (w *takeWriter) close(k takeKey, f *takeFile) {
	delete(w.files, k)
	w.mu.Lock()
	delete(w.syncing, k)
	w.mu.Unlock()
	defer w.opened.Add(-1)
	var err error
	if f.w != nil && !f.broken {
		err = f.w.Close()
	}
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
