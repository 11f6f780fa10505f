package codec

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"

	"gridbox/audio"
	"gridbox/audio/wav"
)

// ErrNotCompressed reports a file that Spool has no need to spool: it is an
// uncompressed WAV or AIFF file, which OpenPCM reads at any position as it
// is.
var ErrNotCompressed = errors.New("not a compressed (FLAC, MP3, Ogg Vorbis) file")

// maxSpoolFrames is the most frames a spool file holds (a WAV file's 4 GiB),
// lowered by tests.
var maxSpoolFrames = wav.MaxFrames

// Spooled is a compressed file decoded by Spool into an uncompressed
// temporary file: a PCMFile that reads its frames at any position (Rate,
// Channels, Frames, ReadFrames, and ReadPCM16 where Bits is 16), bit-identical
// to the Buffer Decode returns for the file.
//
// Its owner (one goroutine at a time, as for any PCMFile) closes it once it
// no longer reads it: the temporary file has no name, so Close, or the end
// of the process, gives its disk space back.
type Spooled struct {
	*PCMFile
	f *os.File
}

// Close closes the temporary file, whose space the kernel then reclaims.
// The Spooled must not be read after, nor during, Close.
func (s *Spooled) Close() error { return s.f.Close() }

// Spool decodes the compressed file name in fsys (FLAC, MP3 or Ogg Vorbis)
// chunk by chunk into an uncompressed temporary file in dir — 16-bit PCM
// where the decoder's output is 16-bit-exact (MP3, FLAC of up to 16 bits),
// 32-bit float otherwise — and returns it opened for reading frames at any
// position, with the same Problems LoadFile reports (truncation, misnaming).
// Its frames are bit-identical to the Buffer Decode returns for the file
// (but for NaN and infinite samples, which only a damaged Vorbis stream
// could hold: they read as 0, as from any float WAV file).
//
// The temporary file is unlinked as soon as it is open (on Linux it is
// made without a name at all, O_TMPFILE), so nothing is left behind when the
// process ends, however it ends (kill -9, power cut): its space is the
// kernel's to reclaim. A failure (a damaged file, a full or unwritable dir)
// leaves nothing in dir either. dir should be on a disk, not on a tmpfs
// (whose files are memory): on Raspberry Pi OS and Debian /var/tmp is, /tmp
// may not be.
//
// Memory use is bounded by the decoder's state and one chunk, not the file's
// length: the file is read as it decodes, never whole (so MaxFileSize does
// not apply; fsys's file must be an io.ReadSeeker, as files of os.DirFS and
// os.Root's FS are, or it is read whole within MaxFileSize). The temporary
// file holds at most 4 GiB (6.7 hours of 16-bit stereo at 44.1 kHz), not
// Decode's 1 GiB of float32.
//
// Errors are Decode's, in plain words and naming the file: a file that is
// not audio wraps ErrUnsupported, a compressed file damaged mid-way fails
// as Decode fails it, and a WAV or AIFF file gets an error wrapping
// ErrNotCompressed (read it with OpenPCM instead). A dir that cannot take
// the temporary file gives `codec: "x.flac": writing its decoded copy in
// "DIR": no space left on device` (wrapping the system's error).
//
// Spool runs on the control side, when a set loads; it is safe for
// concurrent use on different files (gridbox spools a set's samples in
// parallel), and the Spooled it returns belongs to the caller.
func Spool(fsys fs.FS, name, dir string) (*Spooled, []Problem, error) {
	f, size, err := openFile(fsys, name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r, ok := f.(io.ReadSeeker)
	if !ok {
		if r, err = readWhole(f, size, name); err != nil {
			return nil, nil, err
		}
	}
	k, err := sniff(r)
	if err != nil {
		return nil, nil, fmt.Errorf("codec: %q: %w", name, err)
	}
	if k.pcm() {
		return nil, nil, fmt.Errorf("codec: %q: %w: it is %s (read it with OpenPCM)", name, ErrNotCompressed, k.File())
	}
	tmp, err := createUnlinked(dir)
	if err != nil {
		return nil, nil, spoolError(name, dir, err)
	}
	tmpSize, cut, err := safely(r, func(r io.ReadSeeker) (int64, string, error) {
		return spool(tmp, r, k.opener())
	})
	var p *PCMFile
	if err == nil {
		p, err = OpenPCM(tmp, tmpSize, name)
	} else if w := (*writeError)(nil); errors.As(err, &w) {
		err = spoolError(name, dir, w.err)
	} else {
		err = decodeError(name, k, err)
	}
	if err != nil {
		tmp.Close()
		return nil, nil, err
	}
	return &Spooled{PCMFile: p, f: tmp}, problems(name, k, cut), nil
}

// spoolError is Spool's error for err, met making or writing the temporary
// file in dir: the system's reason, without the file's own name (it has
// none).
func spoolError(name, dir string, err error) error {
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("codec: %q: writing its decoded copy in %q: %w", name, dir, err)
}

// A writeError is an error of the temporary file, not of the stream.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// errNot16 says that a stream whose decoder promised 16-bit samples has one
// that is not.
var errNot16 = errors.New("a sample is not 16-bit")

// spool decodes the stream at r into f, an empty temporary file, and
// returns f's size. The samples go to f as 16-bit integers if the decoder
// promises them (and they prove to be; if not, spool starts again in
// float), otherwise as float32.
func spool(f *os.File, r io.ReadSeeker, open opener) (int64, string, error) {
	at, err := r.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, "", err
	}
	cut, err := spoolAs(f, r, open, true)
	if err == errNot16 {
		if err = f.Truncate(0); err != nil {
			return 0, "", &writeError{err}
		}
		if _, err = f.Seek(0, io.SeekStart); err != nil {
			return 0, "", &writeError{err}
		}
		if _, err = r.Seek(at, io.SeekStart); err != nil {
			return 0, "", err
		}
		cut, err = spoolAs(f, r, open, false)
	}
	if err != nil {
		return 0, "", err
	}
	size, err := f.Seek(0, io.SeekCurrent) // the Writer leaves f at its end
	if err != nil {
		return 0, "", &writeError{err}
	}
	return size, cut, nil
}

// spoolAs is spool in 16-bit (if pcm16 and the decoder promises 16-bit
// samples) or float.
func spoolAs(f *os.File, r io.ReadSeeker, open opener, pcm16 bool) (string, error) {
	d, err := start(open, r)
	if err != nil {
		return "", err
	}
	rate, channels, is16 := d.format()
	format := audio.Format{SampleRate: rate, Channels: channels}
	sf := wav.Float32
	if pcm16 && is16 {
		sf = wav.Int16
	}
	w, err := wav.NewWriter(f, format, sf)
	if err != nil {
		return "", &writeError{err}
	}
	var (
		frames, limit = int64(0), maxSpoolFrames(format, sf)
		ints          []int16
	)
	for {
		c, err := d.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		if frames += int64(len(c) / channels); frames > limit {
			return "", errors.New("is too long: it decodes to more than the 4 GiB a temporary WAV file holds")
		}
		if sf == wav.Int16 {
			ints = ints[:0]
			if ints, err = appendPCM16(ints, c); err != nil {
				return "", err
			}
			err = w.WritePCM16(ints)
		} else {
			err = w.Write(c)
		}
		if err != nil {
			return "", &writeError{err}
		}
	}
	cut, err := d.cut()
	if err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", &writeError{err}
	}
	return cut, nil
}

// appendPCM16 appends the samples of src, 16-bit integers scaled by 2^-15,
// to dst as those integers, or fails with errNot16 if one is not such an
// integer (bit for bit: the int16 must read back as the very float32).
func appendPCM16(dst []int16, src []float32) ([]int16, error) {
	for _, x := range src {
		v := x * 0x1p15
		if !(v >= math.MinInt16 && v <= math.MaxInt16) {
			return nil, errNot16
		}
		i := int16(v)
		if math.Float32bits(float32(i)*0x1p-15) != math.Float32bits(x) {
			return nil, errNot16
		}
		dst = append(dst, i)
	}
	return dst, nil
}

// createUnlinked makes a file in dir that no name leads to: with O_TMPFILE
// where the system and the file system have it (Linux, most disk file
// systems and tmpfs), otherwise a file removed as soon as it is made.
func createUnlinked(dir string) (*os.File, error) {
	f, err := openTmpfile(dir)
	if err != errNoTmpfile {
		return f, err
	}
	return createRemoved(dir)
}

// createRemoved makes a file in dir and removes it at once.
func createRemoved(dir string) (*os.File, error) {
	f, err := os.CreateTemp(dir, ".gridbox-spool-*")
	if err != nil {
		return nil, err
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
