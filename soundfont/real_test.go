package soundfont

import (
	"os"
	"testing"
)

// The General MIDI fonts Debian installs (scripts/setup.sh --test
// installs timgm6mb-soundfont); default-GM.sf2 is whichever is the
// system's default.
const (
	timGM     = "/usr/share/sounds/sf2/TimGM6mb.sf2"
	defaultGM = "/usr/share/sounds/sf2/default-GM.sf2"
)

func openReal(t testing.TB, path string) *Font {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s not installed (Debian package timgm6mb-soundfont; scripts/setup.sh --test installs it): %v", path, err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestTimGM6mb(t *testing.T) {
	f := openReal(t, timGM)
	t.Logf("%s: SoundFont %d.%02d %q by %q: %d presets, %d instruments, %d samples, %d regions, %d modulators in %d distinct lists, %d sample points",
		timGM, f.Info.Major, f.Info.Minor, f.Info.Name, f.Info.Software, len(f.Presets), len(f.Instruments), len(f.Samples), len(f.Regions), len(f.Modulators), distinctLists(f), len(f.Data))
	if f.Info.Major != 2 || f.Info.Minor != 1 || f.Info.Name != "TimGM6mb1.sf2" {
		t.Errorf("info %+v", f.Info)
	}
	if len(f.Presets) != 136 || len(f.Instruments) != 210 || len(f.Samples) != 520 || len(f.Regions) != 2063 || len(f.Data) != 2882168 || f.Data24 != nil {
		t.Errorf("%d presets, %d instruments, %d samples, %d regions, %d points: want 136, 210, 520, 2063, 2882168 and no sm24",
			len(f.Presets), len(f.Instruments), len(f.Samples), len(f.Regions), len(f.Data))
	}
	// 128 melodic programs in bank 0 and 8 drum kits in bank 128.
	banks := map[uint16]int{}
	for _, p := range f.Presets {
		banks[p.Bank]++
	}
	if banks[0] != 128 || banks[128] != 8 || len(banks) != 2 {
		t.Errorf("presets per bank %v, want 128 in bank 0 and 8 in bank 128", banks)
	}
	for _, c := range []struct {
		bank, program int
		name          string
	}{{0, 0, "Piano 1"}, {0, 1, "Piano 2"}, {0, 40, "Violin"}, {0, 73, "Flute TB"}, {0, 127, "Gun Shot"}, {128, 0, "Standard"}, {128, 25, "TR 808"}} {
		i, ok := f.Preset(c.bank, c.program)
		if !ok || f.Presets[i].Name != c.name {
			t.Errorf("Preset(%d, %d): %q, %v; want %q", c.bank, c.program, f.Presets[i].Name, ok, c.name)
		}
	}
	checkFont(t, f)
	// Every melodic program sounds at middle C at every velocity.
	dst := make([]int32, 0, 64)
	for prog := range 128 {
		p, _ := f.Preset(0, prog)
		for _, vel := range []uint8{1, 64, 127} {
			if dst = f.AppendRegions(dst[:0], p, 60, vel); len(dst) == 0 {
				t.Errorf("program %d %q: nothing at key 60 velocity %d", prog, f.Presets[p].Name, vel)
			}
		}
	}
}

func TestDefaultGM(t *testing.T) {
	f := openReal(t, defaultGM)
	t.Logf("%s: %d presets, %d samples, %d regions", defaultGM, len(f.Presets), len(f.Samples), len(f.Regions))
	checkFont(t, f)
}

// checkFont resolves every preset for every key at velocities 1, 64 and
// 127 and checks each region against the font.
func checkFont(t testing.TB, f *Font) {
	t.Helper()
	dst := make([]int32, 0, 256)
	for p := range f.Presets {
		pr := &f.Presets[p]
		if pr.First < 0 || pr.First > pr.End || int(pr.End) > len(f.Regions) {
			t.Fatalf("preset %d %q: regions %d..%d of %d", p, pr.Name, pr.First, pr.End, len(f.Regions))
		}
		for key := range 128 {
			for _, vel := range []uint8{1, 64, 127} {
				dst = f.AppendRegions(dst[:0], p, uint8(key), vel)
				for _, i := range dst {
					if i < pr.First || i >= pr.End {
						t.Fatalf("preset %d: region %d not its own", p, i)
					}
					r := &f.Regions[i]
					if uint8(key) < r.KeyLo || uint8(key) > r.KeyHi || vel < r.VelLo || vel > r.VelHi {
						t.Fatalf("preset %d key %d vel %d: region %d covers %d..%d, %d..%d", p, key, vel, i, r.KeyLo, r.KeyHi, r.VelLo, r.VelHi)
					}
				}
			}
		}
	}
	for i := range f.Regions {
		r := &f.Regions[i]
		if r.Sample < 0 || int(r.Sample) >= len(f.Samples) || r.Instrument < 0 || int(r.Instrument) >= len(f.Instruments) {
			t.Fatalf("region %d: sample %d, instrument %d", i, r.Sample, r.Instrument)
		}
		s := &f.Samples[r.Sample]
		if !(s.Start <= r.Start && r.Start <= r.LoopStart && r.LoopStart <= r.LoopEnd && r.LoopEnd <= r.End && r.End <= s.End && int(s.End) <= len(f.Data)) {
			t.Fatalf("region %d: %d %d %d %d in sample %d..%d", i, r.Start, r.LoopStart, r.LoopEnd, r.End, s.Start, s.End)
		}
		if r.Loop != NoLoop && r.LoopEnd <= r.LoopStart || r.KeyLo > r.KeyHi || r.VelLo > r.VelHi || r.KeyHi > 127 || r.VelHi > 127 || r.RootKey > 127 {
			t.Fatalf("region %d: %+v", i, r)
		}
		if r.ModFirst < 0 || r.ModFirst > r.ModEnd || int(r.ModEnd) > len(f.Modulators) {
			t.Fatalf("region %d: modulators %d..%d of %d", i, r.ModFirst, r.ModEnd, len(f.Modulators))
		}
	}
	if f.Data24 != nil && len(f.Data24) != len(f.Data) {
		t.Fatalf("%d low bytes for %d points", len(f.Data24), len(f.Data))
	}
}

func distinctLists(f *Font) int {
	seen := map[[2]int32]bool{}
	for _, r := range f.Regions {
		seen[[2]int32{r.ModFirst, r.ModEnd}] = true
	}
	return len(seen)
}

// TestAppendRegionsDoesNotAllocate: the realtime player calls it at every
// note-on. Not parallel: AllocsPerRun counts process-wide.
func TestAppendRegionsDoesNotAllocate(t *testing.T) {
	f := mustRead(t, minimal())
	dst := make([]int32, 0, 16)
	if n := testing.AllocsPerRun(100, func() {
		p, _ := f.Preset(0, 0)
		dst = f.AppendRegions(dst[:0], p, 60, 100)
		_ = InitialAttenuation.Clamp(f.Regions[dst[0]].Gen[InitialAttenuation])
		_ = f.Mods(&f.Regions[dst[0]])
	}); n != 0 {
		t.Fatalf("Preset, AppendRegions, Clamp and Mods allocated %v times per call, want 0", n)
	}
}

func BenchmarkOpenTimGM6mb(b *testing.B) {
	openReal(b, timGM)
	for b.Loop() {
		if _, err := Open(timGM); err != nil {
			b.Fatal(err)
		}
	}
}
