package sets

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// clipSet is a set with one scene and one audio clip per sample path. With
// n samples, sample i is written on line n+4+3*i, column 12.
func clipSet(samples ...string) string {
	var b strings.Builder
	b.WriteString(strings.Repeat("[[scene]]\n", len(samples)))
	b.WriteString("[[track]]\n")
	for i, s := range samples {
		fmt.Fprintf(&b, "  [[track.clip]]\n  scene = %d\n  sample = %q\n", i, s)
	}
	return b.String()
}

func TestLoad_Valid(t *testing.T) {
	good, err := os.ReadFile("testdata/good.toml")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"live/set.toml":          {Data: good},
		"live/samples/beat.wav":  {Data: []byte("RIFF")},
		"live/samples/bass.wav":  {Data: []byte("RIFF")},
		"live/samples/kick.wav":  {Data: []byte("RIFF")},
		"live/samples/tom.wav":   {Data: []byte("RIFF")},
		"live/samples/other.wav": {Data: []byte("RIFF")},
	}
	s, err := Load(fsys, "live/set.toml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if s.File != "live/set.toml" || s.Name != "Demo" {
		t.Errorf("File, Name = %q, %q", s.File, s.Name)
	}
	for _, r := range s.Samples() {
		if _, err := fs.Stat(fsys, r.Path); err != nil {
			t.Errorf("SampleRef.Path %q does not open in the same fsys: %v", r.Path, err)
		}
	}
}

// TestLoad_MissingSample: a missing sample gives a positioned error that
// wraps fs.ErrNotExist, and the rest of the set still comes back.
func TestLoad_MissingSample(t *testing.T) {
	fsys := fstest.MapFS{
		"set.toml": {Data: []byte(clipSet("here.wav", "gone.wav", "samples/gone.wav"))},
		"here.wav": {Data: []byte("RIFF")},
	}
	s, err := Load(fsys, "set.toml")
	want := "set.toml:10:12: sample \"gone.wav\": file not found\n" +
		"set.toml:13:12: sample \"samples/gone.wav\": file not found"
	if err == nil || err.Error() != want {
		t.Fatalf("Load: got %v, want\n%s", err, want)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("errors.Is(err, fs.ErrNotExist) = false")
	}
	if s == nil || len(s.Tracks[0].Clips) != 3 {
		t.Fatalf("Load returned set %v; want the set with its 3 clips", s)
	}
	// The caller marks the broken clips by position.
	var es Errors
	errors.As(err, &es)
	if s.Tracks[0].Clips[1].SamplePos != es[0].Pos {
		t.Errorf("clip SamplePos %v != error Pos %v", s.Tracks[0].Clips[1].SamplePos, es[0].Pos)
	}
}

func TestLoad_SetFileProblems(t *testing.T) {
	big := bytes.Repeat([]byte("# padding\n"), 2<<20/10+1)
	fsys := fstest.MapFS{
		"big.toml":    {Data: big},
		"limit.toml":  {Data: append(bytes.Repeat([]byte(" "), MaxFileSize-1), '\n')},
		"over.toml":   {Data: bytes.Repeat([]byte(" "), MaxFileSize+1)},
		"folder/x":    {Data: nil},
		"private.set": {Data: []byte("tempo = 100\n")},
	}
	for _, tt := range []struct {
		name, want string
		is         error
	}{
		{"big.toml", "big.toml: file is 2.0 MiB; sets are limited to 1 MiB", ErrTooLarge},
		{"over.toml", "over.toml: file is 1048577 bytes; sets are limited to 1 MiB", ErrTooLarge},
		{"nope.toml", "nope.toml: cannot open the set: file does not exist", fs.ErrNotExist},
		{"folder", "folder: is a folder, not a set file", nil},
		{"../x.toml", "../x.toml: not a valid file name: use a path relative to the file system, with / between folders", fs.ErrInvalid},
	} {
		_, err := Load(fsys, tt.name)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Load(%q) = %v, want %q", tt.name, err, tt.want)
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("Load(%q): errors.Is(%v) = false", tt.name, tt.is)
		}
	}
	if _, err := Load(fsys, "limit.toml"); err != nil {
		t.Errorf("Load(a file of exactly 1 MiB): %v", err)
	}
	if _, err := Parse("big.toml", big); err == nil || err.Error() != "big.toml: file is 2.0 MiB; sets are limited to 1 MiB" {
		t.Errorf("Parse(2 MiB) = %v", err)
	}
}

// TestLoad_PathEscapes: paths out of the set's folder are refused, lexically
// (absolute, ..) and through symbolic links, on a real directory opened as
// an os.Root.
func TestLoad_PathEscapes(t *testing.T) {
	top := t.TempDir()
	dir := filepath.Join(top, "set")
	outside := filepath.Join(top, "outside")
	for _, d := range []string{filepath.Join(dir, "samples", "sub"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p string) {
		if err := os.WriteFile(p, []byte("RIFF"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "samples", "ok.wav"))
	write(filepath.Join(outside, "secret.wav"))
	symlink := func(target, link string) {
		if err := os.Symlink(target, link); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	symlink("../../outside/secret.wav", filepath.Join(dir, "samples", "escape.wav")) // relative, out
	symlink(filepath.Join(outside, "secret.wav"), filepath.Join(dir, "samples", "abs.wav"))
	symlink("../outside", filepath.Join(dir, "outdir"))                  // a folder link out
	symlink("ok.wav", filepath.Join(dir, "samples", "alias.wav"))        // stays inside
	symlink("../ok.wav", filepath.Join(dir, "samples", "sub", "up.wav")) // stays inside
	symlink("loop.wav", filepath.Join(dir, "samples", "loop.wav"))       // a loop
	set := clipSet(
		"samples/ok.wav",        // line 13
		"samples/alias.wav",     // 16
		"samples/sub/up.wav",    // 19
		"samples/escape.wav",    // 22
		"samples/abs.wav",       // 25
		"outdir/secret.wav",     // 28
		"samples/loop.wav",      // 31
		"samples/sub/../ok.wav", // 34
		"samples/missing.wav",   // 37
	)
	if err := os.WriteFile(filepath.Join(dir, "set.toml"), []byte(set), 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()

	want := strings.Join([]string{
		`set.toml:22:12: sample "samples/escape.wav": path escapes the set's folder`,
		`set.toml:25:12: sample "samples/abs.wav": path escapes the set's folder`,
		`set.toml:28:12: sample "outdir/secret.wav": path escapes the set's folder`,
		`set.toml:31:12: sample "samples/loop.wav": cannot read: too many symbolic links`,
		`set.toml:37:12: sample "samples/missing.wav": file not found`,
	}, "\n")
	s, err := Load(root.FS(), "set.toml")
	if err == nil || err.Error() != want {
		t.Errorf("Load(os.Root):\n%v\nwant\n%s", err, want)
	}
	if s == nil {
		t.Error("Load returned no set; want the set alongside the sample errors")
	}

	// Without our own link check (an fs.FS that can't read links), os.Root
	// still refuses the escapes.
	_, err = Load(statOnly{root.FS()}, "set.toml")
	for _, line := range []string{"22:12", "25:12", "28:12"} {
		if err == nil || !strings.Contains(err.Error(), line+`: sample "`) || !strings.Contains(err.Error(), "path escapes the set's folder") {
			t.Errorf("Load(os.Root without ReadLinkFS): want an escape at %s, got\n%v", line, err)
		}
	}

	// Lexical escapes are caught by Parse, before any file is touched.
	for _, p := range []string{"../outside/secret.wav", "/etc/passwd", filepath.Join(outside, "secret.wav"), "samples/../../x.wav"} {
		_, err := Parse("set.toml", []byte(clipSet(p)))
		if err == nil || !(strings.Contains(err.Error(), "path escapes the set's folder") || strings.Contains(err.Error(), "the path is absolute")) {
			t.Errorf("Parse(sample %q) = %v, want a refusal", p, err)
		}
	}
}

// statOnly hides every method but Open and Stat.
type statOnly struct{ fsys fs.FS }

func (s statOnly) Open(name string) (fs.File, error) { return s.fsys.Open(name) }

// TestLoad_SubfolderSymlinkEscape: a set in a subfolder of the fsys may not
// reach a sibling folder through a link, even though the fsys allows it.
func TestLoad_SubfolderSymlinkEscape(t *testing.T) {
	fsys := fstest.MapFS{
		"sets/a/set.toml":  {Data: []byte(clipSet("x.wav", "in.wav"))},
		"sets/a/x.wav":     {Data: []byte("../b/y.wav"), Mode: fs.ModeSymlink},
		"sets/a/in.wav":    {Data: []byte("sub/../real.wav"), Mode: fs.ModeSymlink},
		"sets/a/sub/.keep": {},
		"sets/a/real.wav":  {Data: []byte("RIFF")},
		"sets/b/y.wav":     {Data: []byte("RIFF")},
	}
	_, err := Load(fsys, "sets/a/set.toml")
	want := `sets/a/set.toml:6:12: sample "x.wav": path escapes the set's folder`
	if err == nil || err.Error() != want {
		t.Errorf("Load: got %v, want %s", err, want)
	}
}

// TestCheckKeepsTheSetForReporting: with a problem in the text, Load returns
// no set, but Check returns the set as far as it decoded, and both report the
// text's problem and the missing sample in one run.
func TestCheckKeepsTheSetForReporting(t *testing.T) {
	src := "tempo = 1200\n[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"gone.wav\"\n"
	fsys := fstest.MapFS{"set.toml": {Data: []byte(src)}}
	want := "set.toml:1:9: tempo 1200 is out of range 20..999\nset.toml:6:12: sample \"gone.wav\": file not found"
	set, err := Load(fsys, "set.toml")
	if set != nil || err == nil || err.Error() != want {
		t.Fatalf("Load: set %v, error:\n%v\nwant:\n%s", set != nil, err, want)
	}
	set, err = Check(fsys, "set.toml")
	if set == nil || err == nil || err.Error() != want {
		t.Fatalf("Check: set %v, error:\n%v\nwant:\n%s", set != nil, err, want)
	}
	if refs := set.Samples(); len(refs) != 1 || refs[0].Pos != (Pos{6, 12}) {
		t.Fatalf("Check's set samples: %+v", refs)
	}
}

func TestErrorSampleTellsSampleFilesFromText(t *testing.T) {
	src := "tempo = 1200\n[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"gone.wav\"\n"
	_, err := Check(fstest.MapFS{"set.toml": {Data: []byte(src)}}, "set.toml")
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 2 || errs[0].Sample() || !errs[1].Sample() {
		t.Fatalf("want the tempo problem as text and the missing file as a sample problem: %v", err)
	}
}

// A set file that is a FIFO is refused at once: reading it would wait for
// a writer forever (a reload's goroutine, a switch from the browser view).
func TestLoad_FIFOIsRefused(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.toml"), 0o644); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	done := make(chan error, 1)
	go func() { _, err := Load(root.FS(), "pipe.toml"); done <- err }()
	select {
	case err := <-done:
		if err == nil || err.Error() != "pipe.toml: is not a regular file" {
			t.Errorf("Load(a FIFO) = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Load(a FIFO) still waits after 5 s")
	}
}
