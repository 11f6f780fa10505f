package pcm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// IFF describes a chunked file format: RIFF (WAV) or IFF's FORM (AIFF). After
// a 12-byte file header both are a list of chunks, each a 4-byte ID, a 4-byte
// size and a body padded to an even length; one chunk describes the samples
// and another holds them, in either order.
type IFF struct {
	Prefix    string           // what errors start with: "wav" or "aiff"
	Order     binary.ByteOrder // of the chunk sizes
	Format    string           // ID of the chunk that describes the samples: "fmt " or "COMM"
	Data      string           // ID of the chunk that holds them: "data" or "SSND"
	MinFormat int64            // the shortest valid format chunk
	MaxFormat int              // how much of the format chunk Walk reads
}

// Chunks is where Walk found the data chunk.
type Chunks struct {
	Offset int64  // of the data chunk's body in the file
	Size   int64  // the data chunk's declared size: it may run past the end of the file
	Early  []byte // the data chunk's body (what the file holds of it) if it came before the format chunk in a reader that cannot seek; nil otherwise
}

// maxEarly bounds a data chunk held in memory because it came before the
// format chunk: a data chunk can expand 4 times (8-bit to float32), so this
// bound is generous; it only guards memory against a never-ending stream.
const maxEarly = 4 * MaxSamples

// Walk reads the chunks of a file from r, which is start bytes into the file
// (just after the file header), until it has read the format chunk and
// reached the data chunk, and leaves r at the start of the data chunk's body
// (unless the body is in Chunks.Early).
//
// It passes the format chunk's body (at most MaxFormat bytes of it) and
// declared size to format as soon as it reads it, and returns format's error
// if there is one. A second format or data chunk is ignored, unknown chunks
// are skipped, and odd-sized chunks are followed by their pad byte. A data
// chunk that comes before the format chunk is skipped over when r is an
// io.Seeker (r moves back to it at the end) and read into Early otherwise.
// A partial chunk header at the end of the file is ignored. Errors start with
// Prefix and name what is missing or cut short in plain words.
func (c IFF) Walk(r io.Reader, start int64, format func(body []byte, size int64) error) (*Chunks, error) {
	seeker, _ := r.(io.Seeker)
	var (
		ch              Chunks
		pos             = start // offset in the file of what r reads next
		sawFmt, sawData bool
	)
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if isEOF(err) {
				break // the end of the chunk list
			}
			return nil, fmt.Errorf("%s: %w", c.Prefix, err)
		}
		pos += 8
		id, size := string(hdr[:4]), int64(c.Order.Uint32(hdr[4:]))
		switch {
		case id == c.Format && !sawFmt:
			name := strings.TrimSpace(id)
			if size < c.MinFormat {
				return nil, fmt.Errorf("%s: %s chunk is too short (%d bytes)", c.Prefix, name, size)
			}
			body := make([]byte, min(size, int64(c.MaxFormat)))
			if _, err := io.ReadFull(r, body); err != nil {
				return nil, ReadErr(c.Prefix, name+" chunk", err)
			}
			if err := Skip(r, size-int64(len(body))+size&1); err != nil && !isEOF(err) {
				return nil, fmt.Errorf("%s: %w", c.Prefix, err)
			}
			pos += size + size&1
			if err := format(body, size); err != nil {
				return nil, err
			}
			sawFmt = true
			if !sawData {
				continue
			}
			if ch.Early == nil {
				if _, err := seeker.Seek(ch.Offset-pos, io.SeekCurrent); err != nil {
					return nil, fmt.Errorf("%s: %w", c.Prefix, err)
				}
			}
			return &ch, nil
		case id == c.Data && sawFmt:
			ch.Offset, ch.Size = pos, size
			return &ch, nil
		case id == c.Data && !sawData:
			ch.Offset, ch.Size, sawData = pos, size, true
			body := size
			if seeker == nil {
				early, err := readEarly(r, size)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", c.Prefix, err)
				}
				ch.Early, body = early, 0 // read: only the pad byte is left
			}
			if err := Skip(r, body+size&1); err != nil && !isEOF(err) {
				return nil, fmt.Errorf("%s: %w", c.Prefix, err)
			}
			pos += size + size&1
		default:
			if err := Skip(r, size+size&1); err != nil && !isEOF(err) {
				return nil, fmt.Errorf("%s: skipping %q chunk: %w", c.Prefix, id, err)
			}
			pos += size + size&1
		}
	}
	if !sawFmt {
		return nil, fmt.Errorf("%s: no %s chunk", c.Prefix, strings.TrimSpace(c.Format))
	}
	return nil, fmt.Errorf("%s: no %s chunk", c.Prefix, strings.TrimSpace(c.Data))
}

// readEarly reads a data chunk that came before the format chunk, up to size
// bytes or the end of r, growing the buffer only as bytes arrive. It never
// returns nil without an error.
func readEarly(r io.Reader, size int64) ([]byte, error) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, min(size, maxEarly+1)))
	if err != nil {
		return nil, fmt.Errorf("reading data: %w", err)
	}
	if n > maxEarly {
		return nil, errors.New(tooBig)
	}
	if n == 0 {
		return []byte{}, nil
	}
	return buf.Bytes(), nil
}

// skipSeekMin is the smallest skip that Skip makes by seeking: below it,
// reading costs less than the system calls.
const skipSeekMin = 64 << 10

// Skip discards n bytes of r. It returns io.EOF if r ends first.
func Skip(r io.Reader, n int64) error {
	if n <= 0 {
		return nil
	}
	if s, ok := r.(io.Seeker); ok && n >= skipSeekMin {
		if left, err := Available(r); err == nil && left >= 0 {
			if n > left {
				_, err := s.Seek(left, io.SeekCurrent)
				if err == nil {
					err = io.EOF
				}
				return err
			}
			_, err := s.Seek(n, io.SeekCurrent)
			return err
		}
	}
	m, err := io.CopyN(io.Discard, r, n)
	if m < n && err == nil {
		err = io.EOF
	}
	return err
}

// Available returns how many bytes are left in r, or -1 if that cannot be
// known without reading. It fails only if it moved r and could not move it
// back.
func Available(r io.Reader) (int64, error) {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(r.Len()), nil
	case io.Seeker:
		cur, err := r.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1, nil
		}
		end, err := r.Seek(0, io.SeekEnd)
		if _, err := r.Seek(cur, io.SeekStart); err != nil {
			return -1, err
		}
		if err != nil || end < cur {
			return -1, nil
		}
		return end - cur, nil
	}
	return -1, nil
}

func isEOF(err error) bool { return err == io.EOF || err == io.ErrUnexpectedEOF }

// ReadErr reports a failed read of a required part of the file.
func ReadErr(prefix, what string, err error) error {
	if isEOF(err) {
		return fmt.Errorf("%s: truncated %s", prefix, what)
	}
	return fmt.Errorf("%s: reading %s: %w", prefix, what, err)
}
