// Package showtest writes sets and samples for tests of the packages that
// play them (show, cmd/gridbox).
package showtest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"gridbox/audio"
	"gridbox/audio/wav"
)

// WriteWAV writes a mono float WAV of data at rate to name, making its
// folder.
func WriteWAV(t testing.TB, name string, rate int, data []float32) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := wav.Encode(f, &audio.Buffer{Rate: rate, Channels: 1, Data: data}, wav.Float32); err != nil {
		t.Fatal(err)
	}
}

// ReadWAV decodes the WAV file name.
func ReadWAV(t testing.TB, name string) *audio.Buffer {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := wav.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// WriteFile writes text to name, making its folder.
func WriteFile(t testing.TB, name, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ClickSet writes a one-track set whose clip is a single-sample click of
// amplitude 0.5 looping every beat, with extra appended to its text, and
// returns its path.
func ClickSet(t testing.TB, extra string) string {
	t.Helper()
	dir := t.TempDir()
	click := make([]float32, 100)
	click[0] = 0.5
	WriteWAV(t, filepath.Join(dir, "samples/click.wav"), 48000, click)
	set := filepath.Join(dir, "click.toml")
	WriteFile(t, set, `name = "Click"
tempo = 120.0
quantize = "1 bar"
[[scene]]
name = "A"
[[track]]
name = "Click"
  [[track.clip]]
  scene = 0
  sample = "samples/click.wav"
  loop = true
  length = "1/4"
`+extra)
	return set
}

// LyingSet returns ClickSet with a second track whose clip plays sample,
// one of WriteLyingSamples' (at line 18, column 12 of the set).
func LyingSet(t testing.TB, sample string) string {
	t.Helper()
	set := ClickSet(t, fmt.Sprintf(`
[[track]]
name = "Lying"
  [[track.clip]]
  scene = 0
  sample = %q
`, sample))
	WriteLyingSamples(t, filepath.Join(filepath.Dir(set), "samples"))
	return set
}

// WriteLyingSamples writes into dir samples that decode but are not what
// they claim: cut.flac, a FLAC file cut in half; huge.wav, a 1.2 MB WAV
// whose data chunk claims 100 MB; snare.wav, an AIFF file (as in Debian's
// hydrogen kits); cut.ogg, an Ogg Vorbis file without its last page.
func WriteLyingSamples(t testing.TB, dir string) {
	t.Helper()
	flac := CodecFixture(t, "sine1k_mono_44k_s16.flac")
	WriteFile(t, filepath.Join(dir, "cut.flac"), string(flac[:len(flac)/2]))
	name := filepath.Join(dir, "huge.wav")
	WriteWAV(t, name, 44100, make([]float32, 299980))
	huge, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Index(huge, []byte("data"))
	binary.LittleEndian.PutUint32(huge[data+4:], 100_000_000)
	WriteFile(t, name, string(huge))
	WriteFile(t, filepath.Join(dir, "snare.wav"), string(CodecFixture(t, "sine_stereo_44k_s16.aiff")))
	ogg := CodecFixture(t, "noise_stereo_44k.ogg")
	WriteFile(t, filepath.Join(dir, "cut.ogg"), string(ogg[:bytes.LastIndex(ogg, []byte("OggS"))]))
}

// CodecFixture returns a file of audio/codec's test fixtures.
func CodecFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Root(), "audio/codec/testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Root returns the repository's root folder.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "../..")
}
