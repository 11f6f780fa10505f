package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"gridbox/audio"
	"gridbox/audio/internal/pcm/pcmtest"
	"gridbox/audio/wav"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func wavBytes(t testing.TB) []byte {
	t.Helper()
	var f writeSeeker
	b := &audio.Buffer{Rate: 48000, Channels: 2, Data: []float32{0.5, -0.5, 0.25, -0.25}}
	if err := wav.Encode(&f, b, wav.Int16); err != nil {
		t.Fatal(err)
	}
	return f.b
}

// id3 returns an ID3v2.4 tag with a body of n bytes.
func id3(n int) []byte {
	return append([]byte{'I', 'D', '3', 4, 0, 0, byte(n >> 21 & 0x7F), byte(n >> 14 & 0x7F), byte(n >> 7 & 0x7F), byte(n & 0x7F)}, make([]byte, n)...)
}

// TestSniff checks that Decode recognises content, not names: every file is
// decoded under a misleading name.
func TestSniff(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		rate int
	}{
		{"wav", wavBytes(t), 48000},
		{"flac", fixture(t, "sine1k_mono_44k_s16.flac"), 44100},
		{"flac after an ID3 tag", append(id3(300), fixture(t, "sine1k_mono_44k_s16.flac")...), 44100},
		{"mp3 without tags", fixture(t, "sine1k_mono_44k.mp3"), 44100},
		{"mp3 after an ID3 tag", fixture(t, "sine_stereo_48k_id3.mp3"), 48000},
		{"mp3 after two ID3 tags", append(id3(5000), fixture(t, "sine_stereo_48k_id3.mp3")...), 48000},
		{"ogg vorbis", fixture(t, "sine_stereo_48k.ogg"), 48000},
		{"aiff", fixture(t, "sine_stereo_44k_s16.aiff"), 44100},
		{"aiff-c", fixture(t, "sine1k_mono_48k_f32.aifc"), 48000},
	} {
		b, problems, err := Decode(bytes.NewReader(c.data), "misleading.txt")
		if err != nil || problems != nil {
			t.Errorf("%s: %v %v", c.name, err, problems)
			continue
		}
		if b.Rate != c.rate {
			t.Errorf("%s: rate %d, want %d", c.name, b.Rate, c.rate)
		}
	}
}

// flacFrames is where the first frame of testdata/sine1k_mono_44k_s16.flac
// starts, after its metadata blocks.
const flacFrames = 108

// TestDecodeErrors: each error names the file and the reason in plain words.
func TestDecodeErrors(t *testing.T) {
	ogg := fixture(t, "sine_stereo_48k.ogg")
	noise := fixture(t, "noise_stereo_44k.ogg")
	badOgg := bytes.Clone(noise)
	badOgg[3000] ^= 0xFF // in the setup header: the page checksum fails
	// MPEG-1 layer II frames, 160 kbit/s at 44.1 kHz: 522 bytes each.
	layer2 := append([]byte{0xFF, 0xFD, 0x90, 0x04}, make([]byte, 518)...)
	opus := bytes.Clone(ogg)
	copy(opus[28:], "OpusHead") // the first packet starts after 27 + 1 segment bytes
	for _, c := range []struct {
		name, file string
		data       []byte
		want       string
		unsupp     bool
	}{
		{"empty", "samples/x.wav", nil, `codec: "samples/x.wav": not a supported audio file (WAV, AIFF, FLAC, MP3, Ogg Vorbis)`, true},
		{"text", "x.mp3", []byte("hello, this is not audio at all"), `codec: "x.mp3": not a supported audio file (WAV, AIFF, FLAC, MP3, Ogg Vorbis)`, true},
		{"lone MP3 sync word", "x.mp3", append([]byte{0xFF, 0xFB, 0x90, 0x64}, make([]byte, 1000)...), `not a supported audio file`, true},
		{"MP4", "x.m4a", []byte("\x00\x00\x00\x20ftypM4A \x00\x00"), `found MP4/M4A`, true},
		{"MIDI", "x.mid", []byte("MThd\x00\x00\x00\x06"), `found a Standard MIDI File`, true},
		{"Ogg Opus", "x.opus", opus, `codec: "x.opus": not a supported audio file (WAV, AIFF, FLAC, MP3, Ogg Vorbis): found Ogg Opus`, true},
		{"WAV error", "x.wav", wavBytes(t)[:30], `codec: "x.wav": wav: truncated fmt chunk`, false},
		{"RIFX", "x.wav", []byte("RIFX\x00\x00\x00\x04WAVE"), `codec: "x.wav": wav: big-endian RIFX files are not supported`, false},
		{"AIFF without COMM", "x.aiff", []byte("FORM\x00\x00\x10\x00AIFFCOMM"), `codec: "x.aiff": aiff: no COMM chunk`, false},
		{"AIFF-C µ-law", "x.aifc", pcmtest.AIFC(pcmtest.CommC(1, 2, 16, 8000, "ulaw", "µLaw 2:1"), pcmtest.SSND(0, make([]byte, 4))), `codec: "x.aifc": aiff: AIFF-C compression "ulaw" (µ-law) is not supported`, false},
		{"FLAC header only", "x.flac", fixture(t, "sine1k_mono_44k_s16.flac")[:20], `codec: "x.flac": flac: header is cut short (truncated)`, false},
		{"FLAC bad header", "x.flac", append([]byte("fLaC\x80\x00\x00\x22"), make([]byte, 40)...), `codec: "x.flac": flac: header is damaged`, false},
		{"FLAC no whole frame", "x.flac", fixture(t, "sine1k_mono_44k_s16.flac")[:flacFrames+10], `codec: "x.flac": flac: stream ends before its first whole frame (truncated)`, false},
		{"FLAC bad frame", "x.flac", append(fixture(t, "sine1k_mono_44k_s16.flac")[:flacFrames], make([]byte, 100)...), `codec: "x.flac": flac: frame at 0.00 s is damaged`, false},
		{"MP3 layer II", "x.mp2", bytes.Repeat(layer2, 2), `codec: "x.mp2": mp3: MPEG layer I and II audio is not supported, only layer III (MP3)`, false},
		{"Ogg header only", "x.ogg", ogg[:200], `codec: "x.ogg": vorbis: stream ends before any audio (truncated)`, false},
		{"Ogg cut in its first audio page", "x.ogg", noise[:5000], `codec: "x.ogg": vorbis: stream ends before any audio (truncated)`, false},
		{"Ogg bad header", "x.ogg", badOgg, `codec: "x.ogg": vorbis: headers are damaged`, false},
	} {
		b, _, err := Decode(bytes.NewReader(c.data), c.file)
		if err == nil {
			t.Errorf("%s: no error, %d frames", c.name, b.Frames())
			continue
		}
		if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "codec: ") {
			t.Errorf("%s: error %q, want it to contain %q", c.name, err, c.want)
		}
		if internals.MatchString(err.Error()) {
			t.Errorf("%s: error %q shows the decoder's internals", c.name, err)
		}
		if errors.Is(err, ErrUnsupported) != c.unsupp {
			t.Errorf("%s: errors.Is(err, ErrUnsupported) = %v", c.name, !c.unsupp)
		}
	}
}

// internals matches what the third-party decoders put in their errors:
// package and function names, and their terse reasons.
var internals = regexp.MustCompile(`mewkiz|jfreymuth|hajimehoshi|github\.com|panicked|\w+\.\w+: |layer3|capture pattern|decoding error|CRC|checksum|sideinfo|Huff`)

// TestTruncated: every fixture cut short decodes what came before the cut
// and reports it Truncated (or, with no whole frame left, fails), never
// panics.
func TestTruncated(t *testing.T) {
	for _, c := range fixtures {
		data := fixture(t, c.file)
		for _, frac := range []float64{0.3, 0.6, 0.9} {
			n := int(float64(len(data)) * frac)
			b, problems, err := Decode(bytes.NewReader(data[:n]), c.file)
			if err != nil {
				t.Logf("%s cut at %d of %d bytes: %v", c.file, n, len(data), err)
				continue
			}
			if b.Frames() >= c.frames {
				t.Errorf("%s cut at %.0f%%: %d frames, want fewer than %d", c.file, 100*frac, b.Frames(), c.frames)
			}
			if len(problems) != 1 || problems[0].Kind != Truncated || !strings.HasSuffix(problems[0].Msg, "(truncated)") {
				t.Errorf("%s cut at %.0f%%: problems %q, want one Truncated", c.file, 100*frac, problems)
			}
			t.Logf("%s cut at %.0f%%: %d of %d frames: %s", c.file, 100*frac, b.Frames(), c.frames, problems)
		}
	}
}

// TestProblems: files that decode but lie about their length, or are named
// as another format, come back with their audio and the problem in plain
// words.
func TestProblems(t *testing.T) {
	flac := fixture(t, "sine1k_mono_44k_s16.flac")
	mp3 := fixture(t, "sine1k_mono_44k.mp3")
	info, _ := mp3FrameLen(mp3)               // LAME's Info frame, which holds the length
	ogg := fixture(t, "noise_stereo_44k.ogg") // four pages: two of headers, two of audio
	lastPage := bytes.LastIndex(ogg, []byte("OggS"))
	aiff := fixture(t, "sine_stereo_44k_s16.aiff")
	le := binary.LittleEndian
	wav100MB := pcmtest.RIFF(pcmtest.Fmt(pcmtest.TagPCM, 2, 44100, 16), pcmtest.Chunk{ID: "data", Body: make([]byte, 1_200_000-44), Size: 100_000_000})
	wavOneByteShort := pcmtest.RIFF(pcmtest.Fmt(pcmtest.TagPCM, 1, 44100, 16), pcmtest.Chunk{ID: "data", Body: pcmtest.Ints(le, 2, 1, 2, 3), Size: 8})
	for _, c := range []struct {
		name, file string
		data       []byte
		frames     int
		want       []Problem
	}{
		{"FLAC cut in half", "x.flac", flac[:len(flac)/2], 4096, []Problem{{Truncated, "FLAC stream ends at 0.09 s of 0.20 s (truncated)"}}},
		{"whole FLAC", "x.flac", flac, 8820, nil},
		{"WAV that claims 100 MB", "x.wav", wav100MB, (1_200_000 - 44) / 4, []Problem{{Truncated, "WAV data chunk claims 100.0 MB but the file ends after 1.2 MB (truncated)"}}},
		{"WAV a frame short", "x.wav", wavOneByteShort, 3, []Problem{{Truncated, "WAV data chunk claims 8 bytes but the file ends after 50 bytes (truncated)"}}},
		{"WAV with a partial last frame", "x.wav", pcmtest.RIFF(pcmtest.Fmt(pcmtest.TagPCM, 1, 44100, 16), pcmtest.Chunk{ID: "data", Body: pcmtest.Ints(le, 2, 1, 2, 3), Size: 7}), 3, nil},
		{"WAV from a streaming writer", "x.wav", pcmtest.RIFF(pcmtest.Fmt(pcmtest.TagPCM, 1, 44100, 16), pcmtest.Chunk{ID: "data", Body: pcmtest.Ints(le, 2, 1, 2, 3), Size: 0xFFFFFFFF}), 3, nil},
		{"AIFF cut short", "x.aiff", aiff[:len(aiff)-4000], 4410 - 1000, []Problem{{Truncated, "AIFF sound data chunk claims 17.6 kB but the file ends after 13.7 kB (truncated)"}}},
		{"AIFF whose COMM claims more", "x.aif", pcmtest.AIFF(pcmtest.Comm(1, 44100, 16, 44100), pcmtest.SSND(0, make([]byte, 44100))), 22050, []Problem{{Truncated, "AIFF header claims 1.00 s of sound but its sound data chunk holds 0.50 s (truncated)"}}},
		{"AIFF-C cut short", "x.aifc", pcmtest.AIFC(pcmtest.CommC(1, 0, 16, 8000, "sowt", ""), pcmtest.Chunk{ID: "SSND", Body: make([]byte, 8+16000), Size: 8 + 32000}), 8000, []Problem{{Truncated, "AIFF-C sound data chunk claims 32.0 kB but the file ends after 16.1 kB (truncated)"}}},
		{"MP3 cut, with a length", "x.mp3", mp3[:len(mp3)*6/10], 4655, []Problem{{Truncated, "MP3 stream ends at 0.11 s of 0.20 s (truncated)"}}},
		{"MP3 cut mid-frame, no length", "x.mp3", mp3[info:2600], 5760, []Problem{{Truncated, "MP3 stream ends in the middle of a frame, at 0.13 s (truncated)"}}},
		{"whole MP3 without a length", "x.mp3", mp3[info:], 10368, nil},
		{"Ogg without its last page", "x.ogg", ogg[:lastPage], 26304, []Problem{{Truncated, "Ogg Vorbis stream ends at 0.60 s without its last page (truncated)"}}},
		{"Ogg cut in its last page", "x.ogg", ogg[:len(ogg)-1], 26304, []Problem{{Truncated, "Ogg Vorbis stream ends at 0.60 s without its last page (truncated)"}}},
		{"whole Ogg", "x.ogg", ogg, 44100, nil},
		{"AIFF named .wav", "kit/snare.wav", aiff, 4410, []Problem{{Misnamed, "an AIFF file named .wav"}}},
		{"FLAC named .WAV", "x.WAV", flac, 8820, []Problem{{Misnamed, "a FLAC file named .WAV"}}},
		{"WAV named .aif", "x.aif", wavBytes(t), 2, []Problem{{Misnamed, "a WAV file named .aif"}}},
		{"MP3 named .m4a", "x.m4a", mp3, 8820, []Problem{{Misnamed, "an MP3 file named .m4a"}}},
		{"Ogg named .oga", "x.oga", ogg, 44100, nil},
		{"AIFF-C named .aiff", "x.aiff", fixture(t, "sine1k_mono_48k_f32.aifc"), 2400, nil},
		{"WAV named .Wav", "x.Wav", wavBytes(t), 2, nil},
		{"WAV named .txt", "x.txt", wavBytes(t), 2, nil},
		{"WAV without extension", "kick", wavBytes(t), 2, nil},
		{"a truncated FLAC named .aiff", "x.aiff", flac[:len(flac)/2], 4096, []Problem{{Truncated, "FLAC stream ends at 0.09 s of 0.20 s (truncated)"}, {Misnamed, "a FLAC file named .aiff"}}},
	} {
		b, problems, err := Decode(bytes.NewReader(c.data), c.file)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !slices.Equal(problems, c.want) {
			t.Errorf("%s: problems %q, want %q", c.name, problems, c.want)
		}
		if b.Frames() != c.frames {
			t.Errorf("%s: %d frames, want %d", c.name, b.Frames(), c.frames)
		}
	}
}

// TestDecodeFile covers the file side: missing files, directories, the size
// cap, and an os.Root that keeps names inside the set's folder.
func TestDecodeFile(t *testing.T) {
	fsys := fstest.MapFS{
		"samples/ok.wav": {Data: wavBytes(t)},
		"samples/dir":    {Mode: fs.ModeDir},
	}
	if b, problems, err := DecodeFile(fsys, "samples/ok.wav"); err != nil || problems != nil || b.Frames() != 2 {
		t.Errorf("DecodeFile(ok.wav) = %v, %v, %v", b, problems, err)
	}
	if _, _, err := DecodeFile(fsys, "samples/missing.wav"); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "samples/missing.wav") {
		t.Errorf("missing file: %v", err)
	}
	if _, _, err := DecodeFile(fsys, "samples/dir"); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	if _, _, err := DecodeFile(hugeFS{}, "huge.wav"); err == nil || !strings.Contains(err.Error(), `codec: "huge.wav": file is 600 MiB, larger than the 512 MiB limit`) {
		t.Errorf("600 MiB file: %v", err)
	}
	// Reading stops at the limit even when Stat lied (lowered to 1 MiB so
	// that the test does not read 512 MiB).
	defer func(l int64) { fileLimit = l }(fileLimit)
	fileLimit = 1 << 20
	if _, _, err := DecodeFile(hugeFS{lie: true}, "huge.wav"); err == nil || !strings.Contains(err.Error(), "larger than the 1 MiB limit") {
		t.Errorf("a file larger than its Stat said: %v", err)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ok.wav"), wavBytes(t), 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(filepath.Join(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if _, _, err := DecodeFile(root.FS(), "ok.wav"); err != nil {
		t.Errorf("os.Root: %v", err)
	}
	if _, _, err := DecodeFile(root.FS(), "../ok.wav"); err == nil {
		t.Error("os.Root: ../ok.wav escaped the root")
	}
}

// hugeFS holds one file, huge.wav, that claims 600 MiB (or, if lie, claims 1
// KiB but reads on for ever).
type hugeFS struct{ lie bool }

func (h hugeFS) Open(name string) (fs.File, error) { return &hugeFile{h.lie}, nil }

type hugeFile struct{ lie bool }

func (f *hugeFile) Stat() (fs.FileInfo, error) { return f, nil }
func (f *hugeFile) Read(p []byte) (int, error) {
	if !f.lie {
		return 0, io.EOF
	}
	clear(p)
	return len(p), nil
}
func (f *hugeFile) Close() error       { return nil }
func (f *hugeFile) Name() string       { return "huge.wav" }
func (f *hugeFile) Mode() fs.FileMode  { return 0o644 }
func (f *hugeFile) ModTime() time.Time { return time.Time{} }
func (f *hugeFile) IsDir() bool        { return false }
func (f *hugeFile) Sys() any           { return nil }
func (f *hugeFile) Size() int64 {
	if f.lie {
		return 1024
	}
	return 600 << 20
}

// TestPanicBecomesError: a panic inside a decoder becomes an error in plain
// words that knows where it happened.
func TestPanicBecomesError(t *testing.T) {
	_, _, err := safely(nil, func(io.ReadSeeker) (*audio.Buffer, string, error) {
		var s []int
		_ = s[3]
		return nil, "", nil
	})
	var p *panicError
	if !errors.As(err, &p) || p.site != "gridbox/audio/codec.TestPanicBecomesError.func1" || !strings.Contains(fmt.Sprint(p.value), "index out of range") {
		t.Fatalf("error = %#v", err)
	}
	if err.Error() != "damaged data (the decoder crashed on it)" {
		t.Errorf("message %q", err)
	}
}

// writeSeeker is an in-memory io.WriteSeeker.
type writeSeeker struct {
	b   []byte
	off int
}

func (w *writeSeeker) Write(p []byte) (int, error) {
	if need := w.off + len(p); need > len(w.b) {
		w.b = append(w.b, make([]byte, need-len(w.b))...)
	}
	w.off += copy(w.b[w.off:], p)
	return len(p), nil
}

func (w *writeSeeker) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += int64(w.off)
	case io.SeekEnd:
		off += int64(len(w.b))
	}
	w.off = int(off)
	return off, nil
}

// TestOggPanicRecovered: oggvorbis v1.0.5 indexes segmentTable[-1] on an Ogg
// page with no segments (found by FuzzDecode); Decode reports it as an error.
func TestOggPanicRecovered(t *testing.T) {
	data := fixture(t, "sine_stereo_48k.ogg")
	second := bytes.Index(data[4:], []byte("OggS")) + 4
	data[second+26] = 0
	_, _, err := Decode(bytes.NewReader(data), "x.ogg")
	var p *panicError
	if err == nil || err.Error() != `codec: "x.ogg": vorbis: damaged data (the decoder crashed on it)` || !errors.As(err, &p) || !strings.HasPrefix(p.site, "github.com/jfreymuth/oggvorbis") {
		t.Errorf("error = %v (%#v)", err, p)
	}
}
