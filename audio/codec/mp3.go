package codec

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hajimehoshi/go-mp3"
)

// decoderDelay is the delay, in samples, of every standard MPEG layer III
// decoder's synthesis filterbank (go-mp3's included); LAME's gapless
// information is written relative to it.
const decoderDelay = 529

// mp3Decoder decodes an MPEG-1/2 layer III stream, 16 Ki frames per chunk.
//
// go-mp3 always produces 16-bit stereo, duplicating a mono stream; the chunks
// keep it stereo. go-mp3 ignores the Xing/Info frame (it decodes to a frame
// of silence) and the encoder delay and padding recorded in LAME's extension
// of it, which add about 50 ms of silence at the start of every file: a clip
// launched on the beat would sound late. mp3Decoder removes them, so a file
// encoded by LAME decodes to exactly the samples that were encoded (as
// ffmpeg and mpg123 do). Whether the frames at the end are padding is only
// known at the end of the file (see next), so the last few thousand frames
// are held back until then.
//
// go-mp3 silently drops a last frame that is cut off; mp3Decoder reports a
// stream cut short against the frame count of the Xing/Info header, or,
// without one, by walking the frame headers to the end of the file.
type mp3Decoder struct {
	r       io.ReadSeeker
	start   int64 // where the stream starts in r
	d       *mp3.Decoder
	rate    int
	g       gapless
	buf     []byte    // go-mp3's output: 16-bit little-endian stereo
	chunk   []float32 // buf converted
	held    []float32 // decoded music frames not yet returned (with a frame count only)
	sent    int       // samples at the start of held that the last next returned
	decoded int       // frames decoded, the Info frame included
	emitted int       // frames returned
	err     error     // what next returns once it has returned every frame
}

func openMP3(r io.ReadSeeker) (chunkDecoder, error) {
	start, err := r.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, 8<<10)
	first, _ := br.Peek(4)
	if n, ok := mp3FrameLen(first); ok {
		first, _ = br.Peek(n)
	}
	g := readGapless(first)

	// Hiding Seek stops go-mp3 from scanning the whole file for its length
	// (and from rewinding to 0, before any ID3 tag that sniff skipped).
	d, err := mp3.NewDecoder(br)
	if err != nil {
		return nil, mp3Error(err)
	}
	const chunk = 64 << 10 // bytes of go-mp3's output: 16 Ki frames
	return &mp3Decoder{r: r, start: start, d: d, rate: d.SampleRate(), g: g, buf: make([]byte, chunk), chunk: make([]float32, chunk/2)}, nil
}

func (m *mp3Decoder) format() (int, int, bool) { return m.rate, 2, true }

// next returns the decoded frames but the gapless information's: the first
// g.skip, and, if the file holds exactly the frames its header counts, those
// after g.skip+g.frames (the padding). The padding is only removed then: a
// file cut or joined by a tool that left the header alone keeps all its
// audio. So, with a frame count, frames from g.skip+g.frames on are held
// until the end of the file, or until the file turns out to hold more
// frames than its header counts.
func (m *mp3Decoder) next() ([]float32, error) {
	m.held = m.held[:copy(m.held, m.held[m.sent:])]
	m.sent = 0
	for m.err == nil {
		c, at := m.read()
		if skip := min(max(m.g.skip-at, 0), len(c)/2); skip > 0 {
			c = c[2*skip:]
		}
		if m.g.frames < 0 {
			if len(c) > 0 {
				m.emitted += len(c) / 2
				return c, nil
			}
			continue
		}
		m.held = append(m.held, c...)
		// held starts at frame g.skip+emitted of the decoded stream.
		music := min(m.g.skip+m.g.frames, m.g.decoded) - (m.g.skip + m.emitted)
		if m.decoded > m.g.decoded {
			music = len(m.held) / 2 // more frames than counted: none is padding
		}
		if n := min(max(music, 0), len(m.held)/2); n > 0 {
			return m.send(n), nil
		}
	}
	if m.err == io.EOF && m.g.frames >= 0 && m.decoded != m.g.decoded && len(m.held) > 0 {
		return m.send(len(m.held) / 2), nil // not the counted frames: keep them all
	}
	return nil, m.err
}

// send returns the first n frames of held.
func (m *mp3Decoder) send(n int) []float32 {
	m.sent = 2 * n
	m.emitted += n
	return m.held[:2*n]
}

// read decodes the next piece of the stream into chunk and returns it with
// the index of its first frame; at the end of the stream, or at damage, it
// sets err.
func (m *mp3Decoder) read() ([]float32, int) {
	n, err := io.ReadFull(m.d, m.buf)
	n -= n % 4
	c := m.chunk[:n/2]
	for i := range c {
		c[i] = float32(int16(binary.LittleEndian.Uint16(m.buf[2*i:]))) * 0x1p-15
	}
	at := m.decoded
	m.decoded += n / 4
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		m.err = io.EOF
	case err != nil:
		m.err = fmt.Errorf("frame at %s is damaged", seconds(m.decoded, m.rate))
	}
	return c, at
}

func (m *mp3Decoder) cut() (string, error) {
	switch {
	case m.g.frames >= 0 && m.decoded < m.g.decoded && m.emitted < m.g.frames:
		return endsAt("MP3", int64(m.emitted), int64(m.g.frames), m.rate), nil
	case m.g.frames < 0:
		if _, err := m.r.Seek(m.start, io.SeekStart); err != nil {
			return "", err
		}
		if mp3CutOff(m.r) {
			return endsMidFrame("MP3", int64(m.emitted), m.rate), nil
		}
	}
	return "", nil
}

// mp3Error puts go-mp3's errors for a stream it cannot start in plain words.
func mp3Error(err error) error {
	switch msg := err.Error(); {
	case isEOF(err):
		return errors.New("stream ends before its first whole frame (truncated)")
	case strings.Contains(msg, "layer3"):
		return errors.New("MPEG layer I and II audio is not supported, only layer III (MP3)")
	case strings.Contains(msg, "2.5"):
		return errors.New("MPEG 2.5 audio is not supported")
	case strings.Contains(msg, "free bitrate"):
		return errors.New("free-format bit rates are not supported")
	}
	return errors.New("first frame is damaged")
}

// mp3CutOff walks the MPEG audio frames from the position of r and reports
// whether the last one runs past the end of the file. The walk stops without
// a verdict at anything that is not a frame header (a trailing ID3v1 or APE
// tag, or junk).
func mp3CutOff(r io.Reader) bool {
	br := bufio.NewReaderSize(r, 16<<10)
	for {
		head, err := br.Peek(4)
		if len(head) == 0 {
			return false // the end, between frames
		}
		n, ok := mp3FrameLen(head)
		if !ok {
			return err != nil && head[0] == 0xFF // a partial header at the very end is a cut too
		}
		if m, _ := br.Discard(n); m < n {
			return true
		}
	}
}

// gapless says which decoded frames of an MP3 are music.
type gapless struct {
	skip    int // frames to drop at the start
	frames  int // frames to keep after that, or -1 for all
	decoded int // frames the whole file decodes to, Info frame included, if frames >= 0
}

// readGapless reads the Xing/Info header (and LAME's extension of it) in the
// first MPEG frame, if there is one.
//
// Layout (LAME's "Mp3 Info Tag rev 1" spec): after the 4-byte frame header,
// the 2-byte CRC if present and the side information, "Xing" or "Info", a
// 4-byte big-endian flag word, then the fields the flags announce (frame
// count, byte count, a 100-byte TOC, a quality word). LAME's extension
// follows: a 9-byte encoder version, and 21 bytes in, 12 bits of encoder
// delay and 12 bits of padding.
func readGapless(f []byte) gapless {
	none := gapless{frames: -1}
	if len(f) < 4 {
		return none
	}
	mpeg1 := f[1]>>3&3 == 3
	mono := f[3]>>6 == 3
	spf := 1152 // samples per frame
	side := 32
	switch {
	case mpeg1 && mono:
		side = 17
	case !mpeg1 && mono:
		spf, side = 576, 9
	case !mpeg1:
		spf, side = 576, 17
	}
	p := 4 + side
	if f[1]&1 == 0 {
		p += 2 // CRC
	}
	if len(f) < p+8 || (string(f[p:p+4]) != "Xing" && string(f[p:p+4]) != "Info") {
		return none
	}
	flags := binary.BigEndian.Uint32(f[p+4:])
	p += 8
	g := gapless{skip: spf, frames: -1} // the Info frame decodes to silence
	var count int
	if flags&1 != 0 {
		if len(f) < p+4 {
			return g
		}
		count = int(binary.BigEndian.Uint32(f[p:]))
		p += 4
	}
	if flags&2 != 0 {
		p += 4 // byte count
	}
	if flags&4 != 0 {
		p += 100 // seek table of contents
	}
	if flags&8 != 0 {
		p += 4 // quality
	}
	if len(f) < p+24 {
		return g
	}
	switch string(f[p : p+4]) {
	case "LAME", "Lavf", "Lavc":
	default:
		return g
	}
	delay := int(f[p+21])<<4 | int(f[p+22])>>4
	padding := int(f[p+22]&0x0F)<<8 | int(f[p+23])
	g.skip += delay + decoderDelay
	if flags&1 != 0 && count > 0 && count < 1<<24 {
		g.frames = max(0, count*spf-delay-padding)
		g.decoded = (count + 1) * spf
	}
	return g
}
