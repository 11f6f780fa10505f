package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"gridbox/audio"
	"gridbox/audio/wav"
)

// spoolFixtures are the compressed fixtures, and the bits per sample Spool
// stores each in: 16 where every sample is a 16-bit integer (MP3, FLAC of up
// to 16 bits), 32 (float) otherwise.
var spoolFixtures = []struct {
	file string
	bits int
}{
	{"sine1k_mono_44k_s16.flac", 16},
	{"sine1k_mono_22k_s8.flac", 16},
	{"sine_stereo_96k_s24.flac", 32},
	{"sine1k_mono_44k.mp3", 16},
	{"sine_stereo_48k_id3.mp3", 16},
	{"sine1k_mono_44k.ogg", 32},
	{"sine_stereo_48k.ogg", 32},
	{"noise_stereo_44k.ogg", 32},
}

// longMP3 repeats the audio frames of testdata/sine1k_mono_44k.mp3 (9
// frames of 1152) times times behind the file's LAME Info frame, whose frame
// count becomes the count of frames there are plus extra: with extra 0 the
// header holds and the padding is trimmed at the end; otherwise every frame
// is kept. A file of several chunks, for the frames mp3Decoder holds back.
func longMP3(t testing.TB, times, extra int) []byte {
	t.Helper()
	mp3 := fixture(t, "sine1k_mono_44k.mp3")
	info, _ := mp3FrameLen(mp3)
	p := bytes.Index(mp3[:info], []byte("Info")) + 8 // the frame count, after the flags
	count := int(binary.BigEndian.Uint32(mp3[p:]))
	out := slices.Clone(mp3[:info])
	binary.BigEndian.PutUint32(out[p:], uint32(count*times+extra))
	for range times {
		out = append(out, mp3[info:]...)
	}
	return out
}

// sox makes the file name in dir with sox: "sox -n [args] name
// synth [synth]". Tests that need it are skipped without sox (Debian package
// sox; CI installs it).
func sox(t testing.TB, dir, name string, args []string, synth ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("sox"); err != nil {
		t.Skip("sox not installed (Debian package sox)")
	}
	path := filepath.Join(dir, name)
	cmd := append(append(append([]string{"-R", "-n"}, args...), path, "synth"), synth...)
	if out, err := exec.Command("sox", cmd...).CombinedOutput(); err != nil {
		t.Fatalf("sox %s: %v\n%s", strings.Join(cmd, " "), err, out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// spoolCase is a file to spool, under a name.
type spoolCase struct {
	name string // the file's name, whose extension may lie
	data []byte
	bits int // what Spool stores it in: 16 or 32 (float)
}

// spoolCases returns the compressed fixtures and files made with sox that
// the fixtures lack (16-bit stereo and 24-bit mono FLAC, 6 channels, Ogg
// with 3 and 5 channels, files of many chunks), MP3 without a LAME header
// and with headers that hold or do not hold, and misnamed files.
func spoolCases(t *testing.T) []spoolCase {
	var cases []spoolCase
	for _, f := range spoolFixtures {
		cases = append(cases, spoolCase{f.file, fixture(t, f.file), f.bits})
	}
	dir := t.TempDir()
	s16 := []string{"-r", "44100", "-b", "16"}
	for _, c := range []struct {
		name  string
		args  []string
		synth []string
		bits  int
	}{
		{"stereo_s16.flac", append([]string{"-c", "2"}, s16...), []string{"3", "pinknoise", "sine", "1500"}, 16},
		{"mono_s24.flac", []string{"-c", "1", "-r", "48000", "-b", "24"}, []string{"2", "sine", "300-3000"}, 32},
		{"six_channels_s16.flac", append([]string{"-c", "6"}, s16...), []string{"1", "sine", "100", "sine", "200", "sine", "300", "sine", "400", "sine", "500", "sine", "600"}, 16},
		{"three_channels.ogg", []string{"-c", "3", "-r", "44100"}, []string{"1", "sine", "100", "sine", "200", "sine", "300"}, 32},
		{"five_channels.ogg", []string{"-c", "5", "-r", "44100"}, []string{"1", "sine", "100", "sine", "200", "sine", "300", "sine", "400", "sine", "500"}, 32},
		{"stereo_long.ogg", []string{"-c", "2", "-r", "32000"}, []string{"4", "pinknoise", "sine", "700"}, 32},
	} {
		cases = append(cases, spoolCase{c.name, sox(t, dir, c.name, c.args, c.synth...), c.bits})
	}
	mp3 := fixture(t, "sine1k_mono_44k.mp3")
	info, _ := mp3FrameLen(mp3)
	cases = append(cases,
		spoolCase{"no_lame_header.mp3", mp3[info:], 16},
		spoolCase{"long_lame.mp3", longMP3(t, 7, 0), 16},
		spoolCase{"long_lame_counts_more.mp3", longMP3(t, 7, 2), 16},
		spoolCase{"long_lame_counts_fewer.mp3", longMP3(t, 7, -1), 16},
		spoolCase{"flac_named.wav", fixture(t, "sine1k_mono_44k_s16.flac"), 16},
		spoolCase{"ogg_named.mp3", fixture(t, "sine_stereo_48k.ogg"), 32},
	)
	return cases
}

// TestSpoolMatchesDecode spools every case, whole and cut short (mid-frame
// and mid-file), and checks that the temporary file reads, at random
// positions, the very frames Decode returns, bit for bit (ReadPCM16 the
// very integers, where 16-bit), with the same Problems, or that Spool fails
// with Decode's error; and that nothing is left in the temporary folder.
// The cases run in parallel: Spool is safe for concurrent use on different
// files (run with -race).
func TestSpoolMatchesDecode(t *testing.T) {
	for i, c := range spoolCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			rng := rand.New(rand.NewPCG(uint64(i), 2))
			for _, n := range []int{len(c.data), len(c.data) - 1, len(c.data) * 9 / 10, len(c.data) * 6 / 10, len(c.data) * 3 / 10} {
				spoolSame(t, fmt.Sprintf("%s cut at %d of %d bytes", c.name, n, len(c.data)), c.name, c.data[:n], dir, c.bits, rng)
			}
		})
	}
}

// spoolSame spools data, named file, into dir and compares it with Decode
// (see TestSpoolMatchesDecode).
func spoolSame(t *testing.T, name, file string, data []byte, dir string, bits int, rng *rand.Rand) {
	t.Helper()
	b, problems, err := Decode(bytes.NewReader(data), file)
	s, sproblems, serr := Spool(fstest.MapFS{file: {Data: data}}, file, dir)
	defer emptyDir(t, name, dir)
	if err != nil || serr != nil {
		if err == nil || serr == nil || serr.Error() != err.Error() || s != nil {
			t.Errorf("%s: Decode: %v; Spool: %v", name, err, serr)
		}
		t.Logf("%s: %v", name, serr)
		return
	}
	defer s.Close()
	frames, ch := b.Frames(), b.Channels
	if s.Rate() != b.Rate || s.Channels() != ch || s.Frames() != int64(frames) || !slices.Equal(sproblems, problems) {
		t.Fatalf("%s: Spool: %d Hz × %d, %d frames, %q; Decode: %d Hz × %d, %d frames, %q",
			name, s.Rate(), s.Channels(), s.Frames(), sproblems, b.Rate, ch, frames, problems)
	}
	if s.Bits() != bits || s.Float() != (bits == 32) {
		t.Errorf("%s: spooled as %d bits (float %v), want %d", name, s.Bits(), s.Float(), bits)
	}
	var pcm16 []int16
	if bits == 16 {
		pcm16 = make([]int16, len(b.Data))
		for i, x := range b.Data {
			pcm16[i] = int16(x * 32768)
		}
	}
	read := func(at, n int) {
		dst := make([]float32, n*ch)
		got, err := s.ReadFrames(dst, int64(at))
		if want := max(0, min(n, frames-at)); got != want || (got < n) != (err == io.EOF) || (err != nil && err != io.EOF) {
			t.Fatalf("%s: ReadFrames(%d frames at %d) = %d, %v; want %d", name, n, at, got, err, want)
		}
		if !sameBits(dst[:got*ch], b.Data[at*ch:(at+got)*ch]) {
			t.Fatalf("%s: ReadFrames(%d frames at %d) differs from Decode", name, n, at)
		}
		if pcm16 == nil {
			return
		}
		ints := make([]int16, n*ch)
		if got, err := s.ReadPCM16(ints, int64(at)); !slices.Equal(ints[:got*ch], pcm16[at*ch:(at+got)*ch]) || (err != nil && err != io.EOF) {
			t.Fatalf("%s: ReadPCM16(%d frames at %d) = %d, %v: differs from Decode", name, n, at, got, err)
		}
	}
	read(0, frames+3)
	for range 20 {
		read(rng.IntN(frames+1), rng.IntN(frames+1))
	}
	t.Logf("%s: %d frames, %s", name, frames, problems)
}

// emptyDir fails the test if dir holds anything.
func emptyDir(t *testing.T, what, dir string) {
	t.Helper()
	if left, err := os.ReadDir(dir); err != nil || len(left) > 0 {
		t.Errorf("%s: left in the temporary folder: %v %v", what, left, err)
	}
}

// TestSpoolErrors: a file that is not audio, an uncompressed one, a missing
// one, a compressed file damaged mid-way, one a decoder panics on, one too
// long for a WAV file, and a folder that does not exist all fail with a
// plain-words error (Decode's, for the file's faults), and leave nothing in
// the folder.
func TestSpoolErrors(t *testing.T) {
	dir := t.TempDir()
	flac := fixture(t, "sine1k_mono_44k_s16.flac")
	damaged := bytes.Clone(flac)
	clear(damaged[len(flac)/2 : len(flac)/2+200])
	ogg := fixture(t, "sine_stereo_48k.ogg")
	second := bytes.Index(ogg[4:], []byte("OggS")) + 4
	panics := bytes.Clone(ogg)
	panics[second+26] = 0 // see TestOggPanicRecovered
	fsys := fstest.MapFS{
		"text.flac":    {Data: []byte("hello, this is not audio at all")},
		"long_id3.mp3": {Data: []byte("ID30000000")}, // a tag of 100 MB, in a file of 10 bytes (found by FuzzSpool)
		"kick.wav":     {Data: wavBytes(t)},
		"snare.aiff":   {Data: fixture(t, "sine_stereo_44k_s16.aiff")},
		"damaged.flac": {Data: damaged},
		"panics.ogg":   {Data: panics},
		"ok.flac":      {Data: flac},
		"dir.mp3":      {Mode: fs.ModeDir},
	}
	for _, c := range []struct {
		file, dir, want string
		is              error
		asDecode        bool // the file's fault: Decode fails it so too
	}{
		{"text.flac", dir, `codec: "text.flac": not a supported audio file (WAV, AIFF, FLAC, MP3, Ogg Vorbis)`, ErrUnsupported, true},
		{"long_id3.mp3", dir, `codec: "long_id3.mp3": not a supported audio file (WAV, AIFF, FLAC, MP3, Ogg Vorbis)`, ErrUnsupported, true},
		{"kick.wav", dir, `codec: "kick.wav": not a compressed (FLAC, MP3, Ogg Vorbis) file: it is a WAV file (read it with OpenPCM)`, ErrNotCompressed, false},
		{"snare.aiff", dir, `codec: "snare.aiff": not a compressed (FLAC, MP3, Ogg Vorbis) file: it is an AIFF file (read it with OpenPCM)`, ErrNotCompressed, false},
		{"damaged.flac", dir, `codec: "damaged.flac": flac: frame at 0.09 s is damaged`, nil, true},
		{"panics.ogg", dir, `codec: "panics.ogg": vorbis: damaged data (the decoder crashed on it)`, nil, true},
		{"missing.flac", dir, `codec: open missing.flac: file does not exist`, fs.ErrNotExist, false},
		{"dir.mp3", dir, `codec: "dir.mp3": is a directory`, nil, false},
		{"ok.flac", filepath.Join(dir, "missing"), fmt.Sprintf(`codec: "ok.flac": writing its decoded copy in %q: no such file or directory`, filepath.Join(dir, "missing")), fs.ErrNotExist, false},
	} {
		s, problems, err := Spool(fsys, c.file, c.dir)
		if s != nil || problems != nil || err == nil || err.Error() != c.want || (c.is != nil && !errors.Is(err, c.is)) {
			t.Errorf("%s: Spool = %v, %v, %v; want %q", c.file, s, problems, err, c.want)
		}
		if c.asDecode {
			if _, _, derr := Decode(bytes.NewReader(fsys[c.file].Data), c.file); derr == nil || derr.Error() != err.Error() {
				t.Errorf("%s: Spool's error %q is not Decode's %q", c.file, err, derr)
			}
		}
		emptyDir(t, c.file, dir)
	}

	defer func(f func(audio.Format, wav.SampleFormat) int64) { maxSpoolFrames = f }(maxSpoolFrames)
	maxSpoolFrames = func(audio.Format, wav.SampleFormat) int64 { return 5000 }
	if _, _, err := Spool(fsys, "ok.flac", dir); err == nil || err.Error() != `codec: "ok.flac": flac: is too long: it decodes to more than the 4 GiB a temporary WAV file holds` {
		t.Errorf("a file too long to spool: %v", err)
	}
	emptyDir(t, "too long", dir)
}

// TestSpoolMemoryBounded spools 20 s and 3 minutes of stereo 44.1 kHz FLAC
// (made by sox) and of MP3 with a LAME header (the fixture's frames
// repeated), sampling the Go heap in use while it runs: what Spool adds
// stays under 4 MiB whatever the length, where decoding 3 minutes whole
// takes 60 MiB of float32. Decode of the 20 s file, measured the same way,
// shows that the measure sees a whole decode (over 7 MiB).
func TestSpoolMemoryBounded(t *testing.T) {
	if raceEnabled {
		t.Skip("measured without the race detector (make unit), which makes decoding 6 times slower and has nothing to check in one goroutine")
	}
	const long = 180
	src := t.TempDir()
	stereo := []string{"-c", "2", "-r", "44100", "-b", "16"}
	sox(t, src, "short.flac", stereo, "20", "sine", "220", "sine", "330")
	sox(t, src, "long.flac", stereo, fmt.Sprint(long), "sine", "220", "sine", "330")
	// 9 frames of 1152 at 44.1 kHz: 0.235 s a repeat.
	for name, times := range map[string]int{"short.mp3": 85, "long.mp3": long * 44100 / (9 * 1152)} {
		if err := os.WriteFile(filepath.Join(src, name), longMP3(t, times, 0), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fsys, dir := os.DirFS(src), t.TempDir()
	const bound = 4 << 20
	for _, name := range []string{"short.flac", "long.flac", "short.mp3", "long.mp3"} {
		var s *Spooled
		peak, alloc := heapGrowth(func() {
			var err error
			if s, _, err = Spool(fsys, name, dir); err != nil {
				t.Fatal(err)
			}
		})
		seconds := float64(s.Frames()) / float64(s.Rate())
		whole := float64(s.Frames()) * float64(s.Channels()) * 4
		s.Close()
		t.Logf("%s: %.1f s: heap in use grew by at most %.2f MiB while spooling (%.1f MiB allocated in all); decoded whole it is %.1f MiB of float32",
			name, seconds, float64(peak)/(1<<20), float64(alloc)/(1<<20), whole/(1<<20))
		if peak > bound {
			t.Errorf("%s: spooling took %.1f MiB of heap, want under %d MiB", name, float64(peak)/(1<<20), bound>>20)
		}
	}
	peak, _ := heapGrowth(func() {
		if _, _, err := DecodeFile(fsys, "short.flac"); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("Decode of short.flac: heap in use grew by %.1f MiB", float64(peak)/(1<<20))
	if peak < 20*44100*2*4 {
		t.Errorf("Decode of short.flac: heap in use grew by %.1f MiB: the measure missed its 6.7 MiB Buffer", float64(peak)/(1<<20))
	}
}

// heapGrowth runs f and returns how far the heap in use (HeapInuse, sampled
// every millisecond, the garbage collector running at GOGC=5 so that
// garbage hardly counts) rose above what it was before, and how many bytes
// f allocated in all.
func heapGrowth(f func()) (peak, alloc uint64) {
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	runtime.GC()
	var before, m runtime.MemStats
	runtime.ReadMemStats(&before)
	var (
		top  = before.HeapInuse
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	sample := func() {
		runtime.ReadMemStats(&m)
		top = max(top, m.HeapInuse)
	}
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				sample()
			}
		}
	})
	f()
	close(done)
	wg.Wait()
	sample()
	return top - before.HeapInuse, m.TotalAlloc - before.TotalAlloc
}

// TestSpoolUnlinked: the temporary file has no name in its folder while the
// Spooled reads it, and Close closes it (on Linux, where /proc shows the
// process's open files: no descriptor of the folder's is left open). The
// fallback for file systems without O_TMPFILE removes its file at once.
func TestSpoolUnlinked(t *testing.T) {
	dir := t.TempDir()
	s, _, err := Spool(os.DirFS("testdata"), "sine_stereo_48k.ogg", dir)
	if err != nil {
		t.Fatal(err)
	}
	emptyDir(t, "while open", dir)
	open := openIn(t, dir)
	if runtime.GOOS == "linux" && len(open) != 1 {
		t.Errorf("open files in the folder: %q, want one (deleted)", open)
	}
	buf := make([]float32, 2*100)
	if n, err := s.ReadFrames(buf, 5000); n != 100 || err != nil {
		t.Errorf("ReadFrames = %d, %v", n, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if open := openIn(t, dir); len(open) != 0 {
		t.Errorf("open after Close: %q", open)
	}
	if _, err := s.ReadFrames(buf, 0); err == nil {
		t.Error("ReadFrames after Close: no error")
	}

	f, err := createRemoved(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	emptyDir(t, "createRemoved", dir)
	if _, err := f.WriteString("spooled"); err != nil {
		t.Error(err)
	}
}

// openIn lists the files in dir this process has open, as /proc shows them
// (none where there is no /proc).
func openIn(t *testing.T, dir string) []string {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return nil
	}
	var open []string
	for _, fd := range fds {
		if l, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && strings.HasPrefix(l, dir+"/") {
			open = append(open, l)
		}
	}
	return open
}

// liar is a chunkDecoder that promises 16-bit samples and, if bad, ends
// with one that is not.
type liar struct {
	chunks int
	bad    bool
}

func (l *liar) format() (int, int, bool) { return 44100, 1, true }
func (l *liar) cut() (string, error)     { return "", nil }
func (l *liar) next() ([]float32, error) {
	if l.chunks == 0 {
		return nil, io.EOF
	}
	l.chunks--
	if l.chunks == 0 && l.bad {
		return []float32{0.5, 0x1p-16}, nil
	}
	return []float32{0.5, -1}, nil
}

// TestSpoolNot16: a stream whose decoder promised 16-bit samples is spooled
// as 16-bit, unless a sample proves not to be one: then it is spooled again,
// from the start, in float, and still reads what was decoded.
func TestSpoolNot16(t *testing.T) {
	for _, bad := range []bool{false, true} {
		f, err := createUnlinked(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		open := func(io.ReadSeeker) (chunkDecoder, error) { return &liar{chunks: 3, bad: bad}, nil }
		size, _, err := spool(f, bytes.NewReader(nil), open)
		if err != nil {
			t.Fatal(err)
		}
		p, err := OpenPCM(f, size, "x")
		if err != nil {
			t.Fatal(err)
		}
		got := make([]float32, 6)
		n, _ := p.ReadFrames(got, 0)
		want := []float32{0.5, -1, 0.5, -1, 0.5, -1}
		if bad {
			want[5] = 0x1p-16
		}
		if n != 6 || !sameBits(got, want) || p.Bits() != map[bool]int{false: 16, true: 32}[bad] {
			t.Errorf("bad %v: %d-bit file reads %v, want %v", bad, p.Bits(), got[:n], want)
		}
	}
}

// noSeekFS hides the Seek of its files.
type noSeekFS struct{ fs.FS }

func (n noSeekFS) Open(name string) (fs.File, error) {
	f, err := n.FS.Open(name)
	return struct{ fs.File }{f}, err
}

// TestSpoolFileSize: Spool reads a seekable file as it decodes, so the
// MaxFileSize limit of what is read whole does not hold it back; a file
// that cannot seek is read whole first, within the limit (lowered here to
// 2 KiB).
func TestSpoolFileSize(t *testing.T) {
	defer func(l int64) { fileLimit = l }(fileLimit)
	fileLimit = 2 << 10
	dir := t.TempDir()
	fsys := fstest.MapFS{"x.flac": {Data: fixture(t, "sine1k_mono_44k_s16.flac")}} // 4.4 KiB
	s, _, err := Spool(fsys, "x.flac", dir)
	if err != nil {
		t.Fatalf("a seekable file over the limit: %v", err)
	}
	if s.Frames() != 8820 {
		t.Errorf("%d frames, want 8820", s.Frames())
	}
	s.Close()
	if _, _, err := Spool(noSeekFS{fsys}, "x.flac", dir); err == nil || !strings.HasPrefix(err.Error(), `codec: "x.flac": file is `) || !strings.Contains(err.Error(), "larger than the") {
		t.Errorf("a file that cannot seek, over the limit: %v", err)
	}
	fileLimit = 1 << 20
	s, _, err = Spool(noSeekFS{fsys}, "x.flac", dir)
	if err != nil {
		t.Fatalf("a file that cannot seek, under the limit: %v", err)
	}
	if s.Frames() != 8820 {
		t.Errorf("%d frames, want 8820", s.Frames())
	}
	s.Close()
}

// FuzzSpool: whatever the bytes, Spool fails as Decode fails (or, for a WAV
// or AIFF file, with ErrNotCompressed), or its file reads every frame Decode
// returns, bit for bit (NaN and infinities as 0), with the same Problems; a
// panic in gridbox's own code fails. Seeds: the compressed fixtures, whole
// and cut at a few points; "go test -fuzz FuzzSpool ./audio/codec"
// explores further.
func FuzzSpool(f *testing.F) {
	for _, c := range spoolFixtures {
		s := fixture(f, c.file)
		for _, n := range []int{len(s), 300, len(s) / 2, len(s) - 1} {
			f.Add(s[:n])
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, problems, err := Decode(bytes.NewReader(data), "fuzz")
		s, sproblems, serr := Spool(fstest.MapFS{"fuzz": {Data: data}}, "fuzz", t.TempDir())
		switch {
		case errors.Is(serr, ErrNotCompressed):
			return
		case err != nil || serr != nil:
			if err == nil || serr == nil || err.Error() != serr.Error() {
				t.Fatalf("Decode: %v; Spool: %v", err, serr)
			}
			if p := (*panicError)(nil); errors.As(serr, &p) && strings.HasPrefix(p.site, "gridbox/") {
				t.Errorf("gridbox code panicked in %s: %v", p.site, p.value)
			}
			return
		}
		defer s.Close()
		if s.Rate() != b.Rate || s.Channels() != b.Channels || s.Frames() != int64(b.Frames()) || !slices.Equal(sproblems, problems) {
			t.Fatalf("Spool: %d Hz × %d, %d frames, %q; Decode: %d Hz × %d, %d frames, %q",
				s.Rate(), s.Channels(), s.Frames(), sproblems, b.Rate, b.Channels, b.Frames(), problems)
		}
		got := make([]float32, len(b.Data))
		if n, err := s.ReadFrames(got, 0); n != b.Frames() || (err != nil && err != io.EOF) {
			t.Fatalf("ReadFrames = %d, %v; want %d frames", n, err, b.Frames())
		}
		want := slices.Clone(b.Data)
		for i, x := range want {
			if x-x != 0 {
				want[i] = 0
			}
		}
		if !sameBits(got, want) {
			t.Fatal("the spooled frames differ from Decode's")
		}
	})
}
