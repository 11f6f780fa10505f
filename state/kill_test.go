package state

// The kill -9 tests (T9 (a) in docs/realtime-and-reliability.md): a child
// process, this test binary re-executed with GRIDBOX_STATE_WRITER set, saves
// generations in a loop, and the parent kills it with SIGKILL at random
// moments, then checks what is on disk. A killed process loses nothing from
// the page cache, so these tests prove that Save is atomic, not that it is
// durable across a power cut (see the package doc).

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	// writerEnv makes this process a writer child: "store" saves with a
	// Store, "naive" with os.WriteFile straight onto the generation file.
	writerEnv = "GRIDBOX_STATE_WRITER"
	dirEnv    = "GRIDBOX_STATE_DIR"  // the child's folder
	nextEnv   = "GRIDBOX_STATE_NEXT" // the child's first payload number

	killsEnv = "GRIDBOX_STATE_KILLS" // overrides the number of kills (a soak on the Pi)
	seedEnv  = "GRIDBOX_STATE_SEED"  // overrides the seed of the kill delays

	killName = "live.toml"
)

func TestMain(m *testing.M) {
	if kind := os.Getenv(writerEnv); kind != "" {
		os.Exit(writer(kind))
	}
	os.Exit(m.Run())
}

// writer is the child: it saves payload(k) for k = next, next+1, … until it
// is killed, printing "saved K MICROS" after each Save returns.
func writer(kind string) int {
	dir := os.Getenv(dirEnv)
	next, err := strconv.ParseUint(os.Getenv(nextEnv), 10, 64)
	if err != nil {
		fmt.Fprintln(os.Stderr, "writer:", err)
		return 2
	}
	var save func([]byte) error
	switch kind {
	case "store":
		s, err := Open(dir, killName, Options{})
		if err != nil {
			fmt.Fprintln(os.Stderr, "writer:", err)
			return 2
		}
		save = s.Save
	case "naive":
		path := filepath.Join(dir, killName+".0000000001.state")
		var file []byte
		save = func(p []byte) error {
			file = append(appendHeader(file[:0], p), p...)
			return os.WriteFile(path, file, 0o644)
		}
	default:
		fmt.Fprintf(os.Stderr, "writer: %s=%q; want store or naive\n", writerEnv, kind)
		return 2
	}
	buf := make([]byte, maxPayload)
	for k := next; ; k++ {
		p := payload(buf, k)
		start := time.Now()
		if err := save(p); err != nil {
			fmt.Fprintln(os.Stderr, "writer:", err)
			return 1
		}
		// One write(2) straight to the pipe: once it returns, the parent
		// will read it, whenever the kill comes.
		os.Stdout.WriteString("saved " + strconv.FormatUint(k, 10) + " " + strconv.FormatInt(time.Since(start).Microseconds(), 10) + "\n")
	}
}

// Payloads: payload k is 16 bytes (k and the length, little-endian) then
// a 64 KiB pseudo-random pattern, repeated, starting at an offset into it
// that depends on k. Its length depends on k too: a quarter up to 4 KiB, then
// up to 256 KiB, up to 1 MiB, and 15% of 2 to 4 MiB, so that some saves take
// long enough for kills to land mid-write and mid-fsync. The parent can tell
// payload k from any other payload and from a mixture of two. The pattern
// is small so that a child makes it in well under a millisecond.
const (
	patternLen = 64 << 10
	maxPayload = 4 << 20
)

// pattern is the pattern twice over, so that any patternLen-byte window
// of it is contiguous.
var pattern = sync.OnceValue(func() []byte {
	b := make([]byte, 2*patternLen)
	rand.NewChaCha8([32]byte{'g', 'r', 'i', 'd', 'b', 'o', 'x'}).Read(b[:patternLen])
	copy(b[patternLen:], b[:patternLen])
	return b
})

// mix is SplitMix64's finaliser: a well-spread hash of k.
func mix(k uint64) uint64 {
	k += 0x9e3779b97f4a7c15
	k = (k ^ k>>30) * 0xbf58476d1ce4e5b9
	k = (k ^ k>>27) * 0x94d049bb133111eb
	return k ^ k>>31
}

func payloadSize(k uint64) int {
	h := mix(k)
	r, v := h%100, h>>8
	switch {
	case r < 25:
		return 16 + int(v%(4<<10))
	case r < 55:
		return 4<<10 + int(v%(252<<10))
	case r < 85:
		return 256<<10 + int(v%(768<<10))
	}
	return 2<<20 + int(v%(2<<20))
}

// payloadBody calls f with each piece of payload k after its first 16
// bytes, in order: the window of the pattern that belongs there.
func payloadBody(k uint64, f func(piece []byte) bool) bool {
	pat := pattern()
	off := int(mix(^k) % patternLen)
	for n := payloadSize(k) - 16; n > 0; {
		piece := pat[off : off+min(n, patternLen)]
		if !f(piece) {
			return false
		}
		n -= len(piece)
	}
	return true
}

// payload returns payload k, in buf if it is large enough.
func payload(buf []byte, k uint64) []byte {
	n := payloadSize(k)
	p := slices.Grow(buf[:0], n)[:16]
	binary.LittleEndian.PutUint64(p[0:8], k)
	binary.LittleEndian.PutUint64(p[8:16], uint64(n))
	payloadBody(k, func(piece []byte) bool {
		p = append(p, piece...)
		return true
	})
	return p
}

// payloadNumber returns k if p is exactly payload k.
func payloadNumber(p []byte) (uint64, error) {
	if len(p) < 16 {
		return 0, fmt.Errorf("garbage: a %d-byte payload, shorter than any written", len(p))
	}
	k, n := binary.LittleEndian.Uint64(p[0:8]), binary.LittleEndian.Uint64(p[8:16])
	if n != uint64(len(p)) || k > 1<<40 || payloadSize(k) != len(p) {
		return 0, fmt.Errorf("garbage: %d bytes, saying payload %d of %d bytes", len(p), k, n)
	}
	rest := p[16:]
	if !payloadBody(k, func(piece []byte) bool {
		ok := bytes.Equal(rest[:len(piece)], piece)
		rest = rest[len(piece):]
		return ok
	}) {
		return 0, fmt.Errorf("garbage: payload %d of %d bytes, with the wrong contents", k, len(p))
	}
	return k, nil
}

// A killRun counts what the kills found.
type killRun struct {
	kills, bad int
	firstBad   []string // the first few failures, described

	// Where the kills landed (the Store writer only), told from the files
	// the child left: a temporary file shorter than the new generation
	// (mid-write), a full one (written: in the fsync, the read-back or the
	// rename), no temporary file and the new payload loaded (renamed: in
	// the folder fsync, pruning, or before the "saved" line), or neither
	// (between saves: building the next payload, or in the next Save
	// before its temporary file exists).
	midWrite, written, renamed, between int

	saves     int           // Saves the children reported done
	saveTime  time.Duration // their total duration
	bigSaves  int           // those of 2 MiB or more
	bigTime   time.Duration
	maxBig    time.Duration
	cycleTime time.Duration // from starting a child to having checked its files
	firstSave time.Duration // from starting a child to its first "saved" line
	slept     time.Duration // the random delays
	checkTime time.Duration // in check
}

// kill runs n kill cycles of the kind of writer on a new folder. For each,
// it starts a writer child, waits until it has saved once, waits a random
// delay (0 to maxDelay), kills it with SIGKILL and checks the folder with
// check.
func kill(t *testing.T, kind string, n int, maxDelay time.Duration) *killRun {
	seed := uint64(20240604)
	if s := os.Getenv(seedEnv); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("%s: %v", seedEnv, err)
		}
	}
	t.Logf("%s writer: %d kills, delays 0..%v, seed %d (%s)", kind, n, maxDelay, seed, seedEnv)
	rng := rand.New(rand.NewPCG(seed, uint64(len(kind))))
	dir := filepath.Join(t.TempDir(), DirName)
	s, err := Open(dir, killName, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Payload 0 is there before the first child starts, so there is always
	// an old payload to find.
	if err := s.Save(payload(nil, 0)); err != nil {
		t.Fatal(err)
	}
	r := &killRun{}
	last := uint64(0) // the newest payload known to be on disk
	for i := 0; i < n; i++ {
		start := time.Now()
		saved, err := killOne(kind, dir, last+1, time.Duration(rng.Int64N(int64(maxDelay)+1)), r)
		if err != nil {
			t.Fatalf("kill %d: %v", i+1, err)
		}
		checkStart := time.Now()
		k, err := r.check(dir, kind, uint64(saved))
		r.checkTime += time.Since(checkStart)
		r.kills++
		r.cycleTime += time.Since(start)
		if err != nil {
			r.bad++
			if len(r.firstBad) < 5 {
				r.firstBad = append(r.firstBad, fmt.Sprintf("kill %d: %v", i+1, err))
			}
			// Put a whole payload back, as a fresh start would, so
			// that the next kill is judged on its own.
			k = uint64(saved)
			os.RemoveAll(dir)
			s, err := Open(dir, killName, Options{})
			if err == nil {
				err = s.Save(payload(nil, k))
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		last = k
	}
	if kind == "store" {
		// However many kills landed mid-prune, the next whole Save
		// leaves Keep generations and nothing else.
		s, err := Open(dir, killName, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Save(payload(nil, last+1)); err != nil {
			t.Fatal(err)
		}
		if got := files(t, dir); !slices.Equal(got, genNames(makeRange(s.last-DefaultKeep+1, s.last)...)) {
			t.Errorf("after the kills and one more Save: files = %q; want the %d newest generations", got, DefaultKeep)
		}
	}
	t.Logf("%s writer: %d kills in %v (%.1f ms a cycle: %.1f ms to the first save, %.1f ms of delay, %.1f ms checking); %d bad",
		kind, r.kills, r.cycleTime.Round(time.Millisecond), ms(r.cycleTime)/float64(r.kills),
		ms(r.firstSave)/float64(r.kills), ms(r.slept)/float64(r.kills), ms(r.checkTime)/float64(r.kills), r.bad)
	if kind == "store" {
		t.Logf("kills landed: %d mid-write, %d after the write (fsync, read-back, rename), %d after the rename (folder fsync, prune), %d between saves",
			r.midWrite, r.written, r.renamed, r.between)
	}
	if r.saves > 0 && r.bigSaves > 0 {
		t.Logf("saves completed: %d, mean %.1f ms; %d of 2 MiB or more, mean %.1f ms, max %.1f ms",
			r.saves, ms(r.saveTime)/float64(r.saves), r.bigSaves, ms(r.bigTime)/float64(r.bigSaves), ms(r.maxBig))
	}
	return r
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// killOne starts a writer child at payload next, kills it delay after its
// first Save returned, and returns the last payload it reported saved.
// Waiting for a whole Save first puts every kill inside the save loop, however
// long the process took to start on a loaded machine.
func killOne(kind, dir string, next uint64, delay time.Duration, r *killRun) (int64, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), writerEnv+"="+kind, dirEnv+"="+dir, nextEnv+"="+strconv.FormatUint(next, 10))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	saving := make(chan struct{}) // closed at the first "saved" line
	saved := int64(-1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) == 3 && f[0] == "saved" {
				k, _ := strconv.ParseInt(f[1], 10, 64)
				us, _ := strconv.ParseInt(f[2], 10, 64)
				d := time.Duration(us) * time.Microsecond
				if saved < 0 {
					close(saving)
				}
				saved = k
				r.saves++
				r.saveTime += d
				if payloadSize(uint64(k)) >= 2<<20 {
					r.bigSaves++
					r.bigTime += d
					r.maxBig = max(r.maxBig, d)
				}
			}
		}
		io.Copy(io.Discard, out)
	}()
	start := time.Now()
	select {
	case <-saving:
		r.firstSave += time.Since(start)
		time.Sleep(delay)
		r.slept += delay
	case <-done:
	case <-time.After(30 * time.Second):
	}
	killErr := cmd.Process.Kill()
	<-done // every line read before Wait closes the pipe
	werr := cmd.Wait()
	if ps := cmd.ProcessState; ps == nil || ps.Exited() {
		return 0, fmt.Errorf("the %s writer was not killed but ended (%v, kill: %v); its stderr:\n%s", kind, werr, killErr, stderr.Bytes())
	}
	if saved < 0 {
		return 0, fmt.Errorf("the %s writer saved nothing in 30 s; its stderr:\n%s", kind, stderr.Bytes())
	}
	return saved, nil
}

// check inspects the folder after a kill: the child had reported payload
// saved as its last complete Save, so Load must return payload saved or
// saved+1 (saved, not yet reported), with no problems and no temporary file
// left after Open. It returns the payload number loaded.
func (r *killRun) check(dir string, kind string, saved uint64) (uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	tmpSize := int64(-1)
	for _, e := range entries {
		switch name := e.Name(); {
		case strings.HasSuffix(name, ".tmp"):
			fi, err := e.Info()
			if err != nil {
				return 0, err
			}
			if tmpSize >= 0 {
				return 0, fmt.Errorf("two temporary files: Open did not sweep")
			}
			tmpSize = fi.Size()
		case strings.HasSuffix(name, ".state"):
		case kind == "store":
			return 0, fmt.Errorf("unexpected file %s", name)
		}
	}
	s, err := Open(dir, killName, Options{})
	if err != nil {
		return 0, err
	}
	after, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	if slices.ContainsFunc(after, func(e os.DirEntry) bool { return strings.HasSuffix(e.Name(), ".tmp") }) {
		return 0, fmt.Errorf("a temporary file is left after Open")
	}
	data, gen, problems, err := s.Load()
	switch {
	case err != nil:
		return 0, fmt.Errorf("Load: %v", err)
	case len(problems) > 0:
		return 0, fmt.Errorf("Load found problems: %v", problems)
	case gen == 0:
		return 0, fmt.Errorf("Load found no generation")
	}
	k, err := payloadNumber(data)
	if err != nil {
		return 0, fmt.Errorf("generation %d: %v", gen, err)
	}
	if k != saved && k != saved+1 {
		return 0, fmt.Errorf("generation %d holds payload %d; the child had saved %d, so want %d or %d", gen, k, saved, saved, saved+1)
	}
	if kind == "store" {
		full := int64(headerLen + payloadSize(saved+1))
		switch {
		case tmpSize >= 0 && tmpSize < full:
			r.midWrite++
		case tmpSize >= 0:
			r.written++
		case k == saved+1:
			r.renamed++
		default:
			r.between++
		}
	}
	return k, nil
}

// raceEnabled is set by race_test.go.
var raceEnabled bool

// kills is the number of kills: n, or raceN under the race detector, or
// GRIDBOX_STATE_KILLS.
func kills(t *testing.T, n, raceN int) int {
	if raceEnabled {
		n = raceN
	}
	if s := os.Getenv(killsEnv); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			t.Fatalf("%s=%q: want a number of kills", killsEnv, s)
		}
	}
	return n
}

// TestKill9: 1000 kills (150 under the race detector) of a Store writer,
// each at a random moment of its save loop, and every time the folder holds
// the old payload or the new one, whole, with no problem, and no temporary
// file after Open.
func TestKill9(t *testing.T) {
	t.Parallel() // with the negative control: each waits mostly on its child
	r := kill(t, "store", kills(t, 1000, 150), 15*time.Millisecond)
	if r.bad > 0 {
		t.Errorf("%d of %d kills left a bad state; the first:\n%s", r.bad, r.kills, strings.Join(r.firstBad, "\n"))
	}
	if r.midWrite+r.written+r.renamed == 0 {
		t.Errorf("all %d kills landed between saves, none inside one: the test proves nothing", r.kills)
	}
}

// TestKill9NaiveWriterCorrupts is the negative control: the same kills of a
// writer that uses os.WriteFile straight onto the generation file (no
// temporary file, no rename) must leave a torn or empty file at least once,
// which shows that TestKill9 would see one.
func TestKill9NaiveWriterCorrupts(t *testing.T) {
	t.Parallel()
	r := kill(t, "naive", kills(t, 200, 100), 15*time.Millisecond)
	if r.bad == 0 {
		t.Errorf("0 of %d kills of the naive writer left a bad state; want at least 1", r.kills)
	}
	t.Logf("naive writer: %d of %d kills left a bad state, such as:\n%s", r.bad, r.kills, strings.Join(r.firstBad, "\n"))
}
