package codec

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hajimehoshi/go-mp3"

	"gridbox/audio"
)

// decoderDelay is the delay, in samples, of every standard MPEG layer III
// decoder's synthesis filterbank (go-mp3's included); LAME's gapless
// information is written relative to it.
const decoderDelay = 529

// decodeMP3 decodes an MPEG-1/2 layer III stream that starts at r.
//
// go-mp3 always produces 16-bit stereo, duplicating a mono stream; the Buffer
// keeps it stereo. go-mp3 ignores the Xing/Info frame (it decodes to a frame
// of silence) and the encoder delay and padding recorded in LAME's extension
// of it, which add about 50 ms of silence at the start of every file: a clip
// launched on the beat would sound late. decodeMP3 removes them, so a file
// encoded by LAME decodes to exactly the samples that were encoded (as
// ffmpeg and mpg123 do).
//
// go-mp3 silently drops a last frame that is cut off; decodeMP3 reports a
// stream cut short against the frame count of the Xing/Info header, or,
// without one, by walking the frame headers to the end of the file.
func decodeMP3(r io.ReadSeeker) (*audio.Buffer, string, error) {
	start, err := r.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, "", err
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
		return nil, "", mp3Error(err)
	}
	rate := d.SampleRate()
	buf := make([]byte, 64<<10)
	var out []float32
	for {
		n, err := io.ReadFull(d, buf)
		n -= n % 4
		start := len(out)
		var gerr error
		if out, gerr = grow(out, n/2); gerr != nil {
			return nil, "", gerr
		}
		for i := range out[start:] {
			out[start+i] = float32(int16(binary.LittleEndian.Uint16(buf[2*i:]))) * 0x1p-15
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, "", fmt.Errorf("frame at %s is damaged", seconds(len(out)/2, rate))
		}
	}
	// The padding is only removed when the file holds the frames its header
	// counts: a file cut or joined by a tool that left the header alone
	// keeps all its audio.
	decoded := len(out) / 2
	if g.frames >= 0 && decoded == g.decoded {
		out = out[:2*min(g.skip+g.frames, g.decoded)]
	}
	out = out[2*min(g.skip, len(out)/2):]
	b := &audio.Buffer{Rate: rate, Channels: 2, Data: out}
	switch {
	case g.frames >= 0 && decoded < g.decoded && b.Frames() < g.frames:
		return b, endsAt("MP3", int64(b.Frames()), int64(g.frames), rate), nil
	case g.frames < 0:
		if _, err := r.Seek(start, io.SeekStart); err != nil {
			return nil, "", err
		}
		if mp3CutOff(r) {
			return b, endsMidFrame("MP3", int64(b.Frames()), rate), nil
		}
	}
	return b, "", nil
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
