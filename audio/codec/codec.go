package codec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"strings"

	"gridbox/audio"
	"gridbox/audio/aiff"
	"gridbox/audio/internal/pcm"
	"gridbox/audio/wav"
)

// MaxFileSize is the largest file DecodeFile reads.
const MaxFileSize = 512 << 20

// fileLimit is MaxFileSize, lowered by tests.
var fileLimit int64 = MaxFileSize

// maxSamples caps a decoded Buffer, as in audio/wav: 1 GiB of float32.
const maxSamples = wav.MaxSamples

// ErrUnsupported reports a file that is not in any supported format.
var ErrUnsupported = errors.New("not a supported audio file (WAV, AIFF, FLAC, MP3, Ogg Vorbis)")

// errTooBig reports a file that would decode to more than maxSamples.
var errTooBig = fmt.Errorf("decodes to more than %d samples (1 GiB of float32)", maxSamples)

// Decode sniffs the content (not the file name) of r and decodes WAV
// (audio/wav), AIFF and AIFF-C (audio/aiff), FLAC (mewkiz/flac), MP3
// (hajimehoshi/go-mp3) or Ogg Vorbis (jfreymuth/oggvorbis) from the start of
// r. name is used in messages, and its extension is compared with the
// content. Errors read `codec: "samples/x.wav": not a supported audio file
// (WAV, AIFF, FLAC, MP3, Ogg Vorbis)` or `codec: "x.flac": flac: header is
// damaged`: the file's name, the format and the reason in plain words,
// never a decoder's internals. An unknown format wraps ErrUnsupported.
//
// The Buffer is mono or stereo float32: integer samples of any bit depth are
// scaled by 1/2^(bits-1) into [-1, 1); MP3 is always stereo (go-mp3 decodes
// to 16-bit stereo, duplicating a mono stream), with the encoder delay and
// padding recorded in a LAME/Xing header removed; Vorbis is float. Files
// with more than two channels keep front left and right. The sample rate
// must be within wav.MinRate..wav.MaxRate.
//
// Problems: a file that decodes but is not what it should be comes back
// with its Buffer and a list of Problems (otherwise nil). A file cut short,
// or whose header claims more than it holds, decodes the whole frames there
// are and is reported Truncated: FLAC and MP3 (with a LAME/Xing header)
// against the length their headers declare, WAV and AIFF against the sizes
// of their chunks, MP3 without a length and Ogg Vorbis by a last frame or
// page that is cut off or missing. A compressed file with no whole frame is
// an error. A file whose extension names another format is reported
// Misnamed; it decodes as what it is.
//
// The third-party decoders can panic on corrupt input (FuzzDecode found
// oggvorbis v1.0.5 indexing out of range on an Ogg page without segments;
// TestOggPanicRecovered keeps it). Decode recovers such a panic and
// returns it as an error: a damaged sample in a set must fail that sample,
// not take the instrument down. This is the only place gridbox recovers from
// a panic; it is sound here because the decoders share no state with the rest
// of the program, and their half-built output is dropped.
func Decode(r io.ReadSeeker, name string) (*audio.Buffer, []Problem, error) {
	return decode(r, name, false)
}

func decode(r io.ReadSeeker, name string, compact bool) (*audio.Buffer, []Problem, error) {
	k, err := sniff(r)
	if err != nil {
		return nil, nil, fmt.Errorf("codec: %q: %w", name, err)
	}
	var (
		b   *audio.Buffer
		cut string // what is missing, if the file is cut short
	)
	if k.pcm() {
		b, cut, err = decodePCM(r, k, compact)
	} else {
		b, cut, err = safely(r, whole(k.opener()))
	}
	if err == nil {
		err = check(b)
	}
	if err != nil {
		return nil, nil, decodeError(name, k, err)
	}
	return b, problems(name, k, cut), nil
}

// decodeError is Decode's error for err, which decoding the file name of
// kind k met: `codec: "x.flac": flac: frame at 0.31 s is damaged`.
func decodeError(name string, k kind, err error) error {
	prefix := k.String() + ": "
	if strings.HasPrefix(err.Error(), prefix) {
		return fmt.Errorf("codec: %q: %w", name, err)
	}
	return fmt.Errorf("codec: %q: %s%w", name, prefix, err)
}

// problems lists what is wrong with the file name of kind k, which decoded:
// cut short (cut says what is missing, if anything) or named as another
// format.
func problems(name string, k kind, cut string) []Problem {
	problems := misnamed(name, k)
	if cut != "" {
		problems = append([]Problem{{Truncated, cut}}, problems...)
	}
	return problems
}

// decodePCM decodes a WAV or AIFF file that starts at the start of r.
func decodePCM(r io.ReadSeeker, k kind, compact bool) (*audio.Buffer, string, error) {
	size, err := r.Seek(0, io.SeekEnd)
	if err == nil {
		_, err = r.Seek(0, io.SeekStart)
	}
	if err != nil {
		return nil, "", err
	}
	s, err := readStream(k, r)
	if err != nil {
		return nil, "", err
	}
	b, err := s.Decode(r, compact)
	if err != nil {
		return nil, "", err
	}
	return b, pcmTruncated(s, size), nil
}

// readStream reads the header of a WAV or AIFF file.
func readStream(k kind, r io.Reader) (*pcm.Stream, error) {
	if k == kindAIFF {
		return aiff.ReadStream(r)
	}
	return wav.ReadStream(r)
}

// DecodeFile opens name in fsys and decodes it with Decode: WAV and AIFF
// files stream from the file, others are read whole first.
// Callers pass an os.Root's FS so that names cannot escape the set's folder.
// Files larger than MaxFileSize are refused before they are read.
func DecodeFile(fsys fs.FS, name string) (*audio.Buffer, []Problem, error) {
	return decodeFile(fsys, name, false)
}

// LoadFile is DecodeFile for playback: 16-bit WAV and AIFF stay 16-bit in
// memory (Buffer.PCM16: exact, half the memory of float32), and large
// buffers live in audio's pre-faulted sample memory. gridbox loads sets with
// it.
func LoadFile(fsys fs.FS, name string) (*audio.Buffer, []Problem, error) {
	return decodeFile(fsys, name, true)
}

func decodeFile(fsys fs.FS, name string, compact bool) (*audio.Buffer, []Problem, error) {
	f, size, err := openFile(fsys, name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if err := checkSize(name, size); err != nil {
		return nil, nil, err
	}
	// WAV and AIFF, the bulk of a set, stream straight from the file:
	// reading them whole first would hold and zero a second copy of every
	// sample.
	if rs, ok := f.(io.ReadSeeker); ok && size > 0 {
		if k, err := sniff(rs); err == nil && k.pcm() {
			return decode(rs, name, compact)
		}
		if _, err := rs.Seek(0, io.SeekStart); err != nil {
			return nil, nil, fmt.Errorf("codec: %q: %w", name, err)
		}
	}
	r, err := readWhole(f, size, name)
	if err != nil {
		return nil, nil, err
	}
	return decode(r, name, compact)
}

// openFile opens name in fsys and returns it with the size Stat gives
// (0 if it gives none); a directory is an error.
func openFile(fsys fs.FS, name string) (fs.File, int64, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, 0, fmt.Errorf("codec: %w", err)
	}
	var size int64
	if st, err := f.Stat(); err == nil {
		if st.IsDir() {
			f.Close()
			return nil, 0, fmt.Errorf("codec: %q: is a directory", name)
		}
		size = st.Size()
	}
	return f, size, nil
}

// checkSize refuses a file of more than fileLimit bytes.
func checkSize(name string, size int64) error {
	if size > fileLimit {
		return fmt.Errorf("codec: %q: file is %d MiB, larger than the %d MiB limit", name, size>>20, fileLimit>>20)
	}
	return nil
}

// readWhole reads f (Stat says size bytes) into memory, up to fileLimit
// bytes, whatever Stat said.
func readWhole(f fs.File, size int64, name string) (*bytes.Reader, error) {
	if err := checkSize(name, size); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(int(size) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, fileLimit+1)); err != nil {
		return nil, fmt.Errorf("codec: %q: %w", name, err)
	}
	if int64(buf.Len()) > fileLimit {
		return nil, fmt.Errorf("codec: %q: file is larger than the %d MiB limit", name, fileLimit>>20)
	}
	return bytes.NewReader(buf.Bytes()), nil
}

// A decoder decodes a compressed stream that starts at the position of r
// (after any ID3 tags) and returns what is missing if it is cut short.
type decoder func(r io.ReadSeeker) (b *audio.Buffer, cut string, err error)

// safely runs a third-party decoder (or, for Spool, the code that drives
// one) on r, turning a panic into a *panicError (see Decode for why).
func safely[T any](r io.ReadSeeker, decode func(io.ReadSeeker) (T, string, error)) (v T, cut string, err error) {
	defer func() {
		if p := recover(); p != nil {
			var zero T
			v, cut, err = zero, "", &panicError{site: panicSite(), value: p}
		}
	}()
	return decode(r)
}

// A panicError is a decoder's panic, recovered. Its message is in plain
// words; site names the function that panicked, which tells a panic in
// gridbox's own code apart from one in a library (FuzzDecode fails on the
// former).
type panicError struct {
	site  string
	value any
}

func (e *panicError) Error() string { return "damaged data (the decoder crashed on it)" }

// panicSite returns the name of the function that panicked, when called from
// a deferred function during the panic: the first frame below the runtime's
// own.
func panicSite() string {
	pc := make([]uintptr, 32)
	frames := runtime.CallersFrames(pc[:runtime.Callers(3, pc)])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "runtime.") {
			return f.Function
		}
		if !more {
			return "an unknown function"
		}
	}
}

// check validates what a decoder produced.
func check(b *audio.Buffer) error {
	if err := checkFormat(b.Rate, b.Channels); err != nil {
		return err
	}
	if b.Len()%b.Channels != 0 {
		return fmt.Errorf("%d samples is not a whole number of frames", b.Len())
	}
	return nil
}

// checkFormat validates the format a decoder gives.
func checkFormat(rate, channels int) error {
	switch {
	case channels != 1 && channels != 2:
		return fmt.Errorf("%d channels", channels) // a bug here, not in the file
	case rate < wav.MinRate || rate > wav.MaxRate:
		return fmt.Errorf("sample rate %d Hz is out of range (%d..%d)", rate, wav.MinRate, wav.MaxRate)
	}
	return nil
}

// grow extends out by n samples and returns the extended slice, or errTooBig.
func grow(out []float32, n int) ([]float32, error) {
	if len(out)+n > maxSamples {
		return nil, errTooBig
	}
	if cap(out)-len(out) < n {
		out = append(out[:cap(out)], make([]float32, max(n, cap(out)))...)[:len(out)]
	}
	return out[:len(out)+n], nil
}
