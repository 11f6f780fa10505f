package codec

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzDecode runs the sniffer and every decoder on arbitrary bytes. Decode
// must never panic (third-party panics become errors, see Decode), a panic in
// gridbox's own code fails the test, and a decoded Buffer must be
// consistent. The seeds are the fixtures and a WAV file, whole and cut at a
// few points, so plain "go test" runs them; "go test -fuzz FuzzDecode
// ./audio/codec" explores further.
func FuzzDecode(f *testing.F) {
	seeds := [][]byte{wavBytes(f), append(id3(20), fixture(f, "sine1k_mono_44k_s16.flac")...)}
	for _, c := range fixtures {
		seeds = append(seeds, fixture(f, c.file))
	}
	for _, s := range seeds {
		for _, n := range []int{len(s), 4, 40, 100, 300, len(s) / 2, len(s) - 1} {
			if n <= len(s) {
				f.Add(s[:n])
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, problems, err := Decode(bytes.NewReader(data), "fuzz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), `codec: "fuzz": `) {
				t.Errorf("error %q lacks the codec prefix", err)
			}
			if p := (*panicError)(nil); errors.As(err, &p) && strings.HasPrefix(p.site, "gridbox/") {
				t.Errorf("gridbox code panicked in %s: %v", p.site, p.value)
			}
			return
		}
		for _, p := range problems {
			if p.Kind != Truncated || !strings.HasSuffix(p.Msg, "(truncated)") {
				t.Errorf("problem %+v", p)
			}
		}
		if b.Channels != 1 && b.Channels != 2 {
			t.Fatalf("%d channels", b.Channels)
		}
		if len(b.Data) != b.Frames()*b.Channels {
			t.Errorf("%d samples is not %d frames of %d channels", len(b.Data), b.Frames(), b.Channels)
		}
	})
}
