package codec

import (
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"gridbox/audio"
)

// hydrogenKits is where Debian's hydrogen-data, hydrogen-drumkits and
// hydrogen-drumkits-effects packages install their drum kits: WAV, FLAC and
// AIFF files made by many tools (scripts/setup.sh --test installs them).
const hydrogenKits = "/usr/share/hydrogen/data/drumkits"

// hydrogenMisnamed are the kit files whose names lie about their format.
var hydrogenMisnamed = map[string]string{
	"Audiophob/25671__walter-odington__garage-city-snare-snappy.wav": "an AIFF file named .wav",
}

// hydrogenSilent are the kit files that are silent on purpose.
var hydrogenSilent = map[string]bool{
	"HardElectro1/emptySample.flac":    true,
	"Millo-Drums_v.1/emptySample.flac": true,
}

// raceEnabled is set by race_test.go.
var raceEnabled bool

// TestHydrogenKits decodes every sample of the installed Hydrogen drum kits,
// real-world files made by other tools, and checks that each is sane: a rate
// in range, at least a millisecond of audio, a peak that is neither silent
// (but for two empty samples) nor beyond full scale, and no problem but the
// known misnamed file. Each WAV and AIFF file is also read whole through
// OpenPCM, which must give the very samples DecodeFile does (and LoadFile's
// PCM16, for 16-bit files). It logs how many files of each format decoded.
// Under the race detector, which slows decoding some fifteen times and has
// nothing to find in it, it checks every tenth file ("make unit" checks
// them all). Skipped unless the Debian package hydrogen-data
// is installed.
func TestHydrogenKits(t *testing.T) {
	if _, err := os.Stat(hydrogenKits); err != nil {
		t.Skip("hydrogen-data not installed (scripts/setup.sh --test installs it)")
	}
	root, err := os.OpenRoot(hydrogenKits)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	fsys := root.FS()
	var names []string
	err = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		switch ext := strings.ToLower(path.Ext(name)); {
		case err != nil:
			return err
		case !d.IsDir() && (ext == ".wav" || ext == ".flac" || ext == ".aif" || ext == ".aiff"):
			names = append(names, name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	stride := 1
	if raceEnabled {
		stride = 10
	}
	var (
		mu      sync.Mutex
		decoded = map[kind]int{}
		named   = map[string]int{} // files decoded, by extension
		work    = make(chan string)
		wg      sync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for name := range work {
				k, err := sniffFile(fsys, name)
				if err != nil {
					t.Error(err)
					continue
				}
				if !checkKitFile(t, fsys, name, k) {
					continue
				}
				mu.Lock()
				decoded[k]++
				named[strings.ToLower(path.Ext(name))]++
				mu.Unlock()
			}
		})
	}
	for i := 0; i < len(names); i += stride {
		work <- names[i]
	}
	close(work)
	wg.Wait()
	total := decoded[kindWAV] + decoded[kindAIFF] + decoded[kindFLAC]
	if total == 0 {
		t.Fatal("no WAV, FLAC or AIFF files found")
	}
	t.Logf("decoded %d of %d files: %d WAV, %d AIFF, %d FLAC (by name: %d .wav, %d .aiff, %d .aif, %d .flac)",
		total, len(names), decoded[kindWAV], decoded[kindAIFF], decoded[kindFLAC],
		named[".wav"], named[".aiff"], named[".aif"], named[".flac"])
}

// checkKitFile decodes the kit file name, of kind k, and checks it as
// TestHydrogenKits says. It reports whether the file decoded.
func checkKitFile(t *testing.T, fsys fs.FS, name string, k kind) bool {
	b, problems, err := DecodeFile(fsys, name)
	if err != nil {
		t.Error(err)
		return false
	}
	if want := hydrogenMisnamed[name]; (want == "" && problems != nil) || (want != "" && !slices.Equal(problems, []Problem{{Misnamed, want}})) {
		t.Errorf("%s: problems %q", name, problems)
	}
	var peak float64
	for _, v := range b.Data {
		peak = max(peak, math.Abs(float64(v)))
	}
	if b.Rate < 8000 || b.Rate > 192000 || b.Frames() < b.Rate/1000 || (peak < 0.001) != hydrogenSilent[name] || peak > 1 {
		t.Errorf("%s: %d Hz, %d channels, %d frames, peak %.4f", name, b.Rate, b.Channels, b.Frames(), peak)
	}
	if k.pcm() {
		comparePCMFile(t, fsys, name, b)
	}
	return true
}

// sniffFile returns the format of the file name in fsys.
func sniffFile(fsys fs.FS, name string) (kind, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	k, err := sniff(f.(io.ReadSeeker))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return k, nil
}

// comparePCMFile reads the WAV or AIFF file name whole through OpenPCM and
// checks it against b, what DecodeFile gave, and, for 16-bit files, against
// LoadFile's PCM16.
func comparePCMFile(t *testing.T, fsys fs.FS, name string, b *audio.Buffer) {
	t.Helper()
	f, err := fsys.Open(name)
	if err != nil {
		t.Error(err)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Error(err)
		return
	}
	p, err := OpenPCM(f.(io.ReaderAt), st.Size(), name)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	got := make([]float32, b.Len())
	if n, err := p.ReadFrames(got, 0); n != b.Frames() || err != nil || p.Rate() != b.Rate || p.Channels() != b.Channels || p.Truncated() {
		t.Errorf("%s: OpenPCM: %d Hz × %d, ReadFrames %d, %v, truncated %v; DecodeFile: %d Hz × %d, %d frames",
			name, p.Rate(), p.Channels(), n, err, p.Truncated(), b.Rate, b.Channels, b.Frames())
		return
	}
	if !sameBits(got, b.Data) {
		t.Errorf("%s: ReadFrames differs from DecodeFile", name)
	}
	if p.Bits() != 16 || p.Float() {
		return
	}
	l, _, err := LoadFile(fsys, name)
	if err != nil || l.PCM16 == nil {
		t.Errorf("%s: LoadFile of a 16-bit file: PCM16 %v, %v", name, l != nil && l.PCM16 != nil, err)
		return
	}
	got16 := make([]int16, l.Len())
	if n, err := p.ReadPCM16(got16, 0); n != l.Frames() || err != nil || !slices.Equal(got16, l.PCM16) {
		t.Errorf("%s: ReadPCM16 (%d frames, %v) differs from LoadFile's PCM16", name, n, err)
	}
	audio.Free(l)
}
