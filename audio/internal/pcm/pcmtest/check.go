package pcmtest

import (
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"gridbox/audio"
	"gridbox/audio/internal/pcm"
)

// Readers returns file behind the three kinds of reader a decoder meets: a
// bytes.Reader (its length known), a reader that gives one byte at a time
// (length unknown, no Seek) and an *os.File (an io.Seeker), by name.
func Readers(t testing.TB, file []byte) map[string]io.Reader {
	t.Helper()
	path := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return map[string]io.Reader{
		"bytes.Reader":  bytes.NewReader(file),
		"OneByteReader": iotest.OneByteReader(bytes.NewReader(file)),
		"os.File":       f,
	}
}

// ExpectDecoded decodes file through each of Readers and checks with Expect
// what decode makes of it.
func ExpectDecoded(t testing.TB, file []byte, decode func(io.Reader) (*audio.Buffer, error), rate, channels int, want []float32) {
	t.Helper()
	for how, r := range Readers(t, file) {
		b, err := decode(r)
		if err != nil {
			t.Fatalf("%s: %v", how, err)
		}
		Expect(t, how, b, rate, channels, want)
	}
}

// Expect checks that b holds want, bit for bit, at rate with channels.
func Expect(t testing.TB, how string, b *audio.Buffer, rate, channels int, want []float32) {
	t.Helper()
	if b.Rate != rate || b.Channels != channels || len(b.Data) != len(want) {
		t.Fatalf("%s: decoded %d Hz, %d channels, %d samples; want %d, %d, %d", how, b.Rate, b.Channels, len(b.Data), rate, channels, len(want))
	}
	for i := range want {
		if math.Float32bits(b.Data[i]) != math.Float32bits(want[i]) {
			t.Errorf("%s: sample %d = %v, want %v", how, i, b.Data[i], want[i])
		}
	}
}

// Fuzzed checks what a decoder makes of arbitrary bytes: an error with the
// decoder's prefix ("wav: ") and no Buffer, or a consistent mono or stereo
// Buffer at a valid rate, with no more samples than bytes, that
// decodeCompact decodes the same, whether or not the reader tells its
// length, with its samples in exactly one of Data and PCM16.
func Fuzzed(t *testing.T, data []byte, prefix string, decode, decodeCompact func(io.Reader) (*audio.Buffer, error)) {
	b, err := decode(bytes.NewReader(data))
	if err != nil {
		if b != nil {
			t.Errorf("Decode returned a Buffer and error %v", err)
		}
		if !strings.HasPrefix(err.Error(), prefix) {
			t.Errorf("error %q lacks the %q prefix", err, prefix)
		}
		return
	}
	if b.Channels != 1 && b.Channels != 2 {
		t.Fatalf("%d channels", b.Channels)
	}
	if b.Rate < pcm.MinRate || b.Rate > pcm.MaxRate {
		t.Errorf("rate %d", b.Rate)
	}
	if len(b.Data) != b.Frames()*b.Channels {
		t.Errorf("%d samples is not %d frames of %d channels", len(b.Data), b.Frames(), b.Channels)
	}
	if len(b.Data) > len(data) {
		t.Errorf("%d samples from %d bytes", len(b.Data), len(data))
	}
	for _, r := range []io.Reader{bytes.NewReader(data), struct{ io.Reader }{bytes.NewReader(data)}} {
		c, err := decodeCompact(r)
		if err != nil {
			t.Fatalf("Decode succeeded, DecodeCompact failed: %v", err)
		}
		if c.Rate != b.Rate || c.Channels != b.Channels || !slices.Equal(c.Floats(), b.Data) {
			t.Fatalf("DecodeCompact: %d Hz × %d, %d samples; Decode: %d Hz × %d, %d samples",
				c.Rate, c.Channels, c.Len(), b.Rate, b.Channels, len(b.Data))
		}
		if (c.PCM16 == nil) == (c.Data == nil) && c.Len() > 0 {
			t.Fatalf("DecodeCompact filled both or neither of Data and PCM16")
		}
	}
}

// ExpectError decodes file with decode and checks that it fails with an
// error that starts with prefix and contains want. A name that ends in
// "above 1 GiB" makes file go on with 512 MiB of zeros that the reader
// announces (through Len), for the decoders' memory limit.
func ExpectError(t *testing.T, name string, file []byte, decode func(io.Reader) (*audio.Buffer, error), prefix, want string) {
	t.Helper()
	var r io.Reader = bytes.NewReader(file)
	if strings.HasSuffix(name, "above 1 GiB") {
		r = sized{io.MultiReader(r, zeros{}), len(file) + 0x20000000}
	}
	b, err := decode(r)
	if err == nil {
		t.Fatalf("%s: decoded %d frames, want error %q", name, b.Frames(), want)
	}
	if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: error %q, want it to contain %q", name, err, want)
	}
}

// sized tells a decoder (through Len) how many bytes r holds.
type sized struct {
	io.Reader
	n int
}

func (s sized) Len() int { return s.n }

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
