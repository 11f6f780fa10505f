package aiff

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDecodeSox compares Decode with sox, side by side, on files sox writes
// in every encoding it offers for AIFF and AIFF-C: integer formats decode to
// exactly the float32 of what sox reads from the file (sox scales as Decode
// does, by 1/2^(n-1)). Float files sox reads through its 32-bit integer
// samples, so they agree within 2^-31 plus float32's rounding. Skipped when
// sox is not installed (Debian package sox; CI installs it).
func TestDecodeSox(t *testing.T) {
	sox, err := exec.LookPath("sox")
	if err != nil {
		t.Skip("sox not installed")
	}
	dir := t.TempDir()
	for _, c := range []struct {
		ext      string
		channels int
		enc      []string
	}{
		{"aiff", 1, []string{"-b", "8"}},
		{"aiff", 2, []string{"-b", "16"}},
		{"aiff", 2, []string{"-b", "24"}},
		{"aiff", 1, []string{"-b", "32"}},
		{"aiff", 6, []string{"-b", "16"}},
		{"aifc", 2, []string{"-b", "8"}},
		{"aifc", 1, []string{"-b", "16"}},
		{"aifc", 2, []string{"-b", "24"}},
		{"aifc", 2, []string{"-b", "32"}},
		{"aifc", 2, []string{"-e", "floating-point", "-b", "32"}},
		{"aifc", 1, []string{"-e", "floating-point", "-b", "64"}},
	} {
		name := fmt.Sprintf("%s %d channels %s", c.ext, c.channels, strings.Join(c.enc, " "))
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+"."+c.ext)
		args := append([]string{"-n", "-r", "44100", "-c", fmt.Sprint(c.channels)}, c.enc...)
		args = append(args, path, "synth", "0.05")
		for ch := range c.channels {
			args = append(args, "sine", fmt.Sprint(1000+500*ch))
		}
		args = append(args, "vol", "0.9")
		if out, err := exec.Command(sox, args...).CombinedOutput(); err != nil {
			t.Fatalf("sox %v: %v\n%s", args, err, out)
		}
		raw, err := exec.Command(sox, path, "-t", "raw", "-e", "floating-point", "-b", "64", "-L", "-").Output()
		if err != nil {
			t.Fatalf("%s: sox reading it back: %v", name, err)
		}
		file, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Decode(bytes.NewReader(file))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		frames := len(raw) / 8 / c.channels
		if b.Rate != 44100 || b.Channels != min(c.channels, 2) || b.Frames() != frames || frames != 2205 {
			t.Fatalf("%s: %d Hz, %d channels, %d frames; sox reads 44100 Hz, %d channels, %d frames", name, b.Rate, b.Channels, b.Frames(), c.channels, frames)
		}
		tol := 0.0
		if c.enc[0] == "-e" {
			tol = 0x1p-31 + 0x1p-24
		}
		var worst float64
		for i := range frames {
			for ch := range b.Channels {
				want := float32(math.Float64frombits(binary.LittleEndian.Uint64(raw[8*(i*c.channels+ch):])))
				worst = max(worst, math.Abs(float64(b.Data[i*b.Channels+ch]-want)))
			}
		}
		if worst > tol {
			t.Errorf("%s: differs from sox by up to %.3g, want ≤ %.3g", name, worst, tol)
		}
		t.Logf("%s: %d frames, largest difference from sox %.3g", name, frames, worst)
	}
}
