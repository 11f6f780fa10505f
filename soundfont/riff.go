package soundfont

import (
	"fmt"
	"io"
)

// parser reads one file. Offsets are int64 byte positions in the file;
// every chunk's extent is checked against its parent's before it is read,
// and the top level against the file's size, so nothing is allocated for
// data the file does not hold.
type parser struct {
	r    io.ReaderAt
	size int64
	name string
	f    *Font
	rom  bool // the INFO list has irom and iver: ROM samples are referenced knowingly
}

// A chunk is a RIFF chunk header: its ID, where the header starts, where
// its data starts and how many data bytes it declares.
type chunk struct {
	id   string
	off  int64
	data int64
	size int64
}

func (c chunk) end() int64 { return c.data + c.size }

func (p *parser) errorf(chunk string, off int64, format string, args ...any) error {
	return &FormatError{File: p.name, Chunk: chunk, Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// read returns n fresh bytes at off, which the caller has checked lie in
// the file.
func (p *parser) read(off, n int64) ([]byte, error) {
	var b []byte
	return p.readInto(&b, off, n)
}

// readInto is read into *buf, grown to n bytes if shorter: the same
// errors, the bytes valid until the next call.
func (p *parser) readInto(buf *[]byte, off, n int64) ([]byte, error) {
	if int64(cap(*buf)) < n {
		*buf = make([]byte, n)
	}
	b := (*buf)[:n]
	if n == 0 {
		return b, nil
	}
	if _, err := p.r.ReadAt(b, off); err != nil {
		if err == io.EOF {
			return nil, p.errorf("", off, "file ends early (%d bytes wanted)", n)
		}
		return nil, fmt.Errorf("%s: %w", p.name, err)
	}
	return b, nil
}

// header reads the chunk header at off inside a parent chunk ending at end.
func (p *parser) header(off, end int64, parent string) (chunk, error) {
	if end-off < 8 {
		return chunk{}, p.errorf(parent, off, "%d stray bytes where a chunk header (8 bytes) should be", end-off)
	}
	b, err := p.read(off, 8)
	if err != nil {
		return chunk{}, err
	}
	c := chunk{id: string(b[:4]), off: off, data: off + 8, size: int64(le32(b[4:]))}
	if c.end() > end {
		return chunk{}, p.errorf(path(parent, printable(c.id)), off, "size %d runs past the end of its %s (%d bytes left)", c.size, parentName(parent), end-c.data)
	}
	return c, nil
}

// children lists the sub-chunks of a LIST (or RIFF) chunk whose data
// starts with a 4-byte form type. A sub-chunk of odd size is followed by
// a pad byte (RIFF), which may only be missing at the end of the parent.
func (p *parser) children(parent chunk, name string) ([]chunk, error) {
	var out []chunk
	for off := parent.data + 4; off < parent.end(); {
		c, err := p.header(off, parent.end(), name)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		off = c.end() + c.size&1
		if off > parent.end()+1 || len(out) > 1<<16 {
			return nil, p.errorf(name, c.off, "too many or misaligned sub-chunks")
		}
	}
	return out, nil
}

func path(parent, id string) string {
	if parent == "" || parent == "RIFF" {
		return id
	}
	return parent + "/" + id
}

func parentName(parent string) string {
	if parent == "" {
		return "file"
	}
	return parent + " chunk"
}

// printable spells a chunk ID for a message: its letters, or hex bytes
// when it is not printable ASCII.
func printable(id string) string {
	for i := 0; i < len(id); i++ {
		if id[i] < 0x20 || id[i] > 0x7e {
			return fmt.Sprintf("%x", id)
		}
	}
	return id
}

// zstr reads a fixed or INFO string: up to the first zero byte, bytes
// above 127 read as Latin-1.
func zstr(b []byte) string {
	n := 0
	for n < len(b) && b[n] != 0 {
		n++
	}
	ascii := true
	for _, c := range b[:n] {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b[:n])
	}
	r := make([]rune, n)
	for i, c := range b[:n] {
		r[i] = rune(c)
	}
	return string(r)
}

// infoString reads an INFO string, which §5 says is zero-terminated and
// at most limit bytes; otherwise the field is ignored ("").
func infoString(b []byte, limit int) string {
	if len(b) == 0 || len(b) > limit {
		return ""
	}
	for _, c := range b {
		if c == 0 {
			return zstr(b)
		}
	}
	return ""
}
