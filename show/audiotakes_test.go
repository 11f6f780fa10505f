package show

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"gridbox/show/showtest"
)

// audioSet is a set whose track "Gtr" records input 1 (not monitored),
// with a 1-bar count-in and takes of 1 bar.
const audioSet = "name = \"Looper\"\ntempo = 120\nquantize = \"1 bar\"\ncount_in = \"1 bar\"\nfixed_length = \"1 bar\"\nmetronome = false\n" +
	"[[scene]]\nname = \"A\"\n[[scene]]\nname = \"B\"\n" +
	"[[track]]\nname = \"Gtr\"\ninput = \"1\"\nmonitor = \"off\"\n"

// ramp is the test input: every frame a different value.
func ramp(k int) float32 { return float32(k%1000003+1) / 1048576 }

// inputDir returns a folder holding set.toml (set), script.perf (script)
// and in.wav: 24 beats at 120 BPM of ramp, which it returns.
func inputDir(t *testing.T, set, script string) (dir string, in []float32) {
	t.Helper()
	in = make([]float32, 24*24000)
	for k := range in {
		in[k] = ramp(k)
	}
	dir = t.TempDir()
	showtest.WriteWAV(t, filepath.Join(dir, "in.wav"), 48000, in)
	showtest.WriteFile(t, filepath.Join(dir, "set.toml"), set)
	showtest.WriteFile(t, filepath.Join(dir, "script.perf"), script)
	return dir, in
}

// renderInput renders set.toml in dir with script.perf and in.wav as the
// input, at block size block and input latency lat, and returns stderr.
func renderInput(t *testing.T, dir string, block, lat int) string {
	t.Helper()
	var errb bytes.Buffer
	e := &Env{Stdout: &errb, Stderr: &errb}
	e.RenderBlock = block
	sf, _ := ParseSampleFormat("f32")
	err := Render(e, RenderConfig{Set: filepath.Join(dir, "set.toml"), Events: filepath.Join(dir, "script.perf"), Out: filepath.Join(dir, "out.wav"),
		Rate: 48000, Format: sf, Input: filepath.Join(dir, "in.wav"), InputLatency: lat})
	if err != nil {
		t.Fatalf("render: %v\n%s", err, errb.String())
	}
	return errb.String()
}

// gridbox render --input: Record with a 1-bar count-in and a fixed length
// of 1 bar records the input from the bar line after the count-in (beat
// 8), its frames taken lat frames late as a sound card's latency is
// compensated; the take's WAV in set.takes/ holds exactly those frames,
// the takes file names it, and the loop plays them from the bar line
// where the take ends (beat 12), exactly (its second pass too, after the
// loop's crossfade). At block sizes 64, 128 and 333, latency 0 and 100.
func TestRecordAudioFromTheInput(t *testing.T) {
	const beat, bar = 24000, 96000
	for _, lat := range []int{0, 100} {
		for _, block := range []int{64, 128, 333} {
			what := fmt.Sprintf("latency %d, block %d", lat, block)
			dir, in := inputDir(t, audioSet, "0b pad 0 0\n0.1b padup 0 0\n1b button record\n20b end\n")
			stderr := renderInput(t, dir, block, lat)
			out := showtest.ReadWAV(t, filepath.Join(dir, "out.wav"))
			take := showtest.ReadWAV(t, filepath.Join(dir, "set.takes", "take-0001.wav"))
			fade := int(0.005 * 48000)
			if take.Frames() < bar+fade {
				t.Fatalf("%s: the take holds %d frames, want %d\n%s", what, take.Frames(), bar+fade, stderr)
			}
			for f := range bar + fade {
				if want := in[8*beat+lat+f]; take.Data[f] != want {
					t.Fatalf("%s: the take's frame %d = %v, want the input's frame %d (%v)", what, f, take.Data[f], 8*beat+lat+f, want)
				}
			}
			for f := range bar {
				want := in[8*beat+lat+f]
				for pass := range 2 {
					if pass == 1 && f < fade {
						continue // the loop's crossfade
					}
					at := 12*beat + pass*bar + f
					if out.Data[2*at] != want || out.Data[2*at+1] != want {
						t.Fatalf("%s: pass %d, frame %d of the loop (output frame %d) = %v %v, want the input's frame %d (%v)",
							what, pass, f, at, out.Data[2*at], out.Data[2*at+1], 8*beat+lat+f, want)
					}
				}
			}
			for f := range 12 * beat {
				if out.Data[2*f] != 0 {
					t.Fatalf("%s: output frame %d = %v before the loop, want silence (monitor off)", what, f, out.Data[2*f])
				}
			}
			takes, err := os.ReadFile(filepath.Join(dir, "set.takes.toml"))
			if err != nil || !strings.Contains(string(takes), `sample = "set.takes/take-0001.wav"`) {
				t.Fatalf("%s: the takes file (%v) does not name the take:\n%s", what, err, takes)
			}
		}
	}
}

// fullDisk is a take file on a disk that fills up after room bytes: a
// write past it writes what fits and fails with ENOSPC.
type fullDisk struct {
	*os.File
	room int64
}

func (d *fullDisk) Write(b []byte) (int, error) {
	n := int(min(int64(len(b)), max(d.room, 0)))
	n, err := d.File.Write(b[:n])
	d.room -= int64(n)
	if err == nil && n < len(b) {
		err = syscall.ENOSPC
	}
	return n, err
}

// A take whose file cannot be written (the disk is full) stops recording
// there: the journal says why, the file holds what was written and still
// reads, the render (the music) goes on to its end, and the clip keeps
// what was recorded.
func TestRecordAudioDiskFull(t *testing.T) {
	const beat, bar = 24000, 96000
	dir, in := inputDir(t, strings.Replace(audioSet, `fixed_length = "1 bar"`, `fixed_length = "2 bars"`, 1),
		"0b pad 0 0\n0.1b padup 0 0\n1b button record\n24b end\n")
	var errb bytes.Buffer
	e := &Env{Stdout: &errb, Stderr: &errb}
	room := int64(58 + 4*bar/2) // the header and half a bar
	e.TakeFile = func(f *os.File) TakeFile { return &fullDisk{File: f, room: room} }
	sf, _ := ParseSampleFormat("f32")
	err := Render(e, RenderConfig{Set: filepath.Join(dir, "set.toml"), Events: filepath.Join(dir, "script.perf"), Out: filepath.Join(dir, "out.wav"),
		Rate: 48000, Format: sf, Input: filepath.Join(dir, "in.wav")})
	if err != nil {
		t.Fatalf("render: %v\n%s", err, errb.String())
	}
	if !strings.Contains(errb.String(), "no space left on device): its recording stops there") {
		t.Errorf("stderr does not say the take stopped for a full disk:\n%s", errb.String())
	}
	out := showtest.ReadWAV(t, filepath.Join(dir, "out.wav"))
	if out.Frames() != 24*beat {
		t.Errorf("rendered %d frames, want %d: the music goes on", out.Frames(), 24*beat)
	}
	take := showtest.ReadWAV(t, filepath.Join(dir, "set.takes", "take-0001.wav"))
	if take.Frames() < bar/2-256 || take.Frames() > bar/2 {
		t.Errorf("the take's file holds %d frames, want what fit: %d", take.Frames(), bar/2)
	}
	for f := range take.Frames() {
		if take.Data[f] != in[8*beat+f] {
			t.Fatalf("the take's frame %d = %v, want the input's %v", f, take.Data[f], in[8*beat+f])
		}
	}
	// The loop (from beat 16) plays what was recorded, and silence from
	// where the recording stopped (a block or so after the file's end).
	for f := range bar / 2 {
		if at := 16*beat + f; out.Data[2*at] != in[8*beat+f] {
			t.Fatalf("the loop's frame %d = %v, want the input's %v", f, out.Data[2*at], in[8*beat+f])
		}
	}
	for f := bar/2 + 4096; f < 2*bar; f++ {
		if at := 16*beat + f; at < out.Frames() && out.Data[2*at] != 0 {
			t.Fatalf("the loop's frame %d = %v, want silence: recording stopped at the full disk", f, out.Data[2*at])
		}
	}
}

// A script's load line while an audio take records is refused (the take's
// clip is the session's until its file is whole), and the take is kept;
// after the take it loads, the take's file read back as the set's.
func TestLoadWhileRecordingAudio(t *testing.T) {
	const beat, bar = 24000, 96000
	dir, in := inputDir(t, audioSet, "0b pad 0 0\n0.1b padup 0 0\n1b button record\n10b load set.toml\n14b load set.toml\n20b end\n")
	stderr := renderInput(t, dir, 128, 0)
	if n := strings.Count(stderr, "not loaded: an audio take is recording"); n != 1 {
		t.Errorf("the load during the take: refused %d times, want once:\n%s", n, stderr)
	}
	out := showtest.ReadWAV(t, filepath.Join(dir, "out.wav"))
	for f := range bar {
		if at := 16*beat + f; f >= 240 && out.Data[2*at] != in[8*beat+f] {
			t.Fatalf("after the reload, the loop's frame %d = %v, want the input's %v\n%s", f, out.Data[2*at], in[8*beat+f], stderr)
		}
	}
}
