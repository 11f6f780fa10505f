package codec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"gridbox/audio/internal/pcm/pcmtest"
)

// pcmVariant is a WAV or AIFF file of random samples for the PCMFile tests.
type pcmVariant struct {
	name string
	file []byte
	is16 bool
}

// pcmVariants builds a file of every sample format and chunk layout the
// uncompressed readers take, each holding frames frames of random bytes
// (random float bytes include NaNs and infinities, which decode as 0).
func pcmVariants(frames int, seed uint64) []pcmVariant {
	rng := rand.New(rand.NewPCG(seed, 1))
	data := func(channels, bits int) []byte {
		b := make([]byte, frames*channels*bits/8)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	wav := func(tag uint16, channels, bits int) []byte {
		return pcmtest.RIFF(pcmtest.Fmt(tag, channels, 44100, bits), pcmtest.Chunk{ID: "data", Body: data(channels, bits)})
	}
	aiff := func(channels, bits int) []byte {
		return pcmtest.AIFF(pcmtest.Comm(channels, frames, bits, 48000), pcmtest.SSND(0, data(channels, (bits+7)/8*8)))
	}
	aifc := func(kind string, channels, bits int) []byte {
		return pcmtest.AIFC(pcmtest.CommC(channels, frames, bits, 96000, kind, ""), pcmtest.SSND(0, data(channels, bits)))
	}
	pcm, float := uint16(pcmtest.TagPCM), uint16(pcmtest.TagIEEEFloat)
	return []pcmVariant{
		{"WAV u8 mono", wav(pcm, 1, 8), false},
		{"WAV s16 stereo", wav(pcm, 2, 16), true},
		{"WAV s16 mono", wav(pcm, 1, 16), true},
		{"WAV s24 mono", wav(pcm, 1, 24), false},
		{"WAV s32 stereo", wav(pcm, 2, 32), false},
		{"WAV f32 stereo", wav(float, 2, 32), false},
		{"WAV f64 mono", wav(float, 1, 64), false},
		{"WAV s16 6 channels", wav(pcm, 6, 16), true},
		{"WAV f32 4 channels", wav(float, 4, 32), false},
		{"WAV extensible s24 3 channels", pcmtest.RIFF(pcmtest.Ext(pcm, 3, 48000, 24, 20), pcmtest.Chunk{ID: "data", Body: data(3, 24)}), false},
		{"WAV data before fmt", pcmtest.RIFF(pcmtest.Chunk{ID: "JUNK", Body: make([]byte, 3)}, pcmtest.Chunk{ID: "data", Body: data(2, 24)}, pcmtest.Fmt(pcm, 2, 32000, 24)), false},
		{"AIFF s8 mono", aiff(1, 8), false},
		{"AIFF s16 stereo", aiff(2, 16), true},
		{"AIFF s24 stereo", aiff(2, 24), false},
		{"AIFF s32 mono", aiff(1, 32), false},
		{"AIFF 12-bit mono", aiff(1, 12), true},
		{"AIFF s16 5 channels", aiff(5, 16), true},
		{"AIFF SSND with offset, before COMM", pcmtest.AIFF(pcmtest.SSND(7, data(2, 16)), pcmtest.Chunk{ID: "COMT", Body: []byte("x")}, pcmtest.Comm(2, frames, 16, 22050)), true},
		{"AIFF-C sowt 16 stereo", aifc("sowt", 2, 16), true},
		{"AIFF-C sowt 24 mono", aifc("sowt", 1, 24), false},
		{"AIFF-C in24 stereo", aifc("in24", 2, 24), false},
		{"AIFF-C 23ni mono", aifc("23ni", 1, 32), false},
		{"AIFF-C fl32 stereo", aifc("fl32", 2, 32), false},
		{"AIFF-C fl64 stereo", aifc("fl64", 2, 64), false},
		{"AIFF-C raw mono", aifc("raw ", 1, 8), false},
	}
}

// cuts returns file whole, cut at a few places (mid-frame included), and with
// a header that claims ten times the samples.
func cuts(file []byte) map[string][]byte {
	out := map[string][]byte{"whole": file}
	for _, n := range []int{len(file) - 1, len(file) * 2 / 3, len(file)/3 + 1} {
		out[fmt.Sprintf("cut at %d of %d bytes", n, len(file))] = file[:n]
	}
	return out
}

// TestPCMFileMatchesDecode reads every variant, whole and cut short, through
// OpenPCM at random positions and lengths, and checks that every frame is
// bit-identical to what Decode returns, that reads at and past the end give
// io.EOF, and that Frames and Truncated agree with Decode's Buffer and
// problems. The files hold 20011 frames, so a read spans several of
// PCMFile's 64 KiB blocks.
func TestPCMFileMatchesDecode(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, v := range pcmVariants(20011, 1) {
		for how, file := range cuts(v.file) {
			name := v.name + ", " + how
			b, problems, err := Decode(bytes.NewReader(file), "x")
			// A ReaderAt and nothing else: PCMFile reads with ReadAt alone.
			p, perr := OpenPCM(struct{ io.ReaderAt }{bytes.NewReader(file)}, int64(len(file)), "x")
			if err != nil || perr != nil { // a cut through the header (data before fmt)
				if err == nil || perr == nil || err.Error() != perr.Error() {
					t.Fatalf("%s: Decode: %v; OpenPCM: %v", name, err, perr)
				}
				continue
			}
			truncated := len(problems) == 1 && problems[0].Kind == Truncated
			if !slices.Equal(p.Problems(), problems) {
				t.Fatalf("%s: OpenPCM's problems %q, Decode's %q", name, p.Problems(), problems)
			}
			if p.Rate() != b.Rate || p.Channels() != b.Channels || p.Frames() != int64(b.Frames()) || p.Truncated() != truncated {
				t.Fatalf("%s: OpenPCM: %d Hz × %d, %d frames, truncated %v; Decode: %d Hz × %d, %d frames, %q",
					name, p.Rate(), p.Channels(), p.Frames(), p.Truncated(), b.Rate, b.Channels, b.Frames(), problems)
			}
			ch, frames := p.Channels(), b.Frames()
			read := func(at, n int) {
				t.Helper()
				dst := make([]float32, n*ch)
				got, err := p.ReadFrames(dst, int64(at))
				want := max(0, min(n, frames-at))
				if got != want || (got < n) != (err == io.EOF) || (err != nil && err != io.EOF) {
					t.Fatalf("%s: ReadFrames(%d frames at %d) = %d, %v; want %d of %d", name, n, at, got, err, want, frames)
				}
				if got > 0 && !sameBits(dst[:got*ch], b.Data[at*ch:(at+got)*ch]) {
					t.Fatalf("%s: ReadFrames(%d frames at %d) differs from Decode", name, n, at)
				}
			}
			read(0, frames)
			read(0, frames+100)
			read(frames-3, 10)
			read(frames, 10)
			read(frames+5, 1)
			read(7, 0)
			for range 50 {
				read(rng.IntN(frames), rng.IntN(3*readBlock/4))
			}
			if _, err := p.ReadFrames(make([]float32, 2), -1); err == nil {
				t.Errorf("%s: ReadFrames at -1: no error", name)
			}
		}
	}
}

const readBlock = 64 << 10

// TestReadPCM16: 16-bit files read exactly what LoadFile's PCM16 holds
// (byte-swapped for AIFF); other files refuse.
func TestReadPCM16(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, v := range pcmVariants(20011, 2) {
		file := v.file
		p, err := OpenPCM(bytes.NewReader(file), int64(len(file)), "x")
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		dst := make([]int16, 2*1000)
		if !v.is16 {
			if _, err := p.ReadPCM16(dst, 0); err == nil || !strings.Contains(err.Error(), `codec: "x": ReadPCM16 reads 16-bit integer samples; the file has `) {
				t.Errorf("%s: ReadPCM16: %v", v.name, err)
			}
			continue
		}
		b, _, err := decode(bytes.NewReader(file), "x", true)
		if err != nil {
			t.Fatal(err)
		}
		want := b.PCM16
		if want == nil { // more than two channels: LoadFile keeps float32
			want = make([]int16, b.Len())
			for i, x := range b.Data {
				want[i] = int16(x * 32768)
			}
		}
		ch, frames := p.Channels(), b.Frames()
		for range 30 {
			at, n := rng.IntN(frames), rng.IntN(len(dst)/ch)
			got, err := p.ReadPCM16(dst[:n*ch], int64(at))
			if got != min(n, frames-at) || (got < n) != (err == io.EOF) || (got > 0 && !slices.Equal(dst[:got*ch], want[at*ch:(at+got)*ch])) {
				t.Fatalf("%s: ReadPCM16(%d frames at %d) = %d, %v: differs from LoadFile's samples", v.name, n, at, got, err)
			}
		}
	}
}

// TestPCMFileDoesNotAllocate: after the first read, ReadFrames and ReadPCM16
// reuse PCMFile's buffer, whatever the position and length.
func TestPCMFileDoesNotAllocate(t *testing.T) {
	v := pcmVariants(50000, 3)[1] // WAV s16 stereo: 200 kB
	p, err := OpenPCM(bytes.NewReader(v.file), int64(len(v.file)), "x")
	if err != nil {
		t.Fatal(err)
	}
	f, s := make([]float32, 2*40000), make([]int16, 2*40000)
	at := int64(0)
	if n := testing.AllocsPerRun(100, func() {
		at = (at + 7919) % 60000 // past the end too
		p.ReadFrames(f, at)
		p.ReadPCM16(s[:2*(at%1000)], at)
	}); n != 0 {
		t.Errorf("%v allocations per call, want 0", n)
	}
}

// TestOpenPCMErrors: compressed files wrap ErrNotPCM, others get Decode's
// errors, in plain words.
func TestOpenPCMErrors(t *testing.T) {
	for _, c := range []struct {
		file, name string
		data       []byte
		want       string
		notPCM     bool
	}{
		{"x.flac", "FLAC", fixture(t, "sine1k_mono_44k_s16.flac"), `codec: "x.flac": not an uncompressed WAV or AIFF file: it is a FLAC file (compressed)`, true},
		{"x.mp3", "MP3", fixture(t, "sine_stereo_48k_id3.mp3"), `codec: "x.mp3": not an uncompressed WAV or AIFF file: it is an MP3 file (compressed)`, true},
		{"x.ogg", "Ogg Vorbis", fixture(t, "sine_stereo_48k.ogg"), `codec: "x.ogg": not an uncompressed WAV or AIFF file: it is an Ogg Vorbis file (compressed)`, true},
		{"x.wav", "text", []byte("not audio"), `codec: "x.wav": not a supported audio file (WAV, AIFF, FLAC, MP3, Ogg Vorbis)`, false},
		{"x.wav", "WAV header cut short", wavBytes(t)[:30], `codec: "x.wav": wav: truncated fmt chunk`, false},
		{"x.aiff", "AIFF µ-law", pcmtest.AIFC(pcmtest.CommC(1, 2, 16, 8000, "ulaw", ""), pcmtest.SSND(0, make([]byte, 4))), `codec: "x.aiff": aiff: AIFF-C compression "ulaw" (µ-law) is not supported`, false},
	} {
		_, err := OpenPCM(bytes.NewReader(c.data), int64(len(c.data)), c.file)
		if err == nil || err.Error() != c.want || errors.Is(err, ErrNotPCM) != c.notPCM {
			t.Errorf("%s: error %v, want %q (ErrNotPCM: %v)", c.name, err, c.want, c.notPCM)
		}
	}
}

// shrinking is a file that loses its tail after OpenPCM read the header.
type shrinking struct {
	data []byte
	size int
}

func (s *shrinking) ReadAt(p []byte, off int64) (int, error) {
	return bytes.NewReader(s.data[:s.size]).ReadAt(p, off)
}

// TestPCMFileShrinks: a file cut while open gives the frames still there and
// an error wrapping io.ErrUnexpectedEOF, not a silent short read.
func TestPCMFileShrinks(t *testing.T) {
	v := pcmVariants(1000, 4)[1] // WAV s16 stereo
	s := &shrinking{data: v.file, size: len(v.file)}
	p, err := OpenPCM(s, int64(len(v.file)), "x.wav")
	if err != nil {
		t.Fatal(err)
	}
	s.size = 44 + 4*600 + 2 // 600 frames and a half
	n, err := p.ReadFrames(make([]float32, 2*1000), 0)
	if n != 600 || !errors.Is(err, io.ErrUnexpectedEOF) || err.Error() != `codec: "x.wav": the file ends at frame 600, before the 1000 it held when opened: unexpected EOF` {
		t.Errorf("ReadFrames = %d, %v", n, err)
	}
}

// TestPCMFileSharedFile: readers on one *os.File, in parallel, each read
// their own frames (ReadAt is pread: no shared offset). Run with -race.
func TestPCMFileSharedFile(t *testing.T) {
	v := pcmVariants(30000, 5)[12] // AIFF s16 stereo
	path := filepath.Join(t.TempDir(), "x.aiff")
	if err := os.WriteFile(path, v.file, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, _, err := Decode(bytes.NewReader(v.file), "x.aiff")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		p, err := OpenPCM(f, int64(len(v.file)), "x.aiff")
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			dst := make([]float32, 2*997)
			for at := g * 50; at < 30000; at += 997 {
				n, _ := p.ReadFrames(dst, int64(at))
				if !sameBits(dst[:2*n], b.Data[2*at:2*(at+n)]) {
					t.Errorf("reader %d: frames at %d differ", g, at)
					return
				}
			}
		})
	}
	wg.Wait()
}

// FuzzOpenPCM: OpenPCM never panics on arbitrary bytes, and whatever it
// opens, Decode decodes to the same format and frames, bit for bit, at any
// position. Seeds: small variants of every format, whole and cut, and the
// AIFF fixtures.
func FuzzOpenPCM(f *testing.F) {
	for _, v := range pcmVariants(5, 6) {
		for _, c := range cuts(v.file) {
			f.Add(c, uint16(3), uint16(2))
		}
	}
	for _, name := range []string{"sine_stereo_44k_s16.aiff", "sine1k_mono_48k_f32.aifc", "sine1k_mono_22k_s24.aifc"} {
		f.Add(fixture(f, name), uint16(100), uint16(1000))
	}
	f.Fuzz(func(t *testing.T, data []byte, at, n uint16) {
		p, err := OpenPCM(bytes.NewReader(data), int64(len(data)), "fuzz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), `codec: "fuzz": `) {
				t.Errorf("error %q lacks the codec prefix", err)
			}
			return
		}
		b, problems, err := Decode(bytes.NewReader(data), "fuzz")
		if err != nil {
			t.Fatalf("OpenPCM succeeded, Decode failed: %v", err)
		}
		if p.Rate() != b.Rate || p.Channels() != b.Channels || p.Frames() != int64(b.Frames()) || p.Truncated() != (len(problems) > 0) {
			t.Fatalf("OpenPCM: %d Hz × %d, %d frames, truncated %v; Decode: %d Hz × %d, %d frames, %q",
				p.Rate(), p.Channels(), p.Frames(), p.Truncated(), b.Rate, b.Channels, b.Frames(), problems)
		}
		ch := p.Channels()
		dst := make([]float32, int(n)*ch)
		got, err := p.ReadFrames(dst, int64(at))
		want := max(0, min(int(n), b.Frames()-int(at)))
		if got != want || (got < int(n)) != (err == io.EOF) || (got > 0 && !sameBits(dst[:got*ch], b.Data[int(at)*ch:(int(at)+got)*ch])) {
			t.Fatalf("ReadFrames(%d at %d) = %d, %v; want %d frames as Decode gives them", n, at, got, err, want)
		}
	})
}
