package codec

import (
	"io/fs"
	"math"
	"os"
	"path"
	"strings"
	"testing"
)

// hydrogenKits is where Debian's hydrogen-data package installs its drum kits
// (GMRockKit: 86 WAV files, TR808EmulationKit: 16 FLAC files, 16-bit 44.1 kHz).
const hydrogenKits = "/usr/share/hydrogen/data/drumkits"

// TestHydrogenKits decodes every sample of the installed Hydrogen drum kits:
// real-world WAV and FLAC files made by other tools. Skipped unless the
// Debian package hydrogen-data is installed.
func TestHydrogenKits(t *testing.T) {
	if _, err := os.Stat(hydrogenKits); err != nil {
		t.Skip("hydrogen-data not installed")
	}
	root, err := os.OpenRoot(hydrogenKits)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	fsys := root.FS()
	n := 0
	err = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		ext := strings.ToLower(path.Ext(name))
		if d.IsDir() || (ext != ".wav" && ext != ".flac") {
			return nil
		}
		n++
		b, err := DecodeFile(fsys, name)
		if err != nil {
			t.Error(err)
			return nil
		}
		var peak float64
		for _, v := range b.Data {
			peak = max(peak, math.Abs(float64(v)))
		}
		if b.Rate != 44100 || b.Frames() < 1000 || peak < 0.001 || peak > 1 {
			t.Errorf("%s: %d Hz, %d channels, %d frames, peak %.4f", name, b.Rate, b.Channels, b.Frames(), peak)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no WAV or FLAC files found")
	}
	t.Logf("decoded %d files", n)
}
