package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/audio/wav"
	"gridbox/show"
	"gridbox/show/showtest"
)

// TestFlagMistakesAreUsageErrors: every numeric flag of play and render is
// checked before anything is read or written; a bad value is a one-line
// message and exit status 2. The whole transcript is
// testdata/flag-errors.golden.
func TestFlagMistakesAreUsageErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.wav")
	var transcript strings.Builder
	for _, args := range [][]string{
		{"render", "set.toml", "-o", out, "--seconds", "NaN"},
		{"render", "set.toml", "-o", out, "--seconds", "nan"},
		{"render", "set.toml", "-o", out, "--seconds", "Inf"},
		{"render", "set.toml", "-o", out, "--seconds", "+Inf"},
		{"render", "set.toml", "-o", out, "--seconds", "-Inf"},
		{"render", "set.toml", "-o", out, "--seconds", "1e9"},
		{"render", "set.toml", "-o", out, "--seconds", "1e999"},
		{"render", "set.toml", "-o", out, "--seconds", "86400.5"},
		{"render", "set.toml", "-o", out, "--seconds", "-1"},
		{"render", "set.toml", "-o", out, "--seconds", "-0.5"},
		{"render", "set.toml", "-o", out, "--rate", "0"},
		{"render", "set.toml", "-o", out, "--rate", "7999"},
		{"render", "set.toml", "-o", out, "--rate", "384001"},
		{"render", "set.toml", "-o", out, "--rate", "-48000"},
		{"render", "set.toml", "-o", out, "--format", "s8"},
		{"play", "set.toml", "--audio", "null", "--seconds", "NaN"},
		{"play", "set.toml", "--audio", "null", "--seconds", "1e9"},
		{"play", "set.toml", "--audio", "null", "--seconds", "-1"},
		{"play", "set.toml", "--audio", "null", "--rate", "7999"},
		{"play", "set.toml", "--audio", "null", "--rate", "1000000000"},
		{"play", "set.toml", "--audio", "null", "--block", "0"},
		{"play", "set.toml", "--audio", "null", "--block", "15"},
		{"play", "set.toml", "--audio", "null", "--block", "8193"},
		{"play", "set.toml", "--audio", "null", "--lead", "0"},
		{"play", "set.toml", "--audio", "null", "--lead", "65"},
		{"play", "set.toml", "--audio", "alsa"},
		{"play", "set.toml", "--audio", "null", "--device", "1"},
	} {
		code, stdout, stderr := gridbox(t, args...)
		if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 {
			t.Errorf("gridbox %q: exit %d, want 2 and one line on stderr; got:\n%s%s", args, code, stdout, stderr)
		}
		fmt.Fprintf(&transcript, "$ gridbox %s\n%sexit %d\n", strings.Join(args, " "), stderr, code)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("a usage error left %v", ents)
	}
	got := strings.ReplaceAll(transcript.String(), out, "OUT.wav")
	// The backends depend on the build (PortAudio or not).
	got = strings.ReplaceAll(got, strings.Join(show.Backends(), ", "), "BACKENDS")
	golden := "testdata/flag-errors.golden"
	if want := goldenFile(t, golden, got); got != want {
		t.Errorf("flag errors differ from %s:\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

// The limits themselves are accepted: --seconds 0 (until the end) and the
// shortest and longest rates.
func TestFlagLimitsAreAccepted(t *testing.T) {
	set := showtest.ClickSet(t, "")
	for _, args := range [][]string{
		{"--seconds", "0"},
		{"--seconds", "0.5", "--rate", "8000"},
		{"--seconds", "0.01", "--rate", "384000"},
	} {
		out := filepath.Join(t.TempDir(), "out.wav")
		if code, _, stderr := gridbox(t, append([]string{"render", set, "-o", out}, args...)...); code != 0 {
			t.Errorf("%q: exit %d: %s", args, code, stderr)
		}
	}
}

// Without a script, --seconds 0 keeps its documented meaning: the default
// 30 s.
func TestRenderSecondsZero(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.wav")
	if code, _, stderr := gridbox(t, "render", showtest.ClickSet(t, ""), "-o", out, "--seconds", "0", "--rate", "8000", "--format", "s16"); code != 0 {
		t.Fatal(stderr)
	}
	if b := showtest.ReadWAV(t, out); b.Frames() != 30*8000 {
		t.Errorf("%d frames, want 30 s", b.Frames())
	}
}

// A WAV file holds at most 4 GiB: a render known to be longer is refused
// before anything is written (issue 9: --seconds 1e9 wrote 4 GiB, then
// failed). A stream has no such limit.
func TestRenderLongerThanAWAVFileHolds(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.wav")
	code, _, stderr := gridbox(t, "render", showtest.ClickSet(t, ""), "-o", out, "--seconds", "86400")
	want := out + " would be 33.2 GB, more than a WAV file holds (4 GiB: 3.1 hours of stereo f32 at 48000 Hz): render less, or use --format s16\n"
	if code != 1 || !strings.HasSuffix(stderr, want) {
		t.Fatalf("exit %d:\n%s\nwant the message\n%s", code, stderr, want)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left %v", ents)
	}
}

// entries returns the names in dir, sorted.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// mode returns the type bits of what is at name, without following a link.
func mode(t *testing.T, name string) fs.FileMode {
	t.Helper()
	fi, err := os.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Type()
}

// A regular file is replaced atomically: new content, its permissions
// kept, no temporary file left.
func TestRenderReplacesARegularFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.wav")
	showtest.WriteFile(t, out, "old")
	if err := os.Chmod(out, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := gridbox(t, "render", showtest.ClickSet(t, ""), "-o", out, "--seconds", "1"); code != 0 {
		t.Fatal(stderr)
	}
	if b := showtest.ReadWAV(t, out); b.Frames() != 48000 {
		t.Errorf("%d frames", b.Frames())
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the old file's 0600", fi.Mode())
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("folder holds %q", got)
	}
}

// A symbolic link, a chain of two and a dangling one are written through:
// the file at the end of the chain gets the WAV, written beside itself,
// and the links stay links.
func TestRenderThroughSymlinks(t *testing.T) {
	set := showtest.ClickSet(t, "")
	links, files := t.TempDir(), t.TempDir()
	target := filepath.Join(files, "real.wav")
	showtest.WriteFile(t, target, "old")
	one := filepath.Join(links, "one.wav")
	two := filepath.Join(links, "two.wav")
	dangling := filepath.Join(links, "dangling.wav")
	for _, l := range [][2]string{{target, one}, {"one.wav", two}, {filepath.Join(files, "new.wav"), dangling}} {
		if err := os.Symlink(l[0], l[1]); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range []struct{ link, file string }{{one, target}, {two, target}, {dangling, filepath.Join(files, "new.wav")}} {
		secs := fmt.Sprint(i + 1)
		if code, _, stderr := gridbox(t, "render", set, "-o", c.link, "--seconds", secs, "--rate", "8000"); code != 0 {
			t.Fatalf("-o %s: %s", filepath.Base(c.link), stderr)
		}
		if b := showtest.ReadWAV(t, c.file); b.Frames() != (i+1)*8000 {
			t.Errorf("-o %s: %s has %d frames, want %d", filepath.Base(c.link), filepath.Base(c.file), b.Frames(), (i+1)*8000)
		}
	}
	for _, l := range []string{one, two, dangling} {
		if mode(t, l) != fs.ModeSymlink {
			t.Errorf("%s is no longer a symbolic link", filepath.Base(l))
		}
	}
	if got := entries(t, files); strings.Join(got, " ") != "new.wav real.wav" {
		t.Errorf("the targets' folder holds %q", got)
	}
}

// Nothing that is not a regular file is replaced or renamed over: a folder,
// a socket, a block device (as root), a symbolic link to a folder, a loop
// of links, a missing folder. Each is a clear error, and nothing is left.
func TestRenderRefusesWhatIsNotAFile(t *testing.T) {
	set := showtest.ClickSet(t, "")
	dir := t.TempDir()
	folder := filepath.Join(dir, "folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := os.Symlink("folder", filepath.Join(dir, "tofolder")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("loop2", filepath.Join(dir, "loop1")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("loop1", filepath.Join(dir, "loop2")); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, want string }{
		{folder, folder + " is a folder: give a file name, such as " + folder + "/render.wav"},
		{sock, sock + " is a socket, which render never writes to"},
		{filepath.Join(dir, "tofolder"), "tofolder leads to " + folder + ", a folder"},
		{filepath.Join(dir, "loop1"), "too many symbolic links in a row"},
		{filepath.Join(dir, "none", "out.wav"), "the folder " + filepath.Join(dir, "none") + " does not exist"},
	}
	if os.Geteuid() == 0 {
		blk := filepath.Join(dir, "blk")
		if err := syscall.Mknod(blk, syscall.S_IFBLK|0o600, 7<<8|200); err != nil { // a loop device's numbers; never opened
			t.Logf("no block device test: mknod: %v", err)
		} else {
			cases = append(cases, struct{ name, want string }{blk, blk + " is a block device, which render never writes to"})
		}
	} else {
		t.Log("no block device test: mknod needs root")
	}
	before := entries(t, dir)
	for _, c := range cases {
		code, _, stderr := gridbox(t, "render", set, "-o", c.name, "--seconds", "1")
		if code != 1 || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("-o %s: exit %d:\n%swant exit 1 and one line containing %q", c.name, code, stderr, c.want)
		}
	}
	if after := entries(t, dir); strings.Join(after, " ") != strings.Join(before, " ") {
		t.Errorf("the folder held %q, now %q", before, after)
	}
	if mode(t, folder) != fs.ModeDir || mode(t, sock) != fs.ModeSocket {
		t.Error("the folder or the socket changed")
	}
	if got := entries(t, folder); len(got) != 0 {
		t.Errorf("the folder now holds %q", got)
	}
}

// The set and the script are never overwritten by their own render.
func TestRenderNeverOverwritesItsInputs(t *testing.T) {
	set := showtest.ClickSet(t, "")
	perf := filepath.Join(filepath.Dir(set), "p.perf")
	showtest.WriteFile(t, perf, "0b scene 0\n4b end\n")
	link := filepath.Join(t.TempDir(), "link.toml")
	if err := os.Symlink(set, link); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(set)
	for _, out := range []string{set, perf, link} {
		code, _, stderr := gridbox(t, "render", set, "--events", perf, "-o", out)
		if code != 1 || !strings.Contains(stderr, "itself: give the WAV another name") {
			t.Errorf("-o %s: exit %d: %s", out, code, stderr)
		}
	}
	if after, _ := os.ReadFile(set); !bytes.Equal(before, after) {
		t.Error("the set changed")
	}
	if b, _ := os.ReadFile(perf); string(b) != "0b scene 0\n4b end\n" {
		t.Error("the script changed")
	}
}

// A read-only folder: a clear error, nothing written. Root writes in a
// folder without write permission, so as root the folder is a read-only
// mount.
func TestRenderIntoAReadOnlyFolder(t *testing.T) {
	dir := t.TempDir()
	want := "no permission to write in the folder " + dir
	if os.Geteuid() == 0 {
		if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_RDONLY, "size=1m"); err != nil {
			t.Skipf("as root a read-only folder needs a read-only mount, and mount failed: %v", err)
		}
		t.Cleanup(func() { syscall.Unmount(dir, 0) })
		want = "the folder " + dir + " is on a read-only file system"
	} else {
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
	}
	code, _, stderr := gridbox(t, "render", showtest.ClickSet(t, ""), "-o", filepath.Join(dir, "out.wav"), "--seconds", "1")
	if code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d: %s\nwant %q", code, stderr, want)
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("left %q", got)
	}
}

// mountTmpfs mounts a tmpfs of size bytes on a new folder, or skips (as
// a user, or where mounting is not allowed).
func mountTmpfs(t *testing.T, size int) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d", size)); err != nil {
		t.Skipf("mount tmpfs: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	return dir
}

// Where the output's size is known (--seconds, a script's end) it is
// checked against the free space before anything is written; where it is
// not, a full disk stops the render and nothing is left behind.
func TestRenderChecksFreeSpace(t *testing.T) {
	dir := mountTmpfs(t, 1<<20)
	set := showtest.ClickSet(t, "")
	out := filepath.Join(dir, "out.wav")
	code, _, stderr := gridbox(t, "render", set, "-o", out, "--seconds", "60")
	if want := out + " needs 23 MB, 1.0 MB free on " + dir + "\n"; code != 1 || !strings.HasSuffix(stderr, want) {
		t.Errorf("--seconds 60: exit %d:\n%swant\n%s", code, stderr, want)
	}
	perf := filepath.Join(t.TempDir(), "p.perf")
	showtest.WriteFile(t, perf, "0b scene 0\n120b end\n") // 60 s at 120 BPM
	code, _, stderr = gridbox(t, "render", set, "--events", perf, "-o", out)
	if want := out + " needs 23 MB, 1.0 MB free on " + dir + "\n"; code != 1 || !strings.HasSuffix(stderr, want) {
		t.Errorf("script end: exit %d:\n%swant\n%s", code, stderr, want)
	}
	// No end: the loop plays until the 10-minute cap, and the disk fills.
	showtest.WriteFile(t, perf, "0b scene 0\n")
	code, _, stderr = gridbox(t, "render", set, "--events", perf, "-o", out)
	if want := out + ": no space left on " + dir + "; nothing was written\n"; code != 1 || !strings.HasSuffix(stderr, want) {
		t.Errorf("a full disk: exit %d:\n%swant\n%s", code, stderr, want)
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("left %q", got)
	}
	// What fits is written.
	if code, _, stderr := gridbox(t, "render", set, "-o", out, "--seconds", "1", "--format", "s16"); code != 0 {
		t.Errorf("a render that fits: %s", stderr)
	}
}

// wavSizes returns the RIFF and data sizes of a WAV file's header as
// gridbox writes it (fact chunk for float).
func wavSizes(t *testing.T, b []byte) (riff, data uint32) {
	t.Helper()
	i := bytes.Index(b, []byte("data"))
	if len(b) < 44 || string(b[:4]) != "RIFF" || i < 0 || i+8 > len(b) {
		t.Fatalf("not a WAV: % x", b[:min(len(b), 64)])
	}
	return binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint32(b[i+4:])
}

// A FIFO is streamed to, never replaced: the WAV has the streaming
// convention's unknown sizes, decodes to every frame, and is the same
// audio as a file render; sox reads it from the FIFO too.
func TestRenderToAFIFO(t *testing.T) {
	set := showtest.ClickSet(t, "")
	dir := t.TempDir()
	file := filepath.Join(dir, "file.wav")
	if code, _, stderr := gridbox(t, "render", set, "-o", file, "--seconds", "2"); code != 0 {
		t.Fatal(stderr)
	}
	want := showtest.ReadWAV(t, file)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte)
	go func() {
		f, err := os.Open(fifo) // waits for the render to open it
		if err != nil {
			got <- nil
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- b
	}()
	if code, _, stderr := gridbox(t, "render", set, "-o", fifo, "--seconds", "2"); code != 0 {
		t.Fatal(stderr)
	}
	b := <-got
	if riff, data := wavSizes(t, b); riff != 0xFFFFFFFF || data != 0xFFFFFFFF {
		t.Errorf("RIFF size %#x, data size %#x; want 0xFFFFFFFF (unknown) for a stream", riff, data)
	}
	d, err := wav.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if d.Frames() != want.Frames() || !slicesEqual(d.Data, want.Data) {
		t.Errorf("the stream decodes to %d frames, not the file's %d samples", d.Frames(), want.Frames())
	}
	if mode(t, fifo) != fs.ModeNamedPipe {
		t.Errorf("the FIFO is now %v", mode(t, fifo))
	}

	sox, err := exec.LookPath("sox")
	if err != nil {
		t.Skip("no sox: the FIFO is not read by sox (.ci installs it)")
	}
	raw := filepath.Join(dir, "sox.f32")
	cmd := exec.Command(sox, "-t", "wav", fifo, "-t", "f32", raw)
	var soxOut bytes.Buffer
	cmd.Stderr = &soxOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := gridbox(t, "render", set, "-o", fifo, "--seconds", "2")
	if err := cmd.Wait(); code != 0 || err != nil {
		t.Fatalf("render exit %d (%s), sox: %v %s", code, stderr, err, soxOut.String())
	}
	data, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != 4*len(want.Data) {
		t.Fatalf("sox read %d samples, want %d (sox said: %s)", len(data)/4, len(want.Data), soxOut.String())
	}
	for i := range want.Data {
		if v := math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:])); v != want.Data[i] {
			t.Fatalf("sox sample %d = %v, the file's %v", i, v, want.Data[i])
		}
	}
	t.Logf("sox on the stream: %q", strings.TrimSpace(soxOut.String()))
}

func slicesEqual(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// charDevice returns a character device node with major and minor, made
// in a temporary folder as root; as a user, the system's own node at path,
// which a user cannot replace, so a faulty render could not harm it.
func charDevice(t *testing.T, major, minor int, path string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		return path
	}
	name := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := syscall.Mknod(name, syscall.S_IFCHR|0o666, major<<8|minor); err != nil {
		t.Skipf("mknod %s as root: %v", name, err)
	}
	return name
}

// A character device is streamed to and never turned into a file (issue
// 9: as root, -o /dev/full and -o /dev/stdout did become files): /dev/null
// takes the WAV, /dev/full fails with ENOSPC.
func TestRenderToCharacterDevices(t *testing.T) {
	set := showtest.ClickSet(t, "")
	null := charDevice(t, 1, 3, "/dev/null")
	full := charDevice(t, 1, 7, "/dev/full")
	if code, _, stderr := gridbox(t, "render", set, "-o", null, "--seconds", "1"); code != 0 {
		t.Errorf("-o %s: exit %d: %s", null, code, stderr)
	}
	code, _, stderr := gridbox(t, "render", set, "-o", full, "--seconds", "1")
	if want := full + ": no space left on the device\n"; code != 1 || !strings.HasSuffix(stderr, want) {
		t.Errorf("-o %s: exit %d:\n%swant\n%s", full, code, stderr, want)
	}
	// Through a link too, as /dev/stdout is one.
	link := filepath.Join(t.TempDir(), "stdout")
	if err := os.Symlink(null, link); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := gridbox(t, "render", set, "-o", link, "--seconds", "1"); code != 0 {
		t.Errorf("-o a link to %s: exit %d: %s", null, code, stderr)
	}
	for _, n := range []string{null, full} {
		if mode(t, n) != fs.ModeDevice|fs.ModeCharDevice {
			t.Errorf("%s is now %v", n, mode(t, n))
		}
		if ents := entries(t, filepath.Dir(n)); n != "/dev/null" && n != "/dev/full" && len(ents) != 1 {
			t.Errorf("the device's folder holds %q", ents)
		}
	}
	if mode(t, link) != fs.ModeSymlink {
		t.Error("the link was replaced")
	}
}

// -o - writes to standard output: the streaming convention on a pipe (here
// any io.Writer), the final sizes on a regular file, and the streaming
// convention again on a file opened for appending, where a seek back
// would append.
func TestRenderToStandardOutput(t *testing.T) {
	set := showtest.ClickSet(t, "")
	isolate(t)
	var buf, stderr bytes.Buffer
	if code := run([]string{"render", set, "-o", "-", "--seconds", "1"}, &env{stdout: &buf, stderr: &stderr}); code != 0 {
		t.Fatal(stderr.String())
	}
	if riff, data := wavSizes(t, buf.Bytes()); riff != 0xFFFFFFFF || data != 0xFFFFFFFF || !strings.Contains(stderr.String(), "rendered standard output: 1.00 s") {
		t.Errorf("to a pipe: sizes %#x %#x; %s", riff, data, stderr.String())
	}
	for _, c := range []struct {
		flag   int
		stream bool
	}{{os.O_TRUNC, false}, {os.O_APPEND, true}} {
		name := filepath.Join(t.TempDir(), "out.wav")
		f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|c.flag, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		code := run([]string{"render", set, "-o", "-", "--seconds", "1"}, &env{stdout: f, stderr: &stderr})
		f.Close()
		if code != 0 {
			t.Fatal(stderr.String())
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		riff, data := wavSizes(t, b)
		want, header := uint32(48000*8), 58
		if c.stream {
			want, header = 0xFFFFFFFF, 46 // no fact chunk in a stream
		}
		if data != want || riff != want+50*boolInt(!c.stream) || len(b) != header+48000*8 {
			t.Errorf("appending %v: %d bytes, RIFF size %#x, data size %#x, want data %#x", c.stream, len(b), riff, data, want)
		}
	}
}

func boolInt(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// startRender runs "gridbox ARGS" as another process (this test binary, as
// helperPlay's child) with stdout going to stdout (nil: discarded).
func startRender(t *testing.T, args []string, stdout io.Writer) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	isolate(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperPlayEnv+"="+strings.Join(args, " "))
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// -o /dev/stdout: a link to the process's descriptor 1. On a pipe it is
// streamed to; on a regular file that file is replaced atomically. The
// link, here one made like /dev/stdout in a temporary folder so that no
// real /dev node is at stake, stays a link.
func TestRenderToDevStdout(t *testing.T) {
	set := showtest.ClickSet(t, "")
	link := filepath.Join(t.TempDir(), "stdout")
	if err := os.Symlink("/proc/self/fd/1", link); err != nil {
		t.Fatal(err)
	}
	args := []string{"render", set, "-o", link, "--seconds", "1", "--format", "s16"}

	var pipe bytes.Buffer
	cmd, stderr := startRender(t, args, &pipe) // os/exec copies through a pipe
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	if riff, data := wavSizes(t, pipe.Bytes()); riff != 0xFFFFFFFF || data != 0xFFFFFFFF || pipe.Len() != 44+48000*4 {
		t.Errorf("to a pipe: %d bytes, sizes %#x %#x", pipe.Len(), riff, data)
	}

	name := filepath.Join(t.TempDir(), "out.wav")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	cmd, stderr = startRender(t, args, f)
	err = cmd.Wait()
	f.Close()
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	if b := showtest.ReadWAV(t, name); b.Frames() != 48000 {
		t.Errorf("to a file: %d frames", b.Frames())
	}
	if mode(t, link) != fs.ModeSymlink {
		t.Error("the link was replaced")
	}
}

// SIGINT or SIGTERM in the middle of a render: the temporary file is
// removed, an existing file is left as it was, and gridbox exits with
// 128 + the signal's number.
func TestRenderSignalRemovesTheTemporaryFile(t *testing.T) {
	set := showtest.ClickSet(t, "")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		dir := t.TempDir()
		out := filepath.Join(dir, "out.wav")
		showtest.WriteFile(t, out, "old")
		cmd, stderr := startRender(t, []string{"render", set, "-o", out, "--seconds", "86400", "--rate", "8000", "--format", "s16"}, nil)
		// Wait until the temporary file is being written.
		deadline := time.Now().Add(10 * time.Second)
		for {
			m, _ := filepath.Glob(filepath.Join(dir, ".out.wav.*.tmp"))
			if len(m) == 1 {
				if fi, err := os.Stat(m[0]); err == nil && fi.Size() > 1<<16 {
					break
				}
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("no temporary file growing after 10 s: %s", stderr)
			}
			time.Sleep(2 * time.Millisecond)
		}
		cmd.Process.Signal(sig)
		cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 128+int(sig) {
			t.Errorf("%v: exit %d, want %d: %s", sig, code, 128+int(sig), stderr)
		}
		want := fmt.Sprintf("gridbox render: interrupted by %s; %s was not written\n", map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM"}[sig], out)
		if stderr.String() != want {
			t.Errorf("%v: said %q, want %q", sig, stderr, want)
		}
		if got := entries(t, dir); strings.Join(got, " ") != "out.wav" {
			t.Errorf("%v: the folder holds %q, want only out.wav", sig, got)
		}
		if b, _ := os.ReadFile(out); string(b) != "old" {
			t.Errorf("%v: out.wav changed", sig)
		}
	}
}

// A render waiting for a program to read its FIFO says so after a second,
// and stops on SIGINT.
func TestRenderSignalWhileWaitingForAReader(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	isolate(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperPlayEnv+"=render "+showtest.ClickSet(t, "")+" -o "+fifo+" --seconds 1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Its first line says it waits; signals are caught by then.
	line := make([]byte, 0, 256)
	for {
		var c [1]byte
		if _, err := stderr.Read(c[:]); err != nil {
			cmd.Process.Kill()
			t.Fatalf("stderr ended before a line: %q", line)
		}
		if c[0] == '\n' {
			break
		}
		line = append(line, c[0])
	}
	if want := "gridbox render: waiting for a program to read " + fifo; string(line) != want {
		t.Errorf("said %q, want %q", line, want)
	}
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(stderr)
		done <- string(b)
	}()
	cmd.Process.Signal(syscall.SIGINT)
	var rest string
	select {
	case rest = <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatal("still waiting 10 s after SIGINT")
	}
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 || rest != "gridbox render: interrupted by SIGINT; nothing was written\n" {
		t.Errorf("exit %d: %q", code, rest)
	}
	if mode(t, fifo) != fs.ModeNamedPipe {
		t.Error("the FIFO changed")
	}
}

// render fails when the set has problems (a missing sample, an
// undecodable one), unless --keep-going; play plays the rest, as before.
func TestRenderFailsOnSetProblems(t *testing.T) {
	set := showtest.ClickSet(t, `[[track]]
name = "Broken"
  [[track.clip]]
  scene = 0
  sample = "samples/garbage.wav"
[[track]]
name = "Missing"
  [[track.clip]]
  scene = 0
  sample = "samples/missing.wav"
`)
	showtest.WriteFile(t, filepath.Join(filepath.Dir(set), "samples/garbage.wav"), "RIFF nonsense, not audio")
	dir := t.TempDir()
	out := filepath.Join(dir, "out.wav")
	code, _, stderr := gridbox(t, "render", set, "-o", out, "--seconds", "1")
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 1 || len(lines) != 3 || !strings.Contains(lines[0], `garbage.wav`) || !strings.Contains(lines[1], `missing.wav`) ||
		lines[2] != "gridbox render: "+set+" has 2 problems (listed above); fix them, or render the rest with --keep-going" {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("left %q", got)
	}
	code, _, stderr = gridbox(t, "render", set, "-o", out, "--seconds", "1", "--keep-going")
	if code != 0 || !strings.Contains(stderr, "garbage.wav") || !strings.Contains(stderr, "missing.wav") {
		t.Fatalf("--keep-going: exit %d:\n%s", code, stderr)
	}
	if got := clicks(showtest.ReadWAV(t, out)); len(got) != 2 {
		t.Errorf("--keep-going: clicks %v, want the good track's 2", got)
	}
	code, _, stderr = gridbox(t, "play", set, "--audio", "null", "--seconds", "0.2")
	if code != 0 || !strings.Contains(stderr, "garbage.wav") || !strings.Contains(stderr, "stopped (0.2 s played)") {
		t.Errorf("play: exit %d:\n%s", code, stderr)
	}
}

// Script events outside the set, or for a controller model there is no
// driver for, are bad lines reported with the others, all at once, before
// anything plays or is written: testdata/script-outside.golden.
func TestScriptEventsOutsideTheSet(t *testing.T) {
	set := showtest.ClickSet(t, "") // 1 track, 1 scene
	perf := filepath.Join(t.TempDir(), "bad.perf")
	showtest.WriteFile(t, perf, `0b scene 0        # fine
1b scene 99
2b press 0 0      # fine
2b press 1 0
2b release 0 3
3b stop 5
4b pres 0 0
5b midi launchpad-mk9 90 0b 7f
5b midi monome-128 90 0b 7f
5b serial launchpad-x 21 00 00
5b serial monome-128 21 00 00
6b end
`)
	dir := t.TempDir()
	for _, cmd := range []string{"render", "play"} {
		args := []string{cmd, set, "--events", perf, "-o", filepath.Join(dir, "out.wav")}
		if cmd == "play" {
			args = []string{cmd, set, "--events", perf, "--audio", "null"}
		}
		code, _, stderr := gridbox(t, args...)
		got := strings.ReplaceAll(stderr, perf, "bad.perf")
		golden := "testdata/script-outside.golden"
		if *update && cmd == "render" {
			showtest.WriteFile(t, golden, strings.TrimPrefix(got, "gridbox render: "))
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if code != 1 || got != "gridbox "+cmd+": "+string(want) {
			t.Errorf("%s: exit %d, output differs from %s:\n--- got\n%s--- want\ngridbox %s: %s", cmd, code, golden, got, cmd, want)
		}
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("left %q", got)
	}
}

// onsets returns the frames at which the left channel goes from silence to
// sound.
func onsets(b *audio.Buffer) []int {
	var at []int
	was := false
	for i := 0; i < b.Frames(); i++ {
		on := b.Data[i*b.Channels] != 0
		if on && !was {
			at = append(at, i)
		}
		was = on
	}
	return at
}

// lastSound returns the last frame with sound on the left channel, or -1.
func lastSound(b *audio.Buffer) int {
	for i := b.Frames() - 1; i >= 0; i-- {
		if b.Data[i*b.Channels] != 0 {
			return i
		}
	}
	return -1
}

// channel returns channel c of b as a mono buffer.
func channel(b *audio.Buffer, c int) *audio.Buffer {
	m := &audio.Buffer{Rate: b.Rate, Channels: 1, Data: make([]float32, b.Frames())}
	for i := range m.Data {
		m.Data[i] = b.Data[i*b.Channels+c]
	}
	return m
}

// near reports whether frame f is within a declick fade (5 ms) of want.
func near(f, want int) bool { return f > want-300 && f < want+300 }

// The README's account of stops, toggles and empty slots, through the
// whole render: a stop (a track's stop button, a press on an empty slot,
// a scene launch's empty slot) waits for the set's launch quantization,
// even for a clip quantized otherwise; a toggle clip's second press stops
// it on its quantization; a toggle one-shot that has played to its end is
// not playing any more, so the next press starts it again.
func TestStopsTogglesAndEmptySlots(t *testing.T) {
	const beat, bar = 24000, 96000 // 120 BPM, 4/4, 48 kHz
	dir := t.TempDir()
	tone := make([]float32, 3*48000) // 3 s (6 beats) of a constant level
	for i := range tone {
		tone[i] = 0.25
	}
	showtest.WriteWAV(t, filepath.Join(dir, "samples/tone.wav"), 48000, tone)
	set := filepath.Join(dir, "set.toml")
	// Track 0 is heard on the left only, track 1 on the right only.
	showtest.WriteFile(t, set, `tempo = 120.0
quantize = "1 bar"
[[scene]]
[[scene]]
[[track]]
pan = -1.0
  [[track.clip]]
  scene = 0
  sample = "samples/tone.wav"
  loop = true
  length = "1/4"
  quantize = "1/4"
  [[track.clip]]
  scene = 1
  sample = "samples/tone.wav"
  launch = "toggle"
[[track]]
pan = 1.0
  [[track.clip]]
  scene = 0
  sample = "samples/tone.wav"
  loop = true
  length = "1/4"
`)
	render := func(script string) (left, right *audio.Buffer) {
		t.Helper()
		perf := filepath.Join(dir, "p.perf")
		showtest.WriteFile(t, perf, script)
		out := filepath.Join(dir, "out.wav")
		if code, _, stderr := gridbox(t, "render", set, "--events", perf, "-o", out); code != 0 {
			t.Fatal(stderr)
		}
		b := showtest.ReadWAV(t, out)
		return channel(b, 0), channel(b, 1)
	}

	// Track 0's clip is quantized to a beat, yet its stop button waits
	// for the bar: pressed at beat 5.2, it stops at beat 8, not 6.
	left, _ := render("0b press 0 0\n5.2b stop 0\n10b end\n")
	if on, last := onsets(left), lastSound(left); len(on) != 1 || on[0] != 0 || !near(last, 2*bar) {
		t.Errorf("stop button: sound from %v to frame %d, want from 0 to the bar at %d", on, last, 2*bar)
	}
	// Pressing an empty slot (track 1, scene 1) stops the track the same
	// way, at the bar.
	_, right := render("0b press 1 0\n1b press 1 1\n6b end\n")
	if last := lastSound(right); !near(last, bar) {
		t.Errorf("empty-slot press at beat 1: last sound at %d, want at the bar, %d", last, bar)
	}
	// Scene 1 launched at beat 1: track 1's slot there is empty, so it
	// stops at the bar, where track 0's scene-1 clip starts.
	left, right = render("0b scene 0\n1b scene 1\n6b end\n")
	if last := lastSound(right); !near(last, bar) {
		t.Errorf("scene with an empty slot: track 1's last sound at %d, want at the bar, %d", last, bar)
	}
	if sound := left.Data[bar+beat]; sound != 0.25 {
		t.Errorf("scene 1's clip on track 0 is at %v a beat after the bar, want 0.25", sound)
	}
	// The toggle one-shot (6 beats) launched at 0 ends at beat 6; the next
	// press, at beat 9, starts it again at beat 12.
	left, _ = render("0b press 0 1\n9b press 0 1\n16b end\n")
	if on := onsets(left); len(on) != 2 || on[0] != 0 || on[1] != 3*bar {
		t.Errorf("toggle after its one-shot ended: onsets %v, want [0 %d]", on, 3*bar)
	}
	// A press while its stop is queued cancels the stop and starts it
	// again from the top on the boundary: one sound to the end, 6 beats
	// after the bar.
	left, _ = render("0b press 0 1\n1b press 0 1\n2b press 0 1\n12b end\n")
	if on, last := onsets(left), lastSound(left); len(on) != 1 || last != bar+6*beat-1 {
		t.Errorf("toggle pressed while its stop was queued: onsets %v, last sound %d, want one, ending at %d", on, last, bar+6*beat-1)
	}
	// While it plays, a press stops it at the bar (its quantization).
	left, _ = render("0b press 0 1\n1b press 0 1\n8b end\n")
	if on, last := onsets(left), lastSound(left); len(on) != 1 || !near(last, bar) {
		t.Errorf("toggle while playing: onsets %v, last sound %d, want one, ending at the bar, %d", on, last, bar)
	}
}
