package wav

import (
	"encoding/binary"
	"errors"
	"io"
)

// memFile is an in-memory io.WriteSeeker (and Reader) for tests.
type memFile struct {
	b   []byte
	off int64
}

func (m *memFile) Write(p []byte) (int, error) {
	if need := m.off + int64(len(p)); need > int64(len(m.b)) {
		m.b = append(m.b, make([]byte, need-int64(len(m.b)))...)
	}
	copy(m.b[m.off:], p)
	m.off += int64(len(p))
	return len(p), nil
}

func (m *memFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += m.off
	case io.SeekEnd:
		off += int64(len(m.b))
	}
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	m.off = off
	return off, nil
}

// discard is an io.WriteSeeker that keeps nothing and never allocates.
type discard struct{ off, size int64 }

func (d *discard) Write(p []byte) (int, error) {
	d.off += int64(len(p))
	d.size = max(d.size, d.off)
	return len(p), nil
}

func (d *discard) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += d.off
	case io.SeekEnd:
		off += d.size
	}
	d.off = off
	return off, nil
}

// failing is an io.WriteSeeker whose writes fail after n bytes.
type failing struct {
	discard
	n int64
}

var errDisk = errors.New("disk full")

func (f *failing) Write(p []byte) (int, error) {
	if f.off+int64(len(p)) > f.n {
		return 0, errDisk
	}
	return f.discard.Write(p)
}

// chunk is one RIFF chunk for hand-built files.
type chunk struct {
	id   string
	body []byte
	size uint32 // declared size; 0 means len(body)
}

// riff builds a RIFF/WAVE file from chunks, padding odd-sized bodies.
func riff(chunks ...chunk) []byte {
	var b []byte
	for _, c := range chunks {
		size := c.size
		if size == 0 {
			size = uint32(len(c.body))
		}
		b = append(b, c.id...)
		b = binary.LittleEndian.AppendUint32(b, size)
		b = append(b, c.body...)
		if len(c.body)%2 == 1 {
			b = append(b, 0)
		}
	}
	h := append([]byte("RIFF"), 0, 0, 0, 0)
	h = binary.LittleEndian.AppendUint32(h[:4], uint32(4+len(b)))
	return append(append(h, "WAVE"...), b...)
}

// fmtChunk returns a plain 16-byte fmt chunk.
func fmtChunk(tag uint16, channels int, rate uint32, bits int) chunk {
	return chunk{id: "fmt ", body: fmtBody(tag, channels, rate, bits)}
}

func fmtBody(tag uint16, channels int, rate uint32, bits int) []byte {
	align := channels * bits / 8
	le := binary.LittleEndian
	b := le.AppendUint16(nil, tag)
	b = le.AppendUint16(b, uint16(channels))
	b = le.AppendUint32(b, rate)
	b = le.AppendUint32(b, rate*uint32(align))
	b = le.AppendUint16(b, uint16(align))
	return le.AppendUint16(b, uint16(bits))
}

// extChunk returns a 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk whose subformat
// is the GUID for sub.
func extChunk(sub uint16, channels int, rate uint32, bits, valid int) chunk {
	le := binary.LittleEndian
	b := fmtBody(tagExtensible, channels, rate, bits)
	b = le.AppendUint16(b, 22)
	b = le.AppendUint16(b, uint16(valid))
	b = le.AppendUint32(b, 3) // front left | front right
	b = le.AppendUint16(b, sub)
	b = append(b, guidSuffix[:]...)
	return chunk{id: "fmt ", body: b}
}
