package codec

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// fixtures are made by testdata/make.sh from sox sines (amplitude 0.5).
// The lossless ones double as files for the truncation and PCMFile tests.
var fixtures = []struct {
	file     string
	rate     int
	channels int
	frames   int
	freqs    []float64 // per channel
	maxTHDN  float64   // dB
	ampTol   float64
}{
	{"sine1k_mono_44k_s16.flac", 44100, 1, 8820, []float64{1000}, -85, 1e-3},
	{"sine1k_mono_22k_s8.flac", 22050, 1, 2205, []float64{1000}, -38, 5e-3},
	{"sine_stereo_96k_s24.flac", 96000, 2, 9600, []float64{1000, 1500}, -130, 1e-4},
	{"sine_stereo_44k_s16.aiff", 44100, 2, 4410, []float64{1000, 1500}, -85, 1e-3},
	{"sine1k_mono_48k_f32.aifc", 48000, 1, 2400, []float64{1000}, -130, 1e-4},
	{"sine1k_mono_22k_s24.aifc", 22050, 1, 2205, []float64{1000}, -130, 1e-4},
	// LAME encodes these sines at 0.475 (libmad agrees with go-mp3).
	{"sine1k_mono_44k.mp3", 44100, 2, 8820, []float64{1000, 1000}, -70, 0.03},
	{"sine_stereo_48k_id3.mp3", 48000, 2, 9600, []float64{1000, 1500}, -70, 0.03},
	{"sine1k_mono_44k.ogg", 44100, 1, 8820, []float64{1000}, -30, 0.05},
	{"sine_stereo_48k.ogg", 48000, 2, 9600, []float64{1000, 1500}, -30, 0.05},
}

// TestDecodeFixtures decodes each fixture and checks what it holds: rate,
// channel count, exact length (MP3 included, thanks to the LAME gapless
// header), and in each channel the frequency (from zero crossings), the
// amplitude, the distortion (THD+N of a least-squares sine fit), and that no
// decoder shifted the audio in time against the lossless FLAC of the same
// sine: sox starts every sine at phase 0, which the FLAC files confirm.
func TestDecodeFixtures(t *testing.T) {
	for _, c := range fixtures {
		t.Run(c.file, func(t *testing.T) {
			b, problems, err := DecodeFile(os.DirFS("testdata"), c.file)
			if err != nil || problems != nil {
				t.Fatal(err, problems)
			}
			if b.Rate != c.rate || b.Channels != c.channels || b.Frames() != c.frames {
				t.Fatalf("%d Hz, %d channels, %d frames; want %d, %d, %d", b.Rate, b.Channels, b.Frames(), c.rate, c.channels, c.frames)
			}
			for ch, f := range c.freqs {
				// Fit away from the edges, where lossy codecs smear the
				// sine's abrupt start and end.
				tn := fitTone(b, ch, f, b.Frames()/8, b.Frames()*7/8)
				t.Logf("channel %d: %.2f Hz, amplitude %.5f, THD+N %.1f dB, phase %.4f rad", ch, tn.freq, tn.amp, tn.thdn, tn.phase)
				if math.Abs(tn.freq-f) > f*1e-3 {
					t.Errorf("channel %d: %.2f Hz, want %.0f", ch, tn.freq, f)
				}
				if math.Abs(tn.amp-0.5) > c.ampTol {
					t.Errorf("channel %d: amplitude %.5f, want 0.5 ± %g", ch, tn.amp, c.ampTol)
				}
				if tn.thdn > c.maxTHDN {
					t.Errorf("channel %d: THD+N %.1f dB, want below %.0f dB", ch, tn.thdn, c.maxTHDN)
				}
				// A shift of d frames turns the phase by 2πf·d/rate. Without
				// the gapless trim the 44.1 kHz MP3 would be 2257 frames
				// (51 ms) late, which shows here as 7.9 frames.
				shift := tn.phase / (2 * math.Pi * f) * float64(b.Rate)
				if math.Abs(shift) > 0.1 {
					t.Errorf("channel %d: shifted by %.2f frames", ch, shift)
				}
			}
		})
	}
}

// TestDecodeSameAsReader: Decode on the bytes gives the same as DecodeFile.
func TestDecodeSameAsReader(t *testing.T) {
	for _, c := range fixtures {
		raw, err := os.ReadFile(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		a, _, err := Decode(bytes.NewReader(raw), c.file)
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := DecodeFile(os.DirFS("testdata"), c.file)
		if err != nil {
			t.Fatal(err)
		}
		if a.Rate != b.Rate || a.Channels != b.Channels || !sameBits(a.Data, b.Data) {
			t.Errorf("%s: Decode and DecodeFile differ", c.file)
		}
	}
}

// sameBits reports whether a and b hold the same samples, bit for bit.
func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}
