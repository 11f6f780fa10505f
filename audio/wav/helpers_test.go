package wav

import (
	"errors"
	"io"

	"gridbox/audio/internal/pcm/pcmtest"
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

// Hand-built files (audio/internal/pcm/pcmtest).
type chunk = pcmtest.Chunk

var (
	riff     = pcmtest.RIFF
	fmtChunk = pcmtest.Fmt
	fmtBody  = pcmtest.FmtBody
	extChunk = pcmtest.Ext
)
