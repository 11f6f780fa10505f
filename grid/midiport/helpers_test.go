package midiport_test

import (
	"io"
	"testing"
	"time"

	"gitlab.com/gomidi/midi/v2/drivers"
	"gitlab.com/gomidi/midi/v2/drivers/testdrv"

	"gridbox/grid/midiport"
)

// renamedIn and renamedOut give a port another name. testdrv names its
// pair "<name>-in" and "<name>-out"; rtmidi gives both halves of a duplex
// port the same name, which is what List pairs on.
type renamedIn struct {
	drivers.In
	name string
}

func (r renamedIn) String() string { return r.name }

type renamedOut struct {
	drivers.Out
	name string
}

func (r renamedOut) String() string { return r.name }

// fakeDriver lists the ports it holds, or fails with err.
type fakeDriver struct {
	ins  []drivers.In
	outs []drivers.Out
	err  error
}

func (d fakeDriver) Ins() ([]drivers.In, error)   { return d.ins, d.err }
func (d fakeDriver) Outs() ([]drivers.Out, error) { return d.outs, d.err }
func (d fakeDriver) String() string               { return "fake" }
func (d fakeDriver) Close() error                 { return nil }

// loop returns a fresh testdrv loopback (what is sent on its output arrives
// on its input) with both halves named name.
func loop(name string) (renamedIn, renamedOut) {
	drv := testdrv.New(name)
	ins, _ := drv.Ins()
	outs, _ := drv.Outs()
	return renamedIn{ins[0], name}, renamedOut{outs[0], name}
}

// openLoopback opens a Stream on a fresh loopback named name, found
// through List. It also returns the loopback's output, on which a test can
// send as the device would, behind the stream's back. The caller closes the
// stream.
func openLoopback(t *testing.T, name string) (*midiport.Stream, drivers.Out) {
	t.Helper()
	in, out := loop(name)
	ports, err := midiport.List(fakeDriver{ins: []drivers.In{in}, outs: []drivers.Out{out}})
	if err != nil || len(ports) != 1 {
		t.Fatalf("List = %v, %v; want the loopback", ports, err)
	}
	s, err := midiport.Open(ports[0])
	if err != nil {
		t.Fatal(err)
	}
	return s, out
}

// openLoop is openLoopback with the stream closed when the test ends.
func openLoop(t *testing.T, name string) *midiport.Stream {
	t.Helper()
	s, _ := openLoopback(t, name)
	t.Cleanup(func() { s.Close() })
	return s
}

// readN reads exactly n bytes from r, failing the test if they have not
// arrived within a few seconds. A Read left blocked ends with the test's
// cleanup, which closes the stream.
func readN(t *testing.T, r io.Reader, n int) []byte {
	t.Helper()
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b := make([]byte, n)
		_, err := io.ReadFull(r, b)
		done <- result{b, err}
	}()
	select {
	case res := <-done:
		if res.err != nil {
			t.Fatalf("reading %d bytes: %v", n, res.err)
		}
		return res.b
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting for %d bytes", n)
		return nil
	}
}

// readOnce makes one Read of up to 16 bytes from r, failing the test if it
// has not returned within a few seconds.
func readOnce(t *testing.T, r io.Reader) ([]byte, error) {
	t.Helper()
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b := make([]byte, 16)
		n, err := r.Read(b)
		done <- result{b[:n], err}
	}()
	select {
	case res := <-done:
		return res.b, res.err
	case <-time.After(5 * time.Second):
		t.Fatal("Read blocked")
		return nil, nil
	}
}

// write writes each message, failing the test on an error.
func write(t *testing.T, w io.Writer, msgs ...[]byte) {
	t.Helper()
	for _, m := range msgs {
		if n, err := w.Write(m); err != nil || n != len(m) {
			t.Fatalf("Write(% X) = %d, %v; want %d, nil", m, n, err, len(m))
		}
	}
}

// sysex returns a SysEx of n bytes, F0 and F7 included, its data bytes
// counting up so that a lost or moved byte shows.
func sysex(n int) []byte {
	b := make([]byte, n)
	b[0], b[n-1] = 0xF0, 0xF7
	for i := 1; i < n-1; i++ {
		b[i] = byte(i % 128)
	}
	return b
}

// recIn and recOut log the calls Open and Close make into the ports; recOut
// fails Open with openErr and Send with sendErr.
type recIn struct {
	drivers.In
	log *[]string
}

func (r recIn) Open() error {
	*r.log = append(*r.log, "open in")
	return r.In.Open()
}

func (r recIn) Listen(f func([]byte, int32), c drivers.ListenConfig) (func(), error) {
	*r.log = append(*r.log, "listen")
	stop, err := r.In.Listen(f, c)
	return func() {
		*r.log = append(*r.log, "stop")
		stop()
	}, err
}

func (r recIn) Close() error {
	*r.log = append(*r.log, "close in")
	return r.In.Close()
}

type recOut struct {
	drivers.Out
	log     *[]string
	openErr error
	sendErr error
}

func (r recOut) Send(b []byte) error {
	if r.sendErr != nil {
		return r.sendErr
	}
	return r.Out.Send(b)
}

func (r recOut) Open() error {
	*r.log = append(*r.log, "open out")
	if r.openErr != nil {
		return r.openErr
	}
	return r.Out.Open()
}

func (r recOut) Close() error {
	*r.log = append(*r.log, "close out")
	return r.Out.Close()
}
