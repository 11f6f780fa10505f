package codec

import (
	"bytes"
	"fmt"
	"io"
)

// kind is a recognised file format.
type kind int

const (
	kindWAV kind = iota
	kindAIFF
	kindFLAC
	kindMP3
	kindVorbis
)

// String returns the prefix of the kind's error messages: "wav", "aiff", ….
func (k kind) String() string {
	return [...]string{kindWAV: "wav", kindAIFF: "aiff", kindFLAC: "flac", kindMP3: "mp3", kindVorbis: "vorbis"}[k]
}

// File returns the kind for a musician: "a WAV file", "an AIFF file", ….
func (k kind) File() string {
	return [...]string{kindWAV: "a WAV file", kindAIFF: "an AIFF file", kindFLAC: "a FLAC file", kindMP3: "an MP3 file", kindVorbis: "an Ogg Vorbis file"}[k]
}

// pcm reports whether files of kind k are uncompressed.
func (k kind) pcm() bool { return k == kindWAV || k == kindAIFF }

// sniffLen is how much of the file sniff looks at (after any ID3v2 tags): an
// Ogg page header with its segment table and the start of the first packet,
// or two MP3 frames.
const sniffLen = 4096

// sniff recognises the format of r from its content and leaves r positioned
// where that format's decoder must start: at 0, or after ID3v2 tags for FLAC
// and MP3 (WAV and AIFF must start at 0: their headers locate the samples). Formats it recognises but does not support give a specific error;
// anything else wraps ErrUnsupported.
func sniff(r io.ReadSeeker) (kind, error) {
	end, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, err
	}
	var start int64
	head := make([]byte, sniffLen)
	for tags := 0; ; tags++ {
		if _, err := r.Seek(start, io.SeekStart); err != nil {
			return 0, err
		}
		n, err := io.ReadFull(r, head[:cap(head)])
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return 0, err
		}
		head = head[:n]
		// ID3v2 tags (several, at worst) precede MP3, and sometimes FLAC.
		size, ok := id3Size(head)
		if !ok || tags == 8 {
			break
		}
		start += size
		if start > end {
			// A tag longer than the file: nothing follows it. (Not every
			// file seeks past its end: fstest.MapFS's and embed.FS's refuse.)
			start, head = end, head[:0]
			break
		}
	}
	if _, err := r.Seek(start, io.SeekStart); err != nil {
		return 0, err
	}
	switch {
	case len(head) >= 12 && string(head[8:12]) == "WAVE" && (string(head[:4]) == "RIFF" || string(head[:4]) == "RIFX" || string(head[:4]) == "RF64"):
		if start != 0 {
			break
		}
		return kindWAV, nil // wav.Decode explains RIFX and RF64
	case bytes.HasPrefix(head, []byte("fLaC")):
		return kindFLAC, nil
	case bytes.HasPrefix(head, []byte("OggS")):
		return sniffOgg(head)
	case len(head) >= 12 && string(head[:4]) == "FORM" && (string(head[8:12]) == "AIFF" || string(head[8:12]) == "AIFC"):
		if start != 0 {
			break
		}
		return kindAIFF, nil
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		return 0, unsupported("MP4/M4A")
	case bytes.HasPrefix(head, []byte("MThd")):
		return 0, unsupported("a Standard MIDI File")
	case bytes.HasPrefix(head, []byte(".snd")):
		return 0, unsupported("Sun/NeXT .au")
	case mp3Frames(head):
		return kindMP3, nil
	}
	return 0, ErrUnsupported
}

// unsupported reports a format that sniff recognises but gridbox does not
// decode.
func unsupported(what string) error {
	return fmt.Errorf("%w: found %s", ErrUnsupported, what)
}

// id3Size returns the total size of the ID3v2 tag at the start of b.
func id3Size(b []byte) (int64, bool) {
	if len(b) < 10 || string(b[:3]) != "ID3" || b[3] == 0xFF || b[4] == 0xFF {
		return 0, false
	}
	var size int64
	for _, c := range b[6:10] {
		if c&0x80 != 0 {
			return 0, false // sizes are syncsafe: 7 bits per byte
		}
		size = size<<7 | int64(c)
	}
	size += 10
	if b[5]&0x10 != 0 {
		size += 10 // footer
	}
	return size, true
}

// sniffOgg tells Vorbis apart from the other codecs Ogg carries, using the
// first packet of the first page.
func sniffOgg(head []byte) (kind, error) {
	if len(head) < 27 {
		return 0, ErrUnsupported
	}
	packet := head[27:]
	if segs := int(head[26]); len(packet) >= segs {
		packet = packet[segs:]
	}
	switch {
	case bytes.HasPrefix(packet, []byte("\x01vorbis")):
		return kindVorbis, nil
	case bytes.HasPrefix(packet, []byte("OpusHead")):
		return 0, unsupported("Ogg Opus")
	case bytes.HasPrefix(packet, []byte("\x7FFLAC")):
		return 0, unsupported("Ogg FLAC")
	case bytes.HasPrefix(packet, []byte("Speex")):
		return 0, unsupported("Ogg Speex")
	}
	return 0, unsupported("an Ogg stream that is not Vorbis")
}

// mp3Frames reports whether b starts with an MPEG audio frame header that is
// followed by another (when b is long enough to hold the next header): a
// single valid-looking header is too weak a signature on its own.
func mp3Frames(b []byte) bool {
	n, ok := mp3FrameLen(b)
	if !ok {
		return false
	}
	if len(b) < n+4 {
		return true
	}
	m, ok := mp3FrameLen(b[n:])
	// The next frame must agree on version, layer and sample rate.
	return ok && m > 0 && b[n+1]&0xFE == b[1]&0xFE && b[n+2]&0x0C == b[2]&0x0C
}

// Bit rates in kbit/s by [MPEG-1?][layer III?]... only the rows needed to
// compute frame lengths: MPEG-1 and MPEG-2/2.5, layers I, II, III.
var mp3Bitrates = [2][3][15]int{
	{ // MPEG-1
		{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448}, // layer I
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},    // layer II
		{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},     // layer III
	},
	{ // MPEG-2 and 2.5
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
	},
}

var mp3Rates = [3]int{44100, 48000, 32000}

// mp3FrameLen parses the MPEG audio frame header at the start of b and
// returns the frame's length in bytes.
func mp3FrameLen(b []byte) (int, bool) {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return 0, false
	}
	version := b[1] >> 3 & 3 // 0: MPEG-2.5, 1: reserved, 2: MPEG-2, 3: MPEG-1
	layer := b[1] >> 1 & 3   // 0: reserved, 1: III, 2: II, 3: I
	bitrate := int(b[2] >> 4)
	rateIdx := int(b[2] >> 2 & 3)
	if version == 1 || layer == 0 || bitrate == 0 || bitrate == 15 || rateIdx == 3 {
		return 0, false // bitrate 0 is "free format", which nobody writes
	}
	v := 1
	rate := mp3Rates[rateIdx]
	switch version {
	case 3:
		v = 0
	case 2:
		rate /= 2
	case 0:
		rate /= 4
	}
	kbps := mp3Bitrates[v][3-layer][bitrate]
	pad := int(b[2] >> 1 & 1)
	switch {
	case layer == 3: // layer I: 4-byte slots
		return (12*kbps*1000/rate + pad) * 4, true
	case layer == 1 && v == 1: // layer III, MPEG-2/2.5: 576 samples a frame
		return 72*kbps*1000/rate + pad, true
	default:
		return 144*kbps*1000/rate + pad, true
	}
}
