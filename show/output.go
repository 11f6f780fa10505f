package show

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/term"

	"gridbox/audio"
	"gridbox/audio/wav"
	"gridbox/internal/atomicfile"
)

// An output is where render writes its WAV (-o): a regular file, written
// to a temporary file beside it and renamed over it at the end
// (internal/atomicfile; a symbolic link is written through), or a stream
// written as the render goes: standard output (-o -), a FIFO, a character
// device. Nothing that is not a regular file is ever replaced (issue 9:
// as root, -o /dev/stdout turned the device node into a file).
//
// An output belongs to the render goroutine.
type output struct {
	name string           // as given to -o; "-" is standard output
	file *atomicfile.File // a regular file: the temporary file until commit
	w    io.Writer        // a stream (file is nil)
	own  *os.File         // the stream's file when render opened it
	seek io.WriteSeeker   // the stream, when it is a regular file it may seek in
	buf  *bufferedFile    // the WAV writer's file when it is a regular file (file or seek)
}

// outputBuffer is how much of a regular file's WAV render holds before it
// writes: a write per 128-frame block was some 14,000 syscalls for 37 s,
// a tenth of a render's CPU time.
const outputBuffer = 256 << 10

// A bufferedFile buffers writes to a regular file for the WAV writer:
// Seek (the writer's header patches) writes what is held first, and the
// output's commit writes the rest before the file is renamed or kept.
// Streams are not buffered: their reader gets each block as it renders.
type bufferedFile struct {
	f   io.WriteSeeker
	b   []byte
	err error
}

func newBufferedFile(f io.WriteSeeker) *bufferedFile {
	return &bufferedFile{f: f, b: make([]byte, 0, outputBuffer)}
}

func (w *bufferedFile) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if len(w.b)+len(p) > cap(w.b) {
		if err := w.flush(); err != nil {
			return 0, err
		}
		if len(p) >= cap(w.b) {
			n, err := w.f.Write(p)
			w.err = err
			return n, err
		}
	}
	w.b = append(w.b, p...)
	return len(p), nil
}

func (w *bufferedFile) Seek(offset int64, whence int) (int64, error) {
	if err := w.flush(); err != nil {
		return 0, err
	}
	return w.f.Seek(offset, whence)
}

// flush writes what is held; an error stays (later writes return it).
func (w *bufferedFile) flush() error {
	if w.err == nil && len(w.b) > 0 {
		_, w.err = w.f.Write(w.b)
		w.b = w.b[:0]
	}
	return w.err
}

// openOutput opens what -o name names for writing, or says in plain words
// why it cannot. A FIFO is opened once a program reads it; in waits for a
// signal meanwhile.
func openOutput(e *Env, name string, in *interrupt) (*output, error) {
	if name == "-" {
		return openStdout(e)
	}
	fi, err := os.Stat(name) // through links, /dev/stdout's to a pipe included
	if err == nil {
		m := fi.Mode()
		switch {
		case m&fs.ModeNamedPipe != 0 || m&fs.ModeCharDevice != 0:
			return openStream(e, name, m, in)
		case !m.IsRegular():
			what := name + " is " + atomicfile.Describe(m)
			if t, err := atomicfile.Resolve(name); err == nil && t != name {
				what = fmt.Sprintf("%s leads to %s, %s", name, t, atomicfile.Describe(m))
			}
			if m.IsDir() {
				return nil, fmt.Errorf("-o %s: %s: give a file name, such as %s", name, what, filepath.Join(name, "render.wav"))
			}
			return nil, fmt.Errorf("-o %s: %s, which render never writes to: give a file, a FIFO, a character device, or - for standard output", name, what)
		}
	}
	perm := fs.FileMode(0o644)
	if err == nil {
		perm = fi.Mode().Perm() // a render replacing a file keeps its permissions
	}
	f, err := atomicfile.Create(name, atomicfile.Options{Perm: perm})
	if err != nil {
		return nil, createError(name, err)
	}
	return &output{name: name, file: f}, nil
}

// createError says why the temporary file for name could not be made.
func createError(name string, err error) error {
	dir := filepath.Dir(name)
	if t, rerr := atomicfile.Resolve(name); rerr == nil {
		dir = filepath.Dir(t)
	}
	switch {
	case errors.Is(err, atomicfile.ErrNotRegular):
		return fmt.Errorf("-o %s: %w", name, err)
	case errors.Is(err, syscall.ELOOP):
		return fmt.Errorf("-o %s: too many symbolic links in a row (do they form a loop?)", name)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("-o %s: the folder %s does not exist", name, dir)
	case errors.Is(err, syscall.EROFS):
		return fmt.Errorf("-o %s: the folder %s is on a read-only file system", name, dir)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("-o %s: no permission to write in the folder %s", name, dir)
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("-o %s: no space left in %s", name, mountPoint(dir))
	}
	return fmt.Errorf("-o %s: %w", name, err)
}

// openStdout is -o -: the WAV goes to standard output, with its sizes
// patched at the end when that is a regular file it may seek in.
func openStdout(e *Env) (*output, error) {
	o := &output{name: "-", w: e.Stdout}
	f, ok := e.Stdout.(*os.File)
	if !ok {
		return o, nil
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("-o -: standard output: %w", err)
	}
	if terminal(f) {
		return nil, errors.New("-o -: standard output is a terminal: send it to a file (> out.wav) or a program (| sox -t wav - …)")
	}
	if fi.Mode().IsRegular() && !appending(f) {
		o.seek = f
	}
	return o, nil
}

// openStream opens the FIFO or character device name (of mode m) for
// writing, without creating or truncating anything. A FIFO's open waits
// until a program opens it for reading, and for in meanwhile.
func openStream(e *Env, name string, m fs.FileMode, in *interrupt) (*output, error) {
	fifo := m&fs.ModeNamedPipe != 0
	flag := os.O_WRONLY
	if fifo {
		flag |= syscall.O_NONBLOCK // fails with ENXIO until there is a reader
	}
	var f *os.File
	var err error
	for tries := 0; ; tries++ {
		f, err = os.OpenFile(name, flag, 0)
		if err == nil || !fifo || !errors.Is(err, syscall.ENXIO) {
			break
		}
		if err := in.err(); err != nil {
			return nil, err
		}
		if tries == 50 { // a second: worth saying why nothing happens
			fmt.Fprintf(e.Stderr, "gridbox render: waiting for a program to read %s\n", name)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		return nil, fmt.Errorf("-o %s: %w", name, err)
	}
	fi, err := f.Stat()
	if err == nil && fi.Mode().Type() != m.Type() {
		err = fmt.Errorf("it became %s while render opened it", atomicfile.Describe(fi.Mode()))
	}
	if err == nil && terminal(f) {
		err = errors.New("it is a terminal: send the WAV to a file or a program")
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("-o %s: %w", name, err)
	}
	in.closeOnSignal(f)
	return &output{name: name, w: f, own: f}, nil
}

// terminal reports whether f is a terminal, without switching f to
// blocking mode as f.Fd would.
func terminal(f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	is := false
	rc.Control(func(fd uintptr) { is = term.IsTerminal(int(fd)) })
	return is
}

// String names the output in messages.
func (o *output) String() string {
	if o.name == "-" {
		return "standard output"
	}
	return o.name
}

// seekable reports whether the WAV's sizes are patched at the end, which
// holds it to a WAV file's 4 GiB.
func (o *output) seekable() bool { return o.file != nil || o.seek != nil }

// writer returns a WAV writer for the output.
func (o *output) writer(f audio.Format, sf wav.SampleFormat) (*wav.Writer, error) {
	switch {
	case o.file != nil:
		o.buf = newBufferedFile(o.file.File)
		return wav.NewWriter(o.buf, f, sf)
	case o.seek != nil:
		o.buf = newBufferedFile(o.seek)
		return wav.NewWriter(o.buf, f, sf)
	}
	return wav.NewStreamWriter(o.w, f, sf)
}

// space returns the bytes free where the output goes and a name for that
// place; ok is false for a stream with no file system to ask.
func (o *output) space() (free int64, where string, ok bool) {
	switch {
	case o.file != nil:
		dir := filepath.Dir(o.file.Target())
		n, err := freeSpace(dir)
		return n, mountPoint(dir), err == nil
	case o.seek != nil:
		if f, isFile := o.seek.(*os.File); isFile {
			n, err := freeSpaceOf(f)
			return n, "the file system of standard output", err == nil
		}
	}
	return 0, "", false
}

// commit finishes the output: what is buffered is written, then the
// temporary file replaces the file, or the stream render opened is closed.
func (o *output) commit() error {
	if o.buf != nil {
		if err := o.buf.flush(); err != nil {
			return err
		}
	}
	if o.file != nil {
		return o.file.Commit()
	}
	if o.own != nil {
		return o.own.Close()
	}
	return nil
}

// abort removes the temporary file (nothing is left behind) or closes the
// stream render opened. It may follow commit, and does nothing then.
func (o *output) abort() {
	if o.file != nil {
		o.file.Abort()
	}
	if o.own != nil {
		o.own.Close() // a second Close only returns an error
	}
}

// byteSize formats n bytes for a message: "1.2 GB", "300 MB", "58 bytes".
func byteSize(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 10e6:
		return fmt.Sprintf("%.0f MB", float64(n)/1e6)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.0f kB", float64(n)/1e3)
	case n == 1:
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

// An interrupt turns SIGINT and SIGTERM during a render into a stop at the
// next block, so that the render removes its temporary file (a signal's
// default action would leave it behind, several GB perhaps) and exits with
// 128 + the signal's number, the shell's convention. A stream that render
// opened is closed at once, so a write waiting on a stalled reader returns.
type interrupt struct {
	c    chan os.Signal
	done chan struct{}
	sig  atomic.Value // the os.Signal received
	file atomic.Pointer[os.File]
}

// watchInterrupts starts catching SIGINT and SIGTERM until stop.
func watchInterrupts() *interrupt {
	in := &interrupt{c: make(chan os.Signal, 1), done: make(chan struct{})}
	signal.Notify(in.c, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		select {
		case s := <-in.c:
			in.sig.Store(s)
			if f := in.file.Load(); f != nil {
				f.Close()
			}
		case <-in.done:
		}
	}()
	return in
}

// stop lets the signals have their default action again.
func (in *interrupt) stop() {
	signal.Stop(in.c)
	close(in.done)
}

// closeOnSignal makes a signal close f; after a signal already received,
// the render notices it at its next check.
func (in *interrupt) closeOnSignal(f *os.File) {
	if in != nil {
		in.file.Store(f)
	}
}

// err returns an *Interrupted once a signal has come, else nil. A nil
// interrupt never has one.
func (in *interrupt) err() error {
	if in == nil {
		return nil
	}
	if s, ok := in.sig.Load().(os.Signal); ok {
		return &Interrupted{sig: s}
	}
	return nil
}

// Interrupted is the error of a render stopped by a signal.
type Interrupted struct {
	sig  os.Signal
	What string // what is left of the output, in words
}

func (e *Interrupted) Error() string { return "interrupted by " + signalName(e.sig) }

// Code is the exit status of a process ended by the signal: 128 + its
// number (130 for SIGINT, 143 for SIGTERM).
func (e *Interrupted) Code() int {
	if s, ok := e.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}

func signalName(s os.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}
